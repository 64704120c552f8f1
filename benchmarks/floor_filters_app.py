"""A second floor for benchmarks/browser.py: the bare one-chart page plus the dashboard's shared sidebar.

The same Altair chart as benchmarks/floor_app.py, after what every dashboard page draws before its content: the
sidebar's filters heading, an area select box and a financial-year range slider bound to the query string, and a
closed "Copy link" popover (dashboard/filters.py), then a page link. It has no warehouse and no queries, so the
gap between the two floors is what those widgets cost the browser, and the gap from here to a dashboard page is
the page's own content.
"""

import sys
from pathlib import Path

import altair as alt
import polars as pl
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import dashboard  # noqa: F401  # served as the dashboard is: importing it turns Nagle off (dashboard/tcp_nodelay.py)

with st.sidebar:
    st.markdown("**Filters** (apply to every page)")
    st.selectbox("City region or area", ["All areas", "Greater Manchester", "London"], key="area", bind="query-params")
    years = [f"{y}/{str(y + 1)[2:]}" for y in range(2013, 2025)]
    st.select_slider("Financial years", options=years, value=(years[0], years[-1]), key="years", bind="query-params")
    with st.popover("Copy link to this view", icon=":material/link:", width="stretch"):
        st.code("http://127.0.0.1/", language=None)
    st.page_link("https://www.gov.uk/", label="GOV.UK")

st.title("Floor with the shared filters")
frame = pl.DataFrame({"x": list(range(12)), "y": [3, 5, 2, 8, 7, 9, 4, 6, 5, 8, 9, 10]})
st.altair_chart(alt.Chart(frame).mark_bar().encode(x="x:O", y="y:Q"), alt="A bar chart of twelve numbers")
