"""The Contracts Finder page's sections (Streamlit code, so the view stays thin): the expiry pipeline's controls,
chart, tables, downloads and feed links; the notices published; the department table. Rules and sentences are in
notices/logic.py and notices/pipeline.py; every sentence put into Markdown goes through safe_text (md,
plain_sentence), and the components' headline and empty state escape their own.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import components as ui
from dashboard import feeds
from dashboard.filters import Filters
from dashboard.notices import charts, logic, pipeline
from dashboard.safe_text import md, plain_sentence


def pipeline_controls() -> tuple[str, int]:
    """The scope (IT or all contracts) and the window (months ahead), both bound to the URL."""
    row = st.container(horizontal=True, gap="large")
    with row:
        scope = st.radio(
            "Contracts",
            options=list(pipeline.SCOPES),
            index=pipeline.SCOPES.index(pipeline.DEFAULT_SCOPE),
            horizontal=True,
            key=pipeline.SCOPE_KEY,
            bind="query-params",
            help="IT: the notice's main or any other CPV code is in an IT group (software 48, IT services 72, "
            "computer equipment 30.2, networks 32.4, telecoms equipment 32.5 and services 64.2, computer "
            "repair 50.3). See Data and method.",
        )
    with row:
        horizon = st.radio(
            "Ending within the next (months)",
            options=list(pipeline.HORIZONS),
            index=pipeline.HORIZONS.index(pipeline.DEFAULT_HORIZON),
            horizontal=True,
            key=pipeline.HORIZON_KEY,
            bind="query-params",
            help="From today. Awarded contracts with an end date, each procurement once (its newest award notice).",
        )
    return str(scope), int(horizon)


def subscribe_links(filters: Filters, scope: str, horizon: int) -> None:
    """Links to the calendar of these contracts' end dates and the feed of new IT notices in the area."""
    base = feeds.origin(st.context.url)
    row = st.container(horizontal=True, gap="small")
    with row:
        st.link_button(
            "Subscribe: calendar of end dates (.ics)",
            feeds.calendar_url(base, filters.area.label, scope, horizon),
            icon=":material/calendar_month:",
            help="Add this address to a calendar application (subscribe by URL): one event per contract end, "
            "updated when the data is rebuilt.",
        )
    with row:
        st.link_button(
            "Subscribe: new IT notices (Atom)",
            feeds.atom_url(base, filters.area.label),
            icon=":material/rss_feed:",
            help="Add this address to a feed reader: the newest IT notices published by buyers in this area.",
        )


def pipeline_section(
    rows: pl.DataFrame, total: dict, *, filters: Filters, scope: str, horizon: int, today: dt.date
) -> None:
    """The chart of value by month, the per-buyer table, the contract list, downloads and subscribe links."""
    until = logic.add_months(today, horizon)
    place = filters.area.label
    what = pipeline.noun(scope)
    st.caption(
        md(
            "Awarded {what} in {place} whose end date falls between {start} and {end}: the end date of the award "
            "(or its contract) as the newest award notice states it. Value: the awarded value, else the estimate.",
            what=what,
            place=place,
            start=f"{today:%d %B %Y}",
            end=f"{until:%d %B %Y}",
        )
    )
    for sentence in (pipeline.sme_sentence(total), pipeline.followups_sentence(total)):
        if sentence:
            st.markdown(plain_sentence(sentence))
    extra = f"{what} ending {today.isoformat()} to {until.isoformat()}"
    if rows.is_empty():
        st.info(
            md("No {what} in {place} end in the next {horizon} months.", what=what, place=place, horizon=horizon),
            icon=":material/event_busy:",
        )
    else:
        figure = charts.pipeline_figure(rows, today=today, until=until, horizon=horizon, scope=scope, place=place)
        ui.chart_block(figure, key="contracts_pipeline", name=f"{what} ending by month", source=logic.SOURCE,
                       filters=filters, extra=extra)  # fmt: skip
        st.markdown("**Who holds them: by department and buyer**")
        ui.table_block(pipeline.by_buyer(rows), key="contracts_pipeline_buyers", name=f"{what} ending by buyer",
                       source=logic.SOURCE, filters=filters, extra=extra,
                       column_config=pipeline.buyer_column_config())  # fmt: skip
        st.markdown("**Each contract**")
        ui.table_block(pipeline.contract_table(rows), key="contracts_expiring", name=f"{what} ending",
                       source=logic.SOURCE, filters=filters, extra=extra,
                       column_config=pipeline.contract_column_config())  # fmt: skip
    subscribe_links(filters, scope, horizon)


def notices_section(by_month: pl.DataFrame, shares: pl.DataFrame, *, filters: Filters, span: str) -> None:
    """Notices published by buyer type, and the SME shares of notices and awards."""
    place = filters.area.label
    st.subheader("Notices published")
    total = logic.totals(shares)
    if by_month.is_empty():
        st.info(
            md("No notices were published by buyers in {place} {span}.", place=place, span=span),
            icon=":material/filter_alt_off:",
        )
        return
    st.markdown(plain_sentence(logic.shares_title(total) + "."))
    notices = charts.notices_figure(by_month, span=span, place=place, n_notices=int(total["notices"] or 0))
    ui.chart_block(notices, key="contracts_notices", name="notices by buyer type", source=logic.SOURCE, filters=filters)
    sme_shares = charts.shares_figure(shares, span=span, place=place)
    ui.chart_block(
        sme_shares, key="contracts_sme_shares", name="sme shares of notices", source=logic.SOURCE, filters=filters
    )


def departments_section(frame: pl.DataFrame, *, filters: Filters, span: str) -> None:
    """The three strands per central government department (UK-wide, whatever the area)."""
    st.subheader("Advertising by department")
    st.caption(
        md(
            "Central government departments, UK-wide whatever the area chosen: notices their bodies published "
            "{span}, the share marked suitable for SMEs and of awards won by SMEs (where the supplier's size is "
            "stated), beside the department's SME spend share (Cabinet Office; the latest year published, named) "
            "and whether one of its ministers held a digital post in those years.",
            span=span,
        )
    )
    if frame.is_empty():
        st.info(plain_sentence(pipeline.department_headline(frame, span) + "."), icon=":material/filter_alt_off:")
        return
    st.markdown(md("**{headline}**", headline=pipeline.department_headline(frame, span)))
    ui.table_block(pipeline.department_table(frame), key="contracts_departments", name="advertising by department",
                   source=f"{logic.SOURCE}; Cabinet Office SME spend; IfG Ministers Database", filters=filters,
                   column_config=None)  # fmt: skip
