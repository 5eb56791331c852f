"""Access scopes (contract section 7): which municipalities a user may see.

A scope is part of every selection (`Filters.scope` is required), so every query the
engine runs is intersected with it as bound parameters, and every cache keyed by the
filters is keyed by the scope too. Deny by default: `Scope.nothing()` selects no
municipality at all.

Scope entries (as in the administrator's scopes file): ``"all"``,
``"region:<code>"``, ``"municipality:<code>"``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

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


# ------------------------------------------------------------------ the scopes file
SCOPES_ENV = "IPS_SCOPES_FILE"
_EXAMPLE = 'claim = "email"\n[scopes]\n"anna@regionh.dk" = ["region:1084"]'


class ScopesFileError(ValueError):
    """A scopes file that cannot be used: the message names the file, the line and the fix."""


class ScopesFile(BaseModel):
    """The administrator's scopes file (contract section 7): which claim of the logged-in
    user names them, and each user's scope entries. Users are matched case-insensitively
    (e-mail addresses); a user without an entry gets `Scope.nothing()` (deny by default)."""

    model_config = ConfigDict(frozen=True)

    path: str = Field(description="The file it was read from.")
    claim: str = Field(description="The claim of st.user that names a user, e.g. 'email'.")
    scopes: dict[str, Scope] = Field(description="Casefolded claim value -> scope.")

    def scope_for(self, user: object) -> Scope:
        """The scope of a logged-in user (a mapping of ID-token claims); nothing when the
        claim is missing or has no entry."""
        value = claim_value(user, self.claim)
        if value is None:
            return Scope.nothing()
        return self.scopes.get(value.casefold(), Scope.nothing())


def claim_value(user: object, claim: str) -> str | None:
    """The user's claim as text, or None when it is missing or empty."""
    try:
        value = user.get(claim)  # type: ignore[attr-defined]
    except AttributeError:
        return None
    if value is None or str(value).strip() == "":
        return None
    return str(value).strip()


def toml_error_place(where: str, exc: tomllib.TOMLDecodeError) -> str:
    """'<file>, line N' from a TOML decoding error (its message says where)."""
    found = re.search(r"at line (\d+)", str(exc))
    return f"{where}, line {found.group(1)}" if found else where


def _key_line(lines: list[str], key: str, after: int = 0) -> int | None:
    """1-based number of the line that assigns `key` (bare or quoted), from `after` on."""
    quoted = (f'"{key}"', f"'{key}'", key)
    for number, line in enumerate(lines[after:], start=after + 1):
        text = line.strip()
        for q in quoted:
            if text.startswith(q) and text[len(q):].lstrip().startswith("="):
                return number
    return None


def load_scopes_file(path: str | Path) -> ScopesFile:
    """Read and check a scopes file; every problem raises `ScopesFileError` naming the
    file, the line (when known) and the fix. Nothing is guessed: one bad entry makes the
    whole file unusable (the dashboard then refuses to start)."""
    path = Path(path)
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScopesFileError(f"{where}: cannot read the scopes file ({exc}); fix: set "
                              f"{SCOPES_ENV} to a readable UTF-8 TOML file") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScopesFileError(f"{toml_error_place(where, exc)}: not valid TOML: {exc}; "
                              f"fix: write it as\n{_EXAMPLE}") from exc
    lines = text.splitlines()

    def fail(line: int | None, problem: str, fix: str) -> ScopesFileError:
        at = f"{where}, line {line}" if line else where
        return ScopesFileError(f"{at}: {problem}; fix: {fix}")

    unknown = sorted(set(data) - {"claim", "scopes"})
    if unknown:
        raise fail(_key_line(lines, unknown[0]), f"unknown setting {unknown[0]!r}",
                   "only 'claim' and the [scopes] table belong in the file")
    claim = data.get("claim")
    if not isinstance(claim, str) or not claim.strip():
        raise fail(_key_line(lines, "claim"), "'claim' must be a non-empty text",
                   'name the claim of the ID token that identifies a user, e.g. '
                   'claim = "email"')
    table = data.get("scopes")
    if not isinstance(table, dict):
        raise fail(_key_line(lines, "scopes"), "no [scopes] table",
                   'add a [scopes] table: "user" = ["all" | "region:CODE" | '
                   '"municipality:CODE", ...]')
    start = next((i for i, line in enumerate(lines) if line.strip() == "[scopes]"), 0)
    scopes: dict[str, Scope] = {}
    for user, entries in table.items():
        line = _key_line(lines, user, start)
        if isinstance(entries, dict):
            raise fail(line, f"{user!r} is a table, not a list of scope entries",
                       f'write "{user}" = ["region:1084"] under [scopes]')
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise fail(line, f"the scope of {user!r} must be a list of texts, "
                       f"not {entries!r}", f'write "{user}" = ["municipality:101"]')
        key = user.strip().casefold()
        if key in scopes:
            raise fail(line, f"{user!r} is listed twice (users are matched "
                       "case-insensitively)", "keep one entry per user")
        try:
            scopes[key] = Scope.from_entries(entries)
        except ScopeError as exc:
            raise fail(line, str(exc), "use 'all', 'region:<1081..1085>' or "
                       "'municipality:<official code>'") from exc
    return ScopesFile(path=where, claim=claim.strip(), scopes=scopes)


def scopes_file_from_env() -> ScopesFile | None:
    """The file $IPS_SCOPES_FILE names (checked), or None when it is not set."""
    value = os.environ.get(SCOPES_ENV, "").strip()
    return load_scopes_file(value) if value else None
