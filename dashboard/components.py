"""Widgets every page shares: sample banner, headline, empty state, chart + table + downloads."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import polars as pl
import polars.selectors as cs
import streamlit as st
from streamlit import dataframe_util

from dashboard import db, export
from dashboard.figure import Figure, alt_with_finding
from dashboard.filters import Filters
from dashboard.safe_text import SENTENCE_CAP, display_expr, for_display, plain_sentence

DOWNLOADS_KEY = "_downloads"  # registry of download builders, so tests can fetch the exact bytes

#: What an empty text cell reads on screen.
EMPTY_CELL = "-"


def build_info() -> dict:
    frame = db.query("build_info")
    return frame.row(0, named=True) if frame.height else {}


def sample_banner() -> None:
    info = build_info()
    if info.get("is_sample"):
        st.info(
            "**Sample data.** These figures are generated examples in the publishers' real formats, not "
            "official statistics. Put published files in `data/raw/` and rebuild to see real figures.",
            icon=":material/science:",
        )


def provenance(source: str, filters: Filters | None, extra: str = "") -> dict[str, str]:
    """The trailing columns (CSV) or About sheet (Excel) every download carries."""
    info = build_info()
    built = info.get("built_at")
    described = filters.describe() if filters else "none"
    if extra:
        described = f"{described}; {extra}" if filters else extra
    return {
        "data_source": source,
        "data_built": f"{built:%Y-%m-%d %H:%M} UTC" if built else "unknown",
        "data_filters": described,
        "data_status": "SAMPLE data - not official statistics" if info.get("is_sample") else "published data",
    }


def link_warnings(*notices: str | None) -> None:
    """Say that a link asked for something the page does not have (each notice from filters.link_notice & co)."""
    for notice in notices:
        if notice:
            st.warning(plain_sentence(notice), icon=":material/link_off:")


def headline(text: str) -> None:
    """An active title stating the finding (accessible as the page's first heading); `text` is shown as text."""
    st.subheader(plain_sentence(text))


def empty_state(message: str) -> None:
    """Explain plainly why there is nothing to show (as text), then stop the page."""
    st.info(plain_sentence(message), icon=":material/filter_alt_off:")
    st.stop()


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_button(
    label: str, data: Callable[[], bytes], *, key: str, file_name: str, mime: str, icon: str, help: str | None = None
) -> None:
    """One download, built on click (no rerun), its builder registered so tests can fetch the exact bytes."""
    registry: dict[str, Callable[[], bytes]] = st.session_state.setdefault(DOWNLOADS_KEY, {})
    registry[key] = data
    st.download_button(
        label,  # markdown-safe: our fixed labels ("Download CSV", "Download Excel")
        data=data,
        file_name=file_name,
        mime=mime,
        key=key,
        on_click="ignore",
        icon=icon,
        help=help,  # markdown-safe: our fixed help text
    )


def download_buttons(
    frame: pl.DataFrame,
    *,
    key: str,
    name: str,
    source: str,
    filters: Filters | None,
    extra: str = "",
    excel: bool = True,
) -> None:
    """CSV (and Excel) of exactly `frame`, built on click, formula-safe, with provenance."""
    meta = provenance(source, filters, extra)
    stem = export.slug(" ".join(filter(None, [name, filters.describe() if filters else "", extra])))

    def make_csv() -> bytes:
        return export.csv_bytes(frame, meta)

    def make_xlsx() -> bytes:
        return export.excel_bytes(frame, meta, sheet=name)

    row = st.container(horizontal=True, gap="small")
    with row:
        download_button(
            "Download CSV",
            make_csv,
            key=f"{key}_csv",
            file_name=f"{stem}.csv",
            mime="text/csv",
            icon=":material/download:",
            help="The numbers behind this chart, with the filters, source and build time in the last columns.",
        )
    if excel:
        with row:
            download_button(
                "Download Excel",
                make_xlsx,
                key=f"{key}_xlsx",
                file_name=f"{stem}.xlsx",
                mime=XLSX_MIME,
                icon=":material/table_view:",
            )


def table_block(
    frame: pl.DataFrame,
    *,
    key: str,
    name: str,
    source: str,
    filters: Filters | None,
    extra: str = "",
    column_config: dict | None = None,
) -> None:
    """A table with no chart to go with it, and its CSV and Excel downloads."""
    st.dataframe(for_screen(frame), hide_index=True, width="stretch", column_config=column_config)
    download_buttons(frame, key=key, name=name, source=source, filters=filters, extra=extra)


def numbers_table(
    table: pl.DataFrame, *, key: str, label: str = "Show the numbers as a table", column_config: dict | None = None
) -> None:
    """The numbers behind a chart in an expander, drawn only once it is opened.

    A collapsed expander still mounts its contents in the browser, and a data grid per chart made
    pages visibly slower to first paint; opening the expander reruns the page with the grid in it.
    """
    box = st.expander(plain_sentence(label), key=f"{key}_table", on_change="rerun")
    if box.open:
        with box:
            st.dataframe(for_screen(table), hide_index=True, width="stretch", column_config=column_config)


def for_screen(frame: pl.DataFrame) -> pl.DataFrame:
    """The table as drawn: text cleaned for display (safe_text.for_display: no control, bidi or zero-width
    characters, capped) and an empty text cell reads '-', not the grid's 'None' (downloads keep both)."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns([display_expr(name) for name in text]).with_columns(cs.string().fill_null(EMPTY_CELL))


def spec(builder: Callable[..., alt.TopLevelMixin], *args: object, **kwargs: object) -> dict:
    """`builder(*args, **kwargs)` as a Vega-Lite spec, kept across sessions.

    Building an Altair chart costs tens of milliseconds of Python per chart (deep copies in its schema
    classes), on every run of every session. The builders are pure functions of their arguments, so
    the spec is cached on them: a new session on a common view (the default filters, say) reuses it.
    """
    shown_args = tuple(_for_chart(arg) for arg in args)
    shown_kwargs = {name: _for_chart(value) for name, value in kwargs.items()}
    return _spec(f"{builder.__module__}.{builder.__qualname__}", builder, shown_args, shown_kwargs)


def _for_chart(value: object) -> object:
    """A chart draws names as text: cleaned for display like a grid's (no bidi or zero-width characters,
    capped), so a name cannot reorder an axis label; downloads keep the frame as it is."""
    if isinstance(value, pl.DataFrame):
        text = [name for name, dtype in value.schema.items() if dtype == pl.String]
        return value.with_columns([display_expr(name) for name in text]) if text else value
    return for_display(value, SENTENCE_CAP) if isinstance(value, str) else value


# Bounded: a spec is tens of kB; views nobody has asked for in an hour (or from a replaced warehouse) go.
@st.cache_data(show_spinner=False, max_entries=1000, ttl=3600)
def _spec(name: str, _builder: Callable[..., alt.TopLevelMixin], args: tuple, kwargs: dict) -> dict:
    # The builders are unit-tested; skipping Altair's schema validation halves the time to a spec.
    return with_arrow_datasets(_builder(*args, **kwargs).to_dict(validate=False))


def with_arrow_datasets(vega: dict) -> dict:
    """The spec with each named dataset of records as Arrow IPC bytes, as st.vega_lite_chart sends it.

    Given records, st.vega_lite_chart converts each dataset to Arrow (through pandas) on every call, in
    every session; given bytes, it passes them straight to the browser. Converting once, here, keeps that
    work in the cross-session cache: it was about a tenth of the server's time per page run under load
    (benchmarks/concurrency.py, profiled). The bytes come from the function Streamlit itself calls on the
    records, so the browser receives exactly what it did before. GeoJSON/TopoJSON payloads (not lists of
    plain records) are left as they are, as Streamlit leaves them in the spec.
    """
    datasets = vega.get("datasets")
    if not isinstance(datasets, dict):
        return vega
    converted = {
        name: dataframe_util.convert_anything_to_arrow_bytes(rows) if _records(rows) else rows
        for name, rows in datasets.items()
    }
    return {**vega, "datasets": converted}


def _records(rows: object) -> bool:
    """A dataset Altair wrote as a list of flat records (not a GeoJSON feature list)."""
    return (
        isinstance(rows, list)
        and bool(rows)
        and all(isinstance(row, dict) and "geometry" not in row and row.get("type") != "Feature" for row in rows)
    )


def chart_block(
    figure: Figure,
    *,
    key: str,
    name: str,
    source: str,
    filters: Filters | None,
    extra: str = "",
    column_config: dict | None = None,
) -> None:
    """A figure's chart (its spec from the cross-session cache), the same numbers as a table (for screen readers
    and copying), and the downloads. The chart's alt text is the figure's, with the title's finding added when
    the alt text lacks its figures (figure.alt_with_finding)."""
    vega = spec(figure.build, *figure.args, **figure.kwargs)
    st.vega_lite_chart(spec=vega, width="stretch", alt=alt_with_finding(figure.alt, vega), key=f"{key}_chart")
    numbers_table(figure.table, key=key, column_config=column_config)
    download_buttons(figure.table, key=key, name=name, source=source, filters=filters, extra=extra)
