"""Small hand-written reference facts shipped with the code.

- departments.csv: central government departments, one row per department as named
  at a time, grouped into lineages that survive renames (DCLG -> MHCLG -> DLUHC ->
  MHCLG; BIS -> BEIS). `aliases` lists the codes and names publishers use.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import polars as pl

from pipelines.config import CODE_REFERENCE_DIR

DEPARTMENTS_CSV = CODE_REFERENCE_DIR / "departments.csv"


@cache
def departments(path: Path = DEPARTMENTS_CSV) -> pl.DataFrame:
    """The department reference with typed dates and the lineage's current name."""
    df = pl.read_csv(path, infer_schema=False).with_columns(
        pl.col("start_date").str.to_date(strict=False),
        pl.col("end_date").str.to_date(strict=False),
    )
    current = (
        df.sort("start_date", nulls_last=False)
        .group_by("lineage_id", maintain_order=True)
        .agg(pl.col("name").last().alias("lineage_name"), pl.col("abbreviation").last().alias("lineage_abbreviation"))
    )
    return df.join(current, on="lineage_id", how="left")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).strip()


@cache
def _alias_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for row in departments().iter_rows(named=True):
        names = {row["department_id"], row["abbreviation"], row["name"]}
        names |= {a for a in (row["aliases"] or "").split("|") if a}
        for name in names:
            ids = index.setdefault(_key(name), [])
            if row["department_id"] not in ids:
                ids.append(row["department_id"])
    return index


def resolve_department(code_or_name: str | None, on: dt.date | None = None) -> str | None:
    """The department_id a published code or name means on a date (None when unknown).

    'MHCLG' means the 2018-2021 ministry in 2019/20 and the 2024 one today; when
    several departments share an alias the one whose dates cover `on` wins, else
    the most recent.
    """
    if not code_or_name:
        return None
    ids = _alias_index().get(_key(code_or_name))
    if not ids:
        return None
    if len(ids) == 1:
        return ids[0]
    rows = departments().filter(pl.col("department_id").is_in(ids))
    if on is not None:
        covering = rows.filter(
            (pl.col("start_date").is_null() | (pl.col("start_date") <= on))
            & (pl.col("end_date").is_null() | (pl.col("end_date") > on))
        )
        if covering.height:
            rows = covering
    return rows.sort("start_date", nulls_last=False)["department_id"][-1]


def lineage_of(department_id: str) -> str | None:
    match = departments().filter(pl.col("department_id") == department_id)
    return match["lineage_id"][0] if match.height else None
