"""The floor for benchmarks/browser.py: a bare Streamlit page with one small Altair chart."""

import altair as alt
import polars as pl
import streamlit as st

st.title("Floor")
frame = pl.DataFrame({"x": list(range(12)), "y": [3, 5, 2, 8, 7, 9, 4, 6, 5, 8, 9, 10]})
st.altair_chart(alt.Chart(frame).mark_bar().encode(x="x:O", y="y:Q"), alt="A bar chart of twelve numbers")
