"""First start: build the warehouse from the built-in sample when there is none, visibly."""

from __future__ import annotations

import fcntl
from pathlib import Path

import streamlit as st

from dashboard.safe_text import md


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
                            name, index, total = Path(detail["path"]).name, detail["index"], detail["total"]
                            status.write(md("Reading {name} ({index}/{total})", name=name, index=index, total=total))
                        elif event == "model":
                            status.write("Resolving buyers and building tables")
                        elif event == "write":
                            status.write("Writing and checking the warehouse")

                    build(None, path, progress=progress)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        status.update(label="Warehouse built from the sample data.", state="complete", expanded=False)
