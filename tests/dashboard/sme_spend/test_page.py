"""SME spend page: headline, charts, downloads and deep links checked against independent warehouse reads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from dashboard.sme_spend import logic
from tests.dashboard.conftest import HOSTILE_VALUES, as_read, download, independent, read_csv_download, run_page, texts
from tests.dashboard.sme_spend.frames import title_text

FCDO = "Foreign, Commonwealth and Development Office"


PROVENANCE = ["data_source", "data_built", "data_filters", "data_status"]


def latest_year(wh: Path) -> str:
    return independent(wh, "SELECT max(financial_year) FROM mart_sme_share").item()


def specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


@pytest.fixture(scope="module")
def no_sme_warehouse(sample_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from geography alone: no SME annex loaded."""
    from pipelines.warehouse.build import build

    raw = tmp_path_factory.mktemp("no_sme_raw")
    shutil.copytree(sample_raw / "ons-geography", raw / "ons-geography")
    out = tmp_path_factory.mktemp("no_sme_wh") / "warehouse.duckdb"
    build(raw, out)
    return out


def test_headline_matches_an_independent_count(wh: Path) -> None:
    at = run_page("sme_spend")
    assert not at.exception
    year = latest_year(wh)
    met, n, total = independent(
        wh,
        """SELECT count(*) FILTER (WHERE row_type = 'department' AND total_pct >= aspiration_pct),
                  count(*) FILTER (WHERE row_type = 'department' AND total_pct IS NOT NULL),
                  max(total_pct) FILTER (WHERE row_type = 'total')
           FROM mart_sme_share WHERE financial_year = $y""",
        y=year,
    ).row(0)
    assert 0 < met < n  # the sample has departments on both sides of the line
    assert f"{met} of {n} departments met the 33% aspiration in {year}; central government overall {total:.1f}%" in [
        as_read(s.value) for s in at.subheader
    ]
    assert at.selectbox(key="sme_year").value == year
    assert at.selectbox(key="sme_dept").value == "TOTAL"
    assert "Sample data" in texts(at)
    assert "Comparisons over time need care" in texts(at)
    assert "Indirect* spend is estimated" in texts(at)


def test_both_charts_are_drawn_with_titles_and_alt_text(wh: Path) -> None:
    at = run_page("sme_spend")
    charts_drawn = at.get("vega_lite_chart")
    assert len(charts_drawn) == 2
    ranking, trend = specs(at)
    year = latest_year(wh)
    assert "highest SME share in" in title_text(ranking) and year in title_text(ranking)
    assert title_text(trend).startswith("Central government (total): SME share")
    assert all(c.proto.alt for c in charts_drawn)
    assert "33% aspiration" in charts_drawn[0].proto.alt


def test_ranking_download_is_exactly_the_bars_plotted(wh: Path) -> None:
    at = run_page("sme_spend")
    year = latest_year(wh)
    got = read_csv_download(download(at, "sme_ranking_csv"))
    assert got.columns == [*logic.RANKING_COLUMNS, *PROVENANCE]
    expected = independent(
        wh,
        """SELECT rank_in_year AS rank, department_code, total_procurement_spend_m, direct_sme_spend_m,
                  indirect_sme_spend_m, total_sme_spend_m, direct_pct, indirect_pct, total_pct, meets_aspiration
           FROM mart_sme_share WHERE financial_year = $y AND row_type = 'department'
           ORDER BY rank_in_year, department_code""",
        y=year,
    )
    shown = got.select(expected.columns).sort("rank", "department_code")
    assert_frame_equal(shown, expected, check_dtypes=False)
    assert set(got["financial_year"]) == {year}
    assert set(got["data_filters"]) == {year}
    assert got["data_status"][0].startswith("SAMPLE")
    assert download(at, "sme_ranking_xlsx")[:2] == b"PK"


def test_trend_download_of_the_total_matches_the_total_rows(wh: Path) -> None:
    at = run_page("sme_spend")
    got = read_csv_download(download(at, "sme_trend_csv"))
    expected = independent(
        wh,
        """SELECT financial_year, total_sme_spend_m, direct_pct, indirect_pct, total_pct
           FROM mart_sme_share WHERE row_type = 'total' ORDER BY financial_year""",
    )
    assert_frame_equal(got.select(expected.columns), expected, check_dtypes=False)
    assert set(got["combined_rows"]) == {1}


def test_measures_table_download_is_the_annex_as_published(wh: Path) -> None:
    at = run_page("sme_spend")
    year = latest_year(wh)
    got = read_csv_download(download(at, "sme_measures_csv"))
    expected = independent(
        wh,
        """SELECT department_code, row_type, total_sme_spend_m, suppliers_invited, supplier_response_rate_pct
           FROM fact_sme_spend WHERE financial_year = $y ORDER BY source_line""",
        y=year,
    )
    assert_frame_equal(got.select(expected.columns), expected, check_dtypes=False)
    assert {"other", "total"} <= set(got["row_type"])


