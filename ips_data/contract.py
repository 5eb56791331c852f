"""Extract contract v1 as pydantic models: the single source of every table rule.

Validation (`ips_data.loading.validation`), the staging templates (`ips_data.loading.database`)
and the contract document (`docs/contract.md`, rendered by `ips_data.docs`)
are all derived from `CONTRACT` below, so the rules cannot drift apart.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

CONTRACT_VERSION = 1

#: A person_id matching this pattern looks like a Danish CPR number: such a
#: file is rejected as not anonymised.
CPR_PATTERN = r"^\d{6}-?\d{4}$"
EARLIEST_START = date(2005, 1, 1)


class ColumnType(StrEnum):
    """Logical column types and the physical Parquet types each accepts."""

    integer = "integer"
    string = "string"
    date = "date"
    bool = "bool"
    number = "number"


#: DuckDB type names (as DESCRIBE prints them) accepted for each logical type.
_INTEGER_TYPES = (
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
    "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT",
)
ACCEPTED_PHYSICAL_TYPES: dict[ColumnType, tuple[str, ...]] = {
    ColumnType.integer: _INTEGER_TYPES,
    ColumnType.string: ("VARCHAR",),
    ColumnType.date: (
        "DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS",
        "TIMESTAMP WITH TIME ZONE",
    ),
    ColumnType.bool: ("BOOLEAN",),
    ColumnType.number: (*_INTEGER_TYPES, "FLOAT", "DOUBLE", "DECIMAL"),
}

#: The DuckDB type each logical type is normalised to in staging.
CANONICAL_SQL_TYPE: dict[ColumnType, str] = {
    ColumnType.integer: "BIGINT",
    ColumnType.string: "VARCHAR",
    ColumnType.date: "DATE",
    ColumnType.bool: "BOOLEAN",
    ColumnType.number: "DOUBLE",
}


def accepts_physical(column_type: ColumnType, duckdb_type: str) -> bool:
    """True when a Parquet column of `duckdb_type` satisfies `column_type`.

    An all-null column (DuckDB type "NULL") fits any type; the not-null rule
    then decides for required columns.
    """
    base = duckdb_type.split("(", 1)[0].strip().strip('"')
    return base == "NULL" or base in ACCEPTED_PHYSICAL_TYPES[column_type]


class ColumnSpec(BaseModel):
    """One column of a contract table."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Column name, exactly as in the Parquet file.")
    type: ColumnType = Field(description="Logical type; see ACCEPTED_PHYSICAL_TYPES.")
    required: bool = Field(description="Column must exist and be non-null in every row.")
    description: str = Field(description="What the column means.")
    allowed: tuple[str, ...] | tuple[int, ...] | None = Field(
        None, description="The only values allowed (null allowed when not required)."
    )
    minimum: float | date | None = Field(None, description="Smallest allowed value.")
    maximum: float | date | None = Field(
        None, description="Largest allowed value (dates: see `maximum_is_as_of`)."
    )
    maximum_is_as_of: bool = Field(False, description="Upper bound is the extract's as_of date.")
    non_empty: bool = Field(False, description="Strings must contain a non-blank character.")
    not_cpr: bool = Field(
        False, description=f"Values must not match the CPR pattern {CPR_PATTERN}."
    )


class RowRule(BaseModel):
    """A per-row consistency invariant written as a SQL boolean expression.

    Rows where `check` is false violate the rule; rows where it is null (a
    column it needs is null) do not.
    """

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Rule name used in rejection reports.")
    columns: tuple[str, ...] = Field(description="Columns the rule reads (all must exist).")
    check: str = Field(description="SQL expression that must be true for every row.")
    description: str = Field(description="The rule in words.")


