"""What a person sees in a real browser: headline numbers, deep links, downloads, errors, accessibility."""

from __future__ import annotations

import io
import re
from pathlib import Path

import polars as pl
import pytest

from dashboard.format import money
from tests.browser.conftest import PAGE_PATHS, axe_allowlist, axe_violations, open_page, screenshot, wait_for_app
from tests.conftest import HOSTILE_SUPPLIER
from tests.dashboard.conftest import independent

pytestmark = pytest.mark.browser


def sidebar_select(tab, label: str, option: str) -> None:
    """Choose an option in a Streamlit selectbox the way a person does: open it, type, press Enter."""
    box = tab.get_by_role("combobox", name=label)
    box.click()
    box.fill(option)
    tab.get_by_role("option", name=option, exact=True).click()
    wait_for_app(tab)


def test_official_sees_headline_cards_that_match_the_warehouse(server, context, fixture_warehouse) -> None:
    tab, errors = open_page(context, server, "overview")
    cards = " ".join(tab.locator("h4").all_inner_texts())
    year, total = independent(
        fixture_warehouse,
        "SELECT financial_year, total_pct FROM mart_sme_share WHERE row_type='total' ORDER BY 1 DESC LIMIT 1",
    ).row(0)
    assert f"spent {total:.1f}% with SMEs in {year}" in cards
    councils = independent(fixture_warehouse, "SELECT count(*) FROM dim_council").item()
    bought = independent(
        fixture_warehouse, "SELECT count(DISTINCT council_id) FROM mart_council_spend_yearly WHERE spend > 0"
    ).item()
    assert f"{bought} of {councils} councils" in cards
    full = independent(
        fixture_warehouse,
        """SELECT financial_year FROM mart_marketplace_monthly WHERE area_level='national'
           GROUP BY 1 HAVING count(DISTINCT month) = 12 ORDER BY 1 DESC LIMIT 1""",
    ).item()
    spend = independent(
        fixture_warehouse,
        "SELECT spend FROM mart_marketplace_yearly WHERE area_level='national' AND financial_year=$y",
        y=full,
    ).item()
    assert f"spent {money(spend)} through the Digital Marketplace in {full}" in cards
    # Issue 10 s.4: ministerial departments in post on the data's last date (was: today, whips' offices included).
    end = independent(
        fixture_warehouse,
        "SELECT max(greatest(start_date, coalesce(end_date, start_date))) FROM fact_ministerial_appointment",
    ).item()
    without = independent(
        fixture_warehouse,
        """SELECT count(*) FROM (SELECT lineage_id FROM fact_ministerial_appointment
             WHERE start_date <= $d AND (end_date IS NULL OR end_date > $d) AND is_ministerial_department
             GROUP BY lineage_id HAVING NOT bool_or(is_digital))""",
        d=end,
    ).item()
    assert re.search(rf"\b{without} ministerial departments? ha(s|ve) no minister", cards)
    assert errors == []


def test_metro_mayor_link_opens_the_same_filtered_view(server, context, browser) -> None:
    tab, _ = open_page(context, server, "marketplace")
    before = tab.locator("h3").first.inner_text()
    sidebar_select(tab, "City region or area", "Greater Manchester")
    after = tab.locator("h3").first.inner_text()
    assert "Greater Manchester" in after and after != before
    assert tab.locator('[data-testid="stDeckGlJsonChart"]').count() >= 1, "the map is drawn"
    tab.get_by_role("button", name="Copy link to this view").click()
    link = tab.locator('[data-testid="stCode"] code').first.inner_text().strip()
    assert "area=Greater+Manchester" in link
    fresh = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        other = fresh.new_page()
        other.goto(link, wait_until="domcontentloaded")
        wait_for_app(other)
        assert other.locator("h3").first.inner_text() == after
        assert other.get_by_role("combobox", name="City region or area").input_value() == "Greater Manchester"
    finally:
        fresh.close()


