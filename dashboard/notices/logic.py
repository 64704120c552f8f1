"""The Contracts Finder notices page's rules as pure functions: the horizon and its link check, date arithmetic,
frame shaping for the charts, the headline and the page's sentences. Kept out of the page so they can be tested on
small frames."""

from __future__ import annotations

import calendar
import datetime as dt

import polars as pl

from dashboard.filters import echo
from dashboard.format import long_date, pct

SOURCE = "Contracts Finder (Cabinet Office): OCDS releases and notice search"
HORIZON_KEY = "horizon"
HORIZONS = (6, 12, 24)
DEFAULT_HORIZON = 12

#: mart_notice_area.buyer_type in words, in the order the stacks are drawn.
BUYER_TYPES = {
    "central_government": "Central government",
    "council": "Councils",
    "combined_authority": "Combined authorities",
    "functional_body": "GLA and combined-authority bodies",
    "devolved": "Devolved governments",
    "other": "Other or not identified",
}
SUITABLE = "Marked suitable for SMEs (% of notices)"
AWARDED = "Won by SMEs (% of awards stating supplier size)"


def horizon_notice(values: list[str]) -> str | None:
    """A notice when a link's `horizon` is not 6, 12 or 24 (Streamlit would drop it silently)."""
    valid = {str(h) for h in HORIZONS}
    for value in values:
        if value not in valid:
            return (
                f"The link asked for a horizon of {echo(value)}, which this page does not offer (6, 12 or 24 months); "
                f"showing {DEFAULT_HORIZON} months instead."
            )
    return None


def span_words(fy_from: str, fy_to: str) -> str:
    """'in 2019/20' or 'from 2016/17 to 2026/27', to follow 'published'."""
    return f"in {fy_from}" if fy_from == fy_to else f"from {fy_from} to {fy_to}"


def horizon_choice(state_value: object, url_values: list[str]) -> int:
    """The horizon before its widget is drawn: the widget's last value, else the link's, else the default.

    The headline and the empty state need it at the top of the page; the radio itself sits with the pipeline.
    """
    if state_value in HORIZONS:
        return int(state_value)
    valid = [int(v) for v in url_values if v in {str(h) for h in HORIZONS}]
    return valid[-1] if valid and len(valid) == len(url_values) else DEFAULT_HORIZON


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole calendar months, clamped to the month's last day (31 Aug + 6 -> 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def buyer_type_label() -> pl.Expr:
    return pl.col("buyer_type").replace_strict(BUYER_TYPES, default=pl.col("buyer_type"), return_dtype=pl.String)


def notices_frame(by_month: pl.DataFrame) -> pl.DataFrame:
    """The stacked bars' rows: month, financial year, buyer type in words, notices."""
    return by_month.select("published_month", "financial_year", buyer_type_label().alias("buyer_type"), "notices").sort(
        "published_month", "buyer_type"
    )


def notices_title(frame: pl.DataFrame, span: str) -> str:
    """'Councils published 81% of the 497 notices from 2016/17 to 2026/27'."""
    total = int(frame["notices"].sum())
    by_type = (
        frame.group_by("buyer_type")
        .agg(pl.col("notices").sum())
        .sort(["notices", "buyer_type"], descending=[True, False])
    )
    top = by_type.row(0, named=True)
    return f"{top['buyer_type']} published {pct(100 * top['notices'] / total, 0)} of the {total:,} notices {span}"


def shares_frame(shares: pl.DataFrame) -> pl.DataFrame:
    """The lines' rows (long): financial year, measure, share %, and the counts behind it."""
    suitable = shares.select(
        "financial_year",
        pl.lit(SUITABLE).alias("measure"),
        pl.col("suitable_pct").alias("share_pct"),
        pl.col("suitable_for_sme").alias("count"),
        pl.col("notices").alias("out_of"),
    )
    awarded = shares.filter(pl.col("awards_size_stated") > 0).select(
        "financial_year",
        pl.lit(AWARDED).alias("measure"),
        pl.col("awarded_sme_pct").alias("share_pct"),
        pl.col("awarded_to_sme").alias("count"),
        pl.col("awards_size_stated").alias("out_of"),
    )
    return pl.concat([suitable, awarded]).with_columns(pl.col("share_pct").round(1)).sort("measure", "financial_year")


def totals(shares: pl.DataFrame) -> dict[str, float | int | None]:
    """Notices, suitable share and SME award share over the whole range (from the yearly counts)."""
    notices = int(shares["notices"].sum()) if shares.height else 0
    suitable = int(shares["suitable_for_sme"].sum()) if shares.height else 0
    stated = int(shares["awards_size_stated"].sum()) if shares.height else 0
    won = int(shares["awarded_to_sme"].sum()) if shares.height else 0
    return {
        "notices": notices,
        "suitable": suitable,
        "suitable_pct": 100 * suitable / notices if notices else None,
        "awards_stated": stated,
        "awarded_to_sme": won,
        "awarded_sme_pct": 100 * won / stated if stated else None,
    }


#: Below this many, a share is written as a count ('1 of 3 notices'): '100% of 1 notices' claims too much.
SHARE_MIN_BASE = 10


def share_phrase(part: int, whole: int, percent: float | None, noun: str) -> str:
    """'73% of notices' when the base is worth a share, else a count: '1 of 1 notices', '2 of 7 awards'."""
    if whole < SHARE_MIN_BASE or percent is None:
        return f"{part:,} of {whole:,} {noun}"
    return f"{pct(percent, 0)} of {noun}"


