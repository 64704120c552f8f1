"""Data and method page: build record, rejects, buyer matching, definitions and the accessibility statement.

Page figures and download bytes are compared with independent reads of the same warehouse; the alias
template is fed to the build's own alias reader; the skipped-file warning is checked on a warehouse built
with an unreadable, an empty, a duplicate and an ignored file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import data_logic as logic
from dashboard.charts import data_and_method as charts
from dashboard.filters import link_notice
from dashboard.format import share_text
from pipelines.buyers import read_aliases
from tests.dashboard.conftest import HOSTILE_VALUES, download, independent, read_csv_download, run_page, texts

PROVENANCE = ["data_source", "data_built", "data_filters", "data_status"]


def section(name: str, **extra: object) -> dict:
    return {"section": name, **extra}


def headline_text(at) -> str:
    return at.subheader[0].value


# --------------------------------------------------------------------------------------- page runs


def test_headline_matches_independent_query(wh: Path) -> None:
    at = run_page("data")
    assert not at.exception
    files, loaded, rows, rejected = independent(
        wh,
        "SELECT count(*), count(*) FILTER (WHERE status = 'loaded'), sum(rows_loaded), sum(rows_rejected) "
        "FROM build_files",
    ).row(0)
    built = independent(wh, "SELECT built_at FROM build_info").item()
    pct = independent(wh, "SELECT spend_resolved_pct FROM mart_buyer_match_rates WHERE sector = 'All sectors'").item()
    from_files = f"{loaded} files" if loaded == files else f"{loaded} of {files} files"
    expected = (
        f"Built {built:%-d %b %Y %H:%M} UTC from {from_files}: {rows:,} rows loaded, "
        f"{rejected:,} rejected, {share_text(pct)} of buyer spend resolved"
    )
    assert headline_text(at) == expected
    shown = texts(at)
    assert "Sample data" in shown
    assert "filters do not apply here" in shown


def test_sources_downloads_match_build_files(wh: Path) -> None:
    at = run_page("data")
    assert not at.exception
    got = read_csv_download(download(at, "data_files_csv"))
    assert got.columns[-4:] == PROVENANCE
    assert got["data_filters"].n_unique() == 1
    assert got["data_filters"][0].startswith("whole warehouse built ")
    want = independent(
        wh,
        "SELECT rel_path, status, source AS dataset, sha256, rows_read, rows_loaded, rows_rejected "
        "FROM build_files ORDER BY rel_path",
    )
    mine = got.select(want.columns).sort("rel_path")
    assert_frame_equal(mine, want, check_dtypes=False)
    assert all(len(h) == 64 for h in got["sha256"].drop_nulls()), "downloads carry the full SHA-256"
    assert set(got["reconciles"]) == {"yes"}
    # On screen the hash is shortened (the second table on the Sources tab lists every file).
    screen = at.dataframe[1].value
    assert screen["sha256"].dropna().str.len().max() == 12
    assert len(screen) == want.height

    summary = read_csv_download(download(at, "data_sources_csv"))
    by_publisher = independent(
        wh,
        """SELECT coalesce(publisher, '(not recognised)') AS publisher, count(*) AS n_files,
                  sum(rows_loaded) AS rows_loaded FROM build_files GROUP BY 1 ORDER BY 1""",
    )
    assert_frame_equal(summary.select(by_publisher.columns).sort("publisher"), by_publisher, check_dtypes=False)
    assert summary.filter(pl.col("publisher") == "Cabinet Office")["files"][0].count("sme-spend") >= 1


def test_reconciliation_is_shown(wh: Path) -> None:
    at = run_page("data")
    read, loaded, rejected = independent(
        wh, "SELECT sum(rows_read), sum(rows_loaded), sum(rows_rejected) FROM build_files"
    ).row(0)
    assert read == loaded + rejected
    assert (
        f"Every file reconciles: {read:,} rows read = {loaded:,} loaded + {rejected:,} rejected" in at.success[0].value
    )


def test_rejected_rows_summary_rows_and_full_download(wh: Path) -> None:
    at = run_page("data", section("Rejected rows"))
    assert not at.exception
    total = independent(wh, "SELECT count(*) FROM rejects").item()
    if total == 0:  # the fixture may be clean; the sparse test covers the message
        assert "No rows were rejected" in texts(at)
        return
    assert f"**{total:,} rows were rejected**" in texts(at)
    summary = read_csv_download(download(at, "data_rejects_summary_csv"))
    want = independent(
        wh, "SELECT file_name, reason, count(*) AS n_rows FROM rejects GROUP BY ALL ORDER BY file_name, reason"
    )
    assert_frame_equal(summary.select(want.columns).sort("file_name", "reason"), want, check_dtypes=False)
    shown = at.dataframe[1].value
    assert len(shown) == min(total, logic.SHOWN_REJECTS)
    everything = read_csv_download(download(at, "data_rejects_all_csv"))
    assert everything.height == total
    lines = independent(wh, "SELECT file_name, line FROM rejects ORDER BY file_name, line")
    assert_frame_equal(everything.select("file_name", "line"), lines, check_dtypes=False)
    assert everything["data_status"][0] == "SAMPLE data - not official statistics"


def test_buyer_matching_chart_downloads_and_alias_template(wh: Path, tmp_path: Path) -> None:
    at = run_page("data", section("Buyer matching"))
    assert not at.exception
    charts_shown = at.get("vega_lite_chart")
    assert len(charts_shown) == 1
    spec = json.loads(charts_shown[0].proto.spec)
    assert "of Digital Marketplace spend is by buyers matched" in json.dumps(spec["title"])

    rates = read_csv_download(download(at, "data_match_rates_csv"))
    want = independent(
        wh,
        "SELECT sector, n_names, n_resolved, spend, spend_resolved FROM mart_buyer_match_rates "
        "WHERE sector <> 'All sectors' ORDER BY spend DESC",
    )
    assert_frame_equal(rates.select(want.columns), want, check_dtypes=False)

    unresolved = independent(
        wh,
        "SELECT buyer_name, sector, n_rows, spend FROM dim_buyer WHERE match_method = 'unresolved' ORDER BY buyer_name",
    )
    got = read_csv_download(download(at, "data_unresolved_csv"))
    assert_frame_equal(got.select(unresolved.columns).sort("buyer_name"), unresolved, check_dtypes=False)
    assert f"{unresolved.height:,} buyer names could not be matched" in texts(at)

    template = download(at, "data_alias_template_csv")
    assert template.startswith(b"\xef\xbb\xbfbuyer_name,organisation_code,note\n")
    parsed = pl.read_csv(io.BytesIO(template[3:]), comment_prefix="#", infer_schema=False)
    assert parsed.columns == ["buyer_name", "organisation_code", "note"]
    assert parsed["organisation_code"].null_count() == parsed.height
    assert sorted(parsed["buyer_name"].to_list()) == unresolved["buyer_name"].to_list()
    assert b"# data_built: " in template
    # The build's own reader accepts the file: unfilled rows are ignored, a filled one is taken.
    aliases = tmp_path / "buyer_aliases.csv"
    aliases.write_bytes(template)
    assert read_aliases(aliases).height == 0
    first = parsed["buyer_name"][0]
    filled = template.replace(f"\n{first},,".encode(), f"\n{first},E08000003,".encode(), 1)
    aliases.write_bytes(filled)
    taken = read_aliases(aliases)
    assert taken.select("buyer_name", "organisation_code").rows() == [(first, "E08000003")]

    codes = read_csv_download(download(at, "data_valid_codes_csv"))
    assert {"E08000003", "E61000001", "E47000001"} <= set(codes["code"])
    assert set(codes["kind"]) == {"council", "combined authority", "GOV.UK organisation"}


def test_definitions_and_accessibility_sections(wh: Path) -> None:
    at = run_page("data", section("Definitions"))
    assert not at.exception
    shown = texts(at)
    for phrase in (
        "fewer than 250 staff",
        "€50 million",
        "€43 million",
        "1 April to 31 March",
        "G-Cloud",
        "Digital Outcomes and Specialists",
        "Greater London Authority",
        "later cumulative release",
    ):
        assert phrase in shown
    at = run_page("data", section("Accessibility"))
    assert not at.exception
    shown = texts(at)
    for phrase in ("WCAG 2.2 level AA", "alt text", "mouse-first", "Reporting a problem", "keyboard"):
        assert phrase.lower() in shown.lower()


def test_area_deep_link_leaves_the_figures_unchanged(wh: Path) -> None:
    """The page describes the whole warehouse: a city-region link keeps the same figures and says so."""
    national = headline_text(run_page("data"))
    at = run_page("data", {"area": "Greater Manchester", "section": "Buyer matching"})
    assert not at.exception
    assert at.selectbox(key="area").value == "Greater Manchester"
    assert headline_text(at) == national
    assert "filters do not apply here" in texts(at)
    assert len(at.get("vega_lite_chart")) == 1, "the section link opened the Buyer matching tab"


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_section_falls_back_with_a_notice(wh: Path, value: str) -> None:
    at = run_page("data", section(value))
    assert not at.exception
    notices = [w.value for w in at.warning if "does not have" in w.value]
    assert notices and "showing Sources instead" in notices[0]
    assert len(notices[0]) < 300, "a long value is not echoed in full"
    assert "Every file reconciles" in texts(at)


def test_sparse_warehouse_without_rejects_or_buyers(sparse_warehouse: Path, use_warehouse) -> None:
    use_warehouse(sparse_warehouse)
    at = run_page("data")
    assert not at.exception
    assert "no marketplace buyers to resolve" in headline_text(at)
    at = run_page("data", section("Buyer matching"))
    assert not at.exception
    shown = texts(at)
    assert "no buyer names to match" in shown
    assert not at.get("vega_lite_chart")
    assert "none are unresolved" in shown
    at = run_page("data", section("Rejected rows"))
    assert not at.exception
    assert independent(sparse_warehouse, "SELECT count(*) FROM rejects").item() == 0
    assert "No rows were rejected in this build" in texts(at)
    downloads = at.session_state["_downloads"] if "_downloads" in at.session_state else {}
    assert "data_rejects_all_csv" not in downloads


@pytest.fixture(scope="module")
def skipped_warehouse(sample_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SME and geography files plus one unreadable, one empty, one duplicate and one ignored file."""
    from pipelines.warehouse import build

    raw = tmp_path_factory.mktemp("skipped_raw")
    for folder in ("ons-geography", "sme-spend"):
        shutil.copytree(sample_raw / folder, raw / folder)
    extra = raw / "sme-spend"
    (extra / "zz-garbage.csv").write_text("colour,flavour\nred,sweet\n", encoding="utf-8")
    (extra / "zz-empty.csv").write_bytes(b"")
    first = sorted(extra.glob("sme-spend-*.csv"))[0]
    shutil.copyfile(first, extra / "zz-copy.csv")
    (extra / "readme.pdf").write_bytes(b"%PDF-1.4")
    out = tmp_path_factory.mktemp("skipped_wh") / "warehouse.duckdb"
    build(raw, out, keep_going=True)
    return out


