"""Find a Tender: OCDS release packages -> stg_contract_notice -> fact_contract_notice, and how they are told
apart from Contracts Finder's packages."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.core.textio import read_head
from pipelines.notices import contracts_finder as cf
from pipelines.notices import find_a_tender as fts
from pipelines.notices.tables import build_contract_notices, duplicate_notices
from pipelines.warehouse.formats import detect
from tests.pipelines.notices.test_contracts_finder import release as cf_release

FTS_URI = "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages?limit=100&updatedFrom=2025-03-01T00:00:00"
OCID = "ocds-h6vhtk-04a1b2"


def fts_release(notice: str = "012345-2025", ocid: str = OCID, **over: object) -> dict:
    """A Find a Tender release in the shape the API publishes: a UK4 tender notice with two lots, for an SME
    supplier award when `awards` is given."""
    rel: dict = {
        "id": notice,
        "tag": ["tender"],
        "date": "2025-03-03T14:05:00+00:00",
        "initiationType": "tender",
        "ocid": ocid,
        "parties": [
            {
                "id": "GB-PPON-PABC-1234-WXYZ",
                "name": "Salford City Council",
                "address": {"locality": "Salford", "postalCode": "M6 5FJ", "country": "GB", "region": "UKD34"},
                "roles": ["buyer"],
            },
            {
                "id": "GB-PPON-PSUP-0001-AAAA",
                "name": "Irwell Digital Ltd",
                "details": {"scale": "sme", "vcse": False},
                "roles": ["supplier", "tenderer"],
            },
        ],
        "buyer": {"id": "GB-PPON-PABC-1234-WXYZ", "name": "Salford City Council"},
        "tender": {
            "id": OCID,
            "title": "Case Management System",
            "description": "A case management system for the council&#39;s housing service.",
            "status": "active",
            "classification": {"scheme": "CPV", "id": "48000000", "description": "Software package"},
            "value": {"amount": 450000, "amountGross": 540000, "currency": "GBP"},
            "tenderPeriod": {"endDate": "2025-04-07T12:00:00+01:00"},
            "contractPeriod": {"startDate": "2025-07-01T00:00:00+01:00", "endDate": "2028-06-30T23:59:59+01:00"},
            "lots": [
                {"id": "1", "title": "Software", "suitability": {"sme": True}, "value": {"amount": 300000}},
                {"id": "2", "title": "Support", "suitability": {"sme": False}, "value": {"amount": 150000}},
            ],
            "lotDetails": {"maximumLotsBidPerSupplier": 2},
            "documents": [
                {
                    "id": "004321-2025",
                    "documentType": "marketEngagementNotice",
                    "noticeType": "UK2",
                    "url": "https://www.find-tender.service.gov.uk/Notice/004321-2025",
                },
                {
                    "id": notice,
                    "documentType": "tenderNotice",
                    "noticeType": "UK4",
                    "description": "Tender notice on Find a Tender",
                    "url": f"https://www.find-tender.service.gov.uk/Notice/{notice}",
                    "datePublished": "2025-03-03T14:05:00+00:00",
                    "format": "text/html",
                },
            ],
        },
    }
    rel.update(over)
    return rel


def award(rel: dict, notice: str, date: str, scale: str | None = "sme") -> dict:
    """The contract award (UK6) release that follows `rel` under the same ocid."""
    out = copy.deepcopy(rel) | {"id": notice, "date": date, "tag": ["award"]}
    if scale is None:
        del out["parties"][1]["details"]
    else:
        out["parties"][1]["details"]["scale"] = scale
    out["awards"] = [
        {
            "id": "1",
            "status": "active",
            "date": "2025-05-20T00:00:00+01:00",
            "value": {"amount": 432000.5, "currency": "GBP"},
            "suppliers": [{"id": "GB-PPON-PSUP-0001-AAAA", "name": "Irwell Digital Ltd"}],
            "contractPeriod": {"startDate": "2025-07-01T00:00:00+01:00", "endDate": "2028-06-30T23:59:59+01:00"},
            "documents": [
                {
                    "id": notice,
                    "documentType": "awardNotice",
                    "noticeType": "UK6",
                    "url": f"https://www.find-tender.service.gov.uk/Notice/{notice}",
                }
            ],
        }
    ]
    return out


def package(path: Path, releases: list[dict], *, uri: str = FTS_URI, indent: int | None = None) -> Path:
    doc = {
        "uri": uri,
        "version": "1.1",
        "publishedDate": "2025-03-03T23:30:37+00:00",
        "publisher": {"name": "Cabinet Office", "scheme": "GB-GOR", "uid": "D2"},
        "releases": releases,
        "links": {"next": uri + "&cursor=MTAwMA=="},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=indent), encoding="utf-8")
    return path


def formats_of(path: Path) -> list[str]:
    return [f.id for f in detect(read_head(path))]


def load(path: Path):
    head = read_head(path)
    assert formats_of(path) == [fts.FORMAT_PACKAGE]
    result = fts.load_package(path, head, path.parent / "work")
    result.check_reconciles()
    return result


def one_row(path: Path) -> dict:
    result = load(path)
    assert result.rejects.is_empty(), result.rejects
    return result.tables[cf.STAGING].row(0, named=True)


# --------------------------------------------------------------------------------------------- recognition


@pytest.mark.parametrize("indent", [None, 4])
def test_find_a_tender_package_is_recognised_and_not_taken_for_contracts_finder(tmp_path: Path, indent) -> None:
    assert formats_of(package(tmp_path / "page-0001.json", [fts_release()], indent=indent)) == [fts.FORMAT_PACKAGE]


def test_contracts_finder_package_is_not_taken_for_find_a_tender(tmp_path: Path) -> None:
    linking = cf_release()
    linking["tender"]["description"] = (
        "Also on https://www.find-tender.service.gov.uk/Notice/012345-2025 (ocds-h6vhtk-)"
    )
    path = package(tmp_path / "cf.json", [linking], uri="https://www.contractsfinder.service.gov.uk/Published/x")
    assert formats_of(path) == [cf.FORMAT_OCDS_PACKAGE]


def test_the_ocid_decides_before_the_package_uri(tmp_path: Path) -> None:
    """A Contracts Finder release in a package whose uri is Find a Tender's is still Contracts Finder's, and the
    reverse: the publisher of the releases decides."""
    assert formats_of(package(tmp_path / "a.json", [cf_release()])) == [cf.FORMAT_OCDS_PACKAGE]
    other = package(tmp_path / "b.json", [fts_release()], uri="https://example.org/mirror")
    assert formats_of(other) == [fts.FORMAT_PACKAGE]


def test_first_release_longer_than_the_head_is_recognised_by_the_package_uri(tmp_path: Path) -> None:
    big = fts_release()
    big["tender"]["description"] = "x" * (70 * 1024)
    path = package(tmp_path / "big.json", [big, fts_release("012346-2025")])
    assert formats_of(path) == [fts.FORMAT_PACKAGE]
    assert load(path).rows_loaded == 2


def test_find_a_tender_releases_as_json_lines_are_not_read_as_contracts_finder(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(fts_release()) + "\n", encoding="utf-8")
    assert cf.FORMAT_OCDS_LINES not in formats_of(path)


# --------------------------------------------------------------------------------------------- values


def test_release_is_flattened(tmp_path: Path) -> None:
    row = one_row(package(tmp_path / "p.json", [fts_release()]))
    assert (row["notice_id"], row["ocid"], row["source"], row["source_format"]) == (
        "012345-2025",
        OCID,
        "find_a_tender",
        "ocds",
    )
    assert (row["uk_notice_type"], row["notice_type"], row["status"]) == ("UK4", "tender", "active")
    assert row["title"] == "Case Management System"
    assert row["description"] == "A case management system for the council's housing service."
    assert row["buyer_name"] == "Salford City Council"
    assert (row["region"], row["postcode"]) == ("North West", "M6 5FJ")  # NUTS UKD34 -> its region
    assert (row["published_date"], row["deadline_date"]) == (dt.date(2025, 3, 3), dt.date(2025, 4, 7))
    assert row["tender_value"] == Decimal("450000") and row["currency"] == "GBP"
    assert (row["main_cpv_code"], row["cpv_codes"]) == ("48000000", "48000000")
    assert (row["contract_start"], row["contract_end"], row["contract_period_source"]) == (
        dt.date(2025, 7, 1),
        dt.date(2028, 6, 30),
        "tender",
    )
    assert row["url"] == "https://www.find-tender.service.gov.uk/Notice/012345-2025"
    assert (row["awarded_value"], row["awarded_to_sme"], row["supplier_names"]) == (None, None, None)
    assert (row["source_file"], row["source_line"]) == ("p.json", 1)


def test_award_release(tmp_path: Path) -> None:
    row = one_row(package(tmp_path / "p.json", [award(fts_release(), "023456-2025", "2025-05-21T09:00:00+01:00")]))
    assert (row["uk_notice_type"], row["notice_type"]) == ("UK6", "award")
    assert (row["awarded_date"], row["awarded_value"]) == (dt.date(2025, 5, 20), Decimal("432000.50"))
    assert (row["awarded_to_sme"], row["supplier_names"], row["contract_period_source"]) == (
        True,
        "Irwell Digital Ltd",
        "award",
    )
    assert row["url"] == "https://www.find-tender.service.gov.uk/Notice/023456-2025"


def test_notice_type_is_the_notices_own_document_else_the_last_typed_one(tmp_path: Path) -> None:
    own_first = fts_release()
    own_first["tender"]["documents"].reverse()  # UK4 (this notice) first, then the earlier UK2
    no_own = fts_release("099999-2025")  # no document carries this notice's id
    untyped = fts_release("088888-2025")
    untyped["tender"]["documents"] = [{"id": "x", "url": "https://example.org/spec.pdf"}]
    rows = [
        one_row(package(tmp_path / f"{n}.json", [r]))
        for n, r in (("own", own_first), ("none", no_own), ("untyped", untyped))
    ]
    assert [r["uk_notice_type"] for r in rows] == ["UK4", "UK4", None]
    assert rows[1]["url"] == "https://www.find-tender.service.gov.uk/Notice/099999-2025"  # built from the number
    assert rows[2]["url"] == "https://www.find-tender.service.gov.uk/Notice/088888-2025"


def test_sme_suitability_from_the_tender_else_its_lots(tmp_path: Path) -> None:
    tender_says = fts_release("000001-2025")
    tender_says["tender"]["suitability"] = {"sme": False, "vcse": True}
    any_lot = fts_release("000002-2025")  # lots: one suitable, one not
    no_lot = fts_release("000003-2025")
    for lot in no_lot["tender"]["lots"]:
        lot["suitability"] = {"sme": False}
    unstated = fts_release("000004-2025")
    for lot in unstated["tender"]["lots"]:
        del lot["suitability"]
    rows = load(package(tmp_path / "p.json", [tender_says, any_lot, no_lot, unstated])).tables[cf.STAGING]
    assert rows.select("suitable_for_sme", "suitable_for_vcse").rows() == [
        (False, True),
        (True, None),
        (False, None),
        (None, None),
    ]


def test_tender_value_falls_back_to_the_lots(tmp_path: Path) -> None:
    rel = fts_release()
    del rel["tender"]["value"]
    assert one_row(package(tmp_path / "p.json", [rel]))["tender_value"] == Decimal("450000")


@pytest.mark.parametrize(("scale", "expected"), [("sme", True), ("micro", True), ("large", False), (None, None)])
def test_supplier_scale_decides_awarded_to_sme(tmp_path: Path, scale: str | None, expected: bool | None) -> None:
    rel = award(fts_release(), "023456-2025", "2025-05-21T09:00:00+01:00", scale=scale)
    assert one_row(package(tmp_path / "p.json", [rel]))["awarded_to_sme"] is expected


def test_dates_are_the_local_date_as_written(tmp_path: Path) -> None:
    """Find a Tender times are Europe/London: a trailing Z (or an offset) does not move the day."""
    late_z = fts_release("000001-2025", date="2025-06-30T23:30:00Z")
    bst = fts_release("000002-2025", date="2025-07-01T00:30:00+01:00")
    rows = load(package(tmp_path / "p.json", [late_z, bst])).tables[cf.STAGING]
    assert rows["published_date"].to_list() == [dt.date(2025, 6, 30), dt.date(2025, 7, 1)]


# --------------------------------------------------------------------------------------------- 1e9999


def literal_package(path: Path, releases: list[dict], replace: dict[str, str]) -> Path:
    """A package whose text has placeholders swapped for literals json.dumps cannot write (1e9999)."""
    package(path, releases, indent=2)
    text = path.read_text(encoding="utf-8")
    for placeholder, literal in replace.items():
        assert placeholder in text
        text = text.replace(placeholder, literal)
    path.write_text(text, encoding="utf-8")
    return path


def test_1e9999_in_an_amount_rejects_the_release_and_is_never_infinity(tmp_path: Path) -> None:
    bad = fts_release("000001-2025")
    bad["tender"]["value"]["amount"] = "@AMOUNT@"
    path = literal_package(tmp_path / "p.json", [bad, fts_release("000002-2025")], {'"@AMOUNT@"': "1e9999"})
    assert json.loads(path.read_text())["releases"][0]["tender"]["value"]["amount"] == float("inf")  # the trap
    result = load(path)
    assert result.rows_read == 2 and result.rows_loaded == 1
    assert result.rejects.select("file_name", "line", "column_name", "value").rows() == [
        ("p.json", 1, "tender.value.amount", "1e9999")
    ]
    assert result.rejects["reason"][0].startswith("not a finite number")


def test_1e9999_where_nothing_is_read_is_noted_not_loaded(tmp_path: Path) -> None:
    rel = fts_release()
    rel["tender"]["lotDetails"]["maximumLotsBidPerSupplier"] = "@MAX@"
    result = load(literal_package(tmp_path / "p.json", [rel], {'"@MAX@"': "1e9999"}))
    assert result.rows_loaded == 1 and result.rejects.is_empty()
    assert any("1 number(s) too large to be finite" in n for n in result.notes)


# --------------------------------------------------------------------------------------------- rejects


def test_rejects_name_file_line_and_field(tmp_path: Path) -> None:
    """A fetched page is named with its window folder (every window has a page-0001.json)."""
    releases = [
        fts_release("000001-2025"),
        fts_release("000002-2025", date="3rd March"),
        fts_release("000001-2025"),
        {"id": "000004-2025", "title": "no ocid"},
        fts_release("000005-2025"),
    ]
    releases[4]["tender"]["lots"][0]["suitability"]["sme"] = "maybe"
    result = load(package(tmp_path / "2025-03-01T000000" / "page-0003.json", releases))
    page = "2025-03-01T000000/page-0003.json"
    assert result.rows_read == 5 and result.rows_loaded == 1
    assert result.rejects.select("file_name", "source", "format", "line", "column_name", "reason").rows() == [
        (page, "find_a_tender", fts.FORMAT_PACKAGE, 2, "date", "not a date"),
        (page, "find_a_tender", fts.FORMAT_PACKAGE, 3, "id", "duplicate notice_id: first seen on line 1"),
        (page, "find_a_tender", fts.FORMAT_PACKAGE, 4, "(record)", "does not look like an OCDS release"),
        (page, "find_a_tender", fts.FORMAT_PACKAGE, 5, "tender.suitability.sme (or tender.lots[])", "not true/false"),
    ]


# --------------------------------------------------------------------------------------------- dedup


def test_overlapping_pages_keep_each_notice_once_and_the_newest_release_per_ocid(tmp_path: Path) -> None:
    tender = fts_release()
    awarded = award(tender, "023456-2025", "2025-05-21T09:00:00+01:00")
    other = fts_release("013579-2025", ocid="ocds-h6vhtk-04a1b3")
    first = package(tmp_path / "find-a-tender" / "2025-03-01T000000" / "page-0001.json", [tender, other])
    again = package(tmp_path / "find-a-tender" / "2025-05-21T080000" / "page-0001.json", [tender, awarded])
    loads = [load(first), load(again)]
    assert [r.tables[cf.STAGING]["source_file"][0] for r in loads] == [
        "2025-03-01T000000/page-0001.json",
        "2025-05-21T080000/page-0001.json",
    ]
    stg = {cf.STAGING: pl.concat([r.tables[cf.STAGING] for r in loads])}
    fact = build_contract_notices(stg)["fact_contract_notice"]
    assert sorted(fact["notice_id"]) == ["012345-2025", "013579-2025", "023456-2025"]
    latest = dict(fact.select("notice_id", "is_latest_for_ocid").rows())
    assert latest == {"012345-2025": False, "023456-2025": True, "013579-2025": True}
    dups = duplicate_notices(stg)
    assert dups.rows() == [("2025-05-21T080000/page-0001.json", 1, "012345-2025", "2025-03-01T000000/page-0001.json")]


# --------------------------------------------------------------------------------------------- independent check


def test_the_warehouse_holds_what_the_package_says(tmp_path: Path) -> None:
    """Counts and totals of a hand-built package, read with the standard library, against the built warehouse."""
    from pipelines.warehouse.build import build

    tender = fts_release()
    releases = [
        tender,
        award(tender, "023456-2025", "2025-05-21T09:00:00+01:00"),
        fts_release("013579-2025", ocid="ocds-h6vhtk-04a1b3", tender=tender["tender"] | {"value": {"amount": 99000}}),
        award(fts_release("024680-2025", ocid="ocds-h6vhtk-04a1b4"), "024681-2025", "2025-06-02T10:00:00Z", "large"),
    ]
    releases[2]["tender"]["lots"] = [{"id": "1", "suitability": {"sme": True}}]
    releases[2]["tender"].pop("suitability", None)
    raw = tmp_path / "raw"
    page = package(raw / "find-a-tender" / "2025-03-01T000000" / "page-0001.json", releases, indent=2)

    doc = json.loads(page.read_text(encoding="utf-8"))
    expected_notices = len({r["id"] for r in doc["releases"]})
    expected_ocids = len({r["ocid"] for r in doc["releases"]})
    expected_tender = sum(Decimal(str(r["tender"]["value"]["amount"])) for r in doc["releases"])
    expected_awarded = sum(Decimal(str(a["value"]["amount"])) for r in doc["releases"] for a in r.get("awards", []))
    expected_sme_suitable = sum(
        1 for r in doc["releases"] if any(lot.get("suitability", {}).get("sme") for lot in r["tender"]["lots"])
    )
    scale = {(r["id"], p["id"]): p.get("details", {}).get("scale") for r in doc["releases"] for p in r["parties"]}
    expected_sme_awards = sum(  # party ids are unique within a release only
        1
        for r in doc["releases"]
        if any(scale[r["id"], s["id"]] == "sme" for a in r.get("awards", []) for s in a["suppliers"])
    )

    out = tmp_path / "w.duckdb"
    build(raw, out)
    con = duckdb.connect(str(out), read_only=True)
    try:
        got = con.sql(
            """SELECT count(*), count(DISTINCT ocid), sum(tender_value), sum(awarded_value),
                      count(*) FILTER (WHERE suitable_for_sme), count(*) FILTER (WHERE awarded_to_sme),
                      count(*) FILTER (WHERE source = 'find_a_tender'), count(*) FILTER (WHERE url LIKE
                      'https://www.find-tender.service.gov.uk/Notice/%')
               FROM fact_contract_notice"""
        ).fetchall()[0]
        files = con.sql(
            "SELECT source, format, publisher, rows_read, rows_loaded, rows_rejected FROM build_files"
        ).fetchall()
    finally:
        con.close()
    assert got == (
        expected_notices,
        expected_ocids,
        expected_tender,
        expected_awarded,
        expected_sme_suitable,
        expected_sme_awards,
        expected_notices,
        expected_notices,
    )
    assert files == [(fts.SOURCE, fts.FORMAT_PACKAGE, fts.PUBLISHER, len(doc["releases"]), expected_notices, 0)]


# --------------------------------------------------------------------------------------------- Contracts Finder bytes


def test_contracts_finder_bytes_in_no_encoding_become_a_replacement_character(tmp_path: Path) -> None:
    """0x81 (and 0x8D, 0x8F, 0x90, 0x9D) are neither UTF-8 nor Windows-1252: the byte becomes U+FFFD with a note
    naming the file and line; the other notices, and UTF-8 text around it, read as written."""
    first = cf_release()
    first["tender"]["title"] = "Caf\u00e9 \u2019menu\u2019"
    second = cf_release("bbbbbbbb-1111-4222-8333-444444444444-1002")
    second["tender"]["title"] = "Parking @BAD@ Pilot"
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in (first, second)) + "\n"
    path = tmp_path / "releases.jsonl"
    path.write_bytes(text.encode("utf-8").replace(b"@BAD@", b"\x81\x9d"))
    head = read_head(path)
    [fmt] = [f for f in detect(head)]
    result = fmt.load(path, head, tmp_path / "work")
    result.check_reconciles()
    assert result.rows_loaded == 2 and result.rejects.is_empty()
    titles = result.tables[cf.STAGING]["title"].to_list()
    assert titles == ["Caf\u00e9 \u2019menu\u2019", "Parking \ufffd\ufffd Pilot"]
    assert any("releases.jsonl" in n and "0x81, 0x9d" in n and "line(s) 2" in n for n in result.notes), result.notes


def test_contracts_finder_package_with_such_a_byte_is_read(tmp_path: Path) -> None:
    path = package(tmp_path / "page-0001.json", [cf_release()], uri="https://www.contractsfinder.service.gov.uk/x")
    path.write_bytes(path.read_bytes().replace(b"Parking Pilot", b"Parking \x8f Pilot"))
    head = read_head(path)
    result = cf.load_ocds_package(path, head, tmp_path)
    assert result.rows_loaded == 1
    assert result.tables[cf.STAGING]["title"][0] == "Parking \ufffd Pilot & Enforcement"
    assert any("line(s) 1" in n for n in result.notes)


# --------------------------------------------------------------------------------------------- sample


@pytest.fixture(scope="module")
def fts_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list, pl.DataFrame]:
    from pipelines.notices.sample import write_sample

    paths = [p for p in write_sample(tmp_path_factory.mktemp("fts-sample")) if "find-a-tender" in p.parts]
    loads = [load(p) for p in paths]
    stg = pl.concat([r.tables[cf.STAGING] for r in loads])
    return paths, loads, build_contract_notices({cf.STAGING: stg})["fact_contract_notice"]


def test_sample_pages_are_deterministic_and_laid_out_as_fetched(fts_sample: tuple, tmp_path: Path) -> None:
    from pipelines.notices.sample import write_sample

    paths, _, _ = fts_sample
    again = [p for p in write_sample(tmp_path) if "find-a-tender" in p.parts]
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]
    assert [f"{p.parent.name}/{p.name}" for p in paths][:2] == [
        "2025-02-24T000000/page-0001.json",
        "2025-02-24T000000/page-0002.json",
    ]
    assert len({p.parent.name for p in paths}) == 2  # two fetch windows


def test_sample_figures_match_the_files_read_with_json(fts_sample: tuple) -> None:
    """The sample's figures, recomputed from the page files with the standard library."""
    paths, loads, fact = fts_sample
    releases = [r for p in paths for r in json.loads(p.read_text(encoding="utf-8"))["releases"]]
    ids = [r["id"] for r in releases]
    assert len(ids) == len(set(ids)) + 1  # the overlap: one release in both windows
    assert [r.rows_read for r in loads] == [len(json.loads(p.read_text())["releases"]) for p in paths]
    assert all(r.rejects.is_empty() for r in loads)
    assert fact.height == len(set(ids))
    assert all(r["ocid"].startswith("ocds-h6vhtk-") for r in releases)
    assert min(r["date"][:10] for r in releases) >= "2025-02-24"  # all under the Procurement Act 2023
    assert sum(1 for p in paths if "1e9999" in p.read_text()) == 1
    by_id = {r["id"]: r for r in releases}
    awards = {i for i, r in by_id.items() if r.get("awards")}
    sme_awards = {
        i
        for i in awards
        if any(
            p.get("details", {}).get("scale") == "sme"
            for p in by_id[i]["parties"]
            if p["id"] in {s["id"] for s in by_id[i]["awards"][0]["suppliers"]}
        )
    }
    sme_lots = {i for i, r in by_id.items() if any(lot["suitability"]["sme"] for lot in r["tender"]["lots"])}
    assert set(fact.filter(pl.col("awarded_date").is_not_null())["notice_id"]) == awards
    assert set(fact.filter(pl.col("awarded_to_sme"))["notice_id"]) == sme_awards and sme_awards
    assert set(fact.filter(pl.col("suitable_for_sme"))["notice_id"]) == sme_lots
    types = {i: next(d["noticeType"] for d in _docs(r) if d["id"] == i) for i, r in by_id.items()}
    assert dict(fact.select("notice_id", "uk_notice_type").rows()) == types
    assert set(types.values()) == {"UK2", "UK4", "UK6"}


def _docs(release: dict) -> list[dict]:
    blocks = [release.get("planning", {}), release.get("tender", {}), *release.get("awards", [])]
    return [d for b in blocks for d in b.get("documents", [])]


def test_sample_is_mostly_it_with_contracts_ending_in_each_window(fts_sample: tuple) -> None:
    from pipelines.notices.sample import AS_OF

    _, _, fact = fts_sample
    assert fact["is_it"].mean() >= 0.6
    assert set(fact["source"]) == {"find_a_tender"}
    awarded = fact.filter(pl.col("awarded_date").is_not_null(), pl.col("contract_end") > AS_OF)
    for months in (12, 24, 36):
        ending = awarded.filter(pl.col("contract_end") <= pl.lit(AS_OF).dt.offset_by(f"{months}mo"))
        assert ending.height >= 2, months
    assert fact["region"].null_count() == 0 and not fact["region"].str.starts_with("UK").any()
