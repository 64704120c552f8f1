"""The buyer match-rate chart (data_and_method/charts.py) through .to_dict()."""

from __future__ import annotations

import json

import polars as pl

from dashboard.data_and_method import charts
from tests.dashboard.data_and_method.frames import RATES


def _formats(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["format"]] if isinstance(node.get("format"), str) else []
        return own + [f for v in node.values() for f in _formats(v)]
    if isinstance(node, list):
        return [f for v in node for f in _formats(v)]
    return []


def test_match_rate_chart_titles_axes_and_labels() -> None:
    spec = charts.match_rate_chart(RATES).to_dict()
    title = spec["title"]
    assert title["text"] == (
        "24% of Digital Marketplace spend is by buyers matched to an organisation; "
        "Health has the most unmatched (£12.8m)"
    )
    dumped = json.dumps(spec)
    assert "Matched to an organisation (%)" in dumped
    assert "Buyer sector (as published)" in dumped
    assert "All sectors" not in json.dumps(spec["datasets"]), "the total is in the title, not a bar"
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "text"], "every bar carries a text label"
    # d3-format has no '£' (the browser rejects '£,.0f' and draws nothing): units go in titles instead.
    assert all("£" not in f for f in _formats(spec))
    ordered = charts.plotted_rates(RATES)
    assert ordered["sector"].to_list() == ["Health", "Local Government", "Police"], "largest spend first"
    labels = charts.long_rates(RATES).filter(pl.col("sector") == "Health")["label"].to_list()
    assert labels == ["10% (2 of 20) names", "20% of spend"], "the pair is told apart in words, not by colour"


def test_match_rate_alt_text_names_every_sector() -> None:
    text = charts.match_rate_alt_text(RATES)
    assert "Health: 10% (2 of 20) names, 20% of spend" in text
    assert "Police" in text and "Local Government" in text


def test_match_rate_title_when_everything_matched_and_when_empty() -> None:
    full = RATES.with_columns(pl.col("spend").alias("spend_resolved"), pl.lit(100.0).alias("spend_resolved_pct"))
    assert charts.match_rate_title(full) == "100% of Digital Marketplace spend is by buyers matched to an organisation"
    assert charts.match_rate_title(RATES.clear()) == "No Digital Marketplace buyers to match"
    nulls = RATES.with_columns(pl.lit(None, dtype=pl.Float64).alias("spend_resolved_pct"))
    assert charts.plotted_rates(nulls)["spend_label"].to_list() == ["n/a"] * 3


def test_match_rate_figure_tables_the_plotted_sectors_without_the_drawn_labels() -> None:
    figure = charts.match_rate_figure(RATES)
    assert figure.table.equals(charts.plotted_rates(RATES).drop("names_label", "spend_label"))
    assert figure.chart.to_dict()["title"]["text"] == charts.match_rate_title(RATES)
    assert figure.alt == charts.match_rate_alt_text(RATES)
