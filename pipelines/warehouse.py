"""The one writer: raw files -> validated DuckDB warehouse, swapped in atomically.

1. discover files under the raw folder; skip exact duplicates (same SHA-256) and empty files, with the reason;
2. detect each file's format from its head and load it (rows that fail a rule become rejects);
3. model staging into dimensions and facts, resolve buyers;
4. write everything into a NEW DuckDB file next to the target, build the marts, check the contract
   (keys, nulls, ranges, reconciliation), and only then `os.replace` it over the old one.

A failure at any step removes the new file and leaves the previous warehouse untouched and readable.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipelines import config
from pipelines.contracts import ALL_TABLES, validate
from pipelines.core.loading import REJECT_SCHEMA, FileLoad, header_key
from pipelines.core.textio import HEAD_BYTES, Head, UnreadableFileError, read_head, read_text, sha256_of
from pipelines.marketplace.tables import VIEWS
from pipelines.marts import build_marts
from pipelines.model import ModelResult, build_model
from pipelines.sources import all_formats, detect

SAMPLE_MARKER = "_SAMPLE_DATA.md"

#: Called with (event, detail) as the build goes, for the CLI's progress display.
Progress = Callable[[str, dict], None]


class BuildError(Exception):
    """The build stopped; the previous warehouse is untouched. `problems` name file, line, column."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        detail = "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(message + detail)


@dataclass
class FileOutcome:
    """One row of build_files."""

    path: Path
    rel_path: str
    status: str  # loaded | duplicate | empty | unreadable | ignored
    message: str = ""
    source: str | None = None
    format: str | None = None
    format_description: str | None = None
    publisher: str | None = None
    licence: str | None = None
    sha256: str | None = None
    size_bytes: int = 0
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    encoding: str | None = None
    notes: str | None = None
    period: str | None = None


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


def data_files(raw_dir: Path) -> tuple[list[Path], list[Path]]:
    """(files to read, files ignored for their extension) under raw_dir, sorted."""
    if not raw_dir.exists():
        return [], []
    found = sorted(p for p in raw_dir.rglob("*") if p.is_file() and not p.name.startswith("."))
    found = [p for p in found if p.name != SAMPLE_MARKER and "PROVENANCE" not in p.name.upper()]
    keep = [p for p in found if p.suffix.lower() in config.RAW_EXTENSIONS]
    ignored = [p for p in found if p.suffix.lower() not in config.RAW_EXTENSIONS]
    return keep, ignored


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
    from pipelines.sample import write_all

    if not data_files(config.SAMPLE_DIR)[0]:
        write_all(config.SAMPLE_DIR)
    return config.SAMPLE_DIR, True


def diagnose_unknown(head: Head) -> str:
    """Why no format matched, naming the nearest layout's missing columns when there is one."""
    if head.kind == "empty":
        return "file is empty"
    if head.kind in ("json", "jsonl"):
        return (
            "JSON content is not a recognised publisher format (OCDS, GOV.UK Content API, GOV.UK organisations, ...)"
            + _json_shape(head)
        )
    if not head.lines:
        return (
            f"no line break in the first {HEAD_BYTES // 1024} KiB, so there is no header line to recognise"
            " (line breaks lost, or not a CSV file)"
        )
    best: tuple[float, str, list[str]] | None = None
    for row in head.csv_rows(6):
        keys = {header_key(c) for c in row if c.strip()}
        if not keys:
            continue
        for fmt in all_formats():
            need = {header_key(c): c for c in fmt.required_columns}
            if not need:
                continue
            score = len(set(need) & keys) / len(need)
            if score >= 0.5 and (best is None or score > best[0]):
                best = (score, fmt.description, [name for key, name in need.items() if key not in keys])
    if best is not None and best[2]:
        return f"header looks like {best[1]} but lacks column(s) {', '.join(best[2])}"
    first = head.lines[0][:200] if head.lines else ""
    return f"header not recognised as any known publisher format (first line: {first!r})"


