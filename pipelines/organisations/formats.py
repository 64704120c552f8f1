"""GOV.UK organisations API (https://www.gov.uk/api/organisations): who belongs to which department.

Two shapes are recognised from the records themselves (never the file name):

- a JSON array of organisation records (the API's pages concatenated, as in the real snapshot), and
- one page of the API as served: ``{"total": ..., "current_page": ..., "results": [...]}``.

A record is recognised by its keys: ``id``, ``title``, ``format`` and ``details.slug``. Parent, child and
superseded links arrive as ``{"id": "https://www.gov.uk/api/organisations/<slug>", "web_url": ...}``; the
slug is the last path segment of ``id`` (or ``web_url`` when ``id`` is missing).

Staging ``stg_organisation`` keeps one row per record with the link lists comma-joined, so the department
walk in `pipelines.organisations.tables` can run on plain frames. Records without a slug or title, records that are
not objects and repeated slugs are rejected with the 1-based record index as the line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl

from pipelines.core.loading import (
    LINE,
    Check,
    FileLoad,
    Format,
    apply_checks,
    make_reject,
    rejects_from_dicts,
    split_rejects,
)
from pipelines.core.parsing import parse_date
from pipelines.core.textio import Head, UnreadableFileError, read_json

SOURCE = "govuk_organisations"
STAGING = "stg_organisation"
FORMAT_ARRAY = "govuk_organisations_array"
FORMAT_PAGE = "govuk_organisations_page"
PUBLISHER = "GOV.UK (Government Digital Service), Organisations API"
LICENCE = "Open Government Licence v3.0"

#: Keys every organisation record carries; `details.slug` is checked separately.
RECORD_KEYS = frozenset({"id", "title", "format", "details"})
LINK_FIELDS = {
    "parent_slugs": "parent_organisations",
    "child_slugs": "child_organisations",
    "superseded_slugs": "superseded_organisations",
    "superseding_slugs": "superseding_organisations",
}

STAGING_SCHEMA = pl.Schema(
    {
        "slug": pl.String(),
        "title": pl.String(),
        "abbreviation": pl.String(),
        "format": pl.String(),
        "govuk_status": pl.String(),
        "closed_at": pl.Date(),
        "parent_slugs": pl.String(),
        "child_slugs": pl.String(),
        "superseded_slugs": pl.String(),
        "superseding_slugs": pl.String(),
        "content_id": pl.String(),
        "updated_at": pl.Datetime("us"),
        "source_file": pl.String(),
        "source_line": pl.Int64(),
    }
)

_RAW_COLUMNS = [c for c in STAGING_SCHEMA if c not in ("source_file",)]


# --------------------------------------------------------------------------------------------- detection


def first_array_item(text: str, key: str | None) -> object | None:
    """The first element of the top-level array (key=None) or of the array under `"key": [` in `text`.

    Decodes only that element, so detection works on a 64 KiB head even when the file is far larger.
    """
    if key is None:
        stripped = text.lstrip()
        if not stripped.startswith("["):
            return None
        pos = len(text) - len(stripped) + 1
    else:
        match = re.search(rf'"{re.escape(key)}"\s*:\s*\[', text)
        if match is None:
            return None
        pos = match.end()
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text) or text[pos] != "{":
        return None
    try:
        item, _ = json.JSONDecoder().raw_decode(text, pos)
    except ValueError:
        return None
    return item


def is_organisation_record(record: object) -> bool:
    """True when `record` has the GOV.UK organisation keys (id, title, format, details.slug)."""
    if not isinstance(record, dict) or not RECORD_KEYS <= record.keys():
        return False
    details = record.get("details")
    return isinstance(details, dict) and "slug" in details


def _head_is_json(head: Head) -> bool:
    return head.kind in ("json", "jsonl")


def matches_array(head: Head) -> bool:
    """A JSON array whose first element is an organisation record."""
    return _head_is_json(head) and is_organisation_record(first_array_item(head.text, None))


def resembles_page(head: Head) -> bool:
    """An API page: `results` with the API's paging keys."""
    return head.kind == "json" and '"results"' in head.text and ('"current_page"' in head.text or '"pages"' in head.text)


def matches_page(head: Head) -> bool:
    """An API page object: `results` holds organisation records."""
    if not _head_is_json(head) or not head.text.lstrip().startswith("{"):
        return False
    return is_organisation_record(first_array_item(head.text, "results"))


# --------------------------------------------------------------------------------------------- loading


def slug_from_link(link: object) -> str | None:
    """'https://www.gov.uk/api/organisations/home-office' -> 'home-office' (None when absent)."""
    if isinstance(link, str):
        url = link
    elif isinstance(link, dict):
        url = link.get("id") or link.get("web_url") or link.get("slug") or ""
    else:
        return None
    slug = str(url).rstrip("/").rsplit("/", 1)[-1].strip()
    return slug or None


