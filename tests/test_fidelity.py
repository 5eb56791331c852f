"""The IPS-25 fidelity profile (ips_data/metrics/fidelity.py) against hand-made reviews:
items grouped by the eight principles, the previous review, the action plan (items
scored 1–2), missing items, a review without item scores, one review only and an
overdue review; and the same through the SQL query on a written extract."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from fixtures import fidelity, write_manifest, write_table

from ips_data.loading.database import load_dataset
from ips_data.metrics import fidelity as fid
from ips_data.metrics.filters import Filters
from ips_data.protection.scopes import Scope
from ui.i18n import LABELS

ALL = Scope.everything()

# Two hand-made reviews of København: the earlier all 3s, the later with item k scored
# LATEST[k-1]; item 7 left unscored in the later one.
PREVIOUS = [3] * 25
LATEST = [5, 4, 4, 2, 3, 3, None, 4, 5, 4, 4, 1, 3, 3, 5, 4, 2, 3, 4, 4, 5, 3, 3, 4, 5]


def _reviews(*rows: tuple[date, int, list[int | None] | None], code: int = 101) -> pl.DataFrame:
    return pl.DataFrame(
        [{"code": code, "name": "København", "assessment_date": when, "total_score": total,
          "fidelity_band": "fair", "items": items} for when, total, items in rows],
        schema={"code": pl.Int32, "name": pl.String, "assessment_date": pl.Date,
                "total_score": pl.Int32, "fidelity_band": pl.String,
                "items": pl.List(pl.Int32)})


def test_every_item_belongs_to_exactly_one_of_the_eight_principles():
    assert len(fid.ITEMS) == 25 and len(set(fid.ITEMS)) == 25
    assert sorted(fid.ITEM_PRINCIPLE) == list(range(1, 26))
    assert set(fid.ITEM_PRINCIPLE.values()) == set(fid.PRINCIPLES)
    assert len(fid.PRINCIPLES) == 8
    # the scale's own sections: staffing 1-3, organisation 4-11, services 12-25
    sections = [fid.ITEM_SECTION[i] for i in range(1, 26)]
    assert sections == ["staffing"] * 3 + ["organisation"] * 8 + ["services"] * 14
    # single-item principles are the items that name them
    assert fid.ITEMS[12 - 1] == "work_incentives_planning"
    assert [i for i, p in fid.ITEM_PRINCIPLE.items() if p == "benefits_planning"] == [12]
    assert [i for i, p in fid.ITEM_PRINCIPLE.items() if p == "rapid_job_search"] == [15]
    # every item and principle has a Danish and an English name
    assert set(LABELS["fidelity_item"]) == set(fid.ITEMS)
    assert set(LABELS["principle"]) == set(fid.PRINCIPLES)
    for names in (*LABELS["fidelity_item"].values(), *LABELS["principle"].values()):
        assert len(names) == 2 and all(names)


def test_latest_against_previous_grouped_by_principle():
    reviews = _reviews((date(2025, 1, 10), 75, PREVIOUS), (date(2026, 2, 1), 88, LATEST))
    profile = fid.profile_from_reviews(reviews, date(2026, 9, 30))
    assert profile is not None
    assert (profile.latest_date, profile.latest_total) == (date(2026, 2, 1), 88)
    assert (profile.previous_date, profile.previous_total) == (date(2025, 1, 10), 75)
    items = profile.items
    assert items.height == 25 and sorted(items["item"]) == list(range(1, 26))
    # rows come principle by principle, in the principles' order, items ascending within
    ranks = [fid.PRINCIPLES.index(p) for p in items["principle"]]
    assert ranks == sorted(ranks)
    for principle in fid.PRINCIPLES:
        part = items.filter(pl.col("principle") == principle)["item"].to_list()
        assert part == sorted(part)
    by_item = {r["item"]: r for r in items.to_dicts()}
    for k in range(1, 26):
        row = by_item[k]
        assert row["latest"] == LATEST[k - 1] and row["previous"] == 3
        assert row["change"] == (None if LATEST[k - 1] is None else LATEST[k - 1] - 3)
        assert row["action"] == (LATEST[k - 1] is not None and LATEST[k - 1] <= 2)
        assert row["item_code"] == fid.ITEMS[k - 1]
    assert profile.missing_items == [7]
    # the action plan: items scored 1-2, lowest first
    assert profile.action_plan()["item"].to_list() == [12, 4, 17]
    assert profile.weakest(4)["item"].to_list() == [12, 4, 17, 5]
    # per principle: hand-computed means of the scored items
    means = {r["principle"]: r for r in profile.by_principle().to_dicts()}
    comp = [LATEST[i - 1] for i, p in fid.ITEM_PRINCIPLE.items()
            if p == "competitive_employment" and LATEST[i - 1] is not None]
    assert means["competitive_employment"]["latest_mean"] == pytest.approx(sum(comp) / len(comp))
    assert means["competitive_employment"]["scored"] == 7
    assert means["competitive_employment"]["items"] == 8
    assert means["integration"]["latest_mean"] == pytest.approx((2 + 3 + 3) / 3)
    assert all(r["previous_mean"] == 3 for r in means.values())
    assert not profile.overdue


def test_one_review_only_has_no_comparison():
    profile = fid.profile_from_reviews(_reviews((date(2026, 5, 1), 90, LATEST)),
                                       date(2026, 9, 30))
    assert profile.previous_date is None and profile.previous_total is None
    assert profile.items["previous"].null_count() == 25
    assert profile.items["change"].null_count() == 25
    assert profile.action_plan()["item"].to_list() == [12, 4, 17]


def test_a_review_without_item_scores_shows_the_total_only():
    reviews = _reviews((date(2025, 1, 10), 75, PREVIOUS), (date(2026, 2, 1), 88, None))
    profile = fid.profile_from_reviews(reviews, date(2026, 9, 30))
    assert not profile.has_items and profile.items.is_empty()
    assert profile.latest_total == 88 and profile.previous_total == 75
    assert profile.action_plan().is_empty() and profile.missing_items == []
    assert profile.by_principle().is_empty()
    # all 25 items null counts as "no item scores" too
    nulls = _reviews((date(2026, 2, 1), 88, [None] * 25))
    assert not fid.profile_from_reviews(nulls, date(2026, 9, 30)).has_items


@pytest.mark.parametrize(("reviewed", "as_of", "overdue", "due"), [
    (date(2025, 9, 30), date(2026, 9, 30), False, date(2026, 9, 30)),  # exactly 12 months
    (date(2025, 9, 29), date(2026, 9, 30), True, date(2026, 9, 29)),
    (date(2025, 9, 28), date(2026, 9, 30), True, date(2026, 9, 28)),  # København, sample
    (date(2026, 8, 17), date(2026, 9, 30), False, date(2027, 8, 17)),
    (date(2024, 2, 29), date(2025, 3, 1), True, date(2025, 2, 28)),  # leap day
    (date(2022, 9, 5), date(2026, 9, 30), True, date(2023, 9, 5)),
])
def test_a_review_older_than_12_months_is_overdue(reviewed, as_of, overdue, due):
    profile = fid.profile_from_reviews(_reviews((reviewed, 90, None)), as_of)
    assert profile.overdue is overdue
    assert profile.review_due == due


def test_reviews_after_the_date_are_ignored_and_none_before_gives_none():
    reviews = _reviews((date(2025, 1, 10), 75, PREVIOUS), (date(2026, 2, 1), 88, LATEST))
    earlier = fid.profile_from_reviews(reviews, date(2025, 6, 1))
    assert earlier.latest_date == date(2025, 1, 10) and earlier.previous_date is None
    assert fid.profile_from_reviews(reviews, date(2024, 12, 31)) is None
    with pytest.raises(ValueError, match="one municipality"):
        fid.profile_from_reviews(pl.concat([reviews, _reviews((date(2026, 1, 1), 80, None),
                                                              code=147)]), date(2026, 9, 30))


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2025, 1, 31), 1, date(2025, 2, 28)), (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 11, 15), 2, date(2026, 1, 15)), (date(2025, 12, 31), 12, date(2026, 12, 31)),
])
def test_add_months(day, months, expected):
    assert fid.add_months(day, months) == expected


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reviews of three municipalities: København twice (items), Frederiksberg once
    without items and overdue, Aarhus (another region) once with items."""
    data_dir = tmp_path_factory.mktemp("fidelity")
    write_manifest(data_dir)
    write_table(data_dir, "participants", [{
        "person_id": "P1", "municipality_code": 101, "arm": "ips",
        "start_date": date(2022, 1, 10), "end_date": None, "age_band": "25-29", "sex": "F",
        "benefit_at_start": None, "treatment_unit": None}])
    write_table(data_dir, "outcomes", [{
        "person_id": "P1", "horizon_months": 18, "job_or_education_any": True,
        "job_or_education_at_end": False, "weeks_job_or_education": 4, "hours_worked": None}])
    full = [4] * 20 + [5] * 5
    partial = [2 if i == 0 else None if i == 5 else 4 for i in range(25)]
    write_table(data_dir, "fidelity", [
        fidelity(101, date(2024, 3, 1), 105, full),
        fidelity(101, date(2026, 3, 1), 80, partial),
        fidelity(147, date(2025, 1, 15), 70),
        fidelity(751, date(2026, 6, 1), 105, full),
    ])
    return data_dir


