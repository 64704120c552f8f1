"""Marts: tables shaped for the questions the dashboard pages ask, built once per build.

The heavy lifting happens here, in DuckDB inside the new warehouse file, so a page
only ever reads a few hundred rows. Areas are today's geography (the latest vintage of
the ONS lookups) applied to every year, so a city region's trend compares like with like;
`dim_area.vintage` says which vintage that is.

Area levels: `national` (every buyer, UK-wide: code ALL), `region`, `combined_authority`
(incl. the Greater London Authority) and `lad` (a council's own district).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from pipelines.config import PROVISIONAL_MONTHS
from pipelines.core.schema import Column, Table, references
from pipelines.warehouse.dim_buyer import ORG_KINDS

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
    foreign_keys=(references("dim_buyer", "buyer_id"),),
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
        Column(
            "is_provisional",
            "BOOLEAN",
            f"One of the family's newest {PROVISIONAL_MONTHS} months: late supplier returns still revise it",
            nullable=False,
        ),
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
        Column("includes_provisional", "BOOLEAN", "The year holds a provisional month (see monthly)", nullable=False),
    ),
)

MART_TOP_BUYERS = Table(
    name="mart_marketplace_top_buyers",
    kind="mart",
    description="Spend per buyer, area and financial year (pages rank them).",
    key=("area_level", "area_code", "financial_year", "buyer_id"),
    foreign_keys=(references("dim_buyer", "buyer_id"),),
    columns=(
        *_area_cols(),
        Column("financial_year", "VARCHAR", "Financial year", nullable=False),
        Column("buyer_id", "BIGINT", "dim_buyer key", nullable=False),
        Column("buyer_name", "VARCHAR", "Buyer (resolved name where resolved)", nullable=False),
        Column("org_kind", "VARCHAR", "What the buyer is (dim_buyer.org_kind)", nullable=False, allowed=ORG_KINDS),
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
    foreign_keys=(references("dim_council", "council_id"),),
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
    foreign_keys=(references("dim_council", "council_id"),),
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
    foreign_keys=(references("fact_contract_notice", "notice_id"),),
    columns=(
        Column("notice_id", "VARCHAR", "fact_contract_notice key", nullable=False),
        *_area_cols(),
        Column(
            "buyer_type",
            "VARCHAR",
            "council, combined_authority, functional_body, central_government, devolved or other",
            nullable=False,
            allowed=(*(k for k in ORG_KINDS if k != "unresolved"), "other"),
        ),
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

#: The SQL files beside this module, in the order they run: each is one statement, either a temporary
#: helper table (`_name.sql`) or an `INSERT INTO <mart> BY NAME` whose every column is named.
STEPS: tuple[str, ...] = (
    "_latest_lad",
    "_latest_combined_authority",
    "_latest_region",
    "dim_area",
    "bridge_buyer_area",
    "_buyer_month",
    "_provisional",
    "mart_marketplace_monthly",
    "mart_council_spend_yearly",
    "_council_area",
    "mart_marketplace_yearly",
    "mart_marketplace_top_buyers",
    "_supplier_buyer",
    "mart_marketplace_top_suppliers",
    "mart_councils_never_bought",
    "mart_buyer_match_rates",
    "mart_notice_area",
)

#: Values the SQL files may name as `$parameter`.
PARAMETERS: dict[str, str | int] = {
    "national_code": NATIONAL_CODE,
    "national_name": NATIONAL_NAME,
    "provisional_months": PROVISIONAL_MONTHS,
}

SQL_DIR = Path(__file__).parent
_PARAM = re.compile(r"\$([a-z_]+)")


def step_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def step_parameters(sql: str) -> dict[str, str | int]:
    """The parameters a statement names (DuckDB refuses values it does not use)."""
    return {name: PARAMETERS[name] for name in sorted(set(_PARAM.findall(sql)))}


def build_marts(con: duckdb.DuckDBPyConnection, steps: tuple[str, ...] = STEPS) -> None:
    """Fill every mart in the warehouse being built (tables already created from the schema), in order."""
    for name in steps:
        sql = step_sql(name)
        con.execute(sql, step_parameters(sql))
