"""GOV.UK Content API ministers documents: recognition, the PROVENANCE rules, and the role dimension."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from pipelines.config import ROOT
from pipelines.core.loading import FileLoad
from pipelines.core.textio import UnreadableFileError, read_head
from pipelines.ministers.digital import RULE_GOVUK, RULE_NONE, RULE_TITLE, OverrideIndex, classify_text
from pipelines.ministers.govuk import FORMATS, STAGING_SCHEMA, STAGING_TABLE, html_to_text
from pipelines.ministers.sample import GOVUK_FOLDER, INDEX_FILE, write_sample
from pipelines.ministers.tables import DIM_ROLE, build_role_dimension, govuk_department_id, roles_from_staging
from pipelines.warehouse.formats import detect

REAL_DIR = ROOT.parent / "shared" / "data" / "govuk-ministers"
NO_OVERRIDES = OverrideIndex(
    pl.DataFrame(
        schema={"post_name": pl.String, "department": pl.String, "is_digital": pl.Boolean, "evidence": pl.String}
    )
)

# --- building Content API items in the real shape ----------------------------------------------------


def item(cid: str, title: str, doc_type: str, schema: str, path: str | None, details: dict, links: dict) -> dict:
    out = {"content_id": cid, "title": title, "locale": "en", "document_type": doc_type, "schema_name": schema}
    if path:
        out |= {"api_path": f"/api/content{path}", "base_path": path}
    return out | {"public_updated_at": "2023-05-16T16:32:31Z", "withdrawn": False, "details": details, "links": links}


def role(cid: str, title: str, body: str = "<ul><li>policy</li></ul>", doc_type: str = "ministerial_role") -> dict:
    slug = title.lower().replace(" ", "-").replace("(", "").replace(")", "")
    path = f"/government/ministers/{slug}" if doc_type == "ministerial_role" else None
    return item(cid, title, doc_type, "role", path, {"body": body, "seniority": 100, "role_payment_type": None}, {})


def appointment(cid: str, role_item: dict | None, started: str, ended: str | None = None) -> dict:
    details = {"started_on": started, "ended_on": ended, "current": ended is None, "person_appointment_order": 1}
    links = {"role": [role_item]} if role_item else {}
    return item(cid, "appointment", "role_appointment", "role_appointment", None, details, links)


def person(cid: str, name: str, slug: str, appointments: list[dict]) -> dict:
    details = {"privy_counsellor": False}
    return item(
        cid, name, "person", "person", f"/government/people/{slug}", details, {"role_appointments": appointments}
    )


def department(title: str, slug: str, roles: list[dict], ministers: list[dict] | None = None) -> dict:
    links: dict = {"ordered_roles": roles}
    if ministers is not None:
        links["ordered_ministers"] = ministers
    return item(f"org-{slug}", title, "organisation", "organisation", f"/government/organisations/{slug}", {}, links)


def document(schema: str, doc_type: str, path: str, links: dict, details: dict | None = None, **top) -> dict:
    return {
        "analytics_identifier": None,
        "base_path": path,
        "content_id": "doc-1",
        "document_type": doc_type,
        "locale": "en",
        "public_updated_at": "2023-05-16T16:32:31.000+00:00",
        "schema_name": schema,
        "title": top.pop("title", "Ministers"),
        "links": links,
        "details": details if details is not None else {"body": "Read biographies"},
    } | top


def write_json(tmp_path: Path, name: str, doc: object, indent: int | None = 2) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=indent), encoding="utf-8")
    return path


def my_matches(path: Path) -> list[str]:
    head = read_head(path)
    return [f.id for f in FORMATS if f.matches(head)]


def load(path: Path, tmp_path: Path) -> FileLoad:
    head = read_head(path)
    [fmt] = [f for f in FORMATS if f.matches(head)]
    result = fmt.load(path, head, tmp_path / "work")
    result.check_reconciles()
    return result


def staged(result: FileLoad) -> pl.DataFrame:
    return result.tables[STAGING_TABLE]


GDS_BODY = (
    "<ul>\n  <li>Controls (commercial, digital, property)</li>\n  <li>Cyber and resilience</li>\n"
    "  <li>Government Digital Service</li>\n</ul>\n"
)


def sample_index() -> dict:
    """Two departments; a minister with a current and a past role; a whip listed twice; a board role."""
    pm = role("r-pm", "Prime Minister")
    impl = role("r-impl", "Parliamentary Secretary (Minister for Implementation)", GDS_BODY)
    chief = role("r-whip", "Chief Whip")
    board = role("r-board", "Permanent Secretary", doc_type="board_member_role")
    old = role("r-old", "Minister of State (Minister for Trade Policy)")
    agsc = role("r-ag", "HM Advocate General for Scotland ")
    alex = person(
        "p-alex",
        "The Rt Hon Alex Carrow MP",
        "alex-carrow",
        [
            appointment("ra-1", pm, "2022-10-25T00:00:00+01:00"),
            appointment("ra-2", old, "2020-02-13T00:00:00+00:00", "2021-09-15T00:00:00+01:00"),
        ],
    )
    sam = person("p-sam", "Sam Elston MP", "sam-elston", [appointment("ra-3", impl, "2023-02-07T00:00:00+00:00")])
    whip = person("p-whip", "Jo Fenwick MP", "jo-fenwick", [appointment("ra-4", chief, "2022-10-25T00:00:00+01:00")])
    return document(
        "ministers_index",
        "ministers_index",
        "/government/ministers",
        {
            "ordered_cabinet_ministers": [alex, whip],
            "ordered_house_of_commons_whips": [whip],
            "ordered_ministerial_departments": [
                department("Cabinet Office", "cabinet-office", [pm, impl, board], [alex, sam]),
                department(
                    "Office of the Advocate General for Scotland", "office-of-the-advocate-general-for-scotland", [agsc]
                ),
            ],
        },
    )


# --- recognition ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "doc_type", "expected"),
    [
        ("ministers_index", "ministers_index", "govuk_ministers_index"),
        ("role", "ministerial_role", "govuk_role"),
        ("organisation", "organisation", "govuk_organisation"),
        ("person", "person", "govuk_person"),
    ],
)
def test_documents_are_recognised_by_top_level_schema_name(tmp_path: Path, schema, doc_type, expected) -> None:
    path = write_json(tmp_path, "anything.json", document(schema, doc_type, "/government/x", {}))
    assert my_matches(path) == [expected]


def test_single_line_json_as_served_by_the_api_is_recognised(tmp_path: Path) -> None:
    path = write_json(tmp_path, "x.json", sample_index(), indent=None)
    assert read_head(path).kind == "jsonl"
    assert my_matches(path) == ["govuk_ministers_index"]


@pytest.mark.parametrize(
    "content",
    [
        [{"schema_name": "ministers_index", "base_path": "/government/ministers"}],  # an array, not an item
        {"schema_name": "ministers_index", "title": "no base_path or content_id"},
        {"total": 1, "results": [{"schema_name": "organisation", "base_path": "/x"}]},  # nested, not top level
    ],
)
def test_other_json_is_not_recognised(tmp_path: Path, content: object) -> None:
    assert my_matches(write_json(tmp_path, "other.json", content)) == []


def test_json_lines_and_csv_are_not_recognised(tmp_path: Path) -> None:
    lines = tmp_path / "x.jsonl"
    one = json.dumps(document("person", "person", "/government/people/a", {}))
    lines.write_text(one + "\n" + one + "\n", encoding="utf-8")
    csv = tmp_path / "x.csv"
    csv.write_text("schema_name,base_path\nministers_index,/government/ministers\n", encoding="utf-8")
    assert my_matches(lines) == [] and my_matches(csv) == []


# --- HTML -------------------------------------------------------------------------------------------


def test_html_is_stripped_to_one_line_per_item() -> None:
    html = "<p>Responsibilities include:</p>\n<ul>\n  <li>science &amp; research\n    <ul><li>UKRI</li></ul>\n  </li>\n  <li>R&amp;D\u00a0people</li>\n</ul>"
    assert html_to_text(html) == "Responsibilities include:\nscience & research\nUKRI\nR&D people"
    assert html_to_text("") is None and html_to_text(None) is None


# --- loading the index --------------------------------------------------------------------------


@pytest.fixture
def index_load(tmp_path: Path) -> FileLoad:
    return load(write_json(tmp_path, "index.json", sample_index()), tmp_path)


def test_index_roles_take_the_department_that_lists_them(index_load: FileLoad) -> None:
    frame = staged(index_load)
    assert frame.schema == STAGING_SCHEMA
    by_role = {r["role_content_id"]: r for r in frame.iter_rows(named=True)}
    assert by_role["r-pm"]["department_slug"] == "cabinet-office"
    assert by_role["r-impl"]["department_name"] == "Cabinet Office"
    # a person's past role in another department is kept, flagged not current, with no department
    assert (by_role["r-old"]["department_name"], by_role["r-old"]["is_current"]) == (None, False)
    assert by_role["r-old"]["ended_on"] == dt.date(2021, 9, 15)
    # a whip's role is listed by no department
    assert by_role["r-whip"]["department_name"] is None and by_role["r-whip"]["person_slug"] == "jo-fenwick"


def test_index_keeps_roles_without_ministers_and_skips_board_roles(index_load: FileLoad) -> None:
    frame = staged(index_load)
    ag = frame.filter(pl.col("role_content_id") == "r-ag").row(0, named=True)
    assert (ag["role_title"], ag["person_name"], ag["is_current"]) == ("HM Advocate General for Scotland", None, None)
    assert "r-board" not in frame["role_content_id"].to_list()
    assert "1 non-ministerial role entries (board members, envoys) skipped" in index_load.notes
    assert "2 ministerial departments" in index_load.notes


def test_a_person_listed_twice_is_loaded_once(index_load: FileLoad) -> None:
    frame = staged(index_load)
    assert frame.filter(pl.col("role_content_id") == "r-whip").height == 1
    assert index_load.rows_read == frame.height == 5


def test_index_row_fields(index_load: FileLoad) -> None:
    impl = staged(index_load).filter(pl.col("role_content_id") == "r-impl").row(0, named=True)
    assert (
        impl["responsibilities_text"]
        == "Controls (commercial, digital, property)\nCyber and resilience\nGovernment Digital Service"
    )
    assert (impl["person_name"], impl["started_on"], impl["is_current"]) == ("Sam Elston MP", dt.date(2023, 2, 7), True)
    assert impl["captured_at"] == dt.datetime(2023, 5, 16, 16, 32, 31)
    assert impl["role_slug"] == "parliamentary-secretary-minister-for-implementation"
    assert impl["source_file"] == "index.json" and impl["seniority"] == 100


def test_source_line_is_where_the_appointment_appears(tmp_path: Path, index_load: FileLoad) -> None:
    text = (tmp_path / "index.json").read_text().splitlines()
    impl = staged(index_load).filter(pl.col("role_content_id") == "r-impl").row(0, named=True)
    assert '"content_id": "ra-3"' in text[impl["source_line"] - 1]


@pytest.mark.parametrize(
    ("links", "details", "message"),
    [
        ({}, {"body": "Read biographies and responsibilities"}, None),
        (
            {},
            {"reshuffle": {"message": "<p>Check <a href='/news'>latest appointments</a>.</p>"}},
            "Check latest appointments.",
        ),
    ],
)
def test_reshuffle_mode_loads_zero_roles_with_a_note(tmp_path: Path, links, details, message) -> None:
    doc = document("ministers_index", "ministers_index", "/government/ministers", links, details)
    result = load(write_json(tmp_path, "r.json", doc), tmp_path)
    assert (result.rows_read, result.rows_loaded, result.rejects.height) == (0, 0, 0)
    assert any(n.startswith("GOV.UK is in reshuffle mode") for n in result.notes)
    if message:
        assert any(message in n for n in result.notes)


def test_reshuffle_flag_wins_even_with_links(tmp_path: Path) -> None:
    doc = sample_index()
    doc["details"] = {"reshuffle": {"message": "<p>Reshuffle in progress</p>"}}
    assert load(write_json(tmp_path, "r.json", doc), tmp_path).rows_loaded == 0


def test_unreadable_dates_are_rejected(tmp_path: Path) -> None:
    doc = sample_index()
    alex = doc["links"]["ordered_ministerial_departments"][0]["links"]["ordered_ministers"][0]
    alex["links"]["role_appointments"][0]["details"]["started_on"] = "25th October 2022"
    result = load(write_json(tmp_path, "i.json", doc), tmp_path)
    reject = result.rejects.row(0, named=True)
    assert (reject["column_name"], reject["value"]) == ("started_on", "25th October 2022")
    assert reject["reason"] == "not a date (expected an ISO 8601 date-time)"
    assert reject["line"] > 1


def test_role_without_content_id_is_rejected(tmp_path: Path) -> None:
    doc = sample_index()
    ag = doc["links"]["ordered_ministerial_departments"][1]["links"]["ordered_roles"][0]
    del ag["content_id"]
    result = load(write_json(tmp_path, "i.json", doc), tmp_path)
    assert result.rejects["reason"].to_list() == ["missing role content_id"]


def test_appointment_without_role_link_is_rejected(tmp_path: Path) -> None:
    doc = sample_index()
    sam = doc["links"]["ordered_ministerial_departments"][0]["links"]["ordered_ministers"][1]
    sam["links"]["role_appointments"].append(appointment("ra-x", None, "2023-01-01T00:00:00+00:00"))
    result = load(write_json(tmp_path, "i.json", doc), tmp_path)
    assert result.rejects.select("column_name", "reason").row(0) == (
        "links.role",
        "role appointment links to no role, so the role cannot be identified",
    )


def test_broken_json_raises_naming_the_line(tmp_path: Path) -> None:
    path = write_json(tmp_path, "i.json", sample_index())
    head = read_head(path)
    [fmt] = [f for f in FORMATS if f.matches(head)]
    path.write_text(path.read_text()[:5000], encoding="utf-8")  # truncated after detection
    with pytest.raises(UnreadableFileError) as err:
        fmt.load(path, head, tmp_path)
    assert err.value.line is not None and "not valid JSON" in err.value.reason


def test_loading_a_document_of_another_schema_raises(tmp_path: Path) -> None:
    path = write_json(tmp_path, "p.json", document("person", "person", "/government/people/a", {}))
    [index_format] = [f for f in FORMATS if f.id == "govuk_ministers_index"]
    with pytest.raises(UnreadableFileError, match="expected schema_name 'ministers_index'"):
        index_format.load(path, read_head(path), tmp_path)


# --- role, organisation and person pages -------------------------------------------------------------


def test_role_page_takes_its_parent_organisation(tmp_path: Path) -> None:
    doc = document(
        "role",
        "ministerial_role",
        "/government/ministers/prime-minister",
        {
            "ordered_parent_organisations": [department("Cabinet Office", "cabinet-office", [])],
            "role_appointments": [
                item("ra", "x", "role_appointment", "role_appointment", None,
                     {"started_on": "2010-05-12T00:00:00+01:00", "ended_on": "2016-07-13T00:00:00+01:00", "current": False},
                     {"person": [person("p", "The Rt Hon Pat Quayle", "pat-quayle", [])]}),
            ],
        },
        {"body": "<p>The Prime Minister leads the government.</p>", "seniority": 0},
        title="Prime Minister",
    )  # fmt: skip
    frame = staged(load(write_json(tmp_path, "pm.json", doc), tmp_path))
    assert frame.select("role_title", "department_slug", "person_slug", "is_current", "seniority").row(0) == (
        "Prime Minister",
        "cabinet-office",
        "pat-quayle",
        False,
        0,
    )


def test_board_member_role_page_loads_nothing(tmp_path: Path) -> None:
    doc = document("role", "board_member_role", "/government/people/x", {}, title="Permanent Secretary")
    result = load(write_json(tmp_path, "b.json", doc), tmp_path)
    assert result.rows_loaded == 0 and any("not a ministerial role" in n for n in result.notes)


def test_organisation_page_is_one_department(tmp_path: Path) -> None:
    ag = role("r-ag", "Attorney General")
    doc = document(
        "organisation",
        "organisation",
        "/government/organisations/attorney-generals-office",
        {
            "ordered_roles": [ag, role("r-b", "Director", doc_type="board_member_role")],
            "ordered_ministers": [
                person("p", "Kim Ives MP", "kim-ives", [appointment("a", ag, "2020-02-13T00:00:00+00:00")])
            ],
        },
        {"organisation_type": "ministerial_department"},
        title="Attorney General's Office",
    )
    result = load(write_json(tmp_path, "ago.json", doc), tmp_path)
    assert staged(result).select("department_name", "person_name", "is_current").row(0) == (
        "Attorney General's Office",
        "Kim Ives MP",
        True,
    )
    assert "organisation type: ministerial_department" in result.notes


def test_person_page_2019_shape_is_rejected_for_want_of_role_links(tmp_path: Path) -> None:
    links = {"ordered_current_appointments": [appointment("a1", None, "2016-07-13T00:00:00+01:00")]}
    doc = document("person", "person", "/government/people/pat-quayle", links, {"full_name": "Pat Quayle"})
    result = load(write_json(tmp_path, "p.json", doc), tmp_path)
    assert (result.rows_read, result.rows_loaded, result.rejects.height) == (1, 0, 1)


def test_person_page_current_shape_loads_roles(tmp_path: Path) -> None:
    minister = role("r1", "Minister for Digital Economy")
    links = {"role_appointments": [appointment("a1", minister, "2025-09-11T00:00:00+01:00")]}
    doc = document("person", "person", "/government/people/pat-quayle", links, {}, title="Pat Quayle")
    frame = staged(load(write_json(tmp_path, "p.json", doc), tmp_path))
    assert frame.select("role_title", "person_name", "is_current").row(0) == (
        "Minister for Digital Economy",
        "Pat Quayle",
        True,
    )


# --- the role dimension ----------------------------------------------------------------------------


def test_role_dimension_classifies_and_names_the_holder(index_load: FileLoad) -> None:
    dim = build_role_dimension(staged(index_load), NO_OVERRIDES)
    assert dim.columns == DIM_ROLE.column_names
    rows = {r["role_content_id"]: r for r in dim.iter_rows(named=True)}
    impl = rows["r-impl"]
    assert (impl["department_id"], impl["current_holder"], impl["started_on"]) == (
        "CO",
        "Sam Elston MP",
        dt.date(2023, 2, 7),
    )
    assert (impl["is_digital"], impl["digital_rule"], impl["digital_evidence"]) == (
        True,
        RULE_GOVUK,
        "Government Digital Service",
    )
    assert rows["r-pm"]["digital_rule"] == RULE_NONE
    assert rows["r-ag"]["department_id"] == "OAG" and rows["r-ag"]["current_holder"] is None
    assert rows["r-old"]["current_holder"] is None


def test_newest_document_wins_for_a_role(index_load: FileLoad) -> None:
    newer = staged(index_load)
    older = newer.with_columns(
        pl.lit(dt.datetime(2020, 1, 1)).alias("captured_at"),
        pl.lit("old.json").alias("source_file"),
        pl.lit("Someone Else MP").alias("person_name"),
        pl.lit(True).alias("is_current"),
    )
    roles = roles_from_staging(pl.concat([older, newer]))
    pm = roles.filter(pl.col("role_content_id") == "r-pm").row(0, named=True)
    assert (pm["source_file"], pm["current_holder"]) == ("index.json", "The Rt Hon Alex Carrow MP")


def test_department_ids_come_from_the_govuk_slug_then_the_name() -> None:
    assert govuk_department_id("department-for-science-innovation-and-technology", None, None) == "DSIT"
    assert govuk_department_id(None, "UK Export Finance", dt.date(2023, 5, 16)) == "UKEF"
    assert govuk_department_id("no-such-slug", "No Such Department", None) is None


def test_title_keyword_beats_the_body() -> None:
    frame = pl.DataFrame(
        [
            {"role_content_id": "r1", "role_title": "Minister for Data and Digital Infrastructure", "is_current": True,
             "responsibilities_text": "cyber security", "person_name": "A", "captured_at": dt.datetime(2024, 1, 1)},
        ],
        schema_overrides={k: v for k, v in STAGING_SCHEMA.items()},
    )  # fmt: skip
    frame = frame.with_columns(
        [pl.lit(None, dtype=t).alias(c) for c, t in STAGING_SCHEMA.items() if c not in frame.columns]
    )
    dim = build_role_dimension(frame.select(list(STAGING_SCHEMA)), NO_OVERRIDES)
    assert dim.select("digital_rule", "digital_evidence").row(0) == (RULE_TITLE, "Digital")


# --- the sample -------------------------------------------------------------------------------------


def test_sample_index_loads_with_zero_rejects(tmp_path: Path) -> None:
    write_sample(tmp_path)
    path = tmp_path / GOVUK_FOLDER / INDEX_FILE
    head = read_head(path)
    assert [f.id for f in detect(head)] == ["govuk_ministers_index"]
    result = detect(head)[0].load(path, head, tmp_path / "work")
    result.check_reconciles()
    assert result.rejects.is_empty() and result.rows_loaded > 50
    frame = staged(result)
    oag = frame.filter(pl.col("department_slug") == "office-of-the-advocate-general-for-scotland")
    assert oag.height >= 1 and not oag["is_current"].fill_null(False).any()  # roles, nobody in post
    departments = json.loads(path.read_text())["links"]["ordered_ministerial_departments"]
    [oag_item] = [d for d in departments if d["title"] == "Office of the Advocate General for Scotland"]
    assert "ordered_ministers" not in oag_item["links"] and oag_item["links"]["ordered_roles"]
    dim = build_role_dimension(frame, NO_OVERRIDES)
    assert dim.filter(pl.col("digital_rule") == RULE_GOVUK).height >= 1
    dsit = dict(dim.filter(pl.col("department_id") == "DSIT").select("role_title", "is_digital").iter_rows())
    assert sum(dsit.values()) >= 3
    assert (
        dsit["Minister of State (Minister for Science, Research and Innovation)"] is False
    )  # science alone is not digital


# --- the real files (tests only; absent on a fresh clone) ---------------------------------------------


def real(relative: str, tmp_path: Path) -> FileLoad:
    path = REAL_DIR / relative
    if not path.exists():
        pytest.skip(f"real GOV.UK documents not present at {REAL_DIR} (they are for tests only)")
    head = read_head(path)
    formats = detect(head)
    assert len(formats) == 1, [f.id for f in formats]
    result = formats[0].load(path, head, tmp_path)
    result.check_reconciles()
    return result


def test_real_index_has_four_departments_and_an_empty_advocate_general(tmp_path: Path) -> None:
    result = real("ministers_index/ministers_index-reshuffle-mode-off.json", tmp_path)
    frame = staged(result)
    assert "4 ministerial departments" in result.notes
    assert frame["department_slug"].drop_nulls().n_unique() == 4
    assert (result.rows_read, result.rows_loaded, result.rejects.height) == (74, 74, 0)
    oag = frame.filter(pl.col("department_slug") == "office-of-the-advocate-general-for-scotland")
    assert oag["role_title"].to_list() == ["HM Advocate General for Scotland"]
    assert oag["person_name"].to_list() == [None]
    # the current filter: Rishi Sunak holds four current Cabinet Office roles in this capture
    sunak = frame.filter((pl.col("person_slug") == "rishi-sunak") & pl.col("is_current"))
    assert sorted(sunak["role_title"]) == [
        "First Lord of the Treasury",
        "Minister for the Civil Service",
        "Minister for the Union",
        "Prime Minister",
    ]
    assert set(sunak["department_slug"]) == {"cabinet-office"}
    # trimmed ordered_roles: Greg Hands's current role matches no department's list
    hands = frame.filter((pl.col("person_slug") == "greg-hands") & pl.col("is_current")).row(0, named=True)
    assert (hands["role_title"], hands["department_slug"]) == ("Minister without Portfolio", None)


def test_real_implementation_role_yields_gds_evidence(tmp_path: Path) -> None:
    frame = staged(real("ministers_index/ministers_index-reshuffle-mode-off.json", tmp_path))
    impl = frame.filter(pl.col("role_title") == "Parliamentary Secretary (Minister for Implementation)").row(
        0, named=True
    )
    is_digital, sentence = classify_text(impl["responsibilities_text"])
    assert is_digital and sentence == "Government Digital Service"
    dim = build_role_dimension(frame, NO_OVERRIDES)
    row = dim.filter(pl.col("role_content_id") == "7a07c083-4faf-43d9-8eac-676855289d39").row(0, named=True)
    assert (row["is_digital"], row["digital_rule"], row["digital_evidence"]) == (
        True,
        RULE_GOVUK,
        "Government Digital Service",
    )


@pytest.mark.parametrize(
    "name", ["ministers_index-reshuffle-mode-on.json", "ministers_index-reshuffle-mode-on-preview.json"]
)
def test_real_reshuffle_files_load_zero_roles_with_a_note(tmp_path: Path, name: str) -> None:
    result = real(f"ministers_index/{name}", tmp_path)
    assert (result.rows_read, result.rows_loaded) == (0, 0)
    assert any(n.startswith("GOV.UK is in reshuffle mode") for n in result.notes)


@pytest.mark.parametrize(
    ("name", "rows", "current", "slug"),
    [
        ("attorney_general.json", 7, 2, "attorney-generals-office"),
        ("number_10.json", 5, 4, "prime-ministers-office-10-downing-street"),
        ("wales_office.json", 7, 3, "office-of-the-secretary-of-state-for-wales"),
    ],
)
def test_real_organisation_pages(tmp_path: Path, name: str, rows: int, current: int, slug: str) -> None:
    result = real(f"organisation/{name}", tmp_path)
    frame = staged(result)
    assert (frame.height, int(frame["is_current"].sum()), result.rejects.height) == (rows, current, 0)
    assert slug in frame["department_slug"].to_list()


def test_real_role_and_person_pages(tmp_path: Path) -> None:
    pm = staged(real("role/prime_minister.json", tmp_path)).row(0, named=True)
    assert (pm["role_title"], pm["department_slug"], pm["person_slug"]) == (
        "Prime Minister",
        "cabinet-office",
        "david-cameron",
    )
    assert (pm["started_on"], pm["ended_on"]) == (dt.date(2010, 5, 12), dt.date(2016, 7, 13))
    fudge = real("person/person.json", tmp_path)
    assert fudge.rows_read == 0 and "the person page lists no role appointments" in fudge.notes
    rufus = real("person/rufus.json", tmp_path)
    assert (rufus.rows_read, rufus.rows_loaded, rufus.rejects.height) == (4, 0, 4)
