"""mart_expiry_pipeline and mart_department_advertising: a hand-built procurement history through the real build, and
the fixture warehouse's marts recomputed independently (plain Python over the fact's rows)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse.build import build
from tests.pipelines.notices.test_contracts_finder import release

OCID = "ocds-b5fd17-11111111-2222-4333-8444-555555555555"


def guid(n: int) -> str:
    return f"aaaaaaaa-1111-4222-8333-{n:012d}-{n}"


def history() -> list[dict]:
    """One IT procurement: award (ends 31 Mar 2027), awardUpdate extending it to 30 Sep 2027, then a planning
    notice re-letting it; and a second, non-IT award whose period is stated under contracts[] only."""
    award = release(guid(1), ocid=OCID, date="2025-02-01T10:00:00Z")
    award["tender"]["classification"] = {"scheme": "CPV", "id": "72000000"}
    award["awards"][0]["contractPeriod"] = {"startDate": "2025-04-01", "endDate": "2027-03-31T23:59:59+01:00"}
    update = json.loads(json.dumps(award)) | {"id": guid(2), "date": "2025-09-01T10:00:00Z", "tag": ["awardUpdate"]}
    update["awards"][0]["contractPeriod"]["endDate"] = "2027-09-30T23:59:59+01:00"
    relet = release(guid(3), ocid=OCID, date="2026-06-01T10:00:00Z", tag=["planning"], awards=[])
    other = release(guid(4), ocid="ocds-b5fd17-other", date="2025-03-01T10:00:00Z")
    other["contracts"] = [{"id": "c1", "period": other["awards"][0].pop("contractPeriod")}]
    return [award, update, relet, other]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    raw = tmp_path_factory.mktemp("expiry_raw")
    (raw / "contracts-finder").mkdir()
    lines = "\n".join(json.dumps(r) for r in history()) + "\n"
    (raw / "contracts-finder" / "history.jsonl").write_text(lines, encoding="utf-8")
    out = tmp_path_factory.mktemp("expiry_wh") / "warehouse.duckdb"
    build(raw, out)
    con = duckdb.connect(str(out), read_only=True)
    yield con
    con.close()


def test_a_procurement_counts_once_from_its_newest_award_notice(small: duckdb.DuckDBPyConnection) -> None:
    rows = small.sql(
        """SELECT contract_id, notice_id, contract_end, original_contract_end, end_date_change, n_award_notices,
                  n_later_notices, relet_notice_id, is_it, it_rule, contract_period_source, value_source,
                  CAST(value_gbp AS DOUBLE), incumbent_is_sme, supplier_names
           FROM mart_expiry_pipeline ORDER BY contract_id"""
    ).fetchall()
    assert rows == [
        (
            OCID,
            guid(2),
            dt.date(2027, 9, 30),
            dt.date(2027, 3, 31),
            "extended",
            2,
            2,  # the awardUpdate and the planning notice came after the first award notice
            guid(3),
            True,
            "main_cpv",
            "award",
            "awarded",
            93007.5,
            True,
            "Small Co Ltd",
        ),
        (
            "ocds-b5fd17-other",
            guid(4),
            dt.date(2025, 4, 23),
            dt.date(2025, 4, 23),
            None,
            1,
            0,
            None,
            False,
            "no_it_cpv",
            "contract",
            "awarded",
            93007.5,
            True,
            "Small Co Ltd",
        ),
    ]


def test_department_advertising_is_empty_without_central_buyers(small: duckdb.DuckDBPyConnection) -> None:
    # The buyer is a London borough (a council once geography is loaded; unresolved here): no department.
    assert small.sql("SELECT count(*) FROM mart_department_advertising").fetchall()[0] == (0,)


# --------------------------------------------------------------------------------------------- fixture warehouse


def fact_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    cur = con.sql(
        """SELECT notice_id, ocid, published_date, source_file, source_line, awarded_date, contract_end, notice_type,
                  is_it, awarded_value, tender_value, awarded_to_sme, buyer_name, financial_year, suitable_for_sme
           FROM fact_contract_notice"""
    )
    names = cur.columns
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_fixture_expiry_mart_matches_an_independent_recount(fixture_warehouse: Path) -> None:
    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        rows = fact_rows(con)
        mart = {
            r[0]: r[1:]
            for r in con.sql(
                "SELECT contract_id, notice_id, contract_end, is_it, value_gbp, end_date_change FROM mart_expiry_pipeline"
            ).fetchall()
        }
    finally:
        con.close()
    contracts: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["awarded_date"] is not None and r["contract_end"] is not None:
            contracts[r["ocid"] or f"notice:{r['notice_id']}"].append(r)
    expected = {}
    for key, notices in contracts.items():
        notices.sort(key=lambda r: (r["published_date"], r["source_file"], r["source_line"], r["notice_id"]))
        newest, first = notices[-1], notices[0]
        change = None
        if newest["contract_end"] != first["contract_end"]:
            change = "extended" if newest["contract_end"] > first["contract_end"] else "shortened"
        value = newest["awarded_value"] if newest["awarded_value"] is not None else newest["tender_value"]
        expected[key] = (newest["notice_id"], newest["contract_end"], newest["is_it"], value, change)
    assert mart == expected
    assert sum(1 for v in expected.values() if v[4] == "extended") > 0, "the sample extends some contracts"
    assert sum(1 for v in expected.values() if v[2]) > 0, "the sample has IT contracts"


def test_fixture_expiry_mart_horizons_have_contracts(fixture_warehouse: Path) -> None:
    """The sample gives every window of the page something to show (from its AS_OF, 25 November 2026)."""
    from pipelines.notices.sample import AS_OF

    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        counts = [
            con.sql(
                "SELECT count(*) FROM mart_expiry_pipeline WHERE is_it AND contract_end BETWEEN $a AND $b",
                params={"a": AS_OF, "b": AS_OF + dt.timedelta(days=days)},
            ).fetchall()[0][0]
            for days in (182, 365, 730, 1095)
        ]
        relets = con.sql("SELECT count(*) FROM mart_expiry_pipeline WHERE relet_notice_id IS NOT NULL").fetchall()[0][0]
    finally:
        con.close()
    assert 0 < counts[0] < counts[1] < counts[2] < counts[3]
    assert relets > 0


def test_fixture_department_advertising_matches_an_independent_recount(fixture_warehouse: Path) -> None:
    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        rows = fact_rows(con)
        buyers = {
            name: (dept, lineage)
            for name, dept, lineage in con.sql(
                """SELECT b.buyer_name, b.department_id, coalesce(d.lineage_id, b.department_id)
                   FROM dim_buyer b LEFT JOIN dim_minister_department d USING (department_id)
                   WHERE b.org_kind = 'central_government' AND b.department_id IS NOT NULL"""
            ).fetchall()
        }
        mart = {
            (r[0], r[1]): r[2:]
            for r in con.sql(
                """SELECT lineage_id, financial_year, notices, suitable_for_sme, awards_size_stated, awarded_to_sme
                   FROM mart_department_advertising"""
            ).fetchall()
        }
    finally:
        con.close()
    expected: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in rows:
        if r["buyer_name"] not in buyers:
            continue
        counts = expected[(buyers[r["buyer_name"]][1], r["financial_year"])]
        counts[0] += 1
        counts[1] += bool(r["suitable_for_sme"])
        counts[2] += r["awarded_to_sme"] is not None
        counts[3] += bool(r["awarded_to_sme"])
    assert mart == {k: tuple(v) for k, v in expected.items()}
    assert len(mart) > 5


# --------------------------------------------------------------------------------------------- the real extract


def real_expected(path: Path) -> dict[str, tuple[str, float | None, bool]]:
    """ocid -> (end date, value, is IT) from the raw JSON with the standard library: the newest release (by date,
    then line) that has a standing award with a date and a contract end (award, else contract, else tender)."""
    from pipelines.notices.cpv import it_cpv_rules
    from tests.pipelines.notices.test_cpv import independent_is_it

    rules = list(it_cpv_rules().select("prefix", "rule").iter_rows())
    best: dict[str, tuple[tuple[str, int], str, float | None, bool]] = {}
    for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        rel = json.loads(text)
        awards = [a for a in rel.get("awards") or [] if str(a.get("status") or "").lower() not in ("cancelled", "unsuccessful")]
        if not any(a.get("date") for a in awards):
            continue
        periods = [a.get("contractPeriod") or {} for a in awards] + [c.get("period") or {} for c in rel.get("contracts") or []]
        periods.append((rel.get("tender") or {}).get("contractPeriod") or {})
        period = next((p for p in periods if p.get("startDate") or p.get("endDate")), {})
        if not period.get("endDate"):
            continue
        amounts = [(a.get("value") or {}).get("amount") for a in awards]
        amounts = [x for x in amounts if x is not None]
        value = round(sum(amounts), 2) if amounts else ((rel.get("tender") or {}).get("value") or {}).get("amount")
        rank = (rel["date"][:10], line)
        if rel["ocid"] not in best or rank > best[rel["ocid"]][0]:
            best[rel["ocid"]] = (rank, period["endDate"][:10], value, independent_is_it(rel, rules))
    return {ocid: (end, value, it) for ocid, (_, end, value, it) in best.items()}


def test_real_extract_pipeline_matches_the_raw_json(tmp_path: Path) -> None:
    from tests.pipelines.notices.test_contracts_finder import REAL_OCDS

    if not REAL_OCDS.exists():
        pytest.skip(f"real Contracts Finder OCDS extract not present at {REAL_OCDS}")
    raw = tmp_path / "raw" / "contracts-finder"
    raw.mkdir(parents=True)
    (raw / REAL_OCDS.name).write_bytes(REAL_OCDS.read_bytes())  # a temporary copy for the build, never in the repo
    out = tmp_path / "warehouse.duckdb"
    build(raw.parent, out)
    con = duckdb.connect(str(out), read_only=True)
    try:
        got = {
            ocid: (end.isoformat(), None if value is None else float(value), it)
            for ocid, end, value, it in con.sql(
                "SELECT contract_id, contract_end, value_gbp, is_it FROM mart_expiry_pipeline"
            ).fetchall()
        }
    finally:
        con.close()
    expected = real_expected(REAL_OCDS)
    assert got.keys() == expected.keys()
    for ocid, (end, value, it) in expected.items():
        assert got[ocid][0] == end and got[ocid][2] == it, ocid
        assert got[ocid][1] == pytest.approx(value), ocid
    assert (len(got), sum(1 for v in got.values() if v[2])) == (141, 29)
