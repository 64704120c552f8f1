"""Cabinet Office: central government direct and indirect spend with SMEs (annual annex CSV).

One CSV per financial year, one row per department plus `Other` and a total row. The
files are saved from Excel, so they come as Windows-1252 (`£` is byte 0xA3) or UTF-8
with a byte-order mark, CRLF, sometimes with up to three banner rows above the header
("Central Government Direct and Indirect Spend with SMEs 2019/20", blank lines, `,,,,`).
Column names drift between years ("Responding Suppliers Reported Spend (£m)" became
"... Reported Revenues (£m)"), so headers are matched by normalised patterns and mapped
to stable snake_case measure names.

The financial year is read from the banner; when a year's file has no banner, the file
name is the only other place it is written, so the name is used for the year and for
nothing else. `-`, `n/a` and friends mean "not published": null, not a reject.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.core.loading import (
    FILE,
    LINE,
    Check,
    FileLoad,
    Format,
    apply_checks,
    bad_line_checks,
    empty_rejects,
    extra_fields_check,
    reading_csv,
    repeated_header_check,
    scan_csv_strings,
    split_rejects,
    truncated_row_checks,
    unique_names,
)
from pipelines.core.parsing import clean_text, financial_year_label, is_count, parse_number
from pipelines.core.textio import Head, PreparedText, UnreadableFileError, prepare_csv
from pipelines.reference import departments, resolve_department
from pipelines.sme_spend.percentages import RATIOS, on_scale
from pipelines.sme_spend.percentages import Cell as ScaleCell
from pipelines.sme_spend.percentages import decide as decide_scales
from pipelines.sme_spend.percentages import summary as scale_summary

SOURCE = "sme_spend"
FORMAT_ID = "cabinet_office_sme_spend_annex"
STAGING_TABLE = "stg_sme_spend"

#: Banner rows (up to three) plus the header: the header must sit within these physical lines.
HEADER_SEARCH_LINES = 6

#: Cells that mean "not published" (null, not a reject), compared lower-cased and trimmed.
NOT_PUBLISHED = ("-", "–", "—", "n/a", "na", "n.a.", "..", "x", "not available", "not published")

ROW_TYPES = ("department", "other", "total")

_TOTAL_LABEL = re.compile(
    r"^(grand\s+|overall\s+|central\s+government\s+)?total(\s+central\s+government)?(\s*\(.*\))?$"
    r"|^all\s+departments$",
    re.IGNORECASE,
)
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*(?:/|-|–|_|\bto\b)\s*((?:19|20)?\d{2})(?!\d)", re.IGNORECASE)


@dataclass(frozen=True)
class Measure:
    """One published measure: its stable name, how its header is recognised, and its kind."""

    name: str
    header: str  # the current published header, for messages
    pattern: re.Pattern[str]  # matched against `normalise_header(cell)`
    kind: str  # money (£m) | pct (0..100) | count (whole number)


def _m(name: str, header: str, pattern: str, kind: str) -> Measure:
    return Measure(name, header, re.compile(pattern), kind)


MEASURES: tuple[Measure, ...] = (
    _m("total_procurement_spend_m", "Total Procurement Spend (£m)", r"^total procurement spend( m)?$", "money"),
    _m("direct_sme_spend_m", "Direct Spend with SMEs (£m)", r"^direct spend with smes?( m)?$", "money"),
    _m("direct_sme_pct", "Direct Spend with SMEs as %", r"^direct spend with smes?( as)? %$", "pct"),
    _m(
        "supplier_reported_revenue_m",
        "Responding Suppliers Reported Revenues (£m)",
        r"^(responding suppliers? reported (revenues?|spend)|reported (revenues?|spend) (of|by|from) responding"
        r" suppliers?)( m)?$",
        "money",
    ),
    _m(
        "supplier_subcontracted_sme_spend_m",
        "Responding Suppliers Reported Subcontracted Spend with SMEs (£m)",
        r"^responding suppliers? reported subcontracted spend with smes?( m)?$",
        "money",
    ),
    _m(
        "supplier_subcontracted_sme_pct",
        "Responding Suppliers Reported Subcontracted Spend with SMEs as %",
        r"^responding suppliers? reported subcontracted spend with smes?( as)? %$",
        "pct",
    ),
    _m(
        "additional_indirect_sme_spend_m",
        "Additional Indirect SME Spend collected & reported by Departments (outside of the annual survey)",
        r"^additional indirect sme spend\b",
        "money",
    ),
    _m(
        "in_scope_spend_for_extrapolation_m",
        "In scope spend for Extrapolation",
        r"^in scope spend for extrapolation( m)?$",
        "money",
    ),
    _m(
        "indirect_sme_spend_extrapolated_m",
        "Indirect Spend with SMEs Extrapolated (£m)",
        r"^indirect spend with smes? extrapolated( m)?$",
        "money",
    ),
    _m(
        "indirect_sme_spend_m",
        "Total Indirect Spend with SMEs (£m)",
        r"^(total )?indirect spend with smes?( m)?$",
        "money",
    ),
    _m("indirect_sme_pct", "Indirect Spend with SMEs as %", r"^(total )?indirect spend with smes?( as)? %$", "pct"),
    _m("total_sme_spend_m", "Total Spend with SMEs (£m)", r"^total spend with smes?( m)?$", "money"),
    _m("total_sme_pct", "Total Spend with SMEs as %", r"^total spend with smes?( as)? %$", "pct"),
    _m("suppliers_invited", "No. of Suppliers Invited", r"^(no|number) of suppliers invited$", "count"),
    _m(
        "supplier_responses",
        "No. of valid supplier responses received",
        r"^(no|number) of valid supplier responses( received)?$",
        "count",
    ),
    _m("supplier_response_rate_pct", "Supplier Response rate as %", r"^supplier response rate( as)?( %)?$", "pct"),
    _m(
        "responding_revenue_pct_of_spend",
        "Responding Suppliers Revenue as % of available spend",
        r"^responding suppliers? (revenues?|spend) as % of available spend$",
        "pct",
    ),
)
MEASURE_BY_NAME = {m.name: m for m in MEASURES}
DEPARTMENT_PATTERN = re.compile(r"^department$")
#: Columns the format needs to recognise a file: Department + direct + total spend with SMEs.
REQUIRED_MEASURES = ("direct_sme_spend_m", "total_sme_spend_m")
#: The same three as published header names (for the build's "looks like ... but lacks" message).
REQUIRED_HEADERS = ("Department", "Direct Spend with SMEs (£m)", "Total Spend with SMEs (£m)")
#: Money columns whose department rows should add up to the published total row.
SUMMED_MEASURES = ("total_procurement_spend_m", "direct_sme_spend_m", "indirect_sme_spend_m", "total_sme_spend_m")

STAGING_SCHEMA = pl.Schema(
    {
        "financial_year": pl.String(),
        "department_code": pl.String(),
        "department_id": pl.String(),
        "row_type": pl.String(),
        **{m.name: (pl.Int64() if m.kind == "count" else pl.Float64()) for m in MEASURES},
        FILE: pl.String(),
        LINE: pl.Int64(),
    }
)


#: Square-bracketed text in a header: a formula or column letter ("[Column D divided by Column C]", "[B]"),
#: a note ("[note 3]"); published brackets are not always balanced ("[Column G divided by Column F)").
_SQUARE = re.compile(r"\[[^\]]*?(?:\]|\)|$)")
_PAREN = re.compile(r"\(([^()]*)\)")
#: A parenthesised formula of column letters ("(C/A)", "(=D+E)", "(B-C-H)", "(A)") or a footnote ("(1)", "(note 2)").
_FORMULA = re.compile(r"^\s*=?\s*[A-Z](\s*[-+*/x×÷]\s*[A-Z])*\s*$|^\s*(note\s*)?\d{1,2}[a-z]?\s*$", re.IGNORECASE)
_COLUMN_REF = re.compile(r"^\s*col(umn)?s?\b", re.IGNORECASE)
#: Money in millions however it is written: "£m", "£ m", "£ million", "£millions" (all read as "£m").
_MILLIONS = re.compile(r"£\s*m(?:illions?)?\b", re.IGNORECASE)
_FOOTNOTE_CHARS = re.compile(r"[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+")
#: What is left of "... [Column I plus Column K] or [Column G plus Column I] as applicable" once brackets go.
_TRAILING_CLAUSE = re.compile(r"(\s+(?:or|if extrapolation (?:is )?applied|as applicable))+\s*$", re.IGNORECASE)


def _paren_part(match: re.Match[str]) -> str:
    inner = match.group(1)
    if _FORMULA.match(inner) or _COLUMN_REF.match(inner):
        return " "
    return f" {inner} "  # units ("(£m)", "(%)") and wording ("(outside of the annual survey)") are kept


def strip_annotations(cell: str) -> str:
    """A header cell without its formula text, column letters and footnote markers, units kept.

    "Direct Spend with SMEs as % [Column C divided by Column B]" -> "Direct Spend with SMEs as %";
    "Indirect Spend with SMEs (£m) (=D+E)" -> "Indirect Spend with SMEs £m"; "Total Procurement Spend
    (£m) (1)" and "... (£m)¹" -> "Total Procurement Spend £m"; "£ million" -> "£m".
    """
    text = _SQUARE.sub(" ", cell.replace("\ufeff", "").replace("\u00a0", " "))
    text = _PAREN.sub(_paren_part, text)
    text = _FOOTNOTE_CHARS.sub(" ", text)
    text = _MILLIONS.sub("£m", text)
    text = re.sub(r"\s+", " ", text).strip()
    return _TRAILING_CLAUSE.sub("", text).strip()


def normalise_header(cell: str) -> str:
    """Lower-case, annotations stripped, `&` as `and`, `£` dropped, `%` kept, other punctuation as single spaces.

    "Direct Spend with SMEs (£m)" -> "direct spend with smes m"; "No. of Suppliers Invited"
    -> "no of suppliers invited"; "Total Spend with SMEs as % (C/A)" -> "total spend with smes as %".
    Patterns in MEASURES are written against this form.
    """
    text = strip_annotations(cell).lower().replace("&", " and ").replace("£", "")
    text = re.sub(r"[^a-z0-9%]+", " ", text)
    return re.sub(r"\s*%\s*", " % ", text).strip()


def annotated(cell: str) -> bool:
    """Whether a header cell carries formula text, column letters or footnote markers (ignored for matching)."""
    plain = _MILLIONS.sub("£m", re.sub(r"\s+", " ", cell.replace("\u00a0", " "))).strip()
    kept = strip_annotations(cell)
    return re.sub(r"[\s()]", "", plain) != re.sub(r"[\s()]", "", kept)


@dataclass(frozen=True)
class HeaderMap:
    """Which header cell (by position) holds the department and each measure."""

    department: int | None
    measures: dict[str, int]  # measure name -> column position
    unknown: list[tuple[int, str]]  # (position, cell) of named cells matching nothing
    blank: list[int]  # positions of empty header cells (Excel's trailing columns)
    duplicated: list[tuple[str, str]]  # (measure, cell) mapped twice

    @property
    def is_sme_header(self) -> bool:
        return self.department is not None and all(m in self.measures for m in REQUIRED_MEASURES)


def map_header(cells: list[str]) -> HeaderMap:
    """Match each header cell to the department column or one measure."""
    department: int | None = None
    measures: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    blank: list[int] = []
    duplicated: list[tuple[str, str]] = []
    for pos, cell in enumerate(cells):
        key = normalise_header(cell)
        if not key:
            blank.append(pos)
            continue
        if DEPARTMENT_PATTERN.match(key):
            if department is None:
                department = pos
            else:
                duplicated.append(("department", cell))
            continue
        measure = next((m for m in MEASURES if m.pattern.match(key)), None)
        if measure is None:
            unknown.append((pos, cell.strip()))
        elif measure.name in measures:
            duplicated.append((measure.name, cell.strip()))
        else:
            measures[measure.name] = pos
    return HeaderMap(department, measures, unknown, blank, duplicated)


def find_header(head: Head) -> tuple[int, list[str], HeaderMap] | None:
    """The 0-based physical line, cells and mapping of the SME header within the first lines."""
    for idx, row in enumerate(head.csv_rows(HEADER_SEARCH_LINES)):
        mapping = map_header(row)
        if mapping.is_sme_header:
            return idx, [c.strip() for c in row], mapping
    return None


def matches(head: Head) -> bool:
    """A text file whose header has Department, Direct Spend with SMEs and Total Spend with SMEs."""
    return head.kind == "text" and find_header(head) is not None


def financial_year_in(text: str) -> str | None:
    """The first valid financial year written in `text` ('2019/20', '2019-20', '2019 to 2020', '2019_20')."""
    for match in _YEAR_IN_TEXT.finditer(text):
        label = financial_year_label(f"{match.group(1)}/{match.group(2)}")
        if label:
            return label
    return None


def year_of_file(path: Path, banner_lines: list[str]) -> tuple[str, str]:
    """(financial year, where it came from): the banner first, else the file name, else unreadable."""
    banner_year = financial_year_in(" ".join(banner_lines))
    if banner_year:
        return banner_year, "banner"
    name_year = financial_year_in(path.stem)
    if name_year:
        return name_year, "file name"
    raise UnreadableFileError(
        path, "no financial year in the banner rows above the header or in the file name (e.g. 'sme-spend-2019-20.csv')"
    )


def financial_year_bounds(label: str) -> tuple[dt.date, dt.date]:
    """First and last day of a financial year label such as '2019/20'."""
    start = int(label[:4])
    return dt.date(start, 4, 1), dt.date(start + 1, 3, 31)


def _active_during(department_id: str, start: dt.date, end: dt.date) -> bool:
    row = departments().filter(pl.col("department_id") == department_id).row(0, named=True)
    began = row["start_date"] is None or row["start_date"] <= end
    lasted = row["end_date"] is None or row["end_date"] > start
    return began and lasted


def resolve_for_year(code: str, financial_year: str) -> str | None:
    """The department a published code means in a financial year.

    Resolves on the year's first day (1 April). Files are published after the year ends,
    so a code adopted during the year ('MHCLG' in 2017/18, renamed January 2018) may
    resolve on 1 April to a later namesake (the 2024 MHCLG); then the year's last day
    is tried, which finds the ministry that existed at the time.
    """
    start, end = financial_year_bounds(financial_year)
    found = resolve_department(code, start)
    if found and not _active_during(found, start, end):
        found = resolve_department(code, end) or found
    return found


#: A footnote marker after a department code: "CO (1)", "DfE*", "HMRC²", "MOD [note 3]", "DFE (note 2)".
_DEPARTMENT_MARKER = re.compile(
    r"(?:\s*(?:\((?:note\s*)?\d{1,2}[a-z]?\)|\[(?:note\s*)?[^\]]{1,20}\]|[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+))+\s*$", re.IGNORECASE
)


def split_marker(cell: str) -> tuple[str, str | None]:
    """(department code, footnote marker or None): 'CO (1)' -> ('CO', '(1)'), 'HMRC²' -> ('HMRC', '²')."""
    match = _DEPARTMENT_MARKER.search(cell)
    if match is None or match.start() == 0:
        return cell, None
    return cell[: match.start()].rstrip(), match.group(0).strip()


def classify_department(code: str | None, financial_year: str) -> tuple[str | None, str | None]:
    """(row_type, department_id) for a published Department cell; (None, None) when unknown."""
    if code is None:
        return None, None
    if _TOTAL_LABEL.match(code.strip()):
        return "total", None
    found = resolve_for_year(code, financial_year)
    if found == "OTHER":
        return "other", None
    if found:
        return "department", found
    return None, None


def _raw(measure: str) -> str:
    return f"_raw_{measure}"


def _scale(measure: str) -> str:
    return f"_scale_{measure}"


def _on_scale(measure: str) -> str:
    return f"_pct_{measure}"


def _scale_reason(measure: str) -> str:
    return f"_scale_reason_{measure}"


def pct_format_column(measure: str) -> str:
    """The Boolean column a workbook reader adds: the cell is a number formatted as % (null: not known)."""
    return f"_pctfmt_{measure}"


def _published(raw: pl.Expr) -> pl.Expr:
    """The raw cell, null when blank or a 'not published' marker."""
    text = clean_text(raw)
    return pl.when(text.str.to_lowercase().is_in(list(NOT_PUBLISHED))).then(None).otherwise(text)


def _value(measure: Measure) -> pl.Expr:
    """The cell's number; a percentage on the 0..100 scale (its fraction x100 where the cell held one)."""
    return pl.col(_on_scale(measure.name)) if measure.kind == "pct" else parse_number(pl.col(_raw(measure.name)))


