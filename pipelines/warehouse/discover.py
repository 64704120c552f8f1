"""Which entries under the raw folder the build reads, and why it reads none of the others.

The walk follows symbolic links to folders (a publisher's files are often linked in from elsewhere), reads
each real folder once however many links lead to it (so a link back up the tree is no loop), and lists every
entry it does not read with the reason: a file of a kind the build does not read, a named pipe or other
special file, a link to nothing, a folder reached a second time, a folder that cannot be listed. Hidden
files, the sample's marker and provenance notes are not data and are passed over without a word.
Nothing is opened here, so a named pipe cannot block the build.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import config
from pipelines.warehouse.sample import SAMPLE_MARKER

_SPECIAL = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


@dataclass
class RawListing:
    """Files to read, and entries listed but not read with the reason (both sorted by path)."""

    files: list[Path] = field(default_factory=list)
    listed: list[tuple[Path, str]] = field(default_factory=list)


def passed_over(name: str) -> bool:
    return name.startswith(".") or name == SAMPLE_MARKER or "PROVENANCE" in name.upper()


def find_raw_files(raw_dir: Path) -> RawListing:
    listing = RawListing()
    if not raw_dir.is_dir():
        return listing
    root = raw_dir.stat()
    _walk(raw_dir, raw_dir, {(root.st_dev, root.st_ino): raw_dir}, listing)
    listing.files.sort()
    listing.listed.sort()
    return listing


def _walk(folder: Path, raw_dir: Path, seen: dict[tuple[int, int], Path], listing: RawListing) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        listing.listed.append(
            (folder, f"folder could not be listed ({exc.strerror or exc}): none of its files were read")
        )
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            info = os.stat(path)  # follows links
        except OSError as exc:
            if not passed_over(entry.name):
                listing.listed.append((path, _broken_link(path, exc)))
            continue
        if not stat.S_ISDIR(info.st_mode) and passed_over(entry.name):
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in seen:
                first = _rel(seen[key], raw_dir)
                listing.listed.append((path, f"a link to the folder {first}, which is read once: not followed again"))
                continue
            seen[key] = path
            _walk(path, raw_dir, seen, listing)
        elif stat.S_ISREG(info.st_mode):
            if path.suffix.lower() in config.RAW_EXTENSIONS:
                listing.files.append(path)
            else:
                listing.listed.append(
                    (path, f"not a data file type ({path.suffix or 'no extension'}): listed, not read")
                )
        else:
            kind = _SPECIAL.get(stat.S_IFMT(info.st_mode), "not a regular file")
            listing.listed.append((path, f"{kind}, not a file: listed, not read"))


def _broken_link(path: Path, exc: OSError) -> str:
    if path.is_symlink():
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"a symbolic link to {target}, which does not exist or loops ({exc.strerror}): listed, not read"
    return f"could not be examined ({exc.strerror or exc}): listed, not read"


def _rel(path: Path, raw_dir: Path) -> str:
    return "." if path == raw_dir else str(path.relative_to(raw_dir))
