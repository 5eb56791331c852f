"""Municipality benchmark "Faktisk og forventet" (contract section 4b): IPS persons in
job or education at any time within 18 months, observed against expected given each
municipality's case-mix (indirect standardisation), and the funnel of adjusted shares
with exact binomial and overdispersion-adjusted limits.

- Reference population R: IPS persons with an 18-month outcome row under the
  selection's filters with the municipality and region filters removed, over the
  whole extract (`Filters.unscoped`: the national rates name no municipality);
  p_c = k_c / n_c per stratum c (exact, never shown); p̄ = k_R / n_R.
- Per municipality m of the selection (scoped): O_m (in job or education), n_m,
  E_m = Σ_c n_m,c · p_c; O/E; adjusted share = p̄ · O/E; O − E in persons.
- Funnel: exact binomial limits around p̄ (`funnel_limits`) and p̄ ± z·√(p̄(1 − p̄)/n + τ²)
  with τ² by DerSimonian–Laird over the I municipalities with n_m ≥ threshold.

Disclosure: n_m, O_m and p̄'s counts are published with cell key noise (contract 5b,
`published_counts`: the same n′ as the municipality list); a municipality with n_m or
n′_m below the threshold shows no n, O, E, O − E, O/E or adjusted share; secondary
suppression as for the municipality list (`protect_frame`).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from ips_data.loading.database import Dataset
from ips_data.metrics.adjusted import STRATUM
from ips_data.metrics.filters import Filters
from ips_data.metrics.memo import remembered
from ips_data.metrics.stats import (
    Z95,
    Z998,
    dersimonian_laird_tau2,
    funnel_limits,
    overdispersed_limits,
)
from ips_data.municipalities import MUNICIPALITIES
from ips_data.protection.disclosure import DisclosurePolicy, protect_frame
from ips_data.protection.perturbation import combine_keys_by, perturb_count

VALUE_COLS = ("observed", "expected", "o_minus_e", "oe_ratio", "adjusted_share",
              "exact_flag", "overdispersed_flag")
_POINT_SCHEMA = {
    "municipality_code": pl.Int32, "n": pl.Int64, "observed": pl.Int64,
    "expected": pl.Float64, "o_minus_e": pl.Float64, "oe_ratio": pl.Float64,
    "adjusted_share": pl.Float64, "exact_flag": pl.String, "overdispersed_flag": pl.String,
}
#: Flag values: where a municipality's adjusted share lies against a pair of limits.
FLAGS = ("above_998", "above_95", "inside", "below_95", "below_998")


@dataclass(frozen=True)
class Benchmark:
    """The benchmark table (protected), the limit curves and the pooled figures."""

    points: pl.DataFrame  # municipality_code, n, observed, expected, o_minus_e, oe_ratio,
    #                       adjusted_share, exact_flag, overdispersed_flag, suppressed
    pooled_share: float | None  # p̄ of the reference population
    tau2: float | None
    shown: int  # I: municipalities with n_m ≥ threshold
    #: (smallest n drawn, largest n) of the limit curves; None: no curves
    curve_span: tuple[int, int] | None = None

    @functools.cached_property
    def curve(self) -> pl.DataFrame:
        """n, exact_{lower,upper}_{95,998}, od_{lower,upper}_{95,998} on 200 points of n:
        the funnel's limit lines. Made when a chart asks (the summary and the map do
        not need them: the binomial quantiles of 200 points cost ~6 ms)."""
        if self.curve_span is None or self.pooled_share is None:
            return pl.DataFrame()
        low, top = self.curve_span
        grid = np.unique(np.linspace(low, top, 200).round().astype(int))
        exact_c, od_c = _limits(self.pooled_share, grid, self.tau2)
        return pl.DataFrame({"n": grid, **{f"exact_{k}": v for k, v in exact_c.items()},
                             **{f"od_{k}": v for k, v in od_c.items()}})


def _reference_filters(filters: Filters) -> Filters:
    """The reference population's filters: the selection without the municipality and
    region filters, over the whole extract (contract sections 4b and 7)."""
    return filters.unscoped().model_copy(update={"municipalities": (), "region": None})


@dataclass(frozen=True)
class PublishedCounts:
    """The counts that are published: per municipality n and O, and the reference
    population's k_R and n_R behind p̄."""

    municipalities: pl.DataFrame  # municipality_code, n (published), n_exact, observed
    k_ref: int
    n_ref: int


