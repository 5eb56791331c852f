"""The benchmark and fidelity sections of the reports, fed from the engine.

* benchmark: `ips_data.metrics.benchmark` ("faktisk og forventet", contract 4b: O, E by
  indirect standardisation over the strata, O/E, adjusted share, exact and
  overdispersion-adjusted funnel limits around p̄ of the reference population), with the
  same hiding rule as the summary JSON (`metrics.summary._add_benchmark`): a
  municipality's figures are shown only when both the municipality list and the
  benchmark table show them.
* fidelity: latest score and band from `rollout.municipality_status`, the item scores of
  that review from the `report_latest_fidelity_items` query (not person-based). Switch
  to `ips_data.metrics.fidelity.fidelity_profile` (the IPS-25 profile: `weakest()`,
  `overdue`) when it is on main; the report data model stays as it is.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ips_data.loading.database import Dataset
from ips_data.metrics import benchmark as bm
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

#: The 25 IPS-25 items (Danish, English), numbered as the contract's item_01 … item_25.
ITEM_NAMES: dict[int, tuple[str, str]] = dict(enumerate((
    ("Sagsstammens størrelse", "Caseload size"),
    ("Medarbejdere dedikeret til beskæftigelse", "Employment services staff"),
    ("Generalister", "Vocational generalists"),
    ("Integration via teamtilknytning", "Integration through team assignment"),
    ("Integration via hyppig teamkontakt", "Integration through frequent team contact"),
    ("Samarbejde med jobcentret", "Collaboration with vocational rehabilitation"),
    ("IPS-enhed", "Vocational unit"),
    ("Lederens rolle", "Role of employment supervisor"),
    ("Ingen eksklusionskriterier", "Zero exclusion criteria"),
    ("Fokus på ordinær beskæftigelse", "Agency focus on competitive employment"),
    ("Ledelsens opbakning", "Executive team support"),
    ("Rådgivning om ydelser og økonomi", "Work incentives planning"),
    ("Åbenhed over for arbejdsgiver", "Disclosure"),
    ("Løbende arbejdsbaseret afklaring", "Ongoing work-based assessment"),
    ("Hurtig jobsøgning", "Rapid job search"),
    ("Individuel jobsøgning", "Individualised job search"),
    ("Jobudvikling: hyppig arbejdsgiverkontakt", "Job development: frequent employer contact"),
    ("Jobudvikling: kvalitet af arbejdsgiverkontakt",
     "Job development: quality of employer contact"),
    ("Forskellige jobtyper", "Diversity of job types"),
    ("Forskellige arbejdsgivere", "Diversity of employers"),
    ("Ordinære job", "Competitive jobs"),
    ("Individuel opfølgende støtte", "Individualised follow-along supports"),
    ("Tidsubegrænset opfølgende støtte", "Time-unlimited follow-along supports"),
    ("Indsats i lokalsamfundet", "Community-based services"),
    ("Opsøgende kontakt", "Assertive engagement and outreach"),
), start=1))



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


def _twelve_months_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def fidelities(ds: Dataset, filters: Filters, status: pl.DataFrame,
               as_of: date) -> dict[int, Fidelity]:
    """Per municipality of ``status``: the latest review's score, band, date, whether it
    is overdue (older than 12 months) and its lowest-scoring items."""
    params = filters.params()
    items = ds.query("report_latest_fidelity_items",
                     {"municipalities": params["municipalities"], "region": params["region"],
                      "as_of": as_of})
    by_code = {r["code"]: r["items"] for r in items.iter_rows(named=True)}
    cutoff = _twelve_months_before(as_of)
    out: dict[int, Fidelity] = {}
    for r in status.iter_rows(named=True):
        scores = by_code.get(r["code"]) or []
        scored = [(s, i + 1) for i, s in enumerate(scores) if s is not None]
        weakest = sorted(scored)[:WEAKEST_ITEMS]
        assessed = r["fidelity_date"]
        out[r["code"]] = Fidelity(
            score=r["fidelity_score"], band=r["fidelity_band"], assessed=assessed,
            overdue=assessed is not None and assessed < cutoff,
            has_items=bool(scored),
            weakest=tuple(FidelityItem(number=i, score=s) for s, i in weakest),
        )
    return out


__all__ = ["ITEM_NAMES", "benchmarks", "curve_of", "fidelities"]
