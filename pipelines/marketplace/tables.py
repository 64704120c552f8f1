"""Digital Marketplace spend: the fact table's contract and the buyer dimension.

The fact itself is loaded by the warehouse writer straight from the Parquet files the
source module streamed (so 10 million rows never pass through Python); this module
declares its columns and builds `dim_buyer`: one row per distinct customer name
(from marketplace spend and Contracts Finder), resolved by `pipelines.buyers` and
placed in geography (council -> LAD -> region and combined authority) or in a
department (agency -> parent department via GOV.UK links).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.buyers import Resolver, resolve_buyers
from pipelines.core.loading import REJECT_CODE, FileLoad
from pipelines.core.schema import Column, Table
from pipelines.marketplace.formats import (
    CODE,
    CODES,
    CUSTOMERS,
    DESCRIPTIONS,
    STAGING,
    SUPPLIERS,
    loaded_rows,
    text_key,
)

FRAMEWORK_FAMILIES = ("G-Cloud", "DOS")
ORG_KINDS = ("council", "combined_authority", "central_government", "unresolved")
MATCH_METHODS = ("alias", "exact", "fuzzy", "unresolved")

FACT_MARKETPLACE_SPEND = Table(
    name="fact_marketplace_spend",
    kind="fact",
    description=(
        "One row per published Digital Marketplace (G-Cloud / DOS) spend line; credit notes are negative. "
        "A star: month, framework, lot, sector and SME flag sit in dim_spend_code; names in dim_supplier, "
        "dim_buyer and dim_description. The view v_marketplace_spend shows every row in full."
    ),
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
        Column(
            "spend_code_id", "BIGINT", "Month, framework, lot, sector and SME flag (dim_spend_code)", nullable=False
        ),
        Column("buyer_id", "BIGINT", "The customer as published (dim_buyer)", nullable=False),
        Column("supplier_id", "BIGINT", "The supplier as published (dim_supplier)", nullable=False),
        Column("description_id", "BIGINT", "Product, service or project description (dim_description)"),
        Column(
            "amount", "DECIMAL(18,2)", "Evidenced spend in GBP excluding VAT (negative = credit note)", nullable=False
        ),
    ),
    extra_checks=(
        (
            "every spend row has its spend code, buyer and supplier",
            """SELECT 'spend_code_id' AS missing, spend_code_id FROM (
                   SELECT DISTINCT spend_code_id FROM fact_marketplace_spend
                   EXCEPT SELECT spend_code_id FROM dim_spend_code)
               UNION ALL SELECT 'buyer_id', buyer_id FROM (
                   SELECT DISTINCT buyer_id FROM fact_marketplace_spend EXCEPT SELECT buyer_id FROM dim_buyer)
               UNION ALL SELECT 'supplier_id', supplier_id FROM (
                   SELECT DISTINCT supplier_id FROM fact_marketplace_spend EXCEPT SELECT supplier_id FROM dim_supplier)
               LIMIT 3""",
        ),
    ),
)

DIM_SPEND_CODE = Table(
    name="dim_spend_code",
    kind="dimension",
    description="Each distinct month / framework / lot / sector / SME-flag combination published, parsed once.",
    key=("spend_code_id",),
    columns=(
        Column("spend_code_id", "BIGINT", "Key (a stable hash of the layout and the raw values)", nullable=False),
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
        Column("supplier_is_sme", "BOOLEAN", "Supplier is an SME (null where the file does not say)"),
        Column("sector", "VARCHAR", "Customer sector as published (null in the 2012-13 layout)"),
    ),
)

DIM_SUPPLIER = Table(
    name="dim_supplier",
    kind="dimension",
    description="Every supplier name as published (trimmed), keyed by its raw text.",
    key=("supplier_id",),
    columns=(
        Column("supplier_id", "BIGINT", "Key (a stable hash of the raw text)", nullable=False),
        Column("supplier_name", "VARCHAR", "Supplier name, whitespace trimmed", nullable=False),
        Column("supplier_name_raw", "VARCHAR", "Supplier name exactly as published", nullable=False),
    ),
)

DIM_DESCRIPTION = Table(
    name="dim_description",
    kind="dimension",
    description="Every product, service or project description published, keyed by its raw text.",
    key=("description_id",),
    columns=(
        Column("description_id", "BIGINT", "Key (a stable hash of the raw text)", nullable=False),
        Column("description", "VARCHAR", "Description, whitespace trimmed"),
    ),
)

DIM_BUYER = Table(
    name="dim_buyer",
    kind="dimension",
    description="Every distinct buyer name, resolved to a council, combined authority or central body where possible.",
    key=("buyer_id",),
    columns=(
        Column("buyer_id", "BIGINT", "Key: a stable hash of the published name (same in the fact)", nullable=False),
        Column("buyer_name", "VARCHAR", "The name exactly as published", nullable=False),
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

TABLES = (FACT_MARKETPLACE_SPEND, DIM_SPEND_CODE, DIM_SUPPLIER, DIM_DESCRIPTION, DIM_BUYER)

#: Views over the star, created after the tables: every spend row in full, as published and resolved.
VIEWS = {
    "v_marketplace_spend": """
        SELECT f.source_file, f.source_line, c.month, c.financial_year, c.framework_family, c.framework_iteration,
               c.framework_raw, c.lot_number, c.lot_name, s.supplier_name, c.supplier_is_sme,
               b.buyer_name AS customer_name, c.sector, f.amount, d.description, f.buyer_id, b.display_name AS buyer,
               b.org_kind, b.region_name, b.ca_name, b.lad_code, b.department_name
        FROM fact_marketplace_spend f
        JOIN dim_spend_code c USING (spend_code_id)
        JOIN dim_supplier s USING (supplier_id)
        JOIN dim_buyer b USING (buyer_id)
        LEFT JOIN dim_description d USING (description_id)
    """,
}


def distinct_buyer_names(
    spend: pl.LazyFrame,
    codes: pl.DataFrame,
    customers: pl.DataFrame,
    notices: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per buyer key: published name, most frequent sector (by rows), rows, spend, notices.

    `spend` holds loaded keyed rows (buyer_id, spend_code_id, amount); `codes` maps spend codes to
    sectors; `customers` maps buyer_id to the published name; `notices` has buyer_name.
    """
    schema = {
        "buyer_id": pl.Int64,
        "buyer_name": pl.String,
        "sector": pl.String,
        "n_rows": pl.Int64,
        "spend": pl.Float64,
    }
    per_code = (
        spend.group_by("buyer_id", "spend_code_id")
        .agg(pl.len().alias("n"), pl.col("amount").cast(pl.Float64).sum().alias("spend"))
        .collect(engine="streaming")
    )
    if per_code.height:
        with_sector = per_code.join(codes.select("spend_code_id", "sector"), on="spend_code_id", how="left")
        sector = (
            with_sector.filter(pl.col("sector").is_not_null())
            .group_by("buyer_id", "sector")
            .agg(pl.col("n").sum())
            .sort(["buyer_id", "n", "sector"], descending=[False, True, False])
            .group_by("buyer_id", maintain_order=True)
            .agg(pl.col("sector").first())
        )
        totals = per_code.group_by("buyer_id").agg(
            pl.col("n").sum().cast(pl.Int64).alias("n_rows"), pl.col("spend").sum()
        )
        names = customers.select("buyer_id", pl.col("customer_name_raw").alias("buyer_name")).unique("buyer_id")
        by_name = totals.join(sector, on="buyer_id", how="left").join(names, on="buyer_id", how="left")
        by_name = by_name.select(list(schema)).cast(schema)
    else:
        by_name = pl.DataFrame(schema=schema)
    if notices is not None and notices.height:
        counted = (
            notices.filter(pl.col("buyer_name").is_not_null())
            .group_by("buyer_name")
            .agg(pl.len().cast(pl.Int64).alias("n_notices"))
            .with_columns(text_key(pl.col("buyer_name")).alias("buyer_id"))
        )
        by_name = (
            by_name.join(counted, on="buyer_id", how="full", coalesce=True)
            .with_columns(pl.coalesce("buyer_name", "buyer_name_right").alias("buyer_name"))
            .drop("buyer_name_right")
        )
    else:
        by_name = by_name.with_columns(pl.lit(0, dtype=pl.Int64).alias("n_notices"))
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
    resolved = resolve_buyers(names.select("buyer_name", "sector").unique("buyer_name"), resolver)
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
        (pl.lit("department:") + pl.col("department_id")).alias("org_code"),
        pl.col("department_id").alias("dept_pseudo"),
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
        )
    )
    return DIM_BUYER.conform(out)


