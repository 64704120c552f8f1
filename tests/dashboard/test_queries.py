"""Every named query runs against the fixture warehouse with bound parameters, and SQL is never string-built."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import duckdb
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


def sql_files() -> list[Path]:
    return sorted(db.QUERIES_DIR.glob("*.sql"))


@pytest.mark.parametrize("path", sql_files(), ids=lambda p: p.stem)
def test_query_runs_on_the_fixture_warehouse(path: Path, fixture_warehouse: Path) -> None:
    names = sorted(set(PARAM.findall(path.read_text())))
    missing = [n for n in names if n not in PARAMS]
    assert not missing, f"add test values for {missing} to PARAMS"
    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        frame = con.sql(path.read_text(), params={n: PARAMS[n] for n in names} or None).pl()
    finally:
        con.close()
    assert frame.width > 0


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
