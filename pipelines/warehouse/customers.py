"""dim_ccs_customer: the CCS customer URN list, each customer placed in a local authority district by postcode.

It joins two domains (the URN list from `organisations`, the postcode lookup from `geography`), so it lives
in the warehouse. Buyer resolution (`pipelines.warehouse.buyers`, method `urn_postcode`) uses it after
every other method, to place on the map the buyers that are not councils: schools, police forces, NHS
trusts, fire authorities.

Where two URN lists give the same URN, the one later in file-name order wins (CCS dates its releases in
the name) and the other file's row is counted as superseded. Where two postcode lookups give the same
postcode, the later file's district is used; a lookup is not a warehouse table, so nothing is superseded.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipelines.core.loading import FILE, LINE, SUPERSEDED_SCHEMA, FileLoad, staging
from pipelines.core.schema import Column, Table
from pipelines.geography import postcodes
from pipelines.organisations import ccs_customers

DIM_CCS_CUSTOMER = Table(
    name="dim_ccs_customer",
    kind="dimension",
    description=(
        "Crown Commercial Service customer URN list: every public body that may buy through CCS frameworks, "
        "with its postcode and the local authority district that postcode is in (ONS postcode lookup)."
    ),
    key=("urn",),
    columns=(
        Column("urn", "BIGINT", "CCS Unique Reference Number of the customer", nullable=False, min=0),
        Column("customer_name", "VARCHAR", "Customer name as CCS lists it", nullable=False),
        Column("postcode", "VARCHAR", "Postcode in ONS pcds form ('L3 9PP'); null when the list's is not one"),
        Column("sector", "VARCHAR", "CCS sector (Education, Health, Police, Fire and Rescue, ...)"),
        Column("lad_code", "VARCHAR", "Local authority district of the postcode; null when no lookup has it"),
        Column("source_file", "VARCHAR", "The URN list the row came from", nullable=False),
    ),
)

TABLES = (DIM_CCS_CUSTOMER,)


def postcode_districts(stg: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """postcode -> lad_code from every lookup read (a later file's district wins)."""
    lookup = staging(stg, postcodes.STAGING, postcodes.STAGING_SCHEMA)
    return lookup.sort(FILE, LINE).unique("postcode", keep="last").select("postcode", "lad_code")


def latest_customers(stg: Mapping[str, pl.DataFrame]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(one row per URN from the file latest in name order, the rows other files lose to it)."""
    customers = staging(stg, ccs_customers.STAGING, ccs_customers.STAGING_SCHEMA).sort(FILE, LINE)
    winners = customers.unique("urn", keep="last")
    losers = customers.join(winners.select("urn", pl.col(FILE).alias("kept_file")), on="urn").filter(
        pl.col(FILE) != pl.col("kept_file")
    )
    return winners.sort("urn"), losers


def build_ccs_customers(stg: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """dim_ccs_customer: the latest row of each URN, with the district of its postcode."""
    winners, _ = latest_customers(stg)
    placed = winners.join(postcode_districts(stg), on="postcode", how="left")
    return DIM_CCS_CUSTOMER.conform(placed)


def apply_restated_customers(loads: list[FileLoad], stg: Mapping[str, pl.DataFrame]) -> None:
    """A URN a later list restates is loaded once, from that list: the earlier row moves to superseded."""
    _, losers = latest_customers(stg)
    if not losers.height:
        return
    for load in loads:
        if load.source != ccs_customers.SOURCE:
            continue
        lost = losers.filter(pl.col(FILE) == load.path.name)
        if not lost.height:
            continue
        rows = lost.select(
            pl.col(FILE).alias("file_name"),
            pl.lit(load.source).alias("source"),
            pl.col(LINE).alias("line"),
            pl.format("URN {}", pl.col("urn")).alias("period"),
            pl.col("kept_file").alias("superseded_by"),
        ).cast(SUPERSEDED_SCHEMA)
        load.superseded = pl.concat([load.superseded, rows])
        load.rows_loaded -= rows.height
        load.notes.append(f"{rows.height:,} URN(s) also in a later list: loaded from that list")
        load.check_reconciles()
