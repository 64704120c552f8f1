"""The one error a build stops with."""

from __future__ import annotations


class BuildError(Exception):
    """The build stopped; the previous warehouse is untouched. `problems` name file, line, column."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        detail = "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(message + detail)
