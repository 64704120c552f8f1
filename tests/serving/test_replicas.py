"""scripts/serve: two Streamlit replicas behind Caddy with sticky sessions (issue 13 item 3).

A page is run through the proxy with the agent API (a session driven over HTTP, no browser): its first request
opens a session on one replica, the next changes a filter in that session, which only works if the proxy sends
it to the same replica (Caddy's cookie). Each replica answers /_stcore/health; /_stcore/metrics stays inside;
the security headers are added. Skips with a reason without Caddy, except under CI=true, where it fails.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, free_port, free_ports_in_a_row
from tests.dashboard.conftest import as_read

pytestmark = pytest.mark.slow


def _need_caddy() -> None:
    if shutil.which("caddy"):
        return
    message = "Caddy not found (install Debian's caddy package to test serving behind a proxy)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + "; CI=true requires it")
    pytest.skip(message)


def texts(node: dict) -> str:
    props = node.get("props") or {}
    own = [as_read(props[k]) for k in ("body", "value", "label") if isinstance(props.get(k), str)]
    return "\n".join(own + [texts(child) for child in node.get("children") or []])


class Proxy:
    def __init__(self, warehouse: Path, log_dir: Path) -> None:
        self.port, first = free_port(), free_ports_in_a_row(2)
        self.replica_ports = [first, first + 1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_dir = log_dir
        self.proc = subprocess.Popen(
            [sys.executable, "scripts/serve_replicas.py", "--replicas", "2", "--port", str(self.port),
             "--first-replica-port", str(first), "--log-dir", str(log_dir), "--",
             "--server.enableAgentApi", "true", "--browser.gatherUsageStats", "false"],  # fmt: skip
            cwd=ROOT,
            env={**os.environ, "PROCUREMENT_WAREHOUSE": str(warehouse)},
            stdout=open(log_dir / "serve.log", "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"scripts/serve exited: {(log_dir / 'serve.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError("the proxy did not answer")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=60)


@pytest.fixture(scope="module")
def proxy(fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    _need_caddy()
    served = Proxy(fixture_warehouse, tmp_path_factory.mktemp("serve"))
    try:
        yield served
    finally:
        served.stop()


def test_each_replica_answers_health_and_the_proxy_hides_metrics(proxy: Proxy) -> None:
    for port in proxy.replica_ports:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as response:
            assert response.status == 200
    with urllib.request.urlopen(f"{proxy.url}/", timeout=10) as response:
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    with pytest.raises(urllib.error.HTTPError) as hidden:
        urllib.request.urlopen(f"{proxy.url}/_stcore/metrics", timeout=10)
    assert hidden.value.code == 404


def test_a_page_runs_through_the_proxy_and_its_session_sticks_to_one_replica(proxy: Proxy) -> None:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def interact(body: dict) -> dict:
        request = urllib.request.Request(
            f"{proxy.url}/_stcore/agent/interact", data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with opener.open(request, timeout=120) as response:
            return json.loads(response.read())

    first = interact({})
    assert first.get("status") == "ready" and "Technology procurement reform" in texts(first["tree"])
    session = first["session_id"]
    for _ in range(6):  # without stickiness, one of these would land on the other replica, which has no session
        changed = interact({"session_id": session, "widget_state": {"area": "Greater Manchester"}})
        assert changed.get("status") == "ready" and changed["session_id"] == session
        assert "Greater Manchester" in texts(changed["tree"])
