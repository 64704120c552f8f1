"""The Data and method page's sentences and table shaping, as pure functions of query results.

Kept out of the page so the rules (what counts as a skipped file, how the headline reads, what
shape the alias template has) are tested on small frames without running Streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from dashboard.export import formula_safe
from dashboard.filters import link_notice
from dashboard.format import fixed, money, pct, share_text
from dashboard.safe_text import md

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"  # dashboard/content

EMPTY_MESSAGE = "This warehouse has no build record, so there is nothing to describe. Rebuild it with the command python -m pipelines build."

#: Tabs of the page, bound to `?section=`; the first is the default.
SECTIONS = ("Sources", "Rejected rows", "Revisions", "Buyer matching", "Definitions", "Accessibility")
SECTION_KEY = "section"

#: How many rejected rows the page draws; the full list is a download.
SHOWN_REJECTS = 1_000

#: File statuses that mean a file found under data/raw contributed no rows.
SKIPPED_STATUSES = ("unreadable", "unrecognised", "duplicate", "empty", "ignored")
ALL_SECTORS = "All sectors"
ALIAS_COLUMNS = ("buyer_name", "organisation_code", "note")


def content(name: str) -> str:
    """A markdown section shipped with the dashboard (definitions, accessibility statement)."""
    return (CONTENT_DIR / f"{name}.md").read_text(encoding="utf-8")


def built_text(built_at: dt.datetime | None) -> str:
    """'25 Nov 2026 14:02 UTC': the build time as people read it (the warehouse stores UTC)."""
    return f"{built_at:%-d %b %Y %H:%M} UTC" if built_at else "an unknown time"


def build_stamp(built_at: dt.datetime | None) -> str:
    """A short tag for file names, so downloads from different builds do not overwrite each other."""
    return f"whole warehouse built {built_at:%Y-%m-%d %H%M}" if built_at else "whole warehouse"


def overall_rates(rates: pl.DataFrame) -> dict | None:
    """The 'All sectors' row of the match-rate mart (None when no marketplace buyer was loaded)."""
    total = rates.filter(pl.col("sector") == ALL_SECTORS)
    return total.row(0, named=True) if total.height else None


def headline(build: Mapping, files: pl.DataFrame, rates: pl.DataFrame) -> str:
    """'Built 25 Nov 2026 14:02 UTC from 37 files: 61,512 rows loaded, 533 rejected, 96% of buyer spend resolved'."""
    n_files = files.height
    n_loaded = files.filter(pl.col("status") == "loaded").height
    from_files = f"{n_loaded} files" if n_loaded == n_files else f"{n_loaded} of {n_files} files"
    loaded = int(files["rows_loaded"].sum() or 0)
    rejected = int(files["rows_rejected"].sum() or 0)
    superseded = int(files["rows_superseded"].sum() or 0)
    parts = [f"{loaded:,} rows loaded", f"{rejected:,} rejected" if rejected else "none rejected"]
    if superseded:
        parts.append(f"{superseded:,} restated in another file")
    total = overall_rates(rates)
    if total is None:
        parts.append("no marketplace buyers to resolve")
    else:
        parts.append(f"{share_text(total['spend_resolved_pct'])} of buyer spend resolved")
    return f"Built {built_text(build.get('built_at'))} from {from_files}: " + ", ".join(parts)


def build_caption(build: Mapping) -> str:
    """Where the numbers came from, for the line under the headline."""
    seconds = build.get("build_seconds")
    took = f" in {fixed(seconds, 1)} s" if seconds is not None else ""
    return md(
        "Pipeline version {version}, built{took} from the folder {raw_dir} (Polars {polars}, DuckDB {duckdb}). "
        "This page describes the whole warehouse: the area and year filters do not apply here.",
        version=build.get("code_version", "unknown"),
        took=took,
        raw_dir=build.get("raw_dir", "?"),
        polars=build.get("polars_version", "?"),
        duckdb=build.get("duckdb_version", "?"),
    )


def section_notice(values: list[str]) -> str | None:
    """A notice when a link's `section` is not one of the tabs."""
    return link_notice(values, list(SECTIONS), "the section", SECTIONS[0])


