"""Contracts Finder: notices over time by buyer type, how many are marked suitable for (and won by) SMEs,
and the contracts ending soon (the expiring-contracts pipeline), all in the area chosen in the sidebar.

The first two follow the shared financial-year range (the year a notice was published); the pipeline looks
forward from today over a horizon picked on the page (`?horizon=6|12|24`, bound to the URL).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import components as ui
from dashboard import contracts_logic as logic
from dashboard import db
from dashboard.charts import contracts as charts
from dashboard.figure import Figure
from dashboard.filters import current

SOURCE = "Contracts Finder (Cabinet Office): OCDS releases and notice search"

filters = current()
st.title("Contracts Finder")
ui.sample_banner()
headline_slot = st.container()

area = {"area_level": filters.area.level, "area_code": filters.area.code}
years = {"fy_from": filters.fy_from, "fy_to": filters.fy_to}
span = logic.span_words(filters.fy_from, filters.fy_to)
link_notice = logic.horizon_notice(st.query_params.get_all(logic.HORIZON_KEY))
if link_notice:
    st.warning(link_notice, icon=":material/link_off:")

today = dt.date.today()
by_month = db.query("contracts_notices_by_month", **area, **years)
shares = db.query("contracts_sme_shares", **area, **years)
# The horizon radio sits with the pipeline below; its value (last run's, else the link's) is needed here first.
horizon = logic.horizon_choice(st.session_state.get(logic.HORIZON_KEY), st.query_params.get_all(logic.HORIZON_KEY))
until = logic.add_months(today, horizon)
expiring = db.query("contracts_expiring", **area, today=today, horizon_end=until)
if by_month.is_empty() and expiring.is_empty():
    ui.empty_state(
        f"No Contracts Finder notices were published by buyers in {filters.area.label} {span}, and none of "
        "their contracts end soon. Choose another area or wider years in the sidebar; if no area shows any, "
        "put Contracts Finder files in data/raw/contracts-finder/ and rebuild the warehouse."
    )
total = logic.totals(shares)

st.subheader("Notices published")
if by_month.is_empty():
    st.info(f"No notices were published by buyers in {filters.area.label} {span}.", icon=":material/filter_alt_off:")
else:
    notices = logic.notices_frame(by_month)
    ui.chart_block(
        Figure.of(
            charts.notices_chart,
            notices,
            logic.notices_title(notices, span),
            "Every notice counts: tenders, awards, amendments",
            table=notices,
            alt_text=f"Stacked bar chart of {total['notices']:,} Contracts Finder notices published each month, "
            f"{span}, in {filters.area.label}, split by buyer type.",
        ),
        key="contracts_notices",
        name="notices by buyer type",
        source=SOURCE,
        filters=filters,
    )
    share_rows = logic.shares_frame(shares)
    ui.chart_block(
        Figure.of(
            charts.shares_chart,
            share_rows,
            logic.shares_title(total),
            table=share_rows,
            alt_text=f"Line chart by financial year of the percentage of notices marked suitable for SMEs and of "
            f"awards won by SMEs, {span}, in {filters.area.label}.",
        ),
        key="contracts_sme_shares",
        name="sme shares of notices",
        source=SOURCE,
        filters=filters,
    )

st.subheader("Contracts ending soon")
chosen = st.radio(
    "Contracts ending within the next (months)",
    options=list(logic.HORIZONS),
    index=logic.HORIZONS.index(logic.DEFAULT_HORIZON),
    horizontal=True,
    key=logic.HORIZON_KEY,
    bind="query-params",
    help="From today. Awarded contracts only, each procurement once (its newest notice).",
)
if chosen != horizon:  # defensive: the radio disagrees with what was read before it
    horizon, until = chosen, logic.add_months(today, chosen)
    expiring = db.query("contracts_expiring", **area, today=today, horizon_end=until)
st.caption(
    f"Awarded contracts in {filters.area.label} whose end date falls between {today:%d %B %Y} and {until:%d %B %Y}."
)
extra = f"ending {today.isoformat()} to {until.isoformat()}"
if expiring.is_empty():
    st.info(
        f"No awarded contracts in {filters.area.label} end in the next {horizon} months.", icon=":material/event_busy:"
    )
else:
    months = logic.expiring_by_month(expiring, today, until)
    ui.chart_block(
        Figure.of(
            charts.expiring_chart,
            months,
            logic.expiring_title(months, horizon),
            table=months,
            alt_text=f"Bar chart of the {expiring.height} awarded contracts in {filters.area.label} ending in each "
            f"month of the next {horizon} months.",
        ),
        key="contracts_expiring_months",
        name="contracts ending by month",
        source=SOURCE,
        filters=filters,
        extra=extra,
    )
    table = logic.expiring_table(expiring)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "Contract ends": st.column_config.DateColumn(format="D MMM YYYY"),
            "Contract starts": st.column_config.DateColumn(format="D MMM YYYY"),
            "Value (£)": st.column_config.NumberColumn(format="£%,.0f"),
            "Notice link": st.column_config.LinkColumn(display_text="Open notice"),
        },
    )
    ui.download_buttons(
        table, key="contracts_expiring", name="contracts ending", source=SOURCE, filters=filters, extra=extra
    )

with headline_slot:
    ui.headline(logic.headline(total, expiring.height, horizon, span))
    st.caption(f"Filters: {filters.describe()}. Buyers count where they are; central government only in 'All areas'.")
