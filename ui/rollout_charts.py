"""Plotly figures of the rollout page: status map, status periods, implementation
time, fidelity and caseload. Nothing is fetched from the internet: the map is a plain
lat/lon scatter (no tiles, no topojson) with Bornholm moved next to the capital area.
"""

from __future__ import annotations

import math
from datetime import date

import plotly.graph_objects as go
import polars as pl

from ips_data.formatting import fmt_date, fmt_int, fmt_number
from ips_data.metrics.rollout import fidelity_yearly_median
from ui import figures
from ui.charts import BAND_COLOURS, OKABE_ITO, STATUS_COLOURS, layout
from ui.i18n import Lang, label, t

#: Bornholm's place on the map (lon, lat), in a dotted box as on Danish maps: beside the
#: capital area on a regional map, in the upper right (the Kattegat) on a wider one.
BORNHOLM_CODE = 400
_BORNHOLM_AT = {"capital": (12.85, 56.02), "wide": (12.45, 57.35)}
MAX_BUBBLE_PX = 46.0
MIN_BUBBLE_PX = 7.0
LABELLED_UP_TO = 35  # more municipalities than this: names on hover only
_PAD = 0.12  # degrees around the outermost points


def bubble_sizes(active: list[int | None]) -> list[float]:
    """Marker diameters (px): area proportional to active participants, the largest
    municipality MAX_BUBBLE_PX, none or suppressed MIN_BUBBLE_PX."""
    largest = max((a for a in active if a), default=0)
    return [MIN_BUBBLE_PX + (MAX_BUBBLE_PX - MIN_BUBBLE_PX) * math.sqrt(a / largest)
            if a and largest else MIN_BUBBLE_PX for a in active]


def map_positions(rows: list[dict]) -> tuple[list[tuple[float, float]], str]:
    """(lon, lat) per row with Bornholm moved into its box, and which layout: "capital"
    when every municipality shown lies in Region Hovedstaden, else "wide"."""
    kind = "capital" if all(r["region_code"] == 1084 for r in rows) else "wide"
    return [_BORNHOLM_AT[kind] if r["code"] == BORNHOLM_CODE else (r["lon"], r["lat"])
            for r in rows], kind


@figures.cached
def status_map(frame: pl.DataFrame, when: date, lang: Lang, hidden: str) -> go.Figure:
    """Municipalities as points at their lat/lon, coloured by status, sized by active
    participants (relative to the largest shown); the view fits the municipalities
    shown. Bornholm is moved into a box (see _BORNHOLM_AT)."""
    rows = frame.filter(pl.col("lat").is_not_null()).to_dicts()
    positions, kind = map_positions(rows)
    sizes = bubble_sizes([r["active_participants"] for r in rows])
    labelled = len(rows) <= LABELLED_UP_TO
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        part = [i for i, r in enumerate(rows) if r["status"] == status]
        if not part:
            continue
        fig.add_trace(go.Scatter(
            x=[positions[i][0] for i in part], y=[positions[i][1] for i in part],
            mode="markers+text" if labelled else "markers",
            name=label("status", status, lang),
            text=[rows[i]["name"] for i in part], textposition="top center",
            textfont={"size": 10, "color": "#333333"},
            marker={"size": [sizes[i] for i in part], "color": colour,
                    "line": {"width": 1, "color": "#333333"}},
            customdata=[[rows[i]["name"], label("status", status, lang),
                         fmt_date(rows[i]["status_since"], lang),
                         fmt_int(rows[i]["active_participants"], lang)
                         if rows[i]["active_participants"] is not None else hidden]
                        for i in part],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} (%{customdata[2]})"
                          "<br>n = %{customdata[3]}<extra></extra>"))
    if any(r["code"] == BORNHOLM_CODE for r in rows):
        x, y = _BORNHOLM_AT[kind]
        fig.add_shape(type="rect", x0=x - 0.13, x1=x + 0.13, y0=y - 0.06, y1=y + 0.08,
                      line={"dash": "dot", "color": "#999999"})
        fig.add_annotation(x=x, y=y - 0.07, text=t("map_bornholm", lang), showarrow=False,
                           font={"size": 10, "color": "#666666"}, yanchor="top")
    lons = [p[0] for p in positions] or [11.85, 13.05]
    lats = [p[1] for p in positions] or [55.52, 56.12]
    middle = (min(lats) + max(lats)) / 2
    fig.update_yaxes(scaleanchor="x", scaleratio=1 / math.cos(math.radians(middle)),
                     showgrid=False, zeroline=False, showticklabels=False,
                     range=[min(lats) - _PAD, max(lats) + 1.5 * _PAD])
    fig.update_xaxes(showgrid=False, zeroline=False, showticklabels=False,
                     range=[min(lons) - 2 * _PAD, max(lons) + 2 * _PAD])
    fig.update_layout(legend={"itemsizing": "constant"})
    return layout(fig, t("fig_map", lang, date=fmt_date(when, lang)), lang, None, None,
                  height=620)


