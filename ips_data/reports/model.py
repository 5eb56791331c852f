"""The report data: what a PDF shows, as plain validated values (no formatting).

Built by `ips_data.reports.data` from the engine's metric functions only, so every
person-based figure here is a published one (disclosure control applied: a suppressed
figure is None). Rendering (`ips_data.reports.render`) turns it into text and charts.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Position = Literal["inside", "above_95", "above_998", "below_95", "below_998"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Estimate(_Frozen):
    """A figure with its 95 % interval (all None when suppressed)."""

    estimate: float | None = None
    low: float | None = None
    high: float | None = None


class ArmShares(_Frozen):
    """One arm at one horizon: n and the two job-or-education shares with Wilson CIs."""

    arm: str
    n: int | None = Field(description="Persons with an outcome row; None = suppressed.")
    any: Estimate
    at_end: Estimate


class HorizonEffect(_Frozen):
    horizon: int
    arms: tuple[ArmShares, ...]
    difference_any: Estimate = Field(description="IPS − comparison, Newcombe interval.")
    difference_at_end: Estimate
    adjusted_any: Estimate = Field(Estimate(), description="Adjusted difference (ATT by "
                                   "exact stratification, contract 4b).")
    adjusted_at_end: Estimate = Estimate()
    support_share: float | None = None
    not_yet_observable_ips: int | None = None


class Status(_Frozen):
    status: str | None
    status_since: date | None
    implementation_started: date | None
    years_since_implementation: float | None
    target_group: str | None = None
    psychiatry_units: str | None = None


class Capacity(_Frozen):
    active_participants: int | None
    consultants_fte: float | None
    caseload_per_fte: float | None
    norm: int


class FunnelCurve(_Frozen):
    n: tuple[int, ...]
    lower_998: tuple[float, ...]
    lower_95: tuple[float, ...]
    upper_95: tuple[float, ...]
    upper_998: tuple[float, ...]


class FunnelPoint(_Frozen):
    code: int
    n: int
    share: float
    highlight: bool = False


class Benchmark(_Frozen):
    """Observed and expected IPS persons in job or education within 18 months
    (`ips_data.metrics.benchmark`, contract 4b); None where hidden."""

    n: int | None
    observed: int | None
    expected: float | None
    oe_ratio: float | None
    adjusted_share: float | None
    pooled_share: float | None
    position: Position | None
    curve: FunnelCurve | None = None
    points: tuple[FunnelPoint, ...] = ()


class FidelityItem(_Frozen):
    number: int = Field(ge=1, le=25)
    score: int = Field(ge=1, le=5)


class Fidelity(_Frozen):
    """The latest IPS-25 review up to as_of (not person-based, never suppressed)."""

    score: int | None
    band: str | None
    assessed: date | None
    overdue: bool = Field(description="Latest review more than 12 months before as_of.")
    has_items: bool = False
    weakest: tuple[FidelityItem, ...] = ()


class TrendPoint(_Frozen):
    """One start year and arm: the 18-month share in job or education at any time."""

    start_year: int
    arm: str
    n: int | None
    share: Estimate


class MunicipalityReport(_Frozen):
    code: int
    name: str
    region_code: int
    region_name: str
    extract_date: date | None
    as_of: date
    threshold: int
    has_data: bool
    status: Status
    capacity: Capacity
    effect: tuple[HorizonEffect, ...]
    benchmark: Benchmark | None
    fidelity: Fidelity
    trend: tuple[TrendPoint, ...]


class RegionRow(_Frozen):
    """One municipality in the region summary (published as one table)."""

    code: int
    name: str
    status: str | None
    years_since_implementation: float | None
    active_participants: int | None
    consultants_fte: float | None
    caseload_per_fte: float | None
    n_ips_18: int | None
    share_ips_18: float | None
    oe_ratio: float | None
    position: Position | None
    fidelity_score: int | None
    fidelity_band: str | None


class RegionReport(_Frozen):
    code: int
    name: str
    extract_date: date | None
    as_of: date
    threshold: int
    status_counts: dict[str, int]
    municipalities_in_region: int
    effect: tuple[HorizonEffect, ...]
    rows: tuple[RegionRow, ...]
    pooled_share: float | None
    tau2: float | None = Field(description="Overdispersion τ² over the region's "
                               "municipalities shown (DerSimonian–Laird).")
    curve: FunnelCurve | None
    points: tuple[FunnelPoint, ...]
