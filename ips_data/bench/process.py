"""`ips-data bench --browser`: the command line as a script sees it, whole processes.

`ips-data summary --json` on the extract, timed from spawning the process to its exit:
the first call on a new extract (`first_calls` times, each with a new empty cache
folder: validation and build; the stored copy is written afterwards by a detached
process, which is waited for before the next timing), repeated calls (the stored
database), `--by municipality` (every municipality in one process) and `--no-cache`
(validation and build on every call, as before the command line kept stored
databases). Each figure also gives the median CPU time of the timed processes (user +
system, the detached writer not included): on a shared machine it tells a change in the
work done from waiting for a core. `load_1m` is the machine's one-minute load average
before each of the figure's runs (above the number of cores: others were working too).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ips_data.bench.browser import ROOT

WRITER_TIMEOUT_S = 300.0


def _timed(args: list[str], env: dict) -> tuple[float, float]:
    """(wall, CPU) milliseconds of one `python -m ips_data.cli` process."""
    before, start = os.times(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "ips_data.cli", *args], cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL, check=True)
    wall, after = time.perf_counter() - start, os.times()
    cpu = (after.children_user - before.children_user
           + after.children_system - before.children_system)
    return wall * 1000, cpu * 1000


def _stats(runs: list[tuple[float, float]], loads: list[float]) -> dict:
    ms = [wall for wall, _ in runs]
    return {"median_ms": round(statistics.median(ms), 1), "min_ms": round(min(ms), 1),
            "max_ms": round(max(ms), 1), "runs": len(ms),
            "cpu_median_ms": round(statistics.median(cpu for _, cpu in runs), 1),
            "load_1m": [round(load, 2) for load in loads]}


def _stored(cache: Path) -> None:
    """Wait until the detached writer has stored the database."""
    pause, waited = threading.Event(), 0.0
    while not list(cache.glob("*.duckdb")) and waited < WRITER_TIMEOUT_S:
        pause.wait(0.2)
        waited += 0.2


def cli_figures(data_dir: Path, repeats: int = 6, first_calls: int = 3) -> dict:
    summary = ["summary", "--data-dir", str(data_dir.resolve()), "--json"]
    caches: list[Path] = []
    firsts, first_loads, loads = [], [], []
    try:
        for _ in range(max(1, first_calls)):
            caches.append(Path(tempfile.mkdtemp(prefix="ips-bench-cli-cache-")))
            env = {**os.environ, "IPS_CACHE_DIR": str(caches[-1])}
            first_loads.append(os.getloadavg()[0])
            firsts.append(_timed(summary, env))
            _stored(caches[-1])
        repeated = []
        for _ in range(repeats):
            loads.append(os.getloadavg()[0])
            repeated.append(_timed(summary, env))
        by_load, by_municipality = os.getloadavg()[0], _timed([*summary, "--by", "municipality"],
                                                             env)
        no_load, no_cache = os.getloadavg()[0], _timed([*summary, "--no-cache"], env)
    finally:
        for cache in caches:
            shutil.rmtree(cache, ignore_errors=True)
    return {"cli_summary_first_call": _stats(firsts, first_loads),
            "cli_summary_repeated": _stats(repeated, loads),
            "cli_summary_by_municipality": _stats([by_municipality], [by_load]),
            "cli_summary_no_cache": _stats([no_cache], [no_load])}
