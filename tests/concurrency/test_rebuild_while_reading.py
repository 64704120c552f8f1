"""Rebuild while people are reading: 20 live sessions against the real server while the warehouse is rebuilt 5 times.

The sessions drive the app through Streamlit's agent API (`POST /_stcore/agent/interact`, switched on for this
test server only): the same rerun path as a browser, but light enough for 20 concurrent sessions on two cores.
They keep switching pages and filters for a bounded time while the pipeline rebuilds the warehouse five times
in a row, with the data changing between builds. Pass: no failed page load, no Python exception in the server
log, and after the last build every session shows the newest figures without a restart. Latency is reported.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dashboard.format import money
from tests.browser.conftest import ROOT, free_port, wait_until_healthy
from tests.dashboard.conftest import as_read, independent

pytestmark = pytest.mark.slow

SESSIONS = 20
REBUILDS = 5
SESSION_SECONDS = float(os.environ.get("REBUILD_DRILL_SECONDS", "60"))
PAGES = ["", "sme-spend", "marketplace", "ministers", "contracts", "data"]
AREAS = [
    "All areas (UK-wide)",
    "Greater Manchester",
    "West Midlands (combined authority)",
    "North West",
    "Greater London Authority",
]
REPORT = ROOT / "artifacts" / "rebuild_drill.json"


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    during_rebuild: list[float] = field(default_factory=list)


class AgentServer:
    """`streamlit run` with the agent API on, on a free loopback port; stopped by process group."""

    def __init__(self, warehouse: Path, log: Path):
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log_path = log
        self._log = open(log, "w")
        port = self.url.rsplit(":", 1)[1]
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard/app.py",
                "--server.headless",
                "true",
                "--server.port",
                port,
                "--server.address",
                "127.0.0.1",
                "--server.enableAgentApi",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],  # fmt: skip
            cwd=ROOT,
            env={**os.environ, "PROCUREMENT_WAREHOUSE": str(warehouse)},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_healthy(self.url, self.proc)

    def interact(self, body: dict, timeout: float = 120) -> dict:
        request = urllib.request.Request(
            f"{self.url}/_stcore/agent/interact",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def stop(self) -> str:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()
        return self.log_path.read_text(errors="replace")


def texts(node: dict) -> list[str]:
    """Every text body in a snapshot tree, as a reader sees it (safe_text's character references decoded)."""
    out = []
    props = node.get("props") or {}
    for key in ("body", "value", "label"):
        if isinstance(props.get(key), str):
            out.append(as_read(props[key]))
    for child in node.get("children") or []:
        out.extend(texts(child))
    return out


def session_worker(
    server: AgentServer, seed: int, stop: threading.Event, rebuilding: threading.Event, out: Outcome, ids: list
) -> None:
    rng = random.Random(seed)
    try:
        snap = server.interact({})
    except (OSError, urllib.error.URLError) as exc:
        out.failures.append(f"session {seed}: could not start: {exc}")
        return
    sid = snap["session_id"]
    ids.append(sid)
    while not stop.is_set():
        choice = rng.random()
        if choice < 0.5:
            body = {"session_id": sid, "page": rng.choice(PAGES)}
        elif choice < 0.85:
            body = {"session_id": sid, "widget_state": {"area": rng.choice(AREAS)}}
        else:
            body = {
                "session_id": sid,
                "widget_state": {"years": sorted(rng.sample(["2014/15", "2016/17", "2019/20", "2025/26"], 2))},
            }
        started = time.perf_counter()
        try:
            snap = server.interact(body)
            elapsed = time.perf_counter() - started
            out.latencies.append(elapsed)
            if rebuilding.is_set():
                out.during_rebuild.append(elapsed)
            if snap.get("status") != "ready":
                out.failures.append(
                    f"session {seed}: {body} -> status {snap.get('status')}: {texts(snap['tree'])[-3:]}"
                )
        except urllib.error.HTTPError as exc:
            out.failures.append(f"session {seed}: {body} -> HTTP {exc.code}: {exc.read()[:300]!r}")
        except (OSError, urllib.error.URLError, json.JSONDecodeError) as exc:
            out.failures.append(f"session {seed}: {body} -> {type(exc).__name__}: {exc}")


def add_spend(raw: Path, k: int) -> None:
    """Data that changes between builds: Manchester buys another £1m in June 2025 (2025/26 is a complete year).

    Appended to the large G-Cloud file itself, as a publisher's corrected re-release would be.
    """
    path = raw / "digital-marketplace" / "g-cloud-spend-2015-2026-SAMPLE.csv"
    with open(path, "ab") as fh:
        fh.write(
            f"2025/26,June,G-Cloud 13,Cloud software,Rebuild Drill {k} Ltd,SME,Manchester City Council,"
            "Local Government,1000000.00,Drill\r\n".encode()
        )


def test_twenty_sessions_through_five_rebuilds(sample_raw: Path, tmp_path: Path) -> None:
    from pipelines.warehouse.build import build

    raw = tmp_path / "raw"
    shutil.copytree(sample_raw, raw)
    warehouse = tmp_path / "warehouse.duckdb"
    build(raw, warehouse)
    server = AgentServer(warehouse, tmp_path / "streamlit.log")
    out = Outcome()
    ids: list[str] = []
    stop, rebuilding = threading.Event(), threading.Event()
    workers = [
        threading.Thread(target=session_worker, args=(server, i, stop, rebuilding, out, ids), daemon=True)
        for i in range(SESSIONS)
    ]
    build_times = []
    log = ""
    try:
        for worker in workers:
            worker.start()
        started = time.monotonic()
        time.sleep(3)
        rebuilding.set()
        for k in range(1, REBUILDS + 1):
            add_spend(raw, k)
            t0 = time.perf_counter()
            build(raw, warehouse)
            build_times.append(time.perf_counter() - t0)
        rebuilding.clear()
        time.sleep(max(0.0, SESSION_SECONDS - (time.monotonic() - started)))
        stop.set()
        for worker in workers:
            worker.join(timeout=180)
        # After the last build, every session shows the newest figures (no restart).
        year = independent(
            warehouse,
            """SELECT financial_year FROM mart_marketplace_monthly WHERE area_level='national'
               GROUP BY 1 HAVING count(DISTINCT month) = 12 ORDER BY 1 DESC LIMIT 1""",
        ).item()
        newest = independent(
            warehouse,
            "SELECT spend FROM mart_marketplace_yearly WHERE area_level='national' AND financial_year=$y",
            y=year,
        ).item()
        years = independent(warehouse, open(ROOT / "dashboard" / "queries" / "financial_years.sql").read())
        every_year = [years["financial_year"][0], years["financial_year"][-1]]
        stale = []
        for sid in ids:
            server.interact({"session_id": sid, "widget_state": {"area": "All areas (UK-wide)", "years": every_year}})
            snap = server.interact({"session_id": sid, "page": ""})
            shown = " ".join(texts(snap["tree"]))
            if f"spent {money(newest)} through the Digital Marketplace in {year}" not in shown:
                stale.append(sid)
    finally:
        stop.set()
        log = server.stop()
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.with_suffix(".log").write_text(log)
    summary = {
        "sessions": SESSIONS,
        "rebuilds": REBUILDS,
        "build_seconds": [round(b, 1) for b in build_times],
        "requests": len(out.latencies),
        "failed": len(out.failures),
        "latency_median_s": round(statistics.median(out.latencies), 3) if out.latencies else None,
        "latency_p95_s": round(statistics.quantiles(out.latencies, n=20)[18], 3) if len(out.latencies) >= 20 else None,
        "during_rebuild_median_s": round(statistics.median(out.during_rebuild), 3) if out.during_rebuild else None,
        "during_rebuild_p95_s": (
            round(statistics.quantiles(out.during_rebuild, n=20)[18], 3) if len(out.during_rebuild) >= 20 else None
        ),
        "stale_sessions_after_last_build": len(stale),
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    assert out.failures == [], out.failures[:5]
    assert "Traceback" not in log and "Exception" not in log, log[-3000:]
    assert len(ids) == SESSIONS
    assert stale == []
    assert len(out.latencies) > SESSIONS
