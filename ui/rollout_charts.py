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
from ui.charts import BAND_COLOURS, OKABE_ITO, STATUS_COLOURS, layout
from ui.i18n import Lang, label, t


def status_map(frame: pl.DataFrame, when: date, lang: Lang, hidden: str) -> go.Figure:
    """Municipalities as points at their lat/lon, coloured by status, sized by active
    participants. Bornholm is moved next to the capital area, as on Danish maps."""
    rows = frame.filter(pl.col("lat").is_not_null()).to_dicts()
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        part = [r for r in rows if r["status"] == status]
        if not part:
            continue
        lat = [56.02 if r["code"] == 400 else r["lat"] for r in part]
        lon = [12.85 if r["code"] == 400 else r["lon"] for r in part]
        size = [8 + 2.2 * math.sqrt(r["active_participants"] or 0) for r in part]
        fig.add_trace(go.Scatter(
            x=lon, y=lat, mode="markers+text", name=label("status", status, lang),
            text=[r["name"] for r in part], textposition="top center",
            textfont={"size": 10, "color": "#333333"},
            marker={"size": size, "color": colour, "line": {"width": 1, "color": "#333333"}},
            customdata=[[r["name"], label("status", status, lang),
                         fmt_date(r["status_since"], lang),
                         fmt_int(r["active_participants"], lang)
                         if r["active_participants"] is not None else hidden] for r in part],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} (%{customdata[2]})"
                          "<br>n = %{customdata[3]}<extra></extra>"))
    if any(r["code"] == 400 for r in rows):
        fig.add_shape(type="rect", x0=12.72, x1=12.98, y0=55.96, y1=56.1,
                      line={"dash": "dot", "color": "#999999"})
        fig.add_annotation(x=12.85, y=55.95, text=t("map_bornholm", lang), showarrow=False,
                           font={"size": 10, "color": "#666666"}, yanchor="top")
    ratio = 1 / math.cos(math.radians(55.8))
    fig.update_yaxes(scaleanchor="x", scaleratio=ratio, showgrid=False, zeroline=False,
                     showticklabels=False, range=[55.52, 56.12])
    fig.update_xaxes(showgrid=False, zeroline=False, showticklabels=False, range=[11.85, 13.05])
    fig.update_layout(legend={"itemsizing": "constant"})
    return layout(fig, t("fig_map", lang, date=fmt_date(when, lang)), lang, None, None,
                   height=620)


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


def fidelity_trend(reviews: pl.DataFrame, lang: Lang) -> go.Figure:
    """IPS-25 totals over time per municipality, with the band limits."""
    fig = go.Figure()
    for i, name in enumerate(sorted(set(reviews["name"].to_list()))):
        rows = reviews.filter(pl.col("name") == name).sort("assessment_date").to_dicts()
        fig.add_trace(go.Scatter(
            x=[r["assessment_date"] for r in rows], y=[r["total_score"] for r in rows],
            mode="lines+markers", name=name,
            line={"color": OKABE_ITO[i % len(OKABE_ITO)]},
            customdata=[[name, fmt_date(r["assessment_date"], lang), r["total_score"],
                         label("band", r["fidelity_band"], lang)] for r in rows],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]} "
                          "(%{customdata[3]})<extra></extra>"))
    for limit in (74, 100, 115):
        fig.add_hline(y=limit, line_dash="dot", line_color="#666666")
    fig.update_yaxes(range=[25, 125])
    layout(fig, t("fig_fidelity_trend", lang), lang, None, t("score_axis", lang),
            height=max(420, 22 * reviews["name"].n_unique() + 120),
            subtitle=t("fidelity_sub", lang))
    return fig.update_layout(legend={"orientation": "v", "y": 1, "x": 1.02, "yanchor": "top"})


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
