"""SME spend charts: pure builders (frame in, Altair chart out; no Streamlit), testable with .to_dict(), and the
figures the page draws (builder + the table plotted + alt text, for components.chart_block).

Both charts carry the dashed, labelled one-pound-in-three rule, and never rely on colour alone:
the ranking puts direct spend first (left) and indirect second in every bar with values printed
on the segments and the total at the bar's end; the trend lines differ in dash and point shape
too (the legend shows colour and shape).
"""

from __future__ import annotations

import textwrap

import altair as alt
import polars as pl

from dashboard.figure import ASPIRATION_COLOUR, PALETTE, PCT_TOOLTIP, SME_COLOURS, Figure, titled
from dashboard.format import pct
from dashboard.sme_spend import logic

PCT_AXIS_TITLE = "Spend with SMEs (% of procurement spend)"
MEASURES = ("Direct", "Indirect")
TREND_STYLES = {  # measure -> (colour, dash, point shape): three cues, not colour alone
    "Total": (PALETTE[4], [1, 0], "diamond"),
    "Direct": (SME_COLOURS["Direct"], [6, 3], "circle"),
    "Indirect": (SME_COLOURS["Indirect"], [2, 2], "square"),
}
BAR_STEP = 26  # pixels per department bar
SEGMENT_LABEL_MIN = 4.0  # only print a segment's value when the segment is wide enough to hold it
TITLE_WIDTH = 80  # characters per title line: Vega titles do not wrap by themselves
#: Fit the width to the page but keep the plot's own height: Streamlit's default ("fit" both ways)
#: squeezes the bars to make room for the title, legend and axis inside the stated height.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def _lines(text: str) -> list[str]:
    """A long active title split into lines (department names are long), so it is never cut off."""
    return textwrap.wrap(text, TITLE_WIDTH) or [text]


