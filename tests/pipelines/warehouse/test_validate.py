"""The check before the swap, one rule at a time, on tables declared in the test."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.core.schema import Column, Table, references
from pipelines.warehouse.schema import ALL_TABLES, TABLES_BY_NAME
from pipelines.warehouse.validate import validate

PARENT = Table(
    name="parent",
    description="a dimension",
    key=("code", "vintage"),
    columns=(Column("code", "VARCHAR", "code"), Column("vintage", "INTEGER", "vintage")),
)
CHILD = Table(
    name="child",
    description="a fact",
    key=("id",),
    columns=(
        Column("id", "BIGINT", "key"),
        Column("code", "VARCHAR", "parent code"),
        Column("vintage", "INTEGER", "parent vintage"),
        Column("kind", "VARCHAR", "kind", nullable=False, allowed=("a", "b")),
        Column("amount", "DOUBLE", "amount", min=0, max=100),
    ),
    foreign_keys=(references("parent", "code", "vintage"),),
)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute("CREATE TABLE parent (code VARCHAR, vintage INTEGER)")
    c.execute("CREATE TABLE child (id BIGINT, code VARCHAR, vintage INTEGER, kind VARCHAR, amount DOUBLE)")
    c.execute("INSERT INTO parent VALUES ('X', 2024), ('Y', 2024)")
    c.execute("INSERT INTO child VALUES (1, 'X', 2024, 'a', 5), (2, NULL, NULL, 'b', 0), (3, 'Y', 2024, 'a', 100)")
    return c


def check(con: duckdb.DuckDBPyConnection) -> list[str]:
    return validate(con, (PARENT, CHILD))


def test_a_valid_pair_passes(con: duckdb.DuckDBPyConnection) -> None:
    assert check(con) == []


def test_a_reference_to_a_missing_row_is_named(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("INSERT INTO child VALUES (4, 'X', 2020, 'a', 1)")  # X exists, but not in 2020
    assert check(con) == [
        "child: (code, vintage) references parent (code, vintage): value(s) not found (e.g. ('X', 2020))"
    ]


def test_a_null_reference_points_nowhere_and_is_not_checked(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("INSERT INTO child VALUES (5, 'Z', NULL, 'a', 1)")
    assert check(con) == []


def test_a_duplicate_key_is_named(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("INSERT INTO child VALUES (1, 'Y', 2024, 'b', 1)")
    assert check(con) == ["child: key (id) is not unique (e.g. 1)"]


def test_a_value_outside_the_range_or_set_is_named(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("INSERT INTO child VALUES (6, 'X', 2024, 'c', 101)")
    assert check(con) == ["child: kind outside {a, b} (e.g. c)", "child: amount above 100 (e.g. 101.0)"]


def test_a_missing_column_or_wrong_type_stops_the_other_checks(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("ALTER TABLE child DROP COLUMN amount")
    con.execute("ALTER TABLE parent ALTER vintage TYPE BIGINT")
    assert check(con) == ["parent.vintage: type BIGINT, schema says INTEGER", "child.amount: column missing"]


def test_every_declared_foreign_key_names_columns_that_exist_on_both_sides() -> None:
    for table in ALL_TABLES:
        for fk in table.foreign_keys:
            target = TABLES_BY_NAME[fk.table]
            assert set(fk.columns) <= set(table.column_names), (table.name, fk)
            assert set(fk.target_columns) <= set(target.column_names), (table.name, fk)
            assert set(target.key) <= set(fk.target_columns), f"{table.name}: {fk.describe()} is not {fk.table}'s key"
