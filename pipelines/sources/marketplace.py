"""Digital Marketplace (G-Cloud and DOS) spend: every published generation of the CSV.

Layouts (recognised from the header, never the file name):

- ``gcloud_2013_total_spend``: Framework,Lot,Supplier,Customer,For_Month,Product_Service_Description,Total_Charge.
  Months carry a stray trailing 'l'; Framework is the iteration (G-Cloudi, G-Cloud Services II, G-Cloud III,
  G-Cloud 4). No sector or SME column: those stay null, never guessed.
- ``gcloud_2014_for_publication``: LotDescription,Return Month,EvidencedSpend,Sector,SME or Large,,SupplierName,
  CustomerName (an unnamed empty column; dd/mm/yyyy months; spend with '£' and thousands commas).
- ``gcloud_2014_for_import``: ID,Framework,LotDescription,SupplierName,CustomerName,ReturnMonth,
  ProjectNameAndDescription,EvidencedSpend,Sector,SMEorLarge.
- ``ccs_marketplace_spend``: the later CCS layout (DOS and later G-Cloud iterations): FrameworkName/Framework, Lot,
  SupplierName, CustomerName, Sector/MarketSector, EvidencedSpend and either SpendMonth or FinancialYear +
  FinancialMonth; an SME column when present.

The load is one lazy Polars pass from the (UTF-8/LF) CSV to a Parquet file in the build's work folder holding
every row with its parsed values and, for rows that fail a rule, the reason; loaded rows and rejects are then
read back from that file. This streams, so a 10-million-row file never sits in memory at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.parsing import MONEY, MONTH_NAMES, clean_text, financial_year, parse_money, parse_month
from pipelines.sources.base import (
    LINE,
    REJECT_REASON,
    Check,
    FileLoad,
    Format,
    apply_checks,
    bad_line_checks,
    extra_fields_check,
    header_key,
    rejects_frame,
    repeated_header_check,
    scan_csv_strings,
    unique_names,
)
from pipelines.textio import Head, UnreadableFileError, prepare_csv

SOURCE = "marketplace_spend"
STAGING = "stg_marketplace_spend"
PUBLISHER = "Crown Commercial Service / Cabinet Office (Digital Marketplace sales data)"
LICENCE = "Open Government Licence v3.0"

#: The staging schema every layout is cleaned into.
STAGING_SCHEMA: dict[str, pl.DataType] = {
    "source_file": pl.String(),
    "source_line": pl.Int64(),
    "month": pl.Date(),
    "financial_year": pl.String(),
    "framework_family": pl.String(),
    "framework_iteration": pl.String(),
    "framework_raw": pl.String(),
    "lot_number": pl.Int8(),
    "lot_name": pl.String(),
    "supplier_name": pl.String(),
    "supplier_is_sme": pl.Boolean(),
    "customer_name": pl.String(),
    "sector": pl.String(),
    "amount": MONEY,
    "description": pl.String(),
}

# Logical field -> accepted header keys (see header_key), first match wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "framework": ("frameworkname", "framework"),
    "lot": ("lot", "lotdescription", "lotname", "lotnumber"),
    "supplier": ("suppliername", "supplier"),
    "customer": ("customername", "customer"),
    "month": ("formonth", "returnmonth", "spendmonth", "month"),
    "financial_year": ("financialyear",),
    "financial_month": ("financialmonth",),
    "description": ("productservicedescription", "projectnameanddescription", "description", "servicedescription"),
    "amount": ("totalcharge", "evidencedspend", "spend", "amount"),
    "sector": ("sector", "marketsector", "customersector"),
    "sme": ("smeorlarge", "smestatus", "suppliersize", "sme", "suppliersmestatus"),
}


@dataclass(frozen=True)
class Layout:
    id: str
    description: str
    fields: tuple[str, ...]  # logical fields that must be present
    optional: tuple[str, ...]
    fixed_family: str | None = None  # framework family when the file has no framework column
    published: tuple[str, ...] = ()  # the header as the publisher writes it, for messages

    def required_keys(self) -> tuple[str, ...]:
        return tuple(header_key(self.published_name(f)) for f in self.fields)

    def published_name(self, field: str) -> str:
        """The column name this layout uses for a logical field (e.g. amount -> EvidencedSpend)."""
        for name in self.published:
            if header_key(name) in ALIASES[field]:
                return name
        return ALIASES[field][0]


LAYOUT_2013 = Layout(
    "gcloud_2013_total_spend",
    "G-Cloud Total Spend (2012-13 layout, Framework..Total_Charge)",
    ("framework", "lot", "supplier", "customer", "month", "amount"),
    ("description",),
    published=("Framework", "Lot", "Supplier", "Customer", "For_Month", "Product_Service_Description", "Total_Charge"),
)
LAYOUT_2014_PUBLICATION = Layout(
    "gcloud_2014_for_publication",
    "G-Cloud spend 2014 'For Publication' layout",
    ("lot", "month", "amount", "supplier", "customer"),
    ("sector", "sme"),
    fixed_family="G-Cloud",
    published=(
        "LotDescription",
        "Return Month",
        "EvidencedSpend",
        "Sector",
        "SME or Large",
        "SupplierName",
        "CustomerName",
    ),
)
LAYOUT_2014_IMPORT = Layout(
    "gcloud_2014_for_import",
    "G-Cloud spend 2014 'For import' layout",
    ("framework", "lot", "supplier", "customer", "month", "amount"),
    ("description", "sector", "sme"),
    published=(
        "ID",
        "Framework",
        "LotDescription",
        "SupplierName",
        "CustomerName",
        "ReturnMonth",
        "ProjectNameAndDescription",
        "EvidencedSpend",
        "Sector",
        "SMEorLarge",
    ),  # fmt: skip
)
LAYOUT_CCS = Layout(
    "ccs_marketplace_spend",
    "CCS Digital Marketplace spend (later G-Cloud and DOS layout)",
    ("framework", "supplier", "customer", "amount"),
    ("lot", "sector", "sme", "description", "month", "financial_year", "financial_month"),
    published=("FrameworkName", "Lot", "SupplierName", "CustomerName", "Sector", "SpendMonth", "EvidencedSpend"),
)


def _keys(head: Head) -> tuple[int, list[str], set[str]] | None:
    """The header line index, its cells and their normalised keys (first 6 lines searched)."""
    for idx, row in enumerate(head.csv_rows(6)):
        keys = {header_key(c) for c in row if c.strip()}
        if {"customer", "customername"} & keys and len(keys) >= 4:
            return idx, row, keys
    return None


def _layout_for(keys: set[str]) -> Layout | None:
    if "formonth" in keys or "totalcharge" in keys:
        return LAYOUT_2013
    if "returnmonth" in keys and "framework" not in keys and "frameworkname" not in keys:
        return LAYOUT_2014_PUBLICATION
    if "returnmonth" in keys:
        return LAYOUT_2014_IMPORT
    if {"spendmonth", "financialmonth", "financialyear"} & keys:
        return LAYOUT_CCS
    return None


def _matcher(layout: Layout):
    def matches(head: Head) -> bool:
        if head.kind != "text":
            return False
        found = _keys(head)
        return found is not None and _layout_for(found[2]) is layout

    return matches


def _column_for(field: str, names: list[str]) -> str | None:
    by_key = {header_key(n): n for n in names}
    for alias in ALIASES[field]:
        if alias in by_key:
            return by_key[alias]
    return None


def _framework_exprs(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(family, canonical iteration) from a framework name like 'G-Cloudi' or 'Digital Outcomes and Specialists 3'."""
    low = raw.str.to_lowercase().str.replace_all(r"[\s_]+", " ")
    is_gcloud = low.str.contains(r"g[\s-]?cloud")
    is_dos = low.str.contains(r"digital outcomes|^dos\s*\d*$|\bdos\s?\d|digital services")
    family = pl.when(is_gcloud).then(pl.lit("G-Cloud")).when(is_dos).then(pl.lit("DOS")).otherwise(None)
    token = (
        pl.when(is_gcloud)
        .then(low.str.extract(r"g[\s-]?cloud\s*(?:services\s*)?(?:framework\s*)?([ivx]+|\d+)?\b", 1))
        .otherwise(low.str.extract(r"(?:specialists|dos)\s*([ivx]+|\d+)\b", 1))
    )
    romans = {
        "i": "1",
        "ii": "2",
        "iii": "3",
        "iv": "4",
        "v": "5",
        "vi": "6",
        "vii": "7",
        "viii": "8",
        "ix": "9",
        "x": "10",
    }
    number = token.replace(romans)
    label = pl.when(family == "DOS").then(pl.lit("DOS")).otherwise(pl.lit("G-Cloud"))
    iteration = (
        pl.when(family.is_null())
        .then(None)
        .when(low.str.contains("digital services") & ~low.str.contains("outcomes"))
        .then(pl.lit("Digital Services"))
        .when(number.is_not_null())
        .then(pl.concat_str(label, pl.lit(" "), number))
        .otherwise(pl.concat_str(label, pl.lit(" (iteration not stated)")))
    )
    return family, iteration


