"""The Contracts Finder notices page's rules as pure functions: date arithmetic, frame shaping for the notices
charts and the page's sentences (the expiry pipeline's are in notices/pipeline.py). Kept out of the page so they can be tested on
small frames."""

from __future__ import annotations

import calendar
import datetime as dt

import polars as pl

from dashboard.format import long_date, pct

SOURCE = (
    "Contracts Finder (Cabinet Office): OCDS releases and notice search; Find a Tender (Cabinet Office): OCDS releases"
)

#: mart_notice_area.buyer_type in words, in the order the stacks are drawn.
BUYER_TYPES = {
    "central_government": "Central government",
    "council": "Councils",
    "combined_authority": "Combined authorities",
    "functional_body": "GLA and combined-authority bodies",
    "devolved": "Devolved governments",
    "public_body": "Other public bodies (schools, police, NHS, fire)",
    "other": "Other or not identified",
}
SUITABLE = "Marked suitable for SMEs (% of notices)"
AWARDED = "Won by SMEs (% of awards stating supplier size)"


def span_words(fy_from: str, fy_to: str) -> str:
    """'in 2019/20' or 'from 2016/17 to 2026/27', to follow 'published'."""
    return f"in {fy_from}" if fy_from == fy_to else f"from {fy_from} to {fy_to}"


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


def safe_link(column: str = "url") -> pl.Expr:
    """The notice link only when it is an https:// address: notice-search files carry the URL as free text,
    and a 'javascript:' link in a clickable column would run in the reader's browser."""
    url = pl.col(column).str.strip_chars()
    return pl.when(url.str.to_lowercase().str.starts_with("https://")).then(url).otherwise(None)


def empty_message(area_label: str, span: str) -> str:
    """Neither notices in the years nor contracts ending soon: say where to look, or what to load."""
    return (
        f"No Contracts Finder or Find a Tender notices were published by buyers in {area_label} {span}, and none of "
        "their contracts end in the window chosen. Choose another area, wider years or a longer window; if no area "
        "shows any, put Contracts Finder files in data/raw/contracts-finder/ (or fetch Find a Tender's into "
        "data/raw/find-a-tender/) and rebuild the warehouse."
    )


def coverage_note(coverage: dict) -> str | None:
    """Which buyers the notices come from: the files loaded decide it, and they are not every public body."""
    if not coverage.get("n_notices"):
        return None
    first, last = coverage["first_published"], coverage["last_published"]
    text = (
        f"These notices come from the {coverage['n_files']:,} Contracts Finder and Find a Tender file(s) loaded: "
        f"{coverage['n_notices']:,} notices by {coverage['n_buyers']:,} buyers, published {long_date(first)} to "
        f"{long_date(last)}."
    )
    if coverage["n_from_search"]:
        text += (
            f" {coverage['n_from_search']:,} of them are from notice lists fetched for {coverage['n_search_buyers']:,}"
            " named buyers only."
        )
    if coverage.get("n_from_fts"):
        text += (
            f" {coverage['n_from_fts']:,} are from Find a Tender, where notices under the Procurement Act 2023 are"
            " published since 24 February 2025."
        )
    return text + " They cover the buyers and dates those files hold, not every public body in England."
