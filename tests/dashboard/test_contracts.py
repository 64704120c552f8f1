"""Contracts Finder page: headline and downloads agree with independent queries under the shared filters and
the horizon; links are validated; empty states explain; the pure helpers and chart builders behave."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from dashboard import contracts_logic as logic
from dashboard.charts import contracts as charts
from tests.dashboard.conftest import HOSTILE_VALUES, download, independent, read_csv_download, run_page, texts

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
    at = run_page("contracts")
    assert not at.exception
    fy_from, fy_to = all_years(wh)
    share, ending = expected_headline(wh, "national", "ALL", fy_from, fy_to, 12)
    shown = texts(at)
    assert share in shown and ending in shown
    assert len(at.get("vega_lite_chart")) == 3
    assert at.radio(key="horizon").value == 12


def test_downloads_match_independent_queries(wh: Path) -> None:
    at = run_page("contracts", {"years": ["2023/24", "2025/26"]})
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
    at = run_page("contracts", {"area": "Greater Manchester", "horizon": "24"})
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
    at = run_page("contracts")
    at.radio(key="horizon").set_value(6).run()
    assert not at.exception
    fy_from, fy_to = all_years(wh)
    _, ending = expected_headline(wh, "national", "ALL", fy_from, fy_to, 6)
    assert ending in texts(at)
    months = read_csv_download(download(at, "contracts_expiring_months_csv"))
    assert months.height == 7


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, "0", "12.0", "-12", "36"])
def test_hostile_horizon_falls_back_with_a_notice(wh: Path, value: str) -> None:
    at = run_page("contracts", {"horizon": value})
    assert not at.exception
    assert at.radio(key="horizon").value == 12
    assert any("showing 12 months instead" in w.value for w in at.warning)
    assert "in the next 12 months" in texts(at)


@pytest.mark.parametrize("value", HOSTILE_VALUES[:3])
def test_hostile_area_still_renders_the_page(wh: Path, value: str) -> None:
    at = run_page("contracts", {"area": value})
    assert not at.exception
    assert at.selectbox(key="area").value == "All areas (UK-wide)"  # the shared filter's fallback (notice: overview)
    assert len(at.get("vega_lite_chart")) == 3


def test_years_without_notices_keep_the_pipeline(wh: Path) -> None:
    first = independent(wh, "SELECT min(financial_year) FROM fact_contract_notice").item()
    earlier = all_years(wh)[0]
    if earlier >= first:
        pytest.skip("the fixture has notices in its first year")
    at = run_page("contracts", {"years": [earlier, earlier]})
    assert not at.exception
    assert any("No notices were published" in i.value for i in at.info)
    assert f"No notices published in {earlier}" in texts(at)
    assert len(at.get("vega_lite_chart")) == 1  # the expiring-contracts chart only


def test_empty_state_without_notices(sparse_warehouse: Path, use_warehouse) -> None:
    use_warehouse(sparse_warehouse)
    at = run_page("contracts")
    assert not at.exception
    assert any("No Contracts Finder notices" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")


# --- pure helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 11, 25), 12, dt.date(2027, 11, 25)),
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2026, 1, 31), 24, dt.date(2028, 1, 31)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert logic.add_months(day, months) == expected


def test_horizon_link_checks() -> None:
    assert logic.horizon_notice([]) is None
    assert logic.horizon_notice(["24"]) is None
    assert "7" in logic.horizon_notice(["7"])
    assert len(logic.horizon_notice(["x" * 10_000])) < 300
    assert logic.horizon_choice(None, ["24"]) == 24
    assert logic.horizon_choice(6, ["24"]) == 6  # the widget's own value wins after the first run
    assert logic.horizon_choice(None, ["7"]) == 12
    assert logic.horizon_choice(None, ["24", "7"]) == 12


def shares_input() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "financial_year": ["2024/25", "2025/26"],
            "notices": [10, 30],
            "suitable_for_sme": [7, 21],
            "awards_size_stated": [0, 8],
            "awarded_to_sme": [0, 2],
            "suitable_pct": [70.0, 70.0],
            "awarded_sme_pct": [None, 25.0],
        }
    )


def test_shares_totals_and_headline() -> None:
    rows = logic.shares_frame(shares_input())
    assert rows.filter(pl.col("measure") == logic.AWARDED)["financial_year"].to_list() == ["2025/26"]
    total = logic.totals(shares_input())
    assert total == {"notices": 40, "suitable_pct": 70.0, "awards_stated": 8, "awarded_sme_pct": 25.0}
    assert logic.shares_title(total) == (
        "70% of notices were marked suitable for SMEs; SMEs won 25% of awards where supplier size was stated"
    )
    assert logic.headline(total, 134, 12, "from 2024/25 to 2025/26") == (
        "70% of 40 notices published from 2024/25 to 2025/26 were marked suitable for SMEs; "
        "134 contracts end in the next 12 months"
    )
    empty = logic.totals(shares_input().clear())
    assert (
        logic.headline(empty, 1, 6, "in 2012/13")
        == "No notices published in 2012/13; 1 contract ends in the next 6 months"
    )


def test_expiring_by_month_includes_empty_months() -> None:
    today, until = dt.date(2026, 11, 25), dt.date(2027, 5, 25)
    rows = pl.DataFrame({"end_month": [dt.date(2026, 12, 1), dt.date(2026, 12, 1), dt.date(2027, 3, 1)]})
    months = logic.expiring_by_month(rows, today, until)
    assert months.height == 7
    assert months["contracts"].to_list() == [0, 2, 0, 0, 1, 0, 0]
    assert logic.expiring_title(months, 6) == "3 contracts end in the next 6 months; most (2) in December 2026"


def test_notices_frame_and_title() -> None:
    by_month = pl.DataFrame(
        {
            "published_month": [dt.date(2025, 4, 1)] * 2,
            "financial_year": ["2025/26"] * 2,
            "buyer_type": ["council", "central_government"],
            "notices": [3, 1],
        }
    )
    frame = logic.notices_frame(by_month)
    assert set(frame["buyer_type"]) == {"Councils", "Central government"}
    assert logic.notices_title(frame, "in 2025/26") == "Councils published 75% of the 4 notices in 2025/26"


# --- chart builders ---------------------------------------------------------------------------


def test_notices_chart_spec() -> None:
    frame = logic.notices_frame(
        pl.DataFrame(
            {
                "published_month": [dt.date(2025, 4, 1)],
                "financial_year": ["2025/26"],
                "buyer_type": ["council"],
                "notices": [3],
            }
        )
    )
    spec = charts.notices_chart(frame, "Councils published 100%", "sub").to_dict()
    assert spec["title"]["text"] == "Councils published 100%"
    assert spec["encoding"]["y"]["title"] == "Notices published (number)"
    assert spec["encoding"]["color"]["title"] == "Buyer type"
    assert {t["field"] for t in spec["encoding"]["tooltip"]} == {"published_month", "buyer_type", "notices"}


def test_shares_chart_does_not_rely_on_colour() -> None:
    spec = charts.shares_chart(logic.shares_frame(shares_input()), "70% of notices").to_dict()
    assert spec["encoding"]["y"]["title"] == "Share (%)"
    assert spec["encoding"]["shape"]["field"] == "measure"
    assert spec["encoding"]["strokeDash"]["field"] == "measure"
    json.dumps(spec)  # serialisable (what Streamlit sends)


def test_expiring_chart_labels_the_counts() -> None:
    months = logic.expiring_by_month(
        pl.DataFrame({"end_month": [dt.date(2026, 12, 1)]}), dt.date(2026, 11, 25), dt.date(2027, 5, 25)
    )
    spec = charts.expiring_chart(months, "1 contract ends").to_dict()
    bars, labels = spec["layer"]
    assert bars["encoding"]["x"]["title"] == "Month the contract ends"
    assert bars["encoding"]["y"]["title"] == "Contracts ending (number)"
    assert labels["mark"]["type"] == "text"
    assert labels["encoding"]["text"]["field"] == "contracts"


def test_expiring_table_keeps_only_https_links() -> None:
    rows = pl.DataFrame(
        {
            "contract_end": [dt.date(2027, 1, 1)] * 3,
            "title": ["a", "b", "c"],
            "buyer_name": ["=cmd", "x", "y"],
            "buyer_type": ["council", "other", "mystery"],
            "supplier_names": [None, None, None],
            "awarded_to_sme": [True, None, False],
            "value_gbp": [1.0, 2.0, 3.0],
            "contract_start": [dt.date(2025, 1, 1)] * 3,
            "region": [None, None, None],
            "notice_id": ["1", "2", "3"],
            "url": ["https://www.contractsfinder.service.gov.uk/Notice/1", "javascript:alert(1)", None],
        }
    )
    table = logic.expiring_table(rows)
    assert table["Notice link"].to_list() == ["https://www.contractsfinder.service.gov.uk/Notice/1", None, None]
    assert table["Buyer type"].to_list() == ["Councils", "Other or not identified", "mystery"]
