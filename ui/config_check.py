"""The deployment's configuration, checked before anything is shown (issue 12, contract 7).

Two settings decide who sees what: the `[auth]` section of Streamlit's secrets (login
with an OIDC provider) and `$IPS_SCOPES_FILE` (each user's access scope). They go
together: login without a scopes file would show every user nothing, a scopes file
without login would be ignored while everybody sees everything. Neither → the open
local demo (scope `all`). Anything wrong raises `ConfigError` with the file, the line
and the fix; `ui.serve` checks before Streamlit starts (and exits non-zero), the page
checks again on every run (an edited file) and shows the error instead of the dashboard.

No streamlit import here: `ui.serve` runs this before Streamlit is loaded.
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ips_data.protection.scopes import (
    SCOPES_ENV,
    ScopesFile,
    ScopesFileError,
    load_scopes_file,
    toml_error_place,
)

#: What `st.login()` (the default provider) needs in `[auth]`.
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret",
             "server_metadata_url")
MIN_COOKIE_SECRET = 32
PLACEHOLDER = "REPLACE-WITH"  # .streamlit/secrets.example.toml's placeholders
_NEW_SECRET = 'python -c "import secrets; print(secrets.token_hex(32))"'


class ConfigError(ValueError):
    """Configuration that must stop the dashboard (message: file, line, fix)."""


@dataclass(frozen=True)
class Deployment:
    """The checked configuration: login or the open demo, and the users' scopes."""

    auth: Mapping[str, Any] | None  # the [auth] section; None = the open demo
    scopes: ScopesFile | None

    @property
    def login(self) -> bool:
        return self.auth is not None


def _line_of(text: str, prefix: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(prefix):
            return number
    return None


def read_secrets(files: Sequence[str | Path]) -> tuple[dict[str, Any], dict[str, str]]:
    """Streamlit's secrets as it merges them (later files win), and for each top-level
    key the file it came from; missing files are skipped, malformed ones raise."""
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name in files:
        path = Path(name)
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            place = (toml_error_place(str(path), exc)
                     if isinstance(exc, tomllib.TOMLDecodeError) else str(path))
            raise ConfigError(f"{place}: the secrets file is not valid TOML: {exc}; fix: "
                              "correct the line (see .streamlit/secrets.example.toml)") from exc
        merged.update(data)
        origin.update(dict.fromkeys(data, str(path)))
    return merged, origin


def check_auth(auth: Any, source: str) -> Mapping[str, Any]:
    """The `[auth]` section, or ConfigError naming the missing or bad key."""
    text = ""
    with contextlib.suppress(OSError):  # secrets given another way (AppTest): no lines
        text = Path(source).read_text(encoding="utf-8")
    line = _line_of(text, "[auth]")
    at = f"{source}, line {line}" if line else source
    if not isinstance(auth, Mapping):
        raise ConfigError(f"{at}: 'auth' must be a table [auth]; fix: see "
                          ".streamlit/secrets.example.toml")
    for key in AUTH_KEYS:
        value = auth.get(key)
        if not isinstance(value, str) or not value.strip():
            fix = (f"add cookie_secret = \"...\" under [auth] (a long random text, the same "
                   f"on every replica: {_NEW_SECRET})" if key == "cookie_secret"
                   else f"add {key} = \"...\" under [auth] (see "
                   ".streamlit/secrets.example.toml)")
            raise ConfigError(f"{at}: [auth] has no {key}; fix: {fix}")
    for key in AUTH_KEYS:
        if PLACEHOLDER in auth[key]:
            key_line = _line_of(text, key)
            where = f"{source}, line {key_line}" if key_line else at
            raise ConfigError(f"{where}: [auth] {key} is still the example's placeholder; "
                              "fix: fill in the value from your identity provider")
    key_line = _line_of(text, "cookie_secret")
    if len(auth["cookie_secret"]) < MIN_COOKIE_SECRET:
        where = f"{source}, line {key_line}" if key_line else at
        raise ConfigError(f"{where}: [auth] cookie_secret is shorter than "
                          f"{MIN_COOKIE_SECRET} characters; fix: use {_NEW_SECRET}")
    if not auth["redirect_uri"].rstrip("/").endswith("/oauth2callback"):
        key_line = _line_of(text, "redirect_uri")
        where = f"{source}, line {key_line}" if key_line else at
        raise ConfigError(f"{where}: [auth] redirect_uri must end with /oauth2callback; "
                          "fix: the dashboard's public address + /oauth2callback, e.g. "
                          "https://ips.example.dk/oauth2callback")
    return auth


def check(secrets: Mapping[str, Any], origin: Mapping[str, str],
          env: Mapping[str, str]) -> Deployment:
    """The deployment from the secrets and the environment, or ConfigError."""
    auth = secrets.get("auth")
    source = origin.get("auth", "secrets")
    scopes_path = env.get(SCOPES_ENV, "").strip()
    if auth is not None:
        auth = check_auth(auth, source)
        if not scopes_path:
            raise ConfigError(f"{source}: login is configured ([auth]) but {SCOPES_ENV} is "
                              "not set, so nobody could see anything; fix: set "
                              f"{SCOPES_ENV} to the scopes file (contract section 7)")
    elif scopes_path:
        raise ConfigError(f"{SCOPES_ENV}={scopes_path}: a scopes file needs login, but the "
                          "secrets have no [auth] section (everybody would see everything); "
                          "fix: add [auth] to the secrets file or unset " + SCOPES_ENV)
    scopes = None
    if scopes_path:
        try:
            scopes = load_scopes_file(scopes_path)
        except ScopesFileError as exc:
            raise ConfigError(str(exc)) from exc
    return Deployment(auth=auth, scopes=scopes)


def secrets_files(argv: Sequence[str]) -> list[str]:
    """The secrets files Streamlit will read: `--secrets.files=PATH` (repeatable) on the
    command line, else Streamlit's configured default (config.toml, else
    ~/.streamlit/secrets.toml and ./.streamlit/secrets.toml)."""
    given = [a.split("=", 1)[1] for a in argv if a.startswith("--secrets.files=")]
    given += [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--secrets.files"]
    if given:
        return [p for value in given for p in value.split(",") if p]
    from streamlit import config  # only for the default (after the check's own imports)

    return list(config.get_option("secrets.files"))


def check_files(files: Sequence[str | Path], env: Mapping[str, str]) -> Deployment:
    secrets, origin = read_secrets(files)
    return check(secrets, origin, env)
