"""Outcomes (stream 4): job or education at 18 and 30 months, calibrated per arm.

Latent employability on the log-odds scale: municipality effect (sd 0.25), age band
(younger do better), benefit at start, and logistic noise; each arm's threshold is set by
rank, so the shares and mean weeks per arm hit the targets exactly on the whole sample.
Because the IPS group is younger than the comparison group (participants.py), the crude
difference overstates the effect built in (`true_att_any18`). Rows exist only for
horizons that have fully elapsed by the extract date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ips_data.municipalities import MUNICIPALITIES
from ips_data.sample.dates import matured
from ips_data.sample.draws import STREAM_OUTCOMES, stream, top_k
from ips_data.sample.participants import Attributes, Courses
from ips_data.sample.values import ARM_COMP, ARM_IPS, ARM_IPS_LIKE

# --- Outcome targets per arm (ips, ips_like, comparison); sources in the package docstring.
# 18 m any and weeks, 30 m at end: STAR. 18 m at end and 30 m any are plausible fillers
# (the 30-month register follow-up reports 65 % / 53 % ever employed or in education).
_ANY_18 = (0.595, 0.570, 0.465)
_END_18 = (0.410, 0.385, 0.310)
_WEEKS_18 = (20.1, 19.2, 17.2)
_ANY_30 = (0.660, 0.635, 0.550)
_END_30 = (0.380, 0.355, 0.270)


@dataclass(frozen=True)
class Employment:
    """Per person: in job or education at any time / at the end, and weeks (18 months)."""

    any18: np.ndarray
    end18: np.ndarray
    any30: np.ndarray
    end30: np.ndarray
    weeks18: np.ndarray


@dataclass(frozen=True)
class OutcomeRows:
    """The outcomes table as arrays: one row per person and matured horizon."""

    person: np.ndarray  # row number of the person in the participants table
    horizon: np.ndarray
    any: np.ndarray
    at_end: np.ndarray
    weeks: np.ndarray
    hours: np.ndarray
    hours_null: np.ndarray


@dataclass(frozen=True)
class Outcomes:
    """What later parts need: matured horizons and employment per person, the municipality
    effects (fidelity follows them) and the table rows."""

    matured18: np.ndarray
    matured30: np.ndarray
    employment: Employment
    muni_effect: dict[int, float]
    rows: OutcomeRows
    true_att_any18: float | None  # see `true_att_any18`


def draw_outcomes(seed: int, courses: Courses, attributes: Attributes, extract: int) -> Outcomes:
    """Draw and calibrate the outcomes of every person."""
    rng = stream(seed, STREAM_OUTCOMES)
    all_codes = np.array(sorted(MUNICIPALITIES), dtype=np.int64)
    muni_std = rng.normal(0, 1, all_codes.shape[0])
    muni_effect = dict(zip(all_codes.tolist(), (0.25 * muni_std).tolist(), strict=True))
    lookup = np.zeros(1000)
    lookup[all_codes] = 0.25 * muni_std
    age_eff = np.array([0.15, 0.10, 0.0, -0.15, -0.40])
    ben_eff = np.array([-0.10, 0.10, -0.40, -0.20, -0.10, 0.20, 0.10, 0.40, -0.60, 0.50, 0.0, 0.0])
    n = courses.arm.shape[0]
    x = lookup[courses.muni] + age_eff[attributes.age] + ben_eff[attributes.benefit]
    z = x + rng.logistic(0, 1, n)
    m18 = matured(courses.start, 18, extract)
    m30 = matured(courses.start, 30, extract)
    employment = _calibrated_employment(rng, z, courses.arm, m18, m30)
    weeks30 = _weeks_30(rng, employment)
    rows = _outcome_rows(rng, m18, m30, employment, weeks30)
    truth = true_att_any18(x, z, courses.arm, m18, employment.any18)
    return Outcomes(m18, m30, employment, muni_effect, rows, truth)


def true_att_any18(x: np.ndarray, z: np.ndarray, arm: np.ndarray, m18: np.ndarray,
                   any18: np.ndarray) -> float | None:
    """The effect the generator builds in: job or education within 18 months is
    1{x + ε > τ_arm} with ε standard logistic, x the person's municipality, age and
    benefit effects, and τ_arm the arm's threshold set by rank (the lowest z that counts
    as a success). So an IPS person's chance is σ(x − τ_ips) with IPS and σ(x − τ_cmp)
    without; the true ATT is the mean of the difference over the IPS persons with an
    18-month row. None when an arm has no success at 18 months."""
    ips = m18 & (arm == ARM_IPS)
    cmp_ = m18 & (arm == ARM_COMP)
    if not (any18 & ips).any() or not (any18 & cmp_).any():
        return None
    tau_ips = z[any18 & ips].min()
    tau_cmp = z[any18 & cmp_].min()

    def sigmoid(v: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-v))

    return float(np.mean(sigmoid(x[ips] - tau_ips) - sigmoid(x[ips] - tau_cmp)))


def _calibrated_employment(
    rng: np.random.Generator, z: np.ndarray, arm: np.ndarray, m18: np.ndarray, m30: np.ndarray
) -> Employment:
    """Flags and 18-month weeks whose per-arm shares and means hit the targets."""
    n = z.shape[0]
    any18 = np.zeros(n, dtype=bool)
    end18 = np.zeros(n, dtype=bool)
    any30 = np.zeros(n, dtype=bool)
    end30 = np.zeros(n, dtype=bool)
    noise_end18 = z + rng.logistic(0, 1, n)
    noise_any30 = z + rng.logistic(0, 1, n)
    noise_end30 = z + rng.logistic(0, 1, n)
    base_weeks = rng.gamma(1.6, 1.0, n) * np.exp(0.35 * np.clip(z, -6, 6))
    weeks18 = np.zeros(n, dtype=np.int64)
    for a in (ARM_IPS, ARM_IPS_LIKE, ARM_COMP):
        pop18 = np.flatnonzero(m18 & (arm == a))
        if pop18.size:
            any18[top_k(pop18, z, round(_ANY_18[a] * pop18.size))] = True
            pos = pop18[any18[pop18]]
            end18[top_k(pos, noise_end18, round(_END_18[a] * pop18.size))] = True
            weeks18[pos] = _calibrate_weeks(
                base_weeks[pos] * np.where(end18[pos], 1.7, 1.0), _WEEKS_18[a] * pop18.size
            )
        pop30 = np.flatnonzero(m30 & (arm == a))
        if pop30.size:
            any30[pop30] = any18[pop30]
            need = round(_ANY_30[a] * pop30.size) - int(any30[pop30].sum())
            if need > 0:
                any30[top_k(pop30[~any18[pop30]], noise_any30, need)] = True
            pos30 = pop30[any30[pop30]]
            score = noise_end30 + 1.5 * end18
            end30[top_k(pos30, score, round(_END_30[a] * pop30.size))] = True
    return Employment(any18=any18, end18=end18, any30=any30, end30=end30, weeks18=weeks18)


def _calibrate_weeks(base: np.ndarray, target_sum: float) -> np.ndarray:
    """Weeks 1..78 proportional to ``base`` whose sum is as close as possible to target."""
    if base.size == 0:
        return base.astype(np.int64)

    def weeks(s: float) -> np.ndarray:
        return np.clip(np.round(s * base), 1, 78).astype(np.int64)

    lo, hi = 0.0, 1.0
    while weeks(hi).sum() < target_sum and hi < 1e6:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        if weeks(mid).sum() < target_sum:
            lo = mid
        else:
            hi = mid
    return weeks(hi)


def _weeks_30(rng: np.random.Generator, e: Employment) -> np.ndarray:
    """30-month weeks = 18-month weeks + weeks in months 19-30 (0..52).

    More for people in work at month 18 and at month 30.
    """
    n = e.any18.shape[0]
    state = e.end18.astype(np.int64) + e.end30.astype(np.int64)
    frac = np.select(
        [state == 2, state == 1],
        [rng.beta(5, 1.5, n), rng.beta(2, 2, n)],
        rng.beta(1, 4, n),
    )
    extra = np.round(52 * frac).astype(np.int64)
    extra = np.where(e.end30 | (e.any30 & ~e.any18), np.maximum(extra, 1), extra)
    extra = np.where(e.any30, extra, 0)
    return np.where(e.any30, e.weeks18 + extra, 0)


def _outcome_rows(
    rng: np.random.Generator,
    m18: np.ndarray,
    m30: np.ndarray,
    e: Employment,
    weeks30: np.ndarray,
) -> OutcomeRows:
    """Hours worked, and the rows of both horizons ordered by person, then horizon."""
    n = m18.shape[0]
    hours_per_week = np.clip(rng.gamma(4.0, 4.5, n), 2.0, 37.0)
    hours18 = np.round(e.weeks18 * hours_per_week, 1)
    hours30 = np.round(weeks30 * hours_per_week, 1)

    o_idx18 = np.flatnonzero(m18)
    o_idx30 = np.flatnonzero(m30)
    o_person = np.concatenate([o_idx18, o_idx30])
    o_h = np.concatenate([np.full(o_idx18.size, 18, np.int16), np.full(o_idx30.size, 30, np.int16)])
    is30 = o_h == 30
    order = np.argsort(o_person * 2 + is30, kind="stable")
    o_person, o_h, is30 = o_person[order], o_h[order], is30[order]
    return OutcomeRows(
        person=o_person,
        horizon=o_h,
        any=np.where(is30, e.any30[o_person], e.any18[o_person]),
        at_end=np.where(is30, e.end30[o_person], e.end18[o_person]),
        weeks=np.where(is30, weeks30[o_person], e.weeks18[o_person]).astype(np.int16),
        hours=np.where(is30, hours30[o_person], hours18[o_person]),
        hours_null=rng.random(o_person.size) < 0.08,
    )
