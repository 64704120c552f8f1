"""Fetch ONS geography from the Open Geography Portal's ArcGIS FeatureServers, and NOMIS population.

ArcGIS (`<base>/<SERVICE>/FeatureServer/0`): service names carry the vintage and are settings
(`config.ONS_SERVICES`). For each service the layer's description is asked first (`?f=json`); when its
`editingInfo.lastEditDate` is the one recorded in the file's manifest, the file is current and nothing more is
asked. Otherwise `query` is paged with `resultOffset` (+= the features received) while `exceededTransferLimit`
is true (top level with `f=json`, inside `properties` with `f=geojson`). ArcGIS reports errors as HTTP 200
with an `error` body: every body is checked, and a renamed service fails naming the service and the setting.
Lookups are written as the CSV the portal offers for download (the layer's fields in its order, one row per
feature); boundaries as one GeoJSON FeatureCollection in WGS84 (every page's features, nothing else changed).

NOMIS (`NM_2002_1.data.csv`): CSV pages of up to 25,000 rows, paged with `recordOffset` until the rows received
reach `RECORD_COUNT`; the pages are joined with the header once.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterator
from typing import Any

import httpx

from pipelines.core.fetching import (
    Context,
    FileResult,
    Manifest,
    Origin,
    conditional_headers,
    get_json,
    now_utc,
    read_manifest,
    save_bytes,
)
from pipelines.core.http import FetchError, Policy
from pipelines.geography import postcodes
from pipelines.geography.formats import LICENCE

ONS_NAME = "ons-geography"
NOMIS_NAME = "nomis-population"
POSTCODES_NAME = "ons-postcode-lookup"  # the folder the sample uses for the lookup
ONS_PUBLISHER = "Office for National Statistics (Open Geography Portal)"
NOMIS_PUBLISHER = "Office for National Statistics (NOMIS: mid-year population estimates)"

ARCGIS_POLICY = Policy(spacing=0.5)
NOMIS_POLICY = Policy(spacing=1.0)
NOMIS_PAGE = 25_000


def _checked(url: str, data: Any, service: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise FetchError(url, "ArcGIS answer is not a JSON object")
    error = data.get("error")
    if isinstance(error, dict):
        raise FetchError(
            url,
            f"ArcGIS error {error.get('code')}: {error.get('message')} {error.get('details') or ''}".strip()
            + f" (is the service {service!r} renamed? it is set in config.ONS_SERVICES)",
        )
    return data


def fetch_ons(ctx: Context) -> None:
    for file_name, service, kind in ctx.settings.ons_services:
        try:
            _fetch_service(ctx, file_name, service, kind)
        except FetchError as exc:
            ctx.report.errors.append(str(exc))


def fetch_ons_postcodes(ctx: Context) -> None:
    """Postcode -> district lookups: a source of their own, so a renamed postcode service fails only itself."""
    for file_name, service in ctx.settings.ons_postcode_services:
        try:
            _fetch_service(ctx, file_name, service, "postcodes")
        except FetchError as exc:
            ctx.report.errors.append(str(exc))


def postcode_fields(layer_url: str, info: dict[str, Any]) -> list[str]:
    """The layer's fields the build's postcode reader reads (postcodes.header_columns: postcode, district and
    termination date), so nothing else of a 2.7-million-row lookup is asked for."""
    names = [str(f.get("name")) for f in info.get("fields") or [] if isinstance(f, dict) and f.get("name")]
    postcode, district, terminated = postcodes.header_columns(names)
    for role, found in (("postcode", postcode), ("district", district)):
        if found is None:
            known = ", ".join(names) or "none"
            raise FetchError(layer_url, f"no {role} field the postcode reader knows among the layer's fields ({known})")
    return [f for f in (postcode, district, terminated) if f is not None]


def _fetch_service(ctx: Context, file_name: str, service: str, kind: str) -> None:
    layer_url = f"{ctx.settings.url('arcgis')}/{service}/FeatureServer/0"
    _, info, _ = get_json(ctx, layer_url, params={"f": "json"}, policy=ARCGIS_POLICY)
    info = _checked(layer_url, info, service)
    editing = info.get("editingInfo") or {}
    last_edit = editing.get("dataLastEditDate") or editing.get("lastEditDate")
    dest = ctx.folder / file_name
    previous = read_manifest(dest)
    if (
        last_edit is not None
        and previous is not None
        and dest.exists()
        and previous.extra.get("last_edit") == last_edit
    ):
        ctx.progress(f"{service}: unchanged since {last_edit}")
        previous.checked_at = now_utc()
        previous.write(dest)
        ctx.add(FileResult(dest, "unchanged", layer_url, "layer lastEditDate unchanged: not asked again"))
        return
    if kind == "boundaries":
        pages, body = _boundary_pages(ctx, layer_url + "/query", service)
    else:
        fields = postcode_fields(layer_url, info) if kind == "postcodes" else None
        pages, body = _lookup_pages(ctx, layer_url + "/query", service, fields)
    origin = Origin(
        ONS_PUBLISHER,
        LICENCE,
        publisher_updated_at=_epoch_ms(last_edit),
        extra={"service": service, "last_edit": last_edit, "max_record_count": info.get("maxRecordCount")},
    )
    save_bytes(ctx, dest, body, origin, url=layer_url + "/query", parts=pages)


def _epoch_ms(value: Any) -> str | None:
    if not isinstance(value, int | float):
        return None
    return dt.datetime.fromtimestamp(value / 1000, dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _paged(
    ctx: Context, url: str, service: str, params: dict[str, str | int], inside_properties: bool
) -> Iterator[tuple[dict[str, Any], dict[str, Any], list[Any]]]:
    """Yield (page record, features) while the layer says more remain."""
    offset = 0
    while True:
        response, data, body = get_json(ctx, url, params={**params, "resultOffset": offset}, policy=ARCGIS_POLICY)
        data = _checked(str(response.request.url), data, service)
        features = data.get("features")
        if not isinstance(features, list):
            raise FetchError(str(response.request.url), "ArcGIS answer has no features list")
        part = {
            "url": str(response.request.url),
            "status": response.status_code,
            "features": len(features),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        yield part, data, features
        holder = (data.get("properties") or {}) if inside_properties else data
        if not holder.get("exceededTransferLimit") or not features:
            return
        offset += len(features)
        ctx.progress(f"{service}: {offset:,} features")


def _lookup_pages(
    ctx: Context, url: str, service: str, out_fields: list[str] | None = None
) -> tuple[list[dict[str, Any]], bytes]:
    """The layer's rows as the CSV the portal offers, written page by page (a postcode lookup is millions of rows)."""
    out = ",".join(out_fields) if out_fields else "*"
    params: dict[str, str | int] = {"where": "1=1", "outFields": out, "returnGeometry": "false", "f": "json"}
    parts: list[dict[str, Any]] = []
    text = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    rows = 0
    for part, data, features in _paged(ctx, url, service, params, inside_properties=False):
        parts.append(part)
        page = [f.get("attributes") or {} for f in features if isinstance(f, dict)]
        if writer is None and page:
            fields = [f["name"] for f in data.get("fields") or [] if isinstance(f, dict) and f.get("name")]
            fields = [f for f in fields if f in out_fields] if out_fields else fields
            writer = csv.DictWriter(
                text, fieldnames=fields or list(page[0]), extrasaction="ignore", lineterminator="\r\n"
            )
            writer.writeheader()
        if writer is not None:
            writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in page)
        rows += len(page)
    if not rows:
        raise FetchError(url, f"the service {service!r} returned no features")
    return parts, text.getvalue().encode("utf-8")


