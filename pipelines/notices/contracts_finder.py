"""Contracts Finder notices (Cabinet Office): OCDS releases and the notice-search JSON shape.

Layouts (recognised from the records, never the file name):

- ``cf_ocds_release_lines``: one OCDS 1.1 release per line (keys ocid, id, tag, buyer, tender, awards,
  parties, ...), as downloaded from ``/Published/Notices/OCDS/Search`` and written one per line.
  ``source_line`` is the physical line; a line that is not JSON is rejected with its line number.
- ``cf_ocds_release_package``: an OCDS release package ``{"uri": ..., "releases": [...]}``;
  ``source_line`` is the 1-based position of the release in ``releases``.
- ``cf_notice_search``: ``{"meta": {...}, "stats": {...}, "contracts": [...]}``, a normalised pull of the
  notice-search API (``POST /api/rest/2/search_notices/json``) per council; ``source_line`` is the
  1-based position in ``contracts``.

All three are cleaned into one staging table, ``stg_contract_notice``. Text has HTML entities unescaped and
the common UTF-8-read-as-Windows-1252 mojibake (``â€¯``) repaired; descriptions keep 1,000 characters.

Where the OCDS values come from:

- ``awarded_to_sme``: the awarded suppliers' parties' ``details.scale`` -- true when any is ``sme``, false
  when at least one has a scale and none is ``sme``, null when no awarded supplier has a scale.
- ``region``: the buyer party's ``address.region``, else the distinct ``tender.items[].deliveryAddresses[]
  .region`` values, comma-joined (the notice-search shape joins several regions the same way).
- ``contract_start``/``contract_end``: the first standing award's ``contractPeriod`` with a date, else the first
  ``contracts[].period`` with a date, else ``tender.contractPeriod`` (a plan, not a contract in force);
  ``contract_period_source`` says which (``award``, ``contract`` or ``tender``).
- ``main_cpv_code``: ``tender.classification`` when its scheme is CPV (``cpv_codes`` also lists the additional and
  item codes); in the notice-search shape, the first of its ``cpv_codes``.
- ``tender_value``: ``tender.value``; ``awarded_value``: the sum of the awards' values (cancelled and
  unsuccessful awards left out).

In the notice-search shape a value of 0 means "not stated" (291 of 1,224 real notices have neither a low nor a
high value, and every non-awarded notice carries awarded_value 0), so 0 becomes null; the tender value is
``value_high`` (the top of the range, as OCDS ``tender.value``), else ``value_low``. Its values are pounds, so
``currency`` is GBP.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl

from pipelines.core.loading import (
    LINE,
    Check,
    FileLoad,
    Format,
    apply_checks,
    file_label,
    make_reject,
    rejects_from_dicts,
    split_rejects,
)
from pipelines.core.parsing import MONEY, parse_bool, parse_date, parse_money
from pipelines.core.textio import Head, UnreadableFileError, read_text_replacing

SOURCE = "contracts_finder"
STAGING = "stg_contract_notice"
FORMAT_OCDS_LINES = "cf_ocds_release_lines"
FORMAT_OCDS_PACKAGE = "cf_ocds_release_package"
FORMAT_SEARCH = "cf_notice_search"
PUBLISHER = "Cabinet Office, Contracts Finder (contractsfinder.service.gov.uk)"
LICENCE = "Open Government Licence v3.0"

DESCRIPTION_MAX = 1000
NOTICE_URL = "https://www.contractsfinder.service.gov.uk/Notice/{}"

#: An OCDS release: these keys, and at least one of the content blocks.
RELEASE_KEYS = frozenset({"ocid", "id"})
RELEASE_CONTENT = frozenset({"tag", "tender", "buyer", "awards", "parties", "planning", "contracts"})
#: A notice-search contract record.
SEARCH_KEYS = frozenset({"id", "title", "organisation", "notice_type", "published_date"})

TEXT_COLUMNS = ("title", "description", "buyer_name", "supplier_names")
DATE_COLUMNS = ("published_date", "deadline_date", "awarded_date", "contract_start", "contract_end")
MONEY_COLUMNS = ("tender_value", "awarded_value")
BOOL_COLUMNS = ("suitable_for_sme", "suitable_for_vcse", "awarded_to_sme")

STAGING_SCHEMA = pl.Schema(
    {
        "notice_id": pl.String(),
        "ocid": pl.String(),
        "source": pl.String(),
        "source_format": pl.String(),
        "uk_notice_type": pl.String(),
        "title": pl.String(),
        "description": pl.String(),
        "buyer_name": pl.String(),
        "notice_type": pl.String(),
        "status": pl.String(),
        "published_date": pl.Date(),
        "deadline_date": pl.Date(),
        "awarded_date": pl.Date(),
        "tender_value": MONEY,
        "awarded_value": MONEY,
        "currency": pl.String(),
        "region": pl.String(),
        "postcode": pl.String(),
        "suitable_for_sme": pl.Boolean(),
        "suitable_for_vcse": pl.Boolean(),
        "awarded_to_sme": pl.Boolean(),
        "supplier_names": pl.String(),
        "cpv_codes": pl.String(),
        "main_cpv_code": pl.String(),
        "contract_start": pl.Date(),
        "contract_end": pl.Date(),
        "contract_period_source": pl.String(),
        "url": pl.String(),
        "source_file": pl.String(),
        "source_line": pl.Int64(),
    }
)

_RAW_COLUMNS = [c for c in STAGING_SCHEMA if c != "source_file"]

#: Where each staging column comes from, per layout: used to name the column in a reject.
OCDS_FIELDS = {
    "notice_id": "id",
    "published_date": "date",
    "deadline_date": "tender.tenderPeriod.endDate",
    "awarded_date": "awards[].date",
    "contract_start": "contractPeriod.startDate",
    "contract_end": "contractPeriod.endDate",
    "tender_value": "tender.value.amount",
    "awarded_value": "awards[].value.amount",
    "suitable_for_sme": "tender.suitability.sme",
    "suitable_for_vcse": "tender.suitability.vcse",
    "awarded_to_sme": "parties[].details.scale",
}
SEARCH_FIELDS = {
    "notice_id": "id",
    "tender_value": "value_high",
    "awarded_value": "awarded_value",
}

TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")

# --------------------------------------------------------------------------------------------- text helpers

#: Characters Windows-1252 maps bytes 0x80-0xFF to: runs of them are where mis-decoded UTF-8 hides.
_CP1252_HIGH = (
    "\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_HIGH_RUN = re.compile(f"[{_CP1252_HIGH}]{{2,}}")


def _repair_run(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        return run.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 bytes that were decoded as Windows-1252 ('â€¯' -> narrow no-break space, 'â€™' -> ’).

    Each run of Windows-1252 high characters is re-encoded and decoded as UTF-8 on its own; a run that is
    not valid UTF-8 that way (ordinary accented text such as 'né') is left as it is.
    """
    return _HIGH_RUN.sub(_repair_run, text)


