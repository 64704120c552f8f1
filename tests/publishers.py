"""Every publisher `python -m pipelines fetch` reads, played at once on one ReplayServer (127.0.0.1 only).

`Publishers(server).serve()` routes every source in `pipelines.fetch.SOURCES`: GOV.UK organisations pages, the
CCS guidance page with the customer URN list workbook, the ministers index and its role pages,
the IfG repository through the GitHub API and raw.githubusercontent.com, the ONS ArcGIS layers of
`config.ONS_SERVICES` and the postcode lookup of `config.ONS_POSTCODE_SERVICES` (layer description, then
`query` paged by `resultOffset`), NOMIS CSV pages, the GOV.UK
Search API answering the SME-spend and marketplace queries (dispatched on `q` and `filter_organisations`) with
their Content API pages and attachments (CSV, XLSX), Contracts Finder and Find a Tender release packages
paged by cursor.

Payloads are the recorded ones in ../shared/data where they exist (`Publishers.missing()` names the folders
absent, for a test to skip): organisations, the ministers index and a role page, the IfG tables, the ONS
lookups, boundaries and NOMIS extract, the G-Cloud spend files (a slice of rows), the Contracts Finder releases,
the GOV.UK Content API publication page (its attachments replaced by the files served here) and the CCS customer
list workbook. Where nothing was recorded they are built in the documented shapes: the Search API answers, the
GitHub API answers, the ArcGIS and NOMIS envelopes, the postcode lookup (the CCS workbook's three postcodes
with their real districts), the SME annexes (the project's sample annex, in its real
layout) and the Find a Tender releases.

Replies carry validators so that a second run can be conditional: the GOV.UK Content API, its assets (also
Last-Modified), the organisations API and GitHub send an ETag; the Search API is played with an ETag of each
answer and NOMIS with one ETag per dataset version on every page (the fetchers send If-None-Match only when they
received one); ArcGIS sends none, its freshness is the layer's `editingInfo.lastEditDate`; the notices APIs send
none, they are asked by date window. The notices
feeds answer a window with the releases "published" inside it (each release is given a publication time a few
days before the server started), so a run whose window starts after that finds nothing new.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines import config
from tests.replay import ReplayServer, Reply, Seen, shared

ORGANISATIONS = shared("govuk-organisations", "govuk_extant_orgs.json")
MINISTERS = shared("govuk-ministers")
IFG = shared("ifg-ministers-database")
ONS = shared("ons-geography")
CONTENT = shared("govuk-content-api")
GCLOUD = shared("govspend-gcloud")
CF_RELEASES = shared("contracts-finder", "ocds-releases-2025", "contracts_finder_ocds_releases_sample.jsonl")
CCS_CUSTOMERS = shared("ccs-customer-urn", "customers_test.xlsx")
RECORDED = (ORGANISATIONS, MINISTERS, IFG, ONS, CONTENT, GCLOUD, CF_RELEASES, CCS_CUSTOMERS)

IFG_REPO = "instituteforgov/ifg-ministers-database-public"
IFG_SHA = "5" * 40
MINISTERS_INDEX = "/api/content/government/ministers"
CF_PATH = "/Published/Notices/OCDS/Search"
FTS_PATH = "/api/1.0/ocdsReleasePackages"
NOMIS_PATH = "/api/v01/dataset/NM_2002_1.data.csv"
CCS_PAGE = config.CCS_CUSTOMER_PAGE
#: The postcode lookup played: the CCS test workbook's postcodes, in the districts ONS puts them.
POSTCODES = (("L3 9PP", "E08000012"), ("CF10 3NP", "W06000015"), ("TN34 1RL", "E07000062"))
POSTCODE_LAYER_FIELDS = ("ObjectId", "PCD7", "PCD8", "PCDS", "DOINTR", "DOTERM", "USERTYPE", "OA21CD", "LAD25CD")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LAST_MODIFIED = "Tue, 01 Dec 2026 09:00:00 GMT"
ORGANISATION_RECORDS, ORGANISATIONS_PAGE = 250, 100
ARCGIS_PAGE, NOMIS_ROWS, NOTICES_PAGE = 100, 5000, 100
GCLOUD_ROWS = 300
STAMP = "%Y-%m-%dT%H:%M:%S"
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def tagged(body: bytes, content_type: str, last_modified: str | None = None) -> Reply:
    """A reply with the strong ETag of its bytes, as GOV.UK, GitHub and NOMIS send."""
    return Reply(body=body, headers={"Content-Type": content_type}, etag=etag_of(body), last_modified=last_modified)


def tagged_json(data: Any) -> Reply:
    return tagged(json.dumps(data).encode("utf-8"), "application/json; charset=utf-8")


def asset(body: bytes, content_type: str) -> Reply:
    """A GOV.UK asset: ETag and Last-Modified."""
    return tagged(body, content_type, LAST_MODIFIED)


# --- GOV.UK organisations and ministers ------------------------------------------------------------------------


def organisation_pages(base: str) -> dict[int, bytes]:
    records = json.loads(ORGANISATIONS.read_text(encoding="utf-8"))[:ORGANISATION_RECORDS]
    count = -(-len(records) // ORGANISATIONS_PAGE)
    pages = {}
    for n in range(1, count + 1):
        chunk = records[(n - 1) * ORGANISATIONS_PAGE : n * ORGANISATIONS_PAGE]
        page: dict[str, Any] = {"results": chunk, "current_page": n, "pages": count, "total": len(records)}
        if n < count:
            page["next_page_url"] = f"{base}/api/organisations?page={n + 1}"
        pages[n] = json.dumps(page).encode("utf-8")
    return pages


def role_page(path: str) -> bytes:
    """The recorded role page, as the page of the role at `path` (its own base_path, content_id and title)."""
    doc = json.loads((MINISTERS / "role" / "prime_minister.json").read_bytes())
    slug = path.rsplit("/", 1)[-1]
    doc["base_path"] = path.removeprefix("/api/content")
    doc["content_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, doc["base_path"]))
    doc["title"] = slug.replace("-", " ").capitalize()
    return json.dumps(doc).encode("utf-8")


# --- IfG through GitHub --------------------------------------------------------------------------------------


def ifg_tables() -> list[str]:
    return sorted(p.name for p in IFG.glob("*.csv"))


def ifg_raw(seen: Seen) -> Reply:
    _, sha, folder, name = seen.path.rsplit("/", 3)
    if sha != IFG_SHA or folder != "data" or not (IFG / name).is_file():
        return Reply(status=404, body=b"404: Not Found")
    return tagged((IFG / name).read_bytes(), "text/plain; charset=utf-8")


# --- ONS ArcGIS and NOMIS ------------------------------------------------------------------------------------

LOOKUPS = {  # the recorded 2022 lookups, their columns named in the service's vintage
    "RGN": (ONS / "Local_Authority_District_to_Region_(December_2022)_Lookup_in_England.csv"),
    "CAUTH": (ONS / "lad22_cauth22.csv"),
}
BOUNDARIES = {
    "LAD": ONS / "derived" / "lad22_buc_wgs84.geojson",
    "CAUTH": ONS / "derived" / "cauth22_buc_wgs84.geojson",
}


def vintage(service: str) -> str:
    """The two-digit year in a service name: LAD24_RGN24_EN_LU -> 24, CAUTH_MAY_2025_EN_BGC -> 25."""
    digits = [part[-2:] for part in service.replace("_", " ").split() if part[-2:].isdigit()]
    return digits[0]


def lookup_rows(service: str) -> tuple[list[str], list[dict[str, str]]]:
    kind = "CAUTH" if "CAUTH" in service else "RGN"
    with LOOKUPS[kind].open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        year = vintage(service)
        rename = {n: n.replace("22", year) for n in reader.fieldnames or []}
        return list(rename.values()), [{rename[k]: v for k, v in row.items()} for row in reader]


def layer(edit: int) -> Callable[[Seen], Reply]:
    def info(seen: Seen) -> Reply:
        if seen.arg("f") != "json":
            return Reply.json({"error": {"code": 400, "message": "Invalid or missing input parameters."}})
        return Reply.json({"name": "layer", "maxRecordCount": ARCGIS_PAGE, "editingInfo": {"lastEditDate": edit}})

    return info


def lookup_query(service: str) -> Callable[[Seen], Reply]:
    def query(seen: Seen) -> Reply:
        fields, rows = lookup_rows(service)
        offset = int(seen.arg("resultOffset") or 0)
        page = rows[offset : offset + ARCGIS_PAGE]
        body: dict[str, Any] = {
            "fields": [{"name": n, "type": "esriFieldTypeString"} for n in fields],
            "features": [{"attributes": {**r, "ObjectId": int(r["ObjectId"])}} for r in page],
        }
        if offset + ARCGIS_PAGE < len(rows):
            body["exceededTransferLimit"] = True
        return Reply.json(body)

    return query


def postcode_layer(edit: int) -> Callable[[Seen], Reply]:
    def info(seen: Seen) -> Reply:
        fields = [{"name": n, "type": "esriFieldTypeString"} for n in POSTCODE_LAYER_FIELDS]
        return Reply.json(
            {"name": "postcodes", "maxRecordCount": 2, "fields": fields, "editingInfo": {"lastEditDate": edit}}
        )

    return info


def postcode_query(seen: Seen) -> Reply:
    """Two postcodes a page, with only the fields asked for (`outFields`), as ArcGIS answers."""
    wanted = (seen.arg("outFields") or "*").split(",")
    offset = int(seen.arg("resultOffset") or 0)
    features = []
    for n, (pcds, lad) in enumerate(POSTCODES[offset : offset + 2], offset + 1):
        values = [n, pcds.replace(" ", ""), pcds, pcds, "199801", None, "0", "E00000000", lad]
        record = dict(zip(POSTCODE_LAYER_FIELDS, values, strict=True))
        features.append({"attributes": {k: v for k, v in record.items() if "*" in wanted or k in wanted}})
    body: dict[str, Any] = {"fields": [{"name": n} for n in POSTCODE_LAYER_FIELDS if n in wanted], "features": features}
    if offset + 2 < len(POSTCODES):
        body["exceededTransferLimit"] = True
    return Reply.json(body)


def boundary_query(service: str) -> Callable[[Seen], Reply]:
    source = BOUNDARIES["CAUTH" if service.startswith("CAUTH") else "LAD"]

    def query(seen: Seen) -> Reply:
        if seen.arg("f") != "geojson" or seen.arg("outSR") != "4326":
            return Reply.json({"error": {"code": 400, "message": "expected f=geojson&outSR=4326"}})
        features = json.loads(source.read_text(encoding="utf-8"))["features"]
        offset = int(seen.arg("resultOffset") or 0)
        body: dict[str, Any] = {"type": "FeatureCollection", "features": features[offset : offset + ARCGIS_PAGE]}
        if offset + ARCGIS_PAGE < len(features):
            body["properties"] = {"exceededTransferLimit": True}
        return Reply.json(body)

    return query


def nomis_page(seen: Seen) -> Reply:
    """A page of the recorded NM_2002_1 extract; every page carries the dataset version's ETag."""
    body = (ONS / "nomis_mid2021_population_estimates_lad.csv").read_bytes()
    lines = body.splitlines(keepends=True)
    offset = int(seen.arg("recordOffset") or 0)
    page = lines[0] + b"".join(lines[1 + offset : 1 + offset + NOMIS_ROWS])
    return Reply(body=page, headers={"Content-Type": "text/csv"}, etag=etag_of(body))