def joined_slugs(links: object) -> str | None:
    """Comma-joined slugs of a link list, in publisher order, without repeats (None when empty)."""
    if not isinstance(links, list):
        return None
    slugs: list[str] = []
    for link in links:
        slug = slug_from_link(link)
        if slug and slug not in slugs:
            slugs.append(slug)
    return ",".join(slugs) or None


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def record_to_row(record: dict) -> dict[str, object]:
    """Flatten one organisation record to staging strings (dates are parsed later, in Polars)."""
    raw_details = record.get("details")
    details = raw_details if isinstance(raw_details, dict) else {}
    row: dict[str, object] = {
        "slug": _text(details.get("slug")),
        "title": _text(record.get("title")),
        "abbreviation": _text(details.get("abbreviation")),
        "format": _text(record.get("format")),
        "govuk_status": _text(details.get("govuk_status")),
        "closed_at": _text(details.get("closed_at")),
        "content_id": _text(details.get("content_id")),
        "updated_at": _text(record.get("updated_at")),
    }
    for column, key in LINK_FIELDS.items():
        row[column] = joined_slugs(record.get(key))
    return row


def records_of(path: Path, data: object) -> list[object]:
    """The organisation records of a parsed file: the array itself, or a page's `results`."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return data["results"]
    raise UnreadableFileError(path, "expected a JSON array of organisations or an API page with a 'results' array")


def stage_record(index: int, record: object, seen: dict[str, int]) -> tuple[dict[str, object] | None, tuple | None]:
    """(staging row, None) for a usable record, else (None, (column, value, reason)); remembers slugs seen."""
    if not isinstance(record, dict):
        return None, ("(record)", json.dumps(record)[:500], "record is not a JSON object")
    row = record_to_row(record)
    slug, title = row["slug"], row["title"]
    if slug is None:
        return None, ("details.slug", None, "missing details.slug")
    if title is None:
        return None, ("title", None, "missing title")
    first = seen.get(str(slug))
    if first is not None:
        return None, ("details.slug", slug, f"duplicate slug: first seen at record {first}")
    seen[str(slug)] = index
    return {**row, LINE: index}, None


def _typed(frame: pl.DataFrame) -> pl.LazyFrame:
    """Parse the two dates and add the reject columns for values that do not parse."""
    closed = parse_date(pl.col("closed_at"))
    updated = pl.col("updated_at").str.to_datetime(strict=False, time_zone="UTC").dt.replace_time_zone(None)
    checks = [
        Check("details.closed_at", pl.col("closed_at").is_not_null() & closed.is_null(), "not a date",
              value=pl.col("closed_at")),
        Check("updated_at", pl.col("updated_at").is_not_null() & updated.is_null(), "not a timestamp",
              value=pl.col("updated_at")),
    ]  # fmt: skip
    checked = apply_checks(frame.lazy(), checks)
    return checked.with_columns(closed.alias("closed_at"), updated.cast(pl.Datetime("us")).alias("updated_at"))


def load_organisations(path: Path, head: Head, workdir: Path) -> FileLoad:
    """Read one organisations file into stg_organisation; every record is either staged or rejected."""
    fmt = FORMAT_PAGE if matches_page(head) else FORMAT_ARRAY
    records = records_of(path, read_json(path))
    seen: dict[str, int] = {}
    rows: list[dict[str, object]] = []
    rejects: list[dict] = []
    for index, record in enumerate(records, start=1):
        row, problem = stage_record(index, record, seen)
        if problem is not None:
            column, value, reason = problem
            rejects.append(make_reject(path, SOURCE, fmt, index, column, value, reason))
        elif row is not None:  # stage_record returns a row or a problem, never neither
            rows.append(row)
    raw_schema = {c: (pl.Int64() if c == LINE else pl.String()) for c in _RAW_COLUMNS}
    frame = pl.DataFrame(rows, schema=raw_schema) if rows else pl.DataFrame(schema=raw_schema)
    good, bad = split_rejects(_typed(frame).collect(), path, SOURCE, fmt)
    staged = good.with_columns(pl.lit(path.name).alias("source_file")).select(
        [pl.col(c).cast(t) for c, t in STAGING_SCHEMA.items()]
    )
    all_rejects = pl.concat([rejects_from_dicts(rejects), bad]).sort("line")
    return FileLoad(
        path=path,
        source=SOURCE,
        format=fmt,
        tables={STAGING: staged},
        rejects=all_rejects,
        rows_read=len(records),
        rows_loaded=staged.height,
        notes=[f"{len(records)} organisation records", "JSON array" if fmt == FORMAT_ARRAY else "API page"],
        encoding=head.encoding,
        period=_updated_period(staged),
    )


def _updated_period(staged: pl.DataFrame) -> str:
    dates = staged["updated_at"].drop_nulls()
    if dates.is_empty():
        return ""
    return f"updated {dates.dt.min():%Y-%m-%d} .. {dates.dt.max():%Y-%m-%d}"


FORMATS: list[Format] = [
    Format(
        id=FORMAT_ARRAY,
        source=SOURCE,
        description="GOV.UK organisations API records concatenated into one JSON array",
        matches=matches_array,
        load=load_organisations,
        publisher=PUBLISHER,
        licence=LICENCE,
    ),
    Format(
        id=FORMAT_PAGE,
        source=SOURCE,
        description="One page of the GOV.UK organisations API: {total, current_page, pages, results: [...]}",
        matches=matches_page,
        load=load_organisations,
        resembles=resembles_page,
        publisher=PUBLISHER,
        licence=LICENCE,
    ),
]
