"""Ministers page: headline, charts and downloads against independent reads; deep links, hostile links, empty state."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from dashboard.format import long_date
from tests.dashboard.conftest import HOSTILE_VALUES, as_read, download, independent, read_csv_download, run_page, texts

IN_POST = "start_date <= $d AND (end_date IS NULL OR end_date > $d)"


#: Per lineage on a date: ministerial departments with a minister in post, and how many people hold digital posts
#: there. Whips' offices and the Prime Minister's Office are not departments (issue 10 s.4): not counted.
DEPARTMENTS_ON = f"""
    SELECT lineage_id, count(DISTINCT person_id) FILTER (WHERE is_digital) AS digital
    FROM fact_ministerial_appointment WHERE {IN_POST} AND is_ministerial_department GROUP BY lineage_id
"""  # noqa: S608 - constant text
NOT_DEPARTMENTS_ON = f"""
    SELECT DISTINCT lineage_id FROM fact_ministerial_appointment WHERE {IN_POST} AND NOT is_ministerial_department
"""  # noqa: S608 - constant text


def data_end(wh: Path) -> dt.date:
    """The last date the appointments data covers, read independently."""
    return independent(
        wh, "SELECT max(greatest(start_date, coalesce(end_date, start_date))) FROM fact_ministerial_appointment"
    ).item()


def vega_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def test_headline_agrees_with_the_overview_rule_on_the_last_date_of_the_data(wh: Path) -> None:
    # Before issue 10 s.4 this was 'for today' (a date the data does not reach) and counted whips' offices.
    at = run_page("ministers")
    assert not at.exception
    end = data_end(wh)
    # The overview's definition: ministerial departments with a minister in post, digital matched on lineage.
    counts = independent(
        wh,
        f"""SELECT count(*) AS total, count(*) FILTER (WHERE NOT digital) AS without FROM (
                SELECT lineage_id, bool_or(is_digital) AS digital FROM fact_ministerial_appointment
                WHERE {IN_POST} AND is_ministerial_department GROUP BY lineage_id)""",  # noqa: S608 - constant text
        d=end,
    ).row(0, named=True)
    shown = texts(at)
    assert f"{counts['without']} of {counts['total']} ministerial departments" in shown
    assert f"{long_date(end)}, the last date in the data" in shown
    assert len(at.get("vega_lite_chart")) == 2
    assert at.date_input(key="as_of").value == end
    assert "ministerial departments (GOV.UK's list" in shown  # says which list is used


def test_whips_offices_are_listed_apart_not_counted(wh: Path) -> None:
    at = run_page("ministers")
    end = data_end(wh)
    apart = read_csv_download(download(at, "ministers_not_departments_csv"))
    expected = independent(wh, NOT_DEPARTMENTS_ON, d=end)
    assert apart.height == expected.height > 0
    coverage = read_csv_download(download(at, "ministers_coverage_csv"))
    assert not set(apart["Organisation"]) & set(coverage["department"])


def test_coverage_download_matches_an_independent_count(wh: Path) -> None:
    at = run_page("ministers")
    frame = read_csv_download(download(at, "ministers_coverage_csv"))
    expected = independent(wh, DEPARTMENTS_ON, d=data_end(wh))
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
        d=data_end(wh),
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
    assert f"{without} of {expected.height} ministerial departments" in texts(at)
    assert "1 June 2020" in texts(at)
    frame = read_csv_download(download(at, "ministers_coverage_csv"))
    assert frame.height == expected.height
    assert "as of 2020-06-01" in frame["data_filters"][0]


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, "1900-01-01", "2999-12-31", "2024-02-30"])
def test_hostile_as_of_falls_back_to_the_last_date_of_the_data_with_a_notice(wh: Path, value: str) -> None:
    # Before issue 10 s.4 the fallback was today, a date after the data ends.
    at = run_page("ministers", {"as_of": value})
    assert not at.exception
    end = data_end(wh)
    assert at.date_input(key="as_of").value == end
    assert any(f"showing {long_date(end)}, the last date in the data, instead" in as_read(w.value) for w in at.warning)


def test_a_date_after_the_data_ends_says_the_data_ends_there(wh: Path) -> None:
    end = data_end(wh)
    at = run_page("ministers", {"as_of": (end + dt.timedelta(days=30)).isoformat()})
    assert not at.exception
    assert any(f"the appointments data ends on {long_date(end)}" in as_read(w.value) for w in at.warning)
    assert "today" not in texts(at).lower()


def test_empty_state_without_ministers(sparse_warehouse: Path, use_warehouse) -> None:
    use_warehouse(sparse_warehouse)
    at = run_page("ministers")
    assert not at.exception
    assert any("No ministerial appointments are loaded" in as_read(i.value) for i in at.info)
    assert not at.get("vega_lite_chart")
