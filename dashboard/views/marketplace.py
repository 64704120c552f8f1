"""Digital Marketplace uptake: where buyers use G-Cloud and DOS, with whom, and which councils never have.

Thin: widgets and layout. Questions are in queries/marketplace_*.sql (marts only, never the fact table),
rules in marketplace_logic.py, charts in charts/marketplace.py. A click on the map (or the focus picker, the
keyboard route to the same thing) narrows the tabs below it to one area. The tabs are lazy (bound to the URL),
so a rerun builds only the open tab's charts: Altair's schema validation is the slowest part of a render.
"""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import db
from dashboard import marketplace_logic as logic
from dashboard.charts import marketplace as charts
from dashboard.figure import Figure
from dashboard.filters import current

SOURCE = "Digital Marketplace spend data (Crown Commercial Service), via the warehouse marts"
FOCUS_KEY, GEN_KEY, PICK_KEY, AREA_KEY = "market_focus", "_market_map_gen", "_market_last_pick", "_market_area"

filters = current()
area, span = filters.area, logic.span(filters)
window = {"fy_from": filters.fy_from, "fy_to": filters.fy_to}
st.title("Digital Marketplace uptake")
ui.sample_banner()

years = db.query("marketplace_area_years", area_level=area.level, area_code=area.code, **window)
if not years.height:
    ui.empty_state(logic.empty_message(area, span))
ui.headline(logic.headline(area, years, span))
note = logic.partial_year_note(db.query("complete_months"), filters.years_in_range)
st.caption(f"Filters: {filters.describe()}." + (f" {note}" if note else ""))

# A link's values are checked before the widgets drop unknown ones silently; a new area resets the map level.
level_default = logic.default_map_level(area.level)
for key, valid, what, fallback in logic.link_checks(level_default):
    if notice := logic.link_notice(st.query_params.get_all(key), valid, what, fallback):
        st.warning(notice, icon=":material/link_off:")
if logic.reset_map_level(st.session_state.get(AREA_KEY), area.code, st.query_params.get_all("map_level")):
    st.session_state["map_level"] = level_default
st.session_state[AREA_KEY] = area.code

st.subheader("Where buyers use the marketplace")
left, right = st.columns(2)
levels, measures = list(logic.MAP_LEVELS), list(logic.MEASURES)
level_label = left.radio("Map shows", levels, key="map_level", bind="query-params", horizontal=True)
measure = logic.MEASURES[
    right.radio("Shade areas by", measures, key="map_measure", bind="query-params", horizontal=True)
]
level = logic.MAP_LEVELS[level_label]
areas = db.query("marketplace_map", level=level, area_level=area.level, area_code=area.code, **window)

# Focus: a new click on the map picks an area; clearing the click (or the button) returns to the whole area.
options = logic.focus_options(area, areas)
if notice := logic.link_notice(st.query_params.get_all(FOCUS_KEY), options, "the focus", options[0]):
    st.warning(notice, icon=":material/link_off:")
map_key = f"market_map_{st.session_state.setdefault(GEN_KEY, 0)}"
picked = logic.picked_code((st.session_state.get(map_key) or {}).get("selection"))
if picked != st.session_state.get(PICK_KEY):
    st.session_state[PICK_KEY] = picked
    st.session_state[FOCUS_KEY] = logic.name_for_code(areas, picked) or options[0]
if st.session_state.get(FOCUS_KEY, options[0]) not in options:
    st.session_state[FOCUS_KEY] = options[0]


def clear_focus() -> None:
    """Back to the whole area; a new map key also clears the map's own selection."""
    st.session_state[FOCUS_KEY] = options[0]
    st.session_state[GEN_KEY] += 1
    st.session_state[PICK_KEY] = None


choice = st.selectbox(
    "Focus the tabs below on (or click an area on the map)", options, key=FOCUS_KEY, bind="query-params"
)
focus = logic.resolve_focus(choice, area, level, areas)
if not focus.whole_area:
    st.info(f"**Focused on {focus.name}**: the tabs below show {focus.name} only.", icon=":material/filter_alt:")
    st.button(f"Clear focus (show {logic.place(area)})", on_click=clear_focus, icon=":material/close:")

