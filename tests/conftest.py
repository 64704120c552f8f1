"""Shared fixtures: one small sample raw folder and one warehouse built from it by the real writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import ROOT

SHARED_DATA = ROOT.parent / "shared" / "data"
FIXTURE_ROWS = 6_000
HOSTILE_SUPPLIER = '=HYPERLINK("http://x","y")'
HOSTILE_FILE = "zz-hostile-supplier.csv"


def write_hostile_file(raw: Path) -> Path:
    """A later-layout marketplace file whose supplier name is a spreadsheet formula."""
    path = raw / "digital-marketplace" / HOSTILE_FILE
    path.write_text(
        "FrameworkName,Lot,SupplierName,SMEStatus,CustomerName,Sector,SpendMonth,EvidencedSpend\n"
        f'G-Cloud 12,Cloud software,"{HOSTILE_SUPPLIER.replace(chr(34), chr(34) * 2)}",SME,'
        "Manchester City Council,Local Government,2026-10,5000000.00\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def sample_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipelines.warehouse.sample import write_all

    raw = tmp_path_factory.mktemp("raw")
    write_all(raw, seed=2026, rows=FIXTURE_ROWS)
    write_hostile_file(raw)
    return raw


@pytest.fixture(scope="session")
def two_vintages(sample_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, Path]]:
    """The sample's geography and spend with an older (2018) combined-authority lookup beside the 2022 one
    (tests/two_vintages.py), built; with {vintage: lookup CSV}."""
    from pipelines.warehouse.build import build
    from tests.two_vintages import write_raw

    lookups = write_raw(sample_raw, tmp_path_factory.mktemp("two_vintages_raw"))
    out = tmp_path_factory.mktemp("two_vintages_wh") / "warehouse.duckdb"
    build(lookups[2022].parent.parent, out)
    return out, lookups


@pytest.fixture(scope="session")
def fixture_warehouse(sample_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipelines.warehouse.build import build

    out = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    build(sample_raw, out)
    return out


@pytest.fixture(scope="session")
def hostile_warehouse(fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture warehouse with every third-party name drawn from tests/hostile.py's corpus."""
    from tests.hostile import make_hostile

    out = tmp_path_factory.mktemp("hostile") / "warehouse.duckdb"
    make_hostile(fixture_warehouse, out)
    return out