def clean_notice_text(value: object, limit: int | None = None) -> str | None:
    """Unescape HTML entities (twice: '&amp;amp;' occurs), repair mojibake, newlines to LF, trim; '' -> None."""
    if value is None:
        return None
    text = html.unescape(html.unescape(str(value)))
    text = repair_mojibake(text).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").strip()
    if limit is not None:
        text = text[:limit].rstrip()
    return text or None


def scalar_text(value: object) -> str | None:
    """A JSON scalar as the string the Polars parsers read (True -> 'true', 1.5 -> '1.5')."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)[:200]
    text = str(value).strip()
    return text or None


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def loose_get(obj: dict, key: str) -> object:
    """obj[key], also when the publisher's key has stray whitespace ('d    eliveryAddresses' occurs)."""
    if key in obj:
        return obj[key]
    for k, v in obj.items():
        if isinstance(k, str) and re.sub(r"\s+", "", k) == key:
            return v
    return None


def distinct_join(values: list[str | None], sep: str = ",") -> str | None:
    out: list[str] = []
    for v in values:
        if v and v not in out:
            out.append(v)
    return sep.join(out) or None


# --------------------------------------------------------------------------------------------- OCDS release


def parties_by_id(release: dict) -> dict[str, dict]:
    return {str(p.get("id")): p for p in _list(release.get("parties")) if isinstance(p, dict) and p.get("id")}


