"""Paths and settings: the one place they are defined.

Constants only, no side effects. Environment variables override the defaults so
tests, benchmarks and the dashboard can point at another warehouse or raw folder.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"

#: Files exactly as publishers release them (git-ignored; never edited).
RAW_DIR = Path(os.environ.get("PROCUREMENT_RAW_DIR", DATA_DIR / "raw"))

#: Where `python -m pipelines sample` writes, and where `build` looks when RAW_DIR is empty.
SAMPLE_DIR = Path(os.environ.get("PROCUREMENT_SAMPLE_DIR", DATA_DIR / "sample"))

#: User-editable reference files (committed): buyer aliases, digital responsibilities.
USER_REFERENCE_DIR = DATA_DIR / "reference"
BUYER_ALIASES_PATH = USER_REFERENCE_DIR / "buyer_aliases.csv"
DIGITAL_RESPONSIBILITIES_PATH = USER_REFERENCE_DIR / "digital_responsibilities.csv"

#: Hand-written reference facts shipped with the code (departments, councils, ...).
CODE_REFERENCE_DIR = ROOT / "pipelines" / "reference"

#: The only file the dashboard reads.
WAREHOUSE_PATH = Path(os.environ.get("PROCUREMENT_WAREHOUSE", DATA_DIR / "warehouse.duckdb"))

#: The data dictionary, written from the warehouse schema by `python -m pipelines dictionary`.
DATA_DICTIONARY_PATH = ROOT / "DATA_DICTIONARY.md"

#: The government aspiration: one pound in three with SMEs.
SME_ASPIRATION_PCT = 33.0

#: File extensions `build` considers; anything else under the raw folder is listed as ignored.
RAW_EXTENSIONS = (".csv", ".json", ".jsonl", ".geojson", ".txt", ".xlsx", ".xls", ".ods")

#: The newest months of each framework family's latest release, marked provisional: late supplier returns
#: revise them heavily (one month rose 35% between the Nov 2013 and Jun 2014 G-Cloud releases).
PROVISIONAL_MONTHS = 2

#: Fuzzy buyer matching: minimum rapidfuzz score (0-100) to accept a candidate.
FUZZY_MATCH_THRESHOLD = 92.0

# --- fetching (python -m pipelines fetch) ------------------------------------------------------------------------
#: Who is asking: publishers see this in every request. PROCUREMENT_FETCH_CONTACT: a URL or address to reach you.
FETCH_USER_AGENT = (
    "tech-procurement-reform-dashboard/0.1 (UK public-sector procurement dashboard; "
    f"{os.environ.get('PROCUREMENT_FETCH_CONTACT', 'contact: see the project README')})"
)
FETCH_CONNECT_TIMEOUT, FETCH_READ_TIMEOUT = 10.0, 120.0
#: Every pause (spacing, Retry-After, backoff) is multiplied by this: tests set it near 0.
FETCH_WAIT_SCALE = float(os.environ.get("PROCUREMENT_FETCH_WAIT_SCALE", "1"))
#: Publishers' base URLs; PROCUREMENT_FETCH_<KEY>_URL overrides one (tests point them at a local server).
FETCH_BASE_URLS = {
    key: os.environ.get(f"PROCUREMENT_FETCH_{key.upper()}_URL", url)
    for key, url in {
        "govuk": "https://www.gov.uk",
        "arcgis": "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services",
        "nomis": "https://www.nomisweb.co.uk",
        "github_api": "https://api.github.com",
        "github_raw": "https://raw.githubusercontent.com",
        "contracts_finder": "https://www.contractsfinder.service.gov.uk",
        "find_a_tender": "https://www.find-tender.service.gov.uk",
    }.items()
}
#: ONS ArcGIS FeatureServer services: (file written, service name, lookup | boundaries). The vintage is in the
#: name and changes every year: a renamed service fails with its name, and is fixed here.
ONS_SERVICES = (
    ("lad24_rgn24_lookup.csv", "LAD24_RGN24_EN_LU", "lookup"),
    ("lad23_cauth23_lookup.csv", "LAD23_CAUTH23_EN_LU", "lookup"),
    ("lad25_cauth25_lookup.csv", "LAD25_CAUTH25_EN_LU", "lookup"),
    ("lad24_buc.geojson", "Local_Authority_Districts_December_2024_Boundaries_UK_BUC", "boundaries"),
    ("cauth25_bgc.geojson", "CAUTH_MAY_2025_EN_BGC", "boundaries"),
)
#: ONS postcode -> local authority district lookups (file written, service): the fields are chosen from the layer's
#: own list by pattern (postcode pcds/pcd..., district ladcd/lad<yy>cd/laua..., doterm), so a 2.7-million-row
#: lookup comes down as three short columns. [U] the service name (vintage in it) is not confirmed.
ONS_POSTCODE_SERVICES = (("pcd_lad_lookup.csv", "PCD_OA21_LSOA21_MSOA21_LAD_NOV25_UK_LU"),)
#: The GOV.UK guidance page whose attachments include the CCS customer URN list (dated, renamed each release).
CCS_CUSTOMER_PAGE = "/guidance/current-crown-commercial-service-suppliers-what-you-need-to-know"
#: NOMIS mid-year population estimates (dataset NM_2002_1): every local authority district, persons, all ages.
NOMIS_PARAMS = {"geography": "TYPE424", "date": "latest", "gender": "0", "c_age": "200", "measures": "20100"}
#: Contracts Finder and Find a Tender: a first run asks for this many days back (--since DATE for more); later
#: runs ask from the last successful run's end, less an overlap (a notice published twice is read once).
FETCH_NOTICES_FIRST_DAYS = 90
FETCH_NOTICES_OVERLAP_MINUTES = 60
