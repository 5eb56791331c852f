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
from ips_data.metrics.filters import Filters
from ips_data.metrics.stats import wilson_interval
from ips_data.protection.disclosure import DisclosurePolicy, protect_frame


def start_year_trend(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> pl.DataFrame:
    """Per start year of the selection: `participants` (IPS arm), `n_18`, `share_18` with
    `share_18_low` / `share_18_high`, and the flags `participants_suppressed`,
    `suppressed` (the 18-month figures) and `observable` (false: nobody of that year has
    an 18-month row yet; `n_18` and the share are then null without being hidden)."""
    raw = ds.query("ips_by_start_year", filters.params())
    bounds = [wilson_interval(k, n) if n else (None, None)
              for k, n in zip(raw["k_any_18"].to_list(), raw["n_18"].to_list(), strict=True)]
    frame = raw.with_columns(
        pl.col("start_year").cast(pl.Int32),
        share_18=pl.when(pl.col("n_18") > 0).then(pl.col("k_any_18") / pl.col("n_18")),
        share_18_low=pl.Series([b[0] for b in bounds], dtype=pl.Float64),
        share_18_high=pl.Series([b[1] for b in bounds], dtype=pl.Float64),
    ).drop("k_any_18")
    counted = protect_frame(frame, policy=policy, n_col="participants", total_shown=True)
    counted = counted.rename({"suppressed": "participants_suppressed"}).with_columns(
        observable=pl.col("n_18") > 0)
    # a start year nobody of which has reached 18 months is not yet observable: no share,
    # nothing hidden, and no part in the 18-month column's secondary suppression
    observed = protect_frame(counted.filter(pl.col("observable")), policy=policy,
                             n_col="n_18", value_cols=["share_18", "share_18_low",
                                                       "share_18_high"], total_shown=True)
    waiting = counted.filter(~pl.col("observable")).with_columns(
        pl.lit(None, dtype=counted.schema["n_18"]).alias("n_18"), suppressed=pl.lit(False))
    return pl.concat([observed, waiting]).sort("start_year")
