"""Marts: tables shaped for the questions the dashboard pages ask, built once per build.

The heavy lifting happens here, in DuckDB inside the new warehouse file, so a page
only ever reads a few hundred rows. Areas are today's geography (the latest vintage of
the ONS lookups) applied to every year, so a city region's trend compares like with like;
`dim_area.vintage` says which vintage that is.

Area levels: `national` (every buyer, UK-wide: code ALL), `region`, `combined_authority`
(incl. the Greater London Authority) and `lad` (a council's own district).
"""

from __future__ import annotations

import duckdb

from pipelines.core.schema import Column, Table

AREA_LEVELS = ("national", "region", "combined_authority", "lad")
NATIONAL_CODE = "ALL"
NATIONAL_NAME = "All buyers (UK-wide)"


def _area_cols() -> tuple[Column, ...]:
    return (
        Column(
            "area_level", "VARCHAR", "national, region, combined_authority or lad", nullable=False, allowed=AREA_LEVELS
        ),
        Column("area_code", "VARCHAR", "ONS code of the area (ALL for national)", nullable=False),
    )


DIM_AREA = Table(
    name="dim_area",
    kind="mart",
    description="Every area a user can pick, with population and centroid (latest geography vintage).",
    key=("area_level", "area_code"),
    columns=(
        *_area_cols(),
        Column("area_name", "VARCHAR", "Area name", nullable=False),
        Column("parent_code", "VARCHAR", "Region of a combined authority or district"),
        Column("vintage", "INTEGER", "Geography vintage (year)"),
        Column("population", "BIGINT", "Residents (mid-year estimate; sum of districts)", min=0),
        Column("longitude", "DOUBLE", "Centroid longitude (WGS84)", min=-9, max=3),
        Column("latitude", "DOUBLE", "Centroid latitude (WGS84)", min=49, max=61),
        Column(
            "n_councils",
            "BIGINT",
            "Councils in the area (districts, unitaries, boroughs and counties)",
            nullable=False,
            min=0,
        ),
    ),
)

BRIDGE_BUYER_AREA = Table(
    name="bridge_buyer_area",
    kind="mart",
    description="Which areas each buyer counts in (every buyer counts in national).",
    key=("buyer_id", "area_level", "area_code"),
    columns=(Column("buyer_id", "BIGINT", "dim_buyer key", nullable=False), *_area_cols()),
)

_SPEND_COLS = (
    Column("spend", "DOUBLE", "Spend, GBP (credit notes netted off)", nullable=False),
    Column("sme_spend", "DOUBLE", "Spend with suppliers flagged SME, GBP", nullable=False),
    Column("large_spend", "DOUBLE", "Spend with suppliers flagged large, GBP", nullable=False),
    Column(
        "unknown_size_spend", "DOUBLE", "Spend where the file does not say the supplier's size, GBP", nullable=False
    ),
    Column("n_transactions", "BIGINT", "Spend lines", nullable=False, min=0),
    Column("n_buyers", "BIGINT", "Distinct buyers", nullable=False, min=0),
)

MART_MONTHLY = Table(
    name="mart_marketplace_monthly",
    kind="mart",
    description="Marketplace spend by area, month and framework family.",
    key=("area_level", "area_code", "month", "framework_family"),
    columns=(
        *_area_cols(),
        Column("month", "DATE", "Month", nullable=False),
        Column("financial_year", "VARCHAR", "Financial year of the month", nullable=False),
        Column("framework_family", "VARCHAR", "G-Cloud or DOS", nullable=False, allowed=("G-Cloud", "DOS")),
        *_SPEND_COLS,
    ),
)

MART_YEARLY = Table(
    name="mart_marketplace_yearly",
    kind="mart",
    description="Marketplace spend by area and financial year, with SME share, buyers, councils and spend per head.",
    key=("area_level", "area_code", "financial_year"),
    columns=(
        *_area_cols(),
        Column("area_name", "VARCHAR", "Area name", nullable=False),
        Column("financial_year", "VARCHAR", "Financial year", nullable=False),
        *_SPEND_COLS,
        Column(
            "sme_share_pct",
            "DOUBLE",
            "SME spend as % of spend whose supplier size is known (null when credit notes make either side negative)",
            min=0,
            max=100,
        ),
        Column("n_councils_buying", "BIGINT", "Councils in the area that bought this year", nullable=False, min=0),
        Column("n_councils_total", "BIGINT", "Councils in the area", nullable=False, min=0),
        Column("population", "BIGINT", "Residents (null for national)"),
        Column("spend_per_1000", "DOUBLE", "Spend per 1,000 residents, GBP"),
    ),
)

