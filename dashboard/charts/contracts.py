"""Charts for the Contracts Finder page: pure functions of frames (no Streamlit), testable with .to_dict().

Colour is never the only cue: the two share lines also differ in point shape and dash, stacked bars carry the
buyer type in their tooltips (and the table), and the expiring-contracts bars are labelled with their counts.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.contracts_logic import AWARDED, BUYER_TYPES, SUITABLE
from dashboard.figure import PALETTE, titled


def notices_chart(frame: pl.DataFrame, title: str, subtitle: str | None = None) -> alt.Chart:
    """Stacked monthly bars of notices published, one stack per buyer type (`contracts_logic.notices_frame`)."""
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


def expiring_chart(by_month: pl.DataFrame, title: str) -> alt.LayerChart:
    """Contracts ending per month over the horizon (`contracts_logic.expiring_by_month`), counts labelled."""
    x_title = "Month the contract ends"
    base = alt.Chart(by_month).encode(
        y=alt.Y("contracts:Q", title="Contracts ending (number)", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[
            alt.Tooltip("yearmonth(end_month):T", title="Month", format="%B %Y"),
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
    return titled((bars + labels).properties(height=340), title)
