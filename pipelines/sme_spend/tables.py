"""Central government spend with SMEs: the warehouse fact and the share-of-spend mart.

Pure functions of frames (no files opened): `build_sme_spend` turns the staged annual
annex rows into `fact_sme_spend` (one row per year x published department code, with
the department's lineage so DCLG 2014/15 and MHCLG 2019/20 sit on one trend line),
records any year published in two files (`meta_sme_spend_superseded`), and derives
`mart_sme_share`, the table the SME pages ask: each department's direct, indirect and
total share against the one-pound-in-three aspiration, ranked within the year.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipelines.config import SME_ASPIRATION_PCT
from pipelines.core.loading import FILE, LINE, staging
from pipelines.core.schema import Column, Table, references
from pipelines.reference import departments
from pipelines.sme_spend.formats import MEASURES, ROW_TYPES, STAGING_SCHEMA, STAGING_TABLE

FACT_TABLE = "fact_sme_spend"
SUPERSEDED_TABLE = "meta_sme_spend_superseded"
MART_TABLE = "mart_sme_share"

#: Labels that put the Other and total rows on their own trend lines.
OTHER_SERIES = ("OTHER", "Other central government bodies")
TOTAL_SERIES = ("TOTAL", "Central government total")


def _measure_column(name: str, header: str, kind: str) -> Column:
    if kind == "count":
        return Column(name, "BIGINT", f"{header} (as published)", min=0)
    if kind == "pct":
        return Column(
            name,
            "DOUBLE",
            f"{header}: percent 0..100 (as published, a fraction such as 0.441 stored as 44.1; null when not published)",
            min=0,
            max=100,
        )
    return Column(name, "DOUBLE", f"{header}: £ million (as published; null when not published)")


MEASURE_COLUMNS: tuple[Column, ...] = tuple(_measure_column(m.name, m.header, m.kind) for m in MEASURES)

FACT_SME_SPEND = Table(
    name=FACT_TABLE,
    description=(
        "Cabinet Office annual annex: central government direct and indirect spend with SMEs, one row per"
        " financial year and published department code, including the Other and total rows. Read from the"
        " annex CSV or the same table saved as an XLSX, XLS or ODS workbook (one annex sheet, header below up to"
        " five banner rows, formula text and footnote markers in headers ignored); percentages are stored 0..100"
        " whether a cell holds 44.1, '44.1%' or a fraction formatted as %."
    ),
    columns=(
        Column("financial_year", "VARCHAR", "UK financial year, e.g. 2019/20", nullable=False),
        Column("fy_start_year", "INTEGER", "Calendar year the financial year starts (for sorting)", nullable=False),
        Column(
            "department_code",
            "VARCHAR",
            "Department as published (code, 'Other', or the total label); a footnote marker such as 'CO (1)' is cut"
            " off and listed in the file's notes",
            False,
        ),
        Column("row_type", "VARCHAR", "department | other | total", nullable=False, allowed=ROW_TYPES),
        Column("department_id", "VARCHAR", "Reference department_id meant by the code that year (null: other/total)"),
        Column("department_name", "VARCHAR", "Reference name of that department"),
        Column("lineage_id", "VARCHAR", "Department lineage surviving renames (DCLG, MHCLG and DLUHC share one)"),
        Column("lineage_name", "VARCHAR", "Current name of the lineage"),
        Column("series_id", "VARCHAR", "Trend line: lineage_id, or OTHER / TOTAL", nullable=False),
        Column("series_name", "VARCHAR", "Label of the trend line", nullable=False),
        *MEASURE_COLUMNS,
        Column(FILE, "VARCHAR", "Raw file the row came from", nullable=False),
        Column(LINE, "BIGINT", "Physical line (CSV) or sheet row (workbook) of the row", nullable=False, min=1),
    ),
    key=("financial_year", "department_code"),
    kind="fact",
    extra_checks=(
        (
            "department rows resolve to a reference department",
            "SELECT * FROM fact_sme_spend WHERE row_type = 'department' AND department_id IS NULL",
        ),
        (
            "at most one total row per year",
            "SELECT financial_year FROM fact_sme_spend WHERE row_type = 'total' GROUP BY 1 HAVING count(*) > 1",
        ),
        (
            "a department appears once per year",
            "SELECT financial_year, department_id FROM fact_sme_spend WHERE department_id IS NOT NULL"
            " GROUP BY 1, 2 HAVING count(*) > 1",
        ),
    ),
)

META_SME_SPEND_SUPERSEDED = Table(
    name=SUPERSEDED_TABLE,
    description=(
        "Years published in more than one SME spend file: the rows of the earlier-loaded file were dropped in"
        " favour of the later one."
    ),
    columns=(
        Column("financial_year", "VARCHAR", "Financial year published twice", nullable=False),
        Column("kept_file", "VARCHAR", "File whose rows are in fact_sme_spend", nullable=False),
        Column("superseded_file", "VARCHAR", "File whose rows for that year were dropped", nullable=False),
        Column("superseded_rows", "BIGINT", "Rows dropped from that file", nullable=False, min=1),
    ),
    key=("financial_year", "superseded_file"),
    kind="meta",
)

MART_SME_SHARE = Table(
    name=MART_TABLE,
    description=(
        "Share of each department's procurement spend going to SMEs (direct, indirect, total) per financial year,"
        " plus the central government total, against the aspiration of one pound in three. A % missing from the"
        " file is recomputed as 100 x the £m measure / total procurement spend, rounded to 1 dp; a missing total"
        " % with no total £m is direct % + indirect %."
    ),
    columns=(
        Column("financial_year", "VARCHAR", "UK financial year", nullable=False),
        Column("fy_start_year", "INTEGER", "Calendar year the financial year starts", nullable=False),
        Column("row_type", "VARCHAR", "department | total", nullable=False, allowed=("department", "total")),
        Column("department_code", "VARCHAR", "Department as published, or the total label", nullable=False),
        Column("department_id", "VARCHAR", "Reference department_id (null for the total)"),
        Column("series_id", "VARCHAR", "Trend line: lineage_id or TOTAL", nullable=False),
        Column("series_name", "VARCHAR", "Label of the trend line", nullable=False),
        Column("total_procurement_spend_m", "DOUBLE", "Total procurement spend, £ million"),
        Column("direct_sme_spend_m", "DOUBLE", "Direct spend with SMEs, £ million"),
        Column("indirect_sme_spend_m", "DOUBLE", "Total indirect spend with SMEs, £ million"),
        Column("total_sme_spend_m", "DOUBLE", "Total spend with SMEs, £ million"),
        Column("direct_pct", "DOUBLE", "Direct spend with SMEs as % of procurement spend", min=0, max=100),
        Column("indirect_pct", "DOUBLE", "Indirect spend with SMEs as % of procurement spend", min=0, max=100),
        Column("total_pct", "DOUBLE", "Total spend with SMEs as % of procurement spend", min=0, max=100),
        Column("pct_recomputed", "VARCHAR", "Which of direct,indirect,total % were recomputed (null: all published)"),
        Column("aspiration_pct", "DOUBLE", "Government aspiration for total spend with SMEs, %", nullable=False),
        Column("gap_pp", "DOUBLE", "total_pct - aspiration_pct, percentage points"),
        Column("meets_aspiration", "BOOLEAN", "total_pct >= aspiration_pct (null when total_pct is unknown)"),
        Column("rank_in_year", "BIGINT", "Rank by total_pct within the year, 1 = highest (departments only)", min=1),
        Column(FILE, "VARCHAR", "Raw file the row came from", nullable=False),
    ),
    key=("financial_year", "department_code"),
    foreign_keys=(references("fact_sme_spend", "financial_year", "department_code"),),
    kind="mart",
    extra_checks=(
        (
            "only department rows are ranked",
            "SELECT * FROM mart_sme_share WHERE row_type = 'total' AND rank_in_year IS NOT NULL",
        ),
    ),
)

TABLES: tuple[Table, ...] = (FACT_SME_SPEND, META_SME_SPEND_SUPERSEDED, MART_SME_SHARE)


def keep_latest_file_per_year(stg: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows of the last-loaded file for each year, one row per superseded file).

    When a year is published twice (a revision, or a later annex restating it), the
    file loaded later wins: `build` concatenates files in the order it loads them, so
    "later" is the file whose first row comes later in the staging frame. Dropped
    files are listed in meta_sme_spend_superseded rather than vanishing silently.
    """
    indexed = stg.with_row_index("_order")
    files = indexed.group_by("financial_year", FILE).agg(
        pl.col("_order").min().alias("_first"), pl.len().cast(pl.Int64).alias("superseded_rows")
    )
    latest = files.sort("_first").group_by("financial_year").agg(pl.col(FILE).last().alias("kept_file"))
    files = files.join(latest, on="financial_year")
    superseded = (
        files.filter(pl.col(FILE) != pl.col("kept_file"))
        .sort("financial_year", "_first")
        .select("financial_year", "kept_file", pl.col(FILE).alias("superseded_file"), "superseded_rows")
    )
    kept = indexed.join(latest, on="financial_year").filter(pl.col(FILE) == pl.col("kept_file"))
    return kept.sort("_order").drop("_order", "kept_file"), META_SME_SPEND_SUPERSEDED.conform(superseded)


