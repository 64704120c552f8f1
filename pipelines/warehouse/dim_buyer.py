"""dim_buyer: one row per distinct buyer name, from marketplace spend and Contracts Finder notices.

Each name is resolved by `pipelines.warehouse.buyers` and placed in geography (council -> LAD -> region
and combined authority) or in a department (agency -> parent department via GOV.UK links). It joins
three domains (marketplace and notices names, geography, organisations), so it lives in the warehouse.
"""

from __future__ import annotations

import polars as pl

from pipelines.core.schema import Column, Table
from pipelines.marketplace.formats import text_key
from pipelines.warehouse.buyers import Resolver, read_council_successors, read_functional_bodies, resolve_buyers

ORG_KINDS = (
    "council",
    "combined_authority",
    "functional_body",
    "central_government",
    "devolved",
    "public_body",
    "unresolved",
)
MATCH_METHODS = ("alias", "exact", "fuzzy", "urn_postcode", "unresolved")

DIM_BUYER = Table(
    name="dim_buyer",
    kind="dimension",
    description="Every distinct buyer name, resolved to a council, combined authority or central body where possible.",
    key=("buyer_id",),
    columns=(
        Column("buyer_id", "BIGINT", "Key: a stable hash of the published name (same in the fact)", nullable=False),
        Column("buyer_name", "VARCHAR", "The name exactly as published", nullable=False),
        Column("normalized_name", "VARCHAR", "Name after normalisation (case, punctuation, council boilerplate)"),
        Column(
            "display_name",
            "VARCHAR",
            "Resolved organisation name, labelled when it has closed ('Skills Funding Agency (closed 2017; now "
            "Department for Education)'); else the published name",
            nullable=False,
        ),
        Column(
            "org_kind",
            "VARCHAR",
            "What the buyer resolved to: council, combined_authority, functional_body (of the GLA or a combined "
            "authority: Transport for London, MOPAC), central_government (UK and English bodies), devolved "
            "(Scottish, Welsh and Northern Ireland governments and their bodies), public_body (a school, police "
            "force, NHS trust, fire authority, ... placed through the CCS customer list by its postcode) or "
            "unresolved",
            nullable=False,
            allowed=ORG_KINDS,
        ),
        Column(
            "org_code",
            "VARCHAR",
            "ONS code (councils, combined authorities), GOV.UK slug, functional_bodies.csv body_code, "
            "'abolished:<old ONS code>' for an abolished council split between successors, or 'urn:<CCS URN>' "
            "for a public body from the CCS customer list",
        ),
        Column("org_name", "VARCHAR", "Resolved organisation name, as it was when the buyer bought"),
        Column("closed_year", "INTEGER", "Year the resolved organisation closed or the council was abolished"),
        Column(
            "current_org_name",
            "VARCHAR",
            "Today's organisation for a closed body or abolished council (its successors followed); null if live",
        ),
        Column("council_type", "VARCHAR", "Type of council when a council"),
        Column(
            "lad_code",
            "VARCHAR",
            "Local authority district (councils that are districts or unitaries; the district a public body's "
            "postcode is in)",
        ),
        Column("county_code", "VARCHAR", "County council code, for county councils and their districts"),
        Column("region_code", "VARCHAR", "English region"),
        Column("region_name", "VARCHAR", "English region name"),
        Column("ca_code", "VARCHAR", "Combined authority (incl. the Greater London Authority)"),
        Column("ca_name", "VARCHAR", "Combined authority name"),
        Column(
            "department_id",
            "VARCHAR",
            "Today's parent department for central government buyers (a closed body's successor's department); "
            "'govuk:<slug>' of the devolved government for devolved buyers",
        ),
        Column(
            "department_name", "VARCHAR", "Parent department or devolved government name (current name of its lineage)"
        ),
        Column(
            "match_method",
            "VARCHAR",
            "alias, exact, fuzzy, urn_postcode (the name is a CCS customer's, placed by its postcode) or unresolved",
            nullable=False,
            allowed=MATCH_METHODS,
        ),
        Column("match_score", "DOUBLE", "Match score 0-100 (100 for alias and exact)", min=0, max=100),
        Column("matched_key", "VARCHAR", "The normalised name it matched"),
        Column("postcode", "VARCHAR", "Postcode of the CCS customer record that placed a public body"),
        Column("sector", "VARCHAR", "Most frequent published sector for this name"),
        Column("n_rows", "BIGINT", "Marketplace spend rows with this name", nullable=False, min=0),
        Column("spend", "DOUBLE", "Marketplace spend with this name, GBP", nullable=False),
        Column("n_notices", "BIGINT", "Contracts Finder and Find a Tender notices with this buyer name", nullable=False, min=0),
    ),
)

