"""Every publisher format the build reads, from the domains that define them.

Each module listed exposes FORMATS (a list of `Format`). `all_formats()` gathers them and
`detect(head)` picks the format whose header rule matches a file's first lines. Detection never
looks at the file name.
"""

from __future__ import annotations

import importlib
from functools import cache

from pipelines.core.loading import Format
from pipelines.core.textio import Head

#: The modules that define formats, in a fixed order (the order of ids in `all_formats`).
FORMAT_MODULES = (
    "pipelines.notices.contracts_finder",
    "pipelines.ministers.govuk",
    "pipelines.organisations.formats",
    "pipelines.ministers.ifg",
    "pipelines.marketplace.formats",
    "pipelines.geography.formats",
    "pipelines.sme_spend.formats",
)


@cache
def all_formats() -> tuple[Format, ...]:
    formats: list[Format] = []
    for name in FORMAT_MODULES:
        formats.extend(importlib.import_module(name).FORMATS)
    ids = [f.id for f in formats]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise RuntimeError(f"format ids defined twice: {sorted(duplicates)}")
    return tuple(formats)


def detect(head: Head) -> list[Format]:
    """Every format whose rule matches (the caller treats more than one as ambiguous)."""
    return [f for f in all_formats() if f.matches(head)]
