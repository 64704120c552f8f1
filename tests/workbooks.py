"""Small workbooks built in tests (XLSX with xlsxwriter, XLS with xlwt, ODS by hand), and readers that share no
pipeline code.

A cell is a plain value (str, int, float, bool, date, None) or a `Cell` that says how it is formatted
(a fraction shown as %, a date, a number stored as text). The independent readers parse the files
with openpyxl (XLSX), xlrd (XLS) and with the standard library's zipfile and ElementTree (XLSX and ODS),
never with fastexcel or anything in `pipelines`, so a test comparing the two checks the reader's figures.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Cell:
    value: object
    fmt: str = ""  # "pct" (0.0%), "date" (dd/mm/yy), "money" (£#,##0.00), "text" (a number stored as text)


Rows = list[list[object]]


def write_xlsx(path: Path, sheets: dict[str, Rows]) -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    formats = {
        "pct": workbook.add_format({"num_format": "0.0%"}),
        "date": workbook.add_format({"num_format": "dd/mm/yy"}),
        "money": workbook.add_format({"num_format": "£#,##0.00"}),
    }
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                _write_xlsx_cell(sheet, r, c, cell, formats)
    workbook.close()
    return path


def _write_xlsx_cell(sheet, r: int, c: int, cell: object, formats: dict) -> None:
    value, fmt = (cell.value, cell.fmt) if isinstance(cell, Cell) else (cell, "")
    if value is None:
        return
    if fmt == "text":
        sheet.write_string(r, c, str(value))
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, dt.date):
        stamp = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
        sheet.write_datetime(r, c, stamp, formats["date"])
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value, formats.get(fmt))
    else:
        sheet.write_string(r, c, str(value))


def write_xls(path: Path, sheets: dict[str, Rows]) -> Path:
    """A real BIFF8 .xls written by xlwt (a test-only dependency), the same cells and formats as write_xlsx."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    styles = {
        "pct": xlwt.easyxf(num_format_str="0.0%"),
        "date": xlwt.easyxf(num_format_str="dd/mm/yy"),
        "money": xlwt.easyxf(num_format_str="£#,##0.00"),
    }
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                value, fmt = (cell.value, cell.fmt) if isinstance(cell, Cell) else (cell, "")
                if value is None:
                    continue
                if fmt == "text":
                    sheet.write(r, c, str(value))
                elif isinstance(value, dt.date):
                    stamp = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
                    sheet.write(r, c, stamp, styles["date"])
                elif isinstance(value, int | float) and not isinstance(value, bool) and fmt in styles:
                    sheet.write(r, c, value, styles[fmt])
                else:
                    sheet.write(r, c, value)
    workbook.save(str(path))
    return path


ODS_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _ods_cell(cell: object) -> str:
    value, fmt = (cell.value, cell.fmt) if isinstance(cell, Cell) else (cell, "")
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
        return f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}"><text:p>{text}</text:p></table:table-cell>'
    if isinstance(value, dt.date):
        return f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"><text:p>{value:%d/%m/%y}</text:p></table:table-cell>'
    if isinstance(value, int | float) and fmt != "text":
        kind = "percentage" if fmt == "pct" else "float"
        shown = f"{value * 100:.1f}%" if fmt == "pct" else str(value)
        return f'<table:table-cell office:value-type="{kind}" office:value="{value!r}"><text:p>{shown}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: dict[str, Rows]) -> Path:
    """A minimal but valid ODS (the parts LibreOffice and calamine need: mimetype first, manifest, content)."""
    tables = []
    for name, rows in sheets.items():
        body = "".join("<table:table-row>" + "".join(_ods_cell(c) for c in row) + "</table:table-row>" for row in rows)
        tables.append(f'<table:table table:name="{escape(name)}">{body}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="{office}" xmlns:table="{table}" xmlns:text="{text}" office:version="1.2">'
        "<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    ).format(tables="".join(tables), **ODS_NS)
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


# --- independent readers ------------------------------------------------------------------------------------


def openpyxl_rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    """Every row of an XLSX sheet as openpyxl reads it (typed values: numbers, datetimes, text, None)."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()


def xlrd_rows(path: Path, sheet: str) -> list[list[object]]:
    """Every row of an XLS sheet as xlrd reads it: numbers as float (dates too: xlrd leaves them as serials),
    text as str, empty cells as None."""
    import xlrd

    book = xlrd.open_workbook(str(path))
    rows = book.sheet_by_name(sheet)
    empty = (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
    return [[None if c.ctype in empty else c.value for c in rows.row(r)] for r in range(rows.nrows)]


def xlrd_percent_cells(path: Path, sheet: str) -> set[tuple[int, int]]:
    """(row, column), 0-based, of the numeric cells whose number format shows a percentage, as xlrd sees them."""
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True)
    rows = book.sheet_by_name(sheet)
    found = set()
    for r in range(rows.nrows):
        for c, cell in enumerate(rows.row(r)):
            if cell.ctype == xlrd.XL_CELL_NUMBER:
                code = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
                if "%" in code:
                    found.add((r, c))
    return found


def ods_rows(path: Path, sheet: str) -> list[list[object]]:
    """Every row of an ODS sheet from content.xml with the standard library: floats and percentages as
    float, dates as date, everything else as its text (repeated rows and cells expanded)."""
    table, office, text = (f"{{{ODS_NS[k]}}}" for k in ("table", "office", "text"))
    root = ET.fromstring(zipfile.ZipFile(path).read("content.xml"))
    for node in root.iter(f"{table}table"):
        if node.get(f"{table}name") != sheet:
            continue
        rows: list[list[object]] = []
        for row in node.iter(f"{table}table-row"):
            cells: list[object] = []
            for cell in row.iter(f"{table}table-cell"):
                kind = cell.get(f"{office}value-type")
                if kind in ("float", "percentage", "currency"):
                    value: object = float(cell.get(f"{office}value") or "nan")
                elif kind == "date":
                    value = dt.date.fromisoformat((cell.get(f"{office}date-value") or "")[:10])
                else:
                    value = "".join("".join(p.itertext()) for p in cell.iter(f"{text}p")) or None
                cells.extend([value] * int(cell.get(f"{table}number-columns-repeated") or 1))
            rows.extend([cells] * int(row.get(f"{table}number-rows-repeated") or 1))
        return rows
    raise KeyError(sheet)
