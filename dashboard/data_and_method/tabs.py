"""The five sections of the Data and method page, one drawing function each, in logic.SECTIONS order.

This is page code (Streamlit calls), kept out of views/data.py so the page script stays thin: the page draws the
headline and runs the function of the one open tab (the tabs are bound to `?section=`, so only the open one
runs its queries). Everything here describes the whole warehouse, so downloads are named by the build, not by
the shared filters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import polars as pl
import streamlit as st

from dashboard import components as ui
from dashboard import db, export
from dashboard.data_and_method import charts, logic
from dashboard.safe_text import md, plain_sentence
from pipelines.config import PROVISIONAL_MONTHS


@dataclass(frozen=True)
class Build:
    """What the sections need: the build record, its files and match rates, and the table formats."""

    record: Mapping[str, Any]  # the data_build row
    files: pl.DataFrame
    rates: pl.DataFrame
    config: dict

    @property
    def stamp(self) -> str:
        return logic.build_stamp(self.record["built_at"])

    def table(self, frame: pl.DataFrame, key: str, name: str, source: str) -> None:
        """A table on screen with its CSV and Excel downloads (no chart to go with it)."""
        ui.table_block(
            frame, key=key, name=name, source=source, filters=None, extra=self.stamp, column_config=self.config
        )

    def csv_button(self, label: str, key: str, name: str, build_bytes: Callable[[], bytes], help_text: str) -> None:
        """A CSV built only when clicked (the full list can be long)."""
        file_name = f"{export.slug(name)}.csv"
        ui.download_button(
            plain_sentence(label),
            build_bytes,
            key=key,
            file_name=file_name,
            mime="text/csv",
            icon=":material/download:",
            help=plain_sentence(help_text),
        )


def fuzzy_matches(build: Build) -> None:
    """Every fuzzy match with its score, beside the unresolved list, so each can be checked by hand."""
    fuzzy = db.query("data_fuzzy_matches")
    if not fuzzy.height:
        st.caption("No buyer name was matched by similarity in this build: every match is exact or an alias.")
        return
    st.markdown(md("#### {heading}", heading=logic.fuzzy_heading(fuzzy)))
    st.caption(logic.FUZZY_HOWTO)
    build.table(fuzzy, "data_fuzzy", "fuzzy buyer matches", "dim_buyer, match_method = fuzzy")


def sources(build: Build) -> None:
    check = logic.reconciliation(build.files)
    (st.success if check.ok else st.error)(check.sentence())
    fetch_status(build)
    st.markdown("**Publishers and licences**")
    build.table(
        logic.source_summary(build.files), "data_sources", "data sources", "Warehouse build record (build_files)"
    )
    st.markdown("**Every file found under the raw folder**")
    st.dataframe(
        ui.for_screen(logic.files_for_screen(build.files)), hide_index=True, width="stretch", column_config=build.config
    )
    ui.download_buttons(
        logic.files_for_download(build.files),
        key="data_files",
        name="data files",
        source="Warehouse build record (build_files), full SHA-256",
        filters=None,
        extra=build.stamp,
    )
    vintages = db.query("data_year_vintages")
    if vintages.height:
        st.markdown("**The geography each year is shown in** (ONS vintage of regions and combined authorities)")
        build.table(vintages, "data_year_vintages", "geography vintage per year", "dim_year_vintage")
    superseded = db.query("data_sme_superseded")
    if superseded.height:
        st.markdown("**SME annex years published twice** (the later file is kept)")
        build.table(superseded, "data_sme_superseded", "sme years superseded", "meta_sme_spend_superseded")


def fetch_status(build: Build) -> None:
    """Whether the last `python -m pipelines fetch` of each source succeeded (nothing shown when none was fetched)."""
    status = db.query("data_fetch_status")
    if not status.height:
        return
    failed = not status["succeeded"].all()
    (st.warning if failed else st.info)(plain_sentence(logic.fetch_status_sentence(status)))
    st.markdown("**Last fetch of each source**")
    build.table(
        logic.fetch_status_for_screen(status),
        "data_fetch_status",
        "fetch status per source",
        "Warehouse build record (build_fetch_status, from each source folder's .fetch-status.json)",
    )


def _all_rejects_csv(meta: dict[str, str]) -> bytes:
    return export.csv_bytes(db.query("data_rejects_all"), meta)


def kept_with_warnings(build: Build) -> None:
    """Source errors kept rather than rejected (an IfG appointment ending before it starts), listed with the warning."""
    kept = db.query("data_source_warnings")
    if not kept.height:
        return
    noun = "row was" if kept.height == 1 else "rows were"
    st.markdown(
        md(
            "**{count} {noun} kept with a warning**: the publisher's dates are impossible (the appointment "
            "ends before it starts), so the end date is treated as unknown and the minister counts as in post.",
            count=f"{kept.height:,}",
            noun=noun,
        )
    )
    build.table(
        kept, "data_source_warnings", "rows kept with a warning", "fact_ministerial_appointment, source_warning"
    )


def rejects(build: Build) -> None:
    summary = db.query("data_rejects_summary")
    if not summary.height:
        st.success("No rows were rejected in this build: every row read was loaded.")
        kept_with_warnings(build)
        return
    total = logic.rejected_total(summary)
    st.markdown(md("**{total} rows were rejected**, by file and reason:", total=f"{total:,}"))
    build.table(summary, "data_rejects_summary", "rejected rows by reason", "Warehouse rejects table")
    shown = db.query("data_rejects_rows", limit=logic.SHOWN_REJECTS)
    st.markdown(
        md(
            "**The rejected rows** (the first {shown} of {total}, in file and line order)",
            shown=f"{shown.height:,}",
            total=f"{total:,}",
        )
    )
    st.dataframe(ui.for_screen(shown), hide_index=True, width="stretch", column_config=build.config)
    meta = ui.provenance("Warehouse rejects table (every row)", None, build.stamp)
    build.csv_button(
        f"Download all {total:,} rejected rows (CSV)",
        "data_rejects_all_csv",
        f"rejected rows {build.stamp}",
        partial(_all_rejects_csv, meta),
        "Every rejected row with its file, line, column, value and reason.",
    )
    kept_with_warnings(build)


def revisions(build: Build) -> None:
    """Cumulative releases restate earlier months; what each release said, and how far it moved them."""
    st.markdown(
        "Releases are cumulative: each repeats earlier months, and late supplier returns revise them. The latest "
        "release of each month is the one every page uses; each family's newest "
        + str(PROVISIONAL_MONTHS)  # markdown-safe: a number from pipelines.config
        + " months are marked provisional on the marketplace page."
    )
    superseded = db.query("data_superseded_summary")
    if superseded.height:
        st.markdown(
            "**Rows restated in another file** (a later release, or the same notice in two files: superseded, not rejected, and not counted twice)"
        )
        build.table(superseded, "data_superseded", "superseded rows by file", "meta_superseded_rows")
    frame = db.query("data_revisions")
    if not frame.height:
        st.info("No month was published in more than one release, so there are no revisions to show.")
        return
    st.markdown(md("**{heading}**", heading=logic.revisions_heading(frame)))
    for sentence in logic.largest_revisions(frame):
        st.markdown(md("- {sentence}", sentence=sentence))
    build.table(
        logic.revisions_for_screen(frame),
        "data_revisions",
        "revisions by release",
        "mart_marketplace_revisions (months published in more than one release)",
    )


def buyers(build: Build) -> None:
    if not build.rates.height:
        st.info("No Digital Marketplace spend is loaded, so there are no buyer names to match.")
    else:
        ui.chart_block(
            charts.match_rate_figure(build.rates),
            key="data_match_rates",
            name="buyer match rates by sector",
            source="mart_buyer_match_rates",
            filters=None,
            extra=build.stamp,
            column_config=build.config,
        )
    fuzzy_matches(build)
    unresolved = db.query("data_unresolved_buyers")
    if not unresolved.height:
        st.success("Every buyer name in this build was matched to an organisation: none are unresolved.")
        return
    st.markdown(md("#### {heading}", heading=logic.unresolved_heading(unresolved)))
    st.markdown(logic.ALIAS_HOWTO)
    template = logic.alias_template(unresolved, build.record["built_at"])
    meta = ui.provenance("dim_buyer, match_method = unresolved", None, build.stamp)
    build.csv_button(
        "Download alias template (CSV)",
        "data_alias_template_csv",
        f"buyer aliases to fill {build.stamp}",
        partial(logic.alias_template_csv, template, meta),
        "buyer_name,organisation_code,note with organisation_code empty: fill in and add to "
        "data/reference/buyer_aliases.csv.",
    )
    build.table(unresolved, "data_unresolved", "unresolved buyers", "dim_buyer, match_method = unresolved")
    codes = db.query("data_valid_codes")
    with st.expander(md("Valid organisation codes ({count})", count=f"{codes.height:,}")):
        build.table(
            codes,
            "data_valid_codes",
            "valid organisation codes",
            "dim_council, dim_combined_authority, dim_organisation",
        )


def definitions(build: Build) -> None:
    st.markdown(logic.content("definitions"))


def accessibility(build: Build) -> None:
    st.markdown(logic.content("accessibility"))


#: One function per section of logic.SECTIONS, in the same order.
DRAW: tuple[Callable[[Build], None], ...] = (sources, rejects, revisions, buyers, definitions, accessibility)
