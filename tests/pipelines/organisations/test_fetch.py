"""The GOV.UK organisations API, every page, end to end against a replay server on 127.0.0.1.

Pages are the 663 recorded records in ../shared/data/govuk-organisations (skipped when absent), cut into
pages of the API's shape (`results`, `current_page`, `pages`, `next_page_url`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.core.http import FetchError
from pipelines.organisations.fetch import NAME, fetch
from tests.replay import ReplayServer, Reply, Seen, context, shared

RECORDED = shared("govuk-organisations", "govuk_extant_orgs.json")
pytestmark = pytest.mark.skipif(not RECORDED.exists(), reason=f"{RECORDED} is absent (recorded organisations)")
SIZE = 100


def pages(base: str, closed: bool = False) -> dict[int, bytes]:
    records = json.loads(RECORDED.read_text(encoding="utf-8"))
    if closed:
        records.append(
            {
                "id": f"{base}/api/organisations/monitor",
                "title": "Monitor",
                "format": "Other",
                "details": {"slug": "monitor", "govuk_status": "closed"},
                "superseding_organisations": [{"id": f"{base}/api/organisations/nhs-improvement"}],
            }
        )
    count = -(-len(records) // SIZE)
    out = {}
    for n in range(1, count + 1):
        page = {"results": records[(n - 1) * SIZE : n * SIZE], "current_page": n, "pages": count, "total": len(records)}
        if n < count:
            page["next_page_url"] = f"{base}/api/organisations?page={n + 1}"
        out[n] = json.dumps(page).encode()
    return out


def serve(replay: ReplayServer, closed: bool = False) -> None:
    bodies = pages(replay.url, closed)

    def answer(seen: Seen) -> Reply:
        n = int(seen.arg("page") or 1)
        return Reply.json(bodies[n], etag=f'"p{n}-{len(bodies[n])}"')

    replay.route("/api/organisations", answer)


def test_every_page_is_fetched_and_kept_as_served(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay, closed=True)
    ctx = context(replay, tmp_path, NAME)
    fetch(ctx)
    assert ctx.report.ok, ctx.report.errors
    files = sorted((tmp_path / NAME).glob("page-*.json"))
    assert len(files) == 7 and [s.arg("page") for s in replay.log] == [str(n) for n in range(1, 8)]
    records = [r for f in files for r in json.loads(f.read_bytes())["results"]]
    assert len(records) == 664 and records[-1]["details"]["govuk_status"] == "closed"


def test_a_second_run_asks_only_conditionally(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay)
    fetch(context(replay, tmp_path, NAME))
    replay.clear()
    ctx = context(replay, tmp_path, NAME)
    fetch(ctx)
    assert len(replay.log) == 7 and all(s.conditional for s in replay.log)
    assert {f.status for f in ctx.report.files} == {"unchanged"}


def test_a_page_in_another_shape_stops_paging_and_keeps_what_was_there(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay)
    fetch(context(replay, tmp_path, NAME))
    before = (tmp_path / NAME / "page-0003.json").read_bytes()
    bodies = pages(replay.url)

    def answer(seen: Seen) -> Reply:
        n = int(seen.arg("page") or 1)
        return Reply.json({"message": "maintenance"}) if n == 3 else Reply.json(bodies[n])

    replay.route("/api/organisations", answer)
    with pytest.raises(FetchError, match="page=3: not a page of the organisations API"):
        fetch(context(replay, tmp_path, NAME))
    assert (tmp_path / NAME / "page-0003.json").read_bytes() == before
    assert len(list((tmp_path / NAME).glob("page-*.json"))) == 7