def rejected_total(summary: pl.DataFrame) -> int:
    """Rows rejected in the build (the data_rejects_summary query: one row per file and reason)."""
    return int(summary["n_rows"].sum())


FUZZY_HOWTO = (
    "Matched by similarity of names, not exactly: check each one. A wrong match can be overridden by adding "
    "the published name to data/reference/buyer_aliases.csv with the right organisation code."
)


def fuzzy_heading(fuzzy: pl.DataFrame) -> str:
    """'3 buyer names were matched by similarity (£1.6m of spend): check each one'."""
    spend = money(float(fuzzy["spend"].sum()))
    names = "buyer name was" if fuzzy.height == 1 else "buyer names were"
    return f"{fuzzy.height:,} {names} matched by similarity ({spend} of spend): check each one"


def release_name(release_to: dt.date, family: str) -> str:
    """'the June 2014 G-Cloud release': a release is named by the last month it covers."""
    return f"the {release_to:%B %Y} {family} release"


def signed_pounds(value: float) -> str:
    """'+£3,745,191' / '-£987,786': a revision to the pound, with its sign (rounded half-up)."""
    text = fixed(abs(value), 0)
    if text == "0":
        return "£0"
    return f"{'+' if value > 0 else '-'}£{text}"


def revision_sentence(row: Mapping[str, Any]) -> str:
    """'2013-11 (G-Cloud) was revised by +£3,745,191 (+35.6%) in the June 2014 G-Cloud release'."""
    pct_text = "" if row["change_pct"] is None else f" ({'+' if row['change_pct'] > 0 else ''}{pct(row['change_pct'])})"
    return (
        f"{row['month']:%Y-%m} ({row['framework_family']}) was revised by {signed_pounds(row['change'])}{pct_text}"
        f" in {release_name(row['release_to'], row['framework_family'])}"
    )


def largest_revisions(revisions: pl.DataFrame, n: int = 3) -> list[str]:
    """The n largest revisions (by size of the change, either way), as sentences."""
    changed = revisions.filter(pl.col("change").is_not_null()).sort(pl.col("change").abs(), descending=True)
    return [revision_sentence(row) for row in changed.head(n).iter_rows(named=True)]


def revisions_heading(revisions: pl.DataFrame) -> str:
    changed = revisions.filter(pl.col("change").is_not_null())
    months = changed.select("framework_family", "month").unique().height
    net = float(changed["change"].sum() or 0)
    return (
        f"{months} month(s) were restated by a later release, by {signed_pounds(net)} in all "
        "(the latest release is the one every page uses)"
    )


def revisions_for_screen(revisions: pl.DataFrame) -> pl.DataFrame:
    """One row per month and release: what the release said, and how far it moved the month."""
    return revisions.select(
        "framework_family",
        pl.col("month").dt.strftime("%Y-%m").alias("month"),
        pl.col("release_to").dt.strftime("to %Y-%m").alias("release"),
        "release_file",
        "total",
        "change",
        "change_pct",
        "is_latest",
    )


def unresolved_heading(unresolved: pl.DataFrame) -> str:
    """'12 buyer names could not be matched (£1.2m of spend)'."""
    spend = money(float(unresolved["spend"].sum()))
    return f"{unresolved.height:,} buyer names could not be matched ({spend} of spend)"


def skipped_files(files: pl.DataFrame) -> pl.DataFrame:
    """Files that contributed nothing (unreadable, unrecognised, duplicate, empty, not a data file), worst first."""
    order = {s: i for i, s in enumerate(SKIPPED_STATUSES)}
    return (
        files.filter(pl.col("status").is_in(SKIPPED_STATUSES))
        .with_columns(pl.col("status").replace_strict(order, return_dtype=pl.Int32).alias("_order"))
        .sort("_order", "rel_path")
        .select("rel_path", "status", "message")
    )


