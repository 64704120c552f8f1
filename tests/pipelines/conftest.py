"""Fixtures for the fetchers' tests: a replay server on 127.0.0.1, started and stopped by each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.replay import ReplayServer


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    with ReplayServer() as server:
        yield server
