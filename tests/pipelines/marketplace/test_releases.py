"""Cumulative releases: which file's rows win each framework family and month, on hand-built files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl

from pipelines.core.loading import REJECT_CODE, REJECT_SCHEMA, FileLoad
from pipelines.core.parsing import MONEY
from pipelines.marketplace.formats import CODE, CODES, CUSTOMERS, DESCRIPTIONS, ROW_COLUMNS, STAGING, SUPPLIERS
from pipelines.marketplace.releases import Supersession, release_totals, revisions, supersede_cumulative_releases
from pipelines.warehouse.model import apply_supersession

JAN, FEB, MAR = dt.date(2014, 1, 1), dt.date(2014, 2, 1), dt.date(2014, 3, 1)
#: spend code -> (framework family, month)
CODE_MONTHS = {1: ("G-Cloud", JAN), 2: ("G-Cloud", FEB), 3: ("G-Cloud", MAR), 4: ("DOS", JAN), 9: ("G-Cloud", MAR)}


def codes_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            CODE: list(CODE_MONTHS),
            "framework_family": [f for f, _ in CODE_MONTHS.values()],
            "month": [m for _, m in CODE_MONTHS.values()],
            # code 9 fails a rule (a bad month, say): its rows are never loaded, so never superseded either
            REJECT_CODE: [None, None, None, None, "bad month"],
        },
        schema_overrides={REJECT_CODE: pl.String},
    )


def marketplace_load(tmp: Path, name: str, codes: list[int]) -> tuple[FileLoad, Path]:
    """A file whose rows carry these spend codes, one row each, lines 2, 3, ..."""
    n = len(codes)
    rows = pl.DataFrame(
        {
            "source_file": [name] * n,
            "source_line": list(range(2, n + 2)),
            CODE: codes,
            "supplier_id": [7] * n,
            "buyer_id": [8] * n,
            "description_id": [None] * n,
            "amount": [Decimal("10")] * n,
            REJECT_CODE: [None] * n,
        },
        schema_overrides={"description_id": pl.Int64, REJECT_CODE: pl.String, "amount": MONEY},
    ).select(ROW_COLUMNS)
    parquet = tmp / f"{name}.parquet"
    rows.write_parquet(parquet)
    lookups = {
        CODES: codes_frame(),
        SUPPLIERS: pl.DataFrame({"supplier_id": [7], "supplier_name": ["Small Ltd"]}),
        CUSTOMERS: pl.DataFrame({"buyer_id": [8], "customer_name": ["Camden"]}),
        DESCRIPTIONS: pl.DataFrame(
            {"description_id": [], "description": []}, schema_overrides={"description_id": pl.Int64}
        ),
    }
    load = FileLoad(
        path=tmp / name,
        source="marketplace_spend",
        format="test",
        tables={},
        rejects=pl.DataFrame(schema=REJECT_SCHEMA),
        rows_read=n,
        rows_loaded=sum(1 for c in codes if c != 9),
        parquet={STAGING: parquet},
        lookups=lookups,
    )
    if 9 in codes:  # the row with the bad code is rejected at load time, as the real formats do
        load.rejects = pl.DataFrame(
            [{"file_name": name, "source": "marketplace_spend", "format": "test", "line": 2 + codes.index(9),
              "column_name": "month", "value": "x", "reason": "bad month"}],
            schema=REJECT_SCHEMA,
        )  # fmt: skip
    return load, parquet


def superseded_lines(s: Supersession, name: str) -> list[int]:
    return s.files[name].superseded["line"].to_list() if name in s.files else []


def test_a_single_file_supersedes_nothing(tmp_path: Path) -> None:
    s = supersede_cumulative_releases([marketplace_load(tmp_path, "only.csv", [1, 2])], codes_frame())
    assert s.codes.height == 0 and s.files == {}


def test_the_release_that_runs_latest_wins_each_shared_month(tmp_path: Path) -> None:
    early = marketplace_load(tmp_path, "jan-feb.csv", [1, 2])  # Jan, Feb
    later = marketplace_load(tmp_path, "jan-mar.csv", [1, 2, 3])  # restates Jan, Feb; adds Mar
    s = supersede_cumulative_releases([early, later], codes_frame())
    assert sorted(s.codes.rows()) == [("jan-feb.csv", 1), ("jan-feb.csv", 2)]
    assert superseded_lines(s, "jan-feb.csv") == [2, 3]
    assert superseded_lines(s, "jan-mar.csv") == []
    rows = s.files["jan-feb.csv"].superseded.select("period", "superseded_by").rows()
    assert rows == [("G-Cloud 2014-01", "jan-mar.csv"), ("G-Cloud 2014-02", "jan-mar.csv")]
    assert s.files["jan-feb.csv"].note == "2 rows in 2 month(s) superseded by a later release"


def test_framework_families_are_published_separately(tmp_path: Path) -> None:
    """A DOS January in the older file is not superseded by a G-Cloud-only later release."""
    early = marketplace_load(tmp_path, "a.csv", [1, 4])  # G-Cloud Jan, DOS Jan
    later = marketplace_load(tmp_path, "b.csv", [1, 3])  # G-Cloud Jan, Mar
    s = supersede_cumulative_releases([early, later], codes_frame())
    assert sorted(s.codes.rows()) == [("a.csv", 1)]


def test_ties_on_the_latest_month_go_to_the_later_file_name(tmp_path: Path) -> None:
    first = marketplace_load(tmp_path, "2014-06.csv", [2, 3])
    second = marketplace_load(tmp_path, "2014-07.csv", [2, 3])
    s = supersede_cumulative_releases([first, second], codes_frame())
    assert sorted(s.codes.rows()) == [("2014-06.csv", 2), ("2014-06.csv", 3)]


def test_rows_rejected_for_a_bad_code_are_not_superseded_again(tmp_path: Path) -> None:
    early = marketplace_load(tmp_path, "a.csv", [9, 3])
    later = marketplace_load(tmp_path, "b.csv", [3])
    s = supersede_cumulative_releases([early, later], codes_frame())
    assert superseded_lines(s, "a.csv") == [3]


def test_finding_supersession_changes_no_load_and_applying_it_reconciles(tmp_path: Path) -> None:
    early, later = marketplace_load(tmp_path, "a.csv", [1, 2]), marketplace_load(tmp_path, "b.csv", [1, 2, 3])
    s = supersede_cumulative_releases([early, later], codes_frame())
    assert (early[0].rows_loaded, early[0].rows_superseded, early[0].notes) == (2, 0, [])
    apply_supersession([early[0], later[0]], s)
    # superseded is its own count, not a rejection: read = loaded + rejected + superseded
    load = early[0]
    assert (load.rows_read, load.rows_loaded, load.rows_rejected, load.rows_superseded) == (2, 0, 0, 2)
    assert load.notes == ["2 rows in 2 month(s) superseded by a later release"]
    assert (later[0].rows_loaded, later[0].rows_rejected, later[0].rows_superseded) == (3, 0, 0)
    load.check_reconciles()


def test_each_release_total_and_its_change_from_the_one_before(tmp_path: Path) -> None:
    """Two releases restate Jan; the later one revises it. Amounts are 10.00 a row, exactly."""
    early = marketplace_load(tmp_path, "jan-feb.csv", [1, 2])
    later = marketplace_load(tmp_path, "jan-mar.csv", [1, 1, 2, 3])
    out = revisions(
        release_totals([early, later], codes_frame().with_columns(pl.lit("2013/14").alias("financial_year")))
    )
    jan = out.filter(pl.col("month") == JAN).sort("release_order")
    assert jan.select("release_file", "release_order", "total", "previous_total", "change", "is_latest").rows() == [
        ("jan-feb.csv", 1, Decimal("10"), None, None, False),
        ("jan-mar.csv", 2, Decimal("20"), Decimal("10"), Decimal("10"), True),
    ]
    assert jan["change_pct"].to_list() == [None, 100.0]
    assert jan["release_to"].to_list() == [FEB, MAR]
    march = out.filter(pl.col("month") == MAR)
    assert march.select("release_order", "previous_total", "is_latest").rows() == [(1, None, True)]


def test_revisions_follow_the_supersession_order(tmp_path: Path) -> None:
    """The latest release in the revisions table is the one whose rows the fact keeps."""
    early = marketplace_load(tmp_path, "2014-06.csv", [2, 3])
    later = marketplace_load(tmp_path, "2014-07.csv", [2, 3])
    codes = codes_frame().with_columns(pl.lit("2013/14").alias("financial_year"))
    latest = revisions(release_totals([early, later], codes)).filter("is_latest")["release_file"].unique().to_list()
    kept = {f for f, _ in supersede_cumulative_releases([early, later], codes).codes.rows()}
    assert latest == ["2014-07.csv"] and kept == {"2014-06.csv"}
