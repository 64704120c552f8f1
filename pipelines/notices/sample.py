"""Sample Contracts Finder files (SAMPLE data, not real notices).

Writes into `<out>/contracts-finder/`:

- `contracts_finder_ocds_releases.jsonl`: about 400 OCDS 1.1 releases, one per line (UTF-8, non-ASCII
  kept, LF, like the real extract), published 2023-01 .. 2026-11 by real English councils and central
  bodies. Procurements run planning -> tender -> (amendment) -> award, each release its own notice under
  one ocid. About 70% of tenders are marked suitable for SMEs; suppliers are parties with
  `details.scale` sme or large (some unstated). Contract periods are spread so that some contracts end
  within 6, 12, 24 and 36 months of 2026-11-25 (the dashboard's expiry pipeline). Some awards state their
  period under `contracts[]`; some are followed under the same ocid by an `awardUpdate` that extends the
  contract, or by a planning notice that re-lets it. A few descriptions carry the real extract's quirks:
  mojibake ('â€™') and long text.
- `<council>_procurement.json` for three councils: the normalised notice-search shape
  (`{"meta", "stats", "contracts"}`; two-space indent, ASCII escapes, no trailing newline), with HTML
  entities left in text, 0 for values not stated and space-separated CPV codes, as in the real pulls.
  One shared procurement appears in two councils' files, as in the real data.

Writes into `<out>/find-a-tender/`, as the fetcher lays out its pages (`<window start>/page-NNNN.json`):

- about 50 Find a Tender OCDS releases (ocids `ocds-h6vhtk-...`, release ids the notice numbers `nnnnnn-yyyy`),
  published 2025-02-24 .. 2026-11-20 under the Procurement Act 2023: mostly IT procurements (CPV 48, 72, 30.2,
  32.4), each a UK4 tender notice (some after a UK2 preliminary market engagement notice) and most followed by
  a UK6 contract award notice. Tenders have one to three lots with `suitability.sme`; suppliers are parties with
  `details.scale` sme or large; buyer regions are NUTS codes; times are local with an offset (a few with `Z`).
  Two fetch windows, the second repeating the first window's last release (the fetch overlap), and one
  release carrying Find a Tender's literal `1e9999` ("no limit") in `tender.lotDetails`.

Buyers come from `reference/councils.csv` (a built-in list when absent) and `reference/central_bodies.csv`;
suppliers and people are invented.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.config import CODE_REFERENCE_DIR

FOLDER = "contracts-finder"
OCDS_FILE = "contracts_finder_ocds_releases.jsonl"
AS_OF = dt.date(2026, 11, 25)
FIRST_DAY = dt.date(2023, 1, 3)
LAST_DAY = dt.date(2026, 11, 20)
TARGET_RELEASES = 400
NOTICE_URL = "https://www.contractsfinder.service.gov.uk/Notice/{}"
SEARCH_URL = "https://www.contractsfinder.service.gov.uk/Published/Notice/{}"
ALL_ENGLAND = (
    "North East,North West,Yorkshire and The Humber,East Midlands,West Midlands,East of England,London,"
    "South East,South West"
)

BUILTIN_COUNCILS: tuple[tuple[str, str, str], ...] = (
    ("Manchester City Council", "Manchester", "North West"),
    ("Leeds City Council", "Leeds", "Yorkshire and The Humber"),
    ("Bristol City Council", "Bristol", "South West"),
    ("Birmingham City Council", "Birmingham", "West Midlands"),
    ("Newcastle City Council", "Newcastle upon Tyne", "North East"),
    ("Nottingham City Council", "Nottingham", "East Midlands"),
    ("Norfolk County Council", "Norwich", "East of England"),
    ("Kent County Council", "Maidstone", "South East"),
    ("London Borough of Camden", "Camden", "London"),
    ("Cornwall Council", "Truro", "South West"),
    ("Lancashire County Council", "Preston", "North West"),
    ("Sheffield City Council", "Sheffield", "Yorkshire and The Humber"),
)

#: Where some central buyers sit (locality, region): used for their address.
CENTRAL_LOCATIONS: dict[str, tuple[str, str]] = {
    "driver-and-vehicle-licensing-agency": ("Swansea", "Wales"),
    "companies-house": ("Cardiff", "Wales"),
    "met-office": ("Exeter", "South West"),
    "ordnance-survey": ("Southampton", "South East"),
    "environment-agency": ("Bristol", "South West"),
    "land-registry": ("Plymouth", "South West"),
    "hm-revenue-customs": ("London", "London"),
    "department-for-work-pensions": ("London", "London"),
    "ministry-of-justice": ("London", "London"),
    "crown-commercial-service": ("Liverpool", "North West"),
    "government-digital-service": ("London", "London"),
    "hm-courts-and-tribunals-service": ("London", "London"),
    "department-for-education": ("Sheffield", "Yorkshire and the Humber"),
    "home-office": ("London", "London"),
    "ministry-of-defence": ("Bristol", "South West"),
    "rural-payments-agency": ("Reading", "South East"),
    "student-loans-company": ("Glasgow", "Scotland"),
    "intellectual-property-office": ("Newport", "Wales"),
    "uk-health-security-agency": ("London", "London"),
    "insolvency-service": ("Birmingham", "West Midlands"),
}

POSTCODE_AREAS: dict[str, tuple[str, ...]] = {
    "North East": ("NE", "SR", "DH", "TS", "DL"),
    "North West": ("M", "L", "PR", "BB", "FY", "LA", "WA", "CH", "BL", "OL"),
    "Yorkshire and the Humber": ("LS", "BD", "S", "HU", "YO", "HD", "WF", "DN", "HX"),
    "East Midlands": ("NG", "DE", "LE", "LN", "NN"),
    "West Midlands": ("B", "CV", "WV", "ST", "WS", "DY", "WR", "TF"),
    "East of England": ("CB", "NR", "IP", "CO", "CM", "LU", "SG", "PE"),
    "London": ("SE", "SW", "N", "E", "W", "EC", "NW", "WC"),
    "South East": ("RG", "OX", "GU", "BN", "ME", "CT", "SO", "PO", "MK", "HP"),
    "South West": ("BS", "EX", "PL", "TA", "BA", "GL", "SN", "BH", "TR"),
    "Wales": ("SA", "CF", "NP", "LL"),
    "Scotland": ("G", "EH", "AB", "DD"),
}

#: (CPV code, description, category, title templates)
CATEGORIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("72000000", "IT services: consulting, software development, Internet and support", "services",
     ("Digital Transformation Partner", "Application Support and Maintenance", "Agile Delivery Team for {svc}")),
    ("72222300", "Information technology services", "services",
     ("IT Managed Service", "Service Desk and End User Computing", "Technology Strategy Support")),
    ("48000000", "Software package and information systems", "goods",
     ("{svc} Case Management System", "Customer Relationship Management Platform", "Finance and HR System")),
    ("72400000", "Internet services", "services",
     ("Website Redesign and Hosting", "Online Payments Platform", "Citizen Portal for {svc}")),
    ("72500000", "Computer-related services", "services",
     ("Cloud Hosting and Migration", "Data Centre Exit", "Microsoft 365 Migration Support")),
    ("79417000", "Safety consultancy services", "services",
     ("Cyber Security Assurance Services", "Penetration Testing Framework Call-off")),
    ("72316000", "Data analysis services", "services",
     ("Data Platform and Analytics", "{svc} Data Warehouse", "Business Intelligence Dashboards")),
    ("30213000", "Personal computers", "goods", ("Laptop Refresh Programme", "End User Device Supply")),
    ("32412000", "Communications network", "services", ("Wide Area Network Replacement", "Public Wi-Fi Service")),
    ("45000000", "Construction work", "works", ("{svc} Depot Refurbishment", "Leisure Centre Roof Replacement")),
    ("90910000", "Cleaning services", "services", ("Office Cleaning Services", "Washroom Services")),
    ("77310000", "Planting and maintenance services of green areas", "services", ("Grounds Maintenance Services",)),
    ("85000000", "Health and social work services", "services", ("Home Care Support Services", "Advocacy Services")),
    ("79400000", "Business and management consultancy and related services", "services",
     ("Organisational Review", "Commercial Advisory Services")),
)  # fmt: skip

SERVICES = (
    "Housing", "Planning", "Revenues and Benefits", "Adult Social Care", "Waste", "Highways", "Licensing",
    "Parking", "Children's Services", "Libraries", "Environmental Health", "Council Tax",
)  # fmt: skip

SUPPLIER_FIRST = (
    "Amber", "Beacon", "Brightwater", "Causeway", "Cobalt", "Elmfield", "Fenwick", "Granite", "Harbour",
    "Ironbridge", "Juniper", "Kestrel", "Larchwood", "Meridian", "Northmoor", "Oakridge", "Pennine", "Quayside",
    "Riverside", "Saltire", "Thistledown", "Upland", "Vantage", "Wharfedale", "Yew Tree",
)  # fmt: skip
SUPPLIER_SECOND = (
    "Digital", "Data", "Systems", "Technology", "Consulting", "Software", "Networks", "Cloud", "Services",
    "Solutions", "Analytics", "Facilities", "Construction", "Care",
)  # fmt: skip
SUPPLIER_SUFFIX = ("Ltd", "Limited", "Ltd", "LLP", "plc", "Group Ltd", "UK Ltd", "CIC")
PEOPLE_FIRST = ("Alex", "Sam", "Jordan", "Priya", "Tomasz", "Morgan", "Aisha", "Chris", "Eilidh", "Rhys")
PEOPLE_LAST = ("Hartley", "Okafor", "Lindqvist", "Barraclough", "Mistry", "Penhaligon", "Costa", "Ferguson")

DESCRIPTION_SENTENCES = (
    "The {buyer} is seeking a supplier to provide {what} for its {svc} service.",
    "The contract will run for an initial period with options to extend.",
    "Bidders must demonstrate experience of delivering similar services to public sector organisations.",
    "The service must meet the Government Digital Service Standard and WCAG 2.2 AA accessibility requirements.",
    "Social value will account for 10% of the evaluation.",
    "The successful supplier will work closely with the council's in-house team.",
    "Please register on the buyer's e-tendering portal to access the tender documents.",
    "This opportunity is suitable for small and medium-sized enterprises.",
    "The authority reserves the right not to award a contract.",
)


@dataclass(frozen=True)
class SampleBuyer:
    """A buying organisation with the address fields the notices show."""

    name: str
    locality: str
    region: str  # OCDS spelling ('Yorkshire and the Humber')
    party_id: str
    postcode: str
    website: str


def ocds_region(name: str) -> str:
    """Regions as the OCDS extract spells them ('Yorkshire and the Humber')."""
    return name.replace("Yorkshire and The Humber", "Yorkshire and the Humber")


def fake_postcode(rng: random.Random, region: str) -> str:
    """A postcode-shaped string in the region's postcode areas (invented, not a real address)."""
    area = rng.choice(POSTCODE_AREAS.get(region, ("SW",)))
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{area}{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def council_rows() -> list[tuple[str, str, str]]:
    """(official name, locality, region) of English councils: reference/councils.csv, else a built-in list."""
    path = CODE_REFERENCE_DIR / "councils.csv"
    if not path.exists():
        return list(BUILTIN_COUNCILS)
    frame = pl.read_csv(path, infer_schema=False)
    needed = {"official_name", "council_name", "region_name"}
    if not needed <= set(frame.columns) or frame.is_empty():
        return list(BUILTIN_COUNCILS)
    frame = frame.drop_nulls(list(needed)).sort("official_name")
    return [(r["official_name"], r["council_name"], r["region_name"]) for r in frame.iter_rows(named=True)]


def central_rows() -> list[tuple[str, str, str]]:
    """(title, locality, region) of the central bodies with a known location."""
    path = CODE_REFERENCE_DIR / "central_bodies.csv"
    if not path.exists():
        return []
    bodies = pl.read_csv(path, infer_schema=False)
    out = []
    for row in bodies.sort("slug").iter_rows(named=True):
        if row["slug"] in CENTRAL_LOCATIONS and str(row["closed"]).lower() != "true":
            locality, region = CENTRAL_LOCATIONS[row["slug"]]
            out.append((row["title"], locality, region))
    return out


def _website(name: str) -> str:
    stem = "".join(ch for ch in name.lower() if ch.isalnum())[:24]
    return f"https://www.{stem}.example.gov.uk/"


def pick_buyers(rng: random.Random) -> list[SampleBuyer]:
    councils = council_rows()
    chosen = rng.sample(councils, min(70, len(councils))) + central_rows()
    buyers = []
    for name, locality, region in chosen:
        region = ocds_region(region)
        buyers.append(
            SampleBuyer(
                name=name,
                locality=locality,
                region=region,
                party_id=f"GB-CFS-{rng.randint(10000, 99999)}",
                postcode=fake_postcode(rng, region),
                website=_website(name),
            )
        )
    return buyers


@dataclass
class Supplier:
    name: str
    party_id: str
    scale: str | None  # 'sme' | 'large' | None (not stated)
    vcse: bool
    locality: str
    postcode: str


def make_suppliers(rng: random.Random, n: int = 90) -> list[Supplier]:
    names: list[str] = []
    while len(names) < n:
        name = f"{rng.choice(SUPPLIER_FIRST)} {rng.choice(SUPPLIER_SECOND)} {rng.choice(SUPPLIER_SUFFIX)}"
        if name not in names:
            names.append(name)
    suppliers = []
    for name in names:
        roll = rng.random()
        scale = "sme" if roll < 0.42 else ("large" if roll < 0.85 else None)
        region = rng.choice(sorted(POSTCODE_AREAS))
        suppliers.append(
            Supplier(
                name=name,
                party_id=f"GB-CFS-{rng.randint(100000, 399999)}",
                scale=scale,
                vcse=name.endswith("CIC"),
                locality=region,
                postcode=fake_postcode(rng, region),
            )
        )
    return suppliers


# --------------------------------------------------------------------------------------------- OCDS releases


def iso(day: dt.date, time: str = "00:00:00") -> str:
    return f"{day.isoformat()}T{time}Z"


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def describe(rng: random.Random, buyer: str, what: str, svc: str) -> str:
    count = rng.randint(2, 5)
    text = " ".join(
        s.format(buyer=buyer, what=what.lower(), svc=svc.lower()) for s in rng.sample(DESCRIPTION_SENTENCES, count)
    )
    if rng.random() < 0.06:  # the extract's mis-decoded apostrophes and spaces
        text = text.replace("'", "\u00e2\u20ac\u2122").replace(". ", ".\u00e2\u20ac\u00af ", 1)
    if rng.random() < 0.03:  # a long description (the staging keeps 1,000 characters)
        text = " ".join([text] * 8)
    return text


@dataclass
class Procurement:
    """One contracting process (ocid) and the facts its releases share."""

    ocid: str
    buyer: SampleBuyer
    title: str
    description: str
    cpv: tuple[str, str, str]
    value: int
    min_value: int | None
    sme: bool
    vcse: bool
    method: tuple[str, str]
    tender_date: dt.date
    deadline: dt.date
    start: dt.date
    end: dt.date
    reference: str
    delivery_region: str | None


PROCUREMENT_METHODS = (
    ("open", "Open procedure"),
    ("selective", "Restricted procedure"),
    ("limited", "Call-off from a framework agreement"),
    ("direct", "Direct award"),
    ("open", "Competitive flexible procedure"),
)


def contract_dates(rng: random.Random, index: int) -> tuple[dt.date, dt.date]:
    """(start, end): every tenth procurement ends in each window of the expiry pipeline after AS_OF (up to 6, 12,
    24 and 36 months); others spread freely."""
    months = rng.choice((6, 12, 18, 24, 36, 48, 60))
    windows = {0: (1, 180), 1: (181, 365), 2: (366, 730), 3: (731, 1095)}
    if index % 10 in windows:
        low, high = windows[index % 10]
        end = AS_OF + dt.timedelta(days=rng.randint(low, high))
        start = add_months(end, -months)
        start = max(start, FIRST_DAY + dt.timedelta(days=60))
        return start, end
    start = random_day(rng, FIRST_DAY + dt.timedelta(days=60), LAST_DAY + dt.timedelta(days=90))
    return start, add_months(start, months) - dt.timedelta(days=1)


def make_procurement(rng: random.Random, index: int, buyers: list[SampleBuyer]) -> Procurement:
    buyer = rng.choice(buyers)
    cpv_code, cpv_desc, category, titles = rng.choice(CATEGORIES)
    svc = rng.choice(SERVICES)
    title = rng.choice(titles).format(svc=svc)
    start, end = contract_dates(rng, index)
    tender_date = start - dt.timedelta(days=rng.randint(45, 150))
    tender_date = min(max(tender_date, FIRST_DAY), LAST_DAY - dt.timedelta(days=40))
    deadline = tender_date + dt.timedelta(days=rng.randint(21, 45))
    value = int(round(rng.lognormvariate(11.8, 1.2), -2))
    region_roll = rng.random()
    delivery = buyer.region if region_roll < 0.55 else ("England" if region_roll < 0.75 else None)
    return Procurement(
        ocid=f"ocds-b5fd17-{_guid(rng)}",
        buyer=buyer,
        title=title,
        description=describe(rng, buyer.name, title, svc),
        cpv=(cpv_code, cpv_desc, category),
        value=max(value, 5000),
        min_value=int(value * rng.uniform(0.4, 0.8)) if rng.random() < 0.2 else None,
        sme=rng.random() < 0.70,
        vcse=rng.random() < 0.30,
        method=rng.choice(PROCUREMENT_METHODS),
        tender_date=tender_date,
        deadline=deadline,
        start=start,
        end=end,
        reference=f"DN{rng.randint(100000, 999999)}",
        delivery_region=delivery,
    )


def buyer_party(p: Procurement, rng: random.Random) -> dict:
    person = f"{rng.choice(PEOPLE_FIRST)} {rng.choice(PEOPLE_LAST)}"
    return {
        "id": p.buyer.party_id,
        "name": p.buyer.name,
        "identifier": {"legalName": p.buyer.name},
        "address": {
            "locality": p.buyer.locality,
            "postalCode": p.buyer.postcode,
            "countryName": "Wales" if p.buyer.region == "Wales" else "England",
        },
        "contactPoint": {"name": person, "email": "procurement@" + p.buyer.website.split("www.", 1)[1].rstrip("/")},
        "details": {"url": p.buyer.website},
        "roles": ["buyer"],
    }


def supplier_party(s: Supplier) -> dict:
    details: dict[str, object] = {}
    if s.scale:
        details["scale"] = s.scale
        details["vcse"] = s.vcse
    party: dict[str, object] = {
        "id": s.party_id,
        "name": s.name,
        "identifier": {"legalName": s.name},
        "address": {"locality": s.locality, "postalCode": s.postcode},
    }
    if details:
        party["details"] = details
    party["roles"] = ["supplier"]
    return party


def tender_block(p: Procurement, status: str, with_period: bool = True) -> dict:
    item: dict[str, object] = {"id": "1"}
    if p.delivery_region:
        item["deliveryAddresses"] = [{"region": p.delivery_region, "countryName": "United Kingdom"}]
    else:
        item["deliveryAddresses"] = [{"countryName": "United Kingdom"}]
    tender: dict[str, object] = {
        "id": p.reference,
        "title": p.title,
        "description": p.description,
        "status": status,
        "classification": {"scheme": "CPV", "id": p.cpv[0], "description": p.cpv[1]},
        "items": [item],
    }
    if p.min_value:
        tender["minValue"] = {"amount": p.min_value, "currency": "GBP"}
    tender["value"] = {"amount": p.value, "currency": "GBP"}
    tender["procurementMethod"] = p.method[0]
    tender["procurementMethodDetails"] = p.method[1]
    tender["tenderPeriod"] = {"endDate": iso(p.deadline, "12:00:00")}
    if with_period:
        tender["contractPeriod"] = {"startDate": iso(p.start), "endDate": iso(p.end, "23:59:59")}
    tender["suitability"] = {"sme": p.sme, "vcse": p.vcse}
    tender["mainProcurementCategory"] = p.cpv[2]
    return tender


def release(p: Procurement, rng: random.Random, tag: str, day: dt.date, seq: int, parties: list[dict]) -> dict:
    clock = f"{rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    status = {"planning": "planning", "tender": "active", "tenderAmendment": "active"}.get(tag, "complete")
    out: dict[str, object] = {
        "ocid": p.ocid,
        "id": f"{_guid(rng)}-{seq}",
        "language": "en",
        "date": iso(day, clock),
        "tag": [tag],
        "initiationType": "tender",
        "tender": tender_block(p, status, with_period=tag != "planning" or rng.random() < 0.5),
        "parties": parties,
        "buyer": {"id": p.buyer.party_id, "name": p.buyer.name},
    }
    if tag == "planning":
        out["planning"] = {"budget": {"amount": {"amount": p.value, "currency": "GBP"}}}
    return out


def award_release(p: Procurement, rng: random.Random, suppliers: list[Supplier], seq: int) -> dict:
    winners = rng.sample(suppliers, 1 if rng.random() < 0.85 else rng.randint(2, 3))
    award_day = min(p.deadline + dt.timedelta(days=rng.randint(14, 60)), p.start - dt.timedelta(days=1))
    award_day = min(max(award_day, p.deadline), LAST_DAY - dt.timedelta(days=1))
    published = min(award_day + dt.timedelta(days=rng.randint(1, 40)), LAST_DAY)
    parties = [buyer_party(p, rng)] + [supplier_party(s) for s in winners]
    rel = release(p, rng, "award", published, seq, parties)
    guid = str(rel["id"])[:36]
    end = p.end.isoformat() + ("T23:59:59+01:00" if 4 <= p.end.month <= 9 else "T23:59:59Z")
    rel["awards"] = [
        {
            "id": f"{p.ocid}-1",
            "status": "active",
            "date": iso(award_day),
            "datePublished": rel["date"],
            "value": {"amount": int(p.value * rng.uniform(0.7, 1.05)), "currency": "GBP"},
            "suppliers": [{"id": s.party_id, "name": s.name} for s in winners],
            "contractPeriod": {"startDate": iso(p.start), "endDate": end},
            "documents": [
                {
                    "id": "1",
                    "documentType": "awardNotice",
                    "description": "Awarded contract notice on Contracts Finder",
                    "url": NOTICE_URL.format(guid),
                    "datePublished": rel["date"],
                    "format": "text/html",
                    "language": "en",
                }
            ],
        }
    ]
    return rel


def procurement_releases(p: Procurement, rng: random.Random, suppliers: list[Supplier], seq: int) -> list[dict]:
    """The releases one procurement publishes: planning?, tender?, amendment?, award?"""
    out: list[dict] = []
    buyer_only = [buyer_party(p, rng)]
    stage = rng.random()
    awarded = stage < 0.55 and p.deadline < LAST_DAY - dt.timedelta(days=20)
    if rng.random() < 0.06:
        day = max(FIRST_DAY, p.tender_date - dt.timedelta(days=rng.randint(20, 90)))
        out.append(release(p, rng, "planning", day, seq + len(out), buyer_only))
    if not awarded or rng.random() < 0.6:
        out.append(release(p, rng, "tender", p.tender_date, seq + len(out), buyer_only))
        if rng.random() < 0.06:
            day = min(p.tender_date + dt.timedelta(days=rng.randint(3, 15)), p.deadline)
            out.append(release(p, rng, "tenderAmendment", day, seq + len(out), buyer_only))
    if awarded:
        award = award_release(p, rng, suppliers, seq + len(out))
        out.append(award)
        out.extend(follow_ups(p, award, seq + len(out)))
    return out


#: Shares of awarded procurements whose award states its period under contracts[] (not awards[]), that a later
#: awardUpdate extends, and that a later planning notice re-lets (those ending within two years of AS_OF).
CONTRACT_PERIOD_SHARE = 0.12
EXTENSION_SHARE = 0.15
RELET_SHARE = 0.35


def follow_ups(p: Procurement, award: dict, seq: int) -> list[dict]:
    """What can follow an award under the same ocid: the period stated under contracts[] instead (edits `award`),
    an awardUpdate extending the contract, a planning notice re-letting it. A generator of its own (seeded by
    the ocid) so the rest of the sample is the same with or without them."""
    rng = random.Random(p.ocid)
    first = award["awards"][0]
    if rng.random() < CONTRACT_PERIOD_SHARE:
        award["contracts"] = [
            {"id": f"{p.ocid}-c1", "awardID": first["id"], "status": "active", "period": first.pop("contractPeriod")}
        ]
    out: list[dict] = []
    published = dt.date.fromisoformat(str(award["date"])[:10])
    if rng.random() < EXTENSION_SHARE and published < LAST_DAY - dt.timedelta(days=30):
        update = copy.deepcopy(award)
        day = random_day(rng, published + dt.timedelta(days=20), LAST_DAY)
        update["id"] = f"{_guid(rng)}-{seq}"
        update["date"] = iso(day, f"{rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}:00")
        update["tag"] = ["awardUpdate"]
        new_end = add_months(p.end, rng.choice((6, 12)))
        for period in [a.get("contractPeriod") for a in update["awards"]] + [
            c.get("period") for c in update.get("contracts", [])
        ]:
            if period:
                period["endDate"] = iso(new_end, "23:59:59")
        out.append(update)
    relet_from = max(published + dt.timedelta(days=10), p.end - dt.timedelta(days=420))
    if p.end <= AS_OF + dt.timedelta(days=730) and relet_from < LAST_DAY and rng.random() < RELET_SHARE:
        day = random_day(rng, relet_from, LAST_DAY)
        relet = release(p, rng, "planning", day, seq + len(out), [award["parties"][0]])
        relet["tender"]["title"] = f"Re-procurement: {p.title}"
        relet["tender"].pop("contractPeriod", None)
        out.append(relet)
    return out


def ocds_releases(rng: random.Random) -> list[dict]:
    buyers = pick_buyers(rng)
    suppliers = make_suppliers(rng)
    releases: list[dict] = []
    seq = 700_000
    index = 0
    while len(releases) < TARGET_RELEASES:
        p = make_procurement(rng, index, buyers)
        batch = procurement_releases(p, rng, suppliers, seq)
        releases.extend(batch)
        seq += len(batch) + rng.randint(1, 400)
        index += 1
    releases = releases[:TARGET_RELEASES]
    return sorted(releases, key=lambda r: (r["date"], r["id"]), reverse=True)


def write_ocds(folder: Path, rng: random.Random) -> Path:
    path = folder / OCDS_FILE
    lines = [json.dumps(r, ensure_ascii=False) for r in ocds_releases(rng)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    return path


# --------------------------------------------------------------------------------------------- notice search


SEARCH_COUNCILS = ("Manchester City Council", "Leeds City Council", "Bristol City Council")


def search_councils() -> list[tuple[str, str, str]]:
    """Three real councils (from councils.csv when it lists them, else the built-in list)."""
    known = {name: (name, locality, region) for name, locality, region in council_rows()}
    builtin = {name: (name, locality, region) for name, locality, region in BUILTIN_COUNCILS}
    return [known.get(name) or builtin[name] for name in SEARCH_COUNCILS]


def council_id(name: str) -> str:
    """'Manchester City Council' -> 'manchester' (the file-name stem the real pulls use)."""
    stem = name.lower()
    for suffix in (" city council", " county council", " borough council", " council"):
        stem = stem.removesuffix(suffix)
    return "_".join(stem.replace("&", "and").split())


def search_contract(rng: random.Random, council: tuple[str, str, str], suppliers: list[Supplier]) -> dict:
    name, locality, region = council
    cpv_code, cpv_desc, _, titles = rng.choice(CATEGORIES)
    svc = rng.choice(SERVICES)
    title = rng.choice(titles).format(svc=svc).replace(" and ", " &amp; ")
    published = random_day(rng, dt.date(2016, 4, 1), LAST_DAY)
    deadline = published + dt.timedelta(days=rng.randint(14, 45))
    roll = rng.random()
    status = "awarded" if roll < 0.62 else "closed" if roll < 0.93 else "withdrawn" if roll < 0.96 else "open"
    awarded = status == "awarded"
    low = int(round(rng.lognormvariate(11.0, 1.1), -3))
    high = 0 if rng.random() < 0.45 else int(low * rng.uniform(1.0, 2.5))
    if rng.random() < 0.2:
        low, high = 0, 0
    winner = rng.choice(suppliers)
    description = describe(rng, name, title, svc).replace("'", "&#039;")
    if rng.random() < 0.3:
        description = description.replace(". ", ".\r\n\u2022 ", 2)
    region_roll = rng.random()
    region_text = (
        region
        if region_roll < 0.65
        else ALL_ENGLAND
        if region_roll < 0.82
        else "Any region"
        if region_roll < 0.9
        else ""
    )
    extra = " ".join(rng.sample([c for c, *_ in CATEGORIES if c != cpv_code], rng.choice((0, 0, 1, 2))))
    guid = _guid(rng)
    return {
        "id": guid,
        "title": title,
        "description": description,
        "organisation": name if rng.random() < 0.8 else name.upper(),
        "status": status,
        "notice_type": "Contract" if rng.random() < 0.95 else rng.choice(("PreProcurement", "Pipeline")),
        "published_date": published.isoformat(),
        "deadline_date": deadline.isoformat() if rng.random() < 0.98 else None,
        "awarded_date": (deadline + dt.timedelta(days=rng.randint(10, 90))).isoformat() if awarded else None,
        "value_low": low,
        "value_high": high,
        "awarded_value": (
            round(max(low, high) * rng.uniform(0.8, 1.1), 2) if max(low, high) else rng.randint(5, 400) * 1000
        )
        if awarded
        else 0,
        "awarded_supplier": winner.name.replace(" & ", " &amp; ") if awarded else None,
        "awarded_to_sme": (winner.scale == "sme") if awarded else None,
        "cpv_codes": " ".join(c for c in (cpv_code, extra) if c),
        "cpv_description": cpv_desc,
        "region": region_text,
        "postcode": fake_postcode(rng, ocds_region(region)) if rng.random() < 0.2 else "",
        "suitable_for_sme": rng.random() < 0.78,
        "url": SEARCH_URL.format(guid),
    }


def search_stats(contracts: list[dict]) -> dict:
    """The stats block the real pulls carry, computed from the contracts."""
    awarded = [c for c in contracts if c["status"] == "awarded"]
    total = round(sum(c["awarded_value"] for c in awarded), 2)
    sme = sum(1 for c in awarded if c["awarded_to_sme"])
    by_supplier: dict[str, list[float]] = {}
    for c in awarded:
        by_supplier.setdefault(c["awarded_supplier"], []).append(c["awarded_value"])
    top = sorted(by_supplier.items(), key=lambda kv: (-len(kv[1]), -sum(kv[1]), kv[0]))[:10]
    return {
        "total_notices": len(contracts),
        "awarded_count": len(awarded),
        "open_count": sum(1 for c in contracts if c["status"] == "open"),
        "total_awarded_value": total,
        "average_awarded_value": round(total / len(awarded), 2) if awarded else 0,
        "sme_awarded_count": sme,
        "sme_awarded_pct": round(100 * sme / len(awarded), 1) if awarded else 0,
        "top_suppliers": [{"name": n, "contracts": len(v), "total_value": round(sum(v), 2)} for n, v in top],
        "by_type": dict(Counter(c["notice_type"] for c in contracts)),
        "by_year": dict(sorted(Counter(c["published_date"][:4] for c in contracts).items())),
        "competition": None,
        "by_procedure_type": None,
    }


def write_search_files(folder: Path, rng: random.Random) -> list[Path]:
    suppliers = make_suppliers(rng, 40)
    councils = search_councils()
    per_council = {c[0]: [search_contract(rng, c, suppliers) for _ in range(rng.randint(22, 40))] for c in councils}
    shared = dict(per_council[councils[0][0]][0])  # a joint procurement listed under two councils
    per_council[councils[1][0]].insert(rng.randint(1, 5), shared)
    paths = []
    for council in councils:
        contracts = sorted(per_council[council[0]], key=lambda c: c["published_date"], reverse=True)
        generated = f"{AS_OF.isoformat()}T{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
        cid = council_id(council[0])
        document = {
            "meta": {
                "council_id": cid,
                "source": "Contracts Finder (contractsfinder.service.gov.uk)",
                "generated": generated,
                "total_notices": len(contracts),
            },
            "stats": search_stats(contracts),
            "contracts": contracts,
        }
        path = folder / f"{cid}_procurement.json"
        path.write_text(json.dumps(document, indent=2), encoding="utf-8", newline="\n")
        paths.append(path)
    return paths


# --------------------------------------------------------------------------------------------- Find a Tender


FTS_FOLDER = "find-a-tender"
FTS_FIRST_DAY = dt.date(2025, 2, 24)  # the Procurement Act 2023 came into force
FTS_PROCUREMENTS = 26
FTS_PAGE_SIZE = 25
FTS_API = "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages"
FTS_NOTICE_URL = "https://www.find-tender.service.gov.uk/Notice/{}"
FTS_EXTENSIONS = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_suitability_extension/master/extension.json",
    "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json",
)
#: The placeholder swapped for the literal 1e9999 (json.dumps cannot write it) in one release's lotDetails.
NO_LIMIT = '"@NO_LIMIT@"'
#: Region names -> the NUTS 1 letter of a buyer's `address.region` code.
NUTS_LETTER = {
    "North East": "C", "North West": "D", "Yorkshire and the Humber": "E", "East Midlands": "F",
    "West Midlands": "G", "East of England": "H", "London": "I", "South East": "J", "South West": "K",
    "Wales": "L", "Scotland": "M",
}  # fmt: skip
#: IT categories (CPV 48, 72, 30.2, 32.4) are most of the Find a Tender sample.
IT_CATEGORIES = tuple(c for c in CATEGORIES if c[0][:2] in ("48", "72") or c[0][:3] in ("302", "324"))


def fts_stamp(rng: random.Random, day: dt.date) -> str:
    """A local time with its offset (+01:00 in British Summer Time, roughly April to October), now and then Z."""
    clock = f"{rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    if rng.random() < 0.1:
        return f"{day.isoformat()}T{clock}Z"
    return f"{day.isoformat()}T{clock}{'+01:00' if 4 <= day.month <= 10 else '+00:00'}"


def _ppon(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRSTVWXYZ"
    return f"GB-PPON-P{''.join(rng.choice(letters) for _ in range(3))}-{rng.randint(1000, 9999)}-" + "".join(
        rng.choice(letters) for _ in range(4)
    )


def fts_document(notice: str, notice_type: str, document_type: str, published: str) -> dict:
    words = {"UK2": "Preliminary market engagement", "UK4": "Tender", "UK6": "Contract award"}[notice_type]
    return {
        "id": notice,
        "documentType": document_type,
        "noticeType": notice_type,
        "description": f"{words} notice on Find a Tender",
        "url": FTS_NOTICE_URL.format(notice),
        "datePublished": published,
        "format": "text/html",
    }


def fts_procurement_releases(
    rng: random.Random, index: int, buyers: list[SampleBuyer], suppliers: list[Supplier], numbers: dict[int, int]
) -> list[dict]:
    """One procurement's releases: UK2 (sometimes), UK4, UK6 (most)."""

    def number(day: dt.date) -> str:
        numbers[day.year] = numbers.get(day.year, 4000 + index * 7) + rng.randint(30, 900)
        return f"{numbers[day.year]:06d}-{day.year}"

    buyer = rng.choice(buyers)
    cpv_code, cpv_desc, category, titles = rng.choice(IT_CATEGORIES if rng.random() < 0.8 else CATEGORIES)
    svc = rng.choice(SERVICES)
    title = rng.choice(titles).format(svc=svc)
    ocid = f"ocds-h6vhtk-{0x04A000 + index * 37 + rng.randint(0, 30):06x}"
    tender_day = random_day(rng, FTS_FIRST_DAY, LAST_DAY - dt.timedelta(days=120))
    deadline = tender_day + dt.timedelta(days=rng.randint(25, 45))
    end = (
        AS_OF + dt.timedelta(days=rng.randint(20, 1400))
        if index % 3
        else random_day(rng, AS_OF, AS_OF + dt.timedelta(days=1000))
    )
    start = max(
        deadline + dt.timedelta(days=rng.randint(30, 90)), end - dt.timedelta(days=rng.choice((365, 730, 1095, 1460)))
    )
    value = int(round(rng.lognormvariate(12.3, 1.0), -3))
    n_lots = rng.choice((1, 1, 2, 3))
    shares = [rng.uniform(0.2, 1.0) for _ in range(n_lots)]
    lots = [
        {
            "id": str(n + 1),
            "title": f"Lot {n + 1}: {rng.choice(('Delivery', 'Support', 'Licences', 'Hosting', 'Training'))}",
            "status": "active",
            "value": {"amount": int(value * share / sum(shares)), "currency": "GBP"},
            "suitability": {"sme": rng.random() < 0.6},
        }
        for n, share in enumerate(shares)
    ]
    region = buyer.region if buyer.region in NUTS_LETTER else "London"
    buyer_party = {
        "id": _ppon(rng),
        "name": buyer.name,
        "identifier": {"scheme": "GB-PPON", "id": "-".join(buyer.party_id.split("-")[-1:])},
        "address": {
            "locality": buyer.locality,
            "postalCode": buyer.postcode,
            "country": "GB",
            "countryName": "United Kingdom",
            "region": f"UK{NUTS_LETTER[region]}{rng.randint(1, 4)}{rng.randint(1, 5)}",
        },
        "contactPoint": {"email": "procurement@" + buyer.website.split("www.", 1)[1].rstrip("/")},
        "roles": ["buyer"],
        "details": {"classifications": [{"id": "publicAuthoritySubCentralGovernment", "scheme": "UK_CA_TYPE"}]},
    }
    tender: dict[str, object] = {
        "id": ocid,
        "title": title,
        "description": describe(rng, buyer.name, title, svc),
        "status": "active",
        "classification": {"scheme": "CPV", "id": cpv_code, "description": cpv_desc},
        "mainProcurementCategory": category,
        "value": {"amount": value, "amountGross": int(value * 1.2), "currency": "GBP"},
        "procurementMethod": "open",
        "procurementMethodDetails": rng.choice(("Open procedure", "Competitive flexible procedure")),
        "tenderPeriod": {"endDate": fts_stamp(rng, deadline)},
        "contractPeriod": {
            "startDate": f"{start.isoformat()}T00:00:00+00:00",
            "endDate": f"{end.isoformat()}T23:59:59+00:00",
        },
        "lots": lots,
        "lotDetails": {"maximumLotsBidPerSupplier": n_lots},
        "aboveThreshold": value > 214904,
    }

    def base(notice: str, tag: str, day: dt.date, parties: list[dict]) -> dict:
        return {"id": notice, "tag": [tag], "date": fts_stamp(rng, day), "initiationType": "tender", "ocid": ocid,
                "parties": parties, "buyer": {"id": buyer_party["id"], "name": buyer.name}}  # fmt: skip

    out: list[dict] = []
    earlier: list[dict] = []
    if rng.random() < 0.3:
        day = max(FTS_FIRST_DAY, tender_day - dt.timedelta(days=rng.randint(20, 60)))
        engagement = base(number(day), "planning", day, [buyer_party])
        doc = fts_document(engagement["id"], "UK2", "marketEngagementNotice", engagement["date"])
        engagement["planning"] = {"documents": [doc]}
        engagement["tender"] = {**copy.deepcopy(tender), "status": "planning"}
        earlier.append(doc)
        out.append(engagement)
    notice = base(number(tender_day), "tender", tender_day, [buyer_party])
    notice["tender"] = copy.deepcopy(tender)
    notice["tender"]["documents"] = [*earlier, fts_document(notice["id"], "UK4", "tenderNotice", notice["date"])]
    out.append(notice)
    if rng.random() < 0.7 and deadline < LAST_DAY - dt.timedelta(days=15):
        winner = rng.choice(suppliers)
        day = min(deadline + dt.timedelta(days=rng.randint(14, 60)), LAST_DAY)
        party = {
            "id": _ppon(rng),
            "name": winner.name,
            "identifier": {"scheme": "GB-COH", "id": f"{rng.randint(1000000, 15999999):08d}"},
            "address": {"locality": winner.locality, "postalCode": winner.postcode, "country": "GB"},
            "roles": ["supplier", "tenderer"],
        }
        if winner.scale:
            party["details"] = {"scale": winner.scale, "vcse": winner.vcse}
        awarded = base(number(day), "award", day, [buyer_party, party])
        awarded["tender"] = {**copy.deepcopy(tender), "status": "complete", "documents": notice["tender"]["documents"]}
        awarded["awards"] = [
            {
                "id": "1",
                "status": "active",
                "title": title,
                "date": fts_stamp(rng, day - dt.timedelta(days=rng.randint(1, 10))),
                "value": {"amount": int(value * rng.uniform(0.75, 1.02)), "currency": "GBP"},
                "suppliers": [{"id": party["id"], "name": winner.name}],
                "relatedLots": [lot["id"] for lot in lots],
                "contractPeriod": tender["contractPeriod"],
                "documents": [fts_document(awarded["id"], "UK6", "awardNotice", awarded["date"])],
            }
        ]
        out.append(awarded)
    return out


def fts_releases(rng: random.Random) -> list[dict]:
    buyers = pick_buyers(rng)
    suppliers = make_suppliers(rng, 40)
    numbers: dict[int, int] = {}
    releases = [
        r for i in range(FTS_PROCUREMENTS) for r in fts_procurement_releases(rng, i, buyers, suppliers, numbers)
    ]
    releases.sort(key=lambda r: (r["date"][:10], r["id"]))
    next(r for r in releases if r["tag"] == ["tender"])["tender"]["lotDetails"]["maximumLotsBidPerSupplier"] = (
        "@NO_LIMIT@"
    )
    return releases


def fts_page(releases: list[dict], window: str, cursor: str | None) -> str:
    uri = f"{FTS_API}?updatedFrom={window}&limit=100"
    doc: dict[str, object] = {
        "uri": uri,
        "version": "1.1",
        "extensions": list(FTS_EXTENSIONS),
        "publishedDate": releases[-1]["date"] if releases else window,
        "publisher": {
            "name": "Cabinet Office",
            "scheme": "GB-GOR",
            "uid": "D2",
            "uri": "https://www.gov.uk/government/organisations/cabinet-office",
        },  # fmt: skip
        "license": "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "publicationPolicy": "https://www.gov.uk/government/publications/open-contracting",
        "releases": releases,
    }
    if cursor:
        doc["links"] = {"next": f"{uri}&cursor={cursor}"}
    return json.dumps(doc, ensure_ascii=False).replace(NO_LIMIT, "1e9999")


def write_fts(out_dir: Path, seed: int) -> list[Path]:
    """Two fetch windows of Find a Tender pages, the second starting an hour before the first ended (so it
    repeats the release published in that hour's overlap)."""
    rng = random.Random(f"{seed}-find-a-tender")  # its own generator: the Contracts Finder files are unchanged
    releases = fts_releases(rng)
    cut = len(releases) * 3 // 4
    first, second = releases[:cut], [releases[cut - 1], *releases[cut:]]
    paths: list[Path] = []
    for window, part in (("2025-02-24T00:00:00", first), (second[0]["date"][:13] + ":00:00", second)):
        folder = Path(out_dir) / FTS_FOLDER / window.replace(":", "")
        folder.mkdir(parents=True, exist_ok=True)
        pages = [part[i : i + FTS_PAGE_SIZE] for i in range(0, len(part), FTS_PAGE_SIZE)]
        for n, page in enumerate(pages, start=1):
            cursor = f"{rng.getrandbits(40):x}" if n < len(pages) else None
            path = folder / f"page-{n:04d}.json"
            path.write_text(fts_page(page, window, cursor), encoding="utf-8", newline="\n")
            paths.append(path)
    return paths


def write_sample(out_dir: Path, *, seed: int = 2026) -> list[Path]:
    """Write the sample OCDS lines, notice-search files and Find a Tender pages; the same seed gives the same
    bytes."""
    rng = random.Random(seed)
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return [write_ocds(folder, rng), *write_search_files(folder, rng), *write_fts(Path(out_dir), seed)]
