"""The ministers page's rules as pure functions: link checking, the department summary, the headline,
the timeline's lanes and period. Kept out of the page so they can be tested on small frames."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from dashboard.filters import echo
from dashboard.format import long_date
from dashboard.safe_text import md
from pipelines.ministers.digital import KEYWORD_RULES, RULE_GOVUK, RULE_NONE, RULE_OVERRIDE, RULE_TITLE

AS_OF_KEY = "as_of"
SOURCE = (
    "Institute for Government Ministers Database; GOV.UK ministerial roles; data/reference/digital_responsibilities.csv"
)
EMPTY_MESSAGE = (
    "No ministerial appointments are loaded, so there is nobody to show. Put the Institute for Government "
    "Ministers Database files in data/raw/ifg-ministers-database/ (and GOV.UK role pages in "
    "data/raw/govuk-ministers/) and rebuild the warehouse."
)
NOBODY_IN_PERIOD = "Nobody held a digital post in this period. Widen the financial years in the sidebar."
TURNOVER_NOTE = (
    "**Turnover by department** (average tenure is each appointment's full length; ongoing ones to the last date "
    "in the data)"
)
NONE_STATUS = "✗ None: no minister holds a digital post"
#: Which list of departments is counted, said on the page next to the headline.
DEPARTMENTS_USED = (
    "Departments are the ministerial departments (GOV.UK's list, gov.uk/government/organisations) with a minister "
    "in post on the date, followed through renames. The government whips' offices and the Prime Minister's Office "
    "have ministers but are not departments: they are not counted, and are listed apart below the chart."
)
APART_NOTE = "**Organisations with ministers that are not counted as departments**"

#: IfG rank codes in words (IfG's rank_equivalence).
RANK_NAMES = {
    "PM": "Prime Minister",
    "DPM": "Deputy Prime Minister",
    "SoS": "Secretary of State",
    "MoS": "Minister of State",
    "PUSS": "Parliamentary Under-Secretary",
    "Parl. lead.": "Leader of a House",
    "Parl. lead": "Leader of a House",
    "Parl.": "Parliamentary post (whip or similar)",
}

#: How each rule is explained next to the evidence it produced.
RULE_WORDS = {
    RULE_OVERRIDE: "user file",
    RULE_TITLE: "title keyword",
    RULE_GOVUK: "GOV.UK responsibilities",
    RULE_NONE: "no keyword",
}

KEYWORD_LABELS = tuple(label for label, _pattern in KEYWORD_RULES)

#: The classification rules in plain words (the code is pipelines/digital.py; strongest evidence first).
RULES_EXPLAINED = f"""
Nobody publishes a "digital minister" flag, so the dashboard decides from words and shows which words decided.
Three kinds of evidence are tried in order; the first that applies wins:

1. **User file** (`data/reference/digital_responsibilities.csv`): one row per post (post name, department,
   is_digital, evidence), edited by people. It wins either way: it can mark a post digital whose title says
   nothing (the Cabinet Office "Minister for Implementation" ran the Government Digital Service) or veto a
   keyword that misfires.