TABLES = (DIM_BUYER,)


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
    schema = pl.Schema(
        {
            "buyer_id": pl.Int64,
            "buyer_name": pl.String,
            "sector": pl.String,
            "n_rows": pl.Int64,
            "spend": pl.Float64,
        }
    )
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


_NONE = pl.lit(None, dtype=pl.String)


def _place(
    org_code: pl.Expr,
    org_kind: pl.Expr,
    *,
    council_type: pl.Expr = _NONE,
    ca_code: pl.Expr | None = None,
    ca_name: pl.Expr | None = None,
) -> list[pl.Expr]:
    """The geography columns of a buyer that is not a district (no LAD or county): region and city region."""
    return [
        org_code.alias("org_code"),
        council_type.alias("council_type"),
        _NONE.alias("lad_code"),
        _NONE.alias("county_code"),
        pl.col("region_code"),
        pl.col("region_name"),
        (pl.col("ca_code") if ca_code is None else ca_code).alias("ca_code"),
        (pl.col("ca_name") if ca_name is None else ca_name).alias("ca_name"),
        org_kind.alias("org_kind"),
    ]


def build_dim_buyer(
    names: pl.DataFrame,
    resolver: Resolver,
    councils: pl.DataFrame,
    combined_authorities: pl.DataFrame,
    lads: pl.DataFrame,
    organisations: pl.DataFrame,
    departments: pl.DataFrame,
    customers: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Resolve every name and attach geography or department (pure apart from rapidfuzz).

    `customers` is dim_ccs_customer: the district of each public body placed by `urn_postcode`.
    """
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
    region_names = councils.select("region_code", "region_name").unique("region_code")
    bodies = read_functional_bodies().join(ca_geo.select("ca_code", "ca_name", "region_code", "region_name"),
                                           on="ca_code", how="left")  # fmt: skip
    body_geo = bodies.select(_place(pl.col("body_code"), pl.lit("functional_body")))
    successors = read_council_successors()
    split_geo = (
        successors.filter(pl.col("resolved_code").str.starts_with("abolished:"))
        .join(region_names, on="region_code", how="left")
        .select(
            _place(
                pl.col("resolved_code"),
                pl.lit("council"),
                council_type=pl.lit("abolished council"),
                ca_code=_NONE,
                ca_name=_NONE,
            )
        )
    )
    geo = pl.concat(
        [
            council_geo,
            body_geo,
            split_geo,
            ca_geo.select(_place(pl.col("org_code"), pl.col("org_kind"))),
            _public_body_geo(customers, councils, lads),
        ],
        how="diagonal_relaxed",
    )

    dept_names = departments.select("department_id", pl.col("lineage_name").alias("lineage_name"))
    org_dept = _today(organisations).select(
        pl.col("slug").alias("org_code"), "department_id", "department_slug", "devolved_government_slug"
    )
    dept_titles = organisations.select(pl.col("slug").alias("department_slug"), pl.col("title").alias("dept_title"))
    by_slug = departments.filter(pl.col("govuk_slug").is_not_null()).select(
        pl.col("govuk_slug").alias("org_code"), pl.col("department_id").alias("dept_from_ref")
    )
    by_pseudo = departments.select(
        (pl.lit("department:") + pl.col("department_id")).alias("org_code"),
        pl.col("department_id").alias("dept_pseudo"),
    )
    central = (
        base.filter(pl.col("org_kind").is_in(["central_government", "devolved"]))
        .select("org_code")
        .unique()
        .join(org_dept, on="org_code", how="left")
        .join(by_slug, on="org_code", how="left")
        .join(by_pseudo, on="org_code", how="left")
        .join(dept_titles, on="department_slug", how="left")
        .join(
            dept_titles.rename({"department_slug": "devolved_government_slug", "dept_title": "devolved_title"}),
            on="devolved_government_slug",
            how="left",
        )
        .with_columns(pl.coalesce("dept_from_ref", "department_id", "dept_pseudo").alias("department_id"))
        .join(dept_names, on="department_id", how="left")
        .select(
            "org_code",
            # A non-ministerial department outside our reference (Ofsted, Ofgem) is its own department;
            # a devolved body's "department" is its government.
            pl.coalesce(
                "department_id",
                pl.lit("govuk:") + pl.col("department_slug"),
                pl.lit("govuk:") + pl.col("devolved_government_slug"),
            ).alias("department_id"),
            pl.coalesce("lineage_name", "dept_title", "devolved_title").alias("department_name"),
        )
    )
    central = (
        base.filter(pl.col("org_kind").is_in(["central_government", "devolved"]))
        .select("org_kind", "org_code")
        .unique()
        .join(central, on="org_code", how="left")
    )
    closed = _closed_organisations(organisations)
    abolished = _abolished_councils(successors, councils)

    out = (
        base.join(geo, on=["org_kind", "org_code"], how="left")
        .join(central, on=["org_kind", "org_code"], how="left")
        .join(closed, on=["org_kind", "org_code"], how="left")
        # an abolished council resolves to its successor's code under its own old name
        .join(abolished, on=["org_kind", "org_code", "org_name"], how="left", suffix="_council")
        .with_columns(
            pl.coalesce("closed_year", "closed_year_council").alias("closed_year"),
            pl.coalesce("current_org_name", "current_org_name_council").alias("current_org_name"),
        )
        .with_columns(display_label().alias("display_name"))
    )
    return DIM_BUYER.conform(out)


def _public_body_geo(customers: pl.DataFrame | None, councils: pl.DataFrame, lads: pl.DataFrame) -> pl.DataFrame:
    """Geography of each placed CCS customer: its postcode's district, that district's region, combined
    authority and county (the county of the district council, where there is one)."""
    schema = {
        "org_code": pl.String,
        "council_type": pl.String,
        "lad_code": pl.String,
        "county_code": pl.String,
        "region_code": pl.String,
        "region_name": pl.String,
        "ca_code": pl.String,
        "ca_name": pl.String,
        "org_kind": pl.String,
        "postcode": pl.String,
    }
    if customers is None or not customers.height:
        return pl.DataFrame(schema=pl.Schema(schema))
    lad_geo = lads.select("lad_code", "region_code", "region_name", "ca_code", "ca_name").unique("lad_code")
    county = councils.filter(pl.col("lad_code").is_not_null()).select("lad_code", "county_code").unique("lad_code")
    placed = (
        customers.filter(pl.col("lad_code").is_not_null())
        .join(lad_geo, on="lad_code", how="left")
        .join(county, on="lad_code", how="left")
    )
    return placed.select(
        (pl.lit("urn:") + pl.col("urn").cast(pl.String)).alias("org_code"),
        _NONE.alias("council_type"),
        "lad_code",
        "county_code",
        "region_code",
        "region_name",
        "ca_code",
        "ca_name",
        pl.lit("public_body").alias("org_kind"),
        "postcode",
    ).cast(pl.Schema(schema))


def display_label() -> pl.Expr:
    """'Skills Funding Agency (closed 2017; now Department for Education)'; councils say 'abolished'."""
    verb = pl.when(pl.col("org_kind") == "council").then(pl.lit(" (abolished ")).otherwise(pl.lit(" (closed "))
    year = pl.col("closed_year").cast(pl.String)
    return (
        pl.when(pl.col("closed_year").is_not_null() & pl.col("current_org_name").is_not_null())
        .then(pl.concat_str(pl.col("org_name"), verb, year, pl.lit("; now "), pl.col("current_org_name"), pl.lit(")")))
        .when(pl.col("closed_year").is_not_null())
        .then(pl.concat_str(pl.col("org_name"), verb, year, pl.lit(")")))
        .otherwise(pl.coalesce("org_name", "buyer_name"))
    )


def _today(organisations: pl.DataFrame) -> pl.DataFrame:
    """Organisations with the department their work sits in today (a closed body's successor's)."""
    orgs = organisations
    for name in ("current_department_id", "current_department_slug", "devolved_government_slug"):
        if name not in orgs.columns:
            orgs = orgs.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    return orgs.with_columns(
        pl.coalesce("current_department_id", "department_id").alias("department_id"),
        pl.coalesce("current_department_slug", "department_slug").alias("department_slug"),
    )


def _closed_organisations(organisations: pl.DataFrame) -> pl.DataFrame:
    """org_code -> closed_year, current_org_name for closed GOV.UK and reference bodies."""
    schema = {"org_kind": pl.String, "org_code": pl.String, "closed_year": pl.Int32, "current_org_name": pl.String}
    if not {"closed_year", "successor_slug"} <= set(organisations.columns):
        return pl.DataFrame(schema=schema)
    titles = organisations.select(pl.col("slug").alias("successor_slug"), pl.col("title").alias("current_org_name"))
    closed = organisations.filter(pl.col("closed_year").is_not_null() | pl.col("successor_slug").is_not_null())
    out = closed.join(titles, on="successor_slug", how="left").select(
        pl.col("slug").alias("org_code"), pl.col("closed_year").cast(pl.Int32), "current_org_name",
        pl.col("devolved_government_slug").is_not_null().alias("devolved") if "devolved_government_slug"
        in organisations.columns else pl.lit(False).alias("devolved"),
    )  # fmt: skip
    return out.select(
        pl.when(pl.col("devolved")).then(pl.lit("devolved")).otherwise(pl.lit("central_government")).alias("org_kind"),
        "org_code",
        "closed_year",
        "current_org_name",
    ).cast(pl.Schema(schema))


def _abolished_councils(successors: pl.DataFrame, councils: pl.DataFrame) -> pl.DataFrame:
    """Abolished councils by the code and old name they resolve to, with their successors' names."""
    names = dict(zip(councils["council_id"].to_list(), councils["official_name"].to_list(), strict=True))
    rows = []
    for row in successors.iter_rows(named=True):
        successor_names = [names.get(c) or c for c in row["successor_codes"].split("|")]
        rows.append(
            {
                "org_kind": "council",
                "org_code": row["resolved_code"],
                "org_name": row["name"],
                "closed_year": row["abolished_year"],
                "current_org_name": " and ".join(successor_names),
            }
        )
    schema = {"org_kind": pl.String, "org_code": pl.String, "org_name": pl.String}
    return pl.DataFrame(rows, schema=schema | {"closed_year": pl.Int32, "current_org_name": pl.String}).rename(
        {"closed_year": "closed_year_council", "current_org_name": "current_org_name_council"}
    )


def match_rates(dim_buyer: pl.DataFrame) -> pl.DataFrame:
    """Names and spend resolved, by sector, for the build summary (the mart holds the same)."""
    spent = dim_buyer.filter(pl.col("n_rows") > 0).with_columns(pl.col("sector").fill_null("(not stated)"))
    resolved = pl.col("match_method") != "unresolved"
    return (
        spent.group_by("sector")
        .agg(
            pl.len().alias("names"),
            resolved.sum().alias("resolved"),
            pl.col("spend").sum().alias("spend"),
            pl.col("spend").filter(resolved).sum().alias("spend_resolved"),
        )
        .with_columns(
            (100 * pl.col("resolved") / pl.col("names")).alias("names_pct"),
            (100 * pl.col("spend_resolved") / pl.col("spend")).alias("spend_pct"),
        )
        .sort("spend", descending=True)
    )
