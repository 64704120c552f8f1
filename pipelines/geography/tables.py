"""Geography dimensions: regions, combined authorities, LADs, councils and boundaries.

`build_geography` is a pure function of the ONS staging frames (see
pipelines/geography/formats.py) plus two hand-written references shipped with the code:

- pipelines/reference/councils.csv: every English council of the December 2022
  set (309 LADs + 24 county councils) with the name the council uses for itself,
  its county, an approximate centroid and an approximate mid-2021 population;
- pipelines/reference/combined_authorities.csv: combined authorities over time
  (established / abolished, mayoral or not, member LADs), plus the Greater London
  Authority.

Rules, written down once here:

- Geography is versioned: every dimension is keyed by the ONS vintage (the year in
  LAD22CD -> 2022) so a 2022 LAD is never silently mixed with a 2024 one.
- Only England (E-codes) goes into the dimensions and boundaries.
- ONS's LAD -> combined authority lookup omits the Greater London Authority; we add
  it deliberately as the combined authority of every E09 LAD in each vintage.
- When a vintage has no ONS CA lookup, membership comes from combined_authorities.csv
  (the authorities in force on 31 December of the vintage year).
- When a vintage has an ONS CA lookup but no region lookup (ONS publishes them on different
  cycles), its districts and their regions are those of the nearest region lookup: the latest
  one at or before it, else the earliest after it (`lad_lists_per_vintage`).
- Population is the NOMIS "All Ages" estimate (persons) of the latest year loaded for
  the code. A region's or combined authority's population is the SUM OF ITS MEMBER
  LADs in that vintage (so CA totals follow our membership, GLA included, rather than
  NOMIS's own CA rows, which stop at the ten 2022 CAs).
- Centroids come from the ONS centroid CSVs or the boundary files' LONG/LAT when
  present; else from councils.csv (LADs and counties); else the mean of member LAD
  centroids (regions, CAs, counties).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TypedDict

import polars as pl

from pipelines.config import CODE_REFERENCE_DIR
from pipelines.core.loading import FILE, LINE, FileLoad, staging
from pipelines.core.schema import Column, Table, references
from pipelines.geography.formats import (
    STAGING_SCHEMAS,
    STG_BOUNDARY,
    STG_CENTROID,
    STG_LAD_CAUTH,
    STG_LAD_REGION,
    STG_POPULATION,
)

COUNCILS_CSV = CODE_REFERENCE_DIR / "councils.csv"
COMBINED_AUTHORITIES_CSV = CODE_REFERENCE_DIR / "combined_authorities.csv"

#: The vintage councils.csv describes (used only when no ONS lookup was loaded).
REFERENCE_VINTAGE = 2022

GLA_CODE = "E61000001"
GLA_NAME = "Greater London Authority"
GLA_NOTE = (
    "added deliberately: ONS's LAD to combined authority lookup omits the Greater London Authority, "
    "the mayoral strategic authority for all London boroughs (E09)"
)

LAD_TYPES: dict[str, str] = {
    "E06": "unitary authority",
    "E07": "non-metropolitan district",
    "E08": "metropolitan district",
    "E09": "London borough",
}
COUNCIL_TYPES = (*LAD_TYPES.values(), "county council")


class _Range(TypedDict):
    """A Column's inclusive range, passed as its min= and max= keywords."""

    min: float
    max: float


# Plausible England box for centroids (Isles of Scilly to the Essex coast, Cornwall to Berwick).
_LON: _Range = {"min": -7.0, "max": 2.0}
_LAT: _Range = {"min": 49.8, "max": 55.9}
_VINTAGE: _Range = {"min": 2009, "max": 2100}


def _lon(description: str = "centroid longitude (WGS84)") -> Column:
    return Column("longitude", "DOUBLE", description, **_LON)


def _lat(description: str = "centroid latitude (WGS84)") -> Column:
    return Column("latitude", "DOUBLE", description, **_LAT)


