"""The IPS-25 fidelity profile of one municipality: its latest review's 25 items
grouped by the eight IPS principles, against the review before it; the items scored
1–2 (the action plan); and whether the review is overdue (STAR asks for a review
every year: older than 12 months on the date = "kvalitetsmåling mangler").

Fidelity reviews are not person-based and are not suppressed (contract section 5).

The scale: the IPS Supported Employment Fidelity Scale ("IPS-25"; Becker, Swanson,
Reese, Bond & McLeman, *Supported Employment Fidelity Review Manual*, 4th ed., IPS
Employment Center, 2019; validated by Bond, Peterson, Becker & Drake, Psychiatric
Services 63(8):758–763, 2012). Its 25 items, in the contract's order item_01 … item_25,
fall into the scale's three sections: staffing (1–3), organisation (4–11) and
services (12–25).

The eight principles are those Bond et al. (2012) list: focus on competitive
employment; eligibility based on client choice (zero exclusion); integration of mental
health and employment services; attention to client preferences; work incentives
(benefits) planning; rapid job search; systematic job development; individualised,
time-unlimited job supports. The scale's manual names no item → principle table, so
this grouping is the project's own (`ITEM_PRINCIPLE`), each item placed with the
principle whose practice it measures: the staffing items and the organisation's
vocational unit, supervisor, agency focus and executive support are what keeps a team
on competitive employment; integration is items 4–6; zero exclusion is item 9 with
assertive engagement and outreach (25); preferences are disclosure, work-based
assessment, individualised search and diverse jobs and employers; job development is
items 17–18; follow-along support is items 22–24.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from ips_data.loading.database import Dataset
from ips_data.metrics.filters import Filters

#: The 25 items in the contract's order (item_01 … item_25).
ITEMS: tuple[str, ...] = (
    "caseload_size", "employment_services_staff", "vocational_generalists",
    "integration_team_assignment", "integration_team_contact", "collaboration_vr",
    "vocational_unit", "employment_supervisor", "zero_exclusion", "agency_focus",
    "executive_support", "work_incentives_planning", "disclosure", "work_based_assessment",
    "rapid_job_search", "individualised_job_search", "job_development_frequency",
    "job_development_quality", "diversity_job_types", "diversity_employers",
    "competitive_jobs", "individualised_follow_along", "time_unlimited_follow_along",
    "community_based_services", "assertive_engagement",
)
N_ITEMS = len(ITEMS)

#: The eight principles, in the order Bond et al. (2012) list them.
PRINCIPLES: tuple[str, ...] = (
    "competitive_employment", "zero_exclusion", "integration", "preferences",
    "benefits_planning", "rapid_job_search", "job_development", "follow_along",
)

#: Item number (1–25) → principle (see the module docstring for the reasoning).
ITEM_PRINCIPLE: dict[int, str] = {
    1: "competitive_employment", 2: "competitive_employment", 3: "competitive_employment",
    4: "integration", 5: "integration", 6: "integration",
    7: "competitive_employment", 8: "competitive_employment", 9: "zero_exclusion",
    10: "competitive_employment", 11: "competitive_employment", 12: "benefits_planning",
    13: "preferences", 14: "preferences", 15: "rapid_job_search", 16: "preferences",
    17: "job_development", 18: "job_development", 19: "preferences", 20: "preferences",
    21: "competitive_employment", 22: "follow_along", 23: "follow_along",
    24: "follow_along", 25: "zero_exclusion",
}

#: The scale's own sections (item number → section).
ITEM_SECTION: dict[int, str] = {
    i: "staffing" if i <= 3 else "organisation" if i <= 11 else "services"
    for i in range(1, N_ITEMS + 1)
}

ACTION_MAX = 2  # an item scored 1 or 2 goes on the action plan
REVIEW_EVERY_MONTHS = 12  # STAR: a fidelity review every year

_ITEM_SCHEMA = {
    "item": pl.Int32, "item_code": pl.String, "principle": pl.String, "section": pl.String,
    "latest": pl.Int32, "previous": pl.Int32, "change": pl.Int32, "action": pl.Boolean,
}


@dataclass(frozen=True)
class FidelityProfile:
    """One municipality's latest IPS-25 review as of `as_of`, against the one before."""

    code: int
    name: str
    as_of: date
    latest_date: date
    latest_total: int
    latest_band: str
    previous_date: date | None
    previous_total: int | None
    previous_band: str | None
    #: one row per item (item 1–25, item_code, principle, section, latest, previous,
    #: change = latest − previous, action = latest ≤ 2), in principle order; empty when
    #: the latest review has no item scores (then only the total is shown)
    items: pl.DataFrame
    overdue: bool  # the latest review is more than 12 months older than as_of
    review_due: date  # 12 months after the latest review

    @property
    def has_items(self) -> bool:
        return not self.items.is_empty()

    @property
    def missing_items(self) -> list[int]:
        """Items the latest review did not score (when it scored some)."""
        return self.items.filter(pl.col("latest").is_null())["item"].to_list()

    def action_plan(self) -> pl.DataFrame:
        """The items scored 1–2, lowest first (then in item order)."""
        return self.items.filter(pl.col("action")).sort("latest", "item")

    def weakest(self, k: int = 3) -> pl.DataFrame:
        """The `k` lowest-scored items of the latest review (ties in item order)."""
        return self.items.filter(pl.col("latest").is_not_null()).sort("latest", "item").head(k)

    def by_principle(self) -> pl.DataFrame:
        """Per principle: items, items scored, mean latest and previous item score."""
        if not self.has_items:
            return pl.DataFrame(schema={"principle": pl.String, "items": pl.UInt32,
                                        "scored": pl.UInt32, "latest_mean": pl.Float64,
                                        "previous_mean": pl.Float64})
        order = pl.col("principle").replace_strict(list(PRINCIPLES),
                                                   list(range(len(PRINCIPLES))))
        return (self.items.group_by("principle")
                .agg(items=pl.len(), scored=pl.col("latest").count(),
                     latest_mean=pl.col("latest").mean(), previous_mean=pl.col("previous").mean())
                .sort(order))


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months (the 31st becomes the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _item_frame(latest: list[int | None] | None,
                previous: list[int | None] | None) -> pl.DataFrame:
    """The per-item rows; empty when the latest review scored no item."""
    if latest is None or all(v is None for v in latest):
        return pl.DataFrame(schema=_ITEM_SCHEMA)
    if len(latest) != N_ITEMS:
        raise ValueError(f"an IPS-25 review has {N_ITEMS} items, got {len(latest)}")
    before = previous if previous is not None else [None] * N_ITEMS
    rows = []
    for i in range(1, N_ITEMS + 1):
        now, then = latest[i - 1], before[i - 1]
        rows.append({
            "item": i, "item_code": ITEMS[i - 1], "principle": ITEM_PRINCIPLE[i],
            "section": ITEM_SECTION[i], "latest": now, "previous": then,
            "change": None if now is None or then is None else now - then,
            "action": now is not None and now <= ACTION_MAX,
        })
    order = {p: k for k, p in enumerate(PRINCIPLES)}
    rows.sort(key=lambda r: (order[r["principle"]], r["item"]))
    return pl.DataFrame(rows, schema=_ITEM_SCHEMA)


def profile_from_reviews(reviews: pl.DataFrame, as_of: date) -> FidelityProfile | None:
    """The profile from one municipality's reviews (columns code, name, assessment_date,
    total_score, fidelity_band, items: a list of 25 scores or null); reviews after
    `as_of` are ignored. None when there is no review on or before `as_of`."""
    codes = reviews["code"].unique().to_list()
    if len(codes) > 1:
        raise ValueError(f"reviews of one municipality expected, got codes {sorted(codes)}")
    done = reviews.filter(pl.col("assessment_date") <= as_of).sort("assessment_date")
    if done.is_empty():
        return None
    latest = done.row(-1, named=True)
    previous = done.row(-2, named=True) if done.height > 1 else None
    due = add_months(latest["assessment_date"], REVIEW_EVERY_MONTHS)
    return FidelityProfile(
        code=int(latest["code"]), name=latest["name"], as_of=as_of,
        latest_date=latest["assessment_date"], latest_total=int(latest["total_score"]),
        latest_band=latest["fidelity_band"],
        previous_date=previous["assessment_date"] if previous else None,
        previous_total=int(previous["total_score"]) if previous else None,
        previous_band=previous["fidelity_band"] if previous else None,
        items=_item_frame(latest["items"], previous["items"] if previous else None),
        overdue=as_of > due, review_due=due,
    )


def fidelity_profile(ds: Dataset, filters: Filters, code: int,
                     as_of: date | None = None) -> FidelityProfile | None:
    """The profile of municipality `code` as of `as_of` (default: the extract's date);
    None when it has no review by then or lies outside the selection (area filter and
    the viewer's scope)."""
    as_of = as_of or ds.as_of
    params = filters.params()
    reviews = ds.query("fidelity_items", {"municipalities": params["municipalities"],
                                          "region": params["region"], "as_of": as_of,
                                          "code": code})
    return profile_from_reviews(reviews, as_of) if reviews.height else None


def reviewed_municipalities(ds: Dataset, filters: Filters,
                            as_of: date | None = None) -> pl.DataFrame:
    """(code, name, latest review date, overdue) of the municipalities of the selection
    with at least one review on or before `as_of`, sorted by code."""
    as_of = as_of or ds.as_of
    params = filters.params()
    reviews = ds.query("fidelity_reviews", {"municipalities": params["municipalities"],
                                            "region": params["region"], "as_of": as_of})
    latest = (reviews.group_by("code", "name").agg(latest_date=pl.col("assessment_date").max())
              .sort("code"))
    due = [add_months(d, REVIEW_EVERY_MONTHS) for d in latest["latest_date"].to_list()]
    return latest.with_columns(overdue=pl.Series([as_of > d for d in due], dtype=pl.Boolean))
