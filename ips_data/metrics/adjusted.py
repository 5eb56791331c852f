"""The adjusted difference IPS − comparison (contract section 4b): exact stratification
on start year × age band × sex × benefit group, the ATT (the comparison group
standardised to the IPS group's strata), with its support and the covariate balance.

Population at horizon h: the selection's participants of the arms ``ips`` and
``comparison`` with an outcome row at h. Per stratum s and arm: n, mean ȳ, variance v
(binary: ȳ(1 − ȳ); weeks: sample variance, and where an arm has n = 1 in a stratum that
arm's sample variance over the whole population at h). Supported strata have both arms;
w_s = n_ips,s / Σ_supported n_ips; estimate = Σ w_s (ȳ_ips,s − ȳ_cmp,s); variance =
Σ w_s² (v_ips,s / n_ips,s + v_cmp,s / n_cmp,s); ci95 = estimate ± 1.959964·√variance.

Disclosure: the estimate is null when the supported IPS or comparison persons number
fewer than the threshold; `excluded` (IPS persons in unsupported strata) and
`support_share` are null when either the excluded or the supported IPS persons are
1..threshold − 1 (one gives the other away with the IPS n shown beside them).
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from ips_data.contract import AGE_BANDS, HORIZONS
from ips_data.loading.database import Dataset
from ips_data.metrics import cells
from ips_data.metrics.filters import Filters
from ips_data.metrics.memo import remembered
from ips_data.metrics.published import sample_variance
from ips_data.metrics.stats import Z95
from ips_data.protection.disclosure import DisclosurePolicy, protect_frame
from ips_data.protection.perturbation import combine_keys, perturb_count

SHARES = ("job_or_education_any", "job_or_education_at_end")
MEASURES = (*SHARES, "weeks_mean")
STRATUM = ("start_year", "age_band", "sex", "benefit_group")
#: Benefit at start → benefit group (the SQL column fct_outcomes.stratum is the one used;
#: this copy documents it and lets tests check it). Unknown (null) → other.
BENEFIT_GROUPS = {
    "kontanthjaelp": "cash", "uddannelseshjaelp": "cash",
    "ressourceforloeb": "clarification", "jobafklaring": "clarification",
    "revalidering": "clarification",
    "dagpenge": "insured", "sygedagpenge": "insured", "ledighedsydelse": "insured",
    "foertidspension": "other", "selvforsoergende": "other", "other": "other",
}
GROUP_ORDER = ("cash", "clarification", "insured", "other")
SEX_ORDER = ("F", "M", "unknown")
#: Why an adjusted estimate is missing: no IPS persons, no comparison persons, no
#: stratum with both arms, or too few persons in the supported strata.
REASONS = ("no_ips", "no_comparison", "no_support", "too_few")
BALANCE_LIMIT = 0.1  # |d| ≥ 0.1 counts as imbalance (cobalt's convention)

_KEYS = ["horizon_months", *STRATUM]
_VALUES = ("n", "k_any", "k_end", "weeks_mean", "weeks_var", "n_key")
_RESULT_SCHEMA = {
    "horizon_months": pl.Int32, "measure": pl.String, "estimate": pl.Float64,
    "low": pl.Float64, "high": pl.Float64, "n_ips": pl.Int64, "n_comparison": pl.Int64,
    "support_share": pl.Float64, "excluded": pl.Int64, "reason": pl.String,
}


def whole_weeks_variance(ds: Dataset, filters: Filters) -> dict[tuple[int, str], float | None]:
    """Each arm's sample variance of weeks over the whole population at each horizon."""
    raw = cells.arm_cells(ds, filters)
    var = sample_variance(raw["n"].to_list(), raw["weeks_sum"].to_list(),
                          raw["weeks_sum_sq"].to_list())
    return {(h, arm): v for h, arm, v in zip(raw["horizon_months"], raw["arm"], var,
                                               strict=True)}