def test_tables_are_drawn_only_once_their_expander_is_opened(wh: Path) -> None:
    at = run_page("sme_spend")
    assert not at.dataframe, "closed expanders mount no data grid (it slowed the first chart by ~0.5 s)"
    labels = [as_read(e.label) for e in at.expander]
    year = latest_year(wh)
    assert f"Show every measure for {year}" in labels and "Show the numbers as a table" in labels
    at.session_state["sme_measures_table"] = True  # what opening the expander does
    at.run()
    assert not at.exception
    assert len(at.dataframe) == 1
    shown = at.dataframe[0].value
    expected = independent(
        wh,
        "SELECT department_code, total_sme_spend_m FROM fact_sme_spend WHERE financial_year = $y ORDER BY source_line",
        y=year,
    )
    assert shown["department_code"].tolist() == expected["department_code"].to_list()
    assert shown["total_sme_spend_m"].tolist() == pytest.approx(expected["total_sme_spend_m"].to_list(), nan_ok=True)


def test_deep_link_to_a_year_and_a_lineage_with_two_rows(wh: Path) -> None:
    at = run_page("sme_spend", {"sme_year": "2016/17", "sme_dept": FCDO})
    assert not at.exception
    assert not at.warning
    assert at.selectbox(key="sme_year").value == "2016/17"
    assert at.selectbox(key="sme_dept").value == "FCDO"
    assert "in 2016/17;" in as_read(at.subheader[0].value)
    assert set(read_csv_download(download(at, "sme_ranking_csv"))["financial_year"]) == {"2016/17"}
    got = read_csv_download(download(at, "sme_trend_csv"))
    expected = independent(
        wh,
        """SELECT financial_year, count(*) AS combined_rows, sum(total_procurement_spend_m) AS total_procurement_spend_m,
                  sum(total_sme_spend_m) AS total_sme_spend_m,
                  CASE WHEN count(*) = 1 THEN max(total_pct)
                       ELSE round(100 * sum(total_sme_spend_m) / sum(total_procurement_spend_m), 1) END AS total_pct
           FROM mart_sme_share WHERE series_id = 'FCDO' GROUP BY 1 ORDER BY 1""",
    )
    assert_frame_equal(got.select(expected.columns), expected, check_dtypes=False, abs_tol=1e-9)
    assert got["combined_rows"].max() == 2  # FCO and DfID before the FCDO
    assert "combines departments published separately" in texts(at)
    assert FCDO in title_text(specs(at)[1])


def test_shared_year_range_sets_the_default_year_and_the_trend_window(wh: Path) -> None:
    at = run_page("sme_spend", {"years": ["2015/16", "2018/19"]})
    assert not at.exception
    assert at.selectbox(key="sme_year").value == "2018/19"
    got = read_csv_download(download(at, "sme_trend_csv"))
    assert got["financial_year"].to_list() == ["2015/16", "2016/17", "2017/18", "2018/19"]
    assert set(got["data_filters"]) == {
        "Central government (total) 2015/16 to 2018/19"
    }  # the window travels with the file


def test_a_year_outside_the_shared_range_is_still_allowed(wh: Path) -> None:
    at = run_page("sme_spend", {"years": ["2015/16", "2018/19"], "sme_year": "2013/14"})
    assert not at.exception
    assert not at.warning
    assert at.selectbox(key="sme_year").value == "2013/14"
    assert "in 2013/14" in as_read(at.subheader[0].value)


def test_area_link_leaves_the_national_figures_unchanged(wh: Path) -> None:
    national = run_page("sme_spend")
    city = run_page("sme_spend", {"area": "Greater Manchester"})
    assert not city.exception
    assert city.subheader[0].value == national.subheader[0].value
    assert "does not change them" in texts(city)
    assert_frame_equal(
        read_csv_download(download(city, "sme_ranking_csv")).drop(PROVENANCE),
        read_csv_download(download(national, "sme_ranking_csv")).drop(PROVENANCE),
    )


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, "2099/00"])
def test_hostile_year_falls_back_with_a_notice(wh: Path, value: str) -> None:
    at = run_page("sme_spend", {"sme_year": value})
    assert not at.exception
    assert at.selectbox(key="sme_year").value == latest_year(wh)
    assert any("financial year" in w.value and "showing" in as_read(w.value) for w in at.warning)
    assert all(len(as_read(w.value)) < 300 for w in at.warning)  # a 10,000-character value is not echoed in full


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, "TOTAL", "FCDO"])
def test_hostile_department_falls_back_with_a_notice(wh: Path, value: str) -> None:
    at = run_page("sme_spend", {"sme_dept": value})
    assert not at.exception
    assert at.selectbox(key="sme_dept").value == "TOTAL"
    assert any("department" in w.value and logic.TOTAL_LABEL in as_read(w.value) for w in at.warning)


def test_page_works_without_marketplace_or_ministers(sparse_warehouse: Path, use_warehouse) -> None:
    use_warehouse(sparse_warehouse)
    at = run_page("sme_spend")
    assert not at.exception
    assert "departments met the 33% aspiration" in as_read(at.subheader[0].value)
    assert len(at.get("vega_lite_chart")) == 2


def test_empty_state_when_no_sme_annex_is_loaded(no_sme_warehouse: Path, use_warehouse) -> None:
    use_warehouse(no_sme_warehouse)
    at = run_page("sme_spend")
    assert not at.exception
    assert any("No SME spend figures are loaded" in as_read(i.value) for i in at.info)
    assert not at.get("vega_lite_chart")
    assert not [s for s in at.selectbox if s.key == "sme_year"]  # the page stopped before its widgets