def _vintage() -> Column:
    return Column("vintage", "INTEGER", "ONS geography vintage year (LAD22CD -> 2022)", nullable=False, **_VINTAGE)


DIM_REGION = Table(
    name="dim_region",
    description="English regions (E12) per ONS vintage; population = sum of member LADs.",
    kind="dimension",
    key=("region_code", "vintage"),
    columns=(
        Column("region_code", "VARCHAR", "ONS region code (E12...)", nullable=False),
        _vintage(),
        Column("region_name", "VARCHAR", "ONS region name", nullable=False),
        Column("population", "BIGINT", "sum of member LADs' NOMIS All Ages population", min=0),
        _lon(),
        _lat(),
    ),
)

DIM_COMBINED_AUTHORITY = Table(
    name="dim_combined_authority",
    description=(
        "Combined authorities per ONS vintage from the ONS lookup (or the reference when a vintage has none), "
        "plus the Greater London Authority added deliberately; population = sum of member LADs."
    ),
    kind="dimension",
    key=("ca_code", "vintage"),
    columns=(
        Column("ca_code", "VARCHAR", "ONS combined authority code (E47...) or E61000001 for the GLA", nullable=False),
        _vintage(),
        Column("ca_name", "VARCHAR", "name", nullable=False),
        Column("is_mayoral", "BOOLEAN", "has a directly elected mayor (reference; null when unknown)"),
        Column("source_note", "VARCHAR", "where the membership comes from", nullable=False),
        Column("population", "BIGINT", "sum of member LADs' population", min=0),
        _lon(),
        _lat(),
        Column("n_lads", "INTEGER", "number of member LADs", nullable=False, min=1),
    ),
)

DIM_LAD = Table(
    name="dim_lad",
    description="English local authority districts per ONS vintage with region, combined authority and population.",
    kind="dimension",
    key=("lad_code", "vintage"),
    foreign_keys=(
        references("dim_region", "region_code", "vintage"),
        references("dim_combined_authority", "ca_code", "vintage"),
    ),
    extra_checks=(
        (
            "every London borough belongs to the Greater London Authority",
            "SELECT lad_code, vintage FROM dim_lad WHERE lad_code LIKE 'E09%' AND ca_code IS DISTINCT FROM 'E61000001'",
        ),
    ),
    columns=(
        Column("lad_code", "VARCHAR", "ONS LAD code (E06/E07/E08/E09)", nullable=False),
        _vintage(),
        Column("lad_name", "VARCHAR", "ONS LAD name", nullable=False),
        Column(
            "lad_type",
            "VARCHAR",
            "kind of council from the code prefix",
            nullable=False,
            allowed=tuple(LAD_TYPES.values()),
        ),
        Column("region_code", "VARCHAR", "ONS region code", nullable=False),
        Column("region_name", "VARCHAR", "ONS region name", nullable=False),
        Column("ca_code", "VARCHAR", "combined authority (E47...) or GLA (E61000001); null when none"),
        Column("ca_name", "VARCHAR", "combined authority name"),
        Column("population", "BIGINT", "NOMIS mid-year estimate, All Ages, persons", min=0),
        Column("population_year", "INTEGER", "year of the population estimate", min=1900, max=2100),
        _lon(),
        _lat(),
    ),
)

