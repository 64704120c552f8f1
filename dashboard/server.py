"""The dashboard served with its feeds: `python -m streamlit run dashboard/server.py` (what scripts/run starts).

Streamlit 1.67's `st.App` serves the pages of dashboard/app.py and takes extra Starlette routes beside them (it
refuses paths under Streamlit's own /_stcore/, /media/, /component/ and /static/); `streamlit run` finds the `app`
below and serves it with uvicorn (`uvicorn dashboard.server:app` from the repository root works too). The routes
are the subscribable feeds (dashboard/feeds): /feeds/contracts.ics and /feeds/it-notices.atom. A path of two or
more segments that names no page gets a "Page not found" page (dashboard/not_found.py).
`streamlit run dashboard/app.py` still serves the pages alone, without the feeds.

The feeds' handlers are imported on their first request, not here: this module runs before Streamlit's runtime
exists, and the dashboard's st.cache_* functions (dashboard/db.py) are best declared once it does.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ on the path, not the repository
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from dashboard.feeds import ATOM_PATH, CALENDAR_PATH  # noqa: E402
from dashboard.not_found import DeepPathNotFound  # noqa: E402


def calendar(request: Request) -> Response:
    from dashboard.feeds import routes

    return routes.calendar(request)


def atom_feed(request: Request) -> Response:
    from dashboard.feeds import routes

    return routes.atom_feed(request)


app = st.App(
    Path(__file__).with_name("app.py"),
    routes=[Route(CALENDAR_PATH, calendar, methods=["GET"]), Route(ATOM_PATH, atom_feed, methods=["GET"])],
    middleware=[Middleware(DeepPathNotFound)],  # /a/b that names no page: "Page not found", not a blank page
)
