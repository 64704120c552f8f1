"""Shared page pieces: the cross-session chart-spec cache is keyed on every argument, frames by value."""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard import components as ui

CALLS: list[tuple] = []


def bars(frame: pl.DataFrame, title: str, *, colour: str = "#12436D") -> alt.Chart:
    CALLS.append((frame.height, title, colour))
    return alt.Chart(frame, title=title).mark_bar(color=colour).encode(x="x:O", y="y:Q")


def test_spec_is_the_builders_chart_as_a_dict_and_is_reused() -> None:
    ui._spec.clear()
    CALLS.clear()
    frame = pl.DataFrame({"x": ["a", "b"], "y": [1.0, 2.0]})
    first = ui.spec(bars, frame, "Two bars")
    assert first == ui.with_arrow_datasets(bars(frame, "Two bars").to_dict(validate=False))
    CALLS.clear()
    again = ui.spec(bars, pl.DataFrame({"x": ["a", "b"], "y": [1.0, 2.0]}), "Two bars")
    assert again == first and CALLS == [], "an equal frame (a new object) hits the cache"


def test_spec_changes_with_any_argument_or_value() -> None:
    ui._spec.clear()
    CALLS.clear()
    frame = pl.DataFrame({"x": ["a", "b"], "y": [1.0, 2.0]})
    base = ui.spec(bars, frame, "Two bars")
    changed_value = ui.spec(bars, frame.with_columns(pl.col("y") * 10), "Two bars")
    changed_title = ui.spec(bars, frame, "Other title")
    changed_kwarg = ui.spec(bars, frame, "Two bars", colour="#F46A25")
    assert len(CALLS) == 4
    assert changed_value["datasets"] != base["datasets"]
    assert changed_title["title"] == "Other title"
    assert changed_kwarg["mark"]["color"] == "#F46A25"


def test_an_empty_text_cell_reads_a_dash_on_screen_only() -> None:
    from dashboard.components import EMPTY_CELL, for_screen

    frame = pl.DataFrame({"name": ["a", None], "spend": [1.0, None]})
    shown = for_screen(frame)
    assert shown["name"].to_list() == ["a", EMPTY_CELL] == ["a", "-"]
    assert shown["spend"].to_list() == [1.0, None], "numbers stay numbers (sortable, formatted by the grid)"
    assert frame["name"].to_list() == ["a", None], "the frame the downloads use is not changed"


def _proto_datasets(vega: dict) -> list[tuple[str, bytes]]:
    """What st.vega_lite_chart sends the browser for `vega`'s datasets (Streamlit's own marshalling)."""
    from streamlit.elements.vega_charts import _marshall_chart_data
    from streamlit.proto.VegaLiteChart_pb2 import VegaLiteChart

    proto = VegaLiteChart()
    _marshall_chart_data(proto, dict(vega))
    return [(d.name, d.data.data) for d in proto.datasets]


def test_cached_specs_carry_arrow_bytes_the_browser_receives_unchanged() -> None:
    frame = pl.DataFrame({"x": ["a", "b", None], "y": [1.5, None, 3.0]})
    raw = bars(frame, "Two bars").to_dict(validate=False)
    converted = ui.with_arrow_datasets(raw)
    assert all(isinstance(rows, bytes) for rows in converted["datasets"].values())
    assert _proto_datasets(converted) == _proto_datasets(raw), "the same bytes as Streamlit makes from the records"
    assert isinstance(next(iter(raw["datasets"].values())), list), "the spec it was given is not changed"


def test_geojson_and_empty_datasets_are_left_for_streamlit() -> None:
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 51]}, "properties": {}}]
    vega = {"mark": "geoshape", "datasets": {"shapes": features, "none": []}}
    assert ui.with_arrow_datasets(vega)["datasets"] == {"shapes": features, "none": []}
    assert ui.with_arrow_datasets({"mark": "bar"}) == {"mark": "bar"}, "a spec without datasets is as it was"
