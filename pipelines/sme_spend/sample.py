"""Sample Cabinet Office SME spend annex CSVs, one per financial year 2013/14 .. 2021/22.

The project must build on a fresh clone without the real files, so this writes files
in the publisher's real layout and with its real quirks, varied across years the way
the published files vary: banner rows (1-3) carrying the year or none at all (then only
the file name has it), Windows-1252 with `£` signs or UTF-8 with a byte-order mark,
CRLF (one year LF), the older "Responding Suppliers Reported Spend (£m)" column name,
whole pounds-million or one decimal, `44.1%` or `44.1`, `-` and `n/a` cells.

The figures are invented but calibrated to the published headline facts: 2014/15 direct
10.9%, indirect 16.2%, total 27.1% (£12.1bn of £44.65bn, "£45bn"); 2019/20 total
£15.54bn, 26.7% of £58.24bn, direct 11.3%, and the 2019/20 direct % of each department.
Department rows (with Other) add up exactly to the total row. Deterministic: the same
seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import math
import random
from dataclasses import dataclass
from pathlib import Path

FOLDER = "sme-spend"
FIRST_YEAR = 2013
LAST_YEAR = 2021  # 2021/22

#: Per department "slot": 2019/20 procurement spend (£m) and the published 2019/20 direct % with SMEs.
SLOTS_2019: dict[str, tuple[float, float]] = {
    "BEIS": (1800, 28.6),
    "CO": (1500, 9.3),
    "DCMS": (300, 44.1),
    "DEFRA": (1500, 18.3),
    "DFE": (900, 36.3),
    "DFID": (1800, 15.5),
    "DFT": (8000, 9.8),
    "DHSC": (4500, 18.5),
    "DIT": (180, 36.0),
    "DWP": (6000, 3.5),
    "FCO": (1400, 5.0),
    "HMRC": (2500, 8.9),
    "HMT": (150, 13.8),
    "HO": (3500, 15.9),
    "MHCLG": (350, 23.7),
    "MOD": (19500, 5.1),
    "MOJ": (3000, 26.6),
}

#: Headline facts per financial year start: (total procurement £m, direct %, total %).
YEAR_FACTS: dict[int, tuple[int, float, float]] = {
    2013: (44180, 10.5, 26.1),
    2014: (44650, 10.9, 27.1),
    2015: (47310, 11.8, 27.4),
    2016: (49870, 11.2, 24.9),
    2017: (52640, 11.6, 24.8),
    2018: (55020, 11.4, 27.8),
    2019: (58240, 11.3, 26.7),
    2020: (72410, 10.4, 24.1),
    2021: (68530, 11.9, 25.6),
}
#: Published total spend with SMEs (£m) used exactly rather than total % x procurement:
#: 2014/15 £12.1bn and 2019/20 £15.54bn.
EXACT_TOTAL_SME_M: dict[int, int] = {2014: 12100, 2019: 15540}


@dataclass(frozen=True)
class YearStyle:
    """How one year's file was saved: encoding, endings, banner, number styles, labels."""

    encoding: str  # cp1252 | utf-8-sig | utf-8
    newline: str
    banner: tuple[str, ...]  # rows above the header; "{fy}" is replaced by the year
    pound_sign: bool
    decimals: int  # 0 -> £m rounded to whole millions, 1 -> one decimal place
    percent_sign: bool
    revenue_header: str
    additional_column: bool
    total_label: str
    mixed_case_codes: bool  # DfE, DfT, Defra, MoJ rather than DFE, DFT, DEFRA, MOJ
    na_small_departments: bool  # survey counts for HMT and DIT published as n/a


_TITLE = "Central Government Direct and Indirect Spend with SMEs {fy} (sample data - not official statistics)"
_TITLE_DASH = _TITLE.replace("{fy}", "{fy_dash}")  # "2017-18"
_TITLE_LONG = _TITLE.replace("{fy}", "{fy_long}")  # "2021 to 2022"
_OLD_REVENUE = "Responding Suppliers Reported Spend (£m)"
_NEW_REVENUE = "Responding Suppliers Reported Revenues (£m)"

