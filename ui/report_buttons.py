"""The rollout page's PDF report downloads: a municipality's one-page report and, when a
region is chosen, the region summary (`ips_data.reports`, built only on click)."""

from __future__ import annotations

import streamlit as st

from ips_data import reports
from ips_data.formatting import fmt_date
from ips_data.metrics.filters import Filters
from ips_data.municipalities import MUNICIPALITIES
from ui.i18n import t
from ui.state import Selection


def report_downloads(sel: Selection, codes: list[int]) -> None:
    """Pick one of ``codes`` (inside the viewer's scope) and download its report; the
    reports cover the whole municipality (the scope applies, the sidebar filters not)."""
    lang, scope = sel.lang, sel.filters.scope
    st.subheader(t("report_head", lang))
    st.caption(t("report_intro", lang, date=fmt_date(sel.ds.as_of, lang)))
    filters = Filters(scope=scope)
    pick_col, button_col = st.columns([2, 3], vertical_alignment="bottom")
    allowed = [c for c in codes if scope.allows(c)]
    code = pick_col.selectbox(t("report_pick", lang), allowed, key="report-kom",
                              format_func=lambda c: f"{c} {MUNICIPALITIES[c].name}")
    buttons = button_col.container(horizontal=True)
    if code is not None:
        buttons.download_button(
            t("report_button", lang), file_name=reports.report_filename(code),
            data=lambda: reports.municipality_pdf(sel.ds, filters, sel.policy, code, lang),
            mime="application/pdf", key="dl-report", on_click="ignore",
            icon=":material/download:")
    region = sel.filters.region
    if region is not None and all(scope.allows(c) for c in reports.region_codes(region)):
        buttons.download_button(
            t("report_region_button", lang), file_name=f"region-{region}.pdf",
            data=lambda: reports.region_pdf(sel.ds, filters, sel.policy, region, lang),
            mime="application/pdf", key="dl-report-region", on_click="ignore",
            icon=":material/download:")
