"""Independent check of buyer figures on the real 2014 G-Cloud file (standard library only).

Reads the raw "For import" CSV (Windows-1252, CR-only line endings) and the ONS lookups, applies ONE
stated council-naming rule, and prints figures to set beside the warehouse's mart_marketplace_yearly
(area E47000001 Greater Manchester, E61000001 Greater London Authority) and mart_buyer_match_rates.
It imports nothing from pipelines/, so a mistake there cannot hide here.

The council rule (deliberately simple, and stricter than the pipeline):
  a row is COUNCIL spend of district D when its Sector is "Local Government" and its CustomerName,
  lower-cased, '&' -> 'and', punctuation dropped, with these words removed from the start
  ("london borough of", "royal borough of", "city of", "the") and from the end
  ("metropolitan borough council", "borough council", "city council", "county council",
  "district council", "council", "corporation"), equals D's ONS name treated the same way.
  ("City of London Corporation" keeps "city of london".)
GLA functional bodies are counted apart by their exact published names: Greater London Authority,
Transport for London, Mayors Office for Policing and Crime, Metropolitan Police Service.

Usage: python scripts/check_buyers.py [GCLOUD_CSV] [ONS_DIR]
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
GCLOUD = SHARED / "govspend-gcloud" / "G-Cloud-Spend-14-07-14-v2-For-import.csv"
ONS = SHARED / "ons-geography"
GM = "E47000001"
LONDON_REGION = "E12000007"
GLA_BODIES = (
    "Greater London Authority",
    "Transport for London",
    "Mayors Office for Policing and Crime",
    "Metropolitan Police Service",
)
PREFIXES = ("london borough of", "royal borough of", "city of", "the")
SUFFIXES = (
    "metropolitan borough council",
    "borough council",
    "city council",
    "county council",
    "district council",
    "council",
    "corporation",
)


def key(name: str) -> str:
    text = re.sub(r"[^a-z0-9 ]+", " ", name.lower().replace("&", " and "))
    text = re.sub(r"\s+", " ", text).strip()
    if text.startswith("city of london"):
        return "city of london"
    for prefix in PREFIXES:
        if text.startswith(prefix + " "):
            text = text[len(prefix) + 1 :]
    for suffix in SUFFIXES:
        if text.endswith(" " + suffix):
            text = text[: -len(suffix) - 1]
            break
    return text


def read_csv(path: Path, encoding: str) -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
    return list(csv.DictReader(io.StringIO(text)))


def financial_year(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    start = year if mon >= 4 else year - 1
    return f"{start}/{str(start + 1)[2:]}"


def main(gcloud: Path = GCLOUD, ons: Path = ONS) -> None:
    rows = read_csv(gcloud, "cp1252")
    ca = read_csv(ons / "lad22_cauth22.csv", "utf-8-sig")
    region = read_csv(ons / "Local_Authority_District_to_Region_(December_2022)_Lookup_in_England.csv", "utf-8-sig")
    gm_lads = {key(r["LAD22NM"]): r["LAD22NM"] for r in ca if r["CAUTH22CD"] == GM}
    london_lads = {key(r["LAD22NM"]): r["LAD22NM"] for r in region if r["RGN22CD"] == LONDON_REGION}

    by_sector: dict[str, Decimal] = defaultdict(Decimal)
    names_by_sector: dict[str, set[str]] = defaultdict(set)
    area: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)  # (area, what, fy) -> spend
    sme: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    councils: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        amount = Decimal(r["EvidencedSpend"] or "0")
        sector, name = r["Sector"], r["CustomerName"]
        by_sector[sector] += amount
        names_by_sector[sector].add(name)
        fy = financial_year(r["ReturnMonth"])
        is_sme = r["SMEorLarge"] == "SME"
        for label, lads in (("Greater Manchester", gm_lads), ("London", london_lads)):
            if sector == "Local Government" and key(name) in lads:
                area[(label, "councils", fy)] += amount
                sme[(label, "councils", fy)] += amount if is_sme else 0
                councils[(label, fy)].add(lads[key(name)])
        if name in GLA_BODIES:
            area[("London", "GLA and functional bodies", fy)] += amount
            sme[("London", "GLA and functional bodies", fy)] += amount if is_sme else 0

    total = sum(by_sector.values(), Decimal(0))
    print(f"{len(rows):,} rows, total spend £{total:,.2f}")
    print("\nSpend by published sector (names, spend):")
    for sector, spend in sorted(by_sector.items(), key=lambda kv: -kv[1]):
        print(f"  {sector:<26} {len(names_by_sector[sector]):>4} names  £{spend:>16,.2f}")
    print("\nCouncil spend by the stated rule, and GLA bodies by name (spend, SME spend, councils):")
    for (label, what, fy), spend in sorted(area.items()):
        n = len(councils[(label, fy)]) if what == "councils" else "-"
        print(f"  {label:<18} {what:<26} {fy}  £{spend:>14,.2f}  SME £{sme[(label, what, fy)]:>14,.2f}  {n}")
    for label in ("Greater Manchester", "London"):
        spend = sum((v for (a, _w, _f), v in area.items() if a == label), Decimal(0))
        print(f"  {label}: all years £{spend:,.2f}")


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:3]))