STYLES: dict[int, YearStyle] = {
    2013: YearStyle("cp1252", "\r\n", (), True, 0, True, _OLD_REVENUE, False, "Total", True, False),
    2014: YearStyle("utf-8-sig", "\r\n", (_TITLE,), False, 1, True, _OLD_REVENUE, False, "Grand Total", False, False),
    2015: YearStyle("cp1252", "\r\n", (_TITLE, "", ",,,,"), True, 0, True, _OLD_REVENUE, True, "Total", True, False),
    2016: YearStyle(
        "utf-8-sig", "\r\n", (), False, 1, False, _NEW_REVENUE, True, "Central Government Total", False, False
    ),
    2017: YearStyle(
        "utf-8", "\n", (_TITLE_DASH, "All figures in £m unless stated"), False, 0, True, _NEW_REVENUE, True, "Total", True,
        False,
    ),
    2018: YearStyle("cp1252", "\r\n", (), True, 1, True, _NEW_REVENUE, True, "Total", False, False),
    2019: YearStyle("utf-8-sig", "\r\n", (_TITLE, ",,,,", ""), False, 1, True, _NEW_REVENUE, True, "Total", True, False),
    2020: YearStyle("cp1252", "\r\n", (), True, 0, False, _NEW_REVENUE, True, "Grand Total", False, True),
    2021: YearStyle("utf-8-sig", "\r\n", (_TITLE_LONG,), False, 1, True, _NEW_REVENUE, True, "Grand Total", True, True),
}  # fmt: skip

HEADER_BEFORE_REVENUE = [
    "Department",
    "Total Procurement Spend (£m)",
    "Direct Spend with SMEs (£m)",
    "Direct Spend with SMEs as %",
]
ADDITIONAL = "Additional Indirect SME Spend collected & reported by Departments (outside of the annual survey)"
HEADER_AFTER_REVENUE = [
    "Responding Suppliers Reported Subcontracted Spend with SMEs (£m)",
    "Responding Suppliers Reported Subcontracted Spend with SMEs as %",
    ADDITIONAL,
    "In scope spend for Extrapolation",
    "Indirect Spend with SMEs Extrapolated (£m)",
    "Total Indirect Spend with SMEs (£m)",
    "Indirect Spend with SMEs as %",
    "Total Spend with SMEs (£m)",
    "Total Spend with SMEs as %",
    "No. of Suppliers Invited",
    "No. of valid supplier responses received",
    "Supplier Response rate as %",
    "Responding Suppliers Revenue as % of available spend",
]


@dataclass
class Row:
    """One published row; money in tenths of £m (exact integer sums), counts as ints (None = n/a)."""

    code: str
    spend: int
    direct: int = 0
    indirect: int = 0
    revenue: int = 0
    subcontracted: int = 0
    additional: int = 0
    in_scope: int = 0
    extrapolated: int = 0
    invited: int | None = None
    responses: int | None = None


