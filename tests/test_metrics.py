"""Every metric of contract section 4 on the tiny extract, against hand computations."""

from __future__ import annotations

import math
import statistics
from datetime import date

import polars as pl
import pytest
from fixtures import tiny_extract

from ips_data.loading.database import load_dataset
from ips_data.metrics import costs, effect, rollout
from ips_data.metrics.filters import Filters
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope

ALL = Scope.everything()  # the whole extract (no access restriction)

Z = 1.959964
IPS_WEEKS = [10, 20, 30, 40, 0, 0]
CMP_WEEKS = [5, 15, 0, 0, 0, 0]


def wilson(k, n):
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    dataset = load_dataset(tiny_extract(tmp_path_factory.mktemp("tiny")))
    yield dataset
    dataset.close()


# exact figures (as `ips-data summary --exact`): the hand computations below; the
# published (perturbed) figures are checked against hand computations in
# test_perturbation.py
FIVE = DisclosurePolicy(threshold=5, perturb=False)
THREE = DisclosurePolicy(threshold=3, perturb=False)


def _row(frame: pl.DataFrame, **where) -> dict:
    for key, value in where.items():
        frame = frame.filter(pl.col(key) == value)
    assert frame.height == 1, where
    return frame.row(0, named=True)


@pytest.mark.parametrize(("arm", "weeks", "k_end"), [("ips", IPS_WEEKS, 2),
                                                     ("comparison", CMP_WEEKS, 1)])
def test_arm_effect_at_18_months(ds, arm, weeks, k_end):
    r = _row(effect.arm_effects(ds, Filters(scope=ALL), FIVE), horizon_months=18, arm=arm)
    k_any = sum(w > 0 for w in weeks)
    assert r["n"] == 6
    assert r["job_or_education_any"] == pytest.approx(k_any / 6)
    assert (r["job_or_education_any_low"], r["job_or_education_any_high"]) == pytest.approx(
        wilson(k_any, 6))
    assert r["job_or_education_at_end"] == pytest.approx(k_end / 6)
    assert r["weeks_mean"] == pytest.approx(sum(weeks) / 6)


def test_small_arms_are_suppressed_and_not_yet_observable_counted(ds):
    five = effect.arm_effects(ds, Filters(scope=ALL), FIVE)
    assert _row(five, horizon_months=30, arm="ips")["n"] is None  # 3 persons < 5
    assert _row(five, horizon_months=30, arm="ips")["job_or_education_any"] is None
    three = effect.arm_effects(ds, Filters(scope=ALL), THREE)
    r = _row(three, horizon_months=30, arm="ips")
    assert (r["n"], r["job_or_education_at_end"], r["weeks_mean"]) == (3, 1.0, 60.0)
    # not yet observable: ips_like started 2026 → both horizons; 3 + 3 lack 30 months
    assert _row(three, horizon_months=30, arm="comparison")["not_yet_observable"] == 3
    assert _row(three, horizon_months=30, arm="ips")["not_yet_observable"] == 3
    assert _row(three, horizon_months=18, arm="ips")["not_yet_observable"] is None  # 0 < 3


def test_differences_newcombe_and_welch_by_hand(ds):
    d = effect.differences(ds, Filters(scope=ALL), FIVE)
    any_ = _row(d, horizon_months=18, measure="job_or_education_any")
    l1, u1 = wilson(4, 6)
    l2, u2 = wilson(2, 6)
    p1, p2 = 4 / 6, 2 / 6
    low = p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    assert (any_["estimate"], any_["low"], any_["high"]) == pytest.approx((p1 - p2, low, high))
    weeks = _row(d, horizon_months=18, measure="weeks_mean")
    v1, v2 = statistics.variance(IPS_WEEKS), statistics.variance(CMP_WEEKS)
    se = math.sqrt(v1 / 6 + v2 / 6)
    df = (v1 / 6 + v2 / 6) ** 2 / ((v1 / 6) ** 2 / 5 + (v2 / 6) ** 2 / 5)
    from scipy.stats import t

    est = sum(IPS_WEEKS) / 6 - sum(CMP_WEEKS) / 6
    q = t.ppf(0.975, df)
    assert (weeks["estimate"], weeks["low"], weeks["high"]) == pytest.approx(
        (est, est - q * se, est + q * se))
    assert _row(d, horizon_months=30, measure="job_or_education_any")["estimate"] is None


