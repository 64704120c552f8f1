"""Every publisher format the build reads, from the domains that define them, and how a file finds its format.

Each domain module listed exposes FORMATS (a list of `Format`). `all_formats()` gathers them and
`detect(head)` picks the format whose header rule matches a file's first lines: detection never looks at
the file name. `load_file` detects and loads one file, and when nothing matches says why (the nearest
layout's missing columns, the JSON shape found, the syntax error and its line).
"""

from __future__ import annotations

import csv
import json
import os
import re
import traceback
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from pipelines.core.loading import FileLoad, Format, header_key
from pipelines.core.textio import HEAD_BYTES, Head, UnreadableFileError, read_head, read_text
from pipelines.geography import formats as geography
from pipelines.geography import postcodes
from pipelines.marketplace import formats as marketplace
from pipelines.ministers import govuk as govuk_ministers
from pipelines.ministers import ifg as ifg_ministers
from pipelines.notices import contracts_finder, find_a_tender
from pipelines.organisations import ccs_customers
from pipelines.organisations import formats as organisations
from pipelines.sme_spend import formats as sme_spend
from pipelines.sme_spend import workbook as sme_spend_workbook
from pipelines.warehouse.errors import as_output_failure
from pipelines.warehouse.meta import FileOutcome

#: The modules that define formats, in a fixed order (the order of ids in `all_formats`).
FORMAT_MODULES: tuple[ModuleType, ...] = (
    contracts_finder,
    find_a_tender,
    govuk_ministers,
    organisations,
    ccs_customers,
    ifg_ministers,
    marketplace,
    geography,
    postcodes,
    sme_spend,
    sme_spend_workbook,
)


@cache
def all_formats() -> tuple[Format, ...]:
    formats: list[Format] = [f for module in FORMAT_MODULES for f in module.FORMATS]
    ids = [f.id for f in formats]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise RuntimeError(f"format ids defined twice: {sorted(duplicates)}")
    return tuple(formats)


def detect(head: Head) -> list[Format]:
    """Every format whose rule matches (the caller treats more than one as ambiguous)."""
    return [f for f in all_formats() if f.matches(head)]


def diagnose_unknown(head: Head) -> str:
    """Why no format matched, naming the nearest layout's missing columns when there is one."""
    if head.kind == "empty":
        return "file is empty"
    if head.kind == "spreadsheet":
        return _diagnose_workbook(head)
    if head.kind == "binary":
        return head.problem
    if head.kind in ("json", "jsonl") and (schema := _content_schema(head)) is not None:
        return f"a GOV.UK Content API {schema!r} page (of that API the build reads ministers pages only)"
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
    near = nearest_layout(head)
    if near is not None and near.missing:
        return f"header looks like {near.description} but lacks column(s) {', '.join(near.missing)}"
    if near is not None:
        return (
            f"header looks like {near.description} but is on line {near.line}, below the first"
            f" {DETECTED_ROWS} lines where a header is looked for"
        )
    first = head.lines[0][:200] if head.lines else ""
    return f"header not recognised as any known publisher format (first line: {first!r})"


#: Rows a format's own rule looks at for its header (banners above it allowed), and rows searched for a near miss.
DETECTED_ROWS = 6
NEAR_MISS_ROWS = 20


@dataclass(frozen=True)
class NearMiss:
    """A header row that shares at least half of a layout's required columns."""

    score: float
    description: str
    missing: list[str]
    line: int
    sheet: str = ""  # the sheet of a workbook the row is on
    found: tuple[str, ...] = ()  # the row's non-blank cells


def _rows_searched(head: Head) -> list[tuple[str, list[list[str]]]]:
    """(sheet name or '', rows) where a header is looked for: each sheet of a workbook, or the text's lines."""
    if head.kind == "spreadsheet":
        return [(sheet.name, [list(r) for r in sheet.rows[:NEAR_MISS_ROWS]]) for sheet in head.sheets]
    rows = head.csv_rows(NEAR_MISS_ROWS)
    if not rows and head.kind == "text":  # no line break in the head: the start of its one line
        rows = list(csv.reader([head.text[:4096]]))
    return [("", rows)]


#: Formula text and footnote markers a header cell may carry ("[Column C divided by Column B]", "(=D+E)", "(1)"):
#: a near miss is also looked for without them.
_ANNOTATION = re.compile(r"\[[^\]]*\]?|\(\s*=?[A-Z0-9+\-*/ ]*\)")