def parquet_files(loads: list[FileLoad]) -> list[tuple[FileLoad, Path]]:
    """The marketplace files among `loads`, each with the Parquet file its rows were streamed to."""
    return [(load, p) for load in loads for n, p in load.parquet.items() if n == STAGING]


def marketplace_lookups(files: list[tuple[FileLoad, Path]]) -> dict[str, pl.DataFrame]:
    """Every file's lookups, concatenated and de-duplicated on their keys (keys are content hashes)."""
    keys = {CODES: CODE, SUPPLIERS: "supplier_id", CUSTOMERS: "buyer_id", DESCRIPTIONS: "description_id"}
    out: dict[str, pl.DataFrame] = {}
    for kind, key in keys.items():
        frames = [load.lookups[kind] for load, _ in files]
        out[kind] = (
            pl.concat(frames, how="vertical_relaxed").unique(key, keep="first", maintain_order=True)
            if frames
            else pl.DataFrame()
        )
    return out


def marketplace_rows(files: list[tuple[FileLoad, Path]], superseded: pl.DataFrame) -> pl.LazyFrame:
    """Loaded keyed marketplace rows across files (lazily, from Parquet) minus superseded months."""
    frames = [loaded_rows(pl.scan_parquet(p), load.lookups) for load, p in files]
    if not frames:
        return pl.LazyFrame(schema={"buyer_id": pl.Int64, CODE: pl.Int64, "amount": pl.Decimal(18, 2)})
    rows = pl.concat(frames)
    if superseded.height:
        rows = rows.join(superseded.lazy(), on=["source_file", CODE], how="anti")
    return rows


def marketplace_dimensions(
    lookups: dict[str, pl.DataFrame], files: list[tuple[FileLoad, Path]]
) -> dict[str, pl.DataFrame]:
    """dim_spend_code, dim_supplier, dim_description from the lookups (valid keys only)."""
    if not files:
        return {t.name: t.empty() for t in (DIM_SPEND_CODE, DIM_SUPPLIER, DIM_DESCRIPTION)}
    return {
        DIM_SPEND_CODE.name: DIM_SPEND_CODE.conform(lookups[CODES].filter(pl.col(REJECT_CODE).is_null())),
        DIM_SUPPLIER.name: DIM_SUPPLIER.conform(lookups[SUPPLIERS].filter(pl.col("supplier_name").is_not_null())),
        DIM_DESCRIPTION.name: DIM_DESCRIPTION.conform(lookups[DESCRIPTIONS]),
    }
