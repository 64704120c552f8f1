"""The Data and method page's rules (data_and_method/logic.py) on small frames."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import polars as pl

from dashboard.data_and_method import logic
from dashboard.filters import link_notice
from pipelines.warehouse.buyers import read_aliases
from tests.dashboard.data_and_method.frames import RATES

FILES = pl.DataFrame(
    {
        "file_name": ["a.csv", "b.csv", "c.csv", "d.pdf"],
        "rel_path": ["x/a.csv", "x/b.csv", "x/c.csv", "x/d.pdf"],
        "status": ["loaded", "loaded", "unreadable", "ignored"],
        "message": [None, None, "header not recognised", "not a data file type"],
        "dataset": ["s", "s", None, None],
        "format": ["f", "f", None, None],
        "format_description": ["F", "F", None, None],
        "publisher": ["Cabinet Office", "Cabinet Office", None, None],
        "licence": ["OGL v3.0", "OGL v3.0", None, None],
        "sha256": ["a" * 64, "b" * 64, "c" * 64, None],
        "size_bytes": [10, 20, 30, 40],
        "rows_read": [10, 5, 0, 0],
        "rows_loaded": [9, 5, 0, 0],
        "rows_rejected": [1, 0, 0, 0],
        "rows_superseded": [0, 0, 0, 0],
        "encoding": ["utf-8", "windows-1252", None, None],
        "notes": [None, None, None, None],
        "period": ["2019/20", "2020/21", None, None],
    }
)


BUILD = {"built_at": dt.datetime(2026, 11, 25, 14, 2), "code_version": "abc", "raw_dir": "/raw", "build_seconds": 6.0}


def test_headline_sentence() -> None:
    text = logic.headline(BUILD, FILES, RATES)
    assert (
        text == "Built 25 Nov 2026 14:02 UTC from 2 of 4 files: 14 rows loaded, 1 rejected, 24% of buyer spend resolved"
    )
    clean = FILES.filter(pl.col("status") == "loaded").with_columns(pl.lit(0).alias("rows_rejected"))
    assert logic.headline(BUILD, clean, RATES.clear()).endswith(
        "from 2 files: 14 rows loaded, none rejected, no marketplace buyers to resolve"
    )


def test_skipped_warning_lists_unreadable_first() -> None:
    text = logic.skipped_warning(FILES)
    assert text is not None
    shown = html.unescape(text)
    assert shown.index("- x/c.csv (unreadable): header not recognised") < shown.index("- x/d.pdf (ignored)")
    assert "**2 files were not loaded**" in shown
    assert "`x/c.csv`" not in text, "a path is shown as text, not in a code span a backtick could leave"
    assert logic.skipped_warning(FILES.filter(pl.col("status") == "loaded")) is None


def test_headline_counts_rows_restated_by_a_later_release() -> None:
    restated = FILES.with_columns(
        pl.when(pl.col("file_name") == "b.csv").then(3).otherwise(0).alias("rows_superseded"),
        pl.when(pl.col("file_name") == "b.csv").then(2).otherwise(pl.col("rows_loaded")).alias("rows_loaded"),
    )
    assert "11 rows loaded, 1 rejected, 3 restated in another file, 24%" in logic.headline(BUILD, restated, RATES)
    check = logic.reconciliation(restated)
    assert (
        check.ok
        and "15 rows read = 11 loaded + 1 rejected + 3 superseded (restated in another file)" in check.sentence()
    )


def test_reconciliation_flags_a_file_that_does_not_add_up() -> None:
    assert logic.reconciliation(FILES).ok
    broken = FILES.with_columns(
        pl.when(pl.col("file_name") == "b.csv").then(7).otherwise(pl.col("rows_read")).alias("rows_read")
    )
    check = logic.reconciliation(broken)
    assert not check.ok and check.broken == ("x/b.csv",)
    assert "1 file(s) do not reconcile (x/b.csv)" in check.sentence()
    assert logic.files_for_download(broken).filter(pl.col("rel_path") == "x/b.csv")["reconciles"][0] == "NO"


def test_files_on_screen_shorten_the_hash_and_downloads_keep_it() -> None:
    assert logic.files_for_screen(FILES)["sha256"].to_list()[:3] == ["a" * 12, "b" * 12, "c" * 12]
    assert logic.files_for_download(FILES)["sha256"][0] == "a" * 64


def test_source_summary_groups_by_publisher() -> None:
    summary = logic.source_summary(FILES)
    assert summary["publisher"].to_list() == ["Cabinet Office", "(not recognised)"]
    row = summary.row(0, named=True)
    assert (row["n_files"], row["rows_loaded"], row["files"]) == (2, 14, "a.csv, b.csv")


def test_alias_template_is_formula_safe_and_readable_by_the_build(tmp_path: Path) -> None:
    unresolved = pl.DataFrame(
        {
            "buyer_name": ['=HYPERLINK("http://x","y")', "Jisc", "Only In Notices"],
            "normalized_name": ["x", "jisc", "only in notices"],
            "sector": ["Health", "Education", None],
            "n_rows": [2, 148, 0],
            "spend": [-10.0, 3_435_700.0, 0.0],
            "n_notices": [0, 0, 3],
        }
    )
    template = logic.alias_template(unresolved, dt.datetime(2026, 11, 25))
    assert template.columns == list(logic.ALIAS_COLUMNS)
    assert template["note"].to_list() == [
        "Health; 2 spend rows; -£10 spend; unresolved in build 2026-11-25",
        "Education; 148 spend rows; £3.4m spend; unresolved in build 2026-11-25",
        "sector not stated; 3 procurement notices; unresolved in build 2026-11-25",
    ]
    data = logic.alias_template_csv(template, {"source": "dim_buyer", "filters": "whole warehouse, built x"})
    text = data[3:].decode("utf-8")
    assert text.splitlines()[0] == "buyer_name,organisation_code,note"
    assert "'=HYPERLINK" in text, "a formula-like name is neutralised"
    assert text.rstrip().splitlines()[-1] == "# filters: whole warehouse; built x"
    path = tmp_path / "buyer_aliases.csv"
    path.write_bytes(data.replace(b"\nJisc,,", b"\nJisc,jisc,", 1))
    assert read_aliases(path).select("buyer_name", "organisation_code").rows() == [("Jisc", "jisc")]


def test_unknown_link_value_notice() -> None:
    assert link_notice(["Sources"], logic.SECTIONS, "section", "Sources") is None
    assert link_notice([], logic.SECTIONS, "section", "Sources") is None
    notice = link_notice(["x" * 10_000], logic.SECTIONS, "section", "Sources")
    assert notice is not None and len(notice) < 200 and "showing Sources instead" in notice


def test_content_sections_exist() -> None:
    assert "fewer than 250 staff" in logic.content("definitions")
    assert "WCAG 2.2" in logic.content("accessibility")


def test_section_notice_rejected_total_and_unresolved_heading() -> None:
    assert logic.section_notice(["Accessibility"]) is None
    assert "showing Sources instead" in logic.section_notice(["Nowhere"])
    assert logic.rejected_total(pl.DataFrame({"n_rows": [2, 3]})) == 5
    unresolved = pl.DataFrame({"buyer_name": ["A", "B"], "spend": [1_000_000.0, 200_000.0]})
    assert logic.unresolved_heading(unresolved) == "2 buyer names could not be matched (£1.2m of spend)"


def test_fuzzy_heading_counts_names_and_spend() -> None:
    fuzzy = pl.DataFrame({"buyer_name": ["A", "B"], "spend": [1_000_000.0, 200_000.0]})
    assert logic.fuzzy_heading(fuzzy) == "2 buyer names were matched by similarity (£1.2m of spend): check each one"
    assert logic.fuzzy_heading(fuzzy.head(1)).startswith("1 buyer name was matched")


def test_a_revision_reads_as_a_sentence_naming_the_release() -> None:
    row = {
        "month": dt.date(2013, 11, 1),
        "framework_family": "G-Cloud",
        "change": 3745190.7178,
        "change_pct": 35.55,
        "release_to": dt.date(2014, 6, 1),
    }
    assert logic.revision_sentence(row) == (
        "2013-11 (G-Cloud) was revised by +£3,745,191 (+35.6%) in the June 2014 G-Cloud release"
    )
    assert logic.signed_pounds(-987785.5) == "-£987,786" and logic.signed_pounds(0.2) == "£0"


def test_largest_revisions_come_first_either_way() -> None:
    frame = pl.DataFrame(
        {
            "month": [dt.date(2014, 1, 1), dt.date(2014, 2, 1), dt.date(2014, 3, 1)],
            "framework_family": ["DOS"] * 3,
            "change": [10.0, -500.0, None],
            "change_pct": [1.0, -20.0, None],
            "release_to": [dt.date(2014, 6, 1)] * 3,
        }
    )
    assert [s[:7] for s in logic.largest_revisions(frame)] == ["2014-02", "2014-01"]
