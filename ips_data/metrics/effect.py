"""Employment effect (contract section 4): shares, weeks, differences, funnel.

Every frame returned here holds published figures (contract section 5b: counts and
weeks totals with cell key noise, shares k′/n′, means S′/n′, intervals from them) and
has passed disclosure control: person-based values computed from fewer than the
threshold are null and flagged `suppressed`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ips_data.contract import HORIZONS
from ips_data.loading.database import Dataset
from ips_data.metrics import cells, published
from ips_data.metrics.filters import Filters
from ips_data.metrics.memo import remembered
from ips_data.metrics.stats import (
    funnel_limits,
    mean_intervals,
    newcombe_difference,
    welch_difference,
)
from ips_data.metrics.stats import wilson_interval as _wilson
from ips_data.protection.disclosure import DisclosurePolicy, protect_frame

SHARES = ("job_or_education_any", "job_or_education_at_end")
MEASURES = (*SHARES, "weeks_mean")
DIMENSIONS = (
    "age_band", "sex", "benefit_at_start", "treatment_unit", "start_year",
    "municipality_code", "region_code",
)
_VALUE_COLS = tuple(f"{m}{s}" for m in MEASURES for s in ("", "_low", "_high"))
_COUNTS = ("n", "k_any", "k_end")


def published_cells(raw: pl.DataFrame, policy: DisclosurePolicy) -> pl.DataFrame:
    """An effect query's exact cells → published: n, k_any, k_end (c′; k′ within
    [0, n′]), weeks_mean = S′ / n′ and weeks_var (exact within-cell variance); the exact
    counts stay in ``<count>_exact`` (for the disclosure rules; `published.finish`
    drops them). In exact mode (`policy.perturb` off) the figures are the exact ones."""
    frame = published.counts(raw, _COUNTS, policy, n_col="n")
    mean, var = published.mean_and_variance(raw, "weeks_sum", frame["n"].to_list(), policy)
    return frame.drop("weeks_sum", "weeks_sum_sq", "weeks_sum_max", "weeks_sum_key").with_columns(
        pl.Series("weeks_mean", mean, dtype=pl.Float64),
        pl.Series("weeks_var", var, dtype=pl.Float64),
    )


def _with_intervals(cell_frame: pl.DataFrame) -> pl.DataFrame:
    """Shares from published counts, Wilson intervals for shares, t intervals for weeks
    (from n′, the published mean and the exact variance)."""
    n = cell_frame["n"].to_list()
    values: dict[str, list] = {}
    for measure, k_col in zip(SHARES, ("k_any", "k_end"), strict=True):
        k = cell_frame[k_col].to_list()
        bounds = [_wilson(ki, ni) if ni > 0 else (None, None) for ki, ni in zip(k, n, strict=True)]
        values[measure] = [ki / ni if ni > 0 else None for ki, ni in zip(k, n, strict=True)]
        values[f"{measure}_low"] = [b[0] for b in bounds]
        values[f"{measure}_high"] = [b[1] for b in bounds]
    low, high = mean_intervals(cell_frame["weeks_mean"].fill_null(np.nan).to_numpy(),
                               cell_frame["weeks_var"].fill_null(np.nan).to_numpy(),
                               np.maximum(cell_frame["n"].to_numpy(), 0))
    values["weeks_mean_low"], values["weeks_mean_high"] = low, high
    base = cell_frame.drop("k_any", "k_end", "weeks_var", "k_any_exact", "k_end_exact")
    return base.with_columns(pl.Series(c, values[c], dtype=pl.Float64, nan_to_null=True)
                             for c in _VALUE_COLS if c != "weeks_mean")


def persons_by_arm(ds: Dataset, filters: Filters) -> pl.DataFrame:
    """The exact persons of the selection per arm with their cell key sum (arm, n, n_key:
    the `participants_by_arm` query without its not-yet-observable columns)."""
    return ds.query("participants_by_arm", filters.params()).select("arm", "n", "n_key")


def participants_by_arm(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> pl.DataFrame:
    """Persons in the selection per arm (published and protected; no total is shown with
    them)."""
    raw = published.counts(persons_by_arm(ds, filters), ["n"], policy)
    return published.finish(protect_frame(raw, policy=policy, n_col="n", exact_col="n_exact",
                                          total_shown=False))


def _waiting(persons: pl.DataFrame) -> pl.DataFrame:
    """Per horizon and arm: the persons without an outcome row there (n, n_key), from the
    `participants_by_arm` query's waiting_<h> columns."""
    return pl.concat([
        persons.select(pl.lit(h, dtype=pl.Int32).alias("horizon_months"), "arm",
                       pl.col(f"waiting_{h}").alias("n"), pl.col(f"waiting_{h}_key").alias("n_key"))
        for h in HORIZONS])


