"""Issue 12 s.1 in AppTest: on a warehouse whose every name is hostile (tests/hostile.py), every page, every
marketplace tab, every data-page section and every link notice shows the injected text as text.

Each Markdown body Streamlit would render (titles, headings, markdown, captions, alerts, button, expander,
tab, metric and widget labels, help texts) must carry each payload only escaped: never as written (which
Markdown would turn into markup), and, read as a person reads it, exactly as written. Chromium checks the
rendered result (tests/browser/test_hostile.py).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data_and_method.logic import SECTIONS
from dashboard.marketplace.logic import TABS
from dashboard.safe_text import for_display
from tests.dashboard.conftest import as_read, run_page
from tests.hostile import CORPUS, LONG_MARKER, shown_as_written, unescaped

#: Every link parameter a page reads, each given a payload from the corpus.
LINK_PARAMS = {
    "overview": ["area", "years"],
    "sme_spend": ["area", "years", "sme_year", "sme_dept"],
    "marketplace": ["area", "years", "map_level", "map_measure", "market_period", "market_view", "market_focus"],
    "ministers": ["area", "years", "as_of"],
    "notices": ["area", "years", "horizon", "contracts"],
    "data": ["area", "years", "section"],
}


def markdown_bodies(at: AppTest) -> list[str]:
    """Every string on the page that Streamlit renders as Markdown."""
    bodies: list[str] = []
    for group in (at.title, at.header, at.subheader, at.markdown, at.caption, at.info, at.warning, at.error):
        bodies += [str(e.value) for e in group]
    bodies += [str(e.value) for e in at.success]
    for group in (at.button, at.selectbox, at.radio, at.expander, at.tabs, at.date_input, at.multiselect):
        for element in group:
            bodies += [str(getattr(element, "label", "") or ""), str(getattr(element, "help", "") or "")]
    bodies += [f"{m.label} {m.help or ''}" for m in at.metric]
    return bodies


def problems(at: AppTest) -> list[str]:
    found = [f"exception: {e.value}" for e in at.exception]
    for body in markdown_bodies(at):
        read = as_read(body)
        found += [f"{marker} reaches Markdown unescaped: {body[:160]!r}" for marker in unescaped(body)]
        found += shown_as_written(read)
        if LONG_MARKER in read:
            longest = max(len(part) for part in read.split(LONG_MARKER)[1:])
            if longest > 600:
                found.append(f"a 10,000-character name is shown {longest} characters long")
    return found


@pytest.fixture
def hostile(hostile_warehouse: Path, use_warehouse) -> Path:
    use_warehouse(hostile_warehouse)
    return hostile_warehouse


def hostile_area(path: Path) -> str:
    """The label of a combined authority in the hostile warehouse (its name is a payload)."""
    with duckdb.connect(str(path), read_only=True) as con:
        name = con.execute(
            "SELECT area_name FROM dim_area WHERE area_level = 'combined_authority' ORDER BY area_code LIMIT 1"
        ).fetchall()[0][0]
    return for_display(name)


VIEWS = [
    *((page, {}) for page in LINK_PARAMS),
    *(("marketplace", {"market_view": tab}) for tab in TABS),
    *(("data", {"section": section}) for section in SECTIONS),
]


@pytest.mark.parametrize(("page", "params"), VIEWS, ids=[f"{p}-{urlencode(q)}" for p, q in VIEWS])
def test_every_view_shows_hostile_names_as_text(hostile: Path, page: str, params: dict) -> None:
    for area in (None, hostile_area(hostile)):
        at = run_page(page, {**params, **({"area": area} if area else {})})
        assert problems(at) == [], f"{page} {params} area={area!r}"
    shown = sum(as_read(body).count("ZQX") for body in markdown_bodies(at))
    assert shown > 0, "the hostile area's name is on the page (else this test would check nothing)"


def test_the_checks_catch_markup() -> None:
    """The two checks themselves: a payload rendered as markup, or put into Markdown as written, is caught."""
    marker, text = CORPUS[2]  # **ZQX02 bold** _em_ ~~struck~~
    assert shown_as_written(f"Spend in {marker} bold em struck") != []
    assert shown_as_written(f"Spend in {for_display(text)}") == []
    assert shown_as_written(f"Spend in {for_display(text)[:9]}\u2026") == []  # cut by a cap: fine


def test_the_focus_box_and_its_button_show_a_hostile_area_as_text(hostile: Path) -> None:
    with duckdb.connect(str(hostile), read_only=True) as con:
        region = con.execute("SELECT area_name FROM dim_area WHERE area_level = 'region' LIMIT 1").fetchall()[0][0]
    at = run_page("marketplace", {"market_focus": for_display(region)})
    assert any("Focused on" in as_read(i.value) for i in at.info), "the focus notice is drawn"
    assert problems(at) == []


@pytest.mark.parametrize("page", list(LINK_PARAMS))
@pytest.mark.parametrize("entry", range(len(CORPUS)), ids=[marker for marker, _ in CORPUS])
def test_every_link_notice_echoes_a_hostile_value_as_text(hostile: Path, page: str, entry: int) -> None:
    marker, text = CORPUS[entry]
    at = run_page(page, dict.fromkeys(LINK_PARAMS[page], text))
    notices = [w for w in at.warning if "does not have" in as_read(w.value)]
    assert notices, f"{page}: a link notice is shown"
    for notice in notices:
        assert marker in as_read(notice.value)
        assert unescaped(notice.value) == [] and text not in notice.value, notice.value[:200]
    assert [e.value for e in at.exception] == []