# --- GOV.UK Search and Content API: SME annexes, Digital Marketplace spend, CCS customers ----------------------


@dataclass(frozen=True)
class Publication:
    """A GOV.UK publication page found by search: its Search API organisation, title and one file."""

    path: str
    organisation: str
    title: str
    file_name: str
    content_type: str
    body: Callable[[], bytes]

    @property
    def file_path(self) -> str:
        return f"/media/{hashlib.sha256(self.path.encode()).hexdigest()[:8]}/{self.file_name}"


def sme_annex_csv(start: int) -> bytes:
    import random

    from pipelines.sme_spend.sample import year_csv

    return year_csv(start, random.Random(start))


def csv_as_xlsx(data: bytes, sheet: str) -> bytes:
    """The rows of a CSV saved as a workbook (numbers as numbers), as publishers save the same table."""
    import tempfile

    from tests.workbooks import write_xlsx

    text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    rows: list[list[object]] = [[_number(c) for c in row] for row in csv.reader(io.StringIO(text))]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_xlsx(Path(tmp) / "book.xlsx", {sheet: rows})
        return path.read_bytes()


def _number(cell: str) -> object:
    """A plain decimal number as a number; anything else (codes with leading zeros, money, %) as typed."""
    text = cell.strip()
    return float(text) if _NUMBER.fullmatch(text) else cell