def test_warning_panel_names_skipped_and_unreadable_files(skipped_warehouse: Path, use_warehouse) -> None:
    use_warehouse(skipped_warehouse)
    at = run_page("data")
    assert not at.exception
    skipped = independent(skipped_warehouse, "SELECT rel_path, status FROM build_files WHERE status <> 'loaded'")
    assert set(skipped["status"]) == {"unreadable", "empty", "duplicate", "ignored"}
    panel = next(w.value for w in at.warning if "not loaded" in w.value)
    assert f"**{skipped.height} files were not loaded**" in panel
    for path, status in skipped.rows():
        assert f"`{path}` ({status})" in panel
    n_files, n_loaded = independent(
        skipped_warehouse, "SELECT count(*), count(*) FILTER (WHERE status = 'loaded') FROM build_files"
    ).row(0)
    assert f"from {n_loaded} of {n_files} files" in headline_text(at)
    got = read_csv_download(download(at, "data_files_csv"))
    unreadable = got.filter(pl.col("status") == "unreadable")
    assert unreadable["message"][0], "the download carries the reason"


# --------------------------------------------------------------------------------------- chart builders

RATES = pl.DataFrame(
    {
        "sector": ["Local Government", "Health", "Police", "All sectors"],
        "n_names": [100, 20, 10, 130],
        "n_resolved": [99, 2, 0, 101],
        "n_alias": [1, 0, 0, 1],
        "n_exact": [90, 2, 0, 92],
        "n_fuzzy": [8, 0, 0, 8],
        "names_resolved_pct": [99.0, 10.0, 0.0, 77.7],
        "spend": [1_000_000.0, 16_000_000.0, 500_000.0, 17_500_000.0],
        "spend_resolved": [999_000.0, 3_200_000.0, 0.0, 4_199_000.0],
        "spend_unresolved": [1_000.0, 12_800_000.0, 500_000.0, 13_301_000.0],
        "spend_resolved_pct": [99.9, 20.0, 0.0, 24.0],
    }
)


