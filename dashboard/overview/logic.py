"""The overview's headline cards as pure functions of query results (testable without Streamlit).

Each card is one finding: a sentence (the card's heading), the figure with its change, and a note. The page
draws them in a fixed order, each linking to the page that explains it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from dashboard.filters import NATIONAL_LABEL, Filters
from dashboard.format import fixed, long_date, money, pct
from dashboard.safe_text import md

SME_LABEL = "Total spend with SMEs"
MARKET_LABEL = "Digital Marketplace spend"


@dataclass(frozen=True)
class Card:
    label: str  # what the figure is
    title: str  # the finding, as a sentence
    value: str
    delta: str | None
    help: str | None
    note: str | None = None  # a line under the figure


def sme_card(latest: pl.DataFrame) -> Card:
    if not latest.height:
        return Card(SME_LABEL, "No SME spend figures loaded", "n/a", None, "Load the Cabinet Office SME annex files.")
    row = latest.row(0, named=True)
    gap = row["total_pct"] - row["aspiration_pct"]
    verdict = "above" if gap >= 0 else "short of"
    title = (
        f"Central government spent {pct(row['total_pct'])} with SMEs in {row['financial_year']}, "
        f"{fixed(abs(gap), 1)} points {verdict} the one-pound-in-three aspiration"
    )
    delta = None
    if latest.height > 1:
        prev = latest.row(1, named=True)
        delta = f"{row['total_pct'] - prev['total_pct']:+.1f} points on {prev['financial_year']}"
    help_text = f"Direct {pct(row['direct_pct'])}, indirect {pct(row['indirect_pct'])}; aspiration {pct(row['aspiration_pct'], 0)}."
    return Card(SME_LABEL, title, pct(row["total_pct"]), delta, help_text)


def latest_complete_year(years: pl.DataFrame, complete: pl.DataFrame) -> str | None:
    """The latest financial year in `years` that has all 12 months published (nationally)."""
    full = set(complete.filter(pl.col("n_months") == 12)["financial_year"].to_list())
    candidates = [y for y in years["financial_year"].to_list() if y in full]
    return candidates[-1] if candidates else None


def marketplace_card(years: pl.DataFrame, complete: pl.DataFrame, area_label: str) -> Card:
    national = area_label == NATIONAL_LABEL
    where = "across all areas" if national else f"in {area_label}"
    who = "Public buyers" if national else f"Buyers in {area_label}"
    if not years.height:
        return Card(
            MARKET_LABEL, f"No Digital Marketplace spend {where} in these years", "£0", None, "Try a wider year range."
        )
    year = latest_complete_year(years, complete) or years["financial_year"][-1]
    rows = {r["financial_year"]: r for r in years.iter_rows(named=True)}
    spend = rows[year]["spend"]
    ordered = years["financial_year"].to_list()
    prev_year = ordered[ordered.index(year) - 1] if ordered.index(year) > 0 else None
    delta = None
    title = f"{who} spent {money(spend)} through the Digital Marketplace in {year}"
    if prev_year and rows[prev_year]["spend"]:
        change = 100 * (spend - rows[prev_year]["spend"]) / abs(rows[prev_year]["spend"])
        digits = 1 if abs(change) < 10 else 0
        delta = f"{change:+.{digits}f}% on {prev_year}"
        title += f", {'up' if change >= 0 else 'down'} {abs(change):.{digits}f}% on {prev_year}"
    partial = [y for y in ordered if y > year]
    help_text = f"Latest complete financial year in the range: {year}."
    if partial:
        help_text += f" {', '.join(partial)} not yet complete, so not compared."
    return Card(MARKET_LABEL, title, money(spend), delta, help_text)


def coverage_card(coverage: pl.DataFrame, filters: Filters, period: str | None = None) -> Card:
    """How many of the area's councils bought through the marketplace in the years chosen (council_coverage).

    `period` is what the marketplace data covers within those years ('April 2012 to June 2014'), as the
    marketplace page says it; without it, the chosen years."""
    row = coverage.row(0, named=True)
    n, bought = row["n_councils"], row["n_bought"]
    share = 100 * bought / n if n else None
    where = "in England" if filters.area.label == NATIONAL_LABEL else f"in {filters.area.label}"
    return Card(
        "Councils that bought",
        f"{bought} of {n} councils {where} bought through the marketplace",
        pct(share, 0),
        None,
        f"Councils with any resolved marketplace spend, {period or f'{filters.fy_from} to {filters.fy_to}'}.",
    )


def ministers_card(departments: pl.DataFrame, as_of: dt.date | None) -> Card:
    """Ministerial departments with no minister in a digital post (departments_without_digital_minister) on
    `as_of`, the last date the appointments data covers (None: no appointments loaded): after it the data
    cannot say who is in post."""
    if as_of is None:
        return Card(
            "Departments without a digital minister", "No ministerial appointments are loaded", "n/a", None, None
        )
    without = departments.filter(~pl.col("has_digital_minister"))
    count = without.height
    noun = "ministerial department has" if count == 1 else "ministerial departments have"
    note = md("Without: {names}", names=", ".join(without["name"].to_list())) if count else None  # Markdown
    return Card(
        "Departments without a digital minister",
        f"{count} {noun} no minister holding digital responsibility on {long_date(as_of)}, the last date in the data",
        f"{count} of {departments.height}",
        None,
        "GOV.UK's ministerial departments with a minister in post; the whips' offices and the Prime Minister's "
        "Office are not counted.",
        note,
    )