@figures.cached
def timeline(frame: pl.DataFrame, when: date, lang: Lang) -> go.Figure:
    """Status periods per municipality (a Gantt chart); open periods end at `when`."""
    fig = go.Figure()
    names = sorted(set(frame["name"].to_list()), reverse=True)
    for status, colour in STATUS_COLOURS.items():
        rows = frame.filter(pl.col("status") == status).to_dicts()
        if not rows:
            continue
        ends = [r["valid_to"] or max(when, r["valid_from"]) for r in rows]
        fig.add_trace(go.Bar(
            y=[r["name"] for r in rows], base=[r["valid_from"].isoformat() for r in rows],
            x=[(e - r["valid_from"]).days * 86_400_000 for r, e in zip(rows, ends, strict=True)],
            orientation="h", name=label("status", status, lang), marker_color=colour,
            customdata=[[r["name"], label("status", status, lang),
                         fmt_date(r["valid_from"], lang), fmt_date(r["valid_to"], lang)]
                        for r in rows],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]} – "
                          "%{customdata[3]}<extra></extra>"))
    fig.update_xaxes(type="date")
    fig.update_yaxes(categoryorder="array", categoryarray=names)
    fig.update_layout(barmode="overlay")
    return layout(fig, t("fig_timeline", lang), lang, None, None,
                   height=max(300, 22 * len(names) + 140))


@figures.cached
def implementation_years(frame: pl.DataFrame, when: date, lang: Lang) -> go.Figure:
    """Years since implementation started, against the usual 2–3 years (shaded)."""
    rows = frame.filter(pl.col("years_since_implementation").is_not_null()).sort(
        "years_since_implementation").to_dicts()
    order = [r["name"] for r in rows]
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        part = [r for r in rows if r["status"] == status]
        if not part:
            continue
        fig.add_trace(go.Bar(
            x=[r["years_since_implementation"] for r in part], y=[r["name"] for r in part],
            orientation="h", marker_color=colour, name=label("status", status, lang),
            customdata=[[r["name"], label("status", status, lang),
                         fmt_date(r["implementation_started"], lang),
                         fmt_number(r["years_since_implementation"], 1, lang)] for r in part],
            hovertemplate="<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{customdata[2]}: "
                          "%{customdata[3]}<extra></extra>"))
    fig.add_vrect(x0=2, x1=3, fillcolor="#000000", opacity=0.12, line_width=0, layer="above")
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    return layout(fig, t("fig_impl", lang), lang, t("years_axis", lang), None,
                   height=max(300, 26 * len(rows) + 160),
                   subtitle=t("fig_impl_sub", lang, date=fmt_date(when, lang)))


@figures.cached
def fidelity_latest(frame: pl.DataFrame, lang: Lang) -> go.Figure:
    """Latest IPS-25 total per municipality, coloured by band, with the band limits."""
    rows = frame.filter(pl.col("fidelity_score").is_not_null()).sort("fidelity_score").to_dicts()
    fig = go.Figure()
    for band, colour in BAND_COLOURS.items():
        part = [r for r in rows if r["fidelity_band"] == band]
        if not part:
            continue
        fig.add_trace(go.Bar(
            x=[r["fidelity_score"] for r in part], y=[r["name"] for r in part],
            orientation="h", marker_color=colour, name=label("band", band, lang),
            customdata=[[r["name"], label("band", band, lang),
                         fmt_date(r["fidelity_date"], lang), fmt_int(r["fidelity_score"], lang)]
                        for r in part],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[3]} – %{customdata[1]}<br>"
                          "%{customdata[2]}<extra></extra>"))
    for limit in (74, 100, 115):
        fig.add_vline(x=limit, line_dash="dot", line_color="#666666")
    fig.update_xaxes(range=[25, 125])
    fig.update_yaxes(categoryorder="array", categoryarray=[r["name"] for r in rows])
    return layout(fig, t("fig_fidelity", lang), lang, t("score_axis", lang), None,
                   height=max(300, 26 * len(rows) + 160), subtitle=t("fidelity_sub", lang))


