"""The feeds' tests share the notices page's warehouse with a hostile notice in it."""

from tests.dashboard.notices.conftest import hostile_notice_warehouse  # noqa: F401