def party_scales(release: dict, role: str = "supplier") -> list[str | None]:
    """details.scale of every party with `role` (lower-cased; None when not stated)."""
    out: list[str | None] = []
    for party in _list(release.get("parties")):
        if isinstance(party, dict) and role in _list(party.get("roles")):
            scale = _dict(party.get("details")).get("scale")
            out.append(str(scale).strip().lower() if scale else None)
    return out


def live_awards(release: dict) -> list[dict]:
    """Awards that stand (cancelled and unsuccessful ones left out)."""
    return [
        a
        for a in _list(release.get("awards"))
        if isinstance(a, dict) and str(a.get("status") or "").lower() not in ("cancelled", "unsuccessful")
    ]


def awarded_suppliers(release: dict) -> list[dict]:
    """The awarded suppliers, each merged with its party entry (for the name and details.scale)."""
    parties = parties_by_id(release)
    out: list[dict] = []
    for award in live_awards(release):
        for supplier in _list(award.get("suppliers")):
            if isinstance(supplier, dict):
                party = parties.get(str(supplier.get("id")), {})
                out.append({**party, **{k: v for k, v in supplier.items() if v}})
    return out


#: details.scale values that are an SME: OCDS's partyScale codes are micro, sme and large (Contracts Finder
#: writes sme and large); small and medium are accepted as the same.
SME_SCALES = frozenset({"sme", "micro", "small", "medium"})


def awarded_to_sme(release: dict) -> bool | None:
    """True if any awarded supplier is an SME (micro counts), False if some have a scale and none is, None if
    unknown."""
    scales = [str(_dict(s.get("details")).get("scale") or "").strip().lower() for s in awarded_suppliers(release)]
    known = [s for s in scales if s]
    if not known:
        return None
    return bool(SME_SCALES & set(known))


def buyer_party(release: dict) -> dict:
    buyer = _dict(release.get("buyer"))
    parties = parties_by_id(release)
    if buyer.get("id") and str(buyer["id"]) in parties:
        return parties[str(buyer["id"])]
    for party in _list(release.get("parties")):
        if isinstance(party, dict) and "buyer" in _list(party.get("roles")):
            return party
    return {}


def delivery_addresses(tender: dict) -> list[dict]:
    out: list[dict] = []
    for item in _list(tender.get("items")):
        if isinstance(item, dict):
            out.extend(a for a in _list(loose_get(item, "deliveryAddresses")) if isinstance(a, dict))
    return out


def release_region(release: dict) -> str | None:
    """Buyer address region, else the distinct delivery regions comma-joined."""
    region = _dict(buyer_party(release).get("address")).get("region")
    if region:
        return clean_notice_text(region)
    return distinct_join([clean_notice_text(a.get("region")) for a in delivery_addresses(_dict(release.get("tender")))])


def release_postcode(release: dict) -> str | None:
    postcode = _dict(buyer_party(release).get("address")).get("postalCode")
    if not postcode:
        postcode = next(
            (a.get("postalCode") for a in delivery_addresses(_dict(release.get("tender"))) if a.get("postalCode")), None
        )
    return clean_notice_text(postcode)


#: Where a contract period can be stated, in the order they are read: (contract_period_source, periods).
PERIOD_SOURCES: tuple[tuple[str, Callable[[dict], list[dict]]], ...] = (
    ("award", lambda r: [_dict(a.get("contractPeriod")) for a in live_awards(r)]),
    ("contract", lambda r: [_dict(_dict(c).get("period")) for c in _list(r.get("contracts"))]),
    ("tender", lambda r: [_dict(_dict(r.get("tender")).get("contractPeriod"))]),
)


def contract_period(release: dict) -> tuple[dict, str | None]:
    """(period, where it is stated): the first award's contractPeriod with a date, else the first contract's
    period with a date, else tender.contractPeriod; ({}, None) when none states a date."""
    for source, periods in PERIOD_SOURCES:
        for period in periods(release):
            if period.get("startDate") or period.get("endDate"):
                return period, source
    return {}, None


