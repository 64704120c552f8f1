"""Each mart on a hand-built warehouse of a few rows, with the expected rows written out by hand.

The world: three councils in two regions (Manchester in Greater Manchester, Camden in the Greater London
Authority, Burnley in no combined authority), a central buyer, a buyer that resolved nowhere, two suppliers,
five spend lines (one a credit note, one with no size stated) and three notices. Two geography vintages:
2024, and 2014, in which Burnley was in a "Former Authority" that the 2024 geography no longer has and the
areas had other populations. Spend of 2013/14 and 2014/15 is shown in the 2014 vintage (for 2013/14, older
than every vintage, the earliest), the 2024/25 notices in the 2024 one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse import marts
from pipelines.warehouse.schema import ALL_TABLES
from pipelines.warehouse.validate import validate

NW, LON = "E12000002", "E12000007"
GM, GLA, FORMER = "E47000001", "E61000001", "E47000098"
MAN, CAM, BUR = "E08000003", "E09000007", "E07000117"
B_MAN, B_CO, B_CAM, B_PARISH, B_TRUST = 1, 2, 3, 4, 5
C_APR, C_MAY, C_NEXT = 11, 12, 13
S_SMALL, S_BIG = 21, 22

ROWS: dict[str, tuple[tuple[str, ...], list[tuple]]] = {
    "dim_region": (
        ("region_code", "vintage", "region_name", "population", "longitude", "latitude"),
        [(NW, 2024, "North West", 1000, -2.6, 54.0), (LON, 2024, "London", 400, -0.1, 51.5)]
        + [(NW, 2014, "North West", 930, -2.6, 54.0), (LON, 2014, "London", 380, -0.1, 51.5)],
    ),
    "dim_combined_authority": (
        ("ca_code", "vintage", "ca_name", "source_note", "population", "longitude", "latitude", "n_lads"),
        [
            (GM, 2024, "Greater Manchester", "ONS", 600, -2.2, 53.5, 1),
            (GLA, 2024, "Greater London Authority", "added", 400, -0.1, 51.5, 1),
            (GM, 2014, "Greater Manchester", "ONS", 550, -2.2, 53.5, 1),
            (GLA, 2014, "Greater London Authority", "added", 380, -0.1, 51.5, 1),
            (FORMER, 2014, "Former Authority", "ONS", 380, -2.3, 53.8, 1),
        ],
    ),
    "dim_lad": (
        ("lad_code", "vintage", "lad_name", "lad_type", "region_code", "region_name", "ca_code", "ca_name")
        + ("population", "longitude", "latitude"),
        [
            (MAN, 2024, "Manchester", "metropolitan district", NW, "North West", GM, "Greater Manchester", 600)
            + (-2.24, 53.48),
            (BUR, 2024, "Burnley", "non-metropolitan district", NW, "North West", None, None, 400, -2.24, 53.79),
            (CAM, 2024, "Camden", "London borough", LON, "London", GLA, "Greater London Authority", 400)
            + (-0.16, 51.54),
            (MAN, 2014, "Manchester", "metropolitan district", NW, "North West", GM, "Greater Manchester", 550)
            + (-2.24, 53.48),
            (BUR, 2014, "Burnley", "non-metropolitan district", NW, "North West", FORMER, "Former Authority", 380)
            + (-2.24, 53.79),
            (CAM, 2014, "Camden", "London borough", LON, "London", GLA, "Greater London Authority", 380)
            + (-0.16, 51.54),
        ],
    ),
    "dim_council": (
        ("council_id", "council_name", "official_name", "council_type", "lad_code", "region_code", "region_name")
        + ("ca_code", "ca_name", "vintage"),
        [
            (MAN, "Manchester", "Manchester City Council", "metropolitan district", MAN, NW, "North West", GM)
            + ("Greater Manchester", 2024),
            (BUR, "Burnley", "Burnley Borough Council", "non-metropolitan district", BUR, NW, "North West")
            + (None, None, 2024),
            (CAM, "Camden", "London Borough of Camden", "London borough", CAM, LON, "London", GLA)
            + ("Greater London Authority", 2024),
        ],
    ),
    "dim_buyer": (
        ("buyer_id", "buyer_name", "display_name", "org_kind", "org_code", "lad_code", "region_code", "ca_code")
        + ("match_method", "sector", "n_rows", "spend", "n_notices"),
        [
            (B_MAN, "Manchester City Council", "Manchester City Council", "council", MAN, MAN, NW, GM, "exact")
            + ("Local Government", 3, 140.0, 1),
            (B_CO, "Cabinet Office", "Cabinet Office", "central_government", "cabinet-office", None, None, None)
            + ("fuzzy", "Central Government", 1, 30.0, 1),
            (B_CAM, "LB Camden", "London Borough of Camden", "council", CAM, CAM, LON, GLA, "alias")
            + ("Local Government", 1, 20.0, 0),
            (B_PARISH, "Parish of Nowhere", "Parish of Nowhere", "unresolved", None, None, None, None, "unresolved")
            + (None, 0, 0.0, 1),
            (B_TRUST, "Mystery Trust", "Mystery Trust", "unresolved", None, None, None, None, "unresolved")
            + (None, 1, 10.0, 0),
        ],
    ),
    "dim_spend_code": (
        ("spend_code_id", "month", "financial_year", "framework_family", "framework_iteration", "supplier_is_sme"),
        [
            (C_APR, dt.date(2013, 4, 1), "2013/14", "G-Cloud", "G-Cloud 3", True),
            (C_MAY, dt.date(2013, 5, 1), "2013/14", "DOS", "DOS 1", False),
            (C_NEXT, dt.date(2014, 4, 1), "2014/15", "G-Cloud", "G-Cloud 4", None),
        ],
    ),
    "dim_supplier": (
        ("supplier_id", "supplier_name", "supplier_name_raw"),
        [(S_SMALL, "Small Ltd", "SMALL LTD"), (S_BIG, "Big plc", "Big plc")],
    ),
    "fact_marketplace_spend": (
        ("source_file", "source_line", "spend_code_id", "buyer_id", "supplier_id", "amount"),
        [
            ("a.csv", 2, C_APR, B_MAN, S_SMALL, 100),
            ("a.csv", 3, C_APR, B_MAN, S_SMALL, -10),
            ("a.csv", 4, C_MAY, B_MAN, S_BIG, 50),
            ("a.csv", 5, C_APR, B_CO, S_SMALL, 30),
            ("a.csv", 6, C_NEXT, B_CAM, S_BIG, 20),
        ],
    ),
    "fact_contract_notice": (
        ("notice_id", "source_format", "buyer_name", "published_date", "region", "source_file", "source_line")
        + ("published_month", "financial_year", "is_latest_for_ocid"),
        [
            ("n1", "ocds", "Manchester City Council", dt.date(2024, 5, 2), "North West", "n.jsonl", 1)
            + (dt.date(2024, 5, 1), "2024/25", True),
            ("n2", "ocds", "Unknown Parish", dt.date(2024, 6, 2), "london ", "n.jsonl", 2)
            + (dt.date(2024, 6, 1), "2024/25", True),
            ("n3", "ocds", "Cabinet Office", dt.date(2024, 7, 2), None, "n.jsonl", 3)
            + (dt.date(2024, 7, 1), "2024/25", True),
        ],
    ),
}


def hand_built(
    path: Path, world: dict[str, tuple[tuple[str, ...], list[tuple]]] = ROWS
) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(path))
    for table in ALL_TABLES:
        cols = ", ".join(f'"{c.name}" {c.type}' for c in table.columns)
        connection.execute(f'CREATE TABLE "{table.name}" ({cols})')
    for name, (columns, rows) in world.items():
        marks = ", ".join("?" for _ in columns)
        connection.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608
    return connection


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    connection = hand_built(Path(tmp_path_factory.mktemp("marts")) / "hand_built.duckdb")
    marts.build_marts(connection)
    yield connection
    connection.close()


def ordered(items: list[tuple]) -> list[tuple]:
    return sorted(items, key=lambda r: tuple((v is None, str(v)) for v in r))


def rows(con: duckdb.DuckDBPyConnection, table: str, columns: str) -> list[tuple]:
    """The table's rows (DOUBLEs to 4 places), sorted."""
    out = con.sql(f"SELECT {columns} FROM {table}").fetchall()  # noqa: S608 - test constants
    return ordered([tuple(round(v, 4) if isinstance(v, float) else v for v in r) for r in out])


