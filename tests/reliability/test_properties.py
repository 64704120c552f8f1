"""Property-based tests: random rows in each published format go through the real readers.

For every format (the four Digital Marketplace layouts, the SME annex, the ONS LAD-region lookup, OCDS
JSON lines) hypothesis writes files with random rows: plausible values, near misses and arbitrary
unicode, in the encodings and line endings publishers use. `Format.load` must either load the file or
raise UnreadableFileError naming it; nothing else may escape. Loaded files must reconcile (rows read =
loaded + rejected, every reject with a reason and a line) and, when the file is well-formed CSV, every
record written must be counted as read. The value parsers must never raise and must give values in range.

The number of examples run is printed at the end of the session (see conftest).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.core.loading import REJECT_SCHEMA, FileLoad
from pipelines.core.parsing import parse_money, parse_month
from pipelines.core.textio import UnreadableFileError, read_head
from pipelines.marketplace.formats import LAYOUT_2014_IMPORT
from pipelines.warehouse.formats import all_formats, detect
from tests.reliability.conftest import HYPOTHESIS_EXAMPLES

#: About 1,700 hypothesis examples (20 s): CI runs them; the fast tier does not.
pytestmark = pytest.mark.slow

LOADER_SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
PARSER_SETTINGS = settings(max_examples=300, deadline=None, database=None)

FORMATS = {f.id: f for f in all_formats()}

# --------------------------------------------------------------------------------------------- cell strategies

ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=25)
NEAR_MISS = st.sampled_from(["", " ", "N/A", "-", "n/a", "x", "0", "-0", "1e400", "NaN", "inf", "TRUE", "=1+1", "😀"])

DATES = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2045, 12, 31))


def month_forms(day: dt.date) -> list[str]:
    return [
        day.isoformat(),
        f"{day:%Y-%m-%d}l",
        f"{day:%d/%m/%Y}",
        f"{day:%m/%d/%Y}",
        f"{day:%Y-%m}",
        f"{day:%b-%y}",
        f"{day:%B %Y}",
        str((day - dt.date(1899, 12, 30)).days),
        f"{day:%Y-%m-%d}T00:00:00",
    ]


MONTH = st.one_of(DATES.flatmap(lambda d: st.sampled_from(month_forms(d))), NEAR_MISS, ANY_TEXT)
AMOUNTS = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


def money_forms(value: Decimal) -> list[str]:
    magnitude = abs(value)
    sign = "-" if value < 0 else ""
    return [
        f"{value}",
        f"{sign}£{magnitude:,}",
        f"({magnitude:,})" if value < 0 else f"{magnitude:,}",
        f"{magnitude}-" if value < 0 else f"{magnitude}",
        f"{float(value):e}",
        f" {value} ",
    ]


MONEY = st.one_of(AMOUNTS.flatmap(lambda v: st.sampled_from(money_forms(v))), NEAR_MISS, ANY_TEXT)
FRAMEWORK = st.one_of(
    st.sampled_from(
        ["G-Cloud", "G-Cloudi", "G-Cloud Services II", "G-Cloud 12", "Digital Outcomes and Specialists 5", "DOS 3"]
    ),
    st.sampled_from(["Crown Hosting", "Cloud Compute", "g cloud 99"]),
    NEAR_MISS,
    ANY_TEXT,
)
LOT = st.one_of(
    st.sampled_from(["1", "3", "4", "7", "Lot 2", "SaaS", "Cloud hosting", "Digital specialists", "Specialist Cloud"]),
    NEAR_MISS,
    ANY_TEXT,
)
NAME = st.one_of(
    st.sampled_from(["Acme Cloud Ltd", "Leeds City Council", "HM TREASURY", "Café Ltd", '"Quoted" Ltd', "A, B & C"]),
    NEAR_MISS,
    ANY_TEXT,
)
SECTOR = st.one_of(
    st.sampled_from(["Central Government", "local government", "Health", "Wider Public Sector"]), ANY_TEXT
)
SME = st.one_of(st.sampled_from(["SME", "Large", "sme", "Y", "N", "Maybe"]), NEAR_MISS)
FINANCIAL_YEAR = st.one_of(st.sampled_from(["2017/18", "2019-20", "FY2021/22", "2030/31"]), NEAR_MISS, ANY_TEXT)
FINANCIAL_MONTH = st.one_of(st.sampled_from(["April", "Mar", "12", "13", "sept"]), NEAR_MISS)

#: Each marketplace layout: (format id, header cells, cell strategy per column).
LAYOUTS: dict[str, tuple[list[str], list[st.SearchStrategy[str]]]] = {
    "gcloud_2013_total_spend": (
        ["Framework", "Lot", "Supplier", "Customer", "For_Month", "Product_Service_Description", "Total_Charge"],
        [FRAMEWORK, LOT, NAME, NAME, MONTH, ANY_TEXT, MONEY],
    ),
    "gcloud_2014_for_publication": (
        [
            "LotDescription",
            "Return Month",
            "EvidencedSpend",
            "Sector",
            "SME or Large",
            "",
            "SupplierName",
            "CustomerName",
        ],
        [LOT, MONTH, MONEY, SECTOR, SME, NEAR_MISS, NAME, NAME],
    ),
    # the published header, exactly as the layout declares it (the real 2014 file's header)
    "gcloud_2014_for_import": (
        list(LAYOUT_2014_IMPORT.published),
        [ANY_TEXT, FRAMEWORK, LOT, NAME, NAME, MONTH, ANY_TEXT, MONEY, SECTOR, SME],
    ),
    "ccs_marketplace_spend": (
        ["FrameworkName", "Lot", "SupplierName", "SMEStatus", "CustomerName", "Sector", "SpendMonth", "EvidencedSpend"],
        [FRAMEWORK, LOT, NAME, SME, NAME, SECTOR, MONTH, MONEY],
    ),
}
CCS_FINANCIAL_MONTH = (
    ["FinancialYear", "FinancialMonth", "FrameworkName", "Lot", "SupplierName", "CustomerName", "EvidencedSpend"],
    [FINANCIAL_YEAR, FINANCIAL_MONTH, FRAMEWORK, LOT, NAME, NAME, MONEY],
)

ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])


def rows_for(strategies: list[st.SearchStrategy[str]], max_rows: int = 12) -> st.SearchStrategy[list[list[str]]]:
    return st.lists(st.tuples(*strategies).map(list), max_size=max_rows)


def _quoted(cell: str) -> str:
    """RFC 4180 quoting; also for a lone CR, which Python's csv writer leaves bare (and a bare CR is a line end)."""
    return '"' + cell.replace('"', '""') + '"' if any(ch in cell for ch in ',"\r\n') else cell


