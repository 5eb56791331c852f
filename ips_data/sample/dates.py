"""Day numbers (days since 1970-01-01) and month indices (year * 12 + month - 1)."""

from __future__ import annotations

from datetime import date

import numpy as np

_EPOCH = date(1970, 1, 1)


def days(d: date) -> int:
    """Day number of ``d``."""
    return (d - _EPOCH).days


def month_index(year: int, month: int) -> int:
    """Month index (year * 12 + month - 1)."""
    return year * 12 + month - 1


def month_index_of(d: date) -> int:
    """Month index of the month ``d`` lies in."""
    return month_index(d.year, d.month)


def month_start_days(mi: int) -> int:
    """Day number of the first day of month index ``mi``."""
    return days(date(mi // 12, mi % 12 + 1, 1))


def add_months(day_numbers: np.ndarray, months: int) -> np.ndarray:
    """Calendar month arithmetic on day numbers, clipping the day to the month's end."""
    dt = np.asarray(day_numbers, dtype=np.int64).astype("datetime64[D]")
    m = dt.astype("datetime64[M]")
    dom = (dt - m.astype("datetime64[D]")).astype(np.int64)
    m2 = m + np.timedelta64(months, "M")
    first = m2.astype("datetime64[D]")
    dim = ((m2 + np.timedelta64(1, "M")).astype("datetime64[D]") - first).astype(np.int64)
    return first.astype(np.int64) + np.minimum(dom, dim - 1)


def matured(start: np.ndarray, months: int, extract: int) -> np.ndarray:
    """start + months <= extract, conservatively under both ways of clipping month ends."""
    cutoff = int(add_months(np.array([extract]), -months)[0])
    return (add_months(start, months) <= extract) & (start <= cutoff)
