"""The ministers page's chart builders and figures (ministers/charts.py) through .to_dict()."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.ministers import charts, logic
from tests.dashboard.ministers.frames import appointments_frame, rows_frame


def test_coverage_chart_spells_out_none() -> None:
    summary = logic.department_summary(rows_frame())
    spec = charts.coverage_chart(summary, "Science has the most", "1 department has none").to_dict()
    assert spec["title"]["text"] == "Science has the most"
    assert spec["title"]["subtitle"] == "1 department has none"
    bars, labels = spec["layer"]
    assert bars["encoding"]["x"]["title"] == "Ministers holding a digital post (number)"
    assert labels["mark"]["type"] == "text" and labels["encoding"]["text"]["field"] == "label"
    data = next(iter(spec["datasets"].values()))
    assert {row["label"] for row in data} == {"✗ none", "1", "2"}


def test_timeline_chart_has_bars_lanes_tooltips_and_the_as_of_marker() -> None:
    lanes = logic.with_lanes(appointments_frame())
    spec = charts.timeline_chart(
        lanes, "4 people held digital posts", dt.date(2016, 4, 1), dt.date(2020, 3, 31), dt.date(2019, 6, 1), ["sub"]
    ).to_dict()
    assert spec["title"]["text"] == "4 people held digital posts"
    bars = spec["layer"][0]
    assert bars["encoding"]["x"]["title"] == "Date in post"
    assert bars["encoding"]["x2"]["field"] == "shown_to"
    assert bars["encoding"]["yOffset"]["field"] == "lane"
    assert {t["field"] for t in bars["encoding"]["tooltip"]} >= {"person_name", "post_name", "rank", "end_label"}
    assert len(spec["layer"]) == 3  # bars, the as-of rule and its label
    outside = charts.timeline_chart(lanes, "t", dt.date(2016, 4, 1), dt.date(2018, 1, 1), dt.date(2020, 1, 1)).to_dict()
    assert "layer" not in outside  # the marker is left out when the date is outside the period


def test_coverage_figure_is_the_summary_with_its_alt_text() -> None:
    summary = logic.department_summary(rows_frame())
    figure = charts.coverage_figure(summary, dt.date(2026, 11, 25))
    assert figure.table is summary
    assert figure.chart.to_dict()["title"]["text"] == "Science has the most ministers in digital posts (2)"
    assert figure.alt == (
        "Bar chart of the number of ministers holding a digital post in each of 3 departments on 25 November 2026; "
        "1 departments, labelled 'none', have no such minister."
    )


def test_timeline_figure_tables_every_appointment() -> None:
    lanes = logic.with_lanes(appointments_frame())
    turnover = pl.DataFrame({"department": ["DCMS", "CO"], "holders": [3, 1], "appointments": [3, 1]})
    figure = charts.timeline_figure(lanes, turnover, dt.date(2016, 4, 1), dt.date(2020, 3, 31), dt.date(2019, 6, 1))
    assert figure.table.equals(logic.timeline_table(lanes))
    spec = figure.chart.to_dict()
    assert spec["title"]["text"].startswith("4 people held digital posts in 2 departments")
    assert spec["title"]["subtitle"][0] == "Most turnover: DCMS, 3 people in 3 appointments"
    assert figure.alt.startswith("Timeline of 4 appointments to digital posts in 2 departments from 1 April 2016")
