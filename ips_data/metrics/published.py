"""From a query's exact cell figures to the published ones (contract section 5b).

The queries return exact counts and exact integer/decimal sums with their cell keys
(see `ips_data.protection.perturbation`). Here they become what a viewer may see:
published counts c′ (a numerator kept within [0, n′] so a share stays a proportion),
published totals S′, means S′ / n′, and the exact within-cell sample variance (from
n, Σx and Σx², in exact rational arithmetic). The exact counts stay in ``<count>_exact``
columns for the disclosure rules and are dropped before a frame leaves the engine
(`finish`).

Everything is computed in integers and fractions and converted to float once, so the
same input, secret and options give the same bits: no float sum depends on the order
in which DuckDB's threads added the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import polars as pl

from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.perturbation import (
    EXACT_SUFFIX,
    KEY_SUFFIX,
    MAX_SUFFIX,
    publish_counts,
    publish_totals,
)


def sample_variance(n: Sequence[int | None], total: Sequence[object],
                    total_sq: Sequence[object]) -> list[float | None]:
    """Exact sample variance (n − 1 denominator) from n, Σx and Σx² (integers or
    decimals): (n·Σx² − (Σx)²) / (n(n − 1)); None where n < 2."""
    out: list[float | None] = []
    for count, s, ss in zip(n, total, total_sq, strict=True):
        if count is None or count < 2 or s is None or ss is None:
            out.append(None)
            continue
        s, ss = Fraction(s), Fraction(ss)
        out.append(float(max(count * ss - s * s, Fraction(0)) / (count * (count - 1))))
    return out


def means(totals: Sequence[Fraction | None], n: Sequence[int | None]) -> list[float | None]:
    """S / n as floats; None where n is not positive or S unknown."""
    return [None if s is None or c is None or c <= 0 else float(s / c)
            for s, c in zip(totals, n, strict=True)]


def counts(raw: pl.DataFrame, columns: Sequence[str], policy: DisclosurePolicy, *,
           n_col: str | None = None) -> pl.DataFrame:
    """Publish the count columns (keeping ``<col>_exact``); counts other than `n_col`
    are numerators of `n_col` and kept within [0, n′]."""
    frame = publish_counts(raw, columns, perturb=policy.perturb)
    if n_col is None:
        return frame
    bound = pl.max_horizontal(pl.col(n_col), pl.lit(0))
    return frame.with_columns(
        pl.min_horizontal(pl.max_horizontal(pl.col(c), pl.lit(0)), bound).alias(c)
        for c in columns if c != n_col
    )


def mean_and_variance(raw: pl.DataFrame, total: str, published_n: Sequence[int | None],
                      policy: DisclosurePolicy) -> tuple[list[float | None],
                                                         list[float | None]]:
    """The published mean S′ / n′ of the magnitude total column `total` (with
    ``<total>_key``, ``<total>_max`` and ``<total>_sq`` beside it) and the exact
    within-cell variance."""
    published = publish_totals(raw, [total], perturb=policy.perturb)[total]
    exact_n = raw["n"].to_list()
    variance = sample_variance(exact_n, raw[total].to_list(), raw[total + "_sq"].to_list())
    return means(published, published_n), variance


def totals(raw: pl.DataFrame, columns: Sequence[str],
           policy: DisclosurePolicy) -> dict[str, list[Fraction]]:
    """Published totals S′ (exact fractions) of magnitude columns."""
    return publish_totals(raw, columns, perturb=policy.perturb)


def finish(frame: pl.DataFrame) -> pl.DataFrame:
    """Drop every exact count, key, max and sum-of-squares helper column: what leaves
    the engine holds published figures only."""
    return frame.drop([c for c in frame.columns
                       if c.endswith((EXACT_SUFFIX, KEY_SUFFIX, MAX_SUFFIX, "_sum_sq"))])

