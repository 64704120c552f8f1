"""How many people one server holds: K simulated sessions against the dashboard and a floor app (a script).

    python benchmarks/concurrency.py [--warehouse PATH] [--seconds 20] [--k 1 5 10 20] [--via websocket|agent]
                                     [--proxy] [--first-start]

Each session opens the app, then for `--seconds` switches pages and filters at random, one page run at a time.
`--via websocket` (the default) drives it as a browser tab does, over Streamlit's websocket with its protobuf
messages (benchmarks/websocket_session.py); `--via agent` over the agent API (HTTP), as the rebuild drill does,
which also makes the server describe every element for the agent and so costs the server more per run than a
viewer does. The script reports per-run latency (median, p95) and runs per second for each K, for the dashboard
and, in the same run on the same machine and through the same driver, for the floor (benchmarks/floor_app.py: a
bare page with one chart, rerun the same way), and their ratios. Targets (issue 13): at K = 20 the dashboard's p95
within 2x of the floor's, and its runs per second at least 0.5x the floor's. Each server's resident memory after
each K is reported too (rss_mb_after), so a change that trades memory for speed shows what it costs.

--proxy also serves the dashboard through scripts/serve (Caddy, sticky sessions) with 1 and then 2 replicas and
reports runs per second at K = 20 for each. --first-start times scripts/run from no warehouse (dependencies
installed) to the first chart painted in Chromium.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import free_port, free_ports_in_a_row, wait_until_healthy  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from websocket_session import RunFailed, WebsocketSession  # noqa: E402
from websockets.exceptions import WebSocketException  # noqa: E402

PAGES = ["", "sme-spend", "marketplace", "ministers", "contracts", "data"]
AREAS = ["All areas (UK-wide)", "Greater Manchester", "North West", "Greater London Authority"]


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def fail(self, reason: str) -> None:
        with self.lock:
            self.failures.append(reason)


class Served:
    """A Streamlit script on a free loopback port with the agent API on, stopped by process group."""

    def __init__(self, script: str, warehouse: Path | None) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        env = {**os.environ, **({"PROCUREMENT_WAREHOUSE": str(warehouse)} if warehouse else {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
             "--server.port", self.url.rsplit(":", 1)[1], "--server.address", "127.0.0.1",
             "--server.enableAgentApi", "true", "--browser.gatherUsageStats", "false"],  # fmt: skip
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        wait_until_healthy(self.url, self.proc)

    def rss_mb(self) -> float | None:
        """The server's resident memory now, in MB (Linux: /proc), or None where it cannot be read."""
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), None)
        return round(kb / 1024, 1) if kb is not None else None

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def next_step(rng: random.Random, page: str, dashboard: bool) -> tuple[str | None, str | None]:
    """What a session does next: (page to open or None to stay, area to pick or None to keep)."""
    if not dashboard:
        return "", None  # a rerun of the floor's one page
    if rng.random() < 0.6 or page == "data":  # the data page has no area picker
        return rng.choice(PAGES), None
    return None, rng.choice(AREAS)