def skipped_warning(files: pl.DataFrame) -> str | None:
    """The warning panel's text when any file was skipped or could not be read (None when all loaded)."""
    skipped = skipped_files(files)
    if not skipped.height:
        return None
    noun = "file was" if skipped.height == 1 else "files were"
    lines = [md("**{count} {noun} not loaded**, so their rows are not in any figure:", count=skipped.height, noun=noun)]
    for row in skipped.iter_rows(named=True):
        why = row["message"] or "no reason recorded"
        lines.append(md("- {path} ({status}): {why}", path=row["rel_path"], status=row["status"], why=why))
    lines.append("\nFix or remove them under `data/raw/` and rebuild (`python -m pipelines build`).")
    return "\n".join(lines)  # Markdown: every file's path, status and message through md()


@dataclass(frozen=True)
class Reconciliation:
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rows_superseded: int
    broken: tuple[str, ...]  # files where read != loaded + rejected + superseded

    @property
    def ok(self) -> bool:
        return not self.broken

    def sentence(self) -> str:
        sums = (
            f"{self.rows_read:,} rows read = {self.rows_loaded:,} loaded + {self.rows_rejected:,} rejected"
            f" + {self.rows_superseded:,} superseded (restated in another file)"
        )
        if self.ok:
            return f"Every file reconciles: {sums}. No row was dropped without a reason."
        return f"{len(self.broken)} file(s) do not reconcile ({', '.join(self.broken)}); in total {sums}."


def reconciliation(files: pl.DataFrame) -> Reconciliation:
    """Rows read = loaded + rejected + superseded, per file and in total (checked again here, not trusted)."""
    broken = files.filter(~_reconciles())
    return Reconciliation(
        rows_read=int(files["rows_read"].sum() or 0),
        rows_loaded=int(files["rows_loaded"].sum() or 0),
        rows_rejected=int(files["rows_rejected"].sum() or 0),
        rows_superseded=int(files["rows_superseded"].sum() or 0),
        broken=tuple(broken["rel_path"].to_list()),
    )


def _reconciles() -> pl.Expr:
    return pl.col("rows_read") == pl.col("rows_loaded") + pl.col("rows_rejected") + pl.col("rows_superseded")


def _with_check(files: pl.DataFrame) -> pl.DataFrame:
    reconciles = _reconciles()
    return files.with_columns(pl.when(reconciles).then(pl.lit("yes")).otherwise(pl.lit("NO")).alias("reconciles"))


#: Where a fetched file came from (its manifest); empty for files put in the raw folder by hand.
_FETCH_COLUMNS = ("fetch_url", "fetched_at", "publisher_updated_at", "fetch_note")
_FILE_COLUMNS = (
    "rel_path",
    "status",
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "rows_superseded",
    "reconciles",
    "period",
    "sha256",
    "publisher",
    "licence",
    "format_description",
    "encoding",
    "size_bytes",
    "notes",
    "message",
    *_FETCH_COLUMNS,
)


def files_for_download(files: pl.DataFrame) -> pl.DataFrame:
    """Every file with its full SHA-256 (to check a copy byte for byte) and the reconciliation check."""
    missing = [pl.lit(None, dtype=pl.String).alias(c) for c in _FETCH_COLUMNS if c not in files.columns]
    return _with_check(files.with_columns(missing)).select(*_FILE_COLUMNS, "dataset", "format")


def files_for_screen(files: pl.DataFrame) -> pl.DataFrame:
    """The same rows with the hash shortened to 12 characters (enough to tell files apart on screen)."""
    return files_for_download(files).with_columns(pl.col("sha256").str.slice(0, 12)).drop("dataset", "format")


