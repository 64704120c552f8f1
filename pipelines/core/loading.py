"""What every source module shares: the result of loading one file, rejects, checks.

A source module exposes one or more `Format`s. `build` reads the head of every raw
file, asks each format whether it recognises the header (never the file name), and
calls the first match's `load`. A load returns a `FileLoad`: tidy staging frames
keyed by staging-table name, the rejected rows with their reasons, and the counts,
which must reconcile: rows_read == rows_loaded + rows_rejected.
"""

from __future__ import annotations

import csv
import functools
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.core.textio import CHUNK_BYTES, BadLine, Head, UnreadableFileError, field_of_bad_char, prepare_csv

REJECT_SCHEMA = pl.Schema(
    {
        "file_name": pl.String(),
        "source": pl.String(),
        "format": pl.String(),
        "line": pl.Int64(),
        "column_name": pl.String(),
        "value": pl.String(),
        "reason": pl.String(),
    }
)

# Internal columns added by `apply_checks`.
REJECT_COLUMN = "_reject_column"
REJECT_VALUE = "_reject_value"
REJECT_REASON = "_reject_reason"
REJECT_CODE = "_reject_code"

#: Rows a later release of the same data replaces: not rejected (nothing was wrong with them), not loaded.
SUPERSEDED_SCHEMA = pl.Schema(
    {
        "file_name": pl.String(),
        "source": pl.String(),
        "line": pl.Int64(),
        "period": pl.String(),  # what the later release restates, e.g. "G-Cloud 2014-02"
        "superseded_by": pl.String(),  # the file whose rows are kept instead
    }
)
LINE = "source_line"
FILE = "source_file"

#: A page a fetcher saved (`<source>/<window start>/page-0001.json`): every window has a page-0001.json.
_PAGE_NAME = re.compile(r"^page-\d+\.json$")


def file_label(path: Path) -> str:
    """How the build names a file in build_files, rejects, superseded rows and source_file: its name, with its
    folder for a fetched page (`2025-03-01T000000/page-0001.json`), so that pages of different windows stay apart."""
    return f"{path.parent.name}/{path.name}" if _PAGE_NAME.match(path.name) and path.parent.name else path.name


def staging(stg: Mapping[str, pl.DataFrame | pl.LazyFrame], name: str, schema: pl.Schema) -> pl.DataFrame:
    """The staging frame `name` (collected), or an empty one of `schema` when no file of that kind was found."""
    frame = stg.get(name)
    if frame is None:
        return pl.DataFrame(schema=schema)
    return frame.collect() if isinstance(frame, pl.LazyFrame) else frame


@dataclass
class FileLoad:
    """The outcome of reading one raw file."""

    path: Path
    source: str  # e.g. "marketplace_spend"
    format: str  # e.g. "gcloud_2014_for_import"
    tables: dict[str, pl.DataFrame | pl.LazyFrame]
    rejects: pl.DataFrame
    rows_read: int
    rows_loaded: int
    notes: list[str] = field(default_factory=list)  # e.g. "Windows-1252, CR line endings"
    encoding: str = ""
    period: str = ""  # e.g. "2012-04 .. 2014-06", shown on the Data and method page
    #: For large sources: staging name -> Parquet file holding every row read, with the
    #: _reject_* columns; the writer loads `WHERE _reject_reason IS NULL` straight from it.
    parquet: dict[str, Path] = field(default_factory=dict)
    #: For large sources: staging name -> small lookup the Parquet rows join to (on source_file,
    #: _code_id) for their low-cardinality columns (month, framework, lot, sector, SME flag).
    lookups: dict[str, pl.DataFrame] = field(default_factory=dict)
    #: Rows replaced by a later release (SUPERSEDED_SCHEMA); set by the build, empty when a file is read.
    superseded: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SUPERSEDED_SCHEMA))

    @property
    def rows_rejected(self) -> int:
        return self.rejects.height

    @property
    def rows_superseded(self) -> int:
        return self.superseded.height

    def check_reconciles(self) -> None:
        if self.rows_read != self.rows_loaded + self.rows_rejected + self.rows_superseded:
            raise AssertionError(
                f"{self.path.name}: rows read {self.rows_read} != loaded {self.rows_loaded}"
                f" + rejected {self.rows_rejected} + superseded {self.rows_superseded}"
            )