def _typed_measure(measure: Measure) -> pl.Expr:
    value = _value(measure)
    if measure.kind == "count":
        return pl.when(is_count(value)).then(value).otherwise(None).cast(pl.Int64).alias(measure.name)
    return value.alias(measure.name)


def measure_checks(present: dict[str, str]) -> list[Check]:
    """Non-numeric cells (naming the column), a percentage whose scale is contradicted or cannot be told,
    % outside 0..100 (once on one scale), counts that are not whole numbers >= 0."""
    checks: list[Check] = []
    for name, header in present.items():
        measure = MEASURE_BY_NAME[name]
        raw = pl.col(_raw(name))
        number = parse_number(raw)
        checks.append(Check(header, raw.is_not_null() & number.is_null(), f"not a number in column '{header}'", raw))
        if measure.kind == "pct":
            scaled = _value(measure)
            checks.append(Check(header, number.is_not_null() & scaled.is_null(), pl.col(_scale_reason(name)), raw))
            outside = scaled.is_not_null() & ((scaled < 0) | (scaled > 100))
            checks.append(Check(header, outside, f"percentage outside 0..100 in column '{header}'", raw))
        if measure.kind == "count":
            not_count = number.is_not_null() & ~is_count(number)
            checks.append(Check(header, not_count, f"not a whole number of suppliers in column '{header}'", raw))
    return checks


