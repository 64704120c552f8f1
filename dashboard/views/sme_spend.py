"""SME spend by department: who is on track for one pound in three, in a chosen year and over time.

The figures are the Cabinet Office's annual annex for central government (national, per department), so the year
picker is this page's own (`?sme_year=`) and may leave the shared range; the trend follows the shared range, and a
department lineage (`?sme_dept=`) joins renamed departments on one line. Rules: sme_spend/logic.py; charts: charts.py.
"""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import db
from dashboard.figure import Figure
from dashboard.filters import current
from dashboard.safe_text import plain_sentence
from dashboard.sme_spend import charts, logic

filters = current()
st.title("SME spend by department")
ui.sample_banner()
head = st.container()
config = logic.column_config()


def draw(figure: Figure, key: str, name: str, extra: str) -> None:
    """A chart with its table and downloads; the annex is national, so file names carry `extra`, not the filters."""
    ui.chart_block(figure, key=key, name=name, source=logic.SOURCE, filters=None, extra=extra, column_config=config)


years = db.query("sme_years")["financial_year"].to_list()
if not years:
    ui.empty_state(logic.EMPTY_MESSAGE)
labels = logic.series_labels(db.query("sme_series"))
default = logic.default_year(years, filters.fy_from, filters.fy_to)
links = {key: st.query_params.get_all(key) for key in (logic.YEAR_KEY, logic.DEPT_KEY)}
ui.link_warnings(*logic.link_notices(links, years, labels, default))
if filters.area.level != "national":
    st.caption(plain_sentence(logic.national_note(filters.area.label)))

year = st.selectbox(
    "Financial year of the annex",
    years,
    index=years.index(default),
    key=logic.YEAR_KEY,
    bind="query-params",
    help="Each annex covers one financial year (April to March). Any published year can be chosen.",
)
year_rows = db.query("sme_year_departments", year=year)
with head:
    ui.headline(logic.year_headline(year_rows, year))
ranking = charts.ranking_figure(year_rows, year)
chart_col, note_col = st.columns([3, 1])
note_col.markdown(logic.CAVEAT)
with chart_col:
    if ranking.table.height:
        draw(ranking, "sme_ranking", "SME share by department", year)
    else:
        st.info(
            plain_sentence(f"The {year} annex has no department rows to rank; its measures are in the table below.")
        )

st.subheader("Each department over the years")
series_id = st.selectbox(
    "Department",
    list(labels),
    format_func=labels.__getitem__,
    key=logic.DEPT_KEY,
    bind="query-params",
    help="Renamed or merged departments are followed as one line under today's name (e.g. DCLG, MHCLG, DLUHC).",
)
label = labels[series_id]
fy_from, fy_to, window_notice = logic.trend_window(years, filters.fy_from, filters.fy_to)
trend = logic.trend_table(db.query("sme_series_trend", series_id=series_id, fy_from=fy_from, fy_to=fy_to))
if window_notice:
    st.caption(plain_sentence(window_notice))
if not trend.height:
    st.info(plain_sentence(logic.no_trend_message(label, fy_from, fy_to)))
else:
    chart_col, note_col = st.columns([3, 1])
    with chart_col:
        figure = charts.trend_figure(trend, label, logic.aspiration_of(year_rows))
        draw(figure, "sme_trend", "SME share trend", f"{label} {fy_from} to {fy_to}")
    note_col.markdown(plain_sentence(logic.combined_note(trend) or "Each point is one published row of the annex."))
    note_col.caption("Comparisons over time need care: see the note beside the ranking.")

st.subheader(plain_sentence(f"Every measure in the {year} annex, as published"))
measures = db.query("sme_year_measures", year=year)
st.caption(plain_sentence(logic.measures_caption(measures)))
ui.numbers_table(measures, key="sme_measures", label=f"Show every measure for {year}", column_config=config)
ui.download_buttons(
    measures, key="sme_measures", name="SME annex measures", source=logic.SOURCE, filters=None, extra=year
)
