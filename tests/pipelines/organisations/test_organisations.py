"""GOV.UK organisations: format detection, staging rules, the department walk, the sample and the real snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from pipelines.config import ROOT
from pipelines.core.textio import UnreadableFileError, read_head
from pipelines.organisations.formats import (
    FORMAT_ARRAY,
    FORMAT_PAGE,
    STAGING,
    STAGING_SCHEMA,
    load_organisations,
    records_of,
)
from pipelines.organisations.sample import write_sample
from pipelines.organisations.tables import (
    CENTRAL_BODIES_CSV,
    REFERENCE_STATUS,
    Node,
    build_organisations,
    central_bodies,
    devolved_governments,
    find_department,
    successors,
)
from pipelines.reference import departments
from pipelines.warehouse.formats import detect

REAL = ROOT.parent / "shared" / "data" / "govuk-organisations" / "govuk_extant_orgs.json"
API = "https://www.gov.uk/api/organisations/"


def org(slug: str, title: str | None = "Body", fmt: str = "Executive agency", parents=(), **details) -> dict:
    """A record in the API's real shape."""
    return {
        "id": API + slug,
        "title": title,
        "format": fmt,
        "updated_at": details.pop("updated_at", "2024-08-29T13:57:07Z"),
        "web_url": "https://www.gov.uk/government/organisations/" + slug,
        "details": {
            "slug": slug,
            "abbreviation": details.pop("abbreviation", ""),
            "logo_formatted_name": title,
            "organisation_brand_colour_class_name": slug,
            "organisation_logo_type_class_name": "single-identity",
            "closed_at": details.pop("closed_at", None),
            "govuk_status": details.pop("govuk_status", "live"),
            "govuk_closed_status": None,
            "content_id": "b854f170-53c8-4098-bf77-e8ef42f93107",
        },
        "analytics_identifier": "OT1276",
        "parent_organisations": [
            {"id": API + p, "web_url": "https://www.gov.uk/government/organisations/" + p} for p in parents
        ],
        "child_organisations": [],
        "superseded_organisations": [],
        "superseding_organisations": [],
    }


def write_json(path: Path, data: object, *, indent: int | None = 2, newline: str = "\n", bom: bool = False) -> Path:
    text = json.dumps(data, indent=indent, ensure_ascii=False).replace("\n", newline)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def load(path: Path):
    head = read_head(path)
    result = load_organisations(path, head, path.parent / "work")
    result.check_reconciles()
    return result


def our_formats(path: Path) -> list[str]:
    return [f.id for f in detect(read_head(path)) if f.source == "govuk_organisations"]


def dept_ref() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "department_id": ["DFT", "BIS", "HMRC"],
            "govuk_slug": [
                "department-for-transport",
                "department-for-business-innovation-skills",
                "hm-revenue-customs",
            ],
        }
    )


def no_bodies() -> pl.DataFrame:
    return pl.DataFrame(
        schema={n: pl.String for n in ("title", "slug", "abbreviation", "format", "parent_slug", "sector")}
        | {"closed": pl.Boolean}
    )


# --------------------------------------------------------------------------------------------- detection


def test_array_of_records_is_recognised_and_staged(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "orgs.json",
        [
            org("department-for-transport", "Department for Transport", "Ministerial department", abbreviation="DfT"),
            org("driver-and-vehicle-licensing-agency", "Driver and Vehicle Licensing Agency",
                parents=["department-for-transport", "department-for-transport"], abbreviation="DVLA"),
        ],
    )  # fmt: skip
    assert [f.id for f in detect(read_head(path))] == [FORMAT_ARRAY]
    result = load(path)
    stg = result.tables[STAGING]
    assert stg.schema == pl.Schema(STAGING_SCHEMA)
    assert result.rows_read == 2 and result.rejects.is_empty()
    dvla = stg.filter(pl.col("slug") == "driver-and-vehicle-licensing-agency").row(0, named=True)
    assert dvla["parent_slugs"] == "department-for-transport"  # repeated links kept once
    assert dvla["abbreviation"] == "DVLA" and dvla["source_line"] == 2 and dvla["source_file"] == "orgs.json"
    assert stg["abbreviation"].to_list() == ["DfT", "DVLA"]
    assert str(dvla["updated_at"]) == "2024-08-29 13:57:07"


