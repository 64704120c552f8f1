"""build_geography rules, the council / combined-authority references, and end-to-end builds."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from pipelines.core.loading import FILE, LINE, FileLoad
from pipelines.core.schema import Table
from pipelines.geography import formats as ons
from pipelines.geography import sample
from pipelines.geography import tables as geo
from tests.pipelines.geography.test_formats import REAL, REGION_LOOKUP, load_folder

# --------------------------------------------------------------------------------------------
# small frames
# --------------------------------------------------------------------------------------------


def stg(name: str, rows: list[dict]) -> pl.DataFrame:
    """A staging frame with the real staging schema; missing columns null, file/line filled in."""
    schema = ons.STAGING_SCHEMAS[name]
    filled = [{FILE: "t.csv", LINE: i + 2, **row} for i, row in enumerate(rows)]
    return pl.DataFrame([{c: r.get(c) for c in schema} for r in filled], schema=schema)


def lad(code: str, name: str, region: str = "E12000002", region_name: str = "North West", vintage: int = 2022) -> dict:
    return {
        "lad_code": code,
        "lad_name": name,
        "region_code": region,
        "region_name": region_name,
        "vintage": vintage,
    }


def pop(code: str, value: int, age: str = "All Ages", year: int = 2021, gender: str | None = "Total") -> dict:
    return {
        "geography_code": code,
        "geography_name": code,
        "age_name": age,
        "gender_name": gender,
        "measure_name": "Value",
        "population": value,
        "year": year,
    }


COUNCILS = pl.DataFrame(
    {
        "council_code": ["E08000003", "E08000001", "E09000007", "E07000008", "E07000009", "E10000003", "E10000006"],
        "council_name": [
            "Manchester",
            "Bolton",
            "Camden",
            "Cambridge",
            "East Cambridgeshire",
            "Cambridgeshire",
            "Cumbria",
        ],
        "official_name": [
            "Manchester City Council",
            "Bolton Council",
            "London Borough of Camden",
            "Cambridge City Council",
            "East Cambridgeshire District Council",
            "Cambridgeshire County Council",
            "Cumbria County Council",
        ],
        "council_type": [
            "metropolitan district",
            "metropolitan district",
            "London borough",
            "non-metropolitan district",
            "non-metropolitan district",
            "county council",
            "county council",
        ],
        "region_code": ["E12000002", "E12000002", "E12000007", "E12000006", "E12000006", "E12000006", "E12000002"],
        "region_name": [
            "North West",
            "North West",
            "London",
            "East of England",
            "East of England",
            "East of England",
            "North West",
        ],
        "county_code": [None, None, None, "E10000003", "E10000003", None, None],
        "longitude": [-2.24, -2.48, -0.16, 0.13, 0.30, 0.20, -2.9],
        "latitude": [53.48, 53.58, 51.55, 52.20, 52.35, 52.30, 54.5],
        "population": [552000, 296000, 210100, 145700, 87700, 233400, 500000],
    }
)

CAS = pl.DataFrame(
    {
        "ca_code": ["E47000001", "E47000008", "E47000099", geo.GLA_CODE],
        "ca_name": ["Greater Manchester", "Cambridgeshire and Peterborough", "Future Authority", geo.GLA_NAME],
        "established": [dt.date(2011, 4, 1), dt.date(2017, 3, 3), dt.date(2024, 6, 1), dt.date(2000, 7, 3)],
        "abolished": [None, None, None, None],
        "is_mayoral": [True, True, False, True],
        "member_lad_codes": ["E08000001|E08000003", "E07000008|E07000009", "E08000003", "E09000007"],
        "note": ["", "", "", ""],
    },
    schema_overrides={"abolished": pl.Date},
)


def build(**frames: pl.DataFrame) -> dict[str, pl.DataFrame]:
    return geo.build_geography(frames, councils=COUNCILS, combined_authorities=CAS)


def base_staging() -> dict[str, pl.DataFrame]:
    return {
        ons.STG_LAD_REGION: stg(
            ons.STG_LAD_REGION,
            [
                lad("E08000003", "Manchester"),
                lad("E08000001", "Bolton"),
                lad("E09000007", "Camden", "E12000007", "London"),
                lad("E07000008", "Cambridge", "E12000006", "East of England"),
                lad("E07000009", "East Cambridgeshire", "E12000006", "East of England"),
                lad("W06000001", "Isle of Anglesey", "W92000004", "Wales"),
            ],
        ),
        ons.STG_LAD_CAUTH: stg(
            ons.STG_LAD_CAUTH,
            [
                {
                    "lad_code": "E08000003",
                    "lad_name": "Manchester",
                    "ca_code": "E47000001",
                    "ca_name": "Greater Manchester",
                    "vintage": 2022,
                },
                {
                    "lad_code": "E08000001",
                    "lad_name": "Bolton",
                    "ca_code": "E47000001",
                    "ca_name": "Greater Manchester",
                    "vintage": 2022,
                },
                {
                    "lad_code": "E07000008",
                    "lad_name": "Cambridge",
                    "ca_code": "E47000008",
                    "ca_name": "Cambridgeshire and Peterborough",
                    "vintage": 2022,
                },
                {
                    "lad_code": "E07000009",
                    "lad_name": "East Cambridgeshire",
                    "ca_code": "E47000008",
                    "ca_name": "Cambridgeshire and Peterborough",
                    "vintage": 2022,
                },
            ],
        ),
        ons.STG_POPULATION: stg(
            ons.STG_POPULATION,
            [
                pop("E08000003", 549853),
                pop("E08000003", 100000, age="Aged 0 to 15"),
                pop("E08000001", 296000),
                pop("E09000007", 210100),
                pop("E07000008", 145700),
                pop("E07000009", 87700),
                pop("E12000002", 7422295),
            ],
        ),
    }


def assert_schema(table: Table, frame: pl.DataFrame) -> None:
    """The frame has the table's columns and types, a unique non-null key, and respects nullability, ranges, sets."""
    assert frame.columns == table.column_names
    assert dict(frame.schema) == table.polars_schema
    if table.key and frame.height:
        assert frame.select(table.key).is_duplicated().sum() == 0, f"{table.name}: duplicate key"
    for column in table.columns:
        series = frame[column.name]
        if not column.nullable or column.name in table.key:
            assert series.null_count() == 0, f"{table.name}.{column.name} has nulls"
        values = series.drop_nulls()
        if column.min is not None and values.len():
            assert values.min() >= column.min, f"{table.name}.{column.name} below {column.min}"
        if column.max is not None and values.len():
            assert values.max() <= column.max, f"{table.name}.{column.name} above {column.max}"
        if column.allowed is not None:
            assert set(values.to_list()) <= set(column.allowed), f"{table.name}.{column.name}"


