"""The rollout map at regional and national scale (ui/rollout_charts.py)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ips_data.municipalities import MUNICIPALITIES
from ui import rollout_charts
from ui.rollout_charts import MAX_BUBBLE_PX, MIN_BUBBLE_PX, bubble_sizes, status_map

# Coordinates only the test gives (the product knows those of Region Hovedstaden only)
ELSEWHERE = {851: (57.05, 9.92), 751: (56.16, 10.20), 461: (55.40, 10.39)}


def _frame(codes: list[int], active: dict[int, int | None] | None = None) -> pl.DataFrame:
    active = active or {}
    rows = []
    for c in codes:
        m = MUNICIPALITIES[c]
        lat, lon = ELSEWHERE.get(c, (m.lat, m.lon))
        rows.append({"code": c, "name": m.name, "region_code": m.region_code, "lat": lat,
                     "lon": lon, "status": "operating", "status_since": date(2024, 1, 1),
                     "active_participants": active.get(c, 10)})
    return pl.DataFrame(rows)


HOVEDSTADEN = [c for c, m in MUNICIPALITIES.items() if m.region_code == 1084]
NORDJYLLAND = [c for c, m in MUNICIPALITIES.items() if m.region_code == 1081]


@pytest.mark.parametrize(("codes", "shown", "bornholm_at", "labelled"), [
    (HOVEDSTADEN, 29, (12.85, 56.02), True),  # beside the capital area
    (HOVEDSTADEN + list(ELSEWHERE), 32, (12.45, 57.35), True),  # wider: in the Kattegat
    (list(MUNICIPALITIES), 32, (12.45, 57.35), True),  # the others have no coordinates
    ([c for c in HOVEDSTADEN if c != 400] + list(ELSEWHERE), 31, None, True),
])
def test_map_fits_the_municipalities_shown(codes, shown, bornholm_at, labelled):
    fig = status_map(_frame(codes), date(2026, 9, 30), "da", "<5")
    xs = [x for trace in fig.data for x in trace.x]
    ys = [y for trace in fig.data for y in trace.y]
    assert len(xs) == shown
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    assert all(x0 < x < x1 for x in xs) and all(y0 < y < y1 for y in ys)
    # the view is no wider than the points need (a regional map is not all of Denmark)
    assert x1 - x0 < max(xs) - min(xs) + 1 and y1 - y0 < max(ys) - min(ys) + 1
    points = set(zip(xs, ys, strict=True))
    if bornholm_at is not None:
        bornholm = MUNICIPALITIES[400]
        assert bornholm_at in points and (bornholm.lon, bornholm.lat) not in points
    assert all(("text" in trace.mode) == labelled for trace in fig.data)


def test_names_only_on_hover_when_many_municipalities(monkeypatch):
    monkeypatch.setattr(rollout_charts, "LABELLED_UP_TO", 20)
    fig = status_map(_frame(HOVEDSTADEN), date(2026, 9, 30), "da", "<5")
    assert all(trace.mode == "markers" for trace in fig.data)


def test_bubbles_scale_to_the_largest_shown_and_stay_bounded():
    sizes = bubble_sizes([0, None, 1, 100, 10_000])
    assert sizes[0] == sizes[1] == MIN_BUBBLE_PX  # none, or suppressed
    assert sizes[-1] == MAX_BUBBLE_PX
    assert MIN_BUBBLE_PX < sizes[2] < sizes[3] < sizes[4]
    # area proportional to the count: 100 persons have a tenth of the largest's radius
    grow = MAX_BUBBLE_PX - MIN_BUBBLE_PX
    assert sizes[3] - MIN_BUBBLE_PX == pytest.approx(grow / 10)
    assert bubble_sizes([None, None]) == [MIN_BUBBLE_PX] * 2
    national = status_map(_frame(list(MUNICIPALITIES), {101: 40_000}), date(2026, 9, 30),
                          "da", "<5")
    assert max(s for trace in national.data for s in trace.marker.size) == MAX_BUBBLE_PX


def _reviews(n: int) -> pl.DataFrame:
    names = [MUNICIPALITIES[c].name for c in sorted(MUNICIPALITIES)[:n]]
    return pl.DataFrame([{"name": name, "assessment_date": date(2020 + k, 3, 1),
                          "total_score": 70 + i + 5 * k, "fidelity_band": "fair"}
                         for i, name in enumerate(names) for k in range(3)])


@pytest.mark.parametrize(("n", "legend_lines", "median"), [(3, 3, False), (8, 8, False),
                                                           (9, 0, True), (60, 0, True)])
def test_fidelity_trend_is_readable_for_many_municipalities(n, legend_lines, median):
    fig = rollout_charts.fidelity_trend(_reviews(n), "da")
    named = [trace for trace in fig.data if trace.showlegend is not False]
    assert len(named) == legend_lines + median
    assert len(fig.data) == n + median  # every municipality stays on the chart
    if median:
        assert list(fig.data[-1].y) == [70 + (n - 1) / 2 + 5 * k for k in range(3)]