def agent_session(url: str, seed: int, until: float, dashboard: bool, out: Run) -> None:
    rng = random.Random(seed)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def interact(body: dict) -> dict:
        request = urllib.request.Request(
            f"{url}/_stcore/agent/interact",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with opener.open(request, timeout=300) as response:
            return json.loads(response.read())

    try:
        sid = interact({})["session_id"]
    except OSError as exc:
        out.fail(f"could not start: {exc}")
        return
    page = ""
    while time.monotonic() < until:
        to_page, area = next_step(rng, page, dashboard)
        body: dict = {"session_id": sid}
        if to_page is not None:
            page = body["page"] = to_page
        if area is not None:
            body["widget_state"] = {"area": area}
        started = time.perf_counter()
        try:
            snap = interact(body)
        except OSError as exc:
            snap = {"status": str(exc)}
        if snap.get("status") == "ready":
            out.ok(time.perf_counter() - started)
        else:
            out.fail(str(snap.get("status")))


def websocket_session(url: str, seed: int, until: float, dashboard: bool, out: Run) -> None:
    rng = random.Random(seed)
    try:
        viewer = WebsocketSession(url)
        viewer.run(page="")  # the tab opening the app's home page, as a browser's first message does
    except (OSError, WebSocketException, RunFailed) as exc:
        out.fail(f"could not start: {exc}")
        return
    page = ""
    try:
        while time.monotonic() < until:
            to_page, area = next_step(rng, page, dashboard)
            page = page if to_page is None else to_page
            try:
                out.ok(viewer.run(page=to_page, area=area))
            except RunFailed as exc:
                out.fail(str(exc))
    except (OSError, WebSocketException) as exc:
        out.fail(f"connection lost: {exc}")
    finally:
        viewer.close()


SESSIONS = {"websocket": websocket_session, "agent": agent_session}


def measure(url: str, k: int, seconds: float, dashboard: bool, via: str) -> dict:
    out = Run()
    start = time.monotonic()
    until = start + seconds
    threads = [threading.Thread(target=SESSIONS[via], args=(url, i, until, dashboard, out)) for i in range(k)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - start
    lat = sorted(out.latencies)
    return {
        "runs": len(lat),
        "failures": len(out.failures),
        "median_s": round(statistics.median(lat), 3) if lat else None,
        "p95_s": round(statistics.quantiles(lat, n=20)[18], 3)
        if len(lat) >= 20
        else (round(lat[-1], 3) if lat else None),
        "runs_per_s": round(len(lat) / took, 2),
        **({"first_failures": sorted(set(out.failures))[:3]} if out.failures else {}),
    }


def through_proxy(warehouse: Path | None, replicas: int, seconds: float, via: str) -> dict:
    port, first = free_port(), free_ports_in_a_row(replicas)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    env = {**os.environ, **({"PROCUREMENT_WAREHOUSE": str(warehouse)} if warehouse else {})}
    proc = subprocess.Popen(
        [sys.executable, "scripts/serve_replicas.py", "--replicas", str(replicas), "--port", str(port),
         "--first-replica-port", str(first), "--log-dir", str(log_dir), "--",
         "--server.enableAgentApi", "true", "--browser.gatherUsageStats", "false"],  # fmt: skip
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, proc, timeout=180)
        return measure(url, 20, seconds, dashboard=True, via=via)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def first_start() -> dict:
    """scripts/run with no warehouse (a fresh path) to the first chart in Chromium."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    warehouse = Path(tempfile.mkdtemp(prefix="bench-first-")) / "warehouse.duckdb"
    port = free_port()
    started = time.monotonic()
    proc = subprocess.Popen(
        ["scripts/run", "--server.port", str(port)], cwd=ROOT, env={**os.environ, "PROCUREMENT_WAREHOUSE": str(warehouse)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", proc, timeout=600)
        healthy = time.monotonic() - started
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            tab = browser.new_page()
            tab.goto(f"http://127.0.0.1:{port}/marketplace")
            tab.wait_for_selector(
                '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg', timeout=300_000
            )
            chart = time.monotonic() - started
            browser.close()
        return {"server_healthy_s": round(healthy, 1), "first_chart_s": round(chart, 1)}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=None, help="default: the app's (data/warehouse.duckdb)")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--k", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--via", choices=sorted(SESSIONS), default="websocket", help="how sessions are driven")
    parser.add_argument("--proxy", action="store_true")
    parser.add_argument("--first-start", action="store_true")
    args = parser.parse_args()
    report: dict = {"cpus": os.cpu_count(), "seconds": args.seconds, "via": args.via, "by_k": {}}
    # the dashboard as scripts/run serves it (dashboard/server.py: the pages and their feeds)
    floor, app = Served("benchmarks/floor_app.py", None), Served("dashboard/server.py", args.warehouse)
    try:
        for k in args.k:
            f = measure(floor.url, k, args.seconds, dashboard=False, via=args.via) | {"rss_mb_after": floor.rss_mb()}
            d = measure(app.url, k, args.seconds, dashboard=True, via=args.via) | {"rss_mb_after": app.rss_mb()}
            ratio = {
                "p95_vs_floor": round(d["p95_s"] / f["p95_s"], 2) if d["p95_s"] and f["p95_s"] else None,
                "runs_per_s_vs_floor": round(d["runs_per_s"] / f["runs_per_s"], 2) if f["runs_per_s"] else None,
            }
            report["by_k"][k] = {"floor": f, "dashboard": d, **ratio}
            print(json.dumps({"k": k, **report["by_k"][k]}), flush=True)
    finally:
        floor.stop()
        app.stop()
    if args.proxy:
        one = through_proxy(args.warehouse, 1, args.seconds, args.via)
        two = through_proxy(args.warehouse, 2, args.seconds, args.via)
        report["proxy_k20"] = {"replicas_1": one, "replicas_2": two,
                               "runs_per_s_2_vs_1": round(two["runs_per_s"] / one["runs_per_s"], 2) if one["runs_per_s"] else None}  # fmt: skip
        print(json.dumps(report["proxy_k20"]), flush=True)
    if args.first_start:
        report["first_start"] = first_start()
        print(json.dumps(report["first_start"]), flush=True)
    out = ROOT / "artifacts" / "concurrency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