DIM_COUNCIL = Table(
    name="dim_council",
    description=(
        "English councils: the LADs of the latest vintage plus the county councils of councils.csv "
        "(official names for matching buyers to councils)."
    ),
    kind="dimension",
    key=("council_id",),
    columns=(
        Column(
            "council_id", "VARCHAR", "ONS code of the council's area (LAD code, or E10 for a county)", nullable=False
        ),
        Column("council_name", "VARCHAR", "ONS short name ('Manchester')", nullable=False),
        Column("official_name", "VARCHAR", "how the council names itself ('Manchester City Council')", nullable=False),
        Column("council_type", "VARCHAR", "kind of council", nullable=False, allowed=COUNCIL_TYPES),
        Column("lad_code", "VARCHAR", "LAD code (null for county councils)"),
        Column("county_code", "VARCHAR", "county (E10) of a non-metropolitan district"),
        Column("region_code", "VARCHAR", "ONS region code", nullable=False),
        Column("region_name", "VARCHAR", "ONS region name", nullable=False),
        Column("ca_code", "VARCHAR", "combined authority (a county's when all its districts share one)"),
        Column("ca_name", "VARCHAR", "combined authority name"),
        Column(
            "population",
            "BIGINT",
            "NOMIS All Ages population (county: its own NOMIS row, else sum of districts)",
            min=0,
        ),
        _lon(),
        _lat(),
        _vintage(),
    ),
)

GEO_BOUNDARY = Table(
    name="geo_boundary",
    description="Generalised (BUC) boundaries of English regions, combined authorities and LADs as WGS84 GeoJSON.",
    kind="dimension",
    key=("level", "code", "vintage"),
    columns=(
        Column(
            "level",
            "VARCHAR",
            "region | combined_authority | lad",
            nullable=False,
            allowed=("region", "combined_authority", "lad"),
        ),
        Column("code", "VARCHAR", "ONS code", nullable=False),
        _vintage(),
        Column("name", "VARCHAR", "ONS name", nullable=False),
        Column("geometry", "VARCHAR", "GeoJSON Polygon/MultiPolygon geometry, WGS84, 5 dp", nullable=False),
        _lon("ONS centroid longitude (or computed from the geometry)"),
        _lat("ONS centroid latitude (or computed from the geometry)"),
    ),
)

TABLES: tuple[Table, ...] = (
    DIM_REGION,
    DIM_COMBINED_AUTHORITY,
    DIM_LAD,
    DIM_COUNCIL,
    GEO_BOUNDARY,
)

# --------------------------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------------------------


@cache
def councils_reference(path: Path = COUNCILS_CSV) -> pl.DataFrame:
    """councils.csv with typed coordinates and population."""
    return pl.read_csv(
        path,
        infer_schema=False,
        schema_overrides={"longitude": pl.Float64, "latitude": pl.Float64, "population": pl.Int64},
    )


@cache
def combined_authorities_reference(path: Path = COMBINED_AUTHORITIES_CSV) -> pl.DataFrame:
    """combined_authorities.csv with typed dates and is_mayoral as a boolean."""
    df = pl.read_csv(path, infer_schema=False)
    return df.with_columns(
        pl.col("established").str.to_date(strict=False),
        pl.col("abolished").str.to_date(strict=False),
        (pl.col("is_mayoral").str.to_lowercase() == "true").alias("is_mayoral"),
    )


def ca_members_on(cas: pl.DataFrame, on: dt.date) -> pl.DataFrame:
    """(lad_code, ca_code, ca_name) of the combined authorities in force on `on` (GLA excluded).

    When two authorities overlap for a LAD the most recently established wins.
    """
    active = cas.filter(
        (pl.col("ca_code") != GLA_CODE)
        & (pl.col("established") <= on)
        & (pl.col("abolished").is_null() | (pl.col("abolished") > on))
    )
    return (
        active.with_columns(pl.col("member_lad_codes").str.split("|").alias("lad_code"))
        .explode("lad_code")
        .sort("established", descending=True)
        .unique("lad_code", keep="first", maintain_order=True)
        .select("lad_code", "ca_code", "ca_name")
    )


def official_name_fallback(name: str) -> str:
    """'<name> Council', reordering ONS's 'Bristol, City of' style names to 'City of Bristol Council'."""
    if ", " in name:
        place, _, prefix = name.rpartition(", ")
        if prefix.lower() in ("city of", "county of"):
            name = f"{prefix[0].upper()}{prefix[1:]} {place}"
    return f"{name} Council"


