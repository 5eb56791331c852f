"""Plotly figure builders for the effect and cost pages, plus the shared look:
colour-blind-safe (Okabe–Ito, see `ui.palette`: outlined areas, dark lines, series
told apart by shape, pattern or dash as well as colour), titled, with units, n and
95 % intervals as error bars; every chart has a text alternative and its figures in a
table on the page. Numbers in hover texts come from `ips_data.formatting` so they read
exactly like the tables. The rollout figures are in `ui.rollout_charts`.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl

from ips_data.formatting import fmt_dkk, fmt_int, fmt_interval, fmt_number, fmt_pct
from ips_data.municipalities import name_of
from ui import bound, chart_room, figures, palette
from ui.i18n import Lang, label, t
from ui.palette import (  # noqa: F401 (BAND_COLOURS, STATUS_COLOURS: the old names)
    ARM,
    ARM_COLOURS,
    BAND_COLOURS,
    OKABE_ITO,
    OUTLINE,
    STATUS_COLOURS,
)

ARMS = tuple(ARM_COLOURS)
SHARES = ("job_or_education_any", "job_or_education_at_end")


#: plotly's tool bar: saving as PNG, resetting the axes (and Streamlit's full screen);
#: the zoom and pan buttons are left out (mouse zoom by dragging still works): fewer stops
#: for keyboard users, each with a visible focus (`ui.a11y.FOCUS_CSS`).
PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": [
    "zoom2d", "pan2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "select2d", "lasso2d"]}


def show(fig: go.Figure, alt: str) -> None:
    """Draw ``fig`` with its text alternative: "Diagram: <alt>. Tallene står i tabellen
    på siden." (in the session's language; every chart's figures are in a table)."""
    text = t("chart_alt", bound.current_language(), title=alt)
    figures.show(fig, alt=text, config=PLOT_CONFIG)


def wrap(text: str | None, width: int) -> str | None:
    """Plotly does not wrap titles: break `text` into lines of at most `width` characters
    at spaces (joined with <br>), never between a number and its "%"."""
    if not text:
        return text
    text = re.sub(r"(\d) %", "\\1\u00a0%", text)
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False))


def layout(fig: go.Figure, title: str, lang: Lang, x: str | None, y: str | None,
           height: int = 420, subtitle: str | None = None, width: int = 48,
           x_width: int | None = None, legend: dict[str, Any] | None = None) -> go.Figure:
    """Title, subtitle, axis titles, Danish or English number separators and the house
    style. `width`: characters per title line; a chart in a narrow column passes less
    (titles are wrapped, never cut off). `x_width`: characters per line of the x axis's
    title, which is centred under the plot alone (default: a little over `width`).
    `legend`: where the legend goes, when not at the bottom (`chart_room.BOTTOM_LEGEND`,
    whose height is added to `height`, so the plot keeps its own)."""
    title = wrap(title, width) or ""
    subtitle = wrap(subtitle, round(width * 1.3))
    lines = title.count("<br>") + 1 + (subtitle.count("<br>") + 1 if subtitle else 0)
    shown = {} if fig.layout.showlegend is None else {"showlegend": fig.layout.showlegend}
    below = 0 if legend else chart_room.bottom_legend_height(
        shown, [trace.to_plotly_json() for trace in fig.data]) or 0
    heading: dict[str, Any] = {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}}
    if subtitle:
        heading["subtitle"] = {"text": subtitle, "font": {"size": 12, "color": palette.MUTED}}
    # Streamlit's chart theme draws ticks and axis titles in a faded grey (below 4.5:1)
    def axis(text: str | None) -> dict[str, Any]:
        return {"title": {"text": text, "font": {"color": palette.MUTED}},
                "tickfont": {"color": palette.MUTED}}

    return figures.set_layout(fig, {
        "title": heading,
        "separators": ",." if lang == "da" else ".,",
        "height": height + 20 * (lines - (2 if subtitle else 1)) + below,
        "margin": {"l": 10, "r": 10, "t": 40 + 20 * lines, "b": 10},
        "colorway": list(OKABE_ITO),
        # the legend at the bottom, one entry a row: it never covers the title (a legend
        # over the plot took no account of a title wrapped onto two lines), and its
        # height is known before plotly draws the chart (see ui/chart_room.py)
        "legend": legend or {**chart_room.BOTTOM_LEGEND, "x": 0},
        "hoverlabel": {"align": "left"}, "font": {"color": palette.TEXT},
        "xaxis": axis(wrap(x, x_width or round(width * 1.15))), "yaxis": axis(y),
    })


