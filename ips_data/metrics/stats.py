"""Interval estimates and funnel-plot control limits for IPS outcome comparisons.

Pure numpy/scipy helpers, no UI dependencies:

* :func:`wilson_interval` – Wilson score interval for one proportion.
* :func:`newcombe_difference` – Newcombe's hybrid score interval (method 10) for p1 - p2.
* :func:`welch_difference` / :func:`welch_from_samples` – Welch interval for mean1 - mean2.
* :func:`funnel_limits` – exact binomial funnel limits with Spiegelhalter (2005) interpolation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "Z95",
    "Z998",
    "Interval",
    "dersimonian_laird_tau2",
    "funnel_limits",
    "mean_intervals",
    "newcombe_difference",
    "overdispersed_limits",
    "welch_difference",
    "welch_from_samples",
    "wilson_interval",
    "winsorised",
]

#: Two-sided 95% standard-normal quantile used throughout (contract value).
Z95 = 1.959964

DEFAULT_FUNNEL_PROBS: tuple[float, ...] = (0.001, 0.025, 0.975, 0.999)


# The distribution functions come from scipy.special (what scipy.stats uses underneath):
# importing scipy.stats costs about a second at every app start. Tests compare them
# with scipy.stats. scipy.special itself is imported on first use, not with this module:
# it pulls in numpy.f2py, numpy.testing and more (~0.1 s), which a process that never
# needs a quantile (or imports it in a worker thread while others wait on DuckDB) saves.


def _t_quantile(q, df):
    """Student t quantile (scipy.stats.t.ppf)."""
    from scipy import special

    return special.stdtrit(df, q)


def _binom_cdf(k, n, p):
    """Binomial cdf P(X <= k) (scipy.stats.binom.cdf); 0 for k < 0."""
    from scipy import special

    k = np.floor(np.asarray(k, dtype=float))
    whole = np.asarray(n).astype(np.int64)  # bdtr wants integer k and n
    return np.where(k < 0, 0.0, special.bdtr(np.maximum(k, 0).astype(np.int64), whole, p))


def _binom_ppf(q: float, n, p: float):
    """Smallest k with P(X <= k) >= q, for 0 < q < 1 (scipy.stats.binom.ppf)."""
    from scipy import special

    n_arr = np.asarray(n, dtype=float)
    k = np.minimum(np.ceil(special.bdtrik(q, n_arr, p)), n_arr)
    below = np.maximum(k - 1, 0)
    return np.where(_binom_cdf(below, n_arr, p) >= q, below, k)


@dataclass(frozen=True)
class Interval:
    """A point estimate with a confidence interval ``[low, high]``."""

    estimate: float
    low: float
    high: float


def _check_counts(k: int, n: int) -> None:
    if n <= 0:
        raise ValueError(f"n must be > 0, got {n}")
    if not 0 <= k <= n:
        raise ValueError(f"k must satisfy 0 <= k <= n, got k={k}, n={n}")


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval (no continuity correction) for the proportion ``k / n``.

    Raises ``ValueError`` unless ``n > 0`` and ``0 <= k <= n``. The bounds are clipped to
    ``[0, 1]`` to remove floating-point overshoot at ``k = 0`` and ``k = n``.
    """
    _check_counts(k, n)
    p = k / n
    z2 = z * z
    denom = n + z2
    centre = (k + z2 / 2.0) / denom
    half = z * math.sqrt(n) / denom * math.sqrt(p * (1.0 - p) + z2 / (4.0 * n))
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def newcombe_difference(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> Interval:
    """Difference ``k1/n1 - k2/n2`` with Newcombe's hybrid score interval (method 10).

    Built from the two Wilson intervals ``(l1, u1)`` and ``(l2, u2)`` without continuity
    correction::

        low  = d - sqrt((p1 - l1)**2 + (u2 - p2)**2)
        high = d + sqrt((u1 - p1)**2 + (p2 - l2)**2)

    Raises ``ValueError`` if ``n1`` or ``n2`` is 0 or a count is out of range.
    """
    _check_counts(k1, n1)
    _check_counts(k2, n2)
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, z)
    l2, u2 = wilson_interval(k2, n2, z)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Interval(estimate=d, low=max(-1.0, min(low, d)), high=min(1.0, max(high, d)))


