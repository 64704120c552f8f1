"""The Streamlit dashboard: pages over the read-only warehouse built by `pipelines`.

Heavy libraries are imported here, once, before any page runs. Streamlit runs each session's
script in its own thread, and Altair (through narwhals) checks `sys.modules` for pandas; a second
session starting while the first is still importing pandas would see the half-initialised module
("partially initialized module 'pandas' has no attribute 'Timestamp'"). Importing the package
takes Python's import lock, so every session waits here until these are complete.
"""

import altair  # noqa: F401
import pandas  # noqa: F401
import pyarrow  # noqa: F401
import pydeck  # noqa: F401
