"""Rollout plans: each municipality's status history, and where treated persons can start.

A plan is the list of (month index, status) events of one municipality. Region scale
covers Region Hovedstaden (whose psychiatry has spread IPS since 2022) plus a handful of
municipalities elsewhere that started in 2013-2018; national scale covers all 98.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ips_data.municipalities import HOVEDSTADEN_COLLABORATING, MUNICIPALITIES
from ips_data.sample.dates import month_index as _mi
from ips_data.sample.dates import month_start_days
from ips_data.sample.draws import STREAM_PLANS, stream
from ips_data.sample.values import Scale

HOVEDSTADEN = 1084  # region code

# --- Reference facts (copied from /work/shared/reference.md, "Rollout in Region Hovedstaden"):
# the region's psychiatry has spread IPS since 2022 and collaborates with 12 municipalities,
# Tårnby together with Dragør; implementation takes 2-3 years; Rødovre offers IPS to ages
# 18-30 only.
# fmt: off
_COLLABORATIONS: tuple[tuple[int, ...], ...] = (
    (101,), (147,), (151,), (153,), (161,), (165,), (167,), (175,), (185, 155), (217,),
    (219,), (250,),
)
# fmt: on
assert sorted(c for g in _COLLABORATIONS for c in g) == sorted(HOVEDSTADEN_COLLABORATING)
YOUTH_ONLY = 175  # Rødovre
#: Municipalities outside Hovedstaden used at region scale; they started IPS 2013-2018.
_EARLY_OTHER: tuple[int, ...] = (751, 461, 851, 265, 316)  # Aarhus, Odense, Aalborg, ...
_EARLY_STOPPED = 316  # Holbæk: the one "stopped" history at region scale

# Rough populations in thousands (rounded; only sampling weights, not published figures).
# fmt: off
POPULATION_K: dict[int, float] = {
    # Hovedstaden
    101: 660, 147: 105, 151: 52, 153: 39, 155: 14, 157: 75, 159: 70, 161: 24, 163: 30,
    165: 28, 167: 55, 169: 57, 173: 57, 175: 41, 183: 24, 185: 44, 187: 17, 190: 42,
    201: 26, 210: 41, 217: 64, 219: 53, 223: 25, 230: 57, 240: 44, 250: 46, 260: 32,
    270: 42, 400: 39,
    # Sjælland
    253: 51, 259: 62, 265: 90, 269: 24, 306: 33, 316: 73, 320: 38, 326: 49, 329: 36,
    330: 80, 336: 23, 340: 30, 350: 28, 360: 40, 370: 84, 376: 60, 390: 46,
    # Syddanmark
    410: 39, 420: 41, 430: 52, 440: 24, 450: 32, 461: 210, 479: 59, 480: 30, 482: 12,
    492: 6, 510: 56, 530: 27, 540: 74, 550: 37, 561: 116, 563: 3.5, 573: 50, 575: 43,
    580: 59, 607: 52, 621: 95, 630: 122,
    # Midtjylland
    615: 99, 657: 90, 661: 59, 665: 19, 671: 21, 706: 44, 707: 37, 710: 50, 727: 23,
    730: 99, 740: 98, 741: 3.7, 746: 65, 751: 370, 756: 42, 760: 56, 766: 48, 779: 46,
    791: 98,
    # Nordjylland
    773: 20, 787: 43, 810: 36, 813: 59, 820: 36, 825: 1.8, 840: 31, 846: 41, 849: 38,
    851: 222, 860: 64,
}
# fmt: on


@dataclass
class Plan:
    """Rollout history of one municipality."""

    code: int
    target_group: str
    events: list[tuple[int, str]] = field(default_factory=list)  # (month index, status)


def rollout_plans(seed: int, scale: Scale, extract_mi: int) -> list[Plan]:
    """The plans in scope, sorted by code, with only the events up to the extract month."""
    rng = stream(seed, STREAM_PLANS)
    # every history starts with a not_started row at the beginning of the extract period
    plans = _hovedstaden_plans(rng, _mi(2012, 1) if scale == "region" else _mi(2014, 1))
    plans += (
        _early_other_plans(rng) if scale == "region" else _national_other_plans(rng, extract_mi)
    )
    plans.sort(key=lambda p: p.code)
    for p in plans:  # keep only what has happened by the extract date
        p.events = [(mi, s) for mi, s in sorted(p.events) if mi <= extract_mi]
    return [p for p in plans if p.events]


def _hovedstaden_plans(rng: np.random.Generator, baseline: int) -> list[Plan]:
    codes = sorted(c for c, m in MUNICIPALITIES.items() if m.region_code == HOVEDSTADEN)
    both = {101, 147, 167}
    plans = {
        c: Plan(c, "youth" if c == YOUTH_ONLY else ("both" if c in both else "adults"))
        for c in codes
    }
    for p in plans.values():
        p.events.append((baseline, "not_started"))
    # København first, the other collaborations in random order (the region's rollout began
    # in 2022).
    rest = list(_COLLABORATIONS[1:])
    order = [_COLLABORATIONS[0]] + [rest[i] for i in rng.permutation(len(rest))]
    # agreements 2022-01 .. 2024-07, so every collaboration is implementing by 2024-12
    lo, hi = _mi(2022, 1), _mi(2024, 7)
    for i, group in enumerate(order):
        agreement = lo + round(i * 31 / (len(order) - 1)) + int(rng.integers(-1, 2))
        agreement = min(max(agreement, lo), hi)
        implementing = agreement + int(rng.integers(2, 6))
        operating = implementing + int(rng.integers(24, 37))  # 2-3 years
        for code in group:
            plans[code].events += [
                (agreement, "agreement"),
                (implementing, "implementing"),
                (operating, "operating"),
            ]
    others = [c for c in codes if c not in HOVEDSTADEN_COLLABORATING]
    for j in rng.permutation(len(others))[:5]:
        plans[others[j]].events.append((int(rng.integers(_mi(2025, 1), _mi(2026, 7))), "agreement"))
    return [plans[c] for c in codes]


def _early_other_plans(rng: np.random.Generator) -> list[Plan]:
    """Region scale: a handful of municipalities elsewhere that started in 2013-2018."""
    plans = []
    lo = _mi(2013, 1)
    for i, code in enumerate(_EARLY_OTHER):
        implementing = lo + i * 15 + int(rng.integers(0, 10))
        agreement = implementing - int(rng.integers(2, 7))
        operating = implementing + int(rng.integers(24, 37))
        target = "both" if code in (751, 461, 851) else "adults"
        p = Plan(
            code,
            target,
            [
                (_mi(2012, 1), "not_started"),
                (agreement, "agreement"),
                (implementing, "implementing"),
                (operating, "operating"),
            ],
        )
        if code == _EARLY_STOPPED:
            p.events.append((operating + int(rng.integers(18, 49)), "stopped"))
        plans.append(p)
    return plans


def _national_other_plans(rng: np.random.Generator, extract_mi: int) -> list[Plan]:
    """National scale outside Hovedstaden: implementation starts spread over 2015-2026."""
    codes = sorted(c for c, m in MUNICIPALITIES.items() if m.region_code != HOVEDSTADEN)
    plans = []
    lo, hi = _mi(2015, 1), max(_mi(2015, 1), min(_mi(2026, 7), extract_mi))
    stoppable = []
    for code in codes:
        u = float(rng.random())
        target = "both" if rng.random() < 0.25 else "adults"
        p = Plan(code, target, [(_mi(2014, 1), "not_started")])
        if u < 0.86:
            implementing = int(rng.integers(lo, hi + 1))
            operating = implementing + int(rng.integers(24, 37))
            p.events += [
                (implementing - int(rng.integers(2, 7)), "agreement"),
                (implementing, "implementing"),
                (operating, "operating"),
            ]
            if operating <= _mi(2022, 12):
                stoppable.append(p)
        elif u < 0.94:
            p.events.append((int(rng.integers(_mi(2025, 1), _mi(2026, 9))), "agreement"))
        plans.append(p)
    for j in sorted(rng.permutation(len(stoppable))[:2]):
        p = stoppable[j]
        p.events.append((p.events[-1][0] + int(rng.integers(12, 49)), "stopped"))
    return plans


@dataclass(frozen=True)
class Segments:
    """Periods in which a municipality is implementing/operating, one entry per period.

    Treated persons start only inside them.
    """

    code: np.ndarray  # municipality code
    lo: np.ndarray  # first day number
    length: np.ndarray  # days
    weight: np.ndarray  # sampling weight
    young: np.ndarray  # the target group includes the young
    hovedstaden: np.ndarray  # the municipality lies in Region Hovedstaden


def treatment_segments(plans: list[Plan], extract: int) -> Segments:
    """The implementing/operating periods of ``plans``, cut at the extract date."""
    seg_code, seg_lo, seg_hi, seg_w, seg_young = [], [], [], [], []
    for p in plans:
        for k, (mi, status) in enumerate(p.events):
            if status not in ("implementing", "operating"):
                continue
            lo = month_start_days(mi)
            hi = month_start_days(p.events[k + 1][0]) - 1 if k + 1 < len(p.events) else extract
            hi = min(hi, extract)
            if hi < lo:
                continue
            seg_code.append(p.code)
            seg_lo.append(lo)
            seg_hi.append(hi)
            intensity = 0.6 if status == "implementing" else 1.0
            # population ** 0.75 so that København does not swamp the region
            seg_w.append(POPULATION_K[p.code] ** 0.75 * (hi - lo + 1) * intensity)
            seg_young.append(p.target_group in ("youth", "both"))
    lo_a = np.array(seg_lo, dtype=np.int64)
    return Segments(
        code=np.array(seg_code, dtype=np.int64),
        lo=lo_a,
        length=np.array(seg_hi, dtype=np.int64) - lo_a + 1,
        weight=np.array(seg_w, dtype=np.float64),
        young=np.array(seg_young, dtype=bool),
        hovedstaden=np.array(
            [MUNICIPALITIES[c].region_code == HOVEDSTADEN for c in seg_code], dtype=bool
        ),
    )
