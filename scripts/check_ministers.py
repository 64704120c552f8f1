"""Which ministerial departments have a minister holding digital responsibility on the data's last date.

A second computation of the ministers headline, independent of the pipeline: the standard library only
(csv, json, datetime, re), reading the raw IfG tables and the user file, with the documented rules
restated here rather than imported:

1. in post on a day = started on or before it and not ended by it (IfG's end date is the first day out);
   an end date before the start is a source error: the end is treated as unknown (still in post);
2. the last date = the latest start or end date in appointment.csv;
3. departments = the organisations of the posts in post that day, except the whips' offices and the
   Prime Minister's Office, which are listed apart;
4. digital = a row of data/reference/digital_responsibilities.csv for the post title and department
   whose window (applies_from..applies_to) the appointment was in post during, which wins either way;
   else a whole-word keyword in the post title ('technology' not when the title names a sector whose
   technology it means); else GOV.UK responsibilities captured within 90 days (none are, on the real
   files: the check says so rather than link them).

    python scripts/check_ministers.py [RAW_FOLDER]   (default ../shared/data)
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OVERRIDES = ROOT / "data" / "reference" / "digital_responsibilities.csv"
NOT_DEPARTMENTS = {"Government Whips-House of Commons", "Government Whips-House of Lords", "Prime Minister's Office"}
KEYWORDS = [
    r"(?i:\bgovernment digital service\b)|\bGDS\b",
    r"(?i:\bdigital\w*)",
    r"(?i:\bartificial intelligence\b)|\bAI\b",
    r"(?i:\bcyber\w*)",
    r"(?i:\btechnolog(?:y|ies|ical)\b|\btech\b)",
    r"(?i:\bdata\b)",
    r"(?i:\bbroadband\b|\btelecom(?:s|munications?)?\b)",
    r"(?i:\bonline\b|\binternet\b|\be-(?:commerce|government)\b)",
]
SECTOR = (
    r"(?i:\b(?:defen[cs]e|military|armed forces|equipment|decarboni[sz]ation|net zero|energy|climate|nuclear"
    r"|transport|aviation|maritime|agricultur\w*|farming|fisheries)\b)"
)
TECHNOLOGY = KEYWORDS[4]
WINDOW = dt.timedelta(days=90)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def title_digital(title: str) -> bool:
    for pattern in KEYWORDS:
        if re.search(pattern, title) and not (pattern == TECHNOLOGY and re.search(SECTOR, title)):
            return True
    return False


def override(title: str, org: dict[str, str], start: dt.date, end: dt.date | None) -> bool | None:
    """The user file's decision for this appointment, or None when no row applies."""
    names = {org["name"].lower(), org["short_name"].lower()}
    for r in rows(OVERRIDES):
        if r["post_name"].strip().lower() != title.lower():
            continue
        if r["department"] and r["department"].strip().lower() not in names:
            continue
        first, last = day(r.get("applies_from")), day(r.get("applies_to"))
        if (last is None or start <= last) and (first is None or end is None or first < end):
            return r["is_digital"].strip().lower() in ("true", "yes", "y", "1")
    return None


def compute(ifg: Path) -> tuple[dt.date, dict[str, list[str]], dict[str, int]]:
    """(last date, {department: digital ministers ('name (post)')}, {organisation apart: ministers in post})."""
    people = {}
    for p in rows(ifg / "person.csv"):
        if not p["end_date"] or p["id"] not in people:
            people[p["id"]] = p["name"]
    posts = {p["id"]: p for p in rows(ifg / "post.csv")}
    orgs = {o["id"]: o for o in rows(ifg / "organisation.csv")}
    appointments = rows(ifg / "appointment.csv")
    last = max(max(dt.date.fromisoformat(a["start_date"]), day(a["end_date"]) or dt.date.min) for a in appointments)
    departments: dict[str, list[str]] = {}
    apart: dict[str, set[str]] = {}
    for a in appointments:
        start, end = dt.date.fromisoformat(a["start_date"]), day(a["end_date"])
        if end is not None and end < start:
            end = None  # source error kept: end unknown
        if not (start <= last and (end is None or end > last)):
            continue
        post = posts[a["post_id"]]
        org = orgs[post["organisation_id"]]
        if org["name"] in NOT_DEPARTMENTS:
            apart.setdefault(org["name"], set()).add(a["person_id"])
            continue
        digital = override(post["name"], org, start, end)
        if digital is None:
            digital = title_digital(post["name"])
        who = departments.setdefault(org["name"], [])
        if digital:
            who.append(f"{people[a['person_id']]} ({post['name']})")
    return last, departments, {name: len(ids) for name, ids in apart.items()}


def govuk_captures(folder: Path) -> list[dt.date]:
    out = []
    for path in sorted(folder.rglob("*.json")):
        stamp = json.loads(path.read_text(encoding="utf-8")).get("public_updated_at")
        if isinstance(stamp, str):
            out.append(dt.date.fromisoformat(stamp[:10]))
    return out


def main(raw: Path) -> int:
    if not (raw / "ifg-ministers-database").is_dir():
        print(f"No IfG Ministers Database tables under {raw}/ifg-ministers-database: nothing to check.")
        return 2
    last, departments, apart = compute(raw / "ifg-ministers-database")
    near = [c for c in govuk_captures(raw / "govuk-ministers") if abs(c - last) <= WINDOW]
    without = sorted(d for d, who in departments.items() if not who)
    print(f"Last date in the IfG data: {last:%d %B %Y}")
    print(
        f"{len(without)} of {len(departments)} ministerial departments have no minister holding digital "
        f"responsibility on {last:%d %B %Y}, the last date in the data"
    )
    print("\nWith a digital minister:")
    for name in sorted(d for d, who in departments.items() if who):
        print(f"  {name}: {'; '.join(sorted(departments[name]))}")
    print("\nWithout:")
    for name in without:
        print(f"  {name}")
    print(
        "\nNot counted as departments (ministers in post): " + "; ".join(f"{k} ({v})" for k, v in sorted(apart.items()))
    )
    if near:
        print(f"\nWARNING: {len(near)} GOV.UK page(s) captured within 90 days of {last}: this check does not link them")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"))
