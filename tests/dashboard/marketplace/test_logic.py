"""The Digital Marketplace page's rules (marketplace/logic.py) on small frames: focus, links, headline."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.filters import NATIONAL_LABEL, Area, Filters
from dashboard.marketplace import logic
from tests.dashboard.marketplace.frames import GM, map_frame

AREA = Area("combined_authority", "E47000001", GM, GM)


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


def test_partial_year_note() -> None:
    months = pl.DataFrame({"financial_year": ["2025/26", "2026/27"], "n_months": [12, 6]})
    assert logic.partial_year_note(months, ["2025/26", "2026/27"]) == (
        "Part-year figures: 2026/27 (6 of 12 months) published so far."
    )
    assert logic.partial_year_note(months, ["2025/26"]) is None


def test_reset_map_level() -> None:
    assert logic.reset_map_level(None, "E47000001", []) is True, "arrival without a level: the area's default"
    assert logic.reset_map_level(None, "E47000001", ["Regions"]) is False, "a link's level is kept"
    assert logic.reset_map_level(None, "E47000001", ["Atlantis"]) is True
    assert logic.reset_map_level("E47000001", "E47000001", []) is False, "same area: the user's choice stays"
    assert logic.reset_map_level("ALL", "E47000001", ["Regions"]) is True, "a new area starts from its default"


def test_follow_area_resets_the_map_level_only_when_the_area_changes() -> None:
    state: dict = {}
    logic.follow_area(state, "E47000001", [], "Councils in the selected area")
    assert state == {"map_level": "Councils in the selected area", logic.AREA_KEY: "E47000001"}
    state["map_level"] = "Regions"
    logic.follow_area(state, "E47000001", [], "Councils in the selected area")
    assert state["map_level"] == "Regions", "the same area keeps the user's choice"
    logic.follow_area(state, "ALL", [], "Regions")
    assert state == {"map_level": "Regions", logic.AREA_KEY: "ALL"}
    linked: dict = {}
    logic.follow_area(linked, "E47000001", ["Regions"], "Councils in the selected area")
    assert "map_level" not in linked, "a link's level is left to its widget"


def test_a_click_on_the_map_sets_the_focus_and_clearing_it_returns() -> None:
    frame, options = map_frame(), logic.focus_options(AREA, map_frame())
    state: dict = {}
    logic.sync_focus(state, frame, options)
    assert logic.FOCUS_KEY not in state, "no click yet: the picker keeps its own default"
    assert logic.map_key(state) == "market_map_0"
    state["market_map_0"] = {"selection": {"objects": {"market-points": [{"area_code": "B"}]}}}
    logic.sync_focus(state, frame, options)
    assert state[logic.FOCUS_KEY] == "Beta" and state[logic.PICK_KEY] == "B"
    state[logic.FOCUS_KEY] = "Gamma"  # the picker moves on; the same click does not pull it back
    logic.sync_focus(state, frame, options)
    assert state[logic.FOCUS_KEY] == "Gamma"
    logic.clear_focus(state, options)
    assert state[logic.FOCUS_KEY] == options[0] and state[logic.PICK_KEY] is None
    assert logic.map_key(state) == "market_map_1", "a new map key clears the map's own selection"


def test_a_focus_that_is_no_longer_on_the_map_falls_back() -> None:
    options = logic.focus_options(AREA, map_frame())
    state: dict = {logic.FOCUS_KEY: "Atlantis"}
    logic.sync_focus(state, map_frame(), options)
    assert state[logic.FOCUS_KEY] == options[0]


def test_link_notices_name_each_bad_page_parameter() -> None:
    links = {"map_level": ["Atlantis"], "map_measure": ["Spend"], "market_view": ["x"]}
    notices = logic.link_notices(links, "Regions")
    assert [n is None for n in notices] == [False, True, True, False]
    assert "the map level 'Atlantis'" in notices[0] and "showing Regions instead" in notices[0]
    options = logic.focus_options(AREA, map_frame())
    assert logic.focus_notice({logic.FOCUS_KEY: ["Beta"]}, options) is None
    assert "the focus 'Nowhere'" in logic.focus_notice({logic.FOCUS_KEY: ["Nowhere"]}, options)
    assert set(logic.LINK_KEYS) == {key for key, *_ in logic.link_checks("Regions")} | {logic.FOCUS_KEY}


def test_total_spend() -> None:
    assert logic.total_spend(pl.DataFrame({"spend": [1.5, 2]})) == 3.5
    assert logic.total_spend(pl.DataFrame({"spend": []}, schema={"spend": pl.Float64})) == 0.0


def test_provisional_note_names_each_familys_months() -> None:
    months = pl.DataFrame(
        {
            "framework_family": ["G-Cloud", "G-Cloud", "DOS"],
            "month": [dt.date(2014, 6, 1), dt.date(2014, 5, 1), dt.date(2014, 6, 1)],
        }
    )
    note = logic.provisional_note(months)
    assert note is not None and note.startswith("Provisional: G-Cloud May 2014 and Jun 2014; DOS Jun 2014.")
    assert logic.provisional_note(months.clear()) is None


def test_span_is_the_months_the_data_covers_within_the_chosen_years() -> None:
    """The picker spans every source's years; the marketplace's own months bound what its figures cover."""
    months = pl.DataFrame(
        {
            "financial_year": ["2012/13", "2013/14", "2014/15"],
            "first_month": [dt.date(2012, 4, 1), dt.date(2013, 4, 1), dt.date(2014, 4, 1)],
            "last_month": [dt.date(2013, 3, 1), dt.date(2014, 3, 1), dt.date(2014, 6, 1)],
        }
    )
    wide = Filters(AREA, "2012/13", "2025/26", ())
    assert logic.span(wide, months) == "April 2012 to June 2014"
    later = Filters(AREA, "2020/21", "2025/26", ())
    assert logic.span(later, months) == "2020/21 to 2025/26", "no data in range: the chosen years"


def test_map_coverage_says_what_the_map_counts_of_the_whole() -> None:
    areas = pl.DataFrame({"spend": [8_000_000.0, 5_000_000.0]})
    years = pl.DataFrame({"spend": [150_000_000.0, 67_500_000.0]})
    note = logic.map_coverage(areas, years, AREA, "April 2012 to June 2014")
    assert "£13.0m of the £217.5m of " in note and "in April 2012 to June 2014" in note
    assert "central government" in note


def test_population_note_names_the_estimate_year() -> None:
    assert logic.population_note(2021) == (
        "Residents: the mid-2021 population estimate of each district, summed over the area's members in each "
        "year's geography."
    )
    assert "cannot be shown" in logic.population_note(None)


def test_map_coverage_names_the_area_as_written() -> None:
    """The sentence carries the name as published; the page escapes the whole caption (views/marketplace.py)."""
    hostile = Area("combined_authority", "E47000099", "![x](http://127.0.0.1:9/x.png)", "x")
    note = logic.map_coverage(pl.DataFrame({"spend": [1.0]}), pl.DataFrame({"spend": [2.0]}), hostile, "2019/20")
    assert "spend by ![x](http://127.0.0.1:9/x.png) buyers" in note


def spans(*rows: tuple[int, str, str, bool], n_loaded: int | None = None, boundary: int | None = 2025) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"vintage": v, "first_year": a, "last_year": b, "older_than_vintage": older}
            | {"n_loaded": n_loaded or len(rows), "boundary_vintage": boundary}
            for v, a, b, older in rows
        ]
    )


def test_geography_note_with_one_vintage_says_it_is_applied_to_every_year() -> None:
    note = logic.geography_note(spans((2025, "2013/14", "2025/26", True)))
    assert note.startswith("Areas are ONS's 2025 geography, the only one loaded, so it is applied to every year")
    assert "it was in in 2025." in note and "Outlines" not in note
    assert logic.geography_note(spans((2025, "2013/14", "2025/26", True), boundary=2024)).endswith(
        "Outlines are drawn from the 2024 boundaries."
    )
    assert "No ONS area lookup is loaded" in logic.geography_note(pl.DataFrame())


def test_geography_note_names_the_vintage_of_each_span_of_years() -> None:
    note = logic.geography_note(
        spans((2023, "2013/14", "2023/24", True), (2024, "2024/25", "2024/25", False), (2025, "2025/26", "2025/26", False))
    )
    assert note.startswith(
        "Each year is shown in the ONS geography of its time: 2013/14 to 2023/24 in the 2023 geography (no older"
        " geography is loaded); 2024/25 in the 2024 geography; 2025/26 in the 2025 geography."
    )
    assert "an authority that did not exist yet has no spend" in note
    assert note.endswith("Outlines are drawn from the 2025 boundaries.")
    # a range inside one vintage, with others loaded: still says which
    one = logic.geography_note(spans((2024, "2024/25", "2024/25", False), n_loaded=3, boundary=2024))
    assert one.startswith("Each year is shown in the ONS geography of its time: 2024/25 in the 2024 geography.")
    assert "Outlines" not in one