#: Up to this many municipalities, one coloured line each with a legend (the palette has
#: eight colours); more: thin grey lines (named on hover) and the yearly median.
TREND_LINES_UP_TO = 8


@figures.cached
def fidelity_trend(reviews: pl.DataFrame, lang: Lang) -> go.Figure:
    """IPS-25 totals over time per municipality, with the band limits."""
    fig = go.Figure()
    names = sorted(set(reviews["name"].to_list()))
    few = len(names) <= TREND_LINES_UP_TO
    for i, name in enumerate(names):
        rows = reviews.filter(pl.col("name") == name).sort("assessment_date").to_dicts()
        fig.add_trace(go.Scatter(
            x=[r["assessment_date"] for r in rows], y=[r["total_score"] for r in rows],
            mode="lines+markers", name=name, showlegend=few,
            line={"color": OKABE_ITO[i % len(OKABE_ITO)] if few else "#BBBBBB",
                  "width": 2 if few else 1},
            marker={"size": 6 if few else 3},
            customdata=[[name, fmt_date(r["assessment_date"], lang), r["total_score"],
                         label("band", r["fidelity_band"], lang)] for r in rows],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]} "
                          "(%{customdata[3]})<extra></extra>"))
    if not few:
        median = fidelity_yearly_median(reviews).to_dicts()
        fig.add_trace(go.Scatter(
            x=[date(r["year"], 7, 1) for r in median], y=[r["median"] for r in median],
            mode="lines+markers", name=t("fidelity_median", lang),
            line={"color": "#0072B2", "width": 4}, marker={"size": 8},
            customdata=[[r["year"], fmt_number(r["median"], 1, lang), r["municipalities"]]
                        for r in median],
            hovertemplate="<b>%{customdata[0]}</b>: " + t("fidelity_median", lang)
                          + " %{customdata[1]}<br>n = %{customdata[2]}<extra></extra>"))
    for limit in (74, 100, 115):
        fig.add_hline(y=limit, line_dash="dot", line_color="#666666")
    fig.update_yaxes(range=[25, 125])
    layout(fig, t("fig_fidelity_trend", lang), lang, None, t("score_axis", lang),
           height=max(420, 22 * len(names) + 120) if few else 460,
           subtitle=t("fidelity_sub", lang))
    if few:
        fig.update_layout(legend={"orientation": "v", "y": 1, "x": 1.02, "yanchor": "top"})
    return fig


@figures.cached
def caseload(frame: pl.DataFrame, when: date, norm: int, lang: Lang) -> go.Figure:
    """Active participants per consultant FTE against the IPS norm."""
    rows = frame.filter(pl.col("caseload_per_fte").is_not_null()).sort(
        "caseload_per_fte").to_dicts()
    fig = go.Figure()
    for over, colour in ((False, "#0072B2"), (True, "#D55E00")):
        part = [r for r in rows if (r["caseload_per_fte"] > norm) == over]
        if not part:
            continue
        fig.add_trace(go.Bar(
            x=[r["caseload_per_fte"] for r in part], y=[r["name"] for r in part],
            orientation="h", marker_color=colour,
            name=t("over_norm" if over else "within_norm", lang, norm=norm),
            customdata=[[r["name"], fmt_number(r["caseload_per_fte"], 1, lang),
                         fmt_int(r["active_participants"], lang),
                         fmt_number(r["consultants_fte"], 1, lang)] for r in part],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>n = %{customdata[2]}"
                          " / %{customdata[3]}<extra></extra>"))
    fig.add_vline(x=norm, line_color="#D55E00", line_dash="dash")
    fig.update_yaxes(categoryorder="array", categoryarray=[r["name"] for r in rows])
    return layout(fig, t("fig_caseload", lang), lang, t("caseload_axis", lang), None,
                   height=max(300, 26 * len(rows) + 160),
                   subtitle=t("fig_caseload_sub", lang, date=fmt_date(when, lang), norm=norm))
