"""The app process's heap between runs: collected once per view, then left alone.

Python's cyclic garbage collector walks every object it tracks. In the dashboard's
process that is some 300,000 objects (Streamlit, plotly's figure classes, DuckDB,
polars, the municipality boundaries, the caches), and a full collection took
120-180 ms, holding the interpreter lock: Streamlit's own collection after every run
(`runner.postScriptGC`, switched off in `.streamlit/config.toml`) made each run's last
messages wait for it, and the automatic ones struck at random, in every session at once.

So after the first run of each view (a page and its open section) in the process, which
is when that view's modules, figures' classes and caches have been made, the heap is
collected once and what survives is frozen (`gc.freeze`): later collections walk only
what was made after it (what a run makes and drops). Frozen objects are still freed by
reference counting as usual; only a reference cycle among them would be kept, and they
are made once per view, not per run.
"""

from __future__ import annotations

import gc
import threading

_settled: set[tuple[str, str]] = set()
_lock = threading.Lock()


def settle(view: tuple[str, str]) -> bool:
    """After a run of `view` (page path, open section): on its first run in this process,
    collect the heap and freeze what survived; True when it did."""
    with _lock:
        if view in _settled:
            return False
        _settled.add(view)
        gc.collect()
        gc.freeze()
    return True
