"""How numbers, dates and year ranges read on the page: pure functions, no Streamlit.

Pages, chart builders, alt text and tests all write figures through these, so a sum reads the same in a
headline, a tooltip label and a download's file name. The chart axes write money in the same style with a
Vega expression (figure.GBP_LABELS), because d3-format cannot carry a '£'.
"""

from __future__ import annotations

import datetime as dt

NO_FIGURE = "n/a"


def money(value: float | None) -> str:
    """£ with a sensible unit: £1.2bn, £34.5m, £12.3k, £950."""
    if value is None:
        return NO_FIGURE
    sign = "-" if value < 0 else ""
    v = abs(value)
    for size, unit in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if v >= size:
            return f"{sign}£{v / size:,.1f}{unit}"
    return f"{sign}£{v:,.0f}"


def pct(value: float | None, digits: int = 1) -> str:
    """A percentage with `digits` decimals: 26.7%."""
    return NO_FIGURE if value is None else f"{value:.{digits}f}%"


def share_text(value: float | None) -> str:
    """A whole-number percentage, except where rounding would claim 0% or 100% that is not exact."""
    if value is None:
        return NO_FIGURE
    if 99.5 <= value < 100 or 0 < value < 0.5:
        return f"{value:.1f}%"
    return f"{value:.0f}%"


def whole(value: float) -> str:
    """A count with thousands separators and no decimals: 1,234."""
    return f"{value:,.0f}"


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
