"""The vocabulary for declaring a warehouse table's schema once, in code.

A `Table` lists its columns (DuckDB type, nullability, allowed range or values, a
description), its unique key and the keys of other tables its columns reference
(`ForeignKey`). `pipelines.warehouse.schema` gathers every table; the warehouse writer
creates tables from it and `pipelines.warehouse.validate` checks every invariant before
the new file replaces the old one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

_DUCK_TO_POLARS: dict[str, pl.DataType] = {
    "VARCHAR": pl.String(),
    "BIGINT": pl.Int64(),
    "INTEGER": pl.Int32(),
    "SMALLINT": pl.Int16(),
    "DOUBLE": pl.Float64(),
    "BOOLEAN": pl.Boolean(),
    "DATE": pl.Date(),
    "TIMESTAMP": pl.Datetime("us"),
    "DECIMAL(18,2)": pl.Decimal(18, 2),
    "DECIMAL(18,4)": pl.Decimal(18, 4),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a DuckDB type: VARCHAR, BIGINT, INTEGER, DOUBLE, BOOLEAN, DATE, TIMESTAMP, DECIMAL(18,4)
    description: str
    nullable: bool = True
    min: float | None = None  # inclusive range check for numbers
    max: float | None = None
    allowed: tuple[str, ...] | None = None  # closed set of values for text columns

    @property
    def polars_type(self) -> pl.DataType:
        return _DUCK_TO_POLARS[self.type]


@dataclass(frozen=True)
class ForeignKey:
    """`columns` of this table hold a key of `table` (`to`, by default the same column names).

    As in SQL, a row with a null in any of the columns references nothing and is not checked.
    """

    columns: tuple[str, ...]
    table: str
    to: tuple[str, ...] = ()

    @property
    def target_columns(self) -> tuple[str, ...]:
        return self.to or self.columns

    def describe(self) -> str:
        return f"({', '.join(self.columns)}) references {self.table} ({', '.join(self.target_columns)})"


def references(table: str, *columns: str, to: tuple[str, ...] = ()) -> ForeignKey:
    """Shorthand: `references("dim_buyer", "buyer_id")`."""
    return ForeignKey(tuple(columns), table, to)


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # unique (and not null) when non-empty
    kind: str = "fact"  # dimension | fact | mart | meta
    #: Columns that hold another table's key (checked before the swap; nulls reference nothing).
    foreign_keys: tuple[ForeignKey, ...] = ()
    #: Checks no declaration can express: (description, SQL that returns offending rows).
    extra_checks: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def polars_schema(self) -> dict[str, pl.DataType]:
        return {c.name: c.polars_type for c in self.columns}

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.polars_schema)

    def conform(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Select and cast `frame` to this table's columns (missing columns are an error)."""
        missing = [c for c in self.column_names if c not in frame.columns]
        if missing:
            raise ValueError(f"{self.name}: frame lacks columns {missing}")
        return frame.select([pl.col(c.name).cast(c.polars_type) for c in self.columns])
