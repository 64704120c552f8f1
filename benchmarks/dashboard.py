"""Server-side page timings on a large warehouse (a script, not a test).

    python benchmarks/dashboard.py [--warehouse data/bench/warehouse-bench.duckdb] [--repeat 5]

For every page, with Streamlit's AppTest in this process (the connection cache warm, as on a
running server): the median time of the page's first render in a new session, and of a filter
change (switching the area to a combined authority and back). Build the 10-million-row
warehouse first with `python benchmarks/build.py`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

APP = str(ROOT / "dashboard" / "app.py")
PAGES = {
    "Overview": None,
    "SME spend by department": "views/sme_spend.py",
    "Digital Marketplace uptake": "views/marketplace.py",
    "Ministers and digital": "views/ministers.py",
    "Contracts Finder and Find a Tender": "views/notices.py",
    "Data and method": "views/data.py",
}
TARGET_FIRST, TARGET_CHANGE = 1.0, 0.3


def first_render(page: str | None) -> tuple[float, AppTest]:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()  # the entrypoint and the default page: the session exists
    if page is None:
        start = time.perf_counter()
        at.run()
        return time.perf_counter() - start, at
    at.switch_page(page)
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    return elapsed, at


def filter_change(at: AppTest, area: str) -> float:
    at.selectbox(key="area").set_value(area)
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", default=str(ROOT / "data" / "bench" / "warehouse-bench.duckdb"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--area", default="Greater Manchester", help="the area a filter change selects")
    args = parser.parse_args()
    if not Path(args.warehouse).exists():
        sys.exit(f"{args.warehouse} not found: run `python benchmarks/build.py` first")
    os.environ["PROCUREMENT_WAREHOUSE"] = args.warehouse
    first_render(None)  # warm the process: imports, connection
    print(f"warehouse: {args.warehouse} ({Path(args.warehouse).stat().st_size / 1e6:.0f} MB), repeat {args.repeat}")
    print(f"{'page':30s} {'first render':>14s} {'filter change':>14s}")
    for title, page in PAGES.items():
        firsts, changes = [], []
        for i in range(args.repeat):
            elapsed, at = first_render(page)
            firsts.append(elapsed)
            changes.append(filter_change(at, args.area if i % 2 == 0 else "All areas (UK-wide)"))
        f, c = statistics.median(firsts), statistics.median(changes)
        flag = "" if f < TARGET_FIRST and c < TARGET_CHANGE else "  (over target)"
        print(f"{title:30s} {f * 1000:11.0f} ms {c * 1000:11.0f} ms{flag}")
    print(f"targets: first render < {TARGET_FIRST * 1000:.0f} ms, filter change < {TARGET_CHANGE * 1000:.0f} ms")


if __name__ == "__main__":
    main()
