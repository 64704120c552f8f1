"""Contracts Finder and Find a Tender, end to end against a replay server on 127.0.0.1.

Contracts Finder pages are release packages built from the 201 recorded real releases in
../shared/data/contracts-finder (skipped when absent), paged by cursor through `links.next`; Find a Tender
packages are hand-built in the documented shape. Rate limits (403 with an HTML page; 429 with Retry-After),
bytes that are not UTF-8, resuming a window cut short and incremental second runs are checked.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pipelines.core.fetching import read_manifest, read_state
from pipelines.notices.fetch import CF_NAME, FTS_NAME, fetch_contracts_finder, fetch_find_a_tender
from tests.replay import ReplayServer, Reply, Seen, context, shared

RECORDED = shared("contracts-finder", "ocds-releases-2025", "contracts_finder_ocds_releases_sample.jsonl")
CF_PATH = "/Published/Notices/OCDS/Search"
FTS_PATH = "/api/1.0/ocdsReleasePackages"
RATE_LIMIT_PAGE = b"<html><body>The request rate limit may have been exceeded</body></html>"


def package(base: str, path: str, releases: list[dict], cursor: str | None) -> bytes:
    data: dict = {"uri": f"{base}{path}", "publisher": {"name": "Cabinet Office"}, "releases": releases}
    if cursor:
        data["links"] = {"next": f"{base}{path}?cursor={cursor}&limit=100"}
    return json.dumps(data).encode("utf-8")


class Paged:
    """A cursor-paged search over fixed releases; the first request checks its window parameters."""

    def __init__(self, base: str, path: str, releases: list[dict], size: int, names: tuple[str, str]):
        self.base, self.path, self.releases, self.size, self.names = base, path, releases, size, names
        self.windows: list[tuple[str | None, str | None]] = []
        self.fail_at: int | None = None
        self.garble: bool = False

    def __call__(self, seen: Seen) -> Reply:
        assert "stages" not in seen.query
        cursor = int(seen.arg("cursor") or 0)
        if not cursor:
            self.windows.append((seen.arg(self.names[0]), seen.arg(self.names[1])))
            assert seen.arg("limit") == "100"
        if self.fail_at is not None and cursor == self.fail_at:
            return Reply(status=500, body=b"error")
        page = self.releases[cursor : cursor + self.size]
        more = cursor + self.size < len(self.releases)
        body = package(self.base, self.path, page, str(cursor + self.size) if more else None)
        if self.garble and cursor == 0:
            body = body.replace(b"Parking Pilot", b"Parking Pilot \xff\xfe")  # bytes that are not UTF-8
        return Reply.json(body)


def recorded_releases() -> list[dict]:
    if not RECORDED.exists():
        pytest.skip(f"{RECORDED} is absent (recorded Contracts Finder releases)")
    return [json.loads(line) for line in RECORDED.read_text(encoding="utf-8").splitlines() if line.strip()]


def page_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("page-*.json"))


def test_contracts_finder_pages_by_cursor_and_keeps_each_page_as_sent(replay: ReplayServer, tmp_path: Path) -> None:
    releases = recorded_releases()
    search = Paged(replay.url, CF_PATH, releases, 100, ("publishedFrom", "publishedTo"))
    search.garble = True
    replay.route(CF_PATH, search)
    ctx = context(replay, tmp_path, CF_NAME, since=dt.datetime(2025, 1, 1))
    fetch_contracts_finder(ctx)
    assert ctx.report.ok, ctx.report.errors
    files = page_files(tmp_path / CF_NAME)
    assert [f.name for f in files] == ["page-0001.json", "page-0002.json", "page-0003.json"]
    assert files[0].parent.name == "2025-01-01T000000"
    assert b"\xff\xfe" in files[0].read_bytes()  # kept exactly as sent
    assert "not valid UTF-8" in (read_manifest(files[0]).note or "")  # type: ignore[union-attr]
    ids = [r["id"] for f in files for r in json.loads(f.read_bytes().decode("utf-8", "replace"))["releases"]]
    assert sorted(ids) == sorted(r["id"] for r in releases)
    assert search.windows[0][0] == "2025-01-01T00:00:00"
    assert [s.arg("cursor") for s in replay.log] == [None, "100", "200"]
    manifest = read_manifest(files[1])
    assert manifest is not None and manifest.url.endswith("cursor=100&limit=100")
    assert manifest.licence == "Open Government Licence v3.0"


def test_contracts_finder_403_is_a_rate_limit_five_minutes_long(replay: ReplayServer, tmp_path: Path) -> None:
    releases = recorded_releases()[:5]
    search = Paged(replay.url, CF_PATH, releases, 100, ("publishedFrom", "publishedTo"))
    limited = Reply(status=403, body=RATE_LIMIT_PAGE, headers={"Content-Type": "text/html"})
    replay.route(CF_PATH, [limited, limited, Reply.json(package(replay.url, CF_PATH, releases, None))])
    del search
    ctx = context(replay, tmp_path, CF_NAME)
    fetch_contracts_finder(ctx)
    assert ctx.report.ok
    assert [w.seconds for w in ctx.http.waits if "403" in w.why] == [300.0, 300.0]
    assert len(page_files(tmp_path / CF_NAME)) == 1


def test_a_second_run_asks_only_since_the_last_one(replay: ReplayServer, tmp_path: Path) -> None:
    releases = recorded_releases()
    search = Paged(replay.url, CF_PATH, releases, 100, ("publishedFrom", "publishedTo"))
    replay.route(CF_PATH, search)
    fetch_contracts_finder(context(replay, tmp_path, CF_NAME))
    first_to = read_state(tmp_path / CF_NAME)["last_to"]
    first_from = dt.datetime.strptime(search.windows[0][0] or "", "%Y-%m-%dT%H:%M:%S")
    assert dt.datetime.now(dt.UTC).replace(tzinfo=None) - first_from > dt.timedelta(days=89)  # first run: 90 days
    search.releases = []  # nothing new since
    replay.clear()
    ctx = context(replay, tmp_path, CF_NAME)
    fetch_contracts_finder(ctx)
    assert len(replay.log) == 1  # one request: the window since the last run, empty
    start = dt.datetime.strptime(search.windows[1][0] or "", "%Y-%m-%dT%H:%M:%S")
    assert start == dt.datetime.strptime(first_to, "%Y-%m-%dT%H:%M:%S") - dt.timedelta(minutes=60)
    assert len(page_files(tmp_path / CF_NAME)) == 3  # nothing removed, no empty page written


def test_a_window_cut_short_is_resumed_from_its_next_page(replay: ReplayServer, tmp_path: Path) -> None:
    releases = recorded_releases()
    search = Paged(replay.url, CF_PATH, releases, 100, ("publishedFrom", "publishedTo"))
    search.fail_at = 100
    replay.route(CF_PATH, search)
    ctx = context(replay, tmp_path, CF_NAME, since=dt.datetime(2025, 1, 1))
    from pipelines.core.http import FetchError

    with pytest.raises(FetchError, match="cursor=100"):
        fetch_contracts_finder(ctx)
    state = read_state(tmp_path / CF_NAME)
    assert state["pending"]["page"] == 1 and "last_to" not in state
    assert len(page_files(tmp_path / CF_NAME)) == 1  # the page that came is kept
    search.fail_at = None
    replay.clear()
    fetch_contracts_finder(context(replay, tmp_path, CF_NAME))
    assert [s.arg("cursor") for s in replay.log][:2] == ["100", "200"]  # resumed, page 1 not asked again
    assert len(page_files(tmp_path / CF_NAME / "2025-01-01T000000")) == 3
    state = read_state(tmp_path / CF_NAME)
    assert "pending" not in state and state["last_to"]


def fts_release(n: int) -> dict:
    return {
        "ocid": f"ocds-h6vhtk-{n:06d}",
        "id": f"{n}-1",
        "date": "2025-03-01T10:00:00+00:00",
        "tag": ["tender"],
        "tender": {"title": f"Notice {n}", "value": {"amount": 1e6}},
        "buyer": {"name": "Borough Council"},
    }


def test_find_a_tender_honours_retry_after_and_never_sends_stages(replay: ReplayServer, tmp_path: Path) -> None:
    releases = [fts_release(n) for n in range(5)]
    search = Paged(replay.url, FTS_PATH, releases, 2, ("updatedFrom", "updatedTo"))
    turns = {"n": 0}

    def answer(seen: Seen) -> Reply:
        turns["n"] += 1
        if turns["n"] == 2:
            return Reply.json({"error": "Rate limit of 12 exceeded"}, status=429, headers={"Retry-After": "120"})
        return search(seen)

    replay.route(FTS_PATH, answer)
    ctx = context(replay, tmp_path, FTS_NAME, since=dt.datetime(2025, 2, 24, 9, 30))
    fetch_find_a_tender(ctx)
    assert ctx.report.ok, ctx.report.errors
    assert search.windows[0][0] == "2025-02-24T09:30:00"  # local time, no Z, never a bare date
    assert [w.seconds for w in ctx.http.waits if "429" in w.why] == [120.0]
    assert [w.seconds for w in ctx.http.waits if "429" not in w.why] == []
    assert len(page_files(tmp_path / FTS_NAME)) == 3
    assert all("stages" not in s.query for s in replay.log)
    assert read_manifest(page_files(tmp_path / FTS_NAME)[0]).publisher.startswith("Cabinet Office, Find a Tender")  # type: ignore[union-attr]


def test_find_a_tender_too_long_a_rate_limit_fails_the_source_and_keeps_the_cursor(
    replay: ReplayServer, tmp_path: Path
) -> None:
    from pipelines.core.http import FetchError

    replay.route(FTS_PATH, Reply(status=429, headers={"Retry-After": "86400"}))
    with pytest.raises(FetchError, match="86,400 s"):
        fetch_find_a_tender(context(replay, tmp_path, FTS_NAME))
    assert "last_to" not in read_state(tmp_path / FTS_NAME)
    assert page_files(tmp_path / FTS_NAME) == []


def test_a_page_that_is_not_a_release_package_is_an_error(replay: ReplayServer, tmp_path: Path) -> None:
    from pipelines.core.http import FetchError

    replay.route(FTS_PATH, Reply.json({"data": []}))
    with pytest.raises(FetchError, match="not an OCDS release package"):
        fetch_find_a_tender(context(replay, tmp_path, FTS_NAME))


def test_find_a_tender_fetched_over_two_overlapping_runs_is_built_into_the_fact(
    replay: ReplayServer, tmp_path: Path
) -> None:
    """End to end: pages fetched from the replay server in two runs (the second repeating a release, as the
    fetch overlap does), then the real build: every notice once in fact_contract_notice, each file reconciled."""
    import duckdb

    from pipelines.warehouse.build import build
    from tests.pipelines.notices.test_find_a_tender import award
    from tests.pipelines.notices.test_find_a_tender import fts_release as full_release

    tender = full_release("012345-2025")
    others = [full_release(f"0130{n:02d}-2025", ocid=f"ocds-h6vhtk-05{n:04x}") for n in range(3)]
    awarded = award(tender, "023456-2025", "2025-05-21T09:00:00+01:00")
    raw = tmp_path / "raw"
    search = Paged(replay.url, FTS_PATH, [tender, *others], 2, ("updatedFrom", "updatedTo"))
    replay.route(FTS_PATH, search)
    fetch_find_a_tender(context(replay, raw, FTS_NAME, since=dt.datetime(2025, 3, 1)))
    search.releases = [others[-1], awarded]  # the overlap repeats the last release, then the award
    replay.clear()
    ctx = context(replay, raw, FTS_NAME)
    fetch_find_a_tender(ctx)
    assert ctx.report.ok, ctx.report.errors
    pages = page_files(raw / FTS_NAME)
    assert len({p.parent.name for p in pages}) == 2 and len(pages) == 3

    out = tmp_path / "w.duckdb"
    build(raw, out)
    con = duckdb.connect(str(out), read_only=True)
    try:
        fact = con.sql(
            "SELECT notice_id, source, uk_notice_type, is_latest_for_ocid, url FROM fact_contract_notice ORDER BY 1"
        ).fetchall()
        files = con.sql(
            """SELECT file_name, rows_read, rows_loaded, rows_rejected, rows_superseded FROM build_files
               WHERE source = 'find_a_tender' ORDER BY file_name"""
        ).fetchall()
    finally:
        con.close()
    notice = "https://www.find-tender.service.gov.uk/Notice/{}"
    assert fact == [
        ("012345-2025", "find_a_tender", "UK4", False, notice.format("012345-2025")),
        ("013000-2025", "find_a_tender", "UK4", True, notice.format("013000-2025")),
        ("013001-2025", "find_a_tender", "UK4", True, notice.format("013001-2025")),
        ("013002-2025", "find_a_tender", "UK4", True, notice.format("013002-2025")),
        ("023456-2025", "find_a_tender", "UK6", True, notice.format("023456-2025")),
    ]
    assert len(files) == 3 and all(
        read == loaded + rejected + superseded for _, read, loaded, rejected, superseded in files
    )
    assert sum(f[4] for f in files) == 1  # the repeated release is superseded in one page, loaded from the other
    assert sum(f[2] for f in files) == len(fact)
