"""The shared client and download: retries, Retry-After, spacing, conditional requests, manifests, atomic writes.

Every test talks to a real HTTP server on 127.0.0.1 (tests/replay.py); pauses are scaled to microseconds and the
pauses asked for are checked instead.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from pipelines.core.fetching import Origin, download, get_json, manifest_path, read_manifest
from pipelines.core.http import FetchError, Policy, retry_after
from tests.replay import ReplayServer, Reply, context, quick_http

ORIGIN = Origin("A publisher", "Open Government Licence v3.0")
CSV = "a,b\n1,2\n"


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.part-*"))


def test_download_writes_the_file_and_its_manifest(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/f.csv", Reply.csv(CSV, etag='"v1"', last_modified="Wed, 01 Oct 2025 10:00:00 GMT"))
    ctx = context(replay, tmp_path, "src")
    result = download(ctx, replay.url + "/f.csv", ctx.folder / "f.csv", ORIGIN)
    assert result.status == "new"
    assert (ctx.folder / "f.csv").read_text() == CSV
    m = read_manifest(ctx.folder / "f.csv")
    assert m is not None
    assert (m.url, m.http_status, m.etag, m.size_bytes) == (replay.url + "/f.csv", 200, '"v1"', len(CSV))
    assert m.last_modified == "Wed, 01 Oct 2025 10:00:00 GMT"
    assert m.publisher == "A publisher" and m.licence.startswith("Open Government")
    assert len(m.sha256) == 64 and m.fetched_at.endswith("Z")
    assert manifest_path(ctx.folder / "f.csv").name == ".f.csv.manifest.json"
    assert replay.log[0].headers["user-agent"] == "procurement-dashboard-tests"


def test_a_second_download_is_conditional_and_a_304_keeps_the_file(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/f.csv", Reply.csv(CSV, etag='"v1"', last_modified="Wed, 01 Oct 2025 10:00:00 GMT"))
    ctx = context(replay, tmp_path, "src")
    download(ctx, replay.url + "/f.csv", ctx.folder / "f.csv", ORIGIN)
    first = read_manifest(ctx.folder / "f.csv")
    result = download(ctx, replay.url + "/f.csv", ctx.folder / "f.csv", ORIGIN)
    assert result.status == "unchanged"
    second = replay.log[1]
    assert second.headers["if-none-match"] == '"v1"'
    assert second.headers["if-modified-since"] == "Wed, 01 Oct 2025 10:00:00 GMT"
    kept = read_manifest(ctx.folder / "f.csv")
    assert kept is not None and first is not None
    assert kept.fetched_at == first.fetched_at and kept.sha256 == first.sha256
    assert (ctx.folder / "f.csv").read_text() == CSV


def test_a_changed_file_replaces_the_earlier_one(replay: ReplayServer, tmp_path: Path) -> None:
    ctx = context(replay, tmp_path, "src")
    replay.route("/f.csv", Reply.csv(CSV, etag='"v1"'))
    download(ctx, replay.url + "/f.csv", ctx.folder / "f.csv", ORIGIN)
    replay.route("/f.csv", Reply.csv("a,b\n3,4\n", etag='"v2"'))
    assert download(ctx, replay.url + "/f.csv", ctx.folder / "f.csv", ORIGIN).status == "changed"
    assert (ctx.folder / "f.csv").read_text() == "a,b\n3,4\n"
    assert read_manifest(ctx.folder / "f.csv").etag == '"v2"'  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "bad, reason",
    [
        (Reply(status=500, body=b"oops"), "HTTP 500"),
        (Reply(status=404, body=b"gone"), "HTTP 404"),
        (Reply.csv("a,b\n1,2\n3,4\n", truncate=5), "cut short"),
        (Reply(body=b"<!DOCTYPE html><html>maintenance</html>", headers={"Content-Type": "text/html"}), "HTML"),
    ],
    ids=["500", "404", "truncated", "html-for-csv"],
)
def test_a_failed_download_keeps_the_earlier_file_and_leaves_no_part_file(
    replay: ReplayServer, tmp_path: Path, bad: Reply, reason: str
) -> None:
    ctx = context(replay, tmp_path, "src")
    replay.route("/f.csv", Reply.csv(CSV))
    download(ctx, replay.url + "/f.csv", ctx.folder / "f.csv", ORIGIN)
    before = manifest_path(ctx.folder / "f.csv").read_bytes()
    replay.route("/f.csv", bad)
    with pytest.raises(FetchError, match=reason) as caught:
        download(ctx, replay.url + "/f.csv", ctx.folder / "f.csv", ORIGIN, policy=Policy(retries=1))
    assert caught.value.url.startswith(replay.url + "/f.csv")
    assert (ctx.folder / "f.csv").read_text() == CSV
    assert manifest_path(ctx.folder / "f.csv").read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_first_download_that_fails_leaves_nothing(replay: ReplayServer, tmp_path: Path) -> None:
    ctx = context(replay, tmp_path, "src")
    replay.route("/f.csv", Reply.csv(CSV * 100, truncate=50))
    with pytest.raises(FetchError, match="cut short"):
        download(ctx, replay.url + "/f.csv", ctx.folder / "f.csv", ORIGIN, policy=Policy(retries=0))
    assert sorted(p.name for p in ctx.folder.iterdir()) == []


def test_server_errors_are_retried_with_backoff(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/x", [Reply(status=503), Reply(status=502), Reply.json({"ok": True})])
    ctx = context(replay, tmp_path, "src")
    _, data, _ = get_json(ctx, replay.url + "/x", policy=Policy(backoff=2.0))
    assert data == {"ok": True}
    assert [w.seconds for w in ctx.http.waits] == [2.0, 4.0]
    assert len(replay.log) == 3


def test_a_body_cut_short_is_asked_for_again(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/x", [Reply.json({"a": [1, 2, 3]}, truncate=4), Reply.json({"a": [1, 2, 3]})])
    ctx = context(replay, tmp_path, "src")
    assert get_json(ctx, replay.url + "/x")[1] == {"a": [1, 2, 3]}
    assert "broke off" in ctx.http.waits[0].why


def test_429_honours_retry_after(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/x", [Reply(status=429, headers={"Retry-After": "120"}), Reply.json([])])
    ctx = context(replay, tmp_path, "src")
    get_json(ctx, replay.url + "/x")
    assert [(w.seconds, "Retry-After" in w.why) for w in ctx.http.waits] == [(120.0, True)]


def test_429_asking_for_too_long_a_pause_gives_up_with_the_reason(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/x", Reply(status=429, headers={"Retry-After": "3600"}))
    ctx = context(replay, tmp_path, "src")
    with pytest.raises(FetchError, match="3,600 s, longer than the 900 s"):
        get_json(ctx, replay.url + "/x", policy=Policy(max_wait=900))
    assert len(replay.log) == 1


def test_a_rate_limit_that_never_lifts_gives_up_after_the_retries(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/x", Reply(status=403, body=b"<html>The request rate limit may have been exceeded</html>"))
    ctx = context(replay, tmp_path, "src")
    policy = Policy(rate_limit_statuses=frozenset({403}), rate_limit_wait=300.0, retries=2)
    with pytest.raises(FetchError, match="rate limit still in force after 3 attempts"):
        get_json(ctx, replay.url + "/x", policy=policy)
    assert [w.seconds for w in ctx.http.waits] == [300.0, 300.0]


def test_403_is_not_a_rate_limit_unless_the_policy_says_so(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/x", Reply(status=403, body=b"Forbidden"))
    ctx = context(replay, tmp_path, "src")
    with pytest.raises(FetchError, match="HTTP 403"):
        get_json(ctx, replay.url + "/x")
    assert len(replay.log) == 1


def test_no_server_listening_is_a_connection_failure_after_retries(tmp_path: Path, replay: ReplayServer) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the request: nothing listens there
    ctx = context(replay, tmp_path, "src")
    with pytest.raises(FetchError, match="could not connect"):
        get_json(ctx, f"http://127.0.0.1:{port}/x", policy=Policy(retries=2))
    assert len(ctx.http.waits) == 2


def test_json_with_the_wrong_content_type_or_malformed_is_an_error(replay: ReplayServer, tmp_path: Path) -> None:
    ctx = context(replay, tmp_path, "src")
    replay.route("/html", Reply(body=b"<html></html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(FetchError, match="wrong content type 'text/html'"):
        get_json(ctx, replay.url + "/html")
    replay.route("/bad", Reply.json(b'{"results": [1, 2'))
    with pytest.raises(FetchError, match="not valid JSON"):
        get_json(ctx, replay.url + "/bad")


def test_invalid_utf8_in_json_is_read_not_fatal(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/x", Reply.json(b'{"title": "caf\xe9 \xff"}'))
    ctx = context(replay, tmp_path, "src")
    assert get_json(ctx, replay.url + "/x")[1] == {"title": "caf\ufffd \ufffd"}


def test_requests_to_one_host_are_spaced(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/x", Reply.json([]))
    slept: list[float] = []
    http = quick_http(sleep=slept.append)
    object.__setattr__(http.settings, "wait_scale", 1.0)  # real spacing, recorded instead of slept
    ctx = context(replay, tmp_path, "src", http=http)
    for _ in range(3):
        get_json(ctx, replay.url + "/x", policy=Policy(spacing=5.0))
    assert len(slept) == 2 and all(4.0 < s <= 5.0 for s in slept)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("120") == 120.0
    assert retry_after(None) is None and retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: no pause


def test_the_client_has_explicit_timeouts_and_names_the_project() -> None:
    from pipelines import config
    from pipelines.fetch import http_from_config

    http = http_from_config()
    try:
        assert http.client.timeout.connect == config.FETCH_CONNECT_TIMEOUT
        assert http.client.timeout.read == config.FETCH_READ_TIMEOUT
        assert "procurement" in http.client.headers["User-Agent"]
    finally:
        http.close()


def test_manifests_are_hidden_from_the_build(replay: ReplayServer, tmp_path: Path) -> None:
    from pipelines.warehouse.discover import find_raw_files

    replay.route("/f.csv", Reply.csv(CSV))
    ctx = context(replay, tmp_path, "src")
    download(ctx, replay.url + "/f.csv", ctx.folder / "f.csv", ORIGIN)
    listing = find_raw_files(tmp_path)
    assert [p.name for p in listing.files] == ["f.csv"] and listing.listed == []
    assert json.loads(manifest_path(ctx.folder / "f.csv").read_text())["source"] == "src"