def assert_all_schemas(out: dict[str, pl.DataFrame]) -> None:
    assert sorted(out) == sorted(t.name for t in geo.TABLES)
    for table in geo.TABLES:
        assert_schema(table, out[table.name])


# --------------------------------------------------------------------------------------------
# rules
# --------------------------------------------------------------------------------------------


def test_greater_london_authority_is_added_for_every_london_borough() -> None:
    out = build(**base_staging())
    camden = out["dim_lad"].filter(pl.col("lad_code") == "E09000007").row(0, named=True)
    assert (camden["ca_code"], camden["ca_name"]) == (geo.GLA_CODE, geo.GLA_NAME)
    gla = out["dim_combined_authority"].filter(pl.col("ca_code") == geo.GLA_CODE).row(0, named=True)
    assert gla["is_mayoral"] is True and gla["n_lads"] == 1
    assert "added deliberately" in gla["source_note"] and "omits" in gla["source_note"]
    assert_all_schemas(out)


def test_combined_authorities_come_from_the_ons_lookup_with_population_summed() -> None:
    out = build(**base_staging())
    gm = out["dim_combined_authority"].filter(pl.col("ca_code") == "E47000001").row(0, named=True)
    assert (gm["n_lads"], gm["population"], gm["is_mayoral"]) == (2, 549853 + 296000, True)
    assert gm["source_note"].startswith("ONS LAD to combined authority lookup")
    assert "E47000099" not in out["dim_combined_authority"]["ca_code"].to_list()


def test_a_vintage_without_ons_ca_lookup_uses_the_reference_in_force_that_year() -> None:
    frames = base_staging()
    frames[ons.STG_LAD_REGION] = pl.concat(
        [frames[ons.STG_LAD_REGION], stg(ons.STG_LAD_REGION, [lad("E08000003", "Manchester", vintage=2024)])]
    )
    out = build(**frames)
    manchester = out["dim_lad"].filter(pl.col("lad_code") == "E08000003").sort("vintage")
    assert manchester["ca_code"].to_list() == ["E47000001", "E47000099"]  # later establishment wins in 2024
    ca_2024 = out["dim_combined_authority"].filter(pl.col("vintage") == 2024).row(0, named=True)
    assert "no ONS lookup for this vintage" in ca_2024["source_note"]
    assert ca_2024["is_mayoral"] is False


