"""Workbooks (XLSX, ODS, XLS) are recognised by their bytes and read cell by cell, row numbers as in the sheet."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from pipelines.core.loading import sheet_rows
from pipelines.core.sheets import OLE2_MAGIC, percent_cells, read_heads, read_sheet, workbook_kind
from pipelines.core.textio import read_head
from pipelines.warehouse.formats import load_file
from tests.workbooks import Cell, ods_rows, write_ods, write_xls, write_xlsx, xlrd_percent_cells, xlrd_rows

ROWS = [
    ["Digital Marketplace spend (banner)"],
    [],
    ["Name", "Share", "Month", "Amount", "Flag"],
    ["Alpha", Cell(0.441, "pct"), dt.date(2017, 7, 1), 1234.5600000000002, True],
    ["Beta\nLtd", Cell("27.3%", "text"), 42917, Cell(-12.25, "money"), None],
]


@pytest.mark.parametrize("writer", [write_xlsx, write_ods])
def test_cells_read_by_type_with_sheet_row_numbers(tmp_path: Path, writer) -> None:
    path = writer(tmp_path / ("book.xlsx" if writer is write_xlsx else "book.ods"), {"Notes": [["x"]], "Data": ROWS})
    head = read_head(path)
    assert head.kind == "spreadsheet" and head.problem == ""
    assert [s.name for s in head.sheets] == ["Notes", "Data"]
    data = head.sheet("data")  # sheet names match without regard to case
    assert data is not None and data.rows[2] == ("Name", "Share", "Month", "Amount", "Flag")
    frame, names, blank = sheet_rows(path, "Data", 2, data.rows[2])
    assert names == ["Name", "Share", "Month", "Amount", "Flag"] and blank == 0
    got = frame.select("source_line", *names).rows()
    # a fraction formatted as % stays a fraction; float noise is gone; a date is ISO; a serial stays a number;
    # a line break in a cell becomes a space
    assert got[0][:2] == (4, "Alpha") and got[0][2] == "0.441" and got[0][4] == "1234.56"
    assert got[0][3].startswith("2017-07-01") and got[0][5] == "true"
    assert got[1] == (5, "Beta Ltd", "27.3%", "42917", "-12.25", None)


def test_leading_blank_rows_keep_row_numbers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "b.xlsx", {"S": [[], [], [None, "Header"], [None, "value"], [], []]})
    head = read_head(path).sheets[0]
    assert head.rows[2] == ("Header",)  # the sheet's used range starts at column B, and so do its rows
    frame = read_sheet(path, "S", ["Header"])
    assert frame.filter(frame["Header"] == "value")["source_line"].to_list() == [4]


def test_kind_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path / "really-a-workbook.csv", {"S": [["a"]]})
    ods = write_ods(tmp_path / "no-extension", {"S": [["a"]]})
    plain_zip = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert workbook_kind(xlsx, xlsx.read_bytes()[:8]) == "xlsx"
    assert workbook_kind(ods, ods.read_bytes()[:8]) == "ods"
    assert workbook_kind(plain_zip, plain_zip.read_bytes()[:8]) is None
    assert workbook_kind(tmp_path, OLE2_MAGIC) == "xls"


def test_a_damaged_workbook_is_listed_with_why_not_read(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    path = raw / "spend.xls"
    path.write_bytes(OLE2_MAGIC + b"\x00" * 600)
    outcome, loaded = load_file(path, raw, tmp_path / "work")
    assert loaded is None and outcome.status == "unrecognised"
    assert "XLS workbook that cannot be read" in outcome.message


def test_a_workbook_of_no_known_layout_names_its_sheets(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    path = write_xlsx(raw / "minutes.xlsx", {"Agenda": [["Item", "Owner"], ["Budget", "Jo"]]})
    outcome, _ = load_file(path, raw, tmp_path / "work")
    assert outcome.status == "unrecognised"
    assert "sheets: 'Agenda'" in outcome.message and "Item, Owner" in outcome.message


PERCENT_ROWS = [
    ["banner"],
    [],
    [None, "Name", "Share", "Plain", "Text"],  # the used range starts at column B
    [None, "Alpha", Cell(0.441, "pct"), 0.441, Cell("44.1%", "text")],
    [None, "Beta", Cell(0.05, "pct"), Cell(12.5, "money"), "n/a"],
]


@pytest.mark.parametrize("writer", [write_xlsx, write_ods, write_xls])
def test_percent_formatted_numbers_are_told_from_plain_ones(tmp_path: Path, writer) -> None:
    """calamine gives 0.441 for both; the workbook's own formats say which one shows as 44.1%."""
    suffix = {write_xlsx: "xlsx", write_ods: "ods", write_xls: "xls"}[writer]
    path = writer(tmp_path / f"book.{suffix}", {"Cover": [["x"]], "Data": PERCENT_ROWS})
    found = percent_cells(path, "Data")
    assert found is not None
    assert {(r, c) for r, cols in found.rows.items() for c, pct in cols.items() if pct} == {(4, 2), (5, 2)}
    assert found.first_column(3) == 1 and not found.is_percent(4, 3) and not found.is_percent(4, 4)
    head = next(s for s in read_heads(path) if s.name == "Data")
    assert head.rows[3][1:4] == ("Alpha", "0.441", "0.441")  # calamine gives the same fraction either way


def test_xls_percent_cells_agree_with_xlrd_on_a_larger_sheet(tmp_path: Path) -> None:
    """The BIFF reader against xlrd (formatting_info=True), which shares no code with it or with calamine."""
    rows: list[list[object]] = [["Name", "Share", "Count", "Rate", "Formula"]]
    for i in range(1, 600):  # big enough for several FAT sectors and MULRK / RK records
        rows.append([f"row {i}", Cell(i / 1000, "pct"), i, Cell(i / 7, "pct") if i % 3 else "text", f"=C{i + 1}"])
    path = write_xls(tmp_path / "big.xls", {"Notes": [["about"]], "Data": rows})
    found = percent_cells(path, "Data")
    assert found is not None
    mine = {(r - 1, c) for r, cols in found.rows.items() for c, pct in cols.items() if pct}
    assert mine == xlrd_percent_cells(path, "Data") and len(mine) == 599 + 400
    assert len(found.rows) == len(xlrd_rows(path, "Data"))


def test_percent_cells_of_an_unreadable_workbook_are_not_known(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.xls"
    damaged.write_bytes(OLE2_MAGIC + b"\x00" * 600)
    assert percent_cells(damaged, "Sheet1") is None
    ods = write_ods(tmp_path / "b.ods", {"S": [["a"]]})
    assert percent_cells(ods, "No such sheet") is None
    assert ods_rows(ods, "S") == [["a"]]
