"""Shared filters, drawn once in the entrypoint so every page URL is a deep link.

The area and the financial-year range are widgets bound to query parameters (`?area=...&years=...`),
so a metro-mayor team can pick Greater Manchester once, move between pages, and send the link.
Streamlit silently drops a query-parameter value that is not an option; we look first, and when
a link asks for something we do not know we say so on the page and fall back to the default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

import polars as pl
import streamlit as st

from dashboard import db
from dashboard.format import year_span
from dashboard.safe_text import for_display, plain_sentence

AREA_KEY = "area"
YEARS_KEY = "years"
NATIONAL_LABEL = "All areas (UK-wide)"
LEVEL_NAMES = {
    "national": "all buyers",
    "region": "region",
    "combined_authority": "combined authority",
    "lad": "council",
}
MAX_ECHO = 60


@dataclass(frozen=True)
class Area:
    level: str  # national | region | combined_authority
    code: str
    name: str
    label: str  # what the picker and the URL show


@dataclass(frozen=True)
class Filters:
    area: Area
    fy_from: str
    fy_to: str
    years: tuple[str, ...]  # every financial year with data, oldest first

    @property
    def years_in_range(self) -> list[str]:
        return [y for y in self.years if self.fy_from <= y <= self.fy_to]

    def describe(self) -> str:
        return f"{self.area.label}, {year_span(self.fy_from, self.fy_to)}"


def area_choices(frame: pl.DataFrame) -> list[Area]:
    """Areas with unique labels. A region and a combined authority can share a name, and so can an authority
    of an earlier geography and today's (North East, 2018 and 2024): the level, then 'until <vintage>' for an
    area today's geography no longer has, then the ONS code tell them apart. Names are third-party text,
    cleaned for display once here (safe_text.for_display), since every page's sentences carry them."""
    names = [for_display(name) for name in frame["area_name"].to_list()]
    labels = []
    for row, name in zip(frame.iter_rows(named=True), names, strict=True):
        level = row["area_level"]
        if level == "national":
            labels.append(NATIONAL_LABEL)
            continue
        label = f"{name} ({LEVEL_NAMES[level]})" if names.count(name) > 1 else name
        last, latest = row.get("last_vintage"), row.get("latest_vintage")
        if last is not None and latest is not None and last < latest:
            label = f"{label[:-1]}, until {last})" if label.endswith(")") else f"{name} (until {last})"
        labels.append(label)
    areas = []
    for row, name, label in zip(frame.iter_rows(named=True), names, labels, strict=True):
        if labels.count(label) > 1:
            label = f"{label} [{row['area_code']}]"
        areas.append(Area(row["area_level"], row["area_code"], name, label))
    return areas


def echo(value: str) -> str:
    """A value from a link, quoted, cleaned and shortened for display (safe_text.for_display); the sentence
    it goes into is escaped where it is shown (components.link_warnings)."""
    return f"'{for_display(value, MAX_ECHO)}'"


def link_notice(values: list[str], valid: Iterable[str], what: str, fallback: str) -> str | None:
    """A notice when a link's values are not ones we know (pure: pass st.query_params.get_all(key))."""
    allowed = set(valid)
    bad = [v for v in values if v not in allowed]
    if not bad:
        return None
    return f"The link asked for {what} {echo(bad[0])}, which this page does not have; showing {fallback} instead."


def _check_link(key: str, valid: set[str], what: str, fallback: str) -> str | None:
    """Read the URL's value for `key` before the bound widget silently drops an unknown one."""
    return link_notice(st.query_params.get_all(key), valid, what, fallback)


def years_count_notice(values: list[str]) -> str | None:
    """A notice when a link's `years` is not a first and a last year (the range slider drops it silently)."""
    if len(values) in (0, 2):
        return None
    shown = ", ".join(echo(v) for v in values[:4]) + (", ..." if len(values) > 4 else "")
    return (
        f"The link asked for the financial years {shown}, but a range is a first and a last year; "
        "showing every year instead."
    )


def render_shared_filters() -> Filters:
    """Draw the area picker and year range in the sidebar; return the validated choice."""
    areas = area_choices(db.query("area_options"))
    by_label = {a.label: a for a in areas}
    years = tuple(db.query("financial_years")["financial_year"].to_list())
    notices = [
        _check_link(AREA_KEY, set(by_label), "the area", NATIONAL_LABEL),
        _check_link(YEARS_KEY, set(years), "the financial year", "every year"),
        years_count_notice(st.query_params.get_all(YEARS_KEY)),
    ]
    for notice in filter(None, notices):
        st.warning(plain_sentence(notice), icon=":material/link_off:")

    with st.sidebar:
        st.markdown("**Filters** (apply to every page)")
        label = st.selectbox(
            "City region or area",
            options=list(by_label),
            index=0,
            key=AREA_KEY,
            bind="query-params",
            help="English regions and combined authorities (metro-mayor city regions, including Greater London). "
            "Spend counts where the buyer is; central government bodies count only in 'All areas'.",
        )
        if years:
            chosen = st.select_slider(
                "Financial years (April to March)",
                options=list(years),
                value=(years[0], years[-1]),
                key=YEARS_KEY,
                bind="query-params",
            )
            fy_from, fy_to = (chosen, chosen) if isinstance(chosen, str) else chosen
        else:
            fy_from = fy_to = ""
        filters = Filters(area=by_label.get(label, areas[0]), fy_from=fy_from, fy_to=fy_to, years=years)
        _share_link(filters)
    return filters


def link_params(filters: Filters) -> dict[str, str | list[str]]:
    """Query parameters that carry the shared filters (only those that differ from the defaults)."""
    params: dict[str, str | list[str]] = {}
    if filters.area.label != NATIONAL_LABEL:
        params[AREA_KEY] = filters.area.label
    if filters.years and (filters.fy_from, filters.fy_to) != (filters.years[0], filters.years[-1]):
        params[YEARS_KEY] = [filters.fy_from, filters.fy_to]
    return params


def share_url(base: str, filters: Filters, extra: dict[str, str] | None = None) -> str:
    """The page URL with the filters in its query string (what a colleague opens to see the same view)."""
    pairs: list[tuple[str, str]] = []
    for key, value in {**link_params(filters), **(extra or {})}.items():
        pairs.extend((key, v) for v in (value if isinstance(value, list) else [value]))
    return base + ("?" + urlencode(pairs) if pairs else "")


def _share_link(filters: Filters) -> None:
    """The current view's URL in a code box with a copy button, inside a popover.

    The code box loads a syntax highlighter that added most of a second to every page's first paint
    when drawn in the sidebar; a closed popover does not mount it.
    """
    base = st.context.url
    if base:
        with st.popover("Copy link to this view", icon=":material/link:", width="stretch"):
            st.caption("Send this link to open the same page with the same filters.")
            st.code(share_url(base, filters), language=None, wrap_lines=True)


def current() -> Filters:
    filters = st.session_state.get("filters")
    if filters is None:  # a page run on its own (tests): draw the filters here
        filters = render_shared_filters()
        st.session_state["filters"] = filters
    return filters
