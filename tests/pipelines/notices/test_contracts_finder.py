"""Contracts Finder: OCDS release lines/packages and notice-search files -> stg_contract_notice -> fact."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from pipelines.config import ROOT
from pipelines.core.textio import UnreadableFileError, read_head
from pipelines.notices.contracts_finder import (
    FORMAT_OCDS_LINES,
    FORMAT_OCDS_PACKAGE,
    FORMAT_SEARCH,
    FORMATS,
    STAGING,
    STAGING_SCHEMA,
    party_scales,
    repair_mojibake,
)
from pipelines.notices.sample import AS_OF, write_sample
from pipelines.notices.tables import FACT_CONTRACT_NOTICE, build_contract_notices
from pipelines.warehouse.formats import detect

REAL = ROOT.parent / "shared" / "data" / "contracts-finder"
REAL_OCDS = REAL / "ocds-releases-2025" / "contracts_finder_ocds_releases_sample.jsonl"
REAL_SEARCH = REAL / "lancashire-councils"
LOADERS = {f.id: f.load for f in FORMATS}


def release(notice_id: str | None = "aaaaaaaa-1111-4222-8333-444444444444-1001", **over) -> dict:
    """An OCDS release in the Contracts Finder shape (award with one SME supplier)."""
    rel = {
        "ocid": "ocds-b5fd17-e3b5f385-5989-4cf1-8849-01c247fc9c30",
        "id": notice_id,
        "language": "en",
        "date": "2025-01-23T22:10:19Z",
        "tag": ["award"],
        "initiationType": "tender",
        "tender": {
            "id": "MRTN001",
            "title": "Parking Pilot &amp; Enforcement",
            "description": "Civil parking enforcement.",
            "status": "complete",
            "classification": {"scheme": "CPV", "id": "63712400", "description": "Parking services"},
            "additionalClassifications": [{"scheme": "CPV", "id": "79993100"}],
            "items": [{"id": "1", "deliveryAddresses": [{"region": "London", "countryName": "United Kingdom"}]}],
            "value": {"amount": 372032, "currency": "GBP"},
            "tenderPeriod": {"endDate": "2024-12-21T12:00:00Z"},
            "contractPeriod": {"startDate": "2025-01-06T00:00:00Z", "endDate": "2026-01-05T23:59:59Z"},
            "suitability": {"sme": True, "vcse": False},
        },
        "parties": [
            {
                "id": "GB-CFS-18525",
                "name": "London Borough of Merton",
                "address": {"locality": "Morden", "postalCode": "SM4 5DX", "countryName": "England"},
                "roles": ["buyer"],
            },
            {
                "id": "GB-CFS-1",
                "name": "Small Co Ltd",
                "details": {"scale": "sme", "vcse": False},
                "roles": ["supplier"],
            },
        ],
        "buyer": {"id": "GB-CFS-18525", "name": "London Borough of Merton"},
        "awards": [
            {
                "id": "a-1",
                "status": "active",
                "date": "2024-12-22T00:00:00Z",
                "value": {"amount": 93007.5, "currency": "GBP"},
                "suppliers": [{"id": "GB-CFS-1", "name": "Small Co Ltd"}],
                "contractPeriod": {"startDate": "2025-01-23T00:00:00Z", "endDate": "2025-04-23T23:59:59+01:00"},
            }
        ],
    }
    rel.update(over)
    return rel


def search_contract(notice_id: str = "ffb5b4fa-0706-46e8-9bf8-86c8e991b1bb", **over) -> dict:
    contract = {
        "id": notice_id,
        "title": "Supply of Fresh Bread &amp; Meat",
        "description": "St John&#039;s Centre works",
        "organisation": "Lancashire County Council",
        "status": "awarded",
        "notice_type": "Contract",
        "published_date": "2025-08-22",
        "deadline_date": "2025-03-06",
        "awarded_date": "2025-06-01",
        "value_low": 250000,
        "value_high": 0,
        "awarded_value": 1233600,
        "awarded_supplier": "B&amp;E Boys Ltd",
        "awarded_to_sme": True,
        "cpv_codes": "45233140 45233141",
        "cpv_description": "Roadworks",
        "region": "North West",
        "postcode": "",
        "suitable_for_sme": True,
        "url": f"https://www.contractsfinder.service.gov.uk/Published/Notice/{notice_id}",
    }
    contract.update(over)
    return contract


def search_file(path: Path, contracts: list[dict]) -> Path:
    doc = {
        "meta": {"council_id": "lancashire_cc", "source": "Contracts Finder", "generated": "2026-03-15T12:20:13Z"},
        "stats": {"total_notices": len(contracts), "top_suppliers": [{"name": "x", "contracts": 1}]},
        "contracts": contracts,
    }
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def jsonl(path: Path, lines: list[object | str], newline: str = "\n", bom: bool = False) -> Path:
    text = newline.join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def ours(path: Path) -> list[str]:
    return [f.id for f in detect(read_head(path)) if f.source == "contracts_finder"]


def load(path: Path):
    head = read_head(path)
    formats = [f for f in detect(head) if f.source == "contracts_finder"]
    assert len(formats) == 1, formats
    result = formats[0].load(path, head, path.parent / "work")
    result.check_reconciles()
    return result


def one_row(path: Path) -> dict:
    result = load(path)
    assert result.rejects.is_empty(), result.rejects
    return result.tables[STAGING].row(0, named=True)


# --------------------------------------------------------------------------------------------- detection


def test_release_lines_are_recognised(tmp_path: Path) -> None:
    assert ours(jsonl(tmp_path / "r.jsonl", [release()])) == [FORMAT_OCDS_LINES]


def test_release_longer_than_the_head_is_recognised(tmp_path: Path) -> None:
    big = release()
    big["tender"]["documents"] = [{"id": str(i), "url": "https://example.org/" + "d" * 200} for i in range(400)]
    path = jsonl(tmp_path / "big.jsonl", [big, release("second-1")])
    assert len(path.read_text().splitlines()[0]) > 64 * 1024
    assert ours(path) == [FORMAT_OCDS_LINES]
    assert load(path).rows_loaded == 2


def test_release_package_is_recognised_pretty_and_on_one_line(tmp_path: Path) -> None:
    package = {"uri": "https://example/p.json", "publisher": {"name": "Cabinet Office"}, "releases": [release()]}
    pretty = tmp_path / "p.json"
    pretty.write_text(json.dumps(package, indent=2), encoding="utf-8")
    flat = tmp_path / "f.json"
    flat.write_text(json.dumps(package), encoding="utf-8")
    assert ours(pretty) == [FORMAT_OCDS_PACKAGE]
    assert ours(flat) == [FORMAT_OCDS_PACKAGE]


def test_notice_search_file_is_recognised(tmp_path: Path) -> None:
    assert ours(search_file(tmp_path / "s.json", [search_contract()])) == [FORMAT_SEARCH]


@pytest.mark.parametrize(
    "content",
    [
        '{"id": 1, "name": "not a release"}\n{"id": 2, "name": "x"}\n',
        json.dumps({"releases": [{"id": "1", "title": "no ocid"}]}, indent=2),
        json.dumps({"meta": {}, "contracts": [{"id": "1", "name": "not a notice"}]}, indent=2),
        json.dumps(
            [
                {
                    "id": "https://www.gov.uk/api/organisations/x",
                    "title": "x",
                    "format": "Other",
                    "details": {"slug": "x"},
                }
            ]
        ),  # fmt: skip
        "",
    ],
)
def test_other_json_is_not_recognised(tmp_path: Path, content: str) -> None:
    path = tmp_path / "other.json"
    path.write_text(content, encoding="utf-8")
    assert ours(path) == []


# --------------------------------------------------------------------------------------------- OCDS values


def test_release_is_flattened(tmp_path: Path) -> None:
    row = one_row(jsonl(tmp_path / "r.jsonl", [release()]))
    assert row["notice_id"] == "aaaaaaaa-1111-4222-8333-444444444444-1001"
    assert row["source_format"] == "ocds" and row["notice_type"] == "award" and row["status"] == "complete"
    assert row["title"] == "Parking Pilot & Enforcement"
    assert row["buyer_name"] == "London Borough of Merton"
    assert row["published_date"] == dt.date(2025, 1, 23)
    assert row["deadline_date"] == dt.date(2024, 12, 21)
    assert row["awarded_date"] == dt.date(2024, 12, 22)
    assert row["tender_value"] == Decimal("372032.00") and row["awarded_value"] == Decimal("93007.50")
    assert row["currency"] == "GBP"
    assert (row["region"], row["postcode"]) == ("London", "SM4 5DX")
    assert (row["suitable_for_sme"], row["suitable_for_vcse"], row["awarded_to_sme"]) == (True, False, True)
    assert row["supplier_names"] == "Small Co Ltd"
    assert row["cpv_codes"] == "63712400,79993100"
    assert (row["contract_start"], row["contract_end"]) == (dt.date(2025, 1, 23), dt.date(2025, 4, 23))
    assert row["url"] == "https://www.contractsfinder.service.gov.uk/Notice/aaaaaaaa-1111-4222-8333-444444444444"
    assert row["source_line"] == 1 and row["source_file"] == "r.jsonl"


def test_awarded_to_sme_follows_the_awarded_suppliers_scale(tmp_path: Path) -> None:
    large = release()
    large["parties"][1]["details"]["scale"] = "large"
    unstated = release()
    del unstated["parties"][1]["details"]
    mixed = release()
    mixed["parties"].append({"id": "GB-CFS-2", "name": "Big plc", "details": {"scale": "large"}, "roles": ["supplier"]})
    mixed["awards"][0]["suppliers"].append({"id": "GB-CFS-2", "name": "Big plc"})
    rows = [
        one_row(jsonl(tmp_path / f"{name}.jsonl", [rel]))
        for name, rel in (("large", large), ("unstated", unstated), ("mixed", mixed))
    ]
    assert [r["awarded_to_sme"] for r in rows] == [False, None, True]
    assert rows[2]["supplier_names"] == "Small Co Ltd; Big plc"


def test_region_comes_from_buyer_address_then_delivery_regions(tmp_path: Path) -> None:
    buyer_region = release()
    buyer_region["parties"][0]["address"]["region"] = "South West"
    several = release()
    several["tender"]["items"] = [
        {"id": "1", "deliveryAddresses": [{"region": "London"}, {"region": "South East"}]},
        {"id": "2", "d    eliveryAddresses": [{"region": "London", "postalCode": "EC1A 1BB"}]},  # the real key quirk
    ]
    assert one_row(jsonl(tmp_path / "a.jsonl", [buyer_region]))["region"] == "South West"
    assert one_row(jsonl(tmp_path / "b.jsonl", [several]))["region"] == "London,South East"


def test_contract_period_falls_back_to_tender_and_value_to_standing_awards(tmp_path: Path) -> None:
    tender_only = release(tag=["tender"], awards=[])
    row = one_row(jsonl(tmp_path / "t.jsonl", [tender_only]))
    assert (row["contract_start"], row["contract_end"]) == (dt.date(2025, 1, 6), dt.date(2026, 1, 5))
    assert row["awarded_value"] is None and row["awarded_to_sme"] is None and row["supplier_names"] is None
    two = release()
    second = copy.deepcopy(two["awards"][0]) | {"id": "a-2", "value": {"amount": 6992.5}}
    cancelled = copy.deepcopy(two["awards"][0]) | {"id": "a-3", "status": "cancelled", "value": {"amount": 10**6}}
    two["awards"] += [second, cancelled]
    assert one_row(jsonl(tmp_path / "v.jsonl", [two]))["awarded_value"] == Decimal("100000.00")


def test_description_is_unescaped_repaired_and_cut_to_1000(tmp_path: Path) -> None:
    rel = release()
    rel["tender"]["description"] = "Council\u00e2\u20ac\u2122s plan &amp; scope.\r\n" + "x" * 2000
    desc = one_row(jsonl(tmp_path / "d.jsonl", [rel]))["description"]
    assert desc.startswith("Council\u2019s plan & scope.\nxx") and len(desc) == 1000


def test_mojibake_repair_leaves_real_accents_alone() -> None:
    assert repair_mojibake("caf\u00e9 na\u00efve") == "caf\u00e9 na\u00efve"
    assert repair_mojibake("pilot.\u00e2\u20ac\u00af The") == "pilot.\u202f The"


def test_crlf_bom_and_blank_lines_keep_physical_line_numbers(tmp_path: Path) -> None:
    second = release("bbbbbbbb-1111-4222-8333-444444444444-1002")
    result = load(jsonl(tmp_path / "r.jsonl", [release(), "", second], newline="\r\n", bom=True))
    assert result.rows_read == 2 and result.rejects.is_empty()
    assert result.tables[STAGING]["source_line"].to_list() == [1, 3]


# --------------------------------------------------------------------------------------------- OCDS rejects


def test_line_that_is_not_json_is_rejected_with_its_line(tmp_path: Path) -> None:
    result = load(jsonl(tmp_path / "r.jsonl", [release(), '{"ocid": "ocds-x", "id": ']))
    assert result.rows_loaded == 1
    (line, column, reason) = result.rejects.select("line", "column_name", "reason").row(0)
    assert (line, column) == (2, "(line)") and reason.startswith("not valid JSON")


def test_line_that_is_json_but_not_a_release_is_rejected(tmp_path: Path) -> None:
    result = load(jsonl(tmp_path / "r.jsonl", [release(), [1, 2], {"hello": "world"}]))
    assert result.rejects.select("line", "reason").rows() == [
        (2, "OCDS release is not a JSON object"),
        (3, "does not look like an OCDS release"),
    ]


def test_release_without_id_is_rejected(tmp_path: Path) -> None:
    result = load(jsonl(tmp_path / "r.jsonl", [release(), release(None)]))
    assert result.rejects.select("line", "column_name", "reason").rows() == [(2, "id", "OCDS release without an id")]


def test_duplicate_notice_names_the_first_line(tmp_path: Path) -> None:
    result = load(jsonl(tmp_path / "r.jsonl", [release(), release("other-1"), release()]))
    assert result.rows_loaded == 2
    assert result.rejects.select("line", "reason").rows() == [(3, "duplicate notice_id: first seen on line 1")]


def test_malformed_date_is_rejected(tmp_path: Path) -> None:
    result = load(jsonl(tmp_path / "r.jsonl", [release(date="23rd January")]))
    assert result.rejects.select("line", "column_name", "value", "reason").rows() == [
        (1, "date", "23rd January", "not a date")
    ]


def test_missing_publication_date_is_rejected(tmp_path: Path) -> None:
    rel = release()
    del rel["date"]
    result = load(jsonl(tmp_path / "r.jsonl", [rel]))
    assert result.rejects.select("column_name", "reason").rows() == [("date", "missing publication date")]


def test_bad_number_and_negative_amount_are_rejected(tmp_path: Path) -> None:
    words = release("w-1")
    words["tender"]["value"] = {"amount": "about a million"}
    negative = release("n-1")
    negative["tender"]["value"] = {"amount": -5}
    result = load(jsonl(tmp_path / "r.jsonl", [words, negative]))
    assert result.rejects.select("line", "column_name", "reason").rows() == [
        (1, "tender.value.amount", "not an amount"),
        (2, "tender.value.amount", "negative amount"),
    ]


def test_bad_boolean_is_rejected(tmp_path: Path) -> None:
    rel = release()
    rel["tender"]["suitability"]["sme"] = "maybe"
    result = load(jsonl(tmp_path / "r.jsonl", [rel]))
    assert result.rejects.select("column_name", "value", "reason").rows() == [
        ("tender.suitability.sme", "maybe", "not true/false")
    ]


# --------------------------------------------------------------------------------------------- package and search


def test_package_lines_are_release_positions(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"uri": "u", "releases": [release(), release("second-1")]}, indent=2), encoding="utf-8")
    result = load(path)
    assert result.tables[STAGING]["source_line"].to_list() == [1, 2]


def test_invalid_json_package_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{\n  "uri": "u",\n  "releases": [\n    {"ocid": "o", "id": "1", "tag": ["tender"]},\n  ]\n}')
    with pytest.raises(UnreadableFileError) as err:
        LOADERS[FORMAT_OCDS_PACKAGE](path, read_head(path), tmp_path)
    assert err.value.line == 5


def test_package_without_releases_array_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"uri": "u", "releases": "none"}), encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="releases"):
        LOADERS[FORMAT_OCDS_PACKAGE](path, read_head(path), tmp_path)


def test_notice_search_values(tmp_path: Path) -> None:
    row = one_row(search_file(tmp_path / "s.json", [search_contract()]))
    assert row["source_format"] == "notice_search" and row["ocid"] is None
    assert row["title"] == "Supply of Fresh Bread & Meat" and row["description"] == "St John's Centre works"
    assert row["supplier_names"] == "B&E Boys Ltd"
    assert row["tender_value"] == Decimal("250000.00")  # value_high 0 -> value_low
    assert row["awarded_value"] == Decimal("1233600.00") and row["currency"] == "GBP"
    assert row["cpv_codes"] == "45233140,45233141"
    assert (row["postcode"], row["region"], row["suitable_for_vcse"]) == (None, "North West", None)
    assert (row["awarded_to_sme"], row["suitable_for_sme"]) == (True, True)


def test_notice_search_zero_values_mean_not_stated(tmp_path: Path) -> None:
    contract = search_contract(status="closed", value_low=0, value_high=0, awarded_value=0, awarded_to_sme=None)
    row = one_row(search_file(tmp_path / "s.json", [contract]))
    assert (row["tender_value"], row["awarded_value"], row["awarded_to_sme"]) == (None, None, None)


def test_notice_search_rejects(tmp_path: Path) -> None:
    contracts = [
        search_contract("a"),
        search_contract("a"),
        search_contract("b", published_date="2025-13-45"),
        search_contract("c", awarded_value="lots"),
        search_contract(None),
    ]
    result = load(search_file(tmp_path / "s.json", contracts))
    assert result.rows_read == 5 and result.rows_loaded == 1
    assert result.rejects.select("line", "column_name", "reason").rows() == [
        (2, "id", "duplicate notice_id: first seen on line 1"),
        (3, "published_date", "not a date"),
        (4, "awarded_value", "not an amount"),
        (5, "id", "notice-search contract without an id"),
    ]


def test_search_without_contracts_array_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"meta": {}, "contracts": {"id": "x"}}), encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="contracts"):
        LOADERS[FORMAT_SEARCH](path, read_head(path), tmp_path)


# --------------------------------------------------------------------------------------------- build


def staged(tmp_path: Path, name: str, releases: list[dict]) -> pl.DataFrame:
    return load(jsonl(tmp_path / name, releases)).tables[STAGING]


def test_build_adds_month_and_financial_year(tmp_path: Path) -> None:
    stg = staged(
        tmp_path, "r.jsonl", [release("m-1", date="2025-03-31T23:00:00Z"), release("a-1", date="2025-04-01T09:00:00Z")]
    )
    fact = build_contract_notices({STAGING: stg})["fact_contract_notice"]
    assert fact.select("notice_id", "published_month", "financial_year").rows() == [
        ("m-1", dt.date(2025, 3, 1), "2024/25"),
        ("a-1", dt.date(2025, 4, 1), "2025/26"),
    ]


def test_build_keeps_one_row_per_notice_and_marks_the_latest_release(tmp_path: Path) -> None:
    tender = release("t-1", tag=["tender"], date="2025-01-02T10:00:00Z", awards=[])
    award = release("w-1", date="2025-02-02T10:00:00Z")
    other = release("o-1", ocid="ocds-b5fd17-other")
    first = staged(tmp_path, "a.jsonl", [tender, award, other])
    again = staged(tmp_path, "b.jsonl", [release("w-1", date="2025-01-15T10:00:00Z")])  # an older copy of w-1
    fact = build_contract_notices({STAGING: pl.concat([first, again])})["fact_contract_notice"]
    assert fact.height == 3 and fact["notice_id"].is_unique().all()
    assert fact.filter(pl.col("notice_id") == "w-1")["source_file"].to_list() == ["a.jsonl"]
    latest = dict(fact.select("notice_id", "is_latest_for_ocid").rows())
    assert latest == {"t-1": False, "w-1": True, "o-1": True}


def test_build_without_files_is_typed_and_empty() -> None:
    fact = build_contract_notices({})["fact_contract_notice"]
    assert fact.is_empty() and fact.schema == pl.Schema(FACT_CONTRACT_NOTICE.polars_schema)
    assert set(STAGING_SCHEMA) <= set(fact.columns)


# --------------------------------------------------------------------------------------------- sample


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list, pl.DataFrame]:
    out = tmp_path_factory.mktemp("cf-sample")
    paths = [p for p in write_sample(out) if p.parent.name == "contracts-finder"]  # Find a Tender's: its tests
    loads = [load(p) for p in paths]
    stg = pl.concat([r.tables[STAGING] for r in loads])
    return paths, loads, build_contract_notices({STAGING: stg})["fact_contract_notice"]


def test_sample_is_deterministic(sample: tuple, tmp_path: Path) -> None:
    paths, _, _ = sample
    again = [p for p in write_sample(tmp_path) if p.parent.name == "contracts-finder"]
    assert [p.name for p in paths] == [p.name for p in again]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(paths, again, strict=True))


def test_sample_loads_without_rejects_in_each_format(sample: tuple) -> None:
    paths, loads, _ = sample
    assert {r.format for r in loads} == {FORMAT_OCDS_LINES, FORMAT_SEARCH}
    assert len([r for r in loads if r.format == FORMAT_SEARCH]) == 3
    for result in loads:
        assert result.rejects.is_empty(), result.path.name
        assert result.rows_read == result.rows_loaded > 0
    assert next(r for r in loads if r.format == FORMAT_OCDS_LINES).rows_read == 400
    first_contract = json.loads(paths[1].read_text())["contracts"][0]
    assert list(first_contract) == list(search_contract())  # the real key order


def test_sample_has_the_shape_the_dashboard_needs(sample: tuple) -> None:
    _, _, fact = sample
    ocds = fact.filter(pl.col("source_format") == "ocds")
    assert 0.6 <= ocds["suitable_for_sme"].mean() <= 0.8
    assert ocds["published_date"].min() >= dt.date(2023, 1, 1) and ocds["published_date"].max() <= AS_OF
    assert set(ocds["awarded_to_sme"].drop_nulls()) == {True, False}
    for months in (6, 12, 24):
        horizon = pl.lit(AS_OF).dt.offset_by(f"{months}mo")
        ending = ocds.filter(pl.col("contract_end") > AS_OF, pl.col("contract_end") <= horizon)
        assert ending.height >= 5, months


def test_sample_supplier_parties_are_sme_or_large(sample: tuple) -> None:
    paths, _, _ = sample
    releases = [json.loads(line) for line in paths[0].read_text(encoding="utf-8").splitlines()]
    scales = [s for r in releases for s in party_scales(r)]
    assert {"sme", "large"} <= set(scales) <= {"sme", "large", None}
    assert all(r["tender"]["value"]["currency"] == "GBP" for r in releases)


def test_sample_shared_notice_is_kept_once(sample: tuple) -> None:
    paths, _, fact = sample
    listed = [c["id"] for p in paths[1:] for c in json.loads(p.read_text())["contracts"]]
    assert len(listed) == len(set(listed)) + 1  # one joint procurement listed by two councils
    assert fact.filter(pl.col("source_format") == "notice_search").height == len(set(listed))


# --------------------------------------------------------------------------------------------- real files


@pytest.fixture(scope="module")
def real_ocds():
    if not REAL_OCDS.exists():
        pytest.skip(f"real Contracts Finder OCDS extract not present at {REAL_OCDS}")
    return load(REAL_OCDS)


def test_real_ocds_counts(real_ocds) -> None:
    assert ours(REAL_OCDS) == [FORMAT_OCDS_LINES]
    assert (real_ocds.rows_read, real_ocds.rows_loaded, real_ocds.rejects.height) == (201, 201, 0)
    stg = real_ocds.tables[STAGING]
    assert stg["suitable_for_sme"].sum() == 147
    assert stg["ocid"].n_unique() == 191
    assert stg["published_date"].min() == dt.date(2025, 1, 23) and stg["published_date"].max() == dt.date(2025, 3, 11)
    tags = dict(stg["notice_type"].value_counts().rows())
    assert tags == {"award": 139, "tender": 40, "awardUpdate": 8, "tenderAmendment": 7, "planning": 7}
    assert not stg["description"].str.contains("\u00e2\u20ac").any()  # mojibake repaired


def test_real_ocds_supplier_scales() -> None:
    if not REAL_OCDS.exists():
        pytest.skip(f"real Contracts Finder OCDS extract not present at {REAL_OCDS}")
    releases = [json.loads(line) for line in REAL_OCDS.read_text(encoding="utf-8").splitlines() if line.strip()]
    scales = [s for r in releases for s in party_scales(r)]
    assert (scales.count("large"), scales.count("sme")) == (139, 79)


def test_real_notice_search_files() -> None:
    if not REAL_SEARCH.exists():
        pytest.skip(f"real Lancashire notice-search files not present at {REAL_SEARCH}")
    paths = sorted(REAL_SEARCH.glob("*.json"))
    assert len(paths) == 15
    loads = [load(p) for p in paths]
    assert {r.format for r in loads} == {FORMAT_SEARCH}
    assert sum(r.rows_read for r in loads) == 1224
    assert sum(r.rejects.height for r in loads) == 0
    stg = pl.concat([r.tables[STAGING] for r in loads])
    assert stg["published_date"].min() == dt.date(2015, 3, 25) and stg["published_date"].max() == dt.date(2026, 3, 8)
    assert not stg["title"].str.contains("&amp;").any()
    fact = build_contract_notices({STAGING: stg})["fact_contract_notice"]
    assert fact.height == 1223  # one procurement is listed by both Chorley and South Ribble