@dataclass(frozen=True)
class Format:
    """A published layout that `build` can recognise from a file's head."""

    id: str
    source: str
    description: str
    matches: Callable[[Head], bool]
    load: Callable[[Path, Head, Path], FileLoad]  # (path, head, workdir) -> FileLoad
    publisher: str = ""
    licence: str = ""
    #: Header names the layout needs, as the publisher writes them; used to explain a near miss
    #: ("looks like X but lacks column Y") when no format matches a file.
    required_columns: tuple[str, ...] = ()
    #: True for a head this format would recognise if the file were well formed (an ONS code column, an OCDS
    #: key). A file that resembles a known format but matches none stops the build; one that resembles
    #: nothing is listed as unrecognised and skipped.
    resembles: Callable[[Head], bool] | None = None


@dataclass(frozen=True)
class Check:
    """A row rule: when `failed` is true the row is rejected with `reason`."""

    column: str
    failed: pl.Expr
    reason: str | pl.Expr
    value: pl.Expr | None = None
    column_expr: pl.Expr | None = None  # when the reported column depends on the row


def flag_rejects(frame: pl.LazyFrame, checks: Sequence[Check]) -> pl.LazyFrame:
    """Add _reject_code: the index of the first failing check (null when the row passes).

    Only an integer per row, so it stays cheap on millions of rows; `explain_rejects` turns
    the code into column, value and reason for the (few) rejected rows afterwards.
    """
    code: pl.Expr = pl.lit(None, dtype=pl.Int16)
    for index in reversed(range(len(checks))):
        code = pl.when(checks[index].failed.fill_null(False)).then(pl.lit(index, dtype=pl.Int16)).otherwise(code)
    return frame.with_columns(code.alias(REJECT_CODE))


def explain_rejects(frame: pl.LazyFrame, checks: Sequence[Check]) -> pl.LazyFrame:
    """Add _reject_column/_reject_value/_reject_reason from _reject_code (run on rejected rows only)."""
    column: pl.Expr = pl.lit(None, dtype=pl.String)
    value: pl.Expr = pl.lit(None, dtype=pl.String)
    reason: pl.Expr = pl.lit(None, dtype=pl.String)
    code = pl.col(REJECT_CODE)
    for index in reversed(range(len(checks))):
        check = checks[index]
        hit = code == index
        val = check.value if check.value is not None else pl.col(check.column)
        why = pl.lit(check.reason) if isinstance(check.reason, str) else check.reason
        col = check.column_expr if check.column_expr is not None else pl.lit(check.column)
        column = pl.when(hit).then(col).otherwise(column)
        value = pl.when(hit).then(val.cast(pl.String)).otherwise(value)
        reason = pl.when(hit).then(why).otherwise(reason)
    return frame.with_columns(column.alias(REJECT_COLUMN), value.alias(REJECT_VALUE), reason.alias(REJECT_REASON))


def apply_checks(frame: pl.LazyFrame, checks: Sequence[Check]) -> pl.LazyFrame:
    """Add _reject_code and _reject_column/_reject_value/_reject_reason; the first failing check wins."""
    return explain_rejects(flag_rejects(frame, checks), checks)


def required(column: str, label: str | None = None) -> Check:
    """The column must hold a value."""
    return Check(column, pl.col(column).is_null(), f"missing {label or column}")


def unparseable(raw: str, parsed: pl.Expr, what: str) -> Check:
    """Input present but the parser gave null."""
    return Check(raw, pl.col(raw).is_not_null() & parsed.is_null(), f"not {what}")


