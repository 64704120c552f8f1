"""An iCalendar (RFC 5545) calendar of contract end dates: one all-day event per contract in the expiry pipeline.

Pure: rows of the expiry_pipeline query in, bytes out. Every third-party value (title, buyer, supplier) is TEXT
escaped as RFC 5545 3.3.11 says (backslash, semicolon, comma; CR, LF and CRLF become the two characters '\\n', so
supplier-written text can never start a new property or component), other control characters are dropped, and
lines are folded at 75 octets without splitting a UTF-8 character. Each such value follows a label of ours
('Contract ends: ', 'Buyer: '), so no field starts with a spreadsheet formula character; the event's URL is the
notice link only when it is an https:// address.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from dashboard.format import money

PRODID = "-//Technology procurement reform dashboard//Expiry pipeline//EN"
UID_DOMAIN = "procurement-reform-dashboard"
MAX_OCTETS = 75
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")


def text(value: object) -> str:
    """A TEXT value: control characters dropped, \\ ; , escaped, every kind of line break written as \\n."""
    cleaned = _CONTROL.sub("", "" if value is None else str(value))
    escaped = cleaned.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _NEWLINES.sub("\\\\n", escaped)


def uid_text(value: str) -> str:
    """A UID from our own keys (ocid or notice id): only the characters such keys use."""
    return re.sub(r"[^A-Za-z0-9:._-]", "-", value)


def fold(line: str) -> str:
    """A content line folded at 75 octets (continuations start with a space), never inside a UTF-8 character."""
    out: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = char, width, MAX_OCTETS - 1
        else:
            current += char
            size += width
    out.append(current)
    return "\r\n ".join(out)


def https_only(url: object) -> str | None:
    """The link when it is an https:// address with no whitespace or quotes (a URI value is not escaped)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url.lower().startswith("https://") or re.search(r"[\s\"<>\\^`{|}]", url):
        return None
    return url


def size_words(is_sme: object) -> str:
    return "SME" if is_sme is True else "large" if is_sme is False else "size not stated"


def event_lines(row: Mapping[str, object], stamp: str) -> list[str]:
    """One VEVENT: the contract's last day as an all-day event."""
    end = row["contract_end"]
    assert isinstance(end, dt.date)
    value = row.get("value_gbp")
    value_words = "not stated" if value is None else f"{money(float(value))} ({row.get('value_source') or 'stated'})"  # type: ignore[arg-type]
    url = https_only(row.get("url"))
    description = "\n".join(
        [
            f"Value: {value_words}",
            f"Buyer: {row.get('buyer_display_name') or row.get('buyer_name') or 'not stated'}",
            f"Department: {row.get('department_name') or 'none (not central government)'}",
            f"Incumbent supplier: {row.get('supplier_names') or 'not stated'} ({size_words(row.get('incumbent_is_sme'))})",
            f"Contract: {row.get('contract_start') or '?'} to {end} (end date as stated in the "
            f"{row.get('contract_period_source') or 'notice'})",
            f"IT by CPV: {'yes' if row.get('is_it') else 'no'}",
            f"Notice: {url or 'no https link published'}",
        ]
    )
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid_text(str(row.get('contract_id') or row.get('notice_id')))}@{UID_DOMAIN}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{end:%Y%m%d}",
        f"DTEND;VALUE=DATE:{end + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{text('Contract ends: ' + str(row.get('title') or 'untitled'))}",
        f"DESCRIPTION:{text(description)}",
        "TRANSP:TRANSPARENT",
    ]
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return lines


def calendar_bytes(rows: Iterable[Mapping[str, object]], *, name: str, built_at: dt.datetime) -> bytes:
    """The whole calendar, CRLF line ends, UTF-8."""
    stamp = built_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{text(name)}",
        "X-PUBLISHED-TTL:PT12H",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
    ]
    for row in rows:
        lines.extend(event_lines(row, stamp))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
