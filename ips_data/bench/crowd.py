"""`ips-data bench --browser`: 20 sessions changing a filter at the same moment.

Twenty Chromium pages, five on each of the four figure pages, each on its own region
(page and region differ for every session, so no two sessions ask the same
queries and nothing is cached yet); once all have rendered, each moves its start-year
slider's lower end one year, one right after the other (within a fraction of a
second). Each session's figure is from its own keypress to its script being idle
again; reported as median, 95th percentile (nearest rank) and max, with the app
process's peak resident memory, and where the machine's CPU went from the first
keypress until the last session was idle: the app process's CPU seconds and the
rest of the machine's (the twenty Chromium pages drawing, on the same two cores).
"""

from __future__ import annotations

import math
import os
import statistics
import time
from pathlib import Path
from urllib.parse import urlencode

from ips_data.bench.browser import peak_rss_mb
from ips_data.bench.felt import (
    ELAPSED,
    PAGES,
    RESET,
    SETTLE_MS,
    new_page,
    settle,
    start_year_thumb,
)
from ips_data.municipalities import REGIONS

SESSIONS = 20


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a live process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> float:
    """CPU seconds all cores have spent not idle since boot (Linux /proc/stat)."""
    first = Path("/proc/stat").read_text(encoding="ascii").splitlines()[0].split()[1:]
    ticks = [int(v) for v in first]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def crowd(browser, url: str, years: tuple[int, int], pid: int,
          sessions: int = SESSIONS) -> dict:
    first, last = years
    paths, regions = list(PAGES.values()), sorted(REGIONS)
    pages = []
    try:
        for j in range(sessions):
            path = paths[j % len(paths)]
            region = regions[j % len(regions)]
            query = urlencode({"region": REGIONS[region], "aar": [first, last - 1]},
                              doseq=True)
            pages.append(new_page(browser, f"{url}{path}?{query}", wait=False))
        for page in pages:  # opened together, settled one by one
            settle(page)
        for page in pages:
            start_year_thumb(page).focus()
            page.evaluate(RESET)
        app_before, busy_before, start = process_cpu_s(pid), machine_busy_s(), time.monotonic()
        for page in pages:  # as close together as one driver can
            page.keyboard.press("ArrowRight")
        ms = [float(page.wait_for_function(ELAPSED, polling=20, timeout=SETTLE_MS)
                    .json_value()) for page in pages]
        wall = time.monotonic() - start
        app_cpu = process_cpu_s(pid) - app_before
        other_cpu = machine_busy_s() - busy_before - app_cpu
    finally:
        for page in pages:
            page.context.close()
    return {"sessions": sessions, "median_ms": round(statistics.median(ms), 1),
            "p95_ms": round(p95(ms), 1), "max_ms": round(max(ms), 1),
            "app_peak_rss_mb": peak_rss_mb(pid), "wall_s": round(wall, 1),
            "app_cpu_s": round(app_cpu, 1), "other_cpu_s": round(other_cpu, 1)}
