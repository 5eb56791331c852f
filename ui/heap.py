"""The app process's heap between runs: collected once per view, then left alone.

Python's cyclic garbage collector walks every object it tracks. In the dashboard's
process that is some 300,000 objects (Streamlit, plotly's figure classes, DuckDB,
polars, the municipality boundaries, the caches), and a full collection took
120-180 ms, holding the interpreter lock: Streamlit's own collection after every run
(`runner.postScriptGC`, switched off in `.streamlit/config.toml`) made each run's last
messages wait for it, and the automatic ones struck at random, in every session at once.

So after the first run of each view (a page and its open section) in the process, which
is when that view's modules, figures' classes and caches have been made, the young
generations are collected (about 1 ms: the run's own garbage) and everything alive is
frozen (`gc.freeze`, which only moves lists): later collections walk only what was made
after it (what a run makes and drops). A full collection here would cost the view's
first run the same 120-180 ms. Frozen objects are still freed by reference counting as
usual; only a reference cycle among them is kept (the older garbage, some hundreds of
objects in the app's measured collections), once per view, not per run.
"""

from __future__ import annotations

import gc
import threading

_settled: set[tuple[str, str]] = set()
_lock = threading.Lock()


def settle(view: tuple[str, str]) -> bool:
    """After a run of `view` (page path, open section): on its first run in this process,
    collect the young generations and freeze what is alive; True when it did."""
    with _lock:
        if view in _settled:
            return False
        _settled.add(view)
        gc.collect(1)
        gc.freeze()
    return True