def test_costs_and_saving_by_hand(ds):
    arms = costs.arm_costs(ds, Filters(scope=ALL), FIVE)
    ips_totals = [100_000 + 10_000 * i + 20_000 for i in range(6)]
    cmp_totals = [150_000 + 10_000 * i + 30_000 for i in range(6)]
    assert _row(arms, horizon_months=18, arm="ips")["mean_total_dkk"] == pytest.approx(
        statistics.mean(ips_totals))
    s = _row(costs.savings(ds, Filters(scope=ALL), FIVE), horizon_months=18)
    est = statistics.mean(cmp_totals) - statistics.mean(ips_totals)
    var = statistics.variance(ips_totals)
    se = math.sqrt(2 * var / 6)
    from scipy.stats import t

    q = t.ppf(0.975, 10)  # equal variances and n: Welch df = 2(n - 1)
    assert (s["estimate"], s["low"], s["high"]) == pytest.approx((est, est - q * se,
                                                                  est + q * se))
    assert (s["total_saving_estimate"], s["total_saving_low"], s["total_saving_high"]) == \
        pytest.approx((est * 6, (est - q * se) * 6, (est + q * se) * 6))
    assert s["price_year"] == 2020


def test_cost_by_category_counts_missing_category_as_zero(ds):
    cats = costs.costs_by_category(ds, Filters(scope=ALL), FIVE)
    inpatient = _row(cats, horizon_months=18, arm="ips", category="psychiatric_inpatient")
    assert inpatient["mean_dkk"] == pytest.approx(statistics.mean(
        [100_000 + 10_000 * i for i in range(6)]))
    social = _row(cats, horizon_months=18, arm="ips", category="social_services")
    assert social["mean_dkk"] == 0.0 and social["n"] == 6


@pytest.mark.parametrize(("as_of", "status", "since", "fte", "score", "band"), [
    (date(2021, 12, 31), "agreement", date(2021, 6, 1), None, None, None),
    (date(2023, 6, 30), "implementing", date(2022, 1, 1), 2.0, 80, "fair"),
    (date(2026, 9, 30), "operating", date(2024, 1, 1), 2.0, 105, "good"),
])
def test_rollout_status_as_of(ds, as_of, status, since, fte, score, band):
    f = Filters(scope=ALL, municipalities=(101,))
    r = _row(rollout.municipality_status(ds, f, FIVE, as_of=as_of), code=101)
    assert (r["status"], r["status_since"], r["consultants_fte"]) == (status, since, fte)
    assert (r["fidelity_score"], r["fidelity_band"]) == (score, band)
    if as_of > date(2022, 1, 10):
        assert r["active_participants"] == 6  # I1..I6 started 2022-01-10, no end date
        assert r["caseload_per_fte"] == pytest.approx(6 / 2.0)
    assert r["job_or_education_any_18_ips"] == pytest.approx(4 / 6)


def test_filters_select_participants_and_outcomes_follow(ds):
    women = effect.arm_effects(ds, Filters(scope=ALL, sexes=("F",)), THREE)
    assert _row(women, horizon_months=18, arm="ips")["n"] == 3  # I2, I4, I6
    nobody = effect.arm_effects(ds, Filters(scope=ALL, start_year_from=2030), FIVE)
    assert nobody.height == 0


def test_secondary_suppression_in_municipality_list(ds):
    frame = rollout.municipality_status(ds, Filters(scope=ALL), FIVE)
    # 147 has 0 IPS persons at 18 months (primary); a hidden 0 gives nothing away and
    # protects nothing (contract 5b), so 101 is shown
    assert frame["n_ips_18"].to_list() == [6, None]
    # 147's 2 active IPS-like persons would follow from the total: 101's 6 are hidden too
    assert frame["active_participants"].to_list() == [None, None]
    assert frame["suppressed"].to_list() == [True, True]


def test_funnel_pooled_share_and_limits(ds):
    fu = effect.funnel(ds, Filters(scope=ALL), FIVE)
    assert fu.pooled_share == pytest.approx(4 / 6)
    assert fu.n_total == 6
    assert _row(fu.points, municipality_code=101)["share"] == pytest.approx(4 / 6)
    assert (fu.curve["lower_95"] <= fu.curve["upper_95"]).all()


@pytest.mark.parametrize(("threshold", "expected"), [
    (5, {"comparison": 6, "ips": 6, "ips_like": None}),
    (3, {"comparison": 6, "ips": 6, "ips_like": None}),
])
def test_participants_by_arm_is_protected(ds, threshold, expected):
    policy = DisclosurePolicy(threshold=threshold, perturb=False)
    frame = effect.participants_by_arm(ds, Filters(scope=ALL), policy)
    assert dict(frame.select("arm", "n").iter_rows()) == expected


