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
from pipelines.core.loading import REJECT_CODE, FileLoad
from pipelines.marketplace_spend import (
    DIM_DESCRIPTION,
    DIM_SPEND_CODE,
    DIM_SUPPLIER,
    build_dim_buyer,
    distinct_buyer_names,
)
from pipelines.reference import departments
from pipelines.sources.marketplace import CODE, CODES, CUSTOMERS, DESCRIPTIONS, SUPPLIERS, loaded_rows, rejected_keys
from pipelines.sources.marketplace import STAGING as MARKETPLACE_STAGING
from pipelines.sources.ons import STG_BOUNDARY, STG_LAD_REGION

SUPERSEDED_SCHEMA = {"source_file": pl.String, CODE: pl.Int64}


@dataclass
class ModelResult:
    tables: dict[str, pl.DataFrame]
    marketplace_parquet: list[Path]
    match_rates: pl.DataFrame
    alias_problems: list[str] = field(default_factory=list)
    #: Keys whose rows are rejected in every file (bad spend codes, blank names): the writer skips them.
    marketplace_rejected_keys: dict[str, pl.DataFrame] = field(default_factory=dict)
    #: (source_file, spend_code_id) of marketplace rows replaced by a later cumulative release.
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


def _marketplace_files(loads: list[FileLoad]) -> list[tuple[FileLoad, Path]]:
    return [(load, p) for load in loads for n, p in load.parquet.items() if n == MARKETPLACE_STAGING]


def marketplace_lookups(loads: list[FileLoad]) -> dict[str, pl.DataFrame]:
    """Every file's lookups, concatenated and de-duplicated on their keys (keys are content hashes)."""
    keys = {CODES: CODE, SUPPLIERS: "supplier_id", CUSTOMERS: "buyer_id", DESCRIPTIONS: "description_id"}
    files = _marketplace_files(loads)
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