shaded = charts.classify(areas, measure)
st.markdown(f"**{charts.map_title(shaded, measure, level_label, span)}**")
map_col, key_col = st.columns([3, 1])
deck = charts.map_deck(
    shaded, highlight_code=None if focus.whole_area else focus.code, basemap=logic.basemap_from_env()
)
map_col.pydeck_chart(
    deck,
    on_select="rerun",
    selection_mode="single-object",
    key=map_key,
    height=520,
    alt=charts.map_alt(shaded, measure, level_label, span),
)
key_col.vega_lite_chart(
    ui.spec(charts.map_legend, shaded.legend, measure), alt=charts.legend_alt(shaded.legend, measure)
)
key_col.caption(measure.help + " Bands are fifths of the areas with a figure.")
map_table = charts.map_table(shaded, measure)
ui.numbers_table(map_table, key="market_map", label="Show the map's numbers as a table")
ui.download_buttons(
    map_table,
    key="market_map",
    name="marketplace map",
    source=SOURCE,
    filters=filters,
    extra=f"{level_label}, {measure.label}",
)

# Everything below describes the focus, one lazy tab at a time.
extra = "" if focus.whole_area else f"focus {focus.name}"
in_focus = {"area_level": focus.level, "area_code": focus.code, **window}
focus_years = years if focus.whole_area else db.query("marketplace_area_years", **in_focus)


def show(figure: Figure, key: str, name: str, more: str = "") -> None:
    """A chart with its table and downloads; file names carry the shared filters, the focus and `more`."""
    ui.chart_block(figure, key=key, name=name, source=SOURCE, filters=filters, extra=f"{extra} {more}".strip())


tabs = st.tabs(logic.TABS, key="market_view", bind="query-params")
family_tab, sme_tab, top_tab, never_tab, per_head_tab = tabs
if not focus_years.height and (family_tab.open or sme_tab.open or top_tab.open):
    with next(tab for tab in tabs if tab.open):
        st.info(f"No marketplace spend is recorded for buyers in {focus.name} in {span}.", icon=":material/info:")
elif family_tab.open:
    with family_tab:
        period = logic.PERIODS[
            st.radio("Show spend", list(logic.PERIODS), key="market_period", bind="query-params", horizontal=True)
        ]
        by_family = db.query("marketplace_by_family", period=period, **in_focus)
        show(
            charts.family_figure(by_family, period=period, place=focus.name, span=span),
            "market_family",
            "marketplace spend by framework",
            period,
        )
elif sme_tab.open:
    with sme_tab:
        show(charts.sme_figure(focus_years, place=focus.name), "market_sme", "marketplace SME share")
elif top_tab.open:
    with top_tab:
        buyers = db.query("marketplace_top_buyers", limit=logic.TOP_N, **in_focus)
        show(
            charts.buyers_figure(buyers, place=focus.name, span=span, total=focus_years["spend"].sum()),
            "market_buyers",
            "marketplace top buyers",
        )
        suppliers = db.query("marketplace_top_suppliers", limit=logic.TOP_N, **in_focus)
        show(
            charts.suppliers_figure(suppliers, place=focus.name, span=span),
            "market_suppliers",
            "marketplace top suppliers",
        )
elif never_tab.open:
    with never_tab:
        never = db.query("marketplace_never_bought", area_level=focus.level, area_code=focus.code)
        st.markdown(f"**{charts.never_title(never, focus.name)}**")
        st.caption(logic.NEVER_NOTE)
        if never.height:
            table = charts.never_table(never)
            st.dataframe(table, hide_index=True, width="stretch")
            ui.download_buttons(
                table, key="market_never", name="councils never bought", source=SOURCE, filters=filters, extra=extra
            )
elif per_head_tab.open:
    with per_head_tab:
        per_head = db.query("marketplace_ca_per_head", **window)
        selected = logic.highlighted_authority(area, focus)
        show(
            charts.per_head_figure(per_head, selected_code=selected, span=span),
            "market_per_head",
            "combined authorities per head",
        )
