"""Buyers that are not councils are placed through the CCS customer list and a postcode lookup (urn_postcode)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import duckdb
import polars as pl

from pipelines.reference import departments
from pipelines.warehouse.buyers import Resolver
from pipelines.warehouse.dim_buyer import build_dim_buyer
from tests.workbooks import openpyxl_rows

COUNCILS = pl.DataFrame(
    {
        "council_id": ["E08000003"],
        "council_name": ["Manchester"],
        "official_name": ["Manchester City Council"],
        "council_type": ["metropolitan district"],
        "lad_code": ["E08000003"],
        "county_code": [None],
        "region_code": ["E12000002"],
        "region_name": ["North West"],
        "ca_code": ["E47000001"],
        "ca_name": ["Greater Manchester"],
    },
    schema_overrides={"county_code": pl.String},
)
CAS = pl.DataFrame({"ca_code": ["E47000001"], "ca_name": ["Greater Manchester"]})
LADS = COUNCILS.select("lad_code", "region_code", "region_name", "ca_code", "ca_name")
ORGS = pl.DataFrame(
    schema={n: pl.String for n in ("slug", "title", "abbreviation", "department_id", "department_slug")}
)
CUSTOMERS = pl.DataFrame(
    {
        "urn": [1, 2, 3, 4, 5],
        "customer_name": [
            "Greater Manchester Police",
            "St Mary's Primary School",
            "St Mary's Primary School",
            "Unplaced Trust",
            "Manchester City Council",
        ],
        "postcode": ["M40 5BP", "M15 5ED", "LS9 9DS", None, "M60 2LA"],
        "sector": ["Police", "Education", "Education", "Health", "Local Government"],
        "lad_code": ["E08000003", "E08000003", "E08000035", None, "E08000003"],
    }
)


def _resolver(customers: pl.DataFrame | None = CUSTOMERS) -> Resolver:
    return Resolver(COUNCILS, CAS, ORGS, departments(), pl.DataFrame(schema={"buyer_name": pl.String,
                    "organisation_code": pl.String}), customers=customers)  # fmt: skip


def test_a_police_force_is_placed_by_its_postcode_after_the_other_methods() -> None:
    resolver = _resolver()
    hit = resolver.resolve("GREATER MANCHESTER POLICE", "Police")
    assert (hit["match_method"], hit["org_kind"], hit["org_code"]) == ("urn_postcode", "public_body", "urn:1")
    # a name the existing methods resolve keeps their answer, even when the list has it too
    assert resolver.resolve("Manchester City Council", "Local Government")["match_method"] == "exact"


def test_a_name_in_two_districts_or_with_no_district_is_not_placed() -> None:
    resolver = _resolver()
    assert resolver.resolve("St Mary's Primary School", "Education")["match_method"] == "unresolved"
    assert resolver.resolve("Unplaced Trust", "Health")["match_method"] == "unresolved"
    assert _resolver(None).resolve("Greater Manchester Police", "Police")["match_method"] == "unresolved"


def test_dim_buyer_gives_a_placed_body_its_district_region_and_city_region() -> None:
    names = pl.DataFrame(
        {
            "buyer_id": [1, 2],
            "buyer_name": ["Greater Manchester Police", "St Mary's Primary School"],
            "sector": ["Police", "Education"],
            "n_rows": [3, 1],
            "spend": [300.0, 10.0],
            "n_notices": [0, 0],
        }
    )
    dim = build_dim_buyer(names, _resolver(), COUNCILS, CAS, LADS, ORGS, departments(), customers=CUSTOMERS)
    police = dim.filter(pl.col("buyer_id") == 1).row(0, named=True)
    assert (police["lad_code"], police["region_code"], police["ca_code"], police["postcode"]) == (
        "E08000003",
        "E12000002",
        "E47000001",
        "M40 5BP",
    )
    assert police["display_name"] == "Greater Manchester Police"
    school = dim.filter(pl.col("buyer_id") == 2).row(0, named=True)
    assert school["lad_code"] is None and school["match_method"] == "unresolved"


def test_sample_spend_by_placed_bodies_per_district_matches_the_raw_files(
    sample_raw: Path, fixture_warehouse: Path
) -> None:
    """Recomputed from the raw sample with openpyxl and the csv module only: URN list -> postcode -> district,
    then every marketplace CSV row whose buyer name is one of those customers, summed per district."""
    urn_rows = openpyxl_rows(sample_raw / "ccs-customer-urn" / "customer-urn-list-SAMPLE.xlsx", "Customers")
    header = list(urn_rows[0])
    customers = defaultdict(set)
    for row in urn_rows[1:]:
        customers[" ".join(str(row[header.index("CustomerName")]).lower().split())].add(
            str(row[header.index("PostCode")]).upper()
        )
    lookup_file = next((sample_raw / "ons-postcode-lookup").glob("*.csv"))
    with open(lookup_file, encoding="utf-8", newline="") as fh:
        district = {r["pcds"]: r["ladcd"] for r in csv.DictReader(fh) if not r["ladcd"].endswith("99999999")}
    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        placed = con.sql(
            "SELECT buyer_name, lad_code FROM dim_buyer WHERE match_method = 'urn_postcode'"
        ).fetchall()
        per_lad = dict(
            con.sql(
                """SELECT b.lad_code, round(sum(f.amount)::DOUBLE, 2) FROM fact_marketplace_spend f
                   JOIN dim_buyer b USING (buyer_id) WHERE b.match_method = 'urn_postcode' GROUP BY 1"""
            ).fetchall()
        )
    finally:
        con.close()
    assert placed, "the sample places some public bodies"
    for name, lad in placed:
        key = " ".join(name.lower().split())
        lads = {district[p] for p in customers[key] if p in district}
        assert lads == {lad}, name
    # the police forces, hospitals and fire services of the sample are on the map in their districts
    assert {"E08000003", "E08000025", "E09000022"} <= set(per_lad)