def department_checks(department_column: str) -> list[Check]:
    """Missing Department, then a code the department reference does not know."""
    dept = pl.col("department_code")
    return [
        Check(department_column, dept.is_null(), "missing Department", pl.col("department_code")),
        Check(
            department_column,
            dept.is_not_null() & pl.col("row_type").is_null(),
            pl.format("unknown department code '{}'", dept),
            dept,
        ),
    ]


def duplicate_check(department_column: str) -> Check:
    """A department (or Other / total row) published twice in one file: later rows are rejected."""
    key = pl.coalesce(pl.col("department_id"), pl.col("row_type"))
    first_line = pl.col(LINE).min().over(key)
    return Check(
        department_column,
        ~key.is_first_distinct(),
        pl.format(
            "duplicate department '{}' within the file (first at line {})", pl.col("department_code"), first_line
        ),
        pl.col("department_code"),
    )


def _decimals(raw: pl.Series) -> int:
    """Most decimal places written in a column's cells (the precision it was rounded to)."""
    places = raw.drop_nulls().str.extract(r"\.(\d+)", 1).str.len_chars().max()
    # len_chars() is UInt32, so the max is an int, or None when no cell has decimals.
    return places if isinstance(places, int) else 0


def total_consistency_note(loaded: pl.DataFrame, raw: pl.DataFrame, rejected: int) -> str:
    """Whether department + Other rows add up to the published total row, within rounding.

    Each row is rounded to the column's precision, so n rows can drift by up to
    n x half a unit; only a larger difference is reported as not summing.
    """
    totals = loaded.filter(pl.col("row_type") == "total")
    if totals.height == 0:
        return "no published total row: department sums not checked"
    parts = loaded.filter(pl.col("row_type") != "total")
    ok: list[str] = []
    off: list[str] = []
    for name in SUMMED_MEASURES:
        if name not in raw.columns or totals[name][0] is None:
            continue
        published = float(totals[name][0])
        summed = float(parts[name].sum())
        tolerance = 0.5 * 10 ** (-_decimals(raw[name])) * max(parts[name].count(), 1) + 1e-9
        if abs(summed - published) <= tolerance:
            ok.append(name)
        else:
            off.append(
                f"{name} rows sum to {summed:,.1f} vs total {published:,.1f} (difference {summed - published:+,.1f})"
            )
    line = totals[LINE][0]
    caveat = f" ({rejected} rejected rows excluded)" if rejected else ""
    if off:
        return f"department rows do NOT sum to the published total row (line {line}){caveat}: " + "; ".join(off)
    return f"department rows sum to the published total row (line {line}) within rounding{caveat}: " + ", ".join(ok)


