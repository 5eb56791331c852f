"""The overview's trend by start year (contract section 4, per start year): the IPS
arm's participants, and the share of them in job or education at any time within 18
months among those with an 18-month outcome row (Wilson 95 % interval). People
without an 18-month row are not yet observable and are left out of the share.

Both are person-based and protected: the participants per year add up to the IPS
card's total, and the 18-month persons per year to the 18-month n, so each column is
protected with its total shown (secondary suppression within the column).
"""

from __future__ import annotations

import polars as pl

from ips_data.loading.database import Dataset
from ips_data.metrics import cells, published
from ips_data.metrics.filters import Filters
from ips_data.metrics.stats import wilson_interval
from ips_data.protection.disclosure import DisclosurePolicy, protect_frame


def _counts(ds: Dataset, filters: Filters) -> pl.DataFrame:
    """Per start year: the IPS participants (query `ips_by_start_year`) and, from the
    effect strata's 18-month IPS cells, n_18 and k_any_18 with their cell keys (0 and no
    key for a year nobody of which has an 18-month row)."""
    at_18 = cells.group_cells(ds, filters, horizon=18, dimension="start_year").filter(
        pl.col("arm") == "ips").select(
        pl.col("group_value").cast(pl.Int32).alias("start_year"),
        pl.col("n").alias("n_18"), pl.col("n_key").alias("n_18_key"),
        pl.col("k_any").alias("k_any_18"), pl.col("k_any_key").alias("k_any_18_key"))
    participants = ds.query("ips_by_start_year", filters.params())
    return participants.join(at_18, on="start_year", how="left").with_columns(
        pl.col("n_18", "k_any_18").fill_null(0)).sort("start_year")


def start_year_trend(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> pl.DataFrame:
    """Per start year of the selection: `participants` (IPS arm), `n_18`, `share_18` with
    `share_18_low` / `share_18_high`, and the flags `participants_suppressed`,
    `suppressed` (the 18-month figures) and `observable` (false: nobody of that year has
    an 18-month row yet; `n_18` and the share are then null without being hidden)."""
    raw = _counts(ds, filters)
    # published counts (contract 5b): k′ within [0, n′]; the exact ones for protection
    raw = published.counts(raw, ["n_18", "k_any_18"], policy, n_col="n_18")
    raw = published.counts(raw, ["participants"], policy)
    bounds = [wilson_interval(k, n) if n > 0 else (None, None)
              for k, n in zip(raw["k_any_18"].to_list(), raw["n_18"].to_list(), strict=True)]
    frame = raw.with_columns(
        pl.col("start_year").cast(pl.Int32),
        share_18=pl.when(pl.col("n_18") > 0).then(pl.col("k_any_18") / pl.col("n_18")),
        share_18_low=pl.Series([b[0] for b in bounds], dtype=pl.Float64),
        share_18_high=pl.Series([b[1] for b in bounds], dtype=pl.Float64),
    ).drop("k_any_18")
    counted = protect_frame(frame, policy=policy, n_col="participants",
                            exact_col="participants_exact", total_shown=True)
    counted = counted.rename({"suppressed": "participants_suppressed"}).with_columns(
        observable=pl.col("n_18_exact") > 0)
    # a start year nobody of which has reached 18 months is not yet observable: no share,
    # nothing hidden, and no part in the 18-month column's secondary suppression
    observed = protect_frame(counted.filter(pl.col("observable")), policy=policy,
                             n_col="n_18", exact_col="n_18_exact",
                             value_cols=["share_18", "share_18_low", "share_18_high"],
                             total_shown=True)
    waiting = counted.filter(~pl.col("observable")).with_columns(
        pl.lit(None, dtype=counted.schema["n_18"]).alias("n_18"), suppressed=pl.lit(False))
    return published.finish(pl.concat([observed, waiting]).sort("start_year"))
