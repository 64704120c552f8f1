"""The Data and method page's rules (logic.py) and chart (charts.py); views/data.py draws them at /data."""
