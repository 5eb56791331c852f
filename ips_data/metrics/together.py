"""Independent engine calls at the same time.

A page or the summary needs several queries that do not depend on each other. DuckDB
runs each on its own cursor and releases the GIL while it works, so running the calls
side by side overlaps each query's serial parts (parsing, binding, its last phase and
the conversion to polars) with the others' scans: on the national extract the overview
summary's eight queries take about three quarters of their one-after-the-other time.

Results and errors are exactly those of the calls made one after the other (each call
is independent; `Dataset.query` already lets concurrent callers share one run of the
same query). A caller never waits for a call that no worker has started: it takes such
a call back and runs it itself, so nested use (the summary inside a page's prefetch)
can never wait for a free worker, and a busy pool only means less overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

WORKERS = 4
_POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="ips-together")


def together(*calls: Callable[[], Any]) -> tuple[Any, ...]:
    """The calls' results in order; the first runs in the calling thread, the others in
    the shared workers. If any call fails, the first failure (in argument order) is
    raised once every call has finished."""
    if len(calls) < 2:
        return tuple(call() for call in calls)
    futures = [_POOL.submit(call) for call in calls[1:]]
    outcomes = [_outcome(calls[0])]
    for call, future in zip(calls[1:], futures, strict=True):
        if future.cancel():  # no worker took it yet: run it here
            outcomes.append(_outcome(call))
            continue
        exc = future.exception()
        outcomes.append((False, exc) if exc is not None else (True, future.result()))
    for ok, value in outcomes:
        if not ok:
            raise value
    return tuple(value for _, value in outcomes)


def _outcome(call: Callable[[], Any]) -> tuple[bool, Any]:
    try:
        return True, call()
    except Exception as exc:  # re-raised by `together`, after the other calls finished
        return False, exc
