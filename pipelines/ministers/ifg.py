"""Institute for Government Ministers Database: the eleven CSV tables of the public repository.

The IfG publishes every UK government minister since 1979 as a small relational database
(`data/<table>.csv`): appointments of people to posts, posts belonging to organisations,
and how organisations were renamed, merged and split. Each table has its own fixed header,
so each is a `Format` recognised by that header (never the file name). The seven tables the
ministers mart needs are typed here (dates parsed, `True`/`False` flags, `152.0`-style ids
made whole numbers); the other four (constituency, event, representation,
representation_characteristics) are read, counted and staged as text, as published.

Published quirks: CRLF line endings in most tables but LF in two; a person has one row
per name they held (`end_date` empty on the current one), so `person.id` repeats; an
organisation link with two successors repeats its `id`; two 2025 appointments (serving Treasury
ministers) end before they start. Such source errors are kept, not dropped: the end date is treated
as unknown (null) and `source_warning` says what was published, so the Data page lists them and the
minister is still counted as in post.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypedDict, Unpack

import polars as pl

from pipelines.core.loading import (
    FILE,
    LINE,
    Check,
    FileLoad,
    Format,
    apply_checks,
    bad_line_checks,
    extra_fields_check,
    reading_csv,
    repeated_header_check,
    scan_csv_strings,
    split_rejects,
    truncated_row_checks,
    unique_names,
)
from pipelines.core.parsing import clean_text, parse_bool, parse_date
from pipelines.core.textio import Head, UnreadableFileError, prepare_csv

SOURCE = "ifg_ministers"
PUBLISHER = "Institute for Government (IfG Ministers Database)"
LICENCE = "CC BY 4.0: attribute 'IfG Ministers Database, Institute for Government'"

#: Staging column for a published value we kept but do not believe (e.g. an end before the start).
WARNING = "source_warning"

TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")


@dataclass(frozen=True)
class IfgTable:
    """One published table: its header, how to recognise it, and how to type its columns."""

    name: str
    columns: tuple[str, ...]
    #: Columns only this table has: with them present a header missing one other column is
    #: still recognised, so the load can say exactly which column is missing.
    signature: frozenset[str]
    dates: tuple[str, ...] = ()
    #: (start, end): an end before the start is a source error, kept with `source_warning` and the end unknown
    date_order: tuple[str, str] | None = None
    required: tuple[str, ...] = ("id",)
    booleans: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()  # whole numbers, published as '152' or '152.0'
    unique_id: bool = False
    typed: bool = True  # False: staged as published text
    period_column: str | None = None  # the date whose range is shown as the file's period

    @property
    def staging_name(self) -> str:
        return f"stg_ifg_{self.name}"

    @property
    def format_id(self) -> str:
        return f"ifg_{self.name}"


class _TableOptions(TypedDict, total=False):
    """IfgTable's optional fields, as keywords to `_t`."""

    dates: tuple[str, ...]
    date_order: tuple[str, str] | None
    required: tuple[str, ...]
    booleans: tuple[str, ...]
    integers: tuple[str, ...]
    unique_id: bool
    typed: bool
    period_column: str | None


def _t(name: str, header: str, signature: str, **kw: Unpack[_TableOptions]) -> IfgTable:
    return IfgTable(name, tuple(header.split(",")), frozenset(signature.split(",")), **kw)


