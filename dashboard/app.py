"""Entry point: `python -m streamlit run dashboard/app.py` from the repository root.

Sets up the page and checks the warehouse once per run: when there is none yet it shows the progress of
the first-start build (which `scripts/run` normally does in the terminal before the server starts; see
warehouse_setup), and when it cannot be used it says why, with which file and the command that rebuilds
it. Otherwise it draws the shared filters and runs the page.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ on the path, not the repository
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import streamlit as st  # noqa: E402

from dashboard import db  # noqa: E402
from dashboard.filters import render_shared_filters  # noqa: E402
from dashboard.warehouse_setup import show_first_build, show_problem  # noqa: E402

st.set_page_config(
    page_title="Technology procurement reform",
    # A local favicon: a Material icon (ours or a page's) would be fetched from fonts.gstatic.com,
    # which a locked-down network (and our browser tests) cannot reach.
    page_icon=str(Path(__file__).with_name("static") / "favicon.png"),
    layout="wide",
    menu_items={
        "About": "Dashboard of UK public-sector technology procurement reform: SME share, Digital "
        "Marketplace uptake and ministers holding digital responsibility."
    },
)

# Our CSS fixes to Streamlit's own widgets (WCAG 2.2 target size): style-only HTML goes to the event
# container, so it takes no space on the page. Selectors and the reason they survive upgrades: in the file.
st.html(Path(__file__).with_name("static") / "accessibility.css")

PAGES = [
    # The default page is served at "/"; its url_path only has to be unique. /overview is the alias below.
    st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", url_path="home", default=True),
    st.Page("views/sme_spend.py", title="SME spend by department", icon=":material/bar_chart:", url_path="sme-spend"),
    st.Page("views/marketplace.py", title="Digital Marketplace uptake", icon=":material/map:", url_path="marketplace"),
    st.Page("views/ministers.py", title="Ministers and digital", icon=":material/groups:", url_path="ministers"),
    st.Page(
        "views/notices.py",
        title="Contracts Finder and Find a Tender",
        icon=":material/description:",
        url_path="contracts",
    ),
    st.Page("views/data.py", title="Data and method", icon=":material/info:", url_path="data"),
]


#: /overview (what a shared link or the page's own name suggests) shows the overview too, filters and all: the
#: same script on a hidden page. (st.switch_page would clear the link's query parameters, which the filters bind.)
OVERVIEW_ALIAS = st.Page("views/overview.py", title="Overview", url_path="overview", visibility="hidden")

navigation = st.navigation([*PAGES, OVERVIEW_ALIAS])

# Every page's one check of the warehouse, before anything reads it (the views would otherwise fail inside
# Streamlit's generic, redacted error box). Nothing is cached for a bad file: the next run tries again.
if (problem := db.problem()) is not None:
    if problem.missing:
        show_first_build(problem.path)
    else:
        show_problem(problem)
    st.stop()


def _run_page(nav) -> None:
    st.session_state["filters"] = render_shared_filters()
    with st.sidebar:
        st.page_link(
            PAGES[-1],
            label="Accessibility statement",
            icon=":material/accessibility:",
            query_params={"section": "Accessibility"},
        )
    nav.run()


# Sessions run their pages side by side. A global page lock once serialised every run, after two sessions
# inside Polars deadlocked under the rebuild drill; the cause was Python callbacks from Polars' thread pool
# (map_elements), which the page path no longer has (tests/dashboard/test_no_python_callbacks.py), and the
# drill (tests/concurrency/test_rebuild_while_reading.py) passes without the lock.
try:
    _run_page(navigation)
except duckdb.IOException as exc:  # damage the check above cannot see (a corrupt block), met by a query
    show_problem(db.WarehouseProblem(db.warehouse_path(), f"reading it failed ({str(exc).strip().splitlines()[0]})"))
