"""Every Streamlit call that renders Markdown gets text that cannot carry injected markup.

Streamlit renders titles, headers, captions, alerts, widget labels, tab and radio labels and every `help=` as
Markdown. In dashboard/ each such argument must be one of: a string literal (our words), a module constant
(UPPER_CASE, our words), `plain(...)`, `plain_sentence(...)` or `md(...)` from dashboard.safe_text, our own Markdown documents
(`content(...)`), or a combination of those; otherwise the line carries a `# markdown-safe: <why>` comment
naming where its text is escaped. An f-string or a bare variable is the mistake this test exists to catch.
The hostile-warehouse tests check the same thing at run time, on every page.
"""

from __future__ import annotations

import ast
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"

#: Streamlit functions whose first argument (label or body) is Markdown.
FIRST_ARG_SINKS = {
    "markdown", "caption", "subheader", "header", "title", "info", "warning", "error", "success", "toast",
    "button", "expander", "popover", "download_button", "link_button", "metric", "checkbox", "toggle",
    "radio", "selectbox", "multiselect", "select_slider", "slider", "text_input", "number_input", "date_input",
    "text_area", "pills", "segmented_control", "tabs", "write", "spinner", "status",
}  # fmt: skip
#: Keyword arguments that are Markdown wherever they appear.
KEYWORD_SINKS = {"help", "label", "body", "placeholder"}
#: Streamlit functions whose `text=` is Markdown (elsewhere, e.g. alt.Text, it is not).
TEXT_SINKS = {"progress", "spinner", "status"}
#: Our functions that escape their argument themselves (dashboard.components).
SELF_ESCAPING = {"headline", "link_warnings", "empty_state", "numbers_table"}
SAFE_CALLS = {"plain", "plain_sentence", "md", "content"}
PRAGMA = "# markdown-safe:"


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _safe(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str | type(None))
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(part, ast.Constant) for part in node.values)
    if isinstance(node, ast.Name | ast.Attribute):
        name = _name(node)
        return name.isupper() or (name.lstrip("_").isupper() and len(name) > 1)
    if isinstance(node, ast.Call):
        if _name(node.func) in SAFE_CALLS:
            return True
        return _name(node.func) == "list" and len(node.args) == 1 and _safe(node.args[0])
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _safe(node.left) and _safe(node.right)
    if isinstance(node, ast.IfExp):
        return _safe(node.body) and _safe(node.orelse)
    if isinstance(node, ast.List | ast.Tuple):
        return all(_safe(element) for element in node.elts)
    return False


def _streamlit_call(call: ast.Call) -> str | None:
    """The sink's name when `call` is st.<sink>(...) or <column/container>.<sink>(...)."""
    name = _name(call.func)
    if isinstance(call.func, ast.Attribute) and name in FIRST_ARG_SINKS:
        return name
    return None


def unsafe_markdown(path: Path) -> list[str]:
    source = path.read_text()
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _name(node.func) in SELF_ESCAPING:
            continue
        args: list[ast.AST] = []
        if _streamlit_call(node) and node.args:
            args.append(node.args[0])
        args += [kw.value for kw in node.keywords if kw.arg in KEYWORD_SINKS]
        if _name(node.func) in TEXT_SINKS:
            args += [kw.value for kw in node.keywords if kw.arg == "text"]
        for arg in args:
            span = lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
            if not _safe(arg) and not any(PRAGMA in line for line in span):
                found.append(f"{path.relative_to(DASHBOARD.parent)}:{arg.lineno}: {ast.unparse(arg)[:90]}")
    return found


def test_every_markdown_argument_is_escaped_or_ours() -> None:
    found = [problem for path in sorted(DASHBOARD.rglob("*.py")) for problem in unsafe_markdown(path)]
    assert found == [], "Markdown built from unescaped text (use safe_text.plain/md):\n" + "\n".join(found)


def test_the_check_catches_an_f_string_and_a_variable(tmp_path: Path) -> None:
    """The rule itself: an f-string or a variable into a sink is caught; plain/md/literals/constants are not."""
    sample = DASHBOARD / "_probe_for_test.py"
    sample.write_text(
        "import streamlit as st\n"
        "name = 'x'\n"
        "st.caption(f'Filters: {name}')\n"
        "st.info(name)\n"
        "st.markdown(md('**{n}**', n=name))\n"
        "st.subheader(plain(name))\n"
        "st.caption('ours' + plain(name))\n"
        "st.warning(NOTE)\n"
        "st.button('Go', help=name)\n"
        "st.info(name)  # markdown-safe: escaped where it is built\n"
    )
    try:
        found = unsafe_markdown(sample)
    finally:
        sample.unlink()
    assert [line.split(":")[1] for line in found] == ["3", "4", "9"]
