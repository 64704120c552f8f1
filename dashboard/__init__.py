"""The Streamlit dashboard: pages over the read-only warehouse built by `pipelines`.

Heavy libraries are imported here, once, before any page runs. Streamlit runs each session's
script in its own thread, and Altair (through narwhals) checks `sys.modules` for pandas; a second
session starting while the first is still importing pandas would see the half-initialised module
("partially initialized module 'pandas' has no attribute 'Timestamp'"). Importing the package
takes Python's import lock, so every session waits here until these are complete.

It also turns Nagle's algorithm off on the server's sockets, once, for the reason in dashboard/tcp_nodelay.py.
"""

import altair  # noqa: F401
import pandas  # noqa: F401
import pyarrow  # noqa: F401
import pydeck  # noqa: F401

from dashboard.tcp_nodelay import set_on_open_tcp_sockets

set_on_open_tcp_sockets()  # Streamlit's own listening socket leaves Nagle on (dashboard/tcp_nodelay.py)