def test_api_page_object_is_recognised(tmp_path: Path) -> None:
    page = {
        "_response_info": {"status": "ok"},
        "total": 1,
        "current_page": 1,
        "pages": 1,
        "results": [org("ofsted", "Ofsted")],
    }
    pretty = write_json(tmp_path / "page.json", page)
    one_line = write_json(tmp_path / "page-min.json", page, indent=None)
    assert our_formats(pretty) == [FORMAT_PAGE]
    assert our_formats(one_line) == [FORMAT_PAGE]
    assert load(one_line).tables[STAGING]["slug"].to_list() == ["ofsted"]


def test_bom_and_crlf_file_loads(tmp_path: Path) -> None:
    path = write_json(tmp_path / "orgs.json", [org("ofsted", "Ofsted")], newline="\r\n", bom=True)
    assert our_formats(path) == [FORMAT_ARRAY]
    assert load(path).rows_loaded == 1


@pytest.mark.parametrize(
    "data",
    [
        [{"id": 1, "title": "Not an organisation", "format": "x"}],  # no details.slug
        {"results": [{"id": "x", "name": "y"}]},
        {"ocid": "ocds-1", "id": "1", "tag": ["tender"]},
        [],
    ],
)
def test_other_json_is_not_recognised(tmp_path: Path, data: object) -> None:
    assert our_formats(write_json(tmp_path / "other.json", data)) == []


def test_empty_file_is_not_recognised(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    assert our_formats(path) == []


# --------------------------------------------------------------------------------------------- rejects


def test_record_without_slug_is_rejected(tmp_path: Path) -> None:
    record = org("x", "Nameless slug")
    record["details"]["slug"] = ""
    result = load(write_json(tmp_path / "o.json", [org("ofsted", "Ofsted"), record]))
    assert result.rows_loaded == 1
    assert result.rejects.select("line", "column_name", "reason").rows() == [
        (2, "details.slug", "missing details.slug")
    ]


def test_record_without_title_is_rejected(tmp_path: Path) -> None:
    result = load(write_json(tmp_path / "o.json", [org("ofsted", None)]))
    assert result.rejects.select("line", "column_name", "reason").rows() == [(1, "title", "missing title")]


def test_duplicate_slug_names_the_first_record(tmp_path: Path) -> None:
    result = load(
        write_json(
            tmp_path / "o.json", [org("ofsted", "Ofsted"), org("ofqual", "Ofqual"), org("ofsted", "Ofsted again")]
        )
    )
    assert result.rows_loaded == 2
    assert result.rejects.select("line", "value", "reason").rows() == [
        (3, "ofsted", "duplicate slug: first seen at record 1")
    ]


def test_record_that_is_not_an_object_is_rejected(tmp_path: Path) -> None:
    result = load(write_json(tmp_path / "o.json", [org("ofsted", "Ofsted"), "ofqual"]))
    assert result.rejects.select("line", "reason").rows() == [(2, "record is not a JSON object")]


def test_malformed_closed_date_is_rejected(tmp_path: Path) -> None:
    result = load(write_json(tmp_path / "o.json", [org("ofsted", "Ofsted", closed_at="31/02/20x6")]))
    assert result.rows_loaded == 0
    assert result.rejects.select("line", "column_name", "value", "reason").rows() == [
        (1, "details.closed_at", "31/02/20x6", "not a date")
    ]


def test_invalid_json_is_unreadable_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"id": "x",\n  "title": }\n]', encoding="utf-8")
    with pytest.raises(UnreadableFileError) as err:
        load_organisations(path, read_head(path), tmp_path)
    assert err.value.line == 3 and "not valid JSON" in err.value.reason


def test_object_without_results_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="results"):
        records_of(tmp_path / "x.json", {"total": 0})


# --------------------------------------------------------------------------------------------- the walk


