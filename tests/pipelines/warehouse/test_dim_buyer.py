"""dim_buyer on small frames: names gathered from spend and notices, resolved, placed in geography or a department."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.reference import departments
from pipelines.warehouse.buyers import Resolver
from pipelines.warehouse.dim_buyer import DIM_BUYER, build_dim_buyer, distinct_buyer_names, match_rates

COUNCILS = pl.DataFrame(
    {
        "council_id": ["E08000003", "E10000017"],
        "council_name": ["Manchester", "Lancashire"],
        "official_name": ["Manchester City Council", "Lancashire County Council"],
        "council_type": ["metropolitan district", "county council"],
        "lad_code": ["E08000003", None],
        "county_code": [None, "E10000017"],
        "region_code": ["E12000002", "E12000002"],
        "region_name": ["North West", "North West"],
        "ca_code": ["E47000001", None],
        "ca_name": ["Greater Manchester", None],
    }
)
CAS = pl.DataFrame({"ca_code": ["E47000001"], "ca_name": ["Greater Manchester"]})
LADS = pl.DataFrame(
    {"lad_code": ["E08000003"], "ca_code": ["E47000001"], "region_code": ["E12000002"], "region_name": ["North West"]}
)
ORGS = pl.DataFrame(
    {
        "slug": ["driver-and-vehicle-licensing-agency", "department-for-transport"],
        "title": ["Driver and Vehicle Licensing Agency", "Department for Transport"],
        "abbreviation": ["DVLA", "DfT"],
        "department_id": ["DFT", "DFT"],
        "department_slug": ["department-for-transport", "department-for-transport"],
    }
)
NO_ALIASES = pl.DataFrame(schema={"buyer_name": pl.String, "organisation_code": pl.String, "note": pl.String})


def dim(names: pl.DataFrame) -> pl.DataFrame:
    resolver = Resolver(COUNCILS, CAS, ORGS, departments(), NO_ALIASES)
    return build_dim_buyer(
        names,
        resolver,
        councils=COUNCILS,
        combined_authorities=CAS,
        lads=LADS,
        organisations=ORGS,
        departments=departments(),
    )


def names(*rows: tuple[str, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "buyer_id": list(range(1, len(rows) + 1)),
            "buyer_name": [n for n, _ in rows],
            "sector": [s for _, s in rows],
            "n_rows": [1] * len(rows),
            "spend": [10.0] * len(rows),
            "n_notices": [0] * len(rows),
        },
        schema_overrides={"sector": pl.String},
    )


def test_a_council_is_placed_in_its_district_region_and_city_region() -> None:
    row = dim(names(("MANCHESTER CITY COUNCIL", "Local Government"))).row(0, named=True)
    assert (row["org_kind"], row["org_code"], row["lad_code"], row["region_code"], row["ca_code"]) == (
        "council",
        "E08000003",
        "E08000003",
        "E12000002",
        "E47000001",
    )
    assert row["display_name"] == "Manchester City Council"


def test_a_county_council_has_a_region_but_no_district() -> None:
    row = dim(names(("Lancashire County Council", "Local Government"))).row(0, named=True)
    assert (row["org_code"], row["county_code"], row["lad_code"], row["ca_code"]) == (
        "E10000017",
        "E10000017",
        None,
        None,
    )


def test_a_combined_authority_takes_the_region_of_its_districts() -> None:
    row = dim(names(("Greater Manchester Combined Authority", "Local Government"))).row(0, named=True)
    assert (row["org_kind"], row["ca_code"], row["region_code"], row["lad_code"]) == (
        "combined_authority",
        "E47000001",
        "E12000002",
        None,
    )


def test_an_agency_rolls_up_to_its_department() -> None:
    row = dim(names(("DVLA", "Central Government"))).row(0, named=True)
    assert (row["org_kind"], row["org_code"], row["department_id"]) == (
        "central_government",
        "driver-and-vehicle-licensing-agency",
        "DFT",
    )
    assert row["department_name"] and "Transport" in row["department_name"]
    assert row["region_code"] is None


def test_an_unresolved_name_keeps_its_published_name_and_no_place() -> None:
    row = dim(names(("Peabody Trust", "Not for Profit"))).row(0, named=True)
    assert (row["org_kind"], row["match_method"], row["display_name"]) == ("unresolved", "unresolved", "Peabody Trust")
    assert all(row[c] is None for c in ("org_code", "lad_code", "region_code", "ca_code", "department_id"))


def test_dim_buyer_has_exactly_the_declared_columns() -> None:
    out = dim(names(("DVLA", "Central Government"), ("Peabody Trust", None)))
    assert out.columns == DIM_BUYER.column_names and out.height == 2


def test_distinct_names_count_rows_spend_sector_and_notices() -> None:
    spend = pl.LazyFrame(
        {"buyer_id": [1, 1, 2], "spend_code_id": [10, 11, 10], "amount": [5.0, 7.0, 3.0]},
    ).with_columns(pl.col("amount").cast(pl.Decimal(18, 2)))
    codes = pl.DataFrame({"spend_code_id": [10, 11], "sector": ["Local Government", "Central Government"]})
    customers = pl.DataFrame({"buyer_id": [1, 2], "customer_name_raw": ["Camden", "Peabody"]})
    notices = pl.DataFrame(
        {"buyer_name": ["Camden", "Camden", "Only Notices Council"], "published_date": [dt.date(2024, 1, 1)] * 3}
    )
    out = distinct_buyer_names(spend, codes, customers, notices)
    by_name = {r["buyer_name"]: r for r in out.iter_rows(named=True)}
    assert by_name["Peabody"]["n_rows"] == 1 and by_name["Peabody"]["spend"] == 3.0
    assert by_name["Only Notices Council"]["n_rows"] == 0 and by_name["Only Notices Council"]["n_notices"] == 1
    # a tie in rows (one Local Government, one Central Government) goes to the first sector by name
    assert by_name["Camden"]["sector"] == "Central Government" and by_name["Camden"]["spend"] == 12.0
    assert by_name["Peabody"]["n_notices"] == 0


def test_match_rates_count_names_and_spend_by_sector() -> None:
    frame = pl.DataFrame(
        {
            "sector": ["Local Government", "Local Government", None],
            "match_method": ["exact", "unresolved", "fuzzy"],
            "n_rows": [1, 1, 1],
            "spend": [30.0, 10.0, 5.0],
        }
    )
    rates = {r["sector"]: r for r in match_rates(frame).iter_rows(named=True)}
    assert rates["Local Government"]["names"] == 2 and rates["Local Government"]["resolved"] == 1
    assert rates["Local Government"]["spend_pct"] == 75.0
    assert rates["(not stated)"]["names_pct"] == 100.0


HISTORY_ORGS = pl.DataFrame(
    {
        "slug": ["skills-funding-agency", "department-for-education", "welsh-government", "natural-resources-wales"],
        "title": ["Skills Funding Agency", "Department for Education", "Welsh Government", "Natural Resources Wales"],
        "abbreviation": ["SFA", "DfE", None, None],
        "department_id": ["BIS", "DFE", None, None],
        "department_slug": ["department-for-business-innovation-skills", "department-for-education", None, None],
        "closed_year": [2017, None, None, None],
        "successor_slug": ["department-for-education", None, None, None],
        "current_department_id": ["DFE", "DFE", None, None],
        "current_department_slug": ["department-for-education", "department-for-education", None, None],
        "devolved_government_slug": [None, None, "welsh-government", "welsh-government"],
    }
)


def dim_with(orgs: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    resolver = Resolver(COUNCILS, CAS, orgs, departments(), NO_ALIASES)
    return build_dim_buyer(rows, resolver, COUNCILS, CAS, LADS, orgs, departments())


def test_a_closed_body_is_labelled_and_rolls_up_to_todays_department() -> None:
    row = dim_with(HISTORY_ORGS, names(("Skills Funding Agency", "Central Government"))).row(0, named=True)
    assert row["display_name"] == "Skills Funding Agency (closed 2017; now Department for Education)"
    assert (row["org_code"], row["closed_year"], row["department_id"]) == ("skills-funding-agency", 2017, "DFE")


def test_devolved_bodies_are_devolved_and_sit_under_their_government() -> None:
    row = dim_with(HISTORY_ORGS, names(("Natural Resources Wales", "Devolved Administrations"))).row(0, named=True)
    assert (row["org_kind"], row["department_id"], row["department_name"]) == (
        "devolved",
        "govuk:welsh-government",
        "Welsh Government",
    )


def test_a_gla_functional_body_counts_in_london_under_its_own_name() -> None:
    cas = pl.DataFrame({"ca_code": ["E61000001"], "ca_name": ["Greater London Authority"]})
    lads = pl.DataFrame(
        {"lad_code": ["E09000007"], "ca_code": ["E61000001"], "region_code": ["E12000007"], "region_name": ["London"]}
    )
    resolver = Resolver(COUNCILS, cas, ORGS, departments(), NO_ALIASES)
    out = build_dim_buyer(names(("Transport for London", "Local Government")), resolver, COUNCILS, cas, lads, ORGS,
                          departments())  # fmt: skip
    row = out.row(0, named=True)
    assert (row["org_kind"], row["display_name"], row["ca_code"], row["region_code"]) == (
        "functional_body",
        "Transport for London",
        "E61000001",
        "E12000007",
    )


def test_an_abolished_council_split_between_successors_counts_in_its_region_only() -> None:
    row = dim(names(("Northamptonshire County Council", "Local Government"))).row(0, named=True)
    assert row["display_name"] == (
        "Northamptonshire County Council (abolished 2021; now E06000061 and E06000062)"
    )  # the small COUNCILS frame lacks the successors' names, so their codes stand in
    assert (row["org_kind"], row["lad_code"], row["ca_code"], row["region_code"]) == (
        "council",
        None,
        None,
        "E12000004",
    )
