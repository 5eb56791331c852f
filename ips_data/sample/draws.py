"""Seeded random streams and the vectorised draw helpers built on them.

Every part of the extract draws from its own stream (``stream(seed, k)``), so the
order of draws inside one part is all that fixes its values.
"""

from __future__ import annotations

import numpy as np

# Stream numbers, one per part of the extract.
STREAM_PLANS = 1
STREAM_PLACEMENT = 2
STREAM_ATTRIBUTES = 3
STREAM_OUTCOMES = 4
STREAM_COSTS = 5
STREAM_ROLLOUT = 6
STREAM_FIDELITY = 7
STREAM_PERSON_IDS = 8


def stream(seed: int, number: int) -> np.random.Generator:
    """The random generator of stream ``number`` for ``seed``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, number])))


def categorical(rng: np.random.Generator, probs: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Draw one category per row; ``probs[g]`` is the distribution for group g."""
    cum = np.cumsum(np.asarray(probs, dtype=np.float64), axis=1)
    cum /= cum[:, -1:]
    u = rng.random(group.shape[0])
    out = np.zeros(group.shape[0], dtype=np.int8)
    for k in range(cum.shape[1] - 1):  # loop over categories, not persons
        out += (u >= cum[group, k]).astype(np.int8)
    return out


def top_k(idx: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """The k members of ``idx`` with the largest score (ties broken by position)."""
    k = max(0, min(int(k), idx.shape[0]))
    if k == 0:
        return idx[:0]
    order = np.argsort(-score[idx], kind="stable")
    return idx[order[:k]]
