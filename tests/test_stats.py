"""Tests for ips_data.metrics.stats against statsmodels/scipy oracles and hand computations."""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from ips_data.metrics.stats import (
    Z95,
    Interval,
    funnel_limits,
    mean_interval,
    mean_intervals,
    newcombe_difference,
    welch_difference,
    welch_from_samples,
    wilson_interval,
)

# statsmodels uses the exact normal quantile; the contract fixes z = 1.959964, which moves
# bounds by ~1e-8. Oracle comparisons run with both: exact z (tight) and Z95 (loose).
Z_EXACT = float(sps.norm.ppf(0.975))
TIGHT = 1e-12
LOOSE = 1e-7


def test_z95_constant() -> None:
    assert Z95 == 1.959964
    assert abs(Z95 - Z_EXACT) < 1e-6


# --------------------------------------------------------------------------- Wilson

WILSON_CASES = [
    (0, 1),
    (1, 1),
    (0, 20),
    (20, 20),
    (7, 20),
    (1, 2),
    (3, 10),
    (50, 100),
    (1, 500),
    (499, 500),
]


@pytest.mark.parametrize(("k", "n"), WILSON_CASES)
@pytest.mark.parametrize(("z", "tol"), [(Z_EXACT, TIGHT), (Z95, LOOSE)])
def test_wilson_matches_statsmodels(k: int, n: int, z: float, tol: float) -> None:
    low, high = wilson_interval(k, n, z)
    ref_low, ref_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert low == pytest.approx(ref_low, abs=tol)
    assert high == pytest.approx(ref_high, abs=tol)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_wilson_hand_computed_7_of_20() -> None:
    k, n, z = 7, 20, 1.959964
    p = k / n  # 0.35
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = (z / (1 + z**2 / n)) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    low, high = wilson_interval(k, n)
    assert low == pytest.approx(centre - half, abs=1e-12)
    assert high == pytest.approx(centre + half, abs=1e-12)
    assert low == pytest.approx(0.181192, abs=5e-7)
    assert high == pytest.approx(0.567146, abs=5e-7)


@pytest.mark.parametrize(("k", "n"), [(0, 0), (1, 0), (-1, 5), (6, 5), (0, -3)])
def test_wilson_rejects_bad_counts(k: int, n: int) -> None:
    with pytest.raises(ValueError):
        wilson_interval(k, n)


# --------------------------------------------------------------------------- Newcombe

NEWCOMBE_CASES = [
    (30, 120, 18, 130),  # textbook example
    (18, 130, 30, 120),
    (0, 10, 0, 10),
    (10, 10, 0, 10),
    (0, 10, 10, 10),
    (0, 1, 1, 1),
    (1, 1, 0, 1),
    (1, 1, 1, 1),
    (0, 1, 0, 5),
    (5, 5, 5, 5),
    (3, 7, 250, 500),
    (0, 500, 500, 500),
    (56, 70, 48, 80),
]


@pytest.mark.parametrize(("k1", "n1", "k2", "n2"), NEWCOMBE_CASES)
@pytest.mark.parametrize(("z", "tol"), [(Z_EXACT, TIGHT), (Z95, LOOSE)])
def test_newcombe_matches_statsmodels(
    k1: int, n1: int, k2: int, n2: int, z: float, tol: float
) -> None:
    res = newcombe_difference(k1, n1, k2, n2, z)
    ref_low, ref_high = confint_proportions_2indep(k1, n1, k2, n2, compare="diff", method="newcomb")
    assert res.estimate == pytest.approx(k1 / n1 - k2 / n2, abs=1e-15)
    assert res.low == pytest.approx(ref_low, abs=tol)
    assert res.high == pytest.approx(ref_high, abs=tol)


