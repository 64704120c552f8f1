"""SME spend page: the sentences and tables it shows, as pure functions of query results.

Kept out of the page so the page stays thin and every rule here (default year, link validation,
headline wording, the trend window, combined lineage rows) can be tested on small frames.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from dashboard.filters import link_notice
from dashboard.format import pct, year_span
from dashboard.scalars import number

YEAR_KEY = "sme_year"
DEPT_KEY = "sme_dept"
TOTAL_SERIES = "TOTAL"
TOTAL_LABEL = "Central government (total)"

SOURCE = "Cabinet Office, Central Government Direct and Indirect Spend with SMEs (annual annex)"

CAVEAT = (
    "**Read with care.** Comparisons over time need care: the annex methodology and the departments "
    "themselves changed over the years (machinery-of-government changes move spend between departments). "
    "*Direct* spend is what departments paid SMEs themselves. *Indirect* spend is estimated: it comes from a "
    "survey of large suppliers about their own spend with SME subcontractors, extrapolated to all of the "
    "department's spend, so it is less certain than direct spend. The aspiration is that one pound in three "
    "(33%) of central government procurement spend reaches SMEs, directly or indirectly."
)

EMPTY_MESSAGE = (
    "No SME spend figures are loaded, so there is nothing to rank yet. This page reads the Cabinet Office's annual "
    "annex of central government direct and indirect spend with SMEs: put the annex CSV files in "
    "data/raw/sme-spend/ and rebuild the warehouse."
)

#: Columns of the ranking download, in order: exactly the bars plotted, with their £m.
RANKING_COLUMNS = (
    "financial_year",
    "rank",
    "department",
    "department_code",
    "lineage",
    "total_procurement_spend_m",
    "direct_sme_spend_m",
    "indirect_sme_spend_m",
    "total_sme_spend_m",
    "direct_pct",
    "indirect_pct",
    "total_pct",
    "gap_to_aspiration_pp",
    "meets_aspiration",
    "pct_recomputed",
)

#: Columns of the trend download: one row per financial year on the chosen line.
TREND_COLUMNS = (
    "financial_year",
    "series",
    "published_as",
    "combined_rows",
    "total_procurement_spend_m",
    "direct_sme_spend_m",
    "indirect_sme_spend_m",
    "total_sme_spend_m",
    "direct_pct",
    "indirect_pct",
    "total_pct",
)


def link_notices(links: dict[str, list[str]], years: Sequence[str], labels: dict[str, str], year: str) -> list[str]:
    """Notices for this page's two link parameters (`sme_year`, `sme_dept`), given their raw URL values."""
    checks = [
        link_notice(links.get(YEAR_KEY, []), years, "the financial year", year),
        link_notice(links.get(DEPT_KEY, []), labels.values(), "the department", next(iter(labels.values()), "")),
    ]
    return [n for n in checks if n]


def default_year(years: Sequence[str], fy_from: str, fy_to: str) -> str:
    """The latest annex year inside the shared year range, else the latest annex year.

    The shared range is respected when it holds an annex, but the page never goes blank because
    the range covers only years the annual annex has not reached (e.g. recent marketplace years).
    """
    inside = [y for y in years if fy_from <= y <= fy_to]
    return (inside or list(years))[-1]


def trend_window(years: Sequence[str], fy_from: str, fy_to: str) -> tuple[str, str, str | None]:
    """(first, last, notice): the years the trend covers.

    The shared range applies when it holds at least two annex years (a trend needs two points);
    otherwise every annex year is shown and the notice says why.
    """
    inside = [y for y in years if fy_from <= y <= fy_to]
    if len(inside) >= 2:
        return inside[0], inside[-1], None
    notice = (
        f"The shared year range ({year_span(fy_from, fy_to)}) holds {'no' if not inside else 'only one'} SME annex year, "
        f"so the trend shows every annex year ({years[0]} to {years[-1]})."
    )
    return years[0], years[-1], notice


def series_labels(series: pl.DataFrame) -> dict[str, str]:
    """series_id -> the label the picker and the URL show (the total first, as 'Central government (total)')."""
    labels: dict[str, str] = {}
    for row in series.iter_rows(named=True):
        label = TOTAL_LABEL if row["series_id"] == TOTAL_SERIES else row["series_name"]
        if label in labels.values():  # two lineages sharing a name: keep both pickable
            label = f"{label} ({row['series_id']})"
        labels[row["series_id"]] = label
    return labels


def departments(year_rows: pl.DataFrame) -> pl.DataFrame:
    """The department rows of a year (not the total), best share first."""
    return year_rows.filter(pl.col("row_type") == "department").sort("rank_in_year", "department", nulls_last=True)


def total_row(year_rows: pl.DataFrame) -> dict | None:
    totals = year_rows.filter(pl.col("row_type") == "total")
    return totals.row(0, named=True) if totals.height else None


