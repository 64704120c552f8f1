"""Digital Marketplace spend: the fact table's contract and the buyer dimension.

The fact itself is loaded by the warehouse writer straight from the Parquet files the
source module streamed (so 10 million rows never pass through Python); this module
declares its columns and builds `dim_buyer`: one row per distinct customer name
(from marketplace spend and Contracts Finder), resolved by `pipelines.buyers` and
placed in geography (council -> LAD -> region and combined authority) or in a
department (agency -> parent department via GOV.UK links).
"""

from __future__ import annotations

import polars as pl

from pipelines.buyers import Resolver, resolve_buyers
from pipelines.contract_types import Column, Table

FRAMEWORK_FAMILIES = ("G-Cloud", "DOS")
ORG_KINDS = ("council", "combined_authority", "central_government", "unresolved")
MATCH_METHODS = ("alias", "exact", "fuzzy", "unresolved")

FACT_MARKETPLACE_SPEND = Table(
    name="fact_marketplace_spend",
    kind="fact",
    description="One row per published Digital Marketplace (G-Cloud / DOS) spend line; credit notes are negative.",
    key=("source_file", "source_line"),
    columns=(
        Column("source_file", "VARCHAR", "Raw file the row came from", nullable=False),
        Column(
            "source_line",
            "BIGINT",
            "Line of the row in that file (header is line 1 unless banners precede it)",
            nullable=False,
            min=1,
        ),
        Column("month", "DATE", "Month the spend was reported for (first day)", nullable=False),
        Column("financial_year", "VARCHAR", "UK financial year (April-March), e.g. 2013/14", nullable=False),
        Column(
            "framework_family",
            "VARCHAR",
            "G-Cloud or DOS (Digital Outcomes and Specialists)",
            nullable=False,
            allowed=FRAMEWORK_FAMILIES,
        ),
        Column("framework_iteration", "VARCHAR", "Canonical iteration, e.g. G-Cloud 3, DOS 5", nullable=False),
        Column("framework_raw", "VARCHAR", "Framework as published"),
        Column(
            "lot_number",
            "SMALLINT",
            "G-Cloud 1-8 lot: 1 IaaS, 2 PaaS, 3 SaaS, 4 Specialist Cloud Services",
            min=1,
            max=4,
        ),
        Column("lot_name", "VARCHAR", "Lot name"),
        Column("supplier_name", "VARCHAR", "Supplier as published", nullable=False),
        Column("supplier_is_sme", "BOOLEAN", "Supplier is an SME (null where the file does not say)"),
        Column("customer_name", "VARCHAR", "Customer (buyer) as published", nullable=False),
        Column("sector", "VARCHAR", "Customer sector as published (null in the 2012-13 layout)"),
        Column(
            "amount", "DECIMAL(18,2)", "Evidenced spend in GBP excluding VAT (negative = credit note)", nullable=False
        ),
        Column("description", "VARCHAR", "Product, service or project description"),
        Column("buyer_id", "INTEGER", "The resolved buyer (dim_buyer)", nullable=False),
    ),
)

DIM_BUYER = Table(
    name="dim_buyer",
    kind="dimension",
    description="Every distinct buyer name, resolved to a council, combined authority or central body where possible.",
    key=("buyer_id",),
    columns=(
        Column("buyer_id", "INTEGER", "Surrogate key", nullable=False, min=1),
        Column("buyer_name", "VARCHAR", "The name exactly as published (unique)", nullable=False),
        Column("normalized_name", "VARCHAR", "Name after normalisation (case, punctuation, council boilerplate)"),
        Column("display_name", "VARCHAR", "Resolved organisation name, else the published name", nullable=False),
        Column("org_kind", "VARCHAR", "What the buyer resolved to", nullable=False, allowed=ORG_KINDS),
        Column("org_code", "VARCHAR", "ONS code (councils, combined authorities) or GOV.UK slug"),
        Column("org_name", "VARCHAR", "Resolved organisation name"),
        Column("council_type", "VARCHAR", "Type of council when a council"),
        Column("lad_code", "VARCHAR", "Local authority district (councils that are districts or unitaries)"),
        Column("county_code", "VARCHAR", "County council code, for county councils and their districts"),
        Column("region_code", "VARCHAR", "English region"),
        Column("region_name", "VARCHAR", "English region name"),
        Column("ca_code", "VARCHAR", "Combined authority (incl. the Greater London Authority)"),
        Column("ca_name", "VARCHAR", "Combined authority name"),
        Column("department_id", "VARCHAR", "Parent department for central government buyers"),
        Column("department_name", "VARCHAR", "Parent department name (current name of its lineage)"),
        Column("match_method", "VARCHAR", "alias, exact, fuzzy or unresolved", nullable=False, allowed=MATCH_METHODS),
        Column("match_score", "DOUBLE", "Match score 0-100 (100 for alias and exact)", min=0, max=100),
        Column("matched_key", "VARCHAR", "The normalised name it matched"),
        Column("sector", "VARCHAR", "Most frequent published sector for this name"),
        Column("n_rows", "BIGINT", "Marketplace spend rows with this name", nullable=False, min=0),
        Column("spend", "DOUBLE", "Marketplace spend with this name, GBP", nullable=False),
        Column("n_notices", "BIGINT", "Contracts Finder notices with this buyer name", nullable=False, min=0),
    ),
)

