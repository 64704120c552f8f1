"""ONS postcode -> LAD lookups in both published layouts, with an independent recount by the csv module."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import polars as pl

from pipelines.geography.postcodes import STAGING
from pipelines.geography.sample_postcodes import write_sample
from pipelines.warehouse.formats import load_file


def _load(path: Path, tmp_path: Path):
    outcome, loaded = load_file(path, path.parent, tmp_path / "work")
    assert outcome.status == "loaded", outcome.message
    assert loaded is not None
    staged = loaded.tables[STAGING]
    assert isinstance(staged, pl.DataFrame)
    return loaded, staged


def test_nspl_layout_upper_case_and_laua(tmp_path: Path) -> None:
    path = tmp_path / "NSPL_NOV_2024_UK.csv"
    path.write_bytes(
        b"PCD,PCD2,PCDS,DOINTR,DOTERM,USERTYPE,OSEAST1M,OSNRTH1M,LAUA,WARD,LAT,LONG\r\n"
        b"M135PL,M13 5PL ,M13 5PL,199606,,0,384700,396500,E08000003,E05011368,53.46,-2.22\r\n"
        b"M135PM,M13 5PM ,M13 5PM,199606,201001,0,384700,396500,E08000003,E05011368,53.46,-2.22\r\n"
        b"JE2 3AB,JE2 3AB ,JE2 3AB,199606,,0,,,L99999999,,,\r\n"
        b"ZZ99,ZZ99,ZZ99,199606,,0,,,E08000003,,,\r\n"
    )
    loaded, staged = _load(path, tmp_path)
    assert staged.select("postcode", "lad_code", "terminated").rows() == [
        ("M13 5PL", "E08000003", False),
        ("M13 5PM", "E08000003", True),
    ]
    assert loaded.rejects.select("line", "column_name", "reason").rows() == [
        (4, "LAUA", "pseudo code: the postcode is in no local authority district"),
        (5, "PCDS", "not a UK postcode"),
    ]


def test_the_sample_lookup_matches_a_csv_module_recount(tmp_path: Path) -> None:
    [path] = write_sample(tmp_path / "raw")
    loaded, staged = _load(path, tmp_path)
    # second method: the standard library's csv reader and a regular expression, no pipeline code
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    valid = {
        r["pcds"]: r["ladcd"]
        for r in rows
        if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", r["pcds"]) and re.fullmatch(r"[EWSN]\d{8}", r["ladcd"])
    }
    assert dict(staged.select("postcode", "lad_code").iter_rows()) == valid
    assert loaded.rows_read == len(rows) == loaded.rows_loaded + loaded.rows_rejected
    assert staged["terminated"].sum() == sum(1 for r in rows if r["doterm"] and r["pcds"] in valid)
