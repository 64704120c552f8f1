"""What a page shows when the warehouse cannot be read yet, and the first-start build the app may run itself.

`scripts/run` builds the warehouse in the terminal before it starts the server, so the app normally finds one.
If it does not (the server was started some other way), the app builds it as a fallback:

- in one thread of the server process, not in any visitor's session: closing the tab that saw it start does
  not stop it, and every visitor meanwhile follows the same build's progress (a fragment re-reads it each
  second);
- with `build(if_missing=True, wait=True)`: under the output's build lock (after any other build of it), and
  swapped in only if nothing is at the path at that moment. It never replaces a warehouse that exists.

A warehouse that exists but cannot be used (see `db.WarehouseProblem`) is never rebuilt by the app: the page
says what is wrong, with which file, and the command that rebuilds it. Each run checks again, so the page
recovers by itself once the file is fixed.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from dashboard.db import WarehouseProblem
from dashboard.safe_text import md

#: Share of the progress bar each stage ends at (reading files is most of a sample build).
STAGE_END = {"reading": 0.6, "model": 0.8, "write": 0.98}


def run_build(path: Path, progress: Callable[[str, dict], None]) -> None:
    """The fallback build itself: data/raw, or the built-in sample when that holds no data files."""
    from pipelines.warehouse.build import build

    build(None, path, if_missing=True, wait=True, progress=progress)


@dataclass
class FirstBuild:
    """One first-start build running in this process, as every session sees it."""

    path: Path
    started: float = field(default_factory=time.monotonic)
    state: str = "running"  # running | done | exists (someone else's warehouse arrived first) | failed
    step: str = "Starting the build"
    fraction: float = 0.0
    error: str = ""

    def on_event(self, event: str, detail: dict) -> None:
        if event == "waiting":
            self.step = f"Waiting for another build of this warehouse to finish ({detail['holder']})"
        elif event == "start":
            kind = "the built-in sample data" if detail["is_sample"] else f"the files in {detail['raw_dir']}"
            self.step = f"Reading {detail['files']} files from {kind}"
        elif event == "file":
            self.step = f"Reading {Path(detail['path']).name} ({detail['index']} of {detail['total']})"
            self.fraction = STAGE_END["reading"] * (detail["index"] - 1) / max(detail["total"], 1)
        elif event == "model":
            self.step, self.fraction = "Resolving buyers and building tables", STAGE_END["reading"]
        elif event == "write":
            self.step, self.fraction = "Writing and checking the warehouse", STAGE_END["model"]

    def run(self) -> None:
        from pipelines.warehouse.build import BuildError, WarehouseExistsError

        try:
            run_build(self.path, self.on_event)
            self.state, self.fraction = "done", 1.0
        except WarehouseExistsError:
            self.state = "exists"
        except BuildError as exc:
            self.error, self.state = str(exc), "failed"
        except Exception as exc:  # shown to whoever looks, instead of dying unseen in a thread
            self.error, self.state = f"{type(exc).__name__}: {exc}", "failed"

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started


_builds: dict[Path, FirstBuild] = {}
_builds_lock = threading.Lock()


def first_build(path: Path, *, again: bool = False) -> FirstBuild:
    """The first-start build of `path` in this process, started now if there is no warehouse and no build is
    running (or `again`, after a failure). One per path whatever the number of sessions; its thread belongs to
    no session, so it outlives the one that started it."""
    with _builds_lock:
        current = _builds.get(path)
        finished = current is not None and current.state in ("done", "exists")
        if current is None or (finished and not os.path.lexists(path)) or (again and current.state == "failed"):
            current = _builds[path] = FirstBuild(path)
            threading.Thread(target=current.run, name=f"first-start build of {path}", daemon=True).start()
        return current


def current_build(path: Path) -> FirstBuild | None:
    with _builds_lock:
        return _builds.get(path)


def show_first_build(path: Path) -> None:
    """The page while there is no warehouse yet: the fallback build's progress, or why it failed."""
    st.title("Building the warehouse")
    if first_build(path).state == "failed":
        _show_failure(path)
    else:
        _progress(str(path))


@st.fragment(run_every=1.0)
def _progress(path_text: str) -> None:
    build = current_build(Path(path_text))
    if build is None or build.state != "running":
        st.rerun()  # the whole page: it opens the new warehouse, or says why the build failed
    st.info(
        "There is no warehouse yet, so the dashboard is building one from the published files in data/raw, or "
        "from the built-in sample data when there are none (about a minute). It runs in the server: closing this "
        "page does not stop it, and the dashboard opens here when it is done. (scripts/run builds it in the "
        "terminal before the server starts.)",
        icon=":material/hourglass_top:",
    )
    st.progress(min(build.fraction, 1.0), text=md("{step} ({seconds} s)", step=build.step, seconds=f"{build.seconds:.0f}"))
    st.caption(md("Warehouse: {path}", path=path_text))


def _show_failure(path: Path) -> None:
    build = first_build(path)
    st.error(md("**The warehouse could not be built**: {error}", error=build.error), icon=":material/error:")
    st.caption("Fix the cause, then build it from the repository folder (the build prints its progress):")
    st.code(WarehouseProblem(path, "").command, language="bash")
    if st.button("Try again here", key="first_build_again"):
        first_build(path, again=True)
        st.rerun()


def show_problem(problem: WarehouseProblem) -> None:
    """One clear message for a warehouse that exists but cannot be used: what, which file, what rebuilds it."""
    st.title("The warehouse cannot be read")
    st.error(
        md(
            "**{path}** cannot be used: {what}. "
            "No page can be shown until it is replaced; this page tries again each time it is opened or refreshed.",
            path=problem.path,
            what=problem.what,
        ),
        icon=":material/error:",
    )
    st.caption("Rebuild it from the repository folder (the previous file is replaced only once the new one is checked):")
    st.code(problem.command, language="bash")