def test_agency_and_its_sub_organisation_roll_up_to_the_department() -> None:
    graph = {
        "department-for-transport": Node("Ministerial department", ()),
        "dvla": Node("Executive agency", ("department-for-transport",)),
        "dvla-digital": Node("Sub organisation", ("dvla",)),
    }
    assert find_department("dvla-digital", graph) == "department-for-transport"
    assert find_department("department-for-transport", graph) == "department-for-transport"


def test_walk_survives_a_cycle() -> None:
    graph = {"a": Node("Other", ("b",)), "b": Node("Other", ("a",))}
    assert find_department("a", graph) is None


def test_several_parents_prefer_a_ministerial_department() -> None:
    graph = {
        "hm-revenue-customs": Node("Non-ministerial department", ()),
        "defra": Node("Ministerial department", ()),
        "agency": Node("Executive agency", ("defra",)),
        "welsh-government": Node("Devolved government", ()),
        "joint-body": Node("Other", ("welsh-government", "hm-revenue-customs", "agency")),
    }
    assert find_department("joint-body", graph) == "defra"


def test_parent_missing_from_snapshot_resolves_through_departments_reference() -> None:
    graph = {"skills-funding-agency": Node("Executive agency", ("department-for-business-innovation-skills",))}
    assert find_department("skills-funding-agency", graph) is None
    known = frozenset({"department-for-business-innovation-skills"})
    assert find_department("skills-funding-agency", graph, known) == "department-for-business-innovation-skills"


def test_build_sets_department_id_and_adds_closed_reference_bodies() -> None:
    stg = (
        pl.DataFrame(
            [
                {
                    "slug": "department-for-transport",
                    "title": "Department for Transport",
                    "format": "Ministerial department",
                },
                {
                    "slug": "driver-and-vehicle-licensing-agency",
                    "title": "DVLA",
                    "format": "Executive agency",
                    "parent_slugs": "department-for-transport",
                },
                {"slug": "hm-revenue-customs", "title": "HMRC", "format": "Non-ministerial department"},
                {
                    "slug": "highways-agency",
                    "title": "Highways Agency",
                    "format": "Executive agency",
                    "parent_slugs": "department-for-transport",
                    "govuk_status": "closed",
                    "source_line": 4,
                },
            ],
            schema_overrides={"source_line": pl.Int64},
        )
        .with_columns(pl.lit("o.json").alias("source_file"))
        .with_columns(pl.col("source_line").fill_null(1))
    )
    stg = pl.concat([pl.DataFrame(schema=STAGING_SCHEMA), stg], how="diagonal_relaxed")
    bodies = pl.DataFrame(
        [
            ("Skills Funding Agency", "skills-funding-agency", "SFA", "Executive agency",
             "department-for-business-innovation-skills", "Central Government", True),
            ("Highways Agency", "highways-agency", "HA", "Executive agency", "department-for-transport",
             "Central Government", True),
            ("Ofsted", "ofsted", "", "Non-ministerial department", "", "Central Government", False),
        ],
        schema=list(no_bodies().schema.items()),
        orient="row",
    )  # fmt: skip
    dim = build_organisations({STAGING: stg}, bodies=bodies, dept_ref=dept_ref())["dim_organisation"]
    rows = {r["slug"]: r for r in dim.iter_rows(named=True)}
    assert set(rows) == {
        "department-for-transport", "driver-and-vehicle-licensing-agency", "hm-revenue-customs", "highways-agency",
        "skills-funding-agency",
    }  # fmt: skip
    assert rows["driver-and-vehicle-licensing-agency"]["department_id"] == "DFT"
    assert rows["driver-and-vehicle-licensing-agency"]["is_department"] is False
    assert rows["hm-revenue-customs"]["department_slug"] == "hm-revenue-customs"
    assert rows["hm-revenue-customs"]["is_department"] is True
    sfa = rows["skills-funding-agency"]
    assert (sfa["govuk_status"], sfa["is_closed"], sfa["department_id"], sfa["abbreviation"]) == (
        REFERENCE_STATUS,
        True,
        "BIS",
        "SFA",
    )
    assert rows["highways-agency"]["govuk_status"] == "closed"  # the API record wins over the reference
    assert rows["highways-agency"]["is_closed"] is True


