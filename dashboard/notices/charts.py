"""Charts for the Contracts Finder notices page: pure functions of frames (no Streamlit), testable with .to_dict(),
and the figures the page draws (builder + the table plotted + alt text, for components.chart_block).

Colour is never the only cue: the two share lines also differ in point shape and dash, stacked bars carry the
buyer type in their tooltips (and the table), and the expiry pipeline's value bars are labelled with their counts.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl

from dashboard.figure import GBP_LABELS, GBP_TOOLTIP, PALETTE, Figure, titled
from dashboard.format import money
from dashboard.notices import logic, pipeline
from dashboard.notices.logic import AWARDED, BUYER_TYPES, SUITABLE


def notices_chart(frame: pl.DataFrame, title: str, subtitle: str | None = None) -> alt.Chart:
    """Stacked monthly bars of notices published, one stack per buyer type (`logic.notices_frame`)."""
    present = set(frame["buyer_type"].to_list())
    domain = [label for label in BUYER_TYPES.values() if label in present]
    domain += sorted(present - set(domain))
    return titled(
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(published_month):T", title="Month published", axis=alt.Axis(format="%b %Y")),
            y=alt.Y("sum(notices):Q", title="Notices published (number)", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "buyer_type:N",
                title="Buyer type",
                scale=alt.Scale(domain=domain, range=PALETTE[: len(domain)]),
                sort=domain,
            ),
            order=alt.Order("buyer_type:N"),
            tooltip=[
                alt.Tooltip("yearmonth(published_month):T", title="Month", format="%B %Y"),
                alt.Tooltip("buyer_type:N", title="Buyer type"),
                alt.Tooltip("sum(notices):Q", title="Notices"),
            ],
        )
        .properties(height=380),
        title,
        subtitle,
    )


def shares_chart(frame: pl.DataFrame, title: str) -> alt.Chart:
    """Two lines (%) per financial year: notices suitable for SMEs, and awards won by SMEs (`shares_frame`)."""
    domain = [SUITABLE, AWARDED]
    return titled(
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=70, filled=True))
        .encode(
            x=alt.X("financial_year:O", title="Financial year published", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share_pct:Q", title="Share (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=domain, range=[PALETTE[0], PALETTE[3]]),
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=480),
            ),
            shape=alt.Shape("measure:N", scale=alt.Scale(domain=domain, range=["circle", "square"]), title=None),
            strokeDash=alt.StrokeDash("measure:N", scale=alt.Scale(domain=domain, range=[[1, 0], [6, 3]]), title=None),
            tooltip=[
                alt.Tooltip("financial_year:O", title="Financial year"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("share_pct:Q", title="Share (%)", format=".1f"),
                alt.Tooltip("count:Q", title="Count"),
                alt.Tooltip("out_of:Q", title="Out of"),
            ],
        )
        .properties(height=400),
        title,
    )


def pipeline_chart(months: pl.DataFrame, title: str) -> alt.LayerChart:
    """Value of contracts ending per month over the window (`pipeline.by_month`), each bar labelled with its count."""
    x_title = "Month the contract ends"
    base = alt.Chart(months).encode(
        y=alt.Y("value_gbp:Q", title="Value of contracts ending (£)", axis=alt.Axis(labelExpr=GBP_LABELS)),
        tooltip=[
            alt.Tooltip("yearmonth(end_month):T", title="Month", format="%B %Y"),
            alt.Tooltip("value_gbp:Q", title="Value (£)", format=GBP_TOOLTIP),
            alt.Tooltip("contracts:Q", title="Contracts ending"),
        ],
    )
    bars = base.mark_bar(color=PALETTE[0]).encode(
        x=alt.X("yearmonth(end_month):T", title=x_title, axis=alt.Axis(format="%b %Y"))
    )
    labels = (
        base.transform_filter(alt.datum.contracts > 0)
        .mark_text(dy=-7, color=PALETTE[4])
        .encode(x=alt.X("yearmonth(end_month):T", title=x_title, bandPosition=0.5), text=alt.Text("contracts:Q"))
    )
    return titled((bars + labels).properties(height=340), title, "Bar labels: number of contracts ending")


def notices_figure(by_month: pl.DataFrame, *, span: str, place: str, n_notices: int) -> Figure:
    """Notices published per month by buyer type (the notices_by_month query), titled with who published most;
    `n_notices` is the total the alt text states (logic.totals of the yearly shares, as the headline counts)."""
    notices = logic.notices_frame(by_month)
    return Figure.of(
        notices_chart,
        notices,
        logic.notices_title(notices, span),
        "Every notice counts: tenders, awards, amendments",
        table=notices,
        alt_text=f"Stacked bar chart of {n_notices:,} notices published each month, {span}, "
        f"in {place}, split by buyer type.",
    )


def shares_figure(shares: pl.DataFrame, *, span: str, place: str) -> Figure:
    """The SME shares of notices and of awards per financial year (the notices_sme_shares query)."""
    rows = logic.shares_frame(shares)
    return Figure.of(
        shares_chart,
        rows,
        logic.shares_title(logic.totals(shares)),
        table=rows,
        alt_text=f"Line chart by financial year of the percentage of notices marked suitable for SMEs and of "
        f"awards won by SMEs, {span}, in {place}.",
    )


def pipeline_figure(
    rows: pl.DataFrame, *, today: dt.date, until: dt.date, horizon: int, scope: str, place: str
) -> Figure:
    """Value and number of contracts ending in each month of the window (the expiry_pipeline query)."""
    months = pipeline.by_month(rows, today, until)
    return Figure.of(
        pipeline_chart,
        months,
        pipeline.month_title(months, scope, horizon),
        table=months,
        alt_text=f"Bar chart of the value of the {rows.height} {pipeline.noun(scope)} in {place} ending in each "
        f"month of the next {horizon} months, {money(float(months['value_gbp'].sum()))} in all; each bar is "
        "labelled with its number of contracts.",
    )
