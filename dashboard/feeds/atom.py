"""An Atom (RFC 4287) feed of new IT notices: one entry per notice, newest first.

Pure: rows of the it_notices_feed query in, bytes out. Every third-party value goes into a `type="text"` element
through ElementTree, which escapes &, < and > (and quotes in attributes): supplier-written markup reaches a reader as
text, never as elements or HTML. Characters XML 1.0 cannot carry (most C0 controls) are dropped, and the entry link
is the notice link only when it is an https:// address.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping

from dashboard.feeds.ical import https_only
from dashboard.format import money

ATOM_NS = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: object) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def timestamp(day: object) -> str:
    """A publication date as an RFC 3339 instant (midnight UTC on that day)."""
    if isinstance(day, dt.datetime):
        return day.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(day, dt.date):
        return f"{day:%Y-%m-%d}T00:00:00Z"
    raise TypeError(f"not a date: {day!r}")


def _add(parent: ET.Element, tag: str, value: object = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if value is not None:
        element.text = xml_text(value)
    return element


def summary(row: Mapping[str, object]) -> str:
    value = row.get("value_gbp")
    parts = [
        f"Buyer: {row.get('buyer_name') or 'not stated'}",
        f"Notice: {row.get('notice_type') or 'not stated'}",
        f"Value: {'not stated' if value is None else money(float(value))}",  # type: ignore[arg-type]
        f"IT by CPV code {row.get('it_cpv_code') or '?'} (group {row.get('it_cpv_group') or '?'})",
    ]
    if row.get("deadline_date"):
        parts.append(f"Deadline: {row['deadline_date']}")
    if row.get("supplier_names"):
        parts.append(f"Awarded to: {row['supplier_names']}")
    return ". ".join(parts) + "."


def feed_bytes(
    rows: Iterable[Mapping[str, object]], *, title: str, feed_id: str, self_url: str, updated: dt.datetime
) -> bytes:
    """The feed document, UTF-8 with an XML declaration."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _add(feed, f"{{{ATOM_NS}}}title", title, type="text")
    _add(feed, f"{{{ATOM_NS}}}id", feed_id)
    _add(feed, f"{{{ATOM_NS}}}updated", timestamp(updated))
    _add(feed, f"{{{ATOM_NS}}}link", rel="self", href=self_url, type="application/atom+xml")
    author = _add(feed, f"{{{ATOM_NS}}}author")
    _add(
        author,
        f"{{{ATOM_NS}}}name",
        "Technology procurement reform dashboard (Contracts Finder and Find a Tender data)",
    )
    _add(feed, f"{{{ATOM_NS}}}generator", "procurement-reform-dashboard")
    for row in rows:
        entry = _add(feed, f"{{{ATOM_NS}}}entry")
        _add(entry, f"{{{ATOM_NS}}}title", row.get("title") or "Untitled notice", type="text")
        _add(entry, f"{{{ATOM_NS}}}id", f"urn:contracts-finder:notice:{xml_text(row['notice_id'])}")
        _add(entry, f"{{{ATOM_NS}}}updated", timestamp(row["published_date"]))
        _add(entry, f"{{{ATOM_NS}}}published", timestamp(row["published_date"]))
        url = https_only(row.get("url"))
        if url:
            _add(entry, f"{{{ATOM_NS}}}link", rel="alternate", href=url, type="text/html")
        entry_author = _add(entry, f"{{{ATOM_NS}}}author")
        _add(entry_author, f"{{{ATOM_NS}}}name", row.get("buyer_name") or "Buyer not stated")
        if row.get("it_cpv_group"):
            _add(entry, f"{{{ATOM_NS}}}category", term=str(row["it_cpv_group"]), label="IT CPV group")
        _add(entry, f"{{{ATOM_NS}}}summary", summary(row), type="text")
        if row.get("description"):
            _add(entry, f"{{{ATOM_NS}}}content", row["description"], type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
