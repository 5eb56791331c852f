"""Costs and savings (contract section 4), published (section 5b) and protected.

Population at horizon h = participants with at least one cost row at h; a
missing category counts 0 DKK. Saving per person = comparison mean − IPS mean
with the Welch interval. Counts are published with cell key noise, means as S′ / n′
(the DKK total with its magnitude noise), intervals from n′, the published mean and
the exact within-cell variance; savings from the published parts.
"""

from __future__ import annotations

import polars as pl

from ips_data.contract import COST_CATEGORIES
from ips_data.loading.database import Dataset
from ips_data.metrics import effect, published
from ips_data.metrics.filters import Filters
from ips_data.metrics.stats import mean_interval, welch_difference
from ips_data.protection.disclosure import DisclosurePolicy, protect_frame

_SAVING_SCHEMA = {
    "horizon_months": pl.Int32, "n_ips": pl.Int64, "n_comparison": pl.Int64,
    "estimate": pl.Float64, "low": pl.Float64, "high": pl.Float64,
    "ips_participants": pl.Int64, "total_saving_estimate": pl.Float64,
    "total_saving_low": pl.Float64, "total_saving_high": pl.Float64, "price_year": pl.Int32,
}
_TOTAL = "total_dkk_sum"
_ARM_COLUMNS = ("horizon_months", "arm", "n", "n_key", _TOTAL, _TOTAL + "_sq", _TOTAL + "_max",
                _TOTAL + "_key", "price_year")


def _arm_totals(ds: Dataset, filters: Filters) -> pl.DataFrame:
    """The `costs_by_arm` columns of the per-person totals (not the categories)."""
    return ds.query("costs_by_arm", filters.params()).select(_ARM_COLUMNS)


def published_cells(raw: pl.DataFrame, policy: DisclosurePolicy) -> pl.DataFrame:
    """A cost query's exact cells → published: n (c′, exact in ``n_exact``),
    mean_total_dkk = S′ / n′ and var_total_dkk (exact within-cell variance)."""
    frame = published.counts(raw, ["n"], policy)
    mean, var = published.mean_and_variance(raw, _TOTAL, frame["n"].to_list(), policy)
    return frame.drop(_TOTAL, _TOTAL + "_sq", _TOTAL + "_max", _TOTAL + "_key").with_columns(
        pl.Series("mean_total_dkk", mean, dtype=pl.Float64),
        pl.Series("var_total_dkk", var, dtype=pl.Float64),
    )


def _shown(row: dict | None, policy: DisclosurePolicy) -> bool:
    return row is not None and not policy.is_small(row["n"]) and not policy.is_small(
        row["n_exact"])


