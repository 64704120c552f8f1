"""Decoding raw files: encodings, byte-order marks, line endings, undecodable bytes."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.core.textio import (
    UnreadableFileError,
    decode_mixed,
    prepare_csv,
    read_head,
    read_text,
    read_text_replacing,
)


def _read(prepared) -> list[str]:
    return pl.read_csv(prepared.path, infer_schema=False)["b"].to_list()


@pytest.mark.parametrize(
    ("raw", "encoding", "endings", "rewritten"),
    [
        (b"a,b\n1,\xc2\xa35\n", "utf-8", "LF", False),
        (b"a,b\r\n1,\xc2\xa35\r\n", "utf-8", "CRLF", False),
        (b"\xef\xbb\xbfa,b\r\n1,\xc2\xa35\r\n", "utf-8-sig", "CRLF", False),
        (b"a,b\r1,\xa35\r", "windows-1252", "CR", True),
        (b"a,b\r\n1,\xa35\n", "windows-1252", "mixed", True),
        (b"a,b\r1,\xc2\xa35\r", "utf-8", "CR", True),
    ],
)
def test_every_published_encoding_reads_as_pound_sign(
    tmp_path: Path, raw: bytes, encoding: str, endings: str, rewritten: bool
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(raw)
    prepared = prepare_csv(path, tmp_path / "work")
    assert (prepared.encoding, prepared.line_endings, prepared.rewritten) == (encoding, endings, rewritten)
    assert _read(prepared) == ["£5"]
    assert prepared.bad_lines == []


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("a,b\r\n1,£5\r\n".encode("utf-16"))
    prepared = prepare_csv(path, tmp_path / "work")
    assert prepared.encoding == "utf-16"
    assert _read(prepared) == ["£5"]


def test_windows_1252_bytes_inside_a_utf8_file_are_decoded_per_line(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n1,\xc2\xa35\n2,\xa36\n")
    prepared = prepare_csv(path, tmp_path / "work")
    assert prepared.encoding == "mixed utf-8/windows-1252"
    assert _read(prepared) == ["£5", "£6"]


def test_bytes_in_no_encoding_are_reported_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n1,ok\n2,bad\x81byte\n")
    prepared = prepare_csv(path, tmp_path / "work")
    assert [b.line for b in prepared.bad_lines] == [3]
    assert "0x81" in prepared.bad_lines[0].detail


def test_head_detects_json_jsonl_and_empty(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('[{"id": 1}]')
    (tmp_path / "b.jsonl").write_text('{"id": 1}\n{"id": 2}\n')
    (tmp_path / "c.csv").write_text("  \n")
    assert read_head(tmp_path / "a.json").kind == "json"
    assert read_head(tmp_path / "b.jsonl").kind == "jsonl"
    assert read_head(tmp_path / "c.csv").kind == "empty"


def test_find_header_skips_banner_rows(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"Central Government Spend 2019/20\r\n,,\r\nDepartment,Total\r\nCO,1\r\n")
    found = read_head(path).find_header({"department", "total"})
    assert found == (2, ["Department", "Total"])


def test_read_text_names_the_line_of_an_undecodable_byte(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_bytes(b'{"a":\n "\x81"}')
    with pytest.raises(UnreadableFileError, match="line 2"):
        read_text(path)


def test_decode_mixed_keeps_utf8_reads_other_bytes_as_cp1252_and_replaces_the_rest() -> None:
    text, offsets = decode_mixed("caf\u00e9 \u2019".encode() + b" \xe9 \x81 \x9d")
    assert text == "caf\u00e9 \u2019 \u00e9 \ufffd \ufffd"
    assert offsets == [12, 14]


def test_read_text_replacing_reads_what_read_text_refuses_and_says_where(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_bytes(b'\xef\xbb\xbf{"a":\r\n "\x81",\r\n "b": "\x90"}')
    text, notes = read_text_replacing(path)
    assert text == '{"a":\n "\ufffd",\n "b": "\ufffd"}'
    assert notes == [
        "f.json: 2 byte(s) (0x81, 0x90) fit neither UTF-8 nor Windows-1252 and were read as U+FFFD (\ufffd),"
        " on line(s) 2, 3"
    ]
    clean = tmp_path / "g.json"
    clean.write_bytes(b'{"a": "\xe9"}')  # Windows-1252 throughout: read as before, no note
    assert read_text_replacing(clean) == ('{"a": "\u00e9"}', [])
