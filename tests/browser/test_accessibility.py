"""WCAG 2.2 AA beyond the first paint of each page: the axe gate on every state the journeys reach, and the
checks axe cannot make (zoom, keyboard, focus, alt text).

The per-page gate is `test_journeys.test_axe_finds_no_wcag22_aa_violations`; this module opens what a page
hides until asked (tabs, the map focus, the tables behind charts, the share-link popover, the calendar) and
runs the same gate there.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from dashboard.data_and_method.logic import SECTION_KEY, SECTIONS
from dashboard.figure import FIGURE
from dashboard.marketplace.logic import TABS as MARKET_TABS
from tests.browser.conftest import PAGE_PATHS, axe_violations, open_page, screenshot, wait_for_app

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


# 1.4.10 Reflow / 1.4.4 Resize Text at 400% zoom. Browser zoom divides the window's width by the zoom factor
# to give the page's CSS viewport, so a 1280 x 1024 window at 400% is a 320 x 256 CSS px viewport drawn at
# 4 device pixels per CSS pixel. That is what this context is: Streamlit's media queries see 320 px (the
# sidebar collapses, columns stack), exactly as at real 400% zoom. (`device_scale_factor` alone keeps a 1280
# px layout, and CSS `zoom: 4` on the page leaves the media queries at 1280 px: neither reflows the page.)
ZOOMED_VIEWPORT = {"width": 1280 // 4, "height": 1024 // 4}

#: Elements that carry content a person must be able to see whole, inside a region (main column or sidebar).
_OVERFLOW = """(region) => {
  const root = document.querySelector(region);
  const vw = document.documentElement.clientWidth;
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  // Content inside its own horizontal scroller (a tab bar, a data grid, a code box) is reached by scrolling
  // that element, which 1.4.10 allows; the scroller itself must fit.
  const scroller = el => { for (let p = el.parentElement; p && p !== root; p = p.parentElement) if (scrolls(p)) return p; return null; };
  // Visually hidden proxies (a slider's native range inputs sit in a 1 x 1 px clipped box) show nothing.
  const hidden = el => { for (let p = el; p && p !== root; p = p.parentElement) {
    const r = p.getBoundingClientRect(); if (r.width <= 1 || r.height <= 1) return true; } return false; };
  const bad = [];
  for (const el of root.querySelectorAll(
      'h1, h2, h3, h4, h5, p, li, label, button, a, input, [role=combobox], [role=tab], [role=spinbutton], '
      + '[data-testid=stVegaLiteChart], [data-testid=stDeckGlJsonChart], [data-testid=stDataFrame], '
      + '[data-testid=stAlert], [data-testid=stExpander], [data-testid=stCaptionContainer]')) {
    const r = el.getBoundingClientRect();
    if (hidden(el) || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.closest('[data-testid=stSkipToContent]')) continue;  // off screen until it has focus
    const box = scroller(el) || el;
    const b = box.getBoundingClientRect();
    const clipped = el !== box ? false : (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'hidden');
    if (b.left < -1 || b.right > vw + 1 || clipped)
      bad.push(`${el.tagName} ${el.getAttribute('data-testid') || ''} "${(el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 50)}" x ${Math.round(b.left)}..${Math.round(b.right)} of ${vw}${clipped ? ' (clipped)' : ''}`);
  }
  return bad;
}"""


def _no_horizontal_scroll(tab, region: str) -> None:
    widths = tab.evaluate(
        """(region) => { const el = document.querySelector(region);
             return [document.documentElement.scrollWidth, document.documentElement.clientWidth,
                     el.scrollWidth, el.clientWidth]; }""",
        region,
    )
    page_scroll, page_width, region_scroll, region_width = widths
    assert page_scroll <= page_width, f"the page scrolls sideways: {page_scroll} px of content in {page_width} px"
    assert region_scroll <= region_width, f"{region} scrolls sideways: {region_scroll} px in {region_width} px"


@pytest.mark.parametrize("page", list(PAGE_PATHS))
def test_every_page_reflows_at_400_percent_zoom(browser, server, page: str) -> None:
    zoomed = browser.new_context(viewport=ZOOMED_VIEWPORT, device_scale_factor=4)
    try:
        tab, errors = open_page(zoomed, server, page)
        assert tab.evaluate("() => document.documentElement.clientWidth") == 320
        main = '[data-testid="stMain"]'
        _no_horizontal_scroll(tab, main)
        assert tab.evaluate(_OVERFLOW, main) == []
        # The shared filters are in the sidebar, collapsed at this width: open it and check it too.
        tab.get_by_role("button", name="Expand sidebar").click()
        sidebar = '[data-testid="stSidebarContent"]'  # not stSidebar: its resize handle straddles the edge
        tab.locator(sidebar).get_by_role("combobox", name="City region or area").wait_for()
        tab.wait_for_timeout(500)  # the slide-in transition
        _no_horizontal_scroll(tab, sidebar)
        assert tab.evaluate(_OVERFLOW, sidebar) == []
        screenshot(tab, f"zoom-400-{page}")
        assert errors == []
    finally:
        zoomed.close()


# 2.4.11 Focus Not Obscured (Minimum): the focused element is not entirely hidden by author content (the
# sticky header, above all). Sample points over the part of it inside the viewport: at least one must hit it.
# A visually hidden proxy (a slider's range input, a radio's native input) is judged by what a person sees:
# the nearest box with a size, or the label the input sits in. A widget's own layers (a data grid's scroll
# overlay over its canvas) do not obscure it: anything inside the same Streamlit element counts as the element.
_OBSCURED = """() => {
  let el = document.activeElement;
  if (!el || el === document.body) return 'focus is on the page itself';
  let box = el.tagName === 'INPUT' && el.closest('label') ? el.closest('label') : el;
  while (box.parentElement && box.getBoundingClientRect().width <= 1) box = box.parentElement;
  const own = el.closest('[data-testid="stElementContainer"]');
  const r = box.getBoundingClientRect();
  const left = Math.max(r.left, 0), right = Math.min(r.right, innerWidth);
  const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, innerHeight);
  const name = `${el.tagName} "${(el.getAttribute('aria-label') || el.innerText || '').trim().slice(0, 50)}"`;
  if (right - left < 1 || bottom - top < 1) return `${name} is outside the viewport`;
  for (const fx of [0.1, 0.3, 0.5, 0.7, 0.9]) for (const fy of [0.1, 0.5, 0.9]) {
    const hit = document.elementFromPoint(left + fx * (right - left), top + fy * (bottom - top));
    if (hit && (box.contains(hit) || hit.contains(box) || (own && own.contains(hit)))) return null;
  }
  const cover = document.elementFromPoint((left + right) / 2, (top + bottom) / 2);
  return `${name} is hidden under ${cover && (cover.closest('[data-testid]')?.getAttribute('data-testid') || cover.tagName)}`;
}"""

#: What has focus, as "role: name" (the element's role, or its tag when it has none).
_FOCUSED_LABEL = """() => { const el = document.activeElement;
  const name = (el.getAttribute('aria-label') || el.innerText || '').trim().slice(0, 80);
  return `${el.getAttribute('role') || el.tagName.toLowerCase()}: ${name}`; }"""


def tab_until(tab, wanted, limit: int = 300) -> str:
    """Press Tab until the focused element's label satisfies `wanted`, checking at every step that focus is
    not obscured; return the label."""
    for _ in range(limit):
        tab.keyboard.press("Tab")
        problem = tab.evaluate(_OBSCURED)
        assert problem is None, problem
        label = tab.evaluate(_FOCUSED_LABEL)
        if wanted(label):
            return label
    raise AssertionError(f"not reached by {limit} presses of Tab")


#: How the focused element and its near ancestors are drawn: a focus ring is an outline, a box shadow or a
#: border colour that is not there without focus (Streamlit draws some rings on the widget's wrapper).
_RING_STYLES = """(el) => { const out = [];
  for (let i = 0; el && i < 4; i++, el = el.parentElement) {
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const border = parseFloat(s.borderTopWidth) > 0 || parseFloat(s.borderBottomWidth) > 0;
    out.push([outline ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : 'none', s.boxShadow,
              border ? `${s.borderTopColor} ${s.borderBottomColor}` : 'none']);
  }
  return out; }"""


def assert_focus_visible(tab) -> None:
    """2.4.7 Focus Visible: focus draws a ring (outline, shadow or border colour) on the element or its wrapper
    that the same element does not have unfocused, and the ring changes the pixels on screen. (Comparing pixels
    alone could be fooled by a tooltip that opens on focus.)"""
    clip = tab.evaluate(
        """() => { const r = document.activeElement.getBoundingClientRect(), m = 6;
             return {x: Math.max(r.left - m, 0), y: Math.max(r.top - m, 0), width: r.width + 2 * m, height: r.height + 2 * m}; }"""
    )
    tab.add_style_tag(content="* { caret-color: transparent !important; }")  # a blinking caret is not a focus ring
    label = tab.evaluate(_FOCUSED_LABEL)
    handle = tab.evaluate_handle("() => document.activeElement")
    focused, ring = tab.screenshot(clip=clip), tab.evaluate(_RING_STYLES, handle)
    tab.evaluate("el => el.blur()", handle)
    blurred, plain = tab.screenshot(clip=clip), tab.evaluate(_RING_STYLES, handle)
    tab.evaluate("el => el.focus()", handle)  # back where it was; keyboard modality keeps :focus-visible
    assert ring != plain, f"no focus ring (outline, shadow or border) on {label!r}"
    assert focused != blurred, f"the focus ring on {label!r} does not show on screen"


def test_keyboard_only_area_picker_chart_table_and_downloads(server, context) -> None:
    """Keyboard only, on the marketplace page: reach the area picker and change it, move to a chart's table and
    open it, then to a download, with focus visible and never hidden under the sticky header."""
    tab, errors = open_page(context, server, "marketplace")
    before = tab.locator("h3").first.inner_text()
    tab_until(tab, lambda label: label == "combobox: City region or area")
    assert_focus_visible(tab)
    tab.keyboard.type("Greater Manchester")
    tab.keyboard.press("Enter")
    wait_for_app(tab)
    after = tab.locator("h3").first.inner_text()
    assert "Greater Manchester" in after and after != before

    tab_until(tab, lambda label: label.startswith("summary:") and label.endswith("Show the map's numbers as a table"))
    assert_focus_visible(tab)
    tab.keyboard.press("Enter")
    wait_for_app(tab)
    expander = tab.locator('[data-testid="stExpander"]', has_text="Show the map's numbers as a table")
    expander.locator('[data-testid="stDataFrame"]').wait_for()
    assert "numbers as a table" in tab.evaluate(_FOCUSED_LABEL), "focus stays on the table's toggle after it opens"

    tab_until(tab, lambda label: label.startswith("button:") and label.endswith("Download CSV"))
    assert_focus_visible(tab)
    with tab.expect_download() as info:
        tab.keyboard.press("Enter")
    assert "greater-manchester" in info.value.suggested_filename
    assert errors == []


def test_map_focus_has_a_keyboard_equivalent(server, context) -> None:
    """2.1.1 Keyboard: what a click on the map does (focus the tabs on one area), the focus select box does
    from the keyboard, and its Clear focus button undoes it."""
    tab, errors = open_page(context, server, "marketplace")
    tab_until(tab, lambda label: label == f"combobox: {FOCUS_LABEL}")
    assert_focus_visible(tab)
    tab.keyboard.press("ArrowDown")  # opens the list; the first option is the whole area, the rest the map's areas
    option = tab.get_by_role("option").nth(1).inner_text().strip()
    tab.keyboard.type(option)
    tab.keyboard.press("Enter")
    notice = tab.locator('[data-testid="stAlert"]', has_text=f"Focused on {option}")
    notice.wait_for()  # the rerun has drawn the focus; wait_for_app then waits for it to finish
    tab.get_by_role("button", name="Clear focus").wait_for()
    wait_for_app(tab)
    assert notice.count() == 1, f"focusing on {option} from the keyboard narrows the tabs"
    assert "market_focus=" in tab.url
    clear = tab_until(tab, lambda label: label.startswith("button:") and "Clear focus" in label)
    assert_focus_visible(tab)
    tab.keyboard.press("Enter")
    wait_for_app(tab)
    assert tab.locator('[data-testid="stAlert"]', has_text="Focused on").count() == 0, clear
    assert errors == []


#: Every view with charts: the pages, each marketplace tab (the map is above them all) and the data page's chart.
CHART_VIEWS = {
    "sme": "",
    "ministers": "",
    "contracts": "",
    "data": urlencode({SECTION_KEY: "Buyer matching"}),
    **{f"marketplace-{name}": urlencode({"market_view": name}) for name in MARKET_TABS},
}
#: The words that say what kind of chart it is, among an alt text's first words.
CHART_KINDS = re.compile(r"\b(chart|charts|map|timeline)\b", re.IGNORECASE)
_CHARTS = """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart], [data-testid=stDeckGlJsonChart]')]
  .map(c => ({kind: c.getAttribute('data-testid'), alt: c.getAttribute('aria-label') || '',
              title: [...c.querySelectorAll('.role-title-text text')]
                       .map(t => [...t.querySelectorAll('tspan')].map(s => s.textContent).join(' ') || t.textContent)
                       .join(' ')}))"""


@pytest.mark.parametrize("view", list(CHART_VIEWS))
def test_every_charts_alt_text_names_what_it_shows_and_its_headline_figure(server, context, view: str) -> None:
    """1.1.1 Non-text Content: each chart's alt text says what kind of chart of what it is, and carries the
    figures of the chart's active title (the finding), which is drawn inside the chart."""
    tab, _ = open_page(context, server, view.split("-")[0], CHART_VIEWS[view])
    charts = tab.evaluate(_CHARTS)
    assert charts, "the view draws charts"
    for chart in charts:
        alt, title = chart["alt"], chart["title"]
        assert CHART_KINDS.search(" ".join(alt.split()[:8])), f"alt text does not say what it shows: {alt!r}"
        assert len(alt.split()) >= 8, f"alt text too short to say what it shows: {alt!r}"
        if chart["kind"] == "stDeckGlJsonChart":  # the map's title is text above it; its alt has the top area
            assert FIGURE.search(alt), f"the map's alt text has no figure: {alt!r}"
            continue
        assert title, f"chart without an active title: {alt!r}"
        missing = [figure for figure in FIGURE.findall(title) if figure not in alt]
        assert missing == [], f"alt text lacks the title's figures {missing}: title {title!r}, alt {alt!r}"
