"""The overview's two small trend charts (from `ips_data.metrics.trend`): IPS
participants per start year, and the IPS share in job or education within 18 months
per start year with its 95 % interval. A hidden year keeps its place, labelled with
the policy label; a year nobody of which has reached 18 months is marked as not yet
observable."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from ips_data.formatting import fmt_int, fmt_interval, fmt_pct
from ui import figures, palette
from ui.charts import ARM_COLOURS, layout
from ui.i18n import Lang, t

SMALL_HEIGHT = 300


@figures.cached
def participants_by_year(frame: pl.DataFrame, lang: Lang, hidden: str) -> go.Figure:
    """IPS participants per start year (bars); hidden years read the policy label."""
    rows = frame.sort("start_year").to_dicts()
    years = [r["start_year"] for r in rows]
    fig = figures.new(go.Bar(
        x=years, y=[r["participants"] for r in rows],
        marker={"color": ARM_COLOURS["ips"], "line": {"color": palette.OUTLINE, "width": 1}},
        text=[hidden if r["participants"] is None else "" for r in rows],
        textposition="outside",
        customdata=[[r["start_year"], hidden if r["participants"] is None
                     else fmt_int(r["participants"], lang)] for r in rows],
        hovertemplate="<b>%{customdata[0]}</b><br>n = %{customdata[1]}<extra></extra>"))
    fig.update_xaxes(dtick=1, tickangle=-90 if len(years) > 8 else 0)
    fig.update_yaxes(rangemode="tozero")
    return layout(fig, t("fig_trend_participants", lang), lang, t("start_years", lang),
                  t("persons_axis", lang), height=SMALL_HEIGHT, width=34)


@figures.cached
def share_by_year(frame: pl.DataFrame, lang: Lang, hidden: str) -> go.Figure:
    """The IPS 18-month share per start year with Wilson 95 % intervals (percent)."""
    rows = frame.sort("start_year").to_dicts()
    shown = [r for r in rows if r["share_18"] is not None]
    fig = figures.new(go.Scatter(
        x=[r["start_year"] for r in shown], y=[100 * r["share_18"] for r in shown],
        mode="lines+markers", line=palette.line(palette.ARM["ips"]), name="IPS",
        marker=palette.point_marker(palette.ARM["ips"], 8),
        error_y={"type": "data", "symmetric": False,
                 "array": [100 * (r["share_18_high"] - r["share_18"]) for r in shown],
                 "arrayminus": [100 * (r["share_18"] - r["share_18_low"]) for r in shown],
                 "thickness": 1.5, "width": 4, "color": "#333333"},
        customdata=[[r["start_year"], fmt_pct(r["share_18"], 1, lang),
                     fmt_interval(r["share_18_low"], r["share_18_high"],
                                  lambda v: fmt_pct(v, 1, lang)),
                     fmt_int(r["n_18"], lang)] for r in shown],
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
                      + t("ci95_short", lang) + ": %{customdata[2]}<br>n = %{customdata[3]}"
                      "<extra></extra>"))
    gaps = [r for r in rows if r["share_18"] is None]
    if gaps:
        fig.add_trace(go.Scatter(
            x=[r["start_year"] for r in gaps], y=[2] * len(gaps), mode="text",
            text=[hidden if r["observable"] else "–" for r in gaps], showlegend=False,
            textfont={"color": "#555555", "size": 11},
            customdata=[[r["start_year"], hidden if r["observable"]
                         else t("trend_waiting", lang)] for r in gaps],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"))
    fig.update_xaxes(dtick=1, tickangle=-90 if len(rows) > 8 else 0,
                     range=[min((r["start_year"] for r in rows), default=0) - 0.5,
                            max((r["start_year"] for r in rows), default=1) + 0.5])
    fig.update_yaxes(range=[0, 100])
    fig.update_layout(showlegend=False)
    return layout(fig, t("fig_trend_share", lang), lang, t("start_years", lang),
                  t("share_axis", lang), height=SMALL_HEIGHT, width=34)
