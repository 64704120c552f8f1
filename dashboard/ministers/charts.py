"""Charts for the ministers page: pure functions of frames (no Streamlit), testable with .to_dict(), and the
figures the page draws (builder + the table plotted + alt text, for components.chart_block).

Neither chart relies on colour alone: departments with no digital minister are labelled in words on the
coverage chart, and every timeline bar carries the person, post and rank in its tooltip and the table.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl

from dashboard.figure import ASPIRATION_COLOUR, PALETTE, Figure, titled
from dashboard.format import long_date
from dashboard.ministers import logic
from dashboard.scalars import number

ROW_PX = 24
#: Vertical space Streamlit's "fit" autosizing takes from `height` for the title, subtitle and x axis.
CHROME_PX = 120
NONE_LABEL = "✗ none"


def coverage_chart(summary: pl.DataFrame, title: str, subtitle: str | list[str] | None = None) -> alt.LayerChart:
    """Ministers in digital posts per department (bars), with 'none' written where there are none.

    `summary` is `logic.department_summary`: department, status, digital_ministers, ministers, who.
    """
    none = pl.col("digital_ministers") == 0
    frame = summary.sort(["digital_ministers", "department"], descending=[True, False]).with_columns(
        pl.when(none).then(pl.lit(NONE_LABEL)).otherwise(pl.col("digital_ministers").cast(pl.String)).alias("label"),
        pl.when(none).then(pl.lit(ASPIRATION_COLOUR)).otherwise(pl.lit(PALETTE[4])).alias("label_colour"),
    )
    # Shared encodings live on the base (Altair converts a tooltip list slowly; once per chart is enough).
    base = alt.Chart(frame).encode(
        x=alt.X(
            "digital_ministers:Q",
            title="Ministers holding a digital post (number)",
            axis=alt.Axis(tickMinStep=1, format="d"),
        ),
        y=alt.Y("department:N", sort=frame["department"].to_list(), title=None, axis=alt.Axis(labelLimit=360)),
        tooltip=[
            alt.Tooltip("department:N", title="Department"),
            alt.Tooltip("status:N", title="Status"),
            alt.Tooltip("digital_ministers:Q", title="Ministers in digital posts"),
            alt.Tooltip("ministers:Q", title="Ministers in the department"),
            alt.Tooltip("who:N", title="Who (post)"),
        ],
    )
    bars = base.mark_bar(color=PALETTE[0])
    labels = base.mark_text(align="left", dx=4, fontWeight="bold").encode(
        text=alt.Text("label:N"), color=alt.Color("label_colour:N", scale=None)
    )
    chart = (bars + labels).properties(height=ROW_PX * max(frame.height, 3) + CHROME_PX)
    return titled(chart, title, subtitle)


def timeline_chart(
    appointments: pl.DataFrame,
    title: str,
    date_from: dt.date,
    date_to: dt.date,
    as_of: dt.date | None = None,
    subtitle: str | list[str] | None = None,
) -> alt.TopLevelMixin:
    """Gantt-like bars: one per appointment to a digital post, per department, side by side when they overlap.

    `appointments` is `logic.with_lanes(...)`: department, lane, shown_from, shown_to, person_name,
    post_name, rank, start_date, end_label, tenure_days, digital_rule.
    """
    ranks = [r for r in appointments.sort("rank_value")["rank"].unique(maintain_order=True).to_list() if r]
    lanes = max(int(number(appointments["lane"].max() or 0)) + 1, 1) if appointments.height else 1
    n_departments = max(appointments["department"].n_unique(), 1)
    domain = [date_from.isoformat(), date_to.isoformat()]
    bars = (
        alt.Chart(appointments)
        .mark_bar(cornerRadius=2, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("shown_from:T", title="Date in post", scale=alt.Scale(domain=domain), axis=alt.Axis(format="%Y")),
            x2=alt.X2("shown_to:T"),
            y=alt.Y("department:N", title=None, sort="ascending", axis=alt.Axis(labelLimit=360)),
            yOffset=alt.YOffset("lane:N", title="Overlapping appointments"),
            color=alt.Color(
                "rank:N",
                title="Rank",
                scale=alt.Scale(domain=ranks, range=PALETTE[: max(len(ranks), 1)]),
                legend=alt.Legend(orient="bottom", labelLimit=320),
            ),
            tooltip=[
                alt.Tooltip("person_name:N", title="Minister"),
                alt.Tooltip("post_name:N", title="Post"),
                alt.Tooltip("rank:N", title="Rank"),
                alt.Tooltip("department:N", title="Department"),
                alt.Tooltip("start_date:T", title="Appointed", format="%d %b %Y"),
                alt.Tooltip("end_label:N", title="Left"),
                alt.Tooltip("tenure_days:Q", title="Tenure (days)", format=",d"),
                alt.Tooltip("digital_rule:N", title="Classified digital by"),
            ],
        )
    )
    chart: alt.TopLevelMixin = bars
    if as_of is not None and date_from <= as_of <= date_to:
        marker = pl.DataFrame({"as_of": [as_of], "label": [f"as of {as_of.day} {as_of:%b %Y}"]})
        rule = alt.Chart(marker).mark_rule(color=PALETTE[4], strokeDash=[4, 3]).encode(x=alt.X("as_of:T"))
        text = (
            alt.Chart(marker)
            .mark_text(align="left", baseline="top", dx=3, dy=2, color=PALETTE[4])
            .encode(x=alt.X("as_of:T"), y=alt.YValue(0), text=alt.Text("label:N"))
        )
        chart = bars + rule + text
    height = n_departments * max(ROW_PX + 8, 14 * lanes) + CHROME_PX
    return titled(chart.properties(height=height), title, subtitle)


def coverage_figure(summary: pl.DataFrame, as_of: dt.date) -> Figure:
    """Digital ministers per department on `as_of` (logic.department_summary), the table being the summary."""
    without = logic.departments_without(summary)
    return Figure.of(
        coverage_chart,
        summary,
        *logic.coverage_titles(summary),
        table=summary,
        alt_text=f"Bar chart of the number of ministers holding a digital post in each of {summary.height} departments "
        f"on {long_date(as_of)}; {len(without)} departments, labelled 'none', have no such minister.",
    )


def timeline_figure(
    lanes: pl.DataFrame, turnover: pl.DataFrame, date_from: dt.date, date_to: dt.date, as_of: dt.date
) -> Figure:
    """Every appointment to a digital post in the period (logic.with_lanes), titled with where turnover was highest."""
    title, subtitle = logic.timeline_titles(turnover, lanes, date_from, date_to)
    return Figure.of(
        timeline_chart,
        lanes,
        title,
        date_from,
        date_to,
        as_of,
        subtitle,
        table=logic.timeline_table(lanes),
        alt_text=f"Timeline of {lanes.height} appointments to digital posts in {turnover.height} departments from "
        f"{long_date(date_from)} to {long_date(date_to)}, one bar per appointment, coloured by rank.",
    )
