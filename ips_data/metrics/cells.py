"""The exact outcome cells the effect figures start from, added up from the strata.

`effect_strata` (one scan of the outcomes) holds, per horizon, arm and stratum of
contract section 4b, every exact part of a cell: the counts, the weeks sum, its sum of
squares and largest value, and each count's cell key sum (section 5b). Cells that are
unions of strata are their sums: the arms' cells (`arm_cells`), and the cells by start
year or age band (`group_cells`; both are parts of the stratum). Counts and weeks are
added as integers, largest values by max, key sums mod 2⁶⁴ (`combine_keys_by`), so the
cells are exactly those of a query over the persons (tests/test_cells.py compares them
with `effect_by_arm` and `effect_by_group` semantics computed in plain polars) and the
published figures, the JSON included, do not change. The effect page needs one scan
instead of four; other breakdowns (sex, benefit, unit, municipality) still query
`effect_by_group`.
"""

from __future__ import annotations

import polars as pl

from ips_data.loading.database import Dataset
from ips_data.metrics.filters import Filters
from ips_data.protection.perturbation import combine_keys_by

#: breakdowns that are parts of the stratum (the others are queried)
FROM_STRATA = ("start_year", "age_band")
_COUNTS = ("n", "k_any", "k_end", "weeks_sum", "weeks_sum_sq")
_KEYS = ("n_key", "k_any_key", "k_end_key", "weeks_sum_key")
#: each key column's count: a cell whose count is 0 has no key (null), as in SQL
_KEY_COUNT = {"n_key": "n", "k_any_key": "k_any", "k_end_key": "k_end",
              "weeks_sum_key": "n"}
_CELL_SCHEMA = {"n": pl.Int64, "n_key": pl.UInt64, "k_any": pl.Int64, "k_any_key": pl.UInt64,
                "k_end": pl.Int64, "k_end_key": pl.UInt64, "weeks_sum": pl.Int64,
                "weeks_sum_sq": pl.Int64, "weeks_sum_max": pl.Int32,
                "weeks_sum_key": pl.UInt64}


def strata(ds: Dataset, filters: Filters) -> pl.DataFrame:
    """`effect_strata` of the selection: per horizon, arm and stratum n, k_any, k_end,
    weeks_mean, weeks_var (exact) and the other exact parts of the cells (the adjusted
    difference and the balance start from it too; remembered like any query)."""
    return ds.query("effect_strata", filters.params())


def _summed(frame: pl.DataFrame, by: list[str], schema: dict) -> pl.DataFrame:
    sums = frame.group_by(by).agg(
        *(pl.col(c).sum() for c in _COUNTS), pl.col("weeks_sum_max").max())
    keys = combine_keys_by(frame, by, _KEYS)
    key_values = {k: [] for k in _KEYS}
    for row in sums.select(by).iter_rows():
        for k, v in zip(_KEYS, keys[row], strict=True):
            key_values[k].append(v)
    out = sums.with_columns(pl.Series(k, v, dtype=pl.UInt64) for k, v in key_values.items())
    out = out.with_columns(  # no key where nobody is counted (a null key sum in SQL)
        pl.when(pl.col(count) > 0).then(pl.col(key)).otherwise(None).alias(key)
        for key, count in _KEY_COUNT.items())
    return out.select(*schema).cast(schema).sort(by)


def arm_cells(ds: Dataset, filters: Filters) -> pl.DataFrame:
    """Per horizon and arm: the columns of the `effect_by_arm` query, from the strata
    (made once per selection: the arms' figures, the differences and the weeks variance
    all start from them)."""
    schema = {"horizon_months": pl.Int32, "arm": pl.String, **_CELL_SCHEMA}
    return ds.remember(("cells.arm_cells", filters.model_dump_json()), lambda: _summed(
        strata(ds, filters), ["horizon_months", "arm"], schema))


def group_cells(ds: Dataset, filters: Filters, *, horizon: int,
                dimension: str) -> pl.DataFrame:
    """At one horizon, per group of `dimension` (start_year or age_band) and arm: the
    columns of the `effect_by_group` query, from the strata."""
    if dimension not in FROM_STRATA:
        raise ValueError(f"{dimension!r} is not part of the stratum; one of {FROM_STRATA}")
    schema = {"group_value": pl.String, "arm": pl.String, **_CELL_SCHEMA}

    def make() -> pl.DataFrame:
        frame = strata(ds, filters).filter(pl.col("horizon_months") == horizon)
        return _summed(frame.with_columns(pl.col(dimension).cast(pl.String)
                                          .alias("group_value")), ["group_value", "arm"], schema)

    return ds.remember(("cells.group_cells", filters.model_dump_json(), horizon, dimension),
                       make)