def nearest_layout(head: Head) -> NearMiss | None:
    """The layout whose required columns a row among the first lines best covers (half or more), if any."""
    best: NearMiss | None = None
    for sheet, rows in _rows_searched(head):
        for line, row in enumerate(rows, start=1):
            keys = {key for c in row if c.strip() for key in (header_key(c), header_key(_ANNOTATION.sub("", c)))}
            for fmt in all_formats() if keys else ():
                need = {header_key(c): c for c in fmt.required_columns}
                score = len(set(need) & keys) / len(need) if need else 0.0
                if score >= 0.5 and (best is None or score > best.score):
                    missing = [name for key, name in need.items() if key not in keys]
                    found = tuple(c.strip() for c in row if c.strip())
                    best = NearMiss(score, fmt.description, missing, line, sheet, found)
    return best


def _diagnose_workbook(head: Head) -> str:
    """Why no format read a workbook: it cannot be opened, a sheet nearly matches a layout, or nothing does."""
    kind = head.encoding.upper()
    if head.problem:
        return f"an {kind} workbook that cannot be read: {head.problem}"
    if not head.sheets:
        return f"an {kind} workbook with no sheets"
    near = nearest_layout(head)
    if near is not None:
        found = ", ".join(near.found[:30])
        gap = (
            f"lacks column(s) {', '.join(near.missing)}"
            if near.missing
            else "that layout is read from CSV files only (save the sheet as CSV)"
        )
        return (
            f"sheet {near.sheet!r}, row {near.line}: header looks like {near.description} but {gap}"
            f" (columns found: {found})"
        )
    names = ", ".join(repr(s.name) for s in head.sheets)
    first = next((row for s in head.sheets for row in s.rows if any(c.strip() for c in row)), ())
    shown = ", ".join(c.strip() for c in first if c.strip())[:200]
    return (
        f"no sheet of this {kind} workbook has the header of a known publisher format"
        f" (sheets: {names}; first row with values: {shown!r})"
    )


def resembles_a_format(head: Head) -> bool:
    """Whether a file no format matched still looks like one of them (so failing it must stop the build)."""
    if any(f.resembles(head) for f in all_formats() if f.resembles is not None):
        return True
    return head.kind in ("text", "spreadsheet") and nearest_layout(head) is not None


def _content_schema(head: Head) -> str | None:
    doc = head.json() if head.kind == "json" else head.first_json_line()
    schema = doc.get("schema_name") if isinstance(doc, dict) else None
    return schema if isinstance(schema, str) else None


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


def load_file(
    path: Path, raw_dir: Path, workdir: Path, *, read_from: Path | None = None
) -> tuple[FileOutcome, FileLoad | None]:
    """Detect and load one file: `path` as found under `raw_dir`, its bytes read from `read_from` (a snapshot
    of it with the same name, which the build hashed) when given.

    A file that looks like a known format but cannot be read comes back 'unreadable' (the build stops on it);
    one that resembles no format the build reads (another GOV.UK page, a CSV from elsewhere) comes back
    'unrecognised' with the reason, listed and skipped. A failure to write the build's own work files (a full
    disk) is no fault of the file: it is raised as the OutputError that stops the build.
    """
    source = read_from or path
    rel = str(path.relative_to(raw_dir)) if path.is_relative_to(raw_dir) else path.name
    outcome = FileOutcome(path=path, rel_path=rel, status="loaded", size_bytes=source.stat().st_size)
    try:
        head = read_head(source)
        if head.kind == "empty":
            outcome.status, outcome.message = "empty", "file is empty (no header, no rows): skipped"
            return outcome, None
        matches = detect(head)
        if not matches and (error := json_syntax_error(head)) is not None:
            raise error
        if not matches and not resembles_a_format(head):
            outcome.status = "unrecognised"
            outcome.message = f"{diagnose_unknown(head)}: skipped, as it resembles no format the build reads"
            return outcome, None
        if not matches:
            raise UnreadableFileError(path, diagnose_unknown(head), line=1)
        if len(matches) > 1:
            ids = ", ".join(m.id for m in matches)
            raise UnreadableFileError(path, f"header matches several formats ({ids}); cannot tell which", line=1)
        fmt = matches[0]
        outcome.source, outcome.format = fmt.source, fmt.id
        outcome.format_description, outcome.publisher, outcome.licence = fmt.description, fmt.publisher, fmt.licence
        loaded = fmt.load(source, head, workdir)
        loaded.path = path  # the rows came from the snapshot; the file they belong to is the one found
        loaded.check_reconciles()
    except UnreadableFileError as exc:
        outcome.status, outcome.message = "unreadable", str(exc)
        return outcome, None
    except Exception as exc:
        if (failure := as_output_failure(exc, workdir.parent)) is not None:
            raise failure from exc
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
