"""A hostile warehouse: every third-party name in it comes from a corpus of strings that would become markup
(images, links, emphasis, headings, KaTeX, colour and icon directives, code spans, HTML, autolinks) or hide and
reorder text (NUL, bidi overrides, zero-width characters, line breaks, a 10,000-character name).

`make_hostile(src, out)` copies a warehouse built by the real pipeline and rewrites every text column that
holds a publisher's words (names, titles, descriptions, file names, messages) through one mapping, so equal
values stay equal (names that join still join) and distinct values stay distinct; codes, years and our own
categories are untouched, so every page still has something to draw. Each payload carries a marker
(ZQX00, ZQX01, ...), which lets a test find where it is shown and check it is shown as written.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb

from dashboard.safe_text import for_display

#: (marker, payload). Every payload is shown exactly as `for_display` leaves it, or not at all.
CORPUS: tuple[tuple[str, str], ...] = tuple(
    (f"ZQX{k:02d}", text.replace("{m}", f"ZQX{k:02d}"))
    for k, text in enumerate(
        [
            "{m} ![img](http://127.0.0.1:9/{m}.png)",
            "{m} [a link](http://127.0.0.1:9/{m})",
            "**{m} bold** _em_ ~~struck~~",
            "{m} $x^2$ katex $$y$$",
            "{m} :red[coloured] :blue-background[bg] :orange-badge[badge]",
            "{m} :material/bug_report: :smile: icon",
            "{m} `code` span ``more``",
            "{m} <b>tag</b> <img src=x onerror=alert(1)> &amp; &#58;",
            "# {m} heading",
            '=HYPERLINK("http://127.0.0.1:9/{m}","{m} click")',
            "{m} www.evil.example mail@evil.example https://127.0.0.1:9/{m}",
            "{m}\u202e reversed\u200b zero\x00 nul\u2066 isolate\u2069",
            "{m} line\nbreak\n\n## and a heading\n- item",
            "{m} | a | b |\n|---|---|",
            "1. {m} list > quote \\*escaped\\*",
        ]
    )
)
#: A name far longer than any real one; shown cut, never whole.
LONG_MARKER = "ZQXLONG"
LONG_NAME = LONG_MARKER + " " + "long " * 2_000

#: Columns that hold a publisher's words (or a file's name or a message quoting it), in any table.
TEXT_COLUMNS = frozenset(
    {
        "area_name", "buyer_name", "display_name", "org_name", "current_org_name", "region_name", "ca_name",
        "department_name", "council_name", "official_name", "description", "lad_name", "name", "role_title",
        "responsibilities_text", "current_holder", "source_file", "title", "abbreviation", "lot_name",
        "supplier_name", "supplier_name_raw", "supplier_names", "person_name", "post_name", "organisation_name",
        "lineage_name", "series_name", "release_file", "kept_file", "superseded_file", "superseded_by",
        "file_name", "rel_path", "message", "value", "raw_dir", "customer_name",
    }
)  # fmt: skip


def payload(index: int) -> str:
    """The hostile text for the index-th distinct value (every 40th is the long name)."""
    if index % 40 == 39:
        return f"{LONG_NAME}{index}"
    return f"{CORPUS[index % len(CORPUS)][1]} n{index}"


def make_hostile(src: Path, out: Path) -> dict[str, int]:
    """Copy `src` to `out` and rewrite its third-party text; return {table.column: values rewritten}."""
    shutil.copyfile(src, out)
    con = duckdb.connect(str(out))
    try:
        columns = con.execute(
            """SELECT c.table_name, c.column_name FROM information_schema.columns c
               JOIN information_schema.tables t USING (table_schema, table_name)
               WHERE t.table_type = 'BASE TABLE' AND c.data_type = 'VARCHAR' ORDER BY 1, 2"""
        ).fetchall()
        # Identifiers come from the warehouse's own catalogue, filtered by TEXT_COLUMNS, never from data.
        chosen = [(t, c) for t, c in columns if c in TEXT_COLUMNS]
        union = " UNION ".join(f'SELECT "{c}" AS old FROM "{t}" WHERE "{c}" IS NOT NULL' for t, c in chosen)  # noqa: S608
        olds = [row[0] for row in con.execute(f"SELECT DISTINCT old FROM ({union}) ORDER BY old").fetchall()]  # noqa: S608
        con.execute("CREATE TEMP TABLE hostile_map (old VARCHAR PRIMARY KEY, new VARCHAR)")
        con.executemany("INSERT INTO hostile_map VALUES (?, ?)", [(old, payload(i)) for i, old in enumerate(olds)])
        counts = {}
        for table, column in chosen:
            counts[f"{table}.{column}"] = con.execute(
                f'UPDATE "{table}" SET "{column}" = m.new FROM hostile_map m WHERE "{table}"."{column}" = m.old'  # noqa: S608
            ).fetchall()[0][0]
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return counts


def unescaped(body: str) -> list[str]:
    """Markers of payloads that reach a Markdown `body` as written (with their punctuation), not escaped."""
    return [
        marker
        for marker, text in CORPUS
        if marker in body and re.search(r"[!-/:-@\[-`{-~]", for_display(text)) and for_display(text) in body
    ]


def shown_as_written(text: str) -> list[str]:
    """Problems in `text` (what a reader sees, character references decoded): a payload whose marker is there
    but whose characters around it are not, i.e. it was rendered as markup rather than shown. A payload cut
    by a length cap (an ellipsis) counts as shown when what is left of it is as written."""
    from dashboard.safe_text import ELLIPSIS

    problems = []
    for marker, text_of in CORPUS:
        expected = for_display(text_of)
        offset = expected.index(marker)
        at = text.find(marker)
        while at >= 0:
            start = at - offset
            shown = text[max(start, 0) : start + len(expected)]
            cut = shown.split(ELLIPSIS)[0]
            if start < 0 or not (shown == expected or (ELLIPSIS in shown and expected.startswith(cut))):
                problems.append(f"{marker}: expected {expected!r}, shown {text[max(at - 40, 0) : at + 80]!r}")
            at = text.find(marker, at + len(marker) + len(expected))
    return problems
