"""Every named query runs against the fixture warehouse with bound parameters and returns rows, and SQL is never
string-built."""

from __future__ import annotations

import ast
import datetime as dt
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard import db

#: A value for every parameter name the queries use (add one when a query needs a new name).
PARAMS: dict[str, object] = {
    "area_level": "national",
    "area_code": "ALL",
    "fy_from": "2012/13",
    "fy_to": "2026/27",
    "year": "2019/20",
    "as_of": dt.date(2026, 11, 25),
    "today": dt.date(2026, 11, 25),
    "date_from": dt.date(2015, 1, 1),
    "date_to": dt.date(2026, 11, 25),
    "months": 12,
    "limit": 15,
    "it_only": True,
    "level": "region",
    "lineage": "TOTAL",
    "series_id": "TOTAL",
    "department": "TOTAL",
    "council_id": "E08000003",
    "horizon_end": dt.date(2027, 11, 25),
    "focus_level": "national",
    "focus_code": "ALL",
    "measure": "spend",
    "period": "year",
}
PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")

#: Queries with no rows on the fixture warehouse whatever their parameters, and why. Each is checked for rows on a
#: warehouse built to have them, below, so an empty result here still means the query works.
EMPTY_ON_FIXTURE = {
    # The sample publishes every SME annex year in one file. (The skipped-file build on the Data and method page
    # adds a byte-identical copy of one, which is skipped as a duplicate, not superseded.)
    "data_sme_superseded": "no SME annex year is published twice in the sample",
    # The sample is generated, not fetched; tests/dashboard/data_and_method/test_page.py and
    # tests/pipelines/test_fetch_run.py check it on warehouses with fetched sources.
    "data_fetch_status": "nothing in the sample was fetched, so no source has a fetch status",
}


def sql_files() -> list[Path]:
    return sorted(db.QUERIES_DIR.glob("*.sql"))


def run_sql(path: Path, warehouse: Path) -> tuple[pl.DataFrame, dict[str, object]]:
    """The query at `path` on `warehouse` with PARAMS bound, and the parameters it took."""
    names = sorted(set(PARAM.findall(path.read_text())))
    missing = [n for n in names if n not in PARAMS]
    assert not missing, f"add test values for {missing} to PARAMS"
    params = {n: PARAMS[n] for n in names}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.sql(path.read_text(), params=params or None).pl(), params
    finally:
        con.close()


@pytest.mark.parametrize("path", sql_files(), ids=lambda p: p.stem)
def test_query_runs_on_the_fixture_warehouse(path: Path, fixture_warehouse: Path) -> None:
    frame, params = run_sql(path, fixture_warehouse)
    assert frame.width > 0
    if path.stem in EMPTY_ON_FIXTURE:
        assert frame.height == 0, f"{path.stem} has rows on the fixture now: drop it from EMPTY_ON_FIXTURE"
    else:
        assert frame.height > 0, f"{path.stem} returned no rows with {params}: give PARAMS values the fixture has"


def test_the_queries_empty_on_the_fixture_are_real_queries() -> None:
    assert set(EMPTY_ON_FIXTURE) <= {p.stem for p in sql_files()}


@pytest.fixture(scope="module")
def republished_warehouse(sample_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Geography and SME annexes, with one annex year published again in a later (revised) file."""
    from pipelines.warehouse.build import build

    raw = tmp_path_factory.mktemp("republished_raw")
    for folder in ("ons-geography", "sme-spend"):
        shutil.copytree(sample_raw / folder, raw / folder)
    first = sorted((raw / "sme-spend").glob("sme-spend-*.csv"))[0]
    (raw / "sme-spend" / f"zz-revised-{first.name}").write_bytes(first.read_bytes() + b"\n")  # not byte-identical
    out = tmp_path_factory.mktemp("republished_wh") / "warehouse.duckdb"
    build(raw, out)
    return out


def test_a_year_published_twice_is_listed_as_superseded(republished_warehouse: Path) -> None:
    frame, _ = run_sql(db.QUERIES_DIR / "data_sme_superseded.sql", republished_warehouse)
    assert frame.height == 1
    row = frame.row(0, named=True)
    assert (
        row["superseded_file"].startswith("sme-spend-") and row["kept_file"] == f"zz-revised-{row['superseded_file']}"
    )
    assert row["superseded_rows"] > 0


def test_query_names_come_from_the_folder_only() -> None:
    with pytest.raises(KeyError):
        db.sql_text("../pipelines/marts")
    with pytest.raises(KeyError):
        db.sql_text("area_options; DROP TABLE x")


def test_no_sql_in_the_dashboard_is_built_by_formatting() -> None:
    """f-strings, % or .format() feeding a .sql/.execute call would let input into SQL."""
    offenders = []
    for path in Path(db.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("sql", "execute", "query")
            ):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.JoinedStr | ast.BinOp) or (
                    isinstance(first, ast.Call)
                    and isinstance(first.func, ast.Attribute)
                    and first.func.attr == "format"
                ):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_a_cached_result_cannot_be_changed_by_the_caller_that_got_it(wh: Path) -> None:
    """Results are kept once and shared across sessions: a page that changes its frame in place (Polars has
    in-place methods) must not change what the next caller reads."""
    first = db.query("build_info")
    kept = first.clone()
    first.insert_column(0, pl.Series("added", [1] * first.height))
    first.drop_in_place("is_sample")
    again = db.query("build_info")
    assert again.equals(kept) and again is not first
