"""Ministers and digital responsibility: IfG appointments joined to departments and GOV.UK evidence.

`build_ministers(stg)` is pure (staging frames in, warehouse frames out; the only files it
reads are the shipped reference CSVs). It returns:

- `fact_ministerial_appointment`: one row per IfG appointment, with the person's current
  name, the post, the department it belongs to (our `department_id`, resolved on the
  appointment date so 'DCMS' in 2019 is the Department for Digital, Culture, Media and
  Sport) and whether the post carries digital responsibility, with the rule and evidence;
- `dim_ministerial_role`: one row per GOV.UK ministerial role with its responsibilities,
  current holder and digital classification;
- `dim_minister_department`: departments today, and whether they have ministers.

Departments: `resolve_department` is tried on the IfG organisation's name, then its short
name, on the appointment's start date clamped into the organisation's own dates. IfG
organisations our reference does not know (e.g. the 1980s Department of Trade, the whips'
offices) get `IFG:<short_name>`; their lineage follows IfG 'Name change' links forward to a
known department (Department of Social Security -> DWP), else stays their own.

Digital: the user file wins, then a title keyword, then GOV.UK responsibilities linked by
title and department (see `pipelines.ministers.digital`). Evidence is dated: a user-file row with a
window applies only to holders in post during it, and GOV.UK text (which describes the role on the day
it was captured) only to appointments in post within GOVUK_EVIDENCE_WINDOW_DAYS of that day; the fact
keeps the date and address of whatever decided (`digital_evidence_date`, `digital_evidence_url`). A GOV.UK role whose title only names a
rank ('Minister of State') is linked only to the IfG appointment of the same holder
(surname) at overlapping dates, so one Home Office Lords minister's remit does not mark
every Home Office Minister of State since 1979 as digital.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from pipelines.core.loading import staging
from pipelines.core.schema import Column, Table
from pipelines.ministers.digital import (
    RULE_GOVUK,
    RULE_NONE,
    RULE_OVERRIDE,
    RULES,
    OverrideEntry,
    OverrideIndex,
    classify_text,
    classify_title,
    is_generic_title,
    normalise_title,
    read_overrides,
    title_candidates,
)
from pipelines.ministers.govuk import STAGING_SCHEMA as GOVUK_SCHEMA
from pipelines.ministers.govuk import STAGING_TABLE as GOVUK_STAGING
from pipelines.ministers.ifg import TABLES_BY_NAME as IFG_TABLES
from pipelines.ministers.ifg import staging_schema as ifg_staging_schema
from pipelines.reference import departments, lineage_of, resolve_department

SOURCE_LABEL = "IfG Ministers Database"
FALLBACK_PREFIX = "IFG:"
NAME_CHANGE = "Name change"
#: Reference rows that are buckets, not departments.
NOT_DEPARTMENTS = ("OTHER",)

#: The list the dashboard counts: GOV.UK's "Ministerial departments" (gov.uk/government/organisations), as
#: our department ids. On the IfG data's last date these are exactly the departments counted, less UK Export
#: Finance, which has no posts of its own in the IfG data (its ministers are DBT's).
GOVUK_MINISTERIAL_DEPARTMENTS = (
    "AGO", "CO", "DBT", "DCMS", "DFE", "DESNZ", "DEFRA", "DSIT", "DFT", "DWP", "DHSC", "FCDO", "HMT", "HO",
    "MOD", "MHCLG", "MOJ", "NIO", "OAG", "LHC", "LHL", "SCO", "WAL", "UKEF",
)  # fmt: skip

#: Organisations with ministers that are not ministerial departments, and why. Their ministers are shown
#: apart ("not counted as departments"), never as departments without a digital minister. Every other
#: organisation with ministers in the IfG data (including departments since closed: DTI, DDCMS, BEIS, ...)
#: counts as a department for the dates it existed.
NOT_MINISTERIAL_DEPARTMENTS: dict[str, str] = {
    "IFG:Whip Commons": "the government whips' office in the Commons, not a department",
    "IFG:Whip Lords": "the government whips' office in the Lords, not a department",
    "PMO": "the Prime Minister's Office, not one of GOV.UK's ministerial departments",
    "IFG:GEO": "the Government Equalities Office, a unit whose ministers sat in other departments",
    "IFG:DPM_2010": "the Deputy Prime Minister's office in the Cabinet Office (2010-15), not a department",
    "HMRC": "a non-ministerial department",
    "OTHER": "not a department",
}


def is_ministerial_department(department_id: pl.Expr) -> pl.Expr:
    """True unless the id is one of NOT_MINISTERIAL_DEPARTMENTS."""
    return ~department_id.is_in(list(NOT_MINISTERIAL_DEPARTMENTS))

RANKS = ("PM", "DPM", "SoS", "MoS", "PUSS", "Parl. lead.", "Parl. lead", "Parl.")
CABINET_STATUSES = (
    "Full cabinet",
    "Attends cabinet",
    "Attends cabinet when ministerial responsibilities are on the agenda",
    "Non-cabinet",
)

FACT = Table(
    name="fact_ministerial_appointment",
    description="One row per ministerial appointment since 1979 (IfG Ministers Database), with department and "
    "digital classification. end_date null = ongoing at the IfG snapshot.",
    kind="fact",
    key=("appointment_id",),
    columns=(
        Column("appointment_id", "VARCHAR", "IfG appointment id (UUID)", nullable=False),
        Column("person_id", "VARCHAR", "IfG person id (UUID)", nullable=False),
        Column("person_name", "VARCHAR", "The person's current name (IfG person row with no end_date)"),
        Column("post_id", "VARCHAR", "IfG post id (UUID)", nullable=False),
        Column("post_name", "VARCHAR", "Post title as IfG records it, e.g. 'Minister for Digital Economy'"),
        Column("rank_equivalence", "VARCHAR", "IfG rank: PM, DPM, SoS, MoS, PUSS, Parl. lead., Parl.", allowed=RANKS),
        Column("rank_value", "INTEGER", "IfG rank order: 1 = PM ... 7 = Parl.", min=1, max=7),
        Column("organisation_id", "VARCHAR", "IfG organisation id (UUID)"),
        Column("organisation_name", "VARCHAR", "Organisation name as IfG records it at the time"),
        Column(
            "department_id",
            "VARCHAR",
            "Our department id on the appointment date (pipelines/reference/departments.csv), "
            "or IFG:<short_name> for organisations the reference does not list",
            nullable=False,
        ),
        Column("lineage_id", "VARCHAR", "Department lineage surviving renames (DCMS, MHCLG, ...)", nullable=False),
        Column("lineage_name", "VARCHAR", "The lineage's current (or last) name"),
        Column(
            "is_ministerial_department",
            "BOOLEAN",
            "The organisation is a ministerial department; false for the whips' offices, the Prime Minister's "
            "Office and the other organisations in pipelines/ministers/tables.py NOT_MINISTERIAL_DEPARTMENTS",
            nullable=False,
        ),
        Column("start_date", "DATE", "Appointment start", nullable=False),
        Column("end_date", "DATE", "Appointment end; null = ongoing at the IfG snapshot"),
        Column("is_acting", "BOOLEAN", "Acting at any time during the appointment (IfG appointment_characteristics)"),
        Column(
            "cabinet_status",
            "VARCHAR",
            "Cabinet status in the appointment's latest characteristics period",
            allowed=CABINET_STATUSES,
        ),
        Column("is_digital", "BOOLEAN", "The post carries digital responsibility (see digital_rule)", nullable=False),
        Column("digital_rule", "VARCHAR", "Which rule decided is_digital", nullable=False, allowed=RULES),
        Column("digital_evidence", "VARCHAR", "The keyword, responsibilities sentence or user-file note that decided"),
        Column(
            "digital_evidence_date",
            "DATE",
            "The day the evidence describes: the GOV.UK page's capture date (public_updated_at) or the user file's "
            "evidence_date; null for a title keyword (the IfG post title holds for the whole appointment)",
        ),
        Column(
            "digital_evidence_url",
            "VARCHAR",
            "Where the evidence can be read: the GOV.UK role page or the user file's source_url (null for a title)",
        ),
        Column("source", "VARCHAR", "Publisher, file and line of the appointment row", nullable=False),
        Column(
            "source_warning",
            "VARCHAR",
            "A source error kept rather than dropped, e.g. an end date before the start as published "
            "(then end_date is null: unknown); null when the row is as published",
        ),
    ),
    extra_checks=(
        (
            "an appointment does not end before it starts",
            "SELECT * FROM fact_ministerial_appointment WHERE end_date < start_date",
        ),
    ),
)

DIM_ROLE = Table(
    name="dim_ministerial_role",
    description="One row per GOV.UK ministerial role (Content API), from the most recent document that lists it: "
    "responsibilities text, current holder and digital classification.",
    kind="dimension",
    key=("role_content_id",),
    columns=(
        Column("role_content_id", "VARCHAR", "GOV.UK content_id of the role", nullable=False),
        Column("role_slug", "VARCHAR", "Last segment of the role's base_path"),
        Column("role_title", "VARCHAR", "Role title on GOV.UK", nullable=False),
        Column("department_name", "VARCHAR", "Department whose ordered_roles list the role (null when unknown)"),
        Column("department_slug", "VARCHAR", "That department's GOV.UK slug"),
        Column("department_id", "VARCHAR", "Our department id (by GOV.UK slug, else name)"),
        Column("responsibilities_text", "VARCHAR", "Responsibilities, HTML stripped, one item per line"),
        Column("is_digital", "BOOLEAN", "The role carries digital responsibility", nullable=False),
        Column("digital_rule", "VARCHAR", "Which rule decided is_digital", nullable=False, allowed=RULES),
        Column("digital_evidence", "VARCHAR", "Keyword, sentence or user-file note that decided"),
        Column("current_holder", "VARCHAR", "Holder(s) whose appointment is current in that document ('; ' joined)"),
        Column("started_on", "DATE", "Start of the current holder's appointment"),
        Column("captured_at", "TIMESTAMP", "public_updated_at of the document the row comes from (UTC)"),
        Column("source_file", "VARCHAR", "The document's file name"),
    ),
)

DIM_DEPARTMENT = Table(
    name="dim_minister_department",
    description="Departments that exist today (pipelines/reference/departments.csv) or have ongoing IfG "
    "appointments, and whether they have ministers.",
    kind="dimension",
    key=("department_id",),
    columns=(
        Column("department_id", "VARCHAR", "Our department id, or IFG:<short_name>", nullable=False),
        Column("name", "VARCHAR", "Department name", nullable=False),
        Column("lineage_id", "VARCHAR", "Department lineage", nullable=False),
        Column("is_current", "BOOLEAN", "Exists today (reference or IfG organisation has no end date)", nullable=False),
        Column("has_ministers", "BOOLEAN", "Has at least one ongoing IfG appointment", nullable=False),
        Column(
            "is_ministerial_department",
            "BOOLEAN",
            "A ministerial department (GOV.UK's list); false for the whips' offices, the Prime Minister's Office, "
            "HMRC and the others in NOT_MINISTERIAL_DEPARTMENTS",
            nullable=False,
        ),
        Column("not_department_reason", "VARCHAR", "Why an organisation with ministers is not counted as a department"),
    ),
)

TABLES: tuple[Table, ...] = (FACT, DIM_ROLE, DIM_DEPARTMENT)


# --- staging access ---------------------------------------------------------------------------


def _stg(stg: dict, name: str) -> pl.DataFrame:
    """A staging frame, or a correctly typed empty one when no file of that kind was found."""
    if name == GOVUK_STAGING:
        return staging(stg, name, GOVUK_SCHEMA)
    return staging(stg, name, ifg_staging_schema(IFG_TABLES[name.removeprefix("stg_ifg_")]))


# --- people, posts, characteristics -----------------------------------------------------------


def current_person_names(person: pl.DataFrame) -> pl.DataFrame:
    """person_id -> the name on the row with no end_date (else the latest-ending row): the IfG rule."""
    return (
        person.sort(["id", "end_date"], descending=[False, True], nulls_last=False)
        .group_by("id", maintain_order=True)
        .agg(pl.col("name").first().alias("person_name"), pl.col("short_name").first().alias("person_short_name"))
        .rename({"id": "person_id"})
    )


def appointment_characteristics(chars: pl.DataFrame) -> pl.DataFrame:
    """appointment_id -> cabinet status of the latest period, and whether ever acting."""
    return (
        chars.sort(["appointment_id", "start_date"])
        .group_by("appointment_id", maintain_order=True)
        .agg(
            pl.col("cabinet_status").drop_nulls().last().alias("cabinet_status"),
            pl.col("is_acting").any().alias("is_acting"),
        )
    )


# --- departments ------------------------------------------------------------------------------


def _resolve_org(name: str | None, short_name: str | None, on: dt.date | None) -> str | None:
    return resolve_department(name, on) or resolve_department(short_name, on)


def fallback_ids(organisation: pl.DataFrame) -> dict[str, str]:
    """organisation_id -> 'IFG:<short_name>', with the start year appended when two IfG
    organisations share a short name (the 2002 and 2010 Deputy Prime Minister's Offices)."""
    rows = list(organisation.iter_rows(named=True))
    counts: dict[str, int] = {}
    for r in rows:
        label = r["short_name"] or r["name"] or "unknown"
        counts[label] = counts.get(label, 0) + 1
    out: dict[str, str] = {}
    for r in rows:
        label = r["short_name"] or r["name"] or "unknown"
        if counts[label] > 1:
            year = (
                r["start_date"].year if r["start_date"] else (f"to{r['end_date'].year}" if r["end_date"] else r["id"])
            )
            label = f"{label}_{year}"
        out[r["id"]] = f"{FALLBACK_PREFIX}{label}"
    return out


def _reference_lineage_names() -> dict[str, str]:
    ref = departments()
    return dict(zip(ref["lineage_id"].to_list(), ref["lineage_name"].to_list(), strict=True))


def organisation_lineages(organisation: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """organisation_id -> (lineage_id, lineage_name) for every IfG organisation.

    Known departments take the reference lineage. Others follow 'Name change' links to a
    successor the reference knows; failing that the chain's last organisation names it.
    """
    orgs = {r["id"]: r for r in organisation.iter_rows(named=True)}
    fallback = fallback_ids(organisation)
    renamed_to = {
        r["predecessor_organisation_id"]: r["successor_organisation_id"]
        for r in links.filter(pl.col("type") == NAME_CHANGE).iter_rows(named=True)
    }
    lineage_names = _reference_lineage_names()
    rows = []
    for org_id, org in orgs.items():
        current, seen = org, {org_id}
        lineage_id = lineage_name = None
        while True:
            on = current["start_date"] or (current["end_date"] - dt.timedelta(days=1) if current["end_date"] else None)
            dept = _resolve_org(current["name"], current["short_name"], on)
            if dept:
                lineage_id = lineage_of(dept) or dept
                lineage_name = lineage_names.get(lineage_id, current["name"])
                break
            nxt = renamed_to.get(current["id"])
            if nxt is None or nxt in seen or nxt not in orgs:
                lineage_id = fallback[current["id"]]
                lineage_name = current["name"]
                break
            seen.add(nxt)
            current = orgs[nxt]
        rows.append({"organisation_id": org_id, "lineage_id": lineage_id, "lineage_name": lineage_name})
    schema = {"organisation_id": pl.String, "lineage_id": pl.String, "lineage_name": pl.String}
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


def _resolution_date() -> pl.Expr:
    """The appointment start clamped into the organisation's own dates (IfG and reference dates differ by days)."""
    on = pl.max_horizontal(pl.col("start_date"), pl.col("org_start"))
    last_day = pl.col("org_end") - pl.duration(days=1)
    return pl.when(pl.col("org_end").is_not_null() & (on > last_day)).then(last_day).otherwise(on)


def resolve_departments(frame: pl.DataFrame, fallback: dict[str, str]) -> pl.DataFrame:
    """Add department_id to rows with organisation_id, organisation_name, short_name and `resolve_on`."""
    keys = ["organisation_id", "organisation_name", "short_name", "resolve_on"]
    combos = frame.select(keys).unique()
    ids = [
        _resolve_org(r["organisation_name"], r["short_name"], r["resolve_on"])
        or fallback.get(r["organisation_id"] or "", f"{FALLBACK_PREFIX}unknown")
        for r in combos.iter_rows(named=True)
    ]
    combos = combos.with_columns(pl.Series("department_id", ids, dtype=pl.String))
    return frame.join(combos, on=keys, how="left", nulls_equal=True)


# --- GOV.UK roles -----------------------------------------------------------------------------


def govuk_department_id(slug: str | None, name: str | None, on: dt.date | None) -> str | None:
    """Our department_id for a GOV.UK organisation: by slug (departments.csv govuk_slug), else by name."""
    if slug:
        match = departments().filter(pl.col("govuk_slug") == slug)
        if match.height:
            return match["department_id"][0]
    return resolve_department(name, on)


def _latest_capture_rows(stg: pl.DataFrame) -> pl.DataFrame:
    """Rows sorted newest document first, with `is_latest` marking each role's newest document."""
    oldest = dt.datetime(1900, 1, 1)
    cap = pl.col("captured_at").fill_null(oldest)
    return stg.with_columns(cap.alias("_cap"), (cap == cap.max().over("role_content_id")).alias("is_latest")).sort(
        ["role_content_id", "_cap", "source_file", "source_line"], descending=[False, True, False, False]
    )


def roles_from_staging(stg: pl.DataFrame) -> pl.DataFrame:
    """One row per role: attributes from its newest document, current holders within that document."""
    rows = _latest_capture_rows(stg)
    latest = rows.filter(pl.col("is_latest"))
    attrs = rows.group_by("role_content_id", maintain_order=True).agg(
        pl.col("role_slug").first(),
        pl.col("role_title").first(),
        pl.col("department_name").drop_nulls().first(),
        pl.col("department_slug").drop_nulls().first(),
        pl.col("responsibilities_text").drop_nulls().first(),
        pl.col("captured_at").first(),
        pl.col("source_file").first(),
    )
    holders = (
        latest.filter(pl.col("is_current").fill_null(False))
        .group_by("role_content_id")
        .agg(
            pl.col("person_name").drop_nulls().unique().sort().str.join("; ").alias("current_holder"),
            pl.col("started_on").min().alias("started_on"),
        )
    )
    out = attrs.join(holders, on="role_content_id", how="left")
    dept_ids = [
        govuk_department_id(
            r["department_slug"], r["department_name"], r["captured_at"].date() if r["captured_at"] else None
        )
        for r in out.iter_rows(named=True)
    ]
    return out.with_columns(
        pl.Series("department_id", dept_ids, dtype=pl.String),
        pl.col("current_holder").replace("", None),
    )


def _classify_role(row: dict, overrides: OverrideIndex) -> tuple[bool, str, str | None]:
    """The role as it stood on its capture day: a user-file entry with a window applies if that day is in it."""
    names = [row["department_name"], row["department_id"], row["department_slug"]]
    lineage = lineage_of(row["department_id"]) if row["department_id"] else None
    day = row["captured_at"].date() if row["captured_at"] else None
    entry = overrides.match(title_candidates(row["role_title"]), names, lineage, day, day) if overrides else None
    if entry is not None:
        return entry.is_digital, RULE_OVERRIDE, entry.evidence
    is_digital, rule, evidence = classify_title(row["role_title"])
    if is_digital:
        return is_digital, rule, evidence
    text_digital, sentence = classify_text(row["responsibilities_text"])
    if text_digital:
        return True, RULE_GOVUK, sentence
    return False, RULE_NONE, None


def build_role_dimension(stg_role: pl.DataFrame, overrides: OverrideIndex) -> pl.DataFrame:
    if stg_role.is_empty():
        return DIM_ROLE.empty()
    roles = roles_from_staging(stg_role)
    decided = [_classify_role(r, overrides) for r in roles.iter_rows(named=True)]
    roles = roles.with_columns(
        pl.Series("is_digital", [d[0] for d in decided], dtype=pl.Boolean),
        pl.Series("digital_rule", [d[1] for d in decided], dtype=pl.String),
        pl.Series("digital_evidence", [d[2] for d in decided], dtype=pl.String),
    )
    return DIM_ROLE.conform(roles.sort("department_name", "role_title", nulls_last=True))


# --- linking GOV.UK evidence into IfG appointments -----------------------------------------------


def _overlaps(start: dt.date, end: dt.date | None, other_start: dt.date | None, other_end: dt.date | None) -> bool:
    far = dt.date.max
    return start <= (other_end or far) and (other_start or dt.date.min) <= (end or far)


#: GOV.UK responsibilities describe a role on the day the page was captured. They are evidence for an
#: appointment in post at some time within this many days either side of that day, and for no other.
GOVUK_EVIDENCE_WINDOW_DAYS = 90
GOVUK_ROLE_URL = "https://www.gov.uk/government/ministers/{}"


def _evidence_window(captured: dt.datetime | None) -> tuple[dt.date, dt.date] | None:
    if captured is None:
        return None
    day = captured.date()
    return day - dt.timedelta(days=GOVUK_EVIDENCE_WINDOW_DAYS), day + dt.timedelta(days=GOVUK_EVIDENCE_WINDOW_DAYS)


@dataclass(frozen=True)
class Decision:
    """is_digital with the rule, the evidence, the day the evidence describes and where to read it."""

    is_digital: bool
    rule: str
    evidence: str | None = None
    evidence_date: dt.date | None = None
    evidence_url: str | None = None


NO_KEYWORD = Decision(False, RULE_NONE)


def _from_title(title: str | None) -> Decision:
    is_digital, rule, evidence = classify_title(title)
    return Decision(is_digital, rule, evidence)


def _from_entry(entry: OverrideEntry) -> Decision:
    return Decision(entry.is_digital, RULE_OVERRIDE, entry.evidence, entry.evidence_date, entry.source_url)


def _with_decisions(frame: pl.DataFrame, decided: list[Decision]) -> pl.DataFrame:
    return frame.with_columns(
        pl.Series("is_digital", [d.is_digital for d in decided], dtype=pl.Boolean),
        pl.Series("digital_rule", [d.rule for d in decided], dtype=pl.String),
        pl.Series("digital_evidence", [d.evidence for d in decided], dtype=pl.String),
        pl.Series("digital_evidence_date", [d.evidence_date for d in decided], dtype=pl.Date),
        pl.Series("digital_evidence_url", [d.evidence_url for d in decided], dtype=pl.String),
    )


def _in_post_during(start: dt.date, end: dt.date | None, first: dt.date, last: dt.date) -> bool:
    """An appointment (end = first day out, None = ongoing) was in post on some day from `first` to `last`."""
    return start <= last and first < (end or dt.date.max)


class GovukEvidence:
    """GOV.UK roles whose responsibilities mention a digital keyword, indexed by normalised title.

    Each entry keeps its capture date: it links only to IfG appointments in post within
    GOVUK_EVIDENCE_WINDOW_DAYS of it (the 2023 text of a Home Office post says nothing about its 2016 holder).
    """

    def __init__(self, roles: pl.DataFrame, stg_role: pl.DataFrame, unique_title_department: dict[str, str]) -> None:
        holders: dict[str, list[tuple[str | None, dt.date | None, dt.date | None]]] = {}
        for r in stg_role.iter_rows(named=True):
            if r["person_name"]:
                holders.setdefault(r["role_content_id"], []).append((r["person_name"], r["started_on"], r["ended_on"]))
        self._by_title: dict[str, list[dict]] = {}
        for role in roles.iter_rows(named=True):
            is_digital, sentence = classify_text(role["responsibilities_text"])
            if not is_digital:
                continue
            for title in title_candidates(role["role_title"]):
                department = role["department_id"] or unique_title_department.get(title)
                if department is None:
                    continue
                self._by_title.setdefault(title, []).append(
                    {
                        "department_id": department,
                        "generic": is_generic_title(title),
                        "sentence": sentence,
                        "holders": holders.get(role["role_content_id"], []),
                        "window": _evidence_window(role["captured_at"]),
                        "captured": role["captured_at"].date() if role["captured_at"] else None,
                        "url": GOVUK_ROLE_URL.format(role["role_slug"]) if role["role_slug"] else None,
                    }
                )

    def find(self, row: dict) -> Decision | None:
        """The GOV.UK evidence for an IfG appointment row, if a role captured while it was in post matches it."""
        for entry in self._by_title.get(normalise_title(row["post_name"]), []):
            if entry["department_id"] != row["department_id"]:
                continue
            window = entry["window"]
            if window is None or not _in_post_during(row["start_date"], row["end_date"], *window):
                continue  # undated text, or text describing another holder's time
            if entry["generic"] and not self._same_holder(entry["holders"], row):
                continue
            return Decision(True, RULE_GOVUK, entry["sentence"], entry["captured"], entry["url"])
        return None

    @staticmethod
    def _same_holder(holders: list, row: dict) -> bool:
        surname = (row["person_short_name"] or "").lower()
        for name, started, ended in holders:
            words = set(normalise_title(name).split())
            if surname and surname in words and _overlaps(row["start_date"], row["end_date"], started, ended):
                return True
        return False


def _unique_title_departments(fact: pl.DataFrame) -> dict[str, str]:
    """Normalised post title -> department_id, for titles used in exactly one department."""
    pairs = fact.select("post_name", "department_id").unique().drop_nulls()
    found: dict[str, set[str]] = {}
    for post, dept in pairs.iter_rows():
        found.setdefault(normalise_title(post), set()).add(dept)
    return {title: next(iter(depts)) for title, depts in found.items() if len(depts) == 1}


def classify_appointments(frame: pl.DataFrame, overrides: OverrideIndex, evidence: GovukEvidence) -> pl.DataFrame:
    """Add is_digital, digital_rule, digital_evidence(_date, _url): user file, then title, then GOV.UK."""
    decided: list[Decision] = []
    title_cache: dict[str | None, Decision] = {}
    for row in frame.iter_rows(named=True):
        names = [row["department_id"], row["organisation_name"], row["short_name"]]
        title = {normalise_title(row["post_name"])}
        entry = (
            overrides.match(title, names, row["lineage_id"], row["start_date"], row["end_date"]) if overrides else None
        )
        if entry is not None:
            decided.append(_from_entry(entry))
            continue
        if row["post_name"] not in title_cache:
            title_cache[row["post_name"]] = _from_title(row["post_name"])
        by_title = title_cache[row["post_name"]]
        if by_title.is_digital:
            decided.append(by_title)
            continue
        decided.append(evidence.find(row) or NO_KEYWORD)
    return _with_decisions(frame, decided)


# --- the fact ---------------------------------------------------------------------------------


def appointments_with_departments(stg: dict) -> pl.DataFrame:
    """IfG appointments joined to person, post, organisation, characteristics and our departments."""
    appointment = _stg(stg, "stg_ifg_appointment")
    post = _stg(stg, "stg_ifg_post").select(
        pl.col("id").alias("post_id"),
        pl.col("name").alias("post_name"),
        "organisation_id",
        "rank_equivalence",
        pl.col("rank_equivalence_value").alias("rank_value"),
    )
    organisation = _stg(stg, "stg_ifg_organisation")
    orgs = organisation.select(
        pl.col("id").alias("organisation_id"),
        pl.col("name").alias("organisation_name"),
        "short_name",
        pl.col("start_date").alias("org_start"),
        pl.col("end_date").alias("org_end"),
    )
    lineages = organisation_lineages(organisation, _stg(stg, "stg_ifg_organisation_link"))
    frame = (
        appointment.rename({"id": "appointment_id"})
        .join(current_person_names(_stg(stg, "stg_ifg_person")), on="person_id", how="left")
        .join(post, on="post_id", how="left")
        .join(orgs, on="organisation_id", how="left")
        .join(
            appointment_characteristics(_stg(stg, "stg_ifg_appointment_characteristics")),
            on="appointment_id",
            how="left",
        )
        .with_columns(_resolution_date().alias("resolve_on"))
    )
    frame = resolve_departments(frame, fallback_ids(organisation)).join(lineages, on="organisation_id", how="left")
    frame = frame.with_columns(is_ministerial_department(pl.col("department_id")).alias("is_ministerial_department"))
    # A department the reference knows keeps the reference lineage even if IfG links say otherwise.
    ref = departments()
    ref_lineages = dict(zip(ref["department_id"].to_list(), ref["lineage_id"].to_list(), strict=True))
    ref_lineage = pl.col("department_id").replace_strict(ref_lineages, default=None, return_dtype=pl.String)
    lineage_names = _reference_lineage_names()
    return frame.with_columns(
        pl.coalesce(ref_lineage, pl.col("lineage_id"), pl.col("department_id")).alias("lineage_id")
    ).with_columns(
        pl.coalesce(
            pl.col("lineage_id").replace_strict(lineage_names, default=None, return_dtype=pl.String),
            pl.col("lineage_name"),
            pl.col("organisation_name"),
        ).alias("lineage_name"),
        pl.format("{} ({}, line {})", pl.lit(SOURCE_LABEL), pl.col("source_file"), pl.col("source_line")).alias(
            "source"
        ),
    )


def build_ministers(stg: dict, overrides: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """Staging frames -> {fact_ministerial_appointment, dim_ministerial_role, dim_minister_department}.

    `overrides` is the user file as read by `pipelines.ministers.digital.read_overrides`; None reads
    the committed data/reference/digital_responsibilities.csv (pass an empty frame for none).
    """
    index = OverrideIndex(read_overrides() if overrides is None else overrides)
    stg_role = _stg(stg, GOVUK_STAGING)
    roles = build_role_dimension(stg_role, index)
    frame = appointments_with_departments(stg)
    evidence = GovukEvidence(roles, stg_role, _unique_title_departments(frame))
    fact = classify_appointments(frame, index, evidence).sort("start_date", "appointment_id")
    fact = FACT.conform(fact)
    return {
        FACT.name: fact,
        DIM_ROLE.name: roles,
        DIM_DEPARTMENT.name: build_department_dimension(fact, _stg(stg, "stg_ifg_organisation")),
    }


def build_department_dimension(fact: pl.DataFrame, organisation: pl.DataFrame) -> pl.DataFrame:
    """Departments that exist today (reference) plus any department with ongoing appointments.

    is_current is the reference's word for reference departments; for IFG: ids it is whether
    the IfG organisation is still open (an ongoing appointment in a closed one shows as False).
    """
    ref = departments().filter(pl.col("end_date").is_null() & ~pl.col("department_id").is_in(NOT_DEPARTMENTS))
    today = ref.select("department_id", "name", "lineage_id", pl.lit(True).alias("is_current"))
    open_orgs = organisation.filter(pl.col("end_date").is_null())["id"].to_list()
    with_ministers = (
        fact.filter(pl.col("end_date").is_null())
        .group_by("department_id")
        .agg(
            pl.col("organisation_name").first().alias("org_name"),
            pl.col("lineage_id").first().alias("org_lineage"),
            pl.col("organisation_id").is_in(open_orgs).any().alias("org_open"),
        )
        .with_columns(pl.lit(True).alias("has_ministers"))
    )
    out = today.join(with_ministers, on="department_id", how="full", coalesce=True).with_columns(
        pl.coalesce("name", "org_name").alias("name"),
        pl.coalesce("lineage_id", "org_lineage").alias("lineage_id"),
        pl.coalesce("is_current", "org_open").alias("is_current"),
        pl.col("has_ministers").fill_null(False),
        is_ministerial_department(pl.col("department_id")).alias("is_ministerial_department"),
        pl.col("department_id")
        .replace_strict(NOT_MINISTERIAL_DEPARTMENTS, default=None, return_dtype=pl.String)
        .alias("not_department_reason"),
    )
    return DIM_DEPARTMENT.conform(out.sort("department_id"))


# --- helpers for the dashboard (to become SQL) --------------------------------------------------


def digital_ministers_as_of(fact: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Per department on `as_of`: ministers in post, how many hold digital posts, and who.

    In post = start_date <= as_of and (end_date is null or end_date > as_of). Departments
    with ministers but no digital post are kept (digital_ministers = 0).
    """
    active = fact.filter(
        (pl.col("start_date") <= as_of) & (pl.col("end_date").is_null() | (pl.col("end_date") > as_of))
    )
    digital = pl.col("is_digital")
    return (
        active.group_by("department_id")
        .agg(
            pl.col("organisation_name").first().alias("department"),
            pl.col("person_id").n_unique().alias("ministers"),
            pl.col("person_id").filter(digital).n_unique().alias("digital_ministers"),
            pl.format("{} ({})", "person_name", "post_name")
            .filter(digital)
            .unique()
            .sort()
            .str.join("; ")
            .alias("digital_minister_names"),
        )
        .with_columns(pl.col("digital_minister_names").replace("", None))
        .sort(["digital_ministers", "department"], descending=[True, False])
    )


def digital_turnover(fact: pl.DataFrame, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Per department lineage: people who held digital posts in [start, end] and their average tenure.

    Lineage, not department_id, so a rename (DCMS -> DDCMS -> DCMS) is not counted as
    turnover. Tenure is each appointment's full length in days, ongoing ones counted to `end`.
    """
    overlapping = fact.filter(
        pl.col("is_digital")
        & (pl.col("start_date") <= end)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= start))
    )
    tenure = (pl.coalesce(pl.col("end_date"), pl.lit(end)) - pl.col("start_date")).dt.total_days()
    return (
        overlapping.group_by("lineage_id")
        .agg(
            pl.col("lineage_name").first().alias("department"),
            pl.col("person_id").n_unique().alias("holders"),
            pl.len().alias("appointments"),
            tenure.mean().round(1).alias("average_tenure_days"),
        )
        .sort(["holders", "department"], descending=[True, False])
    )
