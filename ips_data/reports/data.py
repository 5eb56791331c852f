"""Build the report data (`ips_data.reports.model`) from the engine's metric functions.

Only published figures enter a report: every person-based number comes from a metric
function that applied disclosure control (a suppressed figure is None). A report for one
municipality uses the selection's filters with that municipality as the area, so its
figures are those of `ips-data summary --municipality CODE --json`.
"""

from __future__ import annotations

import polars as pl

from ips_data.contract import CASELOAD_NORM, HORIZONS
from ips_data.loading.database import Dataset
from ips_data.metrics import adjusted, effect, rollout
from ips_data.metrics.filters import Filters
from ips_data.municipalities import MUNICIPALITIES, REGIONS
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.reports import adapters
from ips_data.reports.model import (
    ArmShares,
    Capacity,
    Estimate,
    Fidelity,
    HorizonEffect,
    MunicipalityReport,
    RegionReport,
    RegionRow,
    Status,
    TrendPoint,
)

ARM_ORDER = ("ips", "ips_like", "comparison")


class ReportError(ValueError):
    """A report that cannot be made: unknown code, or nothing in the extract about it."""


class ReportScopeError(PermissionError):
    """A municipality or region outside the viewer's access scope (contract section 7)."""


def check_municipality(code: int, filters: Filters) -> None:
    """Raise ReportError for an unknown code, ReportScopeError outside the scope."""
    if code not in MUNICIPALITIES:
        raise ReportError(f"unknown municipality code {code}: use one of the 98 official "
                          "codes (e.g. 101 for København)")
    if not filters.scope.allows(code):
        raise ReportScopeError(f"municipality {code} {MUNICIPALITIES[code].name} is outside "
                               f"the access scope ({filters.scope.label()})")


def region_codes(region: int) -> tuple[int, ...]:
    """The municipality codes of a region (ReportError for an unknown region)."""
    if region not in REGIONS:
        raise ReportError(f"unknown region code {region}: one of "
                          + ", ".join(f"{c} ({n})" for c, n in REGIONS.items()))
    return tuple(sorted(c for c, m in MUNICIPALITIES.items() if m.region_code == region))


def _estimate(row: dict, measure: str) -> Estimate:
    return Estimate(estimate=row[measure], low=row[f"{measure}_low"],
                    high=row[f"{measure}_high"])


def _diff(frame: pl.DataFrame, horizon: int, measure: str) -> Estimate:
    rows = frame.filter((pl.col("horizon_months") == horizon) & (pl.col("measure") == measure))
    if rows.is_empty():
        return Estimate()
    r = rows.row(0, named=True)
    return Estimate(estimate=r["estimate"], low=r["low"], high=r["high"])


