"""Tables that describe the build itself: when, from which files, and what was rejected.

`FileOutcome` is what the build learns about one file; `files_frame` turns them into `build_files` rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.core.fetching import STATUS_FILE, read_manifest, read_status
from pipelines.core.loading import file_label
from pipelines.core.schema import Column, Table

FILE_STATUSES = ("loaded", "duplicate", "empty", "unreadable", "unrecognised", "ignored")

BUILD_INFO = Table(
    name="build_info",
    kind="meta",
    description="One row: when and how this warehouse was built.",
    key=("built_at",),
    columns=(
        Column("built_at", "TIMESTAMP", "Build time (UTC)", nullable=False),
        Column("code_version", "VARCHAR", "git describe of the pipeline code", nullable=False),
        Column(
            "is_sample",
            "BOOLEAN",
            "True when built from the generated sample data, not published files",
            nullable=False,
        ),
        Column("raw_dir", "VARCHAR", "Folder the raw files were read from", nullable=False),
        Column("n_files", "INTEGER", "Files found", nullable=False, min=0),
        Column("n_files_loaded", "INTEGER", "Files loaded", nullable=False, min=0),
        Column("build_seconds", "DOUBLE", "Wall time of the build up to writing this row", nullable=False, min=0),
        Column("polars_version", "VARCHAR", "Polars version", nullable=False),
        Column("duckdb_version", "VARCHAR", "DuckDB version", nullable=False),
    ),
)

BUILD_FILES = Table(
    name="build_files",
    kind="meta",
    description="Every file found under the raw folder, what it was recognised as, and its row counts.",
    key=("rel_path",),
    columns=(
        Column("file_name", "VARCHAR", "File name", nullable=False),
        Column("rel_path", "VARCHAR", "Path under the raw folder", nullable=False),
        Column(
            "status",
            "VARCHAR",
            "loaded, duplicate, empty, unreadable (stops the build), unrecognised (skipped) or ignored",
            nullable=False,
            allowed=FILE_STATUSES,
        ),
        Column("message", "VARCHAR", "Why a file was skipped or could not be read"),
        Column("source", "VARCHAR", "Source (publisher dataset)"),
        Column("format", "VARCHAR", "Detected layout id"),
        Column("format_description", "VARCHAR", "Detected layout"),
        Column("publisher", "VARCHAR", "Publisher"),
        Column("licence", "VARCHAR", "Licence"),
        Column("sha256", "VARCHAR", "SHA-256 of the file bytes"),
        Column("size_bytes", "BIGINT", "File size", nullable=False, min=0),
        Column("rows_read", "BIGINT", "Data rows read", nullable=False, min=0),
        Column("rows_loaded", "BIGINT", "Rows loaded", nullable=False, min=0),
        Column("rows_rejected", "BIGINT", "Rows rejected (see rejects)", nullable=False, min=0),
        Column(
            "rows_superseded",
            "BIGINT",
            "Rows a later release of the same data restates, so not loaded from this file (see meta_superseded_rows)",
            nullable=False,
            min=0,
        ),
        Column("encoding", "VARCHAR", "Detected text encoding"),
        Column("notes", "VARCHAR", "What was noticed while reading (encoding, line endings, totals)"),
        Column("period", "VARCHAR", "Period the loaded rows cover"),
        Column(
            "fetch_url", "VARCHAR", "Where python -m pipelines fetch downloaded the file (empty: put there by hand)"
        ),
        Column("fetched_at", "TIMESTAMP", "When these bytes were downloaded (UTC, from the file's fetch manifest)"),
        Column(
            "fetch_checked_at", "TIMESTAMP", "When the publisher was last asked about the file (a 304 moves only this)"
        ),
        Column(
            "publisher_updated_at",
            "VARCHAR",
            "When the publisher says it last changed (GOV.UK public_updated_at, ArcGIS lastEditDate, IfG commit date)",
        ),
        Column(
            "fetch_note",
            "VARCHAR",
            "What the fetch noticed (reshuffle mode, bytes not UTF-8, edited since fetched) and whether the last "
            "fetch of its source failed",
        ),
    ),
    extra_checks=(
        (
            "rows read = rows loaded + rows rejected + rows superseded",
            "SELECT rel_path FROM build_files WHERE rows_read <> rows_loaded + rows_rejected + rows_superseded",
        ),
        (
            "every superseded row is in meta_superseded_rows",
            """SELECT f.rel_path FROM build_files f
               LEFT JOIN (SELECT file_name, count(*) AS n FROM meta_superseded_rows GROUP BY file_name) s
               USING (file_name)
               WHERE f.status = 'loaded' AND f.rows_superseded <> coalesce(s.n, 0)""",
        ),
        (
            "every rejected row is in rejects",
            """SELECT f.rel_path FROM build_files f
               LEFT JOIN (SELECT file_name, count(*) AS n FROM rejects GROUP BY file_name) r USING (file_name)
               WHERE f.status = 'loaded' AND f.rows_rejected <> coalesce(r.n, 0)""",
        ),
    ),
)

REJECTS = Table(
    name="rejects",
    kind="meta",
    description="Every row that failed a rule, with the file, line, column, value and reason.",
    columns=(
        Column("file_name", "VARCHAR", "File", nullable=False),
        Column("source", "VARCHAR", "Source", nullable=False),
        Column("format", "VARCHAR", "Layout", nullable=False),
        Column("line", "BIGINT", "Line (or record number for JSON)"),
        Column("column_name", "VARCHAR", "Column that failed"),
        Column("value", "VARCHAR", "The offending value (first 500 characters)"),
        Column("reason", "VARCHAR", "Why the row was rejected", nullable=False),
    ),
)

SUPERSEDED_ROWS = Table(
    name="meta_superseded_rows",
    kind="meta",
    description=(
        "Every row a later cumulative release restates (the later release's rows are loaded instead): "
        "not rejected, since nothing was wrong with it, and not counted twice."
    ),
    key=("file_name", "line"),
    columns=(
        Column("file_name", "VARCHAR", "File the row was read from", nullable=False),
        Column("source", "VARCHAR", "Source", nullable=False),
        Column("line", "BIGINT", "Line of the row in that file", nullable=False),
        Column("period", "VARCHAR", "What the later release restates, e.g. 'G-Cloud 2014-02'", nullable=False),
        Column("superseded_by", "VARCHAR", "The file whose rows for that period are loaded instead", nullable=False),
    ),
)

BUILD_FETCH_STATUS = Table(
    name="build_fetch_status",
    kind="meta",
    description="One row per source that python -m pipelines fetch has brought into the raw folder: how its last "
    "fetch ended (from the source folder's .fetch-status.json). Empty when every file was put there by hand.",
    key=("source_folder",),
    columns=(
        Column(
            "source_folder",
            "VARCHAR",
            "The source's folder under the raw folder (the fetch source name)",
            nullable=False,
        ),
        Column("finished_at", "TIMESTAMP", "When its last fetch finished (UTC)"),
        Column("succeeded", "BOOLEAN", "True when its last fetch ended without an error", nullable=False),
        Column("requests", "BIGINT", "HTTP requests the last fetch made", min=0),
        Column("files_new", "BIGINT", "Files the last fetch brought for the first time", min=0),
        Column("files_changed", "BIGINT", "Files it replaced with a changed version", min=0),
        Column("files_unchanged", "BIGINT", "Files the publisher said were unchanged (304 or same bytes)", min=0),
        Column(
            "files_kept", "BIGINT", "Files an earlier fetch brought that this one kept (failed or not asked for)", min=0
        ),
        Column("errors", "VARCHAR", "The last fetch's errors, each with its URL and reason, joined by ' | '"),
        Column("warnings", "VARCHAR", "Its warnings (reshuffle mode, bytes not UTF-8), joined by ' | '"),
    ),
)

TABLES = (BUILD_INFO, BUILD_FILES, BUILD_FETCH_STATUS, REJECTS, SUPERSEDED_ROWS)


@dataclass
class FileOutcome:
    """One row of build_files."""

    path: Path
    rel_path: str
    status: str  # loaded | duplicate | empty | unreadable | unrecognised | ignored
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
    rows_superseded: int = 0
    encoding: str | None = None
    notes: str | None = None
    period: str | None = None
    fetch_url: str | None = None
    fetched_at: dt.datetime | None = None
    fetch_checked_at: dt.datetime | None = None
    publisher_updated_at: str | None = None
    fetch_note: str | None = None


def _utc(stamp: str | None) -> dt.datetime | None:
    if not stamp:
        return None
    try:
        return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(dt.UTC).replace(tzinfo=None)
    except ValueError:
        return None


def add_fetch_record(outcome: FileOutcome, raw_dir: Path) -> None:
    """Copy what the file's fetch manifest says (URL, times, notes) onto its build_files row, if it has one."""
    manifest = read_manifest(outcome.path)
    if manifest is None:
        return
    outcome.fetch_url = manifest.url
    outcome.fetched_at, outcome.fetch_checked_at = _utc(manifest.fetched_at), _utc(manifest.checked_at)
    outcome.publisher_updated_at = manifest.publisher_updated_at
    notes = [manifest.note] if manifest.note else []
    if outcome.sha256 and outcome.sha256 != manifest.sha256:
        notes.append("the file differs from the bytes fetched (edited or replaced since)")
    status = read_status(raw_dir / manifest.source)
    if status and not status.get("ok"):
        errors = status.get("errors") or []
        first = f": {errors[0]}" if errors else ""
        notes.append(f"the last fetch of {manifest.source} ({status.get('finished_at')}) failed{first}")
    outcome.fetch_note = "; ".join(notes) or None


