"""Time from navigation to the first chart painted in Chromium, per page, against a one-chart floor (a script).

    python benchmarks/browser.py [--warehouse data/bench/warehouse-bench.duckdb] [--repeat 5]

Starts two servers on free ports in this run on this machine: benchmarks/floor_app.py (a bare page with
one Altair chart) and the dashboard on the given warehouse; drives Debian's Chromium with Playwright
(new context per load, so nothing is cached between loads) and prints each page's median time to its
first painted chart and the ratio to the floor. Target: <= 1.5x.

The time is taken inside the page, on the browser's own clock: `performance.now()` (zero at navigation
start) in the first task after the first animation frame that follows the chart's element being attached.
Polling from Playwright instead over-reported the map page by up to 3 s: deck.gl's software-WebGL start-up
(no GPU under --disable-gpu) kept the page's main thread busy after the chart had been painted, so the poll
answered late. Each page also reports the element that counted as its first chart.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PAGE_PATHS, VIEWPORT, Server  # noqa: E402

#: The first chart: a Vega canvas/SVG or a deck.gl canvas. Two pages open on something else: the overview
#: on headline cards (a rendered metric counts) and Data and method on its sources table.
CHART_SELECTORS = [
    '[data-testid="stVegaLiteChart"] canvas',
    '[data-testid="stVegaLiteChart"] svg',
    '[data-testid="stDeckGlJsonChart"] canvas',
    '[data-testid="stMetricValue"]',
    '[data-testid="stDataFrame"] canvas',
]
CHART = ", ".join(CHART_SELECTORS)

#: Installed before any page script runs: note when the first chart element appears, then when the
#: browser next gets to run a task after painting a frame with it.
PROBE = (
    "const __chartSelectors = "
    + json.dumps(CHART_SELECTORS)
    + ";\n"
    + """
window.__firstChart = null;
(() => {
  const selectors = __chartSelectors;
  const observer = new MutationObserver(() => {
    const hit = selectors.find((s) => document.querySelector(s));
    if (!hit) return;
    observer.disconnect();
    const attached = performance.now();
    requestAnimationFrame(() => setTimeout(() => {
      window.__firstChart = {attached, painted: performance.now(), selector: hit};
    }, 0));
  });
  observer.observe(document, {subtree: true, childList: true});
})();
"""
)


def time_to_chart(browser, url: str) -> tuple[float, str]:
    """Seconds from navigation start to the first chart painted, and the selector that matched."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        tab = context.new_page()
        tab.add_init_script(PROBE)
        tab.goto(url, wait_until="commit")
        tab.wait_for_function("window.__firstChart !== null", timeout=120_000, polling=100)
        probe = tab.evaluate("window.__firstChart")
        return probe["painted"] / 1000, probe["selector"]
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
            floor_times = [time_to_chart(browser, floor.url)[0] for _ in range(args.repeat)]
            base = statistics.median(floor_times)
            print(f"{'page':14s} {'median':>9s} {'x floor':>8s}  first chart")
            print(f"{'floor':14s} {base * 1000:7.0f} ms {1.0:7.2f}x")
            for name, path in PAGE_PATHS.items():
                loads = [time_to_chart(browser, f"{app.url}/{path}") for _ in range(args.repeat)]
                median = statistics.median(t for t, _ in loads)
                flag = "" if median / base <= 1.5 else "  (over 1.5x)"
                first = loads[-1][1].split('"')[1]
                print(f"{name:14s} {median * 1000:7.0f} ms {median / base:7.2f}x  {first}{flag}")
            browser.close()
    finally:
        floor.stop()
        app.stop()


if __name__ == "__main__":
    main()
