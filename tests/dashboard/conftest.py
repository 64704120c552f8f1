"""Dashboard test helpers: run a page with AppTest against a warehouse built by the real writer."""

from __future__ import annotations

import html
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from dashboard.components import DOWNLOADS_KEY
from dashboard.safe_text import WORD_JOINER

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
#: page -> (its view, relative to app.py; its URL path, as app.py registers it with st.Page).
PAGES = {
    "overview": ("views/overview.py", "home"),
    "sme_spend": ("views/sme_spend.py", "sme-spend"),
    "marketplace": ("views/marketplace.py", "marketplace"),
    "ministers": ("views/ministers.py", "ministers"),
    "notices": ("views/notices.py", "contracts"),
    "data": ("views/data.py", "data"),
}
#: Each page's st.title, to check that run_page opened the page it was asked for.
TITLES = {
    "overview": "Technology procurement reform",
    "sme_spend": "SME spend by department",
    "marketplace": "Digital Marketplace uptake",
    "ministers": "Ministers and digital responsibility",
    "notices": "Contracts Finder and Find a Tender",
    "data": "Data and method",
}


@pytest.fixture(scope="session")
def sparse_warehouse(sample_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with geography and SME figures only: no marketplace, ministers or notices."""
    from pipelines.warehouse.build import build

    raw = tmp_path_factory.mktemp("sparse_raw")
    for folder in ("ons-geography", "sme-spend"):
        shutil.copytree(sample_raw / folder, raw / folder)
    out = tmp_path_factory.mktemp("sparse_wh") / "warehouse.duckdb"
    build(raw, out)
    return out


@pytest.fixture
def use_warehouse() -> Iterator:
    """Point the app at a warehouse for one test (restores the environment afterwards)."""
    before = os.environ.get("PROCUREMENT_WAREHOUSE")

    def use(path: Path) -> Path:
        os.environ["PROCUREMENT_WAREHOUSE"] = str(path)
        return path

    yield use
    if before is None:
        os.environ.pop("PROCUREMENT_WAREHOUSE", None)
    else:
        os.environ["PROCUREMENT_WAREHOUSE"] = before


@pytest.fixture
def wh(fixture_warehouse: Path, use_warehouse) -> Path:
    """The shared fixture warehouse, selected for the app."""
    return use_warehouse(fixture_warehouse)


def run_page(page: str, query_params: dict | None = None, timeout: float = 90) -> AppTest:
    """Open `page` (a key of PAGES) directly, as a link to it would, with `query_params`; return the finished run."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    if page != "overview":
        view, url_path = PAGES[page]
        at.switch_page(view)
        # A link opens a page by its URL path, and st.Page identifies a page by a hash of its url_path. Before a
        # first run AppTest can only hash the file name, which is not the URL path for views/sme_spend.py
        # (/sme-spend) or views/notices.py (/contracts). Running the overview first instead would not do: its
        # run drops the link's unknown area or years before the page could say so. So ask for the page as the
        # browser would, by its URL path's hash (what AppTest itself resolves to once pages are registered).
        at._page_hash = calc_hash(url_path)
    at.run()
    assert at.exception or not at.title or at.title[0].value == TITLES[page], f"AppTest did not open {page}"
    return at


def as_read(markdown: str) -> str:
    """Markdown from safe_text as a reader sees its characters: character references decoded, no word joiners."""
    return html.unescape(markdown).replace(WORD_JOINER, "")


def texts(at: AppTest) -> str:
    """Everything a reader sees as text on the page (titles, markdown, captions, alerts, metrics), with the
    character references safe_text writes decoded (`as_read`)."""
    parts: list[str] = []
    for group in (
        at.title,
        at.header,
        at.subheader,
        at.markdown,
        at.caption,
        at.info,
        at.warning,
        at.error,
        at.success,
    ):
        parts.extend(str(e.value) for e in group)
    parts.extend(f"{m.label} {m.value}" for m in at.metric)
    return as_read("\n".join(parts))


def download(at: AppTest, key: str) -> bytes:
    """The exact bytes a download button would serve (built by the page's registered builder)."""
    return at.session_state[DOWNLOADS_KEY][key]()


def read_csv_download(data: bytes) -> pl.DataFrame:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV downloads start with a UTF-8 byte-order mark"
    return pl.read_csv(io.BytesIO(data[3:]), infer_schema_length=10_000)


def independent(path: Path, sql: str, **params) -> pl.DataFrame:
    """An independent read of the warehouse to check a page's figures against."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql, params=params or None).pl()
    finally:
        con.close()


HOSTILE_VALUES = ["'; drop table x; --", "x" * 10_000, "Atlantis", "../../etc/passwd", "%00", "🙂🙂"]