def _scale(measure: str) -> float:
    return 100.0 if measure in SHARES else 1.0


def value_text(measure: str, value: Any, lang: Lang) -> str:
    """A measure's value as text: a share as "59,5 %", weeks as "20,1"."""
    return fmt_pct(value, 1, lang) if measure in SHARES else fmt_number(value, 1, lang)


def _axis(measure: str, lang: Lang) -> str:
    return t("share_axis", lang) if measure in SHARES else t("weeks_axis", lang)


def _errors(rows: Sequence[dict], key: str, scale: float, colour: str = OUTLINE) -> dict:
    """Asymmetric error bars from <key>, <key>_low, <key>_high (None where hidden)."""
    plus = [None if r[key] is None or r[f"{key}_high"] is None
            else (r[f"{key}_high"] - r[key]) * scale for r in rows]
    minus = [None if r[key] is None or r[f"{key}_low"] is None
             else (r[key] - r[f"{key}_low"]) * scale for r in rows]
    return {"type": "data", "symmetric": False, "array": plus, "arrayminus": minus,
            "thickness": 1.5, "width": 6, "color": colour}


def _hover(rows: Sequence[dict], key: str, measure: str, lang: Lang, hidden: str,
           names: Sequence[str]) -> list[list[str]]:
    out = []
    for r, name in zip(rows, names, strict=True):
        if r[key] is None:
            out.append([name, hidden, "–", hidden])
            continue
        def fmt(v: float) -> str:
            return value_text(measure, v, lang)
        out.append([name, fmt(r[key]), fmt_interval(r[f"{key}_low"], r[f"{key}_high"], fmt),
                    fmt_int(r["n"], lang)])
    return out


def _template(lang: Lang) -> str:
    return ("<b>%{customdata[0]}</b><br>%{customdata[1]}<br>" + t("ci95_short", lang)
            + ": %{customdata[2]}<br>n = %{customdata[3]}<extra></extra>")


def _n_text(n: Any, lang: Lang, hidden: str) -> str:
    return f"n = {hidden}" if n is None else f"n = {fmt_int(n, lang)}"


@figures.cached
def arm_bars(frame: pl.DataFrame, measure: str, horizon: int, lang: Lang,
             hidden: str) -> go.Figure:
    """One bar per arm with its 95 % interval; a hidden arm keeps its tick, 'n = <5'."""
    rows = sorted(frame.to_dicts(), key=lambda r: ARMS.index(r["arm"]))
    names = [label("arm", r["arm"], lang) for r in rows]
    ticks = [f"{n}<br>{_n_text(r['n'], lang, hidden)}" for n, r in zip(names, rows, strict=True)]
    scale = _scale(measure)
    err = _errors(rows, measure, scale)
    fig = figures.new(go.Bar(
        x=ticks, y=[None if r[measure] is None else r[measure] * scale for r in rows],
        marker={"color": [ARM_COLOURS.get(r["arm"], OKABE_ITO[0]) for r in rows],
                "line": {"color": OUTLINE, "width": 1}}, error_y=err,
        text=[value_text(measure, r[measure], lang) if r[measure] is not None else hidden
              for r in rows], textposition="inside", insidetextanchor="start",
        insidetextfont={"color": [palette.text_on(ARM_COLOURS.get(r["arm"], OKABE_ITO[0]))
                                  for r in rows]},
        customdata=_hover(rows, measure, measure, lang, hidden, names),
        hovertemplate=_template(lang),
    ))
    title = t("fig_arms", lang, measure=label("measure", measure, lang), h=horizon)
    return layout(fig, title + f" ({t('ci95_short', lang)})", lang, None, _axis(measure, lang))