def source_summary(files: pl.DataFrame) -> pl.DataFrame:
    """One row per publisher dataset: licence, how many files, their names and the rows they gave."""
    return (
        files.with_columns(
            pl.col("publisher").fill_null("(not recognised)"),
            pl.col("licence").fill_null("-"),
        )
        .group_by("publisher", "licence")
        .agg(
            pl.len().alias("n_files"),
            (pl.col("status") == "loaded").sum().alias("n_loaded"),
            pl.col("rows_loaded").sum(),
            pl.col("rows_rejected").sum(),
            pl.col("file_name").sort().str.join(", ").alias("files"),
        )
        .select("publisher", "n_files", "n_loaded", "rows_loaded", "rows_rejected", "files", "licence")
        .sort(pl.col("publisher") == "(not recognised)", "publisher")
    )


def fetch_status_sentence(status: pl.DataFrame) -> str:
    """One line over every fetched source: how many fetches last succeeded, and which failed."""
    failed = status.filter(~pl.col("succeeded"))["source_folder"].to_list()
    n = status.height
    sources = "source" if n == 1 else "sources"
    if not failed:
        return f"The last fetch of each of the {n:,} fetched {sources} succeeded."
    return (
        f"The last fetch of {len(failed):,} of {n:,} fetched {sources} failed: {', '.join(failed)}. Their files are "
        "the ones an earlier fetch brought; the errors below say which URL failed and why."
    )


def fetch_status_for_screen(status: pl.DataFrame) -> pl.DataFrame:
    return status.with_columns(
        pl.when(pl.col("succeeded")).then(pl.lit("succeeded")).otherwise(pl.lit("FAILED")).alias("succeeded")
    )


def alias_template(unresolved: pl.DataFrame, built_at: dt.datetime | None) -> pl.DataFrame:
    """The unresolved buyers in the shape of data/reference/buyer_aliases.csv, organisation_code left empty.

    The note says what is known (sector, rows, spend, notices) so whoever fills in a code can judge
    the match; it stays in the alias file as the record of why the alias exists.
    """
    when = f"{built_at:%Y-%m-%d}" if built_at else "unknown date"
    notes = [
        "; ".join(
            filter(
                None,
                [
                    row["sector"] or "sector not stated",
                    f"{row['n_rows']:,} spend rows" if row["n_rows"] else "",
                    f"{money(row['spend'])} spend" if row["n_rows"] else "",
                    f"{row['n_notices']:,} procurement notices" if row["n_notices"] else "",
                    f"unresolved in build {when}",
                ],
            )
        )
        for row in unresolved.iter_rows(named=True)
    ]
    return pl.DataFrame(
        {
            "buyer_name": unresolved["buyer_name"].cast(pl.String),
            "organisation_code": pl.Series([None] * unresolved.height, dtype=pl.String),
            "note": pl.Series(notes, dtype=pl.String),
        }
    )


def alias_template_csv(template: pl.DataFrame, provenance: Mapping[str, str]) -> bytes:
    """CSV the alias reader accepts as is: header first, formula-safe cells, provenance as trailing '#' lines.

    The build's reader skips lines starting with '#' and rows with no organisation_code, so the
    file (or its filled-in rows appended to buyer_aliases.csv) can go straight into data/reference/.
    Provenance is not added as columns here: that would break the three-column shape.
    """
    body = formula_safe(template.select(ALIAS_COLUMNS)).write_csv()
    trailer = "".join(f"# {key}: {str(value).replace(',', ';')}\n" for key, value in provenance.items())
    return b"\xef\xbb\xbf" + (body + trailer).encode("utf-8")


