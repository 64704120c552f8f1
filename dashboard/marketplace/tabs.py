"""The five tabs under the marketplace map, one drawing function each, in logic.TABS order.

This is page code (Streamlit calls), kept out of views/marketplace.py so the page script stays thin: the page
draws the map and the focus, then runs the function of the one open tab (the tabs are lazy and bound to the URL,
so a rerun builds only the open tab's charts). Every tab describes the focus; its figures come from charts.py
and go to components.chart_block, so file names carry the shared filters and the focus.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard import components as ui
from dashboard import db
from dashboard.figure import Figure
from dashboard.filters import Area, Filters
from dashboard.marketplace import charts, logic
from dashboard.safe_text import md, plain_sentence

SOURCE = "Digital Marketplace spend data (Crown Commercial Service), via the warehouse marts"


@dataclass(frozen=True)
class Focused:
    """What every tab needs: the shared filters and area, the focus, its span of years and its yearly spend."""

    filters: Filters
    area: Area
    focus: logic.Focus
    span: str
    years: pl.DataFrame  # marketplace_area_years for the focus

    @property
    def window(self) -> dict[str, str]:
        return {"fy_from": self.filters.fy_from, "fy_to": self.filters.fy_to}

    @property
    def params(self) -> dict[str, str]:
        """The query parameters that select the focus in the shared years."""
        return {"area_level": self.focus.level, "area_code": self.focus.code, **self.window}

    @property
    def extra(self) -> str:
        return "" if self.focus.whole_area else f"focus {self.focus.name}"

    def show(self, figure: Figure, key: str, name: str, more: str = "") -> None:
        """A chart with its table and downloads; file names carry the shared filters, the focus and `more`."""
        extra = f"{self.extra} {more}".strip()
        ui.chart_block(figure, key=key, name=name, source=SOURCE, filters=self.filters, extra=extra)

    def no_spend(self) -> bool:
        """Say so, and draw nothing else, when the focus has no spend in the span (tabs about spend only)."""
        if self.years.height:
            return False
        st.info(
            plain_sentence(f"No marketplace spend is recorded for buyers in {self.focus.name} in {self.span}."),
            icon=":material/info:",
        )
        return True


def family(tab: Focused) -> None:
    if tab.no_spend():
        return
    choice = st.radio("Show spend", list(logic.PERIODS), key="market_period", bind="query-params", horizontal=True)
    period = logic.PERIODS[choice]
    by_family = db.query("marketplace_by_family", period=period, **tab.params)
    figure = charts.family_figure(by_family, period=period, place=tab.focus.name, span=tab.span)
    tab.show(figure, "market_family", "marketplace spend by framework", period)


def sme(tab: Focused) -> None:
    if tab.no_spend():
        return
    tab.show(charts.sme_figure(tab.years, place=tab.focus.name), "market_sme", "marketplace SME share")


def top(tab: Focused) -> None:
    if tab.no_spend():
        return
    place, span = tab.focus.name, tab.span
    buyers = db.query("marketplace_top_buyers", limit=logic.TOP_N, **tab.params)
    figure = charts.buyers_figure(buyers, place=place, span=span, total=logic.total_spend(tab.years))
    tab.show(figure, "market_buyers", "marketplace top buyers")
    suppliers = db.query("marketplace_top_suppliers", limit=logic.TOP_N, **tab.params)
    tab.show(
        charts.suppliers_figure(suppliers, place=place, span=span), "market_suppliers", "marketplace top suppliers"
    )


def never(tab: Focused) -> None:
    never = db.query("marketplace_never_bought", area_level=tab.focus.level, area_code=tab.focus.code)
    st.markdown(md("**{title}**", title=charts.never_title(never, tab.focus.name)))
    st.caption(logic.NEVER_NOTE)
    if never.height:
        table, name = charts.never_table(never), "councils never bought"
        ui.table_block(table, key="market_never", name=name, source=SOURCE, filters=tab.filters, extra=tab.extra)


def per_head(tab: Focused) -> None:
    per_head = db.query("marketplace_ca_per_head", **tab.window)
    selected = logic.highlighted_authority(tab.area, tab.focus)
    figure = charts.per_head_figure(per_head, selected_code=selected, span=tab.span)
    tab.show(figure, "market_per_head", "combined authorities per head")


#: One function per tab of logic.TABS, in the same order.
DRAW: tuple[Callable[[Focused], None], ...] = (family, sme, top, never, per_head)
