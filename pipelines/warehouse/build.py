"""The one writer: raw files -> validated DuckDB warehouse, swapped in atomically.

0. take the output's build lock (a second build into the same path refuses, or waits), and remove what
   killed builds of that path left behind (see `output`);
1. discover files under the raw folder, following linked folders, listing what is not read with the reason
   (see `discover`); copy each file once into the work folder, hashing as it is copied, and parse that copy,
   so the recorded SHA-256 is of exactly the bytes parsed; skip exact duplicates and empty files, with why;
2. detect each file's format from its head and load it (rows that fail a rule become rejects);
3. model staging into dimensions and facts, resolve buyers;
4. write everything into a NEW DuckDB file next to the target, build the marts, check the schema
   (keys, nulls, ranges, reconciliation), and only then swap it in: `os.replace` over the old one, or, with
   `if_missing`, a link that only succeeds while nothing is at the path (a warehouse that exists is never
   replaced by a first-start build).

A failure at any step removes the new file, the work folder and the lock, and leaves the previous warehouse
untouched and readable. A failure to write (disk full, a folder the build may not write in) stops the build
with one line naming the path and the cause, never blaming the input files.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines import config
from pipelines.core.loading import FileLoad
from pipelines.core.textio import UnreadableFileError, snapshot
from pipelines.warehouse import output
from pipelines.warehouse.discover import RawListing, find_raw_files
from pipelines.warehouse.errors import (
    BuildError,
    BuildLockedError,
    OutputError,
    WarehouseExistsError,
    as_output_failure,
    output_failure,
)
from pipelines.warehouse.formats import load_file
from pipelines.warehouse.meta import FileOutcome, add_fetch_record
from pipelines.warehouse.model import build_model
from pipelines.warehouse.sample import SAMPLE_MARKER, write_all
from pipelines.warehouse.write import write_warehouse

__all__ = ["BuildError", "BuildLockedError", "BuildReport", "OutputError", "WarehouseExistsError", "build"]

#: Called with (event, detail) as the build goes, for the CLI's progress display.
Progress = Callable[[str, dict], None]


@dataclass
class BuildReport:
    warehouse: Path
    raw_dir: Path
    is_sample: bool
    files: list[FileOutcome]
    seconds: float
    match_rates: pl.DataFrame
    table_rows: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def unreadable(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "unreadable"]


def _noop(event: str, detail: dict) -> None:
    del event, detail


def is_sample_dir(path: Path) -> bool:
    return (path / SAMPLE_MARKER).exists()


def data_files(raw_dir: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(files to read, entries listed but not read with the reason) under raw_dir, sorted."""
    listing: RawListing = find_raw_files(raw_dir)
    return listing.files, listing.listed


def choose_raw_dir(raw_dir: Path | None) -> tuple[Path, bool]:
    """The folder to build from and whether it is sample data.

    An explicit folder is used as is. Otherwise data/raw when it holds any data file,
    else the built-in sample (generated on first use).
    """
    if raw_dir is not None:
        return raw_dir, is_sample_dir(raw_dir)
    files, _ = data_files(config.RAW_DIR)
    if files:
        return config.RAW_DIR, is_sample_dir(config.RAW_DIR)

    if not data_files(config.SAMPLE_DIR)[0]:
        write_all(config.SAMPLE_DIR)
    return config.SAMPLE_DIR, True


def build(
    raw_dir: Path | None = None,
    out: Path | None = None,
    *,
    keep_going: bool = False,
    progress: Progress = _noop,
    wait: bool = False,
    if_missing: bool = False,
) -> BuildReport:
    """Build the warehouse; raise BuildError (old warehouse untouched) when it cannot.

    `wait`: when another build holds the output's lock, wait for it instead of raising BuildLockedError.
    `if_missing`: build only where nothing is at `out`, checked when the lock is taken and again, atomically,
    at the swap; raise WarehouseExistsError (and write nothing) when something is there.
    """
    started = time.perf_counter()
    out = Path(out or config.WAREHOUSE_PATH)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_failure(exc, out.parent) from exc
    with output.build_lock(out, wait=wait, on_wait=lambda holder: progress("waiting", {"path": out, "holder": holder})):
        if if_missing and output.present(out):
            raise WarehouseExistsError(out)
        swept = output.sweep_leftovers(out)
        if swept:
            progress("swept", {"leftovers": swept})
        tmp, workdir = output.temp_path(out), output.work_path(out)
        try:
            raw_dir, is_sample = choose_raw_dir(raw_dir)  # may write the sample folder first
            return _build_locked(raw_dir, is_sample, out, tmp, workdir, keep_going, if_missing, progress, started)
        except BuildError:
            raise
        except Exception as exc:
            if (failure := as_output_failure(exc, out.parent)) is not None:
                raise failure from exc
            raise
        finally:
            output.remove_temporaries(tmp, workdir)


