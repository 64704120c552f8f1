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
- ``ccs_marketplace_2017_return_month``: the July 2017 "sales figures" layout (Customer Name, Return Month,
  Evidenced Spend, SME Status, Sector, ...): Return Month mixes Excel serial numbers and dd/mm/yy.
- ``ccs_marketplace_2017_monthly``: Dec 2017 - Mar 2018 (Sector, Lot, Month as `Mon-YY`, Spend with `£`,
  thousands commas and bracketed negatives, SME Status, Supplier, Customer, Framework; ISO-8859-1). DOS files
  have no Framework column: the lot tells the framework (Digital outcomes / specialists / user research are
  DOS; cloud and SaaS/IaaS/PaaS/SCS lots, old names and new, G-Cloud); a lot that tells neither is rejected.
  The exact 2017-18 header spellings are not confirmed: headers are matched by normalised name.
- ``marketplace_spend_workbook``: any of these layouts saved as XLSX, XLS or ODS (one spend sheet; banners
  above the header allowed). Cells are read by type: money as numbers, months as dates or serials.

The load is one lazy Polars pass from the (UTF-8/LF) CSV to a Parquet file in the build's work folder holding
every row with its parsed values and, for rows that fail a rule, the reason; loaded rows and rejects are then
read back from that file. This streams, so a 10-million-row file never sits in memory at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.core.loading import (
    LINE,
    REJECT_CODE,
    REJECT_REASON,
    Check,
    FileLoad,
    Format,
    bad_line_checks,
    explain_rejects,
    extra_fields_check,
    flag_rejects,
    header_key,
    reading_csv,
    rejects_frame,
    scan_csv_strings,
    sheet_rows,
    truncated_row_checks,
    unique_names,
)
from pipelines.core.parsing import (
    MONEY,
    MONEY_SCALE,
    MONTH_NAMES,
    clean_text,
    financial_year,
    parse_money,
    parse_month,
    too_precise,
)
from pipelines.core.sheets import HEAD_ROWS, SheetHead
from pipelines.core.textio import Head, UnreadableFileError, prepare_csv

SOURCE = "marketplace_spend"
STAGING = "stg_marketplace_spend"
PUBLISHER = "Crown Commercial Service / Cabinet Office (Digital Marketplace sales data)"
LICENCE = "Open Government Licence v3.0"