def _welch(cmp_: list[float], ips: list[float]) -> tuple[float, float, float]:
    """Saving (comparison − IPS) and its Welch interval, by hand."""
    from scipy.stats import t

    a, b = statistics.variance(cmp_) / len(cmp_), statistics.variance(ips) / len(ips)
    df = (a + b) ** 2 / (a * a / (len(cmp_) - 1) + b * b / (len(ips) - 1))
    est = statistics.mean(cmp_) - statistics.mean(ips)
    half = t.ppf(0.975, df) * math.sqrt(a + b)
    return est, est - half, est + half


# municipality -> (IPS persons, comparison persons) with 18-month costs
@pytest.mark.parametrize(("groups", "hidden"), [
    # 147's comparison group is small: hidden, and 101 too (the next smallest), else
    # 147's counts would follow from the totals minus the rows shown
    ({101: (6, 6), 147: (5, 2), 151: (7, 7)}, {101, 147}),
    # two small rows, one without any comparison person: its 0 protects nothing, so the
    # hidden comparison persons (2) need the next smallest row (101) as well
    ({101: (6, 6), 147: (5, 2), 155: (5, 0), 151: (7, 7)}, {101, 147, 155}),
    # two small rows whose hidden comparison persons add up to the threshold
    ({101: (6, 6), 147: (5, 2), 155: (5, 3), 151: (7, 7)}, {147, 155}),
    ({101: (6, 6), 151: (7, 7)}, set()),
])
def test_savings_by_municipality_by_hand_and_suppressed_by_the_smaller_group(
        tmp_path, groups, hidden):
    from fixtures import cost, participant, write_manifest, write_table

    from ips_data.protection.disclosure import check_protected

    write_manifest(tmp_path)
    people, rows, totals = [], [], {}
    for code, sizes in groups.items():
        for arm, n, base in (("ips", sizes[0], 100_000), ("comparison", sizes[1], 140_000)):
            amounts = [base + 3_000 * i * i + code for i in range(n)]
            totals[code, arm] = amounts
            for i, amount in enumerate(amounts):
                pid = f"{arm[0].upper()}{code}-{i}"
                people.append(participant(pid, arm, code))
                rows.append(cost(pid, 18, "psychiatric_inpatient", amount))
    write_table(tmp_path, "participants", people)
    write_table(tmp_path, "costs", rows)
    write_table(tmp_path, "outcomes", [])
    dataset = load_dataset(tmp_path)
    try:
        frame = costs.savings_by_municipality(dataset, Filters(scope=ALL), FIVE, horizon=18)
    finally:
        dataset.close()
    assert frame["municipality_code"].to_list() == sorted(groups)
    for n_col in ("n_ips", "n_comparison"):
        assert check_protected(frame, policy=FIVE, n_col=n_col) == []
    for code in groups:
        r = _row(frame, municipality_code=code)
        if code in hidden:
            assert r["suppressed"], (code, frame)
            assert all(r[c] is None for c in ("n_ips", "n_comparison", "mean_ips",
                                              "mean_comparison", "estimate", "low", "high"))
            continue
        ips, cmp_ = totals[code, "ips"], totals[code, "comparison"]
        assert not r["suppressed"]
        assert (r["n_ips"], r["n_comparison"]) == (len(ips), len(cmp_))
        assert (r["mean_ips"], r["mean_comparison"]) == pytest.approx(
            (statistics.mean(ips), statistics.mean(cmp_)))
        assert (r["estimate"], r["low"], r["high"]) == pytest.approx(_welch(cmp_, ips))
        assert r["price_year"] == 2020


def test_fidelity_yearly_median_by_hand():
    reviews = pl.DataFrame({
        "name": ["A", "A", "B", "C", "A", "B"],
        "assessment_date": [date(2023, 2, 1), date(2023, 11, 1), date(2023, 5, 1),
                            date(2023, 6, 1), date(2024, 3, 1), date(2024, 4, 1)],
        "total_score": [60, 80, 90, 101, 99, 110],
    })
    median = rollout.fidelity_yearly_median(reviews)
    # 2023: A's later review (80), B 90, C 101 -> 90; 2024: A 99, B 110 -> 104.5
    assert median.to_dicts() == [
        {"year": 2023, "median": 90.0, "municipalities": 3},
        {"year": 2024, "median": 104.5, "municipalities": 2},
    ]