def main_cpv(release: dict) -> str | None:
    """tender.classification's id when it is a CPV code (the scheme defaults to CPV on Contracts Finder)."""
    block = _dict(_dict(release.get("tender")).get("classification"))
    return scalar_text(block.get("id")) if str(block.get("scheme") or "CPV").upper() == "CPV" else None


def cpv_codes(release: dict) -> str | None:
    """CPV codes of the tender and its items, distinct, comma-joined (main classification first)."""
    tender = _dict(release.get("tender"))
    blocks = [tender.get("classification"), *_list(tender.get("additionalClassifications"))]
    for item in _list(tender.get("items")):
        if isinstance(item, dict):
            blocks += [item.get("classification"), *_list(item.get("additionalClassifications"))]
    codes = [
        scalar_text(b.get("id"))
        for b in blocks
        if isinstance(b, dict) and str(b.get("scheme") or "CPV").upper() == "CPV"
    ]
    return distinct_join(codes)


def awarded_value(release: dict) -> str | None:
    """Sum of the standing awards' amounts as text (None when no award states one; text kept if unreadable)."""
    stated = [_dict(a.get("value")).get("amount") for a in live_awards(release)]
    amounts = [a for a in stated if a is not None]
    if not amounts:
        return None
    if all(isinstance(a, int | float) and not isinstance(a, bool) for a in amounts):
        return repr(round(sum(amounts), 2))
    return scalar_text(amounts[0]) if len(amounts) == 1 else ";".join(str(a) for a in amounts)


def release_currency(release: dict) -> str | None:
    tender_value = _dict(_dict(release.get("tender")).get("value"))
    if tender_value.get("currency"):
        return scalar_text(tender_value["currency"])
    return next(
        (
            scalar_text(_dict(a.get("value")).get("currency"))
            for a in live_awards(release)
            if _dict(a.get("value")).get("currency")
        ),
        None,
    )


def notice_url(release: dict) -> str | None:
    """The Contracts Finder notice page: from the documents, else built from the notice GUID in the id."""
    tender = _dict(release.get("tender"))
    docs = [d for a in live_awards(release) for d in _list(a.get("documents"))] + _list(tender.get("documents"))
    for doc in docs:
        url = _dict(doc).get("url")
        if url and "contractsfinder.service.gov.uk" in str(url) and "/Notice/" in str(url):
            return str(url)
    match = re.match(
        r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})", str(release.get("id") or "")
    )
    return NOTICE_URL.format(match.group(1)) if match else None


def release_to_row(release: dict) -> dict[str, object]:
    """Flatten one OCDS release to staging strings (parsed and checked later, in Polars)."""
    tender = _dict(release.get("tender"))
    suitability = _dict(tender.get("suitability"))
    awards = live_awards(release)
    period, period_source = contract_period(release)
    tags = [str(t) for t in _list(release.get("tag"))] or ([str(release["tag"])] if release.get("tag") else [])
    sme = awarded_to_sme(release)
    return {
        "notice_id": scalar_text(release.get("id")),
        "ocid": scalar_text(release.get("ocid")),
        "source": SOURCE,
        "source_format": "ocds",
        "uk_notice_type": None,
        "title": clean_notice_text(tender.get("title") or release.get("title")),
        "description": clean_notice_text(tender.get("description") or release.get("description"), DESCRIPTION_MAX),
        "buyer_name": clean_notice_text(_dict(release.get("buyer")).get("name") or buyer_party(release).get("name")),
        "notice_type": ",".join(tags) or None,
        "status": scalar_text(tender.get("status")),
        "published_date": scalar_text(release.get("date")),
        "deadline_date": scalar_text(_dict(tender.get("tenderPeriod")).get("endDate")),
        "awarded_date": next((scalar_text(a.get("date")) for a in awards if a.get("date")), None),
        "tender_value": scalar_text(_dict(tender.get("value")).get("amount")),
        "awarded_value": awarded_value(release),
        "currency": release_currency(release),
        "region": release_region(release),
        "postcode": release_postcode(release),
        "suitable_for_sme": scalar_text(suitability.get("sme")),
        "suitable_for_vcse": scalar_text(suitability.get("vcse")),
        "awarded_to_sme": None if sme is None else ("true" if sme else "false"),
        "supplier_names": distinct_join([clean_notice_text(s.get("name")) for s in awarded_suppliers(release)], "; "),
        "cpv_codes": cpv_codes(release),
        "main_cpv_code": main_cpv(release),
        "contract_start": scalar_text(period.get("startDate")),
        "contract_end": scalar_text(period.get("endDate")),
        "contract_period_source": period_source,
        "url": notice_url(release),
    }


