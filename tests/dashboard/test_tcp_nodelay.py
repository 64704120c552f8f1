"""dashboard/tcp_nodelay.py: Nagle off on the server's sockets, listening and accepted, and nothing else touched."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.tcp_nodelay import FD_DIR, set_on_open_tcp_sockets

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not FD_DIR.is_dir(), reason="needs /proc/self/fd (Linux) to list descriptors")


def nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


@pytest.fixture
def listening() -> Iterator[socket.socket]:
    """A listening socket bound the way Streamlit 1.67 binds its own: protocol number 0, so asyncio skips it."""
    sock = socket.socket(family=socket.AF_INET)
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    yield sock
    sock.close()


def test_a_socket_bound_like_streamlits_keeps_nagle_on_without_it(listening: socket.socket) -> None:
    """The premise: connections accepted from such a socket have Nagle on (what the module is for)."""
    with socket.create_connection(listening.getsockname()) as _client:
        accepted, _ = listening.accept()
        with accepted:
            assert listening.proto == 0
            assert nodelay(accepted) == 0


def test_sets_nodelay_on_the_listening_socket_and_what_it_accepts_later(listening: socket.socket) -> None:
    assert set_on_open_tcp_sockets() >= 1
    assert nodelay(listening) == 1
    with socket.create_connection(listening.getsockname()) as _client:
        accepted, _ = listening.accept()
        with accepted:
            assert nodelay(accepted) == 1


def test_sets_nodelay_on_a_connection_already_open(listening: socket.socket) -> None:
    """dashboard/app.py served alone imports the package in the first run, after the first tab connected."""
    with socket.create_connection(listening.getsockname()) as _client:
        accepted, _ = listening.accept()
        with accepted:
            set_on_open_tcp_sockets()
            assert nodelay(accepted) == 1


def test_leaves_files_pipes_and_unix_sockets_alone_and_leaks_no_descriptor(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    unix_a, unix_b = socket.socketpair(socket.AF_UNIX)
    with (tmp_path / "f.txt").open("w") as handle:
        before = sorted(os.listdir(FD_DIR))
        set_on_open_tcp_sockets()
        after = sorted(os.listdir(FD_DIR))
        handle.write("still open")
    os.write(write_end, b"x")
    assert os.read(read_end, 1) == b"x"
    unix_a.sendall(b"y")
    assert unix_b.recv(1) == b"y"
    for fd in (read_end, write_end):
        os.close(fd)
    unix_a.close()
    unix_b.close()
    assert after == before
    assert (tmp_path / "f.txt").read_text() == "still open"


def test_does_nothing_where_descriptors_cannot_be_listed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("dashboard.tcp_nodelay.FD_DIR", tmp_path / "absent")
    assert set_on_open_tcp_sockets() == 0


def test_importing_the_dashboard_package_turns_nagle_off_on_a_socket_bound_before_it() -> None:
    """The wiring: under `streamlit run` the server binds its port, then the dashboard package is imported."""
    script = (
        "import socket\n"
        "server = socket.socket(family=socket.AF_INET)\n"
        "server.bind(('127.0.0.1', 0)); server.listen(1)\n"
        "import dashboard\n"
        "client = socket.create_connection(server.getsockname())\n"
        "accepted, _ = server.accept()\n"
        "print(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