def with_row_types(frame: pl.DataFrame, year: str) -> pl.DataFrame:
    """Add row_type and department_id, resolving each distinct published code once.

    A footnote marker after a code ('CO (1)') is cut off department_code and kept in `_marker`, for the
    note that lists them: the marker points at a footnote of the publication, not at another department.
    """
    cells = frame["department_code"].drop_nulls().unique().to_list()
    split = {cell: split_marker(cell) for cell in cells}
    codes = {cell: code for cell, (code, _) in split.items()}
    markers = {cell: marker for cell, (_, marker) in split.items() if marker}
    classified = {code: classify_department(code, year) for code in set(codes.values())}
    row_types = {c: t for c, (t, _) in classified.items()}
    ids = {c: d for c, (_, d) in classified.items()}
    frame = frame.with_columns(
        pl.col("department_code").replace_strict(markers, default=None, return_dtype=pl.String).alias("_marker"),
        pl.col("department_code").replace_strict(codes, default=None, return_dtype=pl.String),
    )
    return frame.with_columns(
        pl.col("department_code").replace_strict(row_types, default=None, return_dtype=pl.String).alias("row_type"),
        pl.col("department_code").replace_strict(ids, default=None, return_dtype=pl.String).alias("department_id"),
    )


def marker_note(good: pl.DataFrame) -> str | None:
    """The department cells that carried footnote markers, so the marker is not dropped silently."""
    marked = good.filter(pl.col("_marker").is_not_null()).select(LINE, "department_code", "_marker").sort(LINE)
    if marked.height == 0:
        return None
    listed = "; ".join(f"line {line}: {code} {marker}" for line, code, marker in marked.rows())
    return f"footnote markers on department cells (see the publication's notes), read as the department: {listed}"


