"""Reading raw text files the way publishers actually write them.

Published CSVs come as UTF-8 (with or without a byte-order mark), Windows-1252, now
and then UTF-16, with LF, CRLF or old-Mac CR-only line endings, sometimes mixed.
Polars reads UTF-8 with LF or CRLF directly; everything else is rewritten once,
in streaming chunks, to a UTF-8/LF copy in the build's work folder. Lines whose
bytes fit neither UTF-8 nor Windows-1252 are remembered so the row can be rejected
with its line number instead of being silently mangled.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipelines.core.sheets import ZIP_MAGIC, SheetHead, WorkbookError, read_heads, workbook_kind

HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 8 * 1024 * 1024

UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class UnreadableFileError(Exception):
    """The file cannot be read at all (the build names it and says why)."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None, column: str | None = None):
        self.path = Path(path)
        self.reason = reason
        self.line = line
        self.column = column
        where = f"{self.path.name}"
        if line is not None:
            where += f", line {line}"
        if column:
            where += f", column {column!r}"
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class BadLine:
    """A physical line (1-based, after newline normalisation) whose bytes could not be decoded."""

    line: int
    text: str  # decoded with U+FFFD replacement characters
    detail: str  # e.g. "byte 0x81 at character 17 is not valid UTF-8 or Windows-1252"


@dataclass
class PreparedText:
    """A UTF-8, LF-terminated file Polars can scan, plus what was found on the way."""

    path: Path  # the file to scan (the original when it was already clean)
    encoding: str  # utf-8 | utf-8-sig | windows-1252 | mixed utf-8/windows-1252 | utf-16
    line_endings: str  # LF | CRLF | CR | mixed | none
    rewritten: bool
    bad_lines: list[BadLine] = field(default_factory=list)


