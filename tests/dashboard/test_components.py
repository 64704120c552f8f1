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
    assert first == bars(frame, "Two bars").to_dict(validate=False)
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
