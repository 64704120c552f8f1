"""Staging -> warehouse tables: the wiring between source modules and their builders.

Each builder is a pure function of the concatenated staging frames; this module only
groups the FileLoads' frames by staging name, calls the builders, resolves buyers and
hands the writer a dict of finished tables plus the marketplace Parquet files.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines import config, contracts_finder, geography, ministers, organisations, sme
from pipelines.buyers import Resolver, read_aliases
from pipelines.marketplace_spend import build_dim_buyer, distinct_buyer_names
from pipelines.reference import departments
from pipelines.sources.base import REJECT_REASON, FileLoad
from pipelines.sources.marketplace import STAGING as MARKETPLACE_STAGING
from pipelines.sources.marketplace import STAGING_SCHEMA as MARKETPLACE_SCHEMA

SUPERSEDED_SCHEMA = {"source_file": pl.String, "framework_family": pl.String, "month": pl.Date}


@dataclass
class ModelResult:
    tables: dict[str, pl.DataFrame]
    marketplace_parquet: list[Path]
    match_rates: pl.DataFrame
    alias_problems: list[str] = field(default_factory=list)
    #: (source_file, framework_family, month) of marketplace rows replaced by a later cumulative release.
    superseded: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SUPERSEDED_SCHEMA))


def staging_frames(loads: list[FileLoad]) -> dict[str, pl.DataFrame]:
    """Concatenate every small staging frame by name (the marketplace stays in Parquet)."""
    grouped: dict[str, list[pl.DataFrame]] = defaultdict(list)
    for load in loads:
        for name, frame in load.tables.items():
            if name == MARKETPLACE_STAGING:
                continue
            grouped[name].append(frame.collect() if isinstance(frame, pl.LazyFrame) else frame)
    return {name: pl.concat(frames, how="diagonal_relaxed") for name, frames in grouped.items()}


def marketplace_rows(loads: list[FileLoad], superseded: pl.DataFrame) -> tuple[pl.LazyFrame, list[Path]]:
    """Loaded marketplace rows across files (lazily, from Parquet), minus superseded months."""
    paths = [p for load in loads for n, p in load.parquet.items() if n == MARKETPLACE_STAGING]
    if not paths:
        return pl.LazyFrame(schema=MARKETPLACE_SCHEMA), []
    rows = pl.scan_parquet(paths).filter(pl.col(REJECT_REASON).is_null())
    if superseded.height:
        rows = rows.join(superseded.lazy(), on=["source_file", "framework_family", "month"], how="anti")
    return rows, paths


def supersede_cumulative_releases(loads: list[FileLoad]) -> pl.DataFrame:
    """Publishers re-issue marketplace spend cumulatively (each release repeats earlier months,
    sometimes revised). For every framework family (G-Cloud and DOS are published separately)
    and month published in more than one file, keep the rows of the latest release (the file
    whose data for that family runs latest; ties by file name) and reject the others' rows for
    that month with the reason, so nothing is double counted and nothing vanishes.

    Mutates the losing FileLoads' counts and rejects; returns the (source_file, family, month) dropped.
    """
    files = [(load, p) for load in loads for n, p in load.parquet.items() if n == MARKETPLACE_STAGING]
    empty = pl.DataFrame(schema=SUPERSEDED_SCHEMA)
    if len(files) < 2:
        return empty
    months = pl.concat(
        [
            pl.scan_parquet(p)
            .filter(pl.col(REJECT_REASON).is_null())
            .group_by("source_file", "framework_family", "month")
            .agg(pl.len().alias("n"))
            .collect()
            for _, p in files
        ]
    )
    keys = ["framework_family", "month"]
    latest = months.group_by("source_file", "framework_family").agg(pl.col("month").max().alias("latest"))
    ranked = months.join(latest, on=["source_file", "framework_family"]).sort(
        ["framework_family", "month", "latest", "source_file"], descending=[False, False, True, True]
    )
    winners = ranked.group_by(keys, maintain_order=True).agg(pl.col("source_file").first().alias("winner"))
    losers = ranked.join(winners, on=keys).filter(pl.col("source_file") != pl.col("winner"))
    if not losers.height:
        return empty
    for load, path in files:
        lost = losers.filter(pl.col("source_file") == load.path.name)
        if not lost.height:
            continue
        dropped = (
            pl.scan_parquet(path)
            .filter(pl.col(REJECT_REASON).is_null())
            .join(lost.lazy().select(*keys, "winner"), on=keys, how="inner")
            .select("source_line", "month", "framework_family", "winner")
            .collect()
        )
        rejects = dropped.select(
            pl.lit(load.path.name).alias("file_name"),
            pl.lit(load.source).alias("source"),
            pl.lit(load.format).alias("format"),
            pl.col("source_line").alias("line"),
            pl.lit("month").alias("column_name"),
            pl.col("month").dt.strftime("%Y-%m").alias("value"),
            pl.format(
                "superseded: {} {} is also published in {}, a later cumulative release",
                pl.col("framework_family"),
                pl.col("month").dt.strftime("%Y-%m"),
                pl.col("winner"),
            ).alias("reason"),
        )
        load.rejects = pl.concat([load.rejects, rejects.cast(load.rejects.schema)])
        load.rows_loaded -= dropped.height
        load.notes.append(f"{dropped.height:,} rows in {lost.height} month(s) superseded by a later release")
        load.check_reconciles()
    return losers.select("source_file", "framework_family", "month")


def build_model(loads: list[FileLoad], aliases_path: Path | None = None) -> ModelResult:
    stg = staging_frames(loads)
    tables: dict[str, pl.DataFrame] = {}
    tables |= geography.build_geography(stg)
    tables |= organisations.build_organisations(stg)
    tables |= sme.build_sme_spend(stg)
    if "mart_sme_share" not in tables:
        tables["mart_sme_share"] = sme.sme_share_mart(tables["fact_sme_spend"])
    tables |= ministers.build_ministers(stg)
    tables |= contracts_finder.build_contract_notices(stg)

    superseded = supersede_cumulative_releases(loads)
    spend, parquet = marketplace_rows(loads, superseded)
    names = distinct_buyer_names(spend, tables["fact_contract_notice"])
    resolver = Resolver(
        councils=tables["dim_council"],
        combined_authorities=tables["dim_combined_authority"],
        organisations=tables["dim_organisation"],
        departments=departments(),
        aliases=read_aliases(aliases_path or config.BUYER_ALIASES_PATH),
    )
    latest_lads = tables["dim_lad"]
    if latest_lads.height:
        latest_lads = latest_lads.filter(pl.col("vintage") == pl.col("vintage").max())
    tables["dim_buyer"] = build_dim_buyer(
        names,
        resolver,
        councils=tables["dim_council"],
        combined_authorities=tables["dim_combined_authority"],
        lads=latest_lads,
        organisations=tables["dim_organisation"],
        departments=departments(),
    )
    rates = match_rates(tables["dim_buyer"])
    return ModelResult(
        tables=tables,
        marketplace_parquet=parquet,
        match_rates=rates,
        alias_problems=resolver.alias_errors,
        superseded=superseded,
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
