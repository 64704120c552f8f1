"""The expiry pipeline and the department table of the Contracts Finder page, as pure functions of the query
frames (no Streamlit): the window and scope choices and their link checks, the headline, the month frame the chart
draws, the per-buyer summary, the contract list and the department table.

Rows come from the expiry_pipeline query (mart_expiry_pipeline in an area and window) and department_advertising.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.filters import echo
from dashboard.format import money, pct
from dashboard.notices.logic import buyer_type_label, safe_link

HORIZON_KEY = "horizon"
HORIZONS = (6, 12, 24, 36)
DEFAULT_HORIZON = 12
SCOPE_KEY = "contracts"
#: Which contracts the pipeline shows (the radio's options, and so the URL's values: `?contracts=All`).
SCOPES = ("IT", "All")
DEFAULT_SCOPE = "IT"

NO_DEPARTMENT = "(no department: councils and other buyers)"


def horizon_notice(values: list[str]) -> str | None:
    """A notice when a link's `horizon` is not one of HORIZONS (Streamlit would drop it silently)."""
    valid = {str(h) for h in HORIZONS}
    for value in values:
        if value not in valid:
            offered = ", ".join(str(h) for h in HORIZONS[:-1]) + f" or {HORIZONS[-1]}"
            return (
                f"The link asked for a horizon of {echo(value)}, which this page does not offer ({offered} months); "
                f"showing {DEFAULT_HORIZON} months instead."
            )
    return None


def scope_notice(values: list[str]) -> str | None:
    """A notice when a link's `contracts` is not 'IT' or 'All'."""
    for value in values:
        if value not in SCOPES:
            return (
                f"The link asked for contracts {echo(value)}, which this page does not offer ('IT' or 'All'); "
                f"showing {noun(DEFAULT_SCOPE)} instead."
            )
    return None


def noun(scope: str) -> str:
    """'IT contracts' or 'contracts' (as the headline and titles write them)."""
    return "IT contracts" if scope == "IT" else "contracts"


def summary(rows: pl.DataFrame) -> dict[str, float | int | None]:
    """Contracts, their value (where stated), and the value held by SMEs of the value whose incumbent's size is known."""
    stated = rows.filter(pl.col("incumbent_is_sme").is_not_null())
    value = rows["value_gbp"].sum() if rows.height else 0.0
    known = stated["value_gbp"].sum() if stated.height else 0.0
    sme = stated.filter(pl.col("incumbent_is_sme"))["value_gbp"].sum() if stated.height else 0.0
    return {
        "contracts": rows.height,
        "with_value": int(rows["value_gbp"].is_not_null().sum()) if rows.height else 0,
        "value": float(value or 0.0),
        "size_known": stated.height,
        "sme_value_pct": 100 * float(sme or 0.0) / float(known) if known else None,
        "extended": int((rows["end_date_change"] == "extended").sum()) if rows.height else 0,
        "relet": int(rows["relet_notice_id"].is_not_null().sum()) if rows.height else 0,
    }


def headline(total: dict, scope: str, horizon: int, place: str) -> str:
    """'£12.3m of IT contracts in Greater Manchester end in the next 12 months (9 contracts)'.

    The sentence is shown as text (components.headline escapes it).
    """
    n = int(total["contracts"] or 0)
    what = noun(scope)
    if not n:
        return f"No {what} in {place} end in the next {horizon} months"
    count = "1 contract" if n == 1 else f"{n:,} contracts"
    if total["with_value"] != n:
        count += f", {total['with_value']:,} stating a value"
    return f"{money(total['value'])} of {what} in {place} end in the next {horizon} months ({count})"


def sme_sentence(total: dict) -> str | None:
    """'SMEs hold 23% of that value, where the incumbent's size is stated (40 of 46 contracts).'"""
    if total["sme_value_pct"] is None:
        return None
    stated, n = int(total["size_known"] or 0), int(total["contracts"] or 0)
    return (
        f"SMEs hold {pct(total['sme_value_pct'], 0)} of that value where the incumbent's size is stated "
        f"({stated:,} of {n:,} contracts)."
    )


