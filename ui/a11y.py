"""Accessibility pieces every page shares (WCAG 2.1 AA, issue 16).

* `document_language`: Streamlit serves one `index.html` with ``<html lang="en">`` and has
  no setting for it, so a screen reader would read the Danish pages with English
  pronunciation. A tiny script, drawn by `st.html` in the main document on every run,
  sets ``document.documentElement.lang`` to the session's language ("da" or "en"). It
  runs again whenever the language changes (its text changes), and a
  `MutationObserver` puts the language back if anything else resets the attribute.
* `styles`: a few CSS rules so that keyboard focus is always visible (WCAG 2.4.7)
  where Streamlit or plotly hide the focused element until the mouse hovers (headings'
  anchor links, the tool bars of charts and tables, the tables' grid), and markdown
  tables break long words in a narrow window instead of widening the page (1.4.10).
* `statement_link`: the sidebar's link to the accessibility statement (a hidden page,
  `pages/tilgaengelighed.py`), and `statement_markdown`, the statement itself: the
  README section "Tilgængelighed", so there is one text to keep up to date.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from ui.i18n import Lang, t

README = Path(__file__).resolve().parent.parent / "README.md"
STATEMENT_HEADING = "## Tilgængelighed"
STATEMENT_PAGE = "pages/tilgaengelighed.py"

_LANG_SCRIPT = """<script>
(() => {{
  const lang = {lang};
  const root = document.documentElement;
  root.lang = lang;
  if (window.__ipsLangObserver) window.__ipsLangObserver.disconnect();
  window.__ipsLangObserver = new MutationObserver(() => {{
    if (root.lang !== lang) root.lang = lang;
  }});
  window.__ipsLangObserver.observe(root, {{attributes: true, attributeFilter: ["lang"]}});
}})();
</script>"""


def language_script(lang: Lang) -> str:
    """The script that sets the document's language (a JSON string literal: no injection)."""
    return _LANG_SCRIPT.format(lang=json.dumps(lang))


def document_language(lang: Lang) -> None:
    """Set ``<html lang>`` to the session's language (drawn in the sidebar: no gap on
    the page)."""
    st.sidebar.html(language_script(lang), unsafe_allow_javascript=True)


#: Focus that Streamlit and plotly leave invisible, made visible (WCAG 2.4.7); the chosen
#: option of a segmented control (the open section, `ui.sections`) bold and underlined,
#: not only coloured (WCAG 1.4.1); and
#: markdown tables whose long words break and card labels that wrap (instead of being
#: cut off with "...") in a narrow window (WCAG 1.4.10 reflow; a scrolling table would
#: need a keyboard stop of its own).
A11Y_CSS = """<style>
[data-testid="stHeaderActionElements"] a:focus-visible,
[data-testid="stElementToolbar"]:focus-within,
.js-plotly-plot .modebar:focus-within .modebar-group { opacity: 1 !important; }
.js-plotly-plot .modebar-btn:focus-visible,
[data-testid="stBaseButton-elementToolbar"]:focus-visible {
  outline: 2px solid #005A9C !important; outline-offset: 1px;
}
[data-testid="stSidebarNavLink"]:focus-visible,
[data-testid="stPageLink-NavLink"]:focus-visible {
  outline: 2px solid #005A9C !important; outline-offset: -2px;
}
[data-testid="stDataFrame"]:has(canvas:focus-visible) {
  outline: 2px solid #005A9C; outline-offset: 2px;
}
[data-testid="stButtonGroup"] button[aria-checked="true"] p {
  font-weight: 700; text-decoration: underline 2px; text-underline-offset: 0.25em;
}
[data-testid="stMarkdownContainer"] :is(td, th) { overflow-wrap: anywhere; }
[data-testid="stMetricLabel"] :is(p, [data-testid="stMarkdownContainer"]) {
  white-space: normal !important;
}
</style>"""


def styles() -> None:
    """Add `A11Y_CSS` to the page (a style-only `st.html` takes no room)."""
    st.html(A11Y_CSS)


def statement_link(lang: Lang) -> None:
    """The link to the accessibility statement, at the foot of the sidebar."""
    st.sidebar.page_link(STATEMENT_PAGE, label=t("a11y_link", lang),
                         icon=":material/accessibility_new:")


def statement_html_block(readme: Path = README) -> str:
    """The statement as markdown inside ``<div lang="en">`` (it is the README's English
    text: a screen reader on a Danish page switches to English for it, WCAG 3.1.2).
    The README section holds no HTML of its own (a test checks)."""
    return f'<div lang="en">\n\n{statement_markdown(readme)}\n\n</div>'


def statement_markdown(readme: Path = README) -> str:
    """The README's section "Tilgængelighed" (without its heading), up to the next
    section of the same level. Raises LookupError naming the file when it is missing."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    try:
        start = lines.index(STATEMENT_HEADING)
    except ValueError:
        raise LookupError(f"{readme}: no section {STATEMENT_HEADING!r}") from None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
               len(lines))
    return "\n".join(lines[start + 1:end]).strip()
