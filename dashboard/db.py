"""The dashboard's only door to the warehouse: a read-only connection and named queries.

- `query("name", **params)` runs `queries/name.sql` with bound `$named` parameters; the name
  must be one of the files in that folder, so no SQL is ever built from user input.
- Each query runs on its own cursor (one DuckDB connection is not safe to share across the
  threads Streamlit serves sessions on).
- The connection is an in-memory DuckDB that ATTACHes the warehouse READ_ONLY. When the file
  on disk changes (the pipeline swaps in a new one with os.replace), the cached connection is
  found stale and a new one is made; an ATTACH from a fresh in-memory database sees the new
  file even while an older connection still serves in-flight queries (a plain
  `duckdb.connect(path)` would return the old data until every connection to it closed).
  Stale connections are not closed under a running query; they are dropped and collected.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from pipelines import config

QUERIES_DIR = Path(__file__).resolve().parent / "queries"


def warehouse_path() -> Path:
    """Read at call time so tests and the rebuild drill can point the app at another file."""
    return Path(os.environ.get("PROCUREMENT_WAREHOUSE", config.WAREHOUSE_PATH))


@cache
def query_names() -> frozenset[str]:
    return frozenset(p.stem for p in QUERIES_DIR.glob("*.sql"))


@cache
def sql_text(name: str) -> str:
    if name not in query_names():
        raise KeyError(f"unknown query {name!r}")
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _signature(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


@dataclass
class Warehouse:
    path: Path
    signature: tuple[int, int, int]
    con: duckdb.DuckDBPyConnection


def _still_current(wh: Warehouse) -> bool:
    try:
        return _signature(wh.path) == wh.signature
    except FileNotFoundError:
        return False


_open_lock = threading.Lock()


@st.cache_resource(validate=_still_current, show_spinner=False)
def _open(path_text: str) -> Warehouse:
    path = Path(path_text)
    with _open_lock:
        signature = _signature(path)
        con = duckdb.connect(":memory:")
        con.execute("SET threads = 2")
        con.execute("ATTACH $path AS wh (READ_ONLY)", {"path": path_text})
        con.execute("USE wh")
        return Warehouse(path=path, signature=signature, con=con)


def connection() -> Warehouse:
    return _open(str(warehouse_path()))


def run_query(name: str, **params: object) -> pl.DataFrame:
    """Run the named query with bound parameters on its own cursor (no caching)."""
    text = sql_text(name)
    wh = connection()
    cursor = wh.con.cursor()
    try:
        cursor.execute("USE wh")
        return cursor.sql(text, params=params or None).pl()
    finally:
        cursor.close()


@st.cache_data(show_spinner=False, max_entries=5000, ttl=3600)
def _cached(signature: tuple[int, int, int], name: str, params: tuple[tuple[str, object], ...]) -> pl.DataFrame:
    del signature  # part of the cache key only: a rebuilt warehouse never serves old results
    return run_query(name, **dict(params))


def query(name: str, **params: object) -> pl.DataFrame:
    """The named query's result, shared across sessions until the warehouse file changes.

    The warehouse only changes by being swapped for a new file, so (file signature, query name,
    parameters) identifies a result exactly; marts are small, so results are cheap to keep.
    """
    return _cached(warehouse_signature(), name, tuple(sorted(params.items())))


def warehouse_signature() -> tuple[int, int, int]:
    """Changes whenever a new warehouse is swapped in; pages use it as a cache key."""
    return connection().signature
