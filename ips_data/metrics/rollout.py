"""Rollout status, caseload and fidelity per municipality (contract section 4).

Status as of a date = the row with the latest valid_from ≤ as_of; FTE from the
latest row ≤ as_of that has it; active participants = ips and ips_like with
start_date ≤ as_of and (end_date null or ≥ as_of); caseload per FTE = active /
FTE (null when FTE is null or 0; the IPS norm is ≤ 20). Active participants and
the 18-month IPS share are person-based and protected; FTE and fidelity are not.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ips_data.contract import CASELOAD_NORM, STATUSES
from ips_data.loading.database import Dataset
from ips_data.metrics import published
from ips_data.metrics.filters import Filters
from ips_data.protection.disclosure import DisclosurePolicy, protect_frame

#: Offering IPS together with the region's psychiatry: implementation begun or running (an
#: agreement alone is counted apart), as the region counts its 12 collaborations.
COLLABORATING = ("implementing", "operating")


def _area_params(filters: Filters) -> dict[str, object]:
    params = filters.params()
    return {"municipalities": params["municipalities"], "region": params["region"]}


def municipality_status(ds: Dataset, filters: Filters, policy: DisclosurePolicy,
                        as_of: date | None = None) -> pl.DataFrame:
    """One row per municipality in the area filter that has a row in any table. Active
    participants, the IPS 18-month n and share are published (section 5b: the same
    persons give the same n′ as in every other table) and protected; each count's
    municipalities add up to the selection's total, so secondary suppression applies."""
    as_of = as_of or ds.as_of
    raw = ds.query("municipality_overview", {**filters.params(), "as_of": as_of})
    raw = published.counts(raw, ["n_ips_18", "k_any_18_ips"], policy, n_col="n_ips_18")
    raw = published.counts(raw, ["active_participants"], policy)
    frame = raw.with_columns(
        caseload_per_fte=pl.when(pl.col("consultants_fte") > 0)
        .then(pl.col("active_participants") / pl.col("consultants_fte"))
        .otherwise(None),
        years_since_implementation=pl.when(pl.col("implementation_started").is_not_null())
        .then((pl.lit(as_of) - pl.col("implementation_started")).dt.total_days() / 365.25)
        .otherwise(None),
        job_or_education_any_18_ips=pl.when(pl.col("n_ips_18") > 0)
        .then(pl.col("k_any_18_ips") / pl.col("n_ips_18"))
        .otherwise(None),
    ).drop("k_any_18_ips")
    frame = frame.with_columns(
        over_caseload_norm=pl.col("caseload_per_fte") > CASELOAD_NORM,
    )
    first = protect_frame(frame, policy=policy, n_col="n_ips_18", exact_col="n_ips_18_exact",
                          value_cols=["job_or_education_any_18_ips"], total_shown=True)
    second = protect_frame(first.rename({"suppressed": "suppressed_18"}), policy=policy,
                           n_col="active_participants",
                           exact_col="active_participants_exact",
                           value_cols=["caseload_per_fte", "over_caseload_norm"],
                           total_shown=True)
    return published.finish(second.with_columns(
        suppressed=pl.col("suppressed") | pl.col("suppressed_18")
    ).drop("suppressed_18"))


def status_counts(status: pl.DataFrame, region: int | None = None) -> dict[str, int]:
    """How many municipalities have each status (not person-based); a municipality
    without a status period as of the list's date has no status and is not counted."""
    frame = status if region is None else status.filter(pl.col("region_code") == region)
    counts = dict.fromkeys(STATUSES, 0)
    for value, n in frame.drop_nulls("status").group_by("status").len().iter_rows():
        counts[value] = n
    return counts


def status_counts_as_of(ds: Dataset, filters: Filters, as_of: date | None = None
                        ) -> dict[str, int]:
    """How many municipalities of the area filter have each status as of `as_of` (the
    period with the latest valid_from ≤ as_of), from the status periods alone: the same
    counts as `status_counts(municipality_status(...))` without its person scans (a
    municipality with a status period always has a row in a table)."""
    as_of = as_of or ds.as_of
    current = (timeline(ds, filters).filter(pl.col("valid_from") <= as_of)
               .sort("code", "valid_from").group_by("code", maintain_order=True).last())
    return status_counts(current.select("status"))


def timeline(ds: Dataset, filters: Filters) -> pl.DataFrame:
    """Every status period of the municipalities in the area filter."""
    return ds.query("rollout_timeline", _area_params(filters))


def fidelity_reviews(ds: Dataset, filters: Filters, as_of: date | None = None) -> pl.DataFrame:
    """IPS-25 reviews up to as_of (not person-based, not suppressed)."""
    return ds.query("fidelity_reviews", {**_area_params(filters), "as_of": as_of or ds.as_of})


def fidelity_yearly_median(reviews: pl.DataFrame) -> pl.DataFrame:
    """Per calendar year of assessment: the median IPS-25 total over the municipalities'
    reviews that year (a municipality reviewed twice in a year counts with its later
    review) and how many municipalities that is. Not person-based."""
    latest = (reviews.with_columns(year=pl.col("assessment_date").dt.year())
              .sort("assessment_date")
              .group_by("year", "name", maintain_order=True).last())
    return (latest.group_by("year")
            .agg(median=pl.col("total_score").median(), municipalities=pl.len())
            .sort("year"))
