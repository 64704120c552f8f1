"""First start (issue 13 item 2, issue 12 section 2): the warehouse is built before anyone depends on a tab.

- `scripts/run` builds the warehouse in the terminal, with the build's own progress, before it starts the
  server; an existing warehouse is left as it is; a failed build stops it before the server starts. Run here
  in a copy of the script whose `.venv/bin/python` is a stand-in: pip and streamlit are recorded, not run
  (no network, no server), and the build is the real one.
- The in-app fallback, on a real server: the first session sees the build waiting (another build holds the
  lock), is closed, and the build still completes with no session left; the next visitor gets the dashboard.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipelines.config import ROOT
from pipelines.warehouse.output import build_lock
from tests.browser.conftest import free_port, wait_until_healthy
from tests.dashboard.conftest import as_read


@pytest.fixture(scope="module")
def small_raw(sample_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("first_start_raw")
    for folder in ("ons-geography", "sme-spend"):
        shutil.copytree(sample_raw / folder, raw / folder)
    return raw


def stand_in_checkout(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of scripts/run beside a `.venv/bin/python` that logs each call and runs only the build."""
    repo, log = tmp_path / "checkout", tmp_path / "calls.log"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "run", repo / "scripts" / "run")
    (repo / "requirements.txt").write_text("")
    python = repo / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "python $*" >> "{log}"\n'
        'case "$1 $2" in\n'
        '  "-m pip") exit 0 ;;\n'
        f'  "-m streamlit") if [ -e "$PROCUREMENT_WAREHOUSE" ]; then echo "server started, warehouse there" >> "{log}"; fi; exit 0 ;;\n'
        "esac\n"
        f'cd "{ROOT}" && exec "{sys.executable}" "$@"\n'
    )
    python.chmod(0o755)
    return repo, log


def run_script(repo: Path, raw: Path, warehouse: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PROCUREMENT_RAW_DIR": str(raw), "PROCUREMENT_WAREHOUSE": str(warehouse)}
    return subprocess.run(
        [str(repo / "scripts" / "run"), "--server.port", "1"], env=env, capture_output=True, text=True, timeout=300
    )


def test_scripts_run_builds_the_warehouse_in_the_terminal_before_the_server_starts(small_raw: Path, tmp_path: Path) -> None:
    repo, log = stand_in_checkout(tmp_path)
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    result = run_script(repo, small_raw, warehouse)
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert [c.split()[2] for c in calls if c.startswith("python -m")] == ["pip", "pipelines", "streamlit"]
    assert "python -m pipelines build --if-missing --wait" in calls
    assert calls[-2:] == ["python -m streamlit run dashboard/server.py --server.port 1", "server started, warehouse there"]
    printed = result.stdout + result.stderr  # the build's own progress, in the terminal
    assert f"Building from {small_raw}" in printed and f"Warehouse written to {warehouse}" in printed


def test_scripts_run_leaves_an_existing_warehouse_as_it_is(small_raw: Path, tmp_path: Path) -> None:
    repo, log = stand_in_checkout(tmp_path)
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"not even a DuckDB file: the app will say so, scripts/run must not replace it")
    before = warehouse.read_bytes()
    result = run_script(repo, small_raw, warehouse)
    assert result.returncode == 0, result.stderr
    assert warehouse.read_bytes() == before
    assert "exists: left as it is" in result.stderr
    assert log.read_text().splitlines()[-1] == "server started, warehouse there"


def test_scripts_run_does_not_start_the_server_when_the_build_fails(tmp_path: Path) -> None:
    repo, log = stand_in_checkout(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "broken.csv").write_text("FrameworkName,Lot,SupplierName,SMEStatus,Sector,EvidencedSpend\nx,1,y,SME,z,5\n")
    result = run_script(repo, raw, tmp_path / "warehouse.duckdb")
    assert result.returncode == 1
    assert "Build stopped: 1 file(s) could not be read" in result.stderr
    assert "the dashboard was not started" in result.stderr
    assert not any("streamlit" in c for c in log.read_text().splitlines())
    assert not (tmp_path / "warehouse.duckdb").exists()


# --------------------------------------------------------------------------- a real server, a closed first tab


def interact(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{url}/_stcore/agent/interact", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def texts(node: dict) -> str:
    props = node.get("props") or {}
    own = [as_read(props[k]) for k in ("body", "value", "label", "text") if isinstance(props.get(k), str)]
    return "\n".join(own + [texts(child) for child in node.get("children") or []])


@pytest.mark.slow
def test_closing_the_first_tab_does_not_stop_the_in_app_build(small_raw: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "server.log", "w")
    env = {**os.environ, "PROCUREMENT_WAREHOUSE": str(warehouse), "PROCUREMENT_RAW_DIR": str(small_raw)}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.enableAgentApi", "true", "--server.agentSessionTTL", "1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_healthy(url, server)
        with build_lock(warehouse):  # another build is writing it: the app's build has to wait for it
            first = interact(url, {})
            assert "Building the warehouse" in texts(first["tree"])
            visitors = [first["session_id"]]
            deadline = time.monotonic() + 30
            while "Waiting for another build of this warehouse" not in texts(first["tree"]):  # the same build's news
                assert time.monotonic() < deadline, texts(first["tree"])
                time.sleep(0.5)
                first = interact(url, {})
                visitors.append(first["session_id"])
            deadline = time.monotonic() + 60
            for session in visitors:  # every visitor leaves; the server closes their sessions
                while True:
                    assert time.monotonic() < deadline, "a session was never closed"
                    time.sleep(1)
                    try:
                        interact(url, {"session_id": session})
                    except urllib.error.HTTPError:
                        break
            assert not warehouse.exists()
        deadline = time.monotonic() + 120
        while not warehouse.exists() and time.monotonic() < deadline:  # nobody is looking now
            time.sleep(0.5)
        assert warehouse.is_file(), "the build stopped with the session that started it"
        later = interact(url, {})
        assert "Technology procurement reform" in texts(later["tree"]), texts(later["tree"])[:500]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    assert "Traceback" not in (tmp_path / "server.log").read_text()