@figures.cached
def difference_forest(diffs: pl.DataFrame, measure: str, lang: Lang) -> go.Figure:
    """IPS − comparison per horizon for one measure, with the 95 % interval."""
    rows = diffs.filter(pl.col("measure") == measure).sort("horizon_months").to_dicts()
    rows = [r for r in rows if r["estimate"] is not None]
    scale = _scale(measure)
    unit = ("pct.-point" if lang == "da" else "pp") if measure in SHARES else t("weeks_axis", lang)
    names = [t("horizon_opt", lang, h=r["horizon_months"]) for r in rows]
    def fmt(v: float) -> str:
        return f"{fmt_number(v * scale, 1, lang)} {unit}"
    fig = figures.new(go.Scatter(
        x=[r["estimate"] * scale for r in rows],
        y=[f"{n}<br>n = {fmt_int(r['n_ips'], lang)} / {fmt_int(r['n_comparison'], lang)}"
           for n, r in zip(names, rows, strict=True)],
        mode="markers", marker=palette.point_marker(ARM["ips"], 12),
        error_x={"type": "data", "symmetric": False,
                 "array": [(r["high"] - r["estimate"]) * scale for r in rows],
                 "arrayminus": [(r["estimate"] - r["low"]) * scale for r in rows],
                 "thickness": 2, "color": OUTLINE},
        customdata=[[n, fmt(r["estimate"]), fmt_interval(r["low"], r["high"], fmt),
                     f"{fmt_int(r['n_ips'], lang)} / {fmt_int(r['n_comparison'], lang)}"]
                    for n, r in zip(names, rows, strict=True)],
        hovertemplate=_template(lang),
    ))
    fig.add_vline(x=0, line_dash="dot", line_color=palette.REFERENCE)
    ends = [0.0] + [v * scale for r in rows for v in (r["low"], r["high"]) if v is not None]
    pad = 0.12 * ((max(ends) - min(ends)) or 1.0)  # room for the markers at the ends
    fig.update_xaxes(range=[min(ends) - pad, max(ends) + pad])
    title = f"{t('difference', lang)} ({t('ci95_short', lang)})"
    return layout(fig, title, lang, f"{label('measure', measure, lang)} ({unit})", None,
                  height=260, width=32)


@figures.cached
def trend(frame: pl.DataFrame, measure: str, horizon: int, lang: Lang,
          hidden: str) -> go.Figure:
    """The measure per start year and arm, with 95 % intervals (hidden years are gaps)."""
    fig = figures.new()
    scale = _scale(measure)
    for arm in ("ips", "ips_like", "comparison"):
        rows = frame.filter(pl.col("arm") == arm).sort("group_value").to_dicts()
        if not rows:
            continue
        err = _errors(rows, measure, scale, ARM[arm].ink)
        fig.add_trace(go.Scatter(
            x=[int(r["group_value"]) for r in rows],
            y=[None if r[measure] is None else r[measure] * scale for r in rows],
            mode="lines+markers", name=label("arm", arm, lang), error_y=err,
            line=palette.line(ARM[arm]), marker=palette.point_marker(ARM[arm], 9),
            customdata=_hover(rows, measure, measure, lang, hidden,
                              [f"{label('arm', arm, lang)} {r['group_value']}" for r in rows]),
            hovertemplate=_template(lang),
        ))
    title = t("fig_trend", lang, measure=label("measure", measure, lang), h=horizon)
    fig.update_xaxes(dtick=1)
    return layout(fig, title + f" ({t('ci95_short', lang)})", lang, t("start_years", lang),
                   _axis(measure, lang))