#: The staging schema every layout is cleaned into.
STAGING_SCHEMA = pl.Schema(
    {
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
)

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
    #: With no framework column, the lot names the framework (DOS lots are DOS's own; G-Cloud's too).
    family_from_lot: bool = False

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


LAYOUT_2017_RETURN = Layout(
    "ccs_marketplace_2017_return_month",
    "Digital Marketplace sales 2017 layout (Customer Name, Return Month, Evidenced Spend, SME Status)",
    ("supplier", "customer", "month", "amount"),
    ("framework", "lot", "sector", "sme", "description"),
    published=("Supplier Name", "Customer Name", "Return Month", "Evidenced Spend", "SME Status", "Sector", "Lot"),
    family_from_lot=True,
)
LAYOUT_2017_MONTHLY = Layout(
    "ccs_marketplace_2017_monthly",
    "Digital Marketplace spend Dec 2017 - Mar 2018 layout (Sector, Lot, Month, Spend, SME Status, Supplier,"
    " Customer[, Framework])",
    ("lot", "month", "amount", "supplier", "customer"),
    ("framework", "sector", "sme", "description"),
    published=("Sector", "Lot", "Month", "Spend", "SME Status", "Supplier", "Customer", "Framework"),
    family_from_lot=True,
)

#: Rows of a text file's head where its header is looked for (banners above it allowed).
HEADER_LINES = 6


def _header_in(rows: list[list[str]]) -> tuple[int, list[str], set[str]] | None:
    """The index, cells and normalised keys of the first row that looks like a marketplace header."""
    for idx, row in enumerate(rows):
        keys = {header_key(c) for c in row if c.strip()}
        if {"customer", "customername"} & keys and len(keys) >= 4:
            return idx, row, keys
    return None


def _keys(head: Head) -> tuple[int, list[str], set[str]] | None:
    """The header line index, its cells and their normalised keys (first 6 lines searched)."""
    return _header_in(head.csv_rows(HEADER_LINES))


def _layout_for(keys: set[str]) -> Layout | None:
    if "formonth" in keys or "totalcharge" in keys:
        return LAYOUT_2013
    if "returnmonth" in keys and "smestatus" in keys:
        return LAYOUT_2017_RETURN
    if "returnmonth" in keys and "framework" not in keys and "frameworkname" not in keys:
        return LAYOUT_2014_PUBLICATION
    if "returnmonth" in keys:
        return LAYOUT_2014_IMPORT
    if {"spendmonth", "financialmonth", "financialyear"} & keys:
        return LAYOUT_CCS
    if "month" in keys:
        return LAYOUT_2017_MONTHLY
    return None


def _matcher(layout: Layout):
    def matches(head: Head) -> bool:
        if head.kind != "text":
            return False
        found = _keys(head)
        return found is not None and _layout_for(found[2]) is layout

    return matches


def _family_from_lot(lot: pl.Expr) -> pl.Expr:
    """'Digital Outcomes and Specialists' for a DOS lot, 'G-Cloud' for a G-Cloud one, else null."""
    low = lot.str.to_lowercase()
    dos = low.str.contains(r"digital outcomes|digital specialists|user research")
    gcloud = low.str.contains(r"cloud|\biaas\b|\bpaas\b|\bsaas\b|\bscs\b|infrastructure|platform|software|^(lot\s*)?[1-4]$")
    return pl.when(dos).then(pl.lit("Digital Outcomes and Specialists")).when(gcloud).then(pl.lit("G-Cloud"))


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
    "unregistered or unknown": "Unregistered or Unknown",
    "utility (historic)": "Utility (Historic)",
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


#: Low-cardinality fields parsed once per distinct combination (a "spend code") instead of per row.
CODED_FIELDS = ("framework", "lot", "sme", "sector", "month", "financial_year", "financial_month")


def coded_columns(col: dict[str, str | None]) -> dict[str, str]:
    """The CODED_FIELDS a file has -> their column names, in CODED_FIELDS order."""
    return {f: name for f in CODED_FIELDS if (name := col[f]) is not None}


#: What a spend code stands for: the columns of dim_spend_code.
CODE_COLUMNS = (
    "month",
    "financial_year",
    "framework_family",
    "framework_iteration",
    "framework_raw",
    "lot_number",
    "lot_name",
    "supplier_is_sme",
    "sector",
)
CODE = "spend_code_id"
KEY_SEED = 20140401

#: Lookup names in FileLoad.lookups.
CODES, SUPPLIERS, CUSTOMERS, DESCRIPTIONS = "codes", "suppliers", "customers", "descriptions"


def text_key(expr: pl.Expr) -> pl.Expr:
    """Stable 63-bit key of a text value (same text, same key, within one Polars version)."""
    return (expr.hash(seed=KEY_SEED) // 2).cast(pl.Int64)


def _code_checks(col: dict[str, str | None]) -> list[Check]:
    """Rules that depend only on the coded values, evaluated once per distinct combination."""
    month_col = col["month"] or col["financial_month"] or "month"
    return [
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


def codes_table(
    distinct: pl.DataFrame,
    keys: dict[str, str],
    fixed_family: str | None,
    col: dict[str, str | None],
    family_from_lot: bool = False,
) -> pl.DataFrame:
    """Parse each distinct combination of raw framework/lot/SME/sector/month values (a small frame).

    `distinct` holds `spend_code_id` and the raw key columns. Combinations that break a rule get
    the column, value and reason every row carrying them is rejected with (`_reject_*`).
    """

    def text(field: str) -> pl.Expr:
        return clean_text(pl.col(keys[field])) if field in keys else pl.lit(None, dtype=pl.String)

    table = distinct.with_columns(
        _framework_raw(text, keys, fixed_family, family_from_lot).alias("framework_raw"),
        text("lot").alias("_lot_raw"),
        text("sme").alias("_sme_raw"),
        text("sector").alias("_sector_raw"),
        text("month").alias("_month_raw"),
        text("financial_year").alias("_fy_raw"),
        text("financial_month").alias("_fm_raw"),
    )
    family, iteration = _framework_exprs(pl.col("framework_raw"))
    sme, sme_invalid = _sme_expr(pl.col("_sme_raw"))
    if "month" in keys:
        month = parse_month(pl.col("_month_raw"))
    else:
        month = _financial_month_expr(pl.col("_fy_raw"), pl.col("_fm_raw"))
    table = table.with_columns(
        family.alias("framework_family"),
        iteration.alias("framework_iteration"),
        sme.alias("supplier_is_sme"),
        sme_invalid.fill_null(False).alias("_sme_invalid"),
        _sector_expr(pl.col("_sector_raw")).alias("sector"),
        month.alias("month"),
    )
    if "month" not in keys:
        month_text = pl.concat_str(pl.col("_fy_raw"), pl.lit(" "), pl.col("_fm_raw"), ignore_nulls=True)
        table = table.with_columns(month_text.alias("_month_raw"))
    lot_number, lot_name, lot_invalid = _lot_exprs(pl.col("_lot_raw"), pl.col("framework_family"))
    table = table.with_columns(
        lot_number.alias("lot_number"),
        lot_name.alias("lot_name"),
        lot_invalid.fill_null(False).alias("_lot_invalid"),
        financial_year(pl.col("month")).alias("financial_year"),
    )
    checks = _code_checks(col)
    explained = explain_rejects(flag_rejects(table.lazy(), checks), checks).collect()
    return explained.select(CODE, *CODE_COLUMNS, REJECT_CODE, "_reject_column", "_reject_value", REJECT_REASON)


def _framework_raw(text, keys: dict[str, str], fixed_family: str | None, family_from_lot: bool) -> pl.Expr:
    """The framework as published, the layout's fixed one, or (no framework column) the one its lot names."""
    if fixed_family:
        return pl.lit(fixed_family)
    if "framework" not in keys and family_from_lot and "lot" in keys:
        return _family_from_lot(text("lot"))
    return text("framework")


def name_table(distinct: pl.DataFrame, id_col: str, raw_col: str, name_col: str) -> pl.DataFrame:
    """(id, raw text, cleaned text) for supplier, customer or description values."""
    return distinct.select(
        pl.col(id_col), pl.col(raw_col).alias(f"{name_col}_raw"), clean_text(pl.col(raw_col)).alias(name_col)
    )


def _row_checks(names: list[str], col: dict[str, str | None]) -> list[Check]:
    """Rules evaluated on every row (cheap: nulls and the amount)."""
    all_blank = pl.all_horizontal([pl.col(n).is_null() for n in names])
    amount_col = col["amount"] or "amount"
    return [
        Check("(row)", all_blank, "blank row", pl.lit(None, dtype=pl.String)),
        Check(
            names[0],
            # Verbatim copies of the header (files concatenated with their headers): exact string
            # equality is cheap on millions of rows, unlike a trimmed, case-folded comparison.
            pl.all_horizontal([pl.col(n) == n for n in names[:2]]),
            "repeated header row inside the data",
            pl.lit(names[0], dtype=pl.String),
        ),
        extra_fields_check(),
        Check(col["customer"] or "customer", pl.col("_customer_raw").is_null(), "missing customer name", pl.lit(None)),
        Check(col["supplier"] or "supplier", pl.col("_supplier_raw").is_null(), "missing supplier name", pl.lit(None)),
        Check(amount_col, pl.col("_amount_raw").is_null(), "missing spend amount", pl.lit(None)),
        Check(
            amount_col,
            too_precise(pl.col("_amount_raw")),
            f"more than {MONEY_SCALE} decimal places: the amount cannot be kept exactly",
            pl.col("_amount_raw"),
        ),
        Check(amount_col, pl.col("amount").is_null(), "spend is not an amount of money", pl.col("_amount_raw")),
    ]


def keyed_rows(lf: pl.LazyFrame, layout_id: str, col: dict[str, str | None], file_name: str) -> pl.LazyFrame:
    """Every row reduced to keys and an amount: spend code, supplier, buyer, description (pure).

    Names and descriptions are replaced by stable keys of their raw text; the text itself is
    cleaned once per distinct value in the lookup tables, which is what lets a 10-million-row
    file pass through at close to the speed of reading it.
    """
    key_columns = list(coded_columns(col).values())

    def raw(field: str) -> pl.Expr:
        name = col[field]
        return pl.col(name) if name else pl.lit(None, dtype=pl.String)

    # The layout is part of the key: the same raw values mean the same thing only within a layout.
    code = pl.struct(pl.lit(layout_id).alias("_layout"), *key_columns).hash(seed=KEY_SEED) // 2
    return lf.with_columns(
        pl.lit(file_name).alias("source_file"),
        code.cast(pl.Int64).alias(CODE),
        raw("supplier").alias("_supplier_raw"),
        raw("customer").alias("_customer_raw"),
        raw("description").alias("_description_raw"),
        raw("amount").alias("_amount_raw"),
    ).with_columns(
        text_key(pl.col("_supplier_raw")).alias("supplier_id"),
        text_key(pl.col("_customer_raw")).alias("buyer_id"),
        pl.when(pl.col("_description_raw").is_not_null())
        .then(text_key(pl.col("_description_raw")))
        .alias("description_id"),
        parse_money(pl.col("_amount_raw")).alias("amount"),
    )


#: What the Parquet file keeps per row; the rest of a row lives in the lookups.
ROW_COLUMNS = ("source_file", "source_line", CODE, "supplier_id", "buyer_id", "description_id", "amount", REJECT_CODE)
SPARSE_COLUMNS = ("_amount_raw", "_extra")  # kept on rejected rows only, to explain them


def _missing_columns(layout: Layout, names: list[str]) -> list[str]:
    missing = [layout.published_name(f) for f in layout.fields if _column_for(f, names) is None]
    if layout is LAYOUT_CCS and not (
        _column_for("month", names) or (_column_for("financial_year", names) and _column_for("financial_month", names))
    ):
        missing.append("SpendMonth (or FinancialYear + FinancialMonth)")
    return missing


def _require_columns(path: Path, layout: Layout, names: list[str], header_row: int, where: str = "") -> None:
    missing = _missing_columns(layout, names)
    if missing:
        found = ", ".join(n for n in names if not n.startswith("_blank_"))
        raise UnreadableFileError(
            path,
            f"{where}looks like {layout.description} but lacks required column(s): {', '.join(missing)}"
            f" (columns found: {found})",
            line=header_row + 1,
            column=missing[0],
        )


def _load(layout: Layout):
    def load(path: Path, head: Head, workdir: Path) -> FileLoad:
        found = _keys(head)
        if found is None:  # pragma: no cover - matches() guarantees it
            raise UnreadableFileError(path, "no Digital Marketplace header found in the first 6 lines", line=1)
        header_line, cells, _ = found
        names = unique_names(cells)
        _require_columns(path, layout, names, header_line)
        prepared = prepare_csv(path, workdir)
        lf = scan_csv_strings(prepared.path, header_line, names)
        return load_rows(
            path,
            layout,
            layout.id,
            names,
            lf,
            workdir,
            before=truncated_row_checks(prepared.path, names),
            after=bad_line_checks(prepared.bad_lines, names),
            notes=[f"{prepared.encoding}, {prepared.line_endings} line endings"],
            encoding=prepared.encoding,
        )

    return load


def load_rows(
    path: Path,
    layout: Layout,
    fmt: str,
    names: list[str],
    lf: pl.LazyFrame,
    workdir: Path,
    *,
    before: list[Check],
    after: list[Check],
    notes: list[str],
    encoding: str,
) -> FileLoad:
    """Every row of one file (text columns `names`, source_line, _extra) -> keyed Parquet rows and lookups.

    Shared by the CSV layouts and the workbook format: `before`/`after` are the checks only one of them
    has (a CSV's truncated last row and undecodable lines).
    """
    col = {f: _column_for(f, names) for f in ALIASES}
    if col["month"] is not None:
        col["financial_year"] = col["financial_month"] = None
    checks = [*before, *_row_checks(names, col), *after]
    rows = flag_rejects(keyed_rows(lf, layout.id, col, path.name), checks)
    out = _work_file(workdir, path, "rows")
    keys = coded_columns(col)
    key_columns = list(keys.values())
    sparse = [pl.when(pl.col(REJECT_CODE).is_not_null()).then(pl.col(c)).alias(c) for c in SPARSE_COLUMNS]
    # One streaming pass writes the keyed rows and, on the first row of each key only, the raw
    # text that key stands for; the lookups are then read back from those few rows. (A single
    # query with several outputs measured a 3.6 GB peak; writing every row's text, 3 s more.)
    firsts = [
        *[pl.when(pl.col(CODE).is_first_distinct()).then(pl.col(k)).alias(k) for k in key_columns],
        *[
            pl.when(pl.col(key).is_first_distinct()).then(pl.col(raw)).alias(raw)
            for key, raw in (
                ("supplier_id", "_supplier_raw"),
                ("buyer_id", "_customer_raw"),
                ("description_id", "_description_raw"),
            )
        ],
    ]
    rows.select(*ROW_COLUMNS, *sparse, *firsts).sink_parquet(out, compression="lz4", row_group_size=256_000)
    scanned = pl.scan_parquet(out)

    def first_text(key: str, columns: list[str]) -> pl.DataFrame:
        return (
            scanned.filter(pl.any_horizontal(pl.col(columns).is_not_null()))
            .group_by(key)
            .agg(pl.col(columns).first())
            .collect(engine="streaming")
        )

    codes_raw = first_text(CODE, key_columns) if key_columns else scanned.select(CODE).unique().collect()
    descriptions_raw = first_text("description_id", ["_description_raw"])
    fixed = layout.fixed_family if col["framework"] is None else None
    lookups = {
        CODES: codes_table(codes_raw, keys, fixed, col, layout.family_from_lot),
        SUPPLIERS: name_table(first_text("supplier_id", ["_supplier_raw"]), "supplier_id", "_supplier_raw",
                              "supplier_name"),
        CUSTOMERS: name_table(first_text("buyer_id", ["_customer_raw"]), "buyer_id", "_customer_raw",
                              "customer_name"),
        DESCRIPTIONS: name_table(
            descriptions_raw.filter(pl.col("description_id").is_not_null()),
            "description_id",
            "_description_raw",
            "description",
        ),
    }  # fmt: skip
    loaded = finish(path, fmt, out, lookups, checks, notes, encoding)
    unused = [n for n in names if n not in col.values() and n.strip() and not n.startswith("_blank_")]
    if unused:
        loaded.notes.append("columns not used: " + ", ".join(unused))
    return loaded


def _work_file(workdir: Path, path: Path, kind: str) -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    return workdir / f"{path.stem}.{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]}.{kind}.parquet"


def rejected_keys(lookups: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Keys whose every row is rejected: bad spend codes, and names that are blank once trimmed."""
    return {
        CODE: lookups[CODES].filter(pl.col(REJECT_CODE).is_not_null()).select(CODE),
        "supplier_id": lookups[SUPPLIERS].filter(pl.col("supplier_name").is_null()).select("supplier_id"),
        "buyer_id": lookups[CUSTOMERS].filter(pl.col("customer_name").is_null()).select("buyer_id"),
    }


def loaded_rows(rows: pl.LazyFrame, lookups: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """Rows that pass every rule: row-level, spend-code-level and name-level."""
    kept = rows.select(ROW_COLUMNS).filter(pl.col(REJECT_CODE).is_null())
    for key, bad in rejected_keys(lookups).items():
        if bad.height:
            kept = kept.join(bad.lazy(), on=key, how="anti")
    return kept


def staging_rows(rows: pl.LazyFrame, lookups: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """Keyed rows + lookups -> staging rows in STAGING_SCHEMA (plus the keys)."""
    wide = (
        rows.join(lookups[CODES].lazy().select(CODE, *CODE_COLUMNS), on=CODE, how="left")
        .join(lookups[SUPPLIERS].lazy().select("supplier_id", "supplier_name"), on="supplier_id", how="left")
        .join(lookups[CUSTOMERS].lazy().select("buyer_id", "customer_name"), on="buyer_id", how="left")
        .join(lookups[DESCRIPTIONS].lazy().select("description_id", "description"), on="description_id", how="left")
    )
    return wide.select(*STAGING_SCHEMA, "buyer_id", "supplier_id", "description_id", CODE).cast(STAGING_SCHEMA)


def _explain(
    path: Path, fmt: str, rows: pl.LazyFrame, lookups: dict[str, pl.DataFrame], checks: list[Check]
) -> pl.DataFrame:
    """The rejected rows, in line order, with column, value and reason."""
    row_level = explain_rejects(rows.filter(pl.col(REJECT_CODE).is_not_null()), checks).select(
        LINE, "_reject_column", "_reject_value", REJECT_REASON
    )
    passed = rows.filter(pl.col(REJECT_CODE).is_null())
    codes = lookups[CODES].filter(pl.col(REJECT_CODE).is_not_null()).lazy()
    code_level = passed.join(codes, on=CODE, how="inner").select(LINE, "_reject_column", "_reject_value", REJECT_REASON)
    passed = passed.join(codes.select(CODE), on=CODE, how="anti")
    blank = []
    for key, column, what in (("supplier_id", "supplier", "supplier"), ("buyer_id", "customer", "customer")):
        bad = rejected_keys(lookups)[key]
        if bad.height:
            blank.append(
                passed.join(bad.lazy(), on=key, how="inner").select(
                    LINE,
                    pl.lit(column).alias("_reject_column"),
                    pl.lit(None, dtype=pl.String).alias("_reject_value"),
                    pl.lit(f"missing {what} name").alias(REJECT_REASON),
                )
            )
            passed = passed.join(bad.lazy(), on=key, how="anti")
    explained = pl.concat([row_level, code_level, *blank]).sort(LINE)
    return rejects_frame(explained, path, SOURCE, fmt)


def finish(
    path: Path,
    fmt: str,
    out: Path,
    lookups: dict[str, pl.DataFrame],
    checks: list[Check],
    notes: list[str],
    encoding: str,
) -> FileLoad:
    """Counts, rejects and the staging view of one file's keyed rows."""
    rows = pl.scan_parquet(out)
    rejects = _explain(path, fmt, rows, lookups, checks)
    rows_read = int(rows.select(pl.len()).collect().item())
    kept_codes = loaded_rows(rows, lookups).group_by(CODE).agg(pl.len().alias("n")).collect()
    months = kept_codes.join(lookups[CODES].select(CODE, "month"), on=CODE)["month"]
    # Joins do not keep row order; the staging view sorts by line for anyone reading it in Python
    # (tests, pure use). The writer reads the Parquet file and the lookups directly.
    loaded = staging_rows(loaded_rows(rows, lookups), lookups).sort(LINE)
    period = f"{months.dt.min():%Y-%m} .. {months.dt.max():%Y-%m}" if months.len() else ""
    return FileLoad(
        path=path,
        source=SOURCE,
        format=fmt,
        tables={STAGING: loaded},
        rejects=rejects,
        rows_read=rows_read,
        rows_loaded=int(kept_codes["n"].sum()),
        notes=list(notes),
        encoding=encoding,
        period=period,
        parquet={STAGING: out},
        lookups=lookups,
    )


def _format(layout: Layout) -> Format:
    return Format(
        id=layout.id,
        source=SOURCE,
        description=layout.description,
        matches=_matcher(layout),
        load=reading_csv(_load(layout)),
        publisher=PUBLISHER,
        licence=LICENCE,
        required_columns=tuple(layout.published_name(f) for f in layout.fields),
    )


LAYOUTS = (LAYOUT_2013, LAYOUT_2014_PUBLICATION, LAYOUT_2014_IMPORT, LAYOUT_CCS, LAYOUT_2017_RETURN, LAYOUT_2017_MONTHLY)

# --------------------------------------------------------------------------------------------
# Workbooks: the same layouts saved as XLSX, XLS or ODS
# --------------------------------------------------------------------------------------------

WORKBOOK_FORMAT = "marketplace_spend_workbook"


def _spend_sheets(head: Head) -> list[tuple[SheetHead, int, list[str], Layout]]:
    """Every sheet whose header (below any banner rows) is one of the layouts, with its row and cells."""
    found = []
    for sheet in head.sheets:
        hit = _header_in([list(r) for r in sheet.rows[:HEAD_ROWS]])
        layout = _layout_for(hit[2]) if hit is not None else None
        if hit is not None and layout is not None:
            found.append((sheet, hit[0], hit[1], layout))
    return found


def matches_workbook(head: Head) -> bool:
    return head.kind == "spreadsheet" and bool(_spend_sheets(head))


def load_workbook(path: Path, head: Head, workdir: Path) -> FileLoad:
    """A workbook whose one spend sheet has a marketplace header: read by type, then as the CSV layouts are.

    Money comes as plain numbers, months as dates or Excel serials (or text, as typed): the same parsers
    read them. Rows are the sheet's row numbers. A workbook with several spend sheets is refused (each
    sheet's rows would share one file's row numbers).
    """
    sheets = _spend_sheets(head)
    if len(sheets) > 1:
        listed = ", ".join(repr(s.name) for s, *_ in sheets)
        raise UnreadableFileError(path, f"several sheets hold Digital Marketplace spend ({listed}): save each as its own file")
    sheet, index, cells, layout = sheets[0]
    names = unique_names(cells)
    _require_columns(path, layout, names, index, where=f"sheet {sheet.name!r} ")
    frame, names, blank = sheet_rows(path, sheet.name, index, cells)
    notes = [f"{head.encoding.upper()} workbook, sheet {sheet.name!r}, header on row {index + 1}, read as {layout.description}"]
    if blank:
        notes.append(f"{blank:,} empty rows skipped and not counted as read")
    return load_rows(path, layout, WORKBOOK_FORMAT, names, frame.lazy(), workdir, before=[], after=[], notes=notes,
                     encoding=head.encoding)  # fmt: skip


FORMATS = [_format(layout) for layout in LAYOUTS] + [
    Format(
        id=WORKBOOK_FORMAT,
        source=SOURCE,
        description="Digital Marketplace spend saved as a workbook (XLSX, XLS or ODS) in any of the CSV layouts",
        matches=matches_workbook,
        load=load_workbook,
        publisher=PUBLISHER,
        licence=LICENCE,
    )
]
