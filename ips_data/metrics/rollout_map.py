"""The figures of the rollout map, one row per municipality of the selection.

`map_frame` joins the protected rows of `rollout.municipality_status` to *every*
municipality inside the selection (the area filter intersected with the viewer's scope),
so a municipality with no row in any table is still drawn (state ``no_data``), and says
per row what colours it for the chosen measure:

* ``status``: the rollout status on the date (``no_data`` without a rollout row);
* ``share_18``: the IPS arm's share in job or education at any time within 18 months,
  adjusted for case-mix (the benchmark's adjusted share, contract 4b; see `share_18`);
* ``caseload``: active participants per consultant FTE, against the norm of 20.

``state`` (and, for every measure, ``status_state``, ``share_18_state``,
``caseload_state``) is ``shown`` (``value`` holds the figure), ``suppressed`` (too few
persons: drawn grey with the policy label; flagged by ``share_18_suppressed``,
``caseload_suppressed``, and ``suppressed`` for the chosen measure) or ``no_data``
(nothing to show: no rollout row, no FTE, nobody with an 18-month outcome). Nothing
here is person-based beyond what `municipality_status` already protected.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ips_data.contract import CASELOAD_NORM
from ips_data.geo.boundaries import label_points
from ips_data.loading.database import Dataset
from ips_data.metrics.benchmark import benchmark
from ips_data.metrics.filters import Filters
from ips_data.metrics.rollout import municipality_status
from ips_data.municipalities import MUNICIPALITIES
from ips_data.protection.disclosure import DisclosurePolicy

MEASURES = ("status", "share_18", "caseload")
STATES = ("shown", "suppressed", "no_data")
NO_DATA = "no_data"  # the status of a municipality without a rollout row on the date

#: Which 18-month share the map shows: "adjusted" = the municipality benchmark's
#: adjusted share (contract section 4b: p̄ · O/E, `adjusted_share_18_ips`, with its n);
#: "crude" = the observed share of the IPS arm (`job_or_education_any_18_ips`).
SHARE_KIND = "adjusted"


def selection_codes(filters: Filters) -> list[int]:
    """The municipalities a map of the selection shows: the municipality filter (within
    the viewer's scope) and the region filter; all 98 when neither is set."""
    chosen = filters.params()["municipalities"]
    codes = sorted(MUNICIPALITIES) if chosen is None else sorted(chosen)
    if filters.region is not None:
        codes = [c for c in codes if MUNICIPALITIES[c].region_code == filters.region]
    return codes


def share_18(status: pl.DataFrame) -> pl.DataFrame:
    """(code, share_18, share_n_18) — the one place that decides which 18-month share the
    map colours by (`SHARE_KIND`): the benchmark's adjusted share with its n when the
    frame carries it (`adjusted_share_18_ips`, `adjusted_n_18`), else the crude IPS share
    with `n_ips_18`. Suppressed: both null."""
    if SHARE_KIND == "adjusted" and "adjusted_share_18_ips" in status.columns:
        value, n = pl.col("adjusted_share_18_ips"), pl.col("adjusted_n_18")
    else:
        value, n = pl.col("job_or_education_any_18_ips"), pl.col("n_ips_18")
    return status.select("code", value.alias("share_18"), n.alias("share_n_18"))


def share_kind(status: pl.DataFrame) -> str:
    """Which share `share_18` takes from `status`: "adjusted" or "crude"."""
    return ("adjusted" if SHARE_KIND == "adjusted" and "adjusted_share_18_ips"
            in status.columns else "crude")


_SCHEMA = {
    "code": pl.Int32, "name": pl.String, "region_code": pl.Int32, "status": pl.String,
    "status_since": pl.Date, "active_participants": pl.Int64, "consultants_fte": pl.Float64,
    "caseload_per_fte": pl.Float64, "share_18": pl.Float64, "share_n_18": pl.Int64,
}


def map_frame(status: pl.DataFrame, filters: Filters, measure: str) -> pl.DataFrame:
    """One row per municipality of the selection (sorted by code): its figures from the
    protected `status` frame, its label point (`lon`, `lat`), and `value` / `state` for
    `measure` (see the module docstring). `over_norm` is true where the caseload is above
    the norm of 20."""
    if measure not in MEASURES:
        raise ValueError(f"unknown map measure {measure!r}; one of {MEASURES}")
    codes = selection_codes(filters)
    points = label_points()
    base = pl.DataFrame({
        "code": codes, "name": [MUNICIPALITIES[c].name for c in codes],
        "region_code": [MUNICIPALITIES[c].region_code for c in codes],
        "lon": [points[c][0] for c in codes], "lat": [points[c][1] for c in codes],
    }, schema_overrides={"code": pl.Int32, "region_code": pl.Int32})
    if status.is_empty():
        figures = pl.DataFrame(schema=_SCHEMA)
    else:
        figures = (status.select(
            pl.col("code").cast(pl.Int32), "status", "status_since",
            pl.col("active_participants").cast(pl.Int64),
            pl.col("consultants_fte").cast(pl.Float64),
            pl.col("caseload_per_fte").cast(pl.Float64))
            .join(share_18(status).with_columns(pl.col("code").cast(pl.Int32)), on="code"))
    frame = base.join(figures.with_columns(listed=pl.lit(True)), on="code", how="left")
    frame = frame.with_columns(pl.col("status").fill_null(NO_DATA),
                               pl.col("listed").fill_null(False))
    has_fte = pl.col("consultants_fte").fill_null(0) > 0
    status_state = pl.when(pl.col("status") == NO_DATA).then(pl.lit("no_data")).otherwise(
        pl.lit("shown"))
    share_state = (pl.when(pl.col("share_18").is_not_null()).then(pl.lit("shown"))
                   .when(pl.col("listed") & pl.col("share_n_18").is_null())
                   .then(pl.lit("suppressed"))
                   .otherwise(pl.lit("no_data")))
    caseload_state = (pl.when(pl.col("caseload_per_fte").is_not_null()).then(pl.lit("shown"))
                      .when(has_fte & pl.col("active_participants").is_null())
                      .then(pl.lit("suppressed"))
                      .otherwise(pl.lit("no_data")))
    value = {"status": pl.lit(None, dtype=pl.Float64), "share_18": pl.col("share_18"),
             "caseload": pl.col("caseload_per_fte")}[measure]
    frame = frame.with_columns(share_18_state=share_state, caseload_state=caseload_state,
                               status_state=status_state)
    return frame.with_columns(
        value=value, state=pl.col(f"{measure}_state"),
        share_18_suppressed=pl.col("share_18_state") == "suppressed",
        caseload_suppressed=pl.col("caseload_state") == "suppressed",
        suppressed=pl.col(f"{measure}_state") == "suppressed",
        over_norm=pl.col("caseload_per_fte") > CASELOAD_NORM,
    ).drop("listed").sort("code")


def with_benchmark(status: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """`status` with the benchmark's (protected) adjusted share and n per municipality
    (`adjusted_share_18_ips`, `adjusted_n_18`; null where hidden or absent)."""
    bench = points.select(pl.col("municipality_code").cast(pl.Int32).alias("code"),
                          pl.col("adjusted_share").alias("adjusted_share_18_ips"),
                          pl.col("n").alias("adjusted_n_18"))
    return status.with_columns(pl.col("code").cast(pl.Int32)).join(bench, on="code",
                                                                    how="left")


def map_figures(ds: Dataset, filters: Filters, policy: DisclosurePolicy, *, measure: str,
                as_of: date | None = None) -> pl.DataFrame:
    """`map_frame` of the protected municipality status on `as_of` with the benchmark's
    adjusted 18-month share (the page's call); `share_kind` column says which share."""
    status = municipality_status(ds, filters, policy, as_of)
    if SHARE_KIND == "adjusted":
        status = with_benchmark(status, benchmark(ds, filters, policy).points)
    return map_frame(status, filters, measure).with_columns(
        share_kind=pl.lit(share_kind(status)))
