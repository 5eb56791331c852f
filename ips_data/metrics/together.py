"""Independent engine calls at the same time.

A page or the summary needs several queries that do not depend on each other. DuckDB
runs each on its own cursor and releases the GIL while it works, so running the calls
side by side overlaps each query's serial parts (parsing, binding, its last phase and
the conversion to polars) with the others' scans: on the national extract the overview
summary's eight queries take about three quarters of their one-after-the-other time.

Results and errors are exactly those of the calls made one after the other (each call
is independent; `Dataset.query` already lets concurrent callers share one run of the
same query). Calls made from inside a worker run one after the other in that worker,
so nested use can never wait for a free worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

WORKERS = 3
_PREFIX = "ips-together"
_POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix=_PREFIX)


def together(*calls: Callable[[], Any]) -> tuple[Any, ...]:
    """The calls' results in order; the first runs in the calling thread, the others in
    the shared workers. If any call fails, the first failure (in argument order) is
    raised once every call has finished."""
    if len(calls) < 2 or threading.current_thread().name.startswith(_PREFIX):
        return tuple(call() for call in calls)
    futures = [_POOL.submit(call) for call in calls[1:]]
    outcomes: list[tuple[bool, Any]] = []
    try:
        outcomes.append((True, calls[0]()))
    except Exception as exc:  # re-raised below, after the other calls have finished
        outcomes.append((False, exc))
    for future in futures:
        exc = future.exception()
        outcomes.append((False, exc) if exc is not None else (True, future.result()))
    for ok, value in outcomes:
        if not ok:
            raise value
    return tuple(value for _, value in outcomes)
