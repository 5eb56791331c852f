"""Plotly figures of the rollout page: status periods, implementation time, fidelity
(latest totals, totals over time, one municipality's IPS-25 profile) and caseload. The
map is in `ui.rollout_map`.
Statuses, bands and norms differ by marker shape or bar pattern as well as colour
(`ui.palette`).
"""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl

from ips_data.formatting import fmt_date, fmt_int, fmt_number
from ips_data.metrics.fidelity import FidelityProfile
from ips_data.metrics.rollout import fidelity_yearly_median
from ui import figures, palette
from ui.charts import layout
from ui.i18n import Lang, label, t
from ui.palette import BAND, CASELOAD, SERIES, STATUS


@figures.cached
def timeline(frame: pl.DataFrame, when: date, lang: Lang) -> go.Figure:
    """Status periods per municipality (a Gantt chart); open periods end at `when`."""
    fig = figures.new()
    names = sorted(set(frame["name"].to_list()), reverse=True)
    for status, style in STATUS.items():
        rows = frame.filter(pl.col("status") == status).to_dicts()
        if not rows:
            continue
        ends = [r["valid_to"] or max(when, r["valid_from"]) for r in rows]
        fig.add_trace(go.Bar(
            y=[r["name"] for r in rows], base=[r["valid_from"].isoformat() for r in rows],
            x=[(e - r["valid_from"]).days * 86_400_000 for r, e in zip(rows, ends, strict=True)],
            orientation="h", name=label("status", status, lang),
            marker=palette.bar_marker(style),
            customdata=[[r["name"], label("status", status, lang),
                         fmt_date(r["valid_from"], lang), fmt_date(r["valid_to"], lang)]
                        for r in rows],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]} – "
                          "%{customdata[3]}<extra></extra>"))
    fig.update_xaxes(type="date")
    fig.update_yaxes(categoryorder="array", categoryarray=names)
    fig.update_layout(barmode="overlay")
    # a list of every municipality runs long: its legend above it, where it is seen
    return layout(fig, t("fig_timeline", lang), lang, None, None,
                  height=max(300, 22 * len(names) + 140),
                  legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0})


@figures.cached
def implementation_years(frame: pl.DataFrame, when: date, lang: Lang) -> go.Figure:
    """Years since implementation started, against the usual 2–3 years (shaded)."""
    rows = frame.filter(pl.col("years_since_implementation").is_not_null()).sort(
        "years_since_implementation").to_dicts()
    order = [r["name"] for r in rows]
    fig = figures.new()
    for status, style in STATUS.items():
        part = [r for r in rows if r["status"] == status]
        if not part:
            continue
        fig.add_trace(go.Bar(
            x=[r["years_since_implementation"] for r in part], y=[r["name"] for r in part],
            orientation="h", marker=palette.bar_marker(style),
            name=label("status", status, lang),
            customdata=[[r["name"], label("status", status, lang),
                         fmt_date(r["implementation_started"], lang),
                         fmt_number(r["years_since_implementation"], 1, lang)] for r in part],
            hovertemplate="<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{customdata[2]}: "
                          "%{customdata[3]}<extra></extra>"))
    fig.add_vrect(x0=2, x1=3, fillcolor="#000000", opacity=0.12, line_width=0, layer="above")
    for edge in (2, 3):  # the shaded band's edges, visible on their own (3:1)
        fig.add_vline(x=edge, line_dash="dot", line_color=palette.REFERENCE)
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    return layout(fig, t("fig_impl", lang), lang, t("years_axis", lang), None,
                   height=max(300, 26 * len(rows) + 160),
                   subtitle=t("fig_impl_sub", lang, date=fmt_date(when, lang)))


