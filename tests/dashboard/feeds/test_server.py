"""dashboard/server.py: `streamlit run` finds its st.App, and the real server answers the feeds beside the pages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import icalendar
import pytest
from streamlit.web.server.app_discovery import discover_asgi_app

from dashboard.feeds import ATOM_PATH, CALENDAR_PATH
from tests.browser.conftest import ROOT, free_port, wait_until_healthy

SERVER = ROOT / "dashboard" / "server.py"


def test_streamlit_run_finds_the_app_in_server_py() -> None:
    found = discover_asgi_app(SERVER)
    assert found.is_asgi_app and found.app_name == "app"


def test_scripts_run_serves_the_app_with_its_feeds() -> None:
    assert "dashboard/server.py" in (ROOT / "scripts" / "run").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_real_server_serves_pages_and_feeds(fixture_warehouse: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(SERVER), "--server.headless", "true",
         "--server.port", url.rsplit(":", 1)[1], "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],  # fmt: skip
        cwd=ROOT,
        env={**os.environ, "PROCUREMENT_WAREHOUSE": str(fixture_warehouse)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_healthy(url, proc)
        with urllib.request.urlopen(f"{url}{CALENDAR_PATH}?contracts=All&horizon=36", timeout=60) as response:
            assert response.headers["Content-Type"].startswith("text/calendar")
            calendar = icalendar.Calendar.from_ical(response.read())
        assert list(calendar.walk("VEVENT"))
        with urllib.request.urlopen(f"{url}{ATOM_PATH}", timeout=60) as response:
            assert response.headers["Content-Type"].startswith("application/atom+xml")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}{CALENDAR_PATH}?area=Atlantis", timeout=60)
        assert refused.value.code == 404 and b"Unknown area" in refused.value.read()
        with urllib.request.urlopen(f"{url}/contracts", timeout=60) as response:
            assert response.status == 200  # the pages are still served
        with pytest.raises(urllib.error.HTTPError) as deep:
            urllib.request.urlopen(f"{url}/marketplace/extra/path", timeout=60)
        assert deep.value.code == 404 and b"Page not found" in deep.value.read()
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=60) as response:
            assert response.status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