def attach_lineage(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the reference name and lineage of each department, and a trend-line id for every row."""
    reference = departments().select(
        "department_id", pl.col("name").alias("department_name"), "lineage_id", "lineage_name"
    )
    joined = frame.join(reference, on="department_id", how="left")
    return joined.with_columns(
        pl.col("financial_year").str.slice(0, 4).cast(pl.Int32).alias("fy_start_year"),
        pl.when(pl.col("row_type") == "other")
        .then(pl.lit(OTHER_SERIES[0]))
        .when(pl.col("row_type") == "total")
        .then(pl.lit(TOTAL_SERIES[0]))
        .otherwise(pl.col("lineage_id"))
        .alias("series_id"),
        pl.when(pl.col("row_type") == "other")
        .then(pl.lit(OTHER_SERIES[1]))
        .when(pl.col("row_type") == "total")
        .then(pl.lit(TOTAL_SERIES[1]))
        .otherwise(pl.col("lineage_name"))
        .alias("series_name"),
    )


def build_sme_spend(stg: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Staging frames -> fact_sme_spend, meta_sme_spend_superseded and mart_sme_share."""
    staged = staging(stg, STAGING_TABLE, STAGING_SCHEMA).select(list(STAGING_SCHEMA)).cast(STAGING_SCHEMA)
    kept, superseded = keep_latest_file_per_year(staged)
    fact = FACT_SME_SPEND.conform(attach_lineage(kept).sort("fy_start_year", LINE))
    return {FACT_TABLE: fact, SUPERSEDED_TABLE: superseded, MART_TABLE: sme_share_mart(fact)}


def _share(published: str, amount: str) -> pl.Expr:
    """The published %, else 100 x amount / total procurement spend rounded to 1 dp (null if no base)."""
    base = pl.col("total_procurement_spend_m")
    recomputed = pl.when((base > 0) & pl.col(amount).is_not_null()).then((100 * pl.col(amount) / base).round(1))
    return pl.coalesce(pl.col(published), recomputed)


def sme_share_mart(fact: pl.DataFrame) -> pl.DataFrame:
    """Per year, each department and the total: SME shares, gap to the aspiration, rank by total %.

    Rule for missing percentages: the published % is used when present; otherwise it is
    recomputed as 100 x the £m measure / total procurement spend (rounded to 1 dp, the
    published precision); a total % with neither published % nor total £m is direct % +
    indirect %. `pct_recomputed` lists which were recomputed. Other rows are left out
    (not a department, and not comparable); departments are ranked, the total is not.
    """
    rows = fact.filter(pl.col("row_type").is_in(["department", "total"]))
    direct = _share("direct_sme_pct", "direct_sme_spend_m")
    indirect = _share("indirect_sme_pct", "indirect_sme_spend_m")
    shares = rows.with_columns(direct.alias("direct_pct"), indirect.alias("indirect_pct"))
    total = pl.coalesce(_share("total_sme_pct", "total_sme_spend_m"), pl.col("direct_pct") + pl.col("indirect_pct"))
    shares = shares.with_columns(total.alias("total_pct"))
    flags = [
        pl.when(pl.col(published).is_null() & pl.col(share).is_not_null()).then(pl.lit(label))
        for published, share, label in (
            ("direct_sme_pct", "direct_pct", "direct"),
            ("indirect_sme_pct", "indirect_pct", "indirect"),
            ("total_sme_pct", "total_pct", "total"),
        )
    ]
    recomputed = pl.concat_str(flags, separator=",", ignore_nulls=True)
    department_total = pl.when(pl.col("row_type") == "department").then(pl.col("total_pct"))
    out = shares.with_columns(
        pl.when(recomputed == "").then(None).otherwise(recomputed).alias("pct_recomputed"),
        pl.lit(SME_ASPIRATION_PCT).alias("aspiration_pct"),
        (pl.col("total_pct") - SME_ASPIRATION_PCT).round(2).alias("gap_pp"),
        (pl.col("total_pct") >= SME_ASPIRATION_PCT).alias("meets_aspiration"),
        department_total.rank("min", descending=True).over("financial_year").alias("rank_in_year"),
    )
    ordered = out.sort("fy_start_year", "row_type", "rank_in_year", "department_code", nulls_last=True)
    return MART_SME_SHARE.conform(ordered)
