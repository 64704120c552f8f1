"""The overview's cards (overview/logic.py) on small frames: each card states its finding."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.filters import NATIONAL_LABEL, Area, Filters
from dashboard.overview.logic import coverage_card, latest_complete_year, marketplace_card, ministers_card, sme_card


def test_sme_card_states_the_gap() -> None:
    frame = pl.DataFrame(
        {
            "financial_year": ["2019/20", "2018/19"],
            "total_pct": [26.7, 27.8],
            "direct_pct": [11.3, 11.5],
            "indirect_pct": [15.4, 16.3],
            "total_sme_spend_m": [15540.0, 15000.0],
            "total_procurement_spend_m": [58240.0, 54000.0],
            "aspiration_pct": [33.0, 33.0],
        }
    )
    card = sme_card(frame)
    assert card.title.startswith("Central government spent 26.7% with SMEs in 2019/20, 6.3 points short")
    assert card.delta == "-1.1 points on 2018/19"


def test_marketplace_card_compares_complete_years_only() -> None:
    years = pl.DataFrame({"financial_year": ["2024/25", "2025/26", "2026/27"], "spend": [100.0, 120.0, 30.0]})
    complete = pl.DataFrame({"financial_year": ["2024/25", "2025/26", "2026/27"], "n_months": [12, 12, 6]})
    assert latest_complete_year(years, complete) == "2025/26"
    card = marketplace_card(years, complete, "Greater Manchester")
    assert "in 2025/26, up 20% on 2024/25" in card.title
    assert "2026/27 not yet complete" in card.help


GM = Area("combined_authority", "E47000001", "Greater Manchester", "Greater Manchester")
NATIONAL = Area("national", "ALL", "All buyers", NATIONAL_LABEL)


def test_coverage_card_counts_councils_that_bought() -> None:
    coverage = pl.DataFrame({"n_councils": [10], "n_bought": [4]})
    card = coverage_card(coverage, Filters(GM, "2019/20", "2021/22", ("2019/20", "2020/21", "2021/22")))
    assert card.title == "4 of 10 councils in Greater Manchester bought through the marketplace"
    assert card.value == "40%" and card.delta is None
    assert card.help == "Councils with any resolved marketplace spend, 2019/20 to 2021/22."
    nowhere = coverage_card(pl.DataFrame({"n_councils": [0], "n_bought": [0]}), Filters(NATIONAL, "x", "x", ("x",)))
    assert nowhere.title == "0 of 0 councils in England bought through the marketplace" and nowhere.value == "n/a"


def test_ministers_card_names_the_departments_without() -> None:
    departments = pl.DataFrame(
        {"name": ["Cabinet Office", "Home Office", "DSIT"], "has_digital_minister": [False, True, True]}
    )
    # Issue 10 s.4: on the data's last date (named), not 'today', and counting ministerial departments.
    card = ministers_card(departments, dt.date(2026, 6, 12))
    assert card.title == (
        "1 ministerial department has no minister holding digital responsibility on 12 June 2026, "
        "the last date in the data"
    )
    assert card.value == "1 of 3" and card.note == "Without: Cabinet Office"
    every = ministers_card(departments.with_columns(pl.lit(True).alias("has_digital_minister")), dt.date(2026, 6, 12))
    assert every.title.startswith("0 ministerial departments have") and every.note is None
    assert ministers_card(departments.clear(), None).title == "No ministerial appointments are loaded"


def test_coverage_card_names_the_months_the_marketplace_data_covers() -> None:
    coverage = pl.DataFrame({"n_councils": [333], "n_bought": [92]})
    card = coverage_card(coverage, Filters(NATIONAL, "2012/13", "2025/26", ("2012/13",)), "April 2012 to June 2014")
    assert card.help == "Councils with any resolved marketplace spend, April 2012 to June 2014."
