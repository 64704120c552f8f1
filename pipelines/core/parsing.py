"""Polars expressions that parse the values publishers write: money, months, dates.

Every parser returns null for a value it cannot read, so callers can reject the row
with a reason (input present, parsed value null) instead of guessing.
"""

from __future__ import annotations

import polars as pl

#: Money exactly as published: some G-Cloud rows have four decimals (13192.9325), so four are kept.
MONEY_SCALE = 4
MONEY = pl.Decimal(18, MONEY_SCALE)

MONTH_NAMES = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip

# Excel's day zero for serial dates (the 1900 leap-year bug makes it 1899-12-30).
EXCEL_EPOCH = pl.date(1899, 12, 30)


def clean_text(expr: pl.Expr) -> pl.Expr:
    """Trim whitespace (including non-breaking spaces); empty becomes null."""
    out = expr.str.replace_all("\u00a0", " ", literal=True).str.strip_chars()
    return pl.when(out == "").then(None).otherwise(out)


def parse_bool(expr: pl.Expr, true_words: tuple[str, ...], false_words: tuple[str, ...]) -> pl.Expr:
    """A flag written as one of `true_words` / `false_words` (any case, surrounding spaces ignored); else null."""
    s = expr.str.strip_chars().str.to_lowercase()
    return pl.when(s.is_in(list(true_words))).then(True).when(s.is_in(list(false_words))).then(False).otherwise(None)


