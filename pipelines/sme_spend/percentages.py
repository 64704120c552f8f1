"""Percentages on one scale (0..100, as the CSVs write them), whatever the file holds.

A CSV writes 44.1 or "44.1%". A workbook usually holds the fraction 0.441 formatted as %, sometimes the number
44.1, sometimes the text "44.1%". Each percentage cell's scale is decided from, in order:

1. what the cell itself says: a `%` in its text means the number is a percentage already; a number formatted
   as a percentage (read from the workbook's XML by `pipelines.core.sheets.percent_cells`) is a fraction;
2. the row's own figures, where the measure's numerator and denominator are both published
   (direct_sme_pct ~ 100 x direct / total procurement spend): the two readings, v and 100v, differ a
   hundredfold, so the one that agrees with the ratio (allowing for the rounding of the figures written) is
   the scale;
3. for a cell neither settles (a bare number and no ratio), the scale of the column's other cells when they
   agree. A column holding both scales leaves such a cell undecidable: rejected, not guessed. A column with
   no evidence at all is read as written (the CSV convention, and what an unformatted workbook cell shows),
   except in a workbook whose number formats are not read (XLS) when no value exceeds 1: there a fraction
   and a small percentage cannot be told apart, so those rows are rejected with the reason.

A cell whose own evidence (1) contradicts its row's figures (2) is rejected: the file mixes scales.
The annex has a few dozen rows, so this runs in Python over the rows rather than as Polars expressions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

#: percentage measure -> (numerator, denominator) measures it is published as the ratio of (the annex
#: headers' own formulas: "Direct Spend with SMEs as % [Column C divided by Column B]").
RATIOS: dict[str, tuple[str, str]] = {
    "direct_sme_pct": ("direct_sme_spend_m", "total_procurement_spend_m"),
    "indirect_sme_pct": ("indirect_sme_spend_m", "total_procurement_spend_m"),
    "total_sme_pct": ("total_sme_spend_m", "total_procurement_spend_m"),
    "supplier_subcontracted_sme_pct": ("supplier_subcontracted_sme_spend_m", "supplier_reported_revenue_m"),
    "supplier_response_rate_pct": ("supplier_responses", "suppliers_invited"),
    # [Column E divided by Column B minus Column C minus Column H]: the in-scope spend column is B - C - H
    "responding_revenue_pct_of_spend": ("supplier_reported_revenue_m", "in_scope_spend_for_extrapolation_m"),
}

PERCENT, FRACTION = 1.0, 100.0
#: How far a reading may stray from its row's ratio and still agree: the ratio's own rounding bounds,
#: widened by a quarter and by 0.06 points (a percentage rounded to one decimal place). The two readings
#: differ a hundredfold, so this never lets both agree unless the values are close to zero.
RELATIVE_SLACK = 1.25
ABSOLUTE_SLACK = 0.06

_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def number(text: str | None) -> float | None:
    """The number a cell's text writes, as `pipelines.core.parsing.parse_number` reads it (None if none)."""
    if text is None:
        return None
    s = re.sub(r"[£,%\s\u00a0]", "", text.strip())
    negative = s.startswith("(") and s.endswith(")")
    s = s[1:-1] if negative else s
    if not _NUMBER.match(s):
        return None
    value = float(s)
    if not math.isfinite(value):
        return None
    return -value if negative else value


def on_scale(text: str | None, factor: float | None) -> float | None:
    """The cell's number x factor, shifted in decimal so 0.089 becomes exactly 8.9 (not 8.899999999999999)."""
    value = number(text)
    if value is None or factor is None or text is None:
        return None
    s = re.sub(r"[£,%\s\u00a0]", "", text.strip())
    negative = s.startswith("(") and s.endswith(")")
    shifted = Decimal(s[1:-1] if negative else s) * Decimal(int(factor))
    return float(-shifted if negative else shifted)


def _half_unit(text: str) -> float:
    """Half a unit of the last decimal place written ('1,435' -> 0.5, '15.9' -> 0.05)."""
    match = re.search(r"\.(\d+)", text)
    return 0.5 * 10 ** -(len(match.group(1)) if match else 0)


@dataclass(frozen=True)
class Ratio:
    """The percentage a row's numerator and denominator imply, with its rounding bounds."""

    value: float
    low: float
    high: float

    def agrees(self, reading: float) -> bool:
        return self.low / RELATIVE_SLACK - ABSOLUTE_SLACK <= reading <= self.high * RELATIVE_SLACK + ABSOLUTE_SLACK


