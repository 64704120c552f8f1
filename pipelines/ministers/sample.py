"""Sample IfG Ministers Database tables and a GOV.UK ministers index (SAMPLE data: fictional people).

Writes, deterministically from the seed:

- `<out>/ifg-ministers-database/<table>.csv`: all eleven IfG tables with the real headers, UTF-8,
  CRLF line endings except `organisation_link.csv` and `post_relationship.csv` (LF), as the
  real repository has them; ids are UUIDs and rows are ordered by the UUID's last group (the
  real files' SQL Server ordering); `id_parliament` is written as '4123.0' like the real file.
  About 150 fictional people hold realistic posts in real departments from 2010 to June 2026,
  with reshuffles on real reshuffle dates, a change of government in July 2024, department
  renames carried through `organisation_link` (DCLG -> MHCLG -> DLUHC -> MHCLG, DCMS ->
  DDCMS -> DCMS, DH -> DHSC, BIS -> BEIS -> DBT/DESNZ/DSIT), peers who changed name on
  elevation (two person rows), acting appointments and maternity leave, and the real file's source error
  (the serving Chief Secretary's appointment ends before it starts). Digital posts sit in
  DCMS, DSIT and the Cabinet Office; DWP, DfE, MoJ, Defra, DfT and others have none.
- `<out>/govuk-ministers/ministers_index.json`: `/api/content/government/ministers` in the real
  shape (two-space indent, ASCII escapes) for the sample's current government: every current
  department with `ordered_roles` (plus a board-member role to filter out) and
  `ordered_ministers`, whose `role_appointments` include a past role, cabinet and whips
  lists, and the Office of the Advocate General for Scotland with roles but no ministers.
  Role bodies are responsibilities HTML, some mentioning digital, data or cyber.

Never a copy of the real files: names are generated, ids are random, only public facts
(department names, reshuffle and election dates, constituency names) are real.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.reference import departments

IFG_FOLDER = "ifg-ministers-database"
GOVUK_FOLDER = "govuk-ministers"
INDEX_FILE = "ministers_index.json"

SAMPLE_START = dt.date(2010, 5, 12)
SNAPSHOT = dt.date(2026, 6, 12)
OPEN = dt.date(9999, 12, 31)
CHANGE_OF_GOVERNMENT = dt.date(2024, 7, 5)
COALITION_END = dt.date(2015, 5, 11)
CAPTURED = "2026-06-15T09:12:44.000+00:00"


# --- literal data and posts -------------------------------------------------------------------

#: The literal data (public facts and invented name lists) lives beside this module.
DATA = json.loads((Path(__file__).with_name("sample_data.json")).read_text(encoding="utf-8"))

#: Real reshuffle and government-formation dates (public facts).
RESHUFFLES = tuple(dt.date.fromisoformat(d) for d in DATA["reshuffles"])
#: Reference department_id -> IfG-style short name (IfG writes DfE, MoD, Scot, ...).
IFG_SHORT_NAMES: dict[str, str] = DATA["ifg_short_names"]
SAMPLE_ORGS: tuple[str, ...] = tuple(DATA["sample_orgs"])
WHIPS: tuple[str, str, str] = tuple(DATA["whips"])
#: (link, predecessor, successor, type, date): links sharing a name share an IfG id, as in the real file.
ORG_LINKS: tuple[tuple[str, str, str, str, str], ...] = tuple(tuple(x) for x in DATA["org_links"])
ATTENDS_CABINET: set[str] = set(DATA["attends_cabinet"])
FIRST_NAMES_M: tuple[str, ...] = tuple(DATA["first_names_m"])
FIRST_NAMES_F: tuple[str, ...] = tuple(DATA["first_names_f"])
SURNAMES: tuple[str, ...] = tuple(DATA["surnames"])
PEER_PLACES: tuple[str, ...] = tuple(DATA["peer_places"])
CONSTITUENCIES: tuple[str, ...] = tuple(DATA["constituencies"])
EVENTS: tuple[tuple[str, str, str], ...] = tuple(tuple(e) for e in DATA["events"])
#: IfG post name -> responsibilities (one <li> each). Posts not listed get their rank's generic list.
RESPONSIBILITIES: dict[str, list[str]] = DATA["responsibilities"]
GENERIC_RESPONSIBILITIES: dict[str, list[str]] = DATA["generic_responsibilities"]
#: Departments listed in the sample index (reference ids), in GOV.UK's order.
INDEX_DEPARTMENTS: tuple[str, ...] = tuple(DATA["index_departments"])

RANK_VALUE = {"PM": 1, "DPM": 2, "SoS": 3, "MoS": 4, "PUSS": 5, "Parl. lead.": 6, "Parl.": 7}


@dataclass(frozen=True)
class PostSpec:
    org: str
    name: str
    rank: str
    group: str
    start: str | None = None  # window in which the post is filled (ISO dates)
    end: str | None = None
    cabinet: str = ""  # cabinet status; default from rank


def _p(org: str, name: str, rank: str, group: str, start: str | None = None, end: str | None = None) -> PostSpec:
    return PostSpec(org, name, rank, group, start, end)


POSTS: tuple[PostSpec, ...] = tuple(_p(*row) for row in DATA["posts"])


# --- people -----------------------------------------------------------------------------------


@dataclass
class Person:
    id: str
    first: str
    surname: str
    gender: str
    party: str
    id_parliament: int
    peer_place: str | None = None  # a peer throughout
    elevated_on: dt.date | None = None  # became a peer on this date
    elevated_place: str | None = None
    constituency: int | None = None
    busy: list[tuple[dt.date, dt.date]] = field(default_factory=list)

    @property
    def commons_name(self) -> str:
        return f"{self.first} {self.surname}"

    @property
    def peer_title(self) -> str:
        place = self.peer_place or self.elevated_place
        return f"{'Lord' if self.gender == 'M' else 'Baroness'} {self.surname} of {place}"

    @property
    def current_name(self) -> str:
        return self.peer_title if (self.peer_place or self.elevated_on) else self.commons_name

    @property
    def in_lords(self) -> bool:
        return self.peer_place is not None or self.elevated_on is not None

    def free(self, start: dt.date, end: dt.date) -> bool:
        return all(end <= s or start >= e for s, e in self.busy)


@dataclass
class Appointment:
    id: str
    person: Person
    post_key: int
    start: dt.date
    end: dt.date | None


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _sort_key(row_id: str) -> str:
    """The real files list rows in SQL Server uniqueidentifier order: by the last group first."""
    return row_id.rsplit("-", 1)[-1] + row_id


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


# --- building the IfG tables --------------------------------------------------------------------


@dataclass
class World:
    rng: random.Random
    org_ids: dict[str, str] = field(default_factory=dict)
    org_rows: list[dict] = field(default_factory=list)
    post_ids: list[str] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)


def _organisations(world: World) -> None:
    ref = {r["department_id"]: r for r in departments().iter_rows(named=True)}
    for key in SAMPLE_ORGS:
        r = ref[key]
        world.org_ids[key] = _uuid(world.rng)
        world.org_rows.append(
            {
                "key": key,
                "id": world.org_ids[key],
                "name": r["name"],
                "short_name": IFG_SHORT_NAMES.get(key, r["abbreviation"]),
                "start_date": r["start_date"],
                "end_date": r["end_date"],
            }
        )
    world.org_ids[WHIPS[0]] = _uuid(world.rng)
    world.org_rows.append(
        {"key": WHIPS[0], "id": world.org_ids[WHIPS[0]], "name": WHIPS[1], "short_name": WHIPS[2]}
        | {"start_date": None, "end_date": None}
    )


def _people(world: World) -> None:
    rng = world.rng
    names: set[tuple[str, str]] = set()
    parties = ["Conservative"] * 82 + ["Liberal Democrat"] * 8 + ["Labour"] * 72
    places = list(PEER_PLACES)
    rng.shuffle(places)
    seats = list(range(len(CONSTITUENCIES)))
    rng.shuffle(seats)
    for idx, party in enumerate(parties):
        gender = "F" if rng.random() < 0.4 else "M"
        while True:
            first = rng.choice(FIRST_NAMES_F if gender == "F" else FIRST_NAMES_M)
            surname = rng.choice(SURNAMES)
            if (first, surname) not in names:
                names.add((first, surname))
                break
        person = Person(_uuid(rng), first, surname, gender, party, 4000 + idx * 7 + rng.randint(0, 6))
        if idx % 13 == 5 and places:
            person.peer_place = places.pop()
        elif idx % 17 == 3 and places:
            person.elevated_on = rng.choice(RESHUFFLES[3:10])
            person.elevated_place = places.pop()
        if not person.peer_place:
            person.constituency = seats[idx % len(seats)]
        world.people.append(person)


def _window(post: PostSpec, org_row: dict) -> tuple[dt.date, dt.date]:
    start = max(d for d in (SAMPLE_START, org_row["start_date"], _date(post.start)) if d is not None)
    end = min(d for d in (OPEN, org_row["end_date"], _date(post.end)) if d is not None)
    return start, end


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _in_government(person: Person, start: dt.date) -> bool:
    """Conservatives (with Liberal Democrats until May 2015) before July 2024, Labour after."""
    if start >= CHANGE_OF_GOVERNMENT:
        return person.party == "Labour"
    return person.party == "Conservative" or (person.party == "Liberal Democrat" and start < COALITION_END)


def _pick(world: World, start: dt.date, end: dt.date, lords_ok: bool) -> Person:
    pool = [
        p for p in world.people if _in_government(p, start) and p.free(start, end) and (lords_ok or not p.peer_place)
    ]
    return world.rng.choice(pool)


def _appointments(world: World) -> None:
    rng = world.rng
    org_rows = {r["key"]: r for r in world.org_rows}
    world.post_ids = [_uuid(rng) for _ in POSTS]
    order = sorted(range(len(POSTS)), key=lambda i: (_window(POSTS[i], org_rows[POSTS[i].org])[0], i))
    ended_at: dict[tuple[str, dt.date], Person] = {}
    for i in order:
        post = POSTS[i]
        start, end = _window(post, org_rows[post.org])
        if start >= end:
            continue
        cuts = [start, *[d for d in RESHUFFLES if start < d < end], end]
        holder: Person | None = None
        began = start
        for seg_start, seg_end in zip(cuts, cuts[1:], strict=False):
            keep = holder is not None and _in_government(holder, seg_start) and holder.free(seg_start, seg_end)
            keep = keep and rng.random() < (0.35 if post.rank == "PM" else 0.55)
            if holder is None or not keep:  # keep implies a holder; testing it too lets mypy see that
                if holder is not None:
                    world.appointments.append(Appointment(_uuid(rng), holder, i, began, seg_start))
                    ended_at[(post.name, seg_start)] = holder
                carried = ended_at.get((post.name, seg_start)) if seg_start == start else None
                if carried and carried.free(seg_start, seg_end) and _in_government(carried, seg_start):
                    holder = carried
                else:
                    holder = _pick(world, seg_start, seg_end, lords_ok=post.rank != "PM")
                began = seg_start
            holder.busy.append((seg_start, seg_end))
        if holder is not None:
            final_end = None if end == OPEN else end
            world.appointments.append(Appointment(_uuid(rng), holder, i, began, final_end))
            if final_end:
                ended_at[(post.name, final_end)] = holder


def _csv_bytes(header: list[str], rows: list[list[object]], newline: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode("utf-8")


def _cabinet_status(post: PostSpec) -> str:
    if post.name in ATTENDS_CABINET:
        return "Attends cabinet"
    return "Full cabinet" if post.rank in ("PM", "SoS") else "Non-cabinet"


def _characteristics(world: World) -> list[list[object]]:
    rng = world.rng
    rows: list[list[object]] = []
    long_female = [a for a in world.appointments if a.person.gender == "F" and a.end and (a.end - a.start).days > 500]
    on_leave = {a.id for a in rng.sample(long_female, min(2, len(long_female)))}
    short = [a for a in world.appointments if a.end and (a.end - a.start).days < 400 and a.id not in on_leave]
    acting = {a.id for a in rng.sample(short, min(2, len(short)))}
    for a in world.appointments:
        status = _cabinet_status(POSTS[a.post_key])
        is_acting = "True" if a.id in acting else "False"
        if a.id in on_leave and a.end:
            leave_start = a.start + dt.timedelta(days=180)
            leave_end = leave_start + dt.timedelta(days=200)
            rows.append([_uuid(rng), a.id, status, is_acting, "False", "", _iso(a.start), _iso(leave_start)])
            rows.append(
                [_uuid(rng), a.id, status, is_acting, "True", "Maternity leave", _iso(leave_start), _iso(leave_end)]
            )
            rows.append([_uuid(rng), a.id, status, is_acting, "False", "", _iso(leave_end), _iso(a.end)])
        else:
            rows.append([_uuid(rng), a.id, status, is_acting, "False", "", _iso(a.start), _iso(a.end)])
    return rows


def _person_rows(world: World) -> list[list[object]]:
    rows: list[list[object]] = []
    for p in world.people:
        website = f"{p.id_parliament % 400}.0" if p.id_parliament % 9 == 0 else ""
        common = [p.id, f"{p.id_parliament}.0", website]
        if p.elevated_on:
            for name, start, end in ((p.peer_title, p.elevated_on, None), (p.commons_name, None, p.elevated_on)):
                rows.append([*common, name, name, name, p.surname, p.gender, _iso(start), _iso(end)])
        else:
            name = p.current_name
            rows.append([*common, name, name, name, p.surname, p.gender, "", ""])
    return rows


def _post_rows(world: World) -> list[list[object]]:
    rows = []
    for i, post in enumerate(POSTS):
        display = post.name
        if post.name in ("Minister of State", "Parliamentary Under-Secretary of State"):
            display = f"{post.name}, {IFG_SHORT_NAMES.get(post.org, post.org)}"
        rows.append(
            [world.post_ids[i], "", world.org_ids[post.org], post.name, display, post.rank, RANK_VALUE[post.rank]]
        )
    return rows


def _post_relationship_rows(world: World) -> list[list[object]]:
    seniority = {"PM": "PM", "DPM": "DPM", "SoS": "SoS", "MoS": "MoS/PUSS", "PUSS": "MoS/PUSS"}
    return [
        [_uuid(world.rng), world.post_ids[i], post.group, seniority.get(post.rank, "Parl. lead./Parl.")]
        for i, post in enumerate(POSTS)
    ]


def _representation_rows(world: World, constituency_ids: list[str]) -> tuple[list[list[object]], list[list[object]]]:
    reps: list[list[object]] = []
    chars: list[list[object]] = []
    rng = world.rng
    for p in world.people:
        if p.constituency is not None:
            start = rng.choice((dt.date(2005, 5, 5), dt.date(2010, 5, 6), dt.date(2015, 5, 7)))
            if p.party == "Labour":
                start = rng.choice((dt.date(2010, 5, 6), dt.date(2017, 6, 8), dt.date(2024, 7, 4)))
            end = p.elevated_on or (dt.date(2024, 5, 30) if p.party != "Labour" and rng.random() < 0.4 else None)
            rep_id = _uuid(rng)
            reps.append([rep_id, p.id, "Commons", "", constituency_ids[p.constituency], _iso(start), _iso(end)])
            chars.append([_uuid(rng), rep_id, p.party, _iso(start), _iso(end)])
        if p.in_lords:
            start = p.elevated_on or dt.date(2008, 1, 15)
            rep_id = _uuid(rng)
            reps.append([rep_id, p.id, "Lords", "Life peer", "", _iso(start), ""])
            chars.append([_uuid(rng), rep_id, p.party, _iso(start), ""])
    return reps, chars


#: The real file's source error, reproduced: the serving holder of this post has an end date before the start.
REVERSED_DATES_POST = "Chief Secretary to the Treasury"


def _published_end(a: Appointment) -> str:
    """The end date as the sample publishes it: IfG's error (an ongoing appointment ending before it starts) once."""
    if a.end is None and POSTS[a.post_key].name == REVERSED_DATES_POST:
        return _iso(a.start - dt.timedelta(days=110))
    return _iso(a.end)


