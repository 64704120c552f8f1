"""The Digital Marketplace page's rules (logic.py) and map and charts (charts.py); views/marketplace.py draws them."""