def split_rejects(frame: pl.DataFrame, path: Path, source: str, fmt: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split a checked frame into (loaded rows without internal columns, rejects)."""
    bad = frame.filter(pl.col(REJECT_REASON).is_not_null())
    good = frame.filter(pl.col(REJECT_REASON).is_null()).drop(
        REJECT_COLUMN, REJECT_VALUE, REJECT_REASON, REJECT_CODE, strict=False
    )
    rejects = rejects_frame(bad, path, source, fmt)
    return good, rejects


def rejects_frame(bad: pl.DataFrame | pl.LazyFrame, path: Path, source: str, fmt: str) -> pl.DataFrame:
    """Shape rows carrying _reject_* and source_line into REJECT_SCHEMA."""
    lf = bad.lazy() if isinstance(bad, pl.DataFrame) else bad
    out = lf.select(
        pl.lit(file_label(path)).alias("file_name"),
        pl.lit(source).alias("source"),
        pl.lit(fmt).alias("format"),
        pl.col(LINE).cast(pl.Int64).alias("line"),
        pl.col(REJECT_COLUMN).alias("column_name"),
        pl.col(REJECT_VALUE).str.slice(0, 500).alias("value"),
        pl.col(REJECT_REASON).alias("reason"),
    ).collect()
    return out.cast(REJECT_SCHEMA)


def empty_rejects() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECT_SCHEMA)


def make_reject(
    path: Path, source: str, fmt: str, line: int | None, column: str | None, value: object, reason: str
) -> dict:
    return {
        "file_name": file_label(path),
        "source": source,
        "format": fmt,
        "line": line,
        "column_name": column,
        "value": None if value is None else str(value)[:500],
        "reason": reason,
    }


def rejects_from_dicts(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=REJECT_SCHEMA) if rows else empty_rejects()


def bad_line_checks(bad_lines: Sequence[BadLine], header: list[str]) -> list[Check]:
    """A check rejecting rows whose physical line had bytes in no supported encoding."""
    if not bad_lines:
        return []
    columns = {b.line: field_of_bad_char(b.text, header) or "(whole line)" for b in bad_lines}
    details = {b.line: b.detail for b in bad_lines}
    line_col = pl.col(LINE)
    return [
        Check(
            column="(encoding)",
            failed=line_col.is_in(list(columns)),
            reason=pl.concat_str(
                pl.lit("undecodable text: "),
                line_col.replace_strict(details, default="", return_dtype=pl.String),
            ),
            value=pl.lit(None, dtype=pl.String),
            column_expr=line_col.replace_strict(columns, default="(whole line)", return_dtype=pl.String),
        )
    ]


def repeated_header_check(columns: Sequence[str], names: Sequence[str] | None = None) -> Check:
    """Reject a data row that repeats the header (files concatenated with their headers)."""
    names = list(names or columns)
    same = [
        pl.col(c).str.strip_chars().str.to_lowercase() == n.strip().lower()
        for c, n in zip(columns, names, strict=False)
    ]
    cond = pl.all_horizontal(same[: min(3, len(same))])
    return Check(columns[0], cond, "repeated header row inside the data")


def extra_fields_check(extra_column: str = "_extra") -> Check:
    """Reject a row with more fields than the header has columns."""
    return Check(
        "(row)", pl.col(extra_column).is_not_null(), "row has more fields than the header", value=pl.col(extra_column)
    )


def header_key(name: str) -> str:
    """Normalise a header cell for matching: 'SME or Large' -> 'smeorlarge', 'For_Month' -> 'formonth'."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def unique_names(cells: Sequence[str]) -> list[str]:
    """Header cells as usable column names: blanks become _blank_<n>, duplicates get a suffix."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for idx, cell in enumerate(cells):
        name = cell.strip() or f"_blank_{idx + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def scan_csv_strings(path: Path, header_line: int, columns: Sequence[str]) -> pl.LazyFrame:
    """Scan a UTF-8/LF CSV whose header is physical line `header_line` (0-based), all as strings.

    Adds `source_line` (1-based physical line of the record, assuming no embedded
    newlines) and `_extra` (non-null when a row has more fields than the header).

    The header line itself is scanned as the first record and dropped: Polars takes the
    width of the file from its first record, so a first data row with thousands of extra
    fields would otherwise raise (or, with millions, take minutes and gigabytes).
    """
    schema = {name: pl.String for name in columns}
    schema["_extra"] = pl.String
    return (
        pl.scan_csv(
            path,
            has_header=False,
            skip_lines=header_line,
            schema=schema,
            truncate_ragged_lines=True,
            missing_columns="insert",
            extra_columns="ignore",
            row_index_name=LINE,
            row_index_offset=header_line + 1,
            empty_string_is_null=True,
            raise_if_empty=False,
        )
        .slice(1)
        .with_columns(pl.col(LINE).cast(pl.Int64))
    )


#: How much of a file's end `truncated_row_checks` reads to find its last line.
TAIL_BYTES = 64 * 1024


def _count_line_breaks(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(CHUNK_BYTES), b""))


def truncated_row_checks(path: Path, header: Sequence[str]) -> list[Check]:
    """Reject a last line that has no line break and fewer fields than the header: the file was cut mid-row.

    Such a row would otherwise load with its missing cells as blanks (and its last cell cut
    short). `path` is the prepared UTF-8/LF text. A file cut inside its last field still has
    every field and cannot be told from one that merely lacks a final line break.
    """
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - TAIL_BYTES))
        tail = fh.read()
    if not tail or tail.endswith(b"\n"):
        return []
    cut = tail.rfind(b"\n")
    if cut < 0 and size > TAIL_BYTES:
        return []  # a last line longer than the window: not a cut-short row
    last = tail[cut + 1 :].decode("utf-8", errors="replace")
    fields = next(csv.reader([last]), [])
    if len(fields) >= len(header):
        return []
    line = _count_line_breaks(path) + 1
    return [
        Check(
            "(row)",
            pl.col(LINE) == line,
            f"the file ends mid-row: its last line has {len(fields)} of the header's {len(header)} fields"
            " and no line break (truncated file?)",
            value=pl.lit(last[:500], dtype=pl.String),
        )
    ]


def first_malformed_record(path: Path) -> int | None:
    """The physical line (1-based) where the first record Python's strict CSV reader rejects starts.

    Only run after Polars has failed to parse a file, to say where the problem is (typically
    a quoted field that is never closed, which swallows the rest of the file).
    """
    limit = csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a long cell is not the problem being looked for
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            start = 1
            try:
                for _ in reader:
                    start = reader.line_num + 1
            except csv.Error:
                return start
        return None
    finally:
        csv.field_size_limit(limit)


def csv_parse_error(path: Path, workdir: Path, error: Exception) -> UnreadableFileError:
    """An UnreadableFileError naming the line where a CSV Polars could not parse goes wrong."""
    line = first_malformed_record(prepare_csv(path, workdir).path)
    if line is None:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return UnreadableFileError(path, f"the CSV could not be parsed ({first[:300]})")
    return UnreadableFileError(
        path,
        "a quoted field starting on this line is not closed properly (unbalanced double quote),"
        " so the rows after it cannot be told apart",
        line=line,
    )


def reading_csv(load: Callable[[Path, Head, Path], FileLoad]) -> Callable[[Path, Head, Path], FileLoad]:
    """Wrap a CSV format's load so a parse error from Polars becomes an UnreadableFileError naming the line."""

    @functools.wraps(load)
    def wrapped(path: Path, head: Head, workdir: Path) -> FileLoad:
        try:
            return load(path, head, workdir)
        except pl.exceptions.ComputeError as exc:
            raise csv_parse_error(path, workdir, exc) from None

    return wrapped


def sheet_rows(
    path: Path, sheet: str, header_index: int, cells: Sequence[str]
) -> tuple[pl.DataFrame, list[str], int]:
    """The rows of a workbook's sheet below its header row (0-based `header_index`), as text, and their names.

    Columns are named from the header's cells (`unique_names`); `source_line` is the sheet's row number and
    `_extra` is null (a sheet's rows are as wide as its header row). Rows with no value at all are dropped
    and counted (the third value): a workbook's used range often runs past its last row of data.
    """
    from pipelines.core.sheets import read_sheet

    names = unique_names(cells)
    frame = read_sheet(path, sheet, names).filter(pl.col(LINE) > header_index + 1)
    filled = pl.any_horizontal([pl.col(n).is_not_null() & (pl.col(n).str.strip_chars() != "") for n in names])
    kept = frame.filter(filled)
    return kept, names, frame.height - kept.height