def paired(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per horizon and stratum with both arms' figures (`_ips`, `_cmp`; n = 0
    where an arm has nobody)."""
    if "n_key" not in frame.columns:  # hand-made strata (exact figures only)
        frame = frame.with_columns(n_key=pl.lit(None, dtype=pl.UInt64))

    def arm(name: str, suffix: str) -> pl.DataFrame:
        part = frame.filter(pl.col("arm") == name).select(*_KEYS, *_VALUES)
        return part.rename({c: f"{c}{suffix}" for c in _VALUES})

    both = arm("ips", "_ips").join(arm("comparison", "_cmp"), on=_KEYS, how="full",
                                   coalesce=True, nulls_equal=True)
    return both.with_columns(pl.col("n_ips", "n_cmp", "k_any_ips", "k_any_cmp", "k_end_ips",
                                    "k_end_cmp").fill_null(0)).sort(_KEYS)


def _weeks_variance(var: np.ndarray, n: np.ndarray, whole: float | None) -> np.ndarray:
    """The stratum's sample variance; the arm's whole-population one where n = 1."""
    fallback = np.nan if whole is None else float(whole)
    return np.where(n == 1, fallback, np.nan_to_num(var, nan=0.0))


def _published_support(both: pl.DataFrame, sup: np.ndarray,
                       policy: DisclosurePolicy) -> dict[str, int]:
    """The supported IPS and comparison persons, the excluded IPS persons and all IPS
    persons as published counts (contract 5b; exact when `policy.perturb` is off)."""
    n_i, n_c = both["n_ips"].to_list(), both["n_cmp"].to_list()
    k_i, k_c = both["n_key_ips"].to_list(), both["n_key_cmp"].to_list()
    support = sup.tolist()

    def count(ns: list, keys: list, take: list[bool]) -> int:
        n = sum(int(x) for x, t in zip(ns, take, strict=True) if t)
        if not policy.perturb:
            return n
        chosen = [k for k, t in zip(keys, take, strict=True) if t]
        if n and any(k is None for k, x, t in zip(keys, ns, take, strict=True) if t and x):
            raise ValueError("strata without cell keys (n_key) cannot be published "
                             "perturbed; use DisclosurePolicy(perturb=False)")
        return perturb_count(n, combine_keys(chosen))

    every = [True] * len(n_i)
    return {"n_sup": count(n_i, k_i, support), "c_sup": count(n_c, k_c, support),
            "excluded": count(n_i, k_i, [not x for x in support]),
            "total": count(n_i, k_i, every)}


def _horizon(both: pl.DataFrame, h: int, weeks_var: dict, policy: DisclosurePolicy) -> list:
    n_i = both["n_ips"].to_numpy().astype(float)
    n_c = both["n_cmp"].to_numpy().astype(float)
    total_ips, total_cmp = int(n_i.sum()), int(n_c.sum())
    sup = (n_i > 0) & (n_c > 0)
    n_sup, c_sup = int(n_i[sup].sum()), int(n_c[sup].sum())
    excluded = total_ips - n_sup
    # published counts (contract 5b): the key sums of the strata's persons, combined
    pub = _published_support(both, sup, policy)
    shown = (not policy.is_small(total_ips) and not policy.is_small(pub["total"])
             and all(v == 0 or not policy.is_small(v) for v in (excluded, n_sup))
             and all(v == 0 or not policy.is_small(v) for v in (pub["excluded"],
                                                                pub["n_sup"])))
    reason = ("no_ips" if total_ips == 0 else "no_comparison" if total_cmp == 0
              else "no_support" if n_sup == 0
              else "too_few" if policy.is_small(n_sup) or policy.is_small(c_sup) else None)
    base = {"horizon_months": h, "n_ips": None, "n_comparison": None,
            "support_share": min(pub["n_sup"] / pub["total"], 1.0) if shown else None,
            "excluded": pub["excluded"] if shown else None, "reason": reason,
            "estimate": None, "low": None, "high": None}
    rows = []
    for measure in MEASURES:
        row = {**base, "measure": measure}
        if reason is None:
            s = both.filter(pl.Series(sup))
            ni, nc = s["n_ips"].to_numpy().astype(float), s["n_cmp"].to_numpy().astype(float)
            if measure == "weeks_mean":
                yi, yc = s["weeks_mean_ips"].to_numpy(), s["weeks_mean_cmp"].to_numpy()
                vi = _weeks_variance(s["weeks_var_ips"].fill_null(np.nan).to_numpy(), ni,
                                     weeks_var.get((h, "ips")))
                vc = _weeks_variance(s["weeks_var_cmp"].fill_null(np.nan).to_numpy(), nc,
                                     weeks_var.get((h, "comparison")))
            else:
                k = "k_any" if measure == "job_or_education_any" else "k_end"
                yi = s[f"{k}_ips"].to_numpy() / ni
                yc = s[f"{k}_cmp"].to_numpy() / nc
                vi, vc = yi * (1 - yi), yc * (1 - yc)
            w = ni / ni.sum()
            estimate = float(np.sum(w * (yi - yc)))
            half = Z95 * math.sqrt(float(np.sum(w**2 * (vi / ni + vc / nc))))
            row.update(estimate=estimate, low=estimate - half, high=estimate + half,
                       n_ips=pub["n_sup"], n_comparison=pub["c_sup"])
        rows.append(row)
    return rows


def adjusted_from_strata(frame: pl.DataFrame, weeks_var: dict[tuple[int, str], float | None],
                         policy: DisclosurePolicy) -> pl.DataFrame:
    """The adjusted differences per horizon and measure from `strata` rows (pure: the
    tests feed hand-made strata). `n_ips` / `n_comparison` are the supported persons."""
    both = paired(frame)
    rows = []
    for h in HORIZONS:
        rows += _horizon(both.filter(pl.col("horizon_months") == h), h, weeks_var, policy)
    return pl.DataFrame(rows, schema=_RESULT_SCHEMA).select(list(_RESULT_SCHEMA))


@remembered
def adjusted_differences(ds: Dataset, filters: Filters,
                         policy: DisclosurePolicy) -> pl.DataFrame:
    """Adjusted IPS − comparison per horizon and measure, with support (protected)."""
    return adjusted_from_strata(cells.strata(ds, filters), whole_weeks_variance(ds, filters),
                                policy)


def standardised_difference(p1: np.ndarray, p0: np.ndarray) -> np.ndarray:
    """d = (p1 − p0) / √((p1(1 − p1) + p0(1 − p0)) / 2); 0 where the denominator is 0."""
    p1, p0 = np.asarray(p1, dtype=float), np.asarray(p0, dtype=float)
    denom = np.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
    return np.where(denom > 0, (p1 - p0) / np.where(denom > 0, denom, 1.0), 0.0)


def _level_order(variable: str, level: str) -> tuple:
    order = {"age_band": AGE_BANDS, "sex": SEX_ORDER, "benefit_group": GROUP_ORDER}.get(variable)
    return (order.index(level) if order and level in order else 0, level)


_BALANCE_SCHEMA = {
    "variable": pl.String, "level": pl.String, "share_ips": pl.Float64,
    "share_comparison": pl.Float64, "share_comparison_weighted": pl.Float64,
    "d_crude": pl.Float64, "d_weighted": pl.Float64, "imbalanced_crude": pl.Boolean,
    "imbalanced_weighted": pl.Boolean, "n_min": pl.Int64,
}


def balance_table(frame: pl.DataFrame, horizon: int) -> pl.DataFrame:
    """Per level of every stratum variable at one horizon: its share among IPS, among
    the comparison group, and among the comparison group weighted by n_ips,s / n_cmp,s
    (supported strata only), with the standardised differences crude and weighted and
    |d| ≥ 0.1 flagged; `n_min` = the smallest non-zero count behind the row's shares.
    Not protected (see `balance_from_strata`). Empty when an arm has nobody."""
    both = paired(frame).filter(pl.col("horizon_months") == horizon)
    total_ips, total_cmp = int(both["n_ips"].sum()), int(both["n_cmp"].sum())
    supported = both.filter((pl.col("n_ips") > 0) & (pl.col("n_cmp") > 0))
    n_sup = int(supported["n_ips"].sum())
    if total_ips == 0 or total_cmp == 0 or n_sup == 0:
        return pl.DataFrame(schema=_BALANCE_SCHEMA)
    rows = []
    for variable in STRATUM:
        levels = both.group_by(variable).agg(pl.col("n_ips").sum(), pl.col("n_cmp").sum())
        sup = dict(supported.group_by(variable).agg(pl.col("n_ips").sum()).iter_rows())
        for level, n_i, n_c in levels.iter_rows():
            n_w = int(sup.get(level, 0))
            counts = [c for c in (n_i, n_c, n_w) if c > 0]
            rows.append({"variable": variable, "level": str(level),
                         "share_ips": n_i / total_ips, "share_comparison": n_c / total_cmp,
                         "share_comparison_weighted": n_w / n_sup,
                         "n_min": min(counts) if counts else None})
    rows.sort(key=lambda r: (STRATUM.index(r["variable"]),
                             _level_order(r["variable"], r["level"])))
    out = pl.DataFrame(rows)
    p1 = out["share_ips"].to_numpy()
    d_crude = standardised_difference(p1, out["share_comparison"].to_numpy())
    d_weighted = standardised_difference(p1, out["share_comparison_weighted"].to_numpy())
    out = out.with_columns(
        d_crude=pl.Series(d_crude), d_weighted=pl.Series(d_weighted),
        imbalanced_crude=pl.Series(np.abs(d_crude) >= BALANCE_LIMIT),
        imbalanced_weighted=pl.Series(np.abs(d_weighted) >= BALANCE_LIMIT),
    ).select(list(_BALANCE_SCHEMA)).cast(_BALANCE_SCHEMA)
    return out


def balance_from_strata(frame: pl.DataFrame, horizon: int,
                        policy: DisclosurePolicy) -> pl.DataFrame:
    """`balance_table`, protected per variable (its levels add up to each arm's total)
    on the smallest non-zero count behind a row's shares."""
    out = balance_table(frame, horizon)
    values = [c for c in _BALANCE_SCHEMA if c not in ("variable", "level", "n_min")]
    return protect_frame(out, policy=policy, n_col="n_min", value_cols=values,
                         partition_by=["variable"], total_shown=True)


def balance(ds: Dataset, filters: Filters, policy: DisclosurePolicy, *,
            horizon: int) -> pl.DataFrame:
    """The covariate balance at one horizon (see `balance_from_strata`)."""
    if horizon not in HORIZONS:
        raise ValueError(f"horizon must be one of {HORIZONS}")
    return balance_from_strata(cells.strata(ds, filters), horizon, policy)
