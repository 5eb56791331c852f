"""Rollout status rows (stream 6) and IPS-25 fidelity reviews (stream 7) per municipality."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ips_data.municipalities import MUNICIPALITIES
from ips_data.sample.dates import month_start_days
from ips_data.sample.draws import STREAM_FIDELITY, STREAM_ROLLOUT, stream
from ips_data.sample.participants import Courses
from ips_data.sample.plans import Plan
from ips_data.sample.values import ARM_COMP

_UNIT_TEMPLATES = (
    "F-ACT {n}; OPUS {n}",
    "F-ACT {n}",
    "Distriktspsykiatrien {n}; OPUS {n}",
    "Psykiatrisk Center {n}; F-ACT {n}",
)


@dataclass(frozen=True)
class RolloutRows:
    """The rollout table as columns: one row per plan event."""

    code: list[int]
    status: list[str]
    valid_from: list[int]  # day numbers
    fte: list[float | None]  # consultant full-time equivalents
    target_group: list[str | None]
    units: list[str | None]


@dataclass(frozen=True)
class FidelityRows:
    """The fidelity table as columns: one row per review."""

    code: list[int]
    date: list[int]  # day numbers
    score: list[int]
    items: list[np.ndarray | None]  # 25 item scores, or None when not reported


def rollout_rows(seed: int, plans: list[Plan], courses: Courses, extract: int) -> RolloutRows:
    """One row per plan event; consultant FTEs follow the active treated caseload."""
    rng = stream(seed, STREAM_ROLLOUT)
    treated_idx = np.flatnonzero(courses.arm != ARM_COMP)
    t_order = np.argsort(courses.muni[treated_idx], kind="stable")
    t_idx = treated_idx[t_order]
    t_muni = courses.muni[t_idx]
    r_code, r_status, r_from, r_fte, r_target, r_units = [], [], [], [], [], []
    for p in plans:
        name = MUNICIPALITIES[p.code].name
        caseload = float(rng.uniform(11, 23))
        units = _UNIT_TEMPLATES[int(rng.integers(0, len(_UNIT_TEMPLATES)))].format(n=name)
        lo_i, hi_i = np.searchsorted(t_muni, [p.code, p.code + 1])
        who = t_idx[lo_i:hi_i]
        p_start = courses.start[who]
        p_end = np.where(courses.end_null[who], np.iinfo(np.int64).max, courses.end[who])
        for k, (mi, status) in enumerate(p.events):
            vf = month_start_days(mi)
            fte: float | None = None
            if status in ("implementing", "operating"):
                at = min(
                    extract,
                    month_start_days(p.events[k + 1][0]) - 1 if k + 1 < len(p.events) else extract,
                )
                active = int(((p_start <= at) & (p_end >= at)).sum())
                fte = max(0.5, round(active / caseload * 2) / 2)
                if rng.random() < 0.12:
                    fte = None
            elif status == "stopped":
                fte = 0.0
            r_code.append(p.code)
            r_status.append(status)
            r_from.append(vf)
            r_fte.append(fte)
            r_target.append(None if status == "not_started" else p.target_group)
            r_units.append(units if status in ("implementing", "operating") else None)
    return RolloutRows(r_code, r_status, r_from, r_fte, r_target, r_units)


def fidelity_rows(
    seed: int, plans: list[Plan], muni_effect: dict[int, float], extract: int
) -> FidelityRows:
    """Yearly reviews from the start of implementation until the extract date or a stop.

    Scores rise towards a municipality-specific cap (correlated with its outcome effect);
    the municipality that has implemented longest reaches 118-123.
    """
    rng = stream(seed, STREAM_FIDELITY)
    f_code, f_date, f_score, f_items = [], [], [], []
    item_weight = rng.uniform(0.6, 1.4, 25)
    longest = min(
        (p for p in plans if any(s == "implementing" for _, s in p.events)),
        key=lambda p: next(mi for mi, s in p.events if s == "implementing"),
        default=None,
    )
    for p in plans:
        impl = [mi for mi, s in p.events if s == "implementing"]
        if not impl:
            continue
        first = month_start_days(impl[0])
        stops = [mi for mi, s in p.events if s == "stopped"]
        last = min(extract, month_start_days(stops[0]) - 1) if stops else extract
        start_score = float(rng.normal(64, 6))
        std_eff = muni_effect[p.code] / 0.25
        cap = 108 + 8 * (0.5 * std_eff + 0.866 * float(rng.normal()))
        if p is longest:
            cap = float(rng.uniform(118, 123))
        cap = min(max(cap, 85.0), 123.0)
        tau = float(rng.uniform(1.5, 3.0))
        day = first + int(rng.integers(150, 300))
        while day <= last:
            years = (day - first) / 365.25
            score = cap - (cap - start_score) * np.exp(-years / tau) + rng.normal(0, 3)
            total = int(np.clip(round(score), 25, 125))
            f_code.append(p.code)
            f_date.append(day)
            f_score.append(total)
            f_items.append(None if rng.random() < 0.12 else _split_items(rng, total, item_weight))
            day += int(rng.integers(330, 401))
    return FidelityRows(f_code, f_date, f_score, f_items)


def _split_items(rng: np.random.Generator, total: int, weight: np.ndarray) -> np.ndarray:
    """25 IPS-25 item scores in 1..5 that sum exactly to ``total`` (25..125)."""
    extra = total - 25
    w = weight * rng.gamma(4.0, 0.25, 25)
    alloc = np.minimum(np.floor(extra * w / w.sum()), 4).astype(np.int64)
    rest = extra - int(alloc.sum())
    priority = np.argsort(-(w * rng.random(25)), kind="stable")
    while rest > 0:  # at most 25 steps per pass, a few passes per review
        for j in priority:
            if rest == 0:
                break
            if alloc[j] < 4:
                alloc[j] += 1
                rest -= 1
    return alloc + 1
