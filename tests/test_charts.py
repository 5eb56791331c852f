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


@pytest.mark.parametrize("rows", [3, 20, 29, 98])
def test_saving_by_municipality_chart_stays_readable_and_compact(rows):
    """At least 20 px per municipality (a marker and its interval), and a national list
    of 98 is not the ~4,000 px it was at 40 px a row."""
    from ips_data.municipalities import MUNICIPALITIES
    from ui.charts import municipality_savings

    codes = sorted(MUNICIPALITIES)[:rows]
    frame = pl.DataFrame({"municipality_code": codes, "estimate": [50_000.0] * rows,
                          "low": [40_000.0] * rows, "high": [60_000.0] * rows,
                          "n_ips": [100] * rows, "n_comparison": [200] * rows})
    fig = municipality_savings(frame, 18, 2020, "da")
    plot_height = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert plot_height / rows >= 20
    assert fig.layout.height <= 140 + 40 * rows and (rows <= 20 or fig.layout.height < 2500)
