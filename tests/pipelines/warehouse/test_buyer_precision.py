"""Precision of buyer resolution on hand-checked names (tests/pipelines/warehouse/buyer_precision.csv).

Each row is a published buyer name and sector with the organisation a person checked it should be
(or 'unresolved'). The resolver is the real one, built from the shipped references and the real
GOV.UK organisations snapshot in ../shared/data (skipped when that file is absent).
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from pipelines.config import BUYER_ALIASES_PATH, CODE_REFERENCE_DIR, ROOT
from pipelines.core.textio import read_head
from pipelines.organisations.formats import load_organisations
from pipelines.organisations.tables import build_organisations
from pipelines.reference import departments
from pipelines.warehouse.buyers import Resolver, read_aliases

CASES = Path(__file__).with_name("buyer_precision.csv")
REAL_ORGS = ROOT.parent / "shared" / "data" / "govuk-organisations" / "govuk_extant_orgs.json"


def shipped_resolver(workdir: Path) -> Resolver:
    councils = pl.read_csv(CODE_REFERENCE_DIR / "councils.csv", infer_schema=False).rename(
        {"council_code": "council_id"}
    )
    cas = pl.read_csv(CODE_REFERENCE_DIR / "combined_authorities.csv", infer_schema=False)
    orgs = build_organisations(load_organisations(REAL_ORGS, read_head(REAL_ORGS), workdir).tables)["dim_organisation"]
    return Resolver(councils, cas, orgs, departments(), read_aliases(BUYER_ALIASES_PATH))


@pytest.mark.skipif(not REAL_ORGS.exists(), reason="real GOV.UK organisations file is not in ../shared/data")
def test_hand_checked_buyers_resolve_as_checked(tmp_path: Path) -> None:
    resolver = shipped_resolver(tmp_path)
    with CASES.open(newline="", encoding="utf-8") as handle:
        cases = list(csv.DictReader(handle))
    wrong = []
    for case in cases:
        row = resolver.resolve(case["name"], case["sector"] or None)
        got = row["org_code"] or "unresolved"
        if got != case["expected"]:
            wrong.append(f"{case['name']!r} ({case['sector']}): expected {case['expected']}, got {got}")
    resolved = [c for c in cases if c["expected"] != "unresolved"]
    print(f"precision: {len(cases) - len(wrong)}/{len(cases)} right; {len(resolved)} should resolve")
    assert not wrong, "\n".join(wrong)
    assert len(cases) >= 40
