"""Access scopes (contract section 7): which municipalities a user may see.

A scope is part of every selection (`Filters.scope` is required), so every query the
engine runs is intersected with it as bound parameters, and every cache keyed by the
filters is keyed by the scope too. Deny by default: `Scope.nothing()` selects no
municipality at all.

Scope entries (as in the administrator's scopes file): ``"all"``,
``"region:<code>"``, ``"municipality:<code>"``.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from ips_data.municipalities import MUNICIPALITIES, REGIONS


class ScopeError(ValueError):
    """A scope entry that names nothing known (the message says what and the fix)."""


class Scope(BaseModel):
    """The municipalities a user may see; ``municipalities=None`` means every one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    municipalities: frozenset[int] | None = Field(
        description="Municipality codes the user may see; None = all (scope 'all')."
    )
    entries: tuple[str, ...] = Field(
        (), description="The scope entries it was made from, e.g. ('region:1084',)."
    )

    @classmethod
    def everything(cls) -> Scope:
        """Scope `all`: the whole extract (the command line, administrators)."""
        return cls(municipalities=None, entries=("all",))

    @classmethod
    def nothing(cls) -> Scope:
        """No municipality: a user without an entry in the scopes file."""
        return cls(municipalities=frozenset(), entries=())

    @classmethod
    def from_entries(cls, entries: Iterable[str]) -> Scope:
        """Parse entries (``all``, ``region:CODE``, ``municipality:CODE``)."""
        entries = tuple(entries)
        codes: set[int] = set()
        for entry in entries:
            kind, _, value = str(entry).strip().partition(":")
            if kind == "all" and not value:
                return cls(municipalities=None, entries=entries)
            if kind not in ("region", "municipality") or not value.strip().isdigit():
                raise ScopeError(
                    f"scope entry {entry!r} is not one of 'all', 'region:CODE', "
                    "'municipality:CODE'"
                )
            code = int(value)
            if kind == "region":
                if code not in REGIONS:
                    raise ScopeError(f"scope entry {entry!r}: unknown region {code}; "
                                     f"regions are {sorted(REGIONS)}")
                codes |= {m.code for m in MUNICIPALITIES.values() if m.region_code == code}
            else:
                if code not in MUNICIPALITIES:
                    raise ScopeError(f"scope entry {entry!r}: unknown municipality {code} "
                                     "(use one of the 98 official codes)")
                codes.add(code)
        return cls(municipalities=frozenset(codes), entries=entries)

    @property
    def is_all(self) -> bool:
        return self.municipalities is None

    def allows(self, code: int) -> bool:
        """True when the municipality may be shown."""
        return self.municipalities is None or code in self.municipalities

    def restrict(self, codes: Iterable[int]) -> tuple[int, ...]:
        """The given municipality codes that are inside the scope (sorted)."""
        return tuple(sorted(c for c in set(codes) if self.allows(c)))

    def label(self) -> str:
        """A short text for logs: the entries, or 'none'."""
        return ",".join(self.entries) if self.entries else "none"
