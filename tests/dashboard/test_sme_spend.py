"""SME spend page: headline, charts, downloads and deep links checked against independent warehouse reads.

Also the pure pieces: the page's sentences and tables (sme_logic) on small frames, and the chart
builders through .to_dict().
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import sme_logic as logic
from dashboard.charts import sme as charts
from tests.dashboard.conftest import HOSTILE_VALUES, download, independent, read_csv_download, run_page, texts

FCDO = "Foreign, Commonwealth and Development Office"
PROVENANCE = ["data_source", "data_built", "data_filters", "data_status"]


def latest_year(wh: Path) -> str:
    return independent(wh, "SELECT max(financial_year) FROM mart_sme_share").item()


def specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def title_text(spec: dict) -> str:
    text = spec["title"]["text"]
    return " ".join(text) if isinstance(text, list) else text


@pytest.fixture(scope="module")
def no_sme_warehouse(sample_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from geography alone: no SME annex loaded."""
    from pipelines.warehouse.build import build

    raw = tmp_path_factory.mktemp("no_sme_raw")
    shutil.copytree(sample_raw / "ons-geography", raw / "ons-geography")
    out = tmp_path_factory.mktemp("no_sme_wh") / "warehouse.duckdb"
    build(raw, out)
    return out


# --- the page on the fixture warehouse ---------------------------------------------------------------------------


def test_headline_matches_an_independent_count(wh: Path) -> None:
    at = run_page("sme")
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
        s.value for s in at.subheader
    ]
    assert at.selectbox(key="sme_year").value == year
    assert at.selectbox(key="sme_dept").value == "TOTAL"
    assert "Sample data" in texts(at)
    assert "Comparisons over time need care" in texts(at)
    assert "Indirect* spend is estimated" in texts(at)


def test_both_charts_are_drawn_with_titles_and_alt_text(wh: Path) -> None:
    at = run_page("sme")
    charts_drawn = at.get("vega_lite_chart")
    assert len(charts_drawn) == 2
    ranking, trend = specs(at)
    year = latest_year(wh)
    assert "highest SME share in" in title_text(ranking) and year in title_text(ranking)
    assert title_text(trend).startswith("Central government (total): SME share")
    assert all(c.proto.alt for c in charts_drawn)
    assert "33% aspiration" in charts_drawn[0].proto.alt


def test_ranking_download_is_exactly_the_bars_plotted(wh: Path) -> None:
    at = run_page("sme")
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
    at = run_page("sme")
    got = read_csv_download(download(at, "sme_trend_csv"))
    expected = independent(
        wh,
        """SELECT financial_year, total_sme_spend_m, direct_pct, indirect_pct, total_pct
           FROM mart_sme_share WHERE row_type = 'total' ORDER BY financial_year""",
    )
    assert_frame_equal(got.select(expected.columns), expected, check_dtypes=False)
    assert set(got["combined_rows"]) == {1}


def test_measures_table_download_is_the_annex_as_published(wh: Path) -> None:
    at = run_page("sme")
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
    at = run_page("sme")
    assert not at.dataframe, "closed expanders mount no data grid (it slowed the first chart by ~0.5 s)"
    labels = [e.label for e in at.expander]
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
    at = run_page("sme", {"sme_year": "2016/17", "sme_dept": FCDO})
    assert not at.exception
    assert not at.warning
    assert at.selectbox(key="sme_year").value == "2016/17"
    assert at.selectbox(key="sme_dept").value == "FCDO"
    assert "in 2016/17;" in at.subheader[0].value
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
    at = run_page("sme", {"years": ["2015/16", "2018/19"]})
    assert not at.exception
    assert at.selectbox(key="sme_year").value == "2018/19"
    got = read_csv_download(download(at, "sme_trend_csv"))
    assert got["financial_year"].to_list() == ["2015/16", "2016/17", "2017/18", "2018/19"]
    assert set(got["data_filters"]) == {
        "Central government (total) 2015/16 to 2018/19"
    }  # the window travels with the file


def test_a_year_outside_the_shared_range_is_still_allowed(wh: Path) -> None:
    at = run_page("sme", {"years": ["2015/16", "2018/19"], "sme_year": "2013/14"})
    assert not at.exception
    assert not at.warning
    assert at.selectbox(key="sme_year").value == "2013/14"
    assert "in 2013/14" in at.subheader[0].value


