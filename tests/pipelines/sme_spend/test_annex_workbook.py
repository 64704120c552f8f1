"""The SME spend annex saved as a workbook (XLSX, XLS, ODS): found by content, read by cell type, recounted
independently (openpyxl, xlrd, the standard library), percentages stored 0..100 whatever the cells hold.

Workbooks are built in the tests; no published file or extract of one is committed. The layout mirrors the
published annex (title banner, a "Column A ... Column F" row, "FY2019/20 SME Spend Data", the header with its
formulas, department codes with footnote markers, a total row); the workbook saving of it is an assumption
(PUBLISHERS.md: the annex is published as CSV; XLSX/ODS copies are not confirmed).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.core.textio import read_head
from pipelines.sme_spend.formats import STAGING_SCHEMA, STAGING_TABLE
from pipelines.sme_spend.workbook import FORMAT_ID
from pipelines.warehouse.formats import detect, load_file
from tests.workbooks import Cell, ods_rows, openpyxl_rows, write_ods, write_xls, write_xlsx, xlrd_rows

WRITERS = {"xlsx": write_xlsx, "ods": write_ods, "xls": write_xls}
HEADER = [
    "Department",
    "Total Procurement Spend (£m)",
    "Direct Spend with SMEs (£m)",
    "Direct Spend with SMEs as % [Column C divided by Column B]",
    "Total Spend with SMEs (£m) [Column C plus Column K]",
    "Total Spend with SMEs as % [Column M divided by Column B]",
    "No. of Suppliers Invited",
]
BANNERS: list[list[object]] = [
    ["Central Government Direct and Indirect Spend with SMEs 2019/20"],
    ["Column A", "Column B", "Column C", "Column D", "Column E", "Column F", "Column G"],
    ["Not set", "FY2019/20 SME Spend Data", "Not set"],
]
DATA: list[list[object]] = [
    ["BEIS", 1435.2, 410.4, Cell(0.286, "pct"), 463.5, Cell(0.323, "pct"), 104],
    ["CO (1)", 457, 42.5, Cell(0.093, "pct"), 120, Cell(0.263, "pct"), 80],
    ["HMRC²", 2500, 222.5, Cell(0.089, "pct"), 500, Cell(0.2, "pct"), 250],
    ["Other", 100, 10, Cell(0.1, "pct"), 20, Cell(0.2, "pct"), None],
    ["Total", 4492.2, 685.4, Cell(0.153, "pct"), 1103.5, Cell(0.246, "pct"), 434],
]


def sheet(rows: list[list[object]] | None = None) -> list[list[object]]:
    return [*BANNERS, HEADER, *(DATA if rows is None else rows), []]


def raw_dir(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    return raw


def build(path: Path, tmp_path: Path):
    outcome, loaded = load_file(path, path.parent, tmp_path / "work")
    assert outcome.status == "loaded", outcome.message
    assert loaded is not None and loaded.format == FORMAT_ID
    frame = loaded.tables[STAGING_TABLE]
    assert isinstance(frame, pl.DataFrame)
    return loaded, frame


def independent_rows(path: Path, kind: str, name: str) -> list[list[object]]:
    if kind == "xlsx":
        return [list(r) for r in openpyxl_rows(path, name)]
    return ods_rows(path, name) if kind == "ods" else xlrd_rows(path, name)


@pytest.mark.parametrize("kind", list(WRITERS))
def test_annex_workbook_read_by_type_and_recounted(tmp_path: Path, kind: str) -> None:
    path = WRITERS[kind](raw_dir(tmp_path) / f"annex.{kind}", {"Cover": [["About this data"]], "Annex": sheet()})
    assert [f.id for f in detect(read_head(path))] == [FORMAT_ID]
    loaded, frame = build(path, tmp_path)
    assert frame.schema == pl.Schema(STAGING_SCHEMA)
    assert loaded.period == "2019/20" and loaded.rows_rejected == 0 and loaded.rows_read == 5
    assert frame["source_line"].to_list() == [5, 6, 7, 8, 9]  # the sheet's own row numbers
    assert frame["department_id"].to_list() == ["BEIS", "CO", "HMRC", None, None]
    assert frame["direct_sme_pct"].to_list() == [28.6, 9.3, 8.9, 10.0, 15.3]  # fractions stored 0..100, exactly
    assert frame["total_sme_pct"].to_list() == [32.3, 26.3, 20.0, 20.0, 24.6]
    assert frame["suppliers_invited"].to_list() == [104, 80, 250, None, 434]
    assert any(
        n.startswith("direct_sme_pct: 5 cell(s) held fractions, stored x100 (formatted as %") for n in loaded.notes
    )
    assert not any("number formats were not read" in n for n in loaded.notes)
    assert any("line 6: CO (1); line 7: HMRC ²" in n for n in loaded.notes)
    assert any(n.startswith("department rows sum to the published total row (line 9)") for n in loaded.notes)
    # second method: the workbook read by openpyxl, xlrd or the standard library, summed by department row
    cells = independent_rows(path, kind, "Annex")
    header_at = next(i for i, r in enumerate(cells) if r and r[0] == "Department")
    body = [r for r in cells[header_at + 1 :] if r and r[0] not in (None, "", "Total")]
    for column, measure in ((1, "total_procurement_spend_m"), (2, "direct_sme_spend_m"), (4, "total_sme_spend_m")):
        recount = sum(float(r[column]) for r in body)
        stored = frame.filter(pl.col("row_type") != "total")[measure].sum()
        assert stored == pytest.approx(recount, abs=1e-9), measure
    fractions = [float(r[3]) for r in body]
    assert frame.filter(pl.col("row_type") != "total")["direct_sme_pct"].to_list() == pytest.approx(
        [100 * f for f in fractions]
    )


def test_csv_and_workbook_of_the_same_annex_load_the_same(tmp_path: Path) -> None:
    raw = raw_dir(tmp_path)
    lines = [
        "Central Government Direct and Indirect Spend with SMEs 2019/20",
        ",".join(f'"{c}"' for c in HEADER),
        "BEIS,1435.2,410.4,28.6%,463.5,32.3%,104",
        "CO (1),457,42.5,9.3%,120,26.3%,80",
        "HMRC²,2500,222.5,8.9%,500,20.0%,250",
        "Other,100,10,10.0%,20,20.0%,",
        "Total,4492.2,685.4,15.3%,1103.5,24.6%,434",
    ]
    (raw / "annex.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    write_xlsx(raw / "annex.xlsx", {"Annex": sheet()})
    _, from_csv = build_csv(raw / "annex.csv", tmp_path)
    _, from_book = build(raw / "annex.xlsx", tmp_path)
    keep = [c for c in STAGING_SCHEMA if c not in ("source_file", "source_line")]
    assert from_csv.select(keep).rows() == from_book.select(keep).rows()


def build_csv(path: Path, tmp_path: Path):
    outcome, loaded = load_file(path, path.parent, tmp_path / "work")
    assert outcome.status == "loaded", outcome.message
    assert loaded is not None
    frame = loaded.tables[STAGING_TABLE]
    assert isinstance(frame, pl.DataFrame)
    return loaded, frame


def test_columns_in_another_order_with_an_extra_known_one_read_the_same(tmp_path: Path) -> None:
    order = [0, 6, 5, 4, 3, 2, 1]
    header = [HEADER[i] for i in order] + ["Indirect Spend with SMEs (£m) (=M-C)"]
    rows = [[r[i] for i in order] + [r[4] - r[2]] for r in DATA]
    path = write_xlsx(raw_dir(tmp_path) / "annex.xlsx", {"Annex": [*BANNERS, header, *rows]})
    _, frame = build(path, tmp_path)
    assert frame["direct_sme_pct"].to_list() == [28.6, 9.3, 8.9, 10.0, 15.3]
    assert frame["indirect_sme_spend_m"].to_list() == pytest.approx([53.1, 77.5, 277.5, 10.0, 418.1])


def test_percentages_typed_as_text_or_as_plain_numbers_are_read_too(tmp_path: Path) -> None:
    """A sheet mixing a fraction formatted as %, text '9.3%', a plain 8.9 and an unformatted fraction 0.1."""
    rows = [list(r) for r in DATA]
    rows[1][3] = Cell("9.3%", "text")
    rows[2][3] = 8.9
    rows[3][3] = 0.1  # no % format: the row's figures (10 of 100) say it is a fraction
    path = write_xlsx(raw_dir(tmp_path) / "annex.xlsx", {"Annex": sheet(rows)})
    loaded, frame = build(path, tmp_path)
    assert frame["direct_sme_pct"].to_list() == [28.6, 9.3, 8.9, 10.0, 15.3]
    assert loaded.rows_rejected == 0


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_a_percentage_contradicting_its_row_is_rejected_naming_sheet_row_and_column(tmp_path: Path, kind: str) -> None:
    rows = [list(r) for r in DATA]
    rows[2][3] = Cell(8.9, "pct")  # formatted as %: 890%, while 222.5 / 2500 is 8.9%
    path = WRITERS[kind](raw_dir(tmp_path) / f"annex.{kind}", {"Annex": sheet(rows)})
    loaded, frame = build(path, tmp_path)
    assert frame["department_code"].to_list() == ["BEIS", "CO", "Other", "Total"]
    reject = loaded.rejects.row(0, named=True)
    assert (reject["file_name"], reject["line"], reject["column_name"]) == (f"annex.{kind}", 7, HEADER[3])
    assert reject["reason"] == (
        f"percentage scale in column '{HEADER[3]}': 8.9 is formatted as a percentage (890%) but"
        f" '{HEADER[2]}' / '{HEADER[1]}' on this row is 8.90%: mixed scales"
    )


def test_a_count_that_is_not_whole_is_rejected(tmp_path: Path) -> None:
    rows = [list(r) for r in DATA]
    rows[0][6] = 104.5
    loaded, _ = build(write_ods(raw_dir(tmp_path) / "annex.ods", {"Annex": sheet(rows)}), tmp_path)
    assert loaded.rejects.select("line", "reason").rows() == [
        (5, "not a whole number of suppliers in column 'No. of Suppliers Invited'")
    ]


def test_year_from_the_sheet_name_when_no_banner_says_it(tmp_path: Path) -> None:
    path = write_xlsx(raw_dir(tmp_path) / "annex.xlsx", {"SME spend 2020-21": [HEADER, *DATA]})
    loaded, frame = build(path, tmp_path)
    assert loaded.period == "2020/21" and "financial year 2020/21 taken from the sheet name" in loaded.notes
    assert frame["source_line"].to_list()[0] == 2


def test_no_year_anywhere_is_unreadable(tmp_path: Path) -> None:
    path = write_xlsx(raw_dir(tmp_path) / "annex.xlsx", {"Data": [HEADER, *DATA]})
    outcome, loaded = load_file(path, path.parent, tmp_path / "work")
    assert loaded is None and outcome.status == "unreadable"
    assert "no financial year in the banner rows above the header of sheet 'Data'" in outcome.message


def test_several_annex_sheets_are_refused_naming_them(tmp_path: Path) -> None:
    path = write_xlsx(raw_dir(tmp_path) / "annex.xlsx", {"Notes": [["x"]], "2018-19": sheet(), "2019-20": sheet()})
    outcome, loaded = load_file(path, path.parent, tmp_path / "work")
    assert loaded is None and outcome.status == "unreadable"
    assert "several sheets hold the SME spend annex ('2018-19', '2019-20')" in outcome.message


def test_an_unknown_column_names_the_file_sheet_and_columns_found(tmp_path: Path) -> None:
    header = [*HEADER, "Spend with VCSEs (£m)"]
    path = write_ods(raw_dir(tmp_path) / "annex.ods", {"Annex": [*BANNERS, header, *DATA]})
    outcome, loaded = load_file(path, path.parent, tmp_path / "work")
    assert loaded is None and outcome.status == "unreadable"
    message = outcome.message
    assert message.startswith("annex.ods, line 4, column 'Spend with VCSEs (£m)': unknown column")
    assert "of sheet 'Annex'" in message
    assert "columns found: 'Department', 'Total Procurement Spend (£m)'" in message
    assert "'Spend with VCSEs (£m)'" in message.split("columns found:")[1]


def test_a_sheet_resembling_the_annex_without_its_required_columns_stops_the_build(tmp_path: Path) -> None:
    header = ["Department", "Total Procurement Spend (£m) [B]", "Direct Spend with SMEs (£m) [C]"]
    path = write_xlsx(raw_dir(tmp_path) / "annex.xlsx", {"Annex": [header, ["CO", 1, 1]]})
    outcome, loaded = load_file(path, path.parent, tmp_path / "work")
    assert loaded is None and outcome.status == "unreadable"  # not skipped as someone else's file
    assert outcome.message.startswith("annex.xlsx, line 1: sheet 'Annex', row 1: header looks like Cabinet Office")
    assert "lacks column(s) Total Spend with SMEs (£m)" in outcome.message
    assert "(columns found: Department, Total Procurement Spend (£m) [B], Direct Spend with SMEs (£m) [C])" in (
        outcome.message
    )


def test_xls_number_formats_are_read_so_a_fraction_without_ratio_is_still_scaled(tmp_path: Path) -> None:
    """No money pair for the response rate: only the XLS cell's % format says 0.25 is 25%."""
    header = ["Department", "Direct Spend with SMEs (£m)", "Total Spend with SMEs (£m)", "Supplier Response rate as %"]
    rows = [header, ["CO", 10, 20, Cell(0.25, "pct")], ["HO", 10, 20, Cell(0.5, "pct")]]
    path = write_xls(raw_dir(tmp_path) / "sme-2019-20.xls", {"Annex": rows})
    loaded, frame = build(path, tmp_path)
    assert frame["supplier_response_rate_pct"].to_list() == [25.0, 50.0]
    assert loaded.period == "2019/20" and "financial year 2019/20 taken from the file name" in loaded.notes


