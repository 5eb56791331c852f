"""A page's sections as tabs, of which only the open one is computed and drawn.

The effect and rollout pages hold several sections, each with its own charts and
tables. Drawing all of them on every click cost more than half of what a person waited
for (national extract, Chromium: a start-year change on the effect page 873 → 380 ms,
the language toggle 646 → 302 ms with only its first section drawn). So each section is
a tab (`st.tabs` with ``on_change="rerun"``): a click on a tab reruns the page, and only
the open tab's section asks the engine for its figures and draws them; the others are
sent empty. No figure is gone: each is one click away, and the keyboard reaches the
tabs (arrow keys) like any tab bar.

The open section is in the address (``afsnit=<code>``; left out for the first), so a
copied link opens the same section, and it stays open when the language changes (the
tab labels change with it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from ui.i18n import Lang, code_of, label

#: the URL parameter (and session key) naming the open section
KEY = "afsnit"


def _wanted(codes: list[str]) -> str:
    """The section to open: the one open in this session (its tab's label, in either
    language), else the address's, else the first."""
    stored = st.session_state.get(KEY)
    wanted = code_of("section", stored) if stored is not None else st.query_params.get(KEY)
    return wanted if wanted in codes else codes[0]


def show(sections: Mapping[str, Callable[[], None]], lang: Lang) -> str:
    """Draw the tabs of `sections` (code → the function that draws that section, in the
    order of the tabs) and run only the open section's function, inside its tab.
    Returns the open section's code."""
    codes = list(sections)
    names = [label("section", code, lang) for code in codes]
    tabs = st.tabs(names, default=names[codes.index(_wanted(codes))], key=KEY,
                   on_change="rerun")
    opened = next((c for c, tab in zip(codes, tabs, strict=True) if tab.open), codes[0])
    if opened == codes[0]:
        st.query_params.pop(KEY, None)
    elif st.query_params.get(KEY) != opened:
        st.query_params[KEY] = opened
    with tabs[codes.index(opened)]:
        sections[opened]()
    return opened