def with_scales(frame: pl.DataFrame, present: dict[str, str], *, formats_known: bool) -> tuple[pl.DataFrame, list[str]]:
    """Add _scale_<m> (1: a percentage as written, 100: a fraction; null: rejected) and _scale_reason_<m> for each
    percentage column present (`pipelines.sme_spend.percentages`), and notes on any column scaled."""
    added: list[pl.Series] = []
    notes: list[str] = []
    for name, header in present.items():
        if MEASURE_BY_NAME[name].kind != "pct":
            continue
        pair = RATIOS.get(name)
        pair = pair if pair is not None and pair[0] in present and pair[1] in present else None
        fmt = pct_format_column(name)
        texts = frame[_raw(name)].to_list()
        formats = frame[fmt].to_list() if fmt in frame.columns else [None] * frame.height
        nums = frame[_raw(pair[0])].to_list() if pair else [None] * frame.height
        dens = frame[_raw(pair[1])].to_list() if pair else [None] * frame.height
        cells = [ScaleCell(t, f, n, d) for t, f, n, d in zip(texts, formats, nums, dens, strict=True)]
        headers = (present[pair[0]], present[pair[1]]) if pair else None
        decisions = decide_scales(cells, header, headers, formats_known=formats_known)
        added.append(pl.Series(_scale(name), [d.factor for d in decisions], dtype=pl.Float64))
        added.append(pl.Series(_scale_reason(name), [d.reason for d in decisions], dtype=pl.String))
        values = [on_scale(t, d.factor) for t, d in zip(texts, decisions, strict=True)]
        added.append(pl.Series(_on_scale(name), values, dtype=pl.Float64))
        note = scale_summary(name, decisions)
        if note:
            notes.append(note)
    return (frame.with_columns(added) if added else frame), notes


