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
