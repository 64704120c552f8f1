"""Contracts Finder notices page (/contracts): headline, charts and downloads against independent reads; links, horizon and empty state."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from dashboard.notices import logic
from tests.dashboard.conftest import HOSTILE_VALUES, as_read, download, independent, read_csv_download, run_page, texts

IN_AREA = """FROM mart_notice_area m JOIN fact_contract_notice f USING (notice_id)
             WHERE m.area_level = $level AND m.area_code = $code"""


NOTICES = f"""SELECT count(*) AS notices, count(*) FILTER (WHERE f.suitable_for_sme) AS suitable
              {IN_AREA} AND f.financial_year BETWEEN $fy_from AND $fy_to"""


EXPIRING = f"""SELECT f.notice_id {IN_AREA} AND f.is_latest_for_ocid AND f.awarded_date IS NOT NULL
               AND f.contract_end BETWEEN $today AND $until"""


def all_years(wh: Path) -> tuple[str, str]:
    """The shared year slider's default range (every year any page has data for)."""
    years = independent(
        wh,
        """SELECT min(financial_year), max(financial_year) FROM (
             SELECT financial_year FROM mart_marketplace_yearly UNION SELECT financial_year FROM mart_sme_share
             UNION SELECT financial_year FROM fact_contract_notice)""",
    )
    return years.row(0)


def expected_headline(wh: Path, level: str, code: str, fy_from: str, fy_to: str, horizon: int) -> tuple[str, str]:
    counts = independent(wh, NOTICES, level=level, code=code, fy_from=fy_from, fy_to=fy_to).row(0, named=True)
    today = dt.date.today()
    ending = independent(wh, EXPIRING, level=level, code=code, today=today, until=logic.add_months(today, horizon))
    share = f"{100 * counts['suitable'] / counts['notices']:.0f}% of {counts['notices']:,} notices"
    noun = "contract ends" if ending.height == 1 else "contracts end"
    return share, f"{ending.height} {noun} in the next {horizon} months"


def area_code(wh: Path, name: str) -> str:
    return independent(
        wh, "SELECT area_code FROM dim_area WHERE area_name = $n AND area_level = 'combined_authority'", n=name
    ).item()


def test_headline_and_charts_for_all_areas(wh: Path) -> None:
    at = run_page("notices")
    assert not at.exception
    fy_from, fy_to = all_years(wh)
    share, ending = expected_headline(wh, "national", "ALL", fy_from, fy_to, 12)
    shown = texts(at)
    assert share in shown and ending in shown
    assert len(at.get("vega_lite_chart")) == 3
    assert at.radio(key="horizon").value == 12


def test_downloads_match_independent_queries(wh: Path) -> None:
    at = run_page("notices", {"years": ["2023/24", "2025/26"]})
    assert not at.exception
    params = {"level": "national", "code": "ALL", "fy_from": "2023/24", "fy_to": "2025/26"}
    notices = read_csv_download(download(at, "contracts_notices_csv"))
    by_type = independent(
        wh,
        f"SELECT m.buyer_type, count(*) AS n {IN_AREA} AND f.financial_year BETWEEN $fy_from AND $fy_to GROUP BY 1",
        **params,
    )
    expected = {logic.BUYER_TYPES[t]: n for t, n in by_type.iter_rows()}
    got = notices.group_by("buyer_type").agg(pl.col("notices").sum())
    assert dict(got.iter_rows()) == expected
    assert set(notices["financial_year"]) <= {"2023/24", "2024/25", "2025/26"}
    assert "2023/24 to 2025/26" in notices["data_filters"][0]

    shares = read_csv_download(download(at, "contracts_sme_shares_csv"))
    yearly = independent(
        wh,
        f"""SELECT f.financial_year, 100.0 * count(*) FILTER (WHERE f.suitable_for_sme) / count(*) AS pct
            {IN_AREA} AND f.financial_year BETWEEN $fy_from AND $fy_to GROUP BY 1 ORDER BY 1""",
        **params,
    )
    suitable = shares.filter(pl.col("measure") == logic.SUITABLE).sort("financial_year")
    assert suitable["financial_year"].to_list() == yearly["financial_year"].to_list()
    assert suitable["share_pct"].to_list() == [round(v, 1) for v in yearly["pct"]]

    today = dt.date.today()
    until = logic.add_months(today, 12)
    expiring = read_csv_download(download(at, "contracts_expiring_csv"))
    ids = independent(wh, EXPIRING, level="national", code="ALL", today=today, until=until)
    assert sorted(expiring["Notice id"].to_list()) == sorted(ids["notice_id"].to_list())
    months = read_csv_download(download(at, "contracts_expiring_months_csv"))
    assert months["contracts"].sum() == ids.height
    assert months.height == 13  # this month to the same month next year, empty months included
    assert f"ending {today.isoformat()} to {until.isoformat()}" in months["data_filters"][0]


