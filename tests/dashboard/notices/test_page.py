"""Contracts Finder page (/contracts): the expiry pipeline's headline, charts and downloads against independent
reads of the fact; the department table; links, window, scope, hostile text and the empty state."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from dashboard.format import money
from dashboard.notices import logic
from tests.dashboard.conftest import (
    HOSTILE_VALUES,
    as_read,
    download,
    independent,
    read_csv_download,
    run_page,
    texts,
)
from tests.dashboard.notices.conftest import HOSTILE_NOTICE, HOSTILE_SUPPLIER

IN_AREA = """FROM mart_notice_area m JOIN fact_contract_notice f USING (notice_id)
             WHERE m.area_level = $level AND m.area_code = $code"""


NOTICES = f"""SELECT count(*) AS notices, count(*) FILTER (WHERE f.suitable_for_sme) AS suitable
              {IN_AREA} AND f.financial_year BETWEEN $fy_from AND $fy_to"""


PIPELINE = """WITH awarded AS (
                  SELECT f.*, row_number() OVER (
                      PARTITION BY coalesce(f.ocid, f.notice_id)
                      ORDER BY f.published_date DESC, f.source_file DESC, f.source_line DESC, f.notice_id DESC) AS r
                  FROM fact_contract_notice f WHERE f.awarded_date IS NOT NULL AND f.contract_end IS NOT NULL)
              SELECT a.notice_id, CAST(coalesce(a.awarded_value, a.tender_value) AS DOUBLE) AS value, a.contract_end,
                     a.awarded_to_sme
              FROM awarded a JOIN mart_notice_area m USING (notice_id)
              WHERE a.r = 1 AND m.area_level = $level AND m.area_code = $code
                AND a.contract_end BETWEEN $today AND $until AND (a.is_it OR NOT $it)"""


def all_years(wh: Path) -> tuple[str, str]:
    """The shared year slider's default range (every year any page has data for)."""
    years = independent(
        wh,
        """SELECT min(financial_year), max(financial_year) FROM (
             SELECT financial_year FROM mart_marketplace_yearly UNION SELECT financial_year FROM mart_sme_share
             UNION SELECT financial_year FROM fact_contract_notice)""",
    )
    return years.row(0)


def expected_pipeline(wh: Path, level: str, code: str, horizon: int, it: bool = True) -> pl.DataFrame:
    """The awarded contracts ending in the window, recomputed from the fact (newest award notice per procurement)."""
    today = dt.date.today()
    return independent(wh, PIPELINE, level=level, code=code, today=today, until=logic.add_months(today, horizon), it=it)


def expected_headline(wh: Path, level: str, code: str, horizon: int, it: bool = True) -> tuple[str, str]:
    """'£7.1m of IT contracts in ... end in the next 12 months (23 contracts': the value and count, as the page
    writes them (the area is added by the caller)."""
    rows = expected_pipeline(wh, level, code, horizon, it)
    noun = "IT contracts" if it else "contracts"
    return f"{money(rows['value'].sum())} of {noun}", f"end in the next {horizon} months ({rows.height:,} contract"


def expected_share(wh: Path, level: str, code: str, fy_from: str, fy_to: str) -> str:
    counts = independent(wh, NOTICES, level=level, code=code, fy_from=fy_from, fy_to=fy_to).row(0, named=True)
    return f"{100 * counts['suitable'] / counts['notices']:.0f}% of notices were marked suitable for SMEs"


def area_code(wh: Path, name: str) -> str:
    return independent(
        wh, "SELECT area_code FROM dim_area WHERE area_name = $n AND area_level = 'combined_authority'", n=name
    ).item()


def headline_text(at) -> str:
    """The headline as a reader sees it (safe_text writes punctuation as character references)."""
    return as_read(at.subheader[0].value)