def test_profile_through_the_query(extract: Path):
    ds = load_dataset(extract)
    try:
        assert ds.report.ok, [f.rejections for f in ds.report.files]
        profile = fid.fidelity_profile(ds, Filters(scope=ALL), 101)
        assert profile.name == "København" and profile.latest_total == 80
        assert profile.previous_total == 105 and profile.missing_items == [6]
        by_item = {r["item"]: r for r in profile.items.to_dicts()}
        assert by_item[1]["latest"] == 2 and by_item[1]["change"] == -2
        assert by_item[25]["change"] == -1  # 4 now, 5 before
        assert profile.action_plan()["item"].to_list() == [1]
        only = fid.fidelity_profile(ds, Filters(scope=ALL), 147)
        assert not only.has_items and only.overdue and only.previous_date is None
        assert fid.fidelity_profile(ds, Filters(scope=ALL), 265) is None  # no review
        # the area filter and the viewer's scope apply
        assert fid.fidelity_profile(ds, Filters(scope=ALL, region=1084), 751) is None
        bo = Scope.from_entries(["municipality:147"])
        assert fid.fidelity_profile(ds, Filters(scope=bo), 101) is None
        assert fid.fidelity_profile(ds, Filters(scope=bo), 147).latest_total == 70
        assert fid.reviewed_municipalities(ds, Filters(scope=bo))["code"].to_list() == [147]
        listed = fid.reviewed_municipalities(ds, Filters(scope=ALL))
        assert listed.rows() == [(101, "København", date(2026, 3, 1), False),
                                 (147, "Frederiksberg", date(2025, 1, 15), True),
                                 (751, "Aarhus", date(2026, 6, 1), False)]
        region = fid.reviewed_municipalities(ds, Filters(scope=ALL, region=1084))
        assert region["code"].to_list() == [101, 147]
    finally:
        ds.close()
