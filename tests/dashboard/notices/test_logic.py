"""The notices page's rules (notices/logic.py) on small frames: horizon, dates, frames, titles and headline."""

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


def test_horizon_link_checks() -> None:
    assert logic.horizon_notice([]) is None
    assert logic.horizon_notice(["24"]) is None
    assert "7" in logic.horizon_notice(["7"])
    assert len(logic.horizon_notice(["x" * 10_000])) < 300
    assert logic.horizon_choice(None, ["24"]) == 24
    assert logic.horizon_choice(6, ["24"]) == 6  # the widget's own value wins after the first run
    assert logic.horizon_choice(None, ["7"]) == 12
    assert logic.horizon_choice(None, ["24", "7"]) == 12


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
    assert logic.headline(total, 134, 12, "from 2024/25 to 2025/26") == (
        "70% of 40 notices published from 2024/25 to 2025/26 were marked suitable for SMEs; "
        "134 contracts end in the next 12 months"
    )
    empty = logic.totals(shares_input().clear())
    assert (
        logic.headline(empty, 1, 6, "in 2012/13")
        == "No notices published in 2012/13; 1 contract ends in the next 6 months"
    )


def test_a_share_of_very_few_is_said_as_a_count() -> None:
    one = {"notices": 1, "suitable": 1, "suitable_pct": 100.0, "awards_stated": 0, "awarded_to_sme": 0}
    one["awarded_sme_pct"] = None
    assert logic.shares_title(one) == "1 of 1 notices were marked suitable for SMEs"
    assert logic.headline(one, 0, 12, "in 2025/26").startswith("1 of 1 notices published in 2025/26 were marked")
    assert logic.share_phrase(9, 12, 75.0, "awards") == "75% of awards"


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


def test_empty_message_and_pipeline_table_formats() -> None:
    message = logic.empty_message("Greater Manchester", "in 2019/20")
    assert message.startswith("No Contracts Finder notices were published by buyers in Greater Manchester in 2019/20")
    assert "data/raw/contracts-finder/" in message
    assert set(logic.expiring_column_config()) == {"Contract ends", "Contract starts", "Value (£)", "Notice link"}


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
    assert logic.coverage_note({**coverage, "n_notices": 0}) is None
