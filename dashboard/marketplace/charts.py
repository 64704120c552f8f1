"""Charts for the Digital Marketplace page: pure functions of query frames (no Streamlit), testable via to_dict().

The map is pydeck with no basemap unless one is configured, so it renders without internet. Areas are
coloured by fifths of the chosen measure on a single-hue blue ramp (ColorBrewer 'Blues': safe for colour-vision
deficiency and readable in greyscale); pydeck has no legend, so `map_legend` draws one in Altair. Tooltips,
labels and the table carry every number, so colour never carries it alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt
import polars as pl
import pydeck as pdk

from dashboard.figure import FAMILY_COLOURS, GBP_LABELS, GBP_TOOLTIP, PALETTE, Figure, aspiration_rule, titled
from dashboard.format import money, ordinal, pct
from dashboard.marketplace.logic import Basemap, Measure
from dashboard.safe_text import display_expr, html_text_expr
from dashboard.scalars import day, number

RAMP = ["#DEEBF7", "#9ECAE1", "#4292C6", "#2171B5", "#08306B"]  # light to dark blue, 5 classes
NO_FIGURE = "#BDBDBD"
NO_FIGURE_LABEL = "No spend or no figure"
OUTLINE = [60, 60, 60, 255]
#: pydeck's own placeholder: Streamlit drops it and draws no basemap. (map_style=None would not do: Streamlit
#: then fetches a Carto basemap style from the internet, which an offline server cannot reach.)
NO_BASEMAP = "__MAP_STYLE__"
MAX_LABELS = 15  # name labels on the map when there are few enough areas to read them
SIZE_LABELS = {True: "SME", False: "Large", None: "Size not stated"}
SIZE_COLOURS = {"SME": PALETTE[1], "Large": PALETTE[0], "Size not stated": PALETTE[4]}
ASPIRATION_PCT = 33.0
#: Streamlit fits title, axes and plot into the height, so bar charts get room per bar plus the furniture.
BAR_ROW, BAR_HEADROOM = 26, 110


def _rgba(hex_colour: str, alpha: int = 230) -> list[int]:
    return [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)] + [alpha]


def _text(frame: pl.DataFrame, column: str, write: Callable[[Any], str], name: str) -> pl.Series:
    """`write` over a column's values in Python, nulls kept: never a Python callback inside Polars
    (map_elements), which deadlocked Polars' thread pool against the GIL under many sessions (issue 13)."""
    return pl.Series(name, [None if v is None else write(v) for v in frame[column].to_list()], dtype=pl.String)


def _pct0(value: float) -> str:
    return pct(value, 0)


# --------------------------------------------------------------------------------------------
# Map
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Classified:
    """The map frame with a band per area, and the legend rows (one per band actually used)."""

    areas: pl.DataFrame
    legend: pl.DataFrame


def classify(frame: pl.DataFrame, measure: Measure) -> Classified:
    """Bands by quantile (fifths) of the areas with a figure; labels state each band's actual range."""
    column = measure.column
    values = frame[column].cast(pl.Float64)
    has_figure = (frame["spend"] != 0) & values.is_not_null()
    valid = values.filter(has_figure)
    k = min(len(RAMP), valid.n_unique()) if len(valid) else 0
    cuts = [valid.quantile(i / k, interpolation="linear") for i in range(1, k)] if k > 1 else []
    bands = [
        sum(v > c for c in cuts) if ok else -1 for v, ok in zip(values.to_list(), has_figure.to_list(), strict=True)
    ]
    out = frame.with_columns(pl.Series("band", bands, dtype=pl.Int32))
    used = sorted({b for b in bands if b >= 0})
    rows = []
    for band in used:
        in_band = out.filter(pl.col("band") == band)[column]
        colour = RAMP[round(band * (len(RAMP) - 1) / (k - 1))] if k > 1 else RAMP[2]
        lo, hi = number(in_band.min()), number(in_band.max())
        low, high = measure.format(lo), measure.format(hi)
        label = low if low == high else f"{low} to {high}"
        rows.append({"band": band, "label": label, "colour": colour, "n_areas": in_band.len()})
    if -1 in bands:
        rows.append({"band": -1, "label": NO_FIGURE_LABEL, "colour": NO_FIGURE, "n_areas": bands.count(-1)})
    legend = pl.DataFrame(
        rows, schema={"band": pl.Int32, "label": pl.String, "colour": pl.String, "n_areas": pl.Int64}
    ).with_row_index("order")
    out = out.join(legend.select("band", pl.col("label").alias("band_label"), "colour"), on="band", how="left")
    out = out.with_columns(
        _text(out, "spend", money, "spend_text"),
        _text(out, "spend_per_1000", money, "per_1000_text").fill_null("no population figure"),
        _text(out, "sme_share_pct", _pct0, "sme_text").fill_null("no figure"),
    )
    return Classified(out, legend)


