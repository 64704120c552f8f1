"""Contracts Finder: notices over time by buyer type, how many are marked suitable for (and won by) SMEs,
and the contracts ending soon (the expiring-contracts pipeline), all in the area chosen in the sidebar.

The first two follow the shared financial-year range (the year a notice was published); the pipeline looks
forward from today over a horizon picked on the page (`?horizon=6|12|24`, bound to the URL). Served at /contracts;
rules in notices/logic.py, charts in notices/charts.py.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import components as ui
from dashboard import db
from dashboard.filters import current
from dashboard.notices import charts, logic
from dashboard.safe_text import plain_sentence

filters = current()
st.title("Contracts Finder")
ui.sample_banner()
headline_slot = st.container()

area = {"area_level": filters.area.level, "area_code": filters.area.code}
years = {"fy_from": filters.fy_from, "fy_to": filters.fy_to}
place, span = filters.area.label, logic.span_words(filters.fy_from, filters.fy_to)
ui.link_warnings(logic.horizon_notice(st.query_params.get_all(logic.HORIZON_KEY)))

today = dt.date.today()
by_month = db.query("notices_by_month", **area, **years)
shares = db.query("notices_sme_shares", **area, **years)
# The horizon radio sits with the pipeline below; its value (last run's, else the link's) is needed here first.
horizon = logic.horizon_choice(st.session_state.get(logic.HORIZON_KEY), st.query_params.get_all(logic.HORIZON_KEY))
until = logic.add_months(today, horizon)
expiring = db.query("notices_expiring", **area, today=today, horizon_end=until)
if by_month.is_empty() and expiring.is_empty():
    ui.empty_state(logic.empty_message(place, span))
total = logic.totals(shares)
if coverage := logic.coverage_note(db.query("notices_coverage").row(0, named=True)):
    st.caption(plain_sentence(coverage))

st.subheader("Notices published")
if by_month.is_empty():
    st.info(plain_sentence(f"No notices were published by buyers in {place} {span}."), icon=":material/filter_alt_off:")
else:
    notices = charts.notices_figure(by_month, span=span, place=place, n_notices=int(total["notices"] or 0))
    ui.chart_block(notices, key="contracts_notices", name="notices by buyer type", source=logic.SOURCE, filters=filters)
    sme_shares = charts.shares_figure(shares, span=span, place=place)
    ui.chart_block(
        sme_shares, key="contracts_sme_shares", name="sme shares of notices", source=logic.SOURCE, filters=filters
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
    expiring = db.query("notices_expiring", **area, today=today, horizon_end=until)
st.caption(
    plain_sentence(f"Awarded contracts in {place} whose end date falls between {today:%d %B %Y} and {until:%d %B %Y}.")
)
extra = f"ending {today.isoformat()} to {until.isoformat()}"
if expiring.is_empty():
    st.info(
        plain_sentence(f"No awarded contracts in {place} end in the next {horizon} months."),
        icon=":material/event_busy:",
    )
else:
    months = charts.expiring_figure(expiring, today=today, until=until, horizon=horizon, place=place)
    name, source = "contracts ending", logic.SOURCE
    ui.chart_block(
        months, key="contracts_expiring_months", name=f"{name} by month", source=source, filters=filters, extra=extra
    )
    table, config = logic.expiring_table(expiring), logic.expiring_column_config()
    ui.table_block(
        table, key="contracts_expiring", name=name, source=source, filters=filters, extra=extra, column_config=config
    )

with headline_slot:
    ui.headline(logic.headline(total, expiring.height, horizon, span))
    st.caption(
        plain_sentence(
            f"Filters: {filters.describe()}. Buyers count where they are; central government only in 'All areas'."
        )
    )