def ca_row(code: str, name: str, ca: str, ca_name: str, vintage: int) -> dict:
    return {"lad_code": code, "lad_name": name, "ca_code": ca, "ca_name": ca_name, "vintage": vintage}


def test_a_ca_lookup_without_a_region_lookup_of_its_vintage_borrows_the_nearest_district_list() -> None:
    # As fetched today: a 2024 region lookup, 2023 and 2025 combined-authority lookups.
    frames = base_staging()
    frames[ons.STG_LAD_REGION] = frames[ons.STG_LAD_REGION].with_columns(pl.lit(2024, dtype=pl.Int32).alias("vintage"))
    frames[ons.STG_LAD_CAUTH] = stg(
        ons.STG_LAD_CAUTH,
        [
            ca_row("E08000003", "Manchester", "E47000001", "Greater Manchester", 2023),
            ca_row("E08000003", "Manchester", "E47000001", "Greater Manchester", 2025),
            ca_row("E07000008", "Cambridge", "E47000018", "New Authority", 2025),
        ],
    )
    out = build(**frames)
    assert sorted(out["dim_lad"]["vintage"].unique().to_list()) == [2023, 2024, 2025]
    for vintage in (2023, 2025):  # every English district of the 2024 list, with its 2024 region
        lads = out["dim_lad"].filter(pl.col("vintage") == vintage)
        assert lads.height == 5
        cambridge = lads.filter(pl.col("lad_code") == "E07000008").row(0, named=True)
        assert cambridge["region_code"] == "E12000006"
    cas_2025 = out["dim_combined_authority"].filter(pl.col("vintage") == 2025)
    assert sorted(cas_2025["ca_code"].to_list()) == ["E47000001", "E47000018", geo.GLA_CODE]
    new = cas_2025.filter(pl.col("ca_code") == "E47000018").row(0, named=True)
    assert new["source_note"].startswith("ONS LAD to combined authority lookup") and new["n_lads"] == 1
    # dim_council follows the latest vintage, whose memberships are the 2025 lookup's
    council = out["dim_council"].filter(pl.col("council_id") == "E07000008").row(0, named=True)
    assert (council["vintage"], council["ca_code"]) == (2025, "E47000018")
    assert_all_schemas(out)


def test_nearest_vintage_is_the_latest_at_or_before_else_the_earliest_after() -> None:
    assert geo.nearest_vintage(2025, [2022, 2024]) == 2024
    assert geo.nearest_vintage(2024, [2022, 2024]) == 2024
    assert geo.nearest_vintage(2023, [2022, 2024]) == 2022
    assert geo.nearest_vintage(2020, [2022, 2024]) == 2022


def load_of(name: str, table: str, frame: pl.DataFrame) -> FileLoad:
    return FileLoad(
        path=Path(name), source="ons", format="t", tables={table: frame}, rejects=pl.DataFrame(), rows_read=0,
        rows_loaded=0,
    )  # fmt: skip


def test_a_borrowed_district_list_and_the_codes_it_lacks_are_noted_on_the_ca_lookup() -> None:
    regions = load_of("lad24_rgn24.csv", ons.STG_LAD_REGION, stg(ons.STG_LAD_REGION, [lad("E08000003", "M", vintage=2024)]))
    rows = [ca_row("E08000003", "M", "E47000001", "GM", 2025), ca_row("E06000099", "New", "E47000001", "GM", 2025)]
    cauth = load_of("lad25_cauth25.csv", ons.STG_LAD_CAUTH, stg(ons.STG_LAD_CAUTH, rows))
    same = load_of("lad24_cauth24.csv", ons.STG_LAD_CAUTH, stg(ons.STG_LAD_CAUTH, [{**rows[0], "vintage": 2024}]))
    geo.note_borrowed_district_lists([regions, cauth, same])
    assert cauth.notes == [
        "no 2025 LAD-region lookup loaded: the 2025 districts and their regions are the 2024 lookup's",
        "1 LAD code(s) of this lookup are not in the 2024 LAD-region lookup, so they are in no combined authority"
        " (e.g. E06000099)",
    ]
    assert same.notes == [] and regions.notes == []


