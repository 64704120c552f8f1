"""The chart convention every page shares: active titles, the dashed 33% rule, and `Figure`."""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.figure import ASPIRATION_COLOUR, Figure, alt_with_finding, aspiration_rule, title_text, titled

FRAME = pl.DataFrame({"x": ["a", "b"], "y": [1.0, 2.0]})


def bars(frame: pl.DataFrame, title: str, *, colour: str = "#12436D") -> alt.Chart:
    return titled(alt.Chart(frame).mark_bar(color=colour).encode(x="x:O", y="y:Q"), title)


def test_titled_is_left_aligned_with_an_optional_subtitle() -> None:
    chart = alt.Chart(FRAME).mark_bar()
    plain = titled(chart, "B is twice A").to_dict()["title"]
    assert plain == {"text": "B is twice A", "anchor": "start", "fontSize": 15}
    lines = titled(chart, ["B is twice A,", "and A is small"], ["First note", "Second note"]).to_dict()["title"]
    assert lines["text"] == ["B is twice A,", "and A is small"] and lines["subtitle"] == ["First note", "Second note"]
    assert "subtitle" not in titled(chart, "t", "").to_dict()["title"], "an empty subtitle is left out"


def test_aspiration_rule_is_dashed_and_labelled_not_colour_alone() -> None:
    spec = aspiration_rule(33.0, orient="y").to_dict()
    rule, text = spec["layer"]
    assert rule["mark"]["strokeDash"] == [6, 4] and rule["mark"]["color"] == ASPIRATION_COLOUR
    assert "y" in rule["encoding"] and "x" not in rule["encoding"]
    assert text["encoding"]["text"]["field"] == "label"
    assert spec["datasets"][next(iter(spec["datasets"]))][0]["label"] == "33% aspiration"


def test_figure_builds_its_chart_from_the_builder_and_arguments() -> None:
    figure = Figure.of(
        bars, FRAME, "Two bars", colour="#F46A25", table=FRAME.head(1), alt_text="Bar chart of two bars."
    )
    assert figure.chart.to_dict() == bars(FRAME, "Two bars", colour="#F46A25").to_dict()
    assert figure.build is bars and figure.args[0] is FRAME and figure.args[1:] == ("Two bars",)
    assert dict(figure.kwargs) == {"colour": "#F46A25"}, "kept for the spec cache, not built yet"
    assert figure.table.height == 1 and figure.alt == "Bar chart of two bars."


def test_alt_text_gains_the_titles_finding_when_it_lacks_its_figures() -> None:
    chart = alt.Chart(FRAME).mark_bar()
    spec = titled(chart, ["G-Cloud was 36% of the", "£616.3m spent"], "Provisional: 2026/27").to_dict()
    assert title_text(spec) == "G-Cloud was 36% of the £616.3m spent", "lines joined, the subtitle left out"
    alt_text = "Line chart of spend per year, one line per framework."
    assert alt_with_finding(alt_text, spec) == f"{alt_text} G-Cloud was 36% of the £616.3m spent."
    has_them = "Line chart of spend: G-Cloud 36% of £616.3m."
    assert alt_with_finding(has_them, spec) == has_them, "not repeated when its figures are all there"
    assert alt_with_finding(alt_text, chart.to_dict()) == alt_text, "no title, nothing to add"
