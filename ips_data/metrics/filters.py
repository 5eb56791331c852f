"""The shared selection filters and their bound query parameters."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ips_data.contract import AGE_BANDS, ARMS, BENEFITS, SEXES, TREATMENT_UNITS
from ips_data.municipalities import MUNICIPALITY_CODES, REGIONS
from ips_data.protection.scopes import Scope


class Filters(BaseModel):
    """Which participants a figure is about (contract section 4: filters select
    participants; outcomes and costs follow their person). Empty = no filter.

    `scope` (required: deny by default) is what the viewer may see (contract section
    7); every query is intersected with it through `params()`, and every cache keyed
    by the filters is keyed by it too."""

    model_config = ConfigDict(frozen=True)

    scope: Scope = Field(description="The viewer's access scope (section 7); required.")

    municipalities: tuple[int, ...] = Field((), description="Municipality codes.")
    region: int | None = Field(None, description="Region code (1081..1085).")
    start_year_from: int | None = Field(None, description="First start year included.")
    start_year_to: int | None = Field(None, description="Last start year included.")
    age_bands: tuple[str, ...] = Field((), description="Age bands at start.")
    sexes: tuple[str, ...] = Field((), description="Sexes.")
    benefits: tuple[str, ...] = Field((), description="Benefits at start.")
    treatment_units: tuple[str, ...] = Field((), description="Treatment units.")
    arms: tuple[str, ...] = Field((), description="Arms shown (ips, ips_like, comparison).")

    @field_validator("municipalities")
    @classmethod
    def _known_municipalities(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        unknown = sorted(set(v) - MUNICIPALITY_CODES)
        if unknown:
            raise ValueError(f"unknown municipality codes: {unknown}")
        return tuple(sorted(set(v)))

    @field_validator("region")
    @classmethod
    def _known_region(cls, v: int | None) -> int | None:
        if v is not None and v not in REGIONS:
            raise ValueError(f"unknown region code {v}; one of {sorted(REGIONS)}")
        return v

    @field_validator("age_bands", "sexes", "benefits", "treatment_units", "arms")
    @classmethod
    def _known_values(cls, v: tuple[str, ...], info) -> tuple[str, ...]:
        allowed = {
            "age_bands": AGE_BANDS, "sexes": SEXES, "benefits": BENEFITS,
            "treatment_units": TREATMENT_UNITS, "arms": ARMS,
        }[info.field_name]
        unknown = sorted(set(v) - set(allowed))
        if unknown:
            raise ValueError(f"unknown {info.field_name}: {unknown}")
        return tuple(x for x in allowed if x in v)

    def params(self) -> dict[str, object]:
        """Bound parameters for the selected_participants macro (None = no filter)."""

        def listed(values: tuple) -> list | None:
            return list(values) if values else None

        return {
            "municipalities": self._scoped_municipalities(),
            "region": self.region,
            "start_year_from": self.start_year_from,
            "start_year_to": self.start_year_to,
            "age_bands": listed(self.age_bands),
            "sexes": listed(self.sexes),
            "benefits": listed(self.benefits),
            "treatment_units": listed(self.treatment_units),
            "arms": listed(self.arms),
        }

    def _scoped_municipalities(self) -> list[int] | None:
        """The municipality filter intersected with the scope (an empty list selects
        nothing; None = no municipality filter and scope `all`)."""
        if self.scope.municipalities is None:
            return list(self.municipalities) or None
        chosen = self.municipalities or tuple(self.scope.municipalities)
        return list(self.scope.restrict(chosen))

    def unscoped(self) -> Filters:
        """The same selection over the whole extract: only for reference figures that
        name no municipality (the national rates of contract section 4b)."""
        return self.model_copy(update={"scope": Scope.everything()})

    @property
    def has_area(self) -> bool:
        return bool(self.municipalities) or self.region is not None