def test_region_population_is_the_sum_of_member_lads_not_the_nomis_region_row() -> None:
    out = build(**base_staging())
    north_west = out["dim_region"].filter(pl.col("region_code") == "E12000002").row(0, named=True)
    assert north_west["population"] == 549853 + 296000


def test_population_is_all_ages_persons_of_the_latest_year() -> None:
    frames = base_staging()
    frames[ons.STG_POPULATION] = stg(
        ons.STG_POPULATION,
        [
            pop("E08000003", 500000, year=2020),
            pop("E08000003", 549853, year=2021),
            pop("E08000003", 270000, year=2022, gender="Male"),
            pop("E08000003", 120000, age="Aged 0 to 15", year=2022),
        ],
    )
    dim_lad = build(**frames)["dim_lad"]
    manchester = dim_lad.filter(pl.col("lad_code") == "E08000003").row(0, named=True)
    assert (manchester["population"], manchester["population_year"]) == (549853, 2021)
    assert dim_lad.filter(pl.col("lad_code") == "E08000001")["population"].item() is None


def test_lad_centroid_prefers_centroid_csv_then_boundary_then_councils_csv() -> None:
    frames = base_staging()
    frames[ons.STG_CENTROID] = stg(
        ons.STG_CENTROID,
        [
            {
                "level": "lad",
                "code": "E08000003",
                "name": "Manchester",
                "vintage": 2022,
                "longitude": -2.2,
                "latitude": 53.4,
            }
        ],
    )
    frames[ons.STG_BOUNDARY] = stg(
        ons.STG_BOUNDARY,
        [
            {
                "level": "lad",
                "code": "E08000003",
                "name": "Manchester",
                "vintage": 2022,
                "geometry": "{}",
                "longitude": -2.0,
                "latitude": 53.0,
            },
            {
                "level": "lad",
                "code": "E08000001",
                "name": "Bolton",
                "vintage": 2022,
                "geometry": "{}",
                "longitude": -2.5,
                "latitude": 53.6,
            },
        ],
    )
    dim_lad = build(**frames)["dim_lad"]
    coords = {r[0]: (r[1], r[2]) for r in dim_lad.select("lad_code", "longitude", "latitude").iter_rows()}
    assert coords["E08000003"] == (-2.2, 53.4)
    assert coords["E08000001"] == (-2.5, 53.6)
    assert coords["E09000007"] == (-0.16, 51.55)  # councils.csv


def test_region_and_ca_centroids_fall_back_to_the_mean_of_member_lads() -> None:
    out = build(**base_staging())
    gm = out["dim_combined_authority"].filter(pl.col("ca_code") == "E47000001").row(0, named=True)
    assert gm["longitude"] == pytest.approx((-2.24 - 2.48) / 2)
    assert gm["latitude"] == pytest.approx((53.48 + 53.58) / 2)
    frames = base_staging()
    frames[ons.STG_CENTROID] = stg(
        ons.STG_CENTROID,
        [
            {
                "level": "region",
                "code": "E12000002",
                "name": "North West",
                "vintage": 2022,
                "longitude": -2.77,
                "latitude": 54.45,
            }
        ],
    )
    region = build(**frames)["dim_region"].filter(pl.col("region_code") == "E12000002").row(0, named=True)
    assert (region["longitude"], region["latitude"]) == (-2.77, 54.45)


def test_only_england_reaches_the_dimensions_and_boundaries() -> None:
    frames = base_staging()
    frames[ons.STG_BOUNDARY] = stg(
        ons.STG_BOUNDARY,
        [
            {"level": "lad", "code": "W06000001", "name": "Isle of Anglesey", "vintage": 2022, "geometry": "{}"},
            {"level": "lad", "code": "E08000003", "name": "Manchester", "vintage": 2022, "geometry": "{}"},
        ],
    )
    out = build(**frames)
    assert not out["dim_lad"]["lad_code"].str.starts_with("W").any()
    assert not out["dim_region"]["region_code"].str.starts_with("W").any()
    assert out["geo_boundary"]["code"].to_list() == ["E08000003"]


