"""GOV.UK discovery for the SME annexes, end to end against a replay server on 127.0.0.1.

Content API pages are the recorded documents in ../shared/data/govuk-content-api (their asset host pointed at
the local server); the Search API answers and the annex files are hand-built in the documented shapes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pipelines.core.fetching import read_manifest, read_state
from pipelines.sme_spend.fetch import NAME, fetch
from tests.replay import ReplayServer, Reply, Seen, fetch_settings, shared
from tests.replay import context as make_context

RECORDED = shared("govuk-content-api")
pytestmark = pytest.mark.skipif(not RECORDED.is_dir(), reason=f"{RECORDED} is absent (recorded GOV.UK pages)")

ANNEX = "Department,Direct Spend (£m)\nCO (1),£1,232\n"
PAGES = {
    "/government/publications/central-government-spend-with-smes-2021-to-2022": "annex-2021.json",
    "/government/statistical-data-sets/central-government-spend-with-small-and-medium-sized-enterprises-2016-to-2017": (
        "statistical_data_set_with_csv.json"
    ),
    "/government/publications/central-government-spend-with-smes-2015-to-2016": "best-practice-transparency-data.json",
}


def annex_page(base: str) -> dict:
    """A publication page with structured attachments (the 2020s shape): a CSV, an ODS and a PDF."""
    upload = f"{base}/media/abc123"
    return {
        "base_path": "/government/publications/central-government-spend-with-smes-2021-to-2022",
        "title": "Central Government spend with SMEs 2021 to 2022",
        "public_updated_at": "2023-03-30T09:30:00.000+01:00",
        "document_type": "transparency",
        "details": {
            "attachments": [
                {
                    "attachment_type": "file",
                    "content_type": "text/csv",
                    "url": f"{upload}/annex-2021-22.csv",
                    "filename": "annex-2021-22.csv",
                    "title": "Annex (CSV)",
                },
                {
                    "attachment_type": "file",
                    "content_type": "application/vnd.oasis.opendocument.spreadsheet",
                    "url": f"{upload}/annex-2021-22",
                    "title": "Annex (ODS)",
                },
                {"attachment_type": "file", "content_type": "application/pdf", "url": f"{upload}/report.pdf"},
            ]
        },
    }


def ods_bytes() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def search(seen: Seen) -> Reply:
    assert seen.arg("filter_organisations") == "cabinet-office"
    assert "link" in seen.query["fields"] and seen.arg("order") == "-public_timestamp"
    results = [
        {"link": link, "title": title}
        for link, title in [
            (list(PAGES)[0], "Central Government spend with SMEs 2021 to 2022"),
            (list(PAGES)[1], "Central government spend with small and medium-sized enterprises 2016 to 2017"),
            (list(PAGES)[2], "Central government spend with SMEs 2015 to 2016"),
            ("/government/publications/special-advisers-gifts", "Special advisers' gifts and hospitality"),
        ]
    ]
    start, count = int(seen.arg("start") or 0), int(seen.arg("count") or 0)
    page = results[start : start + count]
    return Reply.json({"results": page, "total": 4, "start": start})


def context(replay: ReplayServer, raw: Path, source: str):  # type: ignore[no-untyped-def]
    return make_context(replay, raw, source, settings=fetch_settings(replay, page_size=3))


def serve(replay: ReplayServer) -> None:
    replay.route("/api/search.json", search)
    for path, name in PAGES.items():
        if name == "annex-2021.json":
            body = json.dumps(annex_page(replay.url)).encode()
        else:
            body = (RECORDED / name).read_bytes()
            body = body.replace(b"https://assets.publishing.service.gov.uk", replay.url.encode())
        replay.route("/api/content" + path, Reply.json(body, etag=f'"{name}"'))
    replay.route("/media/abc123/annex-2021-22.csv", Reply.csv(ANNEX, etag='"csv1"'))
    replay.route("/media/abc123/annex-2021-22", Reply(body=ods_bytes(), etag='"ods1"'))
    replay.route("/government/uploads/system/uploads/attachment_data/file/*", Reply.csv("a,b\n1,2\n", etag='"mot"'))


def test_every_spreadsheet_attachment_of_every_page_found_is_fetched(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay)
    ctx = context(replay, tmp_path, NAME)
    fetch(ctx)
    folder = tmp_path / NAME
    annex = folder / "central-government-spend-with-smes-2021-to-2022"
    assert sorted(p.name for p in annex.iterdir() if not p.name.startswith(".")) == [
        "annex-2021-22.csv",
        "annex-2021-22.ods",  # named from its content type: the URL has no extension
    ]
    assert (annex / "annex-2021-22.csv").read_text() == ANNEX
    body_linked = folder / list(PAGES)[1].rsplit("/", 1)[1]
    csvs = sorted(p.name for p in body_linked.glob("*.csv"))
    assert len(csvs) == 7 and all(not c.endswith("preview") for c in csvs)  # links in body HTML, /preview skipped
    manifest = read_manifest(annex / "annex-2021-22.csv")
    assert manifest is not None
    assert manifest.publisher_updated_at == "2023-03-30T09:30:00.000+01:00"
    assert manifest.extra["page_url"].endswith(list(PAGES)[0])
    assert manifest.licence == "Open Government Licence v3.0"
    assert [w for w in ctx.report.warnings if "no CSV, XLSX, XLS or ODS" in w] == [
        f"{replay.url}{list(PAGES)[2]}: the page has no CSV, XLSX, XLS or ODS file"
    ]
    assert ctx.report.ok, ctx.report.errors
    assert not any("special-advisers" in s.path for s in replay.log)  # kept by title only
    assert [s.arg("start") for s in replay.seen("/api/search.json")] == ["0", "3"] * 2  # offset paging to total


def test_a_second_run_asks_only_conditionally(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay)
    fetch(context(replay, tmp_path, NAME))
    replay.clear()
    ctx = context(replay, tmp_path, NAME)
    fetch(ctx)
    searches = replay.seen("/api/search.json")
    others = [s for s in replay.log if s.path != "/api/search.json"]
    assert len(searches) == 4  # discovery itself is asked again: a new year's page must be found
    assert len(others) == 3 + 9 and all(s.conditional for s in others)
    assert {f.status for f in ctx.report.files} == {"unchanged"}
    assert read_state(tmp_path / NAME)["pages"][list(PAGES)[0]]["etag"] == '"annex-2021.json"'


def test_one_file_failing_is_reported_and_the_rest_are_fetched(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay)
    fetch(context(replay, tmp_path, NAME))
    replay.route("/media/abc123/annex-2021-22.csv", Reply(status=500, body=b"server error"))
    replay.route("/media/abc123/annex-2021-22", Reply(body=ods_bytes() + b"more", etag='"ods2"'))
    replay.route("/api/content" + list(PAGES)[0], Reply.json(json.dumps(annex_page(replay.url)).encode(), etag='"v2"'))
    ctx = context(replay, tmp_path, NAME)
    fetch(ctx)
    assert len(ctx.report.errors) == 1
    assert "/media/abc123/annex-2021-22.csv: HTTP 500 Internal Server Error after 5 attempts" in ctx.report.errors[0]
    annex = tmp_path / NAME / "central-government-spend-with-smes-2021-to-2022"
    assert (annex / "annex-2021-22.csv").read_text() == ANNEX  # the earlier file is kept
    statuses = {f.path.name: f.status for f in ctx.report.files}
    assert statuses["annex-2021-22.csv"] == "kept" and statuses["annex-2021-22.ods"] == "changed"


def test_a_search_api_in_another_shape_fails_the_source_with_the_url(replay: ReplayServer, tmp_path: Path) -> None:
    from pipelines.core.http import FetchError

    replay.route("/api/search.json", Reply.json({"error": "unknown parameter"}, status=422))
    with pytest.raises(FetchError, match="HTTP 422"):
        fetch(context(replay, tmp_path, NAME))


def with_etag(answer: Callable[[Seen], Reply]) -> Callable[[Seen], Reply]:
    """The Search API answer with a strong ETag of its body, asked conditionally with If-None-Match."""

    def tagged(seen: Seen) -> Reply:
        reply = answer(seen)
        reply.etag = '"' + hashlib.sha256(reply.body).hexdigest()[:16] + '"'
        return reply

    return tagged


def without_2015(seen: Seen) -> Reply:
    """The search answer once the 2015 to 2016 page is no longer found."""
    data = json.loads(search(seen).body)
    data["results"] = [r for r in data["results"] if r["link"] != list(PAGES)[2]]
    return Reply.json(data)


def test_search_answers_are_asked_with_their_etag_and_a_304_reuses_the_kept_answer(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve(replay)
    replay.route("/api/search.json", with_etag(search))
    fetch(context(replay, tmp_path, NAME))
    kept = read_state(tmp_path / NAME)["searches"]
    assert len(kept) == 4 and all(k["etag"].startswith('"') and k["answer"]["total"] == 4 for k in kept.values())
    replay.clear()
    ctx = context(replay, tmp_path, NAME)
    fetch(ctx)
    assert len(replay.seen("/api/search.json")) == 4 and all(s.conditional for s in replay.log)  # every request
    assert len(replay.seen("/api/content/")) == 3  # the pages found in the kept answers, asked again
    assert ctx.report.ok and {f.status for f in ctx.report.files} == {"unchanged"}

    replay.route("/api/search.json", with_etag(without_2015))  # a new answer: new ETag, the new results used
    replay.clear()
    fetch(context(replay, tmp_path, NAME))
    assert all(s.conditional for s in replay.seen("/api/search.json"))
    assert {s.path for s in replay.seen("/api/content/")} == {"/api/content" + p for p in list(PAGES)[:2]}
    answers = read_state(tmp_path / NAME)["searches"].values()
    assert len(answers) == 4 and not any(r["link"] == list(PAGES)[2] for a in answers for r in a["answer"]["results"])