def test_every_sql_file_is_a_step_and_every_step_a_file() -> None:
    files = {p.stem for p in marts.SQL_DIR.glob("*.sql")}
    assert files == set(marts.STEPS)
    assert len(marts.STEPS) == len(set(marts.STEPS))


@pytest.mark.parametrize("step", marts.STEPS)
def test_every_step_fills_by_name_or_makes_a_helper(step: str) -> None:
    """Inserts match columns by name (a swapped pair of columns in a table definition cannot pass)."""
    sql = " ".join(line for line in marts.step_sql(step).splitlines() if not line.startswith("--"))
    if step.startswith("_"):
        assert sql.lstrip().upper().startswith("CREATE TEMP TABLE")
    else:
        assert sql.lstrip().upper().startswith(f"INSERT INTO {step.upper()} BY NAME")
    assert ";" not in sql.rstrip().rstrip(";"), "one statement per file"


def test_marts_insert_by_name_not_position(tmp_path: Path) -> None:
    """A mart whose table lists two DOUBLE columns the other way round still gets each value in its column."""
    con = duckdb.connect(str(tmp_path / "swapped.duckdb"))
    con.execute("CREATE TABLE _buyer_month (spend DOUBLE, sme_spend DOUBLE)")
    con.execute("INSERT INTO _buyer_month VALUES (10, 3)")
    con.execute("CREATE TABLE m (sme_spend DOUBLE, spend DOUBLE)")
    con.execute("INSERT INTO m BY NAME SELECT sum(spend) AS spend, sum(sme_spend) AS sme_spend FROM _buyer_month")
    assert con.sql("SELECT spend, sme_spend FROM m").fetchall() == [(10.0, 3.0)]


