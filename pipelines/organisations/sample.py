"""Sample GOV.UK organisations API file (SAMPLE data, not a copy of the API).

Writes `<out>/govuk-organisations/govuk_organisations.json`: a JSON array of organisation records in the
API's real shape (two-space indent, non-ASCII kept, no trailing newline, like the real snapshot), built from
the reference CSVs: current departments from `departments.csv` and the non-closed bodies in
`central_bodies.csv`, with their parent/child links and a few real successions (Highways England -> National
Highways, Public Health England -> UK Health Security Agency, ...) as superseded links. Content ids,
analytics identifiers, update times and the live/exempt status are invented from the seed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from pathlib import Path

import polars as pl

from pipelines.config import CODE_REFERENCE_DIR

FOLDER = "govuk-organisations"
FILE_NAME = "govuk_organisations.json"
API = "https://www.gov.uk/api/organisations/"
WEB = "https://www.gov.uk/government/organisations/"

#: Real successions (predecessor -> successor), used for superseded/superseding links when the successor
#: is in the sample. Predecessors may be closed and absent, as in the real API.
SUCCESSIONS: tuple[tuple[str, str], ...] = (
    ("highways-agency", "highways-england"),
    ("highways-england", "national-highways"),
    ("public-health-england", "uk-health-security-agency"),
    ("government-procurement-service", "crown-commercial-service"),
    ("national-offender-management-service", "hm-prison-and-probation-service"),
    ("homes-and-communities-agency", "homes-england"),
    ("vehicle-and-operator-services-agency", "driver-and-vehicle-standards-agency"),
    ("driving-standards-agency", "driver-and-vehicle-standards-agency"),
    ("office-of-fair-trading", "competition-and-markets-authority"),
    ("competition-commission", "competition-and-markets-authority"),
    ("treasury-solicitor-s-department", "government-legal-department"),
    ("central-digital-and-data-office", "government-digital-service"),
    ("department-for-international-trade", "department-for-business-and-trade"),
    ("department-for-international-development", "foreign-commonwealth-development-office"),
    ("foreign-commonwealth-office", "foreign-commonwealth-development-office"),
)

ANALYTICS_PREFIX = {
    "Ministerial department": "D",
    "Non-ministerial department": "D",
    "Executive agency": "EA",
    "Executive non-departmental public body": "PB",
    "Advisory non-departmental public body": "PB",
    "Public corporation": "PC",
    "Special health authority": "PB",
}


def sample_bodies() -> list[dict[str, str]]:
    """Current departments and non-closed central bodies: title, slug, abbreviation, format, parent_slug."""
    bodies = pl.read_csv(CODE_REFERENCE_DIR / "central_bodies.csv", infer_schema=False).fill_null("")
    depts = pl.read_csv(CODE_REFERENCE_DIR / "departments.csv", infer_schema=False).fill_null("")
    rows = [r for r in bodies.iter_rows(named=True) if r["closed"].strip().lower() != "true"]
    known = {r["slug"] for r in rows}
    for dept in depts.iter_rows(named=True):
        if dept["end_date"] or not dept["govuk_slug"] or dept["govuk_slug"] in known:
            continue
        rows.append(
            {
                "title": dept["name"],
                "slug": dept["govuk_slug"],
                "abbreviation": dept["abbreviation"],
                "format": "Ministerial department",
                "parent_slug": "",
            }
        )
        known.add(dept["govuk_slug"])
    return sorted(rows, key=lambda r: r["slug"])


def _link(slug: str) -> dict[str, str]:
    return {"id": API + slug, "web_url": WEB + slug}


def _updated_at(rng: random.Random) -> str:
    start = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    moment = start + dt.timedelta(seconds=rng.randrange(int(7 * 365.25 * 86400)))
    moment = min(moment, dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def organisation_record(body: dict[str, str], rng: random.Random, links: dict[str, list[str]], number: int) -> dict:
    """One record in the API's key order."""
    slug = body["slug"]
    parent = body.get("parent_slug") or ""
    prefix = ANALYTICS_PREFIX.get(body["format"], "OT")
    return {
        "id": API + slug,
        "title": body["title"],
        "format": body["format"],
        "updated_at": _updated_at(rng),
        "web_url": WEB + slug,
        "details": {
            "slug": slug,
            "abbreviation": body.get("abbreviation") or "",
            "logo_formatted_name": body["title"],
            "organisation_brand_colour_class_name": parent or slug,
            "organisation_logo_type_class_name": "single-identity",
            "closed_at": None,
            "govuk_status": "exempt" if rng.random() < 0.15 else "live",
            "govuk_closed_status": None,
            "content_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        },
        "analytics_identifier": f"{prefix}{number}",
        "parent_organisations": [_link(parent)] if parent else [],
        "child_organisations": [_link(s) for s in links.get("children:" + slug, [])],
        "superseded_organisations": [_link(s) for s in links.get("superseded:" + slug, [])],
        "superseding_organisations": [_link(s) for s in links.get("superseding:" + slug, [])],
    }


def _links(bodies: list[dict[str, str]]) -> dict[str, list[str]]:
    present = {b["slug"] for b in bodies}
    links: dict[str, list[str]] = {}
    for body in bodies:
        if body.get("parent_slug") in present:
            links.setdefault("children:" + body["parent_slug"], []).append(body["slug"])
    for old, new in SUCCESSIONS:
        if new in present:
            links.setdefault("superseded:" + new, []).append(old)
        if old in present:
            links.setdefault("superseding:" + old, []).append(new)
    return links


def write_sample(out_dir: Path, *, seed: int = 2026) -> list[Path]:
    """Write the sample organisations file; the same seed gives the same bytes."""
    rng = random.Random(seed)
    bodies = sample_bodies()
    links = _links(bodies)
    numbers = rng.sample(range(10, 1400), len(bodies))
    records = [organisation_record(b, rng, links, n) for b, n in zip(bodies, numbers, strict=True)]
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    path.write_text(json.dumps(records, indent=2, ensure_ascii=False), encoding="utf-8", newline="\n")
    return [path]