def welch_difference(
    mean1: float,
    var1: float,
    n1: int,
    mean2: float,
    var2: float,
    n2: int,
    level: float = 0.95,
) -> Interval:
    """Welch interval for ``mean1 - mean2`` from summary statistics.

    ``var1``/``var2`` are sample variances (``n - 1`` denominators). Degrees of freedom follow
    Welch–Satterthwaite and the two-sided t quantile ``1 - (1 - level) / 2`` is used (0.975 at
    the default level). Requires ``n1 >= 2`` and ``n2 >= 2``. When both variances are 0 the
    interval collapses to the estimate (``low == high == estimate``).
    """
    if n1 < 2 or n2 < 2:
        raise ValueError(f"n1 and n2 must both be >= 2, got n1={n1}, n2={n2}")
    if var1 < 0 or var2 < 0:
        raise ValueError(f"variances must be non-negative, got var1={var1}, var2={var2}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    estimate = float(mean1) - float(mean2)
    a, b = var1 / n1, var2 / n2
    se2 = a + b
    if se2 == 0.0:
        return Interval(estimate=estimate, low=estimate, high=estimate)
    df = se2**2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1))
    t = float(_t_quantile(1.0 - (1.0 - level) / 2.0, df))
    half = t * math.sqrt(se2)
    return Interval(estimate=estimate, low=estimate - half, high=estimate + half)


def welch_from_samples(x: ArrayLike, y: ArrayLike) -> Interval:
    """Welch 95% interval for ``mean(x) - mean(y)`` computed from raw samples."""
    xa = np.asarray(x, dtype=float).ravel()
    ya = np.asarray(y, dtype=float).ravel()
    if xa.size < 2 or ya.size < 2:
        raise ValueError(f"both samples need >= 2 values, got {xa.size} and {ya.size}")
    return welch_difference(
        float(xa.mean()),
        float(xa.var(ddof=1)),
        int(xa.size),
        float(ya.mean()),
        float(ya.var(ddof=1)),
        int(ya.size),
    )


def funnel_limits(
    p0: float,
    n: int | ArrayLike,
    probs: tuple[float, ...] = DEFAULT_FUNNEL_PROBS,
) -> dict[float, np.ndarray]:
    """Exact binomial funnel-plot control limits with interpolation (Spiegelhalter 2005).

    For each probability ``p`` in ``probs`` and denominator ``n``::

        r     = binom.ppf(p; n, p0)
        alpha = (F(r) - p) / (F(r) - F(r - 1))      # F = binomial cdf (n, p0)
        limit = clip((r - alpha) / n, 0, 1)

    Vectorised over ``n`` (result arrays have ``n``'s shape; a scalar ``n`` gives 0-d arrays).
    If ``F(r) == F(r - 1)`` the interpolation is skipped (``limit = r / n``). For ``p0`` of
    exactly 0 or 1 the binomial is a point mass, so every limit equals ``p0``.
    Raises ``ValueError`` if ``p0`` is outside ``[0, 1]``, any ``n < 1`` or a prob is not
    strictly between 0 and 1.
    """
    if not 0.0 <= p0 <= 1.0:
        raise ValueError(f"p0 must be in [0, 1], got {p0}")
    n_arr = np.asarray(n, dtype=float)
    if np.any(n_arr < 1) or np.any(n_arr != np.floor(n_arr)):
        raise ValueError("n must contain positive integers")
    out: dict[float, np.ndarray] = {}
    for p in probs:
        if not 0.0 < p < 1.0:
            raise ValueError(f"probs must be in (0, 1), got {p}")
        if p0 in (0.0, 1.0):
            out[p] = np.full(n_arr.shape, float(p0))
            continue
        r = _binom_ppf(p, n_arr, p0)
        f_r = _binom_cdf(r, n_arr, p0)
        f_rm1 = _binom_cdf(r - 1, n_arr, p0)
        denom = f_r - f_rm1
        safe = denom > 0
        alpha = np.where(safe, (f_r - p) / np.where(safe, denom, 1.0), 0.0)
        out[p] = np.clip((r - alpha) / n_arr, 0.0, 1.0)
    return out


