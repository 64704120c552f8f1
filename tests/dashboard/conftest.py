"""Dashboard test helpers: run a page with AppTest against a warehouse built by the real writer."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.components import DOWNLOADS_KEY

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGES = {
    "overview": "views/overview.py",
    "sme": "views/sme-spend.py",
    "marketplace": "views/marketplace.py",
    "ministers": "views/ministers.py",
    "contracts": "views/contracts.py",
    "data": "views/data.py",
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
        at.switch_page(PAGES[page])
    at.run()
    return at


def texts(at: AppTest) -> str:
    """Everything a reader sees as text on the page (titles, markdown, captions, alerts, metrics)."""
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
    return "\n".join(parts)


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