@figures.cached
def fidelity_latest(frame: pl.DataFrame, lang: Lang) -> go.Figure:
    """Latest IPS-25 total per municipality, coloured by band, with the band limits."""
    rows = frame.filter(pl.col("fidelity_score").is_not_null()).sort("fidelity_score").to_dicts()
    fig = figures.new()
    for band, style in BAND.items():
        part = [r for r in rows if r["fidelity_band"] == band]
        if not part:
            continue
        fig.add_trace(go.Bar(
            x=[r["fidelity_score"] for r in part], y=[r["name"] for r in part],
            orientation="h", marker=palette.bar_marker(style), name=label("band", band, lang),
            customdata=[[r["name"], label("band", band, lang),
                         fmt_date(r["fidelity_date"], lang), fmt_int(r["fidelity_score"], lang)]
                        for r in part],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[3]} – %{customdata[1]}<br>"
                          "%{customdata[2]}<extra></extra>"))
    for limit in (74, 100, 115):
        fig.add_vline(x=limit, line_dash="dot", line_color=palette.REFERENCE)
    fig.update_xaxes(range=[25, 125])
    fig.update_yaxes(categoryorder="array", categoryarray=[r["name"] for r in rows])
    return layout(fig, t("fig_fidelity", lang), lang, t("score_axis", lang), None,
                   height=max(300, 26 * len(rows) + 160), subtitle=t("fidelity_sub", lang))


#: Up to this many municipalities, one line each (colour, marker and dash of
#: `palette.SERIES`) with a legend; more: thin grey lines (named on hover) and the
#: yearly median.
TREND_LINES_UP_TO = 8


@figures.cached
def fidelity_trend(reviews: pl.DataFrame, lang: Lang) -> go.Figure:
    """IPS-25 totals over time per municipality, with the band limits."""
    fig = figures.new()
    names = sorted(set(reviews["name"].to_list()))
    few = len(names) <= TREND_LINES_UP_TO
    for i, name in enumerate(names):
        rows = reviews.filter(pl.col("name") == name).sort("assessment_date").to_dicts()
        fig.add_trace(go.Scatter(
            x=[r["assessment_date"] for r in rows], y=[r["total_score"] for r in rows],
            mode="lines+markers", name=name, showlegend=few,
            line=palette.line(SERIES[i % len(SERIES)]) if few else
            {"color": palette.CONTEXT, "width": 1},
            marker=palette.point_marker(SERIES[i % len(SERIES)], 7) if few else
            {"size": 3, "color": palette.CONTEXT},
            customdata=[[name, fmt_date(r["assessment_date"], lang), r["total_score"],
                         label("band", r["fidelity_band"], lang)] for r in rows],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]} "
                          "(%{customdata[3]})<extra></extra>"))
    if not few:
        median = fidelity_yearly_median(reviews).to_dicts()
        fig.add_trace(go.Scatter(
            x=[date(r["year"], 7, 1) for r in median], y=[r["median"] for r in median],
            mode="lines+markers", name=t("fidelity_median", lang),
            line={"color": SERIES[0].ink, "width": 4},
            marker=palette.point_marker(SERIES[0], 9),
            customdata=[[r["year"], fmt_number(r["median"], 1, lang), r["municipalities"]]
                        for r in median],
            hovertemplate="<b>%{customdata[0]}</b>: " + t("fidelity_median", lang)
                          + " %{customdata[1]}<br>n = %{customdata[2]}<extra></extra>"))
    for limit in (74, 100, 115):
        fig.add_hline(y=limit, line_dash="dot", line_color=palette.REFERENCE)
    fig.update_yaxes(range=[25, 125])
    return layout(fig, t("fig_fidelity_trend", lang), lang, None, t("score_axis", lang),
                  height=max(420, 22 * len(names) + 120) if few else 460,
                  subtitle=t("fidelity_sub", lang),
                  legend={"orientation": "v", "y": 1, "x": 1.02, "yanchor": "top"}
                  if few else None)


@figures.cached
def caseload(frame: pl.DataFrame, when: date, norm: int, lang: Lang) -> go.Figure:
    """Active participants per consultant FTE against the IPS norm."""
    rows = frame.filter(pl.col("caseload_per_fte").is_not_null()).sort(
        "caseload_per_fte").to_dicts()
    fig = figures.new()
    for over in (False, True):
        part = [r for r in rows if (r["caseload_per_fte"] > norm) == over]
        if not part:
            continue
        fig.add_trace(go.Bar(
            x=[r["caseload_per_fte"] for r in part], y=[r["name"] for r in part],
            orientation="h", marker=palette.bar_marker(CASELOAD["over" if over else "within"]),
            name=t("over_norm" if over else "within_norm", lang, norm=norm),
            customdata=[[r["name"], fmt_number(r["caseload_per_fte"], 1, lang),
                         fmt_int(r["active_participants"], lang),
                         fmt_number(r["consultants_fte"], 1, lang)] for r in part],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>n = %{customdata[2]}"
                          " / %{customdata[3]}<extra></extra>"))
    fig.add_vline(x=norm, line_color=CASELOAD["over"].ink, line_dash="dash")
    fig.update_yaxes(categoryorder="array", categoryarray=[r["name"] for r in rows])
    return layout(fig, t("fig_caseload", lang), lang, t("caseload_axis", lang), None,
                   height=max(300, 26 * len(rows) + 160),
                   subtitle=t("fig_caseload_sub", lang, date=fmt_date(when, lang), norm=norm))