MART_TOP_BUYERS = Table(
    name="mart_marketplace_top_buyers",
    kind="mart",
    description="Spend per buyer, area and financial year (pages rank them).",
    key=("area_level", "area_code", "financial_year", "buyer_id"),
    columns=(
        *_area_cols(),
        Column("financial_year", "VARCHAR", "Financial year", nullable=False),
        Column("buyer_id", "BIGINT", "dim_buyer key", nullable=False),
        Column("buyer_name", "VARCHAR", "Buyer (resolved name where resolved)", nullable=False),
        Column("org_kind", "VARCHAR", "What the buyer is", nullable=False),
        Column("sector", "VARCHAR", "Published sector"),
        Column("spend", "DOUBLE", "Spend, GBP", nullable=False),
        Column("sme_spend", "DOUBLE", "Spend with SMEs, GBP", nullable=False),
        Column("n_transactions", "BIGINT", "Spend lines", nullable=False, min=0),
    ),
)

MART_TOP_SUPPLIERS = Table(
    name="mart_marketplace_top_suppliers",
    kind="mart",
    description="Spend per supplier, area and financial year (pages rank them).",
    key=("area_level", "area_code", "financial_year", "supplier_name"),
    columns=(
        *_area_cols(),
        Column("financial_year", "VARCHAR", "Financial year", nullable=False),
        Column("supplier_name", "VARCHAR", "Supplier as published", nullable=False),
        Column("supplier_is_sme", "BOOLEAN", "Supplier flagged SME in most of its rows (null when never stated)"),
        Column("spend", "DOUBLE", "Spend, GBP", nullable=False),
        Column("n_buyers", "BIGINT", "Distinct buyers", nullable=False, min=0),
        Column("n_transactions", "BIGINT", "Spend lines", nullable=False, min=0),
    ),
)

MART_COUNCIL_YEARLY = Table(
    name="mart_council_spend_yearly",
    kind="mart",
    description="Marketplace spend per council and financial year (councils that bought).",
    key=("council_id", "financial_year"),
    columns=(
        Column("council_id", "VARCHAR", "dim_council key", nullable=False),
        Column("financial_year", "VARCHAR", "Financial year", nullable=False),
        Column("spend", "DOUBLE", "Spend, GBP", nullable=False),
        Column("n_transactions", "BIGINT", "Spend lines", nullable=False, min=0),
    ),
)

MART_NEVER_BOUGHT = Table(
    name="mart_councils_never_bought",
    kind="mart",
    description="Councils with no resolved Digital Marketplace spend in any year, per area they belong to.",
    key=("area_level", "area_code", "council_id"),
    columns=(
        *_area_cols(),
        Column("council_id", "VARCHAR", "Council code", nullable=False),
        Column("council_name", "VARCHAR", "ONS name", nullable=False),
        Column("official_name", "VARCHAR", "How the council names itself"),
        Column("council_type", "VARCHAR", "Type of council", nullable=False),
        Column("region_name", "VARCHAR", "Region"),
        Column("ca_name", "VARCHAR", "Combined authority"),
    ),
)

MART_MATCH_RATES = Table(
    name="mart_buyer_match_rates",
    kind="mart",
    description="How many marketplace buyer names, and how much spend, resolved to an organisation, by sector.",
    key=("sector",),
    columns=(
        Column(
            "sector",
            "VARCHAR",
            "Published sector ('All sectors' for the total; '(not stated)' when blank)",
            nullable=False,
        ),
        Column("n_names", "BIGINT", "Distinct buyer names", nullable=False, min=0),
        Column("n_resolved", "BIGINT", "Names resolved", nullable=False, min=0),
        Column("n_alias", "BIGINT", "Resolved by the alias file", nullable=False, min=0),
        Column("n_exact", "BIGINT", "Resolved by exact normalised name", nullable=False, min=0),
        Column("n_fuzzy", "BIGINT", "Resolved by fuzzy match", nullable=False, min=0),
        Column("names_resolved_pct", "DOUBLE", "% of names resolved", min=0, max=100),
        Column("spend", "DOUBLE", "Spend, GBP", nullable=False),
        Column("spend_resolved", "DOUBLE", "Spend by resolved buyers, GBP", nullable=False),
        Column("spend_resolved_pct", "DOUBLE", "% of spend by resolved buyers"),
    ),
)

