"""The layout's rules, checked on the code itself: domains do not reach into each other, core into none."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipelines.config import ROOT

PIPELINES = ROOT / "pipelines"
DOMAINS = ("marketplace", "sme_spend", "geography", "organisations", "ministers", "notices")
SHARED = ("pipelines.config", "pipelines.core", "pipelines.reference")


def imports(path: Path) -> set[str]:
    """Every module a file imports (absolute names), top level or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "pipelines" or name.startswith("pipelines.")}


def owner(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_domain_imports_only_itself_and_the_shared_core(domain: str) -> None:
    bad = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (PIPELINES / domain).rglob("*.py")
        for name in imports(path)
        if owner(name) != domain and not name.startswith(SHARED) and name != "pipelines"
    }
    assert not bad, "cross-domain joins belong in pipelines/warehouse: " + "; ".join(sorted(bad))


def test_core_imports_no_domain_and_no_warehouse() -> None:
    bad = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (PIPELINES / "core").rglob("*.py")
        for name in imports(path)
        if not name.startswith(("pipelines.core", "pipelines.config")) and name != "pipelines"
    }
    assert not bad


def test_every_domain_has_its_formats_tables_and_sample() -> None:
    for domain in DOMAINS:
        modules = {p.stem for p in (PIPELINES / domain).glob("*.py")}
        assert {"tables", "sample", "__init__"} <= modules, domain
        assert modules - {"tables", "sample", "__init__"}, f"{domain} has no module reading its published formats"


def test_no_module_or_folder_calls_the_schema_a_contract() -> None:
    """'Contract' is a procurement word here (Contracts Finder, contracts expiring); the schema is the schema."""
    schema_places = [ROOT / "pipelines" / "core", ROOT / "pipelines" / "warehouse", ROOT / "tests" / "pipelines"]
    named = [p for place in schema_places for p in place.rglob("*contract*") if "notices" not in p.parts]
    assert named == []
    assert not list((ROOT / "pipelines").glob("contract*")), "the schema lives in pipelines/warehouse/schema.py"