def shares_title(total: dict) -> str:
    """'73% of notices were marked suitable for SMEs; SMEs won 48% of awards where supplier size was stated'."""
    if total["suitable_pct"] is None:
        return "No notices in this selection"
    notices, stated = int(total["notices"] or 0), int(total["awards_stated"] or 0)
    suitable = share_phrase(int(total["suitable"] or 0), notices, total["suitable_pct"], "notices")
    title = f"{suitable} were marked suitable for SMEs"
    if total["awarded_sme_pct"] is not None:
        won = share_phrase(int(total["awarded_to_sme"] or 0), stated, total["awarded_sme_pct"], "awards")
        title += f"; SMEs won {won} where supplier size was stated"
    return title


def expiring_by_month(expiring: pl.DataFrame, today: dt.date, until: dt.date) -> pl.DataFrame:
    """Contracts ending per calendar month from today's month to the horizon's, months with none included."""
    months = pl.date_range(today.replace(day=1), until.replace(day=1), interval="1mo", eager=True).alias("end_month")
    counts = expiring.group_by("end_month").agg(pl.len().cast(pl.Int64).alias("contracts"))
    return (
        pl.DataFrame(months)
        .join(counts, on="end_month", how="left")
        .with_columns(pl.col("contracts").fill_null(0))
        .sort("end_month")
    )


def expiring_title(by_month: pl.DataFrame, horizon: int) -> str:
    """'50 contracts end in the next 12 months; most (9) in March 2027'."""
    total = int(by_month["contracts"].sum())
    noun = "contract ends" if total == 1 else "contracts end"
    title = f"{total} {noun} in the next {horizon} months"
    if total:
        top = by_month.sort(["contracts", "end_month"], descending=[True, False]).row(0, named=True)
        title += f"; most ({top['contracts']}) in {top['end_month']:%B %Y}"
    return title


def safe_link(column: str = "url") -> pl.Expr:
    """The notice link only when it is an https:// address: notice-search files carry the URL as free text,
    and a 'javascript:' link in a clickable column would run in the reader's browser."""
    url = pl.col(column).str.strip_chars()
    return pl.when(url.str.to_lowercase().str.starts_with("https://")).then(url).otherwise(None)


def expiring_table(expiring: pl.DataFrame) -> pl.DataFrame:
    """The pipeline as a reader wants it, soonest first (the download carries exactly these columns)."""
    return expiring.select(
        pl.col("contract_end").alias("Contract ends"),
        pl.col("title").alias("Title"),
        pl.col("buyer_name").alias("Buyer"),
        buyer_type_label().alias("Buyer type"),
        pl.col("supplier_names").alias("Supplier(s)"),
        pl.col("awarded_to_sme").alias("Supplier is an SME"),
        pl.col("value_gbp").alias("Value (£)"),
        pl.col("contract_start").alias("Contract starts"),
        pl.col("region").alias("Region"),
        pl.col("notice_id").alias("Notice id"),
        safe_link().alias("Notice link"),
    )


def empty_message(area_label: str, span: str) -> str:
    """Neither notices in the years nor contracts ending soon: say where to look, or what to load."""
    return (
        f"No Contracts Finder notices were published by buyers in {area_label} {span}, and none of "
        "their contracts end soon. Choose another area or wider years in the sidebar; if no area shows any, "
        "put Contracts Finder files in data/raw/contracts-finder/ and rebuild the warehouse."
    )


def expiring_column_config() -> dict:
    """How the pipeline table shows dates, £ and the notice link; declarative, no rendering."""
    from streamlit import column_config as cc

    return {
        "Contract ends": cc.DateColumn(format="D MMM YYYY"),
        "Contract starts": cc.DateColumn(format="D MMM YYYY"),
        "Value (£)": cc.NumberColumn(format="£%,.0f"),
        "Notice link": cc.LinkColumn(display_text="Open notice"),
    }


def headline(total: dict, n_expiring: int, horizon: int, span: str) -> str:
    """'72% of 400 notices published from 2016/17 to 2026/27 were marked suitable for SMEs; 134 contracts end in the next 12 months'."""
    noun = "contract ends" if n_expiring == 1 else "contracts end"
    ending = f"{n_expiring} {noun} in the next {horizon} months"
    if not total["notices"]:
        return f"No notices published {span}; {ending}"
    notices = int(total["notices"] or 0)
    if notices < SHARE_MIN_BASE:
        suitable = int(total["suitable"] or 0)
        return f"{suitable} of {notices} notices published {span} were marked suitable for SMEs; {ending}"
    return f"{pct(total['suitable_pct'], 0)} of {notices:,} notices published {span} were marked suitable for SMEs; {ending}"


def coverage_note(coverage: dict) -> str | None:
    """Which buyers the notices come from: the files loaded decide it, and they are not every public body."""
    if not coverage.get("n_notices"):
        return None
    first, last = coverage["first_published"], coverage["last_published"]
    text = (
        f"These notices come from the {coverage['n_files']:,} Contracts Finder file(s) loaded: "
        f"{coverage['n_notices']:,} notices by {coverage['n_buyers']:,} buyers, published {long_date(first)} to "
        f"{long_date(last)}."
    )
    if coverage["n_from_search"]:
        text += (
            f" {coverage['n_from_search']:,} of them are from notice lists fetched for {coverage['n_search_buyers']:,}"
            " named buyers only."
        )
    return text + " They cover the buyers and dates those files hold, not every public body in England."