def gcloud_slice(name: str) -> bytes:
    """The header and the first GCLOUD_ROWS rows of a recorded G-Cloud spend file, bytes as published."""
    data = (GCLOUD / name).read_bytes()
    end = "\r" if b"\r\n" not in data[:4096] and b"\r" in data[:4096] else "\n"
    lines = data.split(end.encode())
    return end.encode().join(lines[: GCLOUD_ROWS + 1]) + end.encode()


PUBLICATIONS = (
    Publication(
        "/government/publications/central-government-spend-with-smes-2021-to-2022",
        "cabinet-office",
        "Central Government spend with SMEs 2021 to 2022",
        "sme-spend-2021-22.csv",
        "text/csv",
        lambda: sme_annex_csv(2021),
    ),
    Publication(
        "/government/publications/central-government-spend-with-small-and-medium-sized-enterprises-2019-to-2020",
        "cabinet-office",
        "Central government spend with small and medium-sized enterprises 2019 to 2020",
        "sme-spend-2019-20.xlsx",
        XLSX,
        lambda: csv_as_xlsx(sme_annex_csv(2019), "Annex A"),
    ),
    Publication(
        "/government/statistics/digital-marketplace-spend-statistics-july-2014",
        "crown-commercial-service",
        "Digital Marketplace spend statistics: July 2014",
        "G-Cloud-Spend-14-07-14-v2-For-import.csv",
        "text/csv",
        lambda: gcloud_slice("G-Cloud-Spend-14-07-14-v2-For-import.csv"),
    ),
    Publication(
        "/government/publications/g-cloud-sales-figures-december-2013",
        "government-digital-service",
        "G-Cloud sales figures: December 2013",
        "G-Cloud-Total-Spend-13-12-13.xlsx",
        XLSX,
        lambda: csv_as_xlsx(gcloud_slice("G-Cloud-Total-Spend-13-12-13.csv"), "G-Cloud spend"),
    ),
)
#: Results the Search API also returns that no title rule keeps.
UNWANTED = {
    "cabinet-office": ("/government/publications/special-advisers-gifts", "Special advisers' gifts and hospitality"),
    "crown-commercial-service": ("/government/news/ccs-annual-report", "CCS annual report and accounts"),
    "government-digital-service": ("/government/news/gds-blog-roundup", "GDS blog round-up"),
}


