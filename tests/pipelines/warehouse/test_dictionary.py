"""The data dictionary is generated from the schema and kept current."""

from __future__ import annotations

from pathlib import Path

from pipelines.__main__ import main
from pipelines.config import DATA_DICTIONARY_PATH
from pipelines.core.schema import Column, Table, references
from pipelines.warehouse.dictionary import render, rule
from pipelines.warehouse.schema import ALL_TABLES


def test_the_committed_dictionary_is_current() -> None:
    assert DATA_DICTIONARY_PATH.read_text(encoding="utf-8") == render(), "run: python -m pipelines dictionary"


def test_every_table_and_column_is_described() -> None:
    text = render()
    for table in ALL_TABLES:
        assert f"### `{table.name}`" in text
        for col in table.columns:
            assert col.description.strip(), f"{table.name}.{col.name} has no description"
            assert f"| `{col.name}` | {col.type} |" in text


def test_rules_are_written_in_words() -> None:
    assert rule(Column("x", "DOUBLE", "d", nullable=False, min=0, max=100)) == "required; 0 to 100"
    assert rule(Column("k", "VARCHAR", "d", allowed=("a", "b"))) == "one of `a`, `b`"
    assert rule(Column("n", "BIGINT", "d", min=1)) == ">= 1"


def test_keys_and_references_are_listed() -> None:
    table = Table(
        name="t",
        description="a | table",
        key=("id",),
        columns=(Column("id", "BIGINT", "key"), Column("p", "VARCHAR", "parent")),
        foreign_keys=(references("parent", "p", to=("code",)),),
    )
    text = render((table,))
    assert "- Key: `id` (unique, not null)" in text
    assert "- References: `p` -> [`parent`](#parent) (`code`)" in text
    assert "a \\| table" in text


def test_check_flag_reports_a_stale_file(tmp_path: Path) -> None:
    out = tmp_path / "DICT.md"
    assert main(["dictionary", "--out", str(out), "--check"]) == 1
    assert main(["dictionary", "--out", str(out)]) == 0
    assert main(["dictionary", "--out", str(out), "--check"]) == 0
