"""The notices page's rules (notices/logic.py) on small frames: dates, frames, titles and sentences."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dashboard.notices import logic
from tests.dashboard.notices.frames import shares_input


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


def test_shares_totals_and_headline() -> None:
    rows = logic.shares_frame(shares_input())
    assert rows.filter(pl.col("measure") == logic.AWARDED)["financial_year"].to_list() == ["2025/26"]
    total = logic.totals(shares_input())
    assert total == {
        "notices": 40,
        "suitable": 28,
        "suitable_pct": 70.0,
        "awards_stated": 8,
        "awarded_to_sme": 2,
        "awarded_sme_pct": 25.0,
    }
    # 8 awards are too few for a share: the count is said instead (issue 10.5)
    assert logic.shares_title(total) == (
        "70% of notices were marked suitable for SMEs; SMEs won 2 of 8 awards where supplier size was stated"
    )
    empty = logic.totals(shares_input().clear())
    assert logic.shares_title(empty) == "No notices in this selection"


def test_a_share_of_very_few_is_said_as_a_count() -> None:
    one = {"notices": 1, "suitable": 1, "suitable_pct": 100.0, "awards_stated": 0, "awarded_to_sme": 0}
    one["awarded_sme_pct"] = None
    assert logic.shares_title(one) == "1 of 1 notices were marked suitable for SMEs"
    assert logic.share_phrase(9, 12, 75.0, "awards") == "75% of awards"


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


def test_empty_message() -> None:
    message = logic.empty_message("Greater Manchester", "in 2019/20")
    assert message.startswith(
        "No Contracts Finder or Find a Tender notices were published by buyers in Greater Manchester in 2019/20"
    )
    assert "data/raw/contracts-finder/" in message and "data/raw/find-a-tender/" in message


def test_coverage_note_says_which_buyers_the_notices_come_from() -> None:
    coverage = {
        "n_buyers": 15,
        "n_files": 16,
        "first_published": dt.date(2016, 4, 1),
        "last_published": dt.date(2025, 11, 3),
        "n_from_search": 1224,
        "n_search_buyers": 15,
        "n_notices": 1424,
    }
    note = logic.coverage_note(coverage)
    assert note is not None
    assert "1,424 notices by 15 buyers, published 1 April 2016 to 3 November 2025" in note
    assert "notice lists fetched for 15 named buyers only" in note and "not every public body" in note
    assert "are from Find a Tender" not in note
    with_fts = logic.coverage_note({**coverage, "n_from_fts": 57})
    assert with_fts is not None and "57 are from Find a Tender" in with_fts and "Procurement Act 2023" in with_fts
    assert logic.coverage_note({**coverage, "n_notices": 0}) is None
