"""Sample CCS customer URN list (SAMPLE data): an XLSX workbook in the layout CCS publishes.

Writes `<out>/ccs-customer-urn/customer-urn-list-SAMPLE.xlsx`: sheet `Customers` with CCS's columns
(URN, CustomerName, Acronym, PostCode, Sector, Subsector, Published). The bodies and their postcodes are
real (head offices, as the bodies publish them); the URNs are invented from the seed. They are the
hospitals, police forces, fire services and universities the marketplace sample names as buyers, so
the sample places them on the map through their postcode (`urn_postcode`). One body is listed without
a usable postcode, as real lists have, and two schools share a name in two districts (too ambiguous to
place by name).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

FOLDER = "ccs-customer-urn"
FILE_NAME = "customer-urn-list-SAMPLE.xlsx"
HEADER = ("URN", "CustomerName", "Acronym", "PostCode", "Sector", "Subsector", "Published")

#: (name, postcode, sector, subsector): real bodies at their published head-office postcodes.
CUSTOMERS: tuple[tuple[str, str, str, str], ...] = (
    ("Crown Commercial Service", "L3 9PP", "Central Government", "Executive Agency"),
    ("Leeds Teaching Hospitals NHS Trust", "LS9 7TF", "Health", "NHS Trust"),
    ("Manchester University NHS Foundation Trust", "M13 9WL", "Health", "NHS Foundation Trust"),
    ("Guy's and St Thomas' NHS Foundation Trust", "SE1 7EH", "Health", "NHS Foundation Trust"),
    ("Royal Berkshire NHS Foundation Trust", "RG1 5AN", "Health", "NHS Foundation Trust"),
    ("University Hospitals Birmingham NHS Foundation Trust", "B15 2GW", "Health", "NHS Foundation Trust"),
    ("Greater Manchester Police", "M40 5BP", "Police", "Police Force"),
    ("West Midlands Police", "B4 6NQ", "Police", "Police Force"),
    ("Thames Valley Police", "OX5 2NX", "Police", "Police Force"),
    ("London Fire Brigade", "SE1 0LL", "Fire and Rescue", "Fire and Rescue Authority"),
    ("Hampshire and Isle of Wight Fire and Rescue Service", "SO50 9SJ", "Fire and Rescue", "Fire and Rescue Authority"),
    ("West Yorkshire Fire and Rescue Service", "BD11 2DY", "Fire and Rescue", "Fire and Rescue Authority"),
    ("University of Manchester", "M13 9PL", "Education", "University"),
    ("University College London", "WC1E 6BT", "Education", "University"),
    ("The Open University", "MK7 6AA", "Education", "University"),
    ("Jisc", "BS1 6NB", "Education", "Further and Higher Education"),
    ("Citizens Advice", "EC1A 4HD", "Not for Profit", "Charity"),
    ("St Mary's Catholic Primary School", "M15 5ED", "Education", "Primary School"),
    ("St Mary's Catholic Primary School", "LS9 9DS", "Education", "Primary School"),
    ("Peabody Trust", "TBC", "Not for Profit", "Housing Association"),
    ("Manchester City Council", "M60 2LA", "Local Government", "Metropolitan District"),
)


def write_sample(out_dir: Path, *, seed: int = 2026) -> list[Path]:
    """Write the sample URN list; the same seed gives the same bytes."""
    import xlsxwriter  # a runtime dependency already (Excel downloads)

    rng = random.Random(seed)
    urns = rng.sample(range(10_000_000, 10_100_000), len(CUSTOMERS))
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"title": "Customer URN list (SAMPLE data)", "created": dt.datetime(2020, 1, 1)})
    sheet = workbook.add_worksheet("Customers")
    sheet.write_row(0, 0, HEADER)
    for row, (urn, (name, postcode, sector, subsector)) in enumerate(zip(urns, CUSTOMERS, strict=True), start=1):
        sheet.write_number(row, 0, urn)  # URNs are numbers in the published workbook
        sheet.write_row(row, 1, (name, "", postcode, sector, subsector, "True "))
    workbook.close()
    return [path]
