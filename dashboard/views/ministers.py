"""Ministers and digital responsibility: which departments have a minister owning digital on a date, the
evidence for each classification, and how often digital posts changed hands over the chosen years.

The as-of date is a page widget bound to the URL (`?as_of=2024-07-05`); the timeline's period is the shared
financial-year range, so a link carries both. Ministers are national: the area filter does not apply here.
Rules: ministers/logic.py; charts: ministers/charts.py.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import components as ui
from dashboard import db
from dashboard.figure import Figure
from dashboard.filters import current
from dashboard.format import long_date
from dashboard.ministers import charts, logic
from dashboard.safe_text import md

filters = current()
st.title("Ministers and digital responsibility")
ui.sample_banner()


def show(figure: Figure, key: str, name: str, extra: str) -> None:
    """A chart with its table and downloads; ministers are national, so file names carry the dates, not the filters."""
    ui.chart_block(figure, key=key, name=name, source=logic.SOURCE, filters=None, extra=extra)


def table(frame: pl.DataFrame, key: str, name: str, extra: str, column_config: dict | None = None) -> None:
    """A table with its downloads, named like the charts."""
    ui.table_block(
        frame, key=key, name=name, source=logic.SOURCE, filters=None, extra=extra, column_config=column_config
    )


span = db.query("ministers_data_range").row(0, named=True)
if not span["n_appointments"]:
    ui.empty_state(logic.EMPTY_MESSAGE)

data_end: dt.date = span["last_change"]  # the default, not today: after it the data cannot say who was in post
earliest = min(span["first_start"], data_end)
ui.link_warnings(logic.as_of_notice(st.query_params.get_all(logic.AS_OF_KEY), earliest, data_end))
as_of = st.date_input(
    "As of", value=data_end, min_value=earliest, max_value=data_end, key=logic.AS_OF_KEY, bind="query-params",
    format="DD/MM/YYYY", width=220, help="Show who was in post on this date. The link to this page carries the date.",
)  # fmt: skip
st.caption(md("Appointments recorded up to {day}; later changes are not in the data.", day=long_date(data_end)))

rows = db.query("ministers_departments_as_of", as_of=as_of)
summary = logic.department_summary(rows)
if summary.is_empty():
    ui.empty_state(logic.nobody_on(as_of))
ui.headline(logic.headline(summary, as_of, data_end))
st.caption(logic.DEPARTMENTS_USED)
if notice := logic.without_notice(summary):
    st.warning(notice, icon=":material/person_off:")  # markdown-safe: md() in logic.without_notice

on_date = f"as of {as_of.isoformat()}"
show(charts.coverage_figure(summary, as_of), "ministers_coverage", "digital ministers by department", on_date)
if (apart := logic.apart_table(rows)).height:  # whips' offices, the PM's Office: never counted as departments
    st.markdown(logic.APART_NOTE)
    table(apart, "ministers_not_departments", "organisations not counted as departments", on_date)

st.subheader("Who holds digital responsibility, and why we say so")
in_post = {"In post since": st.column_config.DateColumn(format="D MMM YYYY")}
table(logic.minister_table(rows), "ministers_table", "digital ministers", on_date, column_config=in_post)
with st.expander("How a post is classified as carrying digital responsibility"):
    st.markdown(logic.RULES_EXPLAINED)

st.subheader("Turnover in digital posts")
date_from, date_to = logic.period_bounds(filters.fy_from, filters.fy_to, data_end)
st.caption(
    md(
        "{start} to {end}: the financial years chosen in the sidebar.",
        start=long_date(date_from),
        end=long_date(date_to),
    )
)
period = {"date_from": date_from, "date_to": date_to, "today": data_end}
appointments = db.query("ministers_digital_appointments", **period)
if appointments.is_empty():
    ui.empty_state(logic.NOBODY_IN_PERIOD)
turnover = db.query("ministers_digital_turnover", **period)
in_period = f"{date_from.isoformat()} to {date_to.isoformat()}"
timeline = charts.timeline_figure(logic.with_lanes(appointments), turnover, date_from, date_to, as_of)
show(timeline, "ministers_timeline", "digital appointments", in_period)
st.markdown(logic.TURNOVER_NOTE)
table(logic.turnover_table(turnover), "ministers_turnover", "digital post turnover", in_period)
