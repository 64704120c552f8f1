"""GOV.UK discovery: the Search API finds publication pages, the Content API lists their files.

Used by every domain whose publisher releases files as GOV.UK attachments (the Cabinet Office SME annexes,
CCS and GDS Digital Marketplace spend). Nothing is found by a hard-coded asset URL:

1. `search`: `/api/search.json` with the caller's query and filters, offset paging (`start` += `count` until
   `start >= total`), newest first; the caller keeps the results whose titles fit. Each answer page's ETag is
   kept in the source's state with the answer, and asked with If-None-Match on the next run: a 304 reuses
   the kept answer, so a second run makes only conditional requests (an answer without an ETag is not kept).
2. `page`: `/api/content/<base_path>` (conditional: a 304 reuses the files found last time, kept in the
   source's state), then `attachments`: `details.attachments[]` first, then the links inside `details.body`
   and `details.documents[]` HTML on older pages; relative links made absolute, `/preview` twins skipped,
   files chosen by content type or extension (CSV, XLSX, XLS, ODS), whatever the slug.
3. `fetch_publications`: each file of each page into `<source>/<page slug>/<file name>`, conditionally.

A page with nothing to download is a warning naming the page, not a failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from pipelines.core.fetching import (
    Context,
    FileResult,
    Origin,
    download,
    file_name_from_url,
    get_json,
    read_state,
    safe_name,
    write_state,
)
from pipelines.core.http import FetchError, Policy

#: GDS asks for no more than about 10 requests a second; we keep to about 5.
GOVUK_POLICY = Policy(spacing=0.2)

FILE_TYPES = {
    "text/csv": ".csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}
EXTENSIONS = frozenset(FILE_TYPES.values())

SEARCH_FIELDS = ("link", "title", "public_timestamp", "format", "content_store_document_type")


@dataclass(frozen=True)
class Query:
    """One Search API question: free text, filters, and the titles worth keeping (a regular expression)."""

    q: str
    filters: Mapping[str, str]
    title: str  # re.search on the result's title, case-insensitive


@dataclass(frozen=True)
class Attachment:
    url: str
    title: str
    content_type: str | None


#: The kept Search API answers of a source: query string -> {"etag": ..., "answer": {"results", "total"}}.
SearchState = dict[str, dict[str, Any]]


def search(
    ctx: Context, query: Query, known: Mapping[str, Any] | None = None, kept: SearchState | None = None
) -> list[dict[str, Any]]:
    """Every result of the query whose title fits, newest first (offset paging until start >= total).

    `known`: the answers kept by the last run (asked for conditionally); `kept` receives this run's answers."""
    count = ctx.settings.page_size
    found: list[dict[str, Any]] = []
    start = 0
    while True:
        params: list[tuple[str, Any]] = [("q", query.q), ("count", count), ("start", start)]
        params += [("order", "-public_timestamp")] + [("fields", f) for f in SEARCH_FIELDS]
        params += [(f"filter_{k}", v) for k, v in query.filters.items()]
        results, total = _search_page(ctx, httpx.QueryParams(params), known or {}, kept)
        found += [r for r in results if isinstance(r, dict) and re.search(query.title, str(r.get("title", "")), re.I)]
        start += count
        if not results or not isinstance(total, int) or start >= total:
            return found


def _search_page(
    ctx: Context, params: httpx.QueryParams, known: Mapping[str, Any], kept: SearchState | None
) -> tuple[list[Any], Any]:
    """(results, total) of one answer page: asked with the kept ETag, and the kept answer reused on a 304."""
    base = ctx.settings.url("govuk") + "/api/search.json"
    key = str(params)
    before = known.get(key) if isinstance(known.get(key), dict) else None
    answer = before.get("answer") if before else None
    etag = before.get("etag") if before and isinstance(answer, dict) else None
    headers = {"If-None-Match": etag} if isinstance(etag, str) else {}
    response, data, _ = get_json(ctx, base, params=params, headers=headers, policy=GOVUK_POLICY)
    if response.status_code == 304 and headers:
        data = answer
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise FetchError(base, "search answer has no results list (the Search API's shape changed?)")
    results, total = data["results"], data.get("total")
    new_etag = etag if response.status_code == 304 else response.headers.get("ETag")
    if kept is not None and new_etag:
        kept[key] = {"etag": new_etag, "answer": {"results": results, "total": total}}
    return results, total


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def _wanted(url: str, content_type: str | None) -> bool:
    path = urlsplit(url).path
    if path.endswith("/preview"):
        return False
    return Path(path).suffix.lower() in EXTENSIONS or (content_type or "").split(";")[0].strip() in FILE_TYPES


