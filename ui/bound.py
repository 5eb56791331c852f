"""Widgets bound to the address (URL query parameters; the widget key is the parameter
name), so a copied link reproduces the view: the language toggle, radios whose labels
depend on the language, and the helpers that keep a remembered or linked value valid
before its widget is drawn. Options whose labels depend on the language are re-written
to codes when the language changes (a bound widget stores its formatted label)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from ui.i18n import Lang, code_of

_LANG = "_ips_lang"
_LANG_CHANGED = "_ips_lang_changed"


def language_toggle() -> Lang:
    """The English toggle (URL parameter ``en``); remembers whether it just changed."""
    english = st.sidebar.toggle("English", key="en", bind="query-params")
    lang: Lang = "en" if english else "da"
    previous = st.session_state.get(_LANG)
    st.session_state[_LANG_CHANGED] = previous is not None and previous != lang
    st.session_state[_LANG] = lang
    return lang


def current_language() -> Lang:
    """The language the toggle chose in this run ("da" before it is drawn)."""
    return st.session_state.get(_LANG, "da")


def canonical(key: str, kind: str | None, options: Sequence[Any], multi: bool) -> None:
    """Before a bound widget is drawn: turn a stored label back into its code, drop values
    that are no longer options, and re-send the value when the language changed."""
    if key not in st.session_state:
        return
    current = st.session_state[key]
    values = list(current) if multi else [current]
    codes = [code_of(kind, v) if kind else v for v in values]
    kept = [c for c in codes if c in options or c is None]
    if kept != values or (kind and st.session_state.get(_LANG_CHANGED)):
        st.session_state[key] = kept if multi else (kept[0] if kept else options[0])


def choice(title: str, options: Sequence[Any], fmt: Callable[[Any], str], key: str,
           kind: str | None = None, horizontal: bool = True) -> Any:
    """A URL-bound radio whose labels may depend on the language; returns a code."""
    canonical(key, kind, options, multi=False)
    value = st.radio(title, options, format_func=fmt, key=key, horizontal=horizontal,
                     bind="query-params")
    value = code_of(kind, value) if kind else value
    return value if value in options else options[0]


def fitted(value: tuple[int, int], before: tuple[int, int] | None,
           span: tuple[int, int]) -> tuple[int, int]:
    """A range slider's value when its ends move from `before` to `span`: the whole
    span stays the whole span (a new extract with later starters shows them), any other
    choice is kept, cut to the new ends."""
    if before is not None and tuple(value) == tuple(before):
        return span
    low, high = span
    a, b = (min(max(v, low), high) for v in value)
    return a, b


def clamp_range(key: str, low: int, high: int) -> None:
    """Before a bound range slider is drawn: fit a remembered value to the slider's ends,
    which move when a new extract starts earlier or later (see `fitted`)."""
    span_key = f"_ips_span_{key}"
    before = st.session_state.get(span_key)
    st.session_state[span_key] = (low, high)
    value = st.session_state.get(key)
    if value is None:
        return
    new = fitted(tuple(value), before, (low, high))
    if new != tuple(value):
        st.session_state[key] = new


def only(values: Sequence[Any], options: Sequence[Any], kind: str | None = None) -> tuple:
    """The chosen values that are options, as codes, in the options' order."""
    codes = [code_of(kind, v) if kind else v for v in values]
    return tuple(c for c in options if c in codes)
