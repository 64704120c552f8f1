"""Typed reads of single values out of Polars results.

Polars types `Series.min()`, `.max()` and row values as any Python literal (a number, a date, a string, a list...),
so arithmetic on them does not type-check. These say which kind of value the code expects, and fail loudly when a
column holds something else instead of computing with it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def number(value: object) -> float:
    """A numeric value (int, float or Decimal, as a query's sum or a column's min or max gives) as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


def day(value: object) -> dt.date:
    """A date value (a Date column's min or max)."""
    if not isinstance(value, dt.date):
        raise TypeError(f"expected a date, got {value!r}")
    return value