def _json_shape(head: Head) -> str:
    """' (top-level keys: a, b)' or ' (an array of numbers)', to say what the file holds instead."""
    doc = head.json() if head.kind == "json" else head.first_json_line()
    if isinstance(doc, dict):
        keys = ", ".join(str(k) for k in list(doc)[:8])
        return f" (top-level keys: {keys})" if keys else " (an empty object)"
    if isinstance(doc, list):
        names = {"dict": "objects", "list": "arrays", "str": "strings", "int": "numbers", "float": "numbers"}
        kinds = sorted({names.get(type(item).__name__, "other values") for item in doc[:50]})
        return f" (an array of {', '.join(kinds)})" if kinds else " (an empty array)"
    return ""


def json_syntax_error(head: Head) -> UnreadableFileError | None:
    """The JSON syntax error of a file that looks like one JSON document, with its line; None if it parses."""
    if head.kind != "json":
        return None
    try:
        json.loads(read_text(head.path))
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several documents, e.g. JSON lines: not a syntax problem to report
            return None
        return UnreadableFileError(
            head.path, f"not valid JSON: {exc.msg} (line {exc.lineno}, character {exc.colno})", line=exc.lineno
        )
    except UnreadableFileError as exc:
        return exc
    return None


def load_file(path: Path, raw_dir: Path, workdir: Path) -> tuple[FileOutcome, FileLoad | None]:
    """Detect and load one file; unreadable files come back with status 'unreadable' and a message."""
    rel = str(path.relative_to(raw_dir)) if path.is_relative_to(raw_dir) else path.name
    outcome = FileOutcome(path=path, rel_path=rel, status="loaded", size_bytes=path.stat().st_size)
    try:
        head = read_head(path)
        if head.kind == "empty":
            outcome.status, outcome.message = "empty", "file is empty (no header, no rows): skipped"
            return outcome, None
        matches = detect(head)
        if not matches:
            raise json_syntax_error(head) or UnreadableFileError(path, diagnose_unknown(head), line=1)
        if len(matches) > 1:
            ids = ", ".join(m.id for m in matches)
            raise UnreadableFileError(path, f"header matches several formats ({ids}); cannot tell which", line=1)
        fmt = matches[0]
        outcome.source, outcome.format = fmt.source, fmt.id
        outcome.format_description, outcome.publisher, outcome.licence = fmt.description, fmt.publisher, fmt.licence
        loaded = fmt.load(path, head, workdir)
        loaded.check_reconciles()
    except UnreadableFileError as exc:
        outcome.status, outcome.message = "unreadable", str(exc)
        return outcome, None
    except Exception as exc:
        outcome.status = "unreadable"
        outcome.message = f"{path.name}: could not be read ({type(exc).__name__}: {exc})"
        if os.environ.get("PROCUREMENT_DEBUG"):
            traceback.print_exc()
        return outcome, None
    outcome.rows_read, outcome.rows_loaded, outcome.rows_rejected = (
        loaded.rows_read,
        loaded.rows_loaded,
        loaded.rows_rejected,
    )
    outcome.encoding, outcome.period = loaded.encoding, loaded.period
    outcome.notes = "; ".join(loaded.notes)
    return outcome, loaded


