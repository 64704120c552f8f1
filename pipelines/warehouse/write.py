"""Write a new warehouse file: create every table from the schema, insert the frames, build the marts,
record the build, and check the result. The caller swaps the file in only when this returns.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from pathlib import Path

import duckdb
import polars as pl

from pipelines import config
from pipelines.core.loading import REJECT_SCHEMA, FileLoad
from pipelines.marketplace import tables as marketplace
from pipelines.warehouse.errors import BuildError
from pipelines.warehouse.marts import build_marts
from pipelines.warehouse.meta import (
    BUILD_FETCH_STATUS,
    BUILD_INFO,
    REJECTS,
    SUPERSEDED_ROWS,
    FileOutcome,
    fetch_status_frame,
    files_frame,
)
from pipelines.warehouse.model import ModelResult
from pipelines.warehouse.schema import ALL_TABLES
from pipelines.warehouse.validate import validate


def code_version() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(config.ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except OSError:
        pass
    return "unknown"


def write_warehouse(
    path: Path,
    model: ModelResult,
    loads: list[FileLoad],
    outcomes: list[FileOutcome],
    raw_dir: Path,
    is_sample: bool,
    started: float,
    timings: dict[str, float],
) -> dict[str, int]:
    con = duckdb.connect(str(path))
    try:
        con.sql("SET preserve_insertion_order = false")
        for table in ALL_TABLES:
            cols = ", ".join(f'"{c.name}" {c.type}' for c in table.columns)
            con.sql(f'CREATE TABLE "{table.name}" ({cols})')
        for name, frame in model.tables.items():
            insert_frame(con, name, frame)
        mark = time.perf_counter()
        marketplace.insert_fact(con, model.marketplace_parquet, model.superseded, model.marketplace_rejected_keys)
        timings["load marketplace fact"], mark = time.perf_counter() - mark, time.perf_counter()
        rejects = (
            pl.concat([ld.rejects for ld in loads], how="vertical_relaxed")
            if loads
            else pl.DataFrame(schema=REJECT_SCHEMA)
        )
        insert_frame(con, REJECTS.name, REJECTS.conform(rejects))
        superseded = pl.concat([ld.superseded for ld in loads]) if loads else SUPERSEDED_ROWS.empty()
        insert_frame(con, SUPERSEDED_ROWS.name, SUPERSEDED_ROWS.conform(superseded))
        insert_frame(con, "build_files", files_frame(outcomes))
        insert_frame(con, BUILD_FETCH_STATUS.name, fetch_status_frame(raw_dir))
        for name, sql in marketplace.VIEWS.items():
            con.sql(f'CREATE VIEW "{name}" AS {sql}')
        build_marts(con)
        timings["build marts"], mark = time.perf_counter() - mark, time.perf_counter()
        info = BUILD_INFO.conform(
            pl.DataFrame(
                [
                    {
                        "built_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
                        "code_version": code_version(),
                        "is_sample": is_sample,
                        "raw_dir": str(raw_dir),
                        "n_files": len(outcomes),
                        "n_files_loaded": sum(o.status == "loaded" for o in outcomes),
                        "build_seconds": time.perf_counter() - started,
                        "polars_version": pl.__version__,
                        "duckdb_version": duckdb.__version__,
                    }
                ],
                schema=BUILD_INFO.polars_schema,
            )
        )
        insert_frame(con, BUILD_INFO.name, info)
        problems = validate(con)
        timings["check schema"], mark = time.perf_counter() - mark, time.perf_counter()
        if problems:
            raise BuildError("the new warehouse breaks its schema; the previous warehouse is unchanged", problems)
        counts = {t.name: con.sql(f'SELECT count(*) FROM "{t.name}"').fetchall()[0][0] for t in ALL_TABLES}  # noqa: S608
        con.sql("CHECKPOINT")
        timings["checkpoint"] = time.perf_counter() - mark
        return counts
    finally:
        con.close()


def insert_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    con.register("_incoming", frame)
    try:
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        con.sql(f'INSERT INTO "{name}" BY NAME SELECT {cols} FROM _incoming')  # noqa: S608 - schema names
    finally:
        con.unregister("_incoming")
