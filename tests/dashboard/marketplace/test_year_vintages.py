"""The marketplace page on a warehouse with two geography vintages (tests/two_vintages.py): an authority that only
the older one has is pickable, labelled with its last vintage, and its figures, councils and caption follow the
years it existed, checked against the raw lookups read with the csv module and plain SQL on the fact rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dashboard.format import money
from tests.dashboard.conftest import as_read, download, read_csv_download, run_page, texts
from tests.two_vintages import NORTH_EAST_2018, SPEND_SQL, members_by_vintage, vintage_for

FORMER = "North East (combined authority, until 2018)"


@pytest.fixture
def former(two_vintages: tuple[Path, dict[int, Path]], use_warehouse) -> tuple[Path, dict[int, Path]]:
    use_warehouse(two_vintages[0])
    return two_vintages


def raw_facts(path: Path, lookups: dict[int, Path]) -> tuple[float, set[str], set[str], str, str]:
    """The former authority's spend over every year, its 2018 members, those of them no council spend is recorded
    for in any year, and the first and last financial year the 2018 vintage applies to."""
    members = members_by_vintage(lookups)[2018][NORTH_EAST_2018]
    con = duckdb.connect(str(path), read_only=True)
    try:
        years = [y for (y,) in con.sql("SELECT DISTINCT financial_year FROM dim_spend_code ORDER BY 1").fetchall()]
        total = 0.0
        for year in years:
            lads = sorted(members) if vintage_for(year, sorted(lookups)) == 2018 else []
            (spend,) = con.execute(SPEND_SQL, {"year": year, "lads": lads, "ca": NORTH_EAST_2018}).fetchall()[0]
            total += float(spend or 0)
        bought = {
            code
            for (code,) in con.sql(
                """SELECT b.org_code FROM fact_marketplace_spend f JOIN dim_buyer b USING (buyer_id)
                   WHERE b.org_kind = 'council' GROUP BY 1 HAVING sum(f.amount) > 0"""
            ).fetchall()
        }
    finally:
        con.close()
    old_years = [y for y in years if vintage_for(y, sorted(lookups)) == 2018]
    return total, members, members - bought, old_years[0], old_years[-1]


def test_an_abolished_authority_shows_the_spend_of_the_years_it_existed(former) -> None:
    path, lookups = former
    total, members, _, first, last = raw_facts(path, lookups)
    at = run_page("marketplace", {"area": FORMER})
    assert not at.exception
    assert at.selectbox(key="area").value == FORMER
    assert f"North East buyers spent {money(total)} through the Digital Marketplace" in texts(at)
    shown = read_csv_download(download(at, "market_map_csv"))
    assert set(shown["area_code"].to_list()) == members, "the map's councils are its members in 2018"
    # each council's spend of the years it was a member only: together, the authority's placed spend
    con = duckdb.connect(str(path), read_only=True)
    try:
        by_lad = dict(
            con.execute(
                """SELECT b.lad_code, sum(f.amount) FROM fact_marketplace_spend f
                   JOIN dim_spend_code c USING (spend_code_id) JOIN dim_buyer b USING (buyer_id)
                   WHERE list_contains($lads, b.lad_code) AND c.financial_year BETWEEN $first AND $last
                   GROUP BY 1""",
                {"lads": sorted(members), "first": first, "last": last},
            ).fetchall()
        )
    finally:
        con.close()
    got = dict(zip(shown["area_code"].to_list(), shown["spend_gbp"].to_list(), strict=True))
    assert {k: round(v, 2) for k, v in got.items()} == {k: round(float(by_lad.get(k, 0)), 2) for k in members}
    assert sum(got.values()) <= total + 0.01
    note = next(as_read(c.value) for c in at.caption if as_read(c.value).startswith("Each year is shown in "))
    assert f"{first} to {last} in the 2018 geography (no older geography is loaded)" in note


def test_an_abolished_authority_lists_the_members_that_never_bought(former) -> None:
    path, lookups = former
    _, members, never, _, _ = raw_facts(path, lookups)
    at = run_page("marketplace", {"area": FORMER, "market_view": "Councils that never bought"})
    assert not at.exception
    if never:
        verb = "has" if len(never) == 1 else "have"
        title = f"{len(never)} of {len(members)} councils in North East {verb} never bought"
        assert title in texts(at)
        shown = read_csv_download(download(at, "market_never_csv"))
        assert set(shown["council_id"].to_list()) == never
    else:
        assert "Every council in North East has bought through the Digital Marketplace" in texts(at)