def write_ifg(folder: Path, world: World) -> list[Path]:
    """Write the eleven IfG tables; returns their paths."""
    rng = world.rng
    link_ids: dict[str, str] = {}
    link_rows: list[list[object]] = []
    for name, pred, succ, kind, date in ORG_LINKS:
        link_id = link_ids.setdefault(name, _uuid(rng))
        link_rows.append([link_id, world.org_ids[pred], world.org_ids[succ], kind, date, date])
    constituency_ids = [_uuid(rng) for _ in CONSTITUENCIES]
    reps, rep_chars = _representation_rows(world, constituency_ids)
    tables: dict[str, tuple[str, list[list[object]], str]] = {
        "appointment": (
            "id,person_id,post_id,start_date,end_date",
            [
                [a.id, a.person.id, world.post_ids[a.post_key], _iso(a.start), _published_end(a)]
                for a in world.appointments
            ],
            "\r\n",
        ),
        "appointment_characteristics": (
            "id,appointment_id,cabinet_status,is_acting,is_on_leave,leave_reason,start_date,end_date",
            _characteristics(world),
            "\r\n",
        ),
        "constituency": (
            "id,id_parliament,name",
            [
                [cid, 3000 + i * 11, name]
                for i, (cid, name) in enumerate(zip(constituency_ids, CONSTITUENCIES, strict=True))
            ],
            "\r\n",
        ),
        "event": ("id,name,type,date", [[_uuid(rng), *e] for e in EVENTS], "\r\n"),
        "organisation": (
            "id,name,short_name,start_date,end_date",
            [[o["id"], o["name"], o["short_name"], _iso(o["start_date"]), _iso(o["end_date"])] for o in world.org_rows],
            "\r\n",
        ),
        "organisation_link": (
            "id,predecessor_organisation_id,successor_organisation_id,type,link_start_date,link_end_date",
            link_rows,
            "\n",
        ),
        "person": (
            "id,id_parliament,id_ifg_website,name,display_name,normalized_name,short_name,gender,start_date,end_date",
            _person_rows(world),
            "\r\n",
        ),
        "post": (
            "id,id_ifg_website,organisation_id,name,display_name,rank_equivalence,rank_equivalence_value",
            _post_rows(world),
            "\r\n",
        ),
        "post_relationship": ("id,post_id,group_name,group_seniority", _post_relationship_rows(world), "\n"),
        "representation": ("id,person_id,house,type,constituency_id,start_date,end_date", reps, "\r\n"),
        "representation_characteristics": ("id,representation_id,party,start_date,end_date", rep_chars, "\r\n"),
    }
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for table, (header, rows, newline) in tables.items():
        # A person's rows stay together, the row carrying a start_date (the current name) first.
        ordered = sorted(rows, key=lambda r: (_sort_key(str(r[0])), table == "person" and r[8] == ""))
        path = folder / f"{table}.csv"
        path.write_bytes(_csv_bytes(header.split(","), ordered, newline))
        paths.append(path)
    return paths