def view_for(frame: pl.DataFrame, height_px: int = 480) -> dict[str, float]:
    """Centre and zoom that fit the areas' centroids (Web Mercator: latitude degrees stretch by 1/cos)."""
    points = frame.drop_nulls(["longitude", "latitude"])
    if not points.height:
        return {"longitude": -1.5, "latitude": 53.0, "zoom": 5.0}
    lon_min, lon_max = number(points["longitude"].min()), number(points["longitude"].max())
    lat_min, lat_max = number(points["latitude"].min()), number(points["latitude"].max())
    lat = (lat_min + lat_max) / 2
    extent = max((lat_max - lat_min) / math.cos(math.radians(lat)), (lon_max - lon_min) * 0.6) * 1.3 + 0.05
    zoom = math.log2(height_px * 360 / (extent * 512))
    return {"longitude": (lon_min + lon_max) / 2, "latitude": lat, "zoom": round(min(max(zoom, 3.0), 11.0), 2)}


TOOLTIP_HTML = (
    "<b>{tooltip_name}</b><br/>Spend: {spend_text}<br/>Spend per 1,000 residents: {per_1000_text}<br/>"
    "Buying organisations: {n_buyers}<br/>SME share of spend: {sme_text}<br/><i>Band: {band_label}</i>"
)
PROPERTY_COLUMNS = (
    "area_code",
    "area_name",
    "tooltip_name",  # the name cleaned and HTML-escaped: the tooltip is HTML (safe_text.html_text_expr)
    "spend_text",
    "per_1000_text",
    "n_buyers",
    "sme_text",
    "band_label",
)


def map_deck(
    classified: Classified, *, highlight_code: str | None = None, basemap: Basemap | None = None, height: int = 520
) -> pdk.Deck:
    """Polygons where a boundary exists, centroid circles where not; every layer has an id (selection needs it)."""
    frame = classified.areas.with_columns(
        pl.Series("fill", [_rgba(c) for c in classified.areas["colour"].to_list()], dtype=pl.List(pl.Int64)),
        pl.when((pl.col("area_code") == (highlight_code or "")) | pl.col("is_selected_area"))
        .then(4)
        .otherwise(1)
        .alias("line_width"),
        html_text_expr("area_name", "tooltip_name"),
        display_expr("area_name").alias("label_name"),
    )
    shaped = frame.filter(pl.col("geometry").is_not_null())
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(row["geometry"]),
            "properties": {c: row[c] for c in (*PROPERTY_COLUMNS, "fill", "line_width")},
        }
        for row in shaped.iter_rows(named=True)
    ]
    points = frame.filter(pl.col("geometry").is_null()).select(
        *PROPERTY_COLUMNS, "fill", "line_width", "longitude", "latitude"
    )
    layers: list[pdk.Layer] = []
    basemap = basemap or Basemap()
    if basemap.tile_url:
        layers.append(
            pdk.Layer(
                "MVTLayer",
                id="basemap-tiles",
                data=basemap.tile_url,
                get_fill_color=[238, 238, 238],
                get_line_color=[200, 200, 200],
                line_width_min_pixels=1,
                pickable=False,
            )
        )
    layers.append(
        pdk.Layer(
            "GeoJsonLayer",
            id="market-areas",
            data={"type": "FeatureCollection", "features": features},
            pickable=True,
            auto_highlight=True,
            stroked=True,
            filled=True,
            get_fill_color="properties.fill",
            get_line_color=OUTLINE,
            get_line_width="properties.line_width",
            line_width_units=pdk.types.String("pixels"),
        )
    )
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            id="market-points",
            data=points.to_dicts(),
            get_position=["longitude", "latitude"],
            get_fill_color="fill",
            get_line_color=OUTLINE,
            get_line_width="line_width",
            line_width_units=pdk.types.String("pixels"),
            get_radius=14,
            radius_units=pdk.types.String("pixels"),
            stroked=True,
            pickable=True,
            auto_highlight=True,
        )
    )
    if frame.height <= MAX_LABELS:
        layers.append(
            pdk.Layer(
                "TextLayer",
                id="market-labels",
                data=frame.select("label_name", "longitude", "latitude").drop_nulls().to_dicts(),
                get_position=["longitude", "latitude"],
                get_text="label_name",
                get_size=12,
                get_color=[11, 12, 12, 255],
                background=True,
                get_background_color=[255, 255, 255, 200],
                pickable=False,
            )
        )
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(**view_for(frame, height - 40)),
        map_style=basemap.style_url or NO_BASEMAP,
        map_provider="carto" if basemap.style_url else None,
        tooltip={"html": TOOLTIP_HTML, "style": {"fontSize": "13px"}},
    )


