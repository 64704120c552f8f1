"""The floor for benchmarks/browser.py and concurrency.py: a bare Streamlit page with one small Altair chart, served
as the dashboard is (the same .streamlit/config.toml, Nagle off on its sockets)."""

import sys
from pathlib import Path

import altair as alt
import polars as pl
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import dashboard  # noqa: F401  # served as the dashboard is: importing it turns Nagle off (dashboard/tcp_nodelay.py)

st.title("Floor")
frame = pl.DataFrame({"x": list(range(12)), "y": [3, 5, 2, 8, 7, 9, 4, 6, 5, 8, 9, 10]})
st.altair_chart(alt.Chart(frame).mark_bar().encode(x="x:O", y="y:Q"), alt="A bar chart of twelve numbers")
