"""Single flight: a function runs once per key among callers that ask at the same time.

`load_dataset` uses it so that a load started early (`ui.serve`) is not done again by
the first session, and `Dataset.query` so that sessions rerunning on a new extract at
once share each query; the Dataset's instance also remembers its last results.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")


class SingleFlight(Generic[T]):
    """`run(key, fn)` calls `fn` once per key among concurrent callers; the others wait
    and get the same value. With `keep` > 0 the last `keep` values are remembered (least
    recently used dropped first); with 0 a key is forgotten once its call returns. A
    failure reaches every waiting caller and is never remembered. Thread-safe."""

    def __init__(self, keep: int = 0) -> None:
        self._keep = keep
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Future] = OrderedDict()

    def run(self, key: Hashable, fn: Callable[[], T]) -> T:
        with self._lock:
            entry = self._entries.get(key)
            mine = entry is None
            if mine:
                entry = self._entries[key] = Future()
                while self._keep and len(self._entries) > self._keep:
                    self._entries.popitem(last=False)  # waiters keep their own Future
            else:
                self._entries.move_to_end(key)
        if not mine:
            return entry.result()
        try:
            value = fn()
        except BaseException as exc:
            self._forget(key, entry)  # the next call tries again
            entry.set_exception(exc)
            raise
        entry.set_result(value)
        if not self._keep:
            self._forget(key, entry)
        return value

    def clear(self) -> None:
        """Forget every remembered value (calls running now still finish for their
        waiters)."""
        with self._lock:
            self._entries.clear()

    def _forget(self, key: Hashable, entry: Future) -> None:
        with self._lock:
            if self._entries.get(key) is entry:
                del self._entries[key]