def map_title(classified: Classified, measure: Measure, level_label: str, span: str) -> str:
    frame = classified.areas.filter(pl.col("band") >= 0)
    if not frame.height:
        return f"No {level_label.lower()} with marketplace spend in {span}"
    top = frame.sort(measure.column, descending=True, nulls_last=True).row(0, named=True)
    noun = measure.label[0].lower() + measure.label[1:]
    return f"{noun[0].upper() + noun[1:]} was highest in {top['area_name']} ({measure.format(top[measure.column])}), {span}"


def map_alt(classified: Classified, measure: Measure, level_label: str, span: str) -> str:
    frame = classified.areas
    n_fig = frame.filter(pl.col("band") >= 0).height
    return (
        f"Map of {frame.height} {level_label.lower()} shaded from light to dark blue by "
        f"{measure.label.lower()}, {span}. {map_title(classified, measure, level_label, span)}. "
        f"{frame.height - n_fig} shown grey for no spend or no figure. The numbers are in the table below the map."
    )


def map_table(classified: Classified, measure: Measure) -> pl.DataFrame:
    """The map's numbers, one row per area, in the map's band order (what a screen reader needs)."""
    return classified.areas.select(
        "area_code",
        "area_name",
        pl.col("spend").alias("spend_gbp"),
        pl.col("spend_per_1000").alias("spend_per_1000_residents_gbp"),
        pl.col("n_buyers").alias("buying_organisations"),
        "sme_share_pct",
        pl.col("unknown_size_spend").alias("size_not_published_gbp"),
        "population",
        pl.col("band_label").alias(f"band_{measure.column}"),
    ).sort("spend_gbp", descending=True)


def map_legend(legend: pl.DataFrame, measure: Measure) -> alt.Chart:
    """Pydeck has no legend: swatches with each band's range and how many areas fall in it."""
    frame = legend.with_columns(
        (pl.col("label") + pl.lit(" (") + pl.col("n_areas").cast(pl.String) + pl.lit(")")).alias("text")
    )
    base = alt.Chart(frame).encode(y=alt.Y("order:O", axis=None, scale=alt.Scale(paddingInner=0.25)))
    swatch = base.mark_square(size=260, stroke="#3D3D3D", strokeWidth=0.6, opacity=0.9).encode(
        x=alt.XValue(8),
        color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("label:N", title=measure.label), alt.Tooltip("n_areas:Q", title="Areas")],
    )
    text = base.mark_text(align="left", dx=0, fontSize=12).encode(x=alt.XValue(22), text=alt.Text("text:N"))
    return (
        (swatch + text)
        .properties(
            height=alt.Step(26),
            width=200,
            title=alt.TitleParams(measure.label, anchor="start", fontSize=13),
        )
        .configure_view(stroke=None)
    )


def legend_alt(legend: pl.DataFrame, measure: Measure) -> str:
    bands = "; ".join(f"{r['label']}: {r['n_areas']} areas" for r in legend.iter_rows(named=True))
    return f"Map key for {measure.label.lower()}, lightest to darkest blue: {bands}."


@dataclass(frozen=True)
class MapView:
    """What the page shows for the map: its finding, the deck and its alt text, the key, and its numbers."""

    title: str
    deck: pdk.Deck
    alt: str
    legend: Figure  # pydeck has no legend: an Altair key, with the legend rows and their alt text
    table: pl.DataFrame
    caption: str


