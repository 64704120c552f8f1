"""Data and method: where every number came from, what was rejected, which buyers we could not place.

Five tabs bound to `?section=` (so a link can open the accessibility statement); only the open tab runs.
Rules in data_and_method/logic.py, the chart in charts.py, the five sections in tabs.py.
"""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import db
from dashboard.data_and_method import logic, tabs
from dashboard.filters import current

filters = current()  # drawn for every page; this one describes the whole warehouse
st.title("Data and method")
ui.sample_banner()

build_rows = db.query("data_build")
if not build_rows.height:
    ui.empty_state(logic.EMPTY_MESSAGE)
build = tabs.Build(
    build_rows.row(0, named=True), db.query("data_files"), db.query("data_match_rates"), logic.column_config()
)
ui.headline(logic.headline(build.record, build.files, build.rates))
st.caption(logic.build_caption(build.record))  # markdown-safe: md() in logic
if warning := logic.skipped_warning(build.files):
    st.warning(warning, icon=":material/warning:")  # markdown-safe: md() in logic.skipped_warning
ui.link_warnings(logic.section_notice(st.query_params.get_all(logic.SECTION_KEY)))

for section, draw in zip(
    st.tabs(list(logic.SECTIONS), key=logic.SECTION_KEY, bind="query-params"), tabs.DRAW, strict=True
):
    if section.open:
        with section:
            draw(build)
