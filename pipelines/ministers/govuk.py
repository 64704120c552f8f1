"""GOV.UK Content API documents about ministers: who holds which ministerial role, and its responsibilities.

`https://www.gov.uk/api/content/<base_path>` returns one JSON "content item". Four kinds carry
ministers, recognised by their top-level `schema_name` (never the file name):

- `ministers_index` (`/government/ministers`): every ministerial department with its
  `ordered_roles` and `ordered_ministers`, plus cabinet and whips lists of people;
- `role` (`/government/ministers/<slug>`): one role with its holders;
- `organisation` (`/government/organisations/<slug>`): one department, same shape as a
  department inside the index;
- `person` (`/government/people/<slug>`): one person's appointments.

The staging table `stg_govuk_role` has one row per (ministerial role, appointment) found in a
document, plus one row (no person) for a role nobody in the document holds. Rules, from the
data's PROVENANCE notes:

- a person's `role_appointments` lists their whole career: every appointment is kept with its
  `current` flag (`is_current`), and only current ones name a role's holder downstream;
- nested roles carry no organisation, so a role's department is the department whose
  `ordered_roles` lists the role's `content_id` (else the role's own parent organisation
  link, else unknown);
- `ordered_roles` mixes `ministerial_role` with board-member and special-representative roles:
  only `ministerial_role` items are kept;
- in reshuffle mode the index has empty `links` (or `details.reshuffle`): zero roles and a note.

JSON has no rows, so `source_line` is the physical line where the appointment's (or, for a
role without appointment, the role's) `content_id` first appears: 1 for single-line JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache, partial
from html.parser import HTMLParser
from pathlib import Path

import polars as pl

from pipelines.core.loading import (
    FILE,
    LINE,
    Check,
    FileLoad,
    Format,
    apply_checks,
    make_reject,
    rejects_from_dicts,
    split_rejects,
)
from pipelines.core.parsing import clean_text, parse_date
from pipelines.core.textio import Head, UnreadableFileError, read_text

SOURCE = "govuk_ministers"
STAGING_TABLE = "stg_govuk_role"
PUBLISHER = "GOV.UK Content API (Government Digital Service)"
LICENCE = "Open Government Licence v3.0 (content © Crown copyright)"

MINISTERIAL_ROLE = "ministerial_role"

STAGING_SCHEMA = pl.Schema(
    {
        "role_content_id": pl.String(),
        "role_slug": pl.String(),
        "role_title": pl.String(),
        "department_name": pl.String(),
        "department_slug": pl.String(),
        "responsibilities_text": pl.String(),
        "person_name": pl.String(),
        "person_slug": pl.String(),
        "started_on": pl.Date(),
        "ended_on": pl.Date(),
        "is_current": pl.Boolean(),
        "seniority": pl.Int64(),
        "captured_at": pl.Datetime("us"),
        FILE: pl.String(),
        LINE: pl.Int64(),
    }
)

# Raw (pre-typing) row fields; started_on/ended_on stay text until checked.
_RAW_SCHEMA = pl.Schema(
    {
        **{k: v for k, v in STAGING_SCHEMA.items() if k not in ("started_on", "ended_on")},
        "started_on": pl.String(),
        "ended_on": pl.String(),
    }
)


# --- HTML responsibilities -> plain text ------------------------------------------------------

_BLOCK_TAGS = {"p", "li", "ul", "ol", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "dt", "dd"}


class _TextExtractor(HTMLParser):
    """Collects text, starting a new line at every block element, so each list item is a line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._current: list[str] = []

    def _break(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._current).replace("\u00a0", " ")).strip()
        if text:
            self.lines.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def close(self) -> None:
        super().close()
        self._break()


def html_to_text(html: str | None) -> str | None:
    """Responsibilities HTML as plain text, one line per paragraph or list item (None when empty).

    GOV.UK role bodies are mostly `<ul><li>` lists; keeping an item per line lets the
    digital classifier quote one responsibility as its evidence.
    """
    if html is None:
        return None
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.lines) or None


# --- reading and recognising documents ------------------------------------------------------


