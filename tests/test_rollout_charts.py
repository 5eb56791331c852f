"""The rollout page's fidelity trend (ui/rollout_charts.py); the map is tested in
tests/test_rollout_map.py."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ips_data.municipalities import MUNICIPALITIES
from ui import rollout_charts


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


def _profile(latest: list[int | None], previous: list[int] | None):
    from ips_data.metrics.fidelity import profile_from_reviews

    rows = [(date(2026, 2, 1), 88, latest)]
    if previous is not None:
        rows.insert(0, (date(2025, 2, 1), 75, previous))
    frame = pl.DataFrame(
        [{"code": 101, "name": "København", "assessment_date": d, "total_score": s,
          "fidelity_band": "fair", "items": items} for d, s, items in rows],
        schema={"code": pl.Int32, "name": pl.String, "assessment_date": pl.Date,
                "total_score": pl.Int32, "fidelity_band": pl.String,
                "items": pl.List(pl.Int32)})
    return profile_from_reviews(frame, date(2026, 9, 30))


@pytest.mark.parametrize("previous", [[3] * 25, None], ids=["two reviews", "one review"])
def test_fidelity_profile_groups_items_by_principle(previous):
    from ips_data.metrics.fidelity import ITEM_PRINCIPLE, PRINCIPLES
    from ui.i18n import label

    latest = [4] * 25
    latest[11], latest[3], latest[6] = 1, 2, None  # items 12 and 4 on the plan, 7 missing
    profile = _profile(latest, previous)
    fig = rollout_charts.fidelity_profile(profile, "da")
    order = list(fig.layout.yaxis.categoryarray)
    headings = [c for c in order if c.startswith("<b>")]
    assert headings == [f"<b>{label('principle', p, 'da')}</b>" for p in PRINCIPLES]
    items = [c for c in order if not c.startswith("<b>")]
    assert len(items) == 25 and len(set(items)) == 25
    # every item sits under the heading of its principle
    heading = None
    for category in order:
        if category.startswith("<b>"):
            heading = category
            continue
        number = int(category.split(".")[0])
        assert heading == f"<b>{label('principle', ITEM_PRINCIPLE[number], 'da')}</b>"
    normal, action = fig.data[0], fig.data[1]
    # items scored 1-2 in their own trace and colour, marked "⚠" (not colour alone)
    assert {c.split(".")[0] for c in action.y} == {"12", "4"}
    assert action.marker.color != normal.marker.color
    assert sorted(action.text) == ["⚠ 1", "⚠ 2"]
    assert len(normal.y) == 22  # 25 - 2 flagged - 1 missing
    assert list(normal.x) == [4] * 22
    missing = [t for t in fig.data if t.type == "scatter" and t.mode == "text"]
    assert [list(t.y) for t in missing] == [[i for i in items if i.startswith("7.")]]
    diamonds = [t for t in fig.data if t.type == "scatter" and t.mode == "markers"]
    assert len(diamonds) == (previous is not None)
    if previous is not None:
        assert list(diamonds[0].x) == [3] * 25
        assert list(diamonds[0].y) == [c for c in items]  # same rows as the bars
