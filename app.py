"""IPS dashboard: page config, navigation and the shared sidebar.

Run with `streamlit run app.py`; the extract comes from $IPS_DATA_DIR (default
sample_data/). The pages live in pages/, each file named like its URL path (see
`ui.state.selection` for why); helpers in ui/.
"""

import streamlit as st

from ui import a11y, auth, bound, heap, sections, state
from ui.i18n import t

st.set_page_config(page_title="IPS", page_icon=":material/work:", layout="wide")

lang = bound.language_toggle()
a11y.document_language(lang)  # <html lang> follows the language (Streamlit has no setting)
a11y.styles()  # keyboard focus always visible, narrow tables break words (WCAG 2.4.7, 1.4.10)
viewer = auth.gate(lang)  # login, scope; stops here on bad configuration or no access
pages = [
    st.Page("pages/overview.py", title=t("nav_overview", lang), icon=":material/dashboard:",
            default=True),
    st.Page("pages/beskaeftigelse.py", title=t("nav_effect", lang), icon=":material/trending_up:",
            url_path="beskaeftigelse"),
    st.Page("pages/oekonomi.py", title=t("nav_costs", lang), icon=":material/payments:",
            url_path="oekonomi"),
    st.Page("pages/udrulning.py", title=t("nav_rollout", lang), icon=":material/map:",
            url_path="udrulning"),
    st.Page(a11y.STATEMENT_PAGE, title=t("nav_a11y", lang),
            icon=":material/accessibility_new:", url_path="tilgaengelighed",
            visibility="hidden"),
]
if viewer.scope.is_all:  # file names and rejection reasons: scope `all` only
    pages.append(st.Page("pages/data.py", title=t("nav_data", lang),
                         icon=":material/database:", url_path="data"))
page = st.navigation(pages)
sel = state.sidebar(lang, viewer.scope)
a11y.statement_link(lang)
auth.record_view(viewer, page.url_path or "overview", sel.filters)
page.run()
heap.settle((page.url_path, st.query_params.get(sections.KEY, "")))  # see ui/heap.py
