"""Statistical disclosure control for person-based figures (contract sections 5, 5b).

Every person-based figure that leaves the data layer (page, chart, table,
CSV/Excel export, JSON) obeys these rules:

* **Perturbation** (`ips_data.protection.perturbation`): counts and totals are
  published with cell key noise; the metric functions do that before they call
  `protect_frame`, giving it the published count and (``exact_col``) the exact one.
* **Primary suppression.** A count, share or mean computed from fewer than
  ``threshold`` persons (default 5, never below 3) is suppressed: when the exact
  count c or the published count c′ is below the threshold. A count of 0 and an
  unknown count (null) are suppressed too. Suppressed values become null here and
  are rendered as the policy label (``"<5"``) by the UI layer.
* **Secondary suppression, repaired.** Where the cells of a table add up to a
  shown total (or to a figure shown elsewhere: the municipality list and the
  selection's totals), and the hidden cells' *exact* total is above 0 and below
  the threshold, more non-zero cells are hidden, smallest first, until it is at
  least the threshold. A zero cell never counts as protection (hiding a known 0
  hides nothing), and two hidden cells of 1 and 2 protect no more than one of 3.

Fidelity scores and FTE are not person-based and are not suppressed.

A one-row partition is left alone by the secondary rule; its total *is* the
cell, so the caller must not show a total for it separately (or must protect
the total as a figure of its own).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DisclosurePolicy",
    "check_protected",
    "protect_frame",
    "protect_records",
    "protect_value",
]

T = TypeVar("T")

SUPPRESSED_COL = "suppressed"
_PART = "__disclosure_part"


class DisclosurePolicy(BaseModel):
    """The disclosure rule's single parameter: the minimum number of persons."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    threshold: int = Field(
        5,
        ge=3,
        description=(
            "Smallest number of persons a shown count, share or mean may be based on; "
            "figures from fewer persons are suppressed. Never below 3."
        ),
    )
    perturb: bool = Field(
        True,
        description=(
            "Publish counts and totals with cell key noise (contract section 5b). Only "
            "`ips-data summary --exact` turns it off; the dashboard always perturbs."
        ),
    )

    def is_small(self, n: int | float | None) -> bool:
        """True when a figure based on ``n`` persons must be suppressed.

        ``None`` (unknown), NaN, 0 and anything below the threshold are small.
        """
        if n is None or n != n:  # n != n catches NaN
            return True
        return n < self.threshold

    @property
    def label(self) -> str:
        """What the UI shows in place of a suppressed figure, e.g. ``"<5"``."""
        return f"<{self.threshold}"


def protect_value(n: int | float | None, value: T, policy: DisclosurePolicy) -> T | None:
    """Return ``value``, or ``None`` when it is based on too few persons (``n``)."""
    return None if policy.is_small(n) else value


def _counts(frame: pl.DataFrame, col: str) -> list[int | float | None]:
    """A count column as a list, NaN as None (unknown)."""
    values = frame[col].to_list()
    return [None if v is None or v != v else v for v in values]


def _partitions(frame: pl.DataFrame, partition_by: Sequence[str]) -> list[list[int]]:
    """Row indices of each partition, in row order (the whole frame when empty)."""
    if not partition_by:
        return [list(range(frame.height))] if frame.height else []
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(frame.select(partition_by).iter_rows()):
        groups.setdefault(key, []).append(i)
    return list(groups.values())


def _check_columns(frame: pl.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"column(s) not in frame: {missing}; frame has {frame.columns}")


def _exposed(hidden_totals: Sequence[int | float], threshold: int) -> bool:
    """True when a hidden exact total would give away fewer than `threshold` persons."""
    return any(0 < total < threshold for total in hidden_totals)


def _secondary(hidden: list[bool], rows: list[int], exact: dict[str, list],
               order: list, threshold: int) -> None:
    """Hide more non-zero cells of one partition, smallest first (by `order`), while
    some total column's hidden exact total is in (0, threshold). In place."""
    while True:
        totals = {c: sum(v[i] or 0 for i in rows if hidden[i]) for c, v in exact.items()}
        short = [c for c, total in totals.items() if 0 < total < threshold]
        if not short:
            return
        candidates = [i for i in rows if not hidden[i]
                      and any((exact[c][i] or 0) > 0 for c in short)]
        if not candidates:
            return  # everything non-zero is hidden already
        hidden[min(candidates, key=lambda i: (order[i] is None, order[i], i))] = True


