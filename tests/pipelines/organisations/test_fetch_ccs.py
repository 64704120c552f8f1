"""The CCS customer URN list from its GOV.UK guidance page, end to end against a replay server on 127.0.0.1.

The workbook served is CCS's own test fixture in ../shared/data/ccs-customer-urn (skipped when absent); the
Content API page around it is hand-built in the documented shape (`details.attachments[]`), since no recorded
copy of the guidance page exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.core.fetching import read_manifest
from pipelines.organisations.ccs_customers import FORMAT_ID, STAGING
from pipelines.organisations.fetch import CCS_NAME, fetch_ccs_customers
from pipelines.warehouse.formats import load_file
from tests.replay import ReplayServer, Reply, context, shared

WORKBOOK = shared("ccs-customer-urn", "customers_test.xlsx")
pytestmark = pytest.mark.skipif(not WORKBOOK.exists(), reason=f"{WORKBOOK} is absent (CCS test workbooks)")

PAGE = "/guidance/current-crown-commercial-service-suppliers-what-you-need-to-know"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def guidance(base: str, lists: tuple[str, ...] = ("Customer_URN_List_01_Nov_2026.xlsx",)) -> dict:
    """The guidance page: URN list(s), a supplier guide (PDF) and an MI template (a workbook that is not the list)."""
    upload = f"{base}/media/ccs"
    attachments = [
        {"attachment_type": "file", "content_type": XLSX, "url": f"{upload}/{name}", "title": "Customer URN list"}
        for name in lists
    ]
    attachments += [
        {"attachment_type": "file", "content_type": "application/pdf", "url": f"{upload}/guide.pdf", "title": "Guide"},
        {
            "attachment_type": "file",
            "content_type": XLSX,
            "url": f"{upload}/MI_template.xlsx",
            "title": "Management information template",
        },
    ]
    return {
        "base_path": PAGE,
        "title": "Current Crown Commercial Service suppliers: what you need to know",
        "public_updated_at": "2026-11-01T09:00:00.000+00:00",
        "details": {"attachments": attachments},
    }


def serve(replay: ReplayServer, lists: tuple[str, ...] = ("Customer_URN_List_01_Nov_2026.xlsx",)) -> None:
    page = guidance(replay.url, lists)
    replay.route(f"/api/content{PAGE}", Reply.json(page, etag=f'"page-{"-".join(lists)}"'))
    body = WORKBOOK.read_bytes()
    replay.route("/media/ccs/*", Reply(body=body, headers={"Content-Type": XLSX}, etag='"urn-1"'))


def test_only_the_urn_list_is_fetched_and_the_build_reads_it(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay)
    ctx = context(replay, tmp_path, CCS_NAME)
    fetch_ccs_customers(ctx)
    assert ctx.report.ok, ctx.report.errors
    fetched = tmp_path / CCS_NAME / "Customer_URN_List_01_Nov_2026.xlsx"
    assert [p.name for p in (tmp_path / CCS_NAME).iterdir() if not p.name.startswith(".")] == [fetched.name]
    assert fetched.read_bytes() == WORKBOOK.read_bytes()
    assert [s.path for s in replay.seen("/media/")] == ["/media/ccs/Customer_URN_List_01_Nov_2026.xlsx"]
    manifest = read_manifest(fetched)
    assert manifest is not None and manifest.url == f"{replay.url}/media/ccs/{fetched.name}"
    assert manifest.extra["page_url"] == f"{replay.url}{PAGE}" and manifest.publisher.startswith("Crown Commercial")
    outcome, loaded = load_file(fetched, tmp_path, tmp_path / "work")
    assert outcome.status == "loaded" and outcome.format == FORMAT_ID, outcome.message
    assert loaded is not None and loaded.tables[STAGING].height == 3


def test_a_second_run_asks_only_conditionally(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay)
    fetch_ccs_customers(context(replay, tmp_path, CCS_NAME))
    replay.clear()
    ctx = context(replay, tmp_path, CCS_NAME)
    fetch_ccs_customers(ctx)
    assert ctx.report.ok, ctx.report.errors
    assert [s.path for s in replay.log] == [f"/api/content{PAGE}", "/media/ccs/Customer_URN_List_01_Nov_2026.xlsx"]
    assert all(s.conditional for s in replay.log)
    assert [f.status for f in ctx.report.files] == ["unchanged"]


def test_a_new_release_replaces_the_earlier_one_and_a_file_put_by_hand_stays(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve(replay)
    fetch_ccs_customers(context(replay, tmp_path, CCS_NAME))
    (tmp_path / CCS_NAME / "by-hand.xlsx").write_bytes(WORKBOOK.read_bytes())
    serve(replay, lists=("Customer_URN_List_01_Dec_2026.xlsx",))
    ctx = context(replay, tmp_path, CCS_NAME)
    fetch_ccs_customers(ctx)
    assert ctx.report.ok, ctx.report.errors
    names = sorted(p.name for p in (tmp_path / CCS_NAME).iterdir())
    assert names == [
        ".Customer_URN_List_01_Dec_2026.xlsx.manifest.json",
        ".fetch-state.json",
        "Customer_URN_List_01_Dec_2026.xlsx",
        "by-hand.xlsx",
    ]
    assert ctx.report.warnings == [
        "Customer_URN_List_01_Nov_2026.xlsx: an earlier customer URN list the page no longer links, removed "
        "(now: Customer_URN_List_01_Dec_2026.xlsx)"
    ]


def test_a_failed_fetch_of_the_new_release_keeps_the_earlier_one(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay)
    fetch_ccs_customers(context(replay, tmp_path, CCS_NAME))
    serve(replay, lists=("Customer_URN_List_01_Dec_2026.xlsx",))
    replay.route("/media/ccs/*", Reply(status=503, body=b"busy"))
    ctx = context(replay, tmp_path, CCS_NAME)
    fetch_ccs_customers(ctx)
    assert not ctx.report.ok and "Customer_URN_List_01_Dec_2026.xlsx: HTTP 503" in ctx.report.errors[0]
    assert sorted(p.name for p in (tmp_path / CCS_NAME).glob("*.xlsx")) == ["Customer_URN_List_01_Nov_2026.xlsx"]


def test_a_page_that_no_longer_links_the_list_fails_naming_what_it_has(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay, lists=())
    ctx = context(replay, tmp_path, CCS_NAME)
    with pytest.raises(Exception, match=r"links no customer URN list \(spreadsheet attachments: MI_template.xlsx\)"):
        fetch_ccs_customers(ctx)
