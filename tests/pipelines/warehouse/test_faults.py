"""The warehouse under faults around the build (issue 12, section 2), each reproduced here:

- two builds into the same --out: the second refuses (or waits), never both "written";
- a killed build's temporary file, WAL and work folder: swept by the next build, decided by the lock;
- a full disk (ENOSPC, injected) and an output folder the build may not write in: one line naming the path
  and the cause, exit 1, the old warehouse untouched, nothing left behind, with and without --keep-going;
- a linked raw sub-folder is read (a link loop is not followed twice); a FIFO and a dangling link are listed;
- a file appended to between hashing and parsing: the hash is of the bytes parsed;
- a first-start build (--if-missing) never replaces a warehouse that exists, even one put there meanwhile.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from pipelines.__main__ import main
from pipelines.config import ROOT
from pipelines.warehouse import build as build_module
from pipelines.warehouse import output
from pipelines.warehouse.build import (
    BuildLockedError,
    OutputError,
    WarehouseExistsError,
    build,
)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def q(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def small_raw(sample_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Geography and the SME annex only: a real build in about a second."""
    raw = tmp_path_factory.mktemp("faults_raw")
    for folder in ("ons-geography", "sme-spend"):
        shutil.copytree(sample_raw / folder, raw / folder)
    return raw


