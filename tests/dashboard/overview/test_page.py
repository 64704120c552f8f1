"""Overview page: headline cards match independent queries; deep links and hostile links behave."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from dashboard.format import long_date, money
from tests.dashboard.conftest import APP, HOSTILE_VALUES, as_read, independent, run_page, texts


def test_cards_match_independent_queries(wh: Path) -> None:
    at = run_page("overview")
    assert not at.exception
    shown = texts(at)
    sme = independent(
        wh, "SELECT financial_year, total_pct FROM mart_sme_share WHERE row_type='total' ORDER BY 1 DESC LIMIT 1"
    )
    year, total = sme.row(0)
    assert f"spent {total:.1f}% with SMEs in {year}" in shown
    councils = independent(wh, "SELECT count(*) FROM dim_council").item()
    bought = independent(wh, "SELECT count(DISTINCT council_id) FROM mart_council_spend_yearly WHERE spend > 0").item()
    assert f"{bought} of {councils} councils" in shown
    full = independent(
        wh,
        """SELECT financial_year FROM mart_marketplace_monthly WHERE area_level='national'
           GROUP BY 1 HAVING count(DISTINCT month) = 12 ORDER BY 1 DESC LIMIT 1""",
    ).item()
    spend = independent(
        wh, "SELECT spend FROM mart_marketplace_yearly WHERE area_level='national' AND financial_year=$y", y=full
    ).item()
    assert f"spent {money(spend)} through the Digital Marketplace in {full}" in shown
    # Issue 10 s.4: ministerial departments in post on the data's last date (was: today, whips' offices included).
    end = independent(
        wh, "SELECT max(greatest(start_date, coalesce(end_date, start_date))) FROM fact_ministerial_appointment"
    ).item()
    without = independent(
        wh,
        """SELECT count(*) FROM (SELECT lineage_id FROM fact_ministerial_appointment
             WHERE start_date <= $d AND (end_date IS NULL OR end_date > $d) AND is_ministerial_department
             GROUP BY lineage_id HAVING NOT bool_or(is_digital))""",
        d=end,
    ).item()
    assert f"{without} ministerial department" in shown
    assert f"{long_date(end)}, the last date in the data" in shown


def test_sample_banner_is_shown(wh: Path) -> None:
    assert "Sample data" in texts(run_page("overview"))


def test_deep_link_to_a_city_region(wh: Path) -> None:
    at = run_page("overview", {"area": "Greater Manchester"})
    assert not at.exception
    assert at.selectbox(key="area").value == "Greater Manchester"
    n = independent(wh, "SELECT count(*) FROM dim_council WHERE ca_code = 'E47000001'").item()
    assert f"of {n} councils in Greater Manchester" in texts(at)


def test_deep_link_with_a_year_range(wh: Path) -> None:
    at = run_page("overview", {"years": ["2016/17", "2019/20"]})
    assert not at.exception
    assert at.select_slider(key="years").value == ("2016/17", "2019/20")
    assert "2019/20" in texts(at)


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_area_falls_back_with_a_notice(wh: Path, value: str) -> None:
    at = run_page("overview", {"area": value})
    assert not at.exception
    assert at.selectbox(key="area").value == "All areas (UK-wide)"
    assert any("does not have" in as_read(w.value) for w in at.warning)


@pytest.mark.parametrize("value", ["2099/00", "'; drop table x; --", "x" * 10_000])
def test_hostile_years_fall_back_with_a_notice(wh: Path, value: str) -> None:
    at = run_page("overview", {"years": [value, value]})
    assert not at.exception
    assert any("financial year" in as_read(w.value) for w in at.warning)


def test_the_overview_path_opens_the_overview_not_page_not_found(wh: Path) -> None:
    """/overview is not where Streamlit serves the default page ("/"), so an alias page sends it there."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["area"] = "Greater Manchester"
    at._page_hash = calc_hash("overview")  # what a browser opening /overview asks for
    at.run()
    assert not at.exception
    assert at.title and at.title[0].value == "Technology procurement reform"
    assert "Greater Manchester" in texts(at), "the link's filters survive the redirect"


@pytest.mark.parametrize("values", [["2016/17", "2017/18", "2019/20"], ["2016/17"]])
def test_a_years_link_that_is_not_a_first_and_last_year_gets_a_notice(wh: Path, values: list[str]) -> None:
    """The range slider drops a years value of one or three years silently; the page says so."""
    at = run_page("overview", {"years": values})
    assert not at.exception
    assert any("a range is a first and a last year" in as_read(w.value) for w in at.warning)
    slider = at.select_slider(key="years")
    assert slider.value == (slider.options[0], slider.options[-1]), "every year, as the notice says"