def test_area_link_leaves_the_national_figures_unchanged(wh: Path) -> None:
    national = run_page("sme")
    city = run_page("sme", {"area": "Greater Manchester"})
    assert not city.exception
    assert city.subheader[0].value == national.subheader[0].value
    assert "does not change them" in texts(city)
    assert_frame_equal(
        read_csv_download(download(city, "sme_ranking_csv")).drop(PROVENANCE),
        read_csv_download(download(national, "sme_ranking_csv")).drop(PROVENANCE),
    )


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, "2099/00"])
def test_hostile_year_falls_back_with_a_notice(wh: Path, value: str) -> None:
    at = run_page("sme", {"sme_year": value})
    assert not at.exception
    assert at.selectbox(key="sme_year").value == latest_year(wh)
    assert any("financial year" in w.value and "showing" in w.value for w in at.warning)
    assert all(len(w.value) < 300 for w in at.warning)  # a 10,000-character value is not echoed in full


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, "TOTAL", "FCDO"])
def test_hostile_department_falls_back_with_a_notice(wh: Path, value: str) -> None:
    at = run_page("sme", {"sme_dept": value})
    assert not at.exception
    assert at.selectbox(key="sme_dept").value == "TOTAL"
    assert any("department" in w.value and logic.TOTAL_LABEL in w.value for w in at.warning)


def test_page_works_without_marketplace_or_ministers(sparse_warehouse: Path, use_warehouse) -> None:
    use_warehouse(sparse_warehouse)
    at = run_page("sme")
    assert not at.exception
    assert "departments met the 33% aspiration" in at.subheader[0].value
    assert len(at.get("vega_lite_chart")) == 2


