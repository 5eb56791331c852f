"""Figures of the adjusted comparisons (contract section 4b): the crude and adjusted
difference per horizon in one forest plot, and the funnel of the municipalities'
adjusted shares with exact binomial and overdispersion-adjusted limits. Same house
style as `ui.charts` (Okabe–Ito colours, markers that differ in shape as well as
colour, Danish or English numbers in hover texts)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from ips_data.formatting import fmt_int, fmt_interval, fmt_number, fmt_pct
from ips_data.metrics.benchmark import Benchmark
from ips_data.municipalities import name_of
from ui import figures, palette
from ui.charts import ARM_COLOURS, SHARES, layout
from ui.i18n import Lang, label, t

KIND_STYLE = {"crude": ("#E69F00", "diamond"), "adjusted": ("#0072B2", "circle")}
FLAG_STYLE = {  # colour and marker symbol: never colour alone
    "above_998": ("#009E73", "triangle-up"), "above_95": ("#56B4E9", "triangle-up"),
    "inside": ("#0072B2", "circle"),
    "below_95": ("#E69F00", "triangle-down"), "below_998": ("#D55E00", "triangle-down"),
}


def _unit(measure: str, lang: Lang) -> str:
    if measure in SHARES:
        return "pct.-point" if lang == "da" else "pp"
    return t("weeks_axis", lang)


@figures.cached
def forest_crude_adjusted(crude: pl.DataFrame, adjusted: pl.DataFrame, measure: str,
                          lang: Lang) -> go.Figure:
    """IPS − comparison per horizon for one measure: the crude difference and the
    adjusted one (ATT) with their 95 % intervals, one row each; hidden ones left out."""
    scale = 100.0 if measure in SHARES else 1.0
    unit = _unit(measure, lang)

    def fmt(v: float) -> str:
        return f"{fmt_number(v * scale, 1, lang)} {unit}"

    fig = figures.new()
    ends = [0.0]
    for kind, frame in (("crude", crude), ("adjusted", adjusted)):
        rows = (frame.filter((pl.col("measure") == measure) & pl.col("estimate").is_not_null())
                .sort("horizon_months").to_dicts())
        colour, symbol = KIND_STYLE[kind]
        names = [f"{t('horizon_opt', lang, h=r['horizon_months'])} · {t(kind, lang)}"
                 for r in rows]
        ends += [v * scale for r in rows for v in (r["low"], r["high"])]
        fig.add_trace(go.Scatter(
            x=[r["estimate"] * scale for r in rows],
            y=[f"{n}<br>n = {fmt_int(r['n_ips'], lang)} / {fmt_int(r['n_comparison'], lang)}"
               for n, r in zip(names, rows, strict=True)],
            mode="markers", name=t(kind, lang),
            marker={"size": 12, "color": colour, "symbol": symbol,
                    "line": {"color": palette.OUTLINE, "width": 1}},
            error_x={"type": "data", "symmetric": False,
                     "array": [(r["high"] - r["estimate"]) * scale for r in rows],
                     "arrayminus": [(r["estimate"] - r["low"]) * scale for r in rows],
                     "thickness": 2, "color": palette.OUTLINE},
            customdata=[[n, fmt(r["estimate"]), fmt_interval(r["low"], r["high"], fmt),
                         f"{fmt_int(r['n_ips'], lang)} / {fmt_int(r['n_comparison'], lang)}"]
                        for n, r in zip(names, rows, strict=True)],
            hovertemplate=("<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
                           + t("ci95_short", lang) + ": %{customdata[2]}<br>n = "
                           "%{customdata[3]}<extra></extra>"),
        ))
    fig.add_vline(x=0, line_dash="dot", line_color=palette.REFERENCE)
    pad = 0.12 * ((max(ends) - min(ends)) or 1.0)
    fig.update_xaxes(range=[min(ends) - pad, max(ends) + pad])
    fig.update_yaxes(autorange="reversed")
    title = f"{t('fig_forest_both', lang)} ({t('ci95_short', lang)})"
    # the plot beside the rows' long labels is narrow: its axis title on short lines
    return layout(fig, title, lang, f"{label('measure', measure, lang)} ({unit})", None,
                  height=340, width=40, x_width=24)


def _limit_lines(fig: go.Figure, curve: pl.DataFrame, prefix: str, colour: str,
                 lang: Lang) -> None:
    # numpy arrays: validated as a whole and sent as typed binary arrays (plotly ≥ 6),
    # not 200-element lists checked value by value (the funnel took 41 ms to build)
    n = curve["n"].to_numpy()
    for level, dash in (("95", "dash"), ("998", "dot")):
        name = t(f"limit_{prefix}_{level}", lang)
        for side in ("lower", "upper"):
            fig.add_trace(go.Scatter(
                x=n, y=curve[f"{prefix}_{side}_{level}"].to_numpy() * 100,
                mode="lines", name=name, legendgroup=f"{prefix}{level}",
                showlegend=side == "lower", hoverinfo="skip",
                line={"color": colour, "dash": dash, "width": 1.3}))


@figures.cached
def adjusted_funnel(bench: Benchmark, limits: str, lang: Lang) -> go.Figure:
    """Adjusted shares against n with the exact binomial limits (grey) and the
    overdispersion-adjusted ones (blue) around the national share; markers coloured and
    shaped by where they lie against the chosen `limits` ("overdispersed" or "exact");
    hover with n, actual and expected."""
    fig = figures.new()
    _limit_lines(fig, bench.curve, "exact", "#888888", lang)
    _limit_lines(fig, bench.curve, "od", "#0072B2", lang)
    fig.add_hline(y=bench.pooled_share * 100, line_color=ARM_COLOURS["ips"], line_width=1,
                  annotation_text=t("funnel_national", lang,
                                    p=fmt_pct(bench.pooled_share, 1, lang)),
                  annotation_position="top right")
    flag_col = "overdispersed_flag" if limits == "overdispersed" else "exact_flag"
    shown = bench.points.filter(pl.col("adjusted_share").is_not_null()).to_dicts()
    for flag, (colour, symbol) in FLAG_STYLE.items():
        rows = [r for r in shown if r[flag_col] == flag]
        if not rows:
            continue
        fig.add_trace(go.Scatter(
            x=[r["n"] for r in rows], y=[r["adjusted_share"] * 100 for r in rows],
            mode="markers", name=label("flag", flag, lang),
            marker={"size": 11, "color": colour, "symbol": symbol,
                    "line": {"width": 1, "color": palette.OUTLINE}},
            customdata=[[name_of(r["municipality_code"]), fmt_pct(r["adjusted_share"], 1, lang),
                         fmt_int(r["n"], lang), fmt_int(r["observed"], lang),
                         fmt_number(r["expected"], 1, lang), fmt_number(r["oe_ratio"], 2, lang)]
                        for r in rows],
            hovertemplate=("<b>%{customdata[0]}</b><br>%{customdata[1]}<br>n = "
                           "%{customdata[2]}<br>" + t("hover_observed", lang)
                           + " = %{customdata[3]}, " + t("hover_expected", lang)
                           + " = %{customdata[4]}<br>O/E = %{customdata[5]}<extra></extra>"),
        ))
    fig.update_yaxes(range=[0, 100])
    fig.update_xaxes(type="log")
    # eight legend entries, one a row under the plot (its height added to the chart's)
    return layout(fig, t("fig_funnel_adj", lang), lang, t("funnel_axis_n", lang),
                  t("funnel_adj_axis", lang), height=560)
