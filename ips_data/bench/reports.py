"""`ips-data bench --reports`: the time to write a region's PDF reports (every
municipality of Region Hovedstaden with data, and the region summary) into a temporary
folder, from a loaded extract. Printed, never asserted (target: ≤ 60 s)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from ips_data.bench.engine import _stats
from ips_data.loading.database import load_dataset
from ips_data.metrics.filters import Filters
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope
from ips_data.reports import write_reports

REGION = 1084


def region_reports(data_dir: Path, repeats: int = 1) -> dict:
    """Median/min/max of writing the region's reports, and how many files one run wrote."""
    ds = load_dataset(data_dir)
    times, written = [], 0
    try:
        for _ in range(max(1, repeats)):
            ds.forget_results()
            with tempfile.TemporaryDirectory(prefix="ips-bench-reports-") as out:
                start = time.perf_counter()
                written = len(write_reports(ds, Filters(scope=Scope.everything()),
                                            DisclosurePolicy(), Path(out), region=REGION))
                times.append((time.perf_counter() - start) * 1000)
    finally:
        ds.close()
    return {f"reports_region_{REGION}": _stats(times), "reports_written": written}
