"""Room for a chart's axes, worked out before plotly draws it.

Plotly's `automargin` (on for every axis in the house template) draws a chart, measures
its tick labels and axis titles, and when they do not fit in the margins it was given,
grows the margins and draws the whole chart a second time. Every chart here was given
10 px and so was drawn twice on every rerun: half of plotly's time in the browser
(national extract: 171 → 75 ms for the seven charts of the default views, measured in
Chromium). `room` estimates from the sent figure what the axes need (tick label widths
from the dashboard font's glyph widths, plus the fixed offsets plotly uses), a few
pixels generously, so the first drawing is the last. Automargin stays on: where an
estimate falls short (or a side is not estimated: a legend under the plot whose rows
depend on the width the browser gives the chart, or a date axis of less than
`YEAR_TICKS` years), plotly still grows the margin, so no label is ever cut off; the
chart is then only drawn twice, as before. A legend in one column at the figure's
bottom (`BOTTOM_LEGEND`, where `ui.charts.layout` puts every legend unless told
otherwise) has a row per entry whatever the width, so it is estimated too.

Only cartesian charts with one x and one y axis are estimated; a map has no axes.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np

#: Glyph widths (px) of the dashboard's chart font (Streamlit's "Source Sans", 12 px,
#: regular), as Chromium measures them (canvas measureText, rounded to 0.1 px); a
#: character not listed counts as the widest bold one.
_GLYPHS = (
    (' ', 2.4),
    ('|', 2.9),
    ("',.:;ij·", 3.0),
    ('l', 3.1),
    ('I', 3.2),
    ('!f', 3.5),
    ('()[]{}', 3.6),
    ('-', 3.7),
    ('t', 4.1),
    ('/\\r', 4.2),
    ('*s', 5.0),
    ('"?z', 5.1),
    ('x', 5.3),
    ('c', 5.5),
    ('vy', 5.6),
    ('Y', 5.7),
    ('JL–', 5.8),
    ('Fk', 5.9),
    ('0123456789#$+<=>^_aeg~åé−≤≥', 6.0),
    ('VX', 6.2),
    ('E', 6.3),
    ('ST', 6.4),
    ('AZ`houøÅü', 6.5),
    ('bn', 6.6),
    ('dpq', 6.7),
    ('CPR', 6.8),
    ('K', 7.0),
    ('B', 7.1),
    ('◆', 7.2),
    ('&', 7.3),
    ('DG', 7.4),
    ('U', 7.7),
    ('HN', 7.8),
    ('OQØ', 8.0),
    ('w', 8.6),
    ('M', 8.7),
    ('æ', 9.3),
    ('W', 9.4),
    ('—', 9.6),
    ('½', 9.7),
    ('%mÆ', 9.9),
    ('@', 10.2),
    ('⚠', 10.8),
)
#: the same in bold (section headings among a chart's categories are <b>)
_BOLD_GLYPHS = (
    (' ', 2.4),
    ('|', 3.2),
    ('ij', 3.3),
    ('l', 3.4),
    ("',.:;I·", 3.6),
    ('-', 4.0),
    ('!()/[\\]f{}', 4.1),
    ('t', 4.6),
    ('r', 4.8),
    ('s', 5.3),
    ('*z', 5.5),
    ('?c', 5.6),
    ('–', 5.8),
    ('_', 6),
    ('J', 6.1),
    ('Lexyé', 6.2),
    ('0123456789#$+<=>FY^av~å−≤≥', 6.3),
    ('"g', 6.4),
    ('Z', 6.5),
    ('Ek', 6.6),
    ('STV`oø', 6.7),
    ('Xhuü', 6.8),
    ('AbdnpqÅ', 6.9),
    ('C', 7.0),
    ('P◆', 7.2),
    ('B', 7.3),
    ('KR', 7.4),
    ('D', 7.6),
    ('G', 7.7),
    ('&NU', 8),
    ('H', 8.1),
    ('OQØ', 8.2),
    ('M', 9.1),
    ('w', 9.3),
    ('æ', 9.4),
    ('—', 9.6),
    ('W', 9.8),
    ('Æ', 10.1),
    ('½', 10.2),
    ('%m', 10.3),
    ('@⚠', 10.8),
)
WIDTHS = {c: width for chars, width in _GLYPHS for c in chars}
BOLD_WIDTHS = {c: width for chars, width in _BOLD_GLYPHS for c in chars}
WIDEST = max(BOLD_WIDTHS.values())
#: Offsets plotly adds around the tick labels and axis titles with Streamlit's chart
#: theme (title standoff 20 px, 14 px titles), measured on the dashboard's charts.
LEFT_PAD = 18  # left of the y axis's tick labels
BOTTOM_ONE_LINE = 35  # under the plot: one line of x tick labels
ROTATED_PAD = 21  # under the plot, besides the width of x tick labels turned 90°
ROTATED_RIGHT = 8  # right of the plot: half the last turned label's line (its tick can
#                    sit a few px from the edge in a narrow chart)
TITLE_FIRST_LINE = {"l": 35, "b": 30}  # an axis title's first line, standoff included
TITLE_LINE = 18  # each further title line
TICK_LINE = 16  # each further line of a category tick label (x axis)
YEAR_TICKS = 3  # years a date axis spans for plotly to mark it in years or months
LOG_EXTRA = 6  # a log axis: its labels took up to 2 px more than SLACK allows (funnels)
#: added to every estimate: a label a pixel wider than estimated would cost a redraw
SLACK = 6
#: A legend as one column of entries at the bottom of the figure (under the x axis and
#: its title): its height does not depend on the chart's width, so it can be estimated.
#: Plotly keeps the axes' room and adds the legend's under it.
BOTTOM_LEGEND = {"orientation": "v", "yref": "container", "yanchor": "bottom", "y": 0}
LEGEND_PAD = 10  # the legend box's padding, top and bottom together (12 px entries)
LEGEND_ROW = 19  # each entry (one line of 12 px text and its symbol)
GROUP_GAP = 10  # between two legend groups (plotly's `tracegroupgap`)
DEFAULT_RIGHT = 10

_TAG = re.compile(r"<[^>]+>")


def text_width(text: str) -> float:
    """Estimated width in px of one line of chart text (HTML tags removed; a line with
    <b> is taken as bold throughout)."""
    widths = BOLD_WIDTHS if "<b>" in text else WIDTHS
    return sum(widths.get(c, WIDEST) for c in _TAG.sub("", text))


def _lines(text: Any) -> list[str]:
    return str(text).split("<br>") if text not in (None, "") else []


def _title(axis: dict) -> str | None:
    title = axis.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    return text or None


def _title_room(axis: dict, side: str) -> float:
    lines = len(_lines(_title(axis)))
    return 0.0 if not lines else TITLE_FIRST_LINE[side] + TITLE_LINE * (lines - 1)


def _number_labels(values: Iterable[float], axis: dict, separators: str) -> list[str]:
    """The widest tick labels an axis over `values` (or over its fixed range, when it has
    one) can show: plotly's ticks lie inside the range, so none has more digits than the
    largest magnitude (autorange pads by a few per cent: 10 % is allowed for)."""
    values = axis.get("range") or values
    finite = [v for v in values if isinstance(v, int | float) and math.isfinite(v)]
    if not finite:
        return []
    top = max(abs(v) for v in finite) * 1.1
    negative = min(finite) < 0
    digits = max(1, int(math.log10(top)) + 1) if top >= 1 else 1
    grouped = "," in str(axis.get("tickformat", ""))
    if grouped:
        text = "9" * digits
        text = f"{int(text):,}".replace(",", separators[1:2] or ",")
    elif digits > 4:  # plotly's default format: 60k, 125k, 1.5M
        text = "9" * (digits - 3) + "k" if digits <= 6 else "9,9M"
    else:
        text = "9" * digits + (",9" if top < 10 else "")
    return [("−" if negative else "") + text + str(axis.get("ticksuffix", ""))]


def _array(value: Any) -> list[Any]:
    """A trace's data array as a list: plotly sends a numeric array as a typed array
    (``{"dtype": "f8", "bdata": <base64>}``), anything else as a list."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]),
                             dtype=value.get("dtype", "f8")).tolist()
    return list(value) if isinstance(value, list | tuple) else []


