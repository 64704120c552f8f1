"""The marketplace map and chart builders (marketplace/charts.py) on small frames."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

from dashboard.marketplace import charts, logic
from tests.dashboard.marketplace.frames import GM, map_frame, rows_by


def test_classify_bands_by_fifths_and_greys_areas_without_a_figure() -> None:
    shaded = charts.classify(map_frame(), logic.MEASURES["Spend"])
    bands = rows_by(shaded.areas, "area_code", "band")
    assert bands["F"] == -1, "no spend is grey"
    assert bands["A"] == 0 and bands["E"] == 4 and bands["G"] == 0
    legend = shaded.legend
    assert legend["label"][-1] == charts.NO_FIGURE_LABEL and legend["n_areas"].sum() == 7
    assert legend["label"][0] == "£50 to £100", "labels state each band's actual range"
    per_head = charts.classify(map_frame(), logic.MEASURES["Spend per 1,000 residents"])
    assert rows_by(per_head.areas, "area_code", "band")["G"] == -1, "no population, no figure"
    assert per_head.legend.filter(pl.col("band") >= 0).height == 2, "few distinct values, few bands"


def test_classify_with_nothing_to_shade() -> None:
    shaded = charts.classify(map_frame(spend=[0.0] * 7), logic.MEASURES["SME share of spend"])
    assert shaded.legend["label"].to_list() == [charts.NO_FIGURE_LABEL]
    assert "No councils in the selected area with marketplace spend" in charts.map_title(
        shaded, logic.MEASURES["Spend"], "Councils in the selected area", "2019/20"
    )


def test_map_deck_layers_tooltips_and_offline_default() -> None:
    shaded = charts.classify(map_frame(), logic.MEASURES["Spend"])
    spec = json.loads(charts.map_deck(shaded, highlight_code="A").to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert set(layers) == {"market-areas", "market-points", "market-labels"}
    assert len(layers["market-areas"]["data"]["features"]) == 1 and len(layers["market-points"]["data"]) == 6
    assert layers["market-areas"]["lineWidthUnits"] == "pixels", "a literal, not a pydeck expression"
    feature = layers["market-areas"]["data"]["features"][0]["properties"]
    assert feature["line_width"] == 4 and feature["spend_text"] == "£100"
    assert spec["mapStyle"] == charts.NO_BASEMAP and "mapProvider" not in spec
    assert 5 <= spec["initialViewState"]["zoom"] <= 11


def test_map_deck_tooltip_names_every_measure() -> None:
    deck = charts.map_deck(charts.classify(map_frame(), logic.MEASURES["Spend"]))
    html = deck._tooltip["html"]
    for field in ("{tooltip_name}", "{spend_text}", "{per_1000_text}", "{n_buyers}", "{sme_text}", "{band_label}"):
        assert field in html


def test_map_tooltip_and_labels_show_a_hostile_name_as_text() -> None:
    """The tooltip is HTML: the name it interpolates is escaped; the map's labels are cleaned for display."""
    frame = map_frame().with_columns(pl.lit("<img src=x onerror=alert(1)>\u202e & 'q'").alias("area_name"))
    spec = json.loads(charts.map_deck(charts.classify(frame, logic.MEASURES["Spend"])).to_json())
    areas = next(layer for layer in spec["layers"] if layer["id"] == "market-areas")
    names = {f["properties"]["tooltip_name"] for f in areas["data"]["features"]}
    assert names == {"&lt;img src=x onerror=alert(1)&gt; &amp; &#39;q&#39;"}
    labels = next(layer for layer in spec["layers"] if layer["id"] == "market-labels")
    assert {row["label_name"] for row in labels["data"]} == {"<img src=x onerror=alert(1)> & 'q'"}


def test_basemap_only_when_configured() -> None:
    assert logic.basemap_from_env({}) == logic.Basemap()
    assert logic.basemap_from_env({logic.TILES_ENV: "file:///etc/passwd", logic.STYLE_ENV: "javascript:x"}) == (
        logic.Basemap()
    )
    configured = logic.basemap_from_env(
        {logic.TILES_ENV: "https://tiles.example/{z}/{x}/{y}.pbf", logic.STYLE_ENV: "https://tiles.example/style.json"}
    )
    spec = json.loads(
        charts.map_deck(charts.classify(map_frame(), logic.MEASURES["Spend"]), basemap=configured).to_json()
    )
    assert spec["layers"][0]["@@type"] == "MVTLayer" and spec["layers"][0]["id"] == "basemap-tiles"
    assert spec["mapStyle"] == "https://tiles.example/style.json"


