"""Real-browser fixtures: the app served by `streamlit run` on a free port, Debian's Chromium driven by Playwright.

The server is started by the fixture on a fixture warehouse and stopped by its process group,
whatever happens. Playwright launches /usr/bin/chromium by path and never downloads a browser.
Without Chromium the tests skip with a reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}
PAGE_PATHS = {
    "overview": "",
    "sme": "sme-spend",
    "marketplace": "marketplace",
    "ministers": "ministers",
    "contracts": "contracts",
    "data": "data",
}


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"Chromium not found at {CHROMIUM} (install Debian's chromium package to run browser tests)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + "; CI=true requires it")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports_in_a_row(n: int, tries: int = 50) -> int:
    """The first of `n` consecutive ports that are all free now (scripts/serve_replicas.py numbers its replicas
    up from one port; `free_port() + 1` was taken once in a run, and the replica exited 'Port ... is not
    available')."""
    for _ in range(tries):
        first = free_port()
        socks = []
        try:
            for port in range(first, first + n):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError(f"no {n} consecutive free ports found in {tries} tries")


def wait_until_healthy(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout:.0f} s")


class Server:
    def __init__(self, warehouse: Path, log: Path, script: str = "dashboard/app.py"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        env = {**os.environ, "PROCUREMENT_WAREHOUSE": str(warehouse), "PYTHONUNBUFFERED": "1"}
        self._log = open(log, "w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() takes every child with it
        )
        try:
            wait_until_healthy(self.url, self.proc)
        except BaseException:
            self.stop()
            raise

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=15)
        self._log.close()


@pytest.fixture(scope="session")
def server(fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _need_chromium()
    srv = Server(fixture_warehouse, tmp_path_factory.mktemp("server") / "streamlit.log")
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def browser(server: Server) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def context(browser) -> Iterator:
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    try:
        yield ctx
    finally:
        ctx.close()


#: Console errors Streamlit's own frontend causes and we cannot fix, each with its reason.
#: Opening a page by its URL path (e.g. /marketplace) makes the frontend probe for the server under
#: that path first (/marketplace/_stcore/health, /host-config), get a 404, and retry at the root.
KNOWN_CONSOLE_ERRORS = (("/_stcore/health", "base-path probe"), ("/_stcore/host-config", "base-path probe"))


def _record(errors: list[str], msg) -> None:
    if msg.type != "error":
        return
    where = (msg.location or {}).get("url", "")
    if any(where.endswith(suffix) and where != "" for suffix, _ in KNOWN_CONSOLE_ERRORS):
        return
    errors.append(f"{msg.text} ({where})" if where else msg.text)


def open_page(context, server: Server, page: str = "overview", query: str = "") -> tuple:
    """Open a page, wait for Streamlit to finish running it; return (playwright page, console errors)."""
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: _record(errors, msg))
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    path = PAGE_PATHS[page]
    tab.goto(f"{server.url}/{path}{('?' + query) if query else ''}", wait_until="domcontentloaded")
    wait_for_app(tab)
    return tab, errors


def wait_for_app(tab, timeout: float = 60_000) -> None:
    """Until the app has rendered its title and no script run is in progress."""
    tab.wait_for_selector("h1", timeout=timeout)
    tab.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
                 || !document.querySelector('[data-testid="stStatusWidget"]').innerText.match(/Running|Stop/)""",
        timeout=timeout,
    )
    # Charts, maps and buttons draw after the script finishes: wait until no skeleton is left and
    # every Vega chart has its canvas or SVG.
    # A rerun leaves the previous run's elements in place, marked stale, until it ends: wait until none is
    # (the status widget can show "Running" late, or not at all for a short run, so it alone is not enough).
    tab.wait_for_function(
        """() => !document.querySelector('[data-testid="stSkeleton"]')
                 && !document.querySelector('[data-stale="true"]')
                 && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                      .every(c => c.querySelector('canvas, svg'))""",
        timeout=timeout,
    )
    tab.wait_for_timeout(300)


#: The axe gate: every WCAG 2.0, 2.1 and 2.2 A and AA rule. axe runs no WCAG 2.2 rule (target-size) by default,
#: so the tags are named; and wcag22aa adds only the 2.2 AA rules, so the earlier versions' tags stay listed.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_ALLOWLIST = Path(__file__).with_name("axe_allowlist.json")


def axe_allowlist() -> dict[str, str]:
    """Rules the gate lets through, each with its reason (the list is empty, and should stay so)."""
    return {item["rule"]: item["reason"] for item in json.loads(AXE_ALLOWLIST.read_text())}


def axe_violations(tab) -> list[str]:
    """Every violation of a WCAG A/AA rule on the page as it is now, whatever its impact, and every serious or
    critical one of axe's best-practice rules (what the gate caught before it named the WCAG tags, which
    would otherwise leave best practice out); none allow-listed."""
    from axe_playwright_python.sync_playwright import Axe

    tags = [*AXE_TAGS, "best-practice"]
    results = Axe().run(tab, options={"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]})
    allowed = axe_allowlist()
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["id"] not in allowed and (set(v["tags"]) & set(AXE_TAGS) or v["impact"] in ("serious", "critical"))
    ]


def screenshot(tab, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=False)
    return path
