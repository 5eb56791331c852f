"""The benchmark and fidelity sections of the reports, fed from the engine.

* benchmark: `ips_data.metrics.benchmark` ("faktisk og forventet", contract 4b: O, E by
  indirect standardisation over the strata, O/E, adjusted share, exact and
  overdispersion-adjusted funnel limits around p̄ of the reference population), with the
  same hiding rule as the summary JSON (`metrics.summary._add_benchmark`): a
  municipality's figures are shown only when both the municipality list and the
  benchmark table show them.
* fidelity: `ips_data.metrics.fidelity.fidelity_profile` (the IPS-25 profile: latest
  review's total, band and date, whether it is overdue, its lowest-scored items).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ips_data.loading.database import Dataset
from ips_data.metrics import benchmark as bm
from ips_data.metrics import fidelity
from ips_data.metrics.filters import Filters
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.reports.model import (
    Benchmark,
    Fidelity,
    FidelityItem,
    FunnelCurve,
    FunnelPoint,
)

WEAKEST_ITEMS = 3  # how many of the lowest-scoring IPS-25 items a report lists


def curve_of(bench: bm.Benchmark) -> FunnelCurve | None:
    """The exact binomial limits of the benchmark funnel (none without a reference)."""
    if bench.pooled_share is None or bench.curve.is_empty():
        return None
    c = bench.curve
    return FunnelCurve(n=tuple(c["n"].to_list()),
                       lower_998=tuple(c["exact_lower_998"].to_list()),
                       lower_95=tuple(c["exact_lower_95"].to_list()),
                       upper_95=tuple(c["exact_upper_95"].to_list()),
                       upper_998=tuple(c["exact_upper_998"].to_list()))


def benchmarks(ds: Dataset, filters: Filters, policy: DisclosurePolicy,
               status: pl.DataFrame) -> tuple[dict[int, Benchmark], bm.Benchmark]:
    """Per municipality of ``status`` (rows of `rollout.municipality_status` for the same
    filters): O, E, O/E, adjusted share, p̄ and the position against the exact limits
    (None where hidden); and the engine's benchmark itself (τ², I)."""
    bench = bm.benchmark(ds, filters, policy)
    rows = {r["municipality_code"]: r for r in bench.points.iter_rows(named=True)}
    shown = {r["code"] for r in status.iter_rows(named=True)
             if r["n_ips_18"] is not None and r["code"] in rows
             and not rows[r["code"]]["suppressed"]}
    points = tuple(FunnelPoint(code=c, n=rows[c]["n"], share=rows[c]["adjusted_share"])
                   for c in sorted(shown) if rows[c]["adjusted_share"] is not None)
    curve = curve_of(bench)
    out: dict[int, Benchmark] = {}
    for r in status.iter_rows(named=True):
        code = r["code"]
        row = rows.get(code) if code in shown else None
        out[code] = Benchmark(
            n=row["n"] if row else None, observed=row["observed"] if row else None,
            expected=row["expected"] if row else None,
            oe_ratio=row["oe_ratio"] if row else None,
            adjusted_share=row["adjusted_share"] if row else None,
            pooled_share=bench.pooled_share,
            position=row["exact_flag"] if row else None,
            curve=curve,
            points=tuple(p.model_copy(update={"highlight": p.code == code}) for p in points),
        )
    return out, bench


def fidelities(ds: Dataset, filters: Filters, status: pl.DataFrame,
               as_of: date) -> dict[int, Fidelity]:
    """Per municipality of ``status``: the latest review's score, band and date, whether
    it is overdue (older than 12 months) and its lowest-scored items (ties in item
    order), from `metrics.fidelity.fidelity_profile` (not person-based)."""
    out: dict[int, Fidelity] = {}
    for code in status["code"].to_list():
        profile = fidelity.fidelity_profile(ds, filters, code, as_of)
        if profile is None:
            out[code] = Fidelity(score=None, band=None, assessed=None, overdue=False)
            continue
        out[code] = Fidelity(
            score=profile.latest_total, band=profile.latest_band,
            assessed=profile.latest_date, overdue=profile.overdue,
            has_items=profile.has_items,
            weakest=tuple(FidelityItem(number=r["item"], score=r["latest"])
                          for r in profile.weakest(WEAKEST_ITEMS).iter_rows(named=True)),
        )
    return out


__all__ = ["benchmarks", "curve_of", "fidelities"]
