"""Chart helpers (ui/charts.py): titles are wrapped, never cut off; the difference chart
shows zero and every interval."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import pytest

from ui.charts import difference_forest, layout, wrap

LONG = ("Andel i job/uddannelse på et tidspunkt inden for 18 måneder efter gruppe "
        "(95 %-KI)")


@pytest.mark.parametrize("width", [20, 32, 48, 90])
def test_wrap_keeps_every_word_and_the_width(width):
    wrapped = wrap(LONG, width)
    lines = wrapped.split("<br>")
    assert " ".join(lines).replace("\u00a0", " ") == LONG
    assert all(not line.endswith("95") for line in lines)  # "95 %" stays together
    assert all(len(line) <= width for line in lines)
    assert (len(lines) > 1) == (len(LONG) > width)


def test_a_wrapped_title_gets_room_above_the_plot():
    one = layout(go.Figure(), "Kort titel", "da", None, None)
    three = layout(go.Figure(), LONG, "da", None, None, width=32)
    assert three.layout.title.text.count("<br>") == 2
    assert three.layout.margin.t - one.layout.margin.t == 2 * 20
    assert three.layout.height - one.layout.height == 2 * 20


@pytest.mark.parametrize(("estimates", "lows", "highs"), [
    ([0.13, 0.11], [0.127, 0.107], [0.133, 0.113]),  # national: narrow, far from zero
    ([0.05], [-0.02], [0.12]),                        # crosses zero
    ([-0.04, -0.06], [-0.09, -0.1], [0.01, -0.02]),   # negative
])
def test_difference_chart_shows_zero_and_every_interval(estimates, lows, highs):
    frame = pl.DataFrame({
        "measure": ["job_or_education_any"] * len(estimates),
        "horizon_months": [18, 30][:len(estimates)], "estimate": estimates, "low": lows,
        "high": highs, "n_ips": [100] * len(estimates), "n_comparison": [200] * len(estimates),
    })
    fig = difference_forest(frame, "job_or_education_any", "da")
    x0, x1 = fig.layout.xaxis.range
    for value in [0.0] + [v * 100 for v in lows + highs]:
        assert x0 < value < x1
