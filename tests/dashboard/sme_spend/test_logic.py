"""The SME spend page's sentences and tables (sme_spend/logic.py) on small frames."""

from __future__ import annotations

import polars as pl

from dashboard.sme_spend import logic
from tests.dashboard.sme_spend.frames import trend, year_rows


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


def test_no_trend_message_and_measures_caption() -> None:
    assert logic.no_trend_message("HO", "2013/14", "2014/15") == (
        "HO has no SME spend figures between 2013/14 and 2014/15. Widen the year range or pick another one."
    )
    caption = logic.measures_caption(pl.DataFrame({"a": [1, 2], "b": [3, 4], "c": [5, 6]}))
    assert caption.startswith("All 3 published columns for 2 rows")
