"""Marts: tables shaped for the questions the dashboard pages ask, built once per build.

The heavy lifting happens here, in DuckDB inside the new warehouse file, so a page
only ever reads a few hundred rows.

Each year is shown in the geography that fits it (`dim_year_vintage`): the latest loaded
ONS vintage at or before the start of the financial year, else, for a year older than
every loaded vintage, the earliest. A combined authority therefore holds the councils that
were its members in that vintage, and an authority that did not exist yet has no spend.
Districts are today's councils in every vintage (buyers resolve to today's councils); a
district code a vintage lacks keeps today's region, and today's combined authority only
where that authority existed in the vintage. `dim_area` describes each area as in the
latest vintage that has it; `dim_area_vintage` holds each vintage's population and councils.

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
    description="Every area a user can pick, as in the latest vintage that has it: population, centroid, councils.",
    key=("area_level", "area_code"),
    columns=(
        *_area_cols(),
        Column("area_name", "VARCHAR", "Area name", nullable=False),
        Column("parent_code", "VARCHAR", "Region of a combined authority or district"),
        Column("vintage", "INTEGER", "The latest geography vintage that has the area"),
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

def _vintage_col(description: str = "ONS geography vintage (year)") -> Column:
    return Column("vintage", "INTEGER", description, nullable=False)


DIM_YEAR_VINTAGE = Table(
    name="dim_year_vintage",
    kind="mart",
    description=(
        "The geography vintage each financial year is shown in: the latest loaded at or before the year's start, "
        "else the earliest loaded."
    ),
    key=("financial_year",),
    columns=(
        Column("financial_year", "VARCHAR", "Financial year any page shows", nullable=False),
        _vintage_col("The ONS vintage its areas are"),
        Column(
            "basis",
            "VARCHAR",
            "Why that vintage",
            nullable=False,
            allowed=("latest loaded at or before the year", "earliest loaded (none is older than the year)"),
        ),
    ),
)

DIM_AREA_VINTAGE = Table(
    name="dim_area_vintage",
    kind="mart",
    description="Every area in every vintage the marts apply, with its population and councils in that vintage.",
    key=("area_level", "area_code", "vintage"),
    columns=(
        *_area_cols(),
        _vintage_col(),
        Column("population", "BIGINT", "Residents (sum of its districts in that vintage)", min=0),
        Column("n_councils", "BIGINT", "Councils in the area in that vintage", nullable=False, min=0),
    ),
)

BRIDGE_BUYER_AREA = Table(
    name="bridge_buyer_area",
    kind="mart",
    description="Which areas each buyer counts in, per geography vintage (every buyer counts in national).",
    key=("buyer_id", "vintage", "area_level", "area_code"),
    foreign_keys=(references("dim_buyer", "buyer_id"),),
    columns=(Column("buyer_id", "BIGINT", "dim_buyer key", nullable=False), _vintage_col(), *_area_cols()),
)

BRIDGE_COUNCIL_AREA = Table(
    name="bridge_council_area",
    kind="mart",
    description="Which areas each council counts in, per geography vintage.",
    key=("council_id", "vintage", "area_level", "area_code"),
    foreign_keys=(references("dim_council", "council_id"),),
    columns=(Column("council_id", "VARCHAR", "dim_council key", nullable=False), _vintage_col(), *_area_cols()),
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
        Column("n_councils_total", "BIGINT", "Councils in the area in the year's vintage", nullable=False, min=0),
        Column("population", "BIGINT", "Residents of the area in the year's vintage (null for national)"),
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
        Column(
            "n_urn_postcode",
            "BIGINT",
            "Placed through the CCS customer list by postcode (schools, police, NHS trusts, ...)",
            nullable=False,
            min=0,
        ),
        Column("names_resolved_pct", "DOUBLE", "% of names resolved", min=0, max=100),
        Column("spend", "DOUBLE", "Spend, GBP", nullable=False),
        Column("spend_resolved", "DOUBLE", "Spend by resolved buyers, GBP", nullable=False),
        Column("spend_resolved_pct", "DOUBLE", "% of spend by resolved buyers"),
    ),
)

_NOTICE_BUYER_TYPES = (*(k for k in ORG_KINDS if k != "unresolved"), "other")

MART_NOTICE_AREA = Table(
    name="mart_notice_area",
    kind="mart",
    description=(
        "Which areas each Contracts Finder or Find a Tender notice counts in (by resolved buyer, else by published "
        "region)."
    ),
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
            allowed=_NOTICE_BUYER_TYPES,
        ),
    ),
)

MART_EXPIRY_PIPELINE = Table(
    name="mart_expiry_pipeline",
    kind="mart",
    description=(
        "The expiry pipeline: one row per awarded contract with an end date (an OCDS procurement once, from its "
        "newest notice recording an award and an end date; a notice-search record on its own), with value, "
        "incumbent, IT classification, department, and the later notices that extend or re-let it. Areas: join "
        "mart_expiry_area on contract_id."
    ),
    key=("contract_id",),
    foreign_keys=(references("fact_contract_notice", "notice_id"),),
    columns=(
        Column("contract_id", "VARCHAR", "The OCDS ocid, else 'notice:' and the notice id", nullable=False),
        Column("notice_id", "VARCHAR", "The notice the end date, value and supplier come from", nullable=False),
        Column("ocid", "VARCHAR", "OCDS contracting-process id (null for notice-search records)"),
        Column("title", "VARCHAR", "Notice title"),
        Column("buyer_name", "VARCHAR", "Buyer as published"),
        Column("buyer_id", "BIGINT", "dim_buyer key"),
        Column("buyer_display_name", "VARCHAR", "Resolved buyer name (dim_buyer.display_name), else as published"),
        Column("buyer_type", "VARCHAR", "As mart_notice_area.buyer_type", nullable=False, allowed=_NOTICE_BUYER_TYPES),
        Column("department_id", "VARCHAR", "Parent department of a central government buyer (dim_buyer)"),
        Column("department_name", "VARCHAR", "That department's current name"),
        Column("contract_start", "DATE", "Contract start"),
        Column("contract_end", "DATE", "Contract end (of the newest award notice)", nullable=False),
        Column("end_month", "DATE", "First day of the month the contract ends", nullable=False),
        Column(
            "contract_period_source",
            "VARCHAR",
            "Where the end date is stated: award (awards[].contractPeriod), contract (contracts[].period) or tender "
            "(the tender's planned period, used when the award states none)",
            allowed=("award", "contract", "tender"),
        ),
        Column("value_gbp", "DECIMAL(18,4)", "Awarded value, else the tender's estimated value, GBP", min=0),
        Column(
            "value_source", "VARCHAR", "awarded or estimated (null: no value stated)", allowed=("awarded", "estimated")
        ),
        Column("supplier_names", "VARCHAR", "Incumbent supplier(s), '; '-joined"),
        Column(
            "incumbent_is_sme",
            "BOOLEAN",
            "An awarded supplier is an SME by the notice's supplier scale (OCDS details.scale; notice-search "
            "awarded_to_sme); null when not stated",
        ),
        Column("is_it", "BOOLEAN", "An IT contract by CPV code (fact_contract_notice.is_it)", nullable=False),
        Column("it_rule", "VARCHAR", "What decided is_it (fact_contract_notice.it_rule)", nullable=False),
        Column("it_cpv_group", "VARCHAR", "The IT CPV group that matched"),
        Column("awarded_date", "DATE", "Award date", nullable=False),
        Column("published_date", "DATE", "Publication date of the notice used", nullable=False),
        Column("n_award_notices", "BIGINT", "Notices recording this award with an end date", nullable=False, min=1),
        Column("original_contract_end", "DATE", "End date on the first award notice", nullable=False),
        Column(
            "end_date_change",
            "VARCHAR",
            "extended or shortened: a later award notice moved the end date (null: unchanged)",
            allowed=("extended", "shortened"),
        ),
        Column(
            "n_later_notices",
            "BIGINT",
            "Notices under the same ocid published after the first award notice",
            nullable=False,
            min=0,
        ),
        Column("relet_notice_id", "VARCHAR", "The newest planning or tender notice under the ocid after the award"),
        Column("relet_published", "DATE", "When that re-let notice was published"),
        Column(
            "source",
            "VARCHAR",
            "Which service published that notice: contracts_finder or find_a_tender (fact_contract_notice.source)",
            nullable=False,
            allowed=("contracts_finder", "find_a_tender"),
        ),
        Column("url", "VARCHAR", "Notice page on Contracts Finder or Find a Tender"),
    ),
    extra_checks=(
        (
            "every awarded notice with an end date is in exactly one contract",
            "SELECT count(*) FROM (SELECT DISTINCT coalesce(ocid, 'notice:' || notice_id) FROM fact_contract_notice "
            "WHERE awarded_date IS NOT NULL AND contract_end IS NOT NULL) "
            "HAVING count(*) <> (SELECT count(*) FROM mart_expiry_pipeline)",
        ),
    ),
)

MART_EXPIRY_AREA = Table(
    name="mart_expiry_area",
    kind="mart",
    description=(
        "Which areas each contract of the expiry pipeline counts in: by its buyer in the geography of the year it "
        "ends (today's for a contract still to end), else by its notice's published region."
    ),
    key=("contract_id", "area_level", "area_code"),
    foreign_keys=(references("mart_expiry_pipeline", "contract_id"),),
    columns=(Column("contract_id", "VARCHAR", "mart_expiry_pipeline key", nullable=False), *_area_cols()),
)

MART_DEPARTMENT_ADVERTISING = Table(
    name="mart_department_advertising",
    kind="mart",
    description=(
        "Per department (lineage) and financial year: Contracts Finder and Find a Tender notices published by its central "
        "government buyers, the share marked suitable for SMEs and of awards won by SMEs, beside its SME spend "
        "share (Cabinet Office annex: that year's, else the latest before it) and whether a minister held a digital post in it that year."
    ),
    key=("lineage_id", "financial_year"),
    columns=(
        Column("lineage_id", "VARCHAR", "Department lineage (govuk:<slug> for one outside the reference)", False),
        Column("financial_year", "VARCHAR", "Financial year the notices were published", nullable=False),
        Column("department_id", "VARCHAR", "Today's department (dim_buyer.department_id)", nullable=False),
        Column("department_name", "VARCHAR", "Its current name"),
        Column("notices", "BIGINT", "Notices published (every notice: tenders, awards, amendments)", False, min=1),
        Column("it_notices", "BIGINT", "Of which IT by CPV code", nullable=False, min=0),
        Column("suitable_for_sme", "BIGINT", "Notices marked suitable for SMEs", nullable=False, min=0),
        Column("suitable_pct", "DOUBLE", "suitable_for_sme as % of notices", min=0, max=100),
        Column("awards_size_stated", "BIGINT", "Award notices stating whether the supplier is an SME", False, min=0),
        Column("awarded_to_sme", "BIGINT", "Of which won by an SME", nullable=False, min=0),
        Column("awarded_sme_pct", "DOUBLE", "awarded_to_sme as % of awards_size_stated", min=0, max=100),
        Column(
            "sme_spend_pct",
            "DOUBLE",
            "Total SME spend share (mart_sme_share.total_pct) of sme_spend_year; null: none published by then",
        ),
        Column("sme_spend_year", "VARCHAR", "The year of that share: this year, else the latest published before"),
        Column(
            "has_digital_minister",
            "BOOLEAN",
            "A minister in the department held a digital post at some time in the year (null: no minister of the "
            "department in the ministers data that year)",
        ),
        Column("digital_posts", "VARCHAR", "Those digital posts, joined with ' / '"),
    ),
)

TABLES = (
    DIM_YEAR_VINTAGE,
    DIM_AREA_VINTAGE,
    DIM_AREA,
    BRIDGE_BUYER_AREA,
    BRIDGE_COUNCIL_AREA,
    MART_MONTHLY,
    MART_YEARLY,
    MART_TOP_BUYERS,
    MART_TOP_SUPPLIERS,
    MART_COUNCIL_YEARLY,
    MART_NEVER_BOUGHT,
    MART_MATCH_RATES,
    MART_NOTICE_AREA,
    MART_EXPIRY_PIPELINE,
    MART_EXPIRY_AREA,
    MART_DEPARTMENT_ADVERTISING,
)

#: The SQL files beside this module, in the order they run: each is one statement, either a temporary
#: helper table (`_name.sql`) or an `INSERT INTO <mart> BY NAME` whose every column is named.
STEPS: tuple[str, ...] = (
    "_latest_lad",
    "_latest_combined_authority",
    "_latest_region",
    "_vintages",
    "dim_year_vintage",
    "_lad_area",
    "_council_geo",
    "bridge_council_area",
    "dim_area_vintage",
    "dim_area",
    "bridge_buyer_area",
    "_buyer_month",
    "_provisional",
    "mart_marketplace_monthly",
    "mart_council_spend_yearly",
    "mart_marketplace_yearly",
    "mart_marketplace_top_buyers",
    "_supplier_buyer",
    "mart_marketplace_top_suppliers",
    "mart_councils_never_bought",
    "mart_buyer_match_rates",
    "mart_notice_area",
    "mart_expiry_pipeline",
    "mart_expiry_area",
    "mart_department_advertising",
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
