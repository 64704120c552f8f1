"""Each year in the geography that fits it, checked on a build of the sample with a second, older combined-authority
lookup (tests/two_vintages.py) against a computation that shares no code with the marts: the raw lookups read with
the csv module, each year's vintage picked in plain Python, the fact rows summed in plain SQL."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.two_vintages import GM, NORTH_EAST_2018, NORTH_EAST_2022, SPEND_SQL, members_by_vintage, vintage_for

pytestmark = pytest.mark.slow


def expected_spend(con: duckdb.DuckDBPyConnection, members: dict[int, dict[str, set[str]]], ca: str) -> dict:
    """financial year -> spend of the authority, by the independent rule."""
    years = [y for (y,) in con.sql("SELECT DISTINCT financial_year FROM dim_spend_code ORDER BY 1").fetchall()]
    out = {}
    for year in years:
        lads = sorted(members[vintage_for(year, sorted(members))].get(ca, set()))
        (total,) = con.execute(SPEND_SQL, {"year": year, "lads": lads, "ca": ca}).fetchall()[0]
        if total is not None:
            out[year] = round(float(total), 2)
    return out


def mart_spend(con: duckdb.DuckDBPyConnection, ca: str) -> dict:
    return {
        year: round(spend, 2)
        for year, spend in con.execute(
            "SELECT financial_year, spend FROM mart_marketplace_yearly"
            " WHERE area_level = 'combined_authority' AND area_code = $ca",
            {"ca": ca},
        ).fetchall()
    }


@pytest.mark.parametrize("ca", [GM, NORTH_EAST_2018, NORTH_EAST_2022])
def test_each_year_s_authority_spend_follows_that_vintage_s_members(
    two_vintages: tuple[Path, dict[int, Path]], ca: str
) -> None:
    path, lookups = two_vintages
    members = members_by_vintage(lookups)
    con = duckdb.connect(str(path), read_only=True)
    try:
        expected = expected_spend(con, members, ca)
        assert expected, f"no spend for {ca} in this build: the check would prove nothing"
        assert mart_spend(con, ca) == expected
    finally:
        con.close()


def test_the_older_vintage_applies_up_to_the_newer_one(two_vintages: tuple[Path, dict[int, Path]]) -> None:
    path, lookups = two_vintages
    con = duckdb.connect(str(path), read_only=True)
    try:
        got = dict(con.sql("SELECT financial_year, vintage FROM dim_year_vintage").fetchall())
        gm_councils = dict(
            con.execute(
                "SELECT financial_year, n_councils_total FROM mart_marketplace_yearly"
                " WHERE area_level = 'combined_authority' AND area_code = $ca",
                {"ca": GM},
            ).fetchall()
        )
    finally:
        con.close()
    assert got == {year: vintage_for(year, sorted(lookups)) for year in got}
    assert {got[y] for y in got} == {2018, 2022}
    members = members_by_vintage(lookups)
    assert gm_councils == {year: len(members[got[year]][GM]) for year in gm_councils}
    assert set(gm_councils.values()) == {9, 10}
