"""Sample ONS postcode -> local authority district lookup (SAMPLE data), in the layout ONS publishes.

Writes `<out>/ons-postcode-lookup/PCD_OA21_LSOA21_MSOA21_LAD_SAMPLE_UK_LU.csv` with the header of ONS's
"Postcode to OA (2021) to LSOA to MSOA to LAD" lookup (UTF-8, CRLF). The postcodes and their districts
are real (the head offices the CCS list sample names); the output-area, LSOA and MSOA codes are invented.
A terminated postcode, a Channel Islands postcode with ONS's pseudo district code and a few more
postcodes per district are there too, as in the real file.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

FOLDER = "ons-postcode-lookup"
FILE_NAME = "PCD_OA21_LSOA21_MSOA21_LAD_SAMPLE_UK_LU.csv"
HEADER = ("pcd7", "pcd8", "pcds", "dointr", "doterm", "usertype", "oa21cd", "lsoa21cd", "msoa21cd", "ladcd",
          "lsoa21nm", "msoa21nm", "ladnm", "ladnmw")  # fmt: skip

#: (postcode, LAD code, LAD name, terminated yyyymm or '').
POSTCODES: tuple[tuple[str, str, str, str], ...] = (
    ("L3 9PP", "E08000012", "Liverpool", ""),
    ("LS9 7TF", "E08000035", "Leeds", ""),
    ("LS9 9DS", "E08000035", "Leeds", ""),
    ("M13 9WL", "E08000003", "Manchester", ""),
    ("M13 9PL", "E08000003", "Manchester", ""),
    ("M15 5ED", "E08000003", "Manchester", ""),
    ("M40 5BP", "E08000003", "Manchester", ""),
    ("M60 2LA", "E08000003", "Manchester", "201512"),
    ("SE1 7EH", "E09000022", "Lambeth", ""),
    ("SE1 0LL", "E09000028", "Southwark", ""),
    ("RG1 5AN", "E06000038", "Reading", ""),
    ("B15 2GW", "E08000025", "Birmingham", ""),
    ("B4 6NQ", "E08000025", "Birmingham", ""),
    ("OX5 2NX", "E07000177", "Cherwell", ""),
    ("SO50 9SJ", "E07000086", "Eastleigh", ""),
    ("BD11 2DY", "E08000034", "Kirklees", ""),
    ("WC1E 6BT", "E09000007", "Camden", ""),
    ("MK7 6AA", "E06000042", "Milton Keynes", ""),
    ("BS1 6NB", "E06000023", "Bristol, City of", ""),
    ("EC1A 4HD", "E09000001", "City of London", ""),
    ("CF10 3NP", "W06000015", "Cardiff", ""),
    ("GY1 1AA", "L99999999", "", ""),
)


def _pcd7(outward: str, inward: str) -> str:
    return (outward.ljust(4) + inward)[:8] if len(outward) < 4 else outward + inward


def write_sample(out_dir: Path, *, seed: int = 2026) -> list[Path]:
    """Write the sample postcode lookup; the same seed gives the same bytes."""
    rng = random.Random(seed)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    for postcode, lad, name, terminated in POSTCODES:
        outward, inward = postcode.split(" ")
        area = "" if lad.endswith("99999999") else lad[0]
        oa, lsoa, msoa = (f"{area}0{kind}{rng.randrange(10**6):06d}" if area else "" for kind in "012")
        writer.writerow((_pcd7(outward, inward), f"{outward:<4} {inward}", postcode, "198001", terminated, "1",
                         oa, lsoa, msoa, lad, "", "", name, ""))  # fmt: skip
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return [path]