def test_the_built_warehouse_holds_the_workbooks_figures_recounted_with_openpyxl(tmp_path: Path) -> None:
    """End to end: `build` on a raw folder holding the annex as XLSX; fact_sme_spend against openpyxl's sums."""
    import duckdb

    from pipelines.warehouse.build import build as build_warehouse

    raw = raw_dir(tmp_path) / "sme-spend"
    raw.mkdir()
    path = write_xlsx(raw / "annex.xlsx", {"Cover": [["About"]], "Annex": sheet()})
    out = tmp_path / "warehouse.duckdb"
    build_warehouse(raw.parent, out)
    cells = openpyxl_rows(path, "Annex")
    body = [r for r in cells[4:] if r and r[0] not in (None, "Total")]
    with duckdb.connect(str(out), read_only=True) as con:
        stored = con.sql(
            "SELECT count(*), sum(total_procurement_spend_m), sum(direct_sme_spend_m), sum(total_sme_spend_m),"
            " max(direct_sme_pct), min(direct_sme_pct) FROM fact_sme_spend WHERE row_type <> 'total'"
        ).fetchall()[0]
        codes = con.sql("SELECT department_code FROM fact_sme_spend ORDER BY source_line").fetchall()
    assert stored[0] == len(body) == 4
    for got, column in zip(stored[1:4], (1, 2, 4), strict=True):
        assert got == pytest.approx(sum(float(r[column]) for r in body), abs=1e-9)
    assert (stored[4], stored[5]) == pytest.approx((100 * max(r[3] for r in body), 100 * min(r[3] for r in body)))
    assert [c for (c,) in codes] == ["BEIS", "CO", "HMRC", "Other", "Total"]