class TableSpec(BaseModel):
    """One table of the extract: a folder of Parquet files unioned by name."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Table name = folder name inside the data directory.")
    required: bool = Field(description="The extract is incomplete without at least one file.")
    description: str = Field(description="What one row is.")
    columns: tuple[ColumnSpec, ...] = Field(description="Contract columns; extras are ignored.")
    key: tuple[str, ...] = Field(description="Columns unique across all accepted files.")
    row_rules: tuple[RowRule, ...] = Field((), description="Per-row consistency invariants.")
    references_participants: bool = Field(
        False, description="Every person_id must exist in the accepted participants."
    )
    single_price_year: bool = Field(
        False, description="price_year has one single value across all accepted files."
    )

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no contract column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


class Manifest(BaseModel):
    """Optional `manifest.json` at the top of the data directory."""

    model_config = ConfigDict(extra="allow")

    extract_date: date | None = Field(None, description="Date the extract was drawn (as_of).")
    description: str | None = Field(None, description="Free text about the extract.")


ARMS = ("ips", "ips_like", "comparison")
AGE_BANDS = ("18-24", "25-29", "30-39", "40-49", "50+")
SEXES = ("F", "M")
BENEFITS = (
    "kontanthjaelp", "uddannelseshjaelp", "ressourceforloeb", "jobafklaring",
    "ledighedsydelse", "sygedagpenge", "revalidering", "dagpenge", "foertidspension",
    "selvforsoergende", "other",
)
TREATMENT_UNITS = ("f_act", "opus", "outpatient", "other")
HORIZONS = (18, 30)
COST_CATEGORIES = (
    "psychiatric_inpatient", "psychiatric_outpatient", "psychiatric_emergency",
    "primary_care", "employment_services", "social_services", "ips_service",
)
STATUSES = ("not_started", "agreement", "implementing", "operating", "stopped")
TARGET_GROUPS = ("adults", "youth", "both")
FIDELITY_ITEMS = tuple(f"item_{i:02d}" for i in range(1, 26))


def _municipality_column() -> ColumnSpec:
    from ips_data.municipalities import MUNICIPALITY_CODES

    return ColumnSpec(
        name="municipality_code", type=ColumnType.integer, required=True,
        description="Official municipality code (one of the 98).",
        allowed=tuple(sorted(MUNICIPALITY_CODES)),
    )


def _person_ref() -> ColumnSpec:
    return ColumnSpec(
        name="person_id", type=ColumnType.string, required=True, non_empty=True, not_cpr=True,
        description="Pseudonymous person id; must exist in the accepted participants.",
    )


def _horizon() -> ColumnSpec:
    return ColumnSpec(
        name="horizon_months", type=ColumnType.integer, required=True, allowed=HORIZONS,
        description="Follow-up horizon in months after start_date: 18 or 30.",
    )


PARTICIPANTS = TableSpec(
    name="participants", required=True,
    description="One row per person: the IPS-markør course, or the comparison "
    "person's reference date.",
    key=("person_id",),
    columns=(
        ColumnSpec(
            name="person_id", type=ColumnType.string, required=True, non_empty=True,
            not_cpr=True,
            description="Pseudonymous person id, unique across all files; must not look "
            "like a CPR number (the file is rejected as not anonymised).",
        ),
        _municipality_column(),
        ColumnSpec(
            name="arm", type=ColumnType.string, required=True, allowed=ARMS,
            description="`ips` (marker \"IPS STAR\"), `ips_like` (marker \"IPS-lignende "
            "indsats STAR\", youth pilot), `comparison`.",
        ),
        ColumnSpec(
            name="start_date", type=ColumnType.date, required=True, minimum=EARLIEST_START,
            maximum_is_as_of=True,
            description="Course start (or the comparison person's reference date).",
        ),
        ColumnSpec(
            name="end_date", type=ColumnType.date, required=False,
            description="Course end; null while still in course, incl. aftercare.",
        ),
        ColumnSpec(
            name="age_band", type=ColumnType.string, required=True, allowed=AGE_BANDS,
            description="Age at start.",
        ),
        ColumnSpec(
            name="sex", type=ColumnType.string, required=False, allowed=SEXES,
            description="Sex.",
        ),
        ColumnSpec(
            name="benefit_at_start", type=ColumnType.string, required=False, allowed=BENEFITS,
            description="Benefit received at start.",
        ),
        ColumnSpec(
            name="treatment_unit", type=ColumnType.string, required=False,
            allowed=TREATMENT_UNITS, description="Psychiatric treatment unit at start.",
        ),
    ),
    row_rules=(
        RowRule(
            name="end_before_start", columns=("start_date", "end_date"),
            check="end_date is null or cast(end_date as date) >= cast(start_date as date)",
            description="end_date is null or on/after start_date.",
        ),
    ),
)

OUTCOMES = TableSpec(
    name="outcomes", required=True,
    description="One row per person and matured horizon. A row exists only when the "
    "horizon has fully elapsed; people without a row are 'not yet observable' there: "
    "left out of that horizon's denominators, counted separately, never failures.",
    key=("person_id", "horizon_months"),
    references_participants=True,
    columns=(
        _person_ref(),
        _horizon(),
        ColumnSpec(
            name="job_or_education_any", type=ColumnType.bool, required=True,
            description="Ordinary job or education at any time within the horizon.",
        ),
        ColumnSpec(
            name="job_or_education_at_end", type=ColumnType.bool, required=True,
            description="In ordinary job or education at the end of the horizon.",
        ),
        ColumnSpec(
            name="weeks_job_or_education", type=ColumnType.integer, required=True, minimum=0,
            maximum=130,
            description="Weeks in job or education within the horizon: 0..78 (18 m) or "
            "0..130 (30 m); 0 if and only if job_or_education_any is false.",
        ),
        ColumnSpec(
            name="hours_worked", type=ColumnType.number, required=False, minimum=0,
            description="Hours worked within the horizon.",
        ),
    ),
    row_rules=(
        RowRule(
            name="at_end_without_any",
            columns=("job_or_education_any", "job_or_education_at_end"),
            check="job_or_education_any or not job_or_education_at_end",
            description="job_or_education_at_end true implies job_or_education_any.",
        ),
        RowRule(
            name="weeks_beyond_horizon", columns=("horizon_months", "weeks_job_or_education"),
            check="horizon_months not in (18, 30) or weeks_job_or_education <= "
            "case when horizon_months = 18 then 78 else 130 end",
            description="weeks_job_or_education ≤ 78 at 18 months, ≤ 130 at 30 months.",
        ),
        RowRule(
            name="weeks_inconsistent_with_any",
            columns=("job_or_education_any", "weeks_job_or_education"),
            check="(weeks_job_or_education = 0) = (not job_or_education_any)",
            description="weeks_job_or_education is 0 if and only if job_or_education_any "
            "is false.",
        ),
    ),
)

COSTS = TableSpec(
    name="costs", required=False,
    description="Cost per person, horizon and category, all in one price year. A missing "
    "category counts 0 DKK.",
    key=("person_id", "horizon_months", "category"),
    references_participants=True,
    single_price_year=True,
    columns=(
        _person_ref(),
        _horizon(),
        ColumnSpec(
            name="category", type=ColumnType.string, required=True, allowed=COST_CATEGORIES,
            description="Cost category.",
        ),
        ColumnSpec(
            name="amount_dkk", type=ColumnType.number, required=True, minimum=0,
            description="Amount in DKK in price_year prices.",
        ),
        ColumnSpec(
            name="price_year", type=ColumnType.integer, required=True, minimum=2000,
            maximum=2100, description="Price year; one single value across all cost files.",
        ),
    ),
)

ROLLOUT = TableSpec(
    name="rollout", required=False,
    description="Status history per municipality: each row is valid from valid_from "
    "until the next row of the same municipality.",
    key=("municipality_code", "valid_from"),
    columns=(
        _municipality_column(),
        ColumnSpec(
            name="status", type=ColumnType.string, required=True, allowed=STATUSES,
            description="Rollout status.",
        ),
        ColumnSpec(
            name="valid_from", type=ColumnType.date, required=True,
            description="First day the status applies.",
        ),
        ColumnSpec(
            name="consultants_fte", type=ColumnType.number, required=False, minimum=0,
            description="IPS consultants in full-time equivalents.",
        ),
        ColumnSpec(
            name="target_group", type=ColumnType.string, required=False, allowed=TARGET_GROUPS,
            description="Who the municipality offers IPS to.",
        ),
        ColumnSpec(
            name="psychiatry_units", type=ColumnType.string, required=False,
            description='Free text, e.g. "F-ACT Nordstjernevej; OPUS H.J. Holstvej".',
        ),
    ),
)

_ITEM_SUM = " + ".join(FIDELITY_ITEMS)
FIDELITY = TableSpec(
    name="fidelity", required=False,
    description="IPS-25 fidelity reviews (25 items scored 1–5, total 25–125).",
    key=("municipality_code", "assessment_date"),
    columns=(
        _municipality_column(),
        ColumnSpec(
            name="assessment_date", type=ColumnType.date, required=True,
            description="Date of the review.",
        ),
        ColumnSpec(
            name="total_score", type=ColumnType.integer, required=True, minimum=25,
            maximum=125, description="IPS-25 total score.",
        ),
        *(
            ColumnSpec(
                name=item, type=ColumnType.integer, required=False, minimum=1, maximum=5,
                description=f"Item {int(item[-2:])} score.",
            )
            for item in FIDELITY_ITEMS
        ),
    ),
    row_rules=(
        RowRule(
            name="items_do_not_sum_to_total", columns=(*FIDELITY_ITEMS, "total_score"),
            check=f"({_ITEM_SUM}) is null or ({_ITEM_SUM}) = total_score",
            description="When all 25 items are present their sum equals total_score.",
        ),
    ),
)

TABLES: dict[str, TableSpec] = {
    t.name: t for t in (PARTICIPANTS, OUTCOMES, COSTS, ROLLOUT, FIDELITY)
}

#: Validation order: participants first (others reference them).
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)

FIDELITY_BANDS: tuple[tuple[str, int, int], ...] = (
    ("exemplary", 115, 125),
    ("good", 100, 114),
    ("fair", 74, 99),
    ("not_ips", 25, 73),
)
CASELOAD_NORM = 20


def fidelity_band(score: int) -> str:
    """The IPS-25 band of a total score (115–125 exemplary … 25–73 not_ips)."""
    for band, low, high in FIDELITY_BANDS:
        if low <= score <= high:
            return band
    raise ValueError(f"fidelity score {score} outside 25..125")


def json_schema() -> dict:
    """JSON schema of the contract models (exported to docs/contract.schema.json)."""
    return {
        "title": f"IPS extract contract v{CONTRACT_VERSION}",
        "tables": {name: spec.model_dump(mode="json") for name, spec in TABLES.items()},
        "table_spec_schema": TableSpec.model_json_schema(),
        "manifest_schema": Manifest.model_json_schema(),
    }
