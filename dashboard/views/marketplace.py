"""Digital Marketplace uptake: where buyers use G-Cloud and DOS, with whom, and which councils never have.

Thin: widgets and layout. Questions are in queries/marketplace_*.sql (marts only, never the fact table), rules in
marketplace/logic.py, map and charts in marketplace/charts.py, the five tabs in marketplace/tabs.py. A click on the
map (or the focus picker, the keyboard route to the same thing) narrows the tabs below it to one area. The tabs are
lazy (bound to the URL), so a rerun builds only the open tab's charts.
"""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import db
from dashboard.filters import current
from dashboard.marketplace import charts, logic, tabs
from dashboard.marketplace.tabs import SOURCE
from dashboard.safe_text import md, plain_sentence

filters = current()
months = db.query("complete_months")
area, span = filters.area, logic.span(filters, months)
window = {"fy_from": filters.fy_from, "fy_to": filters.fy_to}
st.title("Digital Marketplace uptake")
ui.sample_banner()

years = db.query("marketplace_area_years", area_level=area.level, area_code=area.code, **window)
if not years.height:
    ui.empty_state(logic.empty_message(area, span))
ui.headline(logic.headline(area, years, span))
note = logic.partial_year_note(months, filters.years_in_range)
st.caption(plain_sentence(f"Filters: {filters.describe()}." + (f" {note}" if note else "")))
if provisional := logic.provisional_note(db.query("marketplace_provisional")):
    st.caption(plain_sentence(provisional))

# A link's values are checked before the widgets drop unknown ones silently; a new area resets the map level.
links = {key: st.query_params.get_all(key) for key in logic.LINK_KEYS}
level_default = logic.default_map_level(area.level)
ui.link_warnings(*logic.link_notices(links, level_default))
logic.follow_area(st.session_state, area.code, links["map_level"], level_default)

st.subheader("Where buyers use the marketplace")
left, right = st.columns(2)
level_label = left.radio("Map shows", list(logic.MAP_LEVELS), key="map_level", bind="query-params", horizontal=True)
shade_by = right.radio("Shade areas by", list(logic.MEASURES), key="map_measure", bind="query-params", horizontal=True)
level, measure = logic.MAP_LEVELS[level_label], logic.MEASURES[shade_by]
areas = db.query("marketplace_map", level=level, area_level=area.level, area_code=area.code, **window)

# Focus: a new click on the map picks an area; clearing the click (or the button) returns to the whole area.
options = logic.focus_options(area, areas)
ui.link_warnings(logic.focus_notice(links, options))
logic.sync_focus(st.session_state, areas, options)
choice = st.selectbox(
    "Focus the tabs below on (or click an area on the map)", options, key=logic.FOCUS_KEY, bind="query-params"
)
focus = logic.resolve_focus(choice, area, level, areas)
if not focus.whole_area:
    st.info(
        md("**Focused on {name}**: the tabs below show {name} only.", name=focus.name), icon=":material/filter_alt:"
    )
    clear = md("Clear focus (show {place})", place=logic.place(area))
    st.button(
        clear,  # markdown-safe: md() above
        on_click=logic.clear_focus,
        args=(st.session_state, options),
        icon=":material/close:",
    )

highlight = None if focus.whole_area else focus.code
view = charts.map_view(areas, measure, level_label, span, highlight_code=highlight, basemap=logic.basemap_from_env())
st.markdown(md("**{title}**", title=view.title))
map_col, key_col = st.columns([3, 1])
map_key = logic.map_key(st.session_state)
map_col.pydeck_chart(
    view.deck, on_select="rerun", selection_mode="single-object", key=map_key, height=520, alt=view.alt
)
key_col.vega_lite_chart(ui.spec(view.legend.build, *view.legend.args), alt=view.legend.alt)
key_col.caption(plain_sentence(f"{view.caption} {logic.map_coverage(areas, years, area, span)}"))
key_col.caption(plain_sentence(logic.geography_note(db.query("geography_vintage", **window))))
if measure.column == "spend_per_1000":
    key_col.caption(plain_sentence(logic.population_note(db.query("population_year")["population_year"][0])))
ui.numbers_table(view.table, key="market_map", label="Show the map's numbers as a table")
map_extra = f"{level_label}, {measure.label}"
ui.download_buttons(
    view.table, key="market_map", name="marketplace map", source=SOURCE, filters=filters, extra=map_extra
)

# Everything below describes the focus, one lazy tab at a time.
in_focus = {"area_level": focus.level, "area_code": focus.code, **window}
focus_years = years if focus.whole_area else db.query("marketplace_area_years", **in_focus)
focused = tabs.Focused(filters, area, focus, span, focus_years)
for tab, draw in zip(st.tabs(logic.TABS, key="market_view", bind="query-params"), tabs.DRAW, strict=True):
    if tab.open:
        with tab:
            draw(focused)
