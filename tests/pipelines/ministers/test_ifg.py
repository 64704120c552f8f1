"""IfG Ministers Database: recognising and loading the eleven tables, and building the appointment fact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.config import ROOT
from pipelines.core.loading import FileLoad
from pipelines.core.textio import UnreadableFileError, read_head
from pipelines.ministers.ifg import FORMATS, IFG_TABLES, TABLES_BY_NAME, staging_schema
from pipelines.ministers.sample import IFG_FOLDER, write_sample
from pipelines.ministers.tables import (
    DIM_DEPARTMENT,
    FACT,
    GOVUK_MINISTERIAL_DEPARTMENTS,
    NOT_MINISTERIAL_DEPARTMENTS,
    TABLES,
    build_ministers,
    current_person_names,
)
from pipelines.warehouse import validate
from pipelines.warehouse.formats import detect

REAL_DIR = ROOT.parent / "shared" / "data" / "ifg-ministers-database"
NO_OVERRIDES = pl.DataFrame(
    schema={"post_name": pl.String, "department": pl.String, "is_digital": pl.Boolean, "evidence": pl.String}
)

APPOINTMENT_HEADER = "id,person_id,post_id,start_date,end_date"


def write(tmp_path: Path, name: str, lines: list[str], newline: str = "\r\n", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


def my_matches(path: Path) -> list[str]:
    head = read_head(path)
    return [f.id for f in FORMATS if f.matches(head)]


def load(path: Path, tmp_path: Path) -> FileLoad:
    head = read_head(path)
    [fmt] = [f for f in FORMATS if f.matches(head)]
    result = fmt.load(path, head, tmp_path / "work")
    result.check_reconciles()
    return result


def staged(result: FileLoad) -> pl.DataFrame:
    [frame] = result.tables.values()
    return frame if isinstance(frame, pl.DataFrame) else frame.collect()


# --- recognition --------------------------------------------------------------------------------


@pytest.mark.parametrize("table", IFG_TABLES, ids=lambda t: t.name)
def test_each_table_is_recognised_by_its_exact_header_only(tmp_path: Path, table) -> None:
    path = write(tmp_path, "any_name.csv", [",".join(table.columns)])
    assert my_matches(path) == [table.format_id]


def test_header_matching_ignores_case_and_spaces(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", [" ID , Person_ID,post_id ,START_DATE,end_date "])
    assert my_matches(path) == ["ifg_appointment"]


@pytest.mark.parametrize(
    "header",
    [
        "id,name,date",  # generic: only event's exact header is accepted
        "id,name,type,date,notes",
        "Framework,Lot,Supplier,Customer,For_Month,Product_Service_Description,Total_Charge",
        "id,person_id,post_id,start_date,end_date,organisation",  # a column no IfG table has
    ],
)
def test_other_headers_are_not_recognised(tmp_path: Path, header: str) -> None:
    assert my_matches(write(tmp_path, "other.csv", [header])) == []


def test_empty_file_is_not_recognised(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert my_matches(path) == []


# --- loading ------------------------------------------------------------------------------------


def test_appointment_rows_are_typed_with_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "appointment.csv",
        [APPOINTMENT_HEADER, "a1,p1,post1,2019-07-24,2020-02-13", "a2,p2,post2,2025-09-05,"],
    )
    result = load(path, tmp_path)
    frame = staged(result)
    assert result.rows_read == 2 and result.rows_loaded == 2 and result.rejects.is_empty()
    assert frame.schema == staging_schema(TABLES_BY_NAME["appointment"])
    assert frame["start_date"].to_list() == [dt.date(2019, 7, 24), dt.date(2025, 9, 5)]
    assert frame["end_date"].to_list() == [dt.date(2020, 2, 13), None]
    assert frame["source_line"].to_list() == [2, 3]
    assert frame["source_file"].to_list() == ["appointment.csv"] * 2
    assert result.period == "2019-07-24 .. 2025-09-05"
    assert "CRLF" in result.notes[0]


def test_bad_date_is_rejected_with_reason(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", [APPOINTMENT_HEADER, "a1,p1,post1,2019-13-01,", "a2,p2,post2,2020-01-01,"])
    result = load(path, tmp_path)
    assert result.rows_loaded == 1
    reject = result.rejects.row(0, named=True)
    assert (reject["line"], reject["column_name"], reject["value"]) == (2, "start_date", "2019-13-01")
    assert reject["reason"] == "not a date (expected YYYY-MM-DD)"


def test_end_before_start_is_kept_with_a_warning_and_an_unknown_end(tmp_path: Path) -> None:
    # A source error (IfG has two current Treasury appointments like this): rejecting the row would remove a
    # serving minister, so the row is kept, its end date treated as unknown, and the warning says what was written.
    path = write(
        tmp_path,
        "a.csv",
        [APPOINTMENT_HEADER, "a1,p1,post1,2025-09-06,2025-05-14", "a2,p2,post2,2020-01-01,2021-01-01"],
    )
    result = load(path, tmp_path)
    frame = staged(result)
    assert result.rows_loaded == 2 and result.rejects.is_empty()
    assert frame["end_date"].to_list() == [None, dt.date(2021, 1, 1)]
    assert frame["source_warning"].to_list() == [
        "end_date 2025-05-14 is before start_date 2025-09-06 as published: kept, end date treated as unknown",
        None,
    ]


def test_missing_required_value_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", [APPOINTMENT_HEADER, "a1,,post1,2020-01-01,"])
    result = load(path, tmp_path)
    assert result.rejects.select("column_name", "reason").row(0) == ("person_id", "missing person_id")


def test_missing_column_raises_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", ["id,person_id,post_id,start_date", "a1,p1,post1,2020-01-01"])
    with pytest.raises(UnreadableFileError) as err:
        load(path, tmp_path)
    assert err.value.column == "end_date" and err.value.line == 1
    assert "a.csv" in str(err.value)


def test_repeated_header_row_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", [APPOINTMENT_HEADER, "a1,p1,post1,2020-01-01,", APPOINTMENT_HEADER])
    result = load(path, tmp_path)
    assert result.rows_read == 2 and result.rows_loaded == 1
    assert result.rejects.select("line", "reason").row(0) == (3, "repeated header row inside the data")


def test_row_with_extra_fields_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", [APPOINTMENT_HEADER, "a1,p1,post1,2020-01-01,,surplus"])
    result = load(path, tmp_path)
    assert result.rejects["reason"].to_list() == ["row has more fields than the header"]


def test_header_only_file_loads_zero_rows(tmp_path: Path) -> None:
    result = load(write(tmp_path, "a.csv", [APPOINTMENT_HEADER]), tmp_path)
    assert (result.rows_read, result.rows_loaded, result.rejects.height) == (0, 0, 0)
    assert staged(result).schema == staging_schema(TABLES_BY_NAME["appointment"])


def test_repeated_appointment_id_is_rejected_but_person_ids_may_repeat(tmp_path: Path) -> None:
    appointments = write(tmp_path, "a.csv", [APPOINTMENT_HEADER, "a1,p1,post1,2020-01-01,", "a1,p1,post1,2021-01-01,"])
    assert load(appointments, tmp_path).rejects["reason"].to_list() == ["id repeats an earlier row"]
    people = write(
        tmp_path,
        "p.csv",
        [
            ",".join(TABLES_BY_NAME["person"].columns),
            "p1,500.0,,Lord Mandeville,Lord Mandeville,Lord Mandeville,Mandeville,M,2008-10-03,",
            "p1,500.0,,Peter Mandeville,Peter Mandeville,Peter Mandeville,Mandeville,M,,2008-10-03",
        ],
    )
    result = load(people, tmp_path)
    assert result.rows_loaded == 2
    assert staged(result)["id_parliament"].to_list() == [500, 500]


def test_flags_must_be_true_or_false(tmp_path: Path) -> None:
    header = ",".join(TABLES_BY_NAME["appointment_characteristics"].columns)
    path = write(
        tmp_path,
        "c.csv",
        [header, "c1,a1,Full cabinet,False,False,,2020-01-01,", "c2,a2,Non-cabinet,maybe,False,,2020-01-01,"],
    )
    result = load(path, tmp_path)
    assert staged(result)["is_acting"].to_list() == [False]
    assert result.rejects.select("line", "column_name", "reason").row(0) == (3, "is_acting", "not True or False")


def test_whole_numbers_accept_a_trailing_point_zero(tmp_path: Path) -> None:
    header = ",".join(TABLES_BY_NAME["post"].columns)
    path = write(
        tmp_path,
        "post.csv",
        [header, "s1,152.0,o1,Secretary of State for Wales,Secretary of State for Wales,SoS,3", "s2,,o1,X,X,MoS,4.5"],
    )
    result = load(path, tmp_path)
    frame = staged(result)
    assert frame.select("id_ifg_website", "rank_equivalence_value").row(0) == (152, 3)
    assert result.rejects.select("column_name", "reason").row(0) == ("rank_equivalence_value", "not a whole number")


def test_reference_tables_are_staged_as_published_text(tmp_path: Path) -> None:
    header = ",".join(TABLES_BY_NAME["representation"].columns)
    path = write(tmp_path, "r.csv", [header, "r1,p1,Lords,Life peer,,2010-06-24,"], newline="\n")
    frame = staged(load(path, tmp_path))
    assert frame.row(0, named=True) == {
        "id": "r1",
        "person_id": "p1",
        "house": "Lords",
        "type": "Life peer",
        "constituency_id": None,
        "start_date": "2010-06-24",
        "end_date": None,
        "source_file": "r.csv",
        "source_line": 2,
    }


def test_windows_1252_with_cr_line_endings_is_decoded(tmp_path: Path) -> None:
    header = ",".join(TABLES_BY_NAME["organisation"].columns)
    path = write(tmp_path, "o.csv", [header, "o1,Swyddfa Cymru – Wales Office,Wal,,"], newline="\r", encoding="cp1252")
    result = load(path, tmp_path)
    assert staged(result)["name"].to_list() == ["Swyddfa Cymru – Wales Office"]
    assert "windows-1252" in result.notes[0]


# --- the sample -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    write_sample(out)
    return out


def test_sample_is_deterministic(sample_dir: Path, tmp_path: Path) -> None:
    again = write_sample(tmp_path, seed=2026)
    for path in again:
        assert path.read_bytes() == (sample_dir / path.relative_to(tmp_path)).read_bytes()
    other = write_sample(tmp_path / "other", seed=7)
    assert other[0].read_bytes() != again[0].read_bytes()


def test_sample_tables_load_with_zero_rejects(sample_dir: Path) -> None:
    files = sorted((sample_dir / IFG_FOLDER).glob("*.csv"))
    assert {p.stem for p in files} == set(TABLES_BY_NAME)
    for path in files:
        head = read_head(path)
        formats = detect(head)  # every registered format: exactly one must claim the file
        assert [f.id for f in formats] == [f"ifg_{path.stem}"], path.name
        result = formats[0].load(path, head, sample_dir / "work")
        result.check_reconciles()
        assert result.rejects.is_empty(), (path.name, result.rejects)
        assert result.rows_loaded > 0


def test_sample_uses_the_real_line_endings(sample_dir: Path) -> None:
    folder = sample_dir / IFG_FOLDER
    assert b"\r\n" in (folder / "appointment.csv").read_bytes()
    assert b"\r" not in (folder / "organisation_link.csv").read_bytes()
    assert b"\r" not in (folder / "post_relationship.csv").read_bytes()


def _sample_staging(sample_dir: Path) -> dict[str, pl.DataFrame]:
    stg: dict[str, list[pl.DataFrame]] = {}
    for path in sorted((sample_dir / IFG_FOLDER).glob("*.csv")):
        result = load(path, sample_dir)
        for name, frame in result.tables.items():
            stg.setdefault(name, []).append(staged(result) if isinstance(frame, pl.LazyFrame) else frame)
    return {k: pl.concat(v) for k, v in stg.items()}


def _schema_problems(tables: dict[str, pl.DataFrame]) -> list[str]:
    con = duckdb.connect()
    for table in TABLES:
        frame = tables[table.name]  # noqa: F841 - read by DuckDB's replacement scan
        cols = ", ".join(f'"{c.name}" {c.type}' for c in table.columns)
        con.sql(f'CREATE TABLE "{table.name}" ({cols})')
        con.sql(f'INSERT INTO "{table.name}" SELECT * FROM frame')  # noqa: S608 - schema names only
    return validate.validate(con, TABLES)


def test_sample_fact_meets_its_schema(sample_dir: Path) -> None:
    tables = build_ministers(_sample_staging(sample_dir), overrides=NO_OVERRIDES)
    assert _schema_problems(tables) == []
    fact = tables[FACT.name]
    assert fact.height > 400 and fact["person_id"].n_unique() >= 140
    # Renames reach the fact: DCMS appointments sit in three departments of one lineage.
    dcms = fact.filter(pl.col("lineage_id") == "DCMS")["department_id"].unique().sort().to_list()
    assert dcms == ["DCMS", "DCMS_1997", "DDCMS"]
    assert fact.filter(pl.col("department_id") == "DSIT")["is_digital"].any()
    assert not fact.filter(pl.col("department_id") == "DWP")["is_digital"].any()
    # The sample reproduces the real source error: kept, in post, with the warning.
    warned = fact.filter(pl.col("source_warning").is_not_null())
    assert warned["post_name"].to_list() == ["Chief Secretary to the Treasury"]
    assert warned["end_date"].to_list() == [None]


# --- building the fact from small staging frames ---------------------------------------------------


def stg(name: str, rows: list[dict]) -> pl.DataFrame:
    schema = staging_schema(TABLES_BY_NAME[name])
    full = [
        {c: None for c in schema} | {"source_file": f"{name}.csv", "source_line": i + 2} | r for i, r in enumerate(rows)
    ]
    return pl.DataFrame(full, schema=schema)


D = dt.date.fromisoformat


def small_staging() -> dict[str, pl.DataFrame]:
    return {
        "stg_ifg_organisation": stg(
            "organisation",
            [
                {
                    "id": "o_dcms97",
                    "name": "Department for Culture, Media and Sport",
                    "short_name": "DCMS",
                    "start_date": D("1997-05-03"),
                    "end_date": D("2017-07-03"),
                },
                {
                    "id": "o_ddcms",
                    "name": "Department for Digital, Culture, Media and Sport",
                    "short_name": "DCMS",
                    "start_date": D("2017-07-03"),
                    "end_date": D("2023-02-07"),
                },
                {
                    "id": "o_dss",
                    "name": "Department of Social Security",
                    "short_name": "DSS",
                    "start_date": D("1988-07-25"),
                    "end_date": D("2001-06-11"),
                },
                {
                    "id": "o_dwp",
                    "name": "Department for Work and Pensions",
                    "short_name": "DWP",
                    "start_date": D("2001-06-08"),
                },
                {
                    "id": "o_dpm1",
                    "name": "Deputy Prime Minister's Office",
                    "short_name": "DPM",
                    "start_date": D("2002-05-29"),
                    "end_date": D("2007-06-28"),
                },
                {
                    "id": "o_dpm2",
                    "name": "Deputy Prime Minister's Office",
                    "short_name": "DPM",
                    "start_date": D("2010-05-11"),
                    "end_date": D("2015-05-08"),
                },
            ],
        ),  # fmt: skip
        "stg_ifg_organisation_link": stg(
            "organisation_link",
            [
                {
                    "id": "l1",
                    "predecessor_organisation_id": "o_dss",
                    "successor_organisation_id": "o_dwp",
                    "type": "Name change",
                    "link_start_date": D("2001-06-08"),
                    "link_end_date": D("2001-06-11"),
                }
            ],
        ),  # fmt: skip
        "stg_ifg_post": stg(
            "post",
            [
                {
                    "id": "s_sos",
                    "organisation_id": "o_dcms97",
                    "name": "Secretary of State for Culture, Media and Sport",
                    "rank_equivalence": "SoS",
                    "rank_equivalence_value": 3,
                },
                {
                    "id": "s_dig",
                    "organisation_id": "o_ddcms",
                    "name": "Minister for Digital and the Creative Industries",
                    "rank_equivalence": "MoS",
                    "rank_equivalence_value": 4,
                },
                {
                    "id": "s_dss",
                    "organisation_id": "o_dss",
                    "name": "Secretary of State for Social Security",
                    "rank_equivalence": "SoS",
                    "rank_equivalence_value": 3,
                },
                {
                    "id": "s_dpm1",
                    "organisation_id": "o_dpm1",
                    "name": "Minister of State",
                    "rank_equivalence": "MoS",
                    "rank_equivalence_value": 4,
                },
                {
                    "id": "s_dpm2",
                    "organisation_id": "o_dpm2",
                    "name": "Minister of State",
                    "rank_equivalence": "MoS",
                    "rank_equivalence_value": 4,
                },
            ],
        ),  # fmt: skip
        "stg_ifg_person": stg(
            "person",
            [
                {
                    "id": "p1",
                    "name": "Lord Ashworth of Kendal",
                    "short_name": "Ashworth",
                    "start_date": D("2016-01-01"),
                },
                {"id": "p1", "name": "Helen Ashworth", "short_name": "Ashworth", "end_date": D("2016-01-01")},
                {"id": "p2", "name": "Rhys Pendleton", "short_name": "Pendleton"},
            ],
        ),
        "stg_ifg_appointment": stg(
            "appointment",
            [
                {
                    "id": "a1",
                    "person_id": "p1",
                    "post_id": "s_sos",
                    "start_date": D("2014-07-15"),
                    "end_date": D("2016-07-14"),
                },
                {
                    "id": "a2",
                    "person_id": "p2",
                    "post_id": "s_dig",
                    "start_date": D("2018-01-09"),
                    "end_date": D("2019-07-24"),
                },
                {
                    "id": "a3",
                    "person_id": "p2",
                    "post_id": "s_dss",
                    "start_date": D("1997-05-02"),
                    "end_date": D("1998-07-27"),
                },
                {
                    "id": "a4",
                    "person_id": "p1",
                    "post_id": "s_dpm1",
                    "start_date": D("2003-06-13"),
                    "end_date": D("2005-05-10"),
                },
                {"id": "a5", "person_id": "p2", "post_id": "s_dpm2", "start_date": D("2012-09-04")},
            ],
        ),  # fmt: skip
        "stg_ifg_appointment_characteristics": stg(
            "appointment_characteristics",
            [
                {
                    "id": "c1",
                    "appointment_id": "a2",
                    "cabinet_status": "Non-cabinet",
                    "is_acting": True,
                    "is_on_leave": False,
                    "start_date": D("2018-01-09"),
                    "end_date": D("2018-06-01"),
                },
                {
                    "id": "c2",
                    "appointment_id": "a2",
                    "cabinet_status": "Attends cabinet",
                    "is_acting": False,
                    "is_on_leave": False,
                    "start_date": D("2018-06-01"),
                    "end_date": D("2019-07-24"),
                },
            ],
        ),  # fmt: skip
    }


@pytest.fixture(scope="module")
def small_fact() -> pl.DataFrame:
    return build_ministers(small_staging(), overrides=NO_OVERRIDES)[FACT.name]


def _row(fact: pl.DataFrame, appointment_id: str) -> dict:
    return fact.filter(pl.col("appointment_id") == appointment_id).row(0, named=True)


def test_person_name_is_the_current_name() -> None:
    names = current_person_names(small_staging()["stg_ifg_person"])
    assert dict(names.select("person_id", "person_name").iter_rows()) == {
        "p1": "Lord Ashworth of Kendal",
        "p2": "Rhys Pendleton",
    }


def test_department_is_resolved_on_the_appointment_date(small_fact: pl.DataFrame) -> None:
    sos = _row(small_fact, "a1")
    assert (sos["department_id"], sos["lineage_id"]) == ("DCMS_1997", "DCMS")
    digital = _row(small_fact, "a2")
    assert (digital["department_id"], digital["lineage_id"]) == ("DDCMS", "DCMS")
    assert digital["lineage_name"] == "Department for Culture, Media and Sport"
    assert digital["organisation_name"] == "Department for Digital, Culture, Media and Sport"


def test_unknown_organisation_gets_an_ifg_id_and_follows_renames_for_its_lineage(small_fact: pl.DataFrame) -> None:
    dss = _row(small_fact, "a3")
    assert (dss["department_id"], dss["lineage_id"]) == ("IFG:DSS", "DWP")
    assert dss["lineage_name"] == "Department for Work and Pensions"


def test_fallback_ids_are_unique_per_organisation(small_fact: pl.DataFrame) -> None:
    assert _row(small_fact, "a4")["department_id"] == "IFG:DPM_2002"
    assert _row(small_fact, "a5")["department_id"] == "IFG:DPM_2010"


def test_cabinet_status_is_the_latest_and_acting_is_ever(small_fact: pl.DataFrame) -> None:
    row = _row(small_fact, "a2")
    assert (row["cabinet_status"], row["is_acting"]) == ("Attends cabinet", True)
    assert _row(small_fact, "a1")["cabinet_status"] is None


def test_fact_carries_rank_source_and_open_end(small_fact: pl.DataFrame) -> None:
    row = _row(small_fact, "a5")
    assert (row["rank_equivalence"], row["rank_value"], row["end_date"]) == ("MoS", 4, None)
    assert row["source"] == "IfG Ministers Database (appointment.csv, line 6)"
    assert small_fact.columns == FACT.column_names


def test_department_dimension_lists_todays_departments_and_flags_ministers() -> None:
    tables = build_ministers(small_staging(), overrides=NO_OVERRIDES)
    dim = tables[DIM_DEPARTMENT.name]
    rows = {r["department_id"]: r for r in dim.iter_rows(named=True)}
    # an ongoing appointment in an organisation IfG has closed: listed, but not current
    assert (rows["IFG:DPM_2010"]["has_ministers"], rows["IFG:DPM_2010"]["is_current"]) == (True, False)
    assert rows["DSIT"]["has_ministers"] is False and rows["HMRC"]["is_current"] is True
    assert "OTHER" not in rows and "DDCMS" not in rows and "IFG:DPM_2002" not in rows


def test_whips_and_the_prime_ministers_office_are_not_ministerial_departments() -> None:
    # Issue 10 s.4: they have ministers but are not departments, so they are flagged and shown apart.
    tables = build_ministers(small_staging(), overrides=NO_OVERRIDES)
    rows = {r["department_id"]: r for r in tables[DIM_DEPARTMENT.name].iter_rows(named=True)}
    assert (
        rows["PMO"]["is_ministerial_department"] is False and "Prime Minister" in rows["PMO"]["not_department_reason"]
    )
    assert rows["HMRC"]["is_ministerial_department"] is False
    assert rows["IFG:DPM_2010"]["is_ministerial_department"] is False
    assert rows["CO"]["is_ministerial_department"] is True and rows["CO"]["not_department_reason"] is None
    fact = tables[FACT.name]
    flags = dict(fact.select("department_id", "is_ministerial_department").unique().iter_rows())
    assert flags["IFG:DPM_2010"] is False and flags["DCMS_1997"] is True  # a closed department still counts


def test_missing_staging_gives_empty_typed_tables() -> None:
    tables = build_ministers({}, overrides=NO_OVERRIDES)
    assert tables[FACT.name].is_empty() and tables[FACT.name].schema == FACT.polars_schema
    assert tables["dim_ministerial_role"].is_empty()
    assert tables[DIM_DEPARTMENT.name]["has_ministers"].sum() == 0
    assert _schema_problems(tables) == []


# --- the real files (tests only; absent on a fresh clone) -----------------------------------------

PROVENANCE_ROWS = {
    "appointment": 3667,
    "appointment_characteristics": 3711,
    "constituency": 1642,
    "event": 23,
    "organisation": 69,
    "organisation_link": 60,
    "person": 1337,
    "post": 926,
    "post_relationship": 1559,
    "representation": 4497,
    "representation_characteristics": 4685,
}


@pytest.fixture(scope="module")
def real_loads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FileLoad]:
    if not REAL_DIR.exists():
        pytest.skip(f"real IfG files not present at {REAL_DIR} (they are for tests only)")
    work = tmp_path_factory.mktemp("real")
    loads = {}
    for path in sorted(REAL_DIR.glob("*.csv")):
        head = read_head(path)
        [fmt] = detect(head)
        loads[path.stem] = fmt.load(path, head, work)
        loads[path.stem].check_reconciles()
    return loads


def test_real_row_counts_match_provenance(real_loads: dict[str, FileLoad]) -> None:
    assert {name: load.rows_read for name, load in real_loads.items()} == PROVENANCE_ROWS


def test_real_appointments_that_end_before_they_start_are_kept_with_warnings(real_loads: dict[str, FileLoad]) -> None:
    # Before: both rows (and their characteristics) were rejected, removing two serving Treasury ministers.
    assert {name: load.rejects.height for name, load in real_loads.items() if load.rejects.height} == {}
    warned = staged(real_loads["appointment"]).filter(pl.col("source_warning").is_not_null())
    assert sorted(warned["source_warning"]) == [
        "end_date 2025-05-14 is before start_date 2025-09-01 as published: kept, end date treated as unknown",
        "end_date 2025-05-14 is before start_date 2025-09-06 as published: kept, end date treated as unknown",
    ]
    assert warned["end_date"].is_null().all()
    chars = staged(real_loads["appointment_characteristics"])
    assert chars.filter(pl.col("source_warning").is_not_null()).height == 2


def test_real_examples_from_provenance(real_loads: dict[str, FileLoad]) -> None:
    post = staged(real_loads["post"]).filter(pl.col("id") == "2966f821-b949-4b12-9883-c85cd24065b0").row(0, named=True)
    assert (post["name"], post["rank_equivalence"], post["rank_equivalence_value"], post["id_ifg_website"]) == (
        "Secretary of State for Science, Innovation and Technology",
        "SoS",
        3,
        152,
    )
    appointment = staged(real_loads["appointment"]).filter(pl.col("id") == "d2d4c1ea-0216-441e-952a-713b42b5d0bb")
    assert appointment.select("start_date", "end_date").row(0) == (dt.date(2025, 9, 5), None)
    assert real_loads["appointment"].period == "1979-05-04 .. 2026-06-12"
    assert staged(real_loads["person"])["id"].n_unique() == 1149


def test_real_fact_meets_its_schema(real_loads: dict[str, FileLoad]) -> None:
    stg = {f"stg_ifg_{name}": staged(load) for name, load in real_loads.items()}
    tables = build_ministers(stg, overrides=NO_OVERRIDES)
    assert _schema_problems(tables) == []
    fact = tables[FACT.name]
    assert fact.height == 3667  # every appointment (3,665 before the two source errors were kept)
    murray = fact.filter(pl.col("person_name").is_in(["James Murray", "Lucy Rigby"]) & pl.col("end_date").is_null())
    assert set(murray["post_name"]) >= {"Chief Secretary to the Treasury", "Economic Secretary"}
    assert murray.filter(pl.col("source_warning").is_not_null())["department_id"].to_list() == ["HMT", "HMT"]
    # one lineage per department id
    assert (
        fact.group_by("department_id").agg(pl.col("lineage_id").n_unique()).filter(pl.col("lineage_id") > 1).is_empty()
    )
    kendall = fact.filter(pl.col("appointment_id") == "d2d4c1ea-0216-441e-952a-713b42b5d0bb").row(0, named=True)
    assert (kendall["person_name"], kendall["department_id"], kendall["end_date"]) == ("Liz Kendall", "DSIT", None)


def test_real_departments_counted_on_the_last_date_are_govuks_ministerial_departments(
    real_loads: dict[str, FileLoad],
) -> None:
    stg = {f"stg_ifg_{name}": staged(load) for name, load in real_loads.items()}
    fact = build_ministers(stg, overrides=NO_OVERRIDES)[FACT.name]
    last = fact.select(pl.max_horizontal("start_date", pl.col("end_date").fill_null(pl.col("start_date"))).max()).item()
    on_last = fact.filter((pl.col("start_date") <= last) & (pl.col("end_date").is_null() | (pl.col("end_date") > last)))
    counted = set(on_last.filter(pl.col("is_ministerial_department"))["department_id"])
    apart = set(on_last.filter(~pl.col("is_ministerial_department"))["department_id"])
    assert last == dt.date(2026, 6, 12)
    assert counted == set(GOVUK_MINISTERIAL_DEPARTMENTS) - {"UKEF"}  # UKEF has no posts of its own in IfG
    assert apart == {"IFG:Whip Commons", "IFG:Whip Lords", "PMO"}
    assert set(NOT_MINISTERIAL_DEPARTMENTS) - {"HMRC", "OTHER"} <= set(fact["department_id"])  # the ids exist