def files_frame(outcomes: list[FileOutcome]) -> pl.DataFrame:
    rows = [
        {
            "file_name": file_label(o.path),
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
            "rows_superseded": o.rows_superseded,
            "encoding": o.encoding,
            "notes": o.notes or None,
            "period": o.period or None,
            "fetch_url": o.fetch_url,
            "fetched_at": o.fetched_at,
            "fetch_checked_at": o.fetch_checked_at,
            "publisher_updated_at": o.publisher_updated_at,
            "fetch_note": o.fetch_note,
        }
        for o in outcomes
    ]
    return BUILD_FILES.conform(pl.DataFrame(rows, schema=BUILD_FILES.polars_schema, strict=False))


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _joined(value: object) -> str | None:
    items = [str(v) for v in value] if isinstance(value, list) else []
    return " | ".join(items) or None


def fetch_status_frame(raw_dir: Path) -> pl.DataFrame:
    """`build_fetch_status` rows: each source folder's `.fetch-status.json`, as the last fetch wrote it.

    A status file that cannot be read or is not an object counts as a failed fetch, with the reason as its error,
    so a damaged record never reads as a success.
    """
    rows = []
    folders = sorted(p for p in raw_dir.iterdir() if p.is_dir()) if raw_dir.is_dir() else []
    for folder in folders:
        if not (folder / STATUS_FILE).exists():
            continue
        status = read_status(folder)
        if status is None:
            rows.append(
                {"source_folder": folder.name, "succeeded": False, "errors": f"{folder / STATUS_FILE}: unreadable"}
            )
            continue
        counts = status.get("files")
        files: dict[str, Any] = counts if isinstance(counts, dict) else {}
        rows.append(
            {
                "source_folder": folder.name,
                "finished_at": _utc(status.get("finished_at") if isinstance(status.get("finished_at"), str) else None),
                "succeeded": status.get("ok") is True,
                "requests": _count(status.get("requests")),
                **{f"files_{k}": _count(files.get(k)) for k in ("new", "changed", "unchanged", "kept")},
                "errors": _joined(status.get("errors")),
                "warnings": _joined(status.get("warnings")),
            }
        )
    return BUILD_FETCH_STATUS.conform(pl.DataFrame(rows, schema=BUILD_FETCH_STATUS.polars_schema, strict=False))
