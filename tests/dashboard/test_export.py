"""Formula-safe downloads: hostile text neutralised, numbers left alone, provenance attached."""

from __future__ import annotations

import io
import zipfile

import polars as pl
import pytest

from dashboard.export import csv_bytes, excel_bytes, formula_safe, neutralise, slug

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+44 20 7946 0000",
    "-2+3",
    "@SUM(A1:A2)",
    "\tindented",
    "\rreturn",
    "＝1+1",
    "＋1",
    "－1",
    "＠cmd",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_every_formula_start_gets_a_leading_quote(value: str) -> None:
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Manchester City Council", "£1,234", "100% SME", "", "O'Neill Ltd"])
def test_ordinary_text_is_unchanged(value: str) -> None:
    assert neutralise(value) == value


def test_numbers_stay_numbers_and_text_is_neutralised() -> None:
    frame = pl.DataFrame({"supplier": HOSTILE, "spend": [-5.0] * len(HOSTILE), "n": list(range(len(HOSTILE)))})
    safe = formula_safe(frame)
    assert safe["supplier"].to_list() == ["'" + v for v in HOSTILE]
    assert safe["spend"].dtype == pl.Float64 and safe["spend"].to_list() == [-5.0] * len(HOSTILE)
    assert safe["n"].dtype == pl.Int64


def test_csv_has_bom_provenance_and_parses() -> None:
    frame = pl.DataFrame({"supplier": ['=HYPERLINK("http://x","y")', "Acme Ltd"], "spend": [1234.5, -10.0]})
    data = csv_bytes(frame, {"data_source": "G-Cloud spend", "data_filters": "Greater Manchester, 2019/20"})
    assert data.startswith(b"\xef\xbb\xbf")
    parsed = pl.read_csv(io.BytesIO(data[3:]))
    assert parsed.columns == ["supplier", "spend", "data_source", "data_filters"]
    assert parsed["supplier"].to_list() == ['\'=HYPERLINK("http://x","y")', "Acme Ltd"]
    assert parsed["spend"].to_list() == [1234.5, -10.0]
    assert parsed["data_filters"].to_list() == ["Greater Manchester, 2019/20"] * 2


def test_provenance_never_overwrites_a_data_column() -> None:
    with pytest.raises(ValueError, match="data_source"):
        csv_bytes(pl.DataFrame({"data_source": ["x"]}), {"data_source": "y"})


def test_excel_writes_text_not_formulas() -> None:
    frame = pl.DataFrame({"supplier": ['=HYPERLINK("http://x","y")', "－1"], "spend": [1.0, 2.0]})
    data = excel_bytes(frame, {"source": "test"}, sheet="spend")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
        names = book.namelist()
    assert "<f>" not in sheet  # no cell holds a formula
    assert "'=HYPERLINK" in strings.replace("&quot;", '"')
    assert "xl/worksheets/sheet2.xml" in names  # the About sheet


def test_slug_makes_file_names_from_filters() -> None:
    assert (
        slug("Top suppliers Greater Manchester, 2019/20 to 2021/22")
        == "top-suppliers-greater-manchester-2019-20-to-2021-22"
    )
    assert slug("'; drop table x; --") == "drop-table-x"


def test_downloads_drop_nul_and_keep_the_rest_of_the_published_text() -> None:
    name = "Leeds\x00 City\u202e Council\u200b " + "x" * 300
    data = csv_bytes(pl.DataFrame({"buyer": [name]}), {"data_source": "test"})
    assert "\x00" not in data.decode("utf-8-sig")
    assert name.replace("\x00", "") in data.decode("utf-8-sig")  # bidi, zero-width and length as published
