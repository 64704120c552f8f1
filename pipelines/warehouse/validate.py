"""The check run on a new warehouse before it replaces the old one.

`validate` checks the file against every declared table (see `pipelines.warehouse.schema`): tables and
column types exist, keys are unique and not null, required columns are filled, numbers lie in range, text
lies in its allowed set, foreign keys point at existing rows, and each table's own extra checks
(reconciliation) return no rows. SQL here is assembled from the schema's own table and column names,
never from user input.
"""

from __future__ import annotations

import duckdb

from pipelines.core.schema import Column, ForeignKey, Table
from pipelines.warehouse.schema import ALL_TABLES

#: (description of the broken rule, SQL returning up to a few offending rows)
Check = tuple[str, str]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def column_problems(table: Table, existing: dict[tuple[str, str], str]) -> list[str]:
    """Columns the table lacks or holds with another type than declared."""
    problems: list[str] = []
    for col in table.columns:
        actual = existing.get((table.name, col.name))
        if actual is None:
            problems.append(f"{table.name}.{col.name}: column missing")
        elif actual.replace(" ", "") != col.type.replace(" ", ""):
            problems.append(f"{table.name}.{col.name}: type {actual}, schema says {col.type}")
    return problems


def key_check(table: Table) -> list[Check]:
    if not table.key:
        return []
    keys = ", ".join(_q(k) for k in table.key)
    sql = f"SELECT {keys} FROM {_q(table.name)} GROUP BY ALL HAVING count(*) > 1 LIMIT 5"  # noqa: S608
    return [(f"key ({', '.join(table.key)}) is not unique", sql)]


def column_checks(table: Table, col: Column) -> list[Check]:
    """Not null, range and allowed-values checks of one column."""
    t, c = _q(table.name), _q(col.name)
    checks: list[Check] = []
    if not col.nullable or col.name in table.key:
        checks.append((f"{col.name} has nulls", f"SELECT 1 FROM {t} WHERE {c} IS NULL LIMIT 1"))  # noqa: S608
    if col.min is not None:
        checks.append((f"{col.name} below {col.min}", f"SELECT {c} FROM {t} WHERE {c} < {col.min} LIMIT 3"))  # noqa: S608
    if col.max is not None:
        checks.append((f"{col.name} above {col.max}", f"SELECT {c} FROM {t} WHERE {c} > {col.max} LIMIT 3"))  # noqa: S608
    if col.allowed is not None:
        allowed = ", ".join(_lit(a) for a in col.allowed)
        sql = f"SELECT DISTINCT {c} FROM {t} WHERE {c} NOT IN ({allowed}) LIMIT 3"  # noqa: S608
        checks.append((f"{col.name} outside {{{', '.join(col.allowed)}}}", sql))
    return checks


def foreign_key_check(table: Table, fk: ForeignKey) -> Check:
    """Values of the referencing columns (all not null) that the referenced table does not hold."""
    cols = ", ".join(_q(c) for c in fk.columns)
    targets = ", ".join(_q(c) for c in fk.target_columns)
    filled = " AND ".join(f"{_q(c)} IS NOT NULL" for c in fk.columns)
    sql = (
        f"SELECT DISTINCT {cols} FROM {_q(table.name)} WHERE {filled} "  # noqa: S608
        f"EXCEPT SELECT {targets} FROM {_q(fk.table)} LIMIT 3"
    )
    return (f"{fk.describe()}: value(s) not found", sql)


def table_checks(table: Table) -> list[Check]:
    checks = key_check(table)
    for col in table.columns:
        checks.extend(column_checks(table, col))
    checks.extend(foreign_key_check(table, fk) for fk in table.foreign_keys)
    checks.extend(table.extra_checks)
    return checks


def failures(con: duckdb.DuckDBPyConnection, table: Table, checks: list[Check]) -> list[str]:
    problems: list[str] = []
    for description, sql in checks:
        rows = con.sql(sql).fetchall()
        if rows:
            sample = ", ".join(str(r[0]) if len(r) == 1 else str(r) for r in rows[:3])
            problems.append(f"{table.name}: {description} (e.g. {sample})")
    return problems


def validate(con: duckdb.DuckDBPyConnection, tables: tuple[Table, ...] = ALL_TABLES) -> list[str]:
    """Every broken invariant as a readable sentence (an empty list: the warehouse holds to its schema)."""
    existing = {
        (r[0], r[1]): r[2]
        for r in con.sql("SELECT table_name, column_name, data_type FROM information_schema.columns").fetchall()
    }
    problems: list[str] = []
    for table in tables:
        missing = column_problems(table, existing)
        problems.extend(missing)
        if not missing:  # checks on a table whose columns are wrong would only fail again
            problems.extend(failures(con, table, table_checks(table)))
    return problems