def profile_categories(profile: FidelityProfile, lang: Lang) -> tuple[list[str], list[str]]:
    """(every y category in order: each principle's heading followed by its items; the
    item rows' categories, one per row of `profile.items`)."""
    order: list[str] = []
    names: list[str] = []
    current = None
    for r in profile.items.iter_rows(named=True):
        if r["principle"] != current:
            current = r["principle"]
            order.append(f"<b>{label('principle', current, lang)}</b>")
        name = f"{r['item']}. {label('fidelity_item', r['item_code'], lang)}"
        order.append(name)
        names.append(name)
    return order, names


@figures.cached
def fidelity_profile(profile: FidelityProfile, lang: Lang) -> go.Figure:
    """The latest review's 25 items (bars, 1–5) under headings for the eight principles,
    the previous review's scores as diamonds; items scored 1–2 (the action plan) in
    another colour and marked "⚠" in the bar, so the flag never rests on colour alone;
    an item the review did not score reads "–"."""
    rows = profile.items.to_dicts()
    order, y = profile_categories(profile, lang)
    fig = figures.new()
    for action, colour in ((False, "#0072B2"), (True, "#D55E00")):
        part = [(r, name) for r, name in zip(rows, y, strict=True)
                if r["action"] == action and r["latest"] is not None]
        fig.add_trace(go.Bar(
            x=[r["latest"] for r, _ in part], y=[name for _, name in part],
            orientation="h", marker={"color": colour,
                                     "line": {"color": palette.OUTLINE, "width": 1}},
            name=t("profile_action_col" if action else "profile_latest_short", lang),
            text=[f"⚠ {r['latest']}" if action else str(r["latest"]) for r, _ in part],
            textposition="inside", insidetextanchor="start", textangle=0,
            textfont={"color": palette.text_on(colour)},  # white on blue, dark on red
            customdata=[[name, r["latest"], "–" if r["previous"] is None else r["previous"]]
                        for r, name in part],
            hovertemplate="<b>%{customdata[0]}</b><br>"
                          + t("profile_latest_short", lang) + ": %{customdata[1]}<br>"
                          + t("profile_previous_short", lang) + ": %{customdata[2]}"
                          "<extra></extra>"))
    missing = [name for r, name in zip(rows, y, strict=True) if r["latest"] is None]
    if missing:
        fig.add_trace(go.Scatter(x=[0.15] * len(missing), y=missing, mode="text",
                                 text=["–"] * len(missing), showlegend=False,
                                 textposition="middle right", hoverinfo="skip"))
    if profile.previous_date is not None:
        fig.add_trace(go.Scatter(
            x=[r["previous"] for r in rows], y=y, mode="markers",
            name=t("profile_previous", lang, date=fmt_date(profile.previous_date, lang),
                   score=profile.previous_total,
                   band=label("band", profile.previous_band, lang)),
            marker={"symbol": "diamond", "size": 9, "color": "#000000",
                    "line": {"color": "#FFFFFF", "width": 1}},
            hoverinfo="skip"))
    fig.update_xaxes(range=[0, 5.2], tickvals=[1, 2, 3, 4, 5])
    fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed",
                     type="category")
    fig.update_layout(barmode="overlay")
    return layout(fig, t("fig_profile", lang), lang, t("item_axis", lang), None,
                  height=22 * len(order) + 200,
                  subtitle=t("fig_profile_sub", lang,
                             date=fmt_date(profile.latest_date, lang)), width=60)