def national_note(area_label: str) -> str:
    """Why a city-region pick does not move this page (the annex has no geography)."""
    return (
        f"These are national figures for central government departments: the area ({area_label}) does not change them."
    )


def aspiration_of(year_rows: pl.DataFrame) -> float:
    """The aspiration the mart recorded for the year (33% unless the policy changes)."""
    value = year_rows["aspiration_pct"].max() if year_rows.height else None
    return number(value) if value is not None else 33.0


def ranking_subtitle(year_rows: pl.DataFrame) -> str:
    total = total_row(year_rows)
    overall = (
        f"Central government overall: {pct(total['total_pct'])}."
        if total and total["total_pct"] is not None
        else "No central government total published."
    )
    return f"{overall} Dashed line: the {pct(aspiration_of(year_rows), 0)} aspiration."


def year_headline(year_rows: pl.DataFrame, year: str) -> str:
    """'7 of 17 departments met the 33% aspiration in 2019/20; central government overall 26.7%'."""
    depts = departments(year_rows).filter(pl.col("total_pct").is_not_null())
    total = total_row(year_rows)
    aspiration = aspiration_of(year_rows)
    met = depts.filter(pl.col("meets_aspiration")).height
    n = depts.height
    if n == 0:
        first = f"No department figures were published for {year}"
    elif met == 0:
        first = f"None of the {n} departments met the {pct(aspiration, 0)} aspiration in {year}"
    elif met == n:
        first = f"All {n} departments met the {pct(aspiration, 0)} aspiration in {year}"
    else:
        first = f"{met} of {n} departments met the {pct(aspiration, 0)} aspiration in {year}"
    if total is None or total["total_pct"] is None:
        return f"{first}; no central government total was published"
    return f"{first}; central government overall {pct(total['total_pct'])}"


def ranking_table(year_rows: pl.DataFrame, year: str) -> pl.DataFrame:
    """Exactly the bars plotted (one per published department), with their £m and %."""
    return departments(year_rows).select(
        pl.lit(year).alias("financial_year"),
        pl.col("rank_in_year").alias("rank"),
        "department",
        "department_code",
        pl.col("series_name").alias("lineage"),
        "total_procurement_spend_m",
        "direct_sme_spend_m",
        "indirect_sme_spend_m",
        "total_sme_spend_m",
        "direct_pct",
        "indirect_pct",
        "total_pct",
        pl.col("gap_pp").alias("gap_to_aspiration_pp"),
        "meets_aspiration",
        "pct_recomputed",
    )


def ranking_title(table: pl.DataFrame, year: str) -> str:
    """An active title: who led and who trailed."""
    ranked = table.filter(pl.col("total_pct").is_not_null())
    if not ranked.height:
        return f"No department SME shares were published for {year}"
    top, bottom = ranked.row(0, named=True), ranked.row(-1, named=True)
    if ranked.height == 1:
        return f"{top['department']} spent {pct(top['total_pct'])} with SMEs in {year}"
    return (
        f"{top['department']} had the highest SME share in {year} ({pct(top['total_pct'])}), "
        f"{bottom['department']} the lowest ({pct(bottom['total_pct'])})"
    )


def ranking_alt(table: pl.DataFrame, year: str, aspiration: float) -> str:
    met = table.filter(pl.col("meets_aspiration")).height
    return (
        f"Horizontal stacked bar chart of {table.height} departments in {year}, ranked by the share of their "
        f"procurement spend that went to SMEs, each bar split into direct spend (left) and indirect spend (right), "
        f"with a dashed vertical line at the {pct(aspiration, 0)} aspiration; {met} departments reach the line. "
        f"{ranking_title(table, year)}. The numbers are in the table below."
    )


def trend_table(trend: pl.DataFrame) -> pl.DataFrame:
    """One row per year on the chosen line; `combined_rows` > 1 where two published rows were added."""
    return trend.select(
        "financial_year",
        pl.col("series_name").alias("series"),
        "published_as",
        pl.col("n_rows").alias("combined_rows"),
        "total_procurement_spend_m",
        "direct_sme_spend_m",
        "indirect_sme_spend_m",
        "total_sme_spend_m",
        "direct_pct",
        "indirect_pct",
        "total_pct",
    )


def combined_note(trend: pl.DataFrame) -> str | None:
    """Say where a lineage line adds up two published rows in a year (e.g. FCO + DfID before the FCDO)."""
    combined = trend.filter(pl.col("combined_rows") > 1)
    if not combined.height:
        return None
    years = combined["financial_year"].to_list()
    span = years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}" if len(years) > 2 else " and ".join(years)
    spellings: dict[str, str] = {}  # the annex spells codes differently by year (DFID, DfID): list each once
    for text in combined["published_as"].to_list():
        spellings.setdefault(text.lower(), text)
    published = "; ".join(sorted(spellings.values(), key=str.lower))
    return (
        f"In {span} this line combines departments published separately ({published}): their £m are added and "
        "the shares recomputed from the sums, so these years are not any one published row."
    )


