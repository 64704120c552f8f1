"""A warehouse whose notices include a hostile one: supplier-written text that tries markup, Markdown, spreadsheet
formulas and CR/LF injection into iCalendar lines (used by the page's and the feeds' tests)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

HOSTILE_OCID = "ocds-b5fd17-0bad0bad-0bad-4bad-8bad-0bad0bad0bad"
HOSTILE_NOTICE = "0bad0bad-0bad-4bad-8bad-0bad0bad0bad-1"
HOSTILE_TITLE = (
    'Evil =HYPERLINK("http://x","y") **bold** [click](javascript:alert(1)) <script>alert(1)</script> :red[x] $x$'
    "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected"
)
HOSTILE_SUPPLIER = "=cmd|' /C calc'!A0 <b>Ltd</b>"
HOSTILE_DESCRIPTION = "]]></content><entry><title>injected</title> & <img src=x onerror=alert(1)>"


def hostile_release(today: dt.date) -> dict:
    """An IT award by Manchester City Council ending in two months (inside every window of the page)."""
    end = today + dt.timedelta(days=60)
    return {
        "ocid": HOSTILE_OCID,
        "id": HOSTILE_NOTICE,
        "date": f"{today - dt.timedelta(days=5):%Y-%m-%d}T10:00:00Z",
        "tag": ["award"],
        "tender": {
            "title": HOSTILE_TITLE,
            "description": HOSTILE_DESCRIPTION,
            "status": "complete",
            "classification": {"scheme": "CPV", "id": "72000000"},
            "value": {"amount": 250000, "currency": "GBP"},
            "suitability": {"sme": True, "vcse": False},
        },
        "parties": [
            {"id": "B1", "name": "Manchester City Council", "roles": ["buyer"]},
            {"id": "S1", "name": HOSTILE_SUPPLIER, "details": {"scale": "sme"}, "roles": ["supplier"]},
        ],
        "buyer": {"id": "B1", "name": "Manchester City Council"},
        "awards": [
            {
                "id": "a1",
                "status": "active",
                "date": f"{today - dt.timedelta(days=10):%Y-%m-%d}",
                "value": {"amount": 240000, "currency": "GBP"},
                "suppliers": [{"id": "S1", "name": HOSTILE_SUPPLIER}],
                "contractPeriod": {"startDate": f"{today:%Y-%m-%d}", "endDate": f"{end:%Y-%m-%d}T23:59:59Z"},
            }
        ],
    }


@pytest.fixture(scope="session")
def hostile_notice_warehouse(sample_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipelines.warehouse.build import build

    raw = tmp_path_factory.mktemp("hostile_raw")
    shutil.copytree(sample_raw, raw, dirs_exist_ok=True)
    path = raw / "contracts-finder" / "zz-hostile.jsonl"
    path.write_text(json.dumps(hostile_release(dt.date.today())) + "\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("hostile_wh") / "warehouse.duckdb"
    build(raw, out)
    return out