@dataclass(frozen=True)
class Head:
    """The first bytes of a raw file, decoded, for format detection."""

    path: Path
    kind: str  # empty | json | jsonl | text | spreadsheet | binary (a ZIP that is no workbook)
    encoding: str  # for a spreadsheet: xlsx | xls | ods
    text: str
    lines: list[str]
    #: A spreadsheet's sheets, each with its first rows (empty for every other kind).
    sheets: tuple[SheetHead, ...] = ()
    #: Why a spreadsheet could not be opened, or what a binary file is ('' otherwise).
    problem: str = ""

    def sheet(self, name: str) -> SheetHead | None:
        """The sheet called `name` (case and surrounding spaces ignored), if the workbook has one."""
        return next((s for s in self.sheets if s.name.strip().lower() == name.strip().lower()), None)

    def csv_rows(self, limit: int = 12) -> list[list[str]]:
        """The first `limit` physical lines parsed as CSV (ragged, unquoted newlines ignored)."""
        rows: list[list[str]] = []
        for line in self.lines[:limit]:
            try:
                rows.extend(csv.reader([line]))
            except csv.Error:
                rows.append([line])
        return rows

    def find_header(self, required: set[str], max_lines: int = 10) -> tuple[int, list[str]] | None:
        """Index (0-based physical line) and cells of the first line containing all `required` names.

        Matching ignores case and surrounding whitespace so a header with trailing spaces
        is still recognised.
        """
        want = {r.strip().lower() for r in required}
        for idx, row in enumerate(self.csv_rows(max_lines)):
            cells = {c.strip().lower() for c in row}
            if want <= cells:
                return idx, [c.strip() for c in row]
        return None

    def json(self) -> object | None:
        """The whole file parsed as JSON (only for kind == 'json'); None when it does not parse."""
        if self.kind != "json":
            return None
        try:
            return json.loads(read_text(self.path))
        except (ValueError, UnreadableFileError):
            return None

    def first_json_line(self) -> object | None:
        if self.kind != "jsonl":
            return None
        for line in self.lines:
            if line.strip():
                try:
                    return json.loads(line)
                except ValueError:
                    return None
        return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def snapshot(path: Path, dest: Path) -> str:
    """Copy `path` to `dest`, hashing the bytes as they are copied; return their SHA-256.

    The build reads a raw file's bytes this once, then parses `dest`: what is hashed is exactly what is
    parsed, even if the publisher's copy is appended to or rewritten meanwhile. Opened without blocking,
    so a named pipe put in the file's place fails at once instead of waiting for a writer.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(fd, "rb") as src:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnreadableFileError(path, "not a regular file (a named pipe, device or socket)")
        digest = hashlib.sha256()
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "wb") as dst:
            for chunk in iter(lambda: src.read(CHUNK_BYTES), b""):
                digest.update(chunk)
                dst.write(chunk)
    return digest.hexdigest()


def _sniff_encoding(raw: bytes) -> str:
    if raw.startswith(UTF8_BOM):
        return "utf-8-sig"
    if raw.startswith(UTF16_BOMS):
        return "utf-16"
    # UTF-16 without BOM: every other byte NUL in ASCII text (odd bytes little-endian, even bytes big-endian).
    if len(raw) >= 4 and raw[1:40:2].count(0) > 10:
        return "utf-16-le"
    if len(raw) >= 4 and raw[0:40:2].count(0) > 10:
        return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(raw, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "windows-1252"


def _decode_lenient(raw: bytes, encoding: str) -> str:
    if encoding.startswith("utf-16"):
        return raw.decode(encoding, errors="replace")
    return codecs.getincrementaldecoder(encoding)("replace").decode(raw, final=False)


def read_head(path: Path) -> Head:
    """Read and decode the first 64 KiB of `path` for format detection (a workbook: the first rows of its sheets)."""
    with open(path, "rb") as fh:
        raw = fh.read(HEAD_BYTES)
    if not raw.strip():
        return Head(path=path, kind="empty", encoding="", text="", lines=[])
    workbook = workbook_kind(path, raw[:8])
    if workbook is not None:
        return _workbook_head(path, workbook)
    if raw.startswith(ZIP_MAGIC):
        why = "a ZIP archive that is not an XLSX or ODS workbook, or a damaged one (it cannot be opened as either)"
        return Head(path=path, kind="binary", encoding="", text="", lines=[], problem=why)
    encoding = _sniff_encoding(raw)
    text = _decode_lenient(raw, encoding)
    text = text.lstrip("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    window_full = len(raw) == HEAD_BYTES
    if window_full and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut by the 64 KiB window
    stripped = text.lstrip()
    kind = "text"
    if stripped.startswith("["):
        kind = "json"
    elif stripped.startswith("{"):
        first = next((ln for ln in lines if ln.strip()), "")
        try:
            json.loads(first)
            kind = "jsonl"
        except ValueError:
            kind = "json"
    if kind == "text" and window_full and "\n" not in text and "\r" not in text:
        lines = []  # no line break in 64 KiB: the first line is cut, so it cannot be read as a header
    return Head(path=path, kind=kind, encoding=encoding, text=text, lines=lines)


def _workbook_head(path: Path, kind: str) -> Head:
    """A spreadsheet's head: the first rows of each sheet, or why the workbook cannot be opened."""
    try:
        sheets = read_heads(path)
    except WorkbookError as exc:
        return Head(path=path, kind="spreadsheet", encoding=kind, text="", lines=[], problem=str(exc))
    return Head(path=path, kind="spreadsheet", encoding=kind, text="", lines=[], sheets=sheets)


def read_json(path: Path) -> object:
    """The whole file parsed as JSON, or UnreadableFileError naming the line where it breaks."""
    try:
        return json.loads(read_text(path))
    except ValueError as exc:
        raise UnreadableFileError(
            path, f"not valid JSON: {getattr(exc, 'msg', exc)}", line=getattr(exc, "lineno", None)
        ) from None


def read_text(path: Path) -> str:
    """The whole file as text (UTF-8, UTF-8 BOM, UTF-16 or Windows-1252), newlines as \\n.

    For JSON and small reference files. Raises UnreadableFileError naming the line
    when bytes fit no supported encoding.
    """
    raw = Path(path).read_bytes()
    encoding = _sniff_encoding(raw[:HEAD_BYTES])
    if encoding.startswith("utf-16"):
        text = raw.decode(encoding, errors="strict")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError as exc:
                line = raw[: exc.start].count(b"\n") + 1
                raise UnreadableFileError(
                    path, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8 or Windows-1252", line=line
                ) from None
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


class _Undecodable:
    """Offsets of the bytes the 'cp1252-or-replace' handler could not decode, per thread."""

    local = threading.local()

    @classmethod
    def handler(cls, exc: UnicodeError) -> tuple[str, int]:
        if not isinstance(exc, UnicodeDecodeError):
            raise exc
        byte = exc.object[exc.start : exc.start + 1]
        try:
            return byte.decode("cp1252"), exc.start + 1
        except UnicodeDecodeError:
            cls.local.offsets.append(exc.start)
            return "\ufffd", exc.start + 1


