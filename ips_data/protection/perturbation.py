"""Cell key perturbation (contract section 5b).

Every person has two record keys, 64-bit unsigned integers computed once when the
database is built (`dim_participants.rkey_n`, `rkey_s`; copied onto `fct_outcomes` and
`fct_cost_totals`): the first 8 bytes of SHA-256(secret ‖ "n" ‖ person_id), read big
endian, and the same with "s". As fractions of 2⁶⁴ they are the contract's r and r′.

A query returns, next to each count c, the cell key sum M = (Σ rkey_n) mod 2⁶⁴ over
exactly the persons counted (column ``<count>_key``), so κ = frac(Σ r) = M / 2⁶⁴; next to
each total S of a non-negative magnitude x, M′ from rkey_s (``<total>_key``) and max(x)
(``<total>_max``). The functions here turn them into published figures:

    c′ = c + v(κ)  (c = 0 stays 0),   S′ = S + v(κ′) · 0.1 · max(x),

with v from the noise table below. κ is compared with the table's bounds exactly, in
integers (κ < 0.05 ⟺ 20·M < 2⁶⁴), so the same persons get the same noise on every
machine. All of this is pure integer (and exact rational) arithmetic: no float sum
whose last digits depend on the order of the rows.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from fractions import Fraction

import polars as pl

__all__ = [
    "NOISE_TABLE",
    "TWO_64",
    "noise",
    "perturb_count",
    "perturb_total",
    "publish_counts",
    "publish_totals",
    "record_key",
]

TWO_64 = 1 << 64
#: (upper bound of κ as a fraction, noise v) in increasing order; κ ≥ 0.95 → +2.
NOISE_TABLE: tuple[tuple[Fraction, int], ...] = (
    (Fraction(1, 20), -2),
    (Fraction(1, 4), -1),
    (Fraction(3, 4), 0),
    (Fraction(19, 20), 1),
    (Fraction(1), 2),
)
#: κ < b ⟺ M < ceil(b · 2⁶⁴) (M an integer): the bounds on M, exact.
_M_BOUNDS = tuple((-(-(b.numerator * TWO_64) // b.denominator), v) for b, v in NOISE_TABLE)
EXACT_SUFFIX = "_exact"
KEY_SUFFIX = "_key"
MAX_SUFFIX = "_max"
MAGNITUDE_FACTOR = Fraction(1, 10)


def record_key(secret: str, person_id: str, kind: str = "n") -> int:
    """A person's record key as an integer in [0, 2⁶⁴): the first 8 bytes of
    SHA-256(secret ‖ kind ‖ person_id), big endian (r = this / 2⁶⁴)."""
    if kind not in ("n", "s"):
        raise ValueError(f"record key kind must be 'n' or 's', not {kind!r}")
    digest = hashlib.sha256((secret + kind + person_id).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def noise(key_sum: int) -> int:
    """v for a cell key κ = (key_sum mod 2⁶⁴) / 2⁶⁴: −2, −1, 0, +1 or +2."""
    m = key_sum % TWO_64
    for bound, v in _M_BOUNDS:
        if m < bound:
            return v
    raise AssertionError("unreachable: m < 2**64")  # pragma: no cover


@functools.lru_cache(maxsize=128)
def noise_of_column(name: str) -> pl.Expr:
    """`noise_expr` of the column `name`, built once (a chain of five when/then costs
    ~0.3 ms to build, and every published table needs a few)."""
    return noise_expr(pl.col(name))


def noise_expr(key: pl.Expr) -> pl.Expr:
    """`noise` for a UInt64 column of cell key sums (null → 0)."""
    expr = pl.lit(2, dtype=pl.Int64)
    for bound, v in reversed(_M_BOUNDS[:-1]):
        expr = pl.when(key < pl.lit(bound, dtype=pl.UInt64)).then(pl.lit(v, dtype=pl.Int64)) \
            .otherwise(expr)
    return pl.when(key.is_null()).then(pl.lit(0, dtype=pl.Int64)).otherwise(expr)


def perturb_count(count: int, key_sum: int) -> int:
    """c′ = c + v(κ); a count of 0 stays 0."""
    return 0 if count == 0 else count + noise(key_sum)


def perturb_total(total: Fraction | int, key_sum: int, largest: Fraction | int) -> Fraction:
    """S′ = S + v(κ′) · 0.1 · max(x), exactly (as a fraction)."""
    return Fraction(total) + noise(key_sum) * MAGNITUDE_FACTOR * Fraction(largest)


def publish_counts(frame: pl.DataFrame, columns: Iterable[str], *,
                   perturb: bool) -> pl.DataFrame:
    """For each count column c (with its key sum column ``c_key``): keep the exact count
    as ``c_exact`` and put the published count c′ in ``c`` (c itself when not
    `perturb`). The key columns are dropped: nothing downstream sees them."""
    out = []
    keys = []
    for col in columns:
        exact = pl.col(col).cast(pl.Int64)
        keys.append(col + KEY_SUFFIX)
        published = exact
        if perturb:
            published = pl.when(exact == 0).then(exact) \
                .otherwise(exact + noise_of_column(col + KEY_SUFFIX))
        out += [exact.alias(col + EXACT_SUFFIX), published.alias(col)]
    return frame.with_columns(out).drop(keys)


def _fraction(value: object) -> Fraction:
    """An exact fraction of a query's integer or decimal value (null → 0)."""
    return Fraction(0) if value is None else Fraction(value)  # Decimal → exact