def _boundary_pages(ctx: Context, url: str, service: str) -> tuple[list[dict[str, Any]], bytes]:
    params: dict[str, str | int] = {"where": "1=1", "outFields": "*", "outSR": "4326", "f": "geojson"}
    parts: list[dict[str, Any]] = []
    features: list[Any] = []
    for part, _data, page in _paged(ctx, url, service, params, inside_properties=True):
        parts.append(part)
        features += page
    if not features:
        raise FetchError(url, f"the service {service!r} returned no features")
    collection = {"type": "FeatureCollection", "features": features}
    return parts, json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- NOMIS --------------------------------------------------------------------------------------------------------


def fetch_nomis(ctx: Context) -> None:
    url = ctx.settings.url("nomis") + "/api/v01/dataset/NM_2002_1.data.csv"
    dest = ctx.folder / "nomis_population_lad.csv"
    previous = read_manifest(dest)
    header: bytes | None = None
    chunks: list[bytes] = []
    parts: list[dict[str, Any]] = []
    received, total, offset = 0, None, 0
    first: httpx.Response | None = None  # its validators are the ones the next run sends with the first page
    while total is None or received < total:
        params: dict[str, str | int] = {**ctx.settings.nomis_params, "recordOffset": offset}
        first_headers = conditional_headers(previous, dest) if offset == 0 else {}
        response, body = _get_csv(ctx, url, params, first_headers)
        if response.status_code == 304 and previous is not None:
            _kept(ctx, previous, dest, str(response.request.url))
            return
        first = first or response
        page_header, rows, page_total = _nomis_page(str(response.request.url), body)
        header = header or page_header
        if page_header != header:
            raise FetchError(str(response.request.url), "page header differs from the first page's")
        total = page_total if page_total is not None else received + len(rows)
        parts.append({"url": str(response.request.url), "status": response.status_code, "rows": len(rows)})
        chunks += rows
        received += len(rows)
        offset = received
        ctx.progress(f"{received:,} of {total:,} rows")
        if not rows:
            break
    if header is None or not chunks:
        raise FetchError(url, "NOMIS returned no rows (check config.NOMIS_PARAMS)")
    body = header + b"".join(chunks)
    origin = Origin(NOMIS_PUBLISHER, LICENCE)
    save_bytes(ctx, dest, body, origin, url=parts[0]["url"], parts=parts, response=first)