TABLES = (FACT_MARKETPLACE_SPEND, DIM_BUYER)


def distinct_buyer_names(spend: pl.LazyFrame, notices: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per distinct buyer name: most frequent sector, rows, spend, notices.

    `spend` has staging columns customer_name, sector, amount; `notices` has buyer_name.
    """
    by_name = (
        spend.group_by("customer_name")
        .agg(
            pl.col("sector").drop_nulls().mode().sort().first().alias("sector"),
            pl.len().alias("n_rows"),
            pl.col("amount").cast(pl.Float64).sum().alias("spend"),
        )
        .rename({"customer_name": "buyer_name"})
        .collect(engine="streaming")
    )
    if notices is not None and notices.height:
        counted = (
            notices.filter(pl.col("buyer_name").is_not_null()).group_by("buyer_name").agg(pl.len().alias("n_notices"))
        )
        by_name = by_name.join(counted, on="buyer_name", how="full", coalesce=True)
    else:
        by_name = by_name.with_columns(pl.lit(0, dtype=pl.UInt32).alias("n_notices"))
    return by_name.with_columns(
        pl.col("n_rows").fill_null(0).cast(pl.Int64),
        pl.col("spend").fill_null(0.0),
        pl.col("n_notices").fill_null(0).cast(pl.Int64),
    ).sort("buyer_name")


def build_dim_buyer(
    names: pl.DataFrame,
    resolver: Resolver,
    councils: pl.DataFrame,
    combined_authorities: pl.DataFrame,
    lads: pl.DataFrame,
    organisations: pl.DataFrame,
    departments: pl.DataFrame,
) -> pl.DataFrame:
    """Resolve every name and attach geography or department (pure apart from rapidfuzz)."""
    resolved = resolve_buyers(names.select("buyer_name", "sector"), resolver)
    base = names.join(resolved, on="buyer_name", how="left")

    council_geo = councils.select(
        pl.col("council_id").alias("org_code"),
        "council_type",
        "lad_code",
        "county_code",
        "region_code",
        "region_name",
        "ca_code",
        "ca_name",
    ).with_columns(pl.lit("council").alias("org_kind"))

    ca_region = (
        lads.filter(pl.col("ca_code").is_not_null())
        .group_by("ca_code")
        .agg(
            pl.col("region_code").mode().sort().first(),
            pl.col("region_name").mode().sort().first(),
        )
    )
    ca_geo = (
        combined_authorities.select(pl.col("ca_code"), pl.col("ca_name"))
        .unique("ca_code", keep="last")
        .join(ca_region, on="ca_code", how="left")
        .with_columns(pl.col("ca_code").alias("org_code"), pl.lit("combined_authority").alias("org_kind"))
    )
    geo = pl.concat(
        [
            council_geo,
            ca_geo.select(
                "org_code",
                pl.lit(None, dtype=pl.String).alias("council_type"),
                pl.lit(None, dtype=pl.String).alias("lad_code"),
                pl.lit(None, dtype=pl.String).alias("county_code"),
                "region_code",
                "region_name",
                "ca_code",
                "ca_name",
                "org_kind",
            ),
        ],
        how="vertical_relaxed",
    )

    dept_names = departments.select("department_id", pl.col("lineage_name").alias("lineage_name"))
    org_dept = organisations.select(pl.col("slug").alias("org_code"), "department_id", "department_slug")
    dept_titles = organisations.select(pl.col("slug").alias("department_slug"), pl.col("title").alias("dept_title"))
    by_slug = departments.filter(pl.col("govuk_slug").is_not_null()).select(
        pl.col("govuk_slug").alias("org_code"), pl.col("department_id").alias("dept_from_ref")
    )
    by_pseudo = departments.select(
        (pl.lit("department:") + pl.col("department_id")).alias("org_code"), pl.col("department_id").alias("dept_pseudo")
    )
    central = (
        base.filter(pl.col("org_kind") == "central_government")
        .select("org_code")
        .unique()
        .join(org_dept, on="org_code", how="left")
        .join(by_slug, on="org_code", how="left")
        .join(by_pseudo, on="org_code", how="left")
        .join(dept_titles, on="department_slug", how="left")
        .with_columns(pl.coalesce("dept_from_ref", "department_id", "dept_pseudo").alias("department_id"))
        .join(dept_names, on="department_id", how="left")
        .select(
            "org_code",
            # A non-ministerial department outside our reference (Ofsted, Ofgem) is its own department.
            pl.coalesce("department_id", pl.lit("govuk:") + pl.col("department_slug")).alias("department_id"),
            pl.coalesce("lineage_name", "dept_title").alias("department_name"),
            pl.lit("central_government").alias("org_kind"),
        )
    )

    out = (
        base.join(geo, on=["org_kind", "org_code"], how="left")
        .join(central, on=["org_kind", "org_code"], how="left")
        .with_columns(
            pl.coalesce("org_name", "buyer_name").alias("display_name"),
            pl.int_range(1, pl.len() + 1, dtype=pl.Int32).alias("buyer_id"),
        )
    )
    return DIM_BUYER.conform(out)