def test_build_without_any_organisations_file_is_typed() -> None:
    dim = build_organisations({}, bodies=no_bodies(), dept_ref=dept_ref())["dim_organisation"]
    assert dim.is_empty()
    assert dim.schema["is_closed"] == pl.Boolean and dim.schema["slug"] == pl.String


def test_build_keeps_the_latest_record_of_a_slug_seen_in_two_files(tmp_path: Path) -> None:
    old = load(write_json(tmp_path / "a.json", [org("ofsted", "Ofsted (old)", updated_at="2020-01-01T00:00:00Z")]))
    new = load(write_json(tmp_path / "b.json", [org("ofsted", "Ofsted", updated_at="2025-01-01T00:00:00Z")]))
    stg = pl.concat([old.tables[STAGING], new.tables[STAGING]])
    dim = build_organisations({STAGING: stg}, bodies=no_bodies(), dept_ref=dept_ref())["dim_organisation"]
    assert dim["title"].to_list() == ["Ofsted"]


# --------------------------------------------------------------------------------------------- reference CSV


def test_central_bodies_reference_is_consistent() -> None:
    bodies = central_bodies(CENTRAL_BODIES_CSV)
    dept_slugs = set(departments()["govuk_slug"].drop_nulls())
    assert bodies.height >= 80
    assert bodies["slug"].is_unique().all()
    assert bodies["closed"].null_count() == 0
    parents = set(bodies["parent_slug"].drop_nulls())
    assert parents <= dept_slugs, parents - dept_slugs
    assert dept_slugs <= set(bodies["slug"])  # every department in the reference has a body row
    closed = set(bodies.filter(pl.col("closed"))["slug"])
    assert {"skills-funding-agency", "education-funding-agency", "highways-agency", "public-health-england",
            "department-for-communities-and-local-government", "department-for-business-innovation-skills"} <= closed  # fmt: skip
    for slug in ("driver-and-vehicle-licensing-agency", "companies-house", "land-registry", "met-office",
                 "crown-commercial-service", "government-digital-service", "hm-courts-and-tribunals-service",
                 "ordnance-survey", "environment-agency", "natural-england"):  # fmt: skip
        assert slug in set(bodies["slug"]), slug
    gds = bodies.filter(pl.col("slug") == "government-digital-service").row(0, named=True)
    assert (gds["format"], gds["parent_slug"]) == ("Sub organisation", "cabinet-office")


# --------------------------------------------------------------------------------------------- sample


