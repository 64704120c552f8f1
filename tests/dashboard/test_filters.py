"""Shared filters (filters.py): links carry only the filters that differ from the defaults; unknown link values are
reported, shortened."""

from __future__ import annotations

from dashboard.filters import link_notice, link_params, share_url


def test_link_params_carry_only_non_default_filters() -> None:
    from dashboard.filters import NATIONAL_LABEL, Area, Filters

    years = ("2015/16", "2016/17", "2017/18")
    everything = Filters(Area("national", "ALL", "x", NATIONAL_LABEL), "2015/16", "2017/18", years)
    assert link_params(everything) == {}
    narrowed = Filters(
        Area("combined_authority", "E47000001", "Greater Manchester", "Greater Manchester"), "2016/17", "2017/18", years
    )
    assert link_params(narrowed) == {"area": "Greater Manchester", "years": ["2016/17", "2017/18"]}
    assert share_url("http://x/marketplace", narrowed) == (
        "http://x/marketplace?area=Greater+Manchester&years=2016%2F17&years=2017%2F18"
    )


def test_filters_describe_the_area_and_the_years() -> None:
    from dashboard.filters import NATIONAL_LABEL, Area, Filters

    years = ("2015/16", "2016/17")
    national = Area("national", "ALL", "x", NATIONAL_LABEL)
    assert Filters(national, "2015/16", "2016/17", years).describe() == f"{NATIONAL_LABEL}, 2015/16 to 2016/17"
    assert Filters(national, "2016/17", "2016/17", years).describe() == f"{NATIONAL_LABEL}, 2016/17"
    assert Filters(national, "2015/16", "2016/17", years).years_in_range == ["2015/16", "2016/17"]


def test_link_notice() -> None:
    assert link_notice([], ["a"], "x", "a") is None
    assert link_notice(["a"], ["a"], "x", "a") is None
    notice = link_notice(["z" * 10_000], ["a"], "the tab", "a")
    assert notice is not None and len(notice) < 200 and "showing a instead" in notice


def test_area_labels_tell_apart_shared_names_and_areas_of_earlier_geographies() -> None:
    import polars as pl

    from dashboard.filters import NATIONAL_LABEL, area_choices

    frame = pl.DataFrame(
        {
            "area_level": ["national", "region", "combined_authority", "combined_authority", "combined_authority"]
            + ["combined_authority"],
            "area_code": ["ALL", "E12000001", "E47000014", "E47000010", "E47000011", "E47000001"],
            "area_name": ["x", "North East", "North East", "North East", "North of Tyne", "Greater Manchester"],
            "last_vintage": [2025, 2025, 2025, 2023, 2023, 2025],
            "latest_vintage": [2025] * 6,
        }
    )
    assert [a.label for a in area_choices(frame)] == [
        NATIONAL_LABEL,
        "North East (region)",
        "North East (combined authority)",
        "North East (combined authority, until 2023)",
        "North of Tyne (until 2023)",
        "Greater Manchester",
    ]
    twins = frame.with_columns(pl.lit("Same").alias("area_name"), pl.lit("combined_authority").alias("area_level"))
    labels = [a.label for a in area_choices(twins.slice(2, 2).with_columns(pl.lit(2025).alias("last_vintage")))]
    assert labels == ["Same (combined authority) [E47000014]", "Same (combined authority) [E47000010]"]