def test_headline_and_charts_for_all_areas(wh: Path) -> None:
    at = run_page("notices")
    assert not at.exception
    value, ending = expected_headline(wh, "national", "ALL", 12)
    assert headline_text(at).startswith(f"{value} in {'All areas (UK-wide)'} {ending}")
    fy_from, fy_to = all_years(wh)
    assert expected_share(wh, "national", "ALL", fy_from, fy_to) in texts(at)
    assert len(at.get("vega_lite_chart")) == 3
    assert at.radio(key="horizon").value == 12 and at.radio(key="contracts").value == "IT"
    labels = [b.proto.label for b in at.get("link_button")]
    assert any("calendar" in label for label in labels) and any("Atom" in label for label in labels)


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
    contracts = read_csv_download(download(at, "contracts_expiring_csv"))
    ids = expected_pipeline(wh, "national", "ALL", 12)
    assert sorted(contracts["Notice id"].to_list()) == sorted(ids["notice_id"].to_list())
    assert set(contracts["IT by CPV"]) == {"IT"}
    fts_ids = independent(wh, "SELECT notice_id FROM fact_contract_notice WHERE source = 'find_a_tender'")
    from_fts = contracts.filter(pl.col("Notice id").is_in(fts_ids["notice_id"].to_list()))
    assert from_fts.height > 0 and set(from_fts["Published on"]) == {"Find a Tender"}  # the sample's FTS awards
    assert set(contracts["Published on"]) == {"Contracts Finder", "Find a Tender"}
    assert all(u.startswith("https://www.find-tender.service.gov.uk/Notice/") for u in from_fts["Notice link"])
    months = read_csv_download(download(at, "contracts_pipeline_csv"))
    assert months["contracts"].sum() == ids.height
    assert months["value_gbp"].sum() == pytest.approx(ids["value"].sum())
    assert months.height == 13  # this month to the same month next year, empty months included
    assert f"IT contracts ending {today.isoformat()} to {until.isoformat()}" in months["data_filters"][0]
    buyers = read_csv_download(download(at, "contracts_pipeline_buyers_csv"))
    assert buyers["Contracts"].sum() == ids.height
    assert buyers["Value (£)"].sum() == pytest.approx(ids["value"].sum())
    sme = ids.filter(pl.col("awarded_to_sme"))["value"].sum()
    assert buyers["Held by SMEs (£)"].sum() == pytest.approx(sme)


def test_deep_link_to_a_city_region_all_contracts_and_36_months(wh: Path) -> None:
    at = run_page("notices", {"area": "Greater Manchester", "horizon": "36", "contracts": "All"})
    assert not at.exception
    assert at.radio(key="horizon").value == 36 and at.radio(key="contracts").value == "All"
    code = area_code(wh, "Greater Manchester")
    value, ending = expected_headline(wh, "combined_authority", code, 36, it=False)
    assert headline_text(at).startswith(f"{value} in Greater Manchester {ending}")
    national = expected_pipeline(wh, "national", "ALL", 36, it=False)
    assert expected_pipeline(wh, "combined_authority", code, 36, it=False).height < national.height
    contracts = read_csv_download(download(at, "contracts_expiring_csv"))
    assert contracts["data_filters"][0].startswith("Greater Manchester")


def test_changing_the_window_and_scope_recounts(wh: Path) -> None:
    at = run_page("notices")
    at.radio(key="horizon").set_value(6).run()
    assert not at.exception
    value, ending = expected_headline(wh, "national", "ALL", 6)
    assert headline_text(at).startswith(f"{value} in {'All areas (UK-wide)'} {ending}")
    assert read_csv_download(download(at, "contracts_pipeline_csv")).height == 7
    at.radio(key="contracts").set_value("All").run()
    value, ending = expected_headline(wh, "national", "ALL", 6, it=False)
    assert headline_text(at).startswith(f"{value} in {'All areas (UK-wide)'} {ending}")