# --- the GOV.UK ministers index ------------------------------------------------------------------


def govuk_role_title(post: PostSpec) -> str:
    """How GOV.UK titles the role: 'Minister of State (Minister for Security)' for an IfG 'Minister for Security'."""
    if post.name == "Minister for Implementation":
        return "Parliamentary Secretary (Minister for Implementation)"
    if post.name.startswith("Minister for") and post.rank == "MoS":
        return f"Minister of State ({post.name})"
    if post.name.startswith("Minister for") and post.rank == "PUSS":
        return f"Parliamentary Under-Secretary of State ({post.name})"
    return post.name


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _body(post: PostSpec) -> str:
    items = RESPONSIBILITIES.get(post.name, GENERIC_RESPONSIBILITIES.get(post.rank, []))
    lis = "\n".join(f"  <li>{item.replace('&', '&amp;')}</li>" for item in items)
    return f"<p>Responsibilities include:</p>\n<ul>\n{lis}\n</ul>\n"


class GovukBuilder:
    """Builds Content API items (expanded links) in the real nesting."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = world.rng
        self.role_ids = [_uuid(self.rng) for _ in POSTS]
        self.person_ids = {p.id: _uuid(self.rng) for p in world.people}
        self.org_content_ids: dict[str, str] = {}
        self._roles: dict[int, dict] = {}

    def stamp(self) -> str:
        day = dt.date(2024, 7, 5) + dt.timedelta(days=self.rng.randint(0, 700))
        return f"{day.isoformat()}T{self.rng.randint(7, 18):02d}:{self.rng.randint(0, 59):02d}:{self.rng.randint(0, 59):02d}Z"

    def role(self, i: int) -> dict:
        if i not in self._roles:
            self._roles[i] = self._role(i)
        return self._roles[i]

    def _role(self, i: int) -> dict:
        post = POSTS[i]
        title = govuk_role_title(post)
        slug = (
            _slugify(title)
            if post.name not in ("Minister of State", "Parliamentary Under-Secretary of State")
            else f"{_slugify(title)}--{i}"
        )
        path = f"/government/ministers/{slug}"
        return {
            "content_id": self.role_ids[i],
            "title": title,
            "locale": "en",
            "api_path": f"/api/content{path}",
            "base_path": path,
            "document_type": "ministerial_role",
            "public_updated_at": self.stamp(),
            "schema_name": "role",
            "withdrawn": False,
            "details": {
                "body": _body(post),
                "role_payment_type": None,
                "seniority": {"PM": 0, "SoS": 20 + i % 30}.get(post.rank, 100),
                "whip_organisation": {},
            },
            "links": {},
            "api_url": f"https://www.gov.uk/api/content{path}",
            "web_url": f"https://www.gov.uk{path}",
        }

    def board_role(self, dept_title: str) -> dict:
        return {
            "content_id": _uuid(self.rng),
            "title": "Permanent Secretary",
            "locale": "en",
            "document_type": "board_member_role",
            "public_updated_at": self.stamp(),
            "schema_name": "role",
            "withdrawn": False,
            "details": {
                "body": f"<p>The Permanent Secretary is the most senior civil servant at the {dept_title}.</p>\n",
                "role_payment_type": None,
            },
            "links": {},
        }

    def display_name(self, person: Person, rank: str) -> str:
        if person.in_lords:
            return f"The Rt Hon {person.peer_title}" if rank in ("PM", "SoS") else person.peer_title
        return f"The Rt Hon {person.commons_name} MP" if rank in ("PM", "SoS") else f"{person.commons_name} MP"

    def appointment(self, person: Person, a: Appointment, order: int) -> dict:
        post = POSTS[a.post_key]
        name = self.display_name(person, post.rank)
        return {
            "content_id": _uuid(self.rng),
            "title": f"{name} - {govuk_role_title(post)}",
            "locale": "en",
            "document_type": "role_appointment",
            "public_updated_at": self.stamp(),
            "schema_name": "role_appointment",
            "withdrawn": False,
            "details": {
                "started_on": f"{a.start.isoformat()}T00:00:00+01:00",
                "ended_on": f"{a.end.isoformat()}T00:00:00+01:00" if a.end else None,
                "current": a.end is None,
                "person_appointment_order": order,
            },
            "links": {"role": [self.role(a.post_key)]},
        }

    def person(self, person: Person, appointments: list[Appointment]) -> dict:
        top_rank = min(
            (POSTS[a.post_key].rank for a in appointments if a.end is None), key=RANK_VALUE.__getitem__, default="PUSS"
        )
        slug = _slugify(person.current_name)
        path = f"/government/people/{slug}"
        name = self.display_name(person, top_rank)
        ordered = sorted(appointments, key=lambda a: a.start)
        return {
            "content_id": self.person_ids[person.id],
            "title": name,
            "locale": "en",
            "api_path": f"/api/content{path}",
            "base_path": path,
            "document_type": "person",
            "public_updated_at": self.stamp(),
            "schema_name": "person",
            "withdrawn": False,
            "details": {
                "image": {
                    "url": f"https://assets.publishing.service.gov.uk/media/{_uuid(self.rng).replace('-', '')[:24]}/s465_{slug}.jpg",
                    "alt_text": name,
                },
                "privy_counsellor": top_rank in ("PM", "SoS"),
            },
            "links": {"role_appointments": [self.appointment(person, a, 9000 + k) for k, a in enumerate(ordered)]},
            "api_url": f"https://www.gov.uk/api/content{path}",
            "web_url": f"https://www.gov.uk{path}",
        }

    def department(self, dept_id: str, roles: list[dict], ministers: list[dict]) -> dict:
        ref = departments().filter(departments()["department_id"] == dept_id).row(0, named=True)
        slug = ref["govuk_slug"]
        path = f"/government/organisations/{slug}"
        links: dict[str, list[dict]] = {}
        if ministers:
            links["ordered_ministers"] = ministers
        links["ordered_roles"] = roles
        return {
            "content_id": self.org_content_ids.setdefault(dept_id, _uuid(self.rng)),
            "title": ref["name"],
            "locale": "en",
            "analytics_identifier": f"D{self.rng.randint(1, 1200)}",
            "api_path": f"/api/content{path}",
            "base_path": path,
            "document_type": "organisation",
            "schema_name": "organisation",
            "withdrawn": False,
            "details": {
                "logo": {"crest": "single-identity", "formatted_title": ref["name"]},
                "brand": slug,
                "default_news_image": None,
                "organisation_govuk_status": {"url": None, "status": "live", "updated_at": None},
            },
            "links": links,
            "api_url": f"https://www.gov.uk/api/content{path}",
            "web_url": f"https://www.gov.uk{path}",
        }


def build_index(world: World) -> dict:
    """The ministers index document for the sample's current government."""
    builder = GovukBuilder(world)
    by_person: dict[str, list[Appointment]] = {}
    for a in world.appointments:
        by_person.setdefault(a.person.id, []).append(a)
    current = [a for a in world.appointments if a.end is None]
    people_items: dict[str, dict] = {}

    def person_item(person: Person) -> dict:
        if person.id not in people_items:
            history = by_person[person.id]
            past = [a for a in history if a.end is not None][-1:]  # one past role: exercises the current filter
            people_items[person.id] = builder.person(person, [a for a in history if a.end is None] + past)
        return people_items[person.id]

    departments_out = []
    for dept_id in INDEX_DEPARTMENTS:
        post_keys = [i for i, p in enumerate(POSTS) if p.org == dept_id]
        if dept_id == "CO":
            post_keys = [i for i, p in enumerate(POSTS) if p.org == "PMO"] + post_keys  # GOV.UK lists the PM here
        roles = [builder.role(i) for i in post_keys] + [builder.board_role(dept_id)]
        holders: list[Person] = []
        for a in current:
            if a.post_key in post_keys and a.person not in holders:
                holders.append(a.person)
        ministers = [person_item(p) for p in holders]
        departments_out.append(builder.department(dept_id, roles, ministers))
    cabinet = [
        person_item(a.person)
        for a in current
        if POSTS[a.post_key].rank in ("PM", "SoS") and POSTS[a.post_key].org != "WHIPS"
    ]
    attends = [person_item(a.person) for a in current if POSTS[a.post_key].name in ATTENDS_CABINET]
    whips = {
        "ordered_house_of_commons_whips": "Chief Whip and Parliamentary Secretary to the Treasury",
        "ordered_junior_lords_of_the_treasury_whips": "Lord Commissioner (Whip)",
        "ordered_assistant_whips": "Assistant Whip (HM Treasury)",
    }
    links: dict[str, list] = {
        "ordered_also_attends_cabinet": _unique(attends),
        "ordered_assistant_whips": [],
        "ordered_baronesses_and_lords_in_waiting_whips": [],
        "ordered_cabinet_ministers": _unique(cabinet),
        "ordered_house_lords_whips": [],
        "ordered_house_of_commons_whips": [],
        "ordered_junior_lords_of_the_treasury_whips": [],
        "ordered_ministerial_departments": departments_out,
    }
    for key, post_name in whips.items():
        links[key] = _unique([person_item(a.person) for a in current if POSTS[a.post_key].name == post_name])
    links["available_translations"] = [
        {
            "title": "Ministers",
            "public_updated_at": CAPTURED,
            "document_type": "ministers_index",
            "schema_name": "ministers_index",
            "base_path": "/government/ministers",
            "api_path": "/api/content/government/ministers",
            "withdrawn": False,
            "content_id": "324e4708-2285-40a0-b3aa-cb13af14ec5f",
            "locale": "en",
            "api_url": "https://www.gov.uk/api/content/government/ministers",
            "web_url": "https://www.gov.uk/government/ministers",
            "links": {},
        }
    ]
    return {
        "analytics_identifier": None,
        "base_path": "/government/ministers",
        "content_id": "324e4708-2285-40a0-b3aa-cb13af14ec5f",
        "document_type": "ministers_index",
        "first_published_at": "2016-11-14T16:28:54.000+00:00",
        "locale": "en",
        "phase": "live",
        "public_updated_at": CAPTURED,
        "publishing_app": "whitehall",
        "publishing_scheduled_at": None,
        "rendering_app": "frontend",
        "scheduled_publishing_delay_seconds": None,
        "schema_name": "ministers_index",
        "title": "Ministers",
        "updated_at": "2026-06-15T09:13:02.118Z",
        "withdrawn_notice": {},
        "publishing_request_id": f"{world.rng.randint(10, 99)}-1781514764.{world.rng.randint(100, 999)}-10.13.4.{world.rng.randint(2, 250)}-{world.rng.randint(100, 999)}",
        "links": links,
        "description": None,
        "details": {
            "body": 'Read biographies and responsibilities of <a href="#cabinet-ministers" class="govuk-link">Cabinet ministers</a> '
            'and all <a href="#ministers-by-department" class="govuk-link">ministers by department</a>, as well as the '
            '<a href="#whips" class="govuk-link">whips</a> who help co-ordinate parliamentary business.'
        },
    }


def _unique(items: list[dict]) -> list[dict]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item["content_id"] not in seen:
            seen.add(item["content_id"])
            out.append(item)
    return out


def build_world(seed: int = 2026) -> World:
    """Organisations, fictional people and their appointments, from the seed."""
    world = World(random.Random(seed))
    _organisations(world)
    _people(world)
    _appointments(world)
    world.appointments.sort(key=lambda a: (a.start, a.post_key))
    return world


def write_sample(out_dir: Path, *, seed: int = 2026) -> list[Path]:
    """Write the IfG tables and the GOV.UK ministers index; the same seed gives the same bytes."""
    world = build_world(seed)
    paths = write_ifg(Path(out_dir) / IFG_FOLDER, world)
    folder = Path(out_dir) / GOVUK_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / INDEX_FILE
    index.write_text(json.dumps(build_index(world), indent=2) + "\n", encoding="utf-8", newline="\n")
    return [*paths, index]
