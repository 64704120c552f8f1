"""safe_text: one rule per test. Rendering is checked in Chromium (tests/browser/test_hostile.py)."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.safe_text import (
    DISPLAY_CAP,
    ELLIPSIS,
    SENTENCE_CAP,
    WORD_JOINER,
    display_expr,
    for_display,
    md,
    plain,
    plain_sentence,
)
from tests.dashboard.conftest import as_read


@pytest.mark.parametrize(
    "hostile",
    [
        "![p](http://127.0.0.1:9/x.png)",
        "[link](http://evil.example)",
        "**bold** _em_ ~~gone~~",
        "$x^2$ and $$y$$",
        ":red[alarm] :blue-background[x] :orange-badge[y]",
        ":material/bug_report: :smile:",
        "`code` and ``more``",
        "<img src=x onerror=alert(1)> &amp; &#58;",
        "# heading",
        "1. list",
        "> quote",
        "| a | b |",
        "a\\*b",
    ],
)
def test_every_ascii_punctuation_mark_becomes_a_character_reference(hostile: str) -> None:
    escaped = plain(hostile)
    assert not any(ch in escaped for ch in "!\"$'()*+-./:<=>?@[\\]^_`{|}~"), escaped
    assert as_read(escaped) == hostile  # shown exactly as written


@pytest.mark.parametrize(
    ("hostile", "broken"),
    [
        ("see http://127.0.0.1:9/x", "h" + WORD_JOINER + "ttp"),
        ("HTTPS://evil.example", "H" + WORD_JOINER + "TTPS"),
        ("www.evil.example", "w" + WORD_JOINER + "ww"),
        ("someone@evil.example", "&#64;" + WORD_JOINER),
    ],
)
def test_bare_urls_and_addresses_are_broken_so_streamlit_cannot_autolink_them(hostile: str, broken: str) -> None:
    """Streamlit links bare URLs after parsing, whatever the escaping: a word joiner stops its pattern."""
    assert broken in plain(hostile)
    assert as_read(plain(hostile)) == hostile


def test_control_bidi_and_zero_width_characters_are_dropped() -> None:
    hostile = "Leeds\x00 City\u202e Council\u200b\u200d\ufeff\u2066x\u2069\x1b[31m"
    assert for_display(hostile) == "Leeds City Councilx[31m"


def test_line_breaks_and_tabs_read_as_one_space() -> None:
    assert for_display("  Greater\r\n\n Manchester\tCA \u2028 ") == "Greater Manchester CA"


def test_a_long_name_is_cut_with_an_ellipsis() -> None:
    shown = for_display("x" * 10_000)
    assert len(shown) == DISPLAY_CAP and shown.endswith(ELLIPSIS)
    assert len(as_read(plain_sentence("y" * 10_000))) == SENTENCE_CAP
    assert for_display("x" * DISPLAY_CAP) == "x" * DISPLAY_CAP


def test_none_is_empty() -> None:
    assert plain(None) == "" and for_display(None) == ""


def test_md_fills_values_as_text_and_keeps_our_markdown() -> None:
    out = md("**Focused on {name}** ({count})", name="**x** ![i](http://h/i.png)", count=1_234)
    assert out.startswith("**Focused on ") and "**x**" not in out and "![i](" not in out
    assert as_read(out) == "**Focused on **x** ![i](http://h/i.png)** (1234)"


def test_grid_cleanup_matches_the_text_rule() -> None:
    values = ["a\x00b\u202ec", " two\n lines ", "z" * 500, None, "Leeds"]
    frame = pl.DataFrame({"name": values}).with_columns(display_expr("name"))
    assert frame["name"].to_list() == [None if v is None else for_display(v) for v in values]
