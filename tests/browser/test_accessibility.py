"""WCAG 2.2 AA beyond the first paint of each page: the axe gate on every state the journeys reach, and the
checks axe cannot make (zoom, keyboard, focus, alt text).

The per-page gate is `test_journeys.test_axe_finds_no_wcag22_aa_violations`; this module opens what a page
hides until asked (tabs, the map focus, the tables behind charts, the share-link popover, the calendar) and
runs the same gate there.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from dashboard.data_and_method.logic import SECTION_KEY, SECTIONS
from dashboard.marketplace.logic import TABS as MARKET_TABS
from tests.browser.conftest import axe_violations, open_page, wait_for_app

pytestmark = pytest.mark.browser

FOCUS_LABEL = "Focus the tabs below on (or click an area on the map)"
#: Pages (and the tab) with charts, each chart with its "Show the numbers as a table" expander.
CHART_PAGES = {
    "sme": "",
    "marketplace": "",
    "ministers": "",
    "contracts": "",
    "data": urlencode({SECTION_KEY: "Buyer matching"}),
}


def choose(tab, label: str, option: str | None = None) -> str:
    """Pick `option` (or the second option) in the select box `label` with the mouse; return the option chosen."""
    box = tab.get_by_role("combobox", name=label)
    box.click()
    options = tab.get_by_role("option")
    chosen = tab.get_by_role("option", name=option, exact=True) if option else options.nth(1)
    name = chosen.inner_text().strip()
    chosen.click()
    wait_for_app(tab)
    return name


@pytest.mark.parametrize("name", MARKET_TABS[1:])  # the first tab is the page's first paint, gated per page
def test_axe_on_every_marketplace_tab(server, context, name: str) -> None:
    tab, _ = open_page(context, server, "marketplace", urlencode({"market_view": name}))
    assert tab.get_by_role("tab", name=name, selected=True).count() == 1
    assert axe_violations(tab) == []


@pytest.mark.parametrize("name", SECTIONS[1:])
def test_axe_on_every_data_section(server, context, name: str) -> None:
    tab, _ = open_page(context, server, "data", urlencode({SECTION_KEY: name}))
    assert tab.get_by_role("tab", name=name, selected=True).count() == 1
    assert axe_violations(tab) == []


def test_axe_with_the_map_focus_set(server, context) -> None:
    tab, _ = open_page(context, server, "marketplace")
    name = choose(tab, FOCUS_LABEL)
    assert tab.get_by_text(f"Focused on {name}").count() >= 1
    assert axe_violations(tab) == []


@pytest.mark.parametrize("page", list(CHART_PAGES))
def test_axe_with_a_chart_table_expanded(server, context, page: str) -> None:
    tab, _ = open_page(context, server, page, CHART_PAGES[page])
    toggle = tab.locator('[data-testid="stExpander"] summary', has_text="as a table").first
    toggle.click()
    wait_for_app(tab)
    expander = tab.locator('[data-testid="stExpander"]', has_text="as a table").first
    expander.locator('[data-testid="stDataFrame"]').wait_for()
    assert axe_violations(tab) == []


def test_axe_with_the_share_link_popover_open(server, context) -> None:
    tab, _ = open_page(context, server, "marketplace")
    tab.get_by_role("button", name="Copy link to this view").click()
    tab.locator('[data-testid="stCode"]').first.wait_for()
    assert axe_violations(tab) == []


def test_axe_with_the_date_calendar_open(server, context) -> None:
    tab, _ = open_page(context, server, "ministers")
    tab.get_by_role("button", name="Choose date").click()
    tab.get_by_role("dialog").first.wait_for()
    assert axe_violations(tab) == []
