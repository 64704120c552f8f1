"""How figures read: one test per rule of dashboard/format.py (pure functions, no Streamlit)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dashboard.format import half_up, long_date, money, ordinal, pct, share_text, whole, year_span


@pytest.mark.parametrize(
    ("value", "text"),
    [(1_234_000_000.0, "£1.2bn"), (34_500_000.0, "£34.5m"), (12_340.0, "£12.3k"), (950.0, "£950"), (0.0, "£0")],
)
def test_money_picks_the_largest_unit_that_fits(value: float, text: str) -> None:
    assert money(value) == text


def test_money_keeps_the_sign_outside_the_pound() -> None:
    assert money(-12_340.0) == "-£12.3k"
    assert money(-950.0) == "-£950"


def test_money_unit_boundaries_are_inclusive() -> None:
    assert money(999.0) == "£999"
    assert money(1_000.0) == "£1.0k"
    assert money(1_000_000.0) == "£1.0m"
    assert money(1_000_000_000.0) == "£1.0bn"


def test_money_of_an_integer_reads_like_a_float() -> None:
    assert money(3_200_000) == money(3_200_000.0) == "£3.2m"


def test_money_without_a_figure() -> None:
    assert money(None) == "n/a"


def test_pct_has_one_decimal_unless_told() -> None:
    assert pct(26.66) == "26.7%"
    assert pct(26.66, 0) == "27%"
    assert pct(5.0, 2) == "5.00%"


def test_pct_without_a_figure() -> None:
    assert pct(None) == "n/a"
    assert pct(None, 0) == "n/a"


@pytest.mark.parametrize(
    ("pct", "text"), [(96.14, "96%"), (99.6, "99.6%"), (100.0, "100%"), (0.2, "0.2%"), (0.0, "0%"), (None, "n/a")]
)
def test_share_text_never_rounds_to_a_false_whole(pct: float | None, text: str) -> None:
    assert share_text(pct) == text


def test_whole_numbers_have_separators_and_no_decimals() -> None:
    assert whole(1234567) == "1,234,567"
    assert whole(12.6) == "13"
    assert whole(0) == "0"


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"), (21, "21st")]
    + [(22, "22nd"), (101, "101st"), (111, "111th"), (112, "112th")],
)
def test_ordinal_suffixes_including_the_teens(n: int, text: str) -> None:
    assert ordinal(n) == text


def test_long_date_is_gov_uk_style_without_a_leading_zero() -> None:
    assert long_date(dt.date(2026, 11, 5)) == "5 November 2026"
    assert long_date(dt.date(2024, 7, 25)) == "25 July 2024"


def test_year_span_is_one_year_or_a_range() -> None:
    assert year_span("2019/20", "2019/20") == "2019/20"
    assert year_span("2016/17", "2019/20") == "2016/17 to 2019/20"


@pytest.mark.parametrize(
    ("call", "text"),
    [
        (lambda: money(2.5), "£3"),  # Python's round-half-even would say £2
        (lambda: money(1250), "£1.3k"),
        (lambda: pct(26.65), "26.7%"),  # the float 26.65 is 26.6499...; it is rounded as the decimal it prints as
        (lambda: pct(2.675, 2), "2.68%"),
        (lambda: whole(2.5), "3"),
        (lambda: share_text(50.5), "51%"),
        (lambda: money(Decimal("3288.885")), "£3.3k"),
    ],
)
def test_rounding_is_half_up_and_only_for_display(call, text: str) -> None:
    assert call() == text


def test_half_up_rounds_halves_away_from_zero() -> None:
    assert (half_up(0.125, 2), half_up(-2.5), half_up(Decimal("13192.9325"), 2)) == (
        Decimal("0.13"),
        Decimal("-3"),
        Decimal("13192.93"),
    )


def test_money_that_rounds_to_nothing_has_no_minus_sign() -> None:
    assert (money(-0.4), money(-0.6)) == ("£0", "-£1")


def test_money_moves_up_a_unit_rather_than_read_1000_of_one() -> None:
    assert (money(999.5), money(999_949), money(999_950)) == ("£1.0k", "£999.9k", "£1.0m")


def test_not_a_number_is_no_figure() -> None:
    assert (money(float("nan")), pct(float("inf")), share_text(float("nan"))) == ("n/a", "n/a", "n/a")
