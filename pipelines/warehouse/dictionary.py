"""The data dictionary: every warehouse table and column, written from the schema's own descriptions.

`python -m pipelines dictionary` writes DATA_DICTIONARY.md at the repository root; `--check` exits 1 when
the file is out of date (a test runs the same comparison), so the dictionary cannot drift from the schema.
"""

from __future__ import annotations

from pipelines.core.schema import Column, Table
from pipelines.marketplace.tables import VIEWS
from pipelines.warehouse.schema import ALL_TABLES

KIND_ORDER = ("dimension", "fact", "mart", "meta")
KIND_TITLES = {"dimension": "Dimensions", "fact": "Facts", "mart": "Marts", "meta": "About the build"}

HEADER = """# Data dictionary

Every table in `data/warehouse.duckdb`, generated from the schema declared in the code
(`pipelines/*/tables.py`, `pipelines/warehouse/{dim_buyer,marts,meta}`). Do not edit by hand: run
`python -m pipelines dictionary` after changing a table. The build checks every rule listed here
(`pipelines/warehouse/validate.py`) before a new warehouse replaces the old one.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rule(col: Column) -> str:
    """The column's checked rules in words."""
    parts = [] if col.nullable else ["required"]
    if col.min is not None and col.max is not None:
        parts.append(f"{col.min:g} to {col.max:g}")
    elif col.min is not None:
        parts.append(f">= {col.min:g}")
    elif col.max is not None:
        parts.append(f"<= {col.max:g}")
    if col.allowed is not None:
        parts.append("one of " + ", ".join(f"`{a}`" for a in col.allowed))
    return "; ".join(parts)


def table_section(table: Table) -> list[str]:
    lines = [f"### `{table.name}`", "", _cell(table.description), ""]
    if table.key:
        lines.append(f"- Key: {', '.join(f'`{k}`' for k in table.key)} (unique, not null)")
    for fk in table.foreign_keys:
        cols, to = ", ".join(fk.columns), ", ".join(fk.target_columns)
        lines.append(f"- References: `{cols}` -> [`{fk.table}`](#{fk.table}) (`{to}`)")
    for description, _sql in table.extra_checks:
        lines.append(f"- Check: {_cell(description)}")
    lines += ["", "| column | type | rules | description |", "|---|---|---|---|"]
    lines += [f"| `{c.name}` | {c.type} | {_cell(rule(c))} | {_cell(c.description)} |" for c in table.columns]
    return [*lines, ""]


def render(tables: tuple[Table, ...] = ALL_TABLES) -> str:
    lines = [HEADER]
    for kind in KIND_ORDER:
        of_kind = sorted((t for t in tables if t.kind == kind), key=lambda t: t.name)
        if of_kind:
            lines += [f"## {KIND_TITLES[kind]}", ""]
            for table in of_kind:
                lines += table_section(table)
    lines += ["## Views", ""]
    lines += [f"- `{name}`: every marketplace spend row in full, joined to its dimensions." for name in VIEWS]
    return "\n".join(lines).rstrip() + "\n"
