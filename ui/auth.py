"""Login gate, the viewer's access scope and the access log (issue 12, contract 7).

`gate()` runs first in app.py, before anything about the extract is drawn:

* bad configuration (`ui.config_check`) → the error, nothing else (st.stop);
* no `[auth]` in the secrets → the open local demo: scope `all`, said discreetly;
* `[auth]` and not logged in → a "Log ind" button and nothing else;
* logged in → the user's scope from $IPS_SCOPES_FILE (by its `claim`); the sidebar
  names the user and has "Log ud"; a user without an entry sees an explanation only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import streamlit as st

from ips_data.metrics.filters import Filters
from ips_data.protection import access_log
from ips_data.protection.scopes import Scope, claim_value
from ui.config_check import ConfigError, Deployment, check
from ui.i18n import Lang, t

_LOGGED = "_ips_access_logged"


@dataclass(frozen=True)
class Viewer:
    """Who looks at the dashboard and what they may see."""

    scope: Scope
    user: str | None = None  # the claim's value (None in the open demo)
    claim: str | None = None
    login: bool = False


def _secrets() -> tuple[dict[str, Any], dict[str, str]]:
    """Streamlit's secrets (empty when there is no secrets file) and where [auth] is."""
    try:
        secrets = st.secrets.to_dict()
    except FileNotFoundError as exc:  # StreamlitSecretNotFoundError
        if "parsing" in str(exc).lower():  # a secrets file that is not valid TOML
            raise ConfigError(str(exc)) from exc
        return {}, {}
    from streamlit import config

    files = [f for f in config.get_option("secrets.files") if Path(f).is_file()]
    return secrets, dict.fromkeys(secrets, files[-1] if files else "secrets")


def deployment() -> Deployment:
    """The checked configuration, read again on every run (an edited scopes file takes
    effect at the next page view; a broken one stops the app)."""
    secrets, origin = _secrets()
    return check(secrets, origin, os.environ)


#: The dashboard's page addresses (app.py): before login, each of them shows the gate.
PAGE_PATHS = ("beskaeftigelse", "oekonomi", "udrulning", "data")


def _only(render: Callable[[], None]) -> NoReturn:
    """Show `render` on every address of the app, with no navigation, and stop. (Without
    an st.navigation call Streamlit would list the files of pages/ in the sidebar.)"""
    pages = [st.Page(render, title="IPS", url_path="gate", default=True),
             *[st.Page(render, title="IPS", url_path=path) for path in PAGE_PATHS]]
    st.navigation(pages, position="hidden").run()
    st.stop()


def _show_login(lang: Lang) -> None:
    st.title("IPS")
    st.write(t("login_intro", lang))
    if st.button(t("login", lang), type="primary"):
        st.login()


def _user_label(user: Mapping[str, Any], claim: str) -> str:
    return claim_value(user, claim) or claim_value(user, "name") or "?"


def gate(lang: Lang) -> Viewer:
    """Stop the run unless the viewer may see the dashboard; return who it is."""
    try:
        config = deployment()
    except ConfigError as exc:
        message = t("config_error", lang, error=str(exc))
        _only(lambda: st.error(message, icon=":material/error:"))
    if not config.login:
        st.sidebar.caption(t("open_demo", lang))
        return Viewer(scope=Scope.everything())
    assert config.scopes is not None  # check() guarantees it with [auth]
    user = st.user
    if not user.get("is_logged_in"):
        _only(lambda: _show_login(lang))
    claim = config.scopes.claim
    scope = config.scopes.scope_for(user)
    who = claim_value(user, claim)
    with st.sidebar:
        st.caption(t("logged_in_as", lang, user=_user_label(user, claim)))
        if st.button(t("logout", lang)):
            st.logout()
    if scope.municipalities is not None and not scope.municipalities:
        record_view(Viewer(scope=scope, user=who, claim=claim, login=True),
                    "denied", Filters(scope=scope))

        def denied() -> None:
            st.title("IPS")
            st.warning(t("no_scope", lang, user=_user_label(user, claim)))

        _only(denied)
    st.sidebar.caption(t("scope_caption", lang, scope=scope.label()))
    return Viewer(scope=scope, user=who, claim=claim, login=True)


def record_view(viewer: Viewer, page: str, filters: Filters,
                extra: Mapping[str, Any] | None = None) -> None:
    """One access-log line per page view: when this session opens a page or changes
    the selection on it (a rerun that shows the same page and selection is not a new
    view). A log that cannot be written stops the page (no unlogged access)."""
    record = access_log.entry(user=viewer.user, claim=viewer.claim, filters=filters,
                              page=page, extra=extra)
    key = (record["page"], repr(record["selection"]), record["scope"], record["user"])
    if st.session_state.get(_LOGGED) == key:
        return
    try:
        access_log.log_view(record)
    except OSError as exc:
        st.error(t("config_error", st.session_state.get("_ips_lang", "da"),
                   error=f"{access_log.access_log_path()}: the access log cannot be written "
                   f"({exc}); fix: set {access_log.ACCESS_LOG_ENV} to a writable file"))
        st.stop()
    st.session_state[_LOGGED] = key
