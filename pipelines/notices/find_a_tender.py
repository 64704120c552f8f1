"""Find a Tender (Cabinet Office) notices: the OCDS release packages of `/api/1.0/ocdsReleasePackages`.

Since 24 February 2025 notices of procurements under the Procurement Act 2023 are published on Find a Tender,
not Contracts Finder. Its pages (`data/raw/find-a-tender/<window start>/page-NNNN.json`, as the fetcher saves
them) are OCDS 1.1 release packages like Contracts Finder's, so they are recognised by content: the first
release's ocid has the Find a Tender prefix `ocds-h6vhtk-` (when that release is longer than the 64 KiB head,
the package `uri` naming find-tender.service.gov.uk). `from_find_a_tender` is asked by this format and by
Contracts Finder's package format, so exactly one of them claims a file.

Layout ``fts_ocds_release_package``; ``source_line`` is the 1-based position of the release in ``releases``. The
rows go to the same staging table as Contracts Finder's (``stg_contract_notice``) with ``source``
``find_a_tender``, through the same flattening (`contracts_finder.release_to_row`: buyer, values, awarded
suppliers and their ``details.scale``, contract period, CPV codes), with these Find a Tender rules:

- ``notice_id`` is the release id, which is the Find a Tender notice number (``nnnnnn-yyyy``);
  ``uk_notice_type`` is that notice's Procurement Act type (UK1 .. UK17) from ``documents[].noticeType``: the
  document (under planning, tender, awards or contracts) whose id is the notice number, else the last document
  stating a type. ``notice_type`` keeps the OCDS release tags, as for Contracts Finder.
- ``url``: that document's ``url`` on find-tender.service.gov.uk, else
  ``https://www.find-tender.service.gov.uk/Notice/{notice number}``.
- ``suitable_for_sme`` / ``suitable_for_vcse``: ``tender.suitability`` when it states them, else the lots'
  (``tender.lots[].suitability``): true when any lot is suitable, false when some lot says and none is.
- ``tender_value``: ``tender.value.amount``, else the sum of the lots' ``value.amount``.
- ``region``: the buyer's ``address.region`` is a NUTS/ITL code on Find a Tender (``UKK13``, ``TLK13``); its
  first level becomes the English region or nation name (``UKK`` -> South West), so notices are placed like
  Contracts Finder's.
- A number too large to be finite (the service writes ``1e9999`` for "no limit", seen in
  ``tender.lotDetails.maximumLotsBidPerSupplier``) is kept as its text, never as infinity: in an amount the
  build reads, the release is rejected ("not a finite number"); elsewhere it is not loaded, and the file's
  notes count it.
- Dates are read as written, the local (Europe/London) date: the service's times are local, so a trailing
  ``Z`` or offset does not move the day.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from pipelines.core.loading import FileLoad, Format
from pipelines.core.textio import Head
from pipelines.notices import contracts_finder as cf

SOURCE = "find_a_tender"
FORMAT_PACKAGE = "fts_ocds_release_package"
PUBLISHER = "Cabinet Office, Find a Tender (find-tender.service.gov.uk)"
LICENCE = cf.LICENCE
NOTICE_URL = "https://www.find-tender.service.gov.uk/Notice/{}"
NOTICE_NUMBER = re.compile(r"^\d{6}-\d{4}$")

#: Where each staging column comes from (named in a reject).
FIELDS = {**cf.OCDS_FIELDS, "suitable_for_sme": "tender.suitability.sme (or tender.lots[])"}

#: NUTS 1 (UK..) and ITL 1 (TL..) codes -> region or nation, spelt as Contracts Finder's OCDS regions.
REGIONS = {
    "C": "North East",
    "D": "North West",
    "E": "Yorkshire and the Humber",
    "F": "East Midlands",
    "G": "West Midlands",
    "H": "East of England",
    "I": "London",
    "J": "South East",
    "K": "South West",
    "L": "Wales",
    "M": "Scotland",
    "N": "Northern Ireland",
}
_REGION_CODE = re.compile(r"^(?:UK|TL)([C-N])[0-9A-Z]{0,3}$")


class NotFinite(str):
    """A JSON number too large for a float (``1e9999``), kept as the text the publisher wrote."""


def _number(text: str) -> float | NotFinite:
    value = float(text)
    return value if math.isfinite(value) else NotFinite(text)


def _constant(text: str) -> NotFinite:  # NaN, Infinity, -Infinity: not JSON, but Python's reader accepts them
    return NotFinite(text)


def count_not_finite(obj: object) -> int:
    if isinstance(obj, NotFinite):
        return 1
    if isinstance(obj, dict):
        return sum(count_not_finite(v) for v in obj.values())
    if isinstance(obj, list):
        return sum(count_not_finite(v) for v in obj)
    return 0


def release_documents(release: dict) -> list[dict]:
    """Documents of the planning, tender, award and contract blocks, in that order."""
    blocks = [cf._dict(release.get("planning")), cf._dict(release.get("tender"))]
    blocks += [cf._dict(a) for a in cf._list(release.get("awards"))]
    blocks += [cf._dict(c) for c in cf._list(release.get("contracts"))]
    return [d for b in blocks for d in cf._list(b.get("documents")) if isinstance(d, dict)]


def notice_document(release: dict) -> dict:
    """The document that is this release's notice: the one whose id is the release id, else the last one stating
    a noticeType; {} when none does."""
    docs = release_documents(release)
    notice = str(release.get("id") or "")
    own = [d for d in docs if str(d.get("id") or "") == notice and d.get("noticeType")]
    typed = [d for d in docs if d.get("noticeType")]
    return (own or typed or [{}])[-1]


def fts_notice_url(release: dict) -> str | None:
    doc_url = str(notice_document(release).get("url") or "")
    if cf.FTS_HOST in doc_url and "/Notice/" in doc_url:
        return doc_url
    for doc in release_documents(release):
        url = str(doc.get("url") or "")
        if cf.FTS_HOST in url and url.rstrip("/").endswith("/Notice/" + str(release.get("id"))):
            return url
    notice = str(release.get("id") or "")
    return NOTICE_URL.format(notice) if NOTICE_NUMBER.match(notice) else None


def _any_true(values: list[object]) -> str | None:
    """'true' if any value is true, 'false' if some are stated and none is, else None (text kept if odd)."""
    stated = [v for v in values if v is not None]
    if not stated:
        return None
    odd = [v for v in stated if not isinstance(v, bool)]
    if odd:
        return cf.scalar_text(odd[0])  # left for the boolean parser to reject with its value
    return "true" if any(stated) else "false"


def suitability(release: dict, key: str) -> str | None:
    """tender.suitability[key] when stated, else the lots' (any lot suitable -> true)."""
    tender = cf._dict(release.get("tender"))
    stated = cf._dict(tender.get("suitability")).get(key)
    if stated is not None:
        return cf.scalar_text(stated)
    lots = [cf._dict(cf._dict(lot).get("suitability")).get(key) for lot in cf._list(tender.get("lots"))]
    return _any_true(lots)