def _values(traces: list[dict], letter: str) -> tuple[list[Any], list[float]]:
    """The values the traces put on the x or y axis, with error bar ends added."""
    values: list[Any] = []
    extents: list[float] = []
    for trace in traces:
        data = _array(trace.get(letter))
        values += data
        error = trace.get("error_" + letter) or {}
        plus = _array(error.get("array"))
        minus = _array(error.get("arrayminus")) or plus
        for value, up, down in zip(data, plus + [0] * len(data), minus + [0] * len(data),
                                   strict=False):
            if isinstance(value, int | float):
                extents += [value + (up or 0), value - (down or 0)]
    return values, extents


def _is_text(values: list[Any]) -> bool:
    return any(isinstance(v, str) for v in values)


def _is_date(values: list[Any]) -> bool:
    return bool(values) and all(isinstance(v, str) and re.match(r"^\d{4}-\d\d-\d\d", v)
                                for v in values)


def _years_apart(traces: list[dict]) -> float:
    """How many years the dates on the x axis span: its ISO dates, or bars from a date
    `base` with their length in ms (a timeline); 0 when there are none."""
    days: list[float] = []
    for trace in traces:
        xs = _array(trace.get("x"))
        base = trace.get("base")
        if base is None:  # the dates themselves
            pairs = [(x, 0) for x in xs]
        else:  # bars from a start date, each as long as its x (ms)
            pairs = list(zip(base if isinstance(base, list) else [base] * len(xs), xs,
                             strict=False))
        for start, length in pairs:
            if isinstance(start, str) and re.match(r"^\d{4}-\d\d-\d\d", start):
                day = date.fromisoformat(start[:10]).toordinal()
                ms = length if isinstance(length, int | float) else 0
                days += [day, day + ms / 86_400_000]
    return (max(days) - min(days)) / 365.25 if days else 0.0


