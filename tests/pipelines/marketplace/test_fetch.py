"""Digital Marketplace spend from GOV.UK, end to end against a replay server on 127.0.0.1 (hand-built pages in the
documented shapes: links in `details.documents[]` HTML on an older page, an XLSX, a file served as HTML)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from pipelines.marketplace.fetch import NAME, fetch
from tests.replay import ReplayServer, Reply, Seen, context

OLD_PAGE = "/government/publications/g-cloud-spend-data-december-2017"
NEW_PAGE = "/government/statistics/digital-marketplace-spend-statistics-2024"
SPEND = "Sector,Lot,Month,Spend,SME Status,Supplier,Customer,Framework\nCentral Government,Cloud Hosting,Dec-17,£10.00,SME,A,B,G-Cloud 9\n"


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def search(seen: Seen) -> Reply:
    assert "filter_organisations" in seen.query
    results = [
        {"link": OLD_PAGE, "title": "G-Cloud spend data: December 2017"},
        {"link": NEW_PAGE, "title": "Digital Marketplace spend statistics 2024"},
        {"link": "/government/news/ccs-annual-report", "title": "CCS annual report"},
    ]
    return Reply.json({"results": results if seen.arg("start") == "0" else [], "total": 3, "start": 0})


def serve(replay: ReplayServer) -> None:
    replay.route("/api/search.json", search)
    documents = [
        '<section class="attachment"><a href="/government/uploads/system/uploads/attachment_data/file/678283/'
        'G-Cloud-spend-Dec2017.csv">G-Cloud spend</a> <a href="/government/uploads/system/uploads/attachment_data/'
        'file/678283/G-Cloud-spend-Dec2017.csv/preview">View online</a></section>',
        '<a href="/government/uploads/system/uploads/attachment_data/file/678286/DOS-spend-Dec2017.xlsx">DOS</a>',
        '<a href="https://example.invalid/about">About</a>',
    ]
    replay.route("/api/content" + OLD_PAGE, Reply.json({"base_path": OLD_PAGE, "details": {"documents": documents}}))
    replay.route(
        "/api/content" + NEW_PAGE,
        Reply.json(
            {
                "base_path": NEW_PAGE,
                "details": {
                    "attachments": [
                        {"content_type": "text/csv", "url": f"{replay.url}/media/1/dm-spend-2024.csv"},
                    ]
                },
            }
        ),
    )
    prefix = "/government/uploads/system/uploads/attachment_data/file"
    replay.route(f"{prefix}/678283/G-Cloud-spend-Dec2017.csv", Reply.csv(SPEND.encode("cp1252")))
    replay.route(f"{prefix}/678286/DOS-spend-Dec2017.xlsx", Reply(body=xlsx_bytes()))
    replay.route(
        "/media/1/dm-spend-2024.csv",
        Reply(body=b"<!DOCTYPE html><html><body>Page not found</body></html>", headers={"Content-Type": "text/html"}),
    )


def test_files_linked_from_older_pages_are_fetched_and_a_bad_one_is_reported(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve(replay)
    ctx = context(replay, tmp_path, NAME)
    fetch(ctx)
    old = tmp_path / NAME / "g-cloud-spend-data-december-2017"
    assert sorted(p.name for p in old.iterdir() if not p.name.startswith(".")) == [
        "DOS-spend-Dec2017.xlsx",
        "G-Cloud-spend-Dec2017.csv",
    ]
    assert (old / "G-Cloud-spend-Dec2017.csv").read_bytes() == SPEND.encode("cp1252")  # bytes as published
    assert len(ctx.report.errors) == 1 and "an HTML page where a CSV file was expected" in ctx.report.errors[0]
    assert ctx.report.errors[0].startswith(f"{replay.url}/media/1/dm-spend-2024.csv")
    assert not (tmp_path / NAME / "digital-marketplace-spend-statistics-2024").exists() or not any(
        p.suffix == ".csv" for p in (tmp_path / NAME / "digital-marketplace-spend-statistics-2024").iterdir()
    )
    assert not any("preview" in s.path or "ccs-annual-report" in s.path for s in replay.log)
