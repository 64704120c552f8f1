"""A real HTTP server on 127.0.0.1 that plays publishers back to the fetchers, and counts what it was asked.

Routes map a path to a `Reply`, a list of replies (served in turn, the last one repeated) or a function of the
request. A reply with an `etag` answers a matching `If-None-Match` with 304, as the publishers do; `truncate`
sends fewer body bytes than the Content-Length it declares and closes the connection (a body cut short).
Nothing here reaches beyond the loopback interface.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pipelines.config import ROOT

SHARED_DATA = ROOT.parent / "shared" / "data"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    truncate: int | None = None

    @classmethod
    def json(cls, data: Any, **kw: Any) -> Reply:
        body = data if isinstance(data, bytes) else json.dumps(data).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", **kw.pop("headers", {})}
        return cls(body=body, headers=headers, **kw)

    @classmethod
    def csv(cls, text: str | bytes, **kw: Any) -> Reply:
        body = text.encode("utf-8") if isinstance(text, str) else text
        return cls(body=body, headers={"Content-Type": "text/csv", **kw.pop("headers", {})}, **kw)


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    @property
    def conditional(self) -> bool:
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


Route = Reply | list[Reply] | Callable[[Seen], Reply]


class ReplayServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Seen] = []
        self._turns: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                del format, args

            def do_GET(self) -> None:
                server._answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def route(self, path: str, reply: Route) -> None:
        self.routes[path] = reply
        self._turns.pop(path, None)

    def seen(self, prefix: str = "/") -> list[Seen]:
        return [s for s in self.log if s.path.startswith(prefix)]

    def clear(self) -> None:
        self.log.clear()

    def _pick(self, seen: Seen) -> Reply:
        route = self.routes.get(seen.path)
        if route is None:  # "/prefix/*" routes every path under the prefix
            prefixes = [k for k in self.routes if k.endswith("*") and seen.path.startswith(k[:-1])]
            route = self.routes[max(prefixes, key=len)] if prefixes else None
        if route is None:
            return Reply.json({"error": f"no route for {seen.path}"}, status=404)
        if callable(route):
            return route(seen)
        if isinstance(route, list):
            with self._lock:
                turn = self._turns.get(seen.path, 0)
                self._turns[seen.path] = turn + 1
            return route[min(turn, len(route) - 1)]
        return route

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        seen = Seen(parts.path, parse_qs(parts.query), {k.lower(): v for k, v in handler.headers.items()})
        with self._lock:
            self.log.append(seen)
        reply = self._pick(seen)
        if reply.etag and seen.headers.get("if-none-match") == reply.etag and reply.status == 200:
            handler.send_response(304)
            handler.send_header("ETag", reply.etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        body = reply.body
        handler.send_response(reply.status)
        for key, value in reply.headers.items():
            handler.send_header(key, value)
        if reply.etag:
            handler.send_header("ETag", reply.etag)
        if reply.last_modified:
            handler.send_header("Last-Modified", reply.last_modified)
        handler.send_header("Content-Length", str(len(body)))
        if reply.truncate is not None:
            handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body if reply.truncate is None else body[: reply.truncate])
        handler.wfile.flush()
        if reply.truncate is not None:
            handler.close_connection = True


def shared(*parts: str) -> Path:
    return SHARED_DATA.joinpath(*parts)


def fetch_settings(server: ReplayServer, **kw: Any) -> Any:
    """Fetch settings with every publisher's base URL on the local server."""
    from pipelines.core.fetching import Settings

    keys = ("govuk", "arcgis", "nomis", "github_api", "github_raw", "contracts_finder", "find_a_tender")
    return Settings(base_urls={k: server.url for k in keys}, **kw)


def quick_http(**policy_free: Any) -> Any:
    """The real client with every pause scaled down to a millionth (the waits asked for are still recorded)."""
    from pipelines.core.http import Http, HttpSettings

    return Http(
        HttpSettings(user_agent="procurement-dashboard-tests", read_timeout=5.0, connect_timeout=2.0, wait_scale=1e-6),
        **policy_free,
    )


def context(server: ReplayServer, raw: Path, source: str, http: Any = None, **kw: Any) -> Any:
    from pipelines.core.fetching import Context, SourceReport

    settings = kw.pop("settings", None) or fetch_settings(server)
    return Context(http or quick_http(), raw, source, settings, SourceReport(source), **kw)
