"""Cabinet Office SME spend annex: format detection, row rules, the fact/mart build and the sample."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.config import ROOT, SME_ASPIRATION_PCT
from pipelines.core.loading import FileLoad
from pipelines.core.textio import UnreadableFileError, read_head
from pipelines.sme_spend.formats import (
    FORMATS,
    STAGING_SCHEMA,
    STAGING_TABLE,
    classify_department,
    financial_year_in,
    map_header,
    normalise_header,
)
from pipelines.sme_spend.sample import write_sample
from pipelines.sme_spend.tables import (
    FACT_TABLE,
    MART_TABLE,
    SUPERSEDED_TABLE,
    TABLES,
    build_sme_spend,
    sme_share_mart,
)

FORMAT = FORMATS[0]
REAL_DIR = ROOT.parent / "shared" / "data"
REAL_SME_DIR = REAL_DIR / "sme-spend"

SHORT_HEADER = (
    "Department,Total Procurement Spend (£m),Direct Spend with SMEs (£m),Direct Spend with SMEs as %,"
    "Total Spend with SMEs (£m),Total Spend with SMEs as %"
)
FULL_HEADER = (
    "Department,Total Procurement Spend (£m),Direct Spend with SMEs (£m),Direct Spend with SMEs as %,"
    "Responding Suppliers Reported Revenues (£m),Responding Suppliers Reported Subcontracted Spend with SMEs (£m),"
    "Responding Suppliers Reported Subcontracted Spend with SMEs as %,"
    "Additional Indirect SME Spend collected & reported by Departments (outside of the annual survey),"
    "In scope spend for Extrapolation,Indirect Spend with SMEs Extrapolated (£m),Total Indirect Spend with SMEs (£m),"
    "Indirect Spend with SMEs as %,Total Spend with SMEs (£m),Total Spend with SMEs as %,No. of Suppliers Invited,"
    "No. of valid supplier responses received,Supplier Response rate as %,"
    "Responding Suppliers Revenue as % of available spend"
)


def write_csv(folder: Path, name: str, lines: list[str], *, encoding: str = "utf-8-sig", newline: str = "\r\n") -> Path:
    """A file exactly as Excel saves it: the given encoding (BOM included) and line endings."""
    path = folder / name
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def load(path: Path) -> FileLoad:
    result = FORMAT.load(path, read_head(path), path.parent / "work")
    result.check_reconciles()
    return result


def staged(result: FileLoad) -> pl.DataFrame:
    frame = result.tables[STAGING_TABLE]
    assert isinstance(frame, pl.DataFrame)
    return frame


def simple_file(tmp_path: Path, rows: list[str], name: str = "sme-spend-2019-20.csv") -> Path:
    return write_csv(tmp_path, name, [SHORT_HEADER, *rows])


# --- header recognition -------------------------------------------------------------------------------------------


def test_normalise_header_drops_pound_and_punctuation() -> None:
    assert normalise_header(" Direct Spend with SMEs (£m) ") == "direct spend with smes m"
    assert normalise_header("No. of Suppliers Invited") == "no of suppliers invited"
    assert normalise_header("Direct Spend with SMEs as%") == "direct spend with smes as %"


def test_map_header_maps_old_and_new_column_names_to_one_measure() -> None:
    old = map_header(["Department", "Responding Suppliers Reported Spend (£m)", "Direct Spend with SMEs (£m)"])
    new = map_header(["DEPARTMENT", "Responding Suppliers Reported Revenues (£m)", "Total Spend with SMEs (£m)"])
    assert old.measures["supplier_reported_revenue_m"] == 1
    assert new.measures["supplier_reported_revenue_m"] == 1
    assert old.department == 0 and new.department == 0


def test_map_header_keeps_total_indirect_apart_from_total_spend() -> None:
    mapping = map_header(FULL_HEADER.split(","))
    assert not mapping.unknown and not mapping.duplicated
    assert len(mapping.measures) == 17
    cells = FULL_HEADER.split(",")
    assert cells[mapping.measures["indirect_sme_spend_m"]] == "Total Indirect Spend with SMEs (£m)"
    assert cells[mapping.measures["total_sme_spend_m"]] == "Total Spend with SMEs (£m)"
    assert cells[mapping.measures["indirect_sme_pct"]] == "Indirect Spend with SMEs as %"


def test_matches_header_below_three_banner_rows(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "anything.csv",
        [
            "Central Government Direct and Indirect Spend with SMEs 2019/20,,,,,",
            ",,,,,",
            "",
            SHORT_HEADER,
            "HO,1,1,1,1,1",
        ],
    )
    assert FORMAT.matches(read_head(path))


def test_does_not_match_header_beyond_the_search_window(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "late.csv", ["Banner 2019/20"] * 7 + [SHORT_HEADER, "HO,1,1,1,1,1"])
    assert not FORMAT.matches(read_head(path))


def test_does_not_match_other_publishers_or_empty_files(tmp_path: Path) -> None:
    gcloud = write_csv(
        tmp_path, "g.csv", ["Sector,Lot,Supplier Name,Customer Name,Month,Evidenced Spend", "x,1,a,b,c,1"]
    )
    no_total = write_csv(tmp_path, "n.csv", ["Department,Direct Spend with SMEs (£m)", "HO,1"])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert not FORMAT.matches(read_head(gcloud))
    assert not FORMAT.matches(read_head(no_total))
    assert not FORMAT.matches(read_head(empty))


# --- reading files ------------------------------------------------------------------------------------------------


def test_windows_1252_pound_signs_and_year_from_file_name(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "sme-spend-2013-14.csv",
        [SHORT_HEADER, 'MoD,"£20,000",£900,4.5%,"£4,100",20.5%', 'Total,"£20,000",£900,4.5%,"£4,100",20.5%'],
        encoding="cp1252",
    )
    assert b"\xa3" in path.read_bytes()
    result = load(path)
    frame = staged(result)
    assert result.encoding == "windows-1252"
    assert result.period == "2013/14"
    assert "financial year 2013/14 taken from the file name" in result.notes
    mod = frame.row(0, named=True)
    assert (mod["total_procurement_spend_m"], mod["direct_sme_spend_m"], mod["direct_sme_pct"]) == (20000.0, 900.0, 4.5)
    assert mod["department_id"] == "MOD" and mod["row_type"] == "department"
    assert mod["source_file"] == "sme-spend-2013-14.csv" and mod["source_line"] == 2
    assert frame.schema == pl.Schema(STAGING_SCHEMA)


def test_banner_year_wins_and_lf_utf8_reads(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "sme-spend-2018-19.csv",
        [
            "Central Government Direct and Indirect Spend with SMEs 2019-20,,,,,",
            "",
            SHORT_HEADER,
            "HO,100,15.9,15.9,30,30",
        ],
        encoding="utf-8",
        newline="\n",
    )
    result = load(path)
    assert result.period == "2019/20"
    assert staged(result)["source_line"].to_list() == [4]


def test_no_year_anywhere_is_unreadable(tmp_path: Path) -> None:
    path = simple_file(tmp_path, ["HO,100,15.9,15.9,30,30"], name="sme-spend.csv")
    with pytest.raises(UnreadableFileError, match="sme-spend.csv.*no financial year"):
        load(path)


def test_financial_year_in_accepts_published_spellings() -> None:
    assert financial_year_in("Spend with SMEs 2021 to 2022") == "2021/22"
    assert financial_year_in("sme_spend_2016_17") == "2016/17"
    assert financial_year_in("report 2020-03-31 for 2019/20") == "2019/20"
    assert financial_year_in("SME spend") is None


def test_missing_required_column_is_unreadable(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "sme-spend-2019-20.csv", ["Department,Direct Spend with SMEs (£m)", "HO,1"])
    with pytest.raises(UnreadableFileError, match="no header") as info:
        load(path)
    assert info.value.path == path


def test_unknown_column_is_unreadable_naming_it(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "sme-spend-2019-20.csv", [SHORT_HEADER + ",Notes", "HO,1,1,1,1,1,x"])
    with pytest.raises(UnreadableFileError) as info:
        load(path)
    assert info.value.column == "Notes" and info.value.line == 1


def test_empty_file_is_unreadable_and_header_only_loads_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "sme-spend-2019-20.csv"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFileError):
        FORMAT.load(empty, read_head(empty), tmp_path / "work")
    header_only = write_csv(tmp_path, "sme-spend-2020-21.csv", [SHORT_HEADER])
    result = load(header_only)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (0, 0, 0)
    assert "no published total row: department sums not checked" in result.notes


def test_not_published_markers_are_null_not_rejects(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, "sme-spend-2019-20.csv", [FULL_HEADER, "HMT,150,20.7,13.8,n/a,n/a,n/a,-,-,-,-,-,-,-,N/A,n/a,..,—"]
    )
    result = load(path)
    row = staged(result).row(0, named=True)
    assert result.rows_rejected == 0
    assert row["direct_sme_pct"] == 13.8
    assert row["supplier_reported_revenue_m"] is None and row["additional_indirect_sme_spend_m"] is None
    assert row["suppliers_invited"] is None and row["responding_revenue_pct_of_spend"] is None


def test_counts_are_whole_numbers(tmp_path: Path) -> None:
    header = SHORT_HEADER + ",No. of Suppliers Invited"
    path = write_csv(tmp_path, "sme-spend-2019-20.csv", [header, 'HO,1,1,1,1,1,"1,203"', "CO,1,1,1,1,1,12.5"])
    result = load(path)
    assert staged(result)["suppliers_invited"].to_list() == [1203]
    assert staged(result).schema["suppliers_invited"] == pl.Int64
    assert result.rejects["reason"].to_list() == [
        "not a whole number of suppliers in column 'No. of Suppliers Invited'"
    ]


def test_counts_too_large_for_a_count_are_rejected_not_a_crash(tmp_path: Path) -> None:
    """Found by hypothesis: '1e400' (infinity) and '1e30' used to stop the build converting to an integer."""
    header = SHORT_HEADER + ",No. of Suppliers Invited"
    path = write_csv(
        tmp_path, "sme-spend-2019-20.csv", [header, "HO,1,1,1,1,1,1e400", "CO,1,1,1,1,1,1e30", "DWP,1,1,1,1,1,7"]
    )
    result = load(path)
    assert result.rows_read == 3 and result.rows_loaded == 1 and result.rows_rejected == 2
    assert staged(result)["suppliers_invited"].to_list() == [7]
    assert result.rejects.select("line", "value", "reason").rows() == [
        (2, "1e400", "not a number in column 'No. of Suppliers Invited'"),
        (3, "1e30", "not a whole number of suppliers in column 'No. of Suppliers Invited'"),
    ]


def test_blank_rows_are_skipped_not_counted(tmp_path: Path) -> None:
    path = simple_file(tmp_path, ["HO,100,15.9,15.9,30,30", ",,,,,", "", "CO,50,5,10,10,20"])
    result = load(path)
    assert result.rows_read == 2 and result.rows_loaded == 2
    assert staged(result)["source_line"].to_list() == [2, 5]
    assert any("2 empty rows" in note for note in result.notes)


def test_older_column_name_is_noted(tmp_path: Path) -> None:
    header = SHORT_HEADER + ",Responding Suppliers Reported Spend (£m)"
    result = load(write_csv(tmp_path, "sme-spend-2014-15.csv", [header, "HO,100,10,10,20,20,55"]))
    assert staged(result)["supplier_reported_revenue_m"].to_list() == [55.0]
    assert any("Reported Spend" in note and "supplier_reported_revenue_m" in note for note in result.notes)


# --- row rules: each reject names its reason ----------------------------------------------------------------------


def test_unknown_department_code_is_rejected_naming_the_code(tmp_path: Path) -> None:
    result = load(simple_file(tmp_path, ["HO,100,15.9,15.9,30,30", "XYZ,10,1,10,2,20"]))
    assert result.rows_loaded == 1
    reject = result.rejects.row(0, named=True)
    assert reject["reason"] == "unknown department code 'XYZ'"
    assert (reject["line"], reject["column_name"], reject["value"]) == (3, "Department", "XYZ")


def test_non_numeric_amount_is_rejected_naming_the_column(tmp_path: Path) -> None:
    result = load(simple_file(tmp_path, ["HO,100,fifteen,15.9,30,30"]))
    reject = result.rejects.row(0, named=True)
    assert reject["reason"] == "not a number in column 'Direct Spend with SMEs (£m)'"
    assert reject["column_name"] == "Direct Spend with SMEs (£m)" and reject["value"] == "fifteen"


def test_percentage_outside_0_to_100_is_rejected(tmp_path: Path) -> None:
    result = load(simple_file(tmp_path, ["HO,100,15.9,15.9,30,130%", "CO,100,5,-5,30,30"]))
    assert result.rows_loaded == 0
    assert result.rejects["reason"].to_list() == [
        "percentage outside 0..100 in column 'Total Spend with SMEs as %'",
        "percentage outside 0..100 in column 'Direct Spend with SMEs as %'",
    ]


def test_missing_department_is_rejected(tmp_path: Path) -> None:
    result = load(simple_file(tmp_path, [",100,15.9,15.9,30,30"]))
    assert result.rejects["reason"].to_list() == ["missing Department"]


def test_duplicate_department_within_a_file_is_rejected(tmp_path: Path) -> None:
    result = load(simple_file(tmp_path, ["DfE,100,36.3,36.3,40,40", "HO,1,1,1,1,1", "DFE,90,30,33.3,40,44.4"]))
    assert staged(result)["department_code"].to_list() == ["DfE", "HO"]
    reject = result.rejects.row(0, named=True)
    assert reject["line"] == 4
    assert reject["reason"] == "duplicate department 'DFE' within the file (first at line 2)"


def test_second_total_row_is_a_duplicate(tmp_path: Path) -> None:
    result = load(simple_file(tmp_path, ["HO,1,1,1,1,1", "Total,1,1,1,1,1", "Grand Total,1,1,1,1,1"]))
    assert result.rejects["reason"].to_list() == [
        "duplicate department 'Grand Total' within the file (first at line 3)"
    ]


def test_repeated_header_is_rejected(tmp_path: Path) -> None:
    result = load(simple_file(tmp_path, ["HO,1,1,1,1,1", SHORT_HEADER, "CO,1,1,1,1,1"]))
    assert result.rows_loaded == 2
    assert result.rejects["reason"].to_list() == ["repeated header row inside the data"]


def test_row_with_more_fields_than_the_header_is_rejected(tmp_path: Path) -> None:
    result = load(simple_file(tmp_path, ["HO,1,1,1,1,1,surplus"]))
    assert result.rejects["reason"].to_list() == ["row has more fields than the header"]


def test_rejected_rows_keep_file_line_column_value(tmp_path: Path) -> None:
    result = load(simple_file(tmp_path, ["HO,1,1.2.3,1,1,1"]))
    assert result.rejects.columns == ["file_name", "source", "format", "line", "column_name", "value", "reason"]
    assert result.rejects.row(0) == (
        "sme-spend-2019-20.csv",
        "sme_spend",
        FORMAT.id,
        2,
        "Direct Spend with SMEs (£m)",
        "1.2.3",
        "not a number in column 'Direct Spend with SMEs (£m)'",
    )


# --- departments, row types, totals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "year", "expected"),
    [
        ("DCLG", "2014/15", ("department", "DCLG")),
        ("MHCLG", "2019/20", ("department", "MHCLG2018")),
        ("MHCLG", "2017/18", ("department", "MHCLG2018")),  # renamed in January 2018, published afterwards
        ("DCMS", "2014/15", ("department", "DCMS_1997")),
        ("DfID", "2019/20", ("department", "DFID")),
        ("Other", "2019/20", ("other", None)),
        ("Grand Total", "2019/20", ("total", None)),
        ("Central Government Total", "2016/17", ("total", None)),
        ("Narnia Office", "2019/20", (None, None)),
    ],
)
def test_classify_department(code: str, year: str, expected: tuple[str | None, str | None]) -> None:
    assert classify_department(code, year) == expected


def test_note_says_departments_sum_to_total(tmp_path: Path) -> None:
    rows = ["HO,100.4,10.2,10.2,30.1,30.0", "Other,50.3,5.1,10.1,10.0,19.9", "Total,150.7,15.3,10.2,40.1,26.6"]
    result = load(simple_file(tmp_path, rows))
    note = result.notes[-1]
    assert note.startswith("department rows sum to the published total row (line 4) within rounding")
    assert "total_sme_spend_m" in note


def test_note_says_when_departments_do_not_sum_to_total(tmp_path: Path) -> None:
    rows = ["HO,100,10,10,30,30", "CO,50,5,10,10,20", "Total,150,25,16.7,40,26.7"]
    result = load(simple_file(tmp_path, rows))
    assert result.rows_rejected == 0
    assert "do NOT sum" in result.notes[-1]
    assert "direct_sme_spend_m rows sum to 15.0 vs total 25.0 (difference -10.0)" in result.notes[-1]


# --- build: fact, superseded years, mart ---------------------------------------------------------------------------


def staging_rows(rows: list[dict]) -> pl.DataFrame:
    """Staging rows with every measure null unless given."""
    base = {name: None for name in STAGING_SCHEMA}
    return pl.DataFrame([{**base, **row} for row in rows], schema=STAGING_SCHEMA)


def stg_row(year: str, code: str, dep: str | None, kind: str, spend: float, direct: float, total: float, **kw) -> dict:
    return {
        "financial_year": year,
        "department_code": code,
        "department_id": dep,
        "row_type": kind,
        "total_procurement_spend_m": spend,
        "direct_sme_spend_m": direct,
        "total_sme_spend_m": total,
        "source_file": kw.pop("file", f"sme-{year[:4]}.csv"),
        "source_line": kw.pop("line", 2),
        **kw,
    }


def test_build_with_no_files_returns_typed_empty_tables() -> None:
    out = build_sme_spend({})
    assert set(out) == {t.name for t in TABLES}
    for table in TABLES:
        assert out[table.name].height == 0
        assert out[table.name].schema == pl.Schema(table.polars_schema)


def test_build_puts_dclg_and_mhclg_on_one_trend_line() -> None:
    stg = staging_rows(
        [
            stg_row("2014/15", "DCLG", "DCLG", "department", 300, 60, 100),
            stg_row("2019/20", "MHCLG", "MHCLG2018", "department", 350, 83, 150),
            stg_row("2019/20", "Other", None, "other", 10, 1, 2, line=3),
            stg_row("2019/20", "Total", None, "total", 360, 84, 152, line=4),
        ]
    )
    fact = build_sme_spend({STAGING_TABLE: stg})[FACT_TABLE]
    departments = fact.filter(pl.col("row_type") == "department")
    assert departments["lineage_id"].to_list() == ["MHCLG", "MHCLG"]
    assert departments["series_id"].unique().to_list() == ["MHCLG"]
    assert departments["department_name"].to_list() == [
        "Department for Communities and Local Government",
        "Ministry of Housing, Communities and Local Government",
    ]
    others = fact.filter(pl.col("row_type") != "department")
    assert others["series_id"].to_list() == ["OTHER", "TOTAL"]
    assert others["lineage_id"].to_list() == [None, None]
    assert fact["fy_start_year"].to_list() == [2014, 2019, 2019, 2019]


def test_build_keeps_the_later_file_when_a_year_is_published_twice() -> None:
    first = [
        stg_row("2019/20", "HO", "HO", "department", 100, 10, 30, file="a.csv"),
        stg_row("2019/20", "CO", "CO", "department", 100, 10, 30, file="a.csv", line=3),
    ]
    revised = [stg_row("2019/20", "HO", "HO", "department", 101, 11, 31, file="a-revised.csv")]
    other_year = [stg_row("2018/19", "HO", "HO", "department", 90, 9, 27, file="b.csv")]
    out = build_sme_spend({STAGING_TABLE: staging_rows(first + other_year + revised)})
    fact = out[FACT_TABLE]
    assert fact.filter(pl.col("financial_year") == "2019/20")["source_file"].to_list() == ["a-revised.csv"]
    assert fact.filter(pl.col("financial_year") == "2019/20")["total_procurement_spend_m"].to_list() == [101.0]
    assert fact.filter(pl.col("financial_year") == "2018/19").height == 1
    assert out[SUPERSEDED_TABLE].rows() == [("2019/20", "a-revised.csv", "a.csv", 2)]


def mart_of(rows: list[dict]) -> pl.DataFrame:
    return build_sme_spend({STAGING_TABLE: staging_rows(rows)})[MART_TABLE]


def test_mart_uses_published_pct_and_recomputes_missing_ones() -> None:
    mart = mart_of(
        [
            stg_row("2019/20", "HO", "HO", "department", 200, 31.8, 60, direct_sme_pct=15.9, total_sme_pct=30.0),
            stg_row("2019/20", "CO", "CO", "department", 300, 27.9, 63, line=3, indirect_sme_spend_m=35.1),
        ]
    )
    ho = mart.filter(pl.col("department_code") == "HO").row(0, named=True)
    co = mart.filter(pl.col("department_code") == "CO").row(0, named=True)
    assert (ho["direct_pct"], ho["total_pct"], ho["indirect_pct"]) == (15.9, 30.0, None)
    assert ho["pct_recomputed"] is None
    assert (co["direct_pct"], co["indirect_pct"], co["total_pct"]) == (9.3, 11.7, 21.0)
    assert co["pct_recomputed"] == "direct,indirect,total"


def test_mart_total_pct_falls_back_to_direct_plus_indirect() -> None:
    row = stg_row("2019/20", "HO", "HO", "department", 200, 20, None, indirect_sme_pct=12.5)
    mart = mart_of([{**row, "total_sme_spend_m": None}])
    assert mart.row(0, named=True)["total_pct"] == 22.5
    assert mart.row(0, named=True)["pct_recomputed"] == "direct,total"


def test_mart_gap_aspiration_and_rank_departments_only() -> None:
    mart = mart_of(
        [
            stg_row("2019/20", "DCMS", "DDCMS", "department", 300, 132, 175, total_sme_pct=58.3),
            stg_row("2019/20", "MOD", "MOD", "department", 20000, 1020, 4700, line=3, total_sme_pct=23.5),
            stg_row("2019/20", "DfE", "DFE", "department", 900, 327, 525, line=4, total_sme_pct=58.3),
            stg_row("2019/20", "Other", None, "other", 100, 50, 90, line=5, total_sme_pct=90.0),
            stg_row("2019/20", "Total", None, "total", 21300, 1529, 5490, line=6, total_sme_pct=25.8),
        ]
    )
    assert "Other" not in mart["department_code"].to_list()
    by_code = {r["department_code"]: r for r in mart.iter_rows(named=True)}
    assert by_code["DCMS"]["rank_in_year"] == 1 and by_code["DfE"]["rank_in_year"] == 1
    assert by_code["MOD"]["rank_in_year"] == 3
    assert by_code["Total"]["rank_in_year"] is None
    assert by_code["Total"]["aspiration_pct"] == SME_ASPIRATION_PCT
    assert by_code["Total"]["gap_pp"] == pytest.approx(25.8 - SME_ASPIRATION_PCT)
    assert by_code["DCMS"]["meets_aspiration"] is True and by_code["MOD"]["meets_aspiration"] is False


def test_mart_unknown_total_pct_leaves_gap_and_flag_null() -> None:
    row = stg_row("2019/20", "HO", "HO", "department", 0, 0, None)
    mart = sme_share_mart(build_sme_spend({STAGING_TABLE: staging_rows([row])})[FACT_TABLE])
    assert mart.row(0, named=True)["total_pct"] is None
    assert mart.row(0, named=True)["meets_aspiration"] is None and mart.row(0, named=True)["rank_in_year"] is None


# --- the sample ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_loads(tmp_path_factory: pytest.TempPathFactory) -> list[FileLoad]:
    folder = tmp_path_factory.mktemp("sample")
    return [load(path) for path in write_sample(folder)]


@pytest.fixture(scope="module")
def sample_tables(sample_loads: list[FileLoad]) -> dict[str, pl.DataFrame]:
    stg = pl.concat([staged(result) for result in sample_loads])
    return build_sme_spend({STAGING_TABLE: stg})


def test_sample_is_deterministic(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in write_sample(tmp_path / "a", seed=7)]
    again = [p.read_bytes() for p in write_sample(tmp_path / "b", seed=7)]
    other = [p.read_bytes() for p in write_sample(tmp_path / "c", seed=8)]
    assert first == again
    assert first != other


def test_sample_has_one_file_per_year_with_the_publishers_quirks(tmp_path: Path) -> None:
    paths = write_sample(tmp_path)
    assert [p.name for p in paths] == [f"sme-spend-{y}-{(y + 1) % 100:02d}.csv" for y in range(2013, 2022)]
    assert all(p.parent.name == "sme-spend" for p in paths)
    raw = [p.read_bytes() for p in paths]
    assert any(b"\xa3" in data for data in raw)  # Windows-1252 pound signs
    assert any(data.startswith(b"\xef\xbb\xbf") for data in raw)  # UTF-8 BOM
    assert any(b"\r\n" in data for data in raw) and any(b"\r\n" not in data for data in raw)
    assert any(b"Reported Spend (" in data for data in raw) and any(b"Reported Revenues (" in data for data in raw)
    assert any(b"n/a" in data for data in raw) and any(b",-," in data for data in raw)
    assert all(FORMAT.matches(read_head(p)) for p in paths)


def test_sample_loads_with_zero_rejects_and_reconciles(sample_loads: list[FileLoad]) -> None:
    assert len(sample_loads) == 9
    for result in sample_loads:
        assert result.rows_rejected == 0, result.rejects
        assert result.rows_read == result.rows_loaded > 15
        assert result.notes[-1].startswith("department rows sum to the published total row"), result.notes[-1]
    years = [r.period for r in sample_loads]
    assert years == [f"{y}/{(y + 1) % 100:02d}" for y in range(2013, 2022)]
    sources = {n.split(" taken from the ")[-1] for r in sample_loads for n in r.notes if "taken from" in n}
    assert sources == {"banner", "file name"}


def test_sample_matches_published_2014_15_facts(sample_tables: dict[str, pl.DataFrame]) -> None:
    total = sample_tables[MART_TABLE].filter((pl.col("financial_year") == "2014/15") & (pl.col("row_type") == "total"))
    row = total.row(0, named=True)
    assert row["direct_pct"] == pytest.approx(10.9, abs=0.1)
    assert row["indirect_pct"] == pytest.approx(16.2, abs=0.1)
    assert row["total_pct"] == pytest.approx(27.1, abs=0.1)
    assert 100 * row["total_sme_spend_m"] / row["total_procurement_spend_m"] == pytest.approx(27.1, abs=0.1)
    assert round(row["total_sme_spend_m"] / 1000, 1) == 12.1
    assert round(row["total_procurement_spend_m"] / 1000) == 45


DIRECT_PCT_2019 = {
    "DDCMS": 44.1, "DFE": 36.3, "DIT": 36.0, "BEIS": 28.6, "MOJ": 26.6, "MHCLG2018": 23.7, "DHSC": 18.5,
    "DEFRA": 18.3, "HO": 15.9, "DFID": 15.5, "HMT": 13.8, "DFT": 9.8, "CO": 9.3, "HMRC": 8.9, "MOD": 5.1,
    "FCO": 5.0, "DWP": 3.5,
}  # fmt: skip


def test_sample_matches_published_2019_20_facts(sample_tables: dict[str, pl.DataFrame]) -> None:
    mart = sample_tables[MART_TABLE].filter(pl.col("financial_year") == "2019/20")
    total = mart.filter(pl.col("row_type") == "total").row(0, named=True)
    assert total["total_sme_spend_m"] == pytest.approx(15540, abs=5)
    assert total["total_procurement_spend_m"] == pytest.approx(58240, abs=5)
    assert total["total_pct"] == pytest.approx(26.7, abs=0.1)
    assert total["direct_pct"] == pytest.approx(11.3, abs=0.1)
    assert 100 * total["direct_sme_spend_m"] / total["total_procurement_spend_m"] == pytest.approx(11.3, abs=0.1)
    departments = mart.filter(pl.col("row_type") == "department")
    direct = dict(zip(departments["department_id"], departments["direct_pct"], strict=True))
    assert direct.keys() == DIRECT_PCT_2019.keys()
    for department, pct in DIRECT_PCT_2019.items():
        assert direct[department] == pytest.approx(pct, abs=0.1), department
        row = departments.filter(pl.col("department_id") == department).row(0, named=True)
        recomputed = 100 * row["direct_sme_spend_m"] / row["total_procurement_spend_m"]
        assert recomputed == pytest.approx(pct, abs=0.1), department


def test_sample_uses_the_department_codes_of_each_year(sample_tables: dict[str, pl.DataFrame]) -> None:
    fact = sample_tables[FACT_TABLE]
    codes = {
        y: set(fact.filter(pl.col("financial_year") == y)["department_code"].str.to_uppercase())
        for y in ("2014/15", "2019/20", "2021/22")
    }
    assert {"DCLG", "BIS", "DECC", "DH"} <= codes["2014/15"] and "DIT" not in codes["2014/15"]
    assert {"MHCLG", "BEIS", "DHSC", "DIT", "FCO", "DFID"} <= codes["2019/20"]
    assert {"DLUHC", "FCDO"} <= codes["2021/22"] and "FCO" not in codes["2021/22"]
    mhclg = fact.filter(pl.col("lineage_id") == "MHCLG")
    assert mhclg.height == 9 and mhclg["series_id"].unique().to_list() == ["MHCLG"]


def test_sample_tables_meet_their_schemas(sample_tables: dict[str, pl.DataFrame]) -> None:
    for table in TABLES:
        frame = sample_tables[table.name]
        assert frame.columns == table.column_names
        if frame.height:
            assert frame.select(table.key).is_duplicated().sum() == 0, table.name
        for column in table.columns:
            series = frame[column.name]
            if not column.nullable:
                assert series.null_count() == 0, (table.name, column.name)
            if column.min is not None and series.drop_nulls().len():
                assert series.min() >= column.min, (table.name, column.name)
            if column.max is not None and series.drop_nulls().len():
                assert series.max() <= column.max, (table.name, column.name)
            if column.allowed is not None:
                assert set(series.drop_nulls()) <= set(column.allowed), (table.name, column.name)
    assert sample_tables[FACT_TABLE].height == 9 * 19 - 2  # FCO and DfID merge into FCDO from 2020/21
    assert sample_tables[SUPERSEDED_TABLE].height == 0


# --- real files (only when the shared data folder is present) -----------------------------------------------------


def test_real_sme_files_load_and_reconcile() -> None:
    if not REAL_SME_DIR.is_dir():
        pytest.skip(f"no real SME spend files: {REAL_SME_DIR} is absent (none published in shared/data yet)")
    paths = sorted(REAL_SME_DIR.glob("*.csv"))
    assert paths, f"{REAL_SME_DIR} holds no CSV"
    for path in paths:
        assert FORMAT.matches(read_head(path)), path.name
        result = load(path)
        assert result.rows_loaded > 0, path.name


def test_format_matches_no_other_real_file() -> None:
    if not REAL_DIR.is_dir():
        pytest.skip(f"real data folder {REAL_DIR} is absent (fresh clone)")
    others = [p for p in REAL_DIR.rglob("*.csv") if "sme-spend" not in p.parts]
    if not others:
        pytest.skip("no other publishers' CSVs in the shared data folder")
    matched = [p.name for p in others if FORMAT.matches(read_head(p))]
    assert matched == []
