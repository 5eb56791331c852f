"""The benchmark and fidelity sections of the reports, fed from the engine.

These two adapters are the only places the reports get the "faktisk og forventet"
benchmark and the fidelity items from. Until `ips_data.metrics.benchmark` (contract
4b: indirect standardisation by strata, perturbed O) and `ips_data.metrics.fidelity`
(the IPS-25 profile) are on main, they are filled from what exists:

* benchmark (method ``"crude"``): O = the municipality's published IPS persons in job or
  education at 18 months (n × share from `rollout.municipality_status`), E = n × the
  reference share p̄ of the selection's IPS persons in all municipalities (the funnel of
  `effect.funnel` on the selection without area filters: a reference figure naming no
  municipality, contract section 7), position against the exact binomial limits at n.
* fidelity: latest score and band from `rollout.municipality_status`, the item scores of
  that review from the `report_latest_fidelity_items` query (not person-based).

Switching means replacing the bodies of `benchmarks` and `fidelities`; the report data
model (`ips_data.reports.model`) stays as it is.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ips_data.loading.database import Dataset
from ips_data.metrics import effect
from ips_data.metrics.filters import Filters
from ips_data.metrics.stats import funnel_limits
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.reports.model import (
    Benchmark,
    Fidelity,
    FidelityItem,
    FunnelCurve,
    FunnelPoint,
    Position,
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



def reference(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> effect.Funnel:
    """The selection's funnel over every municipality: p̄ and the limits (names no one)."""
    national = filters.unscoped().model_copy(update={"municipalities": (), "region": None})
    return effect.funnel(ds, national, policy)


def curve_of(funnel: effect.Funnel) -> FunnelCurve | None:
    if funnel.pooled_share is None or funnel.curve.is_empty():
        return None
    c = funnel.curve
    return FunnelCurve(n=tuple(c["n"].to_list()), lower_998=tuple(c["lower_998"].to_list()),
                       lower_95=tuple(c["lower_95"].to_list()),
                       upper_95=tuple(c["upper_95"].to_list()),
                       upper_998=tuple(c["upper_998"].to_list()))


def position(share: float, n: int, pooled: float) -> Position:
    """Where a share of n persons lies against the exact limits around ``pooled``."""
    lim = {p: float(v) for p, v in funnel_limits(pooled, n).items()}
    if share > lim[0.999]:
        return "above_998"
    if share < lim[0.001]:
        return "below_998"
    if share > lim[0.975]:
        return "above_95"
    if share < lim[0.025]:
        return "below_95"
    return "inside"


def benchmarks(ds: Dataset, filters: Filters, policy: DisclosurePolicy,
               status: pl.DataFrame, ref: effect.Funnel) -> dict[int, Benchmark]:
    """Per municipality of ``status`` (rows of `rollout.municipality_status`): O, E, O/E,
    the (here crude) adjusted share and the position in the funnel. Suppressed → None."""
    pooled = ref.pooled_share
    curve = curve_of(ref)
    points = tuple(
        FunnelPoint(code=r["code"], n=r["n_ips_18"], share=r["job_or_education_any_18_ips"])
        for r in status.iter_rows(named=True)
        if r["n_ips_18"] is not None and r["job_or_education_any_18_ips"] is not None)
    out: dict[int, Benchmark] = {}
    for r in status.iter_rows(named=True):
        n, share = r["n_ips_18"], r["job_or_education_any_18_ips"]
        shown = n is not None and share is not None and n > 0 and pooled is not None
        observed = round(share * n) if shown else None
        expected = n * pooled if shown else None
        oe = observed / expected if shown and expected else None
        out[r["code"]] = Benchmark(
            method="crude", n=n if shown else None, observed=observed, expected=expected,
            oe_ratio=oe, adjusted_share=pooled * oe if oe is not None else None,
            pooled_share=pooled,
            position=position(share, n, pooled) if shown else None,
            curve=curve,
            points=tuple(p.model_copy(update={"highlight": p.code == r["code"]})
                         for p in points),
        )
    return out


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


__all__ = ["ITEM_NAMES", "benchmarks", "curve_of", "fidelities", "position", "reference"]
