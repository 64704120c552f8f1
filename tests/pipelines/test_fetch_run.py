"""`python -m pipelines fetch` as a whole: sources run one after another, one failing does not stop the others,
the exit status says whether all succeeded, and `build` records each fetched file's URL and fetch time.

Against a replay server on 127.0.0.1 with small hand-built answers in the publishers' documented shapes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from pipelines.config import ROOT
from pipelines.core.fetching import STATUS_FILE
from pipelines.fetch import SOURCES, run
from tests.replay import ReplayServer, Reply, Seen, fetch_settings, quick_http

LADS = [
    ("E08000003", "Manchester", "E12000002", "North West"),
    ("E08000001", "Bolton", "E12000002", "North West"),
    ("E09000007", "Camden", "E12000007", "London"),
]
SERVICES = (("lad24_rgn24_lookup.csv", "LAD24_RGN24_EN_LU", "lookup"),)
ORGANISATION = {
    "id": "https://www.gov.uk/api/organisations/cabinet-office",
    "title": "Cabinet Office",
    "format": "Ministerial department",
    "updated_at": "2026-01-01T10:00:00.000+00:00",
    "web_url": "https://www.gov.uk/government/organisations/cabinet-office",
    "details": {"slug": "cabinet-office", "abbreviation": "CO", "govuk_status": "live", "closed_at": None},
    "analytics_identifier": "D2",
    "parent_organisations": [],
    "child_organisations": [],
    "superseded_organisations": [],
    "superseding_organisations": [],
}


def lookup(seen: Seen) -> Reply:
    fields = ["LAD24CD", "LAD24NM", "RGN24CD", "RGN24NM", "ObjectId"]
    features = [{"attributes": dict(zip(fields, [*row, n], strict=True))} for n, row in enumerate(LADS, 1)]
    return Reply.json({"fields": [{"name": f} for f in fields], "features": features})


def serve(replay: ReplayServer, organisations_fail: bool = False) -> None:
    replay.route("/LAD24_RGN24_EN_LU/FeatureServer/0", Reply.json({"editingInfo": {"lastEditDate": 1}}))
    replay.route("/LAD24_RGN24_EN_LU/FeatureServer/0/query", lookup)
    page = {"results": [ORGANISATION], "current_page": 1, "pages": 1, "total": 1}
    replay.route(
        "/api/organisations",
        Reply(status=500, body=b"down") if organisations_fail else Reply.json(page, etag='"o1"'),
    )


def test_one_source_failing_does_not_stop_the_others(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay, organisations_fail=True)
    reports = run(
        tmp_path,
        only=["govuk-organisations", "ons-geography"],
        settings=fetch_settings(replay, ons_services=SERVICES),
        http=quick_http(),
    )
    by_name = {r.source: r for r in reports}
    assert not by_name["govuk-organisations"].ok and by_name["ons-geography"].ok
    assert "/api/organisations?page=1: HTTP 500" in by_name["govuk-organisations"].errors[0]
    status = json.loads((tmp_path / "govuk-organisations" / STATUS_FILE).read_text())
    assert status["ok"] is False and status["errors"] and status["finished_at"].endswith("Z")
    assert (tmp_path / "ons-geography" / "lad24_rgn24_lookup.csv").exists()


def test_every_source_is_listed_once() -> None:
    assert list(SOURCES) == [
        "govuk-organisations",
        "ccs-customer-urn",
        "govuk-ministers",
        "ifg-ministers",
        "ons-geography",
        "ons-postcode-lookup",
        "nomis-population",
        "sme-spend",
        "marketplace",
        "contracts-finder",
        "find-a-tender",
    ]


def cli(replay: ReplayServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PROCUREMENT_FETCH_WAIT_SCALE": "0.000001"}
    env.update({f"PROCUREMENT_FETCH_{k.upper()}_URL": replay.url for k in ("govuk", "arcgis")})
    return subprocess.run(
        [sys.executable, "-m", "pipelines", "fetch", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_exits_0_when_all_succeed_and_1_naming_the_failure(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay)
    ok = cli(replay, "--only", "govuk-organisations", "--raw", str(tmp_path))
    assert ok.returncode == 0, ok.stderr
    assert "Every source fetched" in ok.stderr and (tmp_path / "govuk-organisations" / "page-0001.json").exists()
    assert all("tech-procurement-reform-dashboard" in s.headers["user-agent"] for s in replay.log)
    serve(replay, organisations_fail=True)
    failed = cli(replay, "--only", "govuk-organisations", "--raw", str(tmp_path))
    assert failed.returncode == 1
    assert f"{replay.url}/api/organisations?page=1: HTTP 500" in failed.stderr.replace("\n", "")
    assert (tmp_path / "govuk-organisations" / "page-0001.json").exists()  # what came before is kept


def fetch_two_and_build(replay: ReplayServer, tmp_path: Path, organisations_fail: bool = False) -> Path:
    """Fetch organisations and ONS into tmp_path/raw, add a folder filled by hand (no manifest, no status), build."""
    from pipelines.warehouse.build import build

    serve(replay, organisations_fail=organisations_fail)
    raw = tmp_path / "raw"
    run(
        raw,
        only=["govuk-organisations", "ons-geography"],
        settings=fetch_settings(replay, ons_services=SERVICES),
        http=quick_http(),
    )
    (raw / "by-hand").mkdir()
    (raw / "by-hand" / "lookup.csv").write_text(
        "LAD22CD,LAD22NM,RGN22CD,RGN22NM\nE08000003,Manchester,E12000002,North West\n"
    )
    out = tmp_path / "warehouse.duckdb"
    build(raw, out, keep_going=True)
    return out


def test_the_build_records_each_fetched_file_s_url_and_fetch_time(replay: ReplayServer, tmp_path: Path) -> None:
    out = fetch_two_and_build(replay, tmp_path)
    con = duckdb.connect(str(out), read_only=True)
    try:
        rows = con.sql(
            "SELECT rel_path, status, fetch_url, fetched_at, fetch_checked_at, fetch_note FROM build_files ORDER BY rel_path"
        ).fetchall()
    finally:
        con.close()
    by_path = {r[0]: r for r in rows}
    assert set(by_path) == {
        "by-hand/lookup.csv",
        "govuk-organisations/page-0001.json",
        "ons-geography/lad24_rgn24_lookup.csv",
    }
    lookup_row = by_path["ons-geography/lad24_rgn24_lookup.csv"]
    assert lookup_row[1] == "loaded" and lookup_row[2] == f"{replay.url}/LAD24_RGN24_EN_LU/FeatureServer/0/query"
    assert lookup_row[3] is not None and lookup_row[4] is not None
    assert by_path["govuk-organisations/page-0001.json"][2] == f"{replay.url}/api/organisations?page=1"
    assert by_path["by-hand/lookup.csv"][2:] == (None, None, None, None)


def test_scripts_run_real_fetches_builds_and_then_serves(replay: ReplayServer, tmp_path: Path) -> None:
    """scripts/run --real in a copy whose .venv/bin/python runs the real pipelines, with pip and streamlit stood in."""
    import shutil

    serve(replay)
    repo, log = tmp_path / "checkout", tmp_path / "calls.log"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "run", repo / "scripts" / "run")
    (repo / "requirements.txt").write_text("")
    python = repo / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "python $*" >> "{log}"\n'
        'case "$1 $2" in "-m pip") exit 0 ;; "-m streamlit") exit 0 ;; esac\n'
        f'cd "{ROOT}" && exec "{sys.executable}" "$@"\n'
    )
    python.chmod(0o755)
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse.duckdb"
    env = {
        **os.environ,
        "PROCUREMENT_RAW_DIR": str(raw),
        "PROCUREMENT_WAREHOUSE": str(warehouse),
        "PROCUREMENT_FETCH_WAIT_SCALE": "0.000001",
    }
    keys = ("govuk", "arcgis", "nomis", "github_api", "github_raw", "contracts_finder", "find_a_tender")
    env.update({f"PROCUREMENT_FETCH_{k.upper()}_URL": replay.url for k in keys})
    result = subprocess.run(
        [str(repo / "scripts" / "run"), "--real", "--server.port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    calls = [c for c in log.read_text().splitlines() if c.startswith("python -m")]
    assert [c.split()[2] for c in calls] == ["pip", "pipelines", "pipelines", "streamlit"]
    assert calls[1] == "python -m pipelines fetch" and calls[2].startswith("python -m pipelines build --wait")
    assert calls[3].endswith("--server.port 1")  # --real is the script's, not streamlit's
    assert "some publishers could not be fetched" in result.stderr  # the ones this server does not play
    assert warehouse.exists() and (raw / "govuk-organisations" / "page-0001.json").exists()


def test_the_build_records_whether_each_source_s_last_fetch_succeeded(replay: ReplayServer, tmp_path: Path) -> None:
    """build_fetch_status has one row per fetched source, as its .fetch-status.json says (read here with json)."""
    out = fetch_two_and_build(replay, tmp_path, organisations_fail=True)
    raw = tmp_path / "raw"
    con = duckdb.connect(str(out), read_only=True)
    try:
        rows = con.sql(
            "SELECT source_folder, succeeded, requests, files_new, errors FROM build_fetch_status ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    expected = []
    for name in ("govuk-organisations", "ons-geography"):
        status = json.loads((raw / name / STATUS_FILE).read_text(encoding="utf-8"))
        errors = " | ".join(status["errors"]) or None
        expected.append((name, status["ok"], status["requests"], status["files"]["new"], errors))
    assert rows == expected
    assert rows[0][1] is False and rows[0][4] and f"{replay.url}/api/organisations" in rows[0][4]
    assert rows[1][1] is True and rows[1][3] == 1


def test_a_damaged_status_file_reads_as_a_failed_fetch(tmp_path: Path) -> None:
    from pipelines.warehouse.meta import fetch_status_frame

    (tmp_path / "ons-geography").mkdir()
    (tmp_path / "ons-geography" / STATUS_FILE).write_text("{not json", encoding="utf-8")
    (tmp_path / "govuk-ministers").mkdir()
    (tmp_path / "govuk-ministers" / STATUS_FILE).write_text(
        json.dumps({"ok": "yes", "requests": -3, "files": [], "errors": "x"}), encoding="utf-8"
    )
    frame = fetch_status_frame(tmp_path).sort("source_folder")
    assert frame["source_folder"].to_list() == ["govuk-ministers", "ons-geography"]
    assert frame["succeeded"].to_list() == [False, False]  # "ok": "yes" is not true; unreadable is not a success
    assert frame["requests"].to_list() == [None, None]
    assert frame["errors"][1].endswith(f"{STATUS_FILE}: unreadable")
