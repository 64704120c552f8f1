"""The issue's acceptance test: `python -m pipelines fetch` against one local replay of every publisher brings
every source into the raw folder, `python -m pipelines build` turns it into a warehouse whose data page lists
every file's URL and fetch time, and a second fetch makes only conditional or incremental requests.

The publishers are `tests.publishers.Publishers` on one ReplayServer (127.0.0.1; recorded payloads from
../shared/data, skipped when a folder is absent). Both fetches are the real command in a subprocess, every base
URL pointed at the server; the requests of each run are read back from the server's log and sorted into classes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines import config
from pipelines.config import ROOT
from pipelines.core.fetching import STATUS_FILE, Manifest, read_manifest
from pipelines.fetch import SOURCES
from pipelines.marketplace.fetch import QUERIES as MARKETPLACE_QUERIES
from pipelines.notices.fetch import STAMP
from pipelines.sme_spend.fetch import QUERIES as SME_QUERIES
from tests.publishers import (
    CF_PATH,
    FTS_PATH,
    POSTCODES,
    PUBLICATIONS,
    Publishers,
    organisation_pages,
)
from tests.replay import ReplayServer, Seen

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(Publishers.missing()), reason=f"recorded payloads absent: {Publishers.missing()}"),
]

KEYS = ("govuk", "arcgis", "nomis", "github_api", "github_raw", "contracts_finder", "find_a_tender")
NOTICES = ("contracts-finder", "find-a-tender")


@dataclass
class Fetched:
    """Two fetches and a build in between, against one replay of every publisher."""

    server: ReplayServer
    publishers: Publishers
    raw: Path
    warehouse: Path
    first: list[Seen]
    second: list[Seen]
    before: dict[str, tuple[str, str]]  # rel_path -> (SHA-256, manifest fetched_at), after the first run
    after: dict[str, tuple[str, str]]  # the same after the second run
    windows: dict[str, list[tuple[str, str]]]  # notices source -> the date windows asked, run by run


def fetch(server: ReplayServer, raw: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PROCUREMENT_FETCH_WAIT_SCALE": "0.000001"}
    env.update({f"PROCUREMENT_FETCH_{k.upper()}_URL": server.url for k in KEYS})
    return subprocess.run(
        [sys.executable, "-m", "pipelines", "fetch", "--raw", str(raw)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def data_files(folder: Path) -> list[Path]:
    """The files a fetch wrote under `folder`, without the hidden manifests, state and status files."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def snapshot(raw: Path) -> dict[str, tuple[str, str]]:
    out = {}
    for path in data_files(raw):
        manifest = read_manifest(path)
        assert manifest is not None, f"{path} has no manifest"
        out[path.relative_to(raw).as_posix()] = (hashlib.sha256(path.read_bytes()).hexdigest(), manifest.fetched_at)
    return out


def manifests(raw: Path) -> dict[str, Manifest]:
    found = {}
    for path in data_files(raw):
        manifest = read_manifest(path)
        assert manifest is not None, f"{path} has no manifest"
        found[path.relative_to(raw).as_posix()] = manifest
    return found