IFG_TABLES: tuple[IfgTable, ...] = (
    _t(
        "appointment",
        "id,person_id,post_id,start_date,end_date",
        "person_id,post_id",
        dates=("start_date", "end_date"),
        date_order=("start_date", "end_date"),
        required=("id", "person_id", "post_id", "start_date"),
        unique_id=True,
        period_column="start_date",
    ),
    _t(
        "appointment_characteristics",
        "id,appointment_id,cabinet_status,is_acting,is_on_leave,leave_reason,start_date,end_date",
        "appointment_id,cabinet_status",
        dates=("start_date", "end_date"),
        date_order=("start_date", "end_date"),
        required=("id", "appointment_id", "start_date"),
        booleans=("is_acting", "is_on_leave"),
        unique_id=True,
    ),
    _t(
        "person",
        "id,id_parliament,id_ifg_website,name,display_name,normalized_name,short_name,gender,start_date,end_date",
        "normalized_name,display_name",
        dates=("start_date", "end_date"),
        date_order=("start_date", "end_date"),
        required=("id", "name"),
        integers=("id_parliament", "id_ifg_website"),
    ),
    _t(
        "post",
        "id,id_ifg_website,organisation_id,name,display_name,rank_equivalence,rank_equivalence_value",
        "rank_equivalence,rank_equivalence_value",
        required=("id", "organisation_id", "name"),
        integers=("id_ifg_website", "rank_equivalence_value"),
        unique_id=True,
    ),
    _t(
        "organisation",
        "id,name,short_name,start_date,end_date",
        "name,short_name,start_date",
        dates=("start_date", "end_date"),
        date_order=("start_date", "end_date"),
        required=("id", "name"),
        unique_id=True,
    ),
    _t(
        "organisation_link",
        "id,predecessor_organisation_id,successor_organisation_id,type,link_start_date,link_end_date",
        "predecessor_organisation_id,successor_organisation_id",
        dates=("link_start_date", "link_end_date"),
        date_order=("link_start_date", "link_end_date"),
        required=("id", "predecessor_organisation_id", "successor_organisation_id"),
    ),
    _t(
        "post_relationship",
        "id,post_id,group_name,group_seniority",
        "group_name,group_seniority",
        required=("id", "post_id"),
    ),
    # Read and counted, staged as published text.
    _t("constituency", "id,id_parliament,name", "id_parliament,name", typed=False),
    _t("event", "id,name,type,date", "id,name,type,date", typed=False),  # generic header: exact match only
    _t(
        "representation",
        "id,person_id,house,type,constituency_id,start_date,end_date",
        "house,constituency_id",
        typed=False,
    ),
    _t(
        "representation_characteristics",
        "id,representation_id,party,start_date,end_date",
        "representation_id,party",
        typed=False,
    ),
)

TABLES_BY_NAME = {t.name: t for t in IFG_TABLES}


def staging_schema(table: IfgTable) -> pl.Schema:
    """The staging frame's columns and types (used for empty frames when no file was found)."""
    schema = pl.Schema()
    for col in table.columns:
        if table.typed and col in table.dates:
            schema[col] = pl.Date()
        elif table.typed and col in table.booleans:
            schema[col] = pl.Boolean()
        elif table.typed and col in table.integers:
            schema[col] = pl.Int64()
        else:
            schema[col] = pl.String()
    if table.typed and table.date_order:
        schema[WARNING] = pl.String()
    schema[FILE] = pl.String()
    schema[LINE] = pl.Int64()
    return schema


# --- recognition -------------------------------------------------------------------------


def _header_cells(head: Head) -> list[str] | None:
    """The first physical line's cells, stripped and lower-cased (None for non-CSV heads)."""
    if head.kind != "text" or not head.lines:
        return None
    rows = head.csv_rows(1)
    if not rows or len(rows[0]) < 2:
        return None
    return [c.strip().lower() for c in rows[0]]


def header_matches(cells: list[str] | None, table: IfgTable) -> bool:
    """The exact header, or (so the load can name the gap) the table's own columns less one.

    Every cell must be one of the table's columns and the table's signature columns must
    all be present, which keeps generic headers from other publishers out.
    """
    if not cells or len(set(cells)) != len(cells):
        return False
    have, want = set(cells), set(table.columns)
    if have == want:
        return True
    return table.signature <= have and have <= want and len(want - have) <= 1


def _matches(head: Head, table: IfgTable) -> bool:
    return header_matches(_header_cells(head), table)


# --- typing ------------------------------------------------------------------------------


def _parse_whole(expr: pl.Expr) -> pl.Expr:
    """'152' or '152.0' -> 152; anything else (incl. '152.5') -> null."""
    ok = expr.str.contains(r"^[-+]?\d+(\.0+)?$")
    return pl.when(ok).then(expr.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)).otherwise(None)


def _typed(col: str) -> str:
    return f"__typed_{col}"


def _typing_exprs(table: IfgTable) -> list[pl.Expr]:
    exprs: list[pl.Expr] = []
    if not table.typed:
        return exprs
    for col in table.dates:
        exprs.append(parse_date(pl.col(col)).alias(_typed(col)))
    for col in table.booleans:
        exprs.append(parse_bool(pl.col(col), TRUE_WORDS, FALSE_WORDS).alias(_typed(col)))
    for col in table.integers:
        exprs.append(_parse_whole(pl.col(col)).alias(_typed(col)))
    return exprs


def _unparseable(col: str, what: str) -> Check:
    return Check(col, pl.col(col).is_not_null() & pl.col(_typed(col)).is_null(), f"not {what}")


def _checks(table: IfgTable, prepared_bad_lines: list, header: list[str]) -> list[Check]:
    checks: list[Check] = [
        repeated_header_check(list(table.columns)),
        extra_fields_check(),
        *bad_line_checks(prepared_bad_lines, header),
    ]
    checks += [Check(col, pl.col(col).is_null(), f"missing {col}") for col in table.required]
    if table.typed:
        checks += [_unparseable(c, "a date (expected YYYY-MM-DD)") for c in table.dates]
        checks += [_unparseable(c, "True or False") for c in table.booleans]
        checks += [_unparseable(c, "a whole number") for c in table.integers]
    if table.unique_id:
        checks.append(Check("id", ~pl.col("id").is_first_distinct(), "id repeats an earlier row"))
    return checks