def test_department_table_joins_the_three_strands(wh: Path) -> None:
    at = run_page("notices")
    assert not at.exception
    table = read_csv_download(download(at, "contracts_departments_csv"))
    fy_from, fy_to = all_years(wh)
    notices = independent(
        wh,
        """SELECT b.department_name, count(*) AS n FROM fact_contract_notice f JOIN dim_buyer b USING (buyer_name)
           WHERE b.org_kind = 'central_government' AND b.department_id IS NOT NULL
             AND f.financial_year BETWEEN $fy_from AND $fy_to GROUP BY 1""",
        fy_from=fy_from,
        fy_to=fy_to,
    )
    assert dict(table.select("Department", "Notices published").iter_rows()) == dict(notices.iter_rows())
    assert set(table["Digital minister"]) <= {"Yes", "No", "Not known"} and "Yes" in set(table["Digital minister"])
    shares = table.filter(pl.col("SME spend share (%)").is_not_null())
    assert shares.height and shares["SME spend year"].is_not_null().all()
    dsit = table.filter(pl.col("Department").str.starts_with("Department for Science")).row(0, named=True)
    digital = independent(
        wh,
        """SELECT bool_or(is_digital) FROM fact_ministerial_appointment WHERE lineage_id = 'DSIT'
           AND start_date <= $end AND (end_date IS NULL OR end_date >= $start)""",
        start=dt.date(int(fy_from[:4]), 4, 1),
        end=dt.date(int(fy_to[:4]) + 1, 3, 31),
    ).item()
    assert dsit["Digital minister"] == ("Yes" if digital else "No")


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, "0", "12.0", "-12", "48"])
def test_hostile_horizon_falls_back_with_a_notice(wh: Path, value: str) -> None:
    at = run_page("notices", {"horizon": value})
    assert not at.exception
    assert at.radio(key="horizon").value == 12
    assert any("showing 12 months instead" in as_read(w.value) for w in at.warning)
    assert "in the next 12 months" in headline_text(at)


@pytest.mark.parametrize("value", [*HOSTILE_VALUES[:3], "it", "IT contracts"])
def test_hostile_scope_falls_back_with_a_notice(wh: Path, value: str) -> None:
    at = run_page("notices", {"contracts": value})
    assert not at.exception
    assert at.radio(key="contracts").value == "IT"
    assert any("showing IT contracts instead" in as_read(w.value) for w in at.warning)


def test_hostile_titles_and_names_are_never_markdown(hostile_notice_warehouse: Path, use_warehouse) -> None:
    use_warehouse(hostile_notice_warehouse)
    at = run_page("notices", {"area": "Greater Manchester", "horizon": "6"})
    assert not at.exception
    for needle in ("javascript:", "<script", "HYPERLINK", "calc", "<b>"):
        assert needle not in texts(at), needle
    contracts = read_csv_download(download(at, "contracts_expiring_csv"))
    row = contracts.filter(pl.col("Notice id") == HOSTILE_NOTICE).row(0, named=True)
    assert row["Title"].startswith("Evil")
    assert row["Incumbent supplier(s)"].startswith("'=cmd")  # formula-safe download
    grid = next(d.value for d in at.dataframe if "Incumbent supplier(s)" in d.value.columns)  # text shown as text
    assert HOSTILE_SUPPLIER in grid["Incumbent supplier(s)"].to_list()


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
    assert len(at.get("vega_lite_chart")) == 1  # the expiry pipeline's chart only


def test_empty_state_without_notices(sparse_warehouse: Path, use_warehouse) -> None:
    use_warehouse(sparse_warehouse)
    at = run_page("notices")
    assert not at.exception
    assert any("No Contracts Finder or Find a Tender notices" in as_read(i.value) for i in at.info)
    assert not at.get("vega_lite_chart")


def test_the_page_says_which_buyers_its_notices_come_from(wh: Path) -> None:
    at = run_page("notices")
    assert not at.exception
    n_notices, n_buyers = independent(wh, "SELECT count(*), count(DISTINCT buyer_name) FROM fact_contract_notice").row(0)
    caption = next(as_read(c.value) for c in at.caption if as_read(c.value).startswith("These notices come from"))
    assert f"{n_notices:,} notices by {n_buyers:,} buyers" in caption
    assert "not every public body" in caption