# --------------------------------------------------------------------------------------------- notice search


def positive_amount(value: object) -> str | None:
    """A notice-search amount as text; 0 (the normaliser's 'not stated') becomes None."""
    text = scalar_text(value)
    if text is None:
        return None
    try:
        return None if float(text) == 0 else text
    except ValueError:
        return text  # left for the money parser to reject with the value


def search_contract_to_row(contract: dict) -> dict[str, object]:
    """Flatten one notice-search contract to staging strings."""
    codes = re.split(r"[\s,;]+", str(contract.get("cpv_codes") or "").strip())
    return {
        "notice_id": scalar_text(contract.get("id")),
        "ocid": None,
        "source": SOURCE,
        "source_format": "notice_search",
        "uk_notice_type": None,
        "title": clean_notice_text(contract.get("title")),
        "description": clean_notice_text(contract.get("description"), DESCRIPTION_MAX),
        "buyer_name": clean_notice_text(contract.get("organisation")),
        "notice_type": scalar_text(contract.get("notice_type")),
        "status": scalar_text(contract.get("status")),
        "published_date": scalar_text(contract.get("published_date")),
        "deadline_date": scalar_text(contract.get("deadline_date")),
        "awarded_date": scalar_text(contract.get("awarded_date")),
        "tender_value": positive_amount(contract.get("value_high")) or positive_amount(contract.get("value_low")),
        "awarded_value": positive_amount(contract.get("awarded_value")),
        "currency": "GBP",
        "region": clean_notice_text(contract.get("region")),
        "postcode": clean_notice_text(contract.get("postcode")),
        "suitable_for_sme": scalar_text(contract.get("suitable_for_sme")),
        "suitable_for_vcse": scalar_text(contract.get("suitable_for_vcse")),
        "awarded_to_sme": scalar_text(contract.get("awarded_to_sme")),
        "supplier_names": clean_notice_text(contract.get("awarded_supplier")),
        "cpv_codes": distinct_join([c for c in codes if c]),
        "main_cpv_code": next((c for c in codes if c), None),
        "contract_start": None,
        "contract_end": None,
        "contract_period_source": None,
        "url": scalar_text(contract.get("url")),
    }


# --------------------------------------------------------------------------------------------- detection


#: Find a Tender's OCDS prefix (ocids are `ocds-h6vhtk-` and six hex digits) and host. Its release packages
#: look like Contracts Finder's, so both publishers' package formats ask `from_find_a_tender` and exactly one
#: of them claims a file.
FTS_OCID_PREFIX = "ocds-h6vhtk-"
FTS_HOST = "find-tender.service.gov.uk"
_FTS_URI = re.compile(r'"uri"\s*:\s*"https?://(www\.)?find-tender\.service\.gov\.uk/')
_FTS_OCID = re.compile(r'"ocid"\s*:\s*"ocds-h6vhtk-')


def first_package_release(head: Head) -> object | None:
    """The first item of a package's `releases` array, when the head holds all of it."""
    whole = head.first_json_line()
    if isinstance(whole, dict):  # a package written on one line, shorter than the head
        releases = whole.get("releases")
        return releases[0] if isinstance(releases, list) and releases else None
    return first_item_under(head.text, "releases")


def from_find_a_tender(head: Head) -> bool:
    """An OCDS package (or release) published by Find a Tender: its first release's ocid has the FTS prefix;
    when that release is longer than the head, the package's own `uri` names find-tender.service.gov.uk or an
    ocid in the head has the prefix. A Contracts Finder release (prefix ocds-b5fd17-) that links to a Find a
    Tender notice in its text is not taken for one."""
    first = first_package_release(head)
    if first is None and head.kind == "jsonl":  # JSON lines: the first line is a release
        first = head.first_json_line()
    if isinstance(first, dict) and first.get("ocid"):
        return str(first["ocid"]).startswith(FTS_OCID_PREFIX)
    before = head.text.split('"releases"', 1)[0]
    return _FTS_URI.search(before) is not None or _FTS_OCID.search(head.text) is not None


