"""A bad warehouse, as every page meets it (issue 12 section 2).

- A bad warehouse (random bytes, truncated, empty, another schema, part of the schema, a column of another
  type, a folder, unreadable) used to show only Streamlit's generic, redacted error box.
  Every page now shows one message: what is wrong, with which file, and the command that rebuilds it; it is
  never rebuilt or replaced by the app, and the page recovers by itself once the file is fixed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from dashboard import db
from tests.dashboard.conftest import APP, PAGES, TITLES


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "not a file"


def _random_bytes(path: Path, good: Path) -> None:
    path.write_bytes(os.urandom(300_000))


def _truncated(path: Path, good: Path) -> None:
    """Cut in half: the catalogue survives, so DuckDB opens it and only a query would fail."""
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _truncated_early(path: Path, good: Path) -> None:
    """Cut inside its first blocks: DuckDB cannot open it."""
    path.write_bytes(good.read_bytes()[:5000])


def _empty(path: Path, good: Path) -> None:
    path.write_bytes(b"")


def _another_database(path: Path, good: Path) -> None:
    con = duckdb.connect(str(path))
    con.sql("CREATE TABLE invoices AS SELECT 1 AS id")
    con.close()


def _part_of_the_schema(path: Path, good: Path) -> None:
    """The first few tables only, as if copied by hand and stopped."""
    con = duckdb.connect(str(path))
    con.execute("ATTACH $p AS good (READ_ONLY)", {"p": str(good)})
    for table in ("dim_region", "dim_lad", "build_info"):
        con.sql(f"CREATE TABLE {table} AS SELECT * FROM good.{table}")  # noqa: S608 - fixed names
    con.close()


def _a_column_of_another_type(path: Path, good: Path) -> None:
    shutil.copy(good, path)
    con = duckdb.connect(str(path))
    con.sql("ALTER TABLE build_info ALTER n_files TYPE VARCHAR")
    con.close()


def _a_folder(path: Path, good: Path) -> None:
    path.mkdir()


BAD = {
    "random-bytes": (_random_bytes, "it is not a DuckDB database"),
    "truncated": (_truncated, "it is cut short: "),
    "truncated-early": (_truncated_early, "DuckDB cannot open it (IO Error: Could not read enough bytes"),
    "empty": (_empty, "the file is empty (0 bytes)"),
    "another-database": (_another_database, "it holds none of the dashboard's tables"),
    "partial-schema": (_part_of_the_schema, "it lacks "),
    "wrong-type": (_a_column_of_another_type, "column build_info.n_files is VARCHAR, not INTEGER"),
    "folder": (_a_folder, "it is a folder, not a warehouse file"),
}


def open_page(page: str) -> AppTest:
    """Open `page` as a link to it would (conftest.run_page, without its check of the page's own title)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if page != "overview":
        view, url_path = PAGES[page]
        at.switch_page(view)
        at._page_hash = calc_hash(url_path)
    at.run()
    return at


def shown(markdown: str) -> str:
    """Markdown source as it reads on the page (names are escaped into it)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("**", "")


def assert_one_clear_message(at: AppTest, path: Path, what: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1, [e.value for e in at.error]
    message = shown(at.error[0].value)
    assert message.startswith(f"{path} cannot be used: ") and what in message, message
    assert [c.value for c in at.code] == [db.WarehouseProblem(path, "").command]
    assert f"--out {path}" in at.code[0].value  # the command rebuilds this file, not the default one


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_warehouse_shows_one_clear_message_on_every_page(
    case: str, fixture_warehouse: Path, tmp_path: Path, use_warehouse
) -> None:
    make, what = BAD[case]
    path = use_warehouse(tmp_path / "warehouse.duckdb")
    make(path, fixture_warehouse)
    before = sha(path)
    for page in PAGES:
        at = open_page(page)
        assert_one_clear_message(at, path, what)
        assert at.title[0].value == "The warehouse cannot be read"
    assert sha(path) == before  # never rebuilt, never replaced


def test_an_unreadable_warehouse_names_the_cause(
    fixture_warehouse: Path, tmp_path: Path, use_warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission denied, as the OS reports it (injected: this suite may run as root, whom no mode stops)."""
    path = use_warehouse(tmp_path / "warehouse.duckdb")
    shutil.copy(fixture_warehouse, path)

    def denied(p: Path) -> bytes:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(p))

    monkeypatch.setattr(db, "read_header", denied)
    at = open_page("sme_spend")
    assert_one_clear_message(at, path, "the file cannot be read (Permission denied)")


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root, whom file modes do not stop")
def test_an_unreadable_warehouse_names_the_cause_for_real(fixture_warehouse: Path, tmp_path: Path, use_warehouse) -> None:
    path = use_warehouse(tmp_path / "warehouse.duckdb")
    shutil.copy(fixture_warehouse, path)
    path.chmod(0)
    try:
        assert_one_clear_message(open_page("overview"), path, "the file cannot be read (Permission denied)")
    finally:
        path.chmod(0o644)


def test_the_page_recovers_without_a_restart_once_the_file_is_fixed(
    fixture_warehouse: Path, tmp_path: Path, use_warehouse
) -> None:
    path = use_warehouse(tmp_path / "warehouse.duckdb")
    _truncated(path, fixture_warehouse)
    at = open_page("sme_spend")
    assert at.title[0].value == "The warehouse cannot be read"
    fixed = tmp_path / "fixed.duckdb"
    shutil.copy(fixture_warehouse, fixed)
    os.replace(fixed, path)
    at.run()
    assert not at.exception and not at.error
    assert at.title[0].value == TITLES["sme_spend"]
