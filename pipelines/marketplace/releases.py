"""Cumulative releases: a later marketplace file restates earlier months, and the latest release wins.

Publishers re-issue marketplace spend cumulatively (each release repeats earlier months, sometimes
revised). For every framework family (G-Cloud and DOS are published separately) and month published in
more than one file, the rows of the latest release are kept (the file whose data for that family runs
latest; ties by file name) and the others' rows for that month are superseded, with the reason, so nothing
is double counted and nothing vanishes.

`supersede_cumulative_releases` is pure: it reads the files' keyed rows and returns what is superseded;
the warehouse build applies that to the files' counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.core.loading import FileLoad
from pipelines.marketplace.formats import CODE, loaded_rows

SUPERSEDED_SCHEMA = pl.Schema({"source_file": pl.String, CODE: pl.Int64})
KEYS = ["framework_family", "month"]


@dataclass(frozen=True)
class SupersededFile:
    """One losing file's superseded rows, as reject rows with their reason, and a note for the file."""

    rejects: pl.DataFrame
    note: str

    @property
    def rows(self) -> int:
        return self.rejects.height


@dataclass(frozen=True)
class Supersession:
    #: (source_file, spend_code_id) of rows replaced by a later release: the fact load leaves them out.
    codes: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SUPERSEDED_SCHEMA))
    #: file name -> what that file loses.
    files: dict[str, SupersededFile] = field(default_factory=dict)


def month_counts(files: list[tuple[FileLoad, Path]], codes: pl.DataFrame) -> pl.DataFrame:
    """Loaded rows per (source_file, spend_code_id) with the code's framework family and month."""
    return pl.concat(
        [
            loaded_rows(pl.scan_parquet(p), load.lookups).group_by("source_file", CODE).agg(pl.len()).collect()
            for load, p in files
        ]
    ).join(codes.select(CODE, *KEYS), on=CODE)


def losing_months(per_code: pl.DataFrame) -> pl.DataFrame:
    """(source_file, framework_family, month, winner) for every month a later release also publishes."""
    months = per_code.group_by("source_file", *KEYS).agg(pl.col("len").sum())
    latest = months.group_by("source_file", "framework_family").agg(pl.col("month").max().alias("latest"))
    ranked = months.join(latest, on=["source_file", "framework_family"]).sort(
        [*KEYS, "latest", "source_file"], descending=[False, False, True, True]
    )
    winners = ranked.group_by(KEYS, maintain_order=True).agg(pl.col("source_file").first().alias("winner"))
    return (
        ranked.join(winners, on=KEYS)
        .filter(pl.col("source_file") != pl.col("winner"))
        .select("source_file", *KEYS, "winner")
    )


def _superseded_file(load: FileLoad, path: Path, lost: pl.DataFrame) -> SupersededFile:
    dropped = (
        loaded_rows(pl.scan_parquet(path), load.lookups)
        .join(lost.lazy().select(CODE, *KEYS, "winner"), on=CODE, how="inner")
        .select("source_line", *KEYS, "winner")
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
    ).cast(load.rejects.schema)
    n_months = lost.select(KEYS).unique().height
    return SupersededFile(rejects, f"{dropped.height:,} rows in {n_months} month(s) superseded by a later release")


def supersede_cumulative_releases(files: list[tuple[FileLoad, Path]], codes: pl.DataFrame) -> Supersession:
    """What later releases supersede among `files` (each a marketplace FileLoad and its Parquet rows).

    `codes` maps spend_code_id to framework_family and month. Nothing is changed: see `Supersession`.
    """
    if len(files) < 2:
        return Supersession()
    per_code = month_counts(files, codes)
    losers = losing_months(per_code)
    if not losers.height:
        return Supersession()
    lost_codes = per_code.join(losers, on=["source_file", *KEYS])
    out: dict[str, SupersededFile] = {}
    for load, path in files:
        lost = lost_codes.filter(pl.col("source_file") == load.path.name)
        if lost.height:
            out[load.path.name] = _superseded_file(load, path, lost)
    return Supersession(lost_codes.select("source_file", pl.col(CODE).cast(pl.Int64)), out)
