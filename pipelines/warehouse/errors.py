"""The errors a build stops with, and how a failure to write the build's own files is told from a bad input."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path


class BuildError(Exception):
    """The build stopped; the previous warehouse is untouched. `problems` name file, line, column."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        detail = "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(message + detail)


class BuildLockedError(BuildError):
    """Another build holds the lock of the same output path."""


class WarehouseExistsError(BuildError):
    """Asked to build only where there is no warehouse yet (`--if-missing`), and there is one."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"{path} already exists and was left as it is (it is only rebuilt without --if-missing)")


class OutputError(BuildError):
    """The build could not write its own files (disk full, no permission, read-only file system)."""


#: Errors that can only come from writing, whichever file they name.
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})

#: How Polars (Rust: "... (os error 28)") and DuckDB ("... No space left on device") word the same failures.
_WRITE_TEXT = re.compile(
    "|".join(
        [
            *(re.escape(os.strerror(code)) for code in sorted(WRITE_ERRNOS)),
            *(rf"os error {code}\b" for code in WRITE_ERRNOS),
        ]
    )
)
_PERMISSION_TEXT = re.compile(rf"{re.escape(os.strerror(errno.EACCES))}|os error {errno.EACCES}\b")

_UNCHANGED = "nothing was left behind and the previous warehouse is unchanged"


def output_failure(exc: BaseException, path: Path | str) -> OutputError:
    """One line naming the path and the cause of a failure to write (a full disk, a folder the build may
    not write in): the file the error names, else `path`."""
    named = Path(getattr(exc, "filename", None) or path)
    folder = named if named.is_dir() else named.parent
    if isinstance(exc, OSError) and exc.errno is not None:
        code = errno.errorcode.get(exc.errno, str(exc.errno))
        cause = f"{exc.strerror or os.strerror(exc.errno)} ({code})"
    else:
        cause = " ".join(str(exc).split())[:300]
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM):
        cause += f": the build may not write in {folder}"
    elif isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        cause += f": the disk holding {folder} is full"
    return OutputError(f"cannot write {named}: {cause}; {_UNCHANGED}")


def as_output_failure(exc: BaseException, out_dir: Path) -> OutputError | None:
    """`exc` as a failure to write the build's own files, or None when it is something else (a bad input).

    Disk full, quota, read-only file system and file too large come only from writing. No permission counts
    when the path it names is in the output folder (the build writes nothing else); reading a raw file that
    may not be read stays that file's problem. Polars and DuckDB report the same causes in their own words.
    """
    if isinstance(exc, OutputError):
        return exc
    if isinstance(exc, OSError) and exc.errno is not None:
        if exc.errno in WRITE_ERRNOS:
            return output_failure(exc, out_dir)
        named = getattr(exc, "filename", None)
        if exc.errno in (errno.EACCES, errno.EPERM) and named and _inside(Path(named), out_dir):
            return output_failure(exc, named)
        return None
    text = str(exc)
    if _WRITE_TEXT.search(text) or (_PERMISSION_TEXT.search(text) and str(out_dir) in text):
        return output_failure(exc, out_dir)
    return None


def _inside(path: Path, folder: Path) -> bool:
    try:
        return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(folder))
    except ValueError:
        return False
