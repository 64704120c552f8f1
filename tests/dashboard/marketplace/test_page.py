"""Digital Marketplace page: figures match independent reads of the warehouse; links, focus and empty states behave."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from dashboard.format import money
from dashboard.marketplace import charts
from tests.conftest import HOSTILE_SUPPLIER
from tests.dashboard.conftest import HOSTILE_VALUES, as_read, download, independent, read_csv_download, run_page, texts
from tests.dashboard.marketplace.frames import GM, rows_by

PAGE_PARAMS = ("map_level", "map_measure", "market_period", "market_view", "market_focus")


def ca_code(wh: Path, name: str) -> str:
    return independent(
        wh, "SELECT area_code FROM dim_area WHERE area_level = 'combined_authority' AND area_name = $n", n=name
    ).item()


def deck_spec(at) -> dict:
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 1, "the page draws one pydeck map"
    return json.loads(decks[0].proto.json)


def close(a: dict, b: dict) -> bool:
    return set(a) == set(b) and all(abs((a[k] or 0) - (b[k] or 0)) < 0.01 for k in a)


def test_page_renders_headline_map_and_chart(wh: Path) -> None:
    at = run_page("marketplace")
    assert not at.exception
    total = independent(
        wh,
        """SELECT sum(spend) AS spend, sum(sme_spend) AS sme, sum(large_spend) AS large
           FROM mart_marketplace_yearly WHERE area_level = 'national'""",
    ).row(0, named=True)
    share = 100 * total["sme"] / (total["sme"] + total["large"])
    # the period the data covers, from the fact itself: not the years the picker spans
    first, last = independent(
        wh, "SELECT min(month), max(month) FROM fact_marketplace_spend JOIN dim_spend_code USING (spend_code_id)"
    ).row(0)
    assert (
        f"Public-sector buyers spent {money(total['spend'])} through the Digital Marketplace in "
        f"{first:%B %Y} to {last:%B %Y}, {share:.0f}% with SMEs"
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
    # 2019/20 to 2021/22 is April 2019 to March 2022 wherever the data covers every month of it
    first, last = independent(
        wh,
        """SELECT min(month), max(month) FROM dim_spend_code
           WHERE financial_year BETWEEN '2019/20' AND '2021/22'
             AND spend_code_id IN (SELECT spend_code_id FROM fact_marketplace_spend)""",
    ).row(0)
    assert f"spent {money(spend)} through the Digital Marketplace in {first:%B %Y} to {last:%B %Y}" in texts(at)


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
    first, last = independent(
        wh,
        """SELECT min(month), max(month) FROM dim_spend_code WHERE financial_year = $y
             AND spend_code_id IN (SELECT spend_code_id FROM fact_marketplace_spend)""",
        y=year,
    ).row(0)
    assert f"No Digital Marketplace spend is recorded for buyers in {name} in {first:%B %Y} to {last:%B %Y}" in texts(
        at
    )
    assert not at.get("deck_gl_json_chart")


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_page_links_fall_back_with_notices(wh: Path, value: str) -> None:
    at = run_page("marketplace", dict.fromkeys(PAGE_PARAMS, value) | {"area": GM})
    assert not at.exception
    warnings = " ".join(as_read(w.value) for w in at.warning)
    for what in ("map level", "map measure", "period", "tab", "focus"):
        assert f"asked for the {what}" in warnings
    assert at.radio(key="map_level").value == "Councils in the selected area"
    assert at.radio(key="map_measure").value == "Spend"
    assert at.selectbox(key="market_focus").value == f"Whole of {GM} (no focus)"
    assert len(max((as_read(w.value) for w in at.warning), key=len)) < 400, "a long value is not echoed in full"


def test_the_newest_months_are_said_to_be_provisional(wh: Path) -> None:
    """The caption names each family's newest months, read here straight from the fact table."""
    at = run_page("marketplace")
    assert not at.exception
    newest = independent(
        wh,
        """SELECT framework_family, month FROM (
               SELECT DISTINCT c.framework_family, c.month FROM fact_marketplace_spend f
               JOIN dim_spend_code c USING (spend_code_id))
           QUALIFY dense_rank() OVER (PARTITION BY framework_family ORDER BY month DESC) <= 2
           ORDER BY framework_family, month""",
    )
    assert newest.height > 0
    caption = next(as_read(c.value) for c in at.caption if as_read(c.value).startswith("Provisional: "))
    for (family,), rows in newest.group_by("framework_family", maintain_order=True):
        months = " and ".join(f"{m:%b %Y}" for m in rows["month"].to_list())
        assert f"{family} {months}" in caption


def test_the_map_says_which_geography_vintage_its_areas_are(wh: Path) -> None:
    """The vintage named is the newest one in the LAD lookup rows, read here from the staging-built dim_lad."""
    at = run_page("marketplace")
    assert not at.exception
    vintage = independent(wh, "SELECT max(vintage) AS v FROM dim_lad")["v"][0]
    note = next(as_read(c.value) for c in at.caption if as_read(c.value).startswith("Areas are ONS's "))
    assert note.startswith(f"Areas are ONS's {vintage} geography, the only one loaded, so it is applied to every")
