"""What every fetcher shares: manifests, writing a download into place, the checks, and what a source reports.

A fetched file lands in `<raw>/<source>/...` exactly as the publisher sent it (or, for a paged API, the pages
joined and nothing else changed), beside a hidden manifest `.<name>.manifest.json`: URL, when fetched, when
last checked, HTTP status, ETag and Last-Modified, SHA-256, size, publisher, licence, and for files joined
from pages every page's URL and SHA-256. The build passes over hidden files, so manifests and the `.part`
files of a download in progress are never read as data.

A download is streamed to `.<name>.part-<pid>` beside its destination, hashed as it is written, checked
(size, and that it parses as what it claims to be), and only then moved over the earlier file with
`os.replace`; the manifest follows. A fetch that fails at any point removes its part file and leaves the
earlier file and manifest exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from pipelines import config
from pipelines.core.http import DEFAULT_POLICY, FetchError, Http, Policy

STATE_FILE = ".fetch-state.json"
#: Beside STATE_FILE after every run of a source: when, ok or not, its errors and warnings (the build shows it).
STATUS_FILE = ".fetch-status.json"

#: What a source did with a file: downloaded for the first time, downloaded and different, asked and
#: unchanged (a 304, or the same bytes again), or kept as it was although the publisher's answer was unusable.
FILE_STATUSES = ("new", "changed", "unchanged", "kept")


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def manifest_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.manifest.json")


@dataclass
class Manifest:
    """Where one raw file came from. `fetched_at` moves only when new bytes arrive; `checked_at` on every ask."""

    source: str
    url: str
    fetched_at: str
    checked_at: str
    http_status: int
    sha256: str
    size_bytes: int
    publisher: str
    licence: str
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    publisher_updated_at: str | None = None  # when the publisher says the content last changed, where it says
    note: str | None = None
    parts: list[dict[str, Any]] = field(default_factory=list)  # pages joined into this file
    extra: dict[str, Any] = field(default_factory=dict)

    def write(self, path: Path) -> None:
        write_json_atomically(manifest_path(path), asdict(self))


def read_manifest(path: Path) -> Manifest | None:
    """The manifest beside `path`, or None when there is none or it cannot be read (then the file is fetched anew)."""
    try:
        data = json.loads(manifest_path(path).read_text(encoding="utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None


def write_json_atomically(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part-{os.getpid()}")
    try:
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_state(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_state(folder: Path, state: dict[str, Any]) -> None:
    write_json_atomically(folder / STATE_FILE, state)


def read_status(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# --- checks: a body is what it claims to be --------------------------------------------------------------------


class BadBody(Exception):
    """The body arrived whole but is not what was asked for (HTML for a CSV, JSON that does not parse, ...)."""


def looks_like_html(head: bytes) -> bool:
    start = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def decode_json(data: bytes) -> tuple[Any, int]:
    """(parsed JSON, count of bytes that are not valid UTF-8). Invalid bytes are read as U+FFFD, never fatal:
    Contracts Finder sends some, and the file is still kept exactly as sent."""
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8-sig", errors="ignore").count("\ufffd")
    if looks_like_html(data):
        raise BadBody("an HTML page where JSON was expected")
    try:
        return json.loads(text), bad
    except ValueError as exc:
        raise BadBody(f"not valid JSON ({exc})") from None


def check_json(path: Path) -> str | None:
    _, bad = decode_json(path.read_bytes())
    return f"{bad:,} byte(s) not valid UTF-8, kept as sent" if bad else None


def check_csv(path: Path) -> str | None:
    with path.open("rb") as f:
        head = f.read(64 * 1024)
    if not head.strip():
        raise BadBody("empty file")
    if looks_like_html(head):
        raise BadBody("an HTML page where a CSV file was expected")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadBody("binary content where a CSV file was expected")
    first = head.splitlines()[0] if head.splitlines() else head
    if b"," not in head and b"\t" not in head and b";" not in first:
        raise BadBody("no delimiter in the first 64 KiB: not a CSV file")
    return None


def check_zip_spreadsheet(path: Path) -> str | None:
    """XLSX and ODS are zip archives: the archive must open and its members must be whole."""
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
    except zipfile.BadZipFile as exc:
        raise BadBody(f"not a whole spreadsheet archive ({exc})") from None
    if broken is not None:
        raise BadBody(f"spreadsheet archive member {broken} is damaged")
    return None


def check_xls(path: Path) -> str | None:
    with path.open("rb") as f:
        magic = f.read(8)
    if magic != bytes.fromhex("d0cf11e0a1b11ae1"):
        raise BadBody("not an Excel 97-2003 workbook (no OLE2 signature)")
    return None


def check_for(name: str) -> Callable[[Path], str | None]:
    """The check for a file by its extension (attachments: the publisher names the type)."""
    suffix = Path(name).suffix.lower()
    return {
        ".csv": check_csv,
        ".json": check_json,
        ".geojson": check_json,
        ".xlsx": check_zip_spreadsheet,
        ".ods": check_zip_spreadsheet,
        ".xls": check_xls,
    }.get(suffix, lambda _path: None)


# --- what a source reports -------------------------------------------------------------------------------------


@dataclass
class FileResult:
    path: Path
    status: str  # one of FILE_STATUSES
    url: str
    note: str | None = None


@dataclass
class SourceReport:
    """One source's run: the files it touched, what it warns about, and why it failed (None = it did not)."""

    source: str
    files: list[FileResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)