# --------------------------------------------------------------------------------------------
# Staging helpers
# --------------------------------------------------------------------------------------------


def _staging(stg: Mapping[str, pl.DataFrame], name: str) -> pl.DataFrame:
    return staging(stg, name, STAGING_SCHEMAS[name])


def _first_per(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """One row per key, deterministically the first by source file and line (duplicate files collapse)."""
    return frame.sort(FILE, LINE, nulls_last=True).unique(keys, keep="first", maintain_order=True)


def _england(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    return frame.filter(pl.col(column).str.starts_with("E"))


def lad_lookup(stg: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """English LAD -> region rows, one per (lad_code, vintage)."""
    frame = _england(_staging(stg, STG_LAD_REGION), "lad_code").filter(
        pl.col("lad_code").str.slice(0, 3).is_in(list(LAD_TYPES))
    )
    return _first_per(frame, ["lad_code", "vintage"]).select(
        "lad_code", "vintage", "lad_name", "region_code", "region_name"
    )


def nearest_vintage(vintage: int, available: list[int]) -> int:
    """The vintage to borrow from: the latest of `available` at or before `vintage`, else the earliest after it."""
    before = [v for v in available if v <= vintage]
    return max(before) if before else min(available)


def lad_lists_per_vintage(stg: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """LAD -> region rows for every vintage a region or combined-authority lookup was loaded for.

    ONS publishes the two lookups on different cycles (a December 2024 region lookup, May 2023 and May 2025
    combined-authority lookups), and the combined-authority lookup lists only the districts inside an
    authority. A vintage with a combined-authority lookup but no region lookup therefore takes its list of
    districts, and their regions, from the nearest region lookup (`nearest_vintage`); without this, such a
    lookup matched no district and its authorities were lost. (note_borrowed_district_lists says so on the
    files.)
    """
    lads = lad_lookup(stg)
    have = sorted(set(lads["vintage"].unique().to_list()))
    wanted = set(_staging(stg, STG_LAD_CAUTH)["vintage"].unique().to_list()) - set(have)
    if not have or not wanted:
        return lads
    extra = [
        lads.filter(pl.col("vintage") == nearest_vintage(v, have)).with_columns(
            pl.lit(v, dtype=lads.schema["vintage"]).alias("vintage")
        )
        for v in sorted(wanted)
    ]
    return pl.concat([lads, *extra])


def population_by_code(stg: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """(code, population, population_year): NOMIS All Ages, persons, latest year per code.

    NOMIS lists a unitary authority under two geography types with the same value;
    those collapse to one row.
    """
    pop = _staging(stg, STG_POPULATION)
    total = pl.col("gender_name").is_null() | (pl.col("gender_name").str.to_lowercase() == "total")
    value = pl.col("measure_name").is_null() | (pl.col("measure_name").str.to_lowercase() == "value")
    return (
        pop.filter((pl.col("age_name").str.strip_chars().str.to_lowercase() == "all ages") & total & value)
        .sort("year", FILE, LINE, descending=[True, False, False])
        .unique("geography_code", keep="first", maintain_order=True)
        .select(
            pl.col("geography_code").alias("code"),
            pl.col("population").cast(pl.Int64),
            pl.col("year").cast(pl.Int32).alias("population_year"),
        )
    )


def centroids(stg: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """(level, code, vintage, longitude, latitude): centroid CSVs first, then boundary LONG/LAT."""
    cols = ["level", "code", "vintage", "longitude", "latitude", FILE, LINE]
    csv_rows = _staging(stg, STG_CENTROID).select(cols).with_columns(pl.lit(0).alias("_rank"))
    shapes = _staging(stg, STG_BOUNDARY).select(cols).with_columns(pl.lit(1).alias("_rank"))
    both = pl.concat([csv_rows, shapes]).filter(pl.col("longitude").is_not_null() & pl.col("latitude").is_not_null())
    return (
        both.sort("_rank", FILE, LINE)
        .unique(["level", "code", "vintage"], keep="first", maintain_order=True)
        .select("level", "code", "vintage", "longitude", "latitude")
    )


def _attach_centroid(frame: pl.DataFrame, points: pl.DataFrame, level: str, code: str) -> pl.DataFrame:
    """Add longitude/latitude for `code`: same vintage first, else the latest vintage of that code."""
    at_level = points.filter(pl.col("level") == level)
    same = at_level.select(
        pl.col("code").alias(code), "vintage", pl.col("longitude").alias("_lon1"), pl.col("latitude").alias("_lat1")
    )
    latest = (
        at_level.sort("vintage", descending=True)
        .unique("code", keep="first", maintain_order=True)
        .select(pl.col("code").alias(code), pl.col("longitude").alias("_lon2"), pl.col("latitude").alias("_lat2"))
    )
    out = frame.join(same, on=[code, "vintage"], how="left").join(latest, on=code, how="left")
    lon = [pl.col("_lon1"), pl.col("_lon2")]
    lat = [pl.col("_lat1"), pl.col("_lat2")]
    if "longitude" in frame.columns:
        lon.append(pl.col("longitude"))
        lat.append(pl.col("latitude"))
    return out.with_columns(pl.coalesce(lon).alias("longitude"), pl.coalesce(lat).alias("latitude")).drop(
        "_lon1", "_lat1", "_lon2", "_lat2"
    )


def _sum_or_null(column: str) -> pl.Expr:
    """Sum of the non-null values; null when every member is null."""
    return pl.when(pl.col(column).count() > 0).then(pl.col(column).sum()).otherwise(None)


# --------------------------------------------------------------------------------------------
# Membership
# --------------------------------------------------------------------------------------------


def ca_membership(stg: Mapping[str, pl.DataFrame], lads: pl.DataFrame, cas: pl.DataFrame) -> pl.DataFrame:
    """(lad_code, vintage, ca_code, ca_name, source_note) for every LAD inside a combined authority.

    ONS lookup for vintages that have one; the reference for the others; the GLA for E09 LADs always.
    """
    lookup = _first_per(_england(_staging(stg, STG_LAD_CAUTH), "lad_code"), ["lad_code", "vintage"])
    with_lookup = set(lookup["vintage"].unique().to_list())
    parts = [
        lookup.select(
            "lad_code",
            "vintage",
            "ca_code",
            "ca_name",
            pl.format("ONS LAD to combined authority lookup ({})", pl.col(FILE)).alias("source_note"),
        )
    ]
    for vintage in sorted(set(lads["vintage"].unique().to_list()) - with_lookup):
        members = ca_members_on(cas, dt.date(vintage, 12, 31)).join(
            lads.filter(pl.col("vintage") == vintage).select("lad_code"), on="lad_code", how="semi"
        )
        parts.append(
            members.with_columns(
                pl.lit(vintage, dtype=pl.Int32).alias("vintage"),
                pl.lit("pipelines/reference/combined_authorities.csv (no ONS lookup for this vintage)").alias(
                    "source_note"
                ),
            ).select("lad_code", "vintage", "ca_code", "ca_name", "source_note")
        )
    london = lads.filter(pl.col("lad_code").str.starts_with("E09")).select(
        "lad_code",
        "vintage",
        pl.lit(GLA_CODE).alias("ca_code"),
        pl.lit(GLA_NAME).alias("ca_name"),
        pl.lit(GLA_NOTE).alias("source_note"),
    )
    parts.append(london)
    frames = [p.with_columns(pl.col("vintage").cast(pl.Int32)) for p in parts]
    # An ONS row for a London borough (should ONS ever add the GLA) wins over ours.
    return pl.concat(frames).unique(["lad_code", "vintage"], keep="first", maintain_order=True)


# --------------------------------------------------------------------------------------------
# Dimensions
# --------------------------------------------------------------------------------------------


def build_dim_lad(
    lads: pl.DataFrame, members: pl.DataFrame, pop: pl.DataFrame, points: pl.DataFrame, councils: pl.DataFrame
) -> pl.DataFrame:
    ref = councils.select(
        pl.col("council_code").alias("lad_code"),
        pl.col("longitude"),
        pl.col("latitude"),
    )
    frame = (
        lads.with_columns(pl.col("lad_code").str.slice(0, 3).replace_strict(LAD_TYPES, default=None).alias("lad_type"))
        .join(members.select("lad_code", "vintage", "ca_code", "ca_name"), on=["lad_code", "vintage"], how="left")
        .join(pop.rename({"code": "lad_code"}), on="lad_code", how="left")
        .join(ref, on="lad_code", how="left")
    )
    frame = _attach_centroid(frame, points, "lad", "lad_code")
    return DIM_LAD.conform(frame.sort("vintage", "lad_code"))


def build_dim_region(dim_lad: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    grouped = (
        dim_lad.group_by("region_code", "vintage")
        .agg(
            pl.col("region_name").first(),
            _sum_or_null("population").alias("population"),
            pl.col("longitude").mean().alias("longitude"),
            pl.col("latitude").mean().alias("latitude"),
        )
        .sort("vintage", "region_code")
    )
    return DIM_REGION.conform(_attach_centroid(grouped, points, "region", "region_code"))


def build_dim_combined_authority(
    dim_lad: pl.DataFrame, members: pl.DataFrame, points: pl.DataFrame, cas: pl.DataFrame
) -> pl.DataFrame:
    notes = members.group_by("ca_code", "vintage").agg(pl.col("source_note").first())
    grouped = (
        dim_lad.filter(pl.col("ca_code").is_not_null())
        .group_by("ca_code", "vintage")
        .agg(
            pl.col("ca_name").first(),
            _sum_or_null("population").alias("population"),
            pl.col("longitude").mean().alias("longitude"),
            pl.col("latitude").mean().alias("latitude"),
            pl.len().cast(pl.Int32).alias("n_lads"),
        )
        .join(notes, on=["ca_code", "vintage"], how="left")
        .join(cas.select("ca_code", "is_mayoral"), on="ca_code", how="left")
        .sort("vintage", "ca_code")
    )
    return DIM_COMBINED_AUTHORITY.conform(_attach_centroid(grouped, points, "combined_authority", "ca_code"))


def build_dim_council(dim_lad: pl.DataFrame, pop: pl.DataFrame, councils: pl.DataFrame) -> pl.DataFrame:
    """The LADs of the latest vintage plus the county councils that still have districts in it."""
    if dim_lad.is_empty():
        return DIM_COUNCIL.empty()
    latest = dim_lad["vintage"].max()
    assert isinstance(latest, int)  # dim_lad is not empty and vintage is a non-null INTEGER
    lads = dim_lad.filter(pl.col("vintage") == latest)
    ref = councils.select(pl.col("council_code").alias("lad_code"), "official_name", "county_code")
    joined = lads.join(ref, on="lad_code", how="left")
    # The fallback is computed in Python over the names, not as a callback inside Polars: the in-app
    # first-start build runs beside page runs, and a Python callback from Polars' pool can deadlock
    # against the GIL there (issue 13).
    fallback = [None if n is None else official_name_fallback(n) for n in joined["lad_name"].to_list()]
    lad_rows = joined.with_columns(
        pl.col("lad_code").alias("council_id"),
        pl.col("lad_name").alias("council_name"),
        pl.coalesce(pl.col("official_name"), pl.lit(pl.Series("fallback", fallback, dtype=pl.String))).alias(
            "official_name"
        ),
        pl.col("lad_type").alias("council_type"),
    )
    counties = _county_rows(lad_rows, pop, councils, latest)
    out = pl.concat([DIM_COUNCIL.conform(lad_rows), DIM_COUNCIL.conform(counties)])
    return out.sort("council_id")


def _county_rows(lad_rows: pl.DataFrame, pop: pl.DataFrame, councils: pl.DataFrame, vintage: int) -> pl.DataFrame:
    districts = lad_rows.filter(pl.col("county_code").is_not_null())
    by_county = districts.group_by("county_code").agg(
        _sum_or_null("population").alias("_district_population"),
        pl.col("longitude").mean().alias("_lon"),
        pl.col("latitude").mean().alias("_lat"),
        pl.col("ca_code").n_unique().alias("_n_ca"),
        pl.col("ca_code").null_count().alias("_no_ca"),
        pl.col("ca_code").first().alias("_ca_code"),
        pl.col("ca_name").first().alias("_ca_name"),
    )
    one_ca = (pl.col("_n_ca") == 1) & (pl.col("_no_ca") == 0)
    return (
        councils.filter(pl.col("council_type") == "county council")
        .join(by_county, left_on="council_code", right_on="county_code", how="inner")
        .join(pop.rename({"code": "council_code", "population": "_nomis_population"}), on="council_code", how="left")
        .select(
            pl.col("council_code").alias("council_id"),
            "council_name",
            "official_name",
            "council_type",
            pl.lit(None, dtype=pl.String).alias("lad_code"),
            pl.lit(None, dtype=pl.String).alias("county_code"),
            "region_code",
            "region_name",
            pl.when(one_ca).then(pl.col("_ca_code")).alias("ca_code"),
            pl.when(one_ca).then(pl.col("_ca_name")).alias("ca_name"),
            pl.coalesce("_nomis_population", "_district_population").alias("population"),
            pl.coalesce("longitude", "_lon").alias("longitude"),
            pl.coalesce("latitude", "_lat").alias("latitude"),
            pl.lit(vintage, dtype=pl.Int32).alias("vintage"),
        )
    )


def councils_from_reference(councils: pl.DataFrame, cas: pl.DataFrame) -> pl.DataFrame:
    """dim_council from councils.csv alone, for builds without any ONS lookup (approximate figures)."""
    members = pl.concat(
        [
            ca_members_on(cas, dt.date(REFERENCE_VINTAGE, 12, 31)),
            councils.filter(pl.col("council_code").str.starts_with("E09")).select(
                pl.col("council_code").alias("lad_code"),
                pl.lit(GLA_CODE).alias("ca_code"),
                pl.lit(GLA_NAME).alias("ca_name"),
            ),
        ]
    )
    frame = councils.join(members, left_on="council_code", right_on="lad_code", how="left").with_columns(
        pl.col("council_code").alias("council_id"),
        pl.when(pl.col("council_type") != "county council").then(pl.col("council_code")).alias("lad_code"),
        pl.when(pl.col("county_code") != "").then(pl.col("county_code")).alias("county_code"),
        pl.lit(REFERENCE_VINTAGE, dtype=pl.Int32).alias("vintage"),
    )
    return DIM_COUNCIL.conform(frame.sort("council_id"))


def build_geo_boundary(stg: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    shapes = _england(_staging(stg, STG_BOUNDARY), "code")
    return GEO_BOUNDARY.conform(_first_per(shapes, ["level", "code", "vintage"]).sort("level", "vintage", "code"))


def build_geography(
    stg: Mapping[str, pl.DataFrame],
    *,
    councils: pl.DataFrame | None = None,
    combined_authorities: pl.DataFrame | None = None,
) -> dict[str, pl.DataFrame]:
    """All geography warehouse tables from the ONS staging frames (absent keys mean no such file).

    `councils` / `combined_authorities` default to the shipped reference CSVs; tests pass small frames.
    """
    councils = councils_reference() if councils is None else councils
    cas = combined_authorities_reference() if combined_authorities is None else combined_authorities
    lads = lad_lists_per_vintage(stg)
    pop = population_by_code(stg)
    points = centroids(stg)
    members = ca_membership(stg, lads, cas)
    dim_lad = build_dim_lad(lads, members, pop, points, councils)
    dim_council = (
        build_dim_council(dim_lad, pop, councils) if dim_lad.height else councils_from_reference(councils, cas)
    )
    return {
        DIM_REGION.name: build_dim_region(dim_lad, points),
        DIM_COMBINED_AUTHORITY.name: build_dim_combined_authority(dim_lad, members, points, cas),
        DIM_LAD.name: dim_lad,
        DIM_COUNCIL.name: dim_council,
        GEO_BOUNDARY.name: build_geo_boundary(stg),
    }


def _english_lad_codes(load: FileLoad, name: str) -> dict[int, set[str]]:
    """vintage -> English LAD codes in one file's staging frame `name` (empty when it has none)."""
    frame = load.tables.get(name)
    if frame is None:
        return {}
    frame = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    code = "code" if name == STG_BOUNDARY else "lad_code"
    if name == STG_BOUNDARY:
        frame = frame.filter(pl.col("level") == "lad")
    frame = frame.filter(pl.col(code).str.starts_with("E"))
    return {v: set(codes) for v, codes in frame.group_by("vintage").agg(pl.col(code)).iter_rows()}


def note_lookup_boundary_mismatches(loads: list[FileLoad]) -> None:
    """Note, on the files concerned, English LAD codes that the region lookup and the LAD boundaries do not share.

    The map joins the two on the code, so a code in only one of them is an area the map silently leaves out
    (a lookup of another vintage, a re-coded district). Compared per vintage, where both kinds of file exist.
    """
    lookups = {id(load): _english_lad_codes(load, STG_LAD_REGION) for load in loads}
    shapes = {id(load): _english_lad_codes(load, STG_BOUNDARY) for load in loads}
    in_lookups: dict[int, set[str]] = defaultdict(set)
    in_shapes: dict[int, set[str]] = defaultdict(set)
    for per_file, union in ((lookups, in_lookups), (shapes, in_shapes)):
        for by_vintage in per_file.values():
            for vintage, codes in by_vintage.items():
                union[vintage] |= codes
    for load in loads:
        for vintage, codes in lookups[id(load)].items():
            missing = sorted(codes - in_shapes[vintage]) if vintage in in_shapes else []
            if missing:
                load.notes.append(
                    f"{len(missing)} LAD code(s) have no {vintage} LAD boundary, so maps leave them out"
                    f" (e.g. {', '.join(missing[:5])})"
                )
        for vintage, codes in shapes[id(load)].items():
            extra = sorted(codes - in_lookups[vintage]) if vintage in in_lookups else []
            if extra:
                load.notes.append(
                    f"{len(extra)} LAD boundary(ies) have no row in the {vintage} LAD-region lookup"
                    f" (e.g. {', '.join(extra[:5])})"
                )


def note_borrowed_district_lists(loads: list[FileLoad]) -> None:
    """Note, on each combined-authority lookup whose vintage has no region lookup, where its districts come from,
    and any of its LAD codes that the borrowed list lacks (they are then in no combined authority)."""
    regions: dict[int, set[str]] = defaultdict(set)
    for load in loads:
        for vintage, codes in _english_lad_codes(load, STG_LAD_REGION).items():
            regions[vintage] |= codes
    if not regions:
        return
    for load in loads:
        for vintage, codes in sorted(_english_lad_codes(load, STG_LAD_CAUTH).items()):
            if vintage in regions:
                continue
            source = nearest_vintage(vintage, sorted(regions))
            load.notes.append(
                f"no {vintage} LAD-region lookup loaded: the {vintage} districts and their regions are the"
                f" {source} lookup's"
            )
            missing = sorted(codes - regions[source])
            if missing:
                load.notes.append(
                    f"{len(missing)} LAD code(s) of this lookup are not in the {source} LAD-region lookup, so they"
                    f" are in no combined authority (e.g. {', '.join(missing[:5])})"
                )
