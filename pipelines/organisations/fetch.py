"""Fetch the GOV.UK organisations API, every page, closed organisations included; and the CCS customer URN list.

`GET <govuk>/api/organisations?page=N` pages through `next_page_url` until it is absent; each page is kept as
served (`govuk-organisations/page-0001.json`, ...), which is a shape the build reads, and is asked for
conditionally on later runs (a 304 keeps the page; its `next_page_url` is read from the kept copy). Closed
organisations carry `details.govuk_status` = closed and their successor links: nothing is filtered out.

The CCS customer URN list is an attachment of a GOV.UK guidance page (`config.CCS_CUSTOMER_PAGE`), dated, with
a URL that changes with each release (XLSX until about 2020, ODS since). The page is read through the Content
API (conditionally: a 304 reuses the files found last time) and every spreadsheet attachment whose title or
file name says it is the customer URN list is fetched into `ccs-customer-urn/`. Each release replaces the one
before (a list of every customer, not an increment): once every list the page links now is fetched and checked,
a list an earlier run fetched that the page no longer links is removed, with a warning naming both; if any
fetch failed, nothing is removed. Files put in the folder by hand (no manifest) are never touched. A page
that no longer links a URN list fails the source, naming the page and the files it has, and keeps the old.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

from pipelines.core.fetching import (
    BadBody,
    Context,
    Origin,
    decode_json,
    download,
    manifest_path,
    read_manifest,
    read_state,
    write_state,
)
from pipelines.core.govuk import GOVUK_POLICY, Attachment, attachment_file_name, fetch_attachment, page
from pipelines.core.http import FetchError
from pipelines.organisations.formats import LICENCE, PUBLISHER

NAME = "govuk-organisations"
CCS_NAME = "ccs-customer-urn"  # the folder the build and the sample use for the list
CCS_PUBLISHER = "Crown Commercial Service (customer URN list)"
MAX_PAGES = 10_000
#: How the URN list is told from the page's other attachments (supplier guides, templates).
URN_LIST = re.compile(r"customer[\s_-]*(urn|unique reference)|urn[\s_-]*(list|customer)", re.I)


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


def is_urn_list(attachment: Attachment) -> bool:
    return bool(URN_LIST.search(attachment.title) or URN_LIST.search(attachment_file_name(attachment)))


def fetch_ccs_customers(ctx: Context) -> None:
    base_path = ctx.settings.ccs_customer_page
    page_url = ctx.settings.url("govuk") + base_path
    state = read_state(ctx.folder)
    pages_state = state.setdefault("pages", {})
    _, files = page(ctx, base_path, pages_state)
    write_state(ctx.folder, state)
    lists = [a for a in files if is_urn_list(a)]
    if not lists:
        found = ", ".join(attachment_file_name(a) for a in files) or "none"
        raise FetchError(page_url, f"the page links no customer URN list (spreadsheet attachments: {found})")
    meta = pages_state.get(base_path) or {}
    current: set[Path] = set()
    for attachment in lists:
        current.add(fetch_attachment(ctx, attachment, ctx.folder, page_url, meta, CCS_PUBLISHER, LICENCE))
    if ctx.report.ok:
        _remove_superseded(ctx, current)


def _remove_superseded(ctx: Context, current: set[Path]) -> None:
    """Lists an earlier run fetched that the page links no more (the build would otherwise read two releases)."""
    names = ", ".join(sorted(p.name for p in current))
    for path in sorted(ctx.folder.iterdir()):
        if path in current or path.name.startswith(".") or read_manifest(path) is None:
            continue
        path.unlink(missing_ok=True)
        manifest_path(path).unlink(missing_ok=True)
        ctx.warn(f"{path.name}: an earlier customer URN list the page no longer links, removed (now: {names})")
