"""A bad or missing warehouse, as every page meets it (issue 12 section 2, issue 13 item 2).

- A bad warehouse (random bytes, truncated, empty, another schema, part of the schema, a column of another
  type, a folder, a dangling link, unreadable) used to show only Streamlit's generic, redacted error box.
  Every page now shows one message: what is wrong, with which file, and the command that rebuilds it; it is
  never rebuilt or replaced by the app, and the page recovers by itself once the file is fixed.
- A missing warehouse is built by the app only as a fallback, in a thread of the server that belongs to no
  session: every visitor follows the same build's progress, the session that started it can go away, and a
  warehouse that appears meanwhile (an operator restoring one) is never replaced.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from dashboard import db, warehouse_setup
from pipelines.warehouse.build import BuildError, build
from tests.dashboard.conftest import APP, PAGES, TITLES, as_read


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


def _a_dangling_link(path: Path, good: Path) -> None:
    path.symlink_to(path.with_name("gone.duckdb"))


BAD = {
    "random-bytes": (_random_bytes, "it is not a DuckDB database"),
    "truncated": (_truncated, "it is cut short: "),
    "truncated-early": (_truncated_early, "DuckDB cannot open it (IO Error: Could not read enough bytes"),
    "empty": (_empty, "the file is empty (0 bytes)"),
    "another-database": (_another_database, "it holds none of the dashboard's tables"),
    "partial-schema": (_part_of_the_schema, "it lacks "),
    "wrong-type": (_a_column_of_another_type, "column build_info.n_files is VARCHAR, not INTEGER"),
    "folder": (_a_folder, "it is a folder, not a warehouse file"),
    "dangling-link": (_a_dangling_link, "it is a link to"),
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
    """Markdown source as it reads on the page (names are escaped into it: safe_text's character references)."""
    return as_read(markdown).replace("**", "")


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
    assert sha(path) == before and warehouse_setup.current_build(path) is None  # never rebuilt, never replaced


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


# --------------------------------------------------------------------------------- the fallback first build


class Gate:
    """A stand-in for the fallback build that waits to be let go, then runs the real build on a small folder."""

    def __init__(self, raw: Path, before_swap: Callable[[], None] | None = None, fail: str = ""):
        self.raw, self.before_swap, self.fail = raw, before_swap, fail
        self.go = threading.Event()
        self.threads: list[threading.Thread] = []

    def __call__(self, path: Path, progress: Callable[[str, dict], None]) -> None:
        self.threads.append(threading.current_thread())
        progress("file", {"path": self.raw / "a.csv", "index": 1, "total": 4})
        assert self.go.wait(timeout=120)
        if self.fail:
            raise BuildError(self.fail)

        def hook(event: str, detail: dict) -> None:
            progress(event, detail)
            if event == "write" and self.before_swap is not None:
                self.before_swap()

        build(self.raw, path, if_missing=True, wait=True, progress=hook)


def wait_for(build: warehouse_setup.FirstBuild) -> None:
    deadline = time.monotonic() + 120
    while build.state == "running" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert build.state != "running"


@pytest.fixture
def missing(tmp_path: Path, use_warehouse) -> Path:
    return use_warehouse(tmp_path / "first" / "warehouse.duckdb")


def test_the_fallback_build_runs_outside_any_session_and_every_visitor_follows_it(
    sample_raw: Path, missing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(sample_raw)
    monkeypatch.setattr(warehouse_setup, "run_build", gate)
    first = open_page("overview")
    assert not first.exception and first.title[0].value == "Building the warehouse"
    assert "Reading a.csv (1 of 4)" in shown(first.get("progress")[0].proto.text)
    started = warehouse_setup.current_build(missing)
    assert started is not None and started.state == "running"
    del first  # the tab that started it is closed: the build goes on, in a thread that belongs to no session
    assert gate.threads[0].name.startswith("first-start build of") and gate.threads[0].is_alive()

    second = open_page("marketplace")  # another visitor arrives meanwhile: the same build, not a second one
    assert second.title[0].value == "Building the warehouse" and not second.exception
    assert warehouse_setup.current_build(missing) is started and len(gate.threads) == 1

    gate.go.set()
    wait_for(started)
    assert started.state == "done" and missing.is_file()
    second.run()  # the fragment's next tick reruns the page, which now opens the warehouse
    assert not second.exception and not second.error
    assert second.title[0].value == TITLES["marketplace"]


def test_the_fallback_build_never_replaces_a_warehouse_restored_while_it_ran(
    sample_raw: Path, fixture_warehouse: Path, missing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(sample_raw, before_swap=lambda: shutil.copy(fixture_warehouse, missing))
    monkeypatch.setattr(warehouse_setup, "run_build", gate)
    at = open_page("overview")
    build_ = warehouse_setup.current_build(missing)
    assert build_ is not None
    gate.go.set()
    wait_for(build_)
    assert build_.state == "exists"
    assert sha(missing) == sha(fixture_warehouse)  # the restored file, not the build's
    assert sorted(p.name for p in missing.parent.iterdir()) == ["warehouse.duckdb"]
    at.run()
    assert not at.exception and at.title[0].value == TITLES["overview"]


def test_a_failed_fallback_build_says_why_and_can_be_tried_again(
    sample_raw: Path, missing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(sample_raw, fail="cannot write /x: No space left on device (ENOSPC)")
    gate.go.set()
    monkeypatch.setattr(warehouse_setup, "run_build", gate)
    at = open_page("overview")
    build_ = warehouse_setup.current_build(missing)
    assert build_ is not None
    wait_for(build_)
    at.run()
    assert not at.exception
    assert "could not be built" in at.error[0].value and "No space left on device" in at.error[0].value
    assert [c.value for c in at.code] == [db.WarehouseProblem(missing, "").command]
    gate.fail = ""
    at.button(key="first_build_again").click().run()
    retry = warehouse_setup.current_build(missing)
    assert retry is not build_ and retry is not None
    wait_for(retry)
    assert retry.state == "done"
    at.run()
    assert not at.exception and at.title[0].value == TITLES["overview"]
