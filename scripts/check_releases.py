"""Independent check of the marketplace totals and revisions, from the raw G-Cloud files with the standard library.

    python scripts/check_releases.py [FOLDER]     (default ../shared/data/govspend-gcloud)

Reads the November 2013 "Total Spend" and June 2014 "For import" releases as Windows-1252 text with CR line
endings, sums every amount as a Decimal (no rounding), and prints: each file's row count and total; the months
both releases publish, with each release's total and the change (the later release wins); and the figure the
warehouse should hold, which is the later release in full plus the earlier one's months the later does not
restate. Shares no code with the pipeline: compare its output with mart_marketplace_revisions and
fact_marketplace_spend.
"""

from __future__ import annotations

import csv
import io
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "govspend-gcloud"
EARLIER = ("G-Cloud-Total-Spend-13-12-13.csv", "For_Month", "Total_Charge")
LATER = ("G-Cloud-Spend-14-07-14-v2-For-import.csv", "ReturnMonth", "EvidencedSpend")


def monthly(path: Path, month_col: str, amount_col: str) -> tuple[int, dict[str, Decimal]]:
    text = path.read_bytes().decode("cp1252").replace("\r\n", "\n").replace("\r", "\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        month = row[month_col].strip().rstrip("l")[:7]  # the 2013 file writes '2012-10-01l'
        totals[month] += Decimal(row[amount_col].strip().replace(",", "").replace("£", ""))
    return len(rows), dict(totals)


def main(folder: Path) -> int:
    if not folder.exists():
        print(f"{folder} is absent: nothing to check")
        return 1
    n_early, early = monthly(folder / EARLIER[0], EARLIER[1], EARLIER[2])
    n_late, late = monthly(folder / LATER[0], LATER[1], LATER[2])
    print(f"{EARLIER[0]}: {n_early:,} rows, total {sum(early.values())}")
    print(f"{LATER[0]}: {n_late:,} rows, total {sum(late.values())}")
    shared = sorted(set(early) & set(late))
    print(f"\n{len(shared)} months published in both releases (the June 2014 release wins):")
    for month in shared:
        change = late[month] - early[month]
        pct = 100 * change / early[month] if early[month] else None
        print(f"  {month}: {early[month]} -> {late[month]}  change {change:+}" + (f" ({pct:+.1f}%)" if pct else ""))
    kept = sum(late.values()) + sum(v for m, v in early.items() if m not in late)
    print(f"\nnet revision {sum(late[m] - early[m] for m in shared):+}")
    print(f"the warehouse should hold {kept} (all G-Cloud; every earlier month is restated: {set(early) <= set(late)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
