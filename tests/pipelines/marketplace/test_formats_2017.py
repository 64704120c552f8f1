"""The 2017-2018 Digital Marketplace layouts, as CSV and as workbooks, recounted independently.

Header spellings of the 2017-18 files are not confirmed (PUBLISHERS.md [U]): the tests use the documented
column order and names, and the reader matches headers by normalised name, so spacing, case, order and
extra columns do not matter.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from pipelines.core.textio import read_head
from pipelines.marketplace.formats import STAGING
from pipelines.warehouse.formats import detect, load_file
from tests.workbooks import Cell, ods_rows, openpyxl_rows, write_ods, write_xls, write_xlsx, xlrd_rows

DEC_2017_DOS = (
    "Sector,Lot,Month,Spend,SME Status,Supplier,Customer\r\n"
    "Central Government,Digital outcomes,Dec-17,\"£12,500.00\",SME,Acme Digital Ltd,Cabinet Office\r\n"
    "Wider Public Sector,Digital specialists,Nov-17,\"(1,234.50)\",Large,Big Co plc,Greater Manchester Police\r\n"
    "Unregistered or Unknown,User research studios,Oct-17,£99.99,SME,Studio Ltd,A Museum\r\n"
    "Utility (Historic),Digital specialists,Sept-17,£1.5,SME,Acme Digital Ltd,\r\n"
)

JULY_2017 = (
    "Framework,Lot,Supplier Name,Customer Name,Return Month,Evidenced Spend,SME Status,Sector\r\n"
    "G-Cloud 8,Cloud Software,Acme Cloud Ltd,Home Office,42917,1000,SME,Central Government\r\n"
    "G-Cloud 8,Software as a Service (SaaS),Acme Cloud Ltd,Home Office,01/06/17,\"2,000.25\",SME,Central Government\r\n"
    "G-Cloud 7,Cloud Hosting,Big Co plc,Leeds City Council,31/05/2017,-50,Large,Local Government\r\n"
    "G-Cloud 7,Cloud Hosting,Big Co plc,Leeds City Council,not a month,10,Large,Local Government\r\n"
)


def _load(path: Path, tmp_path: Path):
    outcome, loaded = load_file(path, path.parent, tmp_path / "work")
    assert outcome.status == "loaded", outcome.message
    assert loaded is not None
    frame = loaded.tables[STAGING]
    return loaded, frame.collect() if isinstance(frame, pl.LazyFrame) else frame


def _csv_money(text: str) -> Decimal:
    body = text.replace("£", "").replace(",", "")
    return -Decimal(body[1:-1]) if body.startswith("(") else Decimal(body)


def test_dec_2017_dos_file_without_framework_column(tmp_path: Path) -> None:
    path = tmp_path / "DOS-spend-Dec2017.csv"
    path.write_bytes(DEC_2017_DOS.encode("iso-8859-1"))
    [fmt] = detect(read_head(path))
    assert fmt.id == "ccs_marketplace_2017_monthly"
    loaded, rows = _load(path, tmp_path)
    assert rows["framework_family"].unique().to_list() == ["DOS"]  # told by the lots
    assert rows["month"].to_list() == [dt.date(2017, 12, 1), dt.date(2017, 11, 1), dt.date(2017, 10, 1)]
    assert rows["sector"].to_list() == ["Central Government", "Wider Public Sector", "Unregistered or Unknown"]
    assert loaded.rejects.select("line", "reason").rows() == [(5, "missing customer name")]
    # second method: the csv module and Decimal, no pipeline code
    with open(path, encoding="iso-8859-1", newline="") as fh:
        raw = [r for r in csv.DictReader(fh) if r["Customer"].strip()]
    assert sum(rows["amount"].to_list(), Decimal(0)) == sum((_csv_money(r["Spend"]) for r in raw), Decimal(0))
    assert loaded.rows_read == len(raw) + 1 == loaded.rows_loaded + loaded.rows_rejected


def test_july_2017_return_month_mixes_serials_and_short_dates(tmp_path: Path) -> None:
    path = tmp_path / "g-cloud-sales-figures-july2017.csv"
    path.write_text(JULY_2017, encoding="utf-8")
    [fmt] = detect(read_head(path))
    assert fmt.id == "ccs_marketplace_2017_return_month"
    loaded, rows = _load(path, tmp_path)
    assert rows["month"].to_list() == [dt.date(2017, 7, 1), dt.date(2017, 6, 1), dt.date(2017, 5, 1)]
    assert rows["lot_name"].to_list() == ["Cloud software", "SaaS", "Cloud hosting"]  # old and new lot names
    assert rows["framework_iteration"].to_list() == ["G-Cloud 8", "G-Cloud 8", "G-Cloud 7"]
    assert loaded.rejects.select("line", "column_name", "reason").rows() == [
        (5, "Return Month", "month is not a readable date")
    ]


SHEET = [
    ["G-Cloud spend data to end of March 2018"],  # banner rows above the header
    ["Published by Crown Commercial Service"],
    [],
    ["Sector", "Lot", "Month", "Spend", "SME Status", "Supplier", "Customer", "Framework", "Notes"],
    ["Central Government", "Cloud Software", dt.date(2018, 3, 1), Cell(1234.5, "money"), "SME", "Acme", "Home Office",
     "G-Cloud 9", ""],
    ["Health", "Cloud Support", 43132, 0.1 + 0.2, "Large", "Big Co", "NHS Digital", "G-Cloud 9", "a serial month"],
    ["Local Government", "Cloud Hosting", Cell("Jan-18", "text"), Cell("£2,000.00", "text"), "SME", "Acme",
     "Leeds City Council", "G-Cloud 9", "typed as text"],
    ["Police", "Cloud Hosting", "Jan-18", "TBC", "SME", "Acme", "West Midlands Police", "G-Cloud 9", "bad spend"],
    [],
]  # fmt: skip


@pytest.mark.parametrize("writer", [write_xlsx, write_ods, write_xls])
def test_spend_workbook_read_by_type_below_banners(tmp_path: Path, writer) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    suffix = {write_xlsx: "xlsx", write_ods: "ods", write_xls: "xls"}[writer]
    path = writer(raw / f"G-Cloud_spend_data_to_end_March_2018.{suffix}", {"Notes": [["About"]], "Data": SHEET})
    loaded, rows = _load(path, tmp_path)
    assert loaded.format == "marketplace_spend_workbook"
    assert rows["source_line"].to_list() == [5, 6, 7]
    assert rows["month"].to_list() == [dt.date(2018, 3, 1), dt.date(2018, 2, 1), dt.date(2018, 1, 1)]
    assert rows["amount"].to_list() == [Decimal("1234.5"), Decimal("0.3"), Decimal("2000")]
    assert loaded.rejects.select("line", "reason").rows() == [(8, "spend is not an amount of money")]
    assert any("columns not used: Notes" in n for n in loaded.notes)
    # second method: openpyxl (XLSX) or the standard library (ODS), summing typed numbers and counting rows
    # (xlrd for XLS: a real BIFF8 file written by xlwt)
    readers = {write_xlsx: openpyxl_rows, write_ods: ods_rows, write_xls: xlrd_rows}
    cells = readers[writer](path, "Data")
    data = [r for r in cells[4:] if any(v not in (None, "") for v in r)]
    numbers = [Decimal(repr(round(float(r[3]), 10))) for r in data if isinstance(r[3], int | float)]
    assert sum(rows["amount"].to_list(), Decimal(0)) == sum(numbers, Decimal(0)) + Decimal("2000")
    assert loaded.rows_read == len(data)


def test_workbook_missing_a_column_names_the_sheet_and_columns(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    path = write_xlsx(raw / "spend.xlsx", {"Data": [["Sector", "Lot", "Month", "Supplier", "Customer"], ["x"] * 5]})
    outcome, loaded = load_file(path, raw, tmp_path / "work")
    assert loaded is None and outcome.status == "unreadable"
    assert "sheet 'Data' looks like Digital Marketplace spend Dec 2017" in outcome.message
    assert "lacks required column(s): Spend" in outcome.message and "columns found: Sector, Lot" in outcome.message


def test_csv_and_workbook_of_the_same_rows_load_the_same(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    text = io.StringIO(DEC_2017_DOS)
    rows = list(csv.reader(text))
    (raw / "dos.csv").write_text(DEC_2017_DOS, encoding="utf-8")
    write_xlsx(raw / "dos.xlsx", {"Sheet1": rows})
    _, from_csv = _load(raw / "dos.csv", tmp_path)
    _, from_book = _load(raw / "dos.xlsx", tmp_path)
    keep = ["month", "framework_family", "lot_name", "supplier_name", "supplier_is_sme", "customer_name", "amount"]
    assert from_csv.select(keep).rows() == from_book.select(keep).rows()


def test_xls_and_xlsx_of_the_same_sheet_load_the_same(tmp_path: Path) -> None:
    """A real .xls (BIFF8, written by xlwt) against the same cells as XLSX: one reader, two file formats."""
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xls(raw / "spend.xls", {"Notes": [["About"]], "Data": SHEET})
    write_xlsx(raw / "spend.xlsx", {"Notes": [["About"]], "Data": SHEET})
    from_xls, xls_rows = _load(raw / "spend.xls", tmp_path)
    from_xlsx, xlsx_rows = _load(raw / "spend.xlsx", tmp_path)
    assert from_xls.format == from_xlsx.format == "marketplace_spend_workbook"
    assert "XLS workbook, sheet 'Data', header on row 4" in from_xls.notes[0]
    keep = ["source_line", "month", "framework_family", "lot_name", "supplier_name", "customer_name", "amount"]
    assert xls_rows.select(keep).rows() == xlsx_rows.select(keep).rows()
    assert from_xls.rejects.select("line", "reason").rows() == from_xlsx.rejects.select("line", "reason").rows()