def followups_sentence(total: dict) -> str | None:
    """'Extended by a later notice: 3. Re-let (a planning or tender notice after the award): 2. ...'"""
    extended, relet = int(total["extended"] or 0), int(total["relet"] or 0)
    if not (extended or relet):
        return None
    return (
        f"Extended by a later award notice: {extended:,}. With a re-let notice (planning or tender, published after "
        f"the award under the same procurement): {relet:,}. Each is named in the list below."
    )


def by_month(rows: pl.DataFrame, today: dt.date, until: dt.date) -> pl.DataFrame:
    """Value and contracts ending per calendar month from today's month to the horizon's, empty months included."""
    months = pl.date_range(today.replace(day=1), until.replace(day=1), interval="1mo", eager=True).alias("end_month")
    sums = rows.group_by("end_month").agg(
        pl.col("value_gbp").sum().alias("value_gbp"), pl.len().cast(pl.Int64).alias("contracts")
    )
    return (
        pl.DataFrame(months)
        .join(sums, on="end_month", how="left")
        .with_columns(pl.col("value_gbp").fill_null(0.0), pl.col("contracts").fill_null(0))
        .sort("end_month")
    )


def month_title(months: pl.DataFrame, scope: str, horizon: int) -> str:
    """'£12.3m of IT contracts end in the next 12 months; the most (£4.1m) in March 2027'."""
    total = float(months["value_gbp"].sum())
    title = f"{money(total)} of {noun(scope)} end in the next {horizon} months"
    if total > 0:
        top = months.sort(["value_gbp", "end_month"], descending=[True, False]).row(0, named=True)
        title += f"; the most ({money(top['value_gbp'])}) in {top['end_month']:%B %Y}"
    return title


def size_words() -> pl.Expr:
    return (
        pl.when(pl.col("incumbent_is_sme"))
        .then(pl.lit("SME"))
        .when(pl.col("incumbent_is_sme").not_())
        .then(pl.lit("Large"))
        .otherwise(pl.lit("Not stated"))
    )


def by_buyer(rows: pl.DataFrame) -> pl.DataFrame:
    """Per department and buyer: contracts, value, and the value held by SMEs; biggest first."""
    return (
        rows.with_columns(pl.col("department_name").fill_null(NO_DEPARTMENT))
        .group_by("department_name", "buyer_display_name")
        .agg(
            pl.len().cast(pl.Int64).alias("Contracts"),
            pl.col("value_gbp").sum().alias("Value (£)"),
            pl.col("value_gbp").filter(pl.col("incumbent_is_sme")).sum().alias("Held by SMEs (£)"),
            pl.col("contract_end").min().alias("First ends"),
        )
        .sort(["Value (£)", "department_name", "buyer_display_name"], descending=[True, False, False])
        .rename({"department_name": "Department", "buyer_display_name": "Buyer"})
    )


def change_words() -> pl.Expr:
    """'Extended from 31 Mar 2027', 'Re-let notice published 1 Jun 2026', both, or null."""
    extended = (
        pl.when(pl.col("end_date_change").is_not_null())
        .then(
            pl.format(
                "{} from {}",
                pl.col("end_date_change").str.to_titlecase(),
                pl.col("original_contract_end").dt.strftime("%-d %b %Y"),
            )
        )
        .otherwise(None)
    )
    relet = (
        pl.when(pl.col("relet_notice_id").is_not_null())
        .then(pl.format("Re-let notice published {}", pl.col("relet_published").dt.strftime("%-d %b %Y")))
        .otherwise(None)
    )
    return pl.concat_str([extended, relet], separator="; ", ignore_nulls=True).replace("", None)


