"""The chart palette meets WCAG 2.1 AA: contrast computed as WCAG defines it (checked
against published ratios), inks ≥ 4.5:1, outlines ≥ 3:1, and within every family the
series differ by shape, pattern and dash as well as colour (1.4.1, 1.4.3, 1.4.11)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import pytest

from ui import charts, palette, rollout_charts
from ui.palette import ARM, BAND, CASELOAD, FUNNEL, SERIES, STATUS, Style, contrast

FAMILIES = {"arm": ARM, "status": STATUS, "band": BAND, "funnel": FUNNEL,
            "caseload": CASELOAD, "series": dict(enumerate(SERIES))}


@pytest.mark.parametrize(("a", "b", "ratio"), [
    ("#000000", "#FFFFFF", 21.0),       # the extremes
    ("#FFFFFF", "#FFFFFF", 1.0),
    ("#767676", "#FFFFFF", 4.54),       # the well-known lightest grey passing AA on white
    ("#777777", "#FFFFFF", 4.48),       # ... and the next one failing it
    ("#0072B2", "#FFFFFF", 5.19),       # Okabe-Ito blue
    ("#E69F00", "#FFFFFF", 2.25),       # Okabe-Ito orange: too light on its own
    ("#828180", "#FFFFFF", 3.88),       # Streamlit's default caption colour (axe: 3.88)
    ("#7f7e7d", "#f8f8f7", 3.81),       # ... on the sidebar (axe: 3.81)
])
def test_contrast_matches_wcag_and_axe(a: str, b: str, ratio: float) -> None:
    assert contrast(a, b) == pytest.approx(ratio, abs=0.01)
    assert contrast(b, a) == contrast(a, b)


def test_contrast_rejects_a_malformed_colour() -> None:
    with pytest.raises(ValueError, match="#RRGGBB"):
        contrast("#FFF")


@pytest.mark.parametrize("family", FAMILIES)
def test_every_style_has_contrast_and_distinct_non_colour_cues(family: str) -> None:
    styles: dict = FAMILIES[family]
    for name, style in styles.items():
        assert contrast(style.ink) >= 4.5, (family, name, style.ink)
        assert contrast(palette.OUTLINE, style.fill) >= 3 or contrast(style.fill) >= 3, name
        assert style.fill in palette.OKABE_ITO or style.fill == "#999999", (name, style.fill)
    for cue in ("symbol", "pattern", "dash", "fill"):
        values = [getattr(s, cue) for s in styles.values()]
        assert len(set(values)) == len(values), (family, cue, values)


@pytest.mark.parametrize("colour", [palette.OUTLINE, palette.TEXT, palette.MUTED,
                                    palette.REFERENCE])
def test_text_and_lines_read_on_white(colour: str) -> None:
    assert contrast(colour) >= 4.5


def test_context_lines_reach_3_to_1() -> None:
    assert contrast(palette.CONTEXT) >= 3


@pytest.mark.parametrize("fill", (*palette.OKABE_ITO, "#999999"))
def test_text_on_a_fill_reads(fill: str) -> None:
    assert contrast(palette.text_on(fill), fill) >= 4.5


def test_bar_marker_outlines_and_patterns() -> None:
    style = Style("#E69F00", "#9C6C00", "square", "/", "dot")
    marker = palette.bar_marker(style)
    assert marker["line"] == {"color": palette.OUTLINE, "width": 1}
    assert marker["pattern"]["shape"] == "/" and marker["pattern"]["fillmode"] == "overlay"
    assert "pattern" not in palette.bar_marker(style, pattern=False)
    assert palette.point_marker(style, 9) == {"symbol": "square", "size": 9,
                                              "color": "#E69F00",
                                              "line": {"color": palette.OUTLINE, "width": 1}}
    assert palette.line(style) == {"color": "#9C6C00", "dash": "dot", "width": 2}


def _funnel() -> go.Figure:
    points = pl.DataFrame({
        "municipality_code": [101, 147, 151, 153], "n": [120, 80, 60, 40],
        "share": [0.6, 0.3, 0.9, None],
        "outside_95": [False, True, True, False], "outside_998": [False, False, True, False],
    })
    curve = pl.DataFrame({"n": [10, 200], "lower_95": [0.3, 0.5], "upper_95": [0.9, 0.7],
                          "lower_998": [0.2, 0.45], "upper_998": [0.95, 0.75]})
    return charts.funnel(points, curve, 0.6, "da")


def test_funnel_points_differ_by_shape_and_are_named() -> None:
    """Inside / outside 95 % / outside 99.8 %: one legend entry each, each with its own
    marker symbol (not colour alone); the hidden municipality is not drawn."""
    points = [tr for tr in _funnel().data if tr.mode == "markers"]
    assert [tr.name for tr in points] == ["Inden for grænserne", "Uden for 95 %-grænsen",
                                          "Uden for 99,8 %-grænsen"]
    assert [tr.marker.symbol for tr in points] == ["circle", "diamond", "x"]
    assert [list(tr.x) for tr in points] == [[120], [80], [60]]
    assert all(tr.showlegend is not False for tr in points)


def test_status_map_and_bars_differ_by_shape_and_pattern() -> None:
    """The map's status markers use the palette's shapes (distinct, filled, outlined); the
    status timeline's bars carry one pattern per status and an outline."""
    from datetime import date

    from ui.rollout_map import STATUS_SYMBOLS

    assert {k: s.symbol for k, s in STATUS.items()} == STATUS_SYMBOLS
    assert not any(sym.endswith("-open") for sym in STATUS_SYMBOLS.values())
    periods = pl.DataFrame({
        "name": ["København", "Frederiksberg", "København"],
        "status": ["operating", "agreement", "implementing"],
        "valid_from": [date(2024, 7, 1), date(2026, 5, 1), date(2022, 3, 1)],
        "valid_to": [None, None, date(2024, 7, 1)],
    })
    fig = rollout_charts.timeline(periods, date(2026, 9, 30), "da")
    shapes = {tr.name: tr.marker.pattern.shape for tr in fig.data}
    assert shapes == {"Aftale": "/", "Implementering": "\\", "I drift": None}
    assert all(tr.marker.line.color == palette.OUTLINE for tr in fig.data)


def test_chart_text_is_dark_enough() -> None:
    """Titles, ticks and axis titles are set explicitly (Streamlit's chart theme would
    draw them in a faded grey)."""
    fig = _funnel()
    assert fig.layout.font.color == palette.TEXT
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        assert axis.tickfont.color == palette.MUTED and axis.title.font.color == palette.MUTED

