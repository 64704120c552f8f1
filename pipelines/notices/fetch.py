"""Fetch procurement notices: Contracts Finder OCDS search and Find a Tender OCDS release packages.

Both page by following `links.next` until it is absent, and each page is kept exactly as sent, one release
package per file: `<source>/<window start>/page-0001.json`, ... Both are incremental: a run asks only for what
was published (Contracts Finder, `publishedFrom`/`publishedTo`) or updated (Find a Tender, `updatedFrom`/
`updatedTo`) since the last successful run's end, less an overlap (a notice seen twice is read once by the build);
a first run goes `FETCH_NOTICES_FIRST_DAYS` back, or to `--since`. A window cut short by a failure is resumed
from its last `links.next` on the next run; the last successful end moves only when a window is complete.

- Contracts Finder answers a rate limit with HTTP 403 and an HTML page: no request for 5 minutes, then again;
  one request at a time. Its bodies can hold bytes that are not valid UTF-8: kept as sent, counted in the note.
- Find a Tender answers 429 with `Retry-After` (observed 120 s) and allows about 12 requests a minute; its
  dates are Europe/London local time and a date without a time is refused. `stages` is never sent: with it the
  service silently returns only notices under the 2015 regulations.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from pipelines.core.fetching import Context, Origin, get_json, manifest_path, read_state, save_bytes, write_state
from pipelines.core.http import FetchError, Policy
from pipelines.notices.contracts_finder import LICENCE, PUBLISHER

CF_NAME = "contracts-finder"
FTS_NAME = "find-a-tender"
FTS_PUBLISHER = "Cabinet Office, Find a Tender (find-tender.service.gov.uk)"

CF_POLICY = Policy(spacing=1.0, rate_limit_statuses=frozenset({403, 429}), rate_limit_wait=300.0, retries=3)
FTS_POLICY = Policy(spacing=13.0, rate_limit_statuses=frozenset({429}), rate_limit_wait=120.0, max_wait=900.0)

LONDON = ZoneInfo("Europe/London")
STAMP = "%Y-%m-%dT%H:%M:%S"
#: A guard against a `links.next` that never ends (the same cursor served again).
MAX_PAGES = 100_000


def fetch_contracts_finder(ctx: Context) -> None:
    url = ctx.settings.url("contracts_finder") + "/Published/Notices/OCDS/Search"
    _fetch(ctx, url, ("publishedFrom", "publishedTo"), CF_POLICY, Origin(PUBLISHER, LICENCE), dt.UTC)


def fetch_find_a_tender(ctx: Context) -> None:
    url = ctx.settings.url("find_a_tender") + "/api/1.0/ocdsReleasePackages"
    _fetch(ctx, url, ("updatedFrom", "updatedTo"), FTS_POLICY, Origin(FTS_PUBLISHER, LICENCE), LONDON)


def _fetch(ctx: Context, url: str, names: tuple[str, str], policy: Policy, origin: Origin, zone: dt.tzinfo) -> None:
    state = read_state(ctx.folder)
    now = dt.datetime.now(zone).replace(tzinfo=None, microsecond=0)
    pending = state.get("pending") if ctx.since is None else None
    if isinstance(pending, dict) and pending.get("next"):
        ctx.progress(f"resuming the window from {pending['from']} at page {pending['page'] + 1}")
        _window(ctx, state, pending, policy, origin)
    start = _start(ctx, state, now, zone)
    params = {names[0]: start.strftime(STAMP), names[1]: now.strftime(STAMP), "limit": ctx.settings.page_size}
    window = {"from": params[names[0]], "to": params[names[1]], "next": url, "params": params, "page": 0}
    _window(ctx, state, window, policy, origin)


def _start(ctx: Context, state: dict[str, Any], now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    if ctx.since is not None:
        since = ctx.since if ctx.since.tzinfo is None else ctx.since.astimezone(zone).replace(tzinfo=None)
        return since
    if state.get("last_to"):
        overlap = dt.timedelta(minutes=ctx.settings.notices_overlap_minutes)
        return dt.datetime.strptime(state["last_to"], STAMP) - overlap
    return now - dt.timedelta(days=ctx.settings.notices_first_days)


def _window(ctx: Context, state: dict[str, Any], window: dict[str, Any], policy: Policy, origin: Origin) -> None:
    """Every page of one window; on failure the window is left `pending` at its next page, and the error raised."""
    folder = ctx.folder / window["from"].replace(":", "")
    next_url: str | None = window["next"]
    params = window.get("params")
    page, first = int(window["page"]), True
    while next_url:
        try:
            response, data, body = get_json(ctx, next_url, params=params, policy=policy)
        except FetchError:
            if first and window is state.get("pending"):
                state.pop("pending", None)  # a stale cursor: the next run asks for the window again
            else:
                state["pending"] = {**window, "next": next_url, "params": params, "page": page}
            write_state(ctx.folder, state)
            raise
        releases = data.get("releases") if isinstance(data, dict) else None
        if not isinstance(releases, list):
            raise FetchError(str(response.request.url), "not an OCDS release package (no releases list)")
        page, first = page + 1, False
        if releases or page > 1:
            save_bytes(
                ctx,
                folder / f"page-{page:04d}.json",
                body,
                origin,
                url=str(response.request.url),
                response=response,
                note=f"{len(releases):,} releases",
            )
        ctx.progress(f"{window['from']}: page {page}, {len(releases):,} releases")
        next_url, params = _next(data, str(response.request.url), next_url, page)
    _drop_stale_pages(folder, page)
    state.pop("pending", None)
    state["last_to"] = max(window["to"], state.get("last_to") or "")
    state["last_success_at"] = dt.datetime.now(dt.UTC).strftime(STAMP) + "Z"
    write_state(ctx.folder, state)


def _next(data: dict[str, Any], current: str, requested: str, page: int) -> tuple[str | None, None]:
    links = data.get("links")
    nxt = links.get("next") if isinstance(links, dict) else None
    if not nxt:
        return None, None
    url = urljoin(current, str(nxt))
    if url in (current, requested) or page >= MAX_PAGES:
        raise FetchError(url, "links.next points back at the page just read: paging stopped")
    return url, None


def _drop_stale_pages(folder: Path, pages: int) -> None:
    """Pages past the last of a complete window come from an earlier, longer answer for the same start."""
    if not folder.is_dir():
        return
    for path in folder.glob("page-*.json"):
        number = path.stem.removeprefix("page-")
        if number.isdigit() and int(number) > pages:
            path.unlink(missing_ok=True)
            manifest_path(path).unlink(missing_ok=True)