def is_release(obj: object) -> bool:
    """An OCDS release: ocid and id plus at least one release block (tag, tender, buyer, awards, ...)."""
    return isinstance(obj, dict) and RELEASE_KEYS <= obj.keys() and bool(RELEASE_CONTENT & obj.keys())


def is_search_contract(obj: object) -> bool:
    return isinstance(obj, dict) and SEARCH_KEYS <= obj.keys()


def first_item_under(text: str, key: str) -> object | None:
    """The first object in the array under `"key": [` in `text` (decodes only that object)."""
    match = re.search(rf'"{re.escape(key)}"\s*:\s*\[\s*', text)
    if match is None or not text.startswith("{", match.end()):
        return None
    try:
        item, _ = json.JSONDecoder().raw_decode(text, match.end())
    except ValueError:
        return None
    return item


def _object_head(head: Head) -> bool:
    return head.kind in ("json", "jsonl") and head.text.lstrip().startswith("{")


_RELEASE_START = re.compile(r'\s*\{\s*"(ocid|id)"\s*:\s*"[^"]*"\s*,\s*"(ocid|id)"\s*:')


def matches_ocds_lines(head: Head) -> bool:
    """JSON lines whose first line is an OCDS release.

    A first release longer than the 64 KiB head cannot be parsed from it; such a head (one unfinished line
    starting with the release's "ocid"/"id" keys) is accepted too.
    """
    if head.kind == "jsonl":
        return is_release(head.first_json_line()) and not from_find_a_tender(head)
    unfinished = head.kind == "json" and len([ln for ln in head.lines if ln.strip()]) == 1
    return (
        unfinished
        and _RELEASE_START.match(head.text) is not None
        and '"releases"' not in head.text
        and _FTS_OCID.search(head.text) is None
    )


def matches_ocds_package(head: Head) -> bool:
    """A JSON object whose `releases` array holds OCDS releases, not published by Find a Tender."""
    if not _object_head(head):
        return False
    return is_release(first_package_release(head)) and not from_find_a_tender(head)


def resembles_ocds(head: Head) -> bool:
    """JSON (or JSON lines) naming OCDS keys: an `ocid` or a `releases` array."""
    return head.kind in ("json", "jsonl") and ('"ocid"' in head.text or '"releases"' in head.text)


def resembles_search(head: Head) -> bool:
    return head.kind == "json" and '"contracts"' in head.text and '"meta"' in head.text


def matches_search(head: Head) -> bool:
    """A notice-search object: meta/stats and a `contracts` array of notice records."""
    if not _object_head(head) or '"meta"' not in head.text:
        return False
    whole = head.first_json_line()
    if isinstance(whole, dict):
        contracts = whole.get("contracts")
        return isinstance(contracts, list) and bool(contracts) and is_search_contract(contracts[0])
    return is_search_contract(first_item_under(head.text, "contracts"))


# --------------------------------------------------------------------------------------------- loading


def typed_checks(fields: dict[str, str]) -> tuple[list[Check], list[pl.Expr]]:
    """Checks (value present but unreadable; no publication date; negative amount) and the typed columns."""

    def name(col: str) -> str:
        return fields.get(col, col)

    missing_date = pl.col("published_date").is_null()
    checks = [Check(name("published_date"), missing_date, "missing publication date", value=pl.col("published_date"))]
    parsed: list[pl.Expr] = []
    for col in DATE_COLUMNS:
        value = parse_date(pl.col(col))
        checks.append(Check(name(col), pl.col(col).is_not_null() & value.is_null(), "not a date", value=pl.col(col)))
        parsed.append(value.alias(col))
    for col in MONEY_COLUMNS:
        value = parse_money(pl.col(col))
        as_float = pl.col(col).str.strip_chars().cast(pl.Float64, strict=False)
        checks.append(
            Check(
                name(col),
                as_float.is_infinite() | as_float.is_nan(),
                "not a finite number (a JSON number such as 1e9999 too large for any amount)",
                value=pl.col(col),
            )
        )
        checks.append(Check(name(col), pl.col(col).is_not_null() & value.is_null(), "not an amount", value=pl.col(col)))
        checks.append(Check(name(col), value < 0, "negative amount", value=pl.col(col)))
        parsed.append(value.alias(col))
    for col in BOOL_COLUMNS:
        value = parse_bool(pl.col(col), TRUE_WORDS, FALSE_WORDS)
        checks.append(
            Check(name(col), pl.col(col).is_not_null() & value.is_null(), "not true/false", value=pl.col(col))
        )
        parsed.append(value.alias(col))
    return checks, parsed