def _build_locked(
    raw_dir: Path,
    is_sample: bool,
    out: Path,
    tmp: Path,
    workdir: Path,
    keep_going: bool,
    if_missing: bool,
    progress: Progress,
    started: float,
) -> BuildReport:
    try:
        workdir.mkdir()
    except OSError as exc:
        raise output_failure(exc, workdir) from exc
    files, listed = data_files(raw_dir)
    progress("start", {"raw_dir": raw_dir, "files": len(files), "is_sample": is_sample})
    timings: dict[str, float] = {}
    mark = time.perf_counter()
    outcomes, loads = _load_all(files, raw_dir, workdir, progress)
    timings["read files"], mark = time.perf_counter() - mark, time.perf_counter()
    outcomes += [
        FileOutcome(path=p, rel_path=_rel(p, raw_dir), status="ignored", message=reason) for p, reason in listed
    ]
    for outcome in outcomes:
        add_fetch_record(outcome, raw_dir)
    bad = [o for o in outcomes if o.status == "unreadable"]
    if bad and not keep_going:
        raise BuildError(
            f"{len(bad)} file(s) could not be read; the previous warehouse is unchanged "
            "(fix or remove them, or build with --keep-going to skip them)",
            [o.message for o in bad],
        )
    if not loads:
        raise BuildError(f"no readable data files under {raw_dir}")
    progress("model", {})
    model = build_model(loads)
    timings["model and resolve buyers"], mark = time.perf_counter() - mark, time.perf_counter()
    _sync_counts(outcomes, loads)
    progress("write", {"path": out})
    table_rows = write_warehouse(tmp, model, loads, outcomes, raw_dir, is_sample, started, timings)
    output.swap_in(tmp, out, replace=not if_missing)
    progress("done", {"path": out})
    return BuildReport(
        warehouse=out,
        raw_dir=raw_dir,
        is_sample=is_sample,
        files=outcomes,
        seconds=time.perf_counter() - started,
        match_rates=model.match_rates,
        table_rows=table_rows,
        timings=timings,
    )


def _rel(path: Path, raw_dir: Path) -> str:
    return str(path.relative_to(raw_dir)) if path.is_relative_to(raw_dir) else path.name


def _load_all(
    files: list[Path], raw_dir: Path, workdir: Path, progress: Progress
) -> tuple[list[FileOutcome], list[FileLoad]]:
    outcomes: list[FileOutcome] = []
    loads: list[FileLoad] = []
    seen: dict[str, str] = {}
    for index, path in enumerate(files, start=1):
        progress("file", {"path": path, "index": index, "total": len(files)})
        outcome, loaded = _load_one(path, raw_dir, workdir, index, seen)
        outcomes.append(outcome)
        if loaded is not None:
            loads.append(loaded)
        progress("file_done", {"outcome": outcome})
    return outcomes, loads


def _load_one(
    path: Path, raw_dir: Path, workdir: Path, index: int, seen: dict[str, str]
) -> tuple[FileOutcome, FileLoad | None]:
    """Copy the file once (hashing it), then skip it as a duplicate or parse the copy; the copy is then removed."""
    rel = _rel(path, raw_dir)
    snapshot_dir = workdir / "snapshots" / str(index)
    # Same name and parent folder name: messages, rejects and source_file name the file as found (a fetched
    # notices page is named with its window folder, as every window has a page-0001.json).
    copy = snapshot_dir / path.parent.name / path.name
    try:
        try:
            digest = snapshot(path, copy)
        except (OSError, UnreadableFileError) as exc:
            if (failure := as_output_failure(exc, workdir.parent)) is not None:
                raise failure from exc
            reason = exc.reason if isinstance(exc, UnreadableFileError) else (exc.strerror or str(exc))
            return FileOutcome(path=path, rel_path=rel, status="unreadable", message=f"{path.name}: {reason}"), None
        if digest in seen:
            return FileOutcome(
                path=path,
                rel_path=rel,
                status="duplicate",
                sha256=digest,
                size_bytes=copy.stat().st_size,
                message=f"same content as {seen[digest]}: skipped so its rows are not counted twice",
            ), None
        seen[digest] = rel
        outcome, loaded = load_file(path, raw_dir, workdir, read_from=copy)
        outcome.sha256 = digest
        return outcome, loaded
    finally:
        shutil.rmtree(snapshot_dir, ignore_errors=True)


def _sync_counts(outcomes: list[FileOutcome], loads: list[FileLoad]) -> None:
    """Carry counts changed by modelling (superseded months) back to the file outcomes."""
    by_path = {load.path: load for load in loads}
    for outcome in outcomes:
        load = by_path.get(outcome.path)
        if load is not None:
            outcome.rows_loaded, outcome.rows_rejected = load.rows_loaded, load.rows_rejected
            outcome.rows_superseded = load.rows_superseded
            outcome.notes = "; ".join(load.notes)