def effects(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> tuple[HorizonEffect, ...]:
    """Per horizon: each arm's n and shares with Wilson CIs, and the IPS − comparison
    differences (Newcombe) and the adjusted ones (ATT), from `effect.arm_effects`,
    `effect.differences` and `adjusted.adjusted_differences`."""
    arms = effect.arm_effects(ds, filters, policy)
    diffs = effect.differences(ds, filters, policy)
    adj = adjusted.adjusted_differences(ds, filters, policy)
    out = []
    for h in HORIZONS:
        rows = {r["arm"]: r for r in arms.filter(pl.col("horizon_months") == h)
                .iter_rows(named=True)}
        out.append(HorizonEffect(
            horizon=h,
            arms=tuple(ArmShares(arm=a, n=rows[a]["n"],
                                 any=_estimate(rows[a], "job_or_education_any"),
                                 at_end=_estimate(rows[a], "job_or_education_at_end"))
                       for a in ARM_ORDER if a in rows),
            difference_any=_diff(diffs, h, "job_or_education_any"),
            difference_at_end=_diff(diffs, h, "job_or_education_at_end"),
            adjusted_any=_diff(adj, h, "job_or_education_any"),
            adjusted_at_end=_diff(adj, h, "job_or_education_at_end"),
            support_share=next(iter(adj.filter(pl.col("horizon_months") == h)
                                    ["support_share"].to_list()), None),
            not_yet_observable_ips=rows["ips"]["not_yet_observable"] if "ips" in rows else None,
        ))
    return tuple(out)


def trend(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> tuple[TrendPoint, ...]:
    """The 18-month share at any time per start year and arm (`effect.effect_by_group`)."""
    frame = effect.effect_by_group(ds, filters, policy, horizon=18, dimension="start_year")
    return tuple(
        TrendPoint(start_year=int(r["group_value"]), arm=r["arm"], n=r["n"],
                   share=_estimate(r, "job_or_education_any"))
        for r in frame.sort("group_value", "arm").iter_rows(named=True))


def _status(row: dict | None) -> Status:
    row = row or {}
    return Status(status=row.get("status"), status_since=row.get("status_since"),
                  implementation_started=row.get("implementation_started"),
                  years_since_implementation=row.get("years_since_implementation"),
                  target_group=row.get("target_group"),
                  psychiatry_units=row.get("psychiatry_units"))


def _capacity(row: dict | None) -> Capacity:
    row = row or {}
    return Capacity(active_participants=row.get("active_participants"),
                    consultants_fte=row.get("consultants_fte"),
                    caseload_per_fte=row.get("caseload_per_fte"), norm=CASELOAD_NORM)


def municipality_report(ds: Dataset, filters: Filters, policy: DisclosurePolicy,
                        code: int) -> MunicipalityReport:
    """Everything the one-page report of municipality ``code`` shows.

    ``filters`` carries the viewer's scope (a municipality outside it is refused) and any
    selection filters (start years, age bands, ...); its area is replaced by ``code``."""
    check_municipality(code, filters)
    mfilters = filters.model_copy(update={"municipalities": (code,), "region": None})
    status = rollout.municipality_status(ds, mfilters, policy)
    if status.is_empty():
        raise ReportError(f"municipality {code} {MUNICIPALITIES[code].name} has no rows in "
                          "any table of the extract: nothing to report")
    row = status.row(0, named=True)
    bench = adapters.benchmarks(ds, mfilters, policy, status)[0].get(code)
    fidelity = adapters.fidelities(ds, mfilters, status, ds.as_of).get(code)
    region = MUNICIPALITIES[code].region_code
    return MunicipalityReport(
        code=code, name=MUNICIPALITIES[code].name, region_code=region,
        region_name=REGIONS[region], extract_date=ds.report.extract_date, as_of=ds.as_of,
        threshold=policy.threshold, has_data=True, status=_status(row),
        capacity=_capacity(row), effect=effects(ds, mfilters, policy), benchmark=bench,
        fidelity=fidelity or Fidelity(score=None, band=None, assessed=None, overdue=False),
        trend=trend(ds, mfilters, policy),
    )


def region_report(ds: Dataset, filters: Filters, policy: DisclosurePolicy,
                  region: int) -> RegionReport:
    """The region summary: status counts, the region's effect, one row per municipality.

    Refused (ReportScopeError) unless the scope covers every municipality of the region:
    the region's totals would otherwise be those of a part of it."""
    codes = region_codes(region)
    outside = [c for c in codes if not filters.scope.allows(c)]
    if outside:
        raise ReportScopeError(f"region {region} {REGIONS[region]}: {len(outside)} of its "
                               f"{len(codes)} municipalities are outside the access scope "
                               f"({filters.scope.label()})")
    rfilters = filters.model_copy(update={"municipalities": (), "region": region})
    status = rollout.municipality_status(ds, rfilters, policy).sort("code")
    bench, engine = adapters.benchmarks(ds, rfilters, policy, status)
    rows = tuple(
        RegionRow(code=r["code"], name=r["name"], status=r["status"],
                  years_since_implementation=r["years_since_implementation"],
                  active_participants=r["active_participants"],
                  consultants_fte=r["consultants_fte"],
                  caseload_per_fte=r["caseload_per_fte"], n_ips_18=r["n_ips_18"],
                  share_ips_18=r["job_or_education_any_18_ips"],
                  oe_ratio=bench[r["code"]].oe_ratio, position=bench[r["code"]].position,
                  fidelity_score=r["fidelity_score"], fidelity_band=r["fidelity_band"])
        for r in status.iter_rows(named=True))
    first = next(iter(bench.values()), None)
    return RegionReport(
        code=region, name=REGIONS[region], extract_date=ds.report.extract_date,
        as_of=ds.as_of, threshold=policy.threshold,
        status_counts=rollout.status_counts(status), municipalities_in_region=len(codes),
        effect=effects(ds, rfilters, policy), rows=rows,
        pooled_share=engine.pooled_share, tau2=engine.tau2, curve=adapters.curve_of(engine),
        points=tuple(p.model_copy(update={"highlight": False})
                     for p in (first.points if first else ())),
    )