def to_staging(good: pl.DataFrame, year: str, present: list[str], file_name: str) -> pl.DataFrame:
    """Checked rows as stg_sme_spend: typed measures, null for measures the year did not publish."""
    staged = good.with_columns(
        pl.lit(year).alias("financial_year"),
        *[_typed_measure(MEASURE_BY_NAME[m]) for m in present],
        *[pl.lit(None).alias(m.name) for m in MEASURES if m.name not in present],
        pl.lit(file_name).alias(FILE),
    )
    return staged.select([pl.col(c).cast(t) for c, t in STAGING_SCHEMA.items()])


def _read_rows(
    path: Path, workdir: Path, header_line: int, cells: list[str]
) -> tuple[pl.DataFrame, list[str], PreparedText]:
    """All rows after the header as strings, with source_line; the text is normalised to UTF-8/LF first."""
    prepared = prepare_csv(path, workdir)
    names = unique_names(cells)
    frame = scan_csv_strings(prepared.path, header_line, names).collect()
    return frame, names, prepared


def header_problems(path: Path, line: int, mapping: HeaderMap, cells: list[str], where: str = "") -> None:
    """Unknown or twice-mapped named columns make the file unreadable (a silent drop would lose a measure).

    The message names the sheet (`where`, for a workbook) and every column found, so the one to add to
    MEASURES, or the one the publisher renamed, can be seen at once.
    """
    found = "columns found: " + ", ".join(repr(c.strip()) for c in cells if c.strip())
    if mapping.unknown:
        _, cell = mapping.unknown[0]
        others = ", ".join(repr(c) for _, c in mapping.unknown[1:])
        raise UnreadableFileError(
            path,
            f"unknown column in the SME spend header{where}" + (f" (also {others})" if others else "") + f"; {found}",
            line=line,
            column=cell,
        )
    if mapping.duplicated:
        measure, cell = mapping.duplicated[0]
        raise UnreadableFileError(
            path, f"two header cells{where} mean the same measure {measure!r}; {found}", line=line, column=cell
        )


