"""Reading spreadsheets (XLSX, XLS, ODS) as publishers save them, through fastexcel (calamine).

GOV.UK attachments come as workbooks as well as CSVs. A workbook is recognised by its bytes, never its
name: an XLSX is a ZIP holding `xl/workbook.xml`, an ODS a ZIP whose `mimetype` says so, an XLS an OLE2
compound file. Each sheet is read with no header row and no rows skipped, so row n of the frame is row
n of the sheet as the publisher sees it (banners and blank rows included), and the caller finds the
header below the banners itself.

Cells are typed in a workbook, not text as in a CSV. They are read as calamine renders each type:
numbers as plain decimals with no exponent and no binary noise (1234.56, 0.441, 42917), dates as ISO
(`2017-09-01 00:00:00`), booleans as `true`/`false`, text as written. A percentage formatted as % is
stored as a fraction (0.441 for 44.1%) and reaches the reader that way: which scale a column is on is
the reader's decision (see `pipelines.sme_spend.formats`), because only it knows the column holds a
percentage. Money is a plain number; a date an Excel date, or a serial number where the cell was not
formatted as a date (the month parsers read both).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

XLSX, XLS, ODS = "xlsx", "xls", "ods"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

#: Rows of each sheet kept in a file's head for format detection (banners plus the header must fit).
HEAD_ROWS = 30

#: The row-number column of a sheet frame (1-based, as the spreadsheet application numbers rows).
ROW = "source_line"


class WorkbookError(Exception):
    """A workbook that cannot be opened or one of its sheets read (damaged, encrypted, not really a workbook)."""


@dataclass(frozen=True)
class SheetHead:
    """The first rows of one sheet, every cell as text ('' for an empty cell)."""

    name: str
    rows: tuple[tuple[str, ...], ...]

    def find_row(self, wanted: set[str], key, limit: int = HEAD_ROWS) -> tuple[int, list[str]] | None:
        """The 0-based index and cells of the first row whose cells, normalised by `key`, include `wanted`."""
        for index, row in enumerate(self.rows[:limit]):
            if wanted <= {key(c) for c in row if c.strip()}:
                return index, list(row)
        return None


def workbook_kind(path: Path, start: bytes) -> str | None:
    """'xlsx', 'ods' or 'xls' when `start` (the file's first bytes) and its contents say it is one."""
    if start.startswith(OLE2_MAGIC):
        return XLS
    if not start.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                return XLSX
            if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                return ODS
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return None
    return None


def _reader(path: Path):
    import fastexcel  # imported here: only builds that meet a workbook pay for it

    try:
        return fastexcel.read_excel(path)
    except Exception as exc:  # fastexcel raises its own error classes, one per calamine failure
        raise WorkbookError(f"the workbook cannot be opened ({_first_line(exc)})") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def sheet_names(path: Path) -> list[str]:
    return list(_reader(path).sheet_names)


def _load(reader, sheet: str, n_rows: int | None) -> pl.DataFrame:
    try:
        loaded = reader.load_sheet(sheet, header_row=None, skip_rows=0, n_rows=n_rows, dtypes="string")
        frame = loaded.to_polars()
    except Exception as exc:
        raise WorkbookError(f"sheet {sheet!r} cannot be read ({_first_line(exc)})") from None
    return frame


def read_heads(path: Path, rows: int = HEAD_ROWS) -> tuple[SheetHead, ...]:
    """The first `rows` rows of every sheet, for detection."""
    reader = _reader(path)
    heads = []
    for name in reader.sheet_names:
        frame = _load(reader, name, rows)
        cells = tuple(tuple("" if v is None else str(v) for v in row) for row in frame.iter_rows())
        heads.append(SheetHead(name, cells))
    return tuple(heads)


def read_sheet(path: Path, sheet: str, columns: list[str]) -> pl.DataFrame:
    """Every row of `sheet` as text, its columns named `columns` from the left (the header row's cells).

    Adds ROW, the 1-based row number in the sheet, and `_extra` (null: a sheet's rows are as wide as its
    header row, whose blank cells are named too). Line breaks inside a cell become spaces, so a cell reads
    as one line like every other value.
    """
    frame = _load(_reader(path), sheet, None)
    width = min(frame.width, len(columns))
    renamed = frame.select(
        *[pl.col(frame.columns[i]).str.replace_all(r"\r\n|\r|\n", " ").alias(columns[i]) for i in range(width)],
        *[pl.lit(None, dtype=pl.String).alias(name) for name in columns[width:]],
    )
    return renamed.with_row_index(ROW, offset=1).with_columns(
        pl.col(ROW).cast(pl.Int64), pl.lit(None, dtype=pl.String).alias("_extra")
    )
