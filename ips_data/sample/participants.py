"""Participants: arm, municipality and course dates (stream 2), then person attributes
(stream 3).

Treated persons (arms ``ips`` and ``ips_like``) start inside an implementing/operating
segment of their municipality; comparison persons live anywhere in scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from ips_data.municipalities import MUNICIPALITIES
from ips_data.sample.dates import days
from ips_data.sample.draws import STREAM_ATTRIBUTES, STREAM_PLACEMENT, categorical, stream
from ips_data.sample.plans import HOVEDSTADEN, POPULATION_K, YOUTH_ONLY, Segments
from ips_data.sample.values import ARM_COMP, ARM_IPS, ARM_IPS_LIKE, Scale


@dataclass(frozen=True)
class Courses:
    """One entry per person: arm code, municipality and course dates (day numbers)."""

    arm: np.ndarray
    muni: np.ndarray
    start: np.ndarray
    end: np.ndarray  # 0 where end_null
    end_null: np.ndarray  # course still open at the extract date


@dataclass(frozen=True)
class Attributes:
    """One entry per person: indices into the contract value sets; one past the end = null."""

    age: np.ndarray  # AGE_BANDS
    sex: np.ndarray  # SEXES, 2 = null
    benefit: np.ndarray  # BENEFITS, 11 = null
    unit: np.ndarray  # TREATMENT_UNITS, 4 = null


def place_participants(
    seed: int,
    n: int,
    scale: Scale,
    scope: np.ndarray,
    segments: Segments,
    range_start: date,
    extract: int,
) -> Courses:
    """Draw arms, municipalities and course dates of ``n`` persons."""
    rng = stream(seed, STREAM_PLACEMENT)
    arm = _assign_arms(rng, n, scale, segments)
    muni = np.zeros(n, dtype=np.int64)
    start = np.zeros(n, dtype=np.int64)
    idx_ips = np.flatnonzero(arm == ARM_IPS)
    idx_like = np.flatnonzero(arm == ARM_IPS_LIKE)
    idx_comp = np.flatnonzero(arm == ARM_COMP)
    if idx_ips.size:
        allowed = np.ones(segments.code.shape[0], dtype=bool)
        _place_treated(rng, idx_ips, allowed, segments, scale, muni, start)
    if idx_like.size:
        _place_treated(rng, idx_like, segments.young, segments, scale, muni, start)
    _place_comparison(rng, idx_comp, arm, scope, scale, range_start, extract, muni, start)
    end, end_null = _course_end(rng, start, extract)
    return Courses(arm=arm, muni=muni, start=start, end=end, end_null=end_null)


def _assign_arms(rng: np.random.Generator, n: int, scale: Scale, segments: Segments) -> np.ndarray:
    """Arm codes in random order; nobody is treated where no municipality implements IPS."""
    treated_share = 0.45 if scale == "region" else 1 / 3
    n_treated = round(n * treated_share) if segments.code.size else 0
    n_like = round(n_treated * 0.10) if segments.young.any() else 0
    arm = np.repeat(
        np.array([ARM_IPS, ARM_IPS_LIKE, ARM_COMP], dtype=np.int8),
        [n_treated - n_like, n_like, n - n_treated],
    )
    rng.shuffle(arm)
    return arm


def _place_treated(
    rng: np.random.Generator,
    idx: np.ndarray,
    allowed: np.ndarray,
    segments: Segments,
    scale: Scale,
    muni: np.ndarray,
    start: np.ndarray,
) -> None:
    """Set ``muni`` and ``start`` of persons ``idx`` from the ``allowed`` segments.

    At region scale 85 % start in Hovedstaden and 15 % elsewhere (where possible).
    """
    if scale == "national":
        groups = [allowed]
        shares = np.array([1.0])
    else:
        groups = [allowed & segments.hovedstaden, allowed & ~segments.hovedstaden]
        shares = np.array([0.85, 0.15])
    has = np.array([g.any() for g in groups])
    if not has.any():
        raise AssertionError("no implementing segments")  # guarded by n_treated/n_like
    shares = np.where(has, shares, 0.0)
    shares /= shares.sum()
    counts = np.floor(shares * idx.shape[0]).astype(np.int64)
    counts[int(np.argmax(shares))] += idx.shape[0] - counts.sum()
    pos = 0
    for g, c in zip(groups, counts, strict=True):
        if c == 0:
            continue
        segs = np.flatnonzero(g)
        w = segments.weight[segs] / segments.weight[segs].sum()
        chosen = segs[rng.choice(segs.shape[0], size=c, p=w)]
        who = idx[pos : pos + c]
        muni[who] = segments.code[chosen]
        offset = np.floor(rng.random(c) * segments.length[chosen]).astype(np.int64)
        start[who] = segments.lo[chosen] + offset
        pos += c


def _place_comparison(
    rng: np.random.Generator,
    idx_comp: np.ndarray,
    arm: np.ndarray,
    scope: np.ndarray,
    scale: Scale,
    range_start: date,
    extract: int,
    muni: np.ndarray,
    start: np.ndarray,
) -> None:
    """Set ``muni`` and ``start`` of the comparison persons ``idx_comp``.

    Comparison persons live anywhere in scope; reference dates are half matched to the
    treated start dates, half uniform over the extract period.
    """
    weights = np.array([POPULATION_K[c] for c in scope], dtype=np.float64)
    if scale == "region":
        hov = np.array([MUNICIPALITIES[c].region_code == HOVEDSTADEN for c in scope])
        for part, share in ((hov, 0.85), (~hov, 0.15)):
            if part.any():
                weights[part] *= share / weights[part].sum()
    weights /= weights.sum()
    nc = idx_comp.shape[0]
    muni[idx_comp] = scope[rng.choice(scope.shape[0], size=nc, p=weights)]
    lo_day = days(range_start)
    uniform = lo_day + np.floor(rng.random(nc) * (extract - lo_day + 1)).astype(np.int64)
    treated = np.flatnonzero(arm != ARM_COMP)
    if treated.size:
        matched = start[treated[rng.integers(0, treated.shape[0], nc)]]
        matched = matched + np.round(rng.normal(0, 60, nc)).astype(np.int64)
        start[idx_comp] = np.where(rng.random(nc) < 0.5, matched, uniform)
    else:
        start[idx_comp] = uniform
    start[idx_comp] = np.clip(start[idx_comp], lo_day, extract)


def _course_end(
    rng: np.random.Generator, start: np.ndarray, extract: int
) -> tuple[np.ndarray, np.ndarray]:
    """Course end and its null mask.

    Typically 6-24 months; ongoing (null) when it lies after the extract date, and a few
    older courses are still open (aftercare).
    """
    n = start.shape[0]
    duration = np.clip(np.round(np.exp(rng.normal(np.log(400), 0.42, n))), 60, 1460)
    end = start + duration.astype(np.int64)
    end_null = (end > extract) | (rng.random(n) < 0.04)
    return np.where(end_null, 0, end), end_null


#: Municipalities whose populations are younger (university towns) or older (rural and
#: island municipalities) than the average: they tilt age bands and benefits, so the
#: municipalities serve different populations (the benchmark's case-mix).
YOUNG_TOWNS: tuple[int, ...] = (101, 147, 461, 751, 851)
OLD_TOWNS: tuple[int, ...] = (260, 270, 306, 316, 360, 376, 400, 482, 492, 825)
# age band probabilities (order of AGE_BANDS) of the IPS group (younger), the youth pilot,
# the comparison group (older) and Rødovre's treated (18-30 only, as its offer says)
_AGE_P = np.array(
    [
        [0.28, 0.25, 0.26, 0.13, 0.08],
        [0.62, 0.33, 0.05, 0.00, 0.00],
        [0.16, 0.17, 0.28, 0.20, 0.19],
        [0.55, 0.45, 0.00, 0.00, 0.00],
    ]
)
_AGE_TILT = np.array([[1.35, 1.2, 1.0, 0.85, 0.7], [1.0] * 5, [0.7, 0.8, 1.0, 1.2, 1.45]])
# benefits (order of BENEFITS, then null) for ages 30+ (row 0) and 18-29 (row 1)
_BEN_P = np.array(
    [
        [0.26, 0.02, 0.20, 0.08, 0.04, 0.11, 0.02, 0.06, 0.04, 0.05, 0.04, 0.08],
        [0.22, 0.30, 0.10, 0.04, 0.01, 0.06, 0.03, 0.04, 0.01, 0.08, 0.04, 0.07],
    ]
)
_CASH = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], dtype=bool)  # kontant-/uddannelseshjælp
_PENSION = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0], dtype=bool)  # førtidspension


def _profile(muni: np.ndarray) -> np.ndarray:
    """0 younger, 1 average, 2 older population, per person's municipality."""
    out = np.ones(muni.shape[0], dtype=np.int64)
    out[np.isin(muni, YOUNG_TOWNS)] = 0
    out[np.isin(muni, OLD_TOWNS)] = 2
    return out