def fy_label(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def department_codes(start: int, mixed_case: bool) -> dict[str, list[tuple[str, float, float]]]:
    """slot -> [(published code, share of the slot's spend, multiplier on its direct %)] for a year.

    Uses the names of the time: BIS and DECC before BEIS (2016/17), DCLG and DH until the
    January 2018 renames (2017/18 was published afterwards, under MHCLG and DHSC), FCO and
    DfID until FCDO (2020/21), DLUHC for 2021/22; DIT only from 2016/17.
    """

    def case(mixed: str, upper: str) -> str:
        return mixed if mixed_case else upper

    codes: dict[str, list[tuple[str, float, float]]] = {
        "CO": [("CO", 1, 1)],
        "DCMS": [("DCMS", 1, 1)],
        "DEFRA": [(case("Defra", "DEFRA"), 1, 1)],
        "DFE": [(case("DfE", "DFE"), 1, 1)],
        "DFT": [(case("DfT", "DFT"), 1, 1)],
        "DWP": [("DWP", 1, 1)],
        "HMRC": [("HMRC", 1, 1)],
        "HMT": [("HMT", 1, 1)],
        "HO": [("HO", 1, 1)],
        "MOD": [(case("MoD", "MOD"), 1, 1)],
        "MOJ": [(case("MoJ", "MOJ"), 1, 1)],
    }
    codes["BEIS"] = [("BIS", 0.72, 1.1), ("DECC", 0.28, 0.75)] if start < 2016 else [("BEIS", 1, 1)]
    if start >= 2016:
        codes["DIT"] = [("DIT", 1, 1)]
    codes["DHSC"] = [("DH" if start < 2017 else "DHSC", 1, 1)]
    codes["MHCLG"] = [("DCLG" if start < 2017 else "MHCLG" if start < 2021 else "DLUHC", 1, 1)]
    if start < 2020:
        codes["FCO"] = [("FCO", 1, 1)]
        codes["DFID"] = [(case("DfID", "DFID"), 1, 1)]
    return codes


def _merge_fcdo(slots: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """FCO and DfID become one FCDO slot from 2020/21 (spend added, direct % spend-weighted)."""
    (s1, p1), (s2, p2) = slots.pop("FCO"), slots.pop("DFID")
    slots["FCDO"] = (s1 + s2, (s1 * p1 + s2 * p2) / (s1 + s2))
    return slots


def department_rows(start: int, rng: random.Random, style: YearStyle) -> tuple[list[Row], Row]:
    """Department rows and the Other row, with spend and direct SME spend calibrated to the year's facts."""
    unit = 10 if style.decimals == 0 else 1  # tenths of £m per published unit
    procurement, direct_pct, _ = YEAR_FACTS[start]
    scale = procurement / YEAR_FACTS[2019][0]
    direct_drift = direct_pct / YEAR_FACTS[2019][1]
    slots: dict[str, tuple[float, float]] = {}
    for slot, (spend, pct) in SLOTS_2019.items():
        if start == 2019:
            slots[slot] = (spend, pct)
        else:
            slots[slot] = (
                spend * scale * math.exp(rng.gauss(0, 0.08)),
                pct * direct_drift * math.exp(rng.gauss(0, 0.1)),
            )
    if start >= 2020:
        slots = _merge_fcdo(slots)
    codes = department_codes(start, style.mixed_case_codes)
    codes.setdefault("FCDO", [("FCDO", 1, 1)])

    planned: list[tuple[str, float, float]] = []  # (code, spend £m, direct %)
    for slot, (spend, pct) in slots.items():
        for code, share, multiplier in codes.get(slot, []):
            planned.append((code, spend * share, min(pct * multiplier, 60.0)))
    if start == 2019:
        other_spend = procurement - sum(s for _, s, _ in planned)
    else:
        other_spend = procurement * rng.uniform(0.02, 0.04)
        fill = (procurement - other_spend) / sum(s for _, s, _ in planned)
        planned = [(c, s * fill, p) for c, s, p in planned]

    total_tenths = procurement * 10
    direct_target = round(procurement * direct_pct / 100 * 10 / unit) * unit
    if start != 2019:  # scale departments' % so Other lands near a plausible % after absorbing the residual
        other_direct = other_spend * rng.uniform(0.12, 0.22)
        raw = sum(s * p / 100 for _, s, p in planned)
        k = (direct_target / 10 - other_direct) / raw
        planned = [(c, s, p * k) for c, s, p in planned]

    rows: list[Row] = []
    for code, spend, pct in sorted(planned, key=lambda x: x[0].upper()):
        spend_t = _round_to(spend * 10, unit)
        rows.append(Row(code=code, spend=spend_t, direct=_round_to(spend_t * pct / 100, unit)))
    other = Row(code="Other", spend=total_tenths - sum(r.spend for r in rows))
    other.direct = direct_target - sum(r.direct for r in rows)
    return rows, other


def _round_to(value: float, unit: int) -> int:
    return int(round(value / unit)) * unit


def add_indirect(rows: list[Row], other: Row, start: int, rng: random.Random, unit: int) -> None:
    """Indirect SME spend per row, calibrated so the year's total % matches; Other absorbs rounding."""
    procurement, _, total_pct = YEAR_FACTS[start]
    if start in EXACT_TOTAL_SME_M:
        total_target = EXACT_TOTAL_SME_M[start] * 10
    else:
        total_target = round(procurement * total_pct / 100 * 10 / unit) * unit
    direct_total = sum(r.direct for r in rows) + other.direct
    indirect_target = total_target - direct_total
    base = {r.code: rng.uniform(9, 24) for r in rows}
    other_share = rng.uniform(0.10, 0.18) * other.spend
    k = (indirect_target - other_share) / sum(r.spend * base[r.code] / 100 for r in rows)
    for r in rows:
        r.indirect = _round_to(r.spend * base[r.code] / 100 * k, unit)
    other.indirect = indirect_target - sum(r.indirect for r in rows)


def add_survey(row: Row, rng: random.Random, style: YearStyle, unit: int) -> None:
    """The supplier-survey columns, consistent with the row's indirect spend.

    Indirect = additional (reported by the department) + the respondents' subcontracting
    rate extrapolated to in-scope spend; the reported subcontracted £m is that rate
    applied to respondents' revenue, and the rest of indirect is the extrapolated part.
    """
    row.in_scope = _round_to(row.spend * rng.uniform(0.55, 0.8), unit)
    row.revenue = _round_to(row.in_scope * rng.uniform(0.45, 0.8), unit)
    if style.additional_column and rng.random() < 0.6:
        row.additional = min(_round_to(row.spend * rng.uniform(0.002, 0.02), unit), row.indirect // 2)
        row.additional -= row.additional % unit
    rate = max(row.indirect - row.additional, 0) / row.in_scope if row.in_scope else 0.0
    row.subcontracted = _round_to(row.revenue * rate, unit)
    row.extrapolated = row.indirect - row.additional - row.subcontracted
    row.invited = max(8, int(math.sqrt(row.spend / 10) * rng.uniform(2.0, 3.5)))
    row.responses = int(row.invited * rng.uniform(0.3, 0.75))
    if style.na_small_departments and row.code in ("HMT", "DIT"):
        row.invited = row.responses = None


def total_row(rows: list[Row], label: str) -> Row:
    """The published total: the exact sum of the department and Other rows."""

    def add(attr: str) -> int:
        return sum(getattr(r, attr) for r in rows)

    counts = [r for r in rows if r.invited is not None]
    return Row(
        code=label,
        spend=add("spend"),
        direct=add("direct"),
        indirect=add("indirect"),
        revenue=add("revenue"),
        subcontracted=add("subcontracted"),
        additional=add("additional"),
        in_scope=add("in_scope"),
        extrapolated=add("extrapolated"),
        invited=sum(r.invited or 0 for r in counts),
        responses=sum(r.responses or 0 for r in counts),
    )


def money(tenths: int, style: YearStyle) -> str:
    """£m as published that year: '£1,435', '1,435.2', '£1,435.2' (tenths of £m in)."""
    text = f"{tenths / 10:,.{style.decimals}f}"
    if style.pound_sign:
        text = "-£" + text[1:] if text.startswith("-") else "£" + text
    return text


def percent(numerator: float, denominator: float, style: YearStyle) -> str:
    if not denominator:
        return "n/a"
    return f"{100 * numerator / denominator:.1f}" + ("%" if style.percent_sign else "")


def header(style: YearStyle) -> list[str]:
    cols = [*HEADER_BEFORE_REVENUE, style.revenue_header, *HEADER_AFTER_REVENUE]
    return [c for c in cols if style.additional_column or c != ADDITIONAL]


def cells(row: Row, style: YearStyle) -> list[str]:
    """One CSV record in the year's style, in header order."""

    def m(tenths: int) -> str:
        return money(tenths, style)

    def p(numerator: float, denominator: float) -> str:
        return percent(numerator, denominator, style)

    out = [
        row.code,
        m(row.spend),
        m(row.direct),
        p(row.direct, row.spend),
        m(row.revenue),
        m(row.subcontracted),
        p(row.subcontracted, row.revenue),
    ]
    if style.additional_column:
        out.append(m(row.additional) if row.additional else "-")
    out += [
        m(row.in_scope),
        m(row.extrapolated),
        m(row.indirect),
        p(row.indirect, row.spend),
        m(row.direct + row.indirect),
        p(row.direct + row.indirect, row.spend),
        "n/a" if row.invited is None else f"{row.invited:,}",
        "n/a" if row.responses is None else f"{row.responses:,}",
        "n/a" if row.invited is None else p(row.responses or 0, row.invited),
        p(row.revenue, row.in_scope),
    ]
    return out


def year_csv(start: int, rng: random.Random) -> bytes:
    """The bytes of one year's file, encoded and line-ended as that year's file was saved."""
    style = STYLES[start]
    unit = 10 if style.decimals == 0 else 1
    rows, other = department_rows(start, rng, style)
    add_indirect(rows, other, start, rng, unit)
    for row in [*rows, other]:
        add_survey(row, rng, style, unit)
    width = len(header(style))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=style.newline)
    for line in style.banner:
        if line.startswith(","):
            buffer.write("," * (width - 1) + style.newline)
        elif line:
            title = line.format(
                fy=fy_label(start), fy_dash=fy_label(start).replace("/", "-"), fy_long=f"{start} to {start + 1}"
            )
            writer.writerow([title] + [""] * (width - 1))
        else:
            buffer.write(style.newline)
    writer.writerow(header(style))
    for row in [*rows, other, total_row([*rows, other], style.total_label)]:
        writer.writerow(cells(row, style))
    return buffer.getvalue().encode(style.encoding)


def file_name(start: int) -> str:
    return f"sme-spend-{start}-{(start + 1) % 100:02d}.csv"


def write_sample(out_dir: Path, *, seed: int = 2026) -> list[Path]:
    """Write one sample SME spend CSV per financial year into out_dir/'sme-spend'; return the paths."""
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths: list[Path] = []
    for start in range(FIRST_YEAR, LAST_YEAR + 1):
        path = folder / file_name(start)
        path.write_bytes(year_csv(start, rng))
        paths.append(path)
    return paths