def map_view(
    areas: pl.DataFrame,
    measure: Measure,
    level_label: str,
    span: str,
    *,
    highlight_code: str | None = None,
    basemap: Basemap | None = None,
) -> MapView:
    """The areas shaded by fifths of `measure`, with everything drawn around the map."""
    shaded = classify(areas, measure)
    return MapView(
        title=map_title(shaded, measure, level_label, span),
        deck=map_deck(shaded, highlight_code=highlight_code, basemap=basemap),
        alt=map_alt(shaded, measure, level_label, span),
        legend=Figure.of(
            map_legend, shaded.legend, measure, table=shaded.legend, alt_text=legend_alt(shaded.legend, measure)
        ),
        table=map_table(shaded, measure),
        caption=measure.help + " Bands are fifths of the areas with a figure.",
    )


# --------------------------------------------------------------------------------------------
# Spend by framework family
# --------------------------------------------------------------------------------------------


def family_frame(frame: pl.DataFrame, period: str) -> pl.DataFrame:
    """Monthly rows for every month in the span (zero where a framework had no spend that month), so the
    lines do not join across months with no spend as if spend had carried on."""
    if period != "month" or not frame.height:
        return frame
    months = pl.date_range(day(frame["period_start"].min()), day(frame["period_start"].max()), "1mo", eager=True)
    grid = pl.DataFrame({"period_start": months}).join(frame.select("framework_family").unique(), how="cross")
    zero = {c: 0 for c in ("spend", "sme_spend", "n_transactions")} | {"provisional": False}
    return (
        grid.join(frame.drop("period"), on=["period_start", "framework_family"], how="left")
        .with_columns(pl.col("period_start").dt.strftime("%Y-%m").alias("period"))
        .with_columns([pl.col(c).fill_null(v) for c, v in zero.items()])
        .select(frame.columns)
        .sort("period_start", "framework_family")
    )


def family_title(frame: pl.DataFrame, place: str, span: str) -> str:
    total = float(frame["spend"].sum())
    gcloud = float(frame.filter(pl.col("framework_family") == "G-Cloud")["spend"].sum())
    if total <= 0:
        return f"Marketplace spend in {place}, {span}"
    return f"G-Cloud was {pct(100 * gcloud / total, 0)} of the {money(total)} spent in {place}, {span}"


PROVISIONAL_NOTE = "Provisional (ringed): late supplier returns still revise it."


def _provisional_label(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.when(pl.col("provisional")).then(pl.lit("provisional")).otherwise(pl.lit("")).alias("status")
    )


def family_chart(frame: pl.DataFrame, *, period: str, place: str, span: str) -> alt.TopLevelMixin:
    """One line per framework family; colour, dash and point shape all differ, so colour is never alone.

    Provisional periods (the newest months, which late returns still revise) get a black ring as well as a
    'provisional' line in the tooltip and the table.
    """
    frame = _provisional_label(frame)
    if period == "month":
        x = alt.X("period_start:T", title="Month", axis=alt.Axis(format="%b %Y"))
    else:
        x = alt.X("period:O", title="Financial year (April to March)", axis=alt.Axis(labelAngle=0))
    families = list(FAMILY_COLOURS)
    chart = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=40 if period == "month" else 70, filled=True))
        .encode(
            x=x,
            y=alt.Y("spend:Q", title="Spend (£)", axis=alt.Axis(labelExpr=GBP_LABELS)),
            color=alt.Color(
                "framework_family:N",
                title="Framework",
                scale=alt.Scale(domain=families, range=list(FAMILY_COLOURS.values())),
            ),
            strokeDash=alt.StrokeDash(
                "framework_family:N", title="Framework", scale=alt.Scale(domain=families, range=[[1, 0], [6, 3]])
            ),
            shape=alt.Shape(
                "framework_family:N", title="Framework", scale=alt.Scale(domain=families, range=["circle", "square"])
            ),
            tooltip=[
                alt.Tooltip("period:N", title="Month" if period == "month" else "Financial year"),
                alt.Tooltip("framework_family:N", title="Framework"),
                alt.Tooltip("spend:Q", title="Spend (£)", format=GBP_TOOLTIP),
                alt.Tooltip("sme_spend:Q", title="With SMEs (£)", format=GBP_TOOLTIP),
                alt.Tooltip("n_transactions:Q", title="Spend lines", format=","),
                alt.Tooltip("status:N", title="Figure"),
            ],
        )
        .properties(height=320)
    )
    rings = (
        alt.Chart(frame.filter(pl.col("provisional")))
        .mark_point(shape="circle", size=220, filled=False, color="#0b0c0c", strokeWidth=1.5)
        .encode(x=x, y=alt.Y("spend:Q"))
    )
    subtitle = ["G-Cloud (cloud hosting, software, support) and DOS (Digital Outcomes and Specialists)"]
    if frame["provisional"].any():
        subtitle.append(PROVISIONAL_NOTE)
    return titled(chart + rings, family_title(frame, place, span), subtitle)


