"""Costs and savings (contract section 4), disclosure-protected.

Population at horizon h = participants with at least one cost row at h; a
missing category counts 0 DKK. Saving per person = comparison mean − IPS mean
with the Welch interval.
"""

from __future__ import annotations

import polars as pl

from ips_data.database import Dataset
from ips_data.disclosure import DisclosurePolicy, protect_frame
from ips_data.filters import Filters
from ips_data.stats import mean_interval, welch_difference

_SAVING_SCHEMA = {
    "horizon_months": pl.Int32, "n_ips": pl.Int64, "n_comparison": pl.Int64,
    "estimate": pl.Float64, "low": pl.Float64, "high": pl.Float64,
    "ips_participants": pl.Int64, "total_saving_estimate": pl.Float64,
    "price_year": pl.Int32,
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
           "total_saving_estimate": None, "price_year": None}
    if ips is None or cmp_ is None or policy.is_small(ips["n"]) or policy.is_small(cmp_["n"]):
        return row
    iv = welch_difference(cmp_["mean_total_dkk"], cmp_["var_total_dkk"], cmp_["n"],
                          ips["mean_total_dkk"], ips["var_total_dkk"], ips["n"])
    row.update(n_ips=ips["n"], n_comparison=cmp_["n"], estimate=iv.estimate, low=iv.low,
               high=iv.high, price_year=ips["price_year"])
    if ips_participants is not None and not policy.is_small(ips_participants):
        row.update(ips_participants=ips_participants,
                   total_saving_estimate=iv.estimate * ips_participants)
    return row


def savings(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> pl.DataFrame:
    """Saving per person (comparison − IPS) per horizon, and the selection's total
    saving estimated as saving × IPS participants in the selection."""
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
    """Per municipality: IPS and comparison means and the saving with its interval,
    where both groups reach the disclosure threshold."""
    raw = ds.query("costs_by_group", {**filters.params(), "horizon": horizon,
                                      "dimension": "municipality_code"})
    by: dict[str, dict] = {}
    for r in raw.iter_rows(named=True):
        by.setdefault(r["group_value"], {})[r["arm"]] = r
    rows = []
    for code, arms in sorted(by.items(), key=lambda kv: int(kv[0])):
        ips, cmp_ = arms.get("ips"), arms.get("comparison")
        row = _saving_row(horizon, ips, cmp_, policy, None)
        row["municipality_code"] = int(code)
        row["mean_ips"] = ips["mean_total_dkk"] if row["estimate"] is not None else None
        row["mean_comparison"] = (cmp_["mean_total_dkk"] if row["estimate"] is not None
                                  else None)
        row["raw_n_ips"] = ips["n"] if ips else 0
        rows.append(row)
    schema = {**_SAVING_SCHEMA, "municipality_code": pl.Int32, "mean_ips": pl.Float64,
              "mean_comparison": pl.Float64, "raw_n_ips": pl.Int64}
    frame = pl.DataFrame(rows, schema=schema).drop("ips_participants", "total_saving_estimate")
    frame = protect_frame(frame, policy=policy, n_col="raw_n_ips",
                          value_cols=["n_ips", "estimate", "low", "high", "mean_ips"],
                          total_shown=True)
    return frame.drop("raw_n_ips")
