"""Send each of Streamlit's websocket messages at once: TCP_NODELAY on the server's sockets.

Streamlit 1.67 binds its listening socket itself (`socket.socket(family=...)`, protocol number 0), and asyncio
turns Nagle's algorithm off only for sockets whose protocol number is IPPROTO_TCP, so every connection the server
accepts keeps Nagle on. A page run sends many small websocket messages; with Nagle on, each message after the first
unacknowledged one waits for the browser's delayed ACK (40 ms on Linux). Measured with
benchmarks/websocket_session.py on this machine: the one-chart floor page took 44 ms a run, 16 ms with TCP_NODELAY;
dashboard pages 44-63 ms, 16-58 ms with it.

`set_on_open_tcp_sockets` sets TCP_NODELAY on every TCP socket the process holds: on Linux an accepted socket takes
the listening socket's setting, so connections accepted afterwards have it too, and connections already open (the
first tab, when dashboard/app.py is served alone) get it directly. It runs when the `dashboard` package is first
imported, which under `streamlit run` is after the server has bound its port. Where the process's descriptors cannot
be listed (no /proc), it does nothing and the server behaves as stock Streamlit does.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

FD_DIR = Path("/proc/self/fd")


def _set_nodelay(fd: int) -> bool:
    """TCP_NODELAY on the TCP socket behind `fd`; False when `fd` is not one (a file, a pipe, a Unix socket)."""
    try:
        duplicate = os.dup(fd)
    except OSError:  # closed since the listing (the listing's own descriptor, for one)
        return False
    try:
        sock = socket.socket(fileno=duplicate)
    except OSError:
        os.close(duplicate)
        return False
    try:
        if sock.type != socket.SOCK_STREAM or sock.family not in (socket.AF_INET, socket.AF_INET6):
            return False
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return True
    except OSError:
        return False
    finally:
        sock.close()  # closes the duplicate only; the option belongs to the socket both descriptors name


def set_on_open_tcp_sockets() -> int:
    """Turn Nagle's algorithm off on every open TCP socket of this process; return how many."""
    try:
        fds = [int(name) for name in os.listdir(FD_DIR)]
    except OSError:
        return 0
    return sum(_set_nodelay(fd) for fd in fds)
