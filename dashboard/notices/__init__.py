"""The Contracts Finder notices page's rules (logic.py) and charts (charts.py); views/notices.py draws them at
/contracts (the URL keeps its old name: links to it are shared)."""
