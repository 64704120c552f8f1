"""Rules of the Digital Marketplace page, kept apart from Streamlit so they can be tested on small frames.

- The page's own choices (map level, map measure, period) are fixed allowlists: a URL can only pick one of
  them, and the level code that reaches SQL comes from this table, never from the URL text.
- A click on the pydeck map arrives as a selection dict; `picked_code` reads the area code out of it whichever
  layer (polygon or centroid point) was clicked, and `sync_focus` / `clear_focus` keep the focus picker, the
  click and the map's own selection in step (on the session state passed in, a plain dict in tests).
- `resolve_focus` turns the focus choice into the area the charts below the map describe.
- `headline` states the page's finding in one sentence.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from dashboard.filters import Area, Filters, link_notice
from dashboard.format import money, pct, whole, year_span
from dashboard.scalars import day

MAP_LEVELS: dict[str, str] = {
    "Regions": "region",
    "Combined authorities": "combined_authority",
    "Councils in the selected area": "lad",
}
PERIODS: dict[str, str] = {"Yearly": "year", "Monthly": "month"}
TABS = [
    "Spend by framework",
    "SME share",
    "Top buyers and suppliers",
    "Councils that never bought",
    "Combined authorities per head",
]
NEVER_NOTE = (
    "No resolved marketplace spend in any year of the published data (not only the years selected). A council "
    "can also be listed because its name in the spend files was not matched: see Data and method."
)
TOP_N = 15
#: Session-state keys: the focus picker (also a query parameter), the map's key generation, the last area
#: code clicked, and the shared area the map level last followed.
FOCUS_KEY, GEN_KEY, PICK_KEY, AREA_KEY = "market_focus", "_market_map_gen", "_market_last_pick", "_market_area"
#: st.session_state (its keys may be str or int), or a plain dict in tests.
State = MutableMapping[Any, Any]
#: The page's own query parameters (its bound widgets).
LINK_KEYS = ("map_level", "map_measure", "market_period", "market_view", FOCUS_KEY)

#: A vector-tile URL template ({z}/{x}/{y}, Mapbox Vector Tiles) drawn under the areas as an MVTLayer.
TILES_ENV = "DASHBOARD_MAP_TILES"
#: A MapLibre style JSON URL used as the basemap (e.g. a self-hosted raster or vector style).
STYLE_ENV = "DASHBOARD_MAP_STYLE"


@dataclass(frozen=True)
class Measure:
    """A way to colour the map: the column of the marketplace_map query and how to write its values."""

    label: str
    column: str
    kind: str  # money | count | pct
    help: str

    def format(self, value: float | None) -> str:
        if value is None:
            return "no figure"
        if self.kind == "money":
            return money(value)
        if self.kind == "pct":
            return pct(value, 0)
        return whole(value)


MEASURES: dict[str, Measure] = {
    m.label: m
    for m in (
        Measure("Spend", "spend", "money", "Total spend through the marketplace in the selected years, £."),
        Measure(
            "Spend per 1,000 residents",
            "spend_per_1000",
            "money",
            "Spend in the selected years per 1,000 residents (one mid-year population estimate for every year), £.",
        ),
        Measure(
            "Buying organisations",
            "n_buyers",
            "count",
            "Distinct buyers (after matching spelling variants to one organisation) in the selected years.",
        ),
        Measure(
            "SME share of spend",
            "sme_share_pct",
            "pct",
            "Spend with SMEs as a % of spend whose supplier size is published.",
        ),
    )
}


@dataclass(frozen=True)
class Focus:
    """The area the charts below the map describe: the shared area, or an area clicked or picked on the map."""

    level: str
    code: str
    name: str  # as used in sentences ("Salford", "all areas")
    whole_area: bool


@dataclass(frozen=True)
class Basemap:
    tile_url: str | None = None
    style_url: str | None = None


def span(filters: Filters, months: pl.DataFrame | None = None) -> str:
    """The period figures on this page cover: the months the marketplace data has within the chosen years
    ('April 2012 to June 2014'), not the years the picker allows (it spans every source's years).

    `months` is the complete_months query (first_month, last_month per financial year); without it, or when
    no month falls in the range, the chosen years.
    """
    chosen = year_span(filters.fy_from, filters.fy_to)
    if months is None or not months.height:
        return chosen
    inside = months.filter(pl.col("financial_year").is_between(pl.lit(filters.fy_from), pl.lit(filters.fy_to)))
    if not inside.height:
        return chosen
    first, last = day(inside["first_month"].min()), day(inside["last_month"].max())
    return f"{first:%B %Y}" if first == last else f"{first:%B %Y} to {last:%B %Y}"


def place(area: Area) -> str:
    """The area as it reads in a sentence."""
    return "all areas" if area.level == "national" else area.name


def default_map_level(area_level: str) -> str:
    """Regions for the UK-wide view; the councils of a region or city region when one is picked."""
    return "Regions" if area_level == "national" else "Councils in the selected area"


def reset_map_level(previous_area: str | None, area_code: str, link_levels: list[str]) -> bool:
    """Whether to set the map level to the area's default: when the area changes, and on arrival unless the
    link names a level. (Set through session state: the radio's own default cannot follow the area, because
    a bound widget re-reads its old value from the URL.)"""
    if previous_area is None:
        return not any(v in MAP_LEVELS for v in link_levels)
    return previous_area != area_code


def whole_area_option(area: Area) -> str:
    return "All areas (no focus)" if area.level == "national" else f"Whole of {area.name} (no focus)"


def focus_options(area: Area, map_frame: pl.DataFrame) -> list[str]:
    names = sorted(set(map_frame["area_name"].to_list())) if map_frame.height else []
    return [whole_area_option(area), *names]


def resolve_focus(choice: str | None, area: Area, level: str, map_frame: pl.DataFrame) -> Focus:
    """The chosen map area, or the shared area when nothing (or something unknown) is chosen."""
    if choice and choice != whole_area_option(area) and map_frame.height:
        rows = map_frame.filter(pl.col("area_name") == choice)
        if rows.height:
            return Focus(level, rows["area_code"][0], choice, whole_area=False)
    return Focus(area.level, area.code, place(area), whole_area=True)


def name_for_code(map_frame: pl.DataFrame, code: str | None) -> str | None:
    if code is None or not map_frame.height:
        return None
    rows = map_frame.filter(pl.col("area_code") == code)
    return rows["area_name"][0] if rows.height else None


def picked_code(selection: Mapping | None) -> str | None:
    """The area code of the object clicked on the map, from st.pydeck_chart's selection state.

    GeoJsonLayer objects are features (code under `properties`); ScatterplotLayer objects are the rows.
    """
    if not isinstance(selection, Mapping):
        return None
    objects = selection.get("objects")
    if not isinstance(objects, Mapping):
        return None
    for layer_objects in objects.values():
        for obj in layer_objects or ():
            if not isinstance(obj, Mapping):
                continue
            props = obj.get("properties")
            code = (props if isinstance(props, Mapping) else obj).get("area_code")
            if isinstance(code, str) and code:
                return code
    return None


def follow_area(state: State, area_code: str, link_levels: list[str], level_default: str) -> None:
    """Put the map level back to the area's default when `reset_map_level` says so, and remember the area."""
    if reset_map_level(state.get(AREA_KEY), area_code, link_levels):
        state["map_level"] = level_default
    state[AREA_KEY] = area_code


def map_key(state: State) -> str:
    """The map's widget key; `clear_focus` moves it on, which also clears the map's own selection."""
    return f"market_map_{state.setdefault(GEN_KEY, 0)}"


def sync_focus(state: State, map_frame: pl.DataFrame, options: list[str]) -> None:
    """A new click on the map picks its area as the focus; clearing the click returns to the whole area (the
    first option). A focus that is no longer an option (another area or map level) falls back to it too."""
    picked = picked_code((state.get(map_key(state)) or {}).get("selection"))
    if picked != state.get(PICK_KEY):
        state[PICK_KEY] = picked
        state[FOCUS_KEY] = name_for_code(map_frame, picked) or options[0]
    if state.get(FOCUS_KEY, options[0]) not in options:
        state[FOCUS_KEY] = options[0]


def clear_focus(state: State, options: list[str]) -> None:
    """Back to the whole area; a new map key also clears the map's own selection (a button's on_click)."""
    state[FOCUS_KEY] = options[0]
    state[GEN_KEY] += 1
    state[PICK_KEY] = None


def link_checks(level_default: str) -> list[tuple[str, Iterable[str], str, str]]:
    """(query parameter, allowed values, what it is, fallback) for the page's own bound widgets."""
    return [
        ("map_level", MAP_LEVELS, "the map level", level_default),
        ("map_measure", MEASURES, "the map measure", "Spend"),
        ("market_period", PERIODS, "the period", "Yearly"),
        ("market_view", TABS, "the tab", TABS[0]),
    ]


def link_notices(links: Mapping[str, list[str]], level_default: str) -> list[str | None]:
    """Notices for the page's own link parameters, given their raw URL values (st.query_params.get_all)."""
    return [
        link_notice(links.get(key, []), valid, what, fallback)
        for key, valid, what, fallback in link_checks(level_default)
    ]


def focus_notice(links: Mapping[str, list[str]], options: list[str]) -> str | None:
    """A notice when a link's focus is not one of the areas on the map."""
    return link_notice(links.get(FOCUS_KEY, []), options, "the focus", options[0])


def total_spend(frame: pl.DataFrame) -> float:
    return float(frame["spend"].sum()) if frame.height else 0.0


def empty_message(area: Area, span_text: str) -> str:
    return (
        f"No Digital Marketplace spend is recorded for buyers in {place(area)} in {span_text or 'any year'}. "
        "Try a wider range of years or another area: spend counts where the buyer is, and central government "
        "bodies count only in 'All areas'."
    )


def sme_share(frame: pl.DataFrame) -> float | None:
    """SME spend as % of spend whose supplier size is published (None when credit notes make it meaningless)."""
    if not frame.height:
        return None
    sme, large = float(frame["sme_spend"].sum()), float(frame["large_spend"].sum())
    if sme < 0 or large < 0 or sme + large <= 0:
        return None
    return 100 * sme / (sme + large)


def headline(area: Area, years: pl.DataFrame, span_text: str) -> str:
    """'Greater Manchester buyers spent £3.2m through the Digital Marketplace in 2019/20 to 2025/26, 41% with SMEs'."""
    subject = "Public-sector buyers" if area.level == "national" else f"{area.name} buyers"
    text = f"{subject} spent {money(total_spend(years))} through the Digital Marketplace in {span_text}"
    share = sme_share(years)
    return text if share is None else f"{text}, {pct(share, 0)} with SMEs"


def map_coverage(areas: pl.DataFrame, years: pl.DataFrame, area: Area, span_text: str) -> str:
    """What the map counts, against the area's whole spend: the map places only buyers resolved to somewhere in
    the area (councils, combined authorities and bodies matched to a place); central government counts in
    'All areas' only."""
    mapped, total = float(areas["spend"].sum() or 0), total_spend(years)
    whole_text = "all spend" if area.level == "national" else f"spend by {area.name} buyers"
    return (
        f"The map counts buyers placed in an area (councils, combined authorities and bodies matched to a place): "
        f"{money(mapped)} of the {money(total)} of {whole_text} in {span_text}. The rest, most of it central "
        "government, has no place on the map and counts in 'All areas'."
    )


def population_note(population_year: int | None) -> str:
    if population_year is None:
        return "No population estimate is loaded, so spend per head cannot be shown."
    return (
        f"Residents: the mid-{population_year} population estimate of each district, summed over the area's "
        "members in each year's geography."
    )


def geography_note(spans: pl.DataFrame) -> str:
    """Which ONS geography each year shown is in (geography_vintage): the latest vintage loaded at or before the
    year, else the earliest, so a council counts in the authority it was a member of then."""
    if not spans.height:
        return "No ONS area lookup is loaded, so no buyer is placed in a region or city region."
    rows = list(spans.iter_rows(named=True))
    boundary = rows[0]["boundary_vintage"]
    if len(rows) == 1 and rows[0]["n_loaded"] == 1:
        vintage = rows[0]["vintage"]
        text = (
            f"Areas are ONS's {vintage} geography, the only one loaded, so it is applied to every year shown: "
            f"a council counts in the region and combined authority it was in in {vintage}."
        )
    else:
        parts = []
        for row in rows:
            years = year_span(row["first_year"], row["last_year"])
            older = " (no older geography is loaded)" if row["older_than_vintage"] else ""
            parts.append(f"{years} in the {row['vintage']} geography{older}")
        text = (
            "Each year is shown in the ONS geography of its time: "
            + "; ".join(parts)
            + ". A council counts in the combined authority it was a member of then, and an authority that did "
            "not exist yet has no spend."
        )
    vintages = {row["vintage"] for row in rows}
    if boundary is not None and vintages != {boundary}:
        text += f" Outlines are drawn from the {boundary} boundaries."
    return text


def partial_year_note(complete_months: pl.DataFrame, years_in_range: list[str]) -> str | None:
    """Say which years in range are not complete yet, so a low last bar is not read as a fall."""
    if not complete_months.height:
        return None
    partial = complete_months.filter(pl.col("financial_year").is_in(years_in_range) & (pl.col("n_months") < 12))
    if not partial.height:
        return None
    parts = [f"{r['financial_year']} ({r['n_months']} of 12 months)" for r in partial.iter_rows(named=True)]
    return "Part-year figures: " + ", ".join(parts) + " published so far."


def highlighted_authority(area: Area, focus: Focus) -> str | None:
    """Which combined authority the per-head comparison highlights: the focused one, else the selected one."""
    if focus.level == "combined_authority":
        return focus.code
    return area.code if area.level == "combined_authority" else None


def basemap_from_env(environ: Mapping[str, str] = os.environ) -> Basemap:
    """A basemap only when configured (the map must work offline); only http(s) URLs are accepted."""

    def url(name: str) -> str | None:
        value = (environ.get(name) or "").strip()
        return value if value.startswith(("https://", "http://")) else None

    return Basemap(tile_url=url(TILES_ENV), style_url=url(STYLE_ENV))


def provisional_note(months: pl.DataFrame) -> str | None:
    """'Provisional: G-Cloud May and June 2014 ...' for the caption under the filters (None when none)."""
    if not months.height:
        return None
    parts = []
    for (family,), rows in months.sort("month").group_by("framework_family", maintain_order=True):
        names = [f"{m:%b %Y}" for m in rows["month"].to_list()]
        parts.append(f"{family} {' and '.join(names)}")
    return (
        f"Provisional: {'; '.join(parts)}. The newest months of a release are revised by late supplier returns"
        " (see Data and method, Revisions)."
    )
