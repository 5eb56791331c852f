"""The `ips-data summary --json` document (contract section 6).

The overview page renders from the same blocks (`headline`: the same functions, without
the parts it does not show), so the dashboard and the JSON can never disagree. Every
person-based value in it has passed disclosure control (suppressed values are null).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from ips_data.contract import CONTRACT_VERSION, HORIZONS, TABLE_ORDER
from ips_data.loading.database import Dataset
from ips_data.metrics import adjusted, benchmark, costs, effect, rollout
from ips_data.metrics.filters import Filters
from ips_data.metrics.together import together
from ips_data.protection.disclosure import DisclosurePolicy

MUNICIPALITY_FIELDS = (
    "code", "name", "region_code", "status", "status_since", "consultants_fte",
    "active_participants", "caseload_per_fte", "fidelity_score", "fidelity_band",
    "fidelity_date", "n_ips_18", "job_or_education_any_18_ips", "suppressed",
)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def _tables(ds: Dataset) -> dict[str, dict[str, int]]:
    out = {}
    for table in TABLE_ORDER:
        files = [f for f in ds.report.files if f.table == table]
        out[table] = {
            "files_accepted": sum(f.status == "accepted" for f in files),
            "files_rejected": sum(f.status == "rejected" for f in files),
            "rows": ds.report.accepted_rows(table),
        }
    return out


def _effect(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> dict[str, Any]:
    arms, diffs, adjusted_frame = together(
        lambda: effect.arm_effects(ds, filters, policy),
        lambda: effect.differences(ds, filters, policy),
        lambda: adjusted.adjusted_differences(ds, filters, policy))
    out: dict[str, Any] = {}
    for h in HORIZONS:
        block: dict[str, Any] = {}
        rows = arms.filter(pl.col("horizon_months") == h)
        for r in rows.iter_rows(named=True):
            block[r["arm"]] = {"n": r["n"], **{m: r[m] for m in effect.MEASURES}}
        block["not_yet_observable"] = {
            r["arm"]: r["not_yet_observable"] for r in rows.iter_rows(named=True)
        }
        block["difference"] = {
            r["measure"]: {
                "estimate": r["estimate"],
                "ci95": None if r["estimate"] is None else [r["low"], r["high"]],
            }
            for r in diffs.filter(pl.col("horizon_months") == h).iter_rows(named=True)
        }
        out[str(h)] = block
    _add_adjusted(out, adjusted_frame)
    return out


def _add_adjusted(out: dict[str, Any], frame: pl.DataFrame) -> None:
    """Section 6b: `effect.<h>.adjusted_difference` (ips − comparison, ATT by exact
    stratification) with its support share and the IPS persons excluded."""
    for h in HORIZONS:
        rows = frame.filter(pl.col("horizon_months") == h).to_dicts()
        block: dict[str, Any] = {
            r["measure"]: {"estimate": r["estimate"],
                           "ci95": None if r["estimate"] is None else [r["low"], r["high"]]}
            for r in rows}
        block["support_share"] = rows[0]["support_share"] if rows else None
        block["excluded"] = rows[0]["excluded"] if rows else None
        out[str(h)]["adjusted_difference"] = block


def _costs(ds: Dataset, filters: Filters, policy: DisclosurePolicy, *,
           categories: bool = True) -> dict[str, Any]:
    arms, saving_frame, by_category = together(
        lambda: costs.arm_costs(ds, filters, policy),
        lambda: costs.savings(ds, filters, policy),
        lambda: costs.costs_by_category(ds, filters, policy) if categories else None)
    saving = {r["horizon_months"]: r for r in saving_frame.iter_rows(named=True)}
    out: dict[str, Any] = {}
    for h in sorted(set(arms["horizon_months"].to_list())):
        rows = arms.filter(pl.col("horizon_months") == h)
        block: dict[str, Any] = {"price_year": rows["price_year"].drop_nulls().min()}
        for r in rows.iter_rows(named=True):
            block[r["arm"]] = {"n": r["n"], "mean_total_dkk": r["mean_total_dkk"]}
        s = saving.get(h)
        block["saving_per_person_dkk"] = {
            "estimate": s["estimate"] if s else None,
            "ci95": [s["low"], s["high"]] if s and s["estimate"] is not None else None,
        }
        if by_category is not None:
            by_cat: dict[str, dict[str, float | None]] = {}
            for r in by_category.filter(pl.col("horizon_months") == h).iter_rows(named=True):
                by_cat.setdefault(r["category"], {})[r["arm"]] = r["mean_dkk"]
            block["by_category"] = by_cat
        out[str(h)] = block
    return out


def _municipalities(frame: pl.DataFrame, bench: benchmark.Benchmark) -> list[dict]:
    points = {r["municipality_code"]: r for r in bench.points.iter_rows(named=True)}
    entries = [
        {k: _plain(r[k]) for k in MUNICIPALITY_FIELDS}
        for r in frame.sort("code").iter_rows(named=True)
    ]
    return [_add_benchmark(entry, points.get(entry["code"])) for entry in entries]


BENCHMARK_FIELDS = {"observed_18_ips": "observed", "expected_18_ips": "expected",
                    "oe_ratio_18_ips": "oe_ratio", "adjusted_share_18_ips": "adjusted_share"}


def _add_benchmark(entry: dict[str, Any], row: dict[str, Any] | None) -> dict[str, Any]:
    """Section 6b fields of one municipality (`row`: its benchmark point, if any): null
    where the list hides its 18-month IPS figures or the benchmark table hides the
    municipality."""
    hidden = row is None or row["suppressed"] or entry["n_ips_18"] is None
    for key, col in BENCHMARK_FIELDS.items():
        entry[key] = None if hidden else row[col]
    if row is not None and row["suppressed"] and not entry["suppressed"]:
        entry["suppressed"] = True
    return entry


def _benchmark(bench: benchmark.Benchmark) -> dict[str, Any]:
    """Section 6b `benchmark_18`: p̄ of the reference population, τ², I."""
    return {"pooled_share": bench.pooled_share, "tau2": bench.tau2,
            "municipalities_shown": bench.shown}


def effect_summary(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> dict[str, Any]:
    """Only the summary's `effect` block (the same numbers as in `build_summary`), for
    pages that show the differences without the costs and municipalities."""
    return {"effect": _effect(ds, filters, policy)}


def headline(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> dict[str, Any]:
    """The overview's cards: the summary's `effect` block, its `costs` block without the
    categories, and `status_counts` (municipalities per rollout status, as counted over
    the summary's municipality list). Made by the same functions as `build_summary`, so
    the numbers are the summary's; without the benchmark, the categories and the
    municipality list's person counts, which the overview does not show."""
    effect_block, cost_block, statuses = together(
        lambda: _effect(ds, filters, policy),
        lambda: _costs(ds, filters, policy, categories=False),
        lambda: rollout.status_counts_as_of(ds, filters))
    return {"effect": effect_block, "costs": cost_block, "status_counts": statuses}


def build_summary(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> dict[str, Any]:
    """The numbers the pages show, in the fixed shape of contract section 6 (and 6b)."""
    bench, effect_block, cost_block, status = together(
        lambda: benchmark.benchmark(ds, filters, policy),
        lambda: _effect(ds, filters, policy),
        lambda: _costs(ds, filters, policy),
        lambda: rollout.municipality_status(ds, filters, policy))
    return {
        "contract_version": CONTRACT_VERSION,
        "extract_date": _plain(ds.report.extract_date),
        "as_of": _plain(ds.as_of),
        "suppression_threshold": policy.threshold,
        "tables": _tables(ds),
        "effect": effect_block,
        "costs": cost_block,
        "municipalities": _municipalities(status, bench),
        "benchmark_18": _benchmark(bench),
    }
