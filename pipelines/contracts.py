"""Every warehouse table's contract, gathered in one place, and the check run before the swap.

Each table is declared beside the code that builds it (`TABLES` in geography, organisations,
sme, ministers, contracts_finder, marketplace_spend, marts, meta). `validate` checks the new
file against all of them: tables and column types exist, keys are unique and not null,
required columns are filled, numbers lie in range, text lies in its allowed set, and each
table's own extra checks (reconciliation) return no rows.
"""

from __future__ import annotations

import duckdb

from pipelines import marts, meta
from pipelines.core.schema import Table
from pipelines.geography import tables as geography
from pipelines.marketplace import tables as marketplace
from pipelines.ministers import tables as ministers
from pipelines.notices import tables as contracts_finder
from pipelines.organisations import tables as organisations
from pipelines.sme_spend import tables as sme

ALL_TABLES: tuple[Table, ...] = (
    *geography.TABLES,
    *organisations.TABLES,
    *sme.TABLES,
    *ministers.TABLES,
    *contracts_finder.TABLES,
    *marketplace.TABLES,
    *marts.TABLES,
    *meta.TABLES,
)

TABLES_BY_NAME = {t.name: t for t in ALL_TABLES}
if len(TABLES_BY_NAME) != len(ALL_TABLES):  # pragma: no cover - a programming error
    raise RuntimeError("two contracts declare the same table name")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def validate(con: duckdb.DuckDBPyConnection, tables: tuple[Table, ...] = ALL_TABLES) -> list[str]:
    """Return every broken invariant as a readable sentence (empty list = contract holds).

    SQL here is assembled from the contract's own table and column names, never from user input.
    """
    problems: list[str] = []
    existing = {
        (r[0], r[1]): r[2]
        for r in con.sql("SELECT table_name, column_name, data_type FROM information_schema.columns").fetchall()
    }
    for table in tables:
        t = _q(table.name)
        for col in table.columns:
            actual = existing.get((table.name, col.name))
            if actual is None:
                problems.append(f"{table.name}.{col.name}: column missing")
                continue
            if actual.replace(" ", "") != col.type.replace(" ", ""):
                problems.append(f"{table.name}.{col.name}: type {actual}, contract says {col.type}")
        if any(p.startswith(f"{table.name}.") for p in problems):
            continue
        checks: list[tuple[str, str]] = []
        if table.key:
            keys = ", ".join(_q(k) for k in table.key)
            checks.append(
                (
                    f"key ({', '.join(table.key)}) is not unique",
                    f"SELECT {keys} FROM {t} GROUP BY ALL HAVING count(*) > 1 LIMIT 5",  # noqa: S608
                )
            )
        for col in table.columns:
            c = _q(col.name)
            if not col.nullable or col.name in table.key:
                checks.append((f"{col.name} has nulls", f"SELECT 1 FROM {t} WHERE {c} IS NULL LIMIT 1"))  # noqa: S608
            if col.min is not None:
                checks.append(
                    (f"{col.name} below {col.min}", f"SELECT {c} FROM {t} WHERE {c} < {col.min} LIMIT 3")  # noqa: S608
                )
            if col.max is not None:
                checks.append(
                    (f"{col.name} above {col.max}", f"SELECT {c} FROM {t} WHERE {c} > {col.max} LIMIT 3")  # noqa: S608
                )
            if col.allowed is not None:
                allowed = ", ".join(_lit(a) for a in col.allowed)
                checks.append(
                    (
                        f"{col.name} outside {{{', '.join(col.allowed)}}}",
                        f"SELECT DISTINCT {c} FROM {t} WHERE {c} NOT IN ({allowed}) LIMIT 3",  # noqa: S608
                    )
                )
        checks.extend(table.extra_checks)
        for description, sql in checks:
            rows = con.sql(sql).fetchall()
            if rows:
                sample = ", ".join(str(r[0]) if len(r) == 1 else str(r) for r in rows[:3])
                problems.append(f"{table.name}: {description} (e.g. {sample})")
    return problems