def content_page(base: str, path: str, title: str, attachment: dict[str, Any]) -> bytes:
    """The recorded GOV.UK publication page, as the page at `path` with `attachment` as its one file."""
    doc = json.loads((CONTENT / "publication-with-featured-attachments.json").read_bytes())
    recorded = doc["details"]["attachments"][0]
    doc["base_path"], doc["title"] = path, title
    doc["details"]["attachments"] = [{**recorded, **attachment, "url": base + attachment["url"]}]
    doc["details"]["featured_attachments"] = [attachment["id"]]
    return json.dumps(doc).encode("utf-8")


def search_answer(seen: Seen) -> Reply:
    """Offset paging over the publications of the organisation filtered on, as the Search API answers."""
    org = seen.arg("filter_organisations") or ""
    if not seen.arg("q") or "link" not in seen.query.get("fields", []):
        return Reply.json({"error": "q and fields are required here"}, status=422)
    found = [(p.path, p.title) for p in PUBLICATIONS if p.organisation == org]
    found += [UNWANTED[org]] if org in UNWANTED else []
    results = [{"link": link, "title": title, "format": "publication"} for link, title in found]
    start, count = int(seen.arg("start") or 0), int(seen.arg("count") or 10)
    return tagged_json({"results": results[start : start + count], "total": len(results), "start": start})


# --- Contracts Finder and Find a Tender ----------------------------------------------------------------------


@dataclass
class Notices:
    """A notices API paged by cursor: the releases published inside the window asked for (`names`)."""

    base: str
    path: str
    names: tuple[str, str]
    releases: list[dict[str, Any]]
    published: dt.datetime
    windows: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, seen: Seen) -> Reply:
        if "stages" in seen.query:
            return Reply.json({"error": "stages is not expected"}, status=400)
        cursor = seen.arg("cursor")
        if cursor is None:
            start, end = seen.arg(self.names[0]) or "", seen.arg(self.names[1]) or ""
            self.windows.append((start, end))
            inside = self.published.strftime(STAMP) >= start and self.published.strftime(STAMP) <= end
            cursor = str(0 if inside else len(self.releases))
        offset = int(cursor)
        page = self.releases[offset : offset + NOTICES_PAGE]
        data: dict[str, Any] = {"uri": self.base + self.path, "publisher": {"name": "Cabinet Office"}, "releases": page}
        if offset + NOTICES_PAGE < len(self.releases) and page:
            data["links"] = {"next": f"{self.base}{self.path}?cursor={offset + NOTICES_PAGE}&limit={NOTICES_PAGE}"}
        return Reply.json(data)


def fts_releases() -> list[dict[str, Any]]:
    from tests.pipelines.notices.test_find_a_tender import award, fts_release

    tenders = [fts_release(f"0140{n:02d}-2026", ocid=f"ocds-h6vhtk-06{n:04x}") for n in range(150)]
    return [*tenders, award(tenders[0], "024000-2026", "2026-11-20T09:00:00+00:00")]


