"""No Python callback runs inside Polars on the page path (issue 13).

`map_elements`, `map_batches`, `map_rows`, `map_groups` and `apply` call Python back from Polars' thread pool.
With many sessions that deadlocked against the GIL (a session thread holding the GIL waits for the pool, a pool
thread waits for the GIL), which is why a global page lock once serialised every page run. Format in Python over
`to_list()`, in SQL, or in the Vega-Lite spec instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
CALLBACKS = {"map_elements", "map_batches", "map_rows", "map_groups", "apply"}


def callbacks_in(source: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CALLBACKS
    ]


def test_no_python_callback_inside_polars_under_dashboard() -> None:
    found = [
        f"{path.relative_to(DASHBOARD.parent)}:{line}"
        for path in sorted(DASHBOARD.rglob("*.py"))
        for line in callbacks_in(path.read_text())
    ]
    assert found == [], found


def test_the_check_sees_a_callback() -> None:
    assert callbacks_in("import polars as pl\npl.col('x').map_elements(str)\nframe.apply(f)\n") == [2, 3]