@remembered
def arm_effects(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> pl.DataFrame:
    """Per horizon and arm: n, not_yet_observable and the three measures with 95 % CIs."""
    params = filters.params()
    raw = cells.arm_cells(ds, filters)
    persons = ds.query("participants_by_arm", params)
    waiting = published.counts(_waiting(persons), ["n"], policy).rename(
        {"n": "not_yet_observable", "n_exact": "not_yet_observable_exact"})
    arms = persons.select("arm")
    grid = pl.DataFrame({"horizon_months": list(HORIZONS)}, schema={"horizon_months": pl.Int32})
    frame = (
        grid.join(arms, how="cross")
        .join(_with_intervals(published_cells(raw, policy)), on=["horizon_months", "arm"],
              how="left")
        .join(waiting, on=["horizon_months", "arm"], how="left")
        .with_columns(pl.col("n", "n_exact", "not_yet_observable",
                             "not_yet_observable_exact").fill_null(0))
        .sort("horizon_months", "arm")
    )
    frame = protect_frame(frame, policy=policy, n_col="not_yet_observable",
                          exact_col="not_yet_observable_exact", total_shown=False)
    frame = frame.rename({"suppressed": "not_yet_observable_suppressed"})
    frame = protect_frame(frame, policy=policy, n_col="n", exact_col="n_exact",
                          value_cols=_VALUE_COLS, total_shown=False)
    return published.finish(frame)


@remembered
def differences(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> pl.DataFrame:
    """IPS − comparison per horizon and measure from the published parts: Newcombe for
    shares (k′, n′), Welch for weeks (S′/n′, exact variance, n′)."""
    published_arms = published_cells(cells.arm_cells(ds, filters), policy)
    raw = {(r["horizon_months"], r["arm"]): r for r in published_arms.iter_rows(named=True)}

    def shown(r: dict | None) -> bool:
        return r is not None and not policy.is_small(r["n"]) and not policy.is_small(
            r["n_exact"])

    rows = []
    for h in HORIZONS:
        ips, cmp_ = raw.get((h, "ips")), raw.get((h, "comparison"))
        usable = shown(ips) and shown(cmp_)
        for measure in MEASURES:
            row = {"horizon_months": h, "measure": measure,
                   "n_ips": ips["n"] if usable else None,
                   "n_comparison": cmp_["n"] if usable else None,
                   "estimate": None, "low": None, "high": None}
            if usable:
                if measure == "weeks_mean":
                    iv = welch_difference(ips["weeks_mean"], ips["weeks_var"], ips["n"],
                                          cmp_["weeks_mean"], cmp_["weeks_var"], cmp_["n"])
                else:
                    key = "k_any" if measure == "job_or_education_any" else "k_end"
                    iv = newcombe_difference(ips[key], ips["n"], cmp_[key], cmp_["n"])
                row.update(estimate=iv.estimate, low=iv.low, high=iv.high)
            rows.append(row)
    return pl.DataFrame(rows, schema={
        "horizon_months": pl.Int32, "measure": pl.String, "n_ips": pl.Int64,
        "n_comparison": pl.Int64, "estimate": pl.Float64, "low": pl.Float64,
        "high": pl.Float64,
    })


def effect_by_group(ds: Dataset, filters: Filters, policy: DisclosurePolicy, *,
                    horizon: int, dimension: str) -> pl.DataFrame:
    """The measures per group of one attribute and arm, protected within each arm."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; one of {DIMENSIONS}")
    if horizon not in HORIZONS:
        raise ValueError(f"horizon must be one of {HORIZONS}")
    if dimension in cells.FROM_STRATA:  # the strata's sums: no scan of its own
        raw = cells.group_cells(ds, filters, horizon=horizon, dimension=dimension)
    else:
        raw = ds.query("effect_by_group", {**filters.params(), "horizon": horizon,
                                           "dimension": dimension})
    frame = _with_intervals(published_cells(raw, policy))
    return published.finish(protect_frame(
        frame, policy=policy, n_col="n", exact_col="n_exact", value_cols=_VALUE_COLS,
        partition_by=["arm"], total_shown=True))


@dataclass(frozen=True)
class Funnel:
    """Municipality comparison: IPS 18-month share against n with control limits."""

    points: pl.DataFrame  # municipality_code, n, share, outside_95, outside_998, suppressed
    curve: pl.DataFrame  # n, lower_998, lower_95, upper_95, upper_998
    pooled_share: float | None
    n_total: int


def funnel(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> Funnel:
    """Funnel plot data (Spiegelhalter 2005, exact binomial limits, interpolated), from
    published figures: each municipality's n′ and k′/n′; the pooled share and n_total
    are the selection's published IPS 18-month cell (the same figures as its effect)."""
    params = filters.params()
    raw = ds.query("effect_by_group", {**params, "horizon": 18,
                                       "dimension": "municipality_code"})
    raw = published_cells(raw.filter(pl.col("arm") == "ips"), policy).select(
        pl.col("group_value").cast(pl.Int32).alias("municipality_code"), "n", "n_exact",
        "k_any")
    pooled = published_cells(cells.arm_cells(ds, filters), policy).filter(
        (pl.col("arm") == "ips") & (pl.col("horizon_months") == 18))
    n_total = int(pooled["n"][0]) if pooled.height else 0
    if raw.height == 0 or n_total <= 0:
        empty = pl.DataFrame(schema={"municipality_code": pl.Int32, "n": pl.Int64,
                                     "share": pl.Float64, "outside_95": pl.Boolean,
                                     "outside_998": pl.Boolean, "suppressed": pl.Boolean})
        return Funnel(empty, pl.DataFrame(), None, 0)
    p0 = int(pooled["k_any"][0]) / n_total
    n = np.maximum(raw["n"].to_numpy(), 1)  # n′ ≤ 0 only in cells hidden below
    lim = funnel_limits(p0, n)
    share = raw["k_any"].to_numpy() / n
    points = raw.select("municipality_code", "n", "n_exact").with_columns(
        share=pl.Series(share),
        outside_95=pl.Series((share < lim[0.025]) | (share > lim[0.975])),
        outside_998=pl.Series((share < lim[0.001]) | (share > lim[0.999])),
    )
    points = published.finish(protect_frame(
        points, policy=policy, n_col="n", exact_col="n_exact",
        value_cols=["share", "outside_95", "outside_998"], total_shown=True))
    grid = np.unique(np.linspace(max(policy.threshold, 1), max(int(n.max()), 10) * 1.1, 200)
                     .round().astype(int))
    curve_lim = funnel_limits(p0, grid)
    curve = pl.DataFrame({
        "n": grid, "lower_998": curve_lim[0.001], "lower_95": curve_lim[0.025],
        "upper_95": curve_lim[0.975], "upper_998": curve_lim[0.999],
    })
    return Funnel(points, curve, p0, n_total)