def _benefit_table() -> np.ndarray:
    """Benefit probabilities per (young, treated, profile) = row young*6 + treated*3 +
    profile: the treated are more often on cash benefits (x1.7) and the comparison group
    less (x0.8); older municipalities have more førtidspension (x2.5)."""
    rows = []
    for young in (0, 1):
        for treated in (0, 1):
            for profile in (0, 1, 2):
                p = _BEN_P[young].copy()
                p[_CASH] *= 1.7 if treated else 0.8
                if profile == 2:
                    p[_PENSION] *= 2.5
                rows.append(p / p.sum())
    return np.array(rows)


def draw_attributes(seed: int, courses: Courses) -> Attributes:
    """Age band, sex, benefit at start and treatment unit of every person.

    Case-mix: the IPS group is younger and more often on cash benefits (kontanthjælp,
    uddannelseshjælp) than the comparison group; municipalities serve younger or older
    populations (`YOUNG_TOWNS`, `OLD_TOWNS`); Rødovre's treated are 18-29 only."""
    rng = stream(seed, STREAM_ATTRIBUTES)
    arm = courses.arm
    n = arm.shape[0]
    profile = _profile(courses.muni)
    age_group = arm.astype(np.int64)
    age_group[(arm != ARM_COMP) & (courses.muni == YOUTH_ONLY)] = 3
    age_p = np.array([_AGE_P[g] * _AGE_TILT[pr] for g in range(4) for pr in range(3)])
    age = categorical(rng, age_p, age_group * 3 + profile)
    young = (age <= 1).astype(np.int64)

    sex = categorical(rng, np.array([[0.45, 0.52, 0.03]]), np.zeros(n, dtype=np.int64))
    treated = (arm != ARM_COMP).astype(np.int64)
    ben = categorical(rng, _benefit_table(), young * 6 + treated * 3 + profile)
    unit_p = np.array(
        [
            [0.42, 0.04, 0.40, 0.09, 0.05],
            [0.18, 0.46, 0.26, 0.05, 0.05],
        ]
    )
    unit = categorical(rng, unit_p, young)
    return Attributes(age=age, sex=sex, benefit=ben, unit=unit)
