"""How numbers, dates and year ranges read on the page: pure functions, no Streamlit.

Pages, chart builders, alt text and tests all write figures through these, so a sum reads the same in a
headline, a tooltip label and a download's file name. The chart axes write money in the same style with a
Vega expression (figure.GBP_LABELS), because d3-format cannot carry a '£'.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

NO_FIGURE = "n/a"


def exact(value: float | Decimal) -> Decimal:
    """The decimal a number prints as (a float's shortest repr), so 2.675 is 2.675, not 2.67499999..."""
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


def half_up(value: float | Decimal, digits: int = 0) -> Decimal:
    """`value` rounded to `digits` decimals, halves away from zero (2.5 -> 3, 2.675 -> 2.68).

    Python's own formatting rounds halves to even and works on the binary float; figures are rounded
    once, here, for display only, from the decimal the value prints as.
    """
    return exact(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def fixed(value: float | Decimal, digits: int = 0) -> str:
    """`value` with thousands separators and `digits` decimals, rounded half-up: 1,234.6."""
    return f"{half_up(value, digits):,.{digits}f}"


def _is_number(value: float | Decimal | None) -> bool:
    return value is not None and exact(value).is_finite()


#: (size, suffix) from the largest; money below £1,000 is shown to the pound.
MONEY_UNITS = ((10**9, "bn"), (10**6, "m"), (10**3, "k"))


def money(value: float | Decimal | None) -> str:
    """£ with a sensible unit, rounded half-up: £1.2bn, £34.5m, £12.3k, £950.

    A value that would read as 1,000 of one unit (£999,950 as '£1,000.0k') reads as 1.0 of the next.
    """
    if value is None or not _is_number(value):
        return NO_FIGURE
    v = abs(exact(value))
    body = f"{fixed(v, 0)}"
    for i, (size, unit) in enumerate(MONEY_UNITS):
        below, digits = (MONEY_UNITS[i + 1][0], 1) if i + 1 < len(MONEY_UNITS) else (1, 0)
        if v >= size or half_up(v / below, digits) >= 1000:
            body = f"{fixed(v / size, 1)}{unit}"
            break
    negative = exact(value) < 0 and any(c in "123456789" for c in body)  # never '-£0'
    return f"{'-' if negative else ''}£{body}"


def pct(value: float | Decimal | None, digits: int = 1) -> str:
    """A percentage with `digits` decimals: 26.7%."""
    return f"{fixed(value, digits)}%" if value is not None and _is_number(value) else NO_FIGURE


def share_text(value: float | Decimal | None) -> str:
    """A whole-number percentage, except where rounding would claim 0% or 100% that is not exact."""
    if value is None or not _is_number(value):
        return NO_FIGURE
    if 99.5 <= value < 100 or 0 < value < 0.5:
        return f"{fixed(value, 1)}%"
    return f"{fixed(value, 0)}%"


def whole(value: float | Decimal) -> str:
    """A count with thousands separators and no decimals: 1,234."""
    return fixed(value, 0)


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, ... 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def long_date(day: dt.date) -> str:
    """'25 November 2026' (GOV.UK style, no leading zero)."""
    return f"{day.day} {day:%B %Y}"


def year_span(fy_from: str, fy_to: str) -> str:
    """'2019/20' for one financial year, '2016/17 to 2019/20' for a range."""
    return fy_from if fy_from == fy_to else f"{fy_from} to {fy_to}"
