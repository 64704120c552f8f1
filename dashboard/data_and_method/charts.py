"""Charts for the Data and method page: how much of the marketplace's buyers and spend we could place.

Pure builders (no st.* calls): frames in, Altair charts and sentences out, testable with .to_dict(); and the figure
the page draws (builder + the table plotted + alt text, for components.chart_block).
"""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.data_and_method.logic import ALL_SECTORS
from dashboard.figure import PALETTE, Figure, titled
from dashboard.format import money, share_text

#: Bars stop at 100%; the extra room on the scale is for the value labels beside them.
PCT_DOMAIN = [0, 140]
PCT_TICKS = [0, 25, 50, 75, 100]


def plotted_rates(rates: pl.DataFrame) -> pl.DataFrame:
    """The sector rows that are drawn (the 'All sectors' total is stated in the title), largest spend first,
    with the labels printed beside the bars so no reading depends on colour or hovering."""
    return (
        rates.filter(pl.col("sector") != ALL_SECTORS)
        .sort("spend", descending=True)
        .with_columns(
            pl.format(
                "{}% ({} of {})", pl.col("names_resolved_pct").round(0).cast(pl.Int64), "n_resolved", "n_names"
            ).alias("names_label"),
            pl.when(pl.col("spend_resolved_pct").is_null())
            .then(pl.lit("n/a"))
            .otherwise(pl.format("{}%", pl.col("spend_resolved_pct").round(0).cast(pl.Int64)))
            .alias("spend_label"),
        )
    )


def match_rate_title(rates: pl.DataFrame) -> str:
    """An active title: the overall share of spend placed and where most unplaced spend sits."""
    total = rates.filter(pl.col("sector") == ALL_SECTORS)
    sectors = plotted_rates(rates)
    if not total.height or not sectors.height:
        return "No Digital Marketplace buyers to match"
    share = share_text(total["spend_resolved_pct"][0])
    worst = sectors.with_columns((pl.col("spend") - pl.col("spend_resolved")).alias("_gap")).sort(
        "_gap", descending=True
    )
    gap = worst["_gap"][0]
    if gap <= 0:
        return f"{share} of Digital Marketplace spend is by buyers matched to an organisation"
    return (
        f"{share} of Digital Marketplace spend is by buyers matched to an organisation; "
        f"{worst['sector'][0]} has the most unmatched ({money(gap)})"
    )


def match_rate_alt_text(rates: pl.DataFrame) -> str:
    """What the chart shows, in words, for screen readers (the table carries every number)."""
    sectors = plotted_rates(rates)
    parts = [
        f"{r['sector']}: {r['names_label']} names, {r['spend_label']} of spend" for r in sectors.iter_rows(named=True)
    ]
    return (
        "Two bar charts side by side, one bar per buyer sector (largest spend first): the share of distinct buyer "
        "names matched to an organisation, and the share of spend by matched buyers. " + "; ".join(parts) + "."
    )


NAMES = "Buyer names matched"
SPEND = "Spend by matched buyers"


def long_rates(rates: pl.DataFrame) -> pl.DataFrame:
    """Two rows per sector (names, spend), each with its own label, for one grouped bar chart."""
    frame = plotted_rates(rates)
    keep = ["sector", "n_names", "n_resolved", "spend", "spend_resolved"]
    names = frame.select(
        *keep,
        pl.lit(NAMES).alias("measure"),
        pl.col("names_resolved_pct").alias("pct"),
        (pl.col("names_label") + pl.lit(" names")).alias("label"),
    )
    spend = frame.select(
        *keep,
        pl.lit(SPEND).alias("measure"),
        pl.col("spend_resolved_pct").alias("pct"),
        (pl.col("spend_label") + pl.lit(" of spend")).alias("label"),
    )
    return pl.concat([names, spend])


def match_rate_chart(rates: pl.DataFrame) -> alt.TopLevelMixin:
    """Names matched (%) and spend matched (%) per sector as paired bars, each bar labelled in words
    ('10% (2 of 20) names', '20% of spend') so the pair is told apart without its colour."""
    frame = long_rates(rates)
    order = plotted_rates(rates)["sector"].to_list()
    y = alt.Y("sector:N", sort=order, title="Buyer sector (as published)", axis=alt.Axis(labelLimit=220))
    x = alt.X(
        "pct:Q",
        title="Matched to an organisation (%)",
        scale=alt.Scale(domain=PCT_DOMAIN),
        axis=alt.Axis(values=PCT_TICKS),
    )
    offset = alt.YOffset("measure:N", sort=[NAMES, SPEND])
    colour = alt.Color(
        "measure:N",
        sort=[NAMES, SPEND],
        scale=alt.Scale(domain=[NAMES, SPEND], range=[PALETTE[0], PALETTE[1]]),
        legend=alt.Legend(title=None, orient="top"),
    )
    tooltip = [
        alt.Tooltip("sector:N", title="Sector"),
        alt.Tooltip("measure:N", title="Measure"),
        alt.Tooltip("pct:Q", title="Matched (%)", format=".1f"),
        alt.Tooltip("n_resolved:Q", title="Names matched", format=","),
        alt.Tooltip("n_names:Q", title="Buyer names", format=","),
        alt.Tooltip("spend_resolved:Q", title="Spend by matched buyers (£)", format=",.0f"),
        alt.Tooltip("spend:Q", title="Spend (£)", format=",.0f"),
    ]
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(x=x, y=y, yOffset=offset, color=colour, tooltip=tooltip)
    text = base.mark_text(align="left", dx=4, fontSize=11, color="#0b0c0c").encode(
        x=alt.X("pct:Q", scale=alt.Scale(domain=PCT_DOMAIN)), y=y, yOffset=offset, text="label:N"
    )
    chart = (bars + text).properties(height=alt.Step(14), width="container")
    return titled(
        chart,
        match_rate_title(rates),
        "Distinct buyer names as published in Digital Marketplace spend files, by the sector most often stated.",
    )


def match_rate_figure(rates: pl.DataFrame) -> Figure:
    """The match-rate chart with the sector rows it plots (without the drawn labels) as its table."""
    plotted = plotted_rates(rates).drop("names_label", "spend_label")
    return Figure.of(match_rate_chart, rates, table=plotted, alt_text=match_rate_alt_text(rates))
