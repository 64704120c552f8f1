"""Fuzz every query parameter each page binds: random text, SQL, paths, huge and odd unicode values.

Whatever a link carries, a page must run without an exception and without a SQL error, show its
default view, and say that it fell back. Hypothesis draws the values; a fixed set of nasty ones is
always tried too.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.dashboard.conftest import HOSTILE_VALUES, as_read, run_page

#: Every page under random links (about 15 s): CI runs it; the fast tier (-m "not slow and not browser") does not.
pytestmark = pytest.mark.slow

#: Every bound query parameter, by page (grep bind="query-params" in dashboard/).
BOUND = {
    "overview": ["area", "years"],
    "sme_spend": ["area", "years", "sme_year", "sme_dept"],
    "marketplace": ["area", "years", "map_level", "map_measure", "market_focus", "market_view", "market_period"],
    "ministers": ["area", "years", "as_of"],
    "notices": ["area", "years", "horizon", "contracts"],
    "data": ["area", "years", "section"],
}
SQL_AND_PATHS = [
    "1 OR 1=1",
    "'); DROP TABLE fact_marketplace_spend; --",
    "$area_code",
    "../../../../etc/passwd",
    "C:\\Windows\\system32",
    "%27%3Bdrop%20table",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x","y")',
    "NaN",
    "-1",
    "9" * 400,
    "\x00\x01\x02",
    "\u202e\u200b",
]
values = st.one_of(
    st.sampled_from(SQL_AND_PATHS + HOSTILE_VALUES),
    st.text(alphabet=string.printable, max_size=80),
    st.text(max_size=40),
)


def assert_clean(at, page: str, params: dict) -> None:
    assert not at.exception, f"{page} {params!r}: {[e.message for e in at.exception]}"
    shown = " ".join(as_read(str(e.value)) for e in (*at.error, *at.warning, *at.markdown))
    assert "Binder Error" not in shown and "Parser Error" not in shown and "Catalog Error" not in shown


@pytest.mark.parametrize("page", list(BOUND))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_link_values_never_break_a_page(page: str, data, wh) -> None:
    params = {key: data.draw(values, label=key) for key in BOUND[page]}
    params = {k: v.replace("\x00", "") for k, v in params.items()}  # a URL cannot carry NUL
    at = run_page(page, {k: v for k, v in params.items() if v != ""})
    assert_clean(at, page, params)


@pytest.mark.parametrize("page", list(BOUND))
@pytest.mark.parametrize("value", SQL_AND_PATHS)
def test_every_bound_parameter_falls_back_with_a_notice(page: str, value: str, wh) -> None:
    value = value.replace("\x00", "")
    at = run_page(page, dict.fromkeys(BOUND[page], value))
    assert_clean(at, page, {"all": value})
    notices = " ".join(as_read(w.value) for w in at.warning)
    assert "does not" in notices or "not a date" in notices or "not offer" in notices, notices[:300]
