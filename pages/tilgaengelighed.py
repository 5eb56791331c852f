"""Tilgængelighed: the accessibility statement (the README section "Tilgængelighed"),
linked from the foot of the sidebar on every page; not in the navigation."""

import streamlit as st

from ui import a11y, state
from ui.i18n import t

sel = state.selection()
st.title(t("a11y_title", sel.lang))
st.caption(t("a11y_english_note", sel.lang))
st.markdown(a11y.statement_html_block(), unsafe_allow_html=True)