def test_newcombe_known_example_hand_values() -> None:
    res = newcombe_difference(30, 120, 18, 130)
    assert res.estimate == pytest.approx(30 / 120 - 18 / 130, abs=1e-15)
    assert res.low == pytest.approx(0.013457, abs=5e-6)
    assert res.high == pytest.approx(0.209166, abs=5e-6)


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2"), [(0, 0, 1, 2), (1, 2, 0, 0), (3, 2, 1, 2), (1, 2, -1, 2)]
)
def test_newcombe_rejects_bad_counts(k1: int, n1: int, k2: int, n2: int) -> None:
    with pytest.raises(ValueError):
        newcombe_difference(k1, n1, k2, n2)


@st.composite
def _two_samples(draw: st.DrawFn) -> tuple[int, int, int, int]:
    n1 = draw(st.integers(1, 500))
    n2 = draw(st.integers(1, 500))
    return draw(st.integers(0, n1)), n1, draw(st.integers(0, n2)), n2


@settings(max_examples=300, deadline=None)
@given(_two_samples())
def test_newcombe_property_bounds(case: tuple[int, int, int, int]) -> None:
    res = newcombe_difference(*case)
    assert -1.0 <= res.low <= res.estimate <= res.high <= 1.0
    assert not any(math.isnan(v) for v in (res.estimate, res.low, res.high))


