"""ONS postcode -> local authority district lookups: where a buyer with a postcode is.

ONS publishes several files that map every UK postcode to its local authority district, all CSV, with a
header of short lower- or upper-case names that drift between releases:

- "Postcode to OA (2021) to LSOA to MSOA to LAD" (PCD_OA21_LSOA21_MSOA21_LAD_<month><yy>_UK_LU):
  `pcd7, pcd8, pcds, dointr, doterm, usertype, oa21cd, lsoa21cd, msoa21cd, ladcd, ...` (older releases
  `oa11cd`, `lsoa11cd`; some `lad22cd` for `ladcd`; some upper case);
- the National Statistics Postcode Lookup (NSPL) and the ONS Postcode Directory (ONSPD):
  `pcd, pcd2, pcds, dointr, doterm, ..., laua` (ONSPD: `oslaua`).

The postcode column is the first of `pcds`, `pcd`, `pcd7`, `pcd8`, `postcode` present and the district the
first of `ladcd`, `ladyycd`, `laua`, `oslaua`; everything else is left unread, so a 2.7-million-row lookup
stays two short columns. Postcodes are written in ONS's `pcds` form ('L3 9PP'). A row is rejected when its
postcode is missing or not a postcode, its district is missing, malformed or one of ONS's pseudo codes
(`E99999999`: no district, as for the Channel Islands), or it repeats a postcode given earlier in the file.
A terminated postcode (`doterm` set) is kept: an old customer record may still carry it.
"""

from __future__ import annotations

import re
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
    extra_fields_check,
    header_key,
    reading_csv,
    repeated_header_check,
    scan_csv_strings,
    split_rejects,
    truncated_row_checks,
    unique_names,
)
from pipelines.core.parsing import clean_text, normalise_postcode
from pipelines.core.textio import Head, UnreadableFileError, prepare_csv

SOURCE = "ons_geography"
FORMAT_ID = "ons_postcode_lad_lookup"
STAGING = "stg_postcode_lad"
PUBLISHER = "Office for National Statistics (ONS Open Geography Portal)"
LICENCE = "Open Government Licence v3.0 (contains OS data © Crown copyright and database right; Royal Mail data)"

#: Header keys (see header_key) of the postcode column, best first.
POSTCODE_KEYS = ("pcds", "pcd", "pcd7", "pcd8", "postcode")
#: The district column: ladcd, LADyyCD, laua (NSPL), oslaua (ONSPD).
_LAD_KEY = re.compile(r"^(ladcd|lad\d\dcd|laua|oslaua)$")
TERMINATED_KEYS = ("doterm",)
LAD_CODE = r"^[EWSN]\d{8}$"
PSEUDO_LAD = r"^[A-Z]99999999$"

STAGING_SCHEMA = pl.Schema(
    {
        "postcode": pl.String(),
        "lad_code": pl.String(),
        "terminated": pl.Boolean(),
        FILE: pl.String(),
        LINE: pl.Int64(),
    }
)


def header_columns(cells: list[str]) -> tuple[str | None, str | None, str | None]:
    """(postcode, district, termination) column names among a row's cells, or None for each not there."""
    by_key = {header_key(c): c.strip() for c in reversed(cells) if c.strip()}
    postcode = next((by_key[k] for k in POSTCODE_KEYS if k in by_key), None)
    lad = next((c.strip() for c in cells if _LAD_KEY.match(header_key(c))), None)
    terminated = next((by_key[k] for k in TERMINATED_KEYS if k in by_key), None)
    return postcode, lad, terminated


def find_header(head: Head, max_lines: int = 3) -> tuple[int, list[str]] | None:
    """The 0-based line and cells of a header with a postcode column and a district column."""
    if head.kind != "text":
        return None
    for index, row in enumerate(head.csv_rows(max_lines)):
        postcode, lad, _ = header_columns(row)
        if postcode and lad:
            return index, [c.strip() for c in row]
    return None


def matches(head: Head) -> bool:
    return find_header(head) is not None


def _checks(postcode: str, lad: str) -> list[Check]:
    pc, code = pl.col("postcode"), pl.col("lad_code")
    first = pl.col(LINE).min().over("postcode")
    return [
        Check(postcode, pl.col("_postcode_raw").is_null(), "missing postcode", pl.col("_postcode_raw")),
        Check(postcode, pc.is_null(), "not a UK postcode", pl.col("_postcode_raw")),
        Check(lad, code.is_null(), "missing local authority district code", code),
        Check(lad, code.str.contains(PSEUDO_LAD), "pseudo code: the postcode is in no local authority district", code),
        Check(lad, ~code.str.contains(LAD_CODE), "not a local authority district code (E/W/S/N + 8 digits)", code),
        Check(
            postcode,
            pc.is_not_null() & (pl.col(LINE) != first),
            pl.format("duplicate postcode (first on line {})", first),
            pc,
        ),
    ]


def load(path: Path, head: Head, workdir: Path) -> FileLoad:
    """Read a postcode -> LAD lookup into stg_postcode_lad (postcode, lad_code, terminated)."""
    found = find_header(head)
    if found is None:  # pragma: no cover - matches() guarantees it
        raise UnreadableFileError(path, "no header with a postcode column and a LAD code column", line=1)
    line, cells = found
    names = unique_names(cells)
    postcode, lad, terminated = header_columns(names)
    assert postcode is not None and lad is not None  # find_header found both
    prepared = prepare_csv(path, workdir)
    lf = scan_csv_strings(prepared.path, line, names)
    raw = clean_text(pl.col(postcode))
    lf = lf.select(
        pl.col(LINE),
        pl.col("_extra"),
        *[pl.col(n) for n in names[:2]],
        raw.alias("_postcode_raw"),
        normalise_postcode(raw).alias("postcode"),
        clean_text(pl.col(lad)).str.to_uppercase().alias("lad_code"),
        (clean_text(pl.col(terminated)).is_not_null() if terminated else pl.lit(False)).alias("terminated"),
    )
    first_two = names[:2]
    checks = [
        *truncated_row_checks(prepared.path, names),
        *bad_line_checks(prepared.bad_lines, cells),
        extra_fields_check(),
        repeated_header_check(first_two, cells[:2]),
        *_checks(postcode, lad),
    ]
    frame = apply_checks(lf, checks).collect()
    good, rejects = split_rejects(frame, path, SOURCE, FORMAT_ID)
    staged = good.with_columns(pl.lit(path.name).alias(FILE)).select(list(STAGING_SCHEMA)).cast(STAGING_SCHEMA)
    notes = [
        f"{prepared.encoding}, {prepared.line_endings} line endings",
        f"postcodes from {postcode!r}, districts from {lad!r}"
        + (f", terminated postcodes (set {terminated!r}) kept" if terminated else ""),
    ]
    return FileLoad(
        path=path,
        source=SOURCE,
        format=FORMAT_ID,
        tables={STAGING: staged},
        rejects=rejects,
        rows_read=frame.height,
        rows_loaded=staged.height,
        notes=notes,
        encoding=prepared.encoding,
        period="",
    )


FORMATS: list[Format] = [
    Format(
        id=FORMAT_ID,
        source=SOURCE,
        description="ONS postcode to local authority district lookup (pcds + ladcd, or NSPL/ONSPD pcd + laua)",
        matches=matches,
        load=reading_csv(load),
        publisher=PUBLISHER,
        licence=LICENCE,
        required_columns=("pcds", "ladcd"),
    )
]
