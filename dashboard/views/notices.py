"""Contracts Finder and Find a Tender: the expiry pipeline (awarded contracts ending in the next 6 to 36 months,
IT or all, by value and count, who holds them, extensions and re-lets, with calendar and feed subscriptions), the notices published
and how SME-friendly they are, and the department table that joins advertising, SME spend and digital ministers.

The pipeline looks forward from today over a window and scope picked on the page (`?horizon=6|12|24|36`,
`?contracts=IT|All`, bound to the URL); notices follow the shared area and financial-year range. Served at
/contracts; rules in notices/logic.py and notices/pipeline.py, charts in notices/charts.py, sections in
notices/sections.py.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import components as ui
from dashboard import db
from dashboard.filters import current
from dashboard.notices import logic, pipeline, sections
from dashboard.safe_text import md, plain_sentence

filters = current()
st.title("Contracts Finder and Find a Tender")
ui.sample_banner()
headline_slot = st.container()

area = {"area_level": filters.area.level, "area_code": filters.area.code}
years = {"fy_from": filters.fy_from, "fy_to": filters.fy_to}
place, span = filters.area.label, logic.span_words(filters.fy_from, filters.fy_to)
ui.link_warnings(
    pipeline.scope_notice(st.query_params.get_all(pipeline.SCOPE_KEY)),
    pipeline.horizon_notice(st.query_params.get_all(pipeline.HORIZON_KEY)),
)

st.subheader("Contracts coming up for renewal")
scope, horizon = sections.pipeline_controls()
today = dt.date.today()
until = logic.add_months(today, horizon)
rows = db.query("expiry_pipeline", **area, today=today, horizon_end=until, it_only=scope == "IT")
by_month = db.query("notices_by_month", **area, **years)
shares = db.query("notices_sme_shares", **area, **years)
if by_month.is_empty() and rows.is_empty():
    ui.empty_state(logic.empty_message(place, span))
total = pipeline.summary(rows)
with headline_slot:
    ui.headline(pipeline.headline(total, scope, horizon, place))
    st.caption(
        md(
            "Filters: {filters}. Buyers count where they are; central government only in 'All areas'.",
            filters=filters.describe(),
        )
    )
sections.pipeline_section(rows, total, filters=filters, scope=scope, horizon=horizon, today=today)

if coverage := logic.coverage_note(db.query("notices_coverage").row(0, named=True)):
    st.caption(plain_sentence(coverage))
sections.notices_section(by_month, shares, filters=filters, span=span)
sections.departments_section(db.query("department_advertising", **years), filters=filters, span=span)
