"""fact_contract_notice: Contracts Finder and Find a Tender notices, one row per notice, with month and financial year.

`build_contract_notices` is pure: the concatenated `stg_contract_notice` frame in, warehouse frames out.

The same notice can arrive in more than one file (the real notice-search pulls list a procurement shared by
Chorley and South Ribble councils under both), so the fact keeps one row per notice_id: the most recently
published, then the first file and line. An OCDS procurement (ocid) has several releases -- tender, award,
amendments -- each its own notice; `is_latest_for_ocid` marks the newest so totals can count a procurement once.
Find a Tender pages overlap (each fetch window starts an hour before the last one ended), so the same release
arrives in several pages: it is one notice (its id is the Find a Tender notice number), kept once the same way.

`source` says which service published the notice (Contracts Finder, or Find a Tender for procurements under
the Procurement Act 2023 since 24 February 2025); `source_format` which layout it was read from.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipelines.core.loading import staging
from pipelines.core.parsing import financial_year
from pipelines.core.schema import Column, Table
from pipelines.notices.contracts_finder import DESCRIPTION_MAX, STAGING, STAGING_SCHEMA
from pipelines.notices.cpv import IT_RULES, classify_it

SOURCE_FORMATS = ("ocds", "notice_search")
#: The services that publish notices (FileLoad.source of the file a row came from).
SOURCES = ("contracts_finder", "find_a_tender")
PERIOD_SOURCES = ("award", "contract", "tender")

FACT_CONTRACT_NOTICE = Table(
    name="fact_contract_notice",
    description=(
        "Contracts Finder notices (OCDS releases and notice-search records) and Find a Tender notices (OCDS "
        "releases, the Procurement Act 2023 notices since 24 February 2025): buyer, values, SME suitability, "
        "awarded supplier and contract period; one row per notice_id."
    ),
    kind="fact",
    key=("notice_id",),
    columns=(
        Column(
            "notice_id",
            "VARCHAR",
            "OCDS release id (on Find a Tender the notice number, nnnnnn-yyyy), or the notice-search notice GUID",
            nullable=False,
        ),
        Column("ocid", "VARCHAR", "OCDS contracting-process id shared by a procurement's releases (OCDS only)"),
        Column(
            "source",
            "VARCHAR",
            "Which service published the notice: contracts_finder or find_a_tender",
            nullable=False,
            allowed=SOURCES,
        ),
        Column(
            "source_format",
            "VARCHAR",
            "Which layout the row came from: ocds (a release, either service) or notice_search (Contracts Finder)",
            nullable=False,
            allowed=SOURCE_FORMATS,
        ),
        Column(
            "uk_notice_type",
            "VARCHAR",
            "Procurement Act 2023 notice type on Find a Tender (UK1 pipeline ... UK4 tender, UK6 contract award, "
            "UK7 contract details ...; documents[].noticeType); null for Contracts Finder",
        ),
        Column("title", "VARCHAR", "Notice title (HTML entities unescaped)"),
        Column("description", "VARCHAR", f"Description, first {DESCRIPTION_MAX} characters, entities unescaped"),
        Column("buyer_name", "VARCHAR", "Buying organisation as published"),
        Column("notice_type", "VARCHAR", "OCDS release tags (comma-joined) or the notice-search notice type"),
        Column("status", "VARCHAR", "OCDS tender.status or the notice-search status (awarded, closed, open, ...)"),
        Column("published_date", "DATE", "Release date (OCDS) or the notice's published date", nullable=False),
        Column("deadline_date", "DATE", "Deadline for tenders"),
        Column("awarded_date", "DATE", "Date of the (first) award"),
        Column("tender_value", "DECIMAL(18,4)", "Estimated value (OCDS tender.value; notice-search value_high)", min=0),
        Column("awarded_value", "DECIMAL(18,4)", "Awarded value (sum of standing awards)", min=0),
        Column("currency", "VARCHAR", "Currency of the values (GBP for notice-search records)"),
        Column("region", "VARCHAR", "Buyer region, else delivery regions comma-joined"),
        Column("postcode", "VARCHAR", "Buyer postcode (else the first delivery postcode)"),
        Column("suitable_for_sme", "BOOLEAN", "The buyer marked the opportunity suitable for SMEs"),
        Column("suitable_for_vcse", "BOOLEAN", "The buyer marked the opportunity suitable for VCSEs"),
        Column("awarded_to_sme", "BOOLEAN", "An awarded supplier is an SME (null when not stated)"),
        Column("supplier_names", "VARCHAR", "Awarded suppliers, '; '-joined"),
        Column("cpv_codes", "VARCHAR", "CPV codes, comma-joined, main classification first"),
        Column(
            "main_cpv_code",
            "VARCHAR",
            "Main CPV code (OCDS tender.classification; the first notice-search code)",
        ),
        Column("contract_start", "DATE", "Contract period start (see contract_period_source)"),
        Column("contract_end", "DATE", "Contract period end (see contract_period_source)"),
        Column(
            "contract_period_source",
            "VARCHAR",
            "Where the contract period is stated: award (awards[].contractPeriod), contract (contracts[].period) or "
            "tender (tender.contractPeriod, a plan); null when no period is stated",
            allowed=PERIOD_SOURCES,
        ),
        Column("url", "VARCHAR", "Notice page on Contracts Finder or Find a Tender"),
        Column(
            "source_file",
            "VARCHAR",
            "Raw file the row came from (a fetched page with its window folder: 2025-03-01T000000/page-0001.json)",
            nullable=False,
        ),
        Column("source_line", "BIGINT", "Line (JSON lines) or 1-based record position in the file", nullable=False),
        Column(
            "is_it",
            "BOOLEAN",
            "An IT notice: its main or another CPV code falls in an IT group of pipelines/reference/cpv_it.csv "
            "(CPV 2008 divisions 48 and 72, groups 30.2, 32.4, 32.5, 64.2 and 50.3 less office machinery and "
            "audio-visual repair)",
            nullable=False,
        ),
        Column(
            "it_rule",
            "VARCHAR",
            "What decided is_it: main_cpv, other_cpv (an additional or item code), no_it_cpv or no_cpv",
            nullable=False,
            allowed=IT_RULES,
        ),
        Column("it_cpv_group", "VARCHAR", "The cpv_it.csv prefix that matched (e.g. 72, 302), when IT"),
        Column("it_cpv_code", "VARCHAR", "The notice's CPV code (8 digits) that matched, when IT"),
        Column("published_month", "DATE", "First day of the publication month", nullable=False),
        Column("financial_year", "VARCHAR", "UK financial year of publication, e.g. 2024/25", nullable=False),
        Column(
            "is_latest_for_ocid",
            "BOOLEAN",
            "The newest release of its OCDS procurement (always true without an ocid): count procurements once",
            nullable=False,
        ),
    ),
    extra_checks=(
        (
            "description at most 1000 characters (DESCRIPTION_MAX)",
            "SELECT notice_id FROM fact_contract_notice WHERE length(description) > 1000",
        ),
        (
            "one latest release per ocid",
            "SELECT ocid FROM fact_contract_notice WHERE ocid IS NOT NULL AND is_latest_for_ocid "
            "GROUP BY ocid HAVING count(*) <> 1",
        ),
    ),
)

TABLES: tuple[Table, ...] = (FACT_CONTRACT_NOTICE,)


def _ranked(stg: pl.DataFrame) -> pl.DataFrame:
    """Rows of each notice_id best first: the most recently published, then the first file and line."""
    return stg.sort(
        ["notice_id", "published_date", "source_file", "source_line"],
        descending=[False, True, False, False],
        nulls_last=True,
    )


def one_row_per_notice(stg: pl.DataFrame) -> pl.DataFrame:
    """Keep one row per notice_id: the most recently published, then the first file and line."""
    return _ranked(stg).unique(subset="notice_id", keep="first", maintain_order=True)


def duplicate_notices(stg: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """The rows one_row_per_notice leaves out because another file holds the same notice (one file never holds a
    notice twice: its formats reject the repeat), with the file whose row is kept."""
    ranked = _ranked(staging(stg, STAGING, STAGING_SCHEMA))
    kept = ranked.unique(subset="notice_id", keep="first", maintain_order=True).select(
        "notice_id", pl.col("source_file").alias("kept_file"), pl.col("source_line").alias("kept_line")
    )
    return (
        ranked.join(kept, on="notice_id")
        .filter((pl.col("source_file") != pl.col("kept_file")) | (pl.col("source_line") != pl.col("kept_line")))
        .select("source_file", "source_line", "notice_id", "kept_file")
    )


def with_latest_for_ocid(frame: pl.DataFrame) -> pl.DataFrame:
    """Add is_latest_for_ocid: the newest release of each ocid (publication date, then file position)."""
    newest_first = frame.sort(
        ["published_date", "source_file", "source_line", "notice_id"], descending=True, nulls_last=True
    )
    return newest_first.with_columns(
        (pl.col("ocid").is_null() | pl.col("ocid").is_first_distinct()).alias("is_latest_for_ocid")
    )


def build_contract_notices(stg: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Staging -> {'fact_contract_notice': ...} (typed and empty when no notices file was found)."""
    staged = staging(stg, STAGING, STAGING_SCHEMA)
    fact = (
        classify_it(with_latest_for_ocid(one_row_per_notice(staged)))
        .with_columns(
            pl.col("published_date").dt.month_start().alias("published_month"),
            financial_year(pl.col("published_date")).alias("financial_year"),
        )
        .sort("published_date", "source_file", "source_line")
    )
    return {FACT_CONTRACT_NOTICE.name: FACT_CONTRACT_NOTICE.conform(fact)}