def _money_body(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(the digits of a money cell, whether it is negative, whether it carries two signs)."""
    s = expr.cast(pl.String).str.strip_chars()
    negative = (s.str.starts_with("(") & s.str.ends_with(")")) | s.str.ends_with("-")
    double_sign = s.str.starts_with("-") & s.str.ends_with("-")
    body = s.str.replace_many(["£", "$", "€", ",", "(", ")", " ", "GBP"], [""] * 8).str.strip_suffix("-")
    return body, negative, double_sign


def too_precise(expr: pl.Expr) -> pl.Expr:
    """True where a money cell has more decimal places than MONEY keeps (it would be rounded, so it is refused)."""
    body, _, _ = _money_body(expr)
    return body.str.contains(rf"^[-+]?\d*\.\d{{{MONEY_SCALE + 1},}}$")


def parse_money(expr: pl.Expr) -> pl.Expr:
    """Parse '1234.5', '£1,234.56', '(1,234.56)', '-£10', '10-', '1.2e3', ' 10 ' to Decimal(18, 4), exactly.

    Accounting brackets and a leading or trailing minus make the value negative
    (credit notes). 'N/A', '-', '' and words give null, and so does a value with more
    than four decimal places, which Decimal(18, 4) could only hold rounded (see
    `too_precise`, which callers use to say why). Kept to a handful of string passes
    because it runs on every row of 10-million-row files.
    """
    body, negative, double_sign = _money_body(expr)
    value = body.cast(MONEY, strict=False)
    return pl.when(double_sign | too_precise(expr)).then(None).when(negative).then(-value).otherwise(value)


def parse_number(expr: pl.Expr) -> pl.Expr:
    """Parse a general number ('1,435', '£1,435', '44.1%', '0.441') to Float64; null if not a (finite) number."""
    s = expr.cast(pl.String).str.strip_chars().str.replace_all(r"[£,%\s\u00a0]", "")
    negative_brackets = s.str.starts_with("(") & s.str.ends_with(")")
    s = s.str.replace_all(r"^\((.*)\)$", "$1")
    ok = s.str.contains(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
    value = s.cast(pl.Float64, strict=False)
    # '1e400' overflows to infinity: not a published figure, so not a number (the row is rejected).
    value = pl.when(ok & value.is_finite()).then(value).otherwise(None)
    return pl.when(negative_brackets).then(-value).otherwise(value)


#: The largest count (suppliers, residents) taken as a whole number; beyond it a value is not a plausible
#: count and would not fit the integer column exactly.
MAX_COUNT = 1_000_000_000


def is_count(number: pl.Expr) -> pl.Expr:
    """A parsed number that is a whole number from 0 to MAX_COUNT (null where the number is null)."""
    return (number >= 0) & (number <= MAX_COUNT) & (number == number.floor())


def _month_from_name(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_lowercase().replace_strict(MONTH_NAMES, default=None, return_dtype=pl.Int32)


def parse_month(expr: pl.Expr) -> pl.Expr:
    """Parse a month in any published form to the first day of that month (Date).

    Accepts 2014-06-01, 2012-10-01l (stray trailing 'l'), 2014-06, 01/06/2014 and 01/06/14 (UK day
    first), 06/2014, Jun-14, June 2014, 2014-06-01T00:00:00 and Excel serial day numbers
    (e.g. 41791), so a 2017 Return Month column mixing serials and dd/mm/yy reads whole. Anything
    else (including impossible dates like 2014-13-01) gives null.
    """
    s = expr.cast(pl.String).str.strip_chars().str.replace(r"(?i)^(\d{4}-\d{2}-\d{2})l$", "$1")
    s = s.str.replace(r"[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?$", "")
    iso = s.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    # %Y also takes a two-digit year ('01/08/17' would be AD 17), so each pattern is tried only on its own shape
    uk = pl.when(s.str.contains(r"^\d{1,2}/\d{1,2}/\d{4}$")).then(s.str.strptime(pl.Date, "%d/%m/%Y", strict=False))
    uk_short = pl.when(s.str.contains(r"^\d{1,2}/\d{1,2}/\d{2}$")).then(
        s.str.strptime(pl.Date, "%d/%m/%y", strict=False)
    )
    year_month = (s + "-01").str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    month_year = pl.when(s.str.contains(r"^\d{1,2}/\d{4}$")).then(
        ("01/" + s).str.strptime(pl.Date, "%d/%m/%Y", strict=False)
    )
    parts = s.str.extract_groups(r"^([A-Za-z]{3,9})[\s\-/]+(\d{2}|\d{4})$")
    mon = _month_from_name(parts.struct.field("1"))
    yr = parts.struct.field("2").cast(pl.Int32, strict=False)
    yr = pl.when(yr < 100).then(yr + 2000).otherwise(yr)
    named = pl.date(yr, mon, 1)
    serial_ok = s.str.contains(r"^\d{5}(\.0+)?$")
    serial_days = s.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
    serial = pl.when(serial_ok & serial_days.is_between(20000, 80000)).then(EXCEL_EPOCH + pl.duration(days=serial_days))
    parsed = pl.coalesce(iso, uk, uk_short, year_month, month_year, named, serial)
    return parsed.dt.month_start()


def parse_date(expr: pl.Expr) -> pl.Expr:
    """Parse a calendar date (ISO, ISO datetime, UK dd/mm/yyyy); null when unreadable."""
    s = expr.cast(pl.String).str.strip_chars()
    s = s.str.replace(r"[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", "")
    return pl.coalesce(
        s.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        pl.when(s.str.contains(r"^\d{1,2}/\d{1,2}/\d{4}$")).then(s.str.strptime(pl.Date, "%d/%m/%Y", strict=False)),
    )


def financial_year(date: pl.Expr) -> pl.Expr:
    """UK financial year label (April-March) of a date: 2014-03-01 -> '2013/14'."""
    start = pl.when(date.dt.month() >= 4).then(date.dt.year()).otherwise(date.dt.year() - 1)
    return pl.format("{}/{}", start, ((start + 1) % 100).cast(pl.String).str.zfill(2))


def financial_year_label(text: str) -> str | None:
    """Normalise '2019/20', '2019-20', '2019/2020', 'FY2019-20' to '2019/20' (None if not a year)."""
    import re

    m = re.search(r"(20\d{2}|19\d{2})\s*[/\-–]\s*(\d{2,4})", text)
    if not m:
        return None
    start = int(m.group(1))
    end = m.group(2)
    end_yy = int(end[-2:])
    if end_yy != (start + 1) % 100:
        return None
    return f"{start}/{end_yy:02d}"


#: A UK postcode with its spaces removed: outward code (area, district), then inward code (sector, unit).
POSTCODE_PATTERN = r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$"


def normalise_postcode(expr: pl.Expr) -> pl.Expr:
    """'l3 9pp', 'L39PP', ' L3  9PP ' -> 'L3 9PP' (ONS's `pcds` form); null when not a UK postcode."""
    squeezed = expr.str.to_uppercase().str.replace_all(r"[\s\u00a0]+", "")
    parts = squeezed.str.extract_groups(POSTCODE_PATTERN)
    return pl.when(squeezed.str.contains(POSTCODE_PATTERN)).then(
        pl.concat_str(parts.struct.field("1"), pl.lit(" "), parts.struct.field("2"))
    )