def _keep_reversed_dates(frame: pl.DataFrame, start: str, end: str) -> pl.DataFrame:
    """An end before the start: keep the row, make the end unknown, and say what was published.

    Rejecting such a row removes a minister who is still serving (IfG's two 2025 Treasury
    appointments); an unknown end counts them as in post, which is what the rest of the row says.
    """
    reversed_ = pl.col(end) < pl.col(start)
    warning = pl.format(
        "{} {} is before {} {} as published: kept, end date treated as unknown",
        pl.lit(end),
        pl.col(end),
        pl.lit(start),
        pl.col(start),
    )
    return frame.with_columns(
        pl.when(reversed_).then(warning).otherwise(pl.lit(None, dtype=pl.String)).alias(WARNING),
        pl.when(reversed_).then(pl.lit(None, dtype=pl.Date)).otherwise(pl.col(end)).alias(end),
    )


# --- loading -----------------------------------------------------------------------------


def _canonical_header(path: Path, head: Head, table: IfgTable) -> tuple[list[str], list[str]]:
    """(scan names, canonical names) for the header; raises naming the first missing column."""
    rows = head.csv_rows(1)
    cells = unique_names(rows[0]) if rows else []
    canonical = [c.strip().lower() for c in cells]
    for col in table.columns:
        if col not in canonical:
            raise UnreadableFileError(path, f"missing required column {col!r} for IfG {table.name}.csv", 1, col)
    return cells, canonical


def _period(frame: pl.DataFrame, table: IfgTable) -> str:
    """'1979-05-04 .. 2026-06-12': the range of appointment start dates (other tables: '')."""
    col = table.period_column
    if col is None or frame.is_empty():
        return ""
    lo, hi = frame[col].dt.min(), frame[col].dt.max()
    return f"{lo} .. {hi}" if lo is not None else ""


def load_table(path: Path, head: Head, workdir: Path, table: IfgTable) -> FileLoad:
    """Read one IfG table into its typed staging frame plus rejects."""
    scan_names, canonical = _canonical_header(path, head, table)
    prepared = prepare_csv(path, workdir)
    lf = scan_csv_strings(prepared.path, 0, scan_names).rename(dict(zip(scan_names, canonical, strict=True)))
    lf = lf.with_columns([clean_text(pl.col(c)).alias(c) for c in table.columns]).with_columns(_typing_exprs(table))
    checks = [*truncated_row_checks(prepared.path, scan_names), *_checks(table, prepared.bad_lines, canonical)]
    checked = apply_checks(lf, checks).collect()
    good, rejects = split_rejects(checked, path, SOURCE, table.format_id)
    if table.typed:
        typed_cols = [*table.dates, *table.booleans, *table.integers]
        good = good.with_columns([pl.col(_typed(c)).alias(c) for c in typed_cols])
        if table.date_order:
            good = _keep_reversed_dates(good, *table.date_order)
    good = good.with_columns(pl.lit(path.name).alias(FILE)).select(list(staging_schema(table)))
    good = good.cast(staging_schema(table))
    notes = [f"{prepared.encoding}, {prepared.line_endings} line endings"]
    ignored = [c for c in canonical if c not in table.columns]
    if ignored:
        notes.append(f"columns not in the published {table.name} table, ignored: {', '.join(ignored)}")
    warned = good[WARNING].count() if WARNING in good.columns else 0
    if warned:
        notes.append(f"{warned} row(s) end before they start as published: kept with a warning, end date unknown")
    load = FileLoad(
        path=path,
        source=SOURCE,
        format=table.format_id,
        tables={table.staging_name: good},
        rejects=rejects,
        rows_read=checked.height,
        rows_loaded=good.height,
        notes=notes,
        encoding=prepared.encoding,
        period=_period(good, table),
    )
    load.check_reconciles()
    return load


def _load(path: Path, head: Head, workdir: Path, *, table: IfgTable) -> FileLoad:
    return load_table(path, head, workdir, table)


def _format(table: IfgTable) -> Format:
    return Format(
        id=table.format_id,
        source=SOURCE,
        description=f"IfG Ministers Database {table.name}.csv (header: {','.join(table.columns)})",
        matches=partial(_matches, table=table),
        load=reading_csv(partial(_load, table=table)),
        publisher=PUBLISHER,
        licence=LICENCE,
        required_columns=tuple(table.columns),
    )


FORMATS: list[Format] = [_format(t) for t in IFG_TABLES]