def load_rows(
    path: Path,
    frame: pl.DataFrame,
    names: list[str],
    cells: list[str],
    mapping: HeaderMap,
    year: str,
    *,
    fmt: str,
    checks_before: list[Check],
    checks_after: list[Check],
    notes: list[str],
    encoding: str,
    formats_known: bool,
) -> FileLoad:
    """The rows of one annex (text columns `names`, source_line, _extra; empty rows already dropped) ->
    stg_sme_spend plus rejects. Shared by the CSV and the workbook format; `checks_before`/`checks_after`
    are the checks only one of them has (a CSV's truncated last row and undecodable lines)."""
    rows_read = frame.height
    assert mapping.department is not None  # only SME headers reach here, and they have a Department cell
    department_column = names[mapping.department]
    present = {m: names[pos] for m, pos in mapping.measures.items()}
    frame = frame.with_columns(
        clean_text(pl.col(department_column)).alias("department_code"),
        *[_published(pl.col(col)).alias(_raw(m)) for m, col in present.items()],
    )
    frame = with_row_types(frame, year)
    frame, scale_notes = with_scales(frame, present, formats_known=formats_known)
    checks = [
        *checks_before,
        repeated_header_check(names, cells),
        extra_fields_check(),
        *checks_after,
        *department_checks(department_column),
        *measure_checks(present),
    ]
    good, rejects = split_rejects(apply_checks(frame.lazy(), checks).collect(), path, SOURCE, fmt)
    checked = apply_checks(good.lazy(), [duplicate_check(department_column)]).collect()
    good, duplicates = split_rejects(checked, path, SOURCE, fmt)
    rejects = pl.concat([rejects, duplicates]) if duplicates.height else rejects

    staged = to_staging(good, year, list(present), path.name)

    raw_for_precision = good.select([pl.col(_raw(m)).alias(m) for m in present])
    notes = [*notes, *header_notes(mapping, cells), *scale_notes]
    marked = marker_note(good)
    if marked:
        notes.append(marked)
    notes.append(total_consistency_note(staged, raw_for_precision, rejects.height))
    return FileLoad(
        path=path,
        source=SOURCE,
        format=fmt,
        tables={STAGING_TABLE: staged},
        rejects=rejects if rejects.height else empty_rejects(),
        rows_read=rows_read,
        rows_loaded=staged.height,
        notes=notes,
        encoding=encoding,
        period=year,
    )


