"""Feeds people can subscribe to, served by the app itself beside its pages (see dashboard/server.py):

- `/feeds/contracts.ics?area=...&contracts=IT|All&horizon=6|12|24|36`: an iCalendar (RFC 5545) calendar with one
  all-day event per contract end in the expiry pipeline, with value, buyer, supplier and a link to the notice;
- `/feeds/it-notices.atom?area=...`: an Atom (RFC 4287) feed of the newest IT notices in the area.

`area` is the area's label as the dashboard's own `?area=` writes it (absent: all areas). This module only
writes the addresses (the page's subscribe links); `ical` and `atom` write the documents, `routes` serves them.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

#: This package imports nothing of the dashboard at import time: dashboard/server.py imports it before Streamlit's
#: runtime exists, and the modules with st.cache_* functions (db, filters) must be imported after it does.
CALENDAR_PATH = "/feeds/contracts.ics"
ATOM_PATH = "/feeds/it-notices.atom"



def origin(page_url: str | None) -> str:
    """'http://host:8501' from the page's URL ('' when unknown: the links are then relative to the site)."""
    if not page_url:
        return ""
    parts = urlsplit(page_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def _area(area_label: str) -> dict[str, str]:
    from dashboard.filters import NATIONAL_LABEL

    return {} if area_label == NATIONAL_LABEL else {"area": area_label}


def _query(params: dict[str, str]) -> str:
    return "?" + urlencode(params) if params else ""


def calendar_url(base: str, area_label: str, scope: str, horizon: int) -> str:
    return base + CALENDAR_PATH + _query({**_area(area_label), "contracts": scope, "horizon": str(horizon)})


def atom_url(base: str, area_label: str) -> str:
    return base + ATOM_PATH + _query(_area(area_label))
