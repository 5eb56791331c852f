"""Figures made once per extract and selection, shared by everyone who asks.

A page asks for the arms' figures, the differences and the adjusted difference, and
the summary's effect block (which the same page shows) asks for them again; the
effect page made each of them twice per rerun. `remembered` keeps a metric function's
result on its `Dataset` (`Dataset.remember`: least recently used dropped first;
concurrent identical calls run once), keyed by the function, the filters (scope
included), the disclosure policy and the other arguments. The data never change, so a
remembered figure never goes stale; results are frames and frozen dataclasses that no
caller changes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ips_data.loading.database import Dataset
from ips_data.metrics.filters import Filters
from ips_data.protection.disclosure import DisclosurePolicy

F = TypeVar("F", bound=Callable[..., Any])


def remembered(fn: F) -> F:
    """Remember `fn(ds, filters, policy, **kwargs)` on `ds` (see the module docstring)."""

    @functools.wraps(fn)
    def wrapper(ds: Dataset, filters: Filters, policy: DisclosurePolicy, **kwargs: Any) -> Any:
        key = (fn.__module__, fn.__qualname__, filters.model_dump_json(),
               policy.model_dump_json(), tuple(sorted(kwargs.items())))
        return ds.remember(key, lambda: fn(ds, filters, policy, **kwargs))

    return wrapper  # type: ignore[return-value]