codecs.register_error("cp1252-or-replace", _Undecodable.handler)


def decode_mixed(raw: bytes) -> tuple[str, list[int]]:
    """UTF-8 where the bytes are UTF-8, each other byte as Windows-1252, and a byte that is neither (0x81, 0x8D,
    0x8F, 0x90, 0x9D) as U+FFFD; with the offsets of those replaced bytes."""
    _Undecodable.local.offsets = []
    try:
        text = raw.decode("utf-8", errors="cp1252-or-replace")
        return text, list(_Undecodable.local.offsets)
    finally:
        _Undecodable.local.offsets = []


def read_text_replacing(path: Path) -> tuple[str, list[str]]:
    """The whole file as `read_text` gives it, except that bytes fitting neither UTF-8 nor Windows-1252 become
    U+FFFD instead of failing the file; with a note naming the file and the lines where that happened.

    For publishers whose bodies are known to carry such bytes (Contracts Finder): one bad byte in a notice
    should not lose the other notices of the file.
    """
    try:
        return read_text(path), []
    except UnreadableFileError as exc:
        if "is not valid UTF-8 or Windows-1252" not in exc.reason:
            raise
    raw = Path(path).read_bytes()
    text, offsets = decode_mixed(raw[3:] if raw.startswith(UTF8_BOM) else raw)
    skip = 3 if raw.startswith(UTF8_BOM) else 0
    lines = sorted({raw.count(b"\n", 0, offset + skip) + 1 for offset in offsets})
    shown = ", ".join(str(n) for n in lines[:10]) + (f" and {len(lines) - 10:,} more" if len(lines) > 10 else "")
    bytes_seen = sorted({f"0x{raw[offset + skip]:02x}" for offset in offsets})
    note = (
        f"{Path(path).name}: {len(offsets):,} byte(s) ({', '.join(bytes_seen)}) fit neither UTF-8 nor Windows-1252"
        f" and were read as U+FFFD (\ufffd), on line(s) {shown}"
    )
    return text.replace("\r\n", "\n").replace("\r", "\n"), [note]


def _line_endings(crlf: int, lone_cr: int, lone_lf: int) -> str:
    kinds = [name for name, n in (("CRLF", crlf), ("CR", lone_cr), ("LF", lone_lf)) if n]
    if not kinds:
        return "none"
    return kinds[0] if len(kinds) == 1 else "mixed"


def _count_endings(chunk: bytes) -> tuple[int, int, int]:
    """(CRLF, lone CR, lone LF) counts; only whether each is non-zero matters to callers.

    A chunk without CR (the usual LF file) is settled by one memchr; otherwise numpy
    counts in a few vector passes (bytes.count of a two-byte pattern is several times slower).
    """
    if chunk.find(b"\r") < 0:
        return 0, 0, 1 if chunk.find(b"\n") >= 0 else 0
    a = np.frombuffer(chunk, dtype=np.uint8)
    cr_at = np.flatnonzero(a == 13)
    after = cr_at + 1
    crlf = int(np.count_nonzero(a[after[after < a.size]] == 10))
    return crlf, int(cr_at.size) - crlf, int(np.count_nonzero(a == 10)) - crlf


def _read_chunks(path: Path):
    """Yield byte chunks that never split a CRLF pair."""
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(CHUNK_BYTES)
            if not chunk:
                return
            if chunk.endswith(b"\r"):
                chunk += fh.read(1)
            yield chunk


def prepare_csv(path: Path, workdir: Path) -> PreparedText:
    """Return a UTF-8/LF view of `path` for Polars, rewriting only when needed."""
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    sniffed = _sniff_encoding(head)
    if sniffed.startswith("utf-16"):
        return _rewrite_utf16(path, workdir, sniffed)

    # Pass 1: is it valid UTF-8, and which line endings does it use?
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_ok = True
    crlf = lone_cr = lone_lf = 0
    for chunk in _read_chunks(path):
        a, b, c = _count_endings(chunk)
        crlf, lone_cr, lone_lf = crlf + a, lone_cr + b, lone_lf + c
        if utf8_ok and (not chunk.isascii() or decoder.getstate()[0]):
            # ASCII chunks (most of a typical file) need no decoding; the check is C-fast.
            try:
                decoder.decode(chunk, final=False)
            except UnicodeDecodeError:
                utf8_ok = False
    if utf8_ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    endings = _line_endings(crlf, lone_cr, lone_lf)
    if utf8_ok and lone_cr == 0:
        enc = "utf-8-sig" if head.startswith(UTF8_BOM) else "utf-8"
        return PreparedText(path=path, encoding=enc, line_endings=endings, rewritten=False)
    return _rewrite_8bit(path, workdir, utf8_ok, endings)


