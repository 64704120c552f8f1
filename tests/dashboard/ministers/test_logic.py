"""The ministers page's rules (ministers/logic.py) on small frames."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dashboard.ministers import logic
from dashboard.safe_text import plain_sentence
from tests.dashboard.ministers.frames import appointments_frame, rows_frame


def test_summary_headline_and_table() -> None:
    summary = logic.department_summary(rows_frame())
    assert summary["department"].to_list() == ["Education", "Cabinet Office", "Science"]
    assert summary["digital_ministers"].to_list() == [0, 1, 2]
    assert summary["status"][0].startswith("✗")
    day = dt.date(2026, 11, 25)
    # The headline says which list it counts (issue 10 s.4): 'ministerial departments', not any organisation.
    assert logic.headline(summary, day) == (
        "1 of 3 ministerial departments has no minister holding digital responsibility on 25 November 2026"
    )
    assert logic.headline(summary.filter(pl.col("digital_ministers") > 0), day).startswith(
        "All 2 ministerial departments have"
    )
    table = logic.minister_table(rows_frame())
    assert table["Rank"].to_list()[:3] == ["Minister of State", "Secretary of State", "Parliamentary Under-Secretary"]
    assert table["Evidence"][0] == "The post title contains 'Digital'"
    assert "digital_responsibilities.csv" in table["Evidence"][2]
    assert table["Evidence"][3] is None
    assert table.height == 5  # the table lists every row; only the summary and headline count departments
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
        (["2026-11-26"], "the appointments data ends on 25 November 2026"),
        (["garbage"], "showing 25 November 2026, the last date in the data, instead"),
        (["x" * 10_000], "\u2026"),
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


def test_minister_table_carries_the_date_and_source_of_each_piece_of_evidence() -> None:
    table = logic.minister_table(rows_frame())
    assert table["Evidence dated"].to_list() == [None, None, dt.date(2023, 5, 16), None, None]
    assert table["Evidence source"][2] == "https://www.gov.uk/government/ministers"
    govuk = rows_frame().with_columns(pl.lit("GOV.UK responsibilities").alias("digital_rule"))
    assert logic.minister_table(govuk)["Evidence"][2] == (
        "GOV.UK responsibilities as captured on 2023-05-16: 'ran GDS'"
    )


def test_departments_without_a_digital_minister_and_their_notice() -> None:
    summary = logic.department_summary(rows_frame())
    assert logic.departments_without(summary) == ["Education"]
    assert logic.without_notice(summary) == "**✗ No minister holding digital responsibility:** Education"
    assert logic.without_notice(summary.filter(pl.col("digital_ministers") > 0)) is None
    assert logic.nobody_on(dt.date(2010, 5, 1)).startswith("No minister was in post on 1 May 2010")


def test_whips_offices_are_shown_apart_and_not_counted() -> None:
    summary = logic.department_summary(rows_frame())
    assert "Government Whips-House of Commons" not in summary["department"].to_list()
    apart = logic.apart_table(rows_frame())
    assert apart.rows() == [("Government Whips-House of Commons", 16, 0)]
    assert "ministerial departments" in logic.DEPARTMENTS_USED and "whips" in logic.DEPARTMENTS_USED


def test_headline_names_the_last_date_as_the_end_of_the_data() -> None:
    summary = logic.department_summary(rows_frame())
    end = dt.date(2026, 6, 12)
    assert logic.headline(summary, end, end).endswith("on 12 June 2026, the last date in the data")
    assert logic.headline(summary, dt.date(2020, 6, 1), end).endswith("on 1 June 2020")


@pytest.mark.parametrize(
    "name", ["Department for Culture, Media and Sport", "[click](https://evil.example)", ":red[alarm] **bold** $x$"]
)
def test_department_names_are_escaped_in_the_markdown_notice(name: str) -> None:
    summary = pl.DataFrame({"department": [name], "digital_ministers": [0]})
    assert logic.without_notice(summary) == "**✗ No minister holding digital responsibility:** " + plain_sentence(name)


@pytest.mark.parametrize("value", ["2024-W27-5", "20240701", "2024-07-01T00:00", "2024-7-1"])
def test_a_date_the_date_box_refuses_gets_the_not_a_date_notice(value: str) -> None:
    notice = logic.as_of_notice([value], dt.date(2010, 1, 1), dt.date(2026, 6, 12))
    assert notice is not None and "which is not a date (YYYY-MM-DD)" in notice