def csv_text(header: list[str], rows: list[list[str]], newline: str, *, final_newline: bool = True) -> str:
    """Well-formed CSV (cells quoted where needed) with the given line ending."""
    text = newline.join(",".join(_quoted(c) for c in row) for row in [header, *rows])
    return text + newline if final_newline else text


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding, errors="replace")


# --------------------------------------------------------------------------------------------- the invariant


def load_with(fmt_id: str, data: bytes, folder: Path, name: str = "random.csv") -> FileLoad | None:
    """Load `data` with one format; None when the file is unreadable (the error must name the file)."""
    work = Path(tempfile.mkdtemp(dir=folder))
    path = work / name
    path.write_bytes(data)
    head = read_head(path)
    try:
        loaded = FORMATS[fmt_id].load(path, head, work / "work")
    except UnreadableFileError as exc:
        assert str(exc).startswith(name), str(exc)
        return None
    assert loaded.rows_read == loaded.rows_loaded + loaded.rows_rejected, (
        loaded.rows_read,
        loaded.rows_loaded,
        loaded.rows_rejected,
    )
    assert dict(loaded.rejects.schema) == REJECT_SCHEMA
    assert loaded.rejects["reason"].null_count() == 0
    assert loaded.rejects["line"].null_count() == 0
    assert set(loaded.rejects["file_name"]) <= {name}
    return loaded


def detected(data: bytes, folder: Path, name: str = "random.csv") -> list[str]:
    work = Path(tempfile.mkdtemp(dir=folder))
    (work / name).write_bytes(data)
    return [f.id for f in detect(read_head(work / name))]


# --------------------------------------------------------------------------------------------- marketplace


@LOADER_SETTINGS
@given(
    layout=st.sampled_from(sorted(LAYOUTS)),
    data=st.data(),
    encoding=ENCODINGS,
    newline=NEWLINES,
    final_newline=st.booleans(),
)
def test_marketplace_layouts_reconcile(
    tmp_path: Path, layout: str, data: st.DataObject, encoding: str, newline: str, final_newline: bool
) -> None:
    HYPOTHESIS_EXAMPLES["marketplace layouts (well-formed CSV)"] += 1
    header, strategies = LAYOUTS[layout]
    rows = data.draw(rows_for(strategies))
    raw = encode(csv_text(header, rows, newline, final_newline=final_newline), encoding)
    assert detected(raw, tmp_path) == [layout]
    loaded = load_with(layout, raw, tmp_path)
    assert loaded is not None  # well-formed CSV is never unreadable
    assert loaded.rows_read == len(rows)