def stage_rows(
    rows: list[dict[str, object]], path: Path, fmt: str, fields: dict[str, str], source: str = SOURCE
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Raw string rows -> (typed staging rows, rejects) through the Polars parsers and checks."""
    raw_schema = {c: (pl.Int64() if c == LINE else pl.String()) for c in _RAW_COLUMNS}
    frame = pl.DataFrame(rows, schema=raw_schema) if rows else pl.DataFrame(schema=raw_schema)
    checks, parsed = typed_checks(fields)
    checked = apply_checks(frame.lazy(), checks).with_columns(parsed).collect()
    good, bad = split_rejects(checked, path, source, fmt)
    staged = good.with_columns(pl.lit(file_label(path)).alias("source_file")).select(
        [pl.col(c).cast(t) for c, t in STAGING_SCHEMA.items()]
    )
    return staged, bad


def collect_rows(
    items: Iterator[tuple[int, object]],
    to_row: Callable[[dict], dict[str, object]],
    accept: Callable[[object], bool],
    path: Path,
    fmt: str,
    what: str,
    source: str = SOURCE,
) -> tuple[list[dict[str, object]], list[dict], int]:
    """Flatten (line, parsed item) pairs; reject non-objects, items without an id and repeated ids."""
    rows: list[dict[str, object]] = []
    rejects: list[dict] = []
    first_seen: dict[str, int] = {}
    count = 0
    for line, item in items:
        count += 1
        if isinstance(item, _BadLine):
            rejects.append(make_reject(path, source, fmt, line, "(line)", item.text, item.reason))
            continue
        if not isinstance(item, dict):
            rejects.append(
                make_reject(path, source, fmt, line, "(record)", json.dumps(item)[:500], f"{what} is not a JSON object")
            )
            continue
        if not accept(item):
            rejects.append(
                make_reject(
                    path, source, fmt, line, "(record)", json.dumps(item)[:500], f"does not look like an {what}"
                )
            )
            continue
        row = to_row(item)
        notice_id = row["notice_id"]
        if notice_id is None:
            rejects.append(make_reject(path, source, fmt, line, "id", None, f"{what} without an id"))
            continue
        first = first_seen.get(str(notice_id))
        if first is not None:
            rejects.append(
                make_reject(
                    path, source, fmt, line, "id", notice_id, f"duplicate notice_id: first seen on line {first}"
                )
            )
            continue
        first_seen[str(notice_id)] = line
        rows.append({**row, LINE: line})
    return rows, rejects, count


class _BadLine:
    """A line of a JSON-lines file that does not parse."""

    def __init__(self, text: str, reason: str):
        self.text = text[:500]
        self.reason = reason


def json_lines(text: str) -> Iterator[tuple[int, object]]:
    """(physical line, parsed value or _BadLine) for every non-blank line."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except ValueError as exc:
            yield (
                number,
                _BadLine(line, f"not valid JSON: {getattr(exc, 'msg', exc)} at character {getattr(exc, 'colno', '?')}"),
            )


def array_under(path: Path, data: object, key: str) -> list:
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise UnreadableFileError(path, f"expected a JSON object with a {key!r} array", column=key)
    return data[key]


def read_notice_json(path: Path, **options: object) -> tuple[object, list[str]]:
    """The whole file parsed as JSON (bytes in no encoding read as U+FFFD, see `read_text_replacing`), with the
    notes on what was replaced; UnreadableFileError naming the line where the JSON breaks."""
    text, notes = read_text_replacing(path)
    try:
        return json.loads(text, **options), notes  # type: ignore[arg-type]
    except ValueError as exc:
        raise UnreadableFileError(
            path, f"not valid JSON: {getattr(exc, 'msg', exc)}", line=getattr(exc, "lineno", None)
        ) from None


def finish_load(
    path: Path,
    head: Head,
    fmt: str,
    rows: list,
    rejects: list[dict],
    rows_read: int,
    fields: dict[str, str],
    notes: list[str],
    source: str = SOURCE,
) -> FileLoad:
    """Stage the rows and put the file's load together (rejects in line order)."""
    staged, bad = stage_rows(rows, path, fmt, fields, source)
    all_rejects = pl.concat([rejects_from_dicts(rejects), bad]).sort("line")
    return FileLoad(
        path=path,
        source=source,
        format=fmt,
        tables={STAGING: staged},
        rejects=all_rejects,
        rows_read=rows_read,
        rows_loaded=staged.height,
        notes=notes,
        encoding=head.encoding,
        period=published_period(staged),
    )


def published_period(staged: pl.DataFrame) -> str:
    dates = staged["published_date"].drop_nulls()
    return "" if dates.is_empty() else f"{dates.dt.min():%Y-%m-%d} .. {dates.dt.max():%Y-%m-%d}"


def load_ocds_lines(path: Path, head: Head, workdir: Path) -> FileLoad:
    """One OCDS release per line; the line number is the source_line."""
    text, notes = read_text_replacing(path)
    items = json_lines(text)
    rows, rejects, count = collect_rows(items, release_to_row, is_release, path, FORMAT_OCDS_LINES, "OCDS release")
    notes = ["OCDS releases, one per line", *notes]
    return finish_load(path, head, FORMAT_OCDS_LINES, rows, rejects, count, OCDS_FIELDS, notes)


def load_ocds_package(path: Path, head: Head, workdir: Path) -> FileLoad:
    """An OCDS release package; the release's position in `releases` is the source_line."""
    data, notes = read_notice_json(path)
    items = enumerate(array_under(path, data, "releases"), start=1)
    rows, rejects, count = collect_rows(items, release_to_row, is_release, path, FORMAT_OCDS_PACKAGE, "OCDS release")
    notes = ["OCDS release package", *notes]
    return finish_load(path, head, FORMAT_OCDS_PACKAGE, rows, rejects, count, OCDS_FIELDS, notes)


def load_search(path: Path, head: Head, workdir: Path) -> FileLoad:
    """A notice-search file; the contract's position in `contracts` is the source_line."""
    data, notes = read_notice_json(path)
    items = enumerate(array_under(path, data, "contracts"), start=1)
    rows, rejects, count = collect_rows(
        items, search_contract_to_row, is_search_contract, path, FORMAT_SEARCH, "notice-search contract"
    )
    notes = ["Contracts Finder notice search", *notes]
    return finish_load(path, head, FORMAT_SEARCH, rows, rejects, count, SEARCH_FIELDS, notes)


FORMATS: list[Format] = [
    Format(
        id=FORMAT_OCDS_LINES,
        source=SOURCE,
        description="Contracts Finder OCDS 1.1 releases, one JSON release per line",
        matches=matches_ocds_lines,
        load=load_ocds_lines,
        publisher=PUBLISHER,
        licence=LICENCE,
    ),
    Format(
        id=FORMAT_OCDS_PACKAGE,
        source=SOURCE,
        description="Contracts Finder OCDS release package: {uri, publisher, releases: [...]}",
        matches=matches_ocds_package,
        load=load_ocds_package,
        resembles=resembles_ocds,
        publisher=PUBLISHER,
        licence=LICENCE,
    ),
    Format(
        id=FORMAT_SEARCH,
        source=SOURCE,
        description="Contracts Finder notice search, normalised per buyer: {meta, stats, contracts: [...]}",
        matches=matches_search,
        load=load_search,
        resembles=resembles_search,
        publisher=PUBLISHER,
        licence=LICENCE,
    ),
]
