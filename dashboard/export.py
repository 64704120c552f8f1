"""Downloads officials can open in Excel safely.

Supplier and buyer names are third-party text: a cell starting with '=', '+', '-', '@', a tab
or a carriage return (or their full-width forms) would be read by Excel as a formula. Following
OWASP's CSV-injection guidance such text cells get a leading single quote; numbers are left
as numbers. CSVs are UTF-8 with a byte-order mark so Excel shows '£' correctly. Every file
carries where its numbers came from as trailing columns (source, build time, filters, status),
so a single table still parses as plain CSV.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import polars as pl

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_STARTS_PATTERN = "^[" + re.escape("".join(FORMULA_STARTS)) + "]"


def neutralise(value: str | None) -> str | None:
    """One cell: prefix a quote when it would start a formula."""
    if value is None:
        return None
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def formula_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column neutralised, and NUL dropped (it ends a C string in many readers); the rest of the
    published text is kept as it is. Numeric, date and boolean columns untouched."""
    text_cols = [c for c, t in frame.schema.items() if t == pl.String or t == pl.Categorical]
    return frame.with_columns(
        [
            pl.when(pl.col(c).cast(pl.String).str.contains(_STARTS_PATTERN))
            .then(pl.lit("'") + pl.col(c).cast(pl.String))
            .otherwise(pl.col(c).cast(pl.String))
            .str.replace_all("\x00", "", literal=True)
            .alias(c)
            for c in text_cols
        ]
    )


def with_provenance(frame: pl.DataFrame, provenance: Mapping[str, str]) -> pl.DataFrame:
    """Provenance as trailing columns; a clash with a data column is a programming error, not a silent overwrite."""
    clash = sorted(set(provenance) & set(frame.columns))
    if clash:
        raise ValueError(f"provenance columns {clash} would overwrite data columns of the same name")
    return frame.with_columns([pl.lit(str(v)).alias(k) for k, v in provenance.items()])


def csv_bytes(frame: pl.DataFrame, provenance: Mapping[str, str]) -> bytes:
    """UTF-8 (with BOM) CSV of `frame` plus provenance columns, formula-safe."""
    safe = formula_safe(with_provenance(frame, provenance))
    return b"\xef\xbb\xbf" + safe.write_csv().encode("utf-8")


def excel_bytes(frame: pl.DataFrame, provenance: Mapping[str, str], sheet: str = "data") -> bytes:
    """An .xlsx with the table and an 'About' sheet; Polars writes text as text, never formulas."""
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False}) as book:
        formula_safe(frame).write_excel(book, worksheet=sheet[:31], autofit=True)
        about = pl.DataFrame({"item": list(provenance), "value": [str(v) for v in provenance.values()]})
        formula_safe(about).write_excel(book, worksheet="About", autofit=True)
    return buffer.getvalue()


def slug(text: str, limit: int = 80) -> str:
    """A file-name-safe slug: 'Greater Manchester 2019/20' -> 'greater-manchester-2019-20'."""
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out[:limit].strip("-") or "all"
