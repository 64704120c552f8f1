"""The subscribable feeds (dashboard/feeds): the writers on small rows, and the routes on the fixture warehouse,
each document read back by a real parser (icalendar, feedparser) and checked against independent SQL."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import icalendar
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dashboard.feeds import ATOM_PATH, CALENDAR_PATH, atom, atom_url, calendar_url, ical, origin
from dashboard.feeds.routes import ROUTES
from dashboard.format import money
from dashboard.notices import logic
from tests.dashboard.conftest import HOSTILE_VALUES, independent
from tests.dashboard.notices.conftest import HOSTILE_DESCRIPTION, HOSTILE_OCID, HOSTILE_SUPPLIER, HOSTILE_TITLE

STAMP = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def contract(**over: object) -> dict:
    row = {
        "contract_id": "ocds-b5fd17-1",
        "notice_id": "n-1",
        "contract_end": dt.date(2027, 3, 31),
        "title": "Case management system",
        "buyer_name": "DVLA",
        "buyer_display_name": "Driver and Vehicle Licensing Agency",
        "department_name": "Department for Transport",
        "supplier_names": "Small Co Ltd",
        "incumbent_is_sme": True,
        "value_gbp": 1_250_000.0,
        "value_source": "awarded",
        "is_it": True,
        "contract_start": dt.date(2024, 4, 1),
        "contract_period_source": "award",
        "url": "https://www.contractsfinder.service.gov.uk/Notice/1",
    }
    return row | over


def events(body: bytes) -> list:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


# --------------------------------------------------------------------------------------------- the writers


def test_text_escapes_and_newlines() -> None:
    assert ical.text("a\\b;c,d") == "a\\\\b\\;c\\,d"
    assert ical.text("one\r\ntwo\rthree\nfour\u2028five") == "one\\ntwo\\nthree\\nfour\\nfive"
    assert ical.text("bell\x07 nul\x00") == "bell nul"


def test_fold_at_75_octets_never_inside_a_character() -> None:
    line = "SUMMARY:" + "£é漢🙂" * 40
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line
    folded.encode("utf-8").decode("utf-8")  # every part is whole UTF-8


def test_calendar_round_trips_through_icalendar() -> None:
    body = ical.calendar_bytes([contract(), contract(contract_id="x", url="javascript:alert(1)")], name="IT", built_at=STAMP)
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    first, second = events(body)
    assert str(first["SUMMARY"]) == "Contract ends: Case management system"
    assert first.decoded("DTSTART") == dt.date(2027, 3, 31) and first.decoded("DTEND") == dt.date(2027, 4, 1)
    description = str(first["DESCRIPTION"])
    for fact in ("Value: £1.3m (awarded)", "Buyer: Driver and Vehicle Licensing Agency", "Small Co Ltd (SME)",
                 "Department: Department for Transport", "https://www.contractsfinder.service.gov.uk/Notice/1"):  # fmt: skip
        assert fact in description
    assert str(first["URL"]) == "https://www.contractsfinder.service.gov.uk/Notice/1"
    assert "URL" not in second and "javascript" not in body.decode()
    assert str(first["UID"]) != str(second["UID"])


def test_hostile_text_cannot_break_out_of_its_property() -> None:
    row = contract(title=HOSTILE_TITLE, supplier_names=HOSTILE_SUPPLIER, buyer_display_name="x;y,z\\")
    body = ical.calendar_bytes([row], name="IT\r\nX-INJECTED:1", built_at=STAMP)
    (event,) = events(body)  # the title's END:VEVENT / BEGIN:VEVENT lines stayed inside its SUMMARY
    assert str(event["SUMMARY"]) == "Contract ends: " + HOSTILE_TITLE.replace("\r\n", "\n")
    assert "Buyer: x;y,z\\" in str(event["DESCRIPTION"]) and HOSTILE_SUPPLIER in str(event["DESCRIPTION"])
    assert "X-INJECTED" not in icalendar.Calendar.from_ical(body)
    for line in body.decode().split("\r\n"):  # no line starts with a property of the supplier's making
        assert not line.startswith(("SUMMARY:injected", "END:VEVENT\\", "X-INJECTED"))
    text_lines = [line for line in body.decode().split("\r\n") if line.startswith(("SUMMARY:", "DESCRIPTION:", "X-WR"))]
    assert len(text_lines) == 3
    assert not any(line.split(":", 1)[1].startswith(("=", "+", "-", "@")) for line in text_lines)  # labels first


def test_atom_round_trips_through_feedparser_and_escapes_markup() -> None:
    rows = [
        {"notice_id": "n-1", "title": HOSTILE_TITLE, "description": HOSTILE_DESCRIPTION, "buyer_name": "A & B <Council>",
         "notice_type": "tender", "published_date": dt.date(2026, 11, 20), "deadline_date": dt.date(2026, 12, 20),
         "value_gbp": 50000.0, "it_cpv_group": "72", "it_cpv_code": "72000000", "supplier_names": None,
         "url": "https://www.contractsfinder.service.gov.uk/Notice/1"},
        {"notice_id": "n-2", "title": "Laptops\x00\x07", "description": None, "buyer_name": None, "notice_type": None,
         "published_date": dt.date(2026, 11, 1), "deadline_date": None, "value_gbp": None, "it_cpv_group": "302",
         "it_cpv_code": "30213000", "supplier_names": None, "url": "javascript:alert(1)"},
    ]  # fmt: skip
    body = atom.feed_bytes(rows, title="New IT notices", feed_id="urn:x", self_url="http://h/feeds", updated=STAMP)
    root = ET.fromstring(body)
    ns = {"a": atom.ATOM_NS}
    assert len(root.findall("a:entry", ns)) == 2  # the description's </content><entry> stayed text
    assert not root.findall(".//a:entry/a:content/*", ns) and not root.findall(".//{*}script", ns)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    first, second = parsed.entries
    assert first.title == HOSTILE_TITLE.replace("\r\n", "\n")  # XML reads CRLF as LF; otherwise exactly as written
    assert first.link == "https://www.contractsfinder.service.gov.uk/Notice/1" and first.author == "A & B <Council>"
    assert HOSTILE_DESCRIPTION in first.content[0].value
    assert second.title == "Laptops"  # control characters XML cannot carry are dropped
    assert not [link for link in second.get("links", []) if "javascript" in link.href]


def test_feed_addresses() -> None:
    assert origin("http://localhost:8501/contracts?area=x") == "http://localhost:8501"
    assert origin(None) == "" and origin("javascript:alert(1)") == ""
    url = calendar_url("https://d.example", "Greater Manchester", "All", 36)
    assert url == "https://d.example/feeds/contracts.ics?area=Greater+Manchester&contracts=All&horizon=36"
    assert atom_url("", "All areas (UK-wide)") == "/feeds/it-notices.atom"
    assert "%26" in atom_url("", "A & B") and "%3C" in atom_url("", "<x>")


# --------------------------------------------------------------------------------------------- the routes


@pytest.fixture
def client(wh: Path) -> TestClient:
    return TestClient(Starlette(routes=ROUTES))


def expected_contracts(wh: Path, level: str, code: str, horizon: int, it: bool) -> list[str]:
    today = dt.date.today()
    rows = independent(
        wh,
        """WITH awarded AS (
               SELECT f.*, row_number() OVER (PARTITION BY coalesce(f.ocid, f.notice_id)
                   ORDER BY f.published_date DESC, f.source_file DESC, f.source_line DESC, f.notice_id DESC) AS r
               FROM fact_contract_notice f WHERE f.awarded_date IS NOT NULL AND f.contract_end IS NOT NULL)
           SELECT a.title FROM awarded a JOIN mart_notice_area m USING (notice_id)
           WHERE a.r = 1 AND m.area_level = $level AND m.area_code = $code
             AND a.contract_end BETWEEN $today AND $until AND (a.is_it OR NOT $it)""",
        level=level, code=code, today=today, until=logic.add_months(today, horizon), it=it,
    )  # fmt: skip
    return sorted("Contract ends: " + t for t in rows["title"])


def test_calendar_for_all_areas_matches_independent_sql(client: TestClient, wh: Path) -> None:
    response = client.get(CALENDAR_PATH)
    assert response.status_code == 200 and response.headers["content-type"] == "text/calendar; charset=utf-8"
    got = events(response.content)
    assert sorted(str(e["SUMMARY"]) for e in got) == expected_contracts(wh, "national", "ALL", 12, True)
    assert got and all("Buyer: " in str(e["DESCRIPTION"]) and "Value: " in str(e["DESCRIPTION"]) for e in got)


def test_calendar_for_a_city_region_all_contracts_36_months(client: TestClient, wh: Path) -> None:
    response = client.get(CALENDAR_PATH, params={"area": "Greater Manchester", "contracts": "all", "horizon": "36"})
    assert response.status_code == 200
    code = independent(wh, "SELECT area_code FROM dim_area WHERE area_name = 'Greater Manchester'").item()
    expected = expected_contracts(wh, "combined_authority", code, 36, False)
    assert sorted(str(e["SUMMARY"]) for e in events(response.content)) == expected and expected


def test_atom_lists_the_newest_it_notices(client: TestClient, wh: Path) -> None:
    response = client.get(ATOM_PATH)
    assert response.status_code == 200 and response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    expected = independent(
        wh,
        """SELECT f.notice_id FROM fact_contract_notice f JOIN mart_notice_area m USING (notice_id)
           WHERE m.area_level = 'national' AND f.is_it ORDER BY f.published_date DESC, f.notice_id LIMIT 50""",
    )
    assert [e.id.rsplit(":", 1)[1] for e in parsed.entries] == expected["notice_id"].to_list()
    assert parsed.feed.links[0].href.endswith(ATOM_PATH)


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_unknown_area_is_404_with_a_message(client: TestClient, value: str) -> None:
    for path in (CALENDAR_PATH, ATOM_PATH):
        response = client.get(path, params={"area": value})
        assert response.status_code == 404
        assert response.text.startswith("Unknown area") and len(response.text) < 400


@pytest.mark.parametrize(
    "params",
    [{"horizon": "7"}, {"horizon": "12.0"}, {"contracts": "none"}, {"contracts": "x" * 10_000}, {"horizon": ["6", "12"]}],
)
def test_bad_parameters_are_400_with_a_message(client: TestClient, params: dict) -> None:
    response = client.get(CALENDAR_PATH, params=params)
    assert response.status_code == 400 and len(response.text) < 400


def test_unknown_parameters_are_ignored_and_etag_revalidates(client: TestClient) -> None:
    first = client.get(CALENDAR_PATH, params={"x-client": "1"})
    assert first.status_code == 200
    again = client.get(CALENDAR_PATH, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and not again.content


def test_documents_are_cached_per_warehouse_signature(hostile_notice_warehouse: Path, use_warehouse, client: TestClient) -> None:
    before = client.get(CALENDAR_PATH, params={"area": "Greater Manchester", "horizon": "6"})
    use_warehouse(hostile_notice_warehouse)
    after = client.get(CALENDAR_PATH, params={"area": "Greater Manchester", "horizon": "6"})
    assert after.status_code == 200 and after.content != before.content
    titles = [str(e["SUMMARY"]) for e in events(after.content)]
    assert "Contract ends: " + HOSTILE_TITLE.replace("\r\n", "\n") in titles
    (hostile,) = [e for e in events(after.content) if str(e["SUMMARY"]).startswith("Contract ends: Evil")]
    assert str(hostile["UID"]).startswith(HOSTILE_OCID)
    assert HOSTILE_SUPPLIER in str(hostile["DESCRIPTION"]) and money(240000) in str(hostile["DESCRIPTION"])
    feed = feedparser.parse(client.get(ATOM_PATH, params={"area": "Greater Manchester"}).content)
    assert not feed.bozo and any(e.title.startswith("Evil") for e in feed.entries)


def test_an_unreadable_warehouse_is_503_not_500(tmp_path: Path, use_warehouse, client: TestClient) -> None:
    use_warehouse(tmp_path / "missing.duckdb")
    response = client.get(CALENDAR_PATH)
    assert response.status_code == 503 and "cannot be read" in response.text
