"""Fetch the GOV.UK organisations API, every page, closed organisations included.

`GET <govuk>/api/organisations?page=N` pages through `next_page_url` until it is absent; each page is kept as
served (`govuk-organisations/page-0001.json`, ...), which is a shape the build reads, and is asked for
conditionally on later runs (a 304 keeps the page; its `next_page_url` is read from the kept copy). Closed
organisations carry `details.govuk_status` = closed and their successor links: nothing is filtered out.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

from pipelines.core.fetching import BadBody, Context, Origin, decode_json, download, manifest_path
from pipelines.core.govuk import GOVUK_POLICY
from pipelines.core.http import FetchError
from pipelines.organisations.formats import LICENCE, PUBLISHER

NAME = "govuk-organisations"
MAX_PAGES = 10_000


def check_page(path: Path) -> str | None:
    data, _ = decode_json(path.read_bytes())
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise BadBody("not a page of the organisations API (no results list)")
    return f"{len(data['results']):,} organisations"


def fetch(ctx: Context) -> None:
    url: str | None = ctx.settings.url("govuk") + "/api/organisations?page=1"
    origin = Origin(PUBLISHER, LICENCE)
    page = 0
    seen: set[str] = set()
    while url:
        if url in seen or page >= MAX_PAGES:
            raise FetchError(url, "next_page_url points back at a page already read: paging stopped")
        seen.add(url)
        page += 1
        dest = ctx.folder / f"page-{page:04d}.json"
        result = download(ctx, url, dest, origin, policy=GOVUK_POLICY, check=check_page, expect_type="json")
        data = json.loads(dest.read_bytes())
        ctx.progress(f"page {page} of {data.get('pages', '?')}")
        nxt = data.get("next_page_url")
        url = urljoin(result.url, str(nxt)) if nxt else None
    for path in ctx.folder.glob("page-*.json"):  # the list got shorter since an earlier run
        number = path.stem.removeprefix("page-")
        if number.isdigit() and int(number) > page:
            path.unlink(missing_ok=True)
            manifest_path(path).unlink(missing_ok=True)