def arm_costs(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> pl.DataFrame:
    """Per horizon and arm: cost population n, mean total DKK with its 95 % CI."""
    cells = published_cells(_arm_totals(ds, filters), policy)
    lows, highs = [], []
    for r in cells.iter_rows(named=True):
        lo, hi = (mean_interval(r["mean_total_dkk"], r["var_total_dkk"], r["n"])
                  if r["n"] >= 2 and r["var_total_dkk"] is not None else (None, None))
        lows.append(lo)
        highs.append(hi)
    frame = cells.drop("var_total_dkk").with_columns(
        mean_total_dkk_low=pl.Series(lows, dtype=pl.Float64),
        mean_total_dkk_high=pl.Series(highs, dtype=pl.Float64),
    )
    return published.finish(protect_frame(
        frame, policy=policy, n_col="n", exact_col="n_exact",
        value_cols=["mean_total_dkk", "mean_total_dkk_low", "mean_total_dkk_high"],
        total_shown=False))


def _saving_row(h: int, ips: dict | None, cmp_: dict | None, policy: DisclosurePolicy,
                ips_participants: dict | None) -> dict:
    row = {"horizon_months": h, "n_ips": None, "n_comparison": None, "estimate": None,
           "low": None, "high": None, "ips_participants": None,
           "total_saving_estimate": None, "total_saving_low": None, "total_saving_high": None,
           "price_year": None}
    if not (_shown(ips, policy) and _shown(cmp_, policy)):
        return row
    iv = welch_difference(cmp_["mean_total_dkk"], cmp_["var_total_dkk"], cmp_["n"],
                          ips["mean_total_dkk"], ips["var_total_dkk"], ips["n"])
    row.update(n_ips=ips["n"], n_comparison=cmp_["n"], estimate=iv.estimate, low=iv.low,
               high=iv.high, price_year=ips["price_year"])
    if _shown(ips_participants, policy):
        # the number of participants is taken as known: the interval scales with it
        people = ips_participants["n"]
        row.update(ips_participants=people,
                   total_saving_estimate=iv.estimate * people,
                   total_saving_low=iv.low * people,
                   total_saving_high=iv.high * people)
    return row


def savings(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> pl.DataFrame:
    """Saving per person (comparison − IPS) per horizon, and the selection's total
    saving estimated as saving × IPS participants in the selection (interval likewise),
    all from published figures."""
    cells = published_cells(_arm_totals(ds, filters), policy)
    by = {(r["horizon_months"], r["arm"]): r for r in cells.iter_rows(named=True)}
    arms = {r["arm"]: r for r in published.counts(
        effect.persons_by_arm(ds, filters), ["n"], policy).iter_rows(named=True)}
    horizons = sorted({h for h, _ in by})
    rows = [_saving_row(h, by.get((h, "ips")), by.get((h, "comparison")), policy,
                        arms.get("ips")) for h in horizons]
    return pl.DataFrame(rows, schema=_SAVING_SCHEMA)


def costs_by_category(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> pl.DataFrame:
    """Mean cost per person of the cost population by category, horizon and arm: each
    category's published total S′ (one magnitude key for the cell's persons) over n′."""
    raw = ds.query("costs_by_arm", filters.params())
    for category in COST_CATEGORIES:  # every category total shares the cell's key
        raw = raw.with_columns(pl.col(_TOTAL + "_key").alias(f"{category}_sum_key"))
    cells = published.counts(raw, ["n"], policy)
    sums = published.totals(raw, [f"{c}_sum" for c in COST_CATEGORIES], policy)
    n = cells["n"].to_list()
    rows = []
    for i, r in enumerate(cells.select("horizon_months", "arm", "n", "n_exact").iter_rows()):
        for category in sorted(COST_CATEGORIES):
            mean = published.means([sums[f"{category}_sum"][i]], [n[i]])[0]
            rows.append((*r[:2], category, *r[2:], mean))
    frame = pl.DataFrame(rows, schema={"horizon_months": pl.Int32, "arm": pl.String,
                                       "category": pl.String, "n": pl.Int64,
                                       "n_exact": pl.Int64, "mean_dkk": pl.Float64},
                         orient="row")
    return published.finish(protect_frame(
        frame, policy=policy, n_col="n", exact_col="n_exact", value_cols=["mean_dkk"],
        total_shown=False))


def savings_by_municipality(ds: Dataset, filters: Filters, policy: DisclosurePolicy, *,
                            horizon: int) -> pl.DataFrame:
    """Per municipality with a cost population at `horizon`: the IPS and comparison
    cost populations and means, and the saving (comparison − IPS) with its Welch
    interval. A row is suppressed — every figure, both counts included — when either
    group is below the threshold (exact or published; a missing group counts 0);
    secondary suppression hides more rows, smallest first, while the hidden rows of
    either group hold fewer than the threshold persons (but more than 0), since each
    group's counts add up to the totals shown on the page."""
    raw = ds.query("costs_by_group", {**filters.params(), "horizon": horizon,
                                      "dimension": "municipality_code"})
    cells = published_cells(raw, policy)
    by: dict[str, dict] = {}
    for r in cells.iter_rows(named=True):
        by.setdefault(r["group_value"], {})[r["arm"]] = r
    rows = []
    for code, arms in sorted(by.items(), key=lambda kv: int(kv[0])):
        ips, cmp_ = arms.get("ips"), arms.get("comparison")
        row = {"horizon_months": horizon, "municipality_code": int(code),
               "n_ips": ips["n"] if ips else 0, "n_comparison": cmp_["n"] if cmp_ else 0,
               "n_ips_exact": ips["n_exact"] if ips else 0,
               "n_comparison_exact": cmp_["n_exact"] if cmp_ else 0,
               "mean_ips": ips["mean_total_dkk"] if ips else None,
               "mean_comparison": cmp_["mean_total_dkk"] if cmp_ else None,
               "estimate": None, "low": None, "high": None, "price_year": None}
        row["smaller_group"] = min(row["n_ips"], row["n_comparison"])
        row["smaller_group_exact"] = min(row["n_ips_exact"], row["n_comparison_exact"])
        if row["smaller_group"] >= 2 and row["smaller_group_exact"] >= 2:  # two variances
            iv = welch_difference(cmp_["mean_total_dkk"], cmp_["var_total_dkk"], cmp_["n"],
                                  ips["mean_total_dkk"], ips["var_total_dkk"], ips["n"])
            row.update(estimate=iv.estimate, low=iv.low, high=iv.high,
                       price_year=ips["price_year"])
        rows.append(row)
    schema = {"horizon_months": pl.Int32, "municipality_code": pl.Int32, "n_ips": pl.Int64,
              "n_comparison": pl.Int64, "n_ips_exact": pl.Int64, "n_comparison_exact": pl.Int64,
              "mean_ips": pl.Float64, "mean_comparison": pl.Float64,
              "estimate": pl.Float64, "low": pl.Float64, "high": pl.Float64,
              "price_year": pl.Int32, "smaller_group": pl.Int64, "smaller_group_exact": pl.Int64}
    frame = protect_frame(pl.DataFrame(rows, schema=schema), policy=policy,
                          n_col="smaller_group", exact_col="smaller_group_exact",
                          total_cols=["n_ips_exact", "n_comparison_exact"],
                          value_cols=["n_ips", "n_comparison", "mean_ips", "mean_comparison",
                                      "estimate", "low", "high"], total_shown=True)
    return published.finish(frame.drop("smaller_group"))