2. **Title keyword**: the post title contains one of these as a whole word: {", ".join(KEYWORD_LABELS)}.
   "Science" and "innovation" alone do not count, nor does "communications" alone.
   "Technology" does not count when the title pairs it with a sector whose technology it means ("Defence
   Equipment, Support and Technology", "Decarbonisation and Technology").
3. **GOV.UK responsibilities**: the responsibilities published on the GOV.UK page of the matching ministerial
   role mention one of the same keywords; the sentence that does is shown as evidence. That text describes the
   role on the day the page was captured, so it counts only for an appointment in post within 90 days of that
   day, never for holders years earlier.

Every piece of evidence carries its date (the GOV.UK capture date, or the date of the source cited in the user
file) and, where there is one, its address. A user-file row can be limited to the holders of a period
(`applies_from`, `applies_to`): evidence about one holder is not applied to the next.

A department counts as having a digital minister on a date when any minister in post that day (appointed on or
before it and not yet left) holds a post classified digital. Departments are followed through renames (DCMS,
DDCMS, DCMS again), so a rename is not counted as turnover.
"""


#: The only date form a link's `as_of` may take (what the date box itself writes).
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def as_of_notice(values: list[str], earliest: dt.date, latest: dt.date) -> str | None:
    """A notice when a link's `as_of` is not an ISO date within the data (Streamlit would drop it silently).

    `latest` is the last date the data covers, which the page shows instead: after it the data says nothing.
    """
    fallback = f"showing {long_date(latest)}, the last date in the data, instead"
    for value in values:
        try:
            # The date box takes YYYY-MM-DD only; fromisoformat alone would also take 2024-W27-5 or 20240701.
            day = dt.date.fromisoformat(value) if ISO_DAY.fullmatch(value) else None
        except ValueError:
            day = None
        if day is None:
            return f"The link asked for the date {echo(value)}, which is not a date (YYYY-MM-DD); {fallback}."
        if day > latest:
            return (
                f"The link asked for {long_date(day)}, but the appointments data ends on {long_date(latest)}: it "
                f"cannot say who was in post later; {fallback}."
            )
        if day < earliest:
            return (
                f"The link asked for {long_date(day)}, outside the appointments data ({long_date(earliest)} to "
                f"{long_date(latest)}); {fallback}."
            )
    return None


def on_date(as_of: dt.date, data_end: dt.date | None) -> str:
    """'12 June 2026, the last date in the data' when the date is the data's end, else '1 June 2020'."""
    return f"{long_date(as_of)}, the last date in the data" if as_of == data_end else long_date(as_of)


def rank_expr(column: str = "rank_equivalence") -> pl.Expr:
    """IfG rank codes in words; an unknown code is shown as it is."""
    return pl.col(column).replace_strict(RANK_NAMES, default=pl.col(column), return_dtype=pl.String)


def evidence_expr(rule: str = "digital_rule", evidence: str = "digital_evidence") -> pl.Expr:
    """Evidence a reader can check: which rule decided and the words that decided it (GOV.UK text with its date)."""
    r, e = pl.col(rule), pl.col(evidence)
    return (
        pl.when(r == RULE_TITLE)
        .then(pl.format("The post title contains '{}'", e))
        .when((r == RULE_GOVUK) & pl.col("digital_evidence_date").is_not_null())
        .then(pl.format("GOV.UK responsibilities as captured on {}: '{}'", pl.col("digital_evidence_date"), e))
        .when(r == RULE_GOVUK)
        .then(pl.format("GOV.UK responsibilities: '{}'", e))
        .when(r == RULE_OVERRIDE)
        .then(pl.format("Listed in data/reference/digital_responsibilities.csv: {}", e))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def minister_table(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per department and digital minister (a department with none: one row saying so, status first)."""
    has = pl.col("person_name").is_not_null()
    return rows.select(
        pl.col("department").alias("Department"),
        pl.when(has).then(pl.lit("✓ Digital post")).otherwise(pl.lit(NONE_STATUS)).alias("Status"),
        pl.col("person_name").alias("Minister"),
        pl.col("post_name").alias("Post"),
        rank_expr().alias("Rank"),
        pl.col("start_date").alias("In post since"),
        pl.col("digital_rule")
        .replace_strict(RULE_WORDS, default=pl.col("digital_rule"), return_dtype=pl.String)
        .alias("Rule"),
        evidence_expr().alias("Evidence"),
        pl.col("digital_evidence_date").alias("Evidence dated"),
        pl.col("digital_evidence_url").alias("Evidence source"),
        pl.col("n_ministers").alias("Ministers in department"),
    )


def departments_only(rows: pl.DataFrame) -> pl.DataFrame:
    """The ministers_departments_as_of rows of ministerial departments (not whips' offices or the PM's Office)."""
    return rows.filter(pl.col("is_department")) if "is_department" in rows.columns else rows


def apart_table(rows: pl.DataFrame) -> pl.DataFrame:
    """Organisations with ministers in post that are not departments: shown apart, never counted."""
    apart = rows.filter(~pl.col("is_department")) if "is_department" in rows.columns else rows.clear()
    return (
        apart.group_by("lineage_id", maintain_order=True)
        .agg(
            pl.col("department").first().alias("Organisation"),
            pl.col("n_ministers").first().alias("Ministers in post"),
            pl.col("person_name").drop_nulls().n_unique().alias("Ministers in a digital post"),
        )
        .drop("lineage_id")
        .sort("Organisation")
    )


def department_summary(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per ministerial department: how many of its ministers hold digital posts, and who (none first)."""
    has = pl.col("person_name").is_not_null()
    summary = (
        departments_only(rows)
        .group_by("lineage_id", maintain_order=True)
        .agg(
            pl.col("department").first(),
            pl.col("n_ministers").first().alias("ministers"),
            pl.col("person_name").filter(has).n_unique().alias("digital_ministers"),
            pl.format("{} ({})", "person_name", "post_name").filter(has).str.join("; ").alias("who"),
        )
        .with_columns(
            pl.when(pl.col("digital_ministers") == 0)
            .then(pl.lit(NONE_STATUS))
            .otherwise(pl.format("✓ {} digital", pl.col("digital_ministers")))
            .alias("status"),
            pl.col("who").replace("", None),
        )
    )
    return summary.sort(["digital_ministers", "department"], descending=[False, False]).select(
        "department", "status", "digital_ministers", "ministers", "who"
    )


def nobody_on(as_of: dt.date) -> str:
    """The empty state when no minister was in post on the date asked for."""
    return f"No minister was in post on {long_date(as_of)} in the data loaded. Try a later date."


def departments_without(summary: pl.DataFrame) -> list[str]:
    """The departments of `department_summary` with no minister in a digital post, in its order."""
    return summary.filter(pl.col("digital_ministers") == 0)["department"].to_list()


def without_notice(summary: pl.DataFrame) -> str | None:
    """The warning naming the departments with no minister holding digital responsibility (None when none).

    The names are IfG's (third-party text), so they are escaped for the Markdown the warning renders.
    """
    without = departments_without(summary)
    return (
        md("**✗ No minister holding digital responsibility:** {names}", names="; ".join(without)) if without else None
    )


def headline(summary: pl.DataFrame, as_of: dt.date, data_end: dt.date | None = None) -> str:
    """'22 of 23 ministerial departments have no minister holding digital responsibility on 12 June 2026, the
    last date in the data' (the date named as the data's end when it is)."""
    without = summary.filter(pl.col("digital_ministers") == 0).height
    total = summary.height
    verb = "has" if without == 1 else "have"
    day = on_date(as_of, data_end)
    if without == 0:
        return f"All {total} ministerial departments have a minister holding digital responsibility on {day}"
    return f"{without} of {total} ministerial departments {verb} no minister holding digital responsibility on {day}"


def coverage_titles(summary: pl.DataFrame) -> tuple[str, str]:
    """The chart's finding (which department has most digital ministers) and, below it, how many have none."""
    if summary.is_empty():
        return "No departments had ministers on this date", ""
    top = summary.sort(["digital_ministers", "department"], descending=[True, False]).row(0, named=True)
    without = summary.filter(pl.col("digital_ministers") == 0).height
    noun = "department has" if without == 1 else "departments have"
    subtitle = f"{without} {noun} no minister in a post with digital responsibility, marked ✗ none"
    if top["digital_ministers"] == 0:
        return f"None of the {summary.height} departments has a minister in a digital post", subtitle
    return f"{top['department']} has the most ministers in digital posts ({top['digital_ministers']})", subtitle


def fy_start(financial_year: str) -> dt.date:
    """'2019/20' -> 1 April 2019."""
    return dt.date(int(financial_year[:4]), 4, 1)


def fy_end(financial_year: str) -> dt.date:
    """'2019/20' -> 31 March 2020."""
    return dt.date(int(financial_year[:4]) + 1, 3, 31)


def period_bounds(fy_from: str, fy_to: str, today: dt.date, fallback_years: int = 5) -> tuple[dt.date, dt.date]:
    """The shared year range as dates, ending no later than today (no filter years: the last few years)."""
    if not fy_from or not fy_to:
        return dt.date(today.year - fallback_years, today.month, 1), today
    start, end = fy_start(fy_from), min(fy_end(fy_to), today)
    return min(start, end), end


def with_lanes(appointments: pl.DataFrame) -> pl.DataFrame:
    """Add `lane` (0, 1, ...) so appointments overlapping within one department sit side by side, not on top.

    Greedy interval partitioning per department on the shown dates: the first lane whose last bar ended
    on or before this one's start. Also adds `label` ('Person: Post'), `rank` in words and `end_label`
    ('ongoing' or the date) for the tooltip.
    """
    lanes: list[int] = []
    ends: dict[str, list[dt.date]] = {}
    ordered = appointments.sort(["department", "shown_from", "shown_to", "person_name"])
    for row in ordered.iter_rows(named=True):
        dept_ends = ends.setdefault(row["department"], [])
        for lane, last_end in enumerate(dept_ends):
            if last_end <= row["shown_from"]:
                dept_ends[lane] = row["shown_to"]
                lanes.append(lane)
                break
        else:
            dept_ends.append(row["shown_to"])
            lanes.append(len(dept_ends) - 1)
    return ordered.with_columns(
        pl.Series("lane", lanes, dtype=pl.Int64),
        pl.format("{}: {}", "person_name", "post_name").alias("label"),
        rank_expr().alias("rank"),
        pl.when(pl.col("end_date").is_null())
        .then(pl.lit("ongoing"))
        .otherwise(pl.col("end_date").dt.strftime("%d %b %Y"))
        .alias("end_label"),
    )


def timeline_table(appointments: pl.DataFrame) -> pl.DataFrame:
    """The timeline's rows as a reader would want them (and as the download carries them)."""
    return appointments.select(
        "department",
        "person_name",
        "post_name",
        "rank",
        "start_date",
        "end_date",
        "shown_from",
        "shown_to",
        "tenure_days",
        "lane",
        "digital_rule",
        "digital_evidence",
    )


def timeline_titles(
    turnover: pl.DataFrame, appointments: pl.DataFrame, date_from: dt.date, date_to: dt.date
) -> tuple[str, list[str]]:
    """'39 people held digital posts in 6 departments from April 2012 to November 2026', and where turnover was highest."""
    people = appointments["person_id"].n_unique()
    noun = "person" if people == 1 else "people"
    where = "department" if turnover.height == 1 else "departments"
    title = f"{people} {noun} held digital posts in {turnover.height} {where} from {date_from:%B %Y} to {date_to:%B %Y}"
    subtitle = ["Each bar is one appointment to a post with digital responsibility; overlapping posts sit side by side"]
    if turnover.height:
        top = turnover.sort(["holders", "department"], descending=[True, False]).row(0, named=True)
        subtitle.insert(
            0, f"Most turnover: {top['department']}, {top['holders']} people in {top['appointments']} appointments"
        )
    return title, subtitle


def turnover_table(turnover: pl.DataFrame) -> pl.DataFrame:
    """The turnover query's columns with readable names (the download keeps exactly these)."""
    return turnover.select(
        pl.col("department").alias("Department"),
        pl.col("holders").alias("People holding digital posts"),
        pl.col("appointments").alias("Appointments"),
        pl.col("started_in_period").alias("Appointments starting in period"),
        pl.col("average_tenure_days").alias("Average tenure (days)"),
        pl.col("average_tenure_years").alias("Average tenure (years)"),
    )
