"""Third-party text (area, council, department, supplier and file names, titles, link values) on screen.

Two steps, both pure functions:

- `for_display`: the text a person reads. Control characters (NUL and the rest of C0/C1) are dropped, tabs
  and line breaks become spaces, bidi embeddings/overrides/isolates (U+202E and friends) and zero-width
  characters are dropped, so a name cannot reorder or hide the words around it; and it is cut to
  `DISPLAY_CAP` characters with an ellipsis. Grids get the same clean-up (`display_expr`), as a Polars
  expression. Downloads keep the published value, minus NUL (`export`).
- `plain`: that text made inert in Streamlit Markdown (every title, caption, alert, label and help text is
  Markdown). Every ASCII punctuation character becomes a numeric character reference (`&#42;`), which
  CommonMark always reads as a literal character: no emphasis, link, image, heading, list, code span,
  KaTeX (`$`), colour or icon directive (`:red[...]`, `:material/...:`), or HTML. Streamlit also turns bare
  URLs and e-mail addresses into links after parsing, which no escape prevents, so a WORD JOINER (U+2060,
  invisible and not a break) goes inside `http(s)://`, `www.` and after `@`.
- `md`: our own Markdown template with third-party values filled in through `plain`.

tests/dashboard/test_safe_text.py checks each rule, tests/dashboard/test_markdown_sinks.py that every
Markdown-rendering call in dashboard/ takes a constant, `md(...)` or `plain(...)`, and the hostile-warehouse
tests (AppTest and Chromium) that nothing injected becomes markup on any page.
"""

from __future__ import annotations

import re

import polars as pl

#: Longest third-party text shown (a real public body's name is under 120 characters).
DISPLAY_CAP = 160
#: Longest sentence of ours with such text in it (a headline, a notice), the last bound on a long name.
SENTENCE_CAP = 480
ELLIPSIS = "\u2026"
WORD_JOINER = "\u2060"

#: Never shown: C0 controls but tab and line breaks, DEL and C1, the Arabic letter mark, zero-width space,
#: (non-)joiners, LRM/RLM, bidi embeddings and overrides, invisible operators, isolates, and the BOM.
_INVISIBLE_CHARS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
)
#: Runs of whitespace (tabs, line and paragraph separators included) read as one space.
_SPACE_CHARS = "\t\n\r\u2028\u2029 "
INVISIBLE_PATTERN = f"[{_INVISIBLE_CHARS}]"
SPACES_PATTERN = f"[{_SPACE_CHARS}]+"
_INVISIBLE = re.compile(INVISIBLE_PATTERN)
_SPACES = re.compile(SPACES_PATTERN)
#: Every ASCII punctuation character: all of Markdown's syntax, Streamlit's directives and HTML.
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
#: Where Streamlit's bare-URL and e-mail autolinking would start: inside "http(s)://" and "www.", after "@".
_AUTOLINK_START = re.compile(r"(?i)(?<=h)(?=ttps?://)|(?<=w)(?=ww\.)|(?<=@)")


def for_display(text: object, cap: int = DISPLAY_CAP) -> str:
    """`text` as a person should read it: no control, bidi or zero-width characters, one line, capped."""
    shown = _SPACES.sub(" ", _INVISIBLE.sub("", "" if text is None else str(text))).strip()
    return shown if len(shown) <= cap else shown[: cap - 1].rstrip() + ELLIPSIS


def plain(text: object, cap: int = DISPLAY_CAP) -> str:
    """Third-party text made safe to put into Streamlit Markdown: shown as written, never markup."""
    shown = _AUTOLINK_START.sub(WORD_JOINER, for_display(text, cap))
    return _PUNCTUATION.sub(lambda m: f"&#{ord(m.group())};", shown)


def plain_sentence(text: object) -> str:
    """A sentence of ours that carries third-party text (a headline, a notice), shown as text."""
    return plain(text, SENTENCE_CAP)


def md(template: str, /, **values: object) -> str:
    """Our Markdown `template` (a literal) with each `{name}` filled in as text (`plain_sentence`: a value may
    be a sentence of ours that carries a name)."""
    return template.format_map({name: plain_sentence(value) for name, value in values.items()})


def display_expr(column: str) -> pl.Expr:
    """`for_display` for a text column of a grid, as a Polars expression (no Python per cell)."""
    col = pl.col(column).str.replace_all(INVISIBLE_PATTERN, "").str.replace_all(SPACES_PATTERN, " ").str.strip_chars()
    return (
        pl.when(col.str.len_chars() > DISPLAY_CAP)
        .then(col.str.slice(0, DISPLAY_CAP - 1).str.strip_chars_end() + ELLIPSIS)
        .otherwise(col)
        .alias(column)
    )


def html_text_expr(column: str, alias: str) -> pl.Expr:
    """`display_expr` then HTML-escaped, for a text column a pydeck HTML tooltip interpolates."""
    escaped = display_expr(column)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
        escaped = escaped.str.replace_all(char, entity, literal=True)
    return escaped.alias(alias)
