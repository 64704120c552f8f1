"""Fixtures for the hostile-input suite: one small valid raw folder and the warehouse built from it.

Also collects what each bad-input case ended as, and how many hypothesis examples ran, and prints
both at the end of the session (pytest's terminal summary), so the report reads as the corpus.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

#: Lines kept of each sample marketplace file (header included): enough to exercise every layout.
BASE_MARKETPLACE_LINES = 150
BASE_OCDS_LINES = 20
BASE_SME_YEAR = "2019-20"

#: case id -> (expected, what happened); filled by test_bad_inputs.
CASE_OUTCOMES: dict[str, tuple[str, str]] = {}
#: property test name -> examples run; filled by test_properties.
HYPOTHESIS_EXAMPLES: Counter[str] = Counter()


def _keep_first_lines(path: Path, n: int) -> None:
    """Cut a sample file to its first `n` lines, keeping its own line ending (LF, CRLF or CR)."""
    data = path.read_bytes()
    head = data[:4096]
    sep = b"\r\n" if b"\r\n" in head else b"\n" if b"\n" in head else b"\r"
    path.write_bytes(sep.join(data.split(sep)[:n]) + sep)


def make_base_raw(out: Path, sample: Path) -> Path:
    """A small valid raw folder: every publisher format, files trimmed so a build takes about two seconds."""
    shutil.copytree(sample, out, ignore=shutil.ignore_patterns("_SAMPLE_DATA.md"))
    for path in (out / "digital-marketplace").glob("*.csv"):
        _keep_first_lines(path, BASE_MARKETPLACE_LINES)
    _keep_first_lines(out / "contracts-finder" / "contracts_finder_ocds_releases.jsonl", BASE_OCDS_LINES)
    for path in (out / "sme-spend").glob("*.csv"):
        if BASE_SME_YEAR not in path.name:
            path.unlink()
    for path in (out / "contracts-finder").glob("*_procurement.json"):
        if not path.name.startswith("bristol"):
            path.unlink()
    return out


@pytest.fixture(scope="session")
def base_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipelines.warehouse.sample import write_all

    sample = tmp_path_factory.mktemp("sample")
    write_all(sample, seed=2026, rows=2000)
    return make_base_raw(tmp_path_factory.mktemp("base") / "raw", sample)


@pytest.fixture(scope="session")
def base_warehouse(base_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 'previous' warehouse every case starts from (copied, never modified)."""
    from pipelines.warehouse.build import build

    out = tmp_path_factory.mktemp("base-wh") / "warehouse.duckdb"
    build(base_raw, out)
    return out


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if CASE_OUTCOMES:
        write = terminalreporter.write_line
        terminalreporter.section(f"bad-input corpus: {len(CASE_OUTCOMES)} cases and how each ended")
        kinds = Counter(outcome.split(":", 1)[0] for _, outcome in CASE_OUTCOMES.values())
        write("  " + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())))
        for case_id, (expected, outcome) in CASE_OUTCOMES.items():
            write(f"{case_id}")
            write(f"    expected: {expected}")
            write(f"    happened: {outcome}")
    if HYPOTHESIS_EXAMPLES:
        terminalreporter.section(f"hypothesis: {sum(HYPOTHESIS_EXAMPLES.values())} examples run")
        for name, n in sorted(HYPOTHESIS_EXAMPLES.items()):
            terminalreporter.write_line(f"{n:6d}  {name}")