def test_deep_link_to_a_city_region_and_horizon(wh: Path) -> None:
    at = run_page("notices", {"area": "Greater Manchester", "horizon": "24"})
    assert not at.exception
    assert at.radio(key="horizon").value == 24
    fy_from, fy_to = all_years(wh)
    code = area_code(wh, "Greater Manchester")
    share, ending = expected_headline(wh, "combined_authority", code, fy_from, fy_to, 24)
    national, _ = expected_headline(wh, "national", "ALL", fy_from, fy_to, 24)
    assert share != national, "the city region's figures differ from the national ones"
    assert share in texts(at) and ending in texts(at)
    notices = read_csv_download(download(at, "contracts_notices_csv"))
    assert notices["data_filters"][0].startswith("Greater Manchester")


def test_changing_the_horizon_recounts(wh: Path) -> None:
    at = run_page("notices")
    at.radio(key="horizon").set_value(6).run()
    assert not at.exception
    fy_from, fy_to = all_years(wh)
    _, ending = expected_headline(wh, "national", "ALL", fy_from, fy_to, 6)
    assert ending in texts(at)
    months = read_csv_download(download(at, "contracts_expiring_months_csv"))
    assert months.height == 7


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, "0", "12.0", "-12", "36"])
def test_hostile_horizon_falls_back_with_a_notice(wh: Path, value: str) -> None:
    at = run_page("notices", {"horizon": value})
    assert not at.exception
    assert at.radio(key="horizon").value == 12
    assert any("showing 12 months instead" in as_read(w.value) for w in at.warning)
    assert "in the next 12 months" in texts(at)


@pytest.mark.parametrize("value", HOSTILE_VALUES[:3])
def test_hostile_area_still_renders_the_page(wh: Path, value: str) -> None:
    at = run_page("notices", {"area": value})
    assert not at.exception
    assert at.selectbox(key="area").value == "All areas (UK-wide)"  # the shared filter's fallback (notice: overview)
    assert len(at.get("vega_lite_chart")) == 3


def test_years_without_notices_keep_the_pipeline(wh: Path) -> None:
    first = independent(wh, "SELECT min(financial_year) FROM fact_contract_notice").item()
    earlier = all_years(wh)[0]
    if earlier >= first:
        pytest.skip("the fixture has notices in its first year")
    at = run_page("notices", {"years": [earlier, earlier]})
    assert not at.exception
    assert any("No notices were published" in as_read(i.value) for i in at.info)
    assert f"No notices published in {earlier}" in texts(at)
    assert len(at.get("vega_lite_chart")) == 1  # the expiring-contracts chart only


def test_empty_state_without_notices(sparse_warehouse: Path, use_warehouse) -> None:
    use_warehouse(sparse_warehouse)
    at = run_page("notices")
    assert not at.exception
    assert any("No Contracts Finder notices" in as_read(i.value) for i in at.info)
    assert not at.get("vega_lite_chart")


def test_the_page_says_which_buyers_its_notices_come_from(wh: Path) -> None:
    at = run_page("notices")
    assert not at.exception
    n_notices, n_buyers = independent(wh, "SELECT count(*), count(DISTINCT buyer_name) FROM fact_contract_notice").row(
        0
    )
    caption = next(as_read(c.value) for c in at.caption if as_read(c.value).startswith("These notices come from"))
    assert f"{n_notices:,} notices by {n_buyers:,} buyers" in caption
    assert "not every public body" in caption