def test_analyst_download_matches_the_warehouse_and_is_formula_safe(server, context, fixture_warehouse) -> None:
    tab, _ = open_page(context, server, "marketplace", "area=Greater+Manchester")
    tab.get_by_role("tab", name="Top buyers and suppliers").click()
    wait_for_app(tab)
    target = None
    buttons = tab.locator('[data-testid="stDownloadButton"] button', has_text="Download CSV")
    for i in range(buttons.count()):
        if not buttons.nth(i).is_visible():  # inside a closed expander or another tab
            continue
        with tab.expect_download() as info:
            buttons.nth(i).click()
        if "supplier" in info.value.suggested_filename:
            target = info.value
            break
    assert target is not None, "a top-suppliers CSV download exists"
    assert "greater-manchester" in target.suggested_filename
    data = Path(target.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pl.read_csv(io.BytesIO(data[3:]), infer_schema_length=10_000)
    assert {"supplier_name", "spend", "data_source", "data_built", "data_filters", "data_status"} <= set(frame.columns)
    assert "'" + HOSTILE_SUPPLIER in frame["supplier_name"].to_list()
    assert HOSTILE_SUPPLIER not in frame["supplier_name"].to_list()
    expected = independent(
        fixture_warehouse,
        """SELECT supplier_name, sum(spend) AS spend FROM mart_marketplace_top_suppliers
           WHERE area_level = 'combined_authority' AND area_code = 'E47000001'
           GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $n""",
        n=frame.height,
    )
    got = dict(zip([s.removeprefix("'") for s in frame["supplier_name"]], frame["spend"], strict=True))
    for name, spend in expected.iter_rows():
        assert got[name] == pytest.approx(spend, abs=0.01)


@pytest.mark.parametrize("page", list(PAGE_PATHS))
def test_every_page_loads_without_errors(server, context, page: str) -> None:
    tab, errors = open_page(context, server, page)
    assert tab.locator('[data-testid="stException"]').count() == 0
    body = tab.locator("body").inner_text()
    assert "Traceback" not in body and "Error:" not in body
    screenshot(tab, page)
    assert errors == [], errors


def test_tampered_link_shows_the_default_view_and_a_notice(server, context) -> None:
    tab, errors = open_page(context, server, "overview", "area=%27%3Bdrop%20table")
    notice = tab.locator('[data-testid="stAlert"]', has_text="does not have").first
    assert notice.is_visible()
    assert tab.get_by_role("combobox", name="City region or area").input_value() == "All areas (UK-wide)"
    assert errors == []


@pytest.mark.parametrize("page", list(PAGE_PATHS))
def test_axe_finds_no_wcag22_aa_violations(server, context, page: str) -> None:
    """WCAG 2.0, 2.1 and 2.2 A and AA rules (2.2 brought target-size), every impact, nothing allow-listed."""
    tab, _ = open_page(context, server, page)
    assert axe_allowlist() == {}, "the axe allow-list is empty: fix the page (or our CSS) instead"
    assert axe_violations(tab) == []


def test_area_filter_and_downloads_work_from_the_keyboard(server, context) -> None:
    tab, _ = open_page(context, server, "marketplace")
    reached = set()
    for _ in range(250):
        tab.keyboard.press("Tab")
        label = tab.evaluate(
            """() => { const el = document.activeElement;
                 return (el.getAttribute('aria-label') || el.innerText || '').trim().slice(0, 60); }"""
        )
        if "City region or area" in label or "Selected All areas" in label:
            reached.add("area")
        if "Download CSV" in label:
            reached.add("download")
        if reached == {"area", "download"}:
            break
    assert reached == {"area", "download"}
    # Operate the area filter from the keyboard: focus it, type, Enter.
    box = tab.get_by_role("combobox", name="City region or area")
    box.focus()
    tab.keyboard.type("Greater Manchester")
    tab.keyboard.press("Enter")
    wait_for_app(tab)
    assert "Greater Manchester" in tab.locator("h3").first.inner_text()
    # And a download with the keyboard.
    visible = tab.locator('[data-testid="stDownloadButton"] button', has_text="Download CSV")
    first = next(visible.nth(i) for i in range(visible.count()) if visible.nth(i).is_visible())
    first.focus()
    with tab.expect_download() as info:
        tab.keyboard.press("Enter")
    assert info.value.suggested_filename.endswith(".csv")
