"""Data and method page (/data): build record, rejects, buyer matching, definitions and the accessibility statement.

Page figures and download bytes are compared with independent reads of the same warehouse; the alias
template is fed to the build's own alias reader; the skipped-file warning is checked on a warehouse built
with an unreadable, an empty, a duplicate and an ignored file.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.data_and_method import logic
from dashboard.format import share_text
from pipelines.warehouse.buyers import read_aliases
from tests.dashboard.conftest import HOSTILE_VALUES, as_read, download, independent, read_csv_download, run_page, texts

PROVENANCE = ["data_source", "data_built", "data_filters", "data_status"]


def section(name: str, **extra: object) -> dict:
    return {"section": name, **extra}


def headline_text(at) -> str:
    return as_read(at.subheader[0].value)


def test_headline_matches_independent_query(wh: Path) -> None:
    at = run_page("data")
    assert not at.exception
    files, loaded, rows, rejected, superseded = independent(
        wh,
        "SELECT count(*), count(*) FILTER (WHERE status = 'loaded'), sum(rows_loaded), sum(rows_rejected), "
        "sum(rows_superseded) FROM build_files",
    ).row(0)
    built = independent(wh, "SELECT built_at FROM build_info").item()
    pct = independent(wh, "SELECT spend_resolved_pct FROM mart_buyer_match_rates WHERE sector = 'All sectors'").item()
    from_files = f"{loaded} files" if loaded == files else f"{loaded} of {files} files"
    expected = (
        f"Built {built:%-d %b %Y %H:%M} UTC from {from_files}: {rows:,} rows loaded, "
        f"{rejected:,} rejected, {superseded:,} restated in another file, {share_text(pct)} of buyer spend resolved"
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
    read, loaded, rejected, superseded = independent(
        wh, "SELECT sum(rows_read), sum(rows_loaded), sum(rows_rejected), sum(rows_superseded) FROM build_files"
    ).row(0)
    assert read == loaded + rejected + superseded and superseded > 0
    assert (
        f"Every file reconciles: {read:,} rows read = {loaded:,} loaded + {rejected:,} rejected"
        f" + {superseded:,} superseded (restated in another file)" in as_read(at.success[0].value)
    )


def test_rejected_rows_summary_rows_and_full_download(wh: Path) -> None:
    at = run_page("data", section("Rejected rows"))
    assert not at.exception
    total = independent(wh, "SELECT count(*) FROM rejects").item()
    assert total > 0, "the sample carries rows that break a rule; the sparse test covers the clean message"
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


def test_revisions_section_matches_the_raw_release_totals(wh: Path) -> None:
    at = run_page("data", section("Revisions"))
    assert not at.exception
    restated = independent(
        wh,
        """SELECT framework_family, month, count(*) AS n, sum(change) AS net FROM mart_marketplace_revisions
           GROUP BY ALL HAVING count(*) > 1""",
    )
    assert restated.height > 0
    net = float(restated["net"].sum())
    shown = texts(at)
    assert (
        f"**{restated.height} month(s) were restated by a later release, by {logic.signed_pounds(net)} in all" in shown
    )
    table = read_csv_download(download(at, "data_revisions_csv"))
    assert table.height == int(restated["n"].sum())
    superseded = read_csv_download(download(at, "data_superseded_csv"))
    assert int(superseded["n_rows"].sum()) == independent(wh, "SELECT count(*) FROM meta_superseded_rows").item()
    # the fact keeps each month from the latest release only
    latest = independent(
        wh,
        """SELECT sum(total)::DOUBLE FROM mart_marketplace_revisions r WHERE is_latest
           AND (framework_family, month) IN (SELECT framework_family, month FROM mart_marketplace_revisions
                                             GROUP BY ALL HAVING count(*) > 1)""",
    ).item()
    fact = independent(
        wh,
        """SELECT sum(f.amount)::DOUBLE FROM fact_marketplace_spend f JOIN dim_spend_code c USING (spend_code_id)
           WHERE (c.framework_family, c.month) IN (SELECT framework_family, month FROM mart_marketplace_revisions
                                                   GROUP BY ALL HAVING count(*) > 1)""",
    ).item()
    assert round(latest, 4) == round(fact, 4)


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
    notices = [as_read(w.value) for w in at.warning if "does not have" in as_read(w.value)]
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
    """SME and geography files plus one unreadable, one unrecognised, one empty, one duplicate and one ignored file."""
    from pipelines.warehouse.build import build

    raw = tmp_path_factory.mktemp("skipped_raw")
    for folder in ("ons-geography", "sme-spend"):
        shutil.copytree(sample_raw / folder, raw / folder)
    extra = raw / "sme-spend"
    (extra / "zz-garbage.csv").write_text("colour,flavour\nred,sweet\n", encoding="utf-8")
    (extra / "zz-broken-ccs.csv").write_text(
        "FrameworkName,Lot,SupplierName,EvidencedSpend\nx,1,y,5\n", encoding="utf-8"
    )
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
    assert set(skipped["status"]) == {"unreadable", "unrecognised", "empty", "duplicate", "ignored"}
    panel = next(as_read(w.value) for w in at.warning if "not loaded" in as_read(w.value))
    assert f"**{skipped.height} files were not loaded**" in panel
    for path, status in skipped.rows():
        assert f"- {path} ({status})" in panel
    n_files, n_loaded = independent(
        skipped_warehouse, "SELECT count(*), count(*) FILTER (WHERE status = 'loaded') FROM build_files"
    ).row(0)
    assert f"from {n_loaded} of {n_files} files" in headline_text(at)
    got = read_csv_download(download(at, "data_files_csv"))
    unreadable = got.filter(pl.col("status") == "unreadable")
    assert unreadable["message"][0], "the download carries the reason"


def test_fuzzy_matches_are_listed_with_scores_beside_the_unresolved(wh: Path) -> None:
    at = run_page("data", section("Buyer matching"))
    assert not at.exception
    fuzzy = independent(
        wh,
        "SELECT buyer_name, sector, org_code, match_score, spend FROM dim_buyer WHERE match_method = 'fuzzy' "
        "ORDER BY buyer_name",
    )
    if not fuzzy.height:
        assert "No buyer name was matched by similarity" in texts(at)
        return
    got = read_csv_download(download(at, "data_fuzzy_csv"))
    assert_frame_equal(got.select(fuzzy.columns).sort("buyer_name"), fuzzy, check_dtypes=False)
    names = "buyer name was" if fuzzy.height == 1 else "buyer names were"
    assert f"{fuzzy.height:,} {names} matched by similarity" in texts(at)


def test_rejects_section_lists_source_errors_kept_with_a_warning(wh: Path) -> None:
    # Issue 10 s.4: an IfG appointment that ends before it starts is kept (end unknown) and listed here, not dropped.
    at = run_page("data", section("Rejected rows"))
    assert not at.exception
    expected = independent(
        wh,
        "SELECT person_name, post_name, source_warning FROM fact_ministerial_appointment "
        "WHERE source_warning IS NOT NULL ORDER BY source",
    )
    assert expected.height == 1, "the sample reproduces the real file's source error once"
    got = read_csv_download(download(at, "data_source_warnings_csv"))
    assert got.select(expected.columns).rows() == expected.rows()
    assert got.columns[-4:] == PROVENANCE
    assert "kept with a warning" in texts(at)


def test_sources_say_whether_each_source_s_last_fetch_succeeded(
    fixture_warehouse: Path, use_warehouse, tmp_path: Path
) -> None:
    """A failed last fetch is named in a warning, with its error, and the table and download match the rows."""
    import duckdb

    path = tmp_path / "fetched.duckdb"
    shutil.copy(fixture_warehouse, path)
    con = duckdb.connect(str(path))
    try:
        assert con.sql("SELECT count(*) FROM build_fetch_status").fetchall()[0][0] == 0  # the sample is not fetched
        con.sql(
            """INSERT INTO build_fetch_status VALUES
               ('ons-geography', TIMESTAMP '2026-12-01 06:00:00', true, 4, 1, 0, 3, 0, NULL, NULL),
               ('govuk-organisations', TIMESTAMP '2026-12-01 06:01:00', false, 2, 0, 0, 0, 1,
                'http://127.0.0.1/api/organisations?page=1: HTTP 500 after 3 tries', NULL)"""
        )
    finally:
        con.close()
    use_warehouse(path)
    at = run_page("data")
    assert not at.exception
    warning = as_read(at.warning[0].value)
    assert warning.startswith("The last fetch of 1 of 2 fetched sources failed: govuk-organisations.")
    got = read_csv_download(download(at, "data_fetch_status_csv"))
    assert got["source_folder"].to_list() == ["govuk-organisations", "ons-geography"]  # failures first
    assert got["succeeded"].to_list() == ["FAILED", "succeeded"]
    assert got["errors"][0] == "http://127.0.0.1/api/organisations?page=1: HTTP 500 after 3 tries"
    assert got["files_unchanged"].to_list() == [0, 3]


def test_sources_show_no_fetch_block_when_nothing_was_fetched(wh: Path) -> None:
    at = run_page("data")
    assert not at.exception
    assert "Last fetch of each source" not in texts(at)


def test_sources_list_the_geography_vintage_of_every_year(wh: Path) -> None:
    """Every financial year a page shows, with the vintage the rule gives (computed here from dim_lad's vintages:
    the latest at or before the year's start, else the earliest)."""
    at = run_page("data")
    assert not at.exception
    got = read_csv_download(download(at, "data_year_vintages_csv"))
    years = independent(
        wh,
        """SELECT financial_year FROM dim_spend_code UNION SELECT financial_year FROM mart_sme_share
           UNION SELECT financial_year FROM fact_contract_notice WHERE financial_year IS NOT NULL ORDER BY 1""",
    )["financial_year"].to_list()
    vintages = sorted(independent(wh, "SELECT DISTINCT vintage FROM dim_lad")["vintage"].to_list())

    def rule(year: str) -> int:
        before = [v for v in vintages if v <= int(year[:4])]
        return max(before) if before else min(vintages)

    assert got["financial_year"].to_list() == years
    assert got["vintage"].to_list() == [rule(y) for y in years]