def _formats(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["format"]] if isinstance(node.get("format"), str) else []
        return own + [f for v in node.values() for f in _formats(v)]
    if isinstance(node, list):
        return [f for v in node for f in _formats(v)]
    return []


def test_match_rate_chart_titles_axes_and_labels() -> None:
    spec = charts.match_rate_chart(RATES).to_dict()
    title = spec["title"]
    assert title["text"] == (
        "24% of Digital Marketplace spend is by buyers matched to an organisation; "
        "Health has the most unmatched (£12.8m)"
    )
    dumped = json.dumps(spec)
    assert "Matched to an organisation (%)" in dumped
    assert "Buyer sector (as published)" in dumped
    assert "All sectors" not in json.dumps(spec["datasets"]), "the total is in the title, not a bar"
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "text"], "every bar carries a text label"
    # d3-format has no '£' (the browser rejects '£,.0f' and draws nothing): units go in titles instead.
    assert all("£" not in f for f in _formats(spec))
    ordered = charts.plotted_rates(RATES)
    assert ordered["sector"].to_list() == ["Health", "Local Government", "Police"], "largest spend first"
    labels = charts.long_rates(RATES).filter(pl.col("sector") == "Health")["label"].to_list()
    assert labels == ["10% (2 of 20) names", "20% of spend"], "the pair is told apart in words, not by colour"


