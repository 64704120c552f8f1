"""The ministers page's rules (logic.py) and charts (charts.py); views/ministers.py draws them."""