def protect_frame(
    frame: pl.DataFrame,
    *,
    policy: DisclosurePolicy,
    n_col: str,
    value_cols: Sequence[str] = (),
    partition_by: Sequence[str] = (),
    total_shown: bool = True,
    exact_col: str | None = None,
    total_cols: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Apply primary and (if ``total_shown``) the repaired secondary suppression.

    ``n_col`` holds the (published) number of persons each row's figures are based
    on; ``exact_col`` the exact number (default: ``n_col``, i.e. an unperturbed
    table). A row is hidden when either is below the threshold (or unknown).
    ``value_cols`` (shares, means, ...) are nulled together with ``n_col``. Rows are
    grouped into partitions by ``partition_by`` (the whole frame when empty); each
    partition is a set of cells that add up to a shown total. ``total_cols`` are the
    exact count columns whose hidden totals must be 0 or at least the threshold
    (default: ``exact_col``; e.g. both arms' exact counts for a table that shows
    both). The exact columns are left as they are: the caller drops them.

    Returns the frame with the same rows, order, columns and dtypes, plus a
    boolean ``suppressed`` column (replaced if already present). Idempotent.
    """
    value_cols = [c for c in value_cols if c != n_col]
    partition_by = list(partition_by)
    exact_col = exact_col or n_col
    total_cols = list(total_cols) if total_cols is not None else [exact_col]
    _check_columns(frame, [n_col, exact_col, *value_cols, *partition_by, *total_cols])
    shown_n, exact_n = _counts(frame, n_col), _counts(frame, exact_col)
    hidden = [p is None or p < policy.threshold or e is None or e < policy.threshold
              for p, e in zip(shown_n, exact_n, strict=True)]
    if total_shown:
        exact = {c: _counts(frame, c) for c in total_cols}
        for rows in _partitions(frame, partition_by):
            _secondary(hidden, rows, exact, exact_n, policy.threshold)

    hide = pl.Series(SUPPRESSED_COL, hidden, dtype=pl.Boolean)
    work = frame.with_columns(hide)
    nulled = [
        pl.when(pl.col(SUPPRESSED_COL)).then(pl.lit(None, dtype=frame.schema[c]))
        .otherwise(pl.col(c)).alias(c)
        for c in [n_col, *value_cols]
    ]
    return work.with_columns(nulled)


def protect_records(
    records: list[dict[str, Any]],
    *,
    policy: DisclosurePolicy,
    n_key: str,
    value_keys: Sequence[str] = (),
    total_shown: bool = True,
    partition_keys: Sequence[str] = (),
    exact_key: str | None = None,
) -> list[dict[str, Any]]:
    """Apply :func:`protect_frame` to a list of dicts (JSON output).

    Returns new dicts (the input is not mutated) in which suppressed rows have
    ``n_key`` and every ``value_keys`` entry set to ``None``; each dict gets
    ``"suppressed": True/False``. ``exact_key`` names the exact count when ``n_key``
    is a published (perturbed) one. A record without ``n_key`` raises KeyError.
    """
    missing = [i for i, r in enumerate(records) if n_key not in r]
    if missing:
        raise KeyError(f"{n_key!r} missing from record(s) at index {missing[:5]}")
    # Partition values may be of any (unhashable-by-polars) type: map to ids.
    part_ids: dict[tuple[Any, ...], int] = {}
    parts = [
        part_ids.setdefault(tuple(r.get(k) for k in partition_keys), len(part_ids)) for r in records
    ]
    frame = pl.DataFrame(
        {
            "n": pl.Series([r[n_key] for r in records], strict=False),
            "exact": pl.Series([r[exact_key or n_key] for r in records], strict=False),
            _PART: pl.Series(parts, dtype=pl.Int64),
        }
    )
    for col in ("n", "exact"):
        if frame.schema[col] == pl.Null:
            frame = frame.cast({col: pl.Int64})
    mask = protect_frame(
        frame,
        policy=policy,
        n_col="n",
        exact_col="exact",
        partition_by=[_PART] if partition_keys else [],
        total_shown=total_shown,
    )[SUPPRESSED_COL].to_list()

    out: list[dict[str, Any]] = []
    for record, hidden in zip(records, mask, strict=True):
        new = dict(record)
        if hidden:
            for key in (n_key, *value_keys):
                new[key] = None
        new[SUPPRESSED_COL] = bool(hidden)
        out.append(new)
    return out


def check_protected(
    frame: pl.DataFrame,
    *,
    policy: DisclosurePolicy,
    n_col: str,
    partition_by: Sequence[str] = (),
    exact_col: str | None = None,
) -> list[str]:
    """Invariant check for an already-protected table; returns problems found.

    Reports (1) shown counts below the threshold (or NaN), and shown rows whose exact
    count (``exact_col``) is below it; (2) partitions whose hidden cells' exact total
    is above 0 and below the threshold (recoverable from a shown total by
    subtraction: e.g. one hidden cell of 3 next to hidden zeros) — with ``exact_col``
    the exact counts of the hidden rows are known; without it only the count of
    hidden cells is, and a partition of two or more rows with exactly one hidden
    cell is reported; (3) rows flagged ``suppressed`` whose count is shown.
    An empty list means the table passes.
    """
    partition_by = list(partition_by)
    _check_columns(frame, [n_col, *partition_by, *([exact_col] if exact_col else [])])
    problems: list[str] = []
    raw = frame[n_col].to_list()
    shown_n = _counts(frame, n_col)
    exact = _counts(frame, exact_col) if exact_col else None
    flagged = frame[SUPPRESSED_COL].to_list() if SUPPRESSED_COL in frame.columns else None
    for i, (value, n) in enumerate(zip(raw, shown_n, strict=True)):
        if value is None:
            continue
        if n is None or n < policy.threshold:
            problems.append(
                f"row {i}: shown {n_col}={value} is below threshold {policy.threshold}")
        elif exact is not None and (exact[i] is None or exact[i] < policy.threshold):
            problems.append(f"row {i}: shown {n_col}={value} but its exact count "
                            f"{exact[i]} is below threshold {policy.threshold}")
        if flagged is not None and flagged[i]:
            problems.append(f"row {i}: flagged suppressed but {n_col}={value} shown")

    for rows in _partitions(frame, partition_by):
        hidden = [i for i in rows if raw[i] is None or shown_n[i] is None]
        if not hidden or len(hidden) == len(rows):
            continue  # nothing hidden, or nothing shown to subtract (the total is the cell)
        where = ", ".join(f"{k}={frame[k][rows[0]]!r}" for k in partition_by) or "whole table"
        if exact is not None:
            total = sum(exact[i] or 0 for i in hidden)
            if 0 < total < policy.threshold:
                problems.append(
                    f"rows {hidden}: the hidden cells of partition ({where}) hold {total} "
                    f"person(s) in all, below threshold {policy.threshold}; recoverable "
                    "from the total by subtraction")
        elif len(hidden) == 1:
            problems.append(
                f"row {hidden[0]}: only hidden cell in partition ({where}); "
                "recoverable from the total by subtraction")
    return problems