def test_legend_chart_and_alt_text() -> None:
    shaded = charts.classify(map_frame(), logic.MEASURES["Spend"])
    spec = charts.map_legend(shaded.legend, logic.MEASURES["Spend"]).to_dict()
    assert spec["title"]["text"] == "Spend"
    assert "£50 to £100: 2 areas" in charts.legend_alt(shaded.legend, logic.MEASURES["Spend"])
    assert "Map of 7 councils in the selected area" in charts.map_alt(
        shaded, logic.MEASURES["Spend"], "Councils in the selected area", "2019/20"
    )


def test_view_fits_the_areas() -> None:
    england = charts.view_for(pl.DataFrame({"longitude": [-5.7, 1.7], "latitude": [50.0, 55.8]}))
    city = charts.view_for(pl.DataFrame({"longitude": [-2.7, -2.0], "latitude": [53.3, 53.7]}))
    assert 4 <= england["zoom"] < city["zoom"] <= 11
    assert (
        charts.view_for(
            pl.DataFrame(
                {"longitude": [None], "latitude": [None]}, schema={"longitude": pl.Float64, "latitude": pl.Float64}
            )
        )["zoom"]
        == 5.0
    )


def family_rows() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "period": ["2019-04", "2019-04", "2019-07"],
            "period_start": [dt.date(2019, 4, 1), dt.date(2019, 4, 1), dt.date(2019, 7, 1)],
            "framework_family": ["DOS", "G-Cloud", "G-Cloud"],
            "spend": [100.0, 300.0, 600.0],
            "sme_spend": [50.0, 100.0, 0.0],
            "n_transactions": [1, 2, 3],
            "provisional": [False, False, True],
        }
    )


def test_family_figure_fills_months_and_titles_the_finding() -> None:
    figure = charts.family_figure(family_rows(), period="month", place=GM, span="2019/20")
    assert figure.table.height == 8, "4 months x 2 frameworks, zero where nothing was spent"
    assert figure.table["spend"].sum() == 1000.0
    spec = figure.chart.to_dict()
    assert spec["title"]["text"] == f"G-Cloud was 90% of the £1.0k spent in {GM}, 2019/20"
    lines = spec["layer"][0]
    assert lines["encoding"]["y"]["title"] == "Spend (£)"
    assert "strokeDash" in lines["encoding"] and "shape" in lines["encoding"], "not colour alone"
    assert "G-Cloud £900" in figure.alt
    yearly = charts.family_figure(family_rows(), period="year", place=GM, span="2019/20")
    assert yearly.table.height == 3


def test_provisional_months_are_ringed_labelled_and_said() -> None:
    """The newest months, which late returns still revise, are marked three ways, never by colour alone."""
    figure = charts.family_figure(family_rows(), period="month", place=GM, span="2019/20")
    spec = figure.chart.to_dict()
    rings = spec["layer"][1]
    assert rings["mark"]["filled"] is False
    ringed = [row for name, rows in spec["datasets"].items() if name == rings["data"]["name"] for row in rows]
    assert [(r["period"], r["framework_family"]) for r in ringed] == [("2019-07", "G-Cloud")]
    assert charts.PROVISIONAL_NOTE in spec["title"]["subtitle"]
    assert figure.table.filter(pl.col("status") == "provisional")["period"].to_list() == ["2019-07"]
    assert "Provisional, still revised by late returns: 2019-07." in figure.alt
    settled = charts.family_figure(family_rows().with_columns(provisional=False), period="month", place=GM, span="x")
    assert charts.PROVISIONAL_NOTE not in settled.chart.to_dict()["title"]["subtitle"]


def test_money_axes_use_a_label_expression_not_a_currency_format() -> None:
    spec = json.dumps(
        charts.family_figure(family_rows(), period="year", place=GM, span="x").chart.to_dict(), ensure_ascii=False
    )
    assert "labelExpr" in spec and "'£'" in spec
    assert '"format": "£' not in spec, "d3-format rejects a literal £"


def test_sme_figure() -> None:
    frame = pl.DataFrame(
        {
            "financial_year": ["2018/19", "2019/20", "2020/21"],
            "spend": [100.0, 200.0, 300.0],
            "sme_spend": [0.0, 50.0, 120.0],
            "large_spend": [0.0, 150.0, 150.0],
            "unknown_size_spend": [100.0, 0.0, 30.0],
            "sme_share_pct": [None, 25.0, 44.444],
        }
    )
    figure = charts.sme_figure(frame, place=GM)
    spec = figure.chart.to_dict()
    assert spec["title"]["text"] == f"SMEs won 44% of marketplace spend in {GM} in 2020/21, up from 25% in 2019/20"
    assert "£130 where it is not is left out" in spec["title"]["subtitle"]
    assert "SME share of spend (%)" in json.dumps(spec)
    assert "2018/19 n/a" in figure.alt


