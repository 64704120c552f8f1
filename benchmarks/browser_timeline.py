"""Where a page's time to its first chart goes, in Chromium: server frames, JavaScript chunks, attach and paint.

    python benchmarks/browser_timeline.py [--warehouse data/bench/warehouse-bench.duckdb] [--repeat 3]
                                          [--pages contracts marketplace ...]

A companion to benchmarks/browser.py (same servers, probe and Chromium flags). For the floor and each page it
loads the page in a new browser context `--repeat` times and prints the last load's timeline, all in ms from
navigation start:

- frames: the first and last websocket frame from the server, their count and bytes (the script's run);
- chunks: how many JavaScript files were fetched, when the last finished, and the largest three (name, size);
- attached / painted: when the first chart's element appeared, and the first task after the next frame.

A long gap between the last frame (or the chart's own chunk) and `attached` is browser work on the rest of
the page, not the server.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.browser import PROBE, STOPPED  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PAGE_PATHS, VIEWPORT, Server  # noqa: E402

RESOURCES = (
    "performance.getEntriesByType('resource').filter(e => e.name.endsWith('.js'))"
    ".map(e => [e.name.split('/').pop(), Math.round(e.responseEnd), e.transferSize || e.encodedBodySize])"
)


def timeline(browser, url: str) -> dict:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        tab = context.new_page()
        tab.add_init_script(PROBE)
        frames: list[tuple[float, int]] = []
        tab.on("websocket", lambda ws: ws.on("framereceived", lambda p: frames.append((time.perf_counter(), len(p)))))
        started = time.perf_counter()
        tab.goto(url, wait_until="commit")
        tab.wait_for_function(f"window.__firstChart !== null || !!document.querySelector({STOPPED!r})", timeout=120_000)
        probe = tab.evaluate("window.__firstChart")
        if probe is None:  # an error page: a stale warehouse (rebuild it) or a page that raised
            raise SystemExit(f"{url} shows no chart, but an error: rebuild the warehouse or see the server log")
        chunks = tab.evaluate(RESOURCES)
        # Frame times are on Python's clock from just before navigation; the probe's are on the page's clock
        # from navigation start. The offset between the two is a few ms (the goto call), small beside the gaps.
        at = [round((t - started) * 1000) for t, _ in frames]
        return {
            "frames": (at[0], at[-1], len(frames), sum(n for _, n in frames)) if frames else None,
            "chunks": (len(chunks), max((c[1] for c in chunks), default=0), sorted(chunks, key=lambda c: -c[2])[:3]),
            "attached": round(probe["attached"]),
            "painted": round(probe["painted"]),
            "selector": probe["selector"].split('"')[1],
        }
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", default=str(ROOT / "data" / "bench" / "warehouse-bench.duckdb"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", nargs="*", default=list(PAGE_PATHS), help="default: every page")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    logs = Path(tempfile.mkdtemp(prefix="bench-timeline-"))
    floor = Server(Path(args.warehouse), logs / "floor.log", script="benchmarks/floor_app.py")
    app = Server(Path(args.warehouse), logs / "app.log", script="dashboard/server.py")
    try:
        targets = {"floor": floor.url, **{name: f"{app.url}/{PAGE_PATHS[name]}" for name in args.pages}}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for name, url in targets.items():
                for _ in range(args.repeat):
                    got = timeline(browser, url)
                first, last, n, size = got["frames"] or (0, 0, 0, 0)
                count, chunks_end, largest = got["chunks"]
                big = ", ".join(f"{c[0]} {c[2] / 1e6:.2f} MB" for c in largest)
                print(
                    f"{name:12s} frames {first}-{last} ms ({n}, {size / 1000:.0f} kB); {count} chunks, last at "
                    f"{chunks_end} ms ({big}); {got['selector']} attached {got['attached']} ms, painted "
                    f"{got['painted']} ms",
                    flush=True,
                )
            browser.close()
    finally:
        floor.stop()
        app.stop()


if __name__ == "__main__":
    main()