def family_alt(frame: pl.DataFrame, *, period: str, place: str, span: str) -> str:
    by = frame.group_by("framework_family").agg(pl.col("spend").sum()).sort("framework_family")
    parts = ", ".join(f"{r['framework_family']} {money(r['spend'])}" for r in by.iter_rows(named=True))
    unit = "month" if period == "month" else "financial year"
    text = f"Line chart of marketplace spend per {unit} in {place}, {span}, one line per framework: {parts}."
    provisional = frame.filter(pl.col("provisional")).select("period").unique().sort("period")["period"].to_list()
    if provisional:
        text += f" Provisional, still revised by late returns: {', '.join(provisional)}."
    return text


def family_table(frame: pl.DataFrame) -> pl.DataFrame:
    return _provisional_label(frame).select(
        "period", "framework_family", "spend", "sme_spend", "n_transactions", "status"
    )


# --------------------------------------------------------------------------------------------
# SME share over time
# --------------------------------------------------------------------------------------------


def _year_words(row: dict) -> str:
    """'2014/15' or, for a year the data does not cover in full, '2014/15 (3 months)'."""
    n = row.get("n_months")
    return row["financial_year"] if n is None or n >= 12 else f"{row['financial_year']} ({n} months)"


def sme_title(frame: pl.DataFrame, place: str) -> str:
    known = frame.drop_nulls("sme_share_pct")
    if not known.height:
        return f"No SME share can be worked out for {place}"
    last = known.row(-1, named=True)
    text = f"SMEs won {pct(last['sme_share_pct'], 0)} of marketplace spend in {place} in {_year_words(last)}"
    if known.height > 1:
        first = known.row(0, named=True)
        change = last["sme_share_pct"] - first["sme_share_pct"]
        direction = "up" if change >= 0 else "down"
        text += f", {direction} from {pct(first['sme_share_pct'], 0)} in {_year_words(first)}"
    return text


def sme_chart(frame: pl.DataFrame, *, place: str) -> alt.TopLevelMixin:
    excluded = float(frame["unknown_size_spend"].sum())
    line = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=70, filled=True), color=PALETTE[0])
        .encode(
            x=alt.X("financial_year:O", title="Financial year (April to March)", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sme_share_pct:Q", title="SME share of spend (%)", scale=alt.Scale(domain=[0, 100])),
            tooltip=[
                alt.Tooltip("financial_year:N", title="Financial year"),
                alt.Tooltip("sme_share_pct:Q", title="SME share (%)", format=".1f"),
                alt.Tooltip("sme_spend:Q", title="With SMEs (£)", format=GBP_TOOLTIP),
                alt.Tooltip("large_spend:Q", title="With large suppliers (£)", format=GBP_TOOLTIP),
                alt.Tooltip("unknown_size_spend:Q", title="Size not published, excluded (£)", format=GBP_TOOLTIP),
            ],
        )
    )
    chart = (line + aspiration_rule(ASPIRATION_PCT, orient="y")).properties(height=300)
    subtitle = (
        f"Share of spend whose supplier size is published; {money(excluded)} where it is not is left out. "
        f"Dashed line: central government's {pct(ASPIRATION_PCT, 0)} aspiration, for reference."
    )
    return titled(chart, sme_title(frame, place), subtitle)


def sme_alt(frame: pl.DataFrame, *, place: str) -> str:
    points = ", ".join(f"{r['financial_year']} {pct(r['sme_share_pct'], 0)}" for r in frame.iter_rows(named=True))
    return f"Line chart of the SME share of marketplace spend in {place} by financial year: {points}."