def test_empty_state_when_no_sme_annex_is_loaded(no_sme_warehouse: Path, use_warehouse) -> None:
    use_warehouse(no_sme_warehouse)
    at = run_page("sme")
    assert not at.exception
    assert any("No SME spend figures are loaded" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")
    assert not [s for s in at.selectbox if s.key == "sme_year"]  # the page stopped before its widgets


# --- pure logic ------------------------------------------------------------------------------------------------------


def year_rows(rows: list[tuple]) -> pl.DataFrame:
    """(row_type, department, total_pct, meets) rows shaped like sme_year_departments."""
    frame = pl.DataFrame(
        rows, schema=["row_type", "department", "total_pct", "meets_aspiration"], orient="row"
    ).with_columns(pl.lit(33.0).alias("aspiration_pct"))
    ranks = frame["total_pct"].rank("min", descending=True).cast(pl.Int64)
    return frame.with_columns(
        pl.when(pl.col("row_type") == "department").then(ranks).alias("rank_in_year"),
        pl.col("department").alias("department_code"),
        pl.col("department").alias("series_name"),
        *[pl.lit(1.0).alias(c) for c in ("total_procurement_spend_m", "direct_sme_spend_m", "indirect_sme_spend_m")],
        *[pl.lit(1.0).alias(c) for c in ("total_sme_spend_m", "direct_pct", "indirect_pct", "gap_pp")],
        pl.lit(None, pl.String).alias("pct_recomputed"),
    )


def test_headline_counts_departments_that_met_the_aspiration() -> None:
    rows = year_rows(
        [("total", "Total", 26.7, False), ("department", "A", 40.0, True), ("department", "B", 20.0, False)]
    )
    assert logic.year_headline(rows, "2019/20") == (
        "1 of 2 departments met the 33% aspiration in 2019/20; central government overall 26.7%"
    )


def test_headline_says_none_and_all_and_missing_total() -> None:
    none = year_rows([("department", "A", 20.0, False), ("department", "B", 10.0, False)])
    assert logic.year_headline(none, "2015/16").startswith("None of the 2 departments met")
    assert logic.year_headline(none, "2015/16").endswith("no central government total was published")
    every = year_rows([("department", "A", 40.0, True)])
    assert logic.year_headline(every, "2015/16").startswith("All 1 departments met")


def test_ranking_table_keeps_departments_only_in_rank_order() -> None:
    rows = year_rows(
        [("total", "Total", 26.7, False), ("department", "B", 20.0, False), ("department", "A", 40.0, True)]
    )
    table = logic.ranking_table(rows, "2019/20")
    assert table.columns == list(logic.RANKING_COLUMNS)
    assert table["department"].to_list() == ["A", "B"]
    assert (
        logic.ranking_title(table, "2019/20") == "A had the highest SME share in 2019/20 (40.0%), B the lowest (20.0%)"
    )


def test_default_year_prefers_the_shared_range_then_the_latest() -> None:
    years = ["2013/14", "2014/15", "2015/16"]
    assert logic.default_year(years, "2012/13", "2026/27") == "2015/16"
    assert logic.default_year(years, "2013/14", "2014/15") == "2014/15"
    assert logic.default_year(years, "2020/21", "2026/27") == "2015/16"


def test_trend_window_needs_two_annex_years_in_the_range() -> None:
    years = ["2013/14", "2014/15", "2015/16"]
    assert logic.trend_window(years, "2014/15", "2026/27") == ("2014/15", "2015/16", None)
    first, last, notice = logic.trend_window(years, "2015/16", "2026/27")
    assert (first, last) == ("2013/14", "2015/16") and "only one" in notice
    assert "holds no SME annex year" in logic.trend_window(years, "2020/21", "2021/22")[2]


def test_link_notice_names_the_bad_value_shortened() -> None:
    assert logic.link_notice([], ["2019/20"], "the financial year", "2019/20") is None
    assert logic.link_notice(["2019/20"], ["2019/20"], "the financial year", "2019/20") is None
    notice = logic.link_notice(["x" * 10_000], ["2019/20"], "the financial year", "2019/20")
    assert notice is not None and len(notice) < 200 and notice.endswith("showing 2019/20 instead.")


def test_series_labels_put_the_total_first_and_stay_unique() -> None:
    series = pl.DataFrame(
        {"series_id": ["TOTAL", "A1", "A2"], "series_name": ["Central government total", "Same", "Same"]}
    )
    assert logic.series_labels(series) == {"TOTAL": logic.TOTAL_LABEL, "A1": "Same", "A2": "Same (A2)"}


def trend(rows: list[tuple]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=["financial_year", "published_as", "combined_rows", "total_pct"], orient="row")
    return frame.with_columns(
        pl.lit("Line").alias("series"),
        *[pl.lit(1.0).alias(c) for c in ("total_procurement_spend_m", "direct_sme_spend_m", "indirect_sme_spend_m")],
        pl.lit(1.0).alias("total_sme_spend_m"),
        (pl.col("total_pct") / 2).alias("direct_pct"),
        (pl.col("total_pct") / 2).alias("indirect_pct"),
    ).select(logic.TREND_COLUMNS)


def test_combined_note_lists_each_pair_once_whatever_its_spelling() -> None:
    frame = trend(
        [("2013/14", "DfID + FCO", 2, 25.0), ("2014/15", "DFID + FCO", 2, 26.0), ("2020/21", "FCDO", 1, 22.0)]
    )
    note = logic.combined_note(frame)
    assert note is not None and "In 2013/14 and 2014/15" in note and note.count("FCO") == 1
    assert logic.combined_note(frame.filter(pl.col("combined_rows") == 1)) is None


def test_trend_title_states_the_change_and_the_aspiration() -> None:
    assert logic.trend_title(trend([("2013/14", "X", 1, 20.0), ("2014/15", "X", 1, 35.0)]), "HO", 33.0) == (
        "HO: SME share rose from 20.0% in 2013/14 to 35.0% in 2014/15; at or above 33% in 1 of 2 years"
    )
    fell = logic.trend_title(trend([("2013/14", "X", 1, 30.0), ("2014/15", "X", 1, 25.0)]), "HO", 33.0)
    assert "fell from 30.0%" in fell and fell.endswith("below 33% every year")
    assert "was unchanged at 25.0%" in logic.trend_title(
        trend([("2013/14", "X", 1, 25.0), ("2014/15", "X", 1, 25.0)]), "HO", 33.0
    )
    assert logic.trend_title(trend([("2013/14", "X", 1, 25.0)]), "HO", 33.0) == (
        "HO: 25.0% of procurement spend went to SMEs in 2013/14"
    )


# --- chart builders ---------------------------------------------------------------------------------------------------


def ranking_frame() -> pl.DataFrame:
    rows = year_rows([("department", "Alpha", 40.0, True), ("department", "Beta", 20.0, False)])
    return logic.ranking_table(rows, "2019/20").with_columns(
        pl.Series("direct_pct", [25.0, 12.0]), pl.Series("indirect_pct", [15.0, 8.0])
    )


def layers(spec: dict) -> list[dict]:
    out = []
    for layer in spec.get("layer", []):
        out.extend(layers(layer) if "layer" in layer else [layer])
    return out


def test_ranking_chart_stacks_direct_then_indirect_with_the_rule() -> None:
    spec = charts.ranking_chart(ranking_frame(), "Alpha led in 2019/20", "Overall 26.7%").to_dict()
    assert "Alpha led in 2019/20" in title_text(spec) and spec["title"]["subtitle"] == "Overall 26.7%"
    bars = next(layer for layer in layers(spec) if layer["mark"]["type"] == "bar")
    assert bars["encoding"]["x"]["title"] == charts.PCT_AXIS_TITLE and "%" in charts.PCT_AXIS_TITLE
    assert bars["encoding"]["x"]["stack"] == "zero"
    assert bars["encoding"]["y"]["sort"] == ["Alpha", "Beta"]
    assert bars["encoding"]["color"]["scale"]["domain"] == ["Direct", "Indirect"]
    assert bars["encoding"]["order"]["field"] == "stack_order"
    rule = next(layer for layer in layers(spec) if layer["mark"]["type"] == "rule")
    assert rule["mark"]["strokeDash"] and rule["encoding"]["x"]["field"] == "aspiration"
    texts_ = [layer for layer in layers(spec) if layer["mark"]["type"] == "text"]
    assert len(texts_) == 3  # segment values, bar totals, the rule's label
    data = spec["datasets"]
    assert any(row.get("label") == "33% aspiration" for rows in data.values() for row in rows)
    assert spec["autosize"]["type"] == "fit-x" and spec["height"] >= 2 * charts.BAR_STEP


def test_long_titles_are_wrapped_into_lines() -> None:
    title = "Department for Digital, Culture, Media and Sport had the highest SME share in 2021/22 (56.3%), Cabinet Office the lowest (18.5%)"
    spec = charts.ranking_chart(ranking_frame(), title, "").to_dict()
    assert isinstance(spec["title"]["text"], list) and len(spec["title"]["text"]) == 2
    assert " ".join(spec["title"]["text"]) == title


def test_trend_chart_separates_lines_by_dash_and_shape_too() -> None:
    frame = trend([("2013/14", "X", 1, 20.0), ("2014/15", "X", 1, 35.0)])
    spec = charts.trend_chart(frame, "HO rose", "Total = direct + indirect.").to_dict()
    assert title_text(spec) == "HO rose"
    line = next(layer for layer in layers(spec) if layer["mark"]["type"] == "line")
    point = next(layer for layer in layers(spec) if layer["mark"]["type"] == "point")
    assert line["encoding"]["x"]["title"] == "Financial year (April to March)"
    assert line["encoding"]["y"]["title"] == charts.PCT_AXIS_TITLE
    assert line["encoding"]["strokeDash"]["field"] == "measure"
    assert point["encoding"]["shape"]["field"] == "measure"
    rule = next(layer for layer in layers(spec) if layer["mark"]["type"] == "rule")
    assert rule["encoding"]["y"]["field"] == "aspiration"


def test_trend_long_has_three_measures_and_drops_gaps() -> None:
    frame = trend([("2013/14", "X", 1, 20.0), ("2014/15", "X", 1, None)])
    long = charts.trend_long(frame)
    assert sorted(set(long["measure"])) == ["Direct", "Indirect", "Total"]
    assert long.filter(pl.col("financial_year") == "2014/15").height == 0


def test_link_notices_cover_both_parameters() -> None:
    labels = {"TOTAL": logic.TOTAL_LABEL, "HO": "Home Office"}
    links = {logic.YEAR_KEY: ["1999/00"], logic.DEPT_KEY: ["Home Office"]}
    notices = logic.link_notices(links, ["2019/20"], labels, "2019/20")
    assert len(notices) == 1 and "'1999/00'" in notices[0]
    bad_dept = logic.link_notices({logic.DEPT_KEY: ["HO"]}, ["2019/20"], labels, "2019/20")
    assert bad_dept == [
        f"The link asked for the department 'HO', which this page does not have; showing {logic.TOTAL_LABEL} instead."
    ]


def test_subtitle_and_area_note() -> None:
    rows = year_rows([("total", "Total", 26.7, False), ("department", "A", 40.0, True)])
    assert logic.ranking_subtitle(rows) == "Central government overall: 26.7%. Dashed line: the 33% aspiration."
    assert logic.ranking_subtitle(rows.filter(pl.col("row_type") == "department")).startswith("No central government")
    assert "Greater Manchester" in logic.national_note("Greater Manchester")