@figures.cached
def breakdown(frame: pl.DataFrame, measure: str, horizon: int, dimension: str, lang: Lang,
              hidden: str) -> go.Figure:
    """Grouped bars: the measure per group of one attribute and arm, with 95 % intervals."""
    fig = figures.new()
    scale = _scale(measure)
    kind = dimension if dimension in ("sex", "benefit_at_start", "treatment_unit") else None
    order = sorted({r for r in frame["group_value"].to_list() if r is not None})
    for arm in ("ips", "ips_like", "comparison"):
        part = frame.filter(pl.col("arm") == arm)
        if part.is_empty():
            continue
        by = {r["group_value"]: r for r in part.to_dicts()}
        rows = [by[g] for g in order if g in by]
        names = [label(kind, r["group_value"], lang) if kind else str(r["group_value"])
                 for r in rows]
        err = _errors(rows, measure, scale)
        fig.add_trace(go.Bar(
            x=names, y=[None if r[measure] is None else r[measure] * scale for r in rows],
            name=label("arm", arm, lang), marker=palette.bar_marker(ARM[arm]), error_y=err,
            customdata=_hover(rows, measure, measure, lang, hidden,
                              [f"{label('arm', arm, lang)} – {n}" for n in names]),
            hovertemplate=_template(lang),
        ))
    title = t("fig_breakdown", lang, measure=label("measure", measure, lang), h=horizon,
              dimension=label("dimension", dimension, lang))
    fig.update_layout(barmode="group")
    return layout(fig, title + f" ({t('ci95_short', lang)})", lang, None, _axis(measure, lang))


def funnel_class(row: dict) -> str:
    """"inside", "outside_95" or "outside_998" (the outermost limit a point is beyond)."""
    return "outside_998" if row["outside_998"] else "outside_95" if row["outside_95"] else \
        "inside"


@figures.cached
def funnel(points: pl.DataFrame, curve: pl.DataFrame, pooled: float, lang: Lang) -> go.Figure:
    """Municipal IPS shares at 18 months against n, with 95 % and 99.8 % control limits."""
    fig = figures.new()
    n = curve["n"].to_list()
    for key, name, dash in (("95", t("funnel_95", lang), "dash"),
                            ("998", t("funnel_998", lang), "dot")):
        for side in ("lower", "upper"):
            fig.add_trace(go.Scatter(
                x=n, y=[v * 100 for v in curve[f"{side}_{key}"].to_list()], mode="lines",
                name=name, legendgroup=key, showlegend=side == "lower", hoverinfo="skip",
                line={"color": palette.REFERENCE, "dash": dash, "width": 1.2}))
    fig.add_hline(y=pooled * 100, line_color=ARM["ips"].ink, line_width=1.5,
                  annotation_text=t("funnel_pooled", lang, p=fmt_pct(pooled, 1, lang)),
                  annotation_position="top right")
    shown = points.filter(pl.col("share").is_not_null()).to_dicts()
    # Each class its own shape, colour and legend entry (never colour alone)
    for flag, key in (("inside", "funnel_inside"), ("outside_95", "funnel_out95"),
                      ("outside_998", "funnel_out998")):
        part = [r for r in shown if funnel_class(r) == flag]
        if not part:
            continue
        fig.add_trace(go.Scatter(
            x=[r["n"] for r in part], y=[r["share"] * 100 for r in part], mode="markers",
            name=t(key, lang), marker=palette.point_marker(palette.FUNNEL[flag],
                                                           10 if flag == "inside" else 12),
            customdata=[[name_of(r["municipality_code"]), fmt_pct(r["share"], 1, lang),
                         fmt_int(r["n"], lang), t(key, lang)]
                        for r in part],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>n = "
                          "%{customdata[2]}<br>%{customdata[3]}<extra></extra>"))
    fig.update_yaxes(range=[0, 100])
    fig.update_xaxes(type="log")
    return layout(fig, t("fig_funnel", lang), lang, t("funnel_axis_n", lang),
                   t("share_axis", lang), height=460)


@figures.cached
def cost_categories(frame: pl.DataFrame, horizon: int, price_year: Any, lang: Lang,
                    hidden: str) -> go.Figure:
    """Mean cost per person by category and arm (horizontal grouped bars)."""
    fig = figures.new()
    for arm in ("comparison", "ips_like", "ips"):
        rows = frame.filter(pl.col("arm") == arm).sort("category").to_dicts()
        if not rows:
            continue
        n = next((r["n"] for r in rows if r["n"] is not None), None)
        fig.add_trace(go.Bar(
            y=[label("category", r["category"], lang) for r in rows],
            x=[r["mean_dkk"] for r in rows], orientation="h",
            name=f"{label('arm', arm, lang)} ({_n_text(n, lang, hidden)})",
            marker=palette.bar_marker(ARM[arm]),
            customdata=[[label("category", r["category"], lang), label("arm", arm, lang),
                         fmt_dkk(r["mean_dkk"], lang) if r["n"] is not None else hidden,
                         fmt_int(r["n"], lang) if r["n"] is not None else hidden]
                        for r in rows],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]}"
                          "<br>n = %{customdata[3]}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickformat=",.0f")
    sub = t("cost_sub", lang, h=horizon, py=t("price_year", lang, y=price_year))
    return layout(fig, t("fig_categories", lang), lang, t("dkk_axis", lang), None,
                   height=480, subtitle=sub)


