"""The charts' colours, marker shapes, bar patterns and line dashes (WCAG 2.1 AA).

Every chart draws from here, so each series is told apart by more than colour and
every mark keeps its contrast on the white chart background:

* ``fill`` is the colour-blind-safe Okabe–Ito colour of an area (a bar, a marker). An
  area is always outlined in `OUTLINE` (12.6:1 on white), so its shape stands out
  even where the fill itself is light (orange, sky blue: about 2.3:1) — WCAG 1.4.11
  asks 3:1 for the graphics needed to understand a chart.
* ``ink`` is the same hue dark enough for lines and text: at least 4.5:1 on white.
* ``symbol`` (scatter markers), ``pattern`` (bars) and ``dash`` (lines) differ between
  the members of a family, and every chart names its series in a legend or on an axis
  (WCAG 1.4.1: never colour alone).

Families: `ARM` (IPS, IPS-like, comparison), `STATUS` (rollout status; also for the
map), `BAND` (IPS-25 fidelity bands), `FUNNEL` (inside / outside the control limits),
`CASELOAD` (within / over the norm) and `SERIES` (up to eight unnamed series). Use
`bar_marker`, `point_marker` and `line` to turn a `Style` into plotly settings, and
`text_on` for text drawn on a fill. `contrast` is the WCAG contrast ratio (tested).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Okabe & Ito (2008): orange, sky blue, bluish green, yellow, blue, vermillion,
#: reddish purple, black.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000")
BACKGROUND = "#FFFFFF"
OUTLINE = "#333333"      # outlines of bars and markers, error bars: 12.6:1
TEXT = "#111111"          # text on light fills (the app's text colour)
MUTED = "#555555"         # subtitles and notes in charts: 7.5:1
REFERENCE = "#666666"     # reference lines (zero, limits, norms): 5.7:1
CONTEXT = "#8A8A8A"       # thin context lines behind a highlighted one: 3.5:1


@dataclass(frozen=True)
class Style:
    """How one series looks: area colour, line/text colour, marker, bar pattern, dash."""

    fill: str
    ink: str
    symbol: str
    pattern: str
    dash: str


ARM = {
    "ips": Style("#0072B2", "#0072B2", "circle", "", "solid"),
    "ips_like": Style("#CC79A7", "#BC4F8B", "diamond", "/", "dash"),
    "comparison": Style("#E69F00", "#9C6C00", "square", ".", "dot"),
}
STATUS = {
    "not_started": Style("#999999", "#707070", "circle", ".", "dot"),
    "agreement": Style("#E69F00", "#9C6C00", "square", "/", "dash"),
    "implementing": Style("#56B4E9", "#187CB5", "diamond", "\\", "dashdot"),
    "operating": Style("#009E73", "#008762", "triangle-up", "", "solid"),
    "stopped": Style("#D55E00", "#C35600", "x", "x", "longdash"),
}
BAND = {
    "exemplary": Style("#009E73", "#008762", "circle", "", "solid"),
    "good": Style("#56B4E9", "#187CB5", "diamond", "/", "dash"),
    "fair": Style("#E69F00", "#9C6C00", "square", "\\", "dot"),
    "not_ips": Style("#D55E00", "#C35600", "x", "x", "dashdot"),
}
FUNNEL = {
    "inside": Style("#0072B2", "#0072B2", "circle", "", "solid"),
    "outside_95": Style("#E69F00", "#9C6C00", "diamond", "/", "dash"),
    "outside_998": Style("#D55E00", "#C35600", "x", "x", "dot"),
}
CASELOAD = {
    "within": Style("#0072B2", "#0072B2", "circle", "", "solid"),
    "over": Style("#D55E00", "#C35600", "x", "x", "dash"),
}
#: Eight series without a fixed meaning (e.g. one line per municipality).
SERIES = tuple(
    Style(fill, ink, symbol, pattern, dash) for fill, ink, symbol, pattern, dash in (
        ("#0072B2", "#0072B2", "circle", "", "solid"),
        ("#E69F00", "#9C6C00", "square", "/", "dash"),
        ("#009E73", "#008762", "diamond", "\\", "dot"),
        ("#CC79A7", "#BC4F8B", "triangle-up", "x", "dashdot"),
        ("#56B4E9", "#187CB5", "triangle-down", "-", "longdash"),
        ("#D55E00", "#C35600", "x", "|", "longdashdot"),
        ("#F0E442", "#80770A", "star", "+", "2px,2px"),
        ("#000000", "#000000", "cross", ".", "8px,3px,2px,3px,2px,3px"),
    ))

#: The same colours under the names the charts used before (fills).
ARM_COLOURS = {k: s.fill for k, s in ARM.items()}
STATUS_COLOURS = {k: s.fill for k, s in STATUS.items()}
BAND_COLOURS = {k: s.fill for k, s in BAND.items()}


def _luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of "#RRGGBB"."""
    h = colour.lstrip("#")
    if len(h) != 6:
        raise ValueError(f"colour {colour!r}: expected #RRGGBB")
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str = BACKGROUND) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(fill: str) -> str:
    """`TEXT` or white, whichever reads better on ``fill``."""
    return TEXT if contrast(TEXT, fill) >= contrast("#FFFFFF", fill) else "#FFFFFF"


def bar_marker(style: Style, pattern: bool = True) -> dict[str, Any]:
    """plotly ``marker`` of a bar: the fill, an outline and (unless the bars are named
    on an axis) the style's pattern drawn over the fill."""
    marker: dict[str, Any] = {"color": style.fill, "line": {"color": OUTLINE, "width": 1}}
    if pattern and style.pattern:
        marker["pattern"] = {"shape": style.pattern, "fillmode": "overlay", "size": 7,
                             "solidity": 0.3, "fgcolor": text_on(style.fill)}
    return marker


def point_marker(style: Style, size: float | list[float] = 10) -> dict[str, Any]:
    """plotly ``marker`` of a scatter point: shape, fill and outline."""
    return {"symbol": style.symbol, "size": size, "color": style.fill,
            "line": {"color": OUTLINE, "width": 1}}


def line(style: Style, width: float = 2) -> dict[str, Any]:
    """plotly ``line`` of a series: the dark shade of its colour and its dash."""
    return {"color": style.ink, "dash": style.dash, "width": width}
