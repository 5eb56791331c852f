"""Results kept by the *contents* of their inputs, shared by every session.

Streamlit's `st.cache_data` pickles each result and hashes its arguments' bytes;
for what a page draws (figures, formatted tables) that costs about as much as making
it again. `ContentCache` keeps the objects themselves (shared, so never changed by a
caller), keyed by `content_key`: frames by their schema and rows, plain values by
value. A result is reused only for equal inputs, so nothing stale is ever shown.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import date
from typing import Any, Generic, TypeVar

import polars as pl

T = TypeVar("T")


def content_key(value: Any) -> Any:
    """A hashable key, equal for equal contents. TypeError for a value it cannot key
    (the caller then simply does not cache)."""
    if isinstance(value, pl.DataFrame):
        return ("frame", tuple(value.schema.items()), tuple(value.iter_rows()))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, content_key(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(content_key(v) for v in value))
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__,
                tuple(content_key(getattr(value, f.name)) for f in fields(value)))
    if value is None or isinstance(value, str | int | float | bool | date):
        return value
    raise TypeError(f"no content key for {type(value).__name__}")


class ContentCache(Generic[T]):
    """A thread-safe LRU of `size` results keyed by `content_key` of the inputs."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Any, T] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, inputs: Any, make: Callable[[], T]) -> T:
        try:
            key = content_key(inputs)
            hash(key)
        except TypeError:  # e.g. a list column: its rows are not hashable
            return make()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
