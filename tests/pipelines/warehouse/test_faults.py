"""The warehouse under faults around the build (issue 12, section 2), each reproduced here:

- a linked raw sub-folder is read (a link loop is not followed twice); a FIFO and a dangling link are listed;
- a file appended to between hashing and parsing: the hash is of the bytes parsed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse import build as build_module
from pipelines.warehouse.build import build


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