def test_each_year_is_shown_in_the_latest_vintage_at_or_before_it_else_the_earliest(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert rows(con, "dim_year_vintage", "financial_year, vintage, basis") == [
        ("2013/14", 2014, "earliest loaded (none is older than the year)"),
        ("2014/15", 2014, "latest loaded at or before the year"),
        ("2024/25", 2024, "latest loaded at or before the year"),
    ]


def test_dim_area_describes_each_area_as_its_latest_vintage_has_it(con: duckdb.DuckDBPyConnection) -> None:
    """The former authority stays pickable, described by 2014, the last vintage that has it."""
    got = rows(con, "dim_area", "area_level, area_code, area_name, parent_code, vintage, population, n_councils")
    assert got == ordered(
        [
            ("combined_authority", FORMER, "Former Authority", NW, 2014, 380, 1),
            ("combined_authority", GM, "Greater Manchester", NW, 2024, 600, 1),
            ("combined_authority", GLA, "Greater London Authority", LON, 2024, 400, 1),
            ("lad", BUR, "Burnley", NW, 2024, 400, 1),
            ("lad", CAM, "Camden", LON, 2024, 400, 1),
            ("lad", MAN, "Manchester", NW, 2024, 600, 1),
            ("national", "ALL", "All buyers (UK-wide)", None, 2024, None, 3),
            ("region", LON, "London", None, 2024, 400, 1),
            ("region", NW, "North West", None, 2024, 1000, 2),
        ]
    )


def test_area_vintages_hold_each_vintage_s_population_and_councils(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(con, "dim_area_vintage WHERE area_level IN ('region', 'combined_authority')", "*")
    assert got == ordered(
        [
            ("combined_authority", FORMER, 2014, 380, 1),
            ("combined_authority", GLA, 2014, 380, 1),
            ("combined_authority", GLA, 2024, 400, 1),
            ("combined_authority", GM, 2014, 550, 1),
            ("combined_authority", GM, 2024, 600, 1),
            ("region", LON, 2014, 380, 1),
            ("region", LON, 2024, 400, 1),
            ("region", NW, 2014, 930, 2),
            ("region", NW, 2024, 1000, 2),
        ]
    )
    # districts are today's in every vintage, with today's population
    assert rows(con, "dim_area_vintage WHERE area_code = 'E07000117'", "*") == [
        ("lad", BUR, 2014, 400, 1),
        ("lad", BUR, 2024, 400, 1),
    ]


def test_councils_count_in_the_areas_of_each_vintage(con: duckdb.DuckDBPyConnection) -> None:
    burnley = rows(con, f"bridge_council_area WHERE council_id = '{BUR}'", "vintage, area_level, area_code")
    assert burnley == ordered(
        [(v, "national", "ALL") for v in (2014, 2024)]
        + [(v, "region", NW) for v in (2014, 2024)]
        + [(v, "lad", BUR) for v in (2014, 2024)]
        + [(2014, "combined_authority", FORMER)]
    )


def test_bridge_puts_each_buyer_in_national_and_its_own_areas(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "bridge_buyer_area WHERE vintage = 2014", "buyer_id, area_level, area_code") == rows(
        con, "bridge_buyer_area WHERE vintage = 2024", "buyer_id, area_level, area_code"
    )
    assert rows(con, "bridge_buyer_area", "DISTINCT vintage") == [(2014,), (2024,)]
    assert rows(con, "bridge_buyer_area WHERE vintage = 2024", "buyer_id, area_level, area_code") == [
        (1, "combined_authority", GM),
        (1, "lad", MAN),
        (1, "national", "ALL"),
        (1, "region", NW),
        (2, "national", "ALL"),
        (3, "combined_authority", GLA),
        (3, "lad", CAM),
        (3, "national", "ALL"),
        (3, "region", LON),
        (4, "national", "ALL"),
        (5, "national", "ALL"),
    ]


def test_monthly_mart_splits_by_supplier_size_and_nets_credit_notes(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        con,
        "mart_marketplace_monthly",
        "area_level, area_code, month, framework_family, spend, sme_spend, large_spend, unknown_size_spend,"
        " n_transactions, n_buyers",
    )
    apr, may, nxt = dt.date(2013, 4, 1), dt.date(2013, 5, 1), dt.date(2014, 4, 1)
    manchester = [(apr, "G-Cloud", 90.0, 90.0, 0.0, 0.0, 2, 1), (may, "DOS", 50.0, 0.0, 50.0, 0.0, 1, 1)]
    camden = [(nxt, "G-Cloud", 20.0, 0.0, 0.0, 20.0, 1, 1)]
    assert got == ordered(
        [("national", "ALL", apr, "G-Cloud", 120.0, 120.0, 0.0, 0.0, 3, 2)]
        + [("national", "ALL", *manchester[1])]
        + [("national", "ALL", *camden[0])]
        + [(level, code, *r) for level, code in (("region", NW), ("combined_authority", GM), ("lad", MAN)) for r in manchester]
        + [(level, code, *r) for level, code in (("region", LON), ("combined_authority", GLA), ("lad", CAM)) for r in camden],
            )  # fmt: skip


def test_council_yearly_mart_counts_only_council_buyers(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "mart_council_spend_yearly", "council_id, financial_year, spend, n_transactions") == [
        (MAN, "2013/14", 140.0, 3),
        (CAM, "2014/15", 20.0, 1),
    ]


def test_yearly_mart_shares_councils_and_spend_per_head(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        con,
        "mart_marketplace_yearly",
        "area_level, area_code, financial_year, spend, sme_spend, large_spend, unknown_size_spend, n_transactions,"
        " n_buyers, sme_share_pct, n_councils_buying, n_councils_total, population, spend_per_1000",
    )
    man = (140.0, 90.0, 50.0, 0.0, 3, 1, 64.2857)
    cam = (20.0, 0.0, 0.0, 20.0, 1, 1, None)
    # regions and authorities with their 2014 populations (the years' vintage); districts with today's
    assert got == ordered(
        [
            ("combined_authority", GLA, "2014/15", *cam, 1, 1, 380, 52.6316),
            ("combined_authority", GM, "2013/14", *man, 1, 1, 550, 254.5455),
            ("lad", CAM, "2014/15", *cam, 1, 1, 400, 50.0),
            ("lad", MAN, "2013/14", *man, 1, 1, 600, 233.3333),
            ("national", "ALL", "2013/14", 170.0, 120.0, 50.0, 0.0, 4, 2, 70.5882, 1, 3, None, None),
            ("national", "ALL", "2014/15", *cam, 1, 3, None, None),
            ("region", LON, "2014/15", *cam, 1, 1, 380, 52.6316),
            ("region", NW, "2013/14", *man, 1, 2, 930, 150.5376),
        ],
    )


def test_top_buyers_mart_names_the_resolved_buyer(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        con,
        "mart_marketplace_top_buyers",
        "area_level, area_code, financial_year, buyer_id, buyer_name, org_kind, spend, sme_spend, n_transactions",
    )
    man = (B_MAN, "Manchester City Council", "council", 140.0, 90.0, 3)
    cam = (B_CAM, "London Borough of Camden", "council", 20.0, 0.0, 1)
    assert got == ordered(
        [("national", "ALL", "2013/14", *man), ("national", "ALL", "2013/14", B_CO, "Cabinet Office")
         + ("central_government", 30.0, 30.0, 1), ("national", "ALL", "2014/15", *cam)]
        + [(lvl, code, "2013/14", *man) for lvl, code in (("region", NW), ("combined_authority", GM), ("lad", MAN))]
        + [(lvl, code, "2014/15", *cam) for lvl, code in (("region", LON), ("combined_authority", GLA), ("lad", CAM))],
            )  # fmt: skip


def test_top_suppliers_mart_takes_the_majority_size_flag(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        con,
        "mart_marketplace_top_suppliers",
        "area_level, area_code, financial_year, supplier_name, supplier_is_sme, spend, n_buyers, n_transactions",
    )
    national = [
        ("national", "ALL", "2013/14", "Big plc", False, 50.0, 1, 1),
        ("national", "ALL", "2013/14", "Small Ltd", True, 120.0, 2, 3),
        ("national", "ALL", "2014/15", "Big plc", None, 20.0, 1, 1),
    ]
    man = [("2013/14", "Big plc", False, 50.0, 1, 1), ("2013/14", "Small Ltd", True, 90.0, 1, 2)]
    cam = [("2014/15", "Big plc", None, 20.0, 1, 1)]
    assert got == ordered(
        national
        + [(lvl, code, *r) for lvl, code in (("region", NW), ("combined_authority", GM), ("lad", MAN)) for r in man]
        + [(lvl, code, *r) for lvl, code in (("region", LON), ("combined_authority", GLA), ("lad", CAM)) for r in cam],
            )  # fmt: skip


def test_never_bought_lists_councils_without_spend_in_each_of_their_areas(con: duckdb.DuckDBPyConnection) -> None:
    """Burnley also counts in the former authority it was in in 2014, the last vintage that has that authority."""
    assert rows(con, "mart_councils_never_bought", "area_level, area_code, council_id, official_name, ca_name") == [
        ("combined_authority", FORMER, BUR, "Burnley Borough Council", None),
        ("lad", BUR, BUR, "Burnley Borough Council", None),
        ("national", "ALL", BUR, "Burnley Borough Council", None),
        ("region", NW, BUR, "Burnley Borough Council", None),
    ]


def test_match_rates_by_sector_and_in_all(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        con,
        "mart_buyer_match_rates",
        "sector, n_names, n_resolved, n_alias, n_exact, n_fuzzy, names_resolved_pct, spend, spend_resolved,"
        " spend_resolved_pct",
    )
    assert got == [
        ("(not stated)", 1, 0, 0, 0, 0, 0.0, 10.0, 0.0, 0.0),
        ("All sectors", 4, 3, 1, 1, 1, 75.0, 200.0, 190.0, 95.0),
        ("Central Government", 1, 1, 0, 0, 1, 100.0, 30.0, 30.0, 100.0),
        ("Local Government", 2, 2, 1, 1, 0, 100.0, 160.0, 160.0, 100.0),
    ]


def test_notice_areas_come_from_the_buyer_else_the_published_region(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "mart_notice_area", "notice_id, area_level, area_code, buyer_type") == [
        ("n1", "combined_authority", GM, "council"),
        ("n1", "lad", MAN, "council"),
        ("n1", "national", "ALL", "council"),
        ("n1", "region", NW, "council"),
        ("n2", "national", "ALL", "other"),
        ("n2", "region", LON, "other"),
        ("n3", "national", "ALL", "central_government"),
    ]


def test_the_hand_built_marts_hold_their_declared_foreign_keys(con: duckdb.DuckDBPyConnection) -> None:
    mart_tables = tuple(t for t in ALL_TABLES if t.name in marts.STEPS)
    problems = [p for p in validate(con, mart_tables) if "references" in p]
    assert problems == []


def test_each_familys_newest_months_are_provisional(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With one provisional month: G-Cloud's newest is 2014-04, DOS's is 2013-05 (families are published apart)."""
    monkeypatch.setitem(marts.PARAMETERS, "provisional_months", 1)
    con = hand_built(tmp_path / "provisional.duckdb")
    marts.build_marts(con)
    monthly = rows(con, "mart_marketplace_monthly WHERE area_code = 'ALL'", "month, framework_family, is_provisional")
    assert monthly == [
        (dt.date(2013, 4, 1), "G-Cloud", False),
        (dt.date(2013, 5, 1), "DOS", True),
        (dt.date(2014, 4, 1), "G-Cloud", True),
    ]
    yearly = rows(con, "mart_marketplace_yearly WHERE area_code = 'ALL'", "financial_year, includes_provisional")
    assert yearly == [("2013/14", True), ("2014/15", True)]


def test_with_the_default_two_months_every_month_of_this_small_world_is_provisional(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert rows(con, "mart_marketplace_monthly", "DISTINCT is_provisional") == [(True,)]


def moved_world() -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
    """Manchester in the former authority in 2014 (in Greater Manchester in 2024), and one awarded contract of
    Manchester's, published in 2013/14 and ending in 2030."""
    columns, lads = ROWS["dim_lad"]
    moved = [r[:6] + (FORMER, "Former Authority") + r[8:] if (r[0], r[1]) == (MAN, 2014) else r for r in lads]
    notice_columns, notices = ROWS["fact_contract_notice"]
    extra = ("awarded_date", "contract_end", "is_it", "it_rule", "source")
    contract = ("n4", "ocds", "Manchester City Council", dt.date(2013, 6, 3), None, "n.jsonl", 4)
    contract += (dt.date(2013, 6, 1), "2013/14", True, dt.date(2013, 6, 1), dt.date(2030, 5, 31), True, "cpv")
    contract += ("contracts_finder",)
    padded = [r + (None, None, False, "cpv", "contracts_finder") for r in notices]
    return {
        **ROWS,
        "dim_lad": (columns, moved),
        "fact_contract_notice": (notice_columns + extra, [*padded, contract]),
    }


def test_spend_follows_the_membership_of_its_year_s_vintage(tmp_path: Path) -> None:
    """Manchester's 2013/14 spend counts in the former authority it was in then, and Greater Manchester, which
    had no member buying that year, shows none."""
    con = hand_built(tmp_path / "moved.duckdb", moved_world())
    marts.build_marts(con)
    cas = rows(con, "mart_marketplace_yearly WHERE area_level = 'combined_authority'", "area_code, financial_year, spend")
    assert cas == [(FORMER, "2013/14", 140.0), (GLA, "2014/15", 20.0)]
    assert rows(con, "dim_area_vintage WHERE area_code = 'E47000098'", "vintage, n_councils") == [(2014, 2)]
    # the notice of 2024/25 is in Greater Manchester, the 2024 authority
    assert rows(con, "mart_notice_area WHERE notice_id = 'n1' AND area_level = 'combined_authority'", "area_code") == [
        (GM,)
    ]


def test_a_contract_counts_in_the_area_of_the_year_it_ends(tmp_path: Path) -> None:
    """Published in 2013/14 while Manchester was in the former authority, ending in 2030: the notice counts in the
    former authority, the contract coming up for renewal in Greater Manchester, which will re-let it."""
    con = hand_built(tmp_path / "expiry.duckdb", moved_world())
    marts.build_marts(con)
    notice = rows(con, "mart_notice_area WHERE notice_id = 'n4'", "area_level, area_code")
    assert notice == [("combined_authority", FORMER), ("lad", MAN), ("national", "ALL"), ("region", NW)]
    contract = rows(con, "mart_expiry_area", "contract_id, area_level, area_code")
    assert contract == [
        ("notice:n4", "combined_authority", GM),
        ("notice:n4", "lad", MAN),
        ("notice:n4", "national", "ALL"),
        ("notice:n4", "region", NW),
    ]
    problems = [p for p in validate(con, tuple(t for t in ALL_TABLES if t.name in marts.STEPS)) if "references" in p]
    assert problems == []