def publish_totals(frame: pl.DataFrame, columns: Iterable[str], *,
                   perturb: bool) -> dict[str, list[Fraction]]:
    """For each total column S (with ``S_key`` and ``S_max``), the published totals S′
    as exact fractions, row by row (S itself when not `perturb`)."""
    out: dict[str, list[Fraction]] = {}
    for col in columns:
        totals = [_fraction(v) for v in frame[col].to_list()]
        if perturb:
            keys = frame[col + KEY_SUFFIX].to_list()
            largest = frame[col + MAX_SUFFIX].to_list()
            totals = [s if k is None else perturb_total(s, k, _fraction(m))
                      for s, k, m in zip(totals, keys, largest, strict=True)]
        out[col] = totals
    return out


def _noise_rows() -> str:
    rows, low = [], Fraction(0)
    for bound, v in NOISE_TABLE:
        rows.append(f"| [{float(low):g}, {float(bound):g}) | {v:+d} |" if v else
                    f"| [{float(low):g}, {float(bound):g}) | 0 |")
        low = bound
    return "\n".join(rows)


#: Contract section 5b restated for docs/contract.md (the noise table from NOISE_TABLE).
CONTRACT_TEXT = f"""## Disclosure control: perturbation and suppression (section 5b)

Every person count and every total of a magnitude (weeks, DKK) that reaches a viewer
(pages, charts, exports, the default `ips-data summary --json`) is perturbed with the
cell key method, then suppressed.

- Record keys: r = the first 8 bytes of SHA-256(secret ‖ "n" ‖ person_id), read as an
  unsigned big-endian integer, ÷ 2⁶⁴; r′ the same with "s". The secret is
  `IPS_PERTURBATION_KEY`, else one generated once and kept in the cache folder (mode 0600).
- Counts: κ = frac(Σ r) over exactly the persons counted; published c′ = c + v(κ); a
  count of 0 stays 0.

| κ | v |
|---|---|
{_noise_rows()}

- Totals of a non-negative magnitude x: S′ = S + v(κ′) · 0.1 · max(x), κ′ = frac(Σ r′)
  over the same persons.
- Derived figures only from published ones: share = k′ / n′ (k′ kept within [0, n′]),
  mean = S′ / n′, intervals from k′, n′, S′ with the exact within-cell variance;
  differences and savings from the published parts.
- Primary suppression: hidden when c < threshold or c′ < threshold (threshold 5 by
  default, never below 3).
- Secondary suppression: in every table with a shown total (or whose cells add up to a
  figure shown elsewhere, e.g. the municipality list and the selection's total), when
  the hidden cells' exact total is above 0 and below the threshold, more non-zero cells
  are hidden, smallest first, until it is at least the threshold. A zero cell never
  counts as protection.
- `ips-data summary --exact`: the same JSON without perturbation (suppression still
  applies). The same input, secret and options give byte-identical JSON.
"""


def combine_keys(key_sums: Iterable[int | None]) -> int:
    """The key sum of a union of disjoint cells: their key sums added, mod 2⁶⁴ (exact;
    e.g. a municipality's persons from its strata)."""
    return sum(int(k) for k in key_sums if k is not None) % TWO_64


_HALF = 1 << 32


def combine_keys_by(frame: pl.DataFrame, by: str | Sequence[str],
                    columns: Sequence[str]) -> dict[object, tuple[int, ...]]:
    """`combine_keys` of each key column over the rows of each value of `by` (a column,
    or several: then keyed by their values' tuple), vectorised and exact: the 64-bit key
    sums are added as two 32-bit halves (no overflow below 2³² rows), then joined mod
    2⁶⁴. Null keys count as nothing, as in `combine_keys`."""
    halves = []
    for col in columns:
        key = pl.col(col).cast(pl.UInt64)
        halves += [(key // _HALF).sum().alias(f"{col}__hi"),
                   (key % _HALF).sum().alias(f"{col}__lo")]
    out: dict[object, tuple[int, ...]] = {}
    names = [by] if isinstance(by, str) else list(by)
    for row in frame.group_by(names).agg(halves).iter_rows(named=True):
        group = row[by] if isinstance(by, str) else tuple(row[n] for n in names)
        out[group] = tuple((int(row[f"{c}__hi"]) * _HALF + int(row[f"{c}__lo"])) % TWO_64
                             for c in columns)
    return out
