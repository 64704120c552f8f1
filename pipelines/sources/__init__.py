"""One module per publisher format; each exposes FORMATS (a list of `Format`).

`all_formats()` discovers them, and `detect(head)` picks the format whose header
rule matches a file's first lines. Detection never looks at the file name.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from pipelines.core.loading import Format
from pipelines.core.textio import Head


@cache
def all_formats() -> tuple[Format, ...]:
    formats: list[Format] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "base" or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        formats.extend(getattr(module, "FORMATS", []))
    ids = [f.id for f in formats]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise RuntimeError(f"format ids defined twice: {sorted(duplicates)}")
    return tuple(formats)


def detect(head: Head) -> list[Format]:
    """Every format whose rule matches (the caller treats more than one as ambiguous)."""
    return [f for f in all_formats() if f.matches(head)]
