"""Overview: is government on track? Four headline cards, each linking to its page with the filters."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import components as ui
from dashboard import db
from dashboard.filters import NATIONAL_LABEL, current, link_params
from dashboard.format import pct
from dashboard.overview_cards import marketplace_card, sme_card

filters = current()
st.title("Technology procurement reform")
ui.sample_banner()
st.caption(f"Filters: {filters.describe()}")

sme = sme_card(db.query("overview_sme_latest"))
market = marketplace_card(
    db.query(
        "marketplace_area_years",
        area_level=filters.area.level,
        area_code=filters.area.code,
        fy_from=filters.fy_from,
        fy_to=filters.fy_to,
    ),
    db.query("complete_months"),
    filters.area.label,
)
coverage = db.query(
    "council_coverage",
    area_level=filters.area.level,
    area_code=filters.area.code,
    fy_from=filters.fy_from,
    fy_to=filters.fy_to,
).row(0, named=True)
today = dt.date.today()
ministers = db.query("departments_without_digital_minister", as_of=today)
without = ministers.filter(~ministers["has_digital_minister"])

params = link_params(filters)
left, right = st.columns(2)
with left.container(border=True):
    st.markdown(f"#### {sme.title}")
    st.metric("Total spend with SMEs", sme.value, sme.delta, delta_color="normal", help=sme.help)
    st.page_link(
        "views/sme-spend.py", label="SME spend by department", icon=":material/arrow_forward:", query_params=params
    )
with right.container(border=True):
    st.markdown(f"#### {market.title}")
    st.metric("Digital Marketplace spend", market.value, market.delta, help=market.help)
    st.page_link(
        "views/marketplace.py", label="Digital Marketplace uptake", icon=":material/arrow_forward:", query_params=params
    )

left, right = st.columns(2)
with left.container(border=True):
    n, bought = coverage["n_councils"], coverage["n_bought"]
    share = 100 * bought / n if n else None
    where = "in England" if filters.area.label == NATIONAL_LABEL else f"in {filters.area.label}"
    st.markdown(f"#### {bought} of {n} councils {where} bought through the marketplace")
    st.metric(
        "Councils that bought",
        pct(share, 0),
        help=f"Councils with any resolved marketplace spend, {filters.fy_from} to {filters.fy_to}.",
    )
    st.page_link(
        "views/marketplace.py",
        label="See the councils that never have",
        icon=":material/arrow_forward:",
        query_params=params,
    )
with right.container(border=True):
    count = without.height
    noun = "department has" if count == 1 else "departments have"
    st.markdown(f"#### {count} {noun} no minister holding digital responsibility today")
    st.metric("Departments without a digital minister", f"{count} of {ministers.height}")
    if count:
        st.caption("Without: " + ", ".join(without["name"].to_list()))
    st.page_link(
        "views/ministers.py",
        label="Ministers and digital responsibility",
        icon=":material/arrow_forward:",
        query_params=params,
    )