LOT_NAMES = {1: "IaaS", 2: "PaaS", 3: "SaaS", 4: "Specialist Cloud Services"}


def _lot_exprs(raw: pl.Expr, family: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(lot_number, lot_name, invalid) from '3', 'Lot 3', 'SaaS', 'Cloud hosting', 'Digital specialists'."""
    low = raw.str.to_lowercase().str.strip_chars()
    digit = low.str.extract(r"^(?:lot\s*)?(\d+)\b", 1).cast(pl.Int16, strict=False)
    named = (
        pl.when(low.str.contains(r"\biaas\b|infrastructure"))
        .then(1)
        .when(low.str.contains(r"\bpaas\b|platform"))
        .then(2)
        .when(low.str.contains(r"\bsaas\b|software as a service"))
        .then(3)
        .when(low.str.contains(r"specialist cloud|\bscs\b"))
        .then(4)
    )
    gcloud_number = pl.when(family == "G-Cloud").then(pl.coalesce(named, digit))
    text_name = (
        pl.when(low.str.contains("cloud hosting"))
        .then(pl.lit("Cloud hosting"))
        .when(low.str.contains("cloud software"))
        .then(pl.lit("Cloud software"))
        .when(low.str.contains("cloud support"))
        .then(pl.lit("Cloud support"))
        .when(low.str.contains("digital outcomes"))
        .then(pl.lit("Digital outcomes"))
        .when(low.str.contains("digital specialists"))
        .then(pl.lit("Digital specialists"))
        .when(low.str.contains("research studios"))
        .then(pl.lit("User research studios"))
        .when(low.str.contains("research participants"))
        .then(pl.lit("User research participants"))
    )
    is_modern_text = text_name.is_not_null()
    number = pl.when(is_modern_text).then(None).otherwise(gcloud_number)
    name = pl.coalesce(text_name, number.replace_strict(LOT_NAMES, default=None, return_dtype=pl.String), raw)
    invalid = number.is_not_null() & ~number.is_between(1, 4) & digit.is_not_null() & raw.is_not_null()
    return number.cast(pl.Int8, strict=False), name, invalid


def _sme_expr(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    low = raw.str.to_lowercase().str.strip_chars()
    value = (
        pl.when(low.is_in(["sme", "small", "medium", "small or medium", "y", "yes", "true"]))
        .then(True)
        .when(low.is_in(["large", "n", "no", "false", "non-sme", "non sme"]))
        .then(False)
        .otherwise(None)
    )
    return value, raw.is_not_null() & value.is_null()


SECTORS = {
    "central government": "Central Government",
    "local government": "Local Government",
    "health": "Health",
    "devolved administrations": "Devolved Administrations",
    "education": "Education",
    "police": "Police",
    "fire and rescue": "Fire and Rescue",
    "not for profit": "Not for Profit",
    "private sector": "Private Sector",
    "wider public sector": "Wider Public Sector",
    "defence": "Defence",
}


def _sector_expr(raw: pl.Expr) -> pl.Expr:
    low = raw.str.to_lowercase().str.strip_chars().str.replace_all(r"\s+", " ")
    return pl.coalesce(low.replace_strict(SECTORS, default=None, return_dtype=pl.String), raw)


def _financial_month_expr(fy: pl.Expr, fm: pl.Expr) -> pl.Expr:
    """Month from FinancialYear ('2017/18') + FinancialMonth ('April', 'Apr' or calendar month number)."""
    start = fy.str.extract(r"((?:19|20)\d{2})", 1).cast(pl.Int32, strict=False)
    low = fm.str.to_lowercase().str.strip_chars()
    month = pl.coalesce(
        low.replace_strict(MONTH_NAMES, default=None, return_dtype=pl.Int32),
        low.str.extract(r"^(\d{1,2})$", 1).cast(pl.Int32, strict=False),
    )
    month = pl.when(month.is_between(1, 12)).then(month)
    year = pl.when(month >= 4).then(start).otherwise(start + 1)
    return pl.date(year, month, 1)


MIN_MONTH = pl.date(2011, 1, 1)
MAX_MONTH = pl.date(2040, 12, 1)


def clean(lf: pl.LazyFrame, layout: Layout, names: list[str], file_name: str) -> pl.LazyFrame:
    """Raw all-string rows of one layout -> staging columns plus helper columns for the checks (pure).

    Works in stages (trimmed text first, then parsed values) so each raw value is
    cleaned once rather than once per rule.
    """
    col = {f: _column_for(f, names) for f in ALIASES}

    def raw(field: str) -> pl.Expr:
        name = col[field]
        return clean_text(pl.col(name)) if name else pl.lit(None, dtype=pl.String)

    if layout.fixed_family and col["framework"] is None:
        framework_raw = pl.lit(layout.fixed_family)
    else:
        framework_raw = raw("framework")
    if col["month"] is not None:
        month_raw = raw("month")
    else:
        month_raw = pl.concat_str(raw("financial_year"), pl.lit(" "), raw("financial_month"), ignore_nulls=True)
    stage1 = lf.with_columns(
        pl.lit(file_name).alias("source_file"),
        framework_raw.alias("framework_raw"),
        raw("supplier").alias("supplier_name"),
        raw("customer").alias("customer_name"),
        raw("description").alias("description"),
        month_raw.alias("_month_raw"),
        raw("financial_year").alias("_fy_raw"),
        raw("financial_month").alias("_fm_raw"),
        raw("amount").alias("_amount_raw"),
        raw("lot").alias("_lot_raw"),
        raw("sme").alias("_sme_raw"),
        raw("sector").alias("_sector_raw"),
    )
    family, iteration = _framework_exprs(pl.col("framework_raw"))
    stage2 = stage1.with_columns(
        family.alias("framework_family"),
        iteration.alias("framework_iteration"),
        (
            parse_month(pl.col("_month_raw"))
            if col["month"] is not None
            else _financial_month_expr(pl.col("_fy_raw"), pl.col("_fm_raw"))
        ).alias("month"),
        parse_money(pl.col("_amount_raw")).alias("amount"),
        _sector_expr(pl.col("_sector_raw")).alias("sector"),
    )
    lot_number, lot_name, lot_invalid = _lot_exprs(pl.col("_lot_raw"), pl.col("framework_family"))
    sme, sme_invalid = _sme_expr(pl.col("_sme_raw"))
    return stage2.with_columns(
        lot_number.alias("lot_number"),
        lot_name.alias("lot_name"),
        lot_invalid.alias("_lot_invalid"),
        sme.alias("supplier_is_sme"),
        sme_invalid.alias("_sme_invalid"),
        financial_year(pl.col("month")).alias("financial_year"),
    )


def _checks(layout: Layout, names: list[str]) -> list[Check]:
    col = {f: _column_for(f, names) for f in ALIASES}
    month_col = col["month"] or col["financial_month"] or "month"
    all_blank = pl.all_horizontal([pl.col(n).is_null() for n in names])
    checks = [
        Check("(row)", all_blank, "blank row", pl.lit(None, dtype=pl.String)),
        repeated_header_check(names[:3]),
        extra_fields_check(),
        Check(col["customer"] or "customer", pl.col("customer_name").is_null(), "missing customer name"),
        Check(col["supplier"] or "supplier", pl.col("supplier_name").is_null(), "missing supplier name"),
        Check(
            col["amount"] or "amount", pl.col("_amount_raw").is_null(), "missing spend amount", pl.col("_amount_raw")
        ),
        Check(
            col["amount"] or "amount",
            pl.col("amount").is_null(),
            "spend is not an amount of money",
            pl.col("_amount_raw"),
        ),
        Check(month_col, pl.col("_month_raw").is_null(), "missing month", pl.col("_month_raw")),
        Check(month_col, pl.col("month").is_null(), "month is not a readable date", pl.col("_month_raw")),
        Check(
            month_col,
            ~pl.col("month").is_between(MIN_MONTH, MAX_MONTH),
            "month outside 2011-2040",
            pl.col("_month_raw"),
        ),
        Check(
            col["framework"] or "framework",
            pl.col("framework_family").is_null(),
            "framework is not G-Cloud or Digital Outcomes and Specialists",
            pl.col("framework_raw"),
        ),
        Check(col["lot"] or "lot", pl.col("_lot_invalid"), "G-Cloud lot number must be 1-4", pl.col("_lot_raw")),
        Check(col["sme"] or "sme", pl.col("_sme_invalid"), "SME flag must be SME or Large", pl.col("_sme_raw")),
    ]
    return checks


def _load(layout: Layout):
    def load(path: Path, head: Head, workdir: Path) -> FileLoad:
        found = _keys(head)
        if found is None:  # pragma: no cover - matches() guarantees it
            raise UnreadableFileError(path, "no Digital Marketplace header found in the first 6 lines", line=1)
        header_line, cells, keys = found
        names = unique_names(cells)
        missing = [layout.published_name(f) for f in layout.fields if _column_for(f, names) is None]
        if layout is LAYOUT_CCS and not (
            _column_for("month", names)
            or (_column_for("financial_year", names) and _column_for("financial_month", names))
        ):
            missing.append("SpendMonth (or FinancialYear + FinancialMonth)")
        if missing:
            raise UnreadableFileError(
                path,
                f"looks like {layout.description} but lacks required column(s): {', '.join(missing)}",
                line=header_line + 1,
                column=missing[0],
            )
        prepared = prepare_csv(path, workdir)
        lf = scan_csv_strings(prepared.path, header_line, names)
        checks = _checks(layout, names) + bad_line_checks(prepared.bad_lines, names)
        checked = apply_checks(clean(lf, layout, names, path.name), checks)
        return finish(path, layout.id, checked, workdir, prepared.encoding, prepared.line_endings)

    return load


def finish(path: Path, fmt: str, checked: pl.LazyFrame, workdir: Path, encoding: str, endings: str) -> FileLoad:
    """Stream the checked rows to Parquet, then read back loaded rows, rejects and counts."""
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / f"{fmt}.{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]}.parquet"
    keep = [*STAGING_SCHEMA, "_reject_column", "_reject_value", REJECT_REASON]
    checked.select(keep).sink_parquet(out, compression="lz4", row_group_size=256_000)
    scanned = pl.scan_parquet(out)
    counts = scanned.select(
        pl.len().alias("read"),
        pl.col(REJECT_REASON).is_not_null().sum().alias("rejected"),
        pl.col("month").filter(pl.col(REJECT_REASON).is_null()).min().alias("first"),
        pl.col("month").filter(pl.col(REJECT_REASON).is_null()).max().alias("last"),
    ).collect()
    rows_read = int(counts["read"][0])
    rejected = int(counts["rejected"][0])
    rejects = rejects_frame(
        scanned.filter(pl.col(REJECT_REASON).is_not_null()).select(
            LINE, "_reject_column", "_reject_value", REJECT_REASON
        ),
        path,
        SOURCE,
        fmt,
    )
    loaded = scanned.filter(pl.col(REJECT_REASON).is_null()).select(list(STAGING_SCHEMA)).cast(STAGING_SCHEMA)
    first, last = counts["first"][0], counts["last"][0]
    period = f"{first:%Y-%m} .. {last:%Y-%m}" if first and last else ""
    return FileLoad(
        path=path,
        source=SOURCE,
        format=fmt,
        tables={STAGING: loaded},
        rejects=rejects,
        rows_read=rows_read,
        rows_loaded=rows_read - rejected,
        notes=[f"{encoding}, {endings} line endings"],
        encoding=encoding,
        period=period,
        parquet={STAGING: out},
    )


def _format(layout: Layout) -> Format:
    return Format(
        id=layout.id,
        source=SOURCE,
        description=layout.description,
        matches=_matcher(layout),
        load=_load(layout),
        publisher=PUBLISHER,
        licence=LICENCE,
        required_columns=layout.required_keys(),
    )


FORMATS = [_format(layout) for layout in (LAYOUT_2013, LAYOUT_2014_PUBLICATION, LAYOUT_2014_IMPORT, LAYOUT_CCS)]