@dataclass(frozen=True)
class Settings:
    """Everything a fetcher reads from outside: base URLs, service names, windows. Defaults in pipelines.config."""

    base_urls: Mapping[str, str]
    ons_services: tuple[tuple[str, str, str], ...] = ()  # (file name, service, "lookup" | "boundaries")
    nomis_params: Mapping[str, str] = field(default_factory=dict)
    notices_first_days: int = 90
    notices_overlap_minutes: int = 60
    ifg_repo: str = "instituteforgov/ifg-ministers-database-public"
    ifg_branch: str = "main"
    ccs_customer_page: str = config.CCS_CUSTOMER_PAGE
    ons_postcode_services: tuple[tuple[str, str], ...] = ()  # (file name, service)
    page_size: int = 100

    def url(self, key: str) -> str:
        return self.base_urls[key].rstrip("/")


@dataclass
class Context:
    """What a fetcher is handed: the client, its folder under the raw folder, the settings and its report."""

    http: Http
    raw_dir: Path
    source: str
    settings: Settings
    report: SourceReport
    since: dt.datetime | None = None
    progress: Callable[[str], None] = lambda _text: None

    @property
    def folder(self) -> Path:
        return self.raw_dir / self.source

    def warn(self, text: str) -> None:
        self.report.warnings.append(text)

    def add(self, result: FileResult) -> FileResult:
        self.report.files.append(result)
        self.progress(f"{result.status}: {result.path.name}")
        return result


def conditional_headers(previous: Manifest | None, path: Path) -> dict[str, str]:
    if previous is None or not path.exists():
        return {}
    headers = {}
    if previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous.last_modified:
        headers["If-Modified-Since"] = previous.last_modified
    return headers