def _kept(ctx: Context, previous: Manifest, dest: Any, url: str) -> None:
    previous.checked_at = now_utc()
    previous.write(dest)
    ctx.add(FileResult(dest, "unchanged", url, "304 Not Modified: kept"))


def _get_csv(
    ctx: Context, url: str, params: dict[str, str | int], headers: dict[str, str]
) -> tuple[httpx.Response, bytes]:
    def consume(response: httpx.Response) -> tuple[httpx.Response, bytes]:
        return response, (b"" if response.status_code == 304 else response.read())

    response, body = ctx.http.request(url, consume, params=params, headers=headers, policy=NOMIS_POLICY)
    kind = response.headers.get("Content-Type", "")
    if response.status_code != 304 and "csv" not in kind and "text/plain" not in kind:
        raise FetchError(str(response.request.url), f"wrong content type {kind or '(none)'!r} where CSV was expected")
    return response, body


def _nomis_page(url: str, body: bytes) -> tuple[bytes, list[bytes], int | None]:
    """(header line, data lines, RECORD_COUNT) of one NOMIS CSV page, lines kept as sent."""
    lines = body.splitlines(keepends=True)
    if not lines:
        raise FetchError(url, "empty NOMIS page")
    header = lines[0]
    names = next(csv.reader([header.decode("utf-8-sig")]))
    if "OBS_VALUE" not in names:
        raise FetchError(url, f"not a NOMIS data CSV (header {header[:120]!r})")
    data = [line for line in lines[1:] if line.strip()]
    total = None
    if data and "RECORD_COUNT" in names:
        row = next(csv.reader([data[0].decode("utf-8", errors="replace")]))
        index = names.index("RECORD_COUNT")
        if index < len(row) and row[index].strip().isdigit():
            total = int(row[index])
    if data and not data[-1].endswith((b"\n", b"\r")):
        data[-1] += b"\n"
    return header if header.endswith((b"\n", b"\r")) else header + b"\n", data, total
