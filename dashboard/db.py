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
- A warehouse that cannot be used (no file, a folder, empty, not DuckDB, truncated, unreadable, another
  schema) raises `WarehouseProblem` saying what is wrong with which file; `problem()` is the check each
  page run makes once, before anything reads. Nothing is cached for a bad file, so the run after it is
  fixed (or rebuilt) opens the new one, without a restart.
"""

from __future__ import annotations

import os
import shlex
import stat
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


class WarehouseProblem(Exception):
    """The warehouse at `path` cannot be used: `what` is wrong (missing: there is nothing at the path)."""

    def __init__(self, path: Path, what: str, *, missing: bool = False):
        self.path, self.what, self.missing = path, what, missing
        super().__init__(f"{path}: {what}")

    @property
    def command(self) -> str:
        """What rebuilds it, from the repository root."""
        default = Path(os.path.abspath(self.path)) == config.DATA_DIR / "warehouse.duckdb"
        out = "" if default else f" --out {shlex.quote(str(self.path))}"
        return f".venv/bin/python -m pipelines build{out}"


#: DuckDB's file header: a checksum, then these four bytes.
DUCKDB_MAGIC, DUCKDB_MAGIC_AT = b"DUCK", 8


def read_header(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(64)


def _examine(path: Path) -> None:
    """Raise WarehouseProblem for what can be told before DuckDB opens the file."""
    if not os.path.lexists(path):
        raise WarehouseProblem(path, "there is no warehouse file at this path yet", missing=True)
    try:
        info = path.stat()
    except OSError as exc:
        target = os.readlink(path) if path.is_symlink() else ""
        raise WarehouseProblem(path, f"it is a link to {target}, which cannot be reached ({exc.strerror})") from exc
    if stat.S_ISDIR(info.st_mode):
        raise WarehouseProblem(path, "it is a folder, not a warehouse file (remove or rename the folder)")
    if not stat.S_ISREG(info.st_mode):
        raise WarehouseProblem(path, "it is not a regular file")
    if info.st_size == 0:
        raise WarehouseProblem(path, "the file is empty (0 bytes)")
    try:
        header = read_header(path)
    except OSError as exc:
        raise WarehouseProblem(path, f"the file cannot be read ({exc.strerror})") from exc
    if header[DUCKDB_MAGIC_AT : DUCKDB_MAGIC_AT + len(DUCKDB_MAGIC)] != DUCKDB_MAGIC:
        raise WarehouseProblem(path, "it is not a DuckDB database (the file does not start with DuckDB's header)")


@cache
def expected_columns() -> dict[str, dict[str, str]]:
    """Every table the pipeline writes, with its columns and their types; and its views (columns unchecked)."""
    from pipelines.marketplace.tables import VIEWS
    from pipelines.warehouse.schema import ALL_TABLES

    tables = {t.name: {c.name: c.type for c in t.columns} for t in ALL_TABLES}
    return tables | {name: {} for name in VIEWS}


def schema_gaps(con: duckdb.DuckDBPyConnection) -> list[str]:
    """How the attached warehouse `wh` differs from the schema the pages read (empty when it does not)."""
    found: dict[str, dict[str, str]] = {}
    rows = con.sql("SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_catalog = 'wh'")
    for table, column, kind in rows.fetchall():
        found.setdefault(table, {})[column] = kind
    expected = expected_columns()
    missing = [t for t in expected if t not in found]
    if len(missing) == len(expected):
        return ["it holds none of the dashboard's tables (is it another database?)"]
    gaps = []
    if missing:
        gaps.append(f"it lacks {len(missing)} of the dashboard's {len(expected)} tables ({_some(missing)})")
    for table, columns in expected.items():
        have = found.get(table)
        if have is None:
            continue
        if lacking := [c for c in columns if c not in have]:
            gaps.append(f"table {table} lacks column(s) {_some(lacking)}")
        gaps += [f"column {table}.{c} is {have[c]}, not {kind}" for c, kind in columns.items() if have.get(c, kind) != kind]
    return gaps


#: Before DuckDB's first block: its file header and two database headers of 4 KiB each.
DUCKDB_HEADER_BYTES = 3 * 4096


def _truncation(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """Why the file is shorter than DuckDB's own record of its blocks ('' when it is not).

    Its catalogue can survive a cut (a copy stopped midway), so ATTACH succeeds and queries fail later."""
    rows = con.sql("SELECT block_size, total_blocks FROM pragma_database_size() WHERE database_name = 'wh'").fetchall()
    if not rows:
        return ""
    expected = DUCKDB_HEADER_BYTES + int(rows[0][0]) * int(rows[0][1])
    size = path.stat().st_size
    if size >= expected:
        return ""
    return f"it is cut short: {size:,} bytes of the {expected:,} its own header records (a copy or write stopped midway)"


def _some(names: list[str], shown: int = 5) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


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
    """A connection to a warehouse that holds to the schema, or WarehouseProblem (and nothing cached)."""
    path = Path(path_text)
    with _open_lock:
        _examine(path)
        try:
            signature = _signature(path)
        except FileNotFoundError as exc:  # removed since it was examined
            raise WarehouseProblem(path, "there is no warehouse file at this path yet", missing=True) from exc
        con = duckdb.connect(":memory:")
        try:
            con.execute("SET threads = 2")
            try:
                con.execute("ATTACH $path AS wh (READ_ONLY)", {"path": path_text})
            except duckdb.Error as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise WarehouseProblem(path, f"DuckDB cannot open it ({first})") from exc
            if short := _truncation(con, path):
                raise WarehouseProblem(path, short)
            if gaps := schema_gaps(con):
                raise WarehouseProblem(path, "; ".join(gaps[:3]) + (f"; and {len(gaps) - 3} more" if len(gaps) > 3 else ""))
            con.execute("USE wh")
        except BaseException:
            con.close()
            raise
        return Warehouse(path=path, signature=signature, con=con)


def connection() -> Warehouse:
    return _open(str(warehouse_path()))


def problem() -> WarehouseProblem | None:
    """Why the warehouse cannot be used right now, or None when it can (opening it, if not yet open)."""
    try:
        connection()
    except WarehouseProblem as exc:
        return exc
    return None


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


# A resource cache, not st.cache_data: cache_data pickles a result when it is stored and unpickles a new copy
# on every read, which was about a tenth of the server's time per page run under load
# (benchmarks/concurrency.py, profiled). One frame is kept and each caller gets a clone instead.
@st.cache_resource(show_spinner=False, max_entries=5000, ttl=3600)
def _cached(signature: tuple[int, int, int], name: str, params: tuple[tuple[str, object], ...]) -> pl.DataFrame:
    del signature  # part of the cache key only: a rebuilt warehouse never serves old results
    return run_query(name, **dict(params))


def query(name: str, **params: object) -> pl.DataFrame:
    """The named query's result, shared across sessions until the warehouse file changes.

    The warehouse only changes by being swapped for a new file, so (file signature, query name,
    parameters) identifies a result exactly; marts are small, so results are cheap to keep. Each
    call returns a clone of the kept frame: Polars shares the columns' memory until one is changed
    (copy on write), so the clone costs nothing and no caller can change what the next one reads.
    """
    return _cached(warehouse_signature(), name, tuple(sorted(params.items()))).clone()


def warehouse_signature() -> tuple[int, int, int]:
    """Changes whenever a new warehouse is swapped in; pages use it as a cache key."""
    return connection().signature
