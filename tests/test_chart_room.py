"""`ui.chart_room`: the margins a chart's axes need, estimated before plotly draws it.

Hand computations on tiny figures (glyph widths from the module's table), then the
dashboard's real charts in Chromium (`tests/test_browser_charts.py`)."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from ui import chart_room
from ui.chart_room import (
    BOTTOM_ONE_LINE,
    LEFT_PAD,
    ROTATED_PAD,
    SLACK,
    TICK_LINE,
    TITLE_FIRST_LINE,
    TITLE_LINE,
    WIDTHS,
    room,
    text_width,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("60", 2 * WIDTHS["6"]),
    ("IPS", WIDTHS["I"] + WIDTHS["P"] + WIDTHS["S"]),
    ("IPS<br>", WIDTHS["I"] + WIDTHS["P"] + WIDTHS["S"]),  # tags are not drawn
    ("<b>ab</b>", chart_room.BOLD_WIDTHS["a"] + chart_room.BOLD_WIDTHS["b"]),
    ("☃", chart_room.WIDEST),  # a glyph not in the table counts as the widest
])
def test_text_width_adds_the_glyphs(text: str, expected: float) -> None:
    assert text_width(text) == pytest.approx(expected)


def _typed(values: list[float]) -> dict:
    return {"dtype": "f8", "bdata": base64.b64encode(np.array(values, "f8").tobytes()).decode()}


def _bars(x, y, **layout) -> dict:
    return {"data": [{"type": "bar", "x": x, "y": y}], "layout": {"separators": ",.", **layout}}


def test_category_bars_with_a_titled_number_axis() -> None:
    spec = _bars(["IPS<br>n = 10", "Sammenligning<br>n = 12"], _typed([59.5, 46.5]),
                 yaxis={"title": {"text": "Andel (%)"}})
    # y: 59.5 × 1.1 < 100 → two digits, "99"; one title line
    left = 2 * WIDTHS["9"] + LEFT_PAD + TITLE_FIRST_LINE["l"] + SLACK
    # x: two-line category labels, no title
    bottom = BOTTOM_ONE_LINE + TICK_LINE + SLACK
    assert room(spec) == {"l": int(np.ceil(left)), "b": int(np.ceil(bottom)),
                          "r": chart_room.DEFAULT_RIGHT}


def test_horizontal_bars_take_their_widest_category_and_grouped_numbers() -> None:
    spec = {"data": [{"type": "bar", "orientation": "h", "x": [120000.0, 9000.0],
                      "y": ["Almen praksis", "Beskæftigelsesindsats"]}],
            "layout": {"separators": ",.", "xaxis": {"tickformat": ",.0f",
                                                     "title": {"text": "Kr.<br>pr. person"}}}}
    left = text_width("Beskæftigelsesindsats") + LEFT_PAD + SLACK
    label = text_width("999.999")  # 132,000 has six digits, grouped with "."
    bottom = BOTTOM_ONE_LINE + TITLE_FIRST_LINE["b"] + TITLE_LINE + SLACK
    assert room(spec) == {"l": int(np.ceil(left)), "b": int(np.ceil(bottom)),
                          "r": int(np.ceil(max(chart_room.DEFAULT_RIGHT, label / 2 + 4 + SLACK)))}


def test_error_bars_and_a_fixed_range_decide_the_number_labels() -> None:
    spec = _bars(["a"], [9.0])
    spec["data"][0]["error_y"] = {"array": [2.0]}  # 11 × 1.1: two digits
    assert room(spec)["l"] == int(np.ceil(text_width("99") + LEFT_PAD + SLACK))
    spec["layout"]["yaxis"] = {"range": [0, 100]}  # ticks stay inside a fixed range
    assert room(spec)["l"] == int(np.ceil(text_width("999") + LEFT_PAD + SLACK))


def test_large_numbers_in_plotlys_default_format_and_negatives() -> None:
    spec = _bars(["a", "b"], [-5.0, 63305.0])
    assert room(spec)["l"] == int(np.ceil(text_width("−99k") + LEFT_PAD + SLACK))


def test_turned_year_labels_need_their_width_below_and_half_a_line_on_the_right() -> None:
    spec = _bars([2015, 2026], [1.0, 2.0], xaxis={"tickangle": -90, "title": {"text": "År"}})
    bottom = text_width("9999") + ROTATED_PAD + TITLE_FIRST_LINE["b"] + SLACK
    assert room(spec)["b"] == int(np.ceil(bottom))
    assert room(spec)["r"] == chart_room.ROTATED_RIGHT + SLACK  # half a turned line


@pytest.mark.parametrize(("spec", "sides"), [
    # a legend under the plot: its rows depend on the width the browser gives the chart
    ({"data": [{"type": "bar", "x": [1], "y": ["a"], "name": "A"},
               {"type": "bar", "x": [2], "y": ["a"], "name": "B"}],
      "layout": {"legend": {"y": -0.12}}}, {"l", "r"}),
    # dates on x: plotly may draw them on two lines
    ({"data": [{"type": "scatter", "x": ["2020-01-01", "2021-01-01"], "y": [1, 2]}],
      "layout": {}}, {"l"}),
    # a map, a second axis: not estimated at all
    ({"data": [{"type": "choropleth", "z": [1]}], "layout": {}}, set()),
    ({"data": [{"type": "scatter", "x": [1], "y": [1], "yaxis": "y2"}], "layout": {}}, set()),
])
def test_sides_that_are_not_estimated_are_left_to_automargin(spec: dict, sides: set) -> None:
    assert set(room(spec)) == sides


def _arms(names: list[str], legend: dict, **layout) -> dict:
    """Grouped horizontal bars, one trace per name (a cost chart by category and arm)."""
    return {"data": [{"type": "bar", "orientation": "h", "x": [1000.0], "y": ["a"],
                      "name": name} for name in names],
            "layout": {"separators": ",.", "legend": legend, **layout}}


BOTTOM = {**chart_room.BOTTOM_LEGEND, "x": 0}


@pytest.mark.parametrize(("names", "layout", "rows"), [
    (["IPS (n = 10)", "Sammenligning (n = 12)"], {}, 2),
    (["IPS", "IPS-lignende", "Sammenligning"], {}, 3),
    (["IPS"], {"showlegend": True}, 1),  # one trace shows a legend only when asked
    (["IPS"], {}, 0),
    (["IPS", "Sammenligning"], {"showlegend": False}, 0),
])
def test_a_legend_at_the_bottom_adds_a_row_per_entry_under_the_x_axis(
        names: list[str], layout: dict, rows: int) -> None:
    axis_only = room(_arms(names, {}, **layout))["b"]  # legend above the plot: no room
    spec = _arms(names, BOTTOM, **layout)
    legend = chart_room.LEGEND_PAD + chart_room.LEGEND_ROW * rows if rows else 0
    assert room(spec)["b"] == axis_only + legend


@pytest.mark.parametrize("legend", [
    BOTTOM | {"orientation": "h"},  # rows depend on the width: not estimated
    BOTTOM | {"y": 0.02},  # not at the very bottom: not estimated
])
def test_other_legends_at_the_bottom_are_left_to_automargin(legend: dict) -> None:
    assert "b" not in room(_arms(["IPS", "Sammenligning"], legend))


def _timeline(start: str, days: int) -> dict:
    """A Gantt chart as the rollout page draws it: bars from a start date, x in ms."""
    return {"data": [{"type": "bar", "orientation": "h", "y": ["Aarhus", "Odense"],
                      "base": [start, start], "x": [days * 86_400_000, 30 * 86_400_000]}],
            "layout": {"xaxis": {"type": "date"}}}


def test_a_timeline_over_years_has_one_line_of_years_or_months() -> None:
    spec = _timeline("2015-03-01", 11 * 365)
    assert room(spec)["b"] == int(np.ceil(BOTTOM_ONE_LINE + SLACK))
    assert room(spec)["r"] == int(np.ceil(text_width("Sep 2026") / 2 + 4 + SLACK))
    # dates as x values count the same way
    dates = {"data": [{"type": "scatter", "x": ["2015-01-01", "2019-06-30"], "y": [1, 2]}],
             "layout": {}}
    assert "b" in room(dates)


def test_a_timeline_of_months_is_left_to_automargin() -> None:
    """Under YEAR_TICKS years plotly may mark days, in two lines."""
    assert set(room(_timeline("2025-01-01", 2 * 365))) == {"l"}


def test_a_log_axis_takes_a_little_more_room_below() -> None:
    linear = {"data": [{"type": "scatter", "x": [5.0, 2000.0], "y": [1.0, 2.0]}],
              "layout": {"xaxis": {"title": {"text": "n"}}}}
    log = {**linear, "layout": {"xaxis": {"title": {"text": "n"}, "type": "log"}}}
    assert room(log)["b"] == room(linear)["b"] + chart_room.LOG_EXTRA


def test_legend_groups_are_listed_apart() -> None:
    """A funnel: two limit levels (a lower and an upper line each, one legend entry per
    level) and two kinds of marker without a group: four entries in four groups."""
    lines = [{"type": "scatter", "x": [1.0, 2.0], "y": [1.0, 2.0], "name": level,
              "legendgroup": level, "showlegend": side == "lower"}
             for level in ("95 %", "99,8 %") for side in ("lower", "upper")]
    markers = [{"type": "scatter", "x": [1.0], "y": [1.0], "name": name}
               for name in ("Over", "Under")]
    spec = {"data": lines + markers, "layout": {"legend": BOTTOM}}
    axis_only = room({**spec, "layout": {}})["b"]
    rows = chart_room.LEGEND_PAD + 4 * chart_room.LEGEND_ROW + 3 * chart_room.GROUP_GAP
    assert room(spec)["b"] == axis_only + rows
    # one group of two shown entries: no gap between them
    same = [dict(t, showlegend=True) for t in lines[:2]]
    assert chart_room.bottom_legend_height({}, same) == (chart_room.LEGEND_PAD
                                                         + 2 * chart_room.LEGEND_ROW)


def test_a_two_line_legend_entry_is_left_to_automargin() -> None:
    assert "b" not in room(_arms(["IPS<br>n = 10", "Sammenligning"], BOTTOM))


def test_reserve_only_ever_widens_a_margin() -> None:
    spec = _bars(["a"], [1.0], margin={"l": 300, "b": 10, "t": 60})
    out = chart_room.reserve(spec)
    assert out["layout"]["margin"]["l"] == 300  # wider than needed: kept
    assert out["layout"]["margin"]["b"] == room(spec)["b"] > 10
    assert out["layout"]["margin"]["t"] == 60
    assert spec["layout"]["margin"]["b"] == 10  # the given spec is not changed
