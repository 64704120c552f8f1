"""Which ministerial posts carry digital responsibility: transparent, word-level rules plus a user file.

Nobody publishes a "digital minister" flag, so the dashboard decides from words, and shows
which words decided. Three sources of evidence, strongest first:

1. `data/reference/digital_responsibilities.csv` (optional, edited by people): one row per
   post and period (`post_name,department,is_digital,evidence`, and optionally
   `applies_from,applies_to,evidence_date,source_url`). An entry wins over every rule, either
   way: it can mark a post digital whose title says nothing (the Cabinet Office "Minister for
   Implementation" ran the Government Digital Service) or veto a keyword false positive. An
   entry with `applies_from`/`applies_to` applies only to appointments in post at some time in
   that window: evidence describes the holders of its day, not every holder of the title since 1979.
2. The post title (`classify_title`): a keyword from `KEYWORD_RULES` as a whole word.
3. The GOV.UK responsibilities body of the matching role (`classify_text`): the sentence
   (or list item) that mentions the most specific keyword. That text describes the role on the
   day it was captured (`captured_at`), so it is applied only to appointments in post within
   `GOVUK_EVIDENCE_WINDOW_DAYS` of that day (see `pipelines.ministers.tables.GovukEvidence`).

Every decision keeps the date of its evidence (`digital_evidence_date`: the GOV.UK capture, or
the user file's `evidence_date`) and, where there is one, its address (`digital_evidence_url`).

Keyword decisions, and why:
- whole words only: `data` must not fire inside "update" or "candidate", `tech` not inside
  "technical", and `AI` must be the capitalised word (not "aid", "Said", "maintain");
- `GDS` likewise must be the capitalised word;
- "science" and "innovation" are NOT digital on their own: those posts cover research
  funding, universities, space and life sciences. DSIT's posts still match through
  "Technology", and a science post whose published responsibilities include AI or
  technology is caught by its GOV.UK body or by a user-file entry;
- "communications" alone is not digital (it also means government communications); the
  telecoms words are;
- "technology" does NOT count when the same title (or sentence) names a sector whose
  technology it means: "Defence Equipment, Support and Technology" is defence procurement,
  "Decarbonisation and Technology" is transport decarbonisation (`SECTOR_TECHNOLOGY`). A more
  specific keyword in the same text ("digital", "data", ...) still counts, and "Science,
  Innovation and Technology" or "Technology, Innovation and Life Sciences" name no such sector.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipelines.config import DIGITAL_RESPONSIBILITIES_PATH
from pipelines.core.textio import UnreadableFileError, read_text
from pipelines.ministers.govuk import html_to_text
from pipelines.reference import lineage_of, resolve_department

RULE_OVERRIDE = "user override"
RULE_TITLE = "title keyword"
RULE_GOVUK = "GOV.UK responsibilities"
RULE_NONE = "no keyword"
RULES = (RULE_OVERRIDE, RULE_TITLE, RULE_GOVUK, RULE_NONE)

#: (label, pattern), most specific first. Patterns are case-insensitive except the acronyms.
KEYWORD_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern))
    for label, pattern in (
        ("Government Digital Service", r"(?i:\bgovernment digital service\b)|\bGDS\b"),
        ("digital", r"(?i:\bdigital\w*)"),
        ("artificial intelligence", r"(?i:\bartificial intelligence\b)|\bAI\b"),
        ("cyber", r"(?i:\bcyber\w*)"),
        ("technology", r"(?i:\btechnolog(?:y|ies|ical)\b|\btech\b)"),
        ("data", r"(?i:\bdata\b)"),
        ("broadband and telecoms", r"(?i:\bbroadband\b|\btelecom(?:s|munications?)?\b)"),
        ("online and internet", r"(?i:\bonline\b|\binternet\b|\be-(?:commerce|government)\b)"),
    )
)

#: Sectors whose own technology a title means when it pairs "technology" with them (not digital).
SECTOR_TECHNOLOGY = re.compile(
    r"(?i:\b(?:defen[cs]e|military|armed forces|equipment|decarboni[sz]ation|net zero|energy|climate|nuclear"
    r"|transport|aviation|maritime|agricultur\w*|farming|fisheries)\b)"
)
TECHNOLOGY = "technology"

EVIDENCE_MAX_CHARS = 300

OVERRIDE_COLUMNS = ("post_name", "department", "is_digital", "evidence")
#: Optional columns: the window of holders the evidence covers, its date and its address.
OVERRIDE_EVIDENCE_COLUMNS = ("applies_from", "applies_to", "evidence_date", "source_url")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def _counts(label: str, text: str) -> bool:
    """Whether a keyword found in `text` counts: 'technology' beside a sector it qualifies does not."""
    return not (label == TECHNOLOGY and SECTOR_TECHNOLOGY.search(text))


def find_keyword(text: str | None) -> tuple[str, str] | None:
    """(rule label, the words as written) of the most specific keyword in `text`, else None."""
    if not text:
        return None
    for label, pattern in KEYWORD_RULES:
        match = pattern.search(text)
        if match and _counts(label, text):
            return label, match.group(0)
    return None


def classify_title(title: str | None) -> tuple[bool, str, str | None]:
    """(is_digital, rule, evidence) for a post or role title.

    'Secretary of State for Science, Innovation and Technology' ->
    (True, 'title keyword', 'Technology'); 'Minister for Schools' -> (False, 'no keyword', None).
    """
    found = find_keyword(title)
    if found is None:
        return False, RULE_NONE, None
    return True, RULE_TITLE, found[1]


def sentences(text: str) -> list[str]:
    """Lines (paragraphs, list items) split further at sentence ends."""
    out: list[str] = []
    for line in text.splitlines():
        out.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", line) if s.strip())
    return out


def classify_text(html: str | None) -> tuple[bool, str | None]:
    """(is_digital, sentence): the first sentence mentioning the most specific keyword.

    A role body that lists "Controls (commercial, digital, property)" before "Government
    Digital Service" is evidenced by the latter: the more specific phrase explains more.
    Accepts HTML or plain text (one responsibility per line).
    """
    text = html_to_text(html) if html and "<" in html else html
    if not text:
        return False, None
    parts = sentences(text)
    for label, pattern in KEYWORD_RULES:
        for sentence in parts:
            if pattern.search(sentence) and _counts(label, sentence):
                return True, sentence[:EVIDENCE_MAX_CHARS]
    return False, None


# --- titles: GOV.UK role titles against IfG post names ------------------------------------------

#: Titles that name a rank, not a remit: matching them needs the same holder and dates.
GENERIC_TITLES = frozenset(
    {
        "minister of state",
        "parliamentary under secretary of state",
        "parliamentary secretary",
        "minister without portfolio",
        "lord in waiting",
        "baroness in waiting",
        "government whip",
        "assistant government whip",
        "assistant whip",
    }
)


def normalise_title(title: str | None) -> str:
    """Compare titles ignoring case, hyphens, non-breaking and repeated spaces, trailing dots."""
    if not title:
        return ""
    text = title.replace("\u00a0", " ").replace("-", " ").replace("–", " ").lower()
    text = re.sub(r"\s+", " ", text).strip(" .,")
    return text


def title_candidates(role_title: str | None) -> set[str]:
    """The normalised title plus any bracketed title inside it.

    GOV.UK writes 'Parliamentary Under Secretary of State (Minister for AI and Digital
    Government)' where the IfG post is 'Minister for AI and Digital Government'.
    """
    out = {normalise_title(role_title)} if role_title else set()
    for inner in re.findall(r"\(([^()]+)\)", role_title or ""):
        out.add(normalise_title(inner))
    return {t for t in out if t}


def is_generic_title(title: str | None) -> bool:
    return normalise_title(title) in GENERIC_TITLES


# --- the user file --------------------------------------------------------------------------


OVERRIDE_SCHEMA = pl.Schema(
    {
        "post_name": pl.String(),
        "department": pl.String(),
        "is_digital": pl.Boolean(),
        "evidence": pl.String(),
        "applies_from": pl.Date(),
        "applies_to": pl.Date(),
        "evidence_date": pl.Date(),
        "source_url": pl.String(),
    }
)


def empty_overrides() -> pl.DataFrame:
    return pl.DataFrame(schema=OVERRIDE_SCHEMA)


def _parse_day(path: Path, line: int, column: str, value: str) -> dt.date | None:
    text = value.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UnreadableFileError(
            path, f"{column} must be a date (YYYY-MM-DD), found {value!r}", line, column
        ) from None


def _parse_flag(path: Path, line: int, value: str) -> bool:
    key = value.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise UnreadableFileError(
        path, f"is_digital must be true or false, found {value!r}", line=line, column="is_digital"
    )


def read_overrides(path: Path = DIGITAL_RESPONSIBILITIES_PATH) -> pl.DataFrame:
    """The user's digital-responsibility decisions (an empty frame when the file is absent).

    Raises UnreadableFileError naming the line and column for a missing column, an empty
    post_name or an is_digital that is not true/false.
    """
    path = Path(path)
    if not path.exists():
        return empty_overrides()
    reader = csv.reader(io.StringIO(read_text(path)))
    header = [h.strip().lower() for h in next(reader, [])]
    for col in OVERRIDE_COLUMNS:
        if col not in header:
            raise UnreadableFileError(path, f"missing required column {col!r}", line=1, column=col)
    idx = {col: header.index(col) for col in (*OVERRIDE_COLUMNS, *OVERRIDE_EVIDENCE_COLUMNS) if col in header}
    rows: list[dict] = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))

        def cell(col: str, cells: list[str] = cells) -> str:
            return cells[idx[col]].strip() if col in idx else ""

        post = cell("post_name")
        if not post:
            raise UnreadableFileError(path, "post_name is empty", line=line, column="post_name")
        start = _parse_day(path, line, "applies_from", cell("applies_from"))
        end = _parse_day(path, line, "applies_to", cell("applies_to"))
        if start and end and end < start:
            raise UnreadableFileError(path, "applies_to is before applies_from", line=line, column="applies_to")
        rows.append(
            {
                "post_name": post,
                "department": cell("department") or None,
                "is_digital": _parse_flag(path, line, cell("is_digital")),
                "evidence": cell("evidence") or None,
                "applies_from": start,
                "applies_to": end,
                "evidence_date": _parse_day(path, line, "evidence_date", cell("evidence_date")),
                "source_url": cell("source_url") or None,
            }
        )
    return pl.DataFrame(rows, schema=OVERRIDE_SCHEMA) if rows else empty_overrides()


@dataclass(frozen=True)
class OverrideEntry:
    department_keys: frozenset[str]  # empty: any department
    is_digital: bool
    evidence: str
    applies_from: dt.date | None = None  # None: no limit
    applies_to: dt.date | None = None
    evidence_date: dt.date | None = None
    source_url: str | None = None

    def covers(self, start: dt.date | None, end: dt.date | None) -> bool:
        """Whether an appointment from `start` to `end` was in post on a day of the window.

        IfG's end date is the first day out of post (None: ongoing); applies_from and applies_to
        are the first and last days the evidence covers, both included.
        """
        if self.applies_from is None and self.applies_to is None:
            return True
        return (start or dt.date.min) <= (self.applies_to or dt.date.max) and (self.applies_from or dt.date.min) < (
            end or dt.date.max
        )


@lru_cache(maxsize=4096)
def _department_keys(department: str | None) -> frozenset[str]:
    """Every string that identifies the entry's department: as written, its id and lineage."""
    if not department:
        return frozenset()
    keys = {normalise_title(department)}
    dept_id = resolve_department(department)
    if dept_id:
        keys |= {normalise_title(dept_id), f"lineage:{lineage_of(dept_id) or dept_id}".lower()}
    return frozenset(keys)