def read_document(path: Path) -> dict:
    """The whole file as one Content API item; raises UnreadableFileError when it is not one."""
    text = read_text(path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFileError(path, f"not valid JSON: {exc.msg} (character {exc.colno})", line=exc.lineno) from None
    if not isinstance(doc, dict):
        raise UnreadableFileError(path, "expected a GOV.UK Content API item (a JSON object), found a list or value")
    return doc


@lru_cache(maxsize=16)
def _schema_name_cached(path: Path, size: int, mtime_ns: int) -> str | None:
    try:
        doc = read_document(path)
    except UnreadableFileError:
        return None
    is_content_item = isinstance(doc.get("base_path"), str) and "document_type" in doc and "content_id" in doc
    name = doc.get("schema_name")
    return name if is_content_item and isinstance(name, str) else None


def content_schema_name(head: Head) -> str | None:
    """The top-level `schema_name` of a Content API item, or None for anything else."""
    if head.kind not in ("json", "jsonl") or head.text.lstrip().startswith("[") or '"schema_name"' not in head.text:
        return None  # arrays (e.g. the organisations API) are never a single content item
    if head.kind == "jsonl" and sum(1 for ln in head.lines if ln.strip()) > 1:
        return None  # JSON Lines, not a single document
    stat = head.path.stat()
    return _schema_name_cached(head.path, stat.st_size, stat.st_mtime_ns)


# --- collecting rows ------------------------------------------------------------------------


def _slug(base_path: object) -> str | None:
    if not isinstance(base_path, str) or not base_path.strip("/"):
        return None
    return base_path.rstrip("/").rsplit("/", 1)[-1]


def _links(item: dict, key: str) -> list[dict]:
    value = (item.get("links") or {}).get(key) or []
    return [v for v in value if isinstance(v, dict)]


def _details(item: dict) -> dict:
    details = item.get("details")
    return details if isinstance(details, dict) else {}


def _parent_department(role: dict) -> tuple[str | None, str | None]:
    for key in ("ordered_parent_organisations", "organisations"):
        for org in _links(role, key):
            return org.get("title"), _slug(org.get("base_path"))
    return None, None


def _seniority(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _Collector:
    """Gathers roles and appointments from one document, applying the PROVENANCE rules."""

    def __init__(self, path: Path, fmt: str, lines_of: dict[str, int]) -> None:
        self.path = path
        self.fmt = fmt
        self.lines_of = lines_of
        self.role_department: dict[str, tuple[str | None, str | None]] = {}
        self.roles: dict[str, dict] = {}
        self.appointments: list[tuple[dict, dict | None, dict]] = []
        self.skipped_roles = 0
        self.rejects: list[dict] = []

    def add_role(self, role: dict, department: tuple[str | None, str | None] | None = None) -> None:
        if role.get("document_type") != MINISTERIAL_ROLE:
            self.skipped_roles += 1
            return
        cid = role.get("content_id")
        key = cid if isinstance(cid, str) and cid else f"(no content_id #{len(self.roles) + 1})"
        self.roles.setdefault(key, role)
        if department and department[0] and key not in self.role_department:
            self.role_department[key] = department

    def add_department(self, name: str | None, slug: str | None, item: dict) -> None:
        for role in _links(item, "ordered_roles"):
            self.add_role(role, (name, slug))
        self.add_people(_links(item, "ordered_ministers"))

    def add_people(self, people: list[dict]) -> None:
        for person in people:
            for appointment in _links(person, "role_appointments"):
                roles = _links(appointment, "role")
                if not roles:
                    self.reject_unlinked(appointment)
                    continue
                self.add_appointment(roles[0], person, appointment)

    def add_appointment(self, role: dict, person: dict | None, appointment: dict) -> None:
        if role.get("document_type") != MINISTERIAL_ROLE:
            self.skipped_roles += 1
            return
        self.appointments.append((role, person, appointment))

    def reject_unlinked(self, appointment: dict) -> None:
        self.rejects.append(
            make_reject(
                self.path,
                SOURCE,
                self.fmt,
                self.line_of(appointment),
                "links.role",
                appointment.get("title"),
                "role appointment links to no role, so the role cannot be identified",
            )
        )

    def line_of(self, item: dict) -> int:
        cid = item.get("content_id")
        return self.lines_of.get(cid, 1) if isinstance(cid, str) else 1

    def _role_fields(self, role: dict) -> dict:
        cid = role.get("content_id")
        best = self.roles.get(cid, role) if isinstance(cid, str) else role
        details = _details(best)
        department = self.role_department.get(cid) if isinstance(cid, str) else None
        if not department or not department[0]:
            department = _parent_department(best)
        body = details.get("body") if isinstance(details.get("body"), str) else None
        return {
            "role_content_id": cid if isinstance(cid, str) else None,
            "role_slug": _slug(best.get("base_path")),
            "role_title": best.get("title") if isinstance(best.get("title"), str) else None,
            "department_name": department[0],
            "department_slug": department[1],
            "responsibilities_text": html_to_text(body),
            "seniority": _seniority(details.get("seniority")),
        }

    def rows(self) -> list[dict]:
        out: list[dict] = []
        seen: set[tuple] = set()
        held: set[str] = set()
        for role, person, appointment in self.appointments:
            details = _details(appointment)
            person = person or {}
            key = (role.get("content_id"), _slug(person.get("base_path")), details.get("started_on"))
            if key in seen:
                continue  # the same person listed twice (e.g. in the cabinet and the whips lists)
            seen.add(key)
            if isinstance(role.get("content_id"), str):
                held.add(role["content_id"])
            current = details.get("current")
            out.append(
                {
                    **self._role_fields(role),
                    "person_name": person.get("title"),
                    "person_slug": _slug(person.get("base_path")),
                    "started_on": details.get("started_on"),
                    "ended_on": details.get("ended_on"),
                    "is_current": current if isinstance(current, bool) else None,
                    LINE: self.line_of(appointment),
                }
            )
        for role_key, role in self.roles.items():
            if role_key in held:
                continue
            out.append({**self._role_fields(role), LINE: self.line_of(role)})
        return out


def _content_id_lines(text: str) -> dict[str, int]:
    """content_id -> physical line (1-based) of its first appearance."""
    lines: dict[str, int] = {}
    for match in re.finditer(r'"content_id"\s*:\s*"([^"]+)"', text):
        lines.setdefault(match.group(1), text.count("\n", 0, match.start()) + 1)
    return lines


def _captured_at(doc: dict) -> dt.datetime | None:
    """public_updated_at as naive UTC (None when absent, e.g. a reshuffle preview)."""
    value = doc.get("public_updated_at")
    if not isinstance(value, str):
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    return stamp


# --- one collector per document kind ---------------------------------------------------------


def _collect_index(doc: dict, c: _Collector, notes: list[str]) -> None:
    links = doc.get("links") or {}
    reshuffle = _details(doc).get("reshuffle")
    if not links or reshuffle:
        message = html_to_text(reshuffle.get("message")) if isinstance(reshuffle, dict) else None
        notes.append(
            "GOV.UK is in reshuffle mode: the ministers index lists no ministers, so no roles were loaded"
            + (f" (message: {message})" if message else "")
        )
        return
    departments = _links(doc, "ordered_ministerial_departments")
    for dept in departments:
        c.add_department(dept.get("title"), _slug(dept.get("base_path")), dept)
    for key in sorted(links):
        if key.startswith("ordered_") and key != "ordered_ministerial_departments":
            c.add_people(_links(doc, key))
    notes.append(f"{len(departments)} ministerial departments")


def _collect_organisation(doc: dict, c: _Collector, notes: list[str]) -> None:
    c.add_department(doc.get("title"), _slug(doc.get("base_path")), doc)
    kind = _details(doc).get("organisation_type")
    if kind:
        notes.append(f"organisation type: {kind}")


def _collect_role(doc: dict, c: _Collector, notes: list[str]) -> None:
    if doc.get("document_type") != MINISTERIAL_ROLE:
        notes.append(f"a {doc.get('document_type')} page, not a ministerial role: nothing loaded")
        return
    c.add_role(doc, _parent_department(doc))
    for appointment in _links(doc, "role_appointments"):
        people = _links(appointment, "person")
        c.add_appointment(doc, people[0] if people else None, appointment)


def _collect_person(doc: dict, c: _Collector, notes: list[str]) -> None:
    c.add_people([doc])
    # The 2019 person shape: appointments without links, so no role to attach them to.
    for key in ("ordered_current_appointments", "ordered_previous_appointments"):
        for appointment in _links(doc, key):
            c.reject_unlinked(appointment)
    if not c.appointments and not c.rejects:
        notes.append("the person page lists no role appointments")


_COLLECTORS = {
    "ministers_index": _collect_index,
    "organisation": _collect_organisation,
    "role": _collect_role,
    "person": _collect_person,
}


def _checks() -> list[Check]:
    return [
        Check("role_content_id", pl.col("role_content_id").is_null(), "missing role content_id"),
        Check("role_title", pl.col("role_title").is_null(), "missing role title"),
        Check(
            "started_on",
            pl.col("started_on").is_not_null() & pl.col("__started").is_null(),
            "not a date (expected an ISO 8601 date-time)",
        ),
        Check(
            "ended_on",
            pl.col("ended_on").is_not_null() & pl.col("__ended").is_null(),
            "not a date (expected an ISO 8601 date-time)",
        ),
        Check(
            "ended_on",
            pl.col("__ended") < pl.col("__started"),
            pl.format("ended_on {} is before started_on {}", pl.col("ended_on"), pl.col("started_on")),
        ),
    ]


def load_document(path: Path, head: Head, workdir: Path, *, schema_name: str) -> FileLoad:
    """Turn one Content API document into stg_govuk_role rows (plus rejects and notes)."""
    fmt = f"govuk_{schema_name}"
    doc = read_document(path)
    found = doc.get("schema_name")
    if found != schema_name:
        raise UnreadableFileError(path, f"expected schema_name {schema_name!r}, found {found!r}", column="schema_name")
    notes: list[str] = []
    collector = _Collector(path, fmt, _content_id_lines(read_text(path)))
    _COLLECTORS[schema_name](doc, collector, notes)
    captured = _captured_at(doc)
    if captured is None:
        notes.append("public_updated_at missing or not a timestamp: captured_at left empty")
    rows = collector.rows()
    raw = pl.DataFrame(rows, schema=_RAW_SCHEMA) if rows else pl.DataFrame(schema=_RAW_SCHEMA)
    frame = raw.with_columns(
        pl.lit(captured, dtype=pl.Datetime("us")).alias("captured_at"),
        pl.lit(path.name).alias(FILE),
        *[clean_text(pl.col(c)).alias(c) for c in ("role_title", "person_name", "department_name")],
    )
    frame = frame.with_columns(
        parse_date(pl.col("started_on")).alias("__started"), parse_date(pl.col("ended_on")).alias("__ended")
    )
    checked = apply_checks(frame.lazy(), _checks()).collect()
    good, rejects = split_rejects(checked, path, SOURCE, fmt)
    good = good.with_columns(pl.col("__started").alias("started_on"), pl.col("__ended").alias("ended_on"))
    good = good.select(list(STAGING_SCHEMA)).cast(STAGING_SCHEMA)
    rejects = pl.concat([rejects, rejects_from_dicts(collector.rejects)])
    if collector.skipped_roles:
        notes.append(f"{collector.skipped_roles} non-ministerial role entries (board members, envoys) skipped")
    notes.append(f"{good['role_content_id'].n_unique()} ministerial roles, {good['is_current'].sum()} current")
    load = FileLoad(
        path=path,
        source=SOURCE,
        format=fmt,
        tables={STAGING_TABLE: good},
        rejects=rejects,
        rows_read=checked.height + len(collector.rejects),
        rows_loaded=good.height,
        notes=notes,
        encoding=head.encoding,
        period=str(captured.date()) if captured else "",
    )
    load.check_reconciles()
    return load


def _matches(head: Head, *, schema_name: str) -> bool:
    return content_schema_name(head) == schema_name


_DESCRIPTIONS = {
    "ministers_index": "GOV.UK Content API /government/ministers (schema_name ministers_index)",
    "role": "GOV.UK Content API ministerial role page /government/ministers/<slug> (schema_name role)",
    "organisation": "GOV.UK Content API organisation page /government/organisations/<slug> (schema_name organisation)",
    "person": "GOV.UK Content API person page /government/people/<slug> (schema_name person)",
}

FORMATS: list[Format] = [
    Format(
        id=f"govuk_{name}",
        source=SOURCE,
        description=description,
        matches=partial(_matches, schema_name=name),
        load=partial(load_document, schema_name=name),
        publisher=PUBLISHER,
        licence=LICENCE,
    )
    for name, description in _DESCRIPTIONS.items()
]
