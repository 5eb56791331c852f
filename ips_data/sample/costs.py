"""Costs (stream 5): one row per person, matured horizon and category with a cost.

Mean costs per category and arm are hit exactly (per-arm rescaling); persons with a job
or education have lower employment and social costs, and a shared frailty factor links
the psychiatric categories.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ips_data.sample.draws import STREAM_COSTS, stream
from ips_data.sample.outcomes import Outcomes
from ips_data.sample.values import ARM_COMP, ARM_IPS, ARM_IPS_LIKE, COST_CATEGORIES

# --- Mean cost per person over 18 months, DKK in 2020 prices, per category and arm
# (ips, ips_like, comparison). Totals: 410,000 / 427,000 / 482,000, i.e. a saving of 72,000
# DKK with IPS (55,000 with the IPS-like course, cf. IPS enhanced) - Projekt Inklusion 2020.
_COST_MEAN_18: dict[str, tuple[float, float, float]] = {
    "psychiatric_inpatient": (128_000, 135_000, 150_000),
    "psychiatric_outpatient": (85_000, 88_000, 95_000),
    "psychiatric_emergency": (9_000, 10_000, 12_000),
    "primary_care": (15_000, 15_000, 15_000),
    "employment_services": (75_000, 82_000, 120_000),
    "social_services": (68_000, 72_000, 90_000),
    "ips_service": (30_000, 25_000, 0),
}
_COST_PRESENT: dict[str, tuple[float, float, float]] = {
    "psychiatric_inpatient": (0.33, 0.35, 0.38),
    "psychiatric_outpatient": (0.93, 0.93, 0.93),
    "psychiatric_emergency": (0.30, 0.32, 0.35),
    "primary_care": (0.96, 0.96, 0.96),
    "employment_services": (0.85, 0.87, 0.90),
    "social_services": (0.55, 0.58, 0.62),
    "ips_service": (0.97, 0.97, 0.0),
}
_COST_SIGMA = (1.1, 0.7, 0.9, 0.6, 0.8, 1.0, 0.4)
_COST_FACTOR_30 = 1.6  # 30 months cost about 1.6 times 18 months
_NO_COST_SHARE = 0.03


@dataclass(frozen=True)
class CostRows:
    """The costs table as arrays, ordered by person, horizon and category."""

    person: np.ndarray  # row number of the person in the participants table
    horizon: np.ndarray
    category: np.ndarray  # index into COST_CATEGORIES
    amount: np.ndarray


def draw_costs(seed: int, arm: np.ndarray, outcomes: Outcomes) -> CostRows:
    """Draw the cost rows of every person with costs, for each matured horizon."""
    rng = stream(seed, STREAM_COSTS)
    n = arm.shape[0]
    has_costs = rng.random(n) >= _NO_COST_SHARE
    frailty = np.exp(rng.normal(-(0.35**2) / 2, 0.35, n))
    employment = outcomes.employment
    parts = [
        _horizon_costs(rng, h, np.flatnonzero(matured & has_costs), arm, got_job, frailty, factor)
        for h, matured, got_job, factor in (
            (18, outcomes.matured18, employment.any18, 1.0),
            (30, outcomes.matured30, employment.any30, _COST_FACTOR_30),
        )
    ]
    c_person = np.concatenate([p.person for p in parts])
    c_h = np.concatenate([p.horizon for p in parts])
    c_cat = np.concatenate([p.category for p in parts])
    c_amount = np.concatenate([p.amount for p in parts])
    ncat = len(COST_CATEGORIES)
    order = np.argsort((c_person * 2 + (c_h == 30)) * ncat + c_cat, kind="stable")
    return CostRows(c_person[order], c_h[order], c_cat[order], c_amount[order])


def _horizon_costs(
    rng: np.random.Generator,
    h: int,
    idx: np.ndarray,
    arm: np.ndarray,
    got_job: np.ndarray,
    frailty: np.ndarray,
    factor: float,
) -> CostRows:
    """Cost rows of persons ``idx`` at horizon ``h``, ordered by person and category.

    ``factor`` scales the 18-month mean costs to the horizon.
    """
    ncat = len(COST_CATEGORIES)
    a = arm[idx].astype(np.int64)
    amounts = np.zeros((idx.size, ncat))
    present = np.zeros((idx.size, ncat), dtype=bool)
    for c, cat in enumerate(COST_CATEGORIES):
        p = np.array(_COST_PRESENT[cat])[a]
        present[:, c] = rng.random(idx.size) < p
        sigma = _COST_SIGMA[c]
        draw = np.exp(rng.normal(-(sigma**2) / 2, sigma, idx.size))
        if cat.startswith("psychiatric"):
            draw *= frailty[idx]
        elif cat in ("employment_services", "social_services"):
            draw *= np.where(got_job[idx], 0.7, 1.15)
        amounts[:, c] = draw
    # every person with costs has at least one row (primary care)
    present[~present.any(axis=1), COST_CATEGORIES.index("primary_care")] = True
    amounts *= present
    for c, cat in enumerate(COST_CATEGORIES):
        for arm_code in (ARM_IPS, ARM_IPS_LIKE, ARM_COMP):
            rows = a == arm_code
            total = amounts[rows, c].sum()
            if total > 0:
                target = _COST_MEAN_18[cat][arm_code] * factor * rows.sum()
                amounts[rows, c] *= target / total
    flat = np.flatnonzero(present.ravel())
    return CostRows(
        person=idx[flat // ncat],
        horizon=np.full(flat.size, h, np.int16),
        category=(flat % ncat).astype(np.int64),
        amount=np.round(amounts.ravel()[flat], 2),
    )
