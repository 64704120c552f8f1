"""Crown Commercial Service customer URN list: every public body that may buy through CCS frameworks.

CCS publishes it on GOV.UK as a workbook (XLSX until about 2020, ODS since), one row per customer on the
sheet `Customers`, with at least `URN, CustomerName, PostCode, Sector` (CCS's own importer requires exactly
those; later lists add Acronym, address lines, Subsector, Published, ...). It is how a spend row, which
names its buyer only, reaches a place: name -> URN list -> postcode -> local authority district (the
join is in `pipelines.warehouse.buyers`, method `urn_postcode`).

A workbook is taken for a URN list when one of its sheets has a row with `URN` and `CustomerName`; one
that then has no `Customers` sheet, or lacks a required column there, cannot be read and stops the build
with a message naming the sheets or the columns found (never a silent skip of the list that places buyers).

Rows: a missing or non-numeric URN or a missing name is rejected with its reason, and so is a URN the
file gives twice (the later row). A postcode that is missing or not a UK postcode keeps the customer, with
no postcode (it can still be matched by name, just not placed); the count is in the file's notes.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.core.loading import (
    FILE,
    LINE,
    Check,
    FileLoad,
    Format,
    apply_checks,
    header_key,
    sheet_rows,
    split_rejects,
)
from pipelines.core.parsing import clean_text, normalise_postcode
from pipelines.core.sheets import SheetHead
from pipelines.core.textio import Head, UnreadableFileError

SOURCE = "ccs_customers"
FORMAT_ID = "ccs_customer_urn_list"
STAGING = "stg_ccs_customer"
SHEET = "Customers"
REQUIRED = ("URN", "CustomerName", "PostCode", "Sector")
#: What makes a sheet's row look like the list's header (so a wrong sheet name is reported, not skipped).
SIGNATURE = {"urn", "customername"}

STAGING_SCHEMA = pl.Schema(
    {
        "urn": pl.Int64(),
        "customer_name": pl.String(),
        "postcode": pl.String(),
        "postcode_raw": pl.String(),
        "sector": pl.String(),
        FILE: pl.String(),
        LINE: pl.Int64(),
    }
)

def _header_row(sheet: SheetHead) -> tuple[int, list[str]] | None:
    return sheet.find_row(SIGNATURE, header_key)


def matches(head: Head) -> bool:
    """A workbook with a sheet whose header has URN and CustomerName (the load checks the rest)."""
    return head.kind == "spreadsheet" and any(_header_row(s) is not None for s in head.sheets)


def _customers_header(path: Path, head: Head) -> tuple[SheetHead, int, list[str]]:
    """The `Customers` sheet, its header row and cells, or an error naming the sheets or columns found."""
    sheet = head.sheet(SHEET)
    if sheet is None:
        found = ", ".join(repr(s.name) for s in head.sheets)
        raise UnreadableFileError(
            path, f"a CCS customer URN list must have a sheet named {SHEET!r}; sheets found: {found}"
        )
    header = _header_row(sheet)
    if header is None:
        raise UnreadableFileError(
            path, f"sheet {sheet.name!r} has no header row with URN and CustomerName in its first rows", column="URN"
        )
    index, cells = header
    keys = {header_key(c) for c in cells}
    missing = [name for name in REQUIRED if header_key(name) not in keys]
    if missing:
        found = ", ".join(c.strip() for c in cells if c.strip())
        raise UnreadableFileError(
            path,
            f"sheet {sheet.name!r} lacks required column(s) {', '.join(missing)} (columns found: {found})",
            line=index + 1,
            column=missing[0],
        )
    return sheet, index, cells


def _column(names: list[str], wanted: str) -> str:
    return next(n for n in names if header_key(n) == header_key(wanted))


def _checks(urn: str, name: str) -> list[Check]:
    urn_text = pl.col("_urn_raw")
    return [
        Check(urn, urn_text.is_null(), "missing URN", urn_text),
        Check(urn, pl.col("urn").is_null(), "URN is not a whole number", urn_text),
        Check(name, pl.col("customer_name").is_null(), "missing CustomerName", pl.lit(None, dtype=pl.String)),
    ]


def _duplicate_check(urn: str) -> Check:
    first = pl.col(LINE).min().over("urn")
    return Check(
        urn,
        ~pl.col("urn").is_first_distinct(),
        pl.format("URN {} appears twice in the file (first at row {})", pl.col("urn"), first),
        pl.col("urn"),
    )


def load(path: Path, head: Head, workdir: Path) -> FileLoad:
    """Read the `Customers` sheet into stg_ccs_customer plus its rejects."""
    sheet, index, cells = _customers_header(path, head)
    frame, names, blank = sheet_rows(path, sheet.name, index, cells)
    col = {wanted: _column(names, wanted) for wanted in REQUIRED}
    urn_text = clean_text(pl.col(col["URN"]))
    frame = frame.with_columns(
        urn_text.alias("_urn_raw"),
        pl.when(urn_text.str.contains(r"^\d{1,18}(\.0+)?$"))
        .then(urn_text.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False))
        .alias("urn"),
        clean_text(pl.col(col["CustomerName"])).alias("customer_name"),
        clean_text(pl.col(col["PostCode"])).alias("postcode_raw"),
        clean_text(pl.col(col["Sector"])).alias("sector"),
    ).with_columns(normalise_postcode(pl.col("postcode_raw")).alias("postcode"))
    rows_read = frame.height
    good, rejects = split_rejects(apply_checks(frame.lazy(), _checks(col["URN"], col["CustomerName"])).collect(),
                                  path, SOURCE, FORMAT_ID)  # fmt: skip
    good, twice = split_rejects(apply_checks(good.lazy(), [_duplicate_check(col["URN"])]).collect(),
                                path, SOURCE, FORMAT_ID)  # fmt: skip
    rejects = pl.concat([rejects, twice])
    staged = good.with_columns(pl.lit(path.name).alias(FILE)).select(list(STAGING_SCHEMA)).cast(STAGING_SCHEMA)
    notes = [f"{head.encoding.upper()} workbook, sheet {sheet.name!r}, header on row {index + 1}"]
    unplaced = staged.filter(pl.col("postcode").is_null()).height
    if unplaced:
        notes.append(f"{unplaced:,} customer(s) with no readable UK postcode: kept, matched by name but not placed")
    unused = [n for n in names if n not in col.values() and not n.startswith("_blank_")]
    if unused:
        notes.append("columns not used: " + ", ".join(unused))
    if blank:
        notes.append(f"{blank:,} empty rows skipped and not counted as read")
    return FileLoad(
        path=path,
        source=SOURCE,
        format=FORMAT_ID,
        tables={STAGING: staged},
        rejects=rejects,
        rows_read=rows_read,
        rows_loaded=staged.height,
        notes=notes,
        encoding=head.encoding,
        period="",
    )


FORMATS: list[Format] = [
    Format(
        id=FORMAT_ID,
        source=SOURCE,
        description="Crown Commercial Service customer URN list (sheet Customers: URN, CustomerName, PostCode, Sector)",
        matches=matches,
        load=load,
        publisher="Crown Commercial Service",
        licence="Open Government Licence v3.0",
        required_columns=REQUIRED,
    )
]
