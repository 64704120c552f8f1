"""dashboard/not_found.py: which paths get "Page not found", and that everything else passes through."""

from __future__ import annotations

import asyncio
import threading

import pytest

from dashboard.not_found import DeepPathNotFound, is_unknown_deep_path


@pytest.mark.parametrize("path", ["/foo/bar", "/marketplace/extra", "/a/b/c", "/contracts/x/"])
def test_a_deep_path_that_names_no_page_is_not_found(path: str) -> None:
    assert is_unknown_deep_path(path)


@pytest.mark.parametrize(
    "path",
    ["/", "/marketplace", "/nope", "/_stcore/health", "/marketplace/_stcore/health", "/static/js/index.js",
     "/marketplace/static/js/index.js", "/media/x.png", "/component/x/y", "/app/static/x", "/feeds/contracts.ics"],
)  # fmt: skip
def test_pages_and_streamlit_s_own_folders_pass_through(path: str) -> None:
    assert not is_unknown_deep_path(path)


def _call(path: str, method: str = "GET") -> tuple[list[dict], bool]:
    reached = []

    async def inner(scope, receive, send) -> None:
        reached.append(scope["path"])

    sent: list[dict] = []

    async def send(message) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request"}

    scope = {"type": "http", "method": method, "path": path}
    # In its own thread: another test in this process may have left an event loop running in this one.
    worker = threading.Thread(target=asyncio.run, args=(DeepPathNotFound(inner)(scope, receive, send),))
    worker.start()
    worker.join()
    return sent, bool(reached)


def test_the_middleware_answers_404_with_the_path_escaped() -> None:
    sent, reached = _call("/a/<script>alert(1)</script>")
    assert not reached and sent[0]["status"] == 404
    body = sent[1]["body"].decode()
    assert "Page not found" in body and "<script>" not in body and "&lt;script&gt;" in body
    assert '<a href="/"' in body


def test_the_middleware_passes_pages_posts_and_websockets() -> None:
    assert _call("/marketplace")[1]
    assert _call("/a/b", method="POST")[1]
    assert _call("/_stcore/health")[1]
