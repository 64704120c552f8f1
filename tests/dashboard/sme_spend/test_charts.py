"""SME spend chart builders (sme_spend/charts.py) through .to_dict(), on small frames."""

from __future__ import annotations

import polars as pl

from dashboard.sme_spend import charts, logic
from tests.dashboard.sme_spend.frames import title_text, trend, year_rows


def ranking_frame() -> pl.DataFrame:
    rows = year_rows([("department", "Alpha", 40.0, True), ("department", "Beta", 20.0, False)])
    return logic.ranking_table(rows, "2019/20").with_columns(
        pl.Series("direct_pct", [25.0, 12.0]), pl.Series("indirect_pct", [15.0, 8.0])
    )


def layers(spec: dict) -> list[dict]:
    out = []
    for layer in spec.get("layer", []):
        out.extend(layers(layer) if "layer" in layer else [layer])
    return out


def test_ranking_chart_stacks_direct_then_indirect_with_the_rule() -> None:
    spec = charts.ranking_chart(ranking_frame(), "Alpha led in 2019/20", "Overall 26.7%").to_dict()
    assert "Alpha led in 2019/20" in title_text(spec) and spec["title"]["subtitle"] == "Overall 26.7%"
    bars = next(layer for layer in layers(spec) if layer["mark"]["type"] == "bar")
    assert bars["encoding"]["x"]["title"] == charts.PCT_AXIS_TITLE and "%" in charts.PCT_AXIS_TITLE
    assert bars["encoding"]["x"]["stack"] == "zero"
    assert bars["encoding"]["y"]["sort"] == ["Alpha", "Beta"]
    assert bars["encoding"]["color"]["scale"]["domain"] == ["Direct", "Indirect"]
    assert bars["encoding"]["order"]["field"] == "stack_order"
    rule = next(layer for layer in layers(spec) if layer["mark"]["type"] == "rule")
    assert rule["mark"]["strokeDash"] and rule["encoding"]["x"]["field"] == "aspiration"
    texts_ = [layer for layer in layers(spec) if layer["mark"]["type"] == "text"]
    assert len(texts_) == 3  # segment values, bar totals, the rule's label
    data = spec["datasets"]
    assert any(row.get("label") == "33% aspiration" for rows in data.values() for row in rows)
    assert spec["autosize"]["type"] == "fit-x" and spec["height"] >= 2 * charts.BAR_STEP


def test_long_titles_are_wrapped_into_lines() -> None:
    title = "Department for Digital, Culture, Media and Sport had the highest SME share in 2021/22 (56.3%), Cabinet Office the lowest (18.5%)"
    spec = charts.ranking_chart(ranking_frame(), title, "").to_dict()
    assert isinstance(spec["title"]["text"], list) and len(spec["title"]["text"]) == 2
    assert " ".join(spec["title"]["text"]) == title


def test_trend_chart_separates_lines_by_dash_and_shape_too() -> None:
    frame = trend([("2013/14", "X", 1, 20.0), ("2014/15", "X", 1, 35.0)])
    spec = charts.trend_chart(frame, "HO rose", "Total = direct + indirect.").to_dict()
    assert title_text(spec) == "HO rose"
    line = next(layer for layer in layers(spec) if layer["mark"]["type"] == "line")
    point = next(layer for layer in layers(spec) if layer["mark"]["type"] == "point")
    assert line["encoding"]["x"]["title"] == "Financial year (April to March)"
    assert line["encoding"]["y"]["title"] == charts.PCT_AXIS_TITLE
    assert line["encoding"]["strokeDash"]["field"] == "measure"
    assert point["encoding"]["shape"]["field"] == "measure"
    rule = next(layer for layer in layers(spec) if layer["mark"]["type"] == "rule")
    assert rule["encoding"]["y"]["field"] == "aspiration"


def test_trend_long_has_three_measures_and_drops_gaps() -> None:
    frame = trend([("2013/14", "X", 1, 20.0), ("2014/15", "X", 1, None)])
    long = charts.trend_long(frame)
    assert sorted(set(long["measure"])) == ["Direct", "Indirect", "Total"]
    assert long.filter(pl.col("financial_year") == "2014/15").height == 0


def test_ranking_figure_is_the_ranking_table_titled_with_who_led() -> None:
    rows = year_rows(
        [("total", "Total", 26.7, False), ("department", "A", 40.0, True), ("department", "B", 20.0, False)]
    )
    figure = charts.ranking_figure(rows, "2019/20")
    assert figure.table.equals(logic.ranking_table(rows, "2019/20"))
    spec = figure.chart.to_dict()
    assert title_text(spec) == logic.ranking_title(figure.table, "2019/20")
    assert spec["title"]["subtitle"] == "Central government overall: 26.7%. Dashed line: the 33% aspiration."
    assert figure.alt == logic.ranking_alt(figure.table, "2019/20", 33.0)


def test_trend_figure_plots_the_trend_table_with_its_alt_text() -> None:
    frame = trend([("2013/14", "X", 1, 20.0), ("2014/15", "X", 1, 35.0)])
    figure = charts.trend_figure(frame, "HO", 33.0)
    assert figure.table is frame
    spec = figure.chart.to_dict()
    assert title_text(spec) == logic.trend_title(frame, "HO", 33.0)
    assert spec["title"]["subtitle"] == "Total = direct + indirect."
    assert figure.alt.startswith("Line chart of HO's spend with SMEs")