def _date_axis(axis: dict, values: list[Any]) -> bool:
    return axis.get("type") == "date" or _is_date(values)


def _tick_labels(axis: dict, values: list[Any], extents: list[float],
                 separators: str, years: float = 0.0) -> tuple[list[str], bool] | None:
    """The widest tick labels the axis can show (each a label's text, lines joined by
    <br>) and whether they are categories. A date axis over `YEAR_TICKS` years or more
    has one line of years ("2026", or "Jul 2026" when wide); a shorter one may have two
    lines (days) and is not estimated (None)."""
    if _date_axis(axis, values):
        return (["Sep 2026"], False) if years >= YEAR_TICKS else None
    if _is_text(values) or axis.get("type") == "category":
        return [str(v) for v in axis.get("categoryarray") or values], True
    labels = _number_labels(extents + values, axis, separators)
    return labels + [str(v) for v in axis.get("ticktext") or []], False


def _widest(labels: list[str]) -> float:
    return max((text_width(line) for label in labels for line in _lines(label)),
               default=0.0)


def _y_room(axis: dict, values: list[Any], extents: list[float],
            separators: str) -> float | None:
    found = _tick_labels(axis, values, extents, separators)
    if found is None:
        return None
    return _widest(found[0]) + LEFT_PAD + _title_room(axis, "l") + SLACK


def _x_room(axis: dict, values: list[Any], extents: list[float],
            separators: str, years: float = 0.0) -> tuple[float, float] | None:
    """(bottom, right) room for the x axis: its labels' height (rotated labels: their
    width) and title; on the right, half the widest number label (the last tick's label
    is centred on the plot's edge), or half a line of turned labels."""
    found = _tick_labels(axis, values, extents, separators, years)
    if found is None:
        return None
    labels, categories = found
    widest = _widest(labels)
    rows = max((len(_lines(label)) for label in labels), default=1)
    right = 0.0 if categories else widest / 2 + 4
    if abs(axis.get("tickangle") or 0) == 90:  # turned labels: half a line over the side
        height, right = widest + ROTATED_PAD, ROTATED_RIGHT
    else:
        height = BOTTOM_ONE_LINE + TICK_LINE * (rows - 1)
    if axis.get("type") == "log":
        height += LOG_EXTRA
    return height + _title_room(axis, "b") + SLACK, right + SLACK


