"""'Page not found' for a path of two or more segments that names no page (issue 12 s.3).

Streamlit answers any path with its single-page app, and the app resolves a one-segment path it does not know
to its own "Page not found". A deeper path (/marketplace/extra, /a/b/c) gets the same HTML, whose relative
asset URLs then point under the unknown folder, so the visitor sees a blank page. This ASGI middleware answers
such a path first with a plain 404 page linking back to the dashboard. Paths under Streamlit's own folders
(_stcore, static, media, component, app) and the feeds pass through, wherever they sit: the frontend probes
`/<page>/_stcore/health` to find its base path, and that must keep getting Streamlit's own answer.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Folders Streamlit (and the feeds) serve below the root: never answered here.
PASS_THROUGH = frozenset({"_stcore", "static", "media", "component", "app", "feeds"})

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found - Technology procurement reform</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: Arial, sans-serif; color: #0b0c0c; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<main><h1>Page not found</h1>
<p>There is no page at <code>{path}</code>.</p>
<p><a href="/" style="color: #1d70b8">Go to the dashboard's overview</a></p></main>
</body></html>
"""


def is_unknown_deep_path(path: str) -> bool:
    """True for a path of two or more segments, none of them a folder Streamlit or the feeds serve."""
    segments = [part for part in path.split("/") if part]
    return len(segments) >= 2 and not PASS_THROUGH.intersection(segments)


def not_found_page(path: str) -> bytes:
    return PAGE.format(path=html.escape(path[:200])).encode("utf-8")


class DeepPathNotFound:
    """ASGI middleware: a GET or HEAD of an unknown deep path gets a 404 page; everything else passes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") or not is_unknown_deep_path(
            scope.get("path", "")
        ):
            await self.app(scope, receive, send)
            return
        body = not_found_page(scope["path"])
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": 404, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
