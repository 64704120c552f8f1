"""Buyer resolution: normalisation rules, method order, the safeguards on fuzzy matching."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.reference import departments
from pipelines.warehouse.buyers import Resolver, basic_key, council_key, read_aliases, resolve_buyers


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Manchester City Council", "manchester"),
        ("MANCHESTER CITY COUNCIL", "manchester"),
        ("London Borough of Camden Council", "camden"),
        ("LB Camden", "camden"),
        ("Camden LBC", "camden"),
        ("Royal Borough of Kingston upon Thames Council", "kingston upon thames"),
        ("The Royal Borough of Windsor and Maidenhead", "windsor and maidenhead"),
        ("Council of the City of Wakefield", "wakefield"),
        ("Wigan Metropolitan Borough Council", "wigan"),
        ("Bristol, City of", "bristol"),
        ("City of York Council", "york"),
        ("City of London Corporation", "city of london"),
        ("Council of the Isles of Scilly", "isles of scilly"),
        ("Brighton & Hove City Council", "brighton and hove"),
        ("St. Helens Council", "st helens"),
        ("Newcastle-upon-Tyne City Council", "newcastle upon tyne"),
    ],
)
def test_council_names_normalise_to_the_district(name: str, key: str) -> None:
    assert council_key(name) == key


def test_basic_key_keeps_words_but_not_punctuation() -> None:
    assert basic_key("HM Revenue & Customs") == "hm revenue and customs"


COUNCILS = pl.DataFrame(
    {
        "council_id": ["E08000003", "E09000007", "E08000022", "E08000023", "E10000017", "E06000047", "E06000010"],
        "council_name": ["Manchester", "Camden", "North Tyneside", "South Tyneside", "Lancashire", "County Durham", "Kingston upon Hull, City of"],
        "official_name": ["Manchester City Council", "London Borough of Camden", "North Tyneside Council", "South Tyneside Council", "Lancashire County Council", "Durham County Council", "Hull City Council"],
        "council_type": ["metropolitan district", "London borough", "metropolitan district", "metropolitan district", "county council", "unitary authority", "unitary authority"],
    }
)  # fmt: skip
CAS = pl.DataFrame(
    {"ca_code": ["E47000001", "E61000001"], "ca_name": ["Greater Manchester", "Greater London Authority"]}
)
ORGS = pl.DataFrame(
    {
        "slug": ["driver-and-vehicle-licensing-agency", "hm-revenue-customs", "skills-funding-agency"],
        "title": ["Driver and Vehicle Licensing Agency", "HM Revenue & Customs", "Skills Funding Agency"],
        "abbreviation": ["DVLA", "HMRC", "SFA"],
        "department_id": ["DFT", "HMRC", "DFE"],
    }
)


def resolver(aliases: pl.DataFrame | None = None) -> Resolver:
    empty = pl.DataFrame(schema={"buyer_name": pl.String, "organisation_code": pl.String, "note": pl.String})
    return Resolver(COUNCILS, CAS, ORGS, departments(), aliases if aliases is not None else empty)


@pytest.mark.parametrize(
    ("name", "sector", "code", "method"),
    [
        ("MANCHESTER CITY COUNCIL", "Local Government", "E08000003", "exact"),
        ("London Borough of Camden Council", "Local Government", "E09000007", "exact"),
        ("Lancashire County Council", "Local Government", "E10000017", "exact"),
        ("Durham County Council", "Local Government", "E06000047", "exact"),
        ("Greater Manchester Combined Authority", "Local Government", "E47000001", "exact"),
        ("Greater London Authority", "Local Government", "E61000001", "exact"),
        ("DVLA", "Central Government", "driver-and-vehicle-licensing-agency", "exact"),
        ("HM Revenue and Customs", "Central Government", "hm-revenue-customs", "exact"),
        (
            "Department for Communities and Local Government",
            "Central Government",
            "department-for-communities-and-local-government",
            "exact",
        ),
        ("Manchster City Council", "Local Government", "E08000003", "fuzzy"),
    ],
)
def test_names_resolve_with_their_method(name: str, sector: str, code: str, method: str) -> None:
    row = resolver().resolve(name, sector)
    assert (row["org_code"], row["match_method"]) == (code, method)


def test_compass_words_must_agree_so_north_never_becomes_south() -> None:
    assert resolver().resolve("Nroth Tyneside Council", "Local Government")["org_code"] != "E08000023"


def test_fire_service_is_not_fuzzed_onto_a_council() -> None:
    row = resolver().resolve("Lancashire Fire and Rescue Service", "Fire and Rescue")
    assert row["match_method"] == "unresolved"


def test_alias_file_wins_over_everything() -> None:
    aliases = pl.DataFrame(
        {"buyer_name": ["Manchester City Council"], "organisation_code": ["E09000007"], "note": [None]}
    )
    row = resolver(aliases).resolve("manchester city council", "Local Government")
    assert (row["org_code"], row["match_method"], row["match_score"]) == ("E09000007", "alias", 100.0)


def test_alias_to_an_unknown_code_is_reported_not_applied() -> None:
    aliases = pl.DataFrame({"buyer_name": ["X"], "organisation_code": ["E99999999"], "note": [None]})
    res = resolver(aliases)
    assert res.alias_errors and "E99999999" in res.alias_errors[0]
    assert res.resolve("X", None)["match_method"] == "unresolved"


def test_unresolved_keeps_nothing_invented() -> None:
    rows = resolve_buyers(pl.DataFrame({"buyer_name": ["Peabody Trust"], "sector": ["Not for Profit"]}), resolver())
    assert rows.row(0, named=True)["org_kind"] == "unresolved"
    assert rows.row(0, named=True)["org_code"] is None


def test_shipped_alias_file_reads(tmp_path) -> None:
    from pipelines.config import BUYER_ALIASES_PATH

    aliases = read_aliases(BUYER_ALIASES_PATH)
    assert aliases.height > 5 and aliases["organisation_code"].null_count() == 0
    assert read_aliases(tmp_path / "absent.csv").height == 0


# ------------------------------------------------------------------ issue 10 section 3: one test per class

SALFORD = pl.DataFrame(
    {
        "council_id": ["E08000006", "E08000022", "E06000057", "E10000021", "E07000004", "E09000001", "E09000033"],
        "council_name": ["Salford", "North Tyneside", "Northumberland", "Kent", "Ashford", "City of London", "Westminster"],
        "official_name": ["Salford City Council", "North Tyneside Council", "Northumberland County Council", "Kent County Council", "Ashford Borough Council", "City of London Corporation", "Westminster City Council"],
        "council_type": ["metropolitan district", "metropolitan district", "unitary authority", "county council", "non-metropolitan district", "London borough", "London borough"],
    }
)  # fmt: skip
DEVOLVED_ORGS = pl.DataFrame(
    {
        "slug": ["department-for-education", "department-of-education", "welsh-government", "parole-board"],
        "title": ["Department for Education", "Department of Education (Northern Ireland)", "Welsh Government", "Parole Board"],
        "abbreviation": ["DfE", "DE (NI)", None, None],
        "devolved_government_slug": [None, "northern-ireland-executive", "welsh-government", None],
    }
)  # fmt: skip


def class_resolver() -> Resolver:
    empty = pl.DataFrame(schema={"buyer_name": pl.String, "organisation_code": pl.String, "note": pl.String})
    return Resolver(SALFORD, CAS, DEVOLVED_ORGS, departments(), empty)


@pytest.mark.parametrize(
    ("name", "sector", "code"),
    [
        ("Salford", "Health", None),  # a primary care trust, not the council
        ("Salford", "Police", None),
        ("Salford", None, None),  # no sector and no council wording: not enough
        ("Salford", "Local Government", "E08000006"),
        ("Salford City Council", "Health", "E08000006"),  # the name says council
        ("Salford City Council", None, "E08000006"),
    ],
)
def test_sector_or_wording_is_needed_for_a_council(name: str, sector: str | None, code: str | None) -> None:
    assert class_resolver().resolve(name, sector)["org_code"] == code


@pytest.mark.parametrize(
    "name", ["Department Of Education", "Department for Education", "DfE", "Departmnt of Education"]
)
def test_a_devolved_buyer_never_resolves_to_a_uk_or_english_department(name: str) -> None:
    row = class_resolver().resolve(name, "Devolved Administrations")
    assert row["org_kind"] in ("devolved", "unresolved")


def test_a_devolved_buyer_finds_its_own_department_without_the_nation_in_its_name() -> None:
    row = class_resolver().resolve("Department Of Education", "Devolved Administrations")
    assert (row["org_kind"], row["org_code"], row["match_method"]) == ("devolved", "department-of-education", "exact")
    assert class_resolver().resolve("Department Of Education", "Central Government")["org_code"] != (
        "department-of-education"
    )


def test_devolved_governments_are_their_own_kind_whatever_the_sector() -> None:
    assert class_resolver().resolve("Welsh Government", "Central Government")["org_kind"] == "devolved"


def test_a_trailing_the_is_not_part_of_the_name() -> None:
    assert class_resolver().resolve("Parole Board The", "Local Government")["org_code"] == "parole-board"


@pytest.mark.parametrize(
    ("name", "code", "kind"),
    [
        ("Transport for London", "GLA-TFL", "functional_body"),
        ("Metropolitan Police Service", "GLA-MPS", "functional_body"),
        ("Mayors Office for Policing and Crime", "GLA-MOPAC", "functional_body"),
        ("Greater London Authority", "E61000001", "combined_authority"),
    ],
)
def test_gla_functional_bodies_keep_their_own_names(name: str, code: str, kind: str) -> None:
    row = class_resolver().resolve(name, "Police" if "Police" in name else "Local Government")
    assert (row["org_code"], row["org_kind"]) == (code, kind)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Northamptonshire County Council", "abolished:E10000021"),  # split between two successors
        ("Aylesbury Vale District Council", "E06000060"),  # one successor: Buckinghamshire Council
        ("Shepway District Council", "E07000112"),  # renamed, same code
    ],
)
def test_abolished_councils_reach_their_successors(name: str, code: str) -> None:
    assert class_resolver().resolve(name, "Local Government")["org_code"] == code


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("North Tyneside Council", "E08000022"),
        ("Northumberland County Council", "E06000057"),
        ("Kent County Council", "E10000021"),
        ("Ashford Borough Council", "E07000004"),
        ("City of London Corporation", "E09000001"),
        ("Westminster City Council", "E09000033"),
    ],
)
def test_near_misses_stay_apart(name: str, code: str) -> None:
    assert class_resolver().resolve(name, "Local Government")["org_code"] == code