def published_counts(selection: pl.DataFrame, reference: pl.DataFrame,
                     policy: DisclosurePolicy) -> PublishedCounts:
    """Where O_m, n_m and p̄'s counts come from: the published counts of contract section
    5b (the exact ones when `policy.perturb` is off). A municipality's key sum is its
    strata's key sums added mod 2⁶⁴, so its n′ is the n′ of the municipality list;
    O′ is kept within [0, n′]. The exact n stays in ``n_exact`` for the disclosure rules."""
    keyed = {"n_key", "k_any_key"} <= set(selection.columns) and {
        "n_key", "k_any_key"} <= set(reference.columns)
    if policy.perturb and not keyed:
        raise ValueError("benchmark strata without cell keys (n_key, k_any_key) cannot be "
                         "published perturbed; use DisclosurePolicy(perturb=False)")
    sums = selection.group_by("municipality_code").agg(
        pl.col("n").sum().alias("n"), pl.col("k_any").sum().alias("k"))
    keys = (combine_keys_by(selection, "municipality_code", ("n_key", "k_any_key"))
            if policy.perturb else {})
    rows = []
    for code, n, k in sums.iter_rows():
        n, k = int(n), int(k)
        n_pub, k_pub = n, k
        if policy.perturb:
            n_key, k_key = keys[code]
            n_pub = perturb_count(n, n_key)
            k_pub = min(max(perturb_count(k, k_key), 0), max(n_pub, 0))
        rows.append((code, n_pub, n, k_pub))
    per_municipality = pl.DataFrame(
        rows, schema={"municipality_code": pl.Int32, "n": pl.Int64, "n_exact": pl.Int64,
                      "observed": pl.Int64}, orient="row").sort("municipality_code")
    n_ref, k_ref = int(reference["n"].sum()), int(reference["k_any"].sum())
    if policy.perturb:
        whole = reference.with_columns(pl.lit(0).alias("_whole"))
        n_key, k_key = combine_keys_by(whole, "_whole", ("n_key", "k_any_key")).get(0, (0, 0))
        n_ref = perturb_count(n_ref, n_key)
        k_ref = min(max(perturb_count(k_ref, k_key), 0), max(n_ref, 0))
    return PublishedCounts(per_municipality, k_ref, n_ref)


def expected_counts(selection: pl.DataFrame, reference: pl.DataFrame) -> pl.DataFrame:
    """E_m = Σ_c n_m,c · p_c with p_c = k_c / n_c of the reference strata (exact)."""
    rates = (reference.group_by(list(STRATUM))
             .agg(p=pl.col("k_any").sum() / pl.col("n").sum()))
    joined = selection.join(rates, on=list(STRATUM), how="left", nulls_equal=True)
    missing = joined.filter(pl.col("p").is_null())
    if missing.height:  # the selection is inside the reference population by definition
        raise ValueError(f"{missing.height} stratum rows of the selection are missing from "
                         "the reference population")
    # summed with math.fsum (correctly rounded, so independent of the row order a
    # parallel group-by gives): the same input gives byte-identical output (5b); the
    # products n·p in numpy (the same float64 products), one fsum per municipality
    joined = joined.sort("municipality_code")
    all_codes = joined["municipality_code"].to_numpy()
    products = joined["n"].to_numpy().astype(np.float64) * joined["p"].to_numpy()
    codes, starts = np.unique(all_codes, return_index=True)
    ends = [*starts[1:].tolist(), len(all_codes)] if len(starts) else []
    return pl.DataFrame({"municipality_code": codes.tolist(),
                         "expected": [math.fsum(products[a:b].tolist())
                                      for a, b in zip(starts.tolist(), ends, strict=True)]},
                        schema={"municipality_code": selection.schema["municipality_code"],
                                "expected": pl.Float64})