def tender_value(release: dict) -> str | None:
    tender = cf._dict(release.get("tender"))
    amount = cf._dict(tender.get("value")).get("amount")
    if amount is not None:
        return cf.scalar_text(amount)
    stated = [cf._dict(cf._dict(lot).get("value")).get("amount") for lot in cf._list(tender.get("lots"))]
    lots: list[object] = [a for a in stated if a is not None]
    numbers = [a for a in lots if isinstance(a, int | float) and not isinstance(a, bool)]
    if not lots:
        return None
    if len(numbers) == len(lots):
        return repr(round(sum(numbers), 2))
    return next(cf.scalar_text(a) for a in lots if a not in numbers)  # left for the money checks to reject


def region_name(region: str | None) -> str | None:
    """'UKK13' / 'TLK13' -> 'South West'; a name (or anything else) as it is; comma-joined lists each mapped."""
    if region is None:
        return None
    names: list[str | None] = []
    for part in region.split(","):
        match = _REGION_CODE.match(part.strip().upper())
        names.append(REGIONS[match.group(1)] if match else part.strip())
    return cf.distinct_join(names)


def fts_release_to_row(release: dict) -> dict[str, object]:
    """Flatten one Find a Tender release to staging strings (Contracts Finder's flattening, FTS rules on top)."""
    row = cf.release_to_row(release)
    notice_type = notice_document(release).get("noticeType")
    return {
        **row,
        "source": SOURCE,
        "uk_notice_type": cf.scalar_text(notice_type),
        "tender_value": tender_value(release),
        "suitable_for_sme": suitability(release, "sme"),
        "suitable_for_vcse": suitability(release, "vcse"),
        "region": region_name(cf.release_region(release)),
        "url": fts_notice_url(release),
    }


def matches_package(head: Head) -> bool:
    """A JSON object with a `releases` array published by Find a Tender (first release, else package uri)."""
    if not (head.kind in ("json", "jsonl") and head.text.lstrip().startswith("{") and '"releases"' in head.text):
        return False
    first = cf.first_package_release(head)
    if first is not None and not cf.is_release(first):
        return False
    return cf.from_find_a_tender(head)


def load_package(path: Path, head: Head, workdir: Path) -> FileLoad:
    """A Find a Tender release package; the release's position in `releases` is the source_line."""
    data, notes = cf.read_notice_json(path, parse_float=_number, parse_constant=_constant)
    releases = cf.array_under(path, data, "releases")
    items = enumerate(releases, start=1)
    rows, rejects, count = cf.collect_rows(
        items, fts_release_to_row, cf.is_release, path, FORMAT_PACKAGE, "OCDS release", SOURCE
    )
    not_finite = count_not_finite(releases)
    if not_finite:
        notes.append(
            f"{not_finite:,} number(s) too large to be finite (1e9999, Find a Tender's 'no limit'): never read as"
            " infinity; a release stating one as an amount is rejected, elsewhere it is not loaded"
        )
    notes = ["Find a Tender OCDS release package", *notes]
    return cf.finish_load(path, head, FORMAT_PACKAGE, rows, rejects, count, FIELDS, notes, SOURCE)


FORMATS: list[Format] = [
    Format(
        id=FORMAT_PACKAGE,
        source=SOURCE,
        description="Find a Tender OCDS release package (ocdsReleasePackages): {uri, publisher, releases: [...]}",
        matches=matches_package,
        load=load_package,
        resembles=cf.resembles_ocds,
        publisher=PUBLISHER,
        licence=LICENCE,
    ),
]