def test_official_names_come_from_councils_csv_else_a_readable_fallback() -> None:
    frames = base_staging()
    frames[ons.STG_LAD_REGION] = pl.concat(
        [
            frames[ons.STG_LAD_REGION],
            stg(ons.STG_LAD_REGION, [lad("E06000023", "Bristol, City of", "E12000009", "South West")]),
        ]
    )
    names = dict(build(**frames)["dim_council"].select("council_id", "official_name").iter_rows())
    assert names["E08000003"] == "Manchester City Council"
    assert names["E06000023"] == "City of Bristol Council"
    assert geo.official_name_fallback("Herefordshire, County of") == "County of Herefordshire Council"
    assert geo.official_name_fallback("Wigan") == "Wigan Council"


def test_dim_council_is_the_latest_vintage_plus_counties_with_districts() -> None:
    frames = base_staging()
    frames[ons.STG_POPULATION] = pl.concat(
        [frames[ons.STG_POPULATION], stg(ons.STG_POPULATION, [pop("E10000003", 678000)])]
    )
    council = build(**frames)["dim_council"]
    assert set(council["council_id"]) == {"E08000003", "E08000001", "E09000007", "E07000008", "E07000009", "E10000003"}
    cambs = council.filter(pl.col("council_id") == "E10000003").row(0, named=True)
    assert cambs["council_type"] == "county council" and cambs["lad_code"] is None
    assert cambs["population"] == 678000  # its own NOMIS row
    assert cambs["ca_code"] == "E47000008"  # all its districts are in the same CA
    cambridge = council.filter(pl.col("council_id") == "E07000008").row(0, named=True)
    assert (cambridge["county_code"], cambridge["lad_code"], cambridge["council_type"]) == (
        "E10000003",
        "E07000008",
        "non-metropolitan district",
    )
    assert_schema(geo.DIM_COUNCIL, council)


def test_county_population_falls_back_to_the_sum_of_its_districts() -> None:
    cambs = build(**base_staging())["dim_council"].filter(pl.col("council_id") == "E10000003")
    assert cambs["population"].item() == 145700 + 87700


def test_duplicate_files_collapse_to_one_row_per_key() -> None:
    frames = base_staging()
    again = frames[ons.STG_LAD_REGION].with_columns(pl.lit("copy.csv").alias(FILE))
    frames[ons.STG_LAD_REGION] = pl.concat([frames[ons.STG_LAD_REGION], again])
    out = build(**frames)
    assert out["dim_lad"].height == 5
    assert_all_schemas(out)


def test_no_staging_gives_typed_empty_dims_and_councils_from_the_reference() -> None:
    out = build()
    for name in ("dim_region", "dim_combined_authority", "dim_lad", "geo_boundary"):
        assert out[name].is_empty()
    council = out["dim_council"]
    assert council.height == COUNCILS.height
    assert set(council["vintage"]) == {geo.REFERENCE_VINTAGE}
    camden = council.filter(pl.col("council_id") == "E09000007").row(0, named=True)
    assert camden["ca_code"] == geo.GLA_CODE
    assert_all_schemas(out)


# --------------------------------------------------------------------------------------------
# the shipped references
# --------------------------------------------------------------------------------------------

REGION_NAMES = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}


def test_councils_csv_covers_the_december_2022_set() -> None:
    councils = geo.councils_reference()
    counts = dict(councils.group_by("council_type").len().iter_rows())
    assert counts == {
        "London borough": 33,
        "metropolitan district": 36,
        "unitary authority": 59,
        "non-metropolitan district": 181,
        "county council": 24,
    }
    assert councils["council_code"].is_unique().all()
    prefixes = {
        "E06": "unitary authority",
        "E07": "non-metropolitan district",
        "E08": "metropolitan district",
        "E09": "London borough",
        "E10": "county council",
    }
    for code, kind in councils.select("council_code", "council_type").iter_rows():
        assert prefixes[code[:3]] == kind, code
    assert dict(councils.select("region_code", "region_name").unique().iter_rows()) == REGION_NAMES


def test_councils_csv_counties_coordinates_and_populations_are_consistent() -> None:
    councils = geo.councils_reference()
    counties = set(councils.filter(pl.col("council_type") == "county council")["council_code"])
    districts = councils.filter(pl.col("council_type") == "non-metropolitan district")
    assert districts["county_code"].null_count() == 0
    assert set(districts["county_code"]) == counties
    assert (
        councils.filter(pl.col("council_type") != "non-metropolitan district")["county_code"].null_count()
        == councils.height - districts.height
    )
    assert councils["longitude"].is_between(-6.5, 1.8).all()
    assert councils["latitude"].is_between(49.8, 55.8).all()
    assert councils["population"].is_between(2_000, 1_700_000).all()
    assert councils.filter(pl.col("council_type") != "county council")["population"].sum() == pytest.approx(
        56_500_000, rel=0.01
    )