def _target(path: Path, workdir: Path) -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    return workdir / f"{path.stem}.{digest}.utf8.csv"


def _rewrite_8bit(path: Path, workdir: Path, utf8_ok: bool, endings: str) -> PreparedText:
    out_path = _target(path, workdir)
    bad: list[BadLine] = []
    used: set[str] = set()
    line_no = 0
    carry = b""
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        for chunk in _read_chunks(path):
            data = carry + chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            if utf8_ok:
                cut = data.rfind(b"\n") + 1
                out.write(data[:cut].decode("utf-8"))
                line_no += data.count(b"\n", 0, cut)
                carry = data[cut:]
                continue
            pieces = data.split(b"\n")
            carry = pieces.pop()
            for piece in pieces:
                line_no += 1
                out.write(_decode_line(piece, line_no, bad, used))
                out.write("\n")
        if carry:
            if utf8_ok:
                out.write(carry.decode("utf-8"))
            else:
                out.write(_decode_line(carry, line_no + 1, bad, used))
    if utf8_ok:
        with open(path, "rb") as fh:
            encoding = "utf-8-sig" if fh.read(3) == UTF8_BOM else "utf-8"
    elif used <= {"windows-1252", "ascii"}:
        encoding = "windows-1252"
    else:
        encoding = "mixed utf-8/windows-1252"
    _strip_bom(out_path)
    return PreparedText(path=out_path, encoding=encoding, line_endings=endings, rewritten=True, bad_lines=bad)


def _decode_line(piece: bytes, line_no: int, bad: list[BadLine], used: set[str]) -> str:
    if piece.isascii():
        used.add("ascii")
        return piece.decode("ascii")
    try:
        text = piece.decode("utf-8")
        used.add("utf-8")
        return text
    except UnicodeDecodeError:
        pass
    try:
        text = piece.decode("cp1252")
        used.add("windows-1252")
        return text
    except UnicodeDecodeError as exc:
        text = piece.decode("cp1252", errors="replace")
        bad.append(
            BadLine(
                line=line_no,
                text=text,
                detail=f"byte 0x{piece[exc.start]:02x} at character {exc.start + 1} is not valid UTF-8 or Windows-1252",
            )
        )
        return text


def _rewrite_utf16(path: Path, workdir: Path, encoding: str) -> PreparedText:
    out_path = _target(path, workdir)
    decoder = codecs.getincrementaldecoder("utf-16" if encoding == "utf-16" else encoding)("replace")
    crlf = lone_cr = lone_lf = 0
    pending_cr = False
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        for chunk in _read_chunks(path):
            text = decoder.decode(chunk, final=False)
            if pending_cr:
                text = "\r" + text
                pending_cr = False
            if text.endswith("\r"):
                text, pending_cr = text[:-1], True
            a = text.count("\r\n")
            crlf += a
            lone_cr += text.count("\r") - a
            lone_lf += text.count("\n") - a
            out.write(text.replace("\r\n", "\n").replace("\r", "\n"))
        tail = decoder.decode(b"", final=True) + ("\r" if pending_cr else "")
        out.write(tail.replace("\r", "\n"))
    _strip_bom(out_path)
    return PreparedText(
        path=out_path, encoding="utf-16", line_endings=_line_endings(crlf, lone_cr, lone_lf), rewritten=True
    )


def _strip_bom(path: Path) -> None:
    with open(path, "rb") as fh:
        start = fh.read(3)
    if start != UTF8_BOM:
        return
    tmp = path.with_suffix(".nobom")
    with open(path, "rb") as src, open(tmp, "wb") as dst:
        src.seek(3)
        for chunk in iter(lambda: src.read(CHUNK_BYTES), b""):
            dst.write(chunk)
    tmp.replace(path)


def field_of_bad_char(text: str, header: list[str]) -> str | None:
    """Which CSV column of `header` holds the first U+FFFD in a decoded line."""
    try:
        cells = next(csv.reader(io.StringIO(text)))
    except (csv.Error, StopIteration):
        return None
    for idx, cell in enumerate(cells):
        if "\ufffd" in cell:
            return header[idx] if idx < len(header) else f"field {idx + 1}"
    return None
