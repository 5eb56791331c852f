"""A page's sections behind one choice (a radio group), of which only the open section
is computed and drawn.

The effect, economy and rollout pages hold several sections, each with its own charts
and tables. Drawing all of them on every click cost more than half of what a person
waited for (national extract, Chromium: a start-year change on the effect page 873 →
380 ms, the language toggle 646 → 302 ms with only its first section drawn). So the
page draws only the open section; a segmented control above it (a radio group named
"Afsnit" / "Section", one radio per section: one tab stop, the arrow keys move between
them, Enter or Space opens one) reruns the page on a click. No figure is gone: each is
one click away.

Why not `st.tabs`: the tab panel of Streamlit 1.67 (react-aria's `useTabPanel`) walks
its contents for a focusable element after every render and every change inside it,
forcing the browser to compute styles mid-render, and the language toggle renames the
tabs, which mounts the open panel's charts and tables anew. With the control beside the
section instead of around it, a language toggle on the rollout and economy pages cost
60–160 ms less main-thread time in Chromium (two interleaved runs; README, Speed).

The open section is in the address (``afsnit=<code>``; left out for the first), so a
copied link opens the same section, and it stays open when the language changes (the
control's value is the section's code, whatever its label).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from ui.i18n import Lang, label, t

#: the URL parameter (and widget key) naming the open section
KEY = "afsnit"


def wanted(codes: list[str]) -> str:
    """The section that `show` will open: the one open in this session, else the
    address's, else the first (a page may start that section's engine calls early)."""
    wanted = st.session_state.get(KEY) or st.query_params.get(KEY)
    return wanted if wanted in codes else codes[0]


def show(sections: Mapping[str, Callable[[], None]], lang: Lang) -> str:
    """Draw the choice of `sections` (code → the function that draws that section, in
    order) and run only the open section's function below it. Returns its code."""
    codes = list(sections)
    if st.session_state.get(KEY) not in (*codes, None):  # another page's section
        del st.session_state[KEY]
    opened = st.segmented_control(
        t("sections", lang), codes, format_func=lambda code: label("section", code, lang),
        default=wanted(codes), required=True, key=KEY, label_visibility="collapsed",
    ) or codes[0]
    if opened == codes[0]:
        st.query_params.pop(KEY, None)
    elif st.query_params.get(KEY) != opened:
        st.query_params[KEY] = opened
    sections[opened]()
    return opened
