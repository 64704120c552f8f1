"""A build of the sample with a second, older combined-authority lookup beside the 2022 one, and an independent
reading of both lookups, for the checks that each year is shown in the geography that fits it.

The older lookup (vintage 2018, written by `write_raw`) has Greater Manchester without Wigan and the North East
authority under the code of its 2014 predecessor, so the 2018 geography has an authority the 2022 one does not.
Nothing here shares code with the marts: the lookups are read with the csv module, each year's vintage is picked
by the rule in plain Python (the latest at or before the year's start, else the earliest).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

GM, WIGAN = "E47000001", "E08000010"
NORTH_EAST_2018, NORTH_EAST_2022 = "E47000005", "E47000010"
FOLDERS = ("ons-geography", "digital-marketplace", "ccs-customer-urn", "ons-postcode-lookup")


def write_raw(sample_raw: Path, raw: Path) -> dict[int, Path]:
    """Copy the sample's geography and spend into `raw`, add the 2018 lookup; return {vintage: lookup CSV}."""
    for folder in FOLDERS:
        shutil.copytree(sample_raw / folder, raw / folder)
    new = next((raw / "ons-geography").glob("*lad22_cauth22*.csv"))
    old = raw / "ons-geography" / "sample_lad18_cauth18_lookup.csv"
    with new.open(encoding="utf-8-sig", newline="") as f, old.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["LAD18CD", "LAD18NM", "CAUTH18CD", "CAUTH18NM", "ObjectId"])
        for row in csv.DictReader(f):
            if row["LAD22CD"] == WIGAN:
                continue
            code = NORTH_EAST_2018 if row["CAUTH22CD"] == NORTH_EAST_2022 else row["CAUTH22CD"]
            writer.writerow([row["LAD22CD"], row["LAD22NM"], code, row["CAUTH22NM"], row["ObjectId"]])
    return {2018: old, 2022: new}


def members_by_vintage(lookups: dict[int, Path]) -> dict[int, dict[str, set[str]]]:
    """vintage -> combined authority code -> its member LAD codes, from the raw CSVs."""
    out: dict[int, dict[str, set[str]]] = {}
    for vintage, path in lookups.items():
        yy = f"{vintage % 100:02d}"
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                out.setdefault(vintage, {}).setdefault(row[f"CAUTH{yy}CD"], set()).add(row[f"LAD{yy}CD"])
    return out


def vintage_for(financial_year: str, vintages: list[int]) -> int:
    start = int(financial_year[:4])
    before = [v for v in vintages if v <= start]
    return max(before) if before else min(vintages)


#: Spend of one authority in one year: buyers placed in its member districts that year, and buyers that are an
#: authority or functional body naming it (they have no district, and count in it whatever the year).
SPEND_SQL = """SELECT sum(f.amount) FROM fact_marketplace_spend f
               JOIN dim_spend_code c USING (spend_code_id) JOIN dim_buyer b USING (buyer_id)
               WHERE c.financial_year = $year
                 AND (list_contains($lads, b.lad_code)
                      OR (b.lad_code IS NULL AND b.org_kind IN ('combined_authority', 'functional_body')
                          AND b.ca_code = $ca))"""
