"""Serve the dashboard from N Streamlit processes behind Caddy, with sticky sessions (`scripts/serve`).

Streamlit keeps a visitor's session (filters, open tabs) in the process that holds their websocket, so the proxy
must send every request of one browser to the same replica: Caddy's `lb_policy cookie` sets a cookie naming the
replica on the first response. Each replica opens the same read-only warehouse; a rebuild (`python -m pipelines
build`) swaps the file, and every replica reopens it at its next query (dashboard/db.py checks the file's
signature). Caddy checks each replica's /_stcore/health and stops sending visitors to one that fails, keeps
/_stcore/metrics inside, and adds the framing and content-type headers Streamlit cannot set.

    scripts/serve --replicas 2 --port 8501        # Caddy on 127.0.0.1:8501, replicas on 8601, 8602
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CADDYFILE = """{{
	admin off
	auto_https off
}}

http://:{port} {{
	bind {address}
	@metrics path /_stcore/metrics
	respond @metrics 404
	header {{
		X-Frame-Options "DENY"
		Content-Security-Policy "frame-ancestors 'none'"
		X-Content-Type-Options "nosniff"
		Referrer-Policy "same-origin"
	}}
	reverse_proxy {upstreams} {{
		lb_policy cookie dashboard_replica
		health_uri /_stcore/health
		health_interval 5s
		flush_interval -1
	}}
}}
"""


def caddyfile(port: int, address: str, replica_ports: list[int]) -> str:
    upstreams = " ".join(f"127.0.0.1:{p}" for p in replica_ports)
    return CADDYFILE.format(port=port, address=address, upstreams=upstreams)


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"scripts/serve: {url} exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"scripts/serve: {url} did not answer /_stcore/health within {timeout:.0f} s")


def start_replica(port: int, log_dir: Path, extra: list[str]) -> subprocess.Popen:
    log = open(log_dir / f"replica-{port}.log", "w")
    command = [sys.executable, "-m", "streamlit", "run", "dashboard/server.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", *extra]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="Streamlit processes (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="the proxy's port (default 8501)")
    parser.add_argument("--address", default="127.0.0.1", help="the proxy's address (default 127.0.0.1)")
    parser.add_argument("--first-replica-port", type=int, default=8601, help="replicas listen from here up")
    parser.add_argument("--log-dir", type=Path, default=None, help="where the replicas' and Caddy's logs go")
    parser.add_argument("streamlit_args", nargs="*", help="passed to every replica (after --)")
    args = parser.parse_args(argv)
    caddy = shutil.which("caddy")
    if caddy is None:
        print("scripts/serve: Caddy not found: install Debian's caddy package (apt-get install caddy)", file=sys.stderr)
        return 2
    if args.replicas < 1:
        print("scripts/serve: --replicas must be 1 or more", file=sys.stderr)
        return 2
    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="dashboard-serve-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    ports = [args.first_replica_port + i for i in range(args.replicas)]
    procs: list[subprocess.Popen] = []
    signal.signal(signal.SIGTERM, _interrupt)  # stop the replicas and Caddy on SIGTERM as on Ctrl-C
    try:
        procs = [start_replica(port, log_dir, args.streamlit_args) for port in ports]
        for port, proc in zip(ports, procs, strict=True):
            wait_healthy(f"http://127.0.0.1:{port}", proc)
        config = log_dir / "Caddyfile"
        config.write_text(caddyfile(args.port, args.address, ports))
        proxy_log = open(log_dir / "caddy.log", "w")
        proxy = subprocess.Popen(
            [caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
            stdout=proxy_log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        procs.append(proxy)
        wait_healthy(f"http://{args.address}:{args.port}", proxy)
        print(f"Serving {args.replicas} replica(s) on ports {ports} behind http://{args.address}:{args.port}")
        print(f"Logs: {log_dir}", flush=True)
        while all(proc.poll() is None for proc in procs):
            time.sleep(1)
        failed = [p.args for p in procs if p.poll() is not None]
        print(f"scripts/serve: a process stopped ({failed[0] if failed else '?'}); stopping the rest", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(procs)


if __name__ == "__main__":
    sys.exit(main())
