"""ONS ArcGIS FeatureServer and NOMIS population, end to end against a replay server on 127.0.0.1.

The replayed features and rows are the recorded ONS lookup, boundaries and NOMIS extract in
../shared/data/ons-geography (skipped when absent), cut into pages the way the services page them; the
service envelopes (layer description, `exceededTransferLimit`, the 200-with-error body) are hand-built in the
documented shapes. The written files are then read by the build's own geography formats.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from pipelines.core.fetching import read_manifest
from pipelines.geography.fetch import NOMIS_NAME, ONS_NAME, fetch_nomis, fetch_ons
from tests.replay import ReplayServer, Reply, Seen, context, fetch_settings, shared

RECORDED = shared("ons-geography")
LOOKUP = RECORDED / "Local_Authority_District_to_Region_(December_2022)_Lookup_in_England.csv"
BOUNDARIES = RECORDED / "derived" / "lad22_buc_wgs84.geojson"
NOMIS = RECORDED / "nomis_mid2021_population_estimates_lad.csv"
pytestmark = pytest.mark.skipif(not RECORDED.is_dir(), reason=f"{RECORDED} is absent (recorded ONS files)")

LOOKUP_SERVICE, BOUNDARY_SERVICE = "LAD22_RGN22_EN_LU", "LAD_DEC_2022_UK_BUC"
SERVICES = (("lad22_rgn22_lookup.csv", LOOKUP_SERVICE, "lookup"), ("lad22_buc.geojson", BOUNDARY_SERVICE, "boundaries"))
EDIT = 1_700_000_000_000


def lookup_rows() -> tuple[list[str], list[dict]]:
    with LOOKUP.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def layer_info(seen: Seen) -> Reply:
    assert seen.arg("f") == "json"
    return Reply.json({"name": "layer", "maxRecordCount": 100, "editingInfo": {"lastEditDate": EDIT}})


def lookup_query(seen: Seen) -> Reply:
    assert seen.arg("where") == "1=1" and seen.arg("returnGeometry") == "false" and seen.arg("f") == "json"
    fields, rows = lookup_rows()
    offset = int(seen.arg("resultOffset") or 0)
    page = rows[offset : offset + 100]
    body = {
        "fields": [{"name": n, "type": "esriFieldTypeString"} for n in fields],
        "features": [{"attributes": {**r, "ObjectId": int(r["ObjectId"])}} for r in page],
    }
    if offset + 100 < len(rows):
        body["exceededTransferLimit"] = True
    return Reply.json(body)


def boundary_query(seen: Seen) -> Reply:
    assert seen.arg("f") == "geojson" and seen.arg("outSR") == "4326"
    features = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]
    offset = int(seen.arg("resultOffset") or 0)
    body: dict = {"type": "FeatureCollection", "features": features[offset : offset + 150]}
    if offset + 150 < len(features):
        body["properties"] = {"exceededTransferLimit": True}
    return Reply.json(body)


def serve_arcgis(replay: ReplayServer) -> None:
    for service, query in ((LOOKUP_SERVICE, lookup_query), (BOUNDARY_SERVICE, boundary_query)):
        replay.route(f"/{service}/FeatureServer/0", layer_info)
        replay.route(f"/{service}/FeatureServer/0/query", query)


def ons_context(replay: ReplayServer, raw: Path, services=SERVICES):  # type: ignore[no-untyped-def]
    return context(replay, raw, ONS_NAME, settings=fetch_settings(replay, ons_services=services))


def test_arcgis_pages_by_result_offset_into_the_portal_s_csv_and_geojson(replay: ReplayServer, tmp_path: Path) -> None:
    serve_arcgis(replay)
    ctx = ons_context(replay, tmp_path)
    fetch_ons(ctx)
    assert ctx.report.ok, ctx.report.errors
    offsets = [s.arg("resultOffset") for s in replay.seen(f"/{LOOKUP_SERVICE}/FeatureServer/0/query")]
    assert offsets == ["0", "100", "200", "300"]
    fields, rows = lookup_rows()
    with (tmp_path / ONS_NAME / "lad22_rgn22_lookup.csv").open(encoding="utf-8", newline="") as f:
        written = list(csv.DictReader(f))
    assert written == rows and list(written[0]) == fields
    collection = json.loads((tmp_path / ONS_NAME / "lad22_buc.geojson").read_text(encoding="utf-8"))
    assert len(collection["features"]) == 374
    assert [s.arg("resultOffset") for s in replay.seen(f"/{BOUNDARY_SERVICE}/FeatureServer/0/query")] == [
        "0",
        "150",
        "300",
    ]
    manifest = read_manifest(tmp_path / ONS_NAME / "lad22_rgn22_lookup.csv")
    assert manifest is not None and len(manifest.parts) == 4 and manifest.extra["service"] == LOOKUP_SERVICE
    assert manifest.publisher_updated_at == "2023-11-14T22:13:20Z"


def test_the_fetched_files_are_read_by_the_build_s_geography_formats(replay: ReplayServer, tmp_path: Path) -> None:
    from pipelines.core.textio import read_head
    from pipelines.warehouse.formats import detect

    serve_arcgis(replay)
    fetch_ons(ons_context(replay, tmp_path))
    for name, expected in (
        ("lad22_rgn22_lookup.csv", "ons_lad_region_lookup"),
        ("lad22_buc.geojson", "ons_boundaries_geojson"),
    ):
        formats = detect(read_head(tmp_path / ONS_NAME / name))
        assert [f.id for f in formats] == [expected]


def test_a_second_run_asks_only_for_the_layer_descriptions(replay: ReplayServer, tmp_path: Path) -> None:
    serve_arcgis(replay)
    fetch_ons(ons_context(replay, tmp_path))
    replay.clear()
    ctx = ons_context(replay, tmp_path)
    fetch_ons(ctx)
    assert [s.path for s in replay.log] == [
        f"/{LOOKUP_SERVICE}/FeatureServer/0",
        f"/{BOUNDARY_SERVICE}/FeatureServer/0",
    ]
    assert {f.status for f in ctx.report.files} == {"unchanged"}


def test_a_renamed_service_answering_200_with_an_error_body_is_reported_and_the_rest_fetched(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve_arcgis(replay)
    replay.route(
        "/LAD99_RGN99_EN_LU/FeatureServer/0",
        Reply.json({"error": {"code": 400, "message": "Invalid URL", "details": ["Invalid URL"]}}),
    )
    services = (("lad99.csv", "LAD99_RGN99_EN_LU", "lookup"), *SERVICES)
    ctx = ons_context(replay, tmp_path, services)
    fetch_ons(ctx)
    assert len(ctx.report.errors) == 1
    assert "/LAD99_RGN99_EN_LU/FeatureServer/0" in ctx.report.errors[0]
    assert "ArcGIS error 400: Invalid URL" in ctx.report.errors[0] and "config.ONS_SERVICES" in ctx.report.errors[0]
    assert (tmp_path / ONS_NAME / "lad22_rgn22_lookup.csv").exists() and not (
        tmp_path / ONS_NAME / "lad99.csv"
    ).exists()


def test_an_error_body_on_a_later_page_keeps_the_earlier_file(replay: ReplayServer, tmp_path: Path) -> None:
    serve_arcgis(replay)
    fetch_ons(ons_context(replay, tmp_path))
    before = (tmp_path / ONS_NAME / "lad22_rgn22_lookup.csv").read_bytes()

    def changed_info(seen: Seen) -> Reply:
        return Reply.json({"maxRecordCount": 100, "editingInfo": {"lastEditDate": EDIT + 1}})

    def failing(seen: Seen) -> Reply:
        if seen.arg("resultOffset") == "200":
            return Reply.json({"error": {"code": 500, "message": "Error performing query operation"}})
        return lookup_query(seen)

    replay.route(f"/{LOOKUP_SERVICE}/FeatureServer/0", changed_info)
    replay.route(f"/{LOOKUP_SERVICE}/FeatureServer/0/query", failing)
    ctx = ons_context(replay, tmp_path)
    fetch_ons(ctx)
    assert "Error performing query operation" in ctx.report.errors[0]
    assert (tmp_path / ONS_NAME / "lad22_rgn22_lookup.csv").read_bytes() == before


def nomis_page(seen: Seen) -> Reply:
    assert seen.arg("c_age") == "200" and seen.arg("geography") == "TYPE424"
    lines = NOMIS.read_bytes().splitlines(keepends=True)
    offset = int(seen.arg("recordOffset") or 0)
    return Reply.csv(lines[0] + b"".join(lines[1 + offset : 1 + offset + 5000]))


def test_nomis_pages_by_record_offset_to_record_count(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/api/v01/dataset/NM_2002_1.data.csv", nomis_page)
    settings = fetch_settings(replay, nomis_params={"geography": "TYPE424", "c_age": "200"})
    ctx = context(replay, tmp_path, NOMIS_NAME, settings=settings)
    fetch_nomis(ctx)
    assert ctx.report.ok, ctx.report.errors
    assert [s.arg("recordOffset") for s in replay.log] == ["0", "5000", "10000"]
    written = tmp_path / NOMIS_NAME / "nomis_population_lad.csv"
    assert written.read_bytes() == NOMIS.read_bytes()  # the pages joined are the whole extract, byte for byte
    rows = list(csv.DictReader(io.StringIO(written.read_text(encoding="utf-8"))))
    assert len(rows) == 11_178


def test_nomis_second_run_sends_the_first_page_s_own_validator(replay: ReplayServer, tmp_path: Path) -> None:
    """Each page has its own ETag (as a server hashing each body would): the first page's is the one to send."""

    def tagged_page(seen: Seen) -> Reply:
        reply = nomis_page(seen)
        reply.etag = f'"page-{seen.arg("recordOffset")}"'
        return reply

    replay.route("/api/v01/dataset/NM_2002_1.data.csv", tagged_page)
    settings = fetch_settings(replay, nomis_params={"geography": "TYPE424", "c_age": "200"})
    fetch_nomis(context(replay, tmp_path, NOMIS_NAME, settings=settings))
    replay.clear()
    ctx = context(replay, tmp_path, NOMIS_NAME, settings=settings)
    fetch_nomis(ctx)
    assert [(s.arg("recordOffset"), s.headers.get("if-none-match")) for s in replay.log] == [("0", '"page-0"')]
    assert [f.status for f in ctx.report.files] == ["unchanged"]


def test_nomis_answering_html_is_an_error(replay: ReplayServer, tmp_path: Path) -> None:
    from pipelines.core.http import FetchError

    replay.route(
        "/api/v01/dataset/NM_2002_1.data.csv",
        Reply(body=b"<html>maintenance</html>", headers={"Content-Type": "text/html"}),
    )
    with pytest.raises(FetchError, match="wrong content type"):
        fetch_nomis(context(replay, tmp_path, NOMIS_NAME))
