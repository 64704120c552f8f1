"""The writer: atomic swap, schema check, reconciliation, skipped and unreadable files, real files end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse.build import BuildError, build
from pipelines.warehouse.schema import ALL_TABLES
from pipelines.warehouse.validate import validate
from tests.conftest import HOSTILE_SUPPLIER, SHARED_DATA


def q(path: Path, sql: str, **params) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql, params=params or None).fetchall()
    finally:
        con.close()


def test_sample_builds_and_meets_its_schema(fixture_warehouse: Path) -> None:
    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        assert validate(con) == []
        tables = {r[0] for r in con.sql("SELECT table_name FROM information_schema.tables").fetchall()}
        assert {t.name for t in ALL_TABLES} <= tables
        assert con.sql("SELECT is_sample FROM build_info").fetchall() == [(True,)]
    finally:
        con.close()


def test_every_file_reconciles_and_every_reject_is_kept(fixture_warehouse: Path) -> None:
    rows = q(
        fixture_warehouse,
        """SELECT f.file_name, f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_superseded, count(r.file_name),
                  (SELECT count(*) FROM meta_superseded_rows s WHERE s.file_name = f.file_name)
           FROM build_files f LEFT JOIN rejects r USING (file_name)
           WHERE f.status = 'loaded' GROUP BY ALL""",
    )
    assert rows
    for name, read, loaded, rejected, superseded, kept, kept_superseded in rows:
        assert read == loaded + rejected + superseded, name
        assert rejected == kept, name
        assert superseded == kept_superseded, name


def test_marketplace_fact_rows_equal_loaded_rows(fixture_warehouse: Path) -> None:
    per_file = dict(
        q(
            fixture_warehouse,
            "SELECT file_name, rows_loaded FROM build_files WHERE source = 'marketplace_spend'",
        )
    )
    in_fact = dict(q(fixture_warehouse, "SELECT source_file, count(*) FROM v_marketplace_spend GROUP BY 1"))
    assert {k: v for k, v in per_file.items() if v} == in_fact


def test_cumulative_release_months_are_counted_once(fixture_warehouse: Path) -> None:
    dupes = q(
        fixture_warehouse,
        """SELECT framework_family, month, count(DISTINCT source_file) FROM v_marketplace_spend
           GROUP BY ALL HAVING count(DISTINCT source_file) > 1""",
    )
    assert dupes == []
    # superseded rows are their own count and list, not rejects (nothing was wrong with them)
    superseded = q(fixture_warehouse, "SELECT count(*) FROM meta_superseded_rows")[0][0]
    assert superseded > 0
    assert superseded == q(fixture_warehouse, "SELECT sum(rows_superseded) FROM build_files")[0][0]
    assert q(fixture_warehouse, "SELECT count(*) FROM rejects WHERE reason LIKE 'superseded%'") == [(0,)]


def test_monthly_mart_matches_the_fact(fixture_warehouse: Path) -> None:
    mart = q(fixture_warehouse, "SELECT round(sum(spend), 2) FROM mart_marketplace_monthly WHERE area_level='national'")
    fact = q(fixture_warehouse, "SELECT round(sum(amount)::DOUBLE, 2) FROM fact_marketplace_spend")
    assert mart == fact


def test_hostile_supplier_is_stored_verbatim(fixture_warehouse: Path) -> None:
    rows = q(fixture_warehouse, "SELECT count(*) FROM v_marketplace_spend WHERE supplier_name = $s", s=HOSTILE_SUPPLIER)
    assert rows == [(1,)]


def test_london_boroughs_belong_to_the_greater_london_authority(fixture_warehouse: Path) -> None:
    rows = q(
        fixture_warehouse,
        "SELECT DISTINCT ca_code FROM dim_lad WHERE lad_code LIKE 'E09%' AND vintage = (SELECT max(vintage) FROM dim_lad)",
    )
    assert rows == [("E61000001",)]


def _small_raw(tmp_path: Path, sample_raw: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(sample_raw, raw)
    return raw


def test_a_failed_build_leaves_the_old_warehouse_intact(tmp_path: Path, sample_raw: Path) -> None:
    raw = _small_raw(tmp_path, sample_raw)
    out = tmp_path / "w.duckdb"
    build(raw, out)
    before = q(out, "SELECT built_at, (SELECT count(*) FROM fact_marketplace_spend) FROM build_info")
    (raw / "digital-marketplace" / "broken.csv").write_text("Framework,Lot,Supplier,Customer\nG-Cloud,1,a,b\n")
    with pytest.raises(BuildError) as info:
        build(raw, out)
    assert "broken.csv" in str(info.value) and "For_Month" in str(info.value)
    assert q(out, "SELECT built_at, (SELECT count(*) FROM fact_marketplace_spend) FROM build_info") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw", "w.duckdb"]  # no temp files left behind


def test_keep_going_skips_unreadable_files_and_says_why(tmp_path: Path, sample_raw: Path) -> None:
    raw = _small_raw(tmp_path, sample_raw)
    # looks like the CCS marketplace layout but lacks its customer column: unreadable, which stops a plain build
    (raw / "broken-ccs.csv").write_text("FrameworkName,Lot,SupplierName,SMEStatus,Sector,EvidencedSpend\nx,1,y,SME,z,5\n")
    (raw / "empty.csv").write_text("")
    shutil.copy(raw / "sme-spend" / "sme-spend-2019-20.csv", raw / "copy-of-2019.csv")
    with pytest.raises(BuildError, match="broken-ccs.csv"):
        build(raw, tmp_path / "stopped.duckdb")
    report = build(raw, tmp_path / "w.duckdb", keep_going=True)
    status = {f.path.name: (f.status, f.message) for f in report.files}
    assert status["broken-ccs.csv"][0] == "unreadable" and "lacks column(s) CustomerName" in status["broken-ccs.csv"][1]
    assert status["empty.csv"][0] == "empty"
    pair = {status["copy-of-2019.csv"][0], status["sme-spend-2019-20.csv"][0]}
    assert pair == {"loaded", "duplicate"}
    duplicate = next(m for s, m in (status["copy-of-2019.csv"], status["sme-spend-2019-20.csv"]) if s == "duplicate")
    assert "same content as" in duplicate
    stored = q(tmp_path / "w.duckdb", "SELECT status FROM build_files WHERE file_name = 'broken-ccs.csv'")
    assert stored == [("unreadable",)]


def test_files_of_kinds_the_build_does_not_read_are_listed_not_fatal(tmp_path: Path, sample_raw: Path) -> None:
    """YAML, a README, a GOV.UK page of another kind, a CSV from no publisher: listed with why, build goes on."""
    raw = _small_raw(tmp_path, sample_raw)
    (raw / "mapping.yaml").write_text("# Mappings of Secretaries of State\nfoo: bar\n")
    (raw / "README.md").write_text("# notes\n")
    (raw / "publication.json").write_text('{"base_path": "/government/x", "schema_name": "publication", "details": {}}')
    (raw / "mystery.csv").write_text("a,b,c\n1,2,3\n")
    report = build(raw, tmp_path / "w.duckdb")  # no --keep-going
    status = {f.path.name: (f.status, f.message) for f in report.files}
    assert status["mapping.yaml"] == ("ignored", "not a data file type (.yaml): listed, not read")
    assert status["README.md"][0] == "ignored"
    assert status["publication.json"][0] == "unrecognised" and "'publication' page" in status["publication.json"][1]
    assert status["mystery.csv"][0] == "unrecognised" and "not recognised" in status["mystery.csv"][1]
    assert not report.unreadable


def test_a_notice_in_two_files_is_loaded_once_and_counted_as_superseded(tmp_path: Path, sample_raw: Path) -> None:
    raw = _small_raw(tmp_path, sample_raw)
    search = sorted((raw / "contracts-finder").glob("*_procurement.json"))[0]
    shutil.copy(search, raw / "contracts-finder" / "zz-copy-with-one-more-byte.json")
    (raw / "contracts-finder" / "zz-copy-with-one-more-byte.json").write_bytes(search.read_bytes() + b"\n")
    out = tmp_path / "w.duckdb"
    build(raw, out)
    read, loaded, superseded = q(
        out,
        "SELECT rows_read, rows_loaded, rows_superseded FROM build_files WHERE file_name = 'zz-copy-with-one-more-byte.json'",
    )[0]
    assert read > 0 and loaded == 0 and superseded == read
    in_fact = q(out, "SELECT count(*) FROM fact_contract_notice")[0][0]
    notices = "SELECT sum(rows_loaded) FROM build_files WHERE source IN ('contracts_finder', 'find_a_tender')"
    assert in_fact == q(out, notices)[0][0]  # every notice file's loaded rows, Find a Tender's pages included
    kept_by = q(
        out, "SELECT DISTINCT superseded_by FROM meta_superseded_rows WHERE file_name = 'zz-copy-with-one-more-byte.json'"
    )
    assert kept_by == [(search.name,)]


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="real published files in ../shared/data are not present")
def test_real_files_end_to_end(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for folder in ("govspend-gcloud", "ons-geography", "govuk-organisations"):
        shutil.copytree(SHARED_DATA / folder, raw / folder)
    out = tmp_path / "real.duckdb"
    report = build(raw, out)
    assert not report.is_sample
    # exactly the raw column summed as decimals
    assert str(q(out, "SELECT sum(amount) FROM fact_marketplace_spend")[0][0]) == "217455674.3915"
    # Every council the ONS lookup names that buys in the 2014 file is resolved. Only Local Government
    # buyers count: "Salford" in the Health sector is a primary care trust, not Salford City Council.
    unresolved_councils = q(
        out,
        """SELECT b.buyer_name FROM dim_buyer b JOIN dim_lad l
             ON regexp_replace(lower(b.normalized_name), '[^a-z]', '', 'g')
              = regexp_replace(lower(l.lad_name), '[^a-z]', '', 'g')
           WHERE b.match_method = 'unresolved' AND b.sector = 'Local Government'""",
    )
    assert unresolved_councils == []
    local = q(
        out,
        "SELECT names_resolved_pct, spend_resolved_pct FROM mart_buyer_match_rates WHERE sector = 'Local Government'",
    )
    assert local[0][0] > 80 and local[0][1] > 95