def mean_intervals(mean: ArrayLike, var: ArrayLike, n: ArrayLike,
                   level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """`mean_interval` for many groups at once (one quantile call); NaN where n < 2 or the
    mean or variance is missing."""
    m = np.asarray(mean, dtype=float)
    v = np.asarray(var, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    ok = (n_arr >= 2) & np.isfinite(m) & np.isfinite(v)
    df = np.where(ok, n_arr - 1, 1.0)
    half = _t_quantile(0.5 + level / 2, df) * np.sqrt(np.maximum(np.where(ok, v, 0.0), 0.0)
                                                    / np.where(ok, n_arr, 1.0))
    return np.where(ok, m - half, np.nan), np.where(ok, m + half, np.nan)


def mean_interval(mean: float, var: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """t interval for one mean from summary statistics (sample variance, n - 1 df)."""
    if n < 2:
        raise ValueError(f"need n >= 2 for a mean interval, got {n}")
    half = float(_t_quantile(0.5 + level / 2, n - 1)) * math.sqrt(max(var, 0.0) / n)
    return mean - half, mean + half


#: Two-sided 99.8 % standard-normal quantile (contract section 4b).
Z998 = 3.090232


def winsorised(values: ArrayLike, lower: float = 0.10, upper: float = 0.90) -> np.ndarray:
    """``values`` clipped to their ``lower`` and ``upper`` quantiles, the quantiles by
    linear interpolation between order statistics (R's type 7, numpy's default)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return x
    lo, hi = np.quantile(x, [lower, upper])
    return np.clip(x, lo, hi)


def dersimonian_laird_tau2(share: ArrayLike, n: ArrayLike, p0: float) -> float:
    """Between-unit variance τ² of proportions around ``p0`` (contract section 4b, as
    NHS-R FunnelPlotR does it): z = (share − p0) / √(p0(1 − p0)/n), winsorised at the
    10th and 90th percentiles; φ = mean of the squared winsorised z over the I units;
    w = n / (p0(1 − p0)); τ² = 0 when I·φ ≤ I − 1, else
    (I·φ − (I − 1)) / (Σw − Σw² / Σw). 0 for fewer than two units or p0 of 0 or 1."""
    s = np.asarray(share, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    if s.shape != n_arr.shape:
        raise ValueError(f"share and n differ in shape: {s.shape} and {n_arr.shape}")
    units = s.size
    if units < 2 or not 0.0 < p0 < 1.0:
        return 0.0
    variance = p0 * (1.0 - p0)
    z = winsorised((s - p0) / np.sqrt(variance / n_arr))
    phi = float(np.mean(z**2))
    if units * phi <= units - 1:
        return 0.0
    w = n_arr / variance
    return float((units * phi - (units - 1)) / (w.sum() - (w**2).sum() / w.sum()))


def overdispersed_limits(p0: float, n: ArrayLike, tau2: float,
                         z: tuple[float, ...] = (Z95, Z998)) -> dict[float, tuple[np.ndarray,
                                                                                   np.ndarray]]:
    """Overdispersion-adjusted funnel limits p0 ± z·√(p0(1 − p0)/n + τ²), clipped to
    [0, 1]: {z: (lower, upper)} with arrays of ``n``'s shape."""
    n_arr = np.asarray(n, dtype=float)
    half = np.sqrt(p0 * (1.0 - p0) / n_arr + tau2)
    return {q: (np.clip(p0 - q * half, 0.0, 1.0), np.clip(p0 + q * half, 0.0, 1.0))
            for q in z}
