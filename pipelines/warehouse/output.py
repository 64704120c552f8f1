"""Where a build writes: one lock per output path, the leftovers of killed builds, and the final swap.

- `build_lock(out)` holds an exclusive `flock` on `<out>.lock`, beside the output, for the whole build. A
  second build into the same output refuses with a message naming the holder (or waits, when asked to).
  The kernel drops the lock when its holder dies, however it dies, so a lock that can be taken belongs to
  nobody. The file is removed when the build ends (while still locked; a waiter that then gets the lock on
  the removed file notices and takes the new one), so a finished build leaves nothing beside the output.
- `sweep_leftovers(out)` runs under that lock: every `<out>.building-*` (and its WAL) and `<out>.work-*`
  belongs to a build that no longer holds the lock, i.e. one that was killed, and is removed.
- `swap_in(tmp, out, replace=False)` links the new file in only if nothing is at `out` at that moment (a
  hard link fails atomically when the name exists), so a warehouse put there during the build survives.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import glob
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipelines.warehouse.errors import BuildLockedError, WarehouseExistsError, output_failure


def lock_path(out: Path) -> Path:
    return out.with_name(out.name + ".lock")


def temp_path(out: Path) -> Path:
    """The new warehouse is written here, beside the output, then swapped in."""
    return out.with_name(f"{out.name}.building-{os.getpid()}")


def work_path(out: Path) -> Path:
    """The build's scratch folder (rewritten CSVs, Parquet, snapshots of raw files)."""
    return out.with_name(f"{out.name}.work-{os.getpid()}")


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "a build that has not yet said who it is"


@contextlib.contextmanager
def build_lock(out: Path, *, wait: bool = False, on_wait: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold the build lock of `out` (BuildLockedError at once if another build holds it and not `wait`)."""
    lock = lock_path(out)
    fd = _acquire(lock, out, wait, on_wait)
    try:
        with contextlib.suppress(OSError):  # who holds it, for the message a second build prints; best effort
            started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
            os.ftruncate(fd, 0)
            os.write(fd, f"process {os.getpid()} on {os.uname().nodename}, started {started}\n".encode())
        yield lock
    finally:
        with contextlib.suppress(OSError):  # gone already, or a folder that became read-only: harmless
            lock.unlink()  # still locked here: whoever opens the name next creates a new file
        os.close(fd)


def _acquire(lock: Path, out: Path, wait: bool, on_wait: Callable[[str], None] | None) -> int:
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise output_failure(exc, lock) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(lock)
            if not wait:
                os.close(fd)
                raise BuildLockedError(
                    f"another build is writing {out} ({holder}); the warehouse is left to it. "
                    "Wait for it to finish, or build with --wait to queue behind it"
                ) from None
            if on_wait is not None:
                on_wait(holder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        if _same_file(fd, lock):
            return fd
        os.close(fd)  # the holder removed the file as it finished: lock the one now at that name


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)


@dataclass(frozen=True)
class Leftover:
    path: Path
    size_bytes: int


def _size(path: Path) -> int:
    if path.is_dir() and not path.is_symlink():
        return sum(p.lstat().st_size for p in path.rglob("*"))
    return path.lstat().st_size


def sweep_leftovers(out: Path) -> list[Leftover]:
    """Remove the temporary files and work folders of earlier builds of `out` (call only under its lock).

    Only a build holding the lock writes them, and this build holds it now: every one found belongs to a build
    that was killed before it could clean up, however recent it looks.
    """
    pattern = glob.escape(str(out))
    found = sorted({Path(p) for suffix in (".building-*", ".work-*") for p in glob.glob(pattern + suffix)})
    removed: list[Leftover] = []
    for path in found:
        try:
            size = _size(path)
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise output_failure(exc, path) from None
        removed.append(Leftover(path, size))
    return removed


def remove_temporaries(tmp: Path, workdir: Path) -> None:
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    shutil.rmtree(workdir, ignore_errors=True)


def present(out: Path) -> bool:
    """Whether anything (a file, a folder, even a dangling link) is at `out`."""
    return os.path.lexists(out)


def swap_in(tmp: Path, out: Path, *, replace: bool) -> None:
    """Put the finished `tmp` at `out`: over whatever is there when `replace`, else only if nothing is."""
    try:
        if replace:
            os.replace(tmp, out)
            return
        try:
            os.link(tmp, out)  # atomic: fails if the name exists, whoever put it there and when
        except FileExistsError:
            raise WarehouseExistsError(out) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            if present(out):  # a file system without hard links: check, then rename (no build can race us)
                raise WarehouseExistsError(out) from None
            os.replace(tmp, out)
            return
        tmp.unlink()
    except OSError as exc:
        raise output_failure(exc, out) from None


__all__ = [
    "Leftover",
    "build_lock",
    "lock_path",
    "present",
    "remove_temporaries",
    "swap_in",
    "sweep_leftovers",
    "temp_path",
    "work_path",
]