MART_NOTICE_AREA = Table(
    name="mart_notice_area",
    kind="mart",
    description="Which areas each Contracts Finder notice counts in (by resolved buyer, else by published region).",
    key=("notice_id", "area_level", "area_code"),
    columns=(
        Column("notice_id", "VARCHAR", "fact_contract_notice key", nullable=False),
        *_area_cols(),
        Column("buyer_type", "VARCHAR", "council, combined_authority, central_government or other", nullable=False),
    ),
)

TABLES = (
    DIM_AREA,
    BRIDGE_BUYER_AREA,
    MART_MONTHLY,
    MART_YEARLY,
    MART_TOP_BUYERS,
    MART_TOP_SUPPLIERS,
    MART_COUNCIL_YEARLY,
    MART_NEVER_BOUGHT,
    MART_MATCH_RATES,
    MART_NOTICE_AREA,
)

# Each statement fills one mart from tables already loaded. Order matters.
STATEMENTS: tuple[tuple[str, str], ...] = (
    (
        "latest geography",
        """
        CREATE TEMP TABLE _lad AS
        SELECT * FROM dim_lad WHERE vintage = (SELECT max(vintage) FROM dim_lad);
        CREATE TEMP TABLE _ca AS
        SELECT * FROM dim_combined_authority
        WHERE vintage = (SELECT max(vintage) FROM dim_combined_authority);
        CREATE TEMP TABLE _region AS
        SELECT * FROM dim_region WHERE vintage = (SELECT max(vintage) FROM dim_region);
        """,
    ),
    (
        "dim_area",
        f"""
        INSERT INTO dim_area
        SELECT 'national', '{NATIONAL_CODE}', '{NATIONAL_NAME}', NULL, (SELECT max(vintage) FROM _lad),
               NULL, -1.5, 53.0, (SELECT count(*) FROM dim_council)
        UNION ALL
        SELECT 'region', r.region_code, r.region_name, NULL, r.vintage, r.population, r.longitude, r.latitude,
               (SELECT count(*) FROM dim_council c WHERE c.region_code = r.region_code)
        FROM _region r
        UNION ALL
        SELECT 'combined_authority', a.ca_code, a.ca_name,
               (SELECT min(l.region_code) FROM _lad l WHERE l.ca_code = a.ca_code), a.vintage, a.population,
               a.longitude, a.latitude, (SELECT count(*) FROM dim_council c WHERE c.ca_code = a.ca_code)
        FROM _ca a
        UNION ALL
        SELECT 'lad', l.lad_code, l.lad_name, l.region_code, l.vintage, l.population, l.longitude, l.latitude, 1
        FROM _lad l
        """,  # noqa: S608 - constants only
    ),
    (
        "bridge_buyer_area",
        f"""
        INSERT INTO bridge_buyer_area
        SELECT buyer_id, 'national', '{NATIONAL_CODE}' FROM dim_buyer
        UNION ALL SELECT buyer_id, 'region', region_code FROM dim_buyer WHERE region_code IS NOT NULL
        UNION ALL SELECT buyer_id, 'combined_authority', ca_code FROM dim_buyer WHERE ca_code IS NOT NULL
        UNION ALL SELECT buyer_id, 'lad', lad_code FROM dim_buyer WHERE lad_code IS NOT NULL
        """,  # noqa: S608 - constants only
    ),
    (
        "per-buyer monthly aggregate",
        """
        CREATE TEMP TABLE _buyer_month AS
        SELECT f.buyer_id, c.month, c.financial_year, c.framework_family,
               sum(f.amount)::DOUBLE AS spend,
               coalesce(sum(f.amount) FILTER (WHERE c.supplier_is_sme), 0)::DOUBLE AS sme_spend,
               coalesce(sum(f.amount) FILTER (WHERE NOT c.supplier_is_sme), 0)::DOUBLE AS large_spend,
               coalesce(sum(f.amount) FILTER (WHERE c.supplier_is_sme IS NULL), 0)::DOUBLE AS unknown_size_spend,
               count(*) AS n_transactions
        FROM fact_marketplace_spend f JOIN dim_spend_code c USING (spend_code_id)
        GROUP BY ALL
        """,
    ),
    (
        "mart_marketplace_monthly",
        """
        INSERT INTO mart_marketplace_monthly
        SELECT a.area_level, a.area_code, m.month, m.financial_year, m.framework_family,
               sum(m.spend), sum(m.sme_spend), sum(m.large_spend), sum(m.unknown_size_spend),
               sum(m.n_transactions), count(DISTINCT m.buyer_id)
        FROM _buyer_month m JOIN bridge_buyer_area a USING (buyer_id)
        GROUP BY ALL
        """,
    ),
    (
        "mart_council_spend_yearly",
        """
        INSERT INTO mart_council_spend_yearly
        SELECT b.org_code, m.financial_year, sum(m.spend), sum(m.n_transactions)
        FROM _buyer_month m JOIN dim_buyer b USING (buyer_id)
        WHERE b.org_kind = 'council' AND b.org_code IN (SELECT council_id FROM dim_council)
        GROUP BY ALL
        """,
    ),
    (
        "council areas",
        f"""
        CREATE TEMP TABLE _council_area AS
        SELECT council_id, 'national' AS area_level, '{NATIONAL_CODE}' AS area_code FROM dim_council
        UNION ALL SELECT council_id, 'region', region_code FROM dim_council WHERE region_code IS NOT NULL
        UNION ALL SELECT council_id, 'combined_authority', ca_code FROM dim_council WHERE ca_code IS NOT NULL
        UNION ALL SELECT council_id, 'lad', lad_code FROM dim_council WHERE lad_code IS NOT NULL
        """,  # noqa: S608 - constants only
    ),
    (
        "mart_marketplace_yearly",
        """
        INSERT INTO mart_marketplace_yearly
        WITH spend AS (
            SELECT a.area_level, a.area_code, m.financial_year,
                   sum(m.spend) AS spend, sum(m.sme_spend) AS sme_spend, sum(m.large_spend) AS large_spend,
                   sum(m.unknown_size_spend) AS unknown_size_spend, sum(m.n_transactions) AS n_transactions,
                   count(DISTINCT m.buyer_id) AS n_buyers
            FROM _buyer_month m JOIN bridge_buyer_area a USING (buyer_id)
            GROUP BY ALL
        ),
        buying AS (
            SELECT ca.area_level, ca.area_code, y.financial_year, count(DISTINCT y.council_id) AS n_councils_buying
            FROM mart_council_spend_yearly y JOIN _council_area ca USING (council_id)
            WHERE y.spend > 0
            GROUP BY ALL
        )
        SELECT s.area_level, s.area_code, d.area_name, s.financial_year, s.spend, s.sme_spend, s.large_spend,
               s.unknown_size_spend, s.n_transactions, s.n_buyers,
               CASE WHEN s.sme_spend >= 0 AND s.large_spend >= 0 AND s.sme_spend + s.large_spend > 0
                    THEN round(100 * s.sme_spend / (s.sme_spend + s.large_spend), 4) END,
               coalesce(b.n_councils_buying, 0), d.n_councils, d.population,
               CASE WHEN d.population > 0 THEN 1000 * s.spend / d.population END
        FROM spend s
        JOIN dim_area d USING (area_level, area_code)
        LEFT JOIN buying b USING (area_level, area_code, financial_year)
        """,
    ),
    (
        "mart_marketplace_top_buyers",
        """
        INSERT INTO mart_marketplace_top_buyers
        SELECT a.area_level, a.area_code, m.financial_year, m.buyer_id, b.display_name, b.org_kind, b.sector,
               sum(m.spend), sum(m.sme_spend), sum(m.n_transactions)
        FROM _buyer_month m JOIN bridge_buyer_area a USING (buyer_id) JOIN dim_buyer b USING (buyer_id)
        GROUP BY ALL
        """,
    ),
    (
        "mart_marketplace_top_suppliers",
        """
        CREATE TEMP TABLE _supplier_buyer AS
        WITH by_key AS (
            SELECT f.supplier_id, f.buyer_id, c.financial_year, sum(f.amount)::DOUBLE AS spend,
                   count(*) AS n_transactions, count(*) FILTER (WHERE c.supplier_is_sme) AS n_sme,
                   count(*) FILTER (WHERE NOT c.supplier_is_sme) AS n_large
            FROM fact_marketplace_spend f JOIN dim_spend_code c USING (spend_code_id)
            GROUP BY ALL
        )
        SELECT s.supplier_name, k.buyer_id, k.financial_year, sum(k.spend) AS spend,
               sum(k.n_transactions) AS n_transactions, sum(k.n_sme) AS n_sme, sum(k.n_large) AS n_large
        FROM by_key k JOIN dim_supplier s USING (supplier_id)
        GROUP BY ALL;
        INSERT INTO mart_marketplace_top_suppliers
        SELECT a.area_level, a.area_code, s.financial_year, s.supplier_name,
               CASE WHEN sum(s.n_sme) + sum(s.n_large) = 0 THEN NULL ELSE sum(s.n_sme) >= sum(s.n_large) END,
               sum(s.spend), count(DISTINCT s.buyer_id), sum(s.n_transactions)
        FROM _supplier_buyer s JOIN bridge_buyer_area a USING (buyer_id)
        GROUP BY ALL
        """,
    ),
    (
        "mart_councils_never_bought",
        """
        INSERT INTO mart_councils_never_bought
        SELECT ca.area_level, ca.area_code, c.council_id, c.council_name, c.official_name, c.council_type,
               c.region_name, c.ca_name
        FROM dim_council c JOIN _council_area ca USING (council_id)
        WHERE c.council_id NOT IN (SELECT council_id FROM mart_council_spend_yearly WHERE spend > 0)
        """,
    ),
    (
        "mart_buyer_match_rates",
        """
        INSERT INTO mart_buyer_match_rates
        WITH b AS (
            SELECT coalesce(sector, '(not stated)') AS sector, match_method, spend
            FROM dim_buyer WHERE n_rows > 0
        ),
        grouped AS (
            SELECT sector, count(*) AS n_names,
                   count(*) FILTER (WHERE match_method <> 'unresolved') AS n_resolved,
                   count(*) FILTER (WHERE match_method = 'alias') AS n_alias,
                   count(*) FILTER (WHERE match_method = 'exact') AS n_exact,
                   count(*) FILTER (WHERE match_method = 'fuzzy') AS n_fuzzy,
                   sum(spend) AS spend,
                   coalesce(sum(spend) FILTER (WHERE match_method <> 'unresolved'), 0) AS spend_resolved
            FROM b GROUP BY ROLLUP (sector)
        )
        SELECT coalesce(sector, 'All sectors'), n_names, n_resolved, n_alias, n_exact, n_fuzzy,
               100.0 * n_resolved / n_names, spend, spend_resolved,
               CASE WHEN spend <> 0 THEN 100.0 * spend_resolved / spend END
        FROM grouped WHERE n_names > 0
        """,
    ),
    (
        "mart_notice_area",
        f"""
        INSERT INTO mart_notice_area
        WITH n AS (
            SELECT f.notice_id, b.buyer_id, b.org_kind, f.region
            FROM fact_contract_notice f LEFT JOIN dim_buyer b ON b.buyer_name = f.buyer_name
        ),
        typed AS (
            SELECT notice_id, buyer_id, region,
                   CASE WHEN org_kind IS NULL OR org_kind = 'unresolved' THEN 'other' ELSE org_kind END AS buyer_type
            FROM n
        ),
        by_buyer AS (
            SELECT t.notice_id, a.area_level, a.area_code, t.buyer_type
            FROM typed t JOIN bridge_buyer_area a USING (buyer_id)
            WHERE a.area_level <> 'national'
        ),
        by_region AS (
            SELECT t.notice_id, 'region' AS area_level, r.region_code AS area_code, t.buyer_type
            FROM typed t JOIN _region r ON lower(trim(t.region)) = lower(r.region_name)
            WHERE t.notice_id NOT IN (SELECT notice_id FROM by_buyer WHERE area_level = 'region')
        )
        SELECT notice_id, 'national', '{NATIONAL_CODE}', buyer_type FROM typed
        UNION SELECT * FROM by_buyer
        UNION SELECT * FROM by_region
        """,  # noqa: S608 - constants only
    ),
)


def build_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Fill every mart in the warehouse being built (tables already created from the contract)."""
    for _name, sql in STATEMENTS:
        con.execute(sql)
