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

import re
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


# --- number formats -----------------------------------------------------------------------------------------
#
# calamine gives a cell's value, not its number format, so a fraction formatted as % (0.441 shown as 44.1%)
# reads as 0.441 like a plain 0.441. Which numeric cells are formatted as percentages is read here from the
# workbook itself (XLSX: the cell's style -> number format; ODS: office:value-type="percentage"; XLS: the
# BIFF8 XF and FORMAT records, `pipelines.core.biff`). Where that cannot be read (BIFF5, encrypted, damaged)
# `percent_cells` answers None ("not known") and the caller decides by other evidence.

_XLSX_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XLSX_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
#: Built-in XLSX number formats that are percentages: 9 is `0%`, 10 is `0.00%`.
_BUILTIN_PERCENT = {9, 10}
#: An ODS sheet's rows or cells repeated more often than this are the empty tail of the used range.
_MAX_REPEAT = 10_000


@dataclass(frozen=True)
class PercentCells:
    """Per sheet row (1-based), the columns (0-based, from column A) holding a value, and whether each is a
    number formatted as a percentage."""

    rows: dict[int, dict[int, bool]]

    def first_column(self, row: int) -> int | None:
        cols = self.rows.get(row)
        return min(cols) if cols else None

    def is_percent(self, row: int, column: int) -> bool:
        return self.rows.get(row, {}).get(column, False)


def _percent_code(code: str) -> bool:
    """A number format code that shows a percentage: a `%` outside quoted text and not escaped."""
    bare = re.sub(r'"[^"]*"|\\.', "", code)
    return "%" in bare


def _xlsx_percent_cells(path: Path, sheet: str) -> PercentCells:
    from xml.etree import ElementTree as ET

    with zipfile.ZipFile(path) as archive:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
        rel_id = next(
            (s.get(f"{_XLSX_REL}id") for s in workbook.iter(f"{_XLSX_MAIN}sheet") if s.get("name") == sheet), None
        )
        if rel_id is None or rel_id not in targets:
            raise WorkbookError(f"sheet {sheet!r} is not in the workbook")
        target = targets[rel_id].lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        percent_styles: set[int] = set()
        if "xl/styles.xml" in archive.namelist():
            styles = ET.fromstring(archive.read("xl/styles.xml"))
            codes = {int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in styles.iter(f"{_XLSX_MAIN}numFmt")}
            xfs = styles.find(f"{_XLSX_MAIN}cellXfs")
            for index, xf in enumerate(xfs if xfs is not None else []):
                fmt_id = int(xf.get("numFmtId", "0"))
                if fmt_id in _BUILTIN_PERCENT or _percent_code(codes.get(fmt_id, "")):
                    percent_styles.add(index)
        rows: dict[int, dict[int, bool]] = {}
        with archive.open(part) as stream:
            for _, cell in ET.iterparse(stream):
                if cell.tag != f"{_XLSX_MAIN}c":
                    continue
                ref = cell.get("r", "")
                match = re.fullmatch(r"([A-Z]+)(\d+)", ref)
                has_value = cell.find(f"{_XLSX_MAIN}v") is not None or cell.find(f"{_XLSX_MAIN}is") is not None
                if match and has_value:
                    col = 0
                    for letter in match.group(1):
                        col = col * 26 + ord(letter) - 64
                    numeric = cell.get("t", "n") == "n"
                    rows.setdefault(int(match.group(2)), {})[col - 1] = (
                        numeric and int(cell.get("s", "0")) in percent_styles
                    )
                cell.clear()
    return PercentCells(rows)


def _ods_percent_cells(path: Path, sheet: str) -> PercentCells:
    from xml.etree import ElementTree as ET

    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read("content.xml"))
    table = next((t for t in root.iter(f"{_ODS_TABLE}table") if t.get(f"{_ODS_TABLE}name") == sheet), None)
    if table is None:
        raise WorkbookError(f"sheet {sheet!r} is not in the workbook")
    rows: dict[int, dict[int, bool]] = {}
    number = 0
    for row in table.iter(f"{_ODS_TABLE}table-row"):
        cells: dict[int, bool] = {}
        col = 0
        for cell in row:
            if cell.tag not in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"):
                continue
            repeat = min(int(cell.get(f"{_ODS_TABLE}number-columns-repeated") or 1), _MAX_REPEAT)
            kind = cell.get(f"{_ODS_OFFICE}value-type")
            has_text = any("".join(p.itertext()).strip() for p in cell.iter(f"{_ODS_TEXT}p"))
            if kind or has_text:
                for c in range(col, col + repeat):
                    cells[c] = kind == "percentage"
            col += repeat
        repeat = min(int(row.get(f"{_ODS_TABLE}number-rows-repeated") or 1), _MAX_REPEAT)
        for r in range(number + 1, number + repeat + 1):
            if cells:
                rows[r] = cells
        number += repeat
    return PercentCells(rows)


def percent_cells(path: Path, sheet: str) -> PercentCells | None:
    """Which numeric cells of `sheet` are formatted as percentages; None when the workbook's formats cannot be
    read (then the caller must not assume either way)."""
    try:
        with open(path, "rb") as fh:
            start = fh.read(8)
        kind = workbook_kind(path, start)
        if kind == XLSX:
            return _xlsx_percent_cells(path, sheet)
        if kind == ODS:
            return _ods_percent_cells(path, sheet)
        if kind == XLS:
            from pipelines.core.biff import percent_cells_xls

            rows = percent_cells_xls(path, sheet)
            return PercentCells(rows) if rows is not None else None
    except (WorkbookError, zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError):
        return None
    return None
