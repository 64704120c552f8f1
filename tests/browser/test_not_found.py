"""A path of two or more segments that names no page shows "Page not found" in Chromium, not a blank page, on
the server scripts/run starts (dashboard/server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import Server, _need_chromium, open_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_server(fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _need_chromium()
    srv = Server(fixture_warehouse, tmp_path_factory.mktemp("app_server") / "streamlit.log", "dashboard/server.py")
    try:
        yield srv
    finally:
        srv.stop()


@pytest.mark.parametrize("path", ["marketplace/extra", "a/b/c"])
def test_a_deep_unknown_path_says_page_not_found(app_server: Server, browser, path: str) -> None:
    context = browser.new_context()
    try:
        tab = context.new_page()
        response = tab.goto(f"{app_server.url}/{path}")
        assert response is not None and response.status == 404
        assert tab.locator("h1").inner_text() == "Page not found"
        tab.get_by_role("link", name="Go to the dashboard's overview").click()
        tab.wait_for_selector("h1:has-text('Technology procurement reform')", timeout=60_000)
    finally:
        context.close()


def test_the_pages_still_open_on_that_server(app_server: Server, browser) -> None:
    context = browser.new_context()
    try:
        tab, errors = open_page(context, app_server, "marketplace")
        assert tab.locator("h1").first.inner_text() == "Digital Marketplace uptake"
        assert errors == []
    finally:
        context.close()