def trend_title(trend: pl.DataFrame, label: str, aspiration: float) -> str:
    """An active title: the change in total share across the window, and how often it met the aspiration."""
    known = trend.filter(pl.col("total_pct").is_not_null())
    if not known.height:
        return f"{label}: no total SME share published in these years"
    first, last = known.row(0, named=True), known.row(-1, named=True)
    if known.height == 1:
        return f"{label}: {pct(last['total_pct'])} of procurement spend went to SMEs in {last['financial_year']}"
    change = last["total_pct"] - first["total_pct"]
    verb = "rose" if change > 0 else "fell" if change < 0 else "was unchanged"
    movement = (
        f"SME share {verb} from {pct(first['total_pct'])} in {first['financial_year']} to "
        f"{pct(last['total_pct'])} in {last['financial_year']}"
        if change
        else f"SME share {verb} at {pct(last['total_pct'])} between {first['financial_year']} and {last['financial_year']}"
    )
    met = known.filter(pl.col("total_pct") >= aspiration).height
    if met == 0:
        verdict = f"below {pct(aspiration, 0)} every year"
    elif met == known.height:
        verdict = f"at or above {pct(aspiration, 0)} every year"
    else:
        verdict = f"at or above {pct(aspiration, 0)} in {met} of {known.height} years"
    return f"{label}: {movement}; {verdict}"


def trend_alt(trend: pl.DataFrame, label: str, aspiration: float) -> str:
    years = trend["financial_year"].to_list()
    span = f"{years[0]} to {years[-1]}" if years else "no years"
    return (
        f"Line chart of {label}'s spend with SMEs as a percentage of procurement spend, {span}: three lines, "
        f"total (solid, diamonds), direct (dashed, circles) and indirect (dotted, squares), with a dashed "
        f"horizontal line at the {pct(aspiration, 0)} aspiration. {trend_title(trend, label, aspiration)}. "
        "The numbers are in the table below."
    )


def no_trend_message(label: str, fy_from: str, fy_to: str) -> str:
    return f"{label} has no SME spend figures between {fy_from} and {fy_to}. Widen the year range or pick another one."


def measures_caption(measures: pl.DataFrame) -> str:
    """What the wide table of every published measure holds, and that it opens on request."""
    return (
        f"All {measures.width} published columns for {measures.height} rows, including survey response rates. "
        "The table opens on request (it is wide); the downloads carry every column."
    )


def column_config() -> dict:
    """How the tables show £m and % (labels with units); declarative, no rendering."""
    from streamlit import column_config as cc

    money = {
        "total_procurement_spend_m": "Procurement spend (£m)",
        "direct_sme_spend_m": "Direct with SMEs (£m)",
        "indirect_sme_spend_m": "Indirect with SMEs (£m)",
        "total_sme_spend_m": "Total with SMEs (£m)",
    }
    pct = {
        "direct_pct": "Direct (%)",
        "indirect_pct": "Indirect (%)",
        "total_pct": "Total (%)",
        "direct_sme_pct": "Direct (%)",
        "indirect_sme_pct": "Indirect (%)",
        "total_sme_pct": "Total (%)",
        "supplier_response_rate_pct": "Supplier response rate (%)",
        "responding_revenue_pct_of_spend": "Responding suppliers' revenue (% of spend)",
    }
    config: dict = {name: cc.NumberColumn(label, format="£%.1fm") for name, label in money.items()}
    config |= {name: cc.NumberColumn(label, format="%.1f%%") for name, label in pct.items()}
    config |= {
        "financial_year": cc.TextColumn("Financial year"),
        "rank": cc.NumberColumn("Rank", format="%d"),
        "department": cc.TextColumn("Department"),
        "department_code": cc.TextColumn("Published as"),
        "lineage": cc.TextColumn("Lineage (today's name)"),
        "series": cc.TextColumn("Line"),
        "published_as": cc.TextColumn("Published as"),
        "combined_rows": cc.NumberColumn("Published rows combined", format="%d"),
        "gap_to_aspiration_pp": cc.NumberColumn("Gap to aspiration (points)", format="%+.1f"),
        "meets_aspiration": cc.CheckboxColumn("Meets aspiration"),
        "pct_recomputed": cc.TextColumn("% recomputed from £m"),
        "row_type": cc.TextColumn("Row"),
        "suppliers_invited": cc.NumberColumn("Suppliers invited", format="%d"),
        "supplier_responses": cc.NumberColumn("Supplier responses", format="%d"),
        "source_file": cc.TextColumn("Source file"),
    }
    return config