def test_sample_is_deterministic_loads_cleanly_and_rolls_up(tmp_path: Path) -> None:
    first = write_sample(tmp_path / "a")
    second = write_sample(tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert first[0].parent.name == "govuk-organisations"
    raw = first[0].read_bytes()
    assert raw.startswith(b"[\n  {\n") and not raw.endswith(b"\n")
    assert our_formats(first[0]) == [FORMAT_ARRAY]
    result = load(first[0])
    assert result.rejects.is_empty() and result.rows_loaded == result.rows_read > 80
    dim = build_organisations(result.tables)["dim_organisation"]
    by_slug = {r["slug"]: r for r in dim.iter_rows(named=True)}
    assert by_slug["driver-and-vehicle-licensing-agency"]["department_id"] == "DFT"
    assert by_slug["skills-funding-agency"]["department_id"] == "BIS"
    ministerial = dim.filter(pl.col("format") == "Ministerial department", ~pl.col("is_closed"))
    assert ministerial["department_id"].null_count() == 0
    assert dim.filter(pl.col("department_slug").is_null()).is_empty()


# --------------------------------------------------------------------------------------------- real file


@pytest.fixture(scope="module")
def real_dim() -> tuple:
    if not REAL.exists():
        pytest.skip(f"real GOV.UK organisations file not present at {REAL}")
    result = load_organisations(REAL, read_head(REAL), Path("/tmp"))
    return result, build_organisations(result.tables)["dim_organisation"]


def test_real_snapshot_counts(real_dim: tuple) -> None:
    result, _ = real_dim
    assert our_formats(REAL) == [FORMAT_ARRAY]
    assert (result.rows_read, result.rows_loaded, result.rejects.height) == (663, 663, 0)
    stg = result.tables[STAGING]
    assert stg.filter(pl.col("format") == "Ministerial department").height == 22
    assert stg.filter(pl.col("format") == "Non-ministerial department").height == 20
    assert stg["govuk_status"].value_counts().sort("govuk_status").rows() == [
        ("exempt", 304), ("joining", 12), ("live", 346), ("transitioning", 1)
    ]  # fmt: skip


def test_real_bodies_roll_up_to_their_departments(real_dim: tuple) -> None:
    _, dim = real_dim
    rows = {r["slug"]: r for r in dim.iter_rows(named=True)}
    assert rows["driver-and-vehicle-licensing-agency"]["department_id"] == "DFT"
    assert rows["companies-house"]["department_id"] == "DBT"
    assert rows["crown-commercial-service"]["department_id"] == "CO"
    assert rows["skills-funding-agency"]["department_id"] == "BIS"
    assert rows["skills-funding-agency"]["govuk_status"] == REFERENCE_STATUS
    assert rows["land-registry"]["department_slug"] == "land-registry"  # a non-ministerial department itself
    assert dim["slug"].is_unique().all()
    assert dim.filter(pl.col("govuk_status") != REFERENCE_STATUS).height == 663


# ------------------------------------------------------------------ history: successors, devolved, parent fixes


def _orgs(rows: list[tuple[str, bool, str | None, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["slug", "is_closed", "superseding_slugs", "superseded_slugs"], orient="row")


def test_successors_follow_closed_bodies_to_a_live_one() -> None:
    orgs = _orgs(
        [
            ("skills-funding-agency", True, "education-and-skills-funding-agency", None),
            ("education-and-skills-funding-agency", True, "department-for-education", None),
            ("department-for-education", False, None, None),
            ("monitor", True, None, None),
            ("nhs-england", False, None, "monitor"),  # the reverse link: a live body says whom it superseded
            ("welsh-government", False, None, "natural-resources-wales"),  # GOV.UK's misuse: not followed
            ("natural-resources-wales", False, None, None),
            ("loop-a", True, "loop-b", None),
            ("loop-b", True, "loop-a", None),
        ]
    )
    assert successors(orgs) == {
        "skills-funding-agency": "department-for-education",
        "education-and-skills-funding-agency": "department-for-education",
        "monitor": "nhs-england",
    }


def test_devolved_governments_are_found_through_parents() -> None:
    graph = {
        "northern-ireland-executive": Node("Devolved government", ()),
        "department-of-justice-northern-ireland": Node("Other", ("northern-ireland-executive",)),
        "police-service-of-northern-ireland": Node("Other", ("department-of-justice-northern-ireland",)),
        "home-office": Node("Ministerial department", ()),
    }
    found = devolved_governments(graph)
    assert found["police-service-of-northern-ireland"] == "northern-ireland-executive"
    assert "home-office" not in found


def test_shipped_parent_overrides_name_their_source_and_fix_the_bank_of_england() -> None:
    frame = pl.read_csv(ROOT / "pipelines" / "reference" / "organisation_parents.csv", infer_schema=False)
    assert frame["source"].null_count() == 0
    assert dict(zip(frame["slug"], frame["parent_slug"], strict=True))["bank-of-england"] == "hm-treasury"


@pytest.mark.skipif(not REAL.exists(), reason="real GOV.UK organisations file is not in ../shared/data")
def test_real_snapshot_history_and_devolved(tmp_path: Path) -> None:
    result = load_organisations(REAL, read_head(REAL), tmp_path)
    dim = build_organisations(result.tables)["dim_organisation"]
    rows = {r["slug"]: r for r in dim.iter_rows(named=True)}
    assert rows["bank-of-england"]["department_id"] == "HMT"
    assert rows["skills-funding-agency"]["current_department_id"] == "DFE"
    assert rows["monitor"]["successor_slug"] == "nhs-england"
    assert rows["higher-education-funding-council-for-england"]["successor_slug"] == "office-for-students"
    assert rows["department-of-education"]["devolved_government_slug"] == "northern-ireland-executive"
    assert rows["estyn"]["devolved_government_slug"] == "welsh-government"
    assert rows["department-for-education"]["devolved_government_slug"] is None
