"""Staging -> warehouse tables: the wiring between the domains and their builders.

Each builder is a pure function of the concatenated staging frames; this module only
groups the FileLoads' frames by staging name, calls the builders, resolves buyers and
hands the writer a dict of finished tables plus the marketplace Parquet files.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines import config
from pipelines.core.loading import SUPERSEDED_SCHEMA as SUPERSEDED_ROWS
from pipelines.core.loading import FileLoad, file_label
from pipelines.geography import tables as geography
from pipelines.marketplace.formats import CODE, CODES, CUSTOMERS, rejected_keys
from pipelines.marketplace.formats import STAGING as MARKETPLACE_STAGING
from pipelines.marketplace.releases import (
    SUPERSEDED_CODES,
    Supersession,
    code_totals,
    release_totals,
    revisions,
    supersede_cumulative_releases,
)
from pipelines.marketplace.tables import (
    MART_REVISIONS,
    marketplace_dimensions,
    marketplace_lookups,
    marketplace_rows,
    parquet_files,
)
from pipelines.ministers import tables as ministers
from pipelines.notices import tables as notices
from pipelines.notices.contracts_finder import SOURCE as CF_SOURCE
from pipelines.notices.find_a_tender import SOURCE as FTS_SOURCE
from pipelines.organisations import tables as organisations
from pipelines.reference import departments
from pipelines.sme_spend import tables as sme_spend
from pipelines.warehouse.buyers import Resolver, read_aliases
from pipelines.warehouse.customers import apply_restated_customers, build_ccs_customers
from pipelines.warehouse.dim_buyer import build_dim_buyer, distinct_buyer_names, match_rates


@dataclass
class ModelResult:
    tables: dict[str, pl.DataFrame]
    marketplace_parquet: list[Path]
    match_rates: pl.DataFrame
    alias_problems: list[str] = field(default_factory=list)
    #: Keys whose rows are rejected in every file (bad spend codes, blank names): the writer skips them.
    marketplace_rejected_keys: dict[str, pl.DataFrame] = field(default_factory=dict)
    #: (source_file, spend_code_id) of marketplace rows replaced by a later cumulative release.
    superseded: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SUPERSEDED_CODES))


def staging_frames(loads: list[FileLoad]) -> dict[str, pl.DataFrame]:
    """Concatenate every small staging frame by name (the marketplace stays in Parquet)."""
    grouped: dict[str, list[pl.DataFrame]] = defaultdict(list)
    for load in loads:
        for name, frame in load.tables.items():
            if name == MARKETPLACE_STAGING:
                continue
            grouped[name].append(frame.collect() if isinstance(frame, pl.LazyFrame) else frame)
    return {name: pl.concat(frames, how="diagonal_relaxed") for name, frames in grouped.items()}


def apply_supersession(loads: list[FileLoad], supersession: Supersession) -> None:
    """Move each losing file's superseded rows from loaded to superseded (with the file that wins), and note it."""
    for load in loads:
        lost = supersession.files.get(load.path.name)
        if lost is None or MARKETPLACE_STAGING not in load.parquet:
            continue
        load.superseded = pl.concat([load.superseded, lost.superseded])
        load.rows_loaded -= lost.rows
        load.notes.append(lost.note)
        load.check_reconciles()


def apply_duplicate_notices(loads: list[FileLoad], duplicates: pl.DataFrame) -> None:
    """A notice held by two files is loaded once: the other file's row moves from loaded to superseded."""
    for load in loads:
        if load.source not in (CF_SOURCE, FTS_SOURCE):
            continue
        dups = duplicates.filter(pl.col("source_file") == file_label(load.path))
        if not dups.height:
            continue
        rows = dups.select(
            pl.col("source_file").alias("file_name"),
            pl.lit(load.source).alias("source"),
            pl.col("source_line").alias("line"),
            pl.format("notice {}", pl.col("notice_id")).alias("period"),
            pl.col("kept_file").alias("superseded_by"),
        ).cast(SUPERSEDED_ROWS)
        load.superseded = pl.concat([load.superseded, rows])
        load.rows_loaded -= rows.height
        load.notes.append(f"{rows.height:,} notice(s) also in another file: loaded once, from that file")
        load.check_reconciles()


def build_model(loads: list[FileLoad], aliases_path: Path | None = None) -> ModelResult:
    stg = staging_frames(loads)
    tables: dict[str, pl.DataFrame] = {}
    tables |= geography.build_geography(stg)
    geography.note_lookup_boundary_mismatches(loads)
    geography.note_borrowed_district_lists(loads)
    tables |= organisations.build_organisations(stg)
    tables |= sme_spend.build_sme_spend(stg)
    if "mart_sme_share" not in tables:
        tables["mart_sme_share"] = sme_spend.sme_share_mart(tables["fact_sme_spend"])
    tables |= ministers.build_ministers(stg)
    tables |= notices.build_contract_notices(stg)
    apply_duplicate_notices(loads, notices.duplicate_notices(stg))
    tables["dim_ccs_customer"] = build_ccs_customers(stg)
    apply_restated_customers(loads, stg)

    files = parquet_files(loads)
    lookups = marketplace_lookups(files)
    codes = (
        lookups[CODES]
        if files
        else pl.DataFrame(schema={CODE: pl.Int64, "framework_family": pl.String, "month": pl.Date, "sector": pl.String})
    )
    totals = code_totals(files) if files else None  # one pass over the Parquet rows, for both
    tables[MART_REVISIONS.name] = MART_REVISIONS.conform(revisions(release_totals(files, codes, totals)))
    supersession = supersede_cumulative_releases(files, codes, totals)
    apply_supersession(loads, supersession)
    spend = marketplace_rows(files, supersession.codes)
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
        customers=tables["dim_ccs_customer"],
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
        customers=tables["dim_ccs_customer"],
    )
    rates = match_rates(tables["dim_buyer"])
    tables |= marketplace_dimensions(lookups, files)
    return ModelResult(
        tables=tables,
        marketplace_parquet=[p for _, p in files],
        marketplace_rejected_keys=rejected_keys(lookups) if files else {},
        match_rates=rates,
        alias_problems=resolver.alias_errors,
        superseded=supersession.codes,
    )