# --- all of them ---------------------------------------------------------------------------------------------


class Publishers:
    """Every source's publisher on one server; `serve()` routes them all."""

    def __init__(self, server: ReplayServer) -> None:
        self.server = server
        started = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        self.contracts_finder = Notices(
            server.url, CF_PATH, ("publishedFrom", "publishedTo"), [], started - dt.timedelta(days=3)
        )
        self.find_a_tender = Notices(
            server.url, FTS_PATH, ("updatedFrom", "updatedTo"), [], started - dt.timedelta(days=3)
        )

    @staticmethod
    def missing() -> list[Path]:
        return [p for p in RECORDED if not p.exists()]

    def serve(self) -> None:
        self.serve_govuk()
        self.serve_github()
        self.serve_ons()
        self.server.route(NOMIS_PATH, nomis_page)
        self.serve_publications()
        self.serve_notices()

    def serve_govuk(self) -> None:
        pages = organisation_pages(self.server.url)

        def organisations(seen: Seen) -> Reply:
            n = int(seen.arg("page") or 1)
            return tagged(pages[n], "application/json; charset=utf-8") if n in pages else Reply(status=404)

        index = (MINISTERS / "ministers_index" / "ministers_index-reshuffle-mode-off.json").read_bytes()
        self.server.route("/api/organisations", organisations)
        self.server.route(MINISTERS_INDEX, tagged(index, "application/json; charset=utf-8"))
        self.server.route(
            MINISTERS_INDEX + "/*", lambda seen: tagged(role_page(seen.path), "application/json; charset=utf-8")
        )

    def serve_github(self) -> None:
        commit = {"sha": IFG_SHA, "commit": {"committer": {"date": "2026-11-28T10:00:00Z"}}}
        listing = [{"name": t, "type": "file"} for t in ifg_tables()] + [{"name": "README.md", "type": "file"}]
        self.server.route(f"/repos/{IFG_REPO}/commits/main", tagged_json(commit))
        self.server.route(f"/repos/{IFG_REPO}/contents/data", tagged_json(listing))
        self.server.route(f"/{IFG_REPO}/*", ifg_raw)

    def serve_ons(self) -> None:
        for n, (_file, service, kind) in enumerate(config.ONS_SERVICES):
            self.server.route(f"/{service}/FeatureServer/0", layer(1_730_000_000_000 + n))
            query = lookup_query(service) if kind == "lookup" else boundary_query(service)
            self.server.route(f"/{service}/FeatureServer/0/query", query)
        for n, (_file, service) in enumerate(config.ONS_POSTCODE_SERVICES):
            self.server.route(f"/{service}/FeatureServer/0", postcode_layer(1_740_000_000_000 + n))
            self.server.route(f"/{service}/FeatureServer/0/query", postcode_query)

    def serve_publications(self) -> None:
        base = self.server.url
        self.server.route("/api/search.json", search_answer)
        for pub in PUBLICATIONS:
            attachment = {
                "id": pub.file_name,
                "title": pub.title,
                "url": pub.file_path,
                "filename": pub.file_name,
                "content_type": pub.content_type,
            }
            page = content_page(base, pub.path, pub.title, attachment)
            self.server.route("/api/content" + pub.path, tagged(page, "application/json; charset=utf-8"))
            self.server.route(pub.file_path, asset(pub.body(), pub.content_type))
        self.serve_ccs_customers()

    def serve_ccs_customers(self) -> None:
        """The page the `ccs-customer-urn` source reads, with the customer URN list workbook as its attachment."""
        attachment = {
            "id": "customer-urn-list",
            "title": "Customer URN list",
            "url": "/media/ccs/Customer_URN_List.xlsx",
            "filename": "Customer_URN_List.xlsx",
            "content_type": XLSX,
        }
        title = "Current Crown Commercial Service suppliers: what you need to know"
        page = content_page(self.server.url, CCS_PAGE, title, attachment)
        self.server.route("/api/content" + CCS_PAGE, tagged(page, "application/json; charset=utf-8"))
        self.server.route(attachment["url"], asset(CCS_CUSTOMERS.read_bytes(), XLSX))

    def serve_notices(self) -> None:
        lines = CF_RELEASES.read_text(encoding="utf-8").splitlines()
        self.contracts_finder.releases = [json.loads(line) for line in lines if line.strip()]
        self.find_a_tender.releases = fts_releases()
        self.server.route(CF_PATH, self.contracts_finder)
        self.server.route(FTS_PATH, self.find_a_tender)
