"""IPS dashboard: page config, navigation and the shared sidebar.

Run with `streamlit run app.py`; the extract comes from $IPS_DATA_DIR (default
sample_data/). The pages live in pages/, each file named like its URL path (see
`ui.state.selection` for why); helpers in ui/.
"""

import streamlit as st

from ui import auth, bound, state
from ui.i18n import t

st.set_page_config(page_title="IPS", page_icon=":material/work:", layout="wide")

lang = bound.language_toggle()
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
]
if viewer.scope.is_all:  # file names and rejection reasons: scope `all` only
    pages.append(st.Page("pages/data.py", title=t("nav_data", lang),
                         icon=":material/database:", url_path="data"))
page = st.navigation(pages)
sel = state.sidebar(lang, viewer.scope)
auth.record_view(viewer, page.url_path or "overview", sel.filters)
page.run()