def contract_table(rows: pl.DataFrame) -> pl.DataFrame:
    """Each contract, soonest first (the download carries exactly these columns)."""
    return rows.select(
        pl.col("contract_end").alias("Contract ends"),
        pl.col("title").alias("Title"),
        pl.col("buyer_display_name").alias("Buyer"),
        pl.col("department_name").alias("Department"),
        buyer_type_label().alias("Buyer type"),
        pl.col("supplier_names").alias("Incumbent supplier(s)"),
        size_words().alias("Incumbent size"),
        pl.col("value_gbp").alias("Value (£)"),
        pl.col("value_source").alias("Value is"),
        pl.when(pl.col("is_it")).then(pl.lit("IT")).otherwise(pl.lit("Not IT")).alias("IT by CPV"),
        pl.col("contract_start").alias("Contract starts"),
        pl.col("contract_period_source").alias("End date stated in"),
        change_words().alias("Extended or re-let"),
        pl.col("notice_id").alias("Notice id"),
        source_label().alias("Published on"),
        safe_link().alias("Notice link"),
    )


#: fact_contract_notice.source in words.
SOURCES = {"contracts_finder": "Contracts Finder", "find_a_tender": "Find a Tender"}


def source_label(column: str = "source") -> pl.Expr:
    """Which service published the notice: Contracts Finder, or Find a Tender (Procurement Act 2023 notices)."""
    return pl.col(column).replace_strict(SOURCES, default=pl.col(column), return_dtype=pl.String)


def contract_column_config() -> dict:
    """Dates, £ and the notice link in the contract list; declarative, no rendering."""
    from streamlit import column_config as cc

    return {
        "Contract ends": cc.DateColumn(format="D MMM YYYY"),
        "Contract starts": cc.DateColumn(format="D MMM YYYY"),
        "Value (£)": cc.NumberColumn(format="£%,.0f"),
        "Notice link": cc.LinkColumn(display_text="Open notice"),
    }


def buyer_column_config() -> dict:
    from streamlit import column_config as cc

    return {
        "Value (£)": cc.NumberColumn(format="£%,.0f"),
        "Held by SMEs (£)": cc.NumberColumn(format="£%,.0f"),
        "First ends": cc.DateColumn(format="D MMM YYYY"),
    }


def department_table(frame: pl.DataFrame) -> pl.DataFrame:
    """The three strands per department (department_advertising query), most notices first."""
    minister = (
        pl.when(pl.col("has_digital_minister"))
        .then(pl.lit("Yes"))
        .when(pl.col("has_digital_minister").not_())
        .then(pl.lit("No"))
        .otherwise(pl.lit("Not known"))
    )
    return frame.select(
        pl.col("department_name").alias("Department"),
        pl.col("notices").alias("Notices published"),
        pl.col("it_notices").alias("Of which IT"),
        pl.col("suitable_pct").round(1).alias("Suitable for SMEs (%)"),
        pl.col("awarded_sme_pct").round(1).alias("Awards won by SMEs (%)"),
        pl.col("awards_size_stated").alias("Awards stating size"),
        pl.col("sme_spend_pct").round(1).alias("SME spend share (%)"),
        pl.col("sme_spend_year").alias("SME spend year"),
        minister.alias("Digital minister"),
        pl.col("digital_posts").alias("Digital post(s)"),
    )


def department_headline(frame: pl.DataFrame, span: str) -> str:
    """'12 departments published 95 notices from 2023/24 to 2026/27; 7 had a minister holding digital responsibility'."""
    if frame.is_empty():
        return f"No central government department published notices {span}"
    n, notices = frame.height, int(frame["notices"].sum())
    digital = int(frame["has_digital_minister"].fill_null(False).sum())
    depts = "1 department" if n == 1 else f"{n} departments"
    return (
        f"{depts} published {notices:,} notices {span}; {digital} of them had a minister holding digital "
        "responsibility in those years"
    )