def attachments(doc: Mapping[str, Any], base: str) -> list[Attachment]:
    """The CSV / XLSX / XLS / ODS files of a Content API page, structured attachments first, then HTML links."""
    details = doc.get("details") or {}
    found: dict[str, Attachment] = {}
    for item in details.get("attachments") or []:
        if isinstance(item, dict) and item.get("url"):
            url = urljoin(base + "/", str(item["url"]))
            if _wanted(url, item.get("content_type")):
                found.setdefault(url, Attachment(url, str(item.get("title") or ""), item.get("content_type")))
    html_parts: list[str] = [details.get("body") or ""]
    html_parts += [d for d in details.get("documents") or [] if isinstance(d, str)]
    for part in html_parts:
        if not isinstance(part, str):
            continue
        parser = _Links()
        parser.feed(part)
        for href, text in parser.links:
            url = urljoin(base + "/", href)
            if _wanted(url, None):
                found.setdefault(url, Attachment(url, text, None))
    return list(found.values())


def page(ctx: Context, base_path: str, state: dict[str, Any]) -> tuple[dict[str, Any] | None, list[Attachment]]:
    """(the page, its files). On a 304 the page is None and the files are those found last time."""
    url = ctx.settings.url("govuk") + "/api/content" + base_path
    known = state.get(base_path) or {}
    headers = {"If-None-Match": known["etag"]} if known.get("etag") else {}
    response, doc, _ = get_json(ctx, url, headers=headers, policy=GOVUK_POLICY)
    if response.status_code == 304:
        return None, [Attachment(a["url"], a.get("title", ""), a.get("content_type")) for a in known.get("files", [])]
    if not isinstance(doc, dict):
        raise FetchError(url, "Content API answer is not a JSON object")
    files = attachments(doc, ctx.settings.url("govuk"))
    state[base_path] = {
        "etag": response.headers.get("ETag"),
        "public_updated_at": doc.get("public_updated_at"),
        "title": doc.get("title"),
        "files": [a.__dict__ for a in files],
    }
    return doc, files


def fetch_publications(ctx: Context, queries: Iterable[Query], publisher: str, licence: str) -> None:
    """Every file of every page the queries find, into the source's folder; a failed file does not stop the rest."""
    folder_state = read_state(ctx.folder)
    pages_state: dict[str, Any] = folder_state.setdefault("pages", {})
    searches: SearchState = {}  # this run's answers only: a query no longer asked is not kept
    links: dict[str, dict[str, Any]] = {}
    known = folder_state.get("searches")
    for query in queries:
        for result in search(ctx, query, known if isinstance(known, dict) else None, searches):
            link = str(result.get("link") or "")
            if link.startswith("/"):
                links.setdefault(link, result)
    folder_state["searches"] = searches
    write_state(ctx.folder, folder_state)
    ctx.progress(f"{len(links)} publication page(s) found")
    if not links:
        ctx.warn("the Search API found no publication page: check the queries in pipelines/config.py")
    for link in sorted(links):
        try:
            _fetch_page(ctx, link, pages_state, publisher, licence)
        except FetchError as exc:
            ctx.report.errors.append(str(exc))
        write_state(ctx.folder, folder_state)


def _fetch_page(ctx: Context, link: str, pages_state: dict[str, Any], publisher: str, licence: str) -> None:
    _, files = page(ctx, link, pages_state)
    page_url = ctx.settings.url("govuk") + link
    if not files:
        ctx.warn(f"{page_url}: the page has no CSV, XLSX, XLS or ODS file")
        return
    meta = pages_state.get(link) or {}
    folder = ctx.folder / safe_name(link.rsplit("/", 1)[-1], "page")
    for attachment in files:
        fetch_attachment(ctx, attachment, folder, page_url, meta, publisher, licence)


def fetch_attachment(
    ctx: Context,
    attachment: Attachment,
    folder: Path,
    page_url: str,
    meta: Mapping[str, Any],
    publisher: str,
    licence: str,
) -> Path:
    """One file of a page into `folder`, conditionally, the page it came from in its manifest; a failure is
    reported and the earlier copy, if any, kept."""
    origin = Origin(
        publisher,
        licence,
        publisher_updated_at=meta.get("public_updated_at"),
        extra={"page_url": page_url, "page_title": meta.get("title"), "title": attachment.title},
    )
    dest = folder / attachment_file_name(attachment)
    try:
        download(ctx, attachment.url, dest, origin, policy=GOVUK_POLICY)
    except FetchError as exc:
        ctx.report.errors.append(str(exc))
        if dest.exists():
            ctx.add(FileResult(dest, "kept", attachment.url, "fetch failed: the earlier file is kept"))
    return dest


def attachment_file_name(attachment: Attachment) -> str:
    """The file's name from its URL, with the extension its content type names when the URL has none."""
    name = file_name_from_url(attachment.url)
    if Path(name).suffix.lower() not in EXTENSIONS and attachment.content_type in FILE_TYPES:
        name += FILE_TYPES[attachment.content_type]
    return name