def load(path: Path, head: Head, workdir: Path) -> FileLoad:
    """Read one annual SME spend CSV into stg_sme_spend plus its rejects."""
    found = find_header(head)
    if found is None:
        raise UnreadableFileError(
            path,
            f"no header with 'Department', 'Direct Spend with SMEs (£m)' and 'Total Spend with SMEs (£m)'"
            f" in the first {HEADER_SEARCH_LINES} lines",
            column="Department",
        )
    header_line, cells, mapping = found
    header_problems(path, header_line + 1, mapping, cells)
    year, year_from = year_of_file(path, head.lines[:header_line])
    frame, names, prepared = _read_rows(path, workdir, header_line, cells)

    empty = pl.all_horizontal(pl.col(*names, "_extra").is_null())
    blank_rows = frame.filter(empty).height
    frame = frame.filter(~empty)
    notes = [
        f"{prepared.encoding}, {prepared.line_endings} line endings",
        f"financial year {year} taken from the {year_from}",
    ]
    if blank_rows:
        notes.append(f"{blank_rows} empty rows (e.g. ',,,,') skipped and not counted as read")
    return load_rows(
        path,
        frame,
        names,
        cells,
        mapping,
        year,
        fmt=FORMAT_ID,
        checks_before=truncated_row_checks(prepared.path, names),
        checks_after=bad_line_checks(prepared.bad_lines, cells),
        notes=notes,
        encoding=prepared.encoding,
        formats_known=True,  # a CSV cell is text: it says what it is
    )


def header_notes(mapping: HeaderMap, cells: list[str]) -> list[str]:
    """What a reader of the Data and method page should know about how the header was read."""
    notes: list[str] = []
    renamed = [
        f"'{cells[pos]}' read as {name}"
        for name, pos in mapping.measures.items()
        if normalise_header(cells[pos]) != normalise_header(MEASURE_BY_NAME[name].header)
    ]
    if renamed:
        notes.append("older column names: " + "; ".join(renamed))
    annotations = [c.strip() for c in cells if c.strip() and annotated(c)]
    if annotations:
        notes.append(
            f"{len(annotations)} header cells carry formulas, column letters or footnote markers, ignored when"
            " matching: " + "; ".join(f"'{c}'" for c in annotations)
        )
    missing = [m.name for m in MEASURES if m.name not in mapping.measures]
    if missing:
        notes.append("columns not published this year (null): " + ", ".join(missing))
    if mapping.blank:
        notes.append(f"{len(mapping.blank)} unnamed (blank) header columns ignored")
    return notes


FORMATS: list[Format] = [
    Format(
        id=FORMAT_ID,
        source=SOURCE,
        description="Cabinet Office annual annex: central government direct and indirect spend with SMEs, by department",
        matches=matches,
        load=reading_csv(load),
        publisher="Cabinet Office",
        licence="Open Government Licence v3.0",
        required_columns=tuple(REQUIRED_HEADERS),
    )
]

__all__ = [
    "FORMATS",
    "MEASURES",
    "STAGING_SCHEMA",
    "STAGING_TABLE",
    "classify_department",
    "financial_year_in",
    "find_header",
    "load",
    "map_header",
    "matches",
    "normalise_header",
    "resolve_for_year",
    "year_of_file",
]
