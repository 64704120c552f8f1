"""Ministers and digital responsibility: which departments have a minister owning digital on a date, the
evidence for each classification, and how often digital posts changed hands over the chosen years.

The as-of date is a page widget bound to the URL (`?as_of=2024-07-05`); the timeline's period is the shared
financial-year range, so a link carries both. Ministers are national: the area filter does not apply here.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import components as ui
from dashboard import db
from dashboard import ministers_logic as logic
from dashboard.charts import ministers as charts
from dashboard.figure import Figure
from dashboard.filters import current
from dashboard.format import long_date

SOURCE = (
    "Institute for Government Ministers Database; GOV.UK ministerial roles; data/reference/digital_responsibilities.csv"
)

filters = current()
st.title("Ministers and digital responsibility")
ui.sample_banner()

span = db.query("ministers_data_range").row(0, named=True)
if not span["n_appointments"]:
    ui.empty_state(
        "No ministerial appointments are loaded, so there is nobody to show. Put the Institute for Government "
        "Ministers Database files in data/raw/ifg-ministers-database/ (and GOV.UK role pages in "
        "data/raw/govuk-ministers/) and rebuild the warehouse."
    )

today = dt.date.today()
earliest = min(span["first_start"], today)
link_notice = logic.as_of_notice(st.query_params.get_all(logic.AS_OF_KEY), earliest, today)
if link_notice:
    st.warning(link_notice, icon=":material/link_off:")
as_of = st.date_input(
    "As of",
    value=today,
    min_value=earliest,
    max_value=today,
    key=logic.AS_OF_KEY,
    bind="query-params",
    format="DD/MM/YYYY",
    width=220,
    help="Show who was in post on this date. The link to this page carries the date.",
)
st.caption(f"Appointments recorded up to {long_date(span['last_change'])}; later changes are not in the data.")

rows = db.query("ministers_departments_as_of", as_of=as_of)
if rows.is_empty():
    ui.empty_state(f"No minister was in post on {long_date(as_of)} in the data loaded. Try a later date.")
summary = logic.department_summary(rows)
ui.headline(logic.headline(summary, as_of))
without = summary.filter(pl.col("digital_ministers") == 0)["department"].to_list()
if without:
    st.warning("**✗ No minister holding digital responsibility:** " + "; ".join(without), icon=":material/person_off:")

on_date = f"as of {as_of.isoformat()}"
ui.chart_block(
    Figure.of(
        charts.coverage_chart,
        summary,
        *logic.coverage_titles(summary),
        table=summary,
        alt_text=f"Bar chart of the number of ministers holding a digital post in each of {summary.height} departments "
        f"on {long_date(as_of)}; {len(without)} departments, labelled 'none', have no such minister.",
    ),
    key="ministers_coverage",
    name="digital ministers by department",
    source=SOURCE,
    filters=None,
    extra=on_date,
)

st.subheader("Who holds digital responsibility, and why we say so")
table = logic.minister_table(rows)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={"In post since": st.column_config.DateColumn(format="D MMM YYYY")},
)
ui.download_buttons(table, key="ministers_table", name="digital ministers", source=SOURCE, filters=None, extra=on_date)
with st.expander("How a post is classified as carrying digital responsibility"):
    st.markdown(logic.RULES_EXPLAINED)

st.subheader("Turnover in digital posts")
date_from, date_to = logic.period_bounds(filters.fy_from, filters.fy_to, today)
st.caption(f"{long_date(date_from)} to {long_date(date_to)}: the financial years chosen in the sidebar.")
period = {"date_from": date_from, "date_to": date_to, "today": today}
appointments = db.query("ministers_digital_appointments", **period)
if appointments.is_empty():
    ui.empty_state("Nobody held a digital post in this period. Widen the financial years in the sidebar.")
turnover = db.query("ministers_digital_turnover", **period)
lanes = logic.with_lanes(appointments)
period_text = f"{date_from.isoformat()} to {date_to.isoformat()}"
title, subtitle = logic.timeline_titles(turnover, lanes, date_from, date_to)
ui.chart_block(
    Figure.of(
        charts.timeline_chart,
        lanes,
        title,
        date_from,
        date_to,
        as_of,
        subtitle,
        table=logic.timeline_table(lanes),
        alt_text=f"Timeline of {lanes.height} appointments to digital posts in {turnover.height} departments from "
        f"{long_date(date_from)} to {long_date(date_to)}, one bar per appointment, coloured by rank.",
    ),
    key="ministers_timeline",
    name="digital appointments",
    source=SOURCE,
    filters=None,
    extra=period_text,
)
st.markdown("**Turnover by department** (average tenure is each appointment's full length; ongoing ones to today)")
turnover_table = logic.turnover_table(turnover)
st.dataframe(turnover_table, hide_index=True, width="stretch")
ui.download_buttons(
    turnover_table,
    key="ministers_turnover",
    name="digital post turnover",
    source=SOURCE,
    filters=None,
    extra=period_text,
)
