"""What every chart shares: the Analysis Function palette, number formats, the 33% rule."""

from __future__ import annotations

import altair as alt

#: Government Analysis Function categorical palette (colour-blind safe), in its recommended order.
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
FAMILY_COLOURS = {"G-Cloud": PALETTE[0], "DOS": PALETTE[1]}
SME_COLOURS = {"Direct": PALETTE[0], "Indirect": PALETTE[1]}
ASPIRATION_COLOUR = PALETTE[2]

# d3 formats cannot carry a £ sign (Vega would reject the format and draw nothing): the unit goes
# in the axis or tooltip title instead, e.g. "Spend (£)".
GBP_AXIS = ",.3~s"  # 1.2M style on axes (SI prefix)
GBP_TOOLTIP = ",.0f"
PCT_TOOLTIP = ".1f"


def titled(chart: alt.TopLevelMixin, title: str, subtitle: str | None = None) -> alt.TopLevelMixin:
    """An active title that states the finding, left-aligned, with an optional subtitle."""
    params = {"text": title, "anchor": "start", "fontSize": 15}
    if subtitle:
        params["subtitle"] = subtitle
    return chart.properties(title=alt.TitleParams(**params))


def aspiration_rule(value: float, orient: str = "x") -> alt.Chart:
    """The one-pound-in-three line, drawn dashed (never colour alone) and labelled."""
    import polars as pl

    frame = pl.DataFrame({"aspiration": [value], "label": [f"{value:.0f}% aspiration"]})
    axis = alt.X if orient == "x" else alt.Y
    base = alt.Chart(frame)
    rule = base.mark_rule(color=ASPIRATION_COLOUR, strokeDash=[6, 4], size=2).encode(
        axis("aspiration:Q"), tooltip=[alt.Tooltip("label:N", title="Target")]
    )
    text = base.mark_text(align="left", dx=4, dy=-6 if orient == "x" else 0, color=ASPIRATION_COLOUR).encode(
        axis("aspiration:Q"), text="label:N"
    )
    return rule + text