def ratio(numerator: str | None, denominator: str | None) -> Ratio | None:
    n, d = number(numerator), number(denominator)
    if n is None or d is None or numerator is None or denominator is None or n < 0 or d <= 0:
        return None
    hn, hd = _half_unit(numerator), _half_unit(denominator)
    if d - hd <= 0:
        return None
    return Ratio(100 * n / d, 100 * max(n - hn, 0.0) / (d + hd), 100 * (n + hn) / (d - hd))


def implied(value: float, found: Ratio | None) -> float | None:
    """The scale the row's ratio implies for `value`, or None when it settles nothing."""
    if found is None:
        return None
    as_written, as_fraction = found.agrees(value), found.agrees(100 * value)
    if as_written and not as_fraction:
        return PERCENT
    if as_fraction and not as_written:
        return FRACTION
    return None


@dataclass(frozen=True)
class Cell:
    """One percentage cell and what is known about it."""

    text: str | None  # as published (None: blank or not published)
    formatted_pct: bool | None  # a number formatted as %: True / False, None when the format is not known
    numerator: str | None = None
    denominator: str | None = None


@dataclass(frozen=True)
class Decision:
    factor: float | None  # multiply by this to get 0..100; None: rejected (see reason)
    reason: str | None = None
    how: str = ""  # "formatted as %", "written with %", "ratio", "column", "as written", "" for a blank cell


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _own_decision(cell: Cell, value: float, header: str, ratio_headers: tuple[str, str] | None) -> Decision | None:
    """What the cell and its row's ratio say (rules 1 and 2); None when neither settles the scale."""
    if value == 0:
        return Decision(PERCENT, how="as written")  # zero on either scale
    stated, how = None, ""
    if cell.text is not None and "%" in cell.text:
        stated, how = PERCENT, "written with %"
    elif cell.formatted_pct:
        stated, how = FRACTION, "formatted as %"
    found = ratio(cell.numerator, cell.denominator)
    by_ratio = implied(value, found)
    if stated is None:
        return Decision(by_ratio, how="ratio") if by_ratio is not None else None
    if by_ratio is None or by_ratio == stated or found is None or ratio_headers is None:
        return Decision(stated, how=how)
    shown = f"{_fmt(100 * value)}%" if stated == FRACTION else f"{_fmt(value)}%"
    said = "formatted as a percentage" if stated == FRACTION else "written with a % sign"
    return Decision(
        None,
        f"percentage scale in column '{header}': {cell.text} is {said} ({shown}) but"
        f" '{ratio_headers[0]}' / '{ratio_headers[1]}' on this row is {found.value:.2f}%: mixed scales",
    )


def decide(
    cells: list[Cell], header: str, ratio_headers: tuple[str, str] | None, *, formats_known: bool
) -> list[Decision]:
    """The scale of each cell of one percentage column (see the module docstring for the rules)."""
    values = [number(cell.text) for cell in cells]
    own = [
        Decision(PERCENT) if value is None else _own_decision(cell, value, header, ratio_headers)
        for cell, value in zip(cells, values, strict=True)
    ]  # a blank cell, or not a number (another check rejects it), needs no scale
    settled = {d.factor for d in own if d is not None and d.how not in ("", "as written") and d.factor}
    unformatted = not formats_known and all(v is None or abs(v) <= 1 for v in values)
    out: list[Decision] = []
    for decision, value, cell in zip(own, values, cells, strict=True):
        if decision is not None:
            out.append(decision)
            continue
        assert value is not None
        both = f"{cell.text} in column '{header}' is a fraction ({_fmt(100 * value)}%) or a percentage ({_fmt(value)}%)"
        if len(settled) == 1:
            out.append(Decision(next(iter(settled)), how="column"))
        elif settled:
            why = "the column holds both scales and this row's figures do not settle it"
            out.append(Decision(None, f"cannot tell whether {both}: {why}"))
        elif unformatted:
            why = "the workbook's number formats are not read (XLS) and no row's figures settle the scale"
            out.append(Decision(None, f"cannot tell whether {both}: {why}"))
        else:
            out.append(Decision(PERCENT, how="as written"))
    return out


def summary(measure: str, decisions: list[Decision]) -> str | None:
    """A note on how a column was scaled, when any cell was read as a fraction or rejected for its scale."""
    fractions = [d for d in decisions if d.factor == FRACTION]
    rejected = [d for d in decisions if d.factor is None]
    if not fractions and not rejected:
        return None
    ways = sorted({d.how for d in fractions})
    text = f"{measure}: {len(fractions)} cell(s) held fractions, stored x100 ({', '.join(ways) or 'none'})"
    return text + (f"; {len(rejected)} rejected for their scale" if rejected else "")
