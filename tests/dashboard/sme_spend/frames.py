"""Small frames shaped like the SME spend queries, and a spec reader, shared by the page's tests."""

from __future__ import annotations

import polars as pl

from dashboard.sme_spend import logic


def title_text(spec: dict) -> str:
    text = spec["title"]["text"]
    return " ".join(text) if isinstance(text, list) else text


def year_rows(rows: list[tuple]) -> pl.DataFrame:
    """(row_type, department, total_pct, meets) rows shaped like sme_year_departments."""
    frame = pl.DataFrame(
        rows, schema=["row_type", "department", "total_pct", "meets_aspiration"], orient="row"
    ).with_columns(pl.lit(33.0).alias("aspiration_pct"))
    ranks = frame["total_pct"].rank("min", descending=True).cast(pl.Int64)
    return frame.with_columns(
        pl.when(pl.col("row_type") == "department").then(ranks).alias("rank_in_year"),
        pl.col("department").alias("department_code"),
        pl.col("department").alias("series_name"),
        *[pl.lit(1.0).alias(c) for c in ("total_procurement_spend_m", "direct_sme_spend_m", "indirect_sme_spend_m")],
        *[pl.lit(1.0).alias(c) for c in ("total_sme_spend_m", "direct_pct", "indirect_pct", "gap_pp")],
        pl.lit(None, pl.String).alias("pct_recomputed"),
    )


def trend(rows: list[tuple]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=["financial_year", "published_as", "combined_rows", "total_pct"], orient="row")
    return frame.with_columns(
        pl.lit("Line").alias("series"),
        *[pl.lit(1.0).alias(c) for c in ("total_procurement_spend_m", "direct_sme_spend_m", "indirect_sme_spend_m")],
        pl.lit(1.0).alias("total_sme_spend_m"),
        (pl.col("total_pct") / 2).alias("direct_pct"),
        (pl.col("total_pct") / 2).alias("indirect_pct"),
    ).select(logic.TREND_COLUMNS)