def code_version() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(config.ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except OSError:
        pass
    return "unknown"


def build(
    raw_dir: Path | None = None,
    out: Path | None = None,
    *,
    keep_going: bool = False,
    progress: Progress = _noop,
) -> BuildReport:
    """Build the warehouse; raise BuildError (old warehouse untouched) when it cannot."""
    started = time.perf_counter()
    raw_dir, is_sample = choose_raw_dir(raw_dir)
    out = Path(out or config.WAREHOUSE_PATH)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.building-{os.getpid()}")
    workdir = out.with_name(f"{out.name}.work-{os.getpid()}")
    try:
        files, ignored = data_files(raw_dir)
        progress("start", {"raw_dir": raw_dir, "files": len(files), "is_sample": is_sample})
        timings: dict[str, float] = {}
        mark = time.perf_counter()
        outcomes, loads = _load_all(files, raw_dir, workdir, progress)
        timings["read files"], mark = time.perf_counter() - mark, time.perf_counter()
        outcomes += [
            FileOutcome(path=p, rel_path=str(p.relative_to(raw_dir)), status="ignored", message="not a data file type")
            for p in ignored
        ]
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
        if tmp.exists():
            tmp.unlink()
        table_rows = _write(tmp, model, loads, outcomes, raw_dir, is_sample, started, timings)
        os.replace(tmp, out)
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
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()
        shutil.rmtree(workdir, ignore_errors=True)


def _load_all(
    files: list[Path], raw_dir: Path, workdir: Path, progress: Progress
) -> tuple[list[FileOutcome], list[FileLoad]]:
    outcomes: list[FileOutcome] = []
    loads: list[FileLoad] = []
    seen: dict[str, str] = {}
    for index, path in enumerate(files, start=1):
        progress("file", {"path": path, "index": index, "total": len(files)})
        digest = sha256_of(path)
        rel = str(path.relative_to(raw_dir))
        if digest in seen:
            outcome = FileOutcome(
                path=path,
                rel_path=rel,
                status="duplicate",
                sha256=digest,
                size_bytes=path.stat().st_size,
                message=f"same content as {seen[digest]}: skipped so its rows are not counted twice",
            )
            outcomes.append(outcome)
            progress("file_done", {"outcome": outcome})
            continue
        seen[digest] = rel
        outcome, loaded = load_file(path, raw_dir, workdir)
        outcome.sha256 = digest
        outcomes.append(outcome)
        if loaded is not None:
            loads.append(loaded)
        progress("file_done", {"outcome": outcome})
    return outcomes, loads


def _sync_counts(outcomes: list[FileOutcome], loads: list[FileLoad]) -> None:
    """Carry counts changed by modelling (superseded months) back to the file outcomes."""
    by_path = {load.path: load for load in loads}
    for outcome in outcomes:
        load = by_path.get(outcome.path)
        if load is not None:
            outcome.rows_loaded, outcome.rows_rejected = load.rows_loaded, load.rows_rejected
            outcome.notes = "; ".join(load.notes)


def _files_frame(outcomes: list[FileOutcome]) -> pl.DataFrame:
    rows = [
        {
            "file_name": o.path.name,
            "rel_path": o.rel_path,
            "status": o.status,
            "message": o.message or None,
            "source": o.source,
            "format": o.format,
            "format_description": o.format_description,
            "publisher": o.publisher,
            "licence": o.licence,
            "sha256": o.sha256,
            "size_bytes": o.size_bytes,
            "rows_read": o.rows_read,
            "rows_loaded": o.rows_loaded,
            "rows_rejected": o.rows_rejected,
            "encoding": o.encoding,
            "notes": o.notes or None,
            "period": o.period or None,
        }
        for o in outcomes
    ]
    from pipelines.meta import BUILD_FILES

    return BUILD_FILES.conform(pl.DataFrame(rows, schema=BUILD_FILES.polars_schema, strict=False))


def _write(
    path: Path,
    model: ModelResult,
    loads: list[FileLoad],
    outcomes: list[FileOutcome],
    raw_dir: Path,
    is_sample: bool,
    started: float,
    timings: dict[str, float],
) -> dict[str, int]:
    from pipelines.meta import BUILD_INFO, REJECTS

    con = duckdb.connect(str(path))
    try:
        con.sql("SET preserve_insertion_order = false")
        for table in ALL_TABLES:
            cols = ", ".join(f'"{c.name}" {c.type}' for c in table.columns)
            con.sql(f'CREATE TABLE "{table.name}" ({cols})')
        for name, frame in model.tables.items():
            _insert(con, name, frame)
        mark = time.perf_counter()
        _insert_marketplace(con, model)
        timings["load marketplace fact"], mark = time.perf_counter() - mark, time.perf_counter()
        rejects = (
            pl.concat([ld.rejects for ld in loads], how="vertical_relaxed")
            if loads
            else pl.DataFrame(schema=REJECT_SCHEMA)
        )
        _insert(con, REJECTS.name, REJECTS.conform(rejects))
        _insert(con, "build_files", _files_frame(outcomes))
        for name, sql in VIEWS.items():
            con.sql(f'CREATE VIEW "{name}" AS {sql}')
        build_marts(con)
        timings["build marts"], mark = time.perf_counter() - mark, time.perf_counter()
        info = BUILD_INFO.conform(
            pl.DataFrame(
                [
                    {
                        "built_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
                        "code_version": code_version(),
                        "is_sample": is_sample,
                        "raw_dir": str(raw_dir),
                        "n_files": len(outcomes),
                        "n_files_loaded": sum(o.status == "loaded" for o in outcomes),
                        "build_seconds": time.perf_counter() - started,
                        "polars_version": pl.__version__,
                        "duckdb_version": duckdb.__version__,
                    }
                ],
                schema=BUILD_INFO.polars_schema,
            )
        )
        _insert(con, BUILD_INFO.name, info)
        problems = validate(con)
        timings["check contract"], mark = time.perf_counter() - mark, time.perf_counter()
        if problems:
            raise BuildError("the new warehouse breaks its contract; the previous warehouse is unchanged", problems)
        counts = {t.name: con.sql(f'SELECT count(*) FROM "{t.name}"').fetchall()[0][0] for t in ALL_TABLES}  # noqa: S608
        con.sql("CHECKPOINT")
        timings["checkpoint"] = time.perf_counter() - mark
        return counts
    finally:
        con.close()


def _insert(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    con.register("_incoming", frame)
    try:
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        con.sql(f'INSERT INTO "{name}" ({cols}) SELECT {cols} FROM _incoming')  # noqa: S608 - contract names
    finally:
        con.unregister("_incoming")


def _insert_marketplace(con: duckdb.DuckDBPyConnection, model: ModelResult) -> None:
    """Load marketplace rows straight from the sources' Parquet files (integers and amounts only).

    Rows rejected by a row rule carry a reject code; rows whose spend code or name failed a rule
    (the same for every row carrying it) and rows superseded by a later release are left out by
    anti-joins on small key tables.
    """
    if not model.marketplace_parquet:
        return
    bad = model.marketplace_rejected_keys
    con.register("_superseded", model.superseded)
    con.register("_bad_codes", bad["spend_code_id"])
    con.register("_bad_suppliers", bad["supplier_id"])
    con.register("_bad_buyers", bad["buyer_id"])
    try:
        # One INSERT per file: DuckDB parallelises within a Parquet file by row group, and a
        # single read_parquet over a list of very unequal files measured 2.5x slower.
        for path in model.marketplace_parquet:
            con.sql(
                """
                INSERT INTO fact_marketplace_spend
                SELECT s.source_file, s.source_line, s.spend_code_id, s.buyer_id, s.supplier_id, s.description_id,
                       s.amount
                FROM read_parquet($file) AS s
                ANTI JOIN _superseded AS x ON x.source_file = s.source_file AND x.spend_code_id = s.spend_code_id
                ANTI JOIN _bad_codes AS c ON c.spend_code_id = s.spend_code_id
                ANTI JOIN _bad_suppliers AS p ON p.supplier_id = s.supplier_id
                ANTI JOIN _bad_buyers AS b ON b.buyer_id = s.buyer_id
                WHERE s._reject_code IS NULL
                """,
                params={"file": str(path)},
            )
    finally:
        for name in ("_superseded", "_bad_codes", "_bad_suppliers", "_bad_buyers"):
            con.unregister(name)
