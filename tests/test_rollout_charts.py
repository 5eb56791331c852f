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
    fig = rollout_charts.fidelity_profile(_profile(latest, previous), "da")
    normal, action = fig.data[0], fig.data[1]
    groups, items = (list(level) for level in normal.y)
    assert len(items) == 25 and len(set(items)) == 25
    # the y axis' first level names each item's principle, in the principles' order
    assert groups == [label("principle", ITEM_PRINCIPLE[int(i.split(".")[0])], "da")
                      for i in items]
    order = [label("principle", p, "da") for p in PRINCIPLES]
    assert [order.index(g) for g in groups] == sorted(order.index(g) for g in groups)
    # items scored 1-2 in their own trace and colour, marked "⚠" (not colour alone)
    flagged = {items[k] for k, x in enumerate(action.x) if x is not None}
    assert {f.split(".")[0] for f in flagged} == {"12", "4"}
    assert action.marker.color != normal.marker.color
    assert {t for t in action.text if t} == {"⚠ 1", "⚠ 2"}
    assert sum(x is not None for x in normal.x) == 22  # 25 - 2 flagged - 1 missing
    missing = [t for t in fig.data if t.type == "scatter" and t.mode == "text"]
    assert [list(t.y[1]) for t in missing] == [[i for i in items if i.startswith("7.")]]
    diamonds = [t for t in fig.data if t.type == "scatter" and t.mode == "markers"]
    assert len(diamonds) == (previous is not None)
    if previous is not None:
        assert list(diamonds[0].x) == [3] * 25