@figures.cached
def cost_totals(frame: pl.DataFrame, horizon: int, price_year: Any, lang: Lang,
                hidden: str) -> go.Figure:
    """Mean total cost per person and arm with its 95 % interval."""
    rows = sorted(frame.to_dicts(), key=lambda r: ARMS.index(r["arm"]))
    names = [label("arm", r["arm"], lang) for r in rows]
    err = _errors(rows, "mean_total_dkk", 1.0)
    def fmt(v: float) -> str:
        return fmt_dkk(v, lang)
    fig = figures.new(go.Bar(
        y=[f"{n}<br>{_n_text(r['n'], lang, hidden)}" for n, r in zip(names, rows, strict=True)],
        x=[r["mean_total_dkk"] for r in rows], error_x=err, orientation="h",
        marker={"color": [ARM_COLOURS.get(r["arm"]) for r in rows],
                "line": {"color": OUTLINE, "width": 1}},
        customdata=[[n, fmt(r["mean_total_dkk"]) if r["n"] is not None else hidden,
                     fmt_interval(r["mean_total_dkk_low"], r["mean_total_dkk_high"], fmt),
                     fmt_int(r["n"], lang) if r["n"] is not None else hidden]
                    for n, r in zip(names, rows, strict=True)],
        hovertemplate=_template(lang)))
    fig.update_xaxes(tickformat=",.0f")
    fig.update_yaxes(autorange="reversed")
    sub = t("cost_sub", lang, h=horizon, py=t("price_year", lang, y=price_year))
    return layout(fig, t("fig_totals", lang), lang, t("dkk_axis", lang), None,
                   subtitle=f"{sub} · {t('ci95_short', lang)}")


def row_height(rows: int, few: int = 20) -> int:
    """Height of a chart with one row per municipality: 40 px a row for up to `few`
    rows, 22 px (still room for a marker and its interval) for a national list."""
    return max(260, 140 + rows * (40 if rows <= few else 22))


@figures.cached
def municipality_savings(frame: pl.DataFrame, horizon: int, price_year: Any,
                         lang: Lang) -> go.Figure:
    """Saving per person by municipality with its 95 % interval (shown rows only)."""
    rows = frame.filter(pl.col("estimate").is_not_null()).sort("estimate").to_dicts()
    def fmt(v: float) -> str:
        return fmt_dkk(v, lang)
    fig = figures.new(go.Scatter(
        x=[r["estimate"] for r in rows], y=[name_of(r["municipality_code"]) for r in rows],
        mode="markers",
        marker=palette.point_marker(ARM["ips"]),
        error_x={"type": "data", "symmetric": False,
                 "array": [r["high"] - r["estimate"] for r in rows],
                 "arrayminus": [r["estimate"] - r["low"] for r in rows], "color": OUTLINE},
        customdata=[[name_of(r["municipality_code"]), fmt(r["estimate"]),
                     fmt_interval(r["low"], r["high"], fmt),
                     f"{fmt_int(r['n_ips'], lang)} / {fmt_int(r['n_comparison'], lang)}"]
                    for r in rows],
        hovertemplate=_template(lang)))
    fig.add_vline(x=0, line_dash="dot", line_color=palette.REFERENCE)
    fig.update_xaxes(tickformat=",.0f")
    sub = t("cost_sub", lang, h=horizon, py=t("price_year", lang, y=price_year))
    return layout(fig, t("fig_muni_saving", lang), lang, t("dkk_axis", lang), None,
                   height=row_height(len(rows)),
                   subtitle=f"{sub} · {t('ci95_short', lang)} · {t('saving_short', lang)}")
