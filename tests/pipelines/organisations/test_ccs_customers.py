"""The CCS customer URN list: CCS's own test workbooks, built workbooks, and an independent recount."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.organisations.ccs_customers import STAGING
from pipelines.warehouse.formats import load_file
from tests.conftest import SHARED_DATA
from tests.workbooks import ods_rows, openpyxl_rows, write_ods, write_xlsx

CCS = SHARED_DATA / "ccs-customer-urn"
needs_ccs = pytest.mark.skipif(not CCS.is_dir(), reason=f"CCS test workbooks not present: {CCS} is absent")


def _load(path: Path, tmp_path: Path):
    return load_file(path, path.parent, tmp_path / "work")


@needs_ccs
def test_ccs_test_workbook_loads_and_matches_openpyxl(tmp_path: Path) -> None:
    path = CCS / "customers_test.xlsx"
    outcome, loaded = _load(path, tmp_path)
    assert outcome.status == "loaded", outcome.message
    assert loaded is not None and loaded.format == "ccs_customer_urn_list"
    staged = loaded.tables[STAGING]
    assert isinstance(staged, pl.DataFrame)
    # second method: openpyxl, typed cells, no pipeline code
    rows = openpyxl_rows(path, "Customers")
    header = [str(c).strip() for c in rows[0]]
    want = [
        (int(r[header.index("URN")]), str(r[header.index("CustomerName")]).strip(), str(r[header.index("PostCode")]))
        for r in rows[1:]
        if any(v is not None for v in r)
    ]
    assert staged.select("urn", "customer_name", "postcode").rows() == want
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_rejected) == (len(want), len(want), 0)
    assert staged.filter(pl.col("urn") == 10009655).row(0, named=True)["sector"] == "Central Government"
    assert "columns not used: Published" in outcome.notes


@needs_ccs
def test_ccs_workbook_missing_a_column_names_it_and_what_was_found(tmp_path: Path) -> None:
    outcome, loaded = _load(CCS / "customers_with_missing_columns.xlsx", tmp_path)
    assert loaded is None and outcome.status == "unreadable"
    assert "customers_with_missing_columns.xlsx" in outcome.message
    assert "sheet 'Customers' lacks required column(s) Sector" in outcome.message
    assert "columns found: URN, CustomerName" in outcome.message and "Subsector" in outcome.message


@needs_ccs
def test_ccs_workbook_with_the_wrong_sheet_names_the_sheets_found(tmp_path: Path) -> None:
    outcome, loaded = _load(CCS / "customers_with_wrong_sheet_name.xlsx", tmp_path)
    assert loaded is None and outcome.status == "unreadable"
    assert "customers_with_wrong_sheet_name.xlsx" in outcome.message
    assert "sheet named 'Customers'" in outcome.message and "sheets found: 'URNs'" in outcome.message


LIST = [
    ["Sector", "PostCode", "CustomerName", "URN", "Region"],  # another column order and an extra column
    ["Police", "m40 5bp", "Greater Manchester Police", 10000001, "North West"],
    ["Health", "LS9 7TF", "Leeds Teaching Hospitals NHS Trust", "10000002", "Yorkshire"],
    ["Education", "TBC", "A School With No Postcode", 10000003, ""],
    ["Health", "SE1 7EH", "", 10000004, ""],
    ["Health", "SE1 7EH", "No URN Trust", None, ""],
    ["Health", "SE1 7EH", "Bad URN Trust", "U-5", ""],
    ["Police", "B4 6NQ", "Greater Manchester Police (again)", 10000001, ""],
    [],
    [],
]


@pytest.mark.parametrize("writer", [write_xlsx, write_ods])
def test_rows_are_read_by_header_and_rejected_with_reasons(tmp_path: Path, writer) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    path = writer(raw / ("urn-list.xlsx" if writer is write_xlsx else "urn-list.ods"), {"Customers": LIST})
    outcome, loaded = _load(path, tmp_path)
    assert outcome.status == "loaded", outcome.message
    assert loaded is not None
    staged = loaded.tables[STAGING]
    assert isinstance(staged, pl.DataFrame)
    assert staged.select("urn", "postcode").rows() == [(10000001, "M40 5BP"), (10000002, "LS9 7TF"), (10000003, None)]
    reasons = loaded.rejects.select("line", "column_name", "reason").rows()
    assert reasons == [
        (5, "CustomerName", "missing CustomerName"),
        (6, "URN", "missing URN"),
        (7, "URN", "URN is not a whole number"),
        (8, "URN", "URN 10000001 appears twice in the file (first at row 2)"),
    ]
    assert loaded.rows_read == 7 == loaded.rows_loaded + loaded.rows_rejected
    assert any("no readable UK postcode" in n for n in loaded.notes)
    assert any("columns not used: Region" in n for n in loaded.notes)
    # second method: the standard library (ODS) or openpyxl (XLSX) counts the same non-empty rows
    rows = ods_rows(path, "Customers") if writer is write_ods else openpyxl_rows(path, "Customers")
    assert sum(1 for r in rows[1:] if any(v not in (None, "") for v in r)) == loaded.rows_read