ALIAS_HOWTO = """
**How to resolve these buyers.** Download the alias template below: it lists every unresolved name in the
format of `data/reference/buyer_aliases.csv` (`buyer_name,organisation_code,note`) with `organisation_code`
left empty. For each name you can place, type the organisation's code; leave the rest empty (rows without a
code are ignored). Then append the filled rows to `data/reference/buyer_aliases.csv` (keep its single header
line; lines starting with `#` are ignored) and rebuild with `python -m pipelines build`. Aliases win over every
other rule; the names match ignoring case and punctuation.

Valid codes (the list below has every one this warehouse knows):
- **ONS council codes** for councils: `E06` unitary authorities, `E07` districts, `E08` metropolitan districts,
  `E09` London boroughs, `E10` county councils (e.g. `E08000003` Manchester);
- **ONS combined authority codes**: `E47` combined authorities (e.g. `E47000001` Greater Manchester) and
  `E61000001` for the Greater London Authority (use it for TfL and other GLA bodies);
- **GOV.UK organisation slugs** for central government bodies, the last part of the organisation's GOV.UK
  address (e.g. `hm-revenue-customs`, `ofsted`).

A code that is not in the list is reported by the build and the alias is skipped. Police, fire, NHS,
education and devolved bodies have no code in these lists, so they stay unresolved by design.
"""


def column_config() -> dict:
    """Display formats for the page's tables (£ with separators, shortened hash explained)."""
    number = st.column_config.NumberColumn
    return {
        "spend": number("Spend (£)", format="£%,.0f"),
        "spend_resolved": number("Spend resolved (£)", format="£%,.0f"),
        "spend_unresolved": number("Spend unresolved (£)", format="£%,.0f"),
        "names_resolved_pct": number("Names resolved (%)", format="%.1f%%"),
        "spend_resolved_pct": number("Spend resolved (%)", format="%.1f%%"),
        "sha256": st.column_config.TextColumn("SHA-256 (first 12)", help="Full hash in the downloads"),
        "size_bytes": number("Size", format="bytes"),
        "rows_read": number("Rows read", format="%,d"),
        "rows_loaded": number("Rows loaded", format="%,d"),
        "rows_rejected": number("Rows rejected", format="%,d"),
        "n_rows": number("Rows", format="%,d"),
        "rel_path": st.column_config.TextColumn("File", width="medium"),
        "source_folder": st.column_config.TextColumn("Source (raw folder)"),
        "succeeded": st.column_config.TextColumn("Last fetch"),
        "finished_at": st.column_config.DatetimeColumn("Finished (UTC)", format="YYYY-MM-DD HH:mm"),
        "requests": number("Requests", format="%,d"),
        "files_new": number("New files", format="%,d"),
        "files_changed": number("Changed", format="%,d"),
        "files_unchanged": number("Unchanged", format="%,d"),
        "files_kept": number("Kept from before", format="%,d"),
        "errors": st.column_config.TextColumn("Errors (URL and reason)", width="large"),
        "warnings": st.column_config.TextColumn("Warnings", width="medium"),
        "status": st.column_config.TextColumn("Status"),
        "reconciles": st.column_config.TextColumn("Read = loaded + rejected"),
        "publisher": st.column_config.TextColumn("Publisher", width="medium"),
        "licence": st.column_config.TextColumn("Licence"),
        "files": st.column_config.TextColumn("File names", width="large"),
        "n_files": number("Files", format="%d"),
        "n_loaded": number("Loaded", format="%d"),
        "period": st.column_config.TextColumn("Period"),
        "format_description": st.column_config.TextColumn("Format"),
        "fetch_url": st.column_config.TextColumn("Fetched from", width="medium"),
        "fetched_at": st.column_config.DatetimeColumn("Fetched (UTC)", format="YYYY-MM-DD HH:mm"),
        "publisher_updated_at": st.column_config.TextColumn("Publisher last changed"),
        "fetch_note": st.column_config.TextColumn("Fetch note", width="medium"),
        "buyer_name": st.column_config.TextColumn("Buyer name (as published)", width="medium"),
        "normalized_name": st.column_config.TextColumn("Normalised name"),
        "n_notices": number("Notices (Contracts Finder, Find a Tender)", format="%,d"),
    }