class OverrideIndex:
    """Looks up the user file by post title and department (name, abbreviation, id or lineage)."""

    def __init__(self, overrides: pl.DataFrame) -> None:
        self._by_title: dict[str, list[OverrideEntry]] = {}
        for row in overrides.iter_rows(named=True):
            entry = OverrideEntry(
                _department_keys(row["department"]),
                bool(row["is_digital"]),
                row["evidence"] or f"listed in {DIGITAL_RESPONSIBILITIES_PATH.name}",
                row.get("applies_from"),
                row.get("applies_to"),
                row.get("evidence_date"),
                row.get("source_url"),
            )
            self._by_title.setdefault(normalise_title(row["post_name"]), []).append(entry)

    def __bool__(self) -> bool:
        return bool(self._by_title)

    def match(
        self,
        titles: set[str],
        department_names: list[str | None],
        lineage_id: str | None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> OverrideEntry | None:
        """The first entry whose post title is among `titles`, whose department fits and whose window
        (if it has one) the appointment from `start` to `end` was in post during."""
        keys: set[str] = set()
        for name in department_names:
            keys |= _department_keys(name)
        if lineage_id:
            keys.add(f"lineage:{lineage_id}".lower())
        for title in titles:
            for entry in self._by_title.get(title, []):
                if (not entry.department_keys or entry.department_keys & keys) and entry.covers(start, end):
                    return entry
        return None
