"""Digital Marketplace page: figures match independent reads of the warehouse; links, focus and empty states behave;
the chart builders are checked on small frames."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from dashboard import marketplace_logic as logic
from dashboard.charts import marketplace as charts
from dashboard.filters import NATIONAL_LABEL, Area, Filters
from dashboard.format import money
from tests.conftest import HOSTILE_SUPPLIER
from tests.dashboard.conftest import HOSTILE_VALUES, download, independent, read_csv_download, run_page, texts

GM = "Greater Manchester"
PAGE_PARAMS = ("map_level", "map_measure", "market_period", "market_view", "market_focus")


def ca_code(wh: Path, name: str) -> str:
    return independent(
        wh, "SELECT area_code FROM dim_area WHERE area_level = 'combined_authority' AND area_name = $n", n=name
    ).item()


def deck_spec(at) -> dict:
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 1, "the page draws one pydeck map"
    return json.loads(decks[0].proto.json)


def rows_by(frame: pl.DataFrame, key: str, value: str) -> dict:
    return {r[key]: r[value] for r in frame.iter_rows(named=True)}


def close(a: dict, b: dict) -> bool:
    return set(a) == set(b) and all(abs((a[k] or 0) - (b[k] or 0)) < 0.01 for k in a)


# --------------------------------------------------------------------------------------------
# The page on the fixture warehouse
# --------------------------------------------------------------------------------------------


def test_page_renders_headline_map_and_chart(wh: Path) -> None:
    at = run_page("marketplace")
    assert not at.exception
    total = independent(
        wh,
        """SELECT sum(spend) AS spend, sum(sme_spend) AS sme, sum(large_spend) AS large
           FROM mart_marketplace_yearly WHERE area_level = 'national'""",
    ).row(0, named=True)
    share = 100 * total["sme"] / (total["sme"] + total["large"])
    years = independent(wh, "SELECT min(financial_year), max(financial_year) FROM mart_marketplace_yearly").row(0)
    assert (
        f"Public-sector buyers spent {money(total['spend'])} through the Digital Marketplace in "
        f"{years[0]} to {years[1]}, {share:.0f}% with SMEs"
    ) in texts(at)
    spec = deck_spec(at)
    assert [layer["id"] for layer in spec["layers"]] == ["market-areas", "market-points", "market-labels"]
    assert spec["mapStyle"] == charts.NO_BASEMAP and "mapProvider" not in spec, "no basemap fetched by default"
    assert at.get("deck_gl_json_chart")[0].proto.alt.startswith("Map of 9 regions")
    assert len(at.get("vega_lite_chart")) >= 2, "the map key and the open tab's chart"
    assert at.radio(key="map_level").value == "Regions"


def test_sample_banner_and_part_year_note(wh: Path) -> None:
    shown = texts(run_page("marketplace"))
    assert "Sample data" in shown
    partial = independent(
        wh,
        """SELECT financial_year, count(DISTINCT month) FROM mart_marketplace_monthly WHERE area_level = 'national'
           GROUP BY 1 HAVING count(DISTINCT month) < 12 ORDER BY 1 DESC LIMIT 1""",
    )
    if partial.height:
        year, months = partial.row(0)
        assert f"{year} ({months} of 12 months)" in shown


def test_deep_link_to_a_city_region_maps_its_councils(wh: Path) -> None:
    code = ca_code(wh, GM)
    at = run_page("marketplace", {"area": GM})
    assert not at.exception
    assert at.radio(key="map_level").value == "Councils in the selected area"
    spend = independent(
        wh,
        "SELECT sum(spend) FROM mart_marketplace_yearly WHERE area_level='combined_authority' AND area_code=$c",
        c=code,
    ).item()
    assert f"{GM} buyers spent {money(spend)} through the Digital Marketplace" in texts(at)
    shown = read_csv_download(download(at, "market_map_csv"))
    expected = independent(
        wh,
        """SELECT c.lad_code, coalesce(sum(y.spend), 0) AS spend
           FROM dim_council c
           LEFT JOIN mart_marketplace_yearly y ON y.area_level = 'lad' AND y.area_code = c.lad_code
           WHERE c.ca_code = $c AND c.lad_code IS NOT NULL
           GROUP BY 1""",
        c=code,
    )
    assert close(rows_by(shown, "area_code", "spend_gbp"), rows_by(expected, "lad_code", "spend"))
    label = shown["data_filters"][0]
    assert label.startswith(f"{GM}, ") and label.endswith("; Councils in the selected area, Spend")


def test_map_measure_and_level_from_the_link(wh: Path) -> None:
    at = run_page("marketplace", {"map_level": "Combined authorities", "map_measure": "Spend per 1,000 residents"})
    assert not at.exception
    shown = read_csv_download(download(at, "market_map_csv"))
    expected = independent(
        wh,
        """SELECT d.area_code, 1000 * coalesce(sum(y.spend), 0) / d.population AS per_1000
           FROM dim_area d LEFT JOIN mart_marketplace_yearly y USING (area_level, area_code)
           WHERE d.area_level = 'combined_authority' GROUP BY d.area_code, d.population""",
    )
    assert close(
        rows_by(shown, "area_code", "spend_per_1000_residents_gbp"), rows_by(expected, "area_code", "per_1000")
    )
    assert "band_spend_per_1000" in shown.columns
    top = expected.sort("per_1000", descending=True).row(0, named=True)
    name = independent(wh, "SELECT area_name FROM dim_area WHERE area_code = $c", c=top["area_code"]).item()
    assert f"Spend per 1,000 residents was highest in {name}" in texts(at)


def test_year_range_narrows_every_figure(wh: Path) -> None:
    at = run_page("marketplace", {"area": GM, "years": ["2019/20", "2021/22"]})
    assert not at.exception
    spend = independent(
        wh,
        """SELECT sum(spend) FROM mart_marketplace_yearly WHERE area_level = 'combined_authority' AND area_code = $c
           AND financial_year BETWEEN '2019/20' AND '2021/22'""",
        c=ca_code(wh, GM),
    ).item()
    assert f"spent {money(spend)} through the Digital Marketplace in 2019/20 to 2021/22" in texts(at)


@pytest.mark.parametrize("period", ["Yearly", "Monthly"])
def test_spend_by_framework_download_matches(wh: Path, period: str) -> None:
    code = ca_code(wh, GM)
    at = run_page("marketplace", {"area": GM, "market_period": period})
    assert not at.exception
    shown = read_csv_download(download(at, "market_family_csv"))
    unit = "strftime(month, '%Y-%m')" if period == "Monthly" else "financial_year"
    expected = independent(
        wh,
        f"""SELECT {unit} || ' ' || framework_family AS k, sum(spend) AS spend FROM mart_marketplace_monthly
            WHERE area_level = 'combined_authority' AND area_code = $c GROUP BY 1""",  # noqa: S608 - test constant
        c=code,
    )
    plotted = shown.filter(pl.col("spend") != 0).with_columns(
        (pl.col("period") + " " + pl.col("framework_family")).alias("k")
    )
    assert close(rows_by(plotted, "k", "spend"), rows_by(expected.filter(pl.col("spend") != 0), "k", "spend"))
    if period == "Monthly":  # every month in the span is plotted, zero where there was no spend
        months = shown["period"].unique().sort().to_list()
        first, last = dt.date.fromisoformat(months[0] + "-01"), dt.date.fromisoformat(months[-1] + "-01")
        assert len(months) == (last.year - first.year) * 12 + last.month - first.month + 1


def test_sme_share_tab(wh: Path) -> None:
    at = run_page("marketplace", {"area": GM, "market_view": "SME share"})
    assert not at.exception
    shown = read_csv_download(download(at, "market_sme_csv"))
    expected = independent(
        wh,
        """SELECT financial_year, sme_spend / (sme_spend + large_spend) * 100 AS pct FROM mart_marketplace_yearly
           WHERE area_level = 'combined_authority' AND area_code = $c AND sme_spend + large_spend > 0""",
        c=ca_code(wh, GM),
    )
    assert close(
        rows_by(shown.drop_nulls("sme_share_pct"), "financial_year", "sme_share_pct"),
        rows_by(expected, "financial_year", "pct"),
    )
    chart = at.get("vega_lite_chart")[-1].proto.spec
    assert "SME share of spend (%)" in chart and "33% aspiration" in chart


def test_top_buyers_and_suppliers_tab(wh: Path) -> None:
    code = ca_code(wh, GM)
    at = run_page("marketplace", {"area": GM, "market_view": "Top buyers and suppliers"})
    assert not at.exception
    buyers = read_csv_download(download(at, "market_buyers_csv"))
    expected = independent(
        wh,
        """SELECT buyer_name, sum(spend) AS spend FROM mart_marketplace_top_buyers
           WHERE area_level = 'combined_authority' AND area_code = $c GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15""",
        c=code,
    )
    assert buyers["buyer_name"].to_list() == expected["buyer_name"].to_list()
    assert close(rows_by(buyers, "buyer_name", "spend"), rows_by(expected, "buyer_name", "spend"))
    raw = download(at, "market_suppliers_csv")
    suppliers = read_csv_download(raw)
    expected = independent(
        wh,
        """SELECT supplier_name, sum(spend) AS spend FROM mart_marketplace_top_suppliers
           WHERE area_level = 'combined_authority' AND area_code = $c GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15""",
        c=code,
    )
    assert close(
        rows_by(suppliers, "supplier_name", "spend"),
        {("'" + k if k.startswith("=") else k): v for k, v in rows_by(expected, "supplier_name", "spend").items()},
    )
    assert set(suppliers["supplier_size"]) <= {"SME", "Large", "Size not stated"}, "size is written as text"
    if HOSTILE_SUPPLIER in expected["supplier_name"].to_list():
        assert "'" + HOSTILE_SUPPLIER in suppliers["supplier_name"].to_list(), "a formula-like name is neutralised"
        assert not any(name.startswith("=") for name in suppliers["supplier_name"].to_list())


def test_councils_never_bought_tab(wh: Path) -> None:
    code = ca_code(wh, GM)
    at = run_page("marketplace", {"area": GM, "market_view": "Councils that never bought"})
    assert not at.exception
    expected = independent(
        wh,
        """SELECT council_id FROM dim_council WHERE ca_code = $c AND council_id NOT IN (
             SELECT council_id FROM mart_council_spend_yearly WHERE spend > 0) ORDER BY 1""",
        c=code,
    )["council_id"].to_list()
    n = independent(wh, "SELECT count(*) FROM dim_council WHERE ca_code = $c", c=code).item()
    if expected:
        shown = read_csv_download(download(at, "market_never_csv"))
        assert sorted(shown["council_id"].to_list()) == expected
        assert f"{len(expected)} of {n} councils in {GM}" in texts(at)
    else:
        assert f"Every council in {GM} has bought" in texts(at)


def test_per_head_tab_highlights_the_selected_city_region(wh: Path) -> None:
    code = ca_code(wh, GM)
    at = run_page("marketplace", {"area": GM, "market_view": "Combined authorities per head"})
    assert not at.exception
    shown = read_csv_download(download(at, "market_per_head_csv"))
    expected = independent(
        wh,
        """SELECT d.area_code, 1000 * coalesce(sum(y.spend), 0) / d.population AS per_1000
           FROM dim_area d LEFT JOIN mart_marketplace_yearly y USING (area_level, area_code)
           WHERE d.area_level = 'combined_authority' AND d.population > 0 GROUP BY d.area_code, d.population""",
    )
    assert close(rows_by(shown, "area_code", "spend_per_1000"), rows_by(expected, "area_code", "per_1000"))
    assert shown.filter(pl.col("is_selected"))["area_code"].to_list() == [code]
    rank = expected.sort("per_1000", descending=True)["area_code"].to_list().index(code) + 1
    assert shown.filter(pl.col("area_code") == code)["rank"].item() == rank
    spec = at.get("vega_lite_chart")[-1].proto.spec
    assert f"{GM} (selected)" in spec, "the selected bar is labelled, not only coloured"


def test_focus_on_a_council_narrows_the_tabs(wh: Path) -> None:
    at = run_page("marketplace", {"area": GM, "market_view": "Top buyers and suppliers"})
    whole = read_csv_download(download(at, "market_buyers_csv"))
    council = independent(
        wh,
        """SELECT l.area_name, l.area_code FROM dim_area l JOIN mart_marketplace_yearly y USING (area_level, area_code)
           WHERE l.area_level = 'lad' AND l.area_code IN (SELECT lad_code FROM dim_council WHERE ca_code = $c)
           GROUP BY ALL ORDER BY sum(y.spend) DESC LIMIT 1""",
        c=ca_code(wh, GM),
    ).row(0, named=True)
    at.selectbox(key="market_focus").set_value(council["area_name"]).run()
    assert not at.exception
    shown = texts(at)
    assert f"Focused on {council['area_name']}" in shown
    assert f"{GM} buyers spent" in shown, "the headline still describes the selected area"
    focused = read_csv_download(download(at, "market_buyers_csv"))
    expected = independent(
        wh,
        """SELECT buyer_name, sum(spend) AS spend FROM mart_marketplace_top_buyers
           WHERE area_level = 'lad' AND area_code = $c GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15""",
        c=council["area_code"],
    )
    assert close(rows_by(focused, "buyer_name", "spend"), rows_by(expected, "buyer_name", "spend"))
    assert focused.height <= whole.height
    assert set(focused["data_filters"]) == {f"{whole['data_filters'][0]}; focus {council['area_name']}"}
    outline = [f for f in deck_spec(at)["layers"][0]["data"]["features"] if f["properties"]["line_width"] > 1]
    assert [f["properties"]["area_code"] for f in outline] == [council["area_code"]], "the map outlines the focus"
    at.button[0].click().run()  # "Clear focus"
    assert not at.exception
    assert at.selectbox(key="market_focus").value == f"Whole of {GM} (no focus)"
    assert "Focused on" not in texts(at)


def test_focus_from_a_link(wh: Path) -> None:
    at = run_page("marketplace", {"area": GM, "map_level": "Regions", "market_focus": "North West"})
    assert not at.exception
    assert not at.warning
    assert "Focused on North West" in texts(at)


def test_focus_with_no_spend_explains_itself(wh: Path) -> None:
    none = independent(
        wh,
        """SELECT area_name FROM dim_area WHERE area_level = 'lad' AND area_code IN
             (SELECT lad_code FROM dim_council WHERE ca_code = $c)
           AND area_code NOT IN (SELECT area_code FROM mart_marketplace_yearly WHERE area_level = 'lad')""",
        c=ca_code(wh, GM),
    )
    if not none.height:
        pytest.skip("every council in the fixture's city region has spend")
    at = run_page("marketplace", {"area": GM, "market_focus": none["area_name"][0]})
    assert not at.exception
    assert f"No marketplace spend is recorded for buyers in {none['area_name'][0]}" in texts(at)


def test_area_change_resets_the_map_level(wh: Path) -> None:
    at = run_page("marketplace")
    at.radio(key="map_level").set_value("Combined authorities").run()
    at.selectbox(key="area").set_value(GM).run()
    assert not at.exception
    assert at.radio(key="map_level").value == "Councils in the selected area"


def test_empty_state_on_a_warehouse_without_marketplace_data(sparse_warehouse: Path, use_warehouse) -> None:
    use_warehouse(sparse_warehouse)
    at = run_page("marketplace")
    assert not at.exception
    assert "No Digital Marketplace spend is recorded" in texts(at)
    assert not at.get("deck_gl_json_chart")


def test_empty_state_for_an_area_and_year_with_no_spend(wh: Path) -> None:
    gap = independent(
        wh,
        """WITH y AS (SELECT DISTINCT financial_year FROM mart_marketplace_yearly)
           SELECT d.area_name, y.financial_year FROM dim_area d CROSS JOIN y
           WHERE d.area_level = 'combined_authority'
             AND d.area_name NOT IN (SELECT area_name FROM dim_area WHERE area_level = 'region')
             AND NOT EXISTS (SELECT 1 FROM mart_marketplace_yearly m WHERE m.area_level = d.area_level
                             AND m.area_code = d.area_code AND m.financial_year = y.financial_year)
           ORDER BY 1, 2 LIMIT 1""",
    )
    if not gap.height:
        pytest.skip("every city region in the fixture has spend in every year")
    name, year = gap.row(0)
    at = run_page("marketplace", {"area": name, "years": [year, year]})
    assert not at.exception
    assert f"No Digital Marketplace spend is recorded for buyers in {name} in {year}" in texts(at)
    assert not at.get("deck_gl_json_chart")


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_page_links_fall_back_with_notices(wh: Path, value: str) -> None:
    at = run_page("marketplace", dict.fromkeys(PAGE_PARAMS, value) | {"area": GM})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    for what in ("map level", "map measure", "period", "tab", "focus"):
        assert f"asked for the {what}" in warnings
    assert at.radio(key="map_level").value == "Councils in the selected area"
    assert at.radio(key="map_measure").value == "Spend"
    assert at.selectbox(key="market_focus").value == f"Whole of {GM} (no focus)"
    assert len(max((w.value for w in at.warning), key=len)) < 400, "a long value is not echoed in full"


# --------------------------------------------------------------------------------------------
# Pure rules and chart builders on small frames
# --------------------------------------------------------------------------------------------

AREA = Area("combined_authority", "E47000001", GM, GM)


def map_frame(**overrides) -> pl.DataFrame:
    frame = {
        "area_code": ["A", "B", "C", "D", "E", "F", "G"],
        "area_name": ["Alpha", "Beta", "Gamma", "Delta", "Eps", "Zeta", "Eta"],
        "population": [1000, 2000, 3000, 4000, 5000, 6000, None],
        "longitude": [-2.3, -2.2, -2.1, -2.0, -1.9, -1.8, -1.7],
        "latitude": [53.4, 53.5, 53.6, 53.4, 53.5, 53.6, 53.7],
        "spend": [100.0, 200.0, 300.0, 400.0, 5000.0, 0.0, 50.0],
        "sme_spend": [50.0, 100.0, 0.0, 400.0, 10.0, 0.0, 50.0],
        "large_spend": [50.0, 100.0, 300.0, 0.0, 4990.0, 0.0, 0.0],
        "unknown_size_spend": [0.0] * 7,
        "sme_share_pct": [50.0, 50.0, 0.0, 100.0, 0.2, None, 100.0],
        "spend_per_1000": [100.0, 100.0, 100.0, 100.0, 1000.0, 0.0, None],
        "n_buyers": [1, 2, 3, 4, 5, 0, 1],
        "is_selected_area": [False] * 7,
        "geometry": ['{"type":"Polygon","coordinates":[[[-2.3,53.4],[-2.2,53.4],[-2.2,53.5],[-2.3,53.4]]]}']
        + [None] * 6,
    }
    frame.update(overrides)
    return pl.DataFrame(frame)


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
    for field in ("{area_name}", "{spend_text}", "{per_1000_text}", "{n_buyers}", "{sme_text}", "{band_label}"):
        assert field in html


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


def test_picked_code_reads_polygons_points_and_nothing() -> None:
    feature = {"objects": {"market-areas": [{"type": "Feature", "properties": {"area_code": "E08000003"}}]}}
    point = {"objects": {"market-points": [{"area_code": "E61000001", "area_name": "GLA"}]}}
    assert logic.picked_code(feature) == "E08000003"
    assert logic.picked_code(point) == "E61000001"
    for junk in (None, {}, {"objects": {}}, {"objects": {"x": [None, 3, {"properties": {}}]}}, "nonsense"):
        assert logic.picked_code(junk) is None


def test_resolve_focus() -> None:
    frame = map_frame()
    whole = logic.resolve_focus(logic.whole_area_option(AREA), AREA, "lad", frame)
    assert whole == logic.Focus("combined_authority", "E47000001", GM, whole_area=True)
    assert logic.resolve_focus("Beta", AREA, "lad", frame) == logic.Focus("lad", "B", "Beta", whole_area=False)
    assert logic.resolve_focus("Atlantis", AREA, "lad", frame).whole_area
    national = Area("national", "ALL", "All buyers (UK-wide)", NATIONAL_LABEL)
    assert logic.resolve_focus(None, national, "region", frame).name == "all areas"
    assert logic.focus_options(AREA, frame)[:3] == [f"Whole of {GM} (no focus)", "Alpha", "Beta"]


def test_highlighted_authority() -> None:
    region = Area("region", "E12000002", "North West", "North West")
    ca_focus = logic.Focus("combined_authority", "E47000004", "Liverpool City Region", whole_area=False)
    lad_focus = logic.Focus("lad", "E08000003", "Manchester", whole_area=False)
    assert logic.highlighted_authority(AREA, lad_focus) == "E47000001"
    assert logic.highlighted_authority(region, ca_focus) == "E47000004"
    assert logic.highlighted_authority(region, lad_focus) is None


def test_headline_and_span() -> None:
    years = pl.DataFrame(
        {
            "spend": [1_000_000.0, 2_200_000.0],
            "sme_spend": [400_000.0, 900_000.0],
            "large_spend": [500_000.0, 1_100_000.0],
        }
    )
    assert logic.headline(AREA, years, "2019/20 to 2020/21") == (
        f"{GM} buyers spent £3.2m through the Digital Marketplace in 2019/20 to 2020/21, 45% with SMEs"
    )
    credit = years.with_columns(pl.lit(-1.0).alias("sme_spend"))
    assert logic.headline(AREA, credit, "2019/20").endswith("in 2019/20"), "no share when credit notes dominate"
    filters = Filters(AREA, "2019/20", "2019/20", ("2019/20",))
    assert logic.span(filters) == "2019/20"


def test_link_notice() -> None:
    assert logic.link_notice([], ["a"], "x", "a") is None
    assert logic.link_notice(["a"], ["a"], "x", "a") is None
    notice = logic.link_notice(["z" * 10_000], ["a"], "the tab", "a")
    assert notice is not None and len(notice) < 200 and "showing a instead" in notice


def test_partial_year_note() -> None:
    months = pl.DataFrame({"financial_year": ["2025/26", "2026/27"], "n_months": [12, 6]})
    assert logic.partial_year_note(months, ["2025/26", "2026/27"]) == (
        "Part-year figures: 2026/27 (6 of 12 months) published so far."
    )
    assert logic.partial_year_note(months, ["2025/26"]) is None


def family_rows() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "period": ["2019-04", "2019-04", "2019-07"],
            "period_start": [dt.date(2019, 4, 1), dt.date(2019, 4, 1), dt.date(2019, 7, 1)],
            "framework_family": ["DOS", "G-Cloud", "G-Cloud"],
            "spend": [100.0, 300.0, 600.0],
            "sme_spend": [50.0, 100.0, 0.0],
            "n_transactions": [1, 2, 3],
        }
    )


def test_family_figure_fills_months_and_titles_the_finding() -> None:
    figure = charts.family_figure(family_rows(), period="month", place=GM, span="2019/20")
    assert figure.table.height == 8, "4 months x 2 frameworks, zero where nothing was spent"
    assert figure.table["spend"].sum() == 1000.0
    spec = figure.chart.to_dict()
    assert spec["title"]["text"] == f"G-Cloud was 90% of the £1.0k spent in {GM}, 2019/20"
    assert spec["encoding"]["y"]["title"] == "Spend (£)"
    assert "strokeDash" in spec["encoding"] and "shape" in spec["encoding"], "not colour alone"
    assert "G-Cloud £900" in figure.alt
    yearly = charts.family_figure(family_rows(), period="year", place=GM, span="2019/20")
    assert yearly.table.height == 3


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


def test_reset_map_level() -> None:
    assert logic.reset_map_level(None, "E47000001", []) is True, "arrival without a level: the area's default"
    assert logic.reset_map_level(None, "E47000001", ["Regions"]) is False, "a link's level is kept"
    assert logic.reset_map_level(None, "E47000001", ["Atlantis"]) is True
    assert logic.reset_map_level("E47000001", "E47000001", []) is False, "same area: the user's choice stays"
    assert logic.reset_map_level("ALL", "E47000001", ["Regions"]) is True, "a new area starts from its default"
