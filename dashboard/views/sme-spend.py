"""SME spend by department: who is on track for one pound in three, in a chosen year and over time.

The figures are the Cabinet Office's annual annex for central government (national, per
department), so the year picker is this page's own (`?sme_year=`) and may leave the shared
range; the trend follows the shared range, and a department lineage (`?sme_dept=`) joins
renamed departments on one line.
"""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import db
from dashboard import sme_logic as logic
from dashboard.charts import sme as charts
from dashboard.figure import Figure
from dashboard.filters import current

filters = current()
st.title("SME spend by department")
ui.sample_banner()
head = st.container()

years = db.query("sme_years")["financial_year"].to_list()
if not years:
    ui.empty_state(logic.EMPTY_MESSAGE)
labels = logic.series_labels(db.query("sme_series"))
default = logic.default_year(years, filters.fy_from, filters.fy_to)
links = {key: st.query_params.get_all(key) for key in (logic.YEAR_KEY, logic.DEPT_KEY)}
for notice in logic.link_notices(links, years, labels, default):
    st.warning(notice, icon=":material/link_off:")
if filters.area.level != "national":
    st.caption(logic.national_note(filters.area.label))

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
table = logic.ranking_table(year_rows, year)
aspiration = logic.aspiration_of(year_rows)
chart_col, note_col = st.columns([3, 1])
note_col.markdown(logic.CAVEAT)
with chart_col:
    if table.height:
        ui.chart_block(
            Figure.of(
                charts.ranking_chart,
                table,
                logic.ranking_title(table, year),
                logic.ranking_subtitle(year_rows),
                aspiration,
                table=table,
                alt_text=logic.ranking_alt(table, year, aspiration),
            ),
            key="sme_ranking",
            name="SME share by department",
            source=logic.SOURCE,
            filters=None,
            extra=year,
            column_config=logic.column_config(),
        )
    else:
        st.info(f"The {year} annex has no department rows to rank; its measures are in the table below.")

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
    st.caption(window_notice)
if not trend.height:
    st.info(
        f"{label} has no SME spend figures between {fy_from} and {fy_to}. Widen the year range or pick another one."
    )
else:
    chart_col, note_col = st.columns([3, 1])
    with chart_col:
        ui.chart_block(
            Figure.of(
                charts.trend_chart,
                trend,
                logic.trend_title(trend, label, aspiration),
                "Total = direct + indirect.",
                aspiration,
                table=trend,
                alt_text=logic.trend_alt(trend, label, aspiration),
            ),
            key="sme_trend",
            name="SME share trend",
            source=logic.SOURCE,
            filters=None,
            extra=f"{label} {fy_from} to {fy_to}",
            column_config=logic.column_config(),
        )
    note_col.markdown(logic.combined_note(trend) or "Each point is one published row of the annex.")
    note_col.caption("Comparisons over time need care: see the note beside the ranking.")

st.subheader(f"Every measure in the {year} annex, as published")
measures = db.query("sme_year_measures", year=year)
st.caption(
    f"All {measures.width} published columns for {measures.height} rows, including survey response rates. "
    "The table opens on request (it is wide); the downloads carry every column."
)
ui.numbers_table(
    measures, key="sme_measures", label=f"Show every measure for {year}", column_config=logic.column_config()
)
ui.download_buttons(
    measures, key="sme_measures", name="SME annex measures", source=logic.SOURCE, filters=None, extra=year
)
