"""The notices page's chart builders and figures (notices/charts.py) through .to_dict()."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

from dashboard.notices import charts, logic
from tests.dashboard.notices.frames import shares_input


def test_notices_chart_spec() -> None:
    frame = logic.notices_frame(
        pl.DataFrame(
            {
                "published_month": [dt.date(2025, 4, 1)],
                "financial_year": ["2025/26"],
                "buyer_type": ["council"],
                "notices": [3],
            }
        )
    )
    spec = charts.notices_chart(frame, "Councils published 100%", "sub").to_dict()
    assert spec["title"]["text"] == "Councils published 100%"
    assert spec["encoding"]["y"]["title"] == "Notices published (number)"
    assert spec["encoding"]["color"]["title"] == "Buyer type"
    assert {t["field"] for t in spec["encoding"]["tooltip"]} == {"published_month", "buyer_type", "notices"}


def test_shares_chart_does_not_rely_on_colour() -> None:
    spec = charts.shares_chart(logic.shares_frame(shares_input()), "70% of notices").to_dict()
    assert spec["encoding"]["y"]["title"] == "Share (%)"
    assert spec["encoding"]["shape"]["field"] == "measure"
    assert spec["encoding"]["strokeDash"]["field"] == "measure"
    json.dumps(spec)  # serialisable (what Streamlit sends)


def test_notices_figure_tables_the_bars_and_states_the_total() -> None:
    by_month = pl.DataFrame(
        {
            "published_month": [dt.date(2025, 4, 1)] * 2,
            "financial_year": ["2025/26"] * 2,
            "buyer_type": ["council", "central_government"],
            "notices": [3, 1],
        }
    )
    figure = charts.notices_figure(by_month, span="in 2025/26", place="Greater Manchester", n_notices=4)
    assert figure.table.equals(logic.notices_frame(by_month))
    spec = figure.chart.to_dict()
    assert spec["title"]["text"] == "Councils published 75% of the 4 notices in 2025/26"
    assert spec["title"]["subtitle"] == "Every notice counts: tenders, awards, amendments"
    assert figure.alt == (
        "Stacked bar chart of 4 notices published each month, in 2025/26, in Greater Manchester, split by buyer type."
    )


def test_shares_figure() -> None:
    shares = charts.shares_figure(shares_input(), span="from 2024/25 to 2025/26", place="All areas")
    assert shares.table.equals(logic.shares_frame(shares_input()))
    assert shares.chart.to_dict()["title"]["text"] == logic.shares_title(logic.totals(shares_input()))
    assert shares.alt.endswith("from 2024/25 to 2025/26, in All areas.")
