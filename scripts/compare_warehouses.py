"""Compare two warehouses: same tables, same columns (name and type), same row counts, same content.

Used to show that a refactor changed no behaviour: build the warehouse before and after from the same raw
folder, then

    python scripts/compare_warehouses.py BEFORE.duckdb AFTER.duckdb

Tables, column names and types and row counts must match exactly (exit 1 otherwise). Content is compared by an
order-independent fingerprint of every row (the sum of DuckDB row hashes; DOUBLE columns
to 4 decimal places, as parallel sums differ in the last bits); tables that record the build itself
(time, paths, timings) differ by nature, so their content differences are listed as information only.

Plain DuckDB SQL on both files; nothing here imports the pipeline.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

#: Tables whose rows describe the build run (when, where, how long), not the data.
BUILD_RECORDS = {"build_info", "build_files", "meta_build"}
#: Columns that differ between two builds of the same files (absolute paths, times, timings, work folders).
RUN_COLUMNS = {"built_at", "raw_dir", "seconds", "timings", "warehouse", "path", "work_dir", "git_commit", "git_sha"}


def describe(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    rows = con.sql(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = current_database() ORDER BY table_name, ordinal_position"
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        out.setdefault(table, []).append((column, dtype))
    return out


def fingerprint(con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]]) -> tuple[int, int | None]:
    """Row count and an order-independent hash of the rows. Floating-point sums depend on the order DuckDB's
    threads add them in, so DOUBLE columns are compared to 4 decimal places (a hundredth of a penny)."""
    kept = [(c, t) for c, t in columns if c not in RUN_COLUMNS] or columns
    cols = ", ".join(f'round("{c}", 4)' if t in ("DOUBLE", "FLOAT") else f'"{c}"' for c, t in kept)
    count, digest = con.sql(f'SELECT count(*), sum(hash({cols})) FROM "{table}"').fetchall()[0]  # noqa: S608
    return int(count), None if digest is None else int(digest)


def compare(before: Path, after: Path) -> tuple[list[str], list[str]]:
    """Problems (structure or counts differ) and notes (content of build records differs)."""
    problems: list[str] = []
    notes: list[str] = []
    a = duckdb.connect(str(before), read_only=True)
    b = duckdb.connect(str(after), read_only=True)
    try:
        da, db_ = describe(a), describe(b)
        for name in sorted(set(da) - set(db_)):
            problems.append(f"table {name} is only in {before}")
        for name in sorted(set(db_) - set(da)):
            problems.append(f"table {name} is only in {after}")
        for name in sorted(set(da) & set(db_)):
            if da[name] != db_[name]:
                problems.append(f"{name}: columns differ\n  before {da[name]}\n  after  {db_[name]}")
                continue
            (na, ha), (nb, hb) = fingerprint(a, name, da[name]), fingerprint(b, name, da[name])
            if na != nb:
                problems.append(f"{name}: {na:,} rows before, {nb:,} after")
            elif ha != hb:
                (notes if name in BUILD_RECORDS else problems).append(f"{name}: same {na:,} rows, content differs")
    finally:
        a.close()
        b.close()
    return problems, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    problems, notes = compare(args.before, args.after)
    with duckdb.connect(str(args.after), read_only=True) as con:
        tables = len(describe(con))
    for note in notes:
        print(f"note: {note} (a record of the build run)")
    for problem in problems:
        print(f"DIFFERS: {problem}")
    print(f"{tables} tables compared: " + ("identical" if not problems else f"{len(problems)} difference(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