@pytest.fixture(scope="module")
def old_warehouse(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("faults_old") / "warehouse.duckdb"
    build(small_raw, out)
    return out


@pytest.fixture
def out(old_warehouse: Path, tmp_path: Path) -> Path:
    """A copy of a good warehouse, alone in its own folder: the one a failed build must leave as it is."""
    folder = tmp_path / "out"
    folder.mkdir()
    shutil.copy(old_warehouse, folder / "warehouse.duckdb")
    return folder / "warehouse.duckdb"


def beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


# ------------------------------------------------------------------------------------------- the raw folder


def test_linked_folders_are_read_and_fifos_dangling_links_and_loops_are_listed(small_raw: Path, tmp_path: Path) -> None:
    """Was: a symlinked SME annex folder was skipped silently (9 files neither read nor listed)."""
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(small_raw / "sme-spend", elsewhere / "sme-spend")
    raw = tmp_path / "raw"
    shutil.copytree(small_raw / "ons-geography", raw / "ons-geography")
    (raw / "sme-spend").symlink_to(elsewhere / "sme-spend", target_is_directory=True)
    (elsewhere / "sme-spend" / "back-up").symlink_to(raw, target_is_directory=True)  # a loop through the link
    os.mkfifo(raw / "pipe.csv")
    (raw / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    annex = sorted(p.name for p in (small_raw / "sme-spend").iterdir() if p.suffix == ".csv")

    done = threading.Event()
    result: dict[str, object] = {}

    def run() -> None:
        result["report"] = build(raw, tmp_path / "w.duckdb")
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(timeout=120), "the build hung (a FIFO opened for reading blocks until a writer comes)"
    report = result["report"]
    status = {f.rel_path: (f.status, f.message) for f in report.files}  # type: ignore[attr-defined]
    loaded_annex = sorted(Path(r).name for r, (s, _) in status.items() if r.startswith("sme-spend/") and s == "loaded")
    assert loaded_annex == annex
    assert status["pipe.csv"][0] == "ignored" and "named pipe" in status["pipe.csv"][1]
    assert status["gone.csv"][0] == "ignored" and "does not exist" in status["gone.csv"][1]
    assert status["sme-spend/back-up"] == ("ignored", "a link to the folder ., which is read once: not followed again")
    # every entry is in build_files once, and the counts reconcile
    stored = q(tmp_path / "w.duckdb", "SELECT rel_path, status FROM build_files ORDER BY rel_path")
    assert [r for r, _ in stored] == sorted(status)
    assert q(tmp_path / "w.duckdb", "SELECT n_files FROM build_info") == [(len(status),)]
    assert q(
        tmp_path / "w.duckdb",
        "SELECT count(*) FROM build_files WHERE rows_read <> rows_loaded + rows_rejected + rows_superseded",
    ) == [(0,)]


def test_a_file_appended_to_between_hashing_and_parsing_records_the_hash_of_what_was_parsed(
    small_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    target = sorted((raw / "sme-spend").glob("*.csv"))[0]
    original = target.read_bytes()
    real_load = build_module.load_file

    def load_after_an_append(path: Path, *args, **kwargs):
        if path == target:  # the publisher's copy grows after it was hashed, before it is parsed
            with open(target, "ab") as fh:
                fh.write(original.splitlines(keepends=True)[-1] * 50)
        return real_load(path, *args, **kwargs)

    monkeypatch.setattr(build_module, "load_file", load_after_an_append)
    report = build(raw, tmp_path / "w.duckdb")
    row = next(f for f in report.files if f.path == target)
    clean = build(small_raw, tmp_path / "clean.duckdb")
    expected = next(f for f in clean.files if f.path.name == target.name)
    assert row.sha256 == hashlib.sha256(original).hexdigest() == expected.sha256
    assert (row.rows_read, row.size_bytes) == (expected.rows_read, len(original))  # the rows of those same bytes


# ------------------------------------------------------------------------------------------------ the lock

HOLD_LOCK = """
import sys
from pathlib import Path
from pipelines.warehouse.output import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()  # until the test closes our stdin
"""


def test_a_second_build_into_the_same_out_refuses_while_another_holds_the_lock(
    small_raw: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sha(out)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(out)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(BuildLockedError, match=f"another build is writing {out}") as info:
            build(small_raw, out)
        assert f"process {holder.pid}" in str(info.value)  # who holds it
        assert main(["build", "--raw", str(small_raw), "--out", str(out)]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("Build stopped: another build is writing") and "--wait" in err[0]
        assert sha(out) == before
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert beside(out) == ["warehouse.duckdb"]  # the holder removed its lock file as it finished


def test_two_builds_at_once_one_writes_the_other_refuses(small_raw: Path, out: Path) -> None:
    """The issue's repro: both printed "Warehouse written" and the last one won silently."""
    first_started, second_done = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def hold_at_start(event: str, detail: dict) -> None:
        if event == "start":
            first_started.set()
            second_done.wait(timeout=60)

    def first() -> None:
        results["first"] = build(small_raw, out, progress=hold_at_start)

    thread = threading.Thread(target=first)
    thread.start()
    assert first_started.wait(timeout=60)
    try:
        build(small_raw, out)
    except BuildLockedError as exc:
        results["second"] = exc
    finally:
        second_done.set()
        thread.join(timeout=120)
    assert isinstance(results["second"], BuildLockedError)
    assert getattr(results["first"], "warehouse", None) == out


def test_a_second_build_with_wait_queues_behind_the_first(small_raw: Path, out: Path) -> None:
    events: list[str] = []
    with output.build_lock(out):
        thread = threading.Thread(
            target=lambda: build(small_raw, out, wait=True, progress=lambda e, d: events.append(e))
        )
        thread.start()
        thread.join(timeout=2)
        assert thread.is_alive() and events == ["waiting"]  # blocked on the lock, said so
    thread.join(timeout=120)
    assert not thread.is_alive() and events[-1] == "done"
    assert beside(out) == ["warehouse.duckdb"]


# ------------------------------------------------------------------------------------- killed builds' leftovers

KILLED_MID_WRITE = """
import sys, time
from pathlib import Path
import duckdb
from pipelines.warehouse import build as b

def stuck_writer(path, *args, **kwargs):
    con = duckdb.connect(str(path))
    con.sql("CREATE TABLE partial AS SELECT range AS i FROM range(200000)")  # in the WAL, not checkpointed
    print("writing", flush=True)
    time.sleep(600)

b.write_warehouse = stuck_writer
b.build(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_leftovers_of_a_killed_build_are_swept_by_the_next_one_decided_by_the_lock(small_raw: Path, out: Path) -> None:
    before = sha(out)
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_WRITE, str(small_raw), str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        pid = child.pid
        left = {
            f"warehouse.duckdb.building-{pid}",
            f"warehouse.duckdb.building-{pid}.wal",
            f"warehouse.duckdb.work-{pid}",
        }
        assert left <= set(beside(out))
        # While its owner is alive and holds the lock, the files are not stale, however old: nothing is swept.
        with pytest.raises(BuildLockedError):
            build(small_raw, out)
        assert left <= set(beside(out))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert left | {"warehouse.duckdb", "warehouse.duckdb.lock"} == set(beside(out))  # what a kill leaves
    assert sha(out) == before
    swept: list[output.Leftover] = []
    build(small_raw, out, progress=lambda e, d: swept.extend(d["leftovers"]) if e == "swept" else None)
    assert {x.path.name for x in swept} == left and sum(x.size_bytes for x in swept) > 0
    assert beside(out) == ["warehouse.duckdb"]


# ----------------------------------------------------------------------------------- disk full, unwritable folder

ENOSPC_TEXT = os.strerror(errno.ENOSPC)


def _enospc_in_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the new warehouse is written: a partial file and WAL exist when it fails."""

    def writer(path: Path, *args, **kwargs):
        con = duckdb.connect(str(path))
        con.sql("CREATE TABLE partial AS SELECT range AS i FROM range(100000)")
        raise OSError(errno.ENOSPC, ENOSPC_TEXT, str(path))

    monkeypatch.setattr(build_module, "write_warehouse", writer)


def _enospc_in_duckdb(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same, as DuckDB reports it (an IOException carrying the OS's words, no errno)."""

    def writer(path: Path, *args, **kwargs):
        raise duckdb.IOException(f'IO Error: Could not write file "{path}": {ENOSPC_TEXT}')

    monkeypatch.setattr(build_module, "write_warehouse", writer)


def _enospc_in_work_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while a raw file is copied into the work folder (no file name on the error)."""
    real = build_module.snapshot

    def snapshot(path: Path, dest: Path) -> str:
        if "sme-spend" in str(path):
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(b"partial")
            raise OSError(errno.ENOSPC, ENOSPC_TEXT)
        return real(path, dest)

    monkeypatch.setattr(build_module, "snapshot", snapshot)


@pytest.mark.parametrize("keep_going", [False, True], ids=["plain", "keep-going"])
@pytest.mark.parametrize("inject", [_enospc_in_writer, _enospc_in_duckdb, _enospc_in_work_folder])
def test_a_full_disk_stops_with_one_line_and_leaves_nothing_behind(
    inject, keep_going: bool, small_raw: Path, out: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    before = sha(out)
    inject(monkeypatch)
    argv = ["build", "--raw", str(small_raw), "--out", str(out), *(["--keep-going"] if keep_going else [])]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()  # the build's progress, then why it stopped: one line
    assert [line for line in err if "stopped" in line or "Traceback" in line] == err[-1:], err
    assert err[-1].startswith(f"Build stopped: cannot write {out.parent}") and ENOSPC_TEXT in err[-1]
    assert "could not be read" not in err[-1]  # the inputs are not blamed
    with pytest.raises(OutputError):
        build(small_raw, out, keep_going=keep_going)
    assert sha(out) == before
    assert beside(out) == ["warehouse.duckdb"]  # no temporary file, WAL, work folder or lock


def _without_dac_override() -> list[str]:
    """A prefix that runs a command as this user but subject to file permissions (root bypasses them)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, where folder permissions do not apply, and setpriv is not installed")
    probe = subprocess.run([setpriv, "--bounding-set", "-dac_override,-dac_read_search", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"running as root and setpriv cannot drop CAP_DAC_OVERRIDE: {probe.stderr.decode().strip()}")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]


@pytest.mark.parametrize("keep_going", [False, True], ids=["plain", "keep-going"])
def test_an_unwritable_output_folder_is_named_not_blamed_on_the_inputs(
    keep_going: bool, small_raw: Path, out: Path
) -> None:
    """Was: "9 file(s) could not be read; fix or remove them" (and a traceback with --keep-going)."""
    prefix = _without_dac_override()
    before = sha(out)
    out.parent.chmod(0o555)
    try:
        result = subprocess.run(
            [*prefix, sys.executable, "-m", "pipelines", "build", "--raw", str(small_raw), "--out", str(out)]
            + (["--keep-going"] if keep_going else []),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        out.parent.chmod(0o755)
    err = result.stderr.strip().splitlines()
    assert result.returncode == 1, result.stderr
    assert len(err) == 1, err
    assert f"cannot write {out}.lock: Permission denied (EACCES): the build may not write in {out.parent}" in err[0]
    assert "could not be read" not in err[0] and "Traceback" not in result.stderr
    assert sha(out) == before and beside(out) == ["warehouse.duckdb"]


# ------------------------------------------------------------------------------------ first start, --if-missing


def test_if_missing_leaves_a_warehouse_that_exists_as_it_is(small_raw: Path, out: Path, capsys) -> None:
    before = sha(out)
    with pytest.raises(WarehouseExistsError):
        build(small_raw, out, if_missing=True)
    assert main(["build", "--if-missing", "--raw", str(small_raw), "--out", str(out)]) == 0
    assert "exists: left as it is" in capsys.readouterr().err
    assert sha(out) == before and beside(out) == ["warehouse.duckdb"]


def test_if_missing_never_replaces_a_warehouse_restored_during_the_build(small_raw: Path, out: Path) -> None:
    """Was: a good file restored during the first-start build was overwritten by sample data 20 s later."""
    restored = out.read_bytes()
    out.unlink()

    def restore_while_writing(event: str, detail: dict) -> None:
        if event == "write":
            out.write_bytes(restored)  # an operator copies the good file back

    with pytest.raises(WarehouseExistsError):
        build(small_raw, out, if_missing=True, progress=restore_while_writing)
    assert out.read_bytes() == restored and beside(out) == ["warehouse.duckdb"]


def test_if_missing_builds_where_there_is_nothing(small_raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "new" / "warehouse.duckdb"
    report = build(small_raw, out, if_missing=True)
    assert report.warehouse == out and q(out, "SELECT count(*) FROM build_info") == [(1,)]
    assert beside(out) == ["warehouse.duckdb"]
