"""Costs and savings (contract section 4), disclosure-protected.

Population at horizon h = participants with at least one cost row at h; a
missing category counts 0 DKK. Saving per person = comparison mean − IPS mean
with the Welch interval.
"""

from __future__ import annotations

import polars as pl

from ips_data.loading.database import Dataset
from ips_data.metrics.filters import Filters
from ips_data.metrics.stats import mean_interval, welch_difference
from ips_data.protection.disclosure import DisclosurePolicy, protect_frame

_SAVING_SCHEMA = {
    "horizon_months": pl.Int32, "n_ips": pl.Int64, "n_comparison": pl.Int64,
    "estimate": pl.Float64, "low": pl.Float64, "high": pl.Float64,
    "ips_participants": pl.Int64, "total_saving_estimate": pl.Float64,
    "total_saving_low": pl.Float64, "total_saving_high": pl.Float64, "price_year": pl.Int32,
}


def arm_costs(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> pl.DataFrame:
    """Per horizon and arm: cost population n, mean total DKK with its 95 % CI."""
    raw = ds.query("costs_by_arm", filters.params())
    lows, highs = [], []
    for r in raw.iter_rows(named=True):
        lo, hi = (mean_interval(r["mean_total_dkk"], r["var_total_dkk"], r["n"])
                  if r["n"] >= 2 else (None, None))
        lows.append(lo)
        highs.append(hi)
    frame = raw.drop("var_total_dkk").with_columns(
        mean_total_dkk_low=pl.Series(lows, dtype=pl.Float64),
        mean_total_dkk_high=pl.Series(highs, dtype=pl.Float64),
    )
    return protect_frame(frame, policy=policy, n_col="n",
                         value_cols=["mean_total_dkk", "mean_total_dkk_low",
                                     "mean_total_dkk_high"], total_shown=False)


def _saving_row(h: int, ips: dict | None, cmp_: dict | None, policy: DisclosurePolicy,
                ips_participants: int | None) -> dict:
    row = {"horizon_months": h, "n_ips": None, "n_comparison": None, "estimate": None,
           "low": None, "high": None, "ips_participants": None,
           "total_saving_estimate": None, "total_saving_low": None, "total_saving_high": None,
           "price_year": None}
    if ips is None or cmp_ is None or policy.is_small(ips["n"]) or policy.is_small(cmp_["n"]):
        return row
    iv = welch_difference(cmp_["mean_total_dkk"], cmp_["var_total_dkk"], cmp_["n"],
                          ips["mean_total_dkk"], ips["var_total_dkk"], ips["n"])
    row.update(n_ips=ips["n"], n_comparison=cmp_["n"], estimate=iv.estimate, low=iv.low,
               high=iv.high, price_year=ips["price_year"])
    if ips_participants is not None and not policy.is_small(ips_participants):
        # the number of participants is known exactly: the interval scales with it
        row.update(ips_participants=ips_participants,
                   total_saving_estimate=iv.estimate * ips_participants,
                   total_saving_low=iv.low * ips_participants,
                   total_saving_high=iv.high * ips_participants)
    return row


def savings(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> pl.DataFrame:
    """Saving per person (comparison − IPS) per horizon, and the selection's total
    saving estimated as saving × IPS participants in the selection (interval likewise)."""
    params = filters.params()
    raw = ds.query("costs_by_arm", params)
    by = {(r["horizon_months"], r["arm"]): r for r in raw.iter_rows(named=True)}
    arms = {r["arm"]: r["n"] for r in ds.query("participants_by_arm", params).iter_rows(
        named=True)}
    horizons = sorted({h for h, _ in by})
    rows = [_saving_row(h, by.get((h, "ips")), by.get((h, "comparison")), policy,
                        arms.get("ips")) for h in horizons]
    return pl.DataFrame(rows, schema=_SAVING_SCHEMA)


def costs_by_category(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> pl.DataFrame:
    """Mean cost per person of the cost population by category, horizon and arm."""
    raw = ds.query("costs_by_category", filters.params())
    return protect_frame(raw, policy=policy, n_col="n", value_cols=["mean_dkk"],
                         total_shown=False)


def savings_by_municipality(ds: Dataset, filters: Filters, policy: DisclosurePolicy, *,
                            horizon: int) -> pl.DataFrame:
    """Per municipality with a cost population at `horizon`: the IPS and comparison
    cost populations and means, and the saving (comparison − IPS) with its Welch
    interval. A row is suppressed — every figure, both counts included — when either
    group is below the threshold (a missing group counts 0); secondary suppression
    hides the next smallest row when only one is, since each group's counts add up to
    the totals shown on the page."""
    raw = ds.query("costs_by_group", {**filters.params(), "horizon": horizon,
                                      "dimension": "municipality_code"})
    by: dict[str, dict] = {}
    for r in raw.iter_rows(named=True):
        by.setdefault(r["group_value"], {})[r["arm"]] = r
    rows = []
    for code, arms in sorted(by.items(), key=lambda kv: int(kv[0])):
        ips, cmp_ = arms.get("ips"), arms.get("comparison")
        row = {"horizon_months": horizon, "municipality_code": int(code),
               "n_ips": ips["n"] if ips else 0, "n_comparison": cmp_["n"] if cmp_ else 0,
               "mean_ips": ips["mean_total_dkk"] if ips else None,
               "mean_comparison": cmp_["mean_total_dkk"] if cmp_ else None,
               "estimate": None, "low": None, "high": None, "price_year": None}
        row["smaller_group"] = min(row["n_ips"], row["n_comparison"])
        if row["smaller_group"] >= 2:  # a variance in each group
            iv = welch_difference(cmp_["mean_total_dkk"], cmp_["var_total_dkk"], cmp_["n"],
                                  ips["mean_total_dkk"], ips["var_total_dkk"], ips["n"])
            row.update(estimate=iv.estimate, low=iv.low, high=iv.high,
                       price_year=ips["price_year"])
        rows.append(row)
    schema = {"horizon_months": pl.Int32, "municipality_code": pl.Int32, "n_ips": pl.Int64,
              "n_comparison": pl.Int64, "mean_ips": pl.Float64, "mean_comparison": pl.Float64,
              "estimate": pl.Float64, "low": pl.Float64, "high": pl.Float64,
              "price_year": pl.Int32, "smaller_group": pl.Int64}
    frame = protect_frame(pl.DataFrame(rows, schema=schema), policy=policy,
                          n_col="smaller_group",
                          value_cols=["n_ips", "n_comparison", "mean_ips", "mean_comparison",
                                      "estimate", "low", "high"], total_shown=True)
    return frame.drop("smaller_group")
