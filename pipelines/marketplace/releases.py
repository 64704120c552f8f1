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

from pipelines.core.loading import SUPERSEDED_SCHEMA as SUPERSEDED_ROWS
from pipelines.core.loading import FileLoad
from pipelines.core.parsing import MONEY
from pipelines.marketplace.formats import CODE, loaded_rows

SUPERSEDED_CODES = pl.Schema({"source_file": pl.String, CODE: pl.Int64})
KEYS = ["framework_family", "month"]


@dataclass(frozen=True)
class SupersededFile:
    """One losing file's superseded rows (line, period, the winning file) and a note for it."""

    superseded: pl.DataFrame
    note: str

    @property
    def rows(self) -> int:
        return self.superseded.height


@dataclass(frozen=True)
class Supersession:
    #: (source_file, spend_code_id) of rows replaced by a later release: the fact load leaves them out.
    codes: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SUPERSEDED_CODES))
    #: file name -> what that file loses.
    files: dict[str, SupersededFile] = field(default_factory=dict)


def code_totals(files: list[tuple[FileLoad, Path]]) -> pl.DataFrame:
    """Loaded rows and their exact total per (source_file, spend_code_id): one pass over each file's Parquet rows,
    shared by supersession and the revisions table."""
    return pl.concat(
        [
            loaded_rows(pl.scan_parquet(p), load.lookups)
            .group_by("source_file", CODE)
            .agg(pl.len(), pl.col("amount").sum().alias("total"))
            .collect()
            for load, p in files
        ]
    )


def month_counts(
    files: list[tuple[FileLoad, Path]], codes: pl.DataFrame, totals: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Loaded rows per (source_file, spend_code_id) with the code's framework family and month."""
    per_code = code_totals(files) if totals is None else totals
    return per_code.select("source_file", CODE, "len").join(codes.select(CODE, *KEYS), on=CODE)


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
    rows = dropped.select(
        pl.lit(load.path.name).alias("file_name"),
        pl.lit(load.source).alias("source"),
        pl.col("source_line").alias("line"),
        pl.format("{} {}", pl.col("framework_family"), pl.col("month").dt.strftime("%Y-%m")).alias("period"),
        pl.col("winner").alias("superseded_by"),
    ).cast(SUPERSEDED_ROWS)
    n_months = lost.select(KEYS).unique().height
    return SupersededFile(rows, f"{dropped.height:,} rows in {n_months} month(s) superseded by a later release")


def supersede_cumulative_releases(
    files: list[tuple[FileLoad, Path]], codes: pl.DataFrame, totals: pl.DataFrame | None = None
) -> Supersession:
    """What later releases supersede among `files` (each a marketplace FileLoad and its Parquet rows).

    `codes` maps spend_code_id to framework_family and month; `totals` is `code_totals(files)` when the caller
    has it already. Nothing is changed: see `Supersession`.
    """
    if len(files) < 2:
        return Supersession()
    per_code = month_counts(files, codes, totals)
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


def release_totals(
    files: list[tuple[FileLoad, Path]], codes: pl.DataFrame, totals: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Per release (file), framework family and month: loaded rows, their exact total, and the month it runs to.

    Rows are counted before supersession (each release's own figure for the month), after row rules.
    """
    schema = {"source_file": pl.String, "framework_family": pl.String, "month": pl.Date, "financial_year": pl.String}
    if not files:
        return pl.DataFrame(schema={**schema, "n_rows": pl.Int64, "total": MONEY, "release_to": pl.Date})
    per_code = (code_totals(files) if totals is None else totals).rename({"len": "n_rows"})
    by_month = (
        per_code.join(codes.select(CODE, *KEYS, "financial_year"), on=CODE)
        .group_by(list(schema))
        .agg(pl.col("n_rows").sum().cast(pl.Int64), pl.col("total").sum().cast(MONEY))
    )
    runs_to = by_month.group_by("source_file", "framework_family").agg(pl.col("month").max().alias("release_to"))
    return by_month.join(runs_to, on=["source_file", "framework_family"])


def revisions(totals: pl.DataFrame) -> pl.DataFrame:
    """Each release's total for each family and month, in release order, with the change from the one before.

    Releases are ordered as supersession ranks them (the month a release runs to, then its file name), so the
    last one is the release whose rows are loaded.
    """
    ordered = totals.sort([*KEYS, "release_to", "source_file"])
    window = pl.col("total").shift(1).over(KEYS, order_by=["release_to", "source_file"])
    change = pl.col("total") - pl.col("previous_total")
    return (
        ordered.with_columns(
            (pl.int_range(pl.len()).over(KEYS, order_by=["release_to", "source_file"]) + 1).alias("release_order"),
            window.alias("previous_total"),
        )
        .with_columns(
            change.cast(MONEY).alias("change"),
            pl.when(pl.col("previous_total") != 0)
            .then(100 * change.cast(pl.Float64) / pl.col("previous_total").cast(pl.Float64))
            .alias("change_pct"),
            (pl.col("release_order") == pl.len().over(KEYS)).alias("is_latest"),
        )
        .rename({"source_file": "release_file"})
    )