def utc(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(dt.UTC).replace(tzinfo=None)


@pytest.fixture(scope="module")
def fetched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fetched]:
    tmp = tmp_path_factory.mktemp("everything")
    raw, warehouse = tmp / "raw", tmp / "warehouse.duckdb"
    with ReplayServer() as server:
        publishers = Publishers(server)
        publishers.serve()
        first_run = fetch(server, raw)
        assert first_run.returncode == 0, first_run.stderr
        first, before = list(server.log), snapshot(raw)
        built = subprocess.run(
            [sys.executable, "-m", "pipelines", "build", "--raw", str(raw), "--out", str(warehouse)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert built.returncode == 0, built.stderr
        server.clear()
        second_run = fetch(server, raw)
        assert second_run.returncode == 0, second_run.stderr
        windows = {
            "contracts-finder": publishers.contracts_finder.windows,
            "find-a-tender": publishers.find_a_tender.windows,
        }
        yield Fetched(server, publishers, raw, warehouse, first, list(server.log), before, snapshot(raw), windows)


def test_the_first_run_brings_every_source_with_manifests_and_an_ok_status(fetched: Fetched) -> None:
    for name in SOURCES:
        folder = fetched.raw / name
        files = data_files(folder)
        assert files, f"{name}: no data file fetched"
        for path in files:
            manifest = read_manifest(path)
            assert manifest is not None and manifest.source == name, f"{path}: no manifest of {name}"
            assert (
                manifest.url.startswith(fetched.server.url + "/")
                and manifest.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
            )
        status = json.loads((folder / STATUS_FILE).read_text(encoding="utf-8"))
        assert status["ok"] is True and status["errors"] == [], (name, status["errors"])
    assert all("tech-procurement-reform-dashboard" in s.headers["user-agent"] for s in fetched.first)


def test_the_warehouse_lists_every_fetched_file_loaded_with_its_url_and_fetch_time(fetched: Fetched) -> None:
    con = duckdb.connect(str(fetched.warehouse), read_only=True)
    try:
        rows = con.sql(
            """SELECT rel_path, status, fetch_url, fetched_at, rows_read, rows_loaded, rows_rejected, rows_superseded
               FROM build_files"""
        ).fetchall()
        statuses = con.sql("SELECT source_folder, succeeded FROM build_fetch_status ORDER BY 1").fetchall()
    finally:
        con.close()
    by_path = {r[0]: r for r in rows}
    expected = manifests(fetched.raw)
    assert set(by_path) == set(expected)  # every fetched file, and nothing the fetch did not write
    for rel, manifest in expected.items():
        _, status, url, fetched_at, read, loaded, rejected, superseded = by_path[rel]
        assert (status, url, fetched_at) == ("loaded", manifest.url, utc(manifest.fetched_at)), rel
        assert read > 0 and rejected == 0 and read == loaded + superseded, rel
    assert statuses == sorted((name, True) for name in SOURCES)


def test_the_data_page_shows_every_file_s_url_and_fetch_time(fetched: Fetched, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.safe_text import for_display
    from tests.dashboard.conftest import download, read_csv_download, run_page

    monkeypatch.setenv("PROCUREMENT_WAREHOUSE", str(fetched.warehouse))
    at = run_page("data")
    assert not at.exception
    [screen] = [d.value for d in at.dataframe if {"rel_path", "fetch_url", "fetched_at"} <= set(d.value.columns)]
    shown = {row.rel_path: (row.fetch_url, row.fetched_at.to_pydatetime()) for row in screen.itertuples()}
    got = read_csv_download(download(at, "data_files_csv"))
    downloaded = {r["rel_path"]: (r["fetch_url"], r["fetched_at"]) for r in got.iter_rows(named=True)}
    for rel, manifest in manifests(fetched.raw).items():
        assert shown[rel] == (for_display(manifest.url), utc(manifest.fetched_at)), rel
        assert downloaded[rel][0] == manifest.url and utc(downloaded[rel][1]) == utc(manifest.fetched_at), rel


def request_class(seen: Seen, windows: dict[str, list[tuple[str, str]]]) -> str:
    """conditional (If-None-Match / If-Modified-Since), incremental (a notices window starting at the first
    run's end less the overlap), freshness probe (an ArcGIS layer description), or other."""
    if seen.conditional:
        return "conditional"
    overlap = dt.timedelta(minutes=config.FETCH_NOTICES_OVERLAP_MINUTES)
    for name, path, start in (
        ("contracts-finder", CF_PATH, "publishedFrom"),
        ("find-a-tender", FTS_PATH, "updatedFrom"),
    ):
        if seen.path == path:
            first_end = dt.datetime.strptime(windows[name][0][1], STAMP)
            asked = seen.arg(start)
            return "incremental" if asked == (first_end - overlap).strftime(STAMP) else "other"
    # ArcGIS sends no validator: the layer description's lastEditDate, compared with the manifest's, is the check.
    if seen.path.endswith("/FeatureServer/0") and seen.arg("f") == "json":
        return "freshness probe"
    return "other"


def test_a_second_run_makes_only_conditional_or_incremental_requests(fetched: Fetched) -> None:
    classes = Counter(request_class(s, fetched.windows) for s in fetched.second)
    unexpected = [(s.path, s.query) for s in fetched.second if request_class(s, fetched.windows) == "other"]
    assert not unexpected, unexpected
    roles = len(data_files(fetched.raw / "govuk-ministers" / "roles"))
    conditional = {
        "govuk-organisations": len(organisation_pages(fetched.server.url)),
        "govuk-ministers": 1 + roles,  # the index and every role page
        "ifg-ministers": 1,  # the latest commit: a 304, so no table is asked for
        "nomis-population": 1,  # the first page: a 304 keeps the joined pages
        "searches": len(SME_QUERIES) + len(MARKETPLACE_QUERIES),  # one answer page each
        "publication pages": len(PUBLICATIONS),
        "attachments": len(PUBLICATIONS),
        "ccs-customer-urn": 2,  # the guidance page and its workbook
    }
    assert classes == {
        "conditional": sum(conditional.values()),
        "freshness probe": len(config.ONS_SERVICES) + len(config.ONS_POSTCODE_SERVICES),
        "incremental": len(NOTICES),  # one empty page each: nothing was published since
    }
    assert len(fetched.second) == sum(classes.values())
    for name in NOTICES:
        assert len(fetched.windows[name]) == 2 and fetched.windows[name][1][1] >= fetched.windows[name][0][1]


def test_the_second_run_downloads_nothing_again(fetched: Fetched) -> None:
    assert fetched.after == fetched.before  # the same files, the same bytes, and no fetched_at moved
    for name in SOURCES:
        status = json.loads((fetched.raw / name / STATUS_FILE).read_text(encoding="utf-8"))
        files = status["files"]
        assert status["ok"] is True and files["new"] == files["changed"] == files["kept"] == 0, (name, files)
        expected = 0 if name in NOTICES else len(data_files(fetched.raw / name))
        assert files["unchanged"] == expected, (name, files)


def test_the_fetched_urn_list_and_postcode_lookup_place_the_customers(fetched: Fetched) -> None:
    """The two files that place non-council buyers: every customer of the CCS workbook gets its district."""
    con = duckdb.connect(str(fetched.warehouse), read_only=True)
    try:
        placed = dict(con.sql("SELECT postcode, lad_code FROM dim_ccs_customer").fetchall())
    finally:
        con.close()
    assert placed == dict(POSTCODES)


def test_every_fetched_combined_authority_lookup_reaches_the_warehouse(fetched: Fetched) -> None:
    """The fetched region lookup is of one vintage and the CA lookups of others (config.ONS_SERVICES): each CA
    lookup's vintage still gets its districts, so its memberships are ONS's, and the newest of them is what the
    pages show, rather than the reference CSV's guess for the region lookup's year."""
    ca_vintages = sorted(2000 + int(s[3:5]) for f, s, _ in config.ONS_SERVICES if "CAUTH" in s and f.endswith(".csv"))
    con = duckdb.connect(str(fetched.warehouse), read_only=True)
    try:
        notes = dict(
            con.sql(
                "SELECT vintage, any_value(source_note) FROM dim_combined_authority"
                " WHERE ca_code <> 'E61000001' GROUP BY vintage"
            ).fetchall()
        )
        (area_vintage,) = con.sql("SELECT max(vintage) FROM dim_area WHERE area_level <> 'national'").fetchall()[0]
    finally:
        con.close()
    for vintage in ca_vintages:
        assert notes[vintage].startswith("ONS LAD to combined authority lookup"), (vintage, notes[vintage])
    assert area_vintage == max(ca_vintages)
