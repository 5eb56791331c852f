"""An independent re-implementation of contract section 5b for tests: what the published
(perturbed) figures of a set of persons must be, computed with hashlib and fractions
straight from the contract's wording (not from `ips_data.protection.perturbation`)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from fractions import Fraction

from conftest import TEST_SECRET


def secret() -> str:
    return os.environ.get("IPS_PERTURBATION_KEY") or TEST_SECRET


def r(person_id: str, kind: str = "n") -> Fraction:
    """The record key in [0, 1): first 8 bytes of SHA-256(secret ‖ kind ‖ id) / 2⁶⁴."""
    digest = hashlib.sha256((secret() + kind + person_id).encode("utf-8")).digest()
    return Fraction(int.from_bytes(digest[:8], "big"), 2**64)


def kappa(person_ids: Iterable[str], kind: str = "n") -> Fraction:
    total = sum((r(p, kind) for p in person_ids), Fraction(0))
    return total - (total.numerator // total.denominator)


def v(k: Fraction) -> int:
    if k < Fraction(5, 100):
        return -2
    if k < Fraction(25, 100):
        return -1
    if k < Fraction(75, 100):
        return 0
    if k < Fraction(95, 100):
        return 1
    return 2


def count(person_ids: Iterable[str]) -> int:
    """c′ = c + v(κ); 0 stays 0."""
    ids = list(person_ids)
    return 0 if not ids else len(ids) + v(kappa(ids))


def total(values: Mapping[str, float]) -> Fraction:
    """S′ = S + v(κ′) · 0.1 · max(x) over the persons of `values` (id → x)."""
    if not values:
        return Fraction(0)
    s = sum((Fraction(x) for x in values.values()), Fraction(0))
    return s + v(kappa(values, "s")) * Fraction(1, 10) * max(Fraction(x) for x in values.values())


def mean(values: Mapping[str, float]) -> float:
    """S′ / n′ of a cell whose persons and values are `values`."""
    return float(total(values) / count(values))