def _flag(share: np.ndarray, lim: dict[str, np.ndarray]) -> list[str]:
    out = []
    for i, s in enumerate(share):
        if s > lim["upper_998"][i]:
            out.append("above_998")
        elif s > lim["upper_95"][i]:
            out.append("above_95")
        elif s < lim["lower_998"][i]:
            out.append("below_998")
        elif s < lim["lower_95"][i]:
            out.append("below_95")
        else:
            out.append("inside")
    return out


def _limits(p0: float, n: np.ndarray, tau2: float) -> tuple[dict, dict]:
    exact = funnel_limits(p0, n)
    od = overdispersed_limits(p0, n, tau2)
    return ({"lower_998": exact[0.001], "lower_95": exact[0.025],
             "upper_95": exact[0.975], "upper_998": exact[0.999]},
            {"lower_998": od[Z998][0], "lower_95": od[Z95][0],
             "upper_95": od[Z95][1], "upper_998": od[Z998][1]})


def benchmark_from_strata(selection: pl.DataFrame, reference: pl.DataFrame,
                          policy: DisclosurePolicy) -> Benchmark:
    """The benchmark from `benchmark_strata` rows of the selection and of the reference
    population (pure: the tests feed hand-made strata)."""
    counts = published_counts(selection, reference, policy)
    if counts.municipalities.is_empty() or counts.n_ref <= 0:
        return Benchmark(pl.DataFrame(schema={**_POINT_SCHEMA, "suppressed": pl.Boolean}),
                         None, None, 0)
    p0 = counts.k_ref / counts.n_ref
    frame = counts.municipalities.join(expected_counts(selection, reference),
                                       on="municipality_code", how="left")
    n = frame["n"].to_numpy().astype(float)
    observed = frame["observed"].to_numpy().astype(float)
    expected = frame["expected"].to_numpy()
    ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1.0), np.nan)
    adjusted = p0 * ratio
    big = (n >= policy.threshold) & (frame["n_exact"].to_numpy() >= policy.threshold)
    usable = big & np.isfinite(adjusted)
    tau2 = dersimonian_laird_tau2(adjusted[usable], n[usable], p0)
    exact, od = _limits(p0, np.maximum(n, 1), tau2)
    finite = np.nan_to_num(adjusted, nan=p0)
    frame = frame.with_columns(
        o_minus_e=pl.Series(observed - expected),
        oe_ratio=pl.Series(ratio, nan_to_null=True),
        adjusted_share=pl.Series(adjusted, nan_to_null=True),
        exact_flag=pl.Series(_flag(finite, exact)),
        overdispersed_flag=pl.Series(_flag(finite, od)),
    ).select(*_POINT_SCHEMA, "n_exact").cast(_POINT_SCHEMA)
    points = protect_frame(frame, policy=policy, n_col="n", exact_col="n_exact",
                           value_cols=VALUE_COLS, total_shown=True).drop("n_exact")
    top = max(int(n.max()), 10) * 1.1
    return Benchmark(points, p0, tau2, int(usable.sum()),
                     curve_span=(max(policy.threshold, 1), top))


def _selected_area(filters: Filters) -> list[int] | None:
    """The municipality codes the selection's area filters and scope allow (None: all)."""
    params = filters.params()
    codes = params["municipalities"]
    if params["region"] is not None:
        in_region = {c for c, m in MUNICIPALITIES.items() if m.region_code == params["region"]}
        codes = sorted(in_region if codes is None else in_region & set(codes))
    return codes


@remembered
def benchmark(ds: Dataset, filters: Filters, policy: DisclosurePolicy) -> Benchmark:
    """The benchmark of the selection's municipalities against the reference rates.

    One query: the reference population's rows per municipality and stratum (the
    selection without its area filters, whole extract); the selection's rows are those
    of the municipalities its area filters and scope allow (the other filters are the
    same), so a change of municipality or region reuses the remembered result."""
    reference = ds.query("benchmark_strata", _reference_filters(filters).params())
    area = _selected_area(filters)
    selection = (reference if area is None
                 else reference.filter(pl.col("municipality_code").is_in(area)))
    return benchmark_from_strata(selection, reference, policy)