def test_buyers_and_suppliers_figures_write_sizes_as_text() -> None:
    buyers = pl.DataFrame(
        {
            "buyer_name": ["Small Council", "Big Council"],
            "org_kind": ["council", "council"],
            "spend": [10.0, 90.0],
            "sme_spend": [5.0, 9.0],
            "sme_share_pct": [50.0, 10.0],
            "n_transactions": [1, 2],
        }
    )
    figure = charts.buyers_figure(buyers.sort("spend", descending=True), place=GM, span="x", total=200.0)
    spec = figure.chart.to_dict()
    assert spec["title"]["text"] == f"Big Council spent the most in {GM}: £90 (45% of the area's spend)"
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Big Council", "Small Council"]
    suppliers = pl.DataFrame(
        {
            "supplier_name": ["A Ltd", "B plc", "C LLP"],
            "supplier_is_sme": [True, False, None],
            "spend": [30.0, 20.0, 10.0],
            "n_transactions": [1, 1, 1],
        }
    )
    figure = charts.suppliers_figure(suppliers, place=GM, span="x")
    assert figure.table["supplier_size"].to_list() == ["SME", "Large", "Size not stated"]
    assert figure.chart.to_dict()["title"]["text"] == f"1 of the top 3 suppliers to buyers in {GM} are SMEs"
    assert "B plc £20 (Large)" in figure.alt


def test_per_head_figure_marks_the_selection_in_words() -> None:
    frame = pl.DataFrame(
        {
            "area_code": ["X", "Y", "Z", "N"],
            "area_name": ["Ex", "Why", "Zed", "No people"],
            "population": [1000, 2000, 4000, None],
            "spend": [500.0, 3000.0, 1000.0, 10.0],
            "spend_per_1000": [500.0, 1500.0, 250.0, None],
        }
    )
    figure = charts.per_head_figure(frame, selected_code="X", span="2019/20")
    assert figure.table["area_code"].to_list() == ["Y", "X", "Z"], "ranked, no-population dropped"
    spec = json.dumps(figure.chart.to_dict())
    assert "Ex (selected)" in spec and "strokeDash" in spec
    assert figure.chart.to_dict()["title"]["text"] == (
        "Ex spent £500 per 1,000 residents in 2019/20, 2nd of 3 combined authorities"
    )
    unselected = charts.per_head_figure(frame, selected_code=None, span="2019/20")
    assert unselected.chart.to_dict()["title"]["text"].startswith("Why spent the most per head: £1.5k")
    assert "1. Why £1.5k" in unselected.alt


def test_never_title_grammar() -> None:
    def frame(n: int, total: int | None) -> pl.DataFrame:
        return pl.DataFrame({"council_id": [f"E{i}" for i in range(n)], "councils_in_area": [total] * n})

    assert charts.never_title(frame(0, None), GM) == f"Every council in {GM} has bought through the Digital Marketplace"
    assert (
        charts.never_title(frame(1, 10), GM)
        == f"1 of 10 councils in {GM} has never bought through the Digital Marketplace"
    )
    assert charts.never_title(frame(3, 10), GM).startswith("3 of 10 councils")


def test_map_view_carries_the_map_its_key_and_its_numbers() -> None:
    measure = logic.MEASURES["Spend"]
    view = charts.map_view(map_frame(), measure, "Councils in the selected area", "2019/20", highlight_code="A")
    shaded = charts.classify(map_frame(), measure)
    assert view.title == charts.map_title(shaded, measure, "Councils in the selected area", "2019/20")
    assert view.alt.startswith("Map of 7 councils in the selected area")
    assert view.table.equals(charts.map_table(shaded, measure))
    assert view.legend.chart.to_dict() == charts.map_legend(shaded.legend, measure).to_dict()
    assert view.legend.alt == charts.legend_alt(shaded.legend, measure)
    assert view.caption == measure.help + " Bands are fifths of the areas with a figure."
    outlined = [f for f in json.loads(view.deck.to_json())["layers"][0]["data"]["features"]]
    assert outlined[0]["properties"]["line_width"] == 4, "the highlighted area is outlined"


def test_sme_title_says_when_a_year_is_a_part_year() -> None:
    """A part year is never set against a full one without saying so (issue 10.5)."""
    years = pl.DataFrame(
        {
            "financial_year": ["2012/13", "2014/15"],
            "sme_share_pct": [57.0, 53.0],
            "n_months": [12, 3],
        }
    )
    assert charts.sme_title(years, GM) == (
        f"SMEs won 53% of marketplace spend in {GM} in 2014/15 (3 months), down from 57% in 2012/13"
    )
    assert "(" not in charts.sme_title(years.with_columns(n_months=pl.lit(12)), GM)
