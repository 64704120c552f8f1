"""Typed reads of Polars values (scalars.py): numbers and dates pass, anything else is an error, not a guess."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from dashboard.scalars import day, number


def test_number_reads_ints_floats_and_decimals_as_floats() -> None:
    assert number(pl.Series([1, 2, 3]).max()) == 3.0
    assert number(pl.Series([1.5, 2.5]).sum()) == 4.0
    assert number(Decimal("1234.5678")) == 1234.5678


@pytest.mark.parametrize("value", [None, "12", dt.date(2020, 1, 1), True, [1]])
def test_number_refuses_what_is_not_a_number(value: object) -> None:
    with pytest.raises(TypeError, match="expected a number"):
        number(value)


def test_day_reads_dates_and_refuses_the_rest() -> None:
    assert day(pl.Series([dt.date(2020, 4, 1), dt.date(2019, 4, 1)]).min()) == dt.date(2019, 4, 1)
    with pytest.raises(TypeError, match="expected a date"):
        day("2020-04-01")