def _pct_domain(values: pl.Series, aspiration: float) -> list[float]:
    """0 to a little past the larger of the highest value and the aspiration (room for end labels)."""
    top = max([aspiration, *[v for v in values.to_list() if v is not None]])
    return [0.0, float(min(100.0, (int(top * 1.15) // 5 + 1) * 5))]


def _aspiration(value: float, along: str) -> tuple[alt.Chart, alt.Chart]:
    """The dashed aspiration rule and its label: along 'x', a vertical rule for horizontal bars, labelled above
    the plot (clear of the bars); along 'y', a horizontal rule for a line chart, labelled at its right end."""
    frame = pl.DataFrame({"aspiration": [value], "label": [f"{pct(value, 0)} aspiration"]})
    base = alt.Chart(frame)
    position = alt.X("aspiration:Q") if along == "x" else alt.Y("aspiration:Q")
    rule = base.mark_rule(color=ASPIRATION_COLOUR, strokeDash=[6, 4], size=2).encode(
        position, tooltip=[alt.Tooltip("label:N", title="Target")]
    )
    if along == "x":
        label = base.mark_text(align="left", baseline="bottom", dx=4, dy=-2, color=ASPIRATION_COLOUR, fontWeight="bold")
        return rule, label.encode(position, y=alt.value(0), text="label:N")
    label = base.mark_text(align="right", baseline="bottom", dx=-4, dy=-4, color=ASPIRATION_COLOUR, fontWeight="bold")
    return rule, label.encode(position, x=alt.value("width"), text="label:N")


def ranking_chart(
    table: pl.DataFrame, title: str, subtitle: str, aspiration: float = 33.0
) -> alt.LayerChart | alt.FacetChart:
    """Departments ranked by total SME share, direct and indirect stacked, with the aspiration rule.

    `table` is the ranking table (logic.ranking_table): one row per department, best first.
    """
    order = table["department"].to_list()
    long = table.select(
        "department", "department_code", "rank", "total_pct", "direct_pct", "indirect_pct", "total_procurement_spend_m"
    ).unpivot(
        index=["department", "department_code", "rank", "total_pct", "total_procurement_spend_m"],
        on=["direct_pct", "indirect_pct"],
        variable_name="measure",
        value_name="pct",
    )
    long = long.with_columns(
        pl.when(pl.col("measure") == "direct_pct")
        .then(pl.lit("Direct"))
        .otherwise(pl.lit("Indirect"))
        .alias("measure"),
        pl.when(pl.col("measure") == "direct_pct").then(0).otherwise(1).alias("stack_order"),
    )
    y = alt.Y("department:N", sort=order, title=None, axis=alt.Axis(labelLimit=340))
    x_scale = alt.Scale(domain=_pct_domain(table["total_pct"], aspiration))
    tooltip = [
        alt.Tooltip("department:N", title="Department"),
        alt.Tooltip("department_code:N", title="Published as"),
        alt.Tooltip("rank:Q", title="Rank"),
        alt.Tooltip("measure:N", title="Part"),
        alt.Tooltip("pct:Q", title="Share of procurement spend (%)", format=PCT_TOOLTIP),
        alt.Tooltip("total_pct:Q", title="Total SME share (%)", format=PCT_TOOLTIP),
        alt.Tooltip("total_procurement_spend_m:Q", title="Procurement spend (£m)", format=",.1f"),
    ]
    base = alt.Chart(long)
    bars = base.mark_bar(stroke="white", strokeWidth=1).encode(
        y=y,
        x=alt.X("pct:Q", stack="zero", title=PCT_AXIS_TITLE, scale=x_scale),
        color=alt.Color(
            "measure:N",
            scale=alt.Scale(domain=list(MEASURES), range=[SME_COLOURS[m] for m in MEASURES]),
            legend=alt.Legend(title="Spend with SMEs (direct first, then indirect)", orient="bottom", titleLimit=400),
        ),
        order=alt.Order("stack_order:Q"),
        tooltip=tooltip,
    )
    segment_labels = (
        base.transform_filter(f"datum.pct >= {SEGMENT_LABEL_MIN}")
        .transform_stack(stack="pct", groupby=["department"], sort=[alt.SortField("stack_order")], as_=["x0", "x1"])
        .transform_calculate(mid="(datum.x0 + datum.x1) / 2")
        .mark_text(color="white", fontSize=10)
        .encode(y=y, x=alt.X("mid:Q", scale=x_scale), text=alt.Text("pct:Q", format=".1f"), tooltip=tooltip)
    )
    totals = (
        alt.Chart(table.select("department", "total_pct"))
        .mark_text(align="left", dx=4, fontWeight="bold")
        .encode(
            y=y,
            x=alt.X("total_pct:Q", scale=x_scale),
            text=alt.Text("total_pct:Q", format=".1f"),
        )
    )
    # one flat layer: every `+` deep-copies the whole spec, which is most of the build time
    chart = alt.layer(bars, segment_labels, totals, *_aspiration(aspiration, "x")).properties(
        height=max(120, BAR_STEP * len(order)), autosize=FIT_WIDTH
    )
    chart = titled(chart, _lines(title), subtitle)
    chart.title.offset = 18  # room for the aspiration label above the plot
    return chart


def trend_long(table: pl.DataFrame) -> pl.DataFrame:
    """The trend table in long form: one row per year and measure (Total, Direct, Indirect)."""
    return (
        table.select("financial_year", "published_as", "combined_rows", "total_pct", "direct_pct", "indirect_pct")
        .unpivot(
            index=["financial_year", "published_as", "combined_rows"],
            on=["total_pct", "direct_pct", "indirect_pct"],
            variable_name="measure",
            value_name="pct",
        )
        .with_columns(pl.col("measure").str.replace("_pct", "").str.to_titlecase())
        .drop_nulls("pct")
    )


def trend_chart(
    table: pl.DataFrame, title: str, subtitle: str, aspiration: float = 33.0
) -> alt.LayerChart | alt.FacetChart:
    """Total, direct and indirect SME share over the years for one department lineage (or the total)."""
    long = trend_long(table)
    years = table["financial_year"].to_list()
    names = list(TREND_STYLES)
    x = alt.X("financial_year:O", sort=years, title="Financial year (April to March)", axis=alt.Axis(labelAngle=0))
    y_scale = alt.Scale(domain=_pct_domain(long["pct"], aspiration))
    y = alt.Y("pct:Q", title=PCT_AXIS_TITLE, scale=y_scale)
    measure_legend = alt.Legend(title="Share of procurement spend", orient="bottom", symbolStrokeWidth=0, symbolSize=90)
    colour_scale = alt.Scale(domain=names, range=[s[0] for s in TREND_STYLES.values()])
    colour = alt.Color("measure:N", scale=colour_scale, legend=measure_legend)
    dash = alt.StrokeDash(  # on the lines only: a dashed outline makes the legend's point symbols unreadable
        "measure:N", scale=alt.Scale(domain=names, range=[s[1] for s in TREND_STYLES.values()]), legend=None
    )
    shape = alt.Shape(
        "measure:N", scale=alt.Scale(domain=names, range=[s[2] for s in TREND_STYLES.values()]), legend=measure_legend
    )
    tooltip = [
        alt.Tooltip("financial_year:O", title="Financial year"),
        alt.Tooltip("measure:N", title="Measure"),
        alt.Tooltip("pct:Q", title="Share of procurement spend (%)", format=PCT_TOOLTIP),
        alt.Tooltip("published_as:N", title="Published as"),
        alt.Tooltip("combined_rows:Q", title="Published rows combined"),
    ]
    base = alt.Chart(long)
    lines = base.mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour, strokeDash=dash)
    points = base.mark_point(filled=True, size=70).encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
    chart = alt.layer(lines, points, *_aspiration(aspiration, "y")).properties(height=340, autosize=FIT_WIDTH)
    return titled(chart, _lines(title), subtitle)


def ranking_figure(year_rows: pl.DataFrame, year: str) -> Figure:
    """The year's ranking: one bar per published department (logic.ranking_table), titled with who led."""
    table = logic.ranking_table(year_rows, year)
    aspiration = logic.aspiration_of(year_rows)
    return Figure.of(
        ranking_chart,
        table,
        logic.ranking_title(table, year),
        logic.ranking_subtitle(year_rows),
        aspiration,
        table=table,
        alt_text=logic.ranking_alt(table, year, aspiration),
    )


def trend_figure(trend: pl.DataFrame, label: str, aspiration: float) -> Figure:
    """One lineage over the years (logic.trend_table): total, direct and indirect share."""
    return Figure.of(
        trend_chart,
        trend,
        logic.trend_title(trend, label, aspiration),
        "Total = direct + indirect.",
        aspiration,
        table=trend,
        alt_text=logic.trend_alt(trend, label, aspiration),
    )