@contextmanager
def part_file(dest: Path) -> Iterator[Path]:
    """A hidden temporary beside `dest`; removed on the way out unless it was moved into place."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.part-{os.getpid()}")
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stream_to(tmp: Path) -> Callable[[httpx.Response], httpx.Response]:
    def consume(response: httpx.Response) -> httpx.Response:
        if response.status_code == 304:
            return response
        with tmp.open("wb") as f:
            for chunk in response.iter_raw() if _identity(response) else response.iter_bytes():
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        return response

    return consume


def _identity(response: httpx.Response) -> bool:
    """Keep the bytes exactly as the publisher stored them: a body sent without content coding is written raw."""
    return response.headers.get("Content-Encoding", "identity").lower() in ("", "identity")


@dataclass(frozen=True)
class Origin:
    publisher: str
    licence: str
    publisher_updated_at: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def download(
    ctx: Context,
    url: str,
    dest: Path,
    origin: Origin,
    *,
    params: Mapping[str, str | int] | None = None,
    policy: Policy = DEFAULT_POLICY,
    check: Callable[[Path], str | None] | None = None,
    expect_type: str | None = None,
) -> FileResult:
    """Fetch `url` into `dest` (conditionally when a manifest says what we have); the earlier file survives failure."""
    previous = read_manifest(dest)
    checker = check or check_for(dest.name)
    with part_file(dest) as tmp:
        response = ctx.http.request(
            url, _stream_to(tmp), params=params, headers=conditional_headers(previous, dest), policy=policy
        )
        final_url = str(response.request.url)
        if response.status_code == 304 and previous is not None:
            previous.checked_at = now_utc()
            previous.write(dest)
            return ctx.add(FileResult(dest, "unchanged", final_url, "304 Not Modified: kept"))
        _check_type(final_url, response, expect_type)
        try:
            note = checker(tmp)
        except BadBody as exc:
            raise FetchError(final_url, f"{exc}; the earlier file, if any, is kept") from None
        size = tmp.stat().st_size
        digest = _sha256(tmp)
        same = previous is not None and previous.sha256 == digest and dest.exists()
        os.replace(tmp, dest)
    stamp = now_utc()
    Manifest(
        source=ctx.source,
        url=final_url,
        fetched_at=stamp,
        checked_at=stamp,
        http_status=response.status_code,
        sha256=digest,
        size_bytes=size,
        publisher=origin.publisher,
        licence=origin.licence,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        content_type=response.headers.get("Content-Type"),
        publisher_updated_at=origin.publisher_updated_at,
        note=note,
        extra=dict(origin.extra),
    ).write(dest)
    status = "unchanged" if same else ("changed" if previous is not None else "new")
    return ctx.add(FileResult(dest, status, final_url, note))


def _check_type(url: str, response: httpx.Response, expect: str | None) -> None:
    if expect is None:
        return
    got = response.headers.get("Content-Type", "")
    if expect not in got.lower():
        raise FetchError(url, f"wrong content type {got or '(none)'!r} where {expect} was expected")


def get_json(
    ctx: Context,
    url: str,
    *,
    params: Mapping[str, str | int] | None = None,
    headers: Mapping[str, str] | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> tuple[httpx.Response, Any, bytes]:
    """(response, parsed body, raw bytes) of a JSON API call; a 304 gives (response, None, b"")."""

    def consume(response: httpx.Response) -> tuple[httpx.Response, bytes]:
        return response, (b"" if response.status_code == 304 else response.read())

    response, body = ctx.http.request(url, consume, params=params, headers=headers, policy=policy)
    final_url = str(response.request.url)
    if response.status_code == 304:
        return response, None, b""
    got = response.headers.get("Content-Type", "")
    if "json" not in got.lower():
        raise FetchError(final_url, f"wrong content type {got or '(none)'!r} where JSON was expected")
    try:
        data, _ = decode_json(body)
    except BadBody as exc:
        raise FetchError(final_url, str(exc)) from None
    return response, data, body


def save_bytes(
    ctx: Context,
    dest: Path,
    data: bytes,
    origin: Origin,
    *,
    url: str,
    http_status: int = 200,
    response: httpx.Response | None = None,
    parts: list[dict[str, Any]] | None = None,
    check: Callable[[Path], str | None] | None = None,
    note: str | None = None,
) -> FileResult:
    """Write bytes already received (one JSON page, or pages joined) into `dest` with its manifest, atomically."""
    previous = read_manifest(dest)
    digest = hashlib.sha256(data).hexdigest()
    stamp = now_utc()
    if previous is not None and previous.sha256 == digest and dest.exists():
        previous.checked_at = stamp
        previous.note = note or previous.note
        previous.write(dest)
        return ctx.add(FileResult(dest, "unchanged", url, "same bytes as before: kept"))
    with part_file(dest) as tmp:
        tmp.write_bytes(data)
        try:
            found = (check or check_for(dest.name))(tmp)
        except BadBody as exc:
            raise FetchError(url, f"{exc}; the earlier file, if any, is kept") from None
        os.replace(tmp, dest)
    headers = response.headers if response is not None else httpx.Headers()
    Manifest(
        source=ctx.source,
        url=url,
        fetched_at=stamp,
        checked_at=stamp,
        http_status=http_status,
        sha256=digest,
        size_bytes=len(data),
        publisher=origin.publisher,
        licence=origin.licence,
        etag=headers.get("ETag"),
        last_modified=headers.get("Last-Modified"),
        content_type=headers.get("Content-Type"),
        publisher_updated_at=origin.publisher_updated_at,
        note="; ".join(x for x in (note, found) if x) or None,
        parts=parts or [],
        extra=dict(origin.extra),
    ).write(dest)
    return ctx.add(FileResult(dest, "changed" if previous is not None else "new", url, note))


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, default: str = "file") -> str:
    """A file or folder name from a URL segment or slug: no separators, no leading dot."""
    name = _UNSAFE.sub("-", text).strip("-.")
    return name[:150] or default


def file_name_from_url(url: str) -> str:
    return safe_name(Path(urlsplit(url).path).name)
