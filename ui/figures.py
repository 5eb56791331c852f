"""Drawing plotly figures fast: the house template, built-figure caching and showing.

Where the time went (national extract, a rerun of the effect page): not in DuckDB but
in plotly. Every `go.Figure` copies and validates its template, and plotly's
templates carry defaults for ~25 trace types: about 15 ms per figure, half of a
rerun. So:

* `TEMPLATE` ("ips") is plotly_white with the defaults of only the trace types the
  dashboard draws (the look of those is unchanged), and it is plotly's default
  template in the app process: a figure costs about 1 ms to build.
* `cached` (a decorator for figure builders) keeps built figures keyed by their
  arguments' *contents* (frames by their rows, everything else by value) and the
  builder module's constants: a rerun
  whose data did not change (language toggle back, another session with the same
  selection, a widget elsewhere on the page) reuses the figure. The cached figure is
  shared and never mutated.
* `show` sends a cached figure's plain dict (made once per figure) instead of letting
  `st.plotly_chart` deep-copy the figure on every run.
* `inline` keeps a large read-only value (a map's GeoJSON boundaries, ~200 kB) out of
  the figure: the trace holds a short token and the sent dict the shared value itself.
  Plotly validated and deep-copied the boundaries three times per map (≈ 90 ms of the
  100 ms it took to build one on the national extract).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
from plotly.basedatatypes import BaseFigure

from ui import chart_room
from ui.memo import ContentCache

TEMPLATE = "ips"
#: trace types whose plotly_white defaults the house template keeps
TRACE_TYPES = ("bar", "scatter", "scattergeo", "choropleth", "heatmap", "histogram")
#: figures kept (a few kB each; a map with its boundaries a few MB with its sent dict,
#: so the worst case stays a few hundred MB)
CACHE_SIZE = 128


#: Every cartesian axis lets its tick labels overflow (`ticklabeloverflow`): plotly's
#: default ("hide past div") measures every label of the axis again after placing each
#: one (quadratic in the labels, a forced layout per measurement: ~25 ms of each rerun's
#: 100 ms in plotly on the overview). The axes' automargin already makes room for every
#: label, so none is hidden by that rule in these charts.
AXIS_DEFAULTS = {"ticklabeloverflow": "allow"}


def _register_template() -> None:
    white = pio.templates["plotly_white"]
    data = {kind: getattr(white.data, kind) for kind in TRACE_TYPES}
    layout = go.Layout(white.layout)
    layout.xaxis.update(AXIS_DEFAULTS)
    layout.yaxis.update(AXIS_DEFAULTS)
    pio.templates[TEMPLATE] = go.layout.Template(layout=layout, data=data)
    pio.templates.default = TEMPLATE


_register_template()
#: the house template as a figure's layout holds it
_HOUSE = pio.templates[TEMPLATE].to_plotly_json()


def new(*traces: Any) -> go.Figure:
    """A figure that takes its layout and traces as given: plotly's per-property
    validation is off (a third of the time to build a figure, mostly `update_layout`
    walking its validators). The house template is plotly's default, set when the figure
    is made. tests/test_figures.py checks that every figure the pages send passes
    plotly's validation unchanged."""
    return go.Figure(list(traces) or None, _validate=False)


def set_layout(fig: go.Figure, patch: dict[str, Any]) -> go.Figure:
    """What ``fig.update_layout(patch)`` does (nested dicts merge into what is there, a
    None removes a property, anything else replaces it), in one assignment of a plain
    dict: plotly's `update_layout` builds a graph object for every nested property on
    its way, most of a figure's build time even with validation off. Axis keys (e.g.
    "xaxis") patch every axis of that letter the figure has (`update_xaxes`)."""
    layout = fig.layout.to_plotly_json()
    # the house template goes back by plotly's default (re-reading its dict into a
    # Template object would take most of the time); another template is set again
    template = layout.pop("template", None)
    for key, value in patch.items():
        if key in ("xaxis", "yaxis"):
            for axis in [k for k in layout if k.startswith(key)] or [key]:
                layout[axis] = _merged(layout.get(axis, {}), value)
        elif isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = _merged(layout[key], value)
        elif value is None:
            layout.pop(key, None)
        else:
            layout[key] = copy.deepcopy(value)
    fig.layout = layout
    if template is not None and template != _HOUSE:
        fig.layout.template = template
    return fig


