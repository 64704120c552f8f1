"""Value parsers: one test per accepted form and per rejected form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from pipelines.core.parsing import (
    financial_year,
    financial_year_label,
    is_count,
    parse_date,
    parse_money,
    parse_month,
    parse_number,
    too_precise,
)


def money(value: str | None) -> Decimal | None:
    return pl.DataFrame({"v": [value]}, schema={"v": pl.String}).select(parse_money(pl.col("v"))).item()


def month(value: str | None) -> dt.date | None:
    return pl.DataFrame({"v": [value]}, schema={"v": pl.String}).select(parse_month(pl.col("v"))).item()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234.5", Decimal("1234.50")),
        ("£1,234.56", Decimal("1234.56")),
        ("(1,234.56)", Decimal("-1234.56")),
        ("-£10", Decimal("-10.00")),
        ("1.2e3", Decimal("1200.00")),
        (" 10 ", Decimal("10.00")),
        ("10-", Decimal("-10.00")),
        ("-470", Decimal("-470.00")),
        ("0", Decimal("0.00")),
    ],
)
def test_money_forms_publishers_use(raw: str, expected: Decimal) -> None:
    assert money(raw) == expected


@pytest.mark.parametrize("raw", ["N/A", "", "-", "abc", "12,34,5x", None])
def test_money_that_is_not_money_is_null(raw: str | None) -> None:
    assert money(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2014-06-01", dt.date(2014, 6, 1)),
        ("2012-10-01l", dt.date(2012, 10, 1)),
        ("2014-06", dt.date(2014, 6, 1)),
        ("01/06/2014", dt.date(2014, 6, 1)),
        ("15/06/2014", dt.date(2014, 6, 1)),
        ("06/2014", dt.date(2014, 6, 1)),
        ("Jun-14", dt.date(2014, 6, 1)),
        ("Apr-14", dt.date(2014, 4, 1)),
        ("June 2014", dt.date(2014, 6, 1)),
        ("41791", dt.date(2014, 6, 1)),
        ("2014-06-01T00:00:00Z", dt.date(2014, 6, 1)),
    ],
)
def test_month_forms_publishers_use(raw: str, expected: dt.date) -> None:
    assert month(raw) == expected


@pytest.mark.parametrize("raw", ["2014-13-01", "01/13/2014", "N/A", "", "Smarch-14", "99999999"])
def test_impossible_or_unreadable_months_are_null(raw: str) -> None:
    assert month(raw) is None


def test_financial_year_runs_april_to_march() -> None:
    frame = pl.DataFrame({"d": [dt.date(2014, 3, 1), dt.date(2014, 4, 1), dt.date(2019, 12, 1)]})
    assert frame.select(financial_year(pl.col("d"))).to_series().to_list() == ["2013/14", "2014/15", "2019/20"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Central Government Direct and Indirect Spend with SMEs 2019/20", "2019/20"),
        ("FY2019-20", "2019/20"),
        ("2019/2020", "2019/20"),
        ("1999/00", "1999/00"),
        ("2019/21", None),
        ("no year here", None),
    ],
)
def test_financial_year_label(text: str, expected: str | None) -> None:
    assert financial_year_label(text) == expected


def test_numbers_and_percentages() -> None:
    frame = pl.DataFrame({"v": ["£1,435", "44.1%", "(3.5)", "n/a"]})
    assert frame.select(parse_number(pl.col("v"))).to_series().to_list() == [1435.0, 44.1, -3.5, None]


def test_numbers_that_overflow_are_not_numbers() -> None:
    frame = pl.DataFrame({"v": ["1e400", "-1e400", "(1e999)", "1e300"]})
    assert frame.select(parse_number(pl.col("v"))).to_series().to_list() == [None, None, None, 1e300]


def test_counts_are_whole_and_bounded() -> None:
    frame = pl.DataFrame({"v": [0.0, 12.0, 12.5, -1.0, 1e9, 1e30, None]})
    assert frame.select(is_count(pl.col("v"))).to_series().to_list() == [True, True, False, False, True, False, None]


def test_dates() -> None:
    frame = pl.DataFrame({"v": ["2025-01-23T22:10:19Z", "23/01/2025", "2025-02-30", None]})
    assert frame.select(parse_date(pl.col("v"))).to_series().to_list() == [
        dt.date(2025, 1, 23),
        dt.date(2025, 1, 23),
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("13192.9325", Decimal("13192.9325")), ("3288.885", Decimal("3288.885")), ("(0.0001)", Decimal("-0.0001"))],
)
def test_money_keeps_every_published_decimal(raw: str, expected: Decimal) -> None:
    """Up to four decimals are stored as written: 3288.885 is not rounded (half-to-even gave 3288.88)."""
    assert money(raw) == expected


@pytest.mark.parametrize("raw", ["1.23456", "-5.00001", "£1,000.123456"])
def test_money_with_more_decimals_than_kept_is_refused_not_rounded(raw: str) -> None:
    frame = pl.DataFrame({"v": [raw]}).select(parse_money(pl.col("v")).alias("m"), too_precise(pl.col("v")).alias("p"))
    assert frame.row(0) == (None, True)


def test_money_within_the_kept_decimals_is_not_too_precise() -> None:
    values = ["1.2345", "10", "(1,234.50)", "1e3", ".5", "N/A"]
    flags = pl.DataFrame({"v": values}).select(too_precise(pl.col("v")))["v"].to_list()
    assert flags == [False] * len(values)