def test_match_rate_alt_text_names_every_sector() -> None:
    text = charts.match_rate_alt_text(RATES)
    assert "Health: 10% (2 of 20) names, 20% of spend" in text
    assert "Police" in text and "Local Government" in text


def test_match_rate_title_when_everything_matched_and_when_empty() -> None:
    full = RATES.with_columns(pl.col("spend").alias("spend_resolved"), pl.lit(100.0).alias("spend_resolved_pct"))
    assert charts.match_rate_title(full) == "100% of Digital Marketplace spend is by buyers matched to an organisation"
    assert charts.match_rate_title(RATES.clear()) == "No Digital Marketplace buyers to match"
    nulls = RATES.with_columns(pl.lit(None, dtype=pl.Float64).alias("spend_resolved_pct"))
    assert charts.plotted_rates(nulls)["spend_label"].to_list() == ["n/a"] * 3


# --------------------------------------------------------------------------------------- page logic

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
    assert text.index("`x/c.csv` (unreadable): header not recognised") < text.index("`x/d.pdf` (ignored)")
    assert "**2 files were not loaded**" in text
    assert logic.skipped_warning(FILES.filter(pl.col("status") == "loaded")) is None


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
        "sector not stated; 3 Contracts Finder notices; unresolved in build 2026-11-25",
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
