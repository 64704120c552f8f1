"""When the warehouse cannot be read: the first-start build when there is none, and the message when it is bad.

A warehouse that exists but cannot be used (see `db.WarehouseProblem`) is never rebuilt by the app: the page
says what is wrong, with which file, and the command that rebuilds it. Each run checks again, so the page
recovers by itself once the file is fixed.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

import streamlit as st

from dashboard.db import WarehouseProblem
from dashboard.format import plain


def ensure_warehouse(path: Path) -> None:
    """Build `path` from the sample (once, whatever the number of sessions) if it does not exist."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with st.status(
        "No warehouse yet: building it from the built-in sample data (about a minute)...", expanded=True
    ) as status:
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another session may be building it right now
            try:
                if not path.exists():
                    from pipelines.warehouse.build import build

                    def progress(event: str, detail: dict) -> None:
                        if event == "file":
                            status.write(f"Reading {Path(detail['path']).name} ({detail['index']}/{detail['total']})")
                        elif event == "model":
                            status.write("Resolving buyers and building tables")
                        elif event == "write":
                            status.write("Writing and checking the warehouse")

                    build(None, path, progress=progress)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        status.update(label="Warehouse built from the sample data.", state="complete", expanded=False)


def show_problem(problem: WarehouseProblem) -> None:
    """One clear message for a warehouse that exists but cannot be used: what, which file, what rebuilds it."""
    st.title("The warehouse cannot be read")
    st.error(
        f"**{plain(str(problem.path))}** cannot be used: {plain(problem.what)}. "
        "No page can be shown until it is replaced; this page tries again each time it is opened or refreshed.",
        icon=":material/error:",
    )
    st.caption("Rebuild it from the repository folder (the previous file is replaced only once the new one is checked):")
    st.code(problem.command, language="bash")
