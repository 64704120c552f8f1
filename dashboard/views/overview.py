"""Overview: is government on track? Four headline cards, each linking to its page with the filters."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import components as ui
from dashboard import db
from dashboard.filters import current, link_params
from dashboard.marketplace import logic as market_logic
from dashboard.overview import logic
from dashboard.safe_text import md, plain_sentence

filters = current()
st.title("Technology procurement reform")
ui.sample_banner()
st.caption(plain_sentence(f"Filters: {filters.describe()}"))

in_area = {
    "area_level": filters.area.level,
    "area_code": filters.area.code,
    "fy_from": filters.fy_from,
    "fy_to": filters.fy_to,
}
months = db.query("complete_months")  # the marketplace card and the councils card both need it
# Ministers on the last date the appointments data covers (today would assert what the data cannot know).
ministers_end = db.query("ministers_data_range")["last_change"][0]
# (card, the page that explains it, the link's label), in reading order: two rows of two.
cards = [
    (logic.sme_card(db.query("overview_sme_latest")), "views/sme_spend.py", "SME spend by department"),
    (
        logic.marketplace_card(db.query("marketplace_area_years", **in_area), months, filters.area.label),
        "views/marketplace.py",
        "Digital Marketplace uptake",
    ),
    (
        logic.coverage_card(db.query("council_coverage", **in_area), filters, market_logic.span(filters, months)),
        "views/marketplace.py",
        "See the councils that never have",
    ),
    (
        logic.ministers_card(
            db.query("departments_without_digital_minister", as_of=ministers_end or dt.date.today()), ministers_end
        ),
        "views/ministers.py",
        "Ministers and digital responsibility",
    ),
]

params = link_params(filters)
for row in (cards[:2], cards[2:]):
    for column, (card, page, link) in zip(st.columns(2), row, strict=True):
        with column.container(border=True):
            st.markdown(md("#### {title}", title=card.title))
            st.metric(plain_sentence(card.label), card.value, card.delta, help=plain_sentence(card.help))
            if card.note:
                st.caption(card.note)  # markdown-safe: md() in overview.logic
            st.page_link(page, label=plain_sentence(link), icon=":material/arrow_forward:", query_params=params)
