"""Time from navigation to the first chart in Chromium, per page, against a one-chart floor (a script).

    python benchmarks/browser.py [--warehouse data/bench/warehouse-bench.duckdb] [--repeat 5]

Starts two servers on free ports in this run on this machine: benchmarks/floor_app.py (a bare page with
one Altair chart) and the dashboard on the given warehouse; drives Debian's Chromium with Playwright
(new context per load, so nothing is cached between loads) and prints each page's median time to its
first rendered chart (Vega canvas/SVG or deck.gl canvas) and the ratio to the floor. Target: <= 1.5x.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PAGE_PATHS, VIEWPORT, Server  # noqa: E402

#: The first chart (Vega canvas/SVG or deck.gl canvas). Two pages open on something else: the overview
#: on headline cards (a rendered metric counts) and Data and method on its sources table.
CHART = (
    '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg, '
    '[data-testid="stDeckGlJsonChart"] canvas, [data-testid="stMetricValue"], [data-testid="stDataFrame"] canvas'
)


def time_to_chart(browser, url: str) -> float:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        tab = context.new_page()
        start = time.perf_counter()
        tab.goto(url, wait_until="commit")
        tab.wait_for_selector(CHART, state="attached", timeout=120_000)
        return time.perf_counter() - start
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", default=str(ROOT / "data" / "bench" / "warehouse-bench.duckdb"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    floor = Server(Path(args.warehouse), Path("/tmp/floor-streamlit.log"), script="benchmarks/floor_app.py")
    app = Server(Path(args.warehouse), Path("/tmp/app-streamlit.log"))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            time_to_chart(browser, floor.url)  # warm both servers once
            for path in PAGE_PATHS.values():
                time_to_chart(browser, f"{app.url}/{path}")
            floor_times = [time_to_chart(browser, floor.url) for _ in range(args.repeat)]
            base = statistics.median(floor_times)
            print(f"{'page':14s} {'median':>9s} {'x floor':>8s}")
            print(f"{'floor':14s} {base * 1000:7.0f} ms {1.0:7.2f}x")
            for name, path in PAGE_PATHS.items():
                times = [time_to_chart(browser, f"{app.url}/{path}") for _ in range(args.repeat)]
                median = statistics.median(times)
                flag = "" if median / base <= 1.5 else "  (over 1.5x)"
                print(f"{name:14s} {median * 1000:7.0f} ms {median / base:7.2f}x{flag}")
            browser.close()
    finally:
        floor.stop()
        app.stop()


if __name__ == "__main__":
    main()
