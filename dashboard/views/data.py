"""Data and method: where every number came from, what was rejected, which buyers we could not place.

Five tabs bound to `?section=` (so a link can open the accessibility statement); only the open tab runs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import polars as pl
import streamlit as st

from dashboard import components as ui
from dashboard import data_logic as logic
from dashboard import db, export
from dashboard.charts import data_and_method as charts
from dashboard.figure import Figure
from dashboard.filters import current, link_notice
from dashboard.format import money

filters = current()  # drawn for every page; this one describes the whole warehouse
st.title("Data and method")
ui.sample_banner()

build_rows = db.query("data_build")
if not build_rows.height:
    ui.empty_state(
        "This warehouse has no build record, so there is nothing to describe. Rebuild it with "
        "`python -m pipelines build`."
    )
build = build_rows.row(0, named=True)
files = db.query("data_files")
rates = db.query("data_match_rates")
stamp = logic.build_stamp(build["built_at"])
config = logic.column_config()
ui.headline(logic.headline(build, files, rates))
st.caption(logic.build_caption(build))
if warning := logic.skipped_warning(files):
    st.warning(warning, icon=":material/warning:")
notice = link_notice(st.query_params.get_all(logic.SECTION_KEY), logic.SECTIONS, "the section", "Sources")
if notice:
    st.warning(notice, icon=":material/link_off:")


def csv_button(label: str, key: str, name: str, build_bytes: Callable[[], bytes], help_text: str) -> None:
    """A CSV built only when clicked (the full list can be long), registered so tests can fetch its bytes."""
    st.session_state.setdefault(ui.DOWNLOADS_KEY, {})[key] = build_bytes
    st.download_button(
        label,
        data=build_bytes,
        file_name=f"{export.slug(name)}.csv",
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
        help=help_text,
    )


def table(frame: pl.DataFrame, key: str, name: str, source: str) -> None:
    """A table on screen with its CSV and Excel downloads (no chart to go with it)."""
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)
    ui.download_buttons(frame, key=key, name=name, source=source, filters=None, extra=stamp)


sources, rejects, buyers, definitions, accessibility = st.tabs(
    list(logic.SECTIONS), key=logic.SECTION_KEY, bind="query-params"
)
if sources.open:
    with sources:
        check = logic.reconciliation(files)
        (st.success if check.ok else st.error)(check.sentence())
        st.markdown("**Publishers and licences**")
        table(logic.source_summary(files), "data_sources", "data sources", "Warehouse build record (build_files)")
        st.markdown("**Every file found under the raw folder**")
        st.dataframe(logic.files_for_screen(files), hide_index=True, width="stretch", column_config=config)
        ui.download_buttons(
            logic.files_for_download(files),
            key="data_files",
            name="data files",
            source="Warehouse build record (build_files), full SHA-256",
            filters=None,
            extra=stamp,
        )
        superseded = db.query("data_sme_superseded")
        if superseded.height:
            st.markdown("**SME annex years published twice** (the later file is kept)")
            table(superseded, "data_sme_superseded", "sme years superseded", "meta_sme_spend_superseded")

if rejects.open:
    with rejects:
        summary = db.query("data_rejects_summary")
        if not summary.height:
            st.success("No rows were rejected in this build: every row read was loaded.")
        else:
            total = int(summary["n_rows"].sum())
            st.markdown(f"**{total:,} rows were rejected**, by file and reason:")
            table(summary, "data_rejects_summary", "rejected rows by reason", "Warehouse rejects table")
            shown = db.query("data_rejects_rows", limit=logic.SHOWN_REJECTS)
            st.markdown(f"**The rejected rows** (the first {shown.height:,} of {total:,}, in file and line order)")
            st.dataframe(shown, hide_index=True, width="stretch", column_config=config)
            meta = ui.provenance("Warehouse rejects table (every row)", None, stamp)
            csv_button(
                f"Download all {total:,} rejected rows (CSV)",
                "data_rejects_all_csv",
                f"rejected rows {stamp}",
                lambda meta=meta: export.csv_bytes(db.query("data_rejects_all"), meta),
                "Every rejected row with its file, line, column, value and reason.",
            )

if buyers.open:
    with buyers:
        if not rates.height:
            st.info("No Digital Marketplace spend is loaded, so there are no buyer names to match.")
        else:
            plotted = charts.plotted_rates(rates).drop("names_label", "spend_label")
            ui.chart_block(
                Figure.of(charts.match_rate_chart, rates, table=plotted, alt_text=charts.match_rate_alt_text(rates)),
                key="data_match_rates",
                name="buyer match rates by sector",
                source="mart_buyer_match_rates",
                filters=None,
                extra=stamp,
                column_config=config,
            )
        unresolved = db.query("data_unresolved_buyers")
        if not unresolved.height:
            st.success("Every buyer name in this build was matched to an organisation: none are unresolved.")
        else:
            spend = money(unresolved["spend"].sum())
            st.markdown(f"#### {unresolved.height:,} buyer names could not be matched ({spend} of spend)")
            st.markdown(logic.ALIAS_HOWTO)
            template = logic.alias_template(unresolved, build["built_at"])
            meta = ui.provenance("dim_buyer, match_method = unresolved", None, stamp)
            csv_button(
                "Download alias template (CSV)",
                "data_alias_template_csv",
                f"buyer aliases to fill {stamp}",
                partial(logic.alias_template_csv, template, meta),
                "buyer_name,organisation_code,note with organisation_code empty: fill in and add to "
                "data/reference/buyer_aliases.csv.",
            )
            table(unresolved, "data_unresolved", "unresolved buyers", "dim_buyer, match_method = unresolved")
            codes = db.query("data_valid_codes")
            with st.expander(f"Valid organisation codes ({codes.height:,})"):
                table(
                    codes,
                    "data_valid_codes",
                    "valid organisation codes",
                    "dim_council, dim_combined_authority, dim_organisation",
                )

if definitions.open:
    with definitions:
        st.markdown(logic.content("definitions"))

if accessibility.open:
    with accessibility:
        st.markdown(logic.content("accessibility"))