def test_interval_is_frozen() -> None:
    iv = Interval(estimate=0.1, low=0.0, high=0.2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        iv.low = -1.0  # type: ignore[misc]


# --------------------------------------------------------------------------- Welch

WELCH_CASES = [
    # seed, n1, n2, mean1, sd1, mean2, sd2
    (1, 2, 2, 0.0, 1.0, 0.0, 1.0),
    (2, 5, 40, 10.0, 2.0, 8.0, 9.0),
    (3, 30, 30, 1.0, 1.0, 1.5, 1.0),
    (4, 200, 17, -3.0, 0.1, -2.0, 5.0),
    (5, 1000, 999, 50.0, 12.0, 49.0, 3.0),
    (6, 3, 250, 0.0, 100.0, 0.0, 0.01),
]


@pytest.mark.parametrize(("seed", "n1", "n2", "m1", "s1", "m2", "s2"), WELCH_CASES)
def test_welch_matches_scipy(
    seed: int, n1: int, n2: int, m1: float, s1: float, m2: float, s2: float
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(m1, s1, n1)
    y = rng.normal(m2, s2, n2)
    ci = sps.ttest_ind(x, y, equal_var=False).confidence_interval(confidence_level=0.95)
    res = welch_from_samples(x, y)
    scale = max(1.0, abs(ci.low), abs(ci.high))
    assert res.estimate == pytest.approx(x.mean() - y.mean(), abs=1e-12 * scale)
    assert res.low == pytest.approx(ci.low, abs=1e-9 * scale)
    assert res.high == pytest.approx(ci.high, abs=1e-9 * scale)
    summary = welch_difference(x.mean(), x.var(ddof=1), n1, y.mean(), y.var(ddof=1), n2)
    assert summary == res


@pytest.mark.parametrize(("level", "seed"), [(0.90, 11), (0.99, 12)])
def test_welch_other_levels_match_scipy(level: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x, y = rng.normal(0, 1, 12), rng.normal(0.5, 3, 25)
    ci = sps.ttest_ind(x, y, equal_var=False).confidence_interval(confidence_level=level)
    res = welch_difference(x.mean(), x.var(ddof=1), 12, y.mean(), y.var(ddof=1), 25, level)
    assert res.low == pytest.approx(ci.low, abs=1e-9)
    assert res.high == pytest.approx(ci.high, abs=1e-9)


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [([2.0, 2.0, 2.0], [5.0, 5.0], -3.0), ([1.5, 1.5], [1.5, 1.5, 1.5, 1.5], 0.0)],
)
def test_welch_zero_variance_collapses(x: list[float], y: list[float], expected: float) -> None:
    res = welch_from_samples(x, y)
    assert res == Interval(expected, expected, expected)
    direct = welch_difference(2.0, 0.0, 3, 5.0, 0.0, 2)
    assert (direct.estimate, direct.low, direct.high) == (-3.0, -3.0, -3.0)


def test_welch_one_zero_variance_is_finite() -> None:
    res = welch_difference(1.0, 0.0, 10, 0.0, 4.0, 5)
    # df = n2 - 1 = 4 when group 1 has no spread
    half = sps.t.ppf(0.975, 4) * math.sqrt(4.0 / 5)
    assert res.low == pytest.approx(1.0 - half, abs=1e-12)
    assert res.high == pytest.approx(1.0 + half, abs=1e-12)


@pytest.mark.parametrize(("n1", "n2"), [(1, 5), (5, 1), (0, 0)])
def test_welch_requires_two_per_group(n1: int, n2: int) -> None:
    with pytest.raises(ValueError):
        welch_difference(0.0, 1.0, n1, 0.0, 1.0, n2)


# --------------------------------------------------------------------------- Funnel

PROBS = (0.001, 0.025, 0.975, 0.999)


def _reference_limit(p0: Fraction, n: int, p: Fraction) -> float:
    """Scalar Spiegelhalter limit with the binomial cdf in exact rational arithmetic."""
    cdf = Fraction(0)
    prev = Fraction(0)
    for r in range(n + 1):
        prev = cdf
        cdf += math.comb(n, r) * p0**r * (1 - p0) ** (n - r)
        if cdf >= p:
            break
    alpha = (cdf - p) / (cdf - prev) if cdf != prev else Fraction(0)
    return min(1.0, max(0.0, float((r - alpha) / n)))


def test_funnel_check_values_p02_n100() -> None:
    lim = funnel_limits(0.2, 100)
    rounded = [round(float(lim[p]), 3) for p in PROBS]
    # (r - alpha)/n for 0.975 is 0.276476..., i.e. 0.276 at 3 decimals.
    assert rounded == [0.081, 0.120, 0.276, 0.327]
    exact = [_reference_limit(Fraction(1, 5), 100, Fraction(str(p))) for p in PROBS]
    assert [float(lim[p]) for p in PROBS] == pytest.approx(exact, abs=1e-12)


@pytest.mark.parametrize("p0", [0.05, 0.3, 0.595])
@pytest.mark.parametrize("n", [1, 2, 5, 17, 50, 233, 1000])
def test_funnel_matches_scalar_reference(p0: float, n: int) -> None:
    lim = funnel_limits(p0, np.array([n]))
    for p in PROBS:
        ref = _reference_limit(Fraction(str(p0)), n, Fraction(str(p)))
        assert lim[p].shape == (1,)
        assert float(lim[p][0]) == pytest.approx(ref, abs=1e-9), (p0, n, p)


@pytest.mark.parametrize("p0", [0.05, 0.2, 0.3, 0.595, 0.9])
def test_funnel_vectorised_equals_scalar_calls(p0: float) -> None:
    ns = np.array([5, 17, 50, 233, 1000])
    vec = funnel_limits(p0, ns)
    for i, n in enumerate(ns):
        one = funnel_limits(p0, int(n))
        for p in PROBS:
            assert vec[p].shape == ns.shape
            assert float(one[p]) == float(vec[p][i])


@pytest.mark.parametrize("p0", [0.05, 0.2, 0.3, 0.595, 0.9])
def test_funnel_monotone_towards_p0(p0: float) -> None:
    # Lower limits are monotone in n even at unit steps; upper limits still show small
    # discreteness wiggles at unit steps, so they are checked on a coarse grid.
    dense = np.arange(1, 1001)
    lower = funnel_limits(p0, dense, probs=(0.001, 0.025))
    for p in (0.001, 0.025):
        assert np.all(np.diff(lower[p]) >= -1e-12)
    coarse = np.array([5, 17, 50, 233, 1000, 10000])
    lim = funnel_limits(p0, coarse)
    assert np.all(np.diff(lim[0.001]) >= 0) and np.all(np.diff(lim[0.025]) >= 0)
    assert np.all(np.diff(lim[0.975]) <= 0) and np.all(np.diff(lim[0.999]) <= 0)
    assert np.all(lim[0.001] <= lim[0.025]) and np.all(lim[0.025] <= p0)
    assert np.all(p0 <= lim[0.975]) and np.all(lim[0.975] <= lim[0.999])
    # converges towards p0 (normal-approximation width at n = 10000)
    width = 3.3 * math.sqrt(p0 * (1 - p0) / 10000) + 1e-4
    assert abs(lim[0.001][-1] - p0) < width and abs(lim[0.999][-1] - p0) < width


@pytest.mark.parametrize("p0", [0.001, 0.02, 0.5, 0.98, 0.999])
def test_funnel_clipped_to_unit_interval(p0: float) -> None:
    lim = funnel_limits(p0, np.arange(1, 300))
    for v in lim.values():
        assert np.all(np.isfinite(v))
        assert np.all((v >= 0.0) & (v <= 1.0))


@pytest.mark.parametrize("p0", [0.0, 1.0])
def test_funnel_degenerate_p0_no_nan(p0: float) -> None:
    ns = np.array([1, 2, 10, 100, 5000])
    lim = funnel_limits(p0, ns)
    assert set(lim) == set(PROBS)
    for v in lim.values():
        assert not np.any(np.isnan(v))
        np.testing.assert_array_equal(v, np.full(ns.shape, p0))


@pytest.mark.parametrize(
    ("p0", "n", "probs"),
    [
        (-0.1, 10, PROBS),
        (1.1, 10, PROBS),
        (0.5, 0, PROBS),
        (0.5, [5, 0], PROBS),
        (0.5, 2.5, PROBS),
        (0.5, 10, (0.0,)),
        (0.5, 10, (1.0,)),
    ],
)
def test_funnel_rejects_bad_input(p0: float, n: object, probs: tuple[float, ...]) -> None:
    with pytest.raises(ValueError):
        funnel_limits(p0, n, probs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("mean", "var", "n"), [
    (10.0, 4.0, 2), (3.5, 0.0, 10), (52.0, 300.0, 1000), (1.0, 2.0, 1), (None, None, 5),
    (7.0, None, 3),
])
def test_mean_intervals_agree_with_the_one_group_version(mean, var, n) -> None:
    low, high = mean_intervals([np.nan if mean is None else mean],
                               [np.nan if var is None else var], [n])
    if n < 2 or mean is None or var is None:
        assert np.isnan(low[0]) and np.isnan(high[0])
    else:
        assert (low[0], high[0]) == pytest.approx(mean_interval(mean, var, n), rel=1e-12)


@pytest.mark.parametrize("p0", [0.001, 0.05, 0.2, 0.5, 0.73, 0.999])
@pytest.mark.parametrize("q", [0.001, 0.025, 0.5, 0.975, 0.999])
def test_binomial_and_t_functions_equal_scipy_stats(p0: float, q: float) -> None:
    """stats uses scipy.special directly (scipy.stats is slow to import): same values."""
    from scipy import stats as sps

    from ips_data.metrics.stats import _binom_cdf, _binom_ppf, _t_quantile

    n = np.array([1, 2, 3, 5, 10, 37, 100, 999, 5000, 123457])
    if q != 0.5:  # at 0.5 and p0 0.5 the cdf hits q exactly: both libraries round either way
        assert np.array_equal(_binom_ppf(q, n, p0), sps.binom.ppf(q, n, p0))
    k = np.array([-1, 0, 1, 2, 7, 50, 4000])
    # cephes (special.bdtr) and Boost (stats.binom) differ in the last digits
    assert np.allclose(_binom_cdf(k, 5000, p0), sps.binom.cdf(k, 5000, p0), rtol=1e-9,
                       atol=0)
    df = np.array([1.0, 2.5, 10.0, 99.0, 1e6])
    assert np.allclose(_t_quantile(q, df), sps.t.ppf(q, df), rtol=1e-12)
