"""The ONS postcode -> district lookup from an ArcGIS FeatureServer, end to end against a replay server on 127.0.0.1.

The layer and its pages are hand-built in the documented FeatureServer shapes (the real lookup has about 2.7
million rows and a vintage in its service name, which is a setting: [U] not confirmed against the portal).
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from pipelines.core.http import FetchError
from pipelines.fetch import run
from pipelines.geography.fetch import POSTCODES_NAME, fetch_ons_postcodes, postcode_fields
from pipelines.geography.postcodes import FORMAT_ID, STAGING
from pipelines.warehouse.formats import load_file
from tests.replay import ReplayServer, Reply, Seen, context, fetch_settings, quick_http

SERVICE = "PCD_OA21_LSOA21_MSOA21_LAD_NOV25_UK_LU"
FIELDS = ["ObjectId", "PCD7", "PCD8", "PCDS", "DOINTR", "DOTERM", "USERTYPE", "OA21CD", "LAD25CD", "LAD25NM"]
ROWS = [
    ("M13 5PL", "", "E08000003", "Manchester"),
    ("M13 5PM", "201001", "E08000003", "Manchester"),
    ("L3 9PP", "", "E08000012", "Liverpool"),
    ("LS9 7TF", "", "E08000035", "Leeds"),
    ("GY1 1AA", "", "L99999999", "(pseudo) Channel Islands"),
]
PAGE = 2


def layer(seen: Seen) -> Reply:
    assert seen.arg("f") == "json"
    fields = [{"name": n, "type": "esriFieldTypeString"} for n in FIELDS]
    return Reply.json({"name": SERVICE, "maxRecordCount": PAGE, "fields": fields, "editingInfo": {"lastEditDate": 7}})


def query(seen: Seen) -> Reply:
    wanted = (seen.arg("outFields") or "").split(",")
    offset = int(seen.arg("resultOffset") or 0)
    records = []
    for n, (pcds, doterm, lad, name) in enumerate(ROWS[offset : offset + PAGE], offset + 1):
        full = dict(
            zip(
                FIELDS,
                [n, pcds.replace(" ", ""), pcds, pcds, "199606", doterm or None, "0", "E0", lad, name],
                strict=True,
            )
        )
        records.append({"attributes": {k: v for k, v in full.items() if k in wanted}})
    body: dict = {"fields": [{"name": n} for n in FIELDS if n in wanted], "features": records}
    if offset + PAGE < len(ROWS):
        body["exceededTransferLimit"] = True
    return Reply.json(body)


def serve(replay: ReplayServer) -> None:
    replay.route(f"/{SERVICE}/FeatureServer/0", layer)
    replay.route(f"/{SERVICE}/FeatureServer/0/query", query)


def postcode_context(replay: ReplayServer, raw: Path, service: str = SERVICE):  # type: ignore[no-untyped-def]
    settings = fetch_settings(replay, ons_postcode_services=(("pcd_lad_lookup.csv", service),))
    return context(replay, raw, POSTCODES_NAME, settings=settings)


def test_only_the_postcode_district_and_termination_fields_are_asked_for_page_by_page(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve(replay)
    ctx = postcode_context(replay, tmp_path)
    fetch_ons_postcodes(ctx)
    assert ctx.report.ok, ctx.report.errors
    asked = replay.seen(f"/{SERVICE}/FeatureServer/0/query")
    assert [s.arg("resultOffset") for s in asked] == ["0", "2", "4"]
    assert {s.arg("outFields") for s in asked} == {"PCDS,LAD25CD,DOTERM"}
    with (tmp_path / POSTCODES_NAME / "pcd_lad_lookup.csv").open(encoding="utf-8", newline="") as f:
        written = list(csv.reader(f))
    assert written[0] == ["PCDS", "DOTERM", "LAD25CD"]  # the layer's own field order
    assert written[1:] == [[pcds, doterm, lad] for pcds, doterm, lad, _ in ROWS]


def test_the_fetched_lookup_is_read_by_the_build_as_a_postcode_lookup(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay)
    fetch_ons_postcodes(postcode_context(replay, tmp_path))
    path = tmp_path / POSTCODES_NAME / "pcd_lad_lookup.csv"
    outcome, loaded = load_file(path, tmp_path, tmp_path / "work")
    assert outcome.status == "loaded" and outcome.format == FORMAT_ID, outcome.message
    assert loaded is not None
    staged = loaded.tables[STAGING]
    assert isinstance(staged, pl.DataFrame)
    assert staged.select("postcode", "lad_code", "terminated").rows() == [
        ("M13 5PL", "E08000003", False),
        ("M13 5PM", "E08000003", True),
        ("L3 9PP", "E08000012", False),
        ("LS9 7TF", "E08000035", False),
    ]
    assert loaded.rejects.height == 1  # the Channel Islands pseudo code, kept with its reason


def test_a_second_run_asks_only_for_the_layer_description(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay)
    fetch_ons_postcodes(postcode_context(replay, tmp_path))
    replay.clear()
    ctx = postcode_context(replay, tmp_path)
    fetch_ons_postcodes(ctx)
    assert [s.path for s in replay.log] == [f"/{SERVICE}/FeatureServer/0"]
    assert [f.status for f in ctx.report.files] == ["unchanged"]


def test_a_layer_without_a_district_field_fails_naming_the_fields_found() -> None:
    info = {"fields": [{"name": "PCDS"}, {"name": "OA21CD"}]}
    with pytest.raises(FetchError, match=r"no district field .*\(PCDS, OA21CD\)"):
        postcode_fields("http://127.0.0.1/x/FeatureServer/0", info)


def test_a_renamed_postcode_service_fails_only_its_own_source(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/GONE/FeatureServer/0", Reply.json({"error": {"code": 400, "message": "Invalid URL"}}))
    replay.route("/api/organisations", Reply.json({"results": [], "pages": 1}))
    settings = fetch_settings(replay, ons_postcode_services=(("pcd_lad_lookup.csv", "GONE"),))
    reports = {
        r.source: r
        for r in run(tmp_path, only=[POSTCODES_NAME, "govuk-organisations"], settings=settings, http=quick_http())
    }
    assert reports["govuk-organisations"].ok
    assert "'GONE'" in reports[POSTCODES_NAME].errors[0] and "Invalid URL" in reports[POSTCODES_NAME].errors[0]
    assert not (tmp_path / POSTCODES_NAME / "pcd_lad_lookup.csv").exists()