def _merged(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """`base` with `patch` merged in (a copy of each value taken from `patch`)."""
    out = dict(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        elif isinstance(value, dict):
            out[key] = _merged({}, value)
        else:
            out[key] = copy.deepcopy(value)
    return out


F = TypeVar("F", bound=Callable[..., go.Figure])
_FIGURES: ContentCache[go.Figure] = ContentCache(CACHE_SIZE)


def _settings(builder: Callable) -> tuple:
    """The builder module's constants (upper-case names): part of the key, so a changed
    setting (a colour, a limit; in tests, a patched one) never serves an old figure."""
    return tuple((name, repr(value)) for name, value in builder.__globals__.items()
                 if name.isupper() and isinstance(value, str | int | float | tuple | dict))


def cached(builder: F) -> F:
    """Memoise a figure builder by the contents of its arguments (`ui.memo`; LRU,
    CACHE_SIZE figures shared by all sessions). A figure it returns is never changed."""

    def make(args: tuple, kwargs: dict) -> go.Figure:
        fig = builder(*args, **kwargs)
        fig._ips_frozen = True
        return fig

    @functools.wraps(builder)
    def build(*args: Any, **kwargs: Any) -> go.Figure:
        inputs = (builder.__module__, builder.__qualname__, _settings(builder), args, kwargs)
        return _FIGURES.get_or_make(inputs, lambda: make(args, kwargs))

    build.uncached = builder  # type: ignore[attr-defined]
    return build  # type: ignore[return-value]


_TOKEN = "ips-inline:"


def inline(fig: go.Figure, value: Any) -> str:
    """A token to set on a trace property of `fig` (e.g. a choropleth's `geojson`) in
    place of `value`: `spec` puts `value` itself in the sent dict. `value` is shared, so it
    must never be changed afterwards."""
    values = fig.__dict__.setdefault("_ips_inline", {})
    token = f"{_TOKEN}{len(values)}"
    values[token] = value
    return token


def _with_inlined(fig: go.Figure, out: dict) -> dict:
    values = fig.__dict__.get("_ips_inline")
    if values:
        for trace in out.get("data", []):
            for prop, value in trace.items():
                if isinstance(value, str) and value in values:
                    trace[prop] = values[value]
    return out


class _Spec(BaseFigure):
    """A figure already turned into its plain dict: what `st.plotly_chart` sends."""

    def __init__(self, spec: dict) -> None:  # no BaseFigure set-up: nothing is validated
        self._ips_spec = spec

    def to_dict(self) -> dict:
        return self._ips_spec


def spec(fig: go.Figure) -> dict:
    """The figure's plain dict with room for its axes (`ui.chart_room`); made once for a
    cached figure (shared, never changed), every time for any other (it may have been
    changed since it was last shown)."""
    if not getattr(fig, "_ips_frozen", False):
        return _sent(fig)
    out = getattr(fig, "_ips_spec", None)
    if out is None:
        out = fig._ips_spec = _sent(fig)
    return out


def _sent(fig: go.Figure) -> dict:
    return chart_room.reserve(_with_inlined(fig, fig.to_dict()))


def show(fig: go.Figure, alt: str, config: dict | None = None, **kwargs: Any) -> None:
    """`st.plotly_chart` without the per-run deep copy of the figure."""
    st.plotly_chart(_Spec(spec(fig)), config=config or {"displaylogo": False}, alt=alt,
                    **kwargs)
