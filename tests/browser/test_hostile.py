"""Issue 12 s.1 in Chromium: on the hostile warehouse (tests/hostile.py) no injected string becomes an element
(link, image, emphasis, heading, code, KaTeX, coloured text, icon) on any page, tab, section or link notice,
every payload reads as written, and no request leaves the app's origin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from dashboard.data_and_method.logic import SECTIONS
from dashboard.marketplace.logic import TABS
from dashboard.safe_text import WORD_JOINER
from tests.browser.conftest import Server, _need_chromium, open_page
from tests.dashboard.test_hostile_pages import LINK_PARAMS, hostile_area
from tests.hostile import CORPUS, shown_as_written

pytestmark = pytest.mark.browser

#: Elements markup would make, that an injected string must never be inside (or be the source of).
_INJECTED = """() => {
  const hits = [];
  const has = (s) => (s || '').includes('ZQX');
  const name = (el) => `${el.tagName.toLowerCase()} ${(el.textContent || '').trim().slice(0, 60)}`;
  for (const el of document.querySelectorAll('img, image, source, video, audio, iframe, object, embed'))
    if (has(el.getAttribute('src')) || has(el.getAttribute('alt')) || has(el.getAttribute('href'))) hits.push(name(el));
  // Our page links carry the filters (an area's name among them) in their query string: same origin only.
  for (const el of document.querySelectorAll('a'))
    if (has(el.textContent) || (el.href && !el.href.startsWith(location.origin))) hits.push(`${name(el)} -> ${el.href}`);
  // Headings we write: st.title (h1 outside Markdown), st.subheader (h3) and '#### ' card titles (h4).
  const md = '[data-testid="stMarkdownContainer"] ';
  for (const el of document.querySelectorAll(['em', 'del', 'code', 'pre', 'table', 'li', 'blockquote', 'h1', 'h2', 'h5', 'h6']
                                               .map(t => md + t).join(', ')))
    if (has(el.textContent)) hits.push(name(el));
  for (const el of document.querySelectorAll(md + 'strong'))
    if ((el.textContent || '').trim().startsWith('ZQX')) hits.push(name(el));
  for (const el of document.querySelectorAll('.katex, .katex-display, math')) hits.push(name(el));
  for (const el of document.querySelectorAll(md + 'span[style*="color"], ' + md + 'span[style*="background"]'))
    if (has(el.textContent)) hits.push(name(el));
  for (const el of document.querySelectorAll('[role="img"][aria-label$=" icon"]'))
    if (['bug_report'].includes((el.textContent || '').trim())) hits.push(name(el));
  return hits;
}"""


@pytest.fixture(scope="session")
def hostile_server(hostile_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _need_chromium()
    srv = Server(hostile_warehouse, tmp_path_factory.mktemp("hostile_server") / "streamlit.log")
    try:
        yield srv
    finally:
        srv.stop()


def check(context, server: Server, page: str, query: str) -> list[str]:
    tab, errors = None, []
    outside: list[str] = []
    context.on(
        "request",
        lambda request: outside.append(request.url)
        if not request.url.startswith((server.url, "data:", "blob:"))
        else None,
    )
    tab, errors = open_page(context, server, page, query)
    try:
        found = [f"element made from injected text: {hit}" for hit in tab.evaluate(_INJECTED)]
        text = tab.evaluate("() => document.body.innerText").replace(WORD_JOINER, "")
        found += shown_as_written(text)
        found += [f"request outside the app: {url}" for url in outside]
        found += [f"console: {error}" for error in errors]
        if "ZQX" not in text:
            found.append("no hostile text on the page: the check would be empty")
        return found
    finally:
        tab.close()


def _views(area: str) -> list[tuple[str, str]]:
    views = [(page if page != "sme_spend" else "sme", {}) for page in LINK_PARAMS]
    views += [("marketplace", {"market_view": name}) for name in TABS]
    views += [("data", {"section": name}) for name in SECTIONS]
    page_keys = {"notices": "contracts"}
    return [(page_keys.get(page, page), urlencode({**params, "area": area})) for page, params in views]


def test_every_view_of_the_hostile_warehouse_shows_text_only(hostile_server, hostile_warehouse, browser) -> None:
    area = hostile_area(hostile_warehouse)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        found = {f"{page}?{query}": check(context, hostile_server, page, query) for page, query in _views(area)}
    finally:
        context.close()
    bad = [f"{view}: {problem}" for view, problems in found.items() for problem in problems]
    assert not bad, "\n".join(bad)


def test_every_link_notice_shows_the_link_as_text(hostile_server, browser) -> None:
    """Each page's every link parameter at once, each a different payload; all of the corpus is used."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    found, used = {}, set()
    try:
        n = 0
        for page, keys in LINK_PARAMS.items():
            values = {}
            for key in keys:
                values[key] = CORPUS[n % len(CORPUS)][1]
                used.add(n % len(CORPUS))
                n += 1
            name = {"sme_spend": "sme", "notices": "contracts"}.get(page, page)
            found[page] = check(context, hostile_server, name, urlencode(values))
    finally:
        context.close()
    assert used == set(range(len(CORPUS)))
    bad = [f"{page}: {problem}" for page, problems in found.items() for problem in problems]
    assert not bad, "\n".join(bad)
