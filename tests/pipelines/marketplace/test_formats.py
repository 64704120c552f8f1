"""Digital Marketplace spend: every published layout, every row rule, the real files' totals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from pipelines.config import ROOT
from pipelines.core.loading import FileLoad
from pipelines.core.textio import UnreadableFileError, read_head
from pipelines.marketplace.formats import STAGING
from pipelines.warehouse.formats import detect

REAL = ROOT.parent / "shared" / "data" / "govspend-gcloud"


def load(path: Path, work: Path) -> tuple[FileLoad, pl.DataFrame]:
    head = read_head(path)
    formats = detect(head)
    assert len(formats) == 1, [f.id for f in formats]
    loaded = formats[0].load(path, head, work)
    loaded.check_reconciles()
    return loaded, loaded.tables[STAGING].collect()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def test_2013_total_spend_layout_cp1252_cr(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "anything.csv",
        "Framework,Lot,Supplier,Customer,For_Month,Product_Service_Description,Total_Charge\n"
        "G-Cloudi,3,@UK PLC,Royal Berkshire NHS Foundation Trust,2012-10-01l,Service Analytics,16000\n"
        "G-Cloud Services II,3,Fincore Ltd,Home Office,2013-10-01l,CBPM Caf\xe9 Platform,49600\n"
        "G-Cloud III,4,4C Strategies Ltd,National Archives The,2013-08-01l,Consultancy,-1998.5\n",
        encoding="cp1252",
        newline="\r",
    )
    loaded, rows = load(path, tmp_path / "w")
    assert loaded.format == "gcloud_2013_total_spend"
    assert loaded.encoding == "windows-1252"
    assert rows["framework_iteration"].to_list() == ["G-Cloud 1", "G-Cloud 2", "G-Cloud 3"]
    assert rows["lot_name"].to_list() == ["SaaS", "SaaS", "Specialist Cloud Services"]
    assert rows["sector"].null_count() == 3 and rows["supplier_is_sme"].null_count() == 3  # never guessed
    assert rows["amount"].to_list() == [Decimal("16000.00"), Decimal("49600.00"), Decimal("-1998.50")]
    assert rows["description"][1] == "CBPM Café Platform"
    assert rows["financial_year"].to_list() == ["2012/13", "2013/14", "2013/14"]


def test_2014_for_publication_layout(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "p.csv",
        "LotDescription,Return Month,EvidencedSpend,Sector,SME or Large,,SupplierName,CustomerName\n"
        'Software as a Service (SaaS),01/07/2014,"£37,016.79",Central Government,SME,,Red Digital Limited,HM Treasury\n'
        "4,01/02/2015,-£5.00,Local Government,Large,,Blue Ltd,Leeds City Council\n",
        newline="\r\n",
    )
    loaded, rows = load(path, tmp_path / "w")
    assert loaded.format == "gcloud_2014_for_publication"
    assert rows["amount"].to_list() == [Decimal("37016.79"), Decimal("-5.00")]
    assert rows["lot_number"].to_list() == [3, 4]
    assert rows["supplier_is_sme"].to_list() == [True, False]
    assert rows["framework_family"].to_list() == ["G-Cloud", "G-Cloud"]


def test_2014_for_import_layout(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "i.csv",
        "ID,Framework,LotDescription,SupplierName,CustomerName,ReturnMonth,ProjectNameAndDescription,EvidencedSpend,Sector,SMEorLarge\n"
        "1,G-Cloud,3,SYMANTEC LTD,Public Health England,2012-04-01,Email,43200,Central Government,Large\n"
        "2,G-Cloud,4,Methods Consulting Ltd,Skills Funding Agency,2014-06-01,Consultant,-470,central government,SME\n",
        encoding="cp1252",
        newline="\r",
    )
    loaded, rows = load(path, tmp_path / "w")
    assert loaded.format == "gcloud_2014_for_import"
    assert rows["framework_iteration"].to_list() == ["G-Cloud (iteration not stated)"] * 2
    assert rows["sector"].to_list() == ["Central Government", "Central Government"]


def test_later_ccs_layouts_with_financial_month_or_spend_month(tmp_path: Path) -> None:
    fy = write(
        tmp_path,
        "a.csv",
        "\ufeffFinancialYear,FinancialMonth,FrameworkName,Lot,SupplierName,SupplierSMEStatus,CustomerName,MarketSector,EvidencedSpend\n"
        "2017/18,March,G-Cloud 9,Cloud software,A Ltd,SME,Home Office,Central Government,100\n"
        "2017/18,April,G-Cloud 9,Cloud hosting,B Ltd,Large,Home Office,Central Government,50\n",
        newline="\r\n",
    )
    loaded, rows = load(fy, tmp_path / "w")
    assert loaded.format == "ccs_marketplace_spend"
    assert [str(m) for m in rows["month"]] == ["2018-03-01", "2017-04-01"]
    assert rows["lot_name"].to_list() == ["Cloud software", "Cloud hosting"]
    assert rows["lot_number"].null_count() == 2
    dos = write(
        tmp_path,
        "b.csv",
        "FrameworkName,Lot,SupplierName,SMEStatus,CustomerName,Sector,SpendMonth,EvidencedSpend\n"
        "Digital Outcomes and Specialists 4,Digital specialists,C Ltd,SME,Cabinet Office,Central Government,2021-06,1855.56\n",
    )
    _, rows = load(dos, tmp_path / "w")
    assert rows.select("framework_family", "framework_iteration", "lot_name").row(0) == (
        "DOS",
        "DOS 4",
        "Digital specialists",
    )


HEADER = "ID,Framework,LotDescription,SupplierName,CustomerName,ReturnMonth,ProjectNameAndDescription,EvidencedSpend,Sector,SMEorLarge\n"
GOOD = "1,G-Cloud,3,S Ltd,Home Office,2014-01-01,x,10,Central Government,SME\n"


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("2,G-Cloud,3,S Ltd,,2014-01-01,x,10,Central Government,SME\n", "CustomerName", "missing customer name"),
        ("2,G-Cloud,3,,Home Office,2014-01-01,x,10,Central Government,SME\n", "SupplierName", "missing supplier name"),
        (
            "2,G-Cloud,3,S Ltd,Home Office,2014-01-01,x,,Central Government,SME\n",
            "EvidencedSpend",
            "missing spend amount",
        ),
        ("2,G-Cloud,3,S Ltd,Home Office,2014-01-01,x,N/A,Central Government,SME\n", "EvidencedSpend", "not an amount"),
        (
            "2,G-Cloud,3,S Ltd,Home Office,2014-13-01,x,10,Central Government,SME\n",
            "ReturnMonth",
            "not a readable date",
        ),
        (
            "2,G-Cloud,3,S Ltd,Home Office,01/13/2014,x,10,Central Government,SME\n",
            "ReturnMonth",
            "not a readable date",
        ),
        ("2,G-Cloud,3,S Ltd,Home Office,1999-01-01,x,10,Central Government,SME\n", "ReturnMonth", "outside"),
        ("2,G-Cloud,7,S Ltd,Home Office,2014-01-01,x,10,Central Government,SME\n", "LotDescription", "lot number"),
        ("2,G-Cloud,3,S Ltd,Home Office,2014-01-01,x,10,Central Government,Maybe\n", "SMEorLarge", "SME flag"),
        ("2,Crown Hosting,3,S Ltd,Home Office,2014-01-01,x,10,Central Government,SME\n", "Framework", "framework"),
        (HEADER, "ID", "repeated header"),
        ("2,G-Cloud,3,S Ltd,Home Office,2014-01-01,x,10,Central Government,SME,extra\n", "(row)", "more fields"),
        (",,,,,,,,,\n", "(row)", "blank row"),
    ],
)
def test_each_rule_rejects_the_row_with_file_line_column_and_reason(
    tmp_path: Path, row: str, column: str, reason: str
) -> None:
    path = write(tmp_path, "bad.csv", HEADER + GOOD + row + GOOD)
    loaded, rows = load(path, tmp_path / "w")
    assert (loaded.rows_read, loaded.rows_loaded, loaded.rows_rejected) == (3, 2, 1)
    reject = loaded.rejects.row(0, named=True)
    assert reject["file_name"] == "bad.csv"
    assert reject["line"] == 3
    assert reject["column_name"] == column
    assert reason in reject["reason"]
    assert rows["source_line"].to_list() == [2, 4]


def test_undecodable_byte_rejects_only_its_row(tmp_path: Path) -> None:
    path = tmp_path / "enc.csv"
    path.write_bytes(
        (HEADER + GOOD).encode() + b"2,G-Cloud,3,S\x81 Ltd,Home Office,2014-01-01,x,10,Central Government,SME\n"
    )
    loaded, _ = load(path, tmp_path / "w")
    reject = loaded.rejects.row(0, named=True)
    assert (reject["line"], reject["column_name"]) == (3, "SupplierName")
    assert "0x81" in reject["reason"]


def test_missing_required_column_names_the_file_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "renamed.csv", HEADER.replace("EvidencedSpend", "Spend (GBP)") + GOOD)
    head = read_head(path)
    (fmt,) = detect(head)
    with pytest.raises(UnreadableFileError) as info:
        fmt.load(path, head, tmp_path / "w")
    assert "renamed.csv" in str(info.value) and "EvidencedSpend" in str(info.value)


def test_unknown_header_matches_no_marketplace_format(tmp_path: Path) -> None:
    path = write(tmp_path, "other.csv", "Foo,Bar,Customer,Baz\n1,2,3,4\n")
    assert [f for f in detect(read_head(path)) if f.source == "marketplace_spend"] == []


def test_header_only_file_loads_zero_rows(tmp_path: Path) -> None:
    loaded, rows = load(write(tmp_path, "h.csv", HEADER), tmp_path / "w")
    assert (loaded.rows_read, rows.height) == (0, 0)


@pytest.mark.skipif(not REAL.exists(), reason="real files in ../shared/data/govspend-gcloud are not present")
def test_real_2014_for_import_file_matches_provenance(tmp_path: Path) -> None:
    loaded, rows = load(REAL / "G-Cloud-Spend-14-07-14-v2-For-import.csv", tmp_path)
    assert (loaded.rows_read, loaded.rows_rejected) == (13_492, 0)
    total = rows["amount"].sum()
    # exactly as published: 114 values have 3 or 4 decimals (13192.9325), so no row is rounded
    assert total == Decimal("217455674.3915")  # £217.46m; the standard-library sum of the raw column
    sme = rows.filter(pl.col("supplier_is_sme"))["amount"].sum()
    central = rows.filter(pl.col("sector") == "Central Government")["amount"].sum()
    assert round(float(sme / total) * 100, 1) == 53.4
    assert round(float(central / total) * 100, 1) == 79.3
    assert str(rows["month"].min()) == "2012-04-01" and str(rows["month"].max()) == "2014-06-01"


@pytest.mark.skipif(not REAL.exists(), reason="real files in ../shared/data/govspend-gcloud are not present")
def test_real_2013_total_spend_file_matches_provenance(tmp_path: Path) -> None:
    loaded, rows = load(REAL / "G-Cloud-Total-Spend-13-12-13.csv", tmp_path)
    assert (loaded.rows_read, loaded.rows_rejected) == (4_699, 0)
    assert set(rows["framework_iteration"]) == {"G-Cloud 1", "G-Cloud 2", "G-Cloud 3", "G-Cloud 4"}
    assert str(rows["month"].min()) == "2012-04-01" and str(rows["month"].max()) == "2013-11-01"
    assert rows["sector"].null_count() == rows.height