def bottom_legend_height(layout: dict, traces: list[dict]) -> int | None:
    """Height (px) the traces' legend takes as a `BOTTOM_LEGEND` (whatever `layout` says
    of its position): 0 when none is drawn; None when an entry has two lines (not
    estimated). With legend groups plotly lists them apart, `GROUP_GAP` between two
    groups (each trace without a group is one of its own)."""
    shown = [(i, t) for i, t in enumerate(traces)
             if t.get("showlegend") is not False and t.get("name")]
    if not shown or not layout.get("showlegend", len(traces) > 1):
        return 0
    if any("<br>" in str(t["name"]) for _, t in shown):
        return None
    height = LEGEND_PAD + LEGEND_ROW * len(shown)
    if any(t.get("legendgroup") for t in traces):
        groups = {t.get("legendgroup") or f"#{i}" for i, t in shown}
        height += GROUP_GAP * (len(groups) - 1)
    return height


def _legend_room(layout: dict, traces: list[dict]) -> float | None:
    """The room (px) a legend takes at the bottom of the figure, under the x axis: 0 for
    none (or a legend elsewhere); a column of entries at the container's bottom
    (`BOTTOM_LEGEND`) takes one row per entry; None for another legend under the plot
    or placed in the container (its rows may depend on the width the browser gives the
    chart: not estimated)."""
    legend = layout.get("legend") or {}
    height = bottom_legend_height(layout, traces)
    if {k: legend.get(k) for k in BOTTOM_LEGEND} == BOTTOM_LEGEND:
        return height
    if height == 0:  # no legend is drawn
        return 0.0
    below = legend.get("yref") == "container" or (legend.get("y", 1) or 0) < 0
    return None if below else 0.0


def room(spec: dict) -> dict[str, int]:
    """The margins (px) the sent figure `spec` needs on each side it can be estimated
    for; {} for a figure that is not one cartesian x/y chart."""
    layout = spec.get("layout") or {}
    traces = [t for t in spec.get("data") or [] if isinstance(t, dict)]
    if not traces or any(t.get("type", "scatter") not in ("bar", "scatter") or
                         t.get("xaxis", "x") != "x" or t.get("yaxis", "y") != "y"
                         for t in traces):
        return {}
    separators = layout.get("separators") or ".,"
    xaxis, yaxis = layout.get("xaxis") or {}, layout.get("yaxis") or {}
    if xaxis.get("visible") is False or yaxis.get("visible") is False:
        return {}
    out: dict[str, int] = {}
    left = _y_room(yaxis, *_values(traces, "y"), separators)
    if left is not None:
        out["l"] = math.ceil(left)
    xvalues, xextents = _values(traces, "x")
    years = _years_apart(traces) if _date_axis(xaxis, xvalues) else 0.0  # dates only
    bottom = _x_room(xaxis, xvalues, xextents, separators, years)
    if bottom is not None:
        legend = _legend_room(layout, traces)
        if legend is not None:
            out["b"] = math.ceil(bottom[0] + legend)
        out["r"] = math.ceil(max(DEFAULT_RIGHT, bottom[1]))
    return out


def reserve(spec: dict) -> dict:
    """`spec` with each margin at least what `room` estimates (never smaller than given)."""
    needed = room(spec)
    if not needed:
        return spec
    layout = dict(spec.get("layout") or {})
    margin = dict(layout.get("margin") or {})
    for side, px in needed.items():
        margin[side] = max(int(margin.get(side) or 0), px)
    layout["margin"] = margin
    return {**spec, "layout": layout}