def sme_table(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select("financial_year", "sme_share_pct", "sme_spend", "large_spend", "unknown_size_spend", "spend")


# --------------------------------------------------------------------------------------------
# Top buyers and suppliers
# --------------------------------------------------------------------------------------------


def _by_spend(frame: pl.DataFrame, column: str) -> list[str]:
    """An explicit order, biggest first: a layered chart with a colour channel ignores sort='-x'."""
    return frame.sort("spend", descending=True, maintain_order=True)[column].to_list()


def _ranked_base(data: pl.DataFrame, name_col: str, span: str) -> alt.Chart:
    """The top-N bar charts' shared base: one row per name, largest spend first, a £ axis."""
    y = alt.Y(
        f"{name_col}:N",
        sort=_by_spend(data, name_col),
        title=None,
        axis=alt.Axis(labelLimit=260, labelOverlap=False),
    )
    return alt.Chart(data).encode(
        y=y, x=alt.X("spend:Q", title=f"Spend, {span} (£)", axis=alt.Axis(labelExpr=GBP_LABELS))
    )


def _with_labels(base: alt.Chart, bars: alt.Chart, rows: int, legend_px: int = 0) -> alt.LayerChart:
    """The bars with each row's `label` written at the bar's end, sized to the number of rows."""
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(text="label:N")
    return (bars + text).properties(height=BAR_HEADROOM + legend_px + BAR_ROW * rows)


def buyers_title(frame: pl.DataFrame, place: str, total: float) -> str:
    top = frame.row(0, named=True)
    share = f" ({pct(100 * top['spend'] / total, 0)} of the area's spend)" if total > 0 else ""
    return f"{top['buyer_name']} spent the most in {place}: {money(top['spend'])}{share}"


def buyers_chart(frame: pl.DataFrame, *, place: str, span: str, total: float) -> alt.TopLevelMixin:
    """Bars with the spend and SME share written at the end of each bar (text, not colour)."""
    spend, share = _text(frame, "spend", money, "spend"), _text(frame, "sme_share_pct", _pct0, "share")
    data = frame.with_columns((spend + " · " + share.fill_null("n/a") + " SME").alias("label"))
    base = _ranked_base(data, "buyer_name", span)
    bars = base.mark_bar(color=PALETTE[0]).encode(
        tooltip=[
            alt.Tooltip("buyer_name:N", title="Buyer"),
            alt.Tooltip("org_kind:N", title="Kind"),
            alt.Tooltip("spend:Q", title="Spend (£)", format=GBP_TOOLTIP),
            alt.Tooltip("sme_share_pct:Q", title="With SMEs (%)", format=".1f"),
        ]
    )
    chart = _with_labels(base, bars, data.height)
    return titled(chart, buyers_title(frame, place, total), "Label: spend · share of it with SMEs")


def buyers_alt(frame: pl.DataFrame, *, place: str) -> str:
    top = "; ".join(f"{r['buyer_name']} {money(r['spend'])}" for r in frame.head(5).iter_rows(named=True))
    return f"Bar chart of the {frame.height} biggest marketplace buyers in {place}. Largest: {top}."


def buyers_table(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select("buyer_name", "org_kind", "spend", "sme_spend", "sme_share_pct", "n_transactions")


def with_size(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.when(pl.col("supplier_is_sme").is_null())
        .then(pl.lit(SIZE_LABELS[None]))
        .when(pl.col("supplier_is_sme"))
        .then(pl.lit(SIZE_LABELS[True]))
        .otherwise(pl.lit(SIZE_LABELS[False]))
        .alias("supplier_size")
    )


def suppliers_title(frame: pl.DataFrame, place: str) -> str:
    n_sme = frame.filter(pl.col("supplier_is_sme").fill_null(False)).height
    return f"{n_sme} of the top {frame.height} suppliers to buyers in {place} are SMEs"


def suppliers_chart(frame: pl.DataFrame, *, place: str, span: str) -> alt.TopLevelMixin:
    """Bars coloured by supplier size, with the size also written as text at the end of each bar."""
    sized = with_size(frame)
    data = sized.with_columns((_text(sized, "spend", money, "spend") + " · " + sized["supplier_size"]).alias("label"))
    sizes = list(SIZE_COLOURS)
    base = _ranked_base(data, "supplier_name", span)
    bars = base.mark_bar().encode(
        color=alt.Color(
            "supplier_size:N",
            title="Supplier size",
            scale=alt.Scale(domain=sizes, range=list(SIZE_COLOURS.values())),
            legend=alt.Legend(orient="top"),
        ),
        tooltip=[
            alt.Tooltip("supplier_name:N", title="Supplier"),
            alt.Tooltip("supplier_size:N", title="Size"),
            alt.Tooltip("spend:Q", title="Spend (£)", format=GBP_TOOLTIP),
            alt.Tooltip("n_transactions:Q", title="Spend lines", format=","),
        ],
    )
    chart = _with_labels(base, bars, data.height, legend_px=40)
    return titled(chart, suppliers_title(frame, place), "Label: spend · size as published by the supplier")


def suppliers_alt(frame: pl.DataFrame, *, place: str) -> str:
    data = with_size(frame)
    top = "; ".join(
        f"{r['supplier_name']} {money(r['spend'])} ({r['supplier_size']})" for r in data.head(5).iter_rows(named=True)
    )
    return f"Bar chart of the {frame.height} biggest marketplace suppliers to buyers in {place}. Largest: {top}."


def suppliers_table(frame: pl.DataFrame) -> pl.DataFrame:
    return with_size(frame).select("supplier_name", "supplier_size", "spend", "n_transactions")


# --------------------------------------------------------------------------------------------
# Combined authorities per head
# --------------------------------------------------------------------------------------------

SELECTED_SUFFIX = " (selected)"
ROLE_SELECTED, ROLE_OTHER = "Selected", "Other"


def per_head_frame(frame: pl.DataFrame, selected_code: str | None) -> pl.DataFrame:
    """Authorities with a population figure, the selected one named '(selected)' so the axis says it too."""
    return (
        frame.drop_nulls("spend_per_1000")
        .with_columns((pl.col("area_code") == (selected_code or "")).alias("is_selected"))
        .with_columns(
            pl.when(pl.col("is_selected"))
            .then(pl.col("area_name") + pl.lit(SELECTED_SUFFIX))
            .otherwise(pl.col("area_name"))
            .alias("authority"),
            pl.col("spend_per_1000").rank("ordinal", descending=True).cast(pl.Int64).alias("rank"),
            pl.when(pl.col("is_selected")).then(pl.lit(ROLE_SELECTED)).otherwise(pl.lit(ROLE_OTHER)).alias("role"),
        )
        .sort("rank")
    )


def per_head_title(frame: pl.DataFrame, span: str) -> str:
    if not frame.height:
        return f"No combined authority has a population figure for {span}"
    chosen = frame.filter(pl.col("is_selected"))
    if chosen.height:
        row = chosen.row(0, named=True)
        return (
            f"{row['area_name']} spent {money(row['spend_per_1000'])} per 1,000 residents in {span}, "
            f"{ordinal(row['rank'])} of {frame.height} combined authorities"
        )
    top = frame.row(0, named=True)
    return f"{top['area_name']} spent the most per head: {money(top['spend_per_1000'])} per 1,000 residents in {span}"


def per_head_chart(frame: pl.DataFrame, *, span: str) -> alt.TopLevelMixin:
    """Bars; the selected authority differs by colour, a thick dashed outline and '(selected)' in its label."""
    overall = 1000 * float(frame["spend"].sum()) / float(frame["population"].sum()) if frame.height else 0.0
    per_head = _text(frame, "spend_per_1000", money, "per_head")
    data = frame.with_columns(
        (pl.lit(per_head) + pl.when(pl.col("is_selected")).then(pl.lit("  ◀ selected")).otherwise(pl.lit(""))).alias(
            "label"
        )
    )
    y = alt.Y(
        "authority:N",
        sort=data.sort("rank")["authority"].to_list(),
        title=None,
        axis=alt.Axis(labelLimit=280, labelOverlap=False),
    )
    base = alt.Chart(data).encode(
        y=y,
        x=alt.X(
            "spend_per_1000:Q", title=f"Spend per 1,000 residents, {span} (£)", axis=alt.Axis(labelExpr=GBP_LABELS)
        ),
    )
    roles = alt.Scale(domain=[ROLE_OTHER, ROLE_SELECTED])
    bars = base.mark_bar(stroke="#0B0C0C").encode(
        color=alt.Color("role:N", scale=alt.Scale(domain=roles.domain, range=[PALETTE[0], PALETTE[2]]), legend=None),
        strokeWidth=alt.StrokeWidth("role:N", scale=alt.Scale(domain=roles.domain, range=[0, 2.5]), legend=None),
        strokeDash=alt.StrokeDash("role:N", scale=alt.Scale(domain=roles.domain, range=[[1, 0], [4, 2]]), legend=None),
        tooltip=[
            alt.Tooltip("area_name:N", title="Combined authority"),
            alt.Tooltip("spend_per_1000:Q", title="Per 1,000 residents (£)", format=GBP_TOOLTIP),
            alt.Tooltip("spend:Q", title="Spend (£)", format=GBP_TOOLTIP),
            alt.Tooltip("population:Q", title="Residents", format=","),
            alt.Tooltip("rank:Q", title="Rank"),
        ],
    )
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(text="label:N")
    rule_frame = pl.DataFrame({"overall": [overall], "text": [f"All combined authorities: {money(overall)}"]})
    rule = alt.Chart(rule_frame).mark_rule(strokeDash=[6, 4], color=PALETTE[4]).encode(x=alt.X("overall:Q"))
    rule_text = (
        alt.Chart(rule_frame)
        .mark_text(align="left", dx=4, dy=-4, baseline="bottom", color=PALETTE[4], fontSize=11)
        .encode(x=alt.X("overall:Q"), y=alt.YValue(0), text=alt.Text("text:N"))
    )
    chart = (bars + text + rule + rule_text).properties(height=BAR_HEADROOM + BAR_ROW * data.height)
    return titled(
        chart,
        per_head_title(frame, span),
        "One mid-year population estimate for every year. Dashed line: all combined authorities together.",
    )


def per_head_alt(frame: pl.DataFrame, *, span: str) -> str:
    parts = "; ".join(
        f"{r['rank']}. {r['authority']} {money(r['spend_per_1000'])}" for r in frame.iter_rows(named=True)
    )
    return f"Bar chart ranking combined authorities by marketplace spend per 1,000 residents, {span}: {parts}."


def per_head_table(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select("rank", "area_code", "area_name", "is_selected", "spend", "population", "spend_per_1000")


# --------------------------------------------------------------------------------------------
# Councils that never bought
# --------------------------------------------------------------------------------------------


def never_title(frame: pl.DataFrame, place: str) -> str:
    total = frame["councils_in_area"][0] if frame.height else None
    if not frame.height:
        return f"Every council in {place} has bought through the Digital Marketplace"
    of = f" of {total}" if total else ""
    noun = "council" if frame.height == 1 and not total else "councils"
    verb = "has" if frame.height == 1 else "have"
    return f"{frame.height}{of} {noun} in {place} {verb} never bought through the Digital Marketplace"


def never_table(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select("council_id", "council_name", "official_name", "council_type", "region_name", "ca_name")


# --------------------------------------------------------------------------------------------
# Figures: chart + table + alt text, ready for components.chart_block
# --------------------------------------------------------------------------------------------


def family_figure(frame: pl.DataFrame, *, period: str, place: str, span: str) -> Figure:
    frame = family_frame(frame, period)
    return Figure.of(
        family_chart,
        frame,
        period=period,
        place=place,
        span=span,
        table=family_table(frame),
        alt_text=family_alt(frame, period=period, place=place, span=span),
    )


def sme_figure(frame: pl.DataFrame, *, place: str) -> Figure:
    return Figure.of(sme_chart, frame, place=place, table=sme_table(frame), alt_text=sme_alt(frame, place=place))


def buyers_figure(frame: pl.DataFrame, *, place: str, span: str, total: float) -> Figure:
    return Figure.of(
        buyers_chart,
        frame,
        place=place,
        span=span,
        total=total,
        table=buyers_table(frame),
        alt_text=buyers_alt(frame, place=place),
    )


def suppliers_figure(frame: pl.DataFrame, *, place: str, span: str) -> Figure:
    return Figure.of(
        suppliers_chart,
        frame,
        place=place,
        span=span,
        table=suppliers_table(frame),
        alt_text=suppliers_alt(frame, place=place),
    )


def per_head_figure(frame: pl.DataFrame, *, selected_code: str | None, span: str) -> Figure:
    frame = per_head_frame(frame, selected_code)
    return Figure.of(
        per_head_chart, frame, span=span, table=per_head_table(frame), alt_text=per_head_alt(frame, span=span)
    )
