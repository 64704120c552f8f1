"""The one chart convention of every page: the palette, number formats, active titles, the 33% rule, and `Figure`.

Builders in `<page>/charts.py` are pure functions of frames (no Streamlit) that return Altair charts and are
tested through `.to_dict()`. A page does not call them itself: a `*_figure` function in the same module wraps
the builder and its arguments with the exact rows plotted and the alt text, and the page hands that `Figure`
to `components.chart_block`, which draws the chart (its spec cached across sessions), the same numbers as a
table and the downloads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import altair as alt
import polars as pl
from altair import TopLevelMixin

from dashboard.format import pct

#: Government Analysis Function categorical palette (colour-blind safe), in its recommended order.
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
FAMILY_COLOURS = {"G-Cloud": PALETTE[0], "DOS": PALETTE[1]}
SME_COLOURS = {"Direct": PALETTE[0], "Indirect": PALETTE[1]}
ASPIRATION_COLOUR = PALETTE[2]

# d3 formats cannot carry a £ sign (Vega would reject the format and draw nothing): the unit goes
# in the axis or tooltip title instead, e.g. "Spend (£)".
GBP_TOOLTIP = ",.0f"
PCT_TOOLTIP = ".1f"
#: d3-format has no '£' currency without a locale ('£,.3~s' is rejected in the browser), so axes write the
#: pound sign in a label expression, in the same £12.3k / £4.5m / £1.2bn style as format.money.
GBP_LABELS = (
    "(datum.value < 0 ? '-' : '') + '£' + (abs(datum.value) >= 1e9 ? format(abs(datum.value) / 1e9, ',.3~f') + 'bn'"
    " : abs(datum.value) >= 1e6 ? format(abs(datum.value) / 1e6, ',.3~f') + 'm'"
    " : abs(datum.value) >= 1e3 ? format(abs(datum.value) / 1e3, ',.3~f') + 'k'"
    " : format(abs(datum.value), ',.0f'))"
)

ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)


def titled(chart: ChartT, title: str | Sequence[str], subtitle: str | Sequence[str] | None = None) -> ChartT:
    """An active title that states the finding, left-aligned, with an optional subtitle (a list: one per line)."""
    params = alt.TitleParams(
        text=title if isinstance(title, str) else list(title),
        anchor="start",
        fontSize=15,
        subtitle=(subtitle if isinstance(subtitle, str) else list(subtitle)) if subtitle else alt.Undefined,
    )
    return chart.properties(title=params)


#: A figure as the titles and alt texts write it: £616.3m, 36%, 1,000, 2021/22 (as its two numbers).
FIGURE = re.compile(r"£?\d[\d,]*(?:\.\d+)?(?:%|bn|m|k)?")


def title_text(spec: Mapping[str, object]) -> str:
    """The main title of a Vega-Lite spec as one sentence (its lines joined), without the subtitle."""
    title = spec.get("title")
    text = title.get("text", "") if isinstance(title, Mapping) else title
    lines = [text] if isinstance(text, str) else list(text) if isinstance(text, Sequence) else []
    return " ".join(str(line).strip() for line in lines if str(line).strip())


def alt_with_finding(alt: str, spec: Mapping[str, object]) -> str:
    """The alt text a chart is drawn with: what it shows (`alt`), then its active title, the finding with its
    headline figure, unless every figure of the title is already in the alt text.

    The title is drawn inside the chart, where a screen reader may not reach it (and on a canvas, cannot).
    """
    title = title_text(spec)
    if not title or all(figure in alt for figure in FIGURE.findall(title)):
        return alt
    return f"{alt.rstrip()} {title.rstrip('.')}."


def aspiration_rule(value: float, orient: str = "x") -> alt.LayerChart:
    """The one-pound-in-three line, drawn dashed (never colour alone) and labelled."""
    frame = pl.DataFrame({"aspiration": [value], "label": [f"{pct(value, 0)} aspiration"]})
    axis = alt.X if orient == "x" else alt.Y
    base = alt.Chart(frame)
    rule = base.mark_rule(color=ASPIRATION_COLOUR, strokeDash=[6, 4], size=2).encode(
        axis("aspiration:Q"), tooltip=[alt.Tooltip("label:N", title="Target")]
    )
    text = base.mark_text(align="left", dx=4, dy=-6 if orient == "x" else 0, color=ASPIRATION_COLOUR).encode(
        axis("aspiration:Q"), text="label:N"
    )
    return rule + text


@dataclass(frozen=True)
class Figure:
    """What a page shows for one chart: how to build it, the exact rows plotted (table and downloads), the alt text.

    The chart is kept as its pure builder and arguments rather than built here, so `components.chart_block`
    can fetch its Vega-Lite spec from the cross-session cache instead of building it on every run.
    """

    build: Callable[..., TopLevelMixin]  # (the field `alt` below hides the altair module in this class)
    args: tuple[object, ...]
    kwargs: Mapping[str, object]
    table: pl.DataFrame
    alt: str

    @classmethod
    def of(
        cls,
        build: Callable[..., TopLevelMixin],
        /,
        *args: object,
        table: pl.DataFrame,
        alt_text: str,
        **kwargs: object,
    ) -> Figure:
        """`build(*args, **kwargs)` with its table and alt text."""
        return cls(build, args, kwargs, table, alt_text)

    @property
    def chart(self) -> TopLevelMixin:
        """The Altair chart itself (what tests inspect with `.to_dict()`)."""
        return self.build(*self.args, **self.kwargs)
