"""The SME spend page's rules (logic.py) and charts (charts.py); views/sme_spend.py draws them at /sme-spend."""
