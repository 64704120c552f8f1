"""The overview page's rules: one headline card per finding (views/overview.py draws them)."""