@LOADER_SETTINGS
@given(rows=rows_for(CCS_FINANCIAL_MONTH[1]), newline=NEWLINES)
def test_ccs_financial_month_variant_reconciles(tmp_path: Path, rows: list[list[str]], newline: str) -> None:
    HYPOTHESIS_EXAMPLES["marketplace CCS FinancialYear/FinancialMonth"] += 1
    raw = encode(csv_text(CCS_FINANCIAL_MONTH[0], rows, newline), "utf-8-sig")
    loaded = load_with("ccs_marketplace_spend", raw, tmp_path)
    assert loaded is not None and loaded.rows_read == len(rows)


CSV_TOKENS = st.sampled_from(
    [",", ",", '"', '""', "x", "1,000", "£", "\x00", " ", "\t", "G-Cloud 12", "2014-06", "é", ";"]
)
RAW_LINE = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=60),
    st.lists(CSV_TOKENS, max_size=30).map("".join),
)


@LOADER_SETTINGS
@given(layout=st.sampled_from(sorted(LAYOUTS)), lines=st.lists(RAW_LINE, max_size=10), newline=NEWLINES)
def test_marketplace_raw_lines_never_crash(tmp_path: Path, layout: str, lines: list[str], newline: str) -> None:
    """Arbitrary text lines (stray quotes, NULs, ragged rows) after a valid header: load or UnreadableFileError."""
    HYPOTHESIS_EXAMPLES["marketplace layouts (arbitrary lines)"] += 1
    header = ",".join(LAYOUTS[layout][0])
    load_with(layout, newline.join([header, *lines]).encode("utf-8", errors="replace"), tmp_path)


# --------------------------------------------------------------------------------------------- SME annex

SME_HEADER = [
    "Department",
    "Total Procurement Spend (£m)",
    "Direct Spend with SMEs (£m)",
    "Direct Spend with SMEs as %",
    "Total Indirect Spend with SMEs (£m)",
    "Total Spend with SMEs (£m)",
    "Total Spend with SMEs as %",
    "No. of Suppliers Invited",
]
DEPARTMENT = st.one_of(
    st.sampled_from(["CO", "HMT", "MoD", "DfE", "BEIS", "MHCLG", "DExEU", "Other", "Total", "XYZ", "Grand Total"]),
    NEAR_MISS,
    ANY_TEXT,
)
NUMBER = st.one_of(
    st.floats(min_value=-1e6, max_value=1e7, allow_nan=False).map(lambda x: f"{x:,.1f}"),
    st.floats(min_value=-10, max_value=120, allow_nan=False).map(lambda x: f"{x:.1f}%"),
    st.integers(min_value=-5, max_value=500).map(str),
    NEAR_MISS,
    ANY_TEXT,
)


@LOADER_SETTINGS
@given(
    rows=rows_for([DEPARTMENT, *[NUMBER] * (len(SME_HEADER) - 1)], max_rows=10),
    encoding=st.sampled_from(["utf-8-sig", "cp1252"]),
    newline=NEWLINES,
    banner=st.booleans(),
)
def test_sme_annex_reconciles(tmp_path: Path, rows: list[list[str]], encoding: str, newline: str, banner: bool) -> None:
    HYPOTHESIS_EXAMPLES["SME annex"] += 1
    text = csv_text(SME_HEADER, rows, newline)
    if banner:
        text = f"Central Government Direct and Indirect Spend with SMEs 2019/20{newline},,,{newline}{newline}" + text
    loaded = load_with("cabinet_office_sme_spend_annex", encode(text, encoding), tmp_path, "sme-spend-2019-20.csv")
    assert loaded is not None
    blank = sum(1 for row in rows if not any(row))
    assert loaded.rows_read == len(rows) - blank  # blank rows are skipped, and said so in the notes


# --------------------------------------------------------------------------------------------- ONS lookup

LAD_CODE = st.one_of(st.from_regex(r"E0[6-9]\d{6}", fullmatch=True), st.from_regex(r"[EWSNX]\d{0,9}", fullmatch=True))
RGN_CODE = st.one_of(st.from_regex(r"E12\d{6}", fullmatch=True), NEAR_MISS, ANY_TEXT)


@LOADER_SETTINGS
@given(
    rows=rows_for([LAD_CODE, NAME, RGN_CODE, NAME, st.integers(0, 999).map(str)], max_rows=15),
    newline=NEWLINES,
    encoding=ENCODINGS,
)
def test_ons_lookup_reconciles(tmp_path: Path, rows: list[list[str]], newline: str, encoding: str) -> None:
    HYPOTHESIS_EXAMPLES["ONS LAD-region lookup"] += 1
    raw = encode(csv_text(["LAD22CD", "LAD22NM", "RGN22CD", "RGN22NM", "ObjectId"], rows, newline), encoding)
    loaded = load_with("ons_lad_region_lookup", raw, tmp_path, "lookup.csv")
    assert loaded is not None and loaded.rows_read == len(rows)


