"""Which cells of an XLS (BIFF8) sheet are numbers formatted as percentages, with the standard library only.

calamine reads an .xls file's values but not its number formats, so a fraction formatted as % (0.441 shown
as 44.1%) reads like a plain 0.441. This reads just enough of the file to tell them apart: the OLE2 compound
file's `Workbook` stream ([MS-CFB]: header, FAT, mini FAT, directory), and in it ([MS-XLS]) the FORMAT and XF
records (each cell's style -> its number format) and the sheet's cell records (NUMBER, RK, MULRK, FORMULA and,
for "this cell holds a value", LABELSST, LABEL, BOOLERR). Anything else (BIFF5 and older, encrypted files, a
damaged chain) answers None: "not known", and the caller does not assume either way.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
#: Built-in number formats that are percentages: 9 is `0%`, 10 is `0.00%`.
_BUILTIN_PERCENT = {9, 10}
# record types
_BOF, _EOF, _BOUNDSHEET, _FORMAT, _XF, _FILEPASS = 0x0809, 0x000A, 0x0085, 0x041E, 0x00E0, 0x002F
_NUMBER, _RK, _MULRK, _FORMULA, _LABELSST, _LABEL, _BOOLERR = 0x0203, 0x027E, 0x00BD, 0x0006, 0x00FD, 0x0204, 0x0205


class _NotReadable(Exception):
    pass


def _u16(data: bytes, at: int) -> int:
    return struct.unpack_from("<H", data, at)[0]


def _u32(data: bytes, at: int) -> int:
    return struct.unpack_from("<I", data, at)[0]


def _chain(table: list[int], start: int, limit: int) -> list[int]:
    sectors: list[int] = []
    sector = start
    while sector not in (_END_OF_CHAIN, _FREE):
        if sector >= len(table) or len(sectors) > limit:
            raise _NotReadable("broken sector chain")
        sectors.append(sector)
        sector = table[sector]
    return sectors


class _Compound:
    """An OLE2 compound file held in memory: its sectors, FAT and directory entries."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(OLE2_MAGIC) or len(data) < 512:
            raise _NotReadable("not an OLE2 file")
        self.data = data
        self.size = 1 << _u16(data, 0x1E)
        self.mini_size = 1 << _u16(data, 0x20)
        self.cutoff = _u32(data, 0x38)
        self.n_sectors = (len(data) - self.size) // self.size + 1
        self.fat = self._fat()
        directory = self.read(_u32(data, 0x30))
        self.entries = []
        for at in range(0, len(directory) - 127, 128):
            name_len = _u16(directory, at + 0x40)
            name = directory[at : at + max(name_len - 2, 0)].decode("utf-16-le", errors="replace")
            self.entries.append((name, directory[at + 0x42], _u32(directory, at + 0x74), _u32(directory, at + 0x78)))
        if not self.entries:
            raise _NotReadable("no directory")

    def sector(self, n: int) -> bytes:
        return self.data[self.size + n * self.size : self.size + (n + 1) * self.size]

    def _fat(self) -> list[int]:
        difat = [_u32(self.data, 0x4C + 4 * i) for i in range(109)]
        next_difat = _u32(self.data, 0x44)
        for _ in range(_u32(self.data, 0x48)):
            if next_difat >= self.n_sectors:
                raise _NotReadable("broken DIFAT")
            block = self.sector(next_difat)
            difat += [_u32(block, 4 * i) for i in range(self.size // 4 - 1)]
            next_difat = _u32(block, self.size - 4)
        fat: list[int] = []
        for n in difat:
            if n < self.n_sectors:  # skips the free / end-of-chain markers too
                block = self.sector(n)
                fat += [_u32(block, 4 * i) for i in range(self.size // 4)]
        return fat

    def read(self, start: int) -> bytes:
        return b"".join(self.sector(n) for n in _chain(self.fat, start, self.n_sectors))

    def stream(self, names: tuple[str, ...]) -> bytes:
        found = next((e for e in self.entries if e[0] in names and e[1] == 2), None)
        if found is None:
            raise _NotReadable("no such stream")
        _, _, start, length = found
        if length >= self.cutoff:
            return self.read(start)[:length]
        mini_stream = self.read(self.entries[0][2])  # the root entry's chain holds the mini stream
        first_minifat = _u32(self.data, 0x3C)
        table = self.read(first_minifat) if first_minifat < self.n_sectors else b""
        minifat = [_u32(table, 4 * i) for i in range(len(table) // 4)]
        size = self.mini_size
        return b"".join(mini_stream[n * size : (n + 1) * size] for n in _chain(minifat, start, len(minifat)))[:length]


def workbook_stream(data: bytes) -> bytes:
    """The `Workbook` (or BIFF5 `Book`) stream of an OLE2 compound file."""
    return _Compound(data).stream(("Workbook", "Book"))


def _records(stream: bytes, at: int = 0):
    while at + 4 <= len(stream):
        kind, length = _u16(stream, at), _u16(stream, at + 2)
        yield at, kind, stream[at + 4 : at + 4 + length]
        at += 4 + length


def _unicode(data: bytes, at: int, count: int) -> str:
    """An XLUnicodeString body: a flags byte then `count` characters (bit 0 set: UTF-16, else Latin-1)."""
    flags = data[at]
    body = data[at + 1 :]
    if flags & 0x01:
        return body[: 2 * count].decode("utf-16-le", errors="replace")
    return body[:count].decode("latin-1")


def _is_percent_code(code: str) -> bool:
    return "%" in re.sub(r'"[^"]*"|\\.', "", code)


def percent_cells_xls(path: Path, sheet: str) -> dict[int, dict[int, bool]] | None:
    """Per sheet row (1-based), the columns (0-based from A) holding a value and whether each is a number
    formatted as a percentage; None when the file is not a readable BIFF8 workbook or has no such sheet."""
    try:
        stream = workbook_stream(path.read_bytes())
        return _sheet_cells(stream, sheet)
    except (_NotReadable, struct.error, IndexError, ValueError, OSError):
        return None


def _globals(stream: bytes) -> tuple[set[int], dict[str, int]] | None:
    """From the workbook globals: the XF indexes whose number format is a percentage, and each sheet's offset."""
    codes: dict[int, str] = {}
    xf_formats: list[int] = []
    offsets: dict[str, int] = {}
    for index, (_, kind, data) in enumerate(_records(stream)):
        if (index == 0 and (kind != _BOF or _u16(data, 0) != 0x0600)) or kind == _FILEPASS:
            return None  # not BIFF8, or encrypted
        if kind == _FORMAT:
            codes[_u16(data, 0)] = _unicode(data, 4, _u16(data, 2))
        elif kind == _XF:
            xf_formats.append(_u16(data, 2))
        elif kind == _BOUNDSHEET:
            offsets[_unicode(data, 7, data[6])] = _u32(data, 0)
        elif kind == _EOF:
            break
    percent = {i for i, f in enumerate(xf_formats) if f in _BUILTIN_PERCENT or _is_percent_code(codes.get(f, ""))}
    return percent, offsets


def _cells(kind: int, data: bytes) -> list[tuple[int, int, int | None]]:
    """(row, column, XF index or None for a value that is not a number) of the cells one record holds."""
    if kind in (_NUMBER, _RK):
        return [(_u16(data, 0), _u16(data, 2), _u16(data, 4))]
    if kind == _MULRK:
        row, first = _u16(data, 0), _u16(data, 2)
        return [(row, first + i, _u16(data, 4 + 6 * i)) for i in range((len(data) - 6) // 6)]
    if kind == _FORMULA:
        numeric = _u16(data, 12) != 0xFFFF  # a string, boolean or error result has 0xFFFF in its top bytes
        return [(_u16(data, 0), _u16(data, 2), _u16(data, 4) if numeric else None)]
    if kind in (_LABELSST, _LABEL, _BOOLERR):
        return [(_u16(data, 0), _u16(data, 2), None)]
    return []


def _sheet_cells(stream: bytes, sheet: str) -> dict[int, dict[int, bool]] | None:
    found = _globals(stream)
    if found is None or sheet not in found[1]:
        return None
    percent_xf, offsets = found
    rows: dict[int, dict[int, bool]] = {}
    for _, kind, data in _records(stream, offsets[sheet]):
        if kind == _EOF:
            break
        for row, col, xf in _cells(kind, data):
            rows.setdefault(row + 1, {})[col] = xf is not None and xf in percent_xf
    return rows