def supersede_cumulative_releases(loads: list[FileLoad], codes: pl.DataFrame) -> pl.DataFrame:
    """Publishers re-issue marketplace spend cumulatively (each release repeats earlier months,
    sometimes revised). For every framework family (G-Cloud and DOS are published separately)
    and month published in more than one file, keep the rows of the latest release (the file
    whose data for that family runs latest; ties by file name) and reject the others' rows for
    that month with the reason, so nothing is double counted and nothing vanishes.

    Mutates the losing FileLoads' counts and rejects; returns the (source_file, spend_code_id) dropped.
    """
    files = _marketplace_files(loads)
    empty = pl.DataFrame(schema=SUPERSEDED_SCHEMA)
    if len(files) < 2:
        return empty
    per_code = pl.concat(
        [
            loaded_rows(pl.scan_parquet(p), load.lookups).group_by("source_file", CODE).agg(pl.len()).collect()
            for load, p in files
        ]
    ).join(codes.select(CODE, "framework_family", "month"), on=CODE)
    months = per_code.group_by("source_file", "framework_family", "month").agg(pl.col("len").sum())
    keys = ["framework_family", "month"]
    latest = months.group_by("source_file", "framework_family").agg(pl.col("month").max().alias("latest"))
    ranked = months.join(latest, on=["source_file", "framework_family"]).sort(
        ["framework_family", "month", "latest", "source_file"], descending=[False, False, True, True]
    )
    winners = ranked.group_by(keys, maintain_order=True).agg(pl.col("source_file").first().alias("winner"))
    losers = ranked.join(winners, on=keys).filter(pl.col("source_file") != pl.col("winner"))
    if not losers.height:
        return empty
    lost_codes = per_code.join(losers.select("source_file", *keys, "winner"), on=["source_file", *keys])
    for load, path in files:
        lost = lost_codes.filter(pl.col("source_file") == load.path.name)
        if not lost.height:
            continue
        dropped = (
            loaded_rows(pl.scan_parquet(path), load.lookups)
            .join(lost.lazy().select(CODE, *keys, "winner"), on=CODE, how="inner")
            .select("source_line", *keys, "winner")
            .sort("source_line")
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
        n_months = lost.select(keys).unique().height
        load.notes.append(f"{dropped.height:,} rows in {n_months} month(s) superseded by a later release")
        load.check_reconciles()
    return lost_codes.select("source_file", pl.col(CODE).cast(pl.Int64))


def _english_lad_codes(load: FileLoad, name: str) -> dict[int, set[str]]:
    """vintage -> English LAD codes in one file's staging frame `name` (empty when it has none)."""
    frame = load.tables.get(name)
    if frame is None:
        return {}
    frame = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    code = "lad_code" if name == STG_LAD_REGION else "code"
    if name == STG_BOUNDARY:
        frame = frame.filter(pl.col("level") == "lad")
    frame = frame.filter(pl.col(code).str.starts_with("E"))
    return {v: set(codes) for v, codes in frame.group_by("vintage").agg(pl.col(code)).iter_rows()}


def note_lookup_boundary_mismatches(loads: list[FileLoad]) -> None:
    """Note, on the files concerned, English LAD codes that the region lookup and the LAD boundaries do not share.

    The map joins the two on the code, so a code in only one of them is an area the map silently leaves out
    (a lookup of another vintage, a re-coded district). Compared per vintage, where both kinds of file exist.
    """
    lookups = {id(load): _english_lad_codes(load, STG_LAD_REGION) for load in loads}
    shapes = {id(load): _english_lad_codes(load, STG_BOUNDARY) for load in loads}
    in_lookups: dict[int, set[str]] = defaultdict(set)
    in_shapes: dict[int, set[str]] = defaultdict(set)
    for per_file, union in ((lookups, in_lookups), (shapes, in_shapes)):
        for by_vintage in per_file.values():
            for vintage, codes in by_vintage.items():
                union[vintage] |= codes
    for load in loads:
        for vintage, codes in lookups[id(load)].items():
            missing = sorted(codes - in_shapes[vintage]) if vintage in in_shapes else []
            if missing:
                load.notes.append(
                    f"{len(missing)} LAD code(s) have no {vintage} LAD boundary, so maps leave them out"
                    f" (e.g. {', '.join(missing[:5])})"
                )
        for vintage, codes in shapes[id(load)].items():
            extra = sorted(codes - in_lookups[vintage]) if vintage in in_lookups else []
            if extra:
                load.notes.append(
                    f"{len(extra)} LAD boundary(ies) have no row in the {vintage} LAD-region lookup"
                    f" (e.g. {', '.join(extra[:5])})"
                )


def build_model(loads: list[FileLoad], aliases_path: Path | None = None) -> ModelResult:
    stg = staging_frames(loads)
    tables: dict[str, pl.DataFrame] = {}
    tables |= geography.build_geography(stg)
    note_lookup_boundary_mismatches(loads)
    tables |= organisations.build_organisations(stg)
    tables |= sme.build_sme_spend(stg)
    if "mart_sme_share" not in tables:
        tables["mart_sme_share"] = sme.sme_share_mart(tables["fact_sme_spend"])
    tables |= ministers.build_ministers(stg)
    tables |= contracts_finder.build_contract_notices(stg)

    lookups = marketplace_lookups(loads)
    files = _marketplace_files(loads)
    codes = (
        lookups[CODES]
        if files
        else pl.DataFrame(schema={CODE: pl.Int64, "framework_family": pl.String, "month": pl.Date, "sector": pl.String})
    )
    superseded = supersede_cumulative_releases(loads, codes)
    spend = marketplace_rows(files, superseded)
    customers = (
        lookups[CUSTOMERS] if files else pl.DataFrame(schema={"buyer_id": pl.Int64, "customer_name_raw": pl.String})
    )
    names = distinct_buyer_names(spend, codes, customers, tables["fact_contract_notice"])
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
    tables |= marketplace_dimensions(lookups, files)
    return ModelResult(
        tables=tables,
        marketplace_parquet=[p for _, p in files],
        marketplace_rejected_keys=rejected_keys(lookups) if files else {},
        match_rates=rates,
        alias_problems=resolver.alias_errors,
        superseded=superseded,
    )


def marketplace_dimensions(lookups: dict[str, pl.DataFrame], files: list) -> dict[str, pl.DataFrame]:
    """dim_spend_code, dim_supplier, dim_description from the lookups (valid keys only)."""
    if not files:
        return {t.name: t.empty() for t in (DIM_SPEND_CODE, DIM_SUPPLIER, DIM_DESCRIPTION)}
    return {
        DIM_SPEND_CODE.name: DIM_SPEND_CODE.conform(lookups[CODES].filter(pl.col(REJECT_CODE).is_null())),
        DIM_SUPPLIER.name: DIM_SUPPLIER.conform(lookups[SUPPLIERS].filter(pl.col("supplier_name").is_not_null())),
        DIM_DESCRIPTION.name: DIM_DESCRIPTION.conform(lookups[DESCRIPTIONS]),
    }


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