# --------------------------------------------------------------------------------------------- OCDS JSON lines

JSON_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-(10**15), 10**15), st.floats(allow_nan=False), ANY_TEXT)
JSON_VALUE = st.recursive(
    JSON_SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3), max_leaves=6
)


@st.composite
def releases(draw: st.DrawFn) -> str:
    """One line: usually an OCDS-shaped release with random values, sometimes broken JSON or another value."""
    kind = draw(st.sampled_from(["release", "release", "release", "broken", "value"]))
    if kind == "broken":
        return draw(st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=40)) or "{"
    if kind == "value":
        return json.dumps(draw(JSON_VALUE))
    amount = draw(st.one_of(st.decimals(-1e6, 1e9, places=2).map(float), JSON_SCALAR))
    release = {
        "ocid": draw(st.one_of(st.just("ocds-b5fd17-1"), ANY_TEXT)),
        "id": draw(st.one_of(st.uuids().map(str), st.just("dup"), JSON_SCALAR)),
        "date": draw(st.one_of(DATES.map(lambda d: f"{d}T10:00:00Z"), JSON_SCALAR)),
        "tag": draw(st.one_of(st.just(["tender"]), st.just(["award"]), JSON_VALUE)),
        "buyer": {"name": draw(NAME)},
        "tender": draw(
            st.one_of(
                st.just({}),
                st.fixed_dictionaries(
                    {
                        "title": NAME,
                        "value": st.fixed_dictionaries({"amount": st.just(amount)}),
                        "suitability": JSON_VALUE,
                    }
                ),
                JSON_VALUE,
            )
        ),
        "awards": draw(st.one_of(st.just([]), st.lists(st.dictionaries(ANY_TEXT, JSON_VALUE, max_size=3), max_size=2))),
        "parties": draw(st.one_of(st.just([]), JSON_VALUE)),
    }
    return json.dumps(release)


@LOADER_SETTINGS
@given(first=releases(), rest=st.lists(releases(), max_size=10))
def test_ocds_json_lines_reconcile(tmp_path: Path, first: str, rest: list[str]) -> None:
    HYPOTHESIS_EXAMPLES["Contracts Finder OCDS JSON lines"] += 1
    lines = [first, *rest]
    loaded = load_with("cf_ocds_release_lines", "\n".join(lines).encode("utf-8"), tmp_path, "releases.jsonl")
    assert loaded is not None
    assert loaded.rows_read == sum(1 for line in lines if line.strip())


# --------------------------------------------------------------------------------------------- value parsers

MONEY_LIMIT = Decimal("99999999999999.9999")  # DECIMAL(18,4)


def _parse(expr_fn: Callable[[pl.Expr], pl.Expr], values: list[str]) -> list:
    return pl.DataFrame({"v": values}, schema={"v": pl.String}).select(expr_fn(pl.col("v")).alias("v"))["v"].to_list()


@PARSER_SETTINGS
@given(values=st.lists(st.one_of(ANY_TEXT, NEAR_MISS, MONEY), max_size=40))
def test_parse_money_never_raises_and_stays_in_range(values: list[str]) -> None:
    HYPOTHESIS_EXAMPLES["parse_money (arbitrary text)"] += 1
    for parsed in _parse(parse_money, values):
        assert parsed is None or (isinstance(parsed, Decimal) and abs(parsed) <= MONEY_LIMIT)


@PARSER_SETTINGS
@given(value=AMOUNTS, form=st.integers(0, 3))
def test_parse_money_reads_every_published_form(value: Decimal, form: int) -> None:
    HYPOTHESIS_EXAMPLES["parse_money (published forms)"] += 1
    text = money_forms(value)[form]
    assert _parse(parse_money, [text]) == [value]


@PARSER_SETTINGS
@given(values=st.lists(st.one_of(ANY_TEXT, NEAR_MISS, MONTH), max_size=40))
def test_parse_month_never_raises_and_gives_month_starts(values: list[str]) -> None:
    HYPOTHESIS_EXAMPLES["parse_month (arbitrary text)"] += 1
    for parsed in _parse(parse_month, values):
        assert parsed is None or (isinstance(parsed, dt.date) and parsed.day == 1 and 1 <= parsed.year <= 9999)


@PARSER_SETTINGS
@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2045, 12, 31)),
    form=st.sampled_from([0, 1, 2, 4, 5, 6, 7, 8]),
)
def test_parse_month_reads_every_published_form(day: dt.date, form: int) -> None:
    HYPOTHESIS_EXAMPLES["parse_month (published forms)"] += 1
    text = month_forms(day)[form]
    assert _parse(parse_month, [text]) == [day.replace(day=1)], text