def test_combined_authorities_csv_members_and_gla() -> None:
    cas = geo.combined_authorities_reference()
    councils = set(geo.councils_reference()["council_code"])
    assert cas["ca_code"].is_unique().all()
    assert all(re.fullmatch(r"E47\d{6}|E61000001", c) for c in cas["ca_code"])
    in_2022 = geo.ca_members_on(cas, dt.date(2022, 12, 31))
    assert in_2022.height == 53 and in_2022["ca_code"].n_unique() == 10
    assert set(in_2022["lad_code"]) <= councils
    gla = cas.filter(pl.col("ca_code") == geo.GLA_CODE).row(0, named=True)
    assert set(gla["member_lad_codes"].split("|")) == {c for c in councils if c.startswith("E09")}
    assert "left out" in gla["note"]
    later = set(cas.filter(pl.col("established") > dt.date(2023, 1, 1))["ca_code"])
    assert {"E47000012", "E47000013", "E47000014"} <= later


# --------------------------------------------------------------------------------------------
# end to end: sample and real files
# --------------------------------------------------------------------------------------------


def test_sample_builds_every_table_within_schema(tmp_path: Path) -> None:
    sample.write_sample(tmp_path)
    staging, loads = load_folder(tmp_path / sample.FOLDER, tmp_path / "work")
    assert all(r.rejects.is_empty() for r in loads)
    out = geo.build_geography(staging)
    assert_all_schemas(out)
    assert out["dim_lad"].height == 309
    assert out["dim_council"].height == 333
    assert out["dim_combined_authority"].height == 11
    assert out["dim_lad"].select("population", "longitude", "latitude").null_count().sum_horizontal().item() == 0
    assert out["geo_boundary"].group_by("level").len().sort("level").rows() == [
        ("combined_authority", 10),
        ("lad", 309),
        ("region", 9),
    ]


@pytest.fixture(scope="module")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    if not (REAL / REGION_LOOKUP).exists():
        pytest.skip("real ONS files not present (shared data is absent on a fresh clone)")
    staging, loads = load_folder(REAL, tmp_path_factory.mktemp("work"))
    assert sum(r.rejects.height for r in loads) == 0
    return geo.build_geography(staging)


def test_real_build_figures(real_build: dict[str, pl.DataFrame]) -> None:
    assert_all_schemas(real_build)
    dim_lad = real_build["dim_lad"]
    assert dim_lad.height == 309
    manchester = dim_lad.filter(pl.col("lad_code") == "E08000003").row(0, named=True)
    assert (manchester["population"], manchester["population_year"], manchester["ca_code"]) == (
        549853,
        2021,
        "E47000001",
    )
    hartlepool = dim_lad.filter(pl.col("lad_code") == "E06000001").row(0, named=True)
    assert (hartlepool["longitude"], hartlepool["latitude"]) == (-1.27018, 54.67614)
    regions = dict(real_build["dim_region"].select("region_code", "population").iter_rows())
    assert regions["E12000001"] == 2646772  # sum of LADs equals NOMIS's own region figure
    cas = real_build["dim_combined_authority"]
    assert cas.height == 11
    assert dict(cas.select("ca_code", "population").iter_rows())["E47000001"] == 2868387
    assert cas.filter(pl.col("ca_code") == geo.GLA_CODE)["n_lads"].item() == 33
    assert real_build["dim_council"].height == 333
    assert real_build["geo_boundary"].height == 9 + 10 + 309


def test_councils_csv_names_match_the_real_region_lookup() -> None:
    path = REAL / REGION_LOOKUP
    if not path.exists():
        pytest.skip("real ONS region lookup not present (shared data is absent on a fresh clone)")
    lookup = pl.read_csv(path, infer_schema=False).select(pl.col("LAD22CD"), pl.col("LAD22NM"))
    ours = geo.councils_reference().filter(pl.col("council_type") != "county council")
    matched = ours.join(lookup, left_on=["council_code", "council_name"], right_on=["LAD22CD", "LAD22NM"], how="semi")
    assert matched.height / ours.height >= 0.95
