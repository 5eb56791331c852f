"""The reports' vector charts: matplotlib figures saved as SVG, their text kept as text
in DejaVu Sans (Typst draws it with the same font files as the page, so Danish letters
render and the chart text is selectable). No pyplot: each chart is its own `Figure`,
safe to draw from several threads (Streamlit sessions)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from ips_data.formatting import Lang, fmt_number
from ips_data.reports.model import FunnelCurve, FunnelPoint, TrendPoint
from ips_data.reports.texts import label, t

CM = 1 / 2.54
ARM_COLOURS = {"ips": "#0072B2", "ips_like": "#CC79A7", "comparison": "#E69F00"}
ARM_MARKERS = {"ips": "o", "ips_like": "s", "comparison": "D"}
LIMIT_GREY = "#555555"
OUTSIDE = "#D55E00"
STYLE = {
    "svg.fonttype": "none", "svg.hashsalt": "ips-report", "font.family": "DejaVu Sans",
    "font.size": 6.5, "axes.titlesize": 7, "axes.labelsize": 6.5, "xtick.labelsize": 6,
    "ytick.labelsize": 6, "legend.fontsize": 6, "axes.spines.top": False,
    "axes.spines.right": False, "axes.linewidth": 0.6, "lines.linewidth": 1.0,
}


def _margins(width_cm: float, height_cm: float, *, bottom_cm: float) -> dict[str, float]:
    """Fixed margins (a constrained layout costs about a third of the drawing time)."""
    return {"left": 1.5 / width_cm, "right": 1 - 0.15 / width_cm,
            "top": 1 - 0.15 / height_cm, "bottom": bottom_cm / height_cm}


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    FigureCanvasSVG(fig).print_svg(buf, metadata={"Date": None})
    return buf.getvalue()


def _percent_axis(ax, lang: Lang) -> None:
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0, symbol=" %" if lang == "da"
                                                  else "%"))
    if lang == "da":
        ax.xaxis.set_major_formatter(lambda x, _pos: fmt_number(x, 0, lang))


def funnel_svg(curve: FunnelCurve | None, pooled: float | None, points: Sequence[FunnelPoint],
               lang: Lang, *, width_cm: float = 8.6, height_cm: float = 6.2,
               names: dict[int, str] | None = None) -> str:
    """The funnel: exact 95 % (dashed) and 99.8 % (dotted) limits around the reference
    share, and the municipalities' IPS 18-month shares against n (the highlighted one
    large and labelled; ``names`` labels the points outside the 95 % limits)."""
    with rc_context(STYLE):
        fig = Figure(figsize=(width_cm * CM, height_cm * CM))
        fig.subplots_adjust(**_margins(width_cm, height_cm, bottom_cm=0.95))
        ax = fig.add_subplot()
        if curve is not None and pooled is not None:
            for lo, hi, dash in ((curve.lower_95, curve.upper_95, "--"),
                                 (curve.lower_998, curve.upper_998, ":")):
                ax.plot(curve.n, lo, color=LIMIT_GREY, linestyle=dash, linewidth=0.8)
                ax.plot(curve.n, hi, color=LIMIT_GREY, linestyle=dash, linewidth=0.8)
            ax.axhline(pooled, color=ARM_COLOURS["ips"], linewidth=0.8)
        for p in points:
            if p.highlight:
                ax.scatter([p.n], [p.share], s=42, color=ARM_COLOURS["ips"], zorder=3,
                           edgecolors="black", linewidths=0.6)
            else:
                ax.scatter([p.n], [p.share], s=12, color="#8AA8C8", zorder=2,
                           edgecolors="white", linewidths=0.3)
            if names and p.code in names:  # labels to the left of points in the right half
                right_half = curve is not None and p.n > max(curve.n) / 2
                ax.annotate(names[p.code], (p.n, p.share), xytext=(-4 if right_half else 4, 4),
                            textcoords="offset points", fontsize=5.5,
                            ha="right" if right_half else "left")
        ax.set_xlabel(t("funnel_x", lang))
        ax.set_ylabel(t("funnel_y", lang))
        ax.set_ylim(0, 1)
        ax.set_xlim(left=0)
        _percent_axis(ax, lang)
        ax.grid(axis="y", linewidth=0.3, color="#DDDDDD")
        return _svg(fig)


def trend_svg(points: Sequence[TrendPoint], lang: Lang, *, width_cm: float = 9.0,
              height_cm: float = 5.8) -> str:
    """The 18-month share (job or education at any time) by start year per arm, with 95 %
    intervals as error bars; suppressed years are left out (the table says "<k")."""
    with rc_context(STYLE):
        fig = Figure(figsize=(width_cm * CM, height_cm * CM))
        fig.subplots_adjust(**_margins(width_cm, height_cm, bottom_cm=0.85))
        ax = fig.add_subplot()
        arms = [a for a in ARM_COLOURS if any(p.arm == a for p in points)]
        offsets = {a: (i - (len(arms) - 1) / 2) * 0.12 for i, a in enumerate(arms)}
        for arm in arms:
            shown = [p for p in points if p.arm == arm and p.share.estimate is not None]
            if not shown:
                continue
            x = [p.start_year + offsets[arm] for p in shown]
            y = [p.share.estimate for p in shown]
            err = [[p.share.estimate - p.share.low for p in shown],
                   [p.share.high - p.share.estimate for p in shown]]
            ax.errorbar(x, y, yerr=err, color=ARM_COLOURS[arm], marker=ARM_MARKERS[arm],
                        markersize=3, capsize=1.5, elinewidth=0.6, linewidth=0.9,
                        label=label("arm", arm, lang))
        years = sorted({p.start_year for p in points})
        if years:
            ax.set_xticks(years)
            ax.set_xticklabels([str(y) for y in years], rotation=45 if len(years) > 6 else 0)
        ax.set_ylim(0, 1)
        ax.set_ylabel(t("trend_y", lang))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0,
                                                      symbol=" %" if lang == "da" else "%"))
        ax.grid(axis="y", linewidth=0.3, color="#DDDDDD")
        if arms:
            ax.legend(loc="lower left", frameon=False, ncols=len(arms))
        return _svg(fig)
