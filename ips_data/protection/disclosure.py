"""Statistical disclosure control for person-based figures (contract section 5).

Every person-based figure that leaves the data layer (page, chart, table,
CSV/Excel export, JSON) obeys one rule:

* **Primary suppression.** A count, share or mean computed from fewer than
  ``threshold`` persons (default 5, never below 3) is suppressed. A count of 0
  and an unknown count (null) are suppressed too. Suppressed values become
  null here and are rendered as the policy label (``"<5"``) by the UI layer.
* **Secondary suppression.** Where a table shows a total and exactly one cell
  of it is suppressed, the cell with the next smallest count is suppressed as
  well, so no hidden value can be recovered by subtracting the shown cells
  from the total.

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
_ROW = "__disclosure_row"
_SMALL = "__disclosure_small"
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


def _n_expr(frame: pl.DataFrame, n_col: str) -> pl.Expr:
    """The count column with NaN treated as unknown (null)."""
    expr = pl.col(n_col)
    return expr.fill_nan(None) if frame.schema[n_col].is_float() else expr


def _over(expr: pl.Expr, partition_by: Sequence[str]) -> pl.Expr:
    return expr.over(list(partition_by)) if partition_by else expr


def _check_columns(frame: pl.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"column(s) not in frame: {missing}; frame has {frame.columns}")


def protect_frame(
    frame: pl.DataFrame,
    *,
    policy: DisclosurePolicy,
    n_col: str,
    value_cols: Sequence[str] = (),
    partition_by: Sequence[str] = (),
    total_shown: bool = True,
) -> pl.DataFrame:
    """Apply primary and (if ``total_shown``) secondary suppression to a table.

    ``n_col`` holds the number of persons each row's figures are based on;
    ``value_cols`` (shares, means, ...) are nulled together with it. Rows are
    grouped into partitions by ``partition_by`` (the whole frame when empty);
    each partition is a set of cells that sum to a shown total.

    Returns the frame with the same rows, order, columns and dtypes, plus a
    boolean ``suppressed`` column (replaced if already present). Idempotent.
    """
    value_cols = [c for c in value_cols if c != n_col]
    partition_by = list(partition_by)
    _check_columns(frame, [n_col, *value_cols, *partition_by])
    n = _n_expr(frame, n_col)

    work = frame.with_row_index(_ROW).with_columns(
        (n.is_null() | (n < policy.threshold)).alias(_SMALL)
    )
    if total_shown:
        # Sort by count (ties: original order) so the first shown row of a
        # partition is the one with the next smallest n.
        shown = ~pl.col(_SMALL)
        n_small = _over(pl.col(_SMALL).sum(), partition_by)
        first_shown = shown & (_over(shown.cast(pl.UInt32).cum_sum(), partition_by) == 1)
        work = (
            work.sort([n_col, _ROW], nulls_last=True)
            .with_columns((pl.col(_SMALL) | ((n_small == 1) & first_shown)).alias(SUPPRESSED_COL))
            .sort(_ROW)
        )
    else:
        work = work.with_columns(pl.col(_SMALL).alias(SUPPRESSED_COL))

    hide = pl.col(SUPPRESSED_COL)
    nulled = [
        pl.when(hide).then(pl.lit(None, dtype=frame.schema[c])).otherwise(pl.col(c)).alias(c)
        for c in [n_col, *value_cols]
    ]
    return work.with_columns(nulled).drop(_ROW, _SMALL)


def protect_records(
    records: list[dict[str, Any]],
    *,
    policy: DisclosurePolicy,
    n_key: str,
    value_keys: Sequence[str] = (),
    total_shown: bool = True,
    partition_keys: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Apply :func:`protect_frame` to a list of dicts (JSON output).

    Returns new dicts (the input is not mutated) in which suppressed rows have
    ``n_key`` and every ``value_keys`` entry set to ``None``; each dict gets
    ``"suppressed": True/False``. A record without ``n_key`` raises KeyError.
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
            _PART: pl.Series(parts, dtype=pl.Int64),
        }
    )
    if frame.schema["n"] == pl.Null:
        frame = frame.cast({"n": pl.Int64})
    mask = protect_frame(
        frame,
        policy=policy,
        n_col="n",
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
) -> list[str]:
    """Invariant check for an already-protected table; returns problems found.

    Reports (1) shown counts below the threshold (or NaN), (2) partitions of
    two or more rows in which exactly one count is hidden (recoverable from a
    shown total), and (3) rows flagged ``suppressed`` whose count is shown.
    An empty list means the table passes.
    """
    partition_by = list(partition_by)
    _check_columns(frame, [n_col, *partition_by])
    problems: list[str] = []
    raw = pl.col(n_col)
    n = _n_expr(frame, n_col)
    work = frame.with_row_index(_ROW)

    nan_shown = raw.is_not_null() & n.is_null()
    for row in work.filter(nan_shown | (n < policy.threshold)).iter_rows(named=True):
        problems.append(
            f"row {row[_ROW]}: shown {n_col}={row[n_col]} is below threshold {policy.threshold}"
        )
    if SUPPRESSED_COL in frame.columns:
        for row in work.filter(pl.col(SUPPRESSED_COL) & raw.is_not_null()).iter_rows(named=True):
            problems.append(f"row {row[_ROW]}: flagged suppressed but {n_col}={row[n_col]} shown")

    hidden = _over(n.is_null().sum(), partition_by)
    size = _over(pl.len(), partition_by)
    bad = work.filter((hidden == 1) & (size > 1) & n.is_null())
    for row in bad.iter_rows(named=True):
        where = ", ".join(f"{k}={row[k]!r}" for k in partition_by) or "whole table"
        problems.append(
            f"row {row[_ROW]}: only hidden cell in partition ({where}); "
            "recoverable from the total by subtraction"
        )
    return problems
