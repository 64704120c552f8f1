"""Ministers page: the headline and downloads agree with independent queries; the as-of link is validated;
the empty state shows on a warehouse without ministers; the pure helpers and chart builders behave."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from dashboard import ministers_logic as logic
from dashboard.charts import ministers as charts
from dashboard.format import long_date
from tests.dashboard.conftest import HOSTILE_VALUES, download, independent, read_csv_download, run_page, texts

IN_POST = "start_date <= $d AND (end_date IS NULL OR end_date > $d)"

#: Per lineage on a date: departments with a minister in post, and how many people hold digital posts there.
DEPARTMENTS_ON = f"""
    SELECT lineage_id, count(DISTINCT person_id) FILTER (WHERE is_digital) AS digital
    FROM fact_ministerial_appointment WHERE {IN_POST} GROUP BY lineage_id
"""  # noqa: S608 - constant text


def vega_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def test_headline_agrees_with_the_overview_rule_for_today(wh: Path) -> None:
    at = run_page("ministers")
    assert not at.exception
    today = dt.date.today()
    # The overview's definition: current departments with ministers, digital matched on lineage.
    counts = independent(
        wh,
        f"""SELECT count(*) AS total,
                  count(*) FILTER (WHERE lineage_id NOT IN (
                      SELECT lineage_id FROM fact_ministerial_appointment WHERE is_digital AND {IN_POST})) AS without
           FROM dim_minister_department WHERE is_current AND has_ministers""",  # noqa: S608 - constant text
        d=today,
    ).row(0, named=True)
    shown = texts(at)
    assert f"{counts['without']} of {counts['total']} departments" in shown
    assert long_date(today) in shown
    assert len(at.get("vega_lite_chart")) == 2
    assert at.date_input(key="as_of").value == today


def test_coverage_download_matches_an_independent_count(wh: Path) -> None:
    at = run_page("ministers")
    frame = read_csv_download(download(at, "ministers_coverage_csv"))
    expected = independent(wh, DEPARTMENTS_ON, d=dt.date.today())
    assert frame.height == expected.height
    assert sorted(frame["digital_ministers"].to_list()) == sorted(expected["digital"].to_list())
    assert frame.filter(pl.col("digital_ministers") == 0)["status"].str.starts_with("✗").all()
    assert {"data_source", "data_built", "data_filters", "data_status"} <= set(frame.columns)
    assert "as of" in frame["data_filters"][0]


def test_minister_table_lists_every_digital_minister_with_evidence(wh: Path) -> None:
    at = run_page("ministers")
    frame = read_csv_download(download(at, "ministers_table_csv"))
    expected = independent(
        wh,
        f"SELECT person_name, post_name, digital_rule FROM fact_ministerial_appointment WHERE is_digital AND {IN_POST}",  # noqa: S608
        d=dt.date.today(),
    )
    shown = frame.filter(pl.col("Minister").is_not_null())
    assert sorted(zip(shown["Minister"], shown["Post"], strict=True)) == sorted(
        zip(expected["person_name"], expected["post_name"], strict=True)
    )
    assert shown["Evidence"].is_not_null().all(), "every digital minister shows the evidence that decided"
    assert shown["Rank"].is_not_null().all()


def test_timeline_and_turnover_downloads_follow_the_shared_years(wh: Path) -> None:
    at = run_page("ministers", {"years": ["2016/17", "2019/20"]})
    assert not at.exception
    start, end = dt.date(2016, 4, 1), dt.date(2020, 3, 31)
    timeline = read_csv_download(download(at, "ministers_timeline_csv"))
    expected = independent(
        wh,
        """SELECT person_name, post_name, start_date FROM fact_ministerial_appointment
           WHERE is_digital AND start_date <= $end AND (end_date IS NULL OR end_date > $start)""",
        start=start,
        end=end,
    )
    assert timeline.height == expected.height > 0
    assert sorted(timeline["person_name"].to_list()) == sorted(expected["person_name"].to_list())
    assert timeline["shown_from"].min() >= "2016-04-01"
    assert timeline["shown_to"].max() <= "2020-03-31"
    turnover = read_csv_download(download(at, "ministers_turnover_csv"))
    holders = independent(
        wh,
        """SELECT lineage_id, count(DISTINCT person_id) AS holders FROM fact_ministerial_appointment
           WHERE is_digital AND start_date <= $end AND (end_date IS NULL OR end_date > $start) GROUP BY 1""",
        start=start,
        end=end,
    )
    assert sorted(turnover["People holding digital posts"].to_list()) == sorted(holders["holders"].to_list())
    assert "2016-04-01 to 2020-03-31" in turnover["data_filters"][0]
    title = vega_specs(at)[1]["title"]["text"]
    assert "from April 2016 to March 2020" in title


def test_deep_link_to_a_past_date(wh: Path) -> None:
    day = dt.date(2020, 6, 1)
    at = run_page("ministers", {"as_of": day.isoformat()})
    assert not at.exception
    assert at.date_input(key="as_of").value == day
    expected = independent(wh, DEPARTMENTS_ON, d=day)
    without = expected.filter(pl.col("digital") == 0).height
    assert f"{without} of {expected.height} departments" in texts(at)
    assert "1 June 2020" in texts(at)
    frame = read_csv_download(download(at, "ministers_coverage_csv"))
    assert frame.height == expected.height
    assert "as of 2020-06-01" in frame["data_filters"][0]


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, "1900-01-01", "2999-12-31", "2024-02-30"])
def test_hostile_as_of_falls_back_to_today_with_a_notice(wh: Path, value: str) -> None:
    at = run_page("ministers", {"as_of": value})
    assert not at.exception
    assert at.date_input(key="as_of").value == dt.date.today()
    assert any("showing today instead" in w.value for w in at.warning)


def test_empty_state_without_ministers(sparse_warehouse: Path, use_warehouse) -> None:
    use_warehouse(sparse_warehouse)
    at = run_page("ministers")
    assert not at.exception
    assert any("No ministerial appointments are loaded" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")


# --- pure helpers -----------------------------------------------------------------------------


def rows_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "lineage_id": ["DSIT", "DSIT", "CO", "DFE"],
            "department_id": ["DSIT", "DSIT", "CO", "DFE"],
            "department": ["Science", "Science", "Cabinet Office", "Education"],
            "n_ministers": [4, 4, 5, 3],
            "person_name": ["A Person", "B Person", "C Person", None],
            "post_name": ["Minister for Digital", "Secretary of State", "Minister for Implementation", None],
            "rank_equivalence": ["MoS", "SoS", "PUSS", None],
            "rank_value": [4, 3, 5, None],
            "start_date": [dt.date(2024, 7, 5)] * 3 + [None],
            "end_date": [None] * 4,
            "digital_rule": ["title keyword", "title keyword", "user override", None],
            "digital_evidence": ["Digital", "Technology", "ran GDS", None],
        },
        schema_overrides={"end_date": pl.Date, "rank_value": pl.Int64},
    )


def test_summary_headline_and_table() -> None:
    summary = logic.department_summary(rows_frame())
    assert summary["department"].to_list() == ["Education", "Cabinet Office", "Science"]
    assert summary["digital_ministers"].to_list() == [0, 1, 2]
    assert summary["status"][0].startswith("✗")
    day = dt.date(2026, 11, 25)
    assert logic.headline(summary, day) == (
        "1 of 3 departments has no minister holding digital responsibility on 25 November 2026"
    )
    assert logic.headline(summary.filter(pl.col("digital_ministers") > 0), day).startswith("All 2 departments have")
    table = logic.minister_table(rows_frame())
    assert table["Rank"].to_list()[:3] == ["Minister of State", "Secretary of State", "Parliamentary Under-Secretary"]
    assert table["Evidence"][0] == "The post title contains 'Digital'"
    assert "digital_responsibilities.csv" in table["Evidence"][2]
    assert table["Evidence"][3] is None
    title, subtitle = logic.coverage_titles(summary)
    assert title == "Science has the most ministers in digital posts (2)"
    assert subtitle.startswith("1 department has no minister")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        (["2020-06-01"], None),
        (["garbage"], "not a date"),
        (["1999-01-01"], "outside the appointments data"),
        (["x" * 10_000], "..."),
    ],
)
def test_as_of_notice(values: list[str], expected: str | None) -> None:
    notice = logic.as_of_notice(values, dt.date(2010, 5, 12), dt.date(2026, 11, 25))
    if expected is None:
        assert notice is None
    else:
        assert expected in notice
        assert len(notice) < 300


def test_period_bounds() -> None:
    today = dt.date(2026, 11, 25)
    assert logic.period_bounds("2016/17", "2019/20", today) == (dt.date(2016, 4, 1), dt.date(2020, 3, 31))
    assert logic.period_bounds("2016/17", "2026/27", today) == (dt.date(2016, 4, 1), today)
    assert logic.period_bounds("", "", today) == (dt.date(2021, 11, 1), today)


def appointments_frame() -> pl.DataFrame:
    d = dt.date
    return pl.DataFrame(
        {
            "person_id": ["p1", "p2", "p3", "p4"],
            "department": ["DCMS", "DCMS", "DCMS", "CO"],
            "person_name": ["One", "Two", "Three", "Four"],
            "post_name": ["Digital", "Data", "Digital", "GDS"],
            "rank_equivalence": ["MoS", "PUSS", "MoS", "SoS"],
            "rank_value": [4, 5, 4, 3],
            "start_date": [d(2016, 1, 1), d(2017, 1, 1), d(2018, 6, 1), d(2019, 1, 1)],
            "end_date": [d(2018, 6, 1), d(2019, 1, 1), None, None],
            "shown_from": [d(2016, 4, 1), d(2017, 1, 1), d(2018, 6, 1), d(2019, 1, 1)],
            "shown_to": [d(2018, 6, 1), d(2019, 1, 1), d(2020, 3, 31), d(2020, 3, 31)],
            "tenure_days": [882, 730, 2000, 2000],
            "digital_rule": ["title keyword"] * 4,
            "digital_evidence": ["Digital", "Data", "Digital", "GDS"],
        },
        schema_overrides={"end_date": pl.Date},
    )


def test_lanes_keep_overlapping_appointments_apart() -> None:
    lanes = logic.with_lanes(appointments_frame())
    by_name = dict(zip(lanes["person_name"], lanes["lane"], strict=True))
    assert by_name == {"One": 0, "Two": 1, "Three": 0, "Four": 0}  # Three starts the day One left: same lane
    assert lanes.filter(pl.col("person_name") == "Three")["end_label"][0] == "ongoing"
    assert lanes["rank"][0] == "Secretary of State"


def test_timeline_titles_name_the_most_turnover() -> None:
    lanes = logic.with_lanes(appointments_frame())
    turnover = pl.DataFrame({"department": ["DCMS", "CO"], "holders": [3, 1], "appointments": [3, 1]})
    title, subtitle = logic.timeline_titles(turnover, lanes, dt.date(2016, 4, 1), dt.date(2020, 3, 31))
    assert title == "4 people held digital posts in 2 departments from April 2016 to March 2020"
    assert subtitle[0] == "Most turnover: DCMS, 3 people in 3 appointments"


# --- chart builders ---------------------------------------------------------------------------


def test_coverage_chart_spells_out_none() -> None:
    summary = logic.department_summary(rows_frame())
    spec = charts.coverage_chart(summary, "Science has the most", "1 department has none").to_dict()
    assert spec["title"]["text"] == "Science has the most"
    assert spec["title"]["subtitle"] == "1 department has none"
    bars, labels = spec["layer"]
    assert bars["encoding"]["x"]["title"] == "Ministers holding a digital post (number)"
    assert labels["mark"]["type"] == "text" and labels["encoding"]["text"]["field"] == "label"
    data = next(iter(spec["datasets"].values()))
    assert {row["label"] for row in data} == {"✗ none", "1", "2"}


def test_timeline_chart_has_bars_lanes_tooltips_and_the_as_of_marker() -> None:
    lanes = logic.with_lanes(appointments_frame())
    spec = charts.timeline_chart(
        lanes, "4 people held digital posts", dt.date(2016, 4, 1), dt.date(2020, 3, 31), dt.date(2019, 6, 1), ["sub"]
    ).to_dict()
    assert spec["title"]["text"] == "4 people held digital posts"
    bars = spec["layer"][0]
    assert bars["encoding"]["x"]["title"] == "Date in post"
    assert bars["encoding"]["x2"]["field"] == "shown_to"
    assert bars["encoding"]["yOffset"]["field"] == "lane"
    assert {t["field"] for t in bars["encoding"]["tooltip"]} >= {"person_name", "post_name", "rank", "end_label"}
    assert len(spec["layer"]) == 3  # bars, the as-of rule and its label
    outside = charts.timeline_chart(lanes, "t", dt.date(2016, 4, 1), dt.date(2018, 1, 1), dt.date(2020, 1, 1)).to_dict()
    assert "layer" not in outside  # the marker is left out when the date is outside the period
