"""Udrulning: each municipality's IPS status on a chosen date (map and table), the
status history, implementation time, fidelity and caseload against the norm."""

from datetime import date

import streamlit as st

from ips_data.contract import CASELOAD_NORM, STATUSES
from ips_data.formatting import fmt_date, fmt_int
from ui import charts, rollout_charts, state
from ui.cards import card
from ui.i18n import label, t
from ui.tables import Col, show

sel = state.selection()
lang, hidden = sel.lang, sel.label
state.header(sel, "rollout_title", "rollout_intro")
state.require_rows(sel, "rollout", "rollout_missing")

when = st.date_input(t("as_of_date", lang), value=sel.ds.as_of, min_value=date(2005, 1, 1),
                     max_value=sel.ds.as_of, format="DD.MM.YYYY", key="dato",
                     bind="query-params", width=220)
status = state.call(sel, "municipality_status", as_of=when)

k, agreed, n = state.collaborating(sel, when)
st.progress(k / n, text=t("progress", lang, k=k, a=agreed, n=n, date=fmt_date(when, lang)))
counts = state.status_counts(status.to_dicts())
for col, code in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
    card(col, label("status", code, lang), fmt_int(counts[code], lang))
if status.is_empty():
    st.info(t("no_selection", lang))
    st.stop()

# Map and implementation time
map_col, impl_col = st.columns([3, 2], gap="large")
with map_col:
    charts.show(rollout_charts.status_map(status, when, lang, hidden),
                alt=t("fig_map", lang, date=fmt_date(when, lang)))
    st.caption(t("map_caption", lang, k=status["lat"].null_count()))
with impl_col:
    st.subheader(t("impl_head", lang))
    if status["years_since_implementation"].drop_nulls().is_empty():
        st.info(t("impl_none", lang))
    else:
        charts.show(rollout_charts.implementation_years(status, when, lang),
                    alt=t("fig_impl", lang))

st.subheader(t("status_table", lang))
show(status, [
    Col("name", t("municipalities", lang)),
    Col("status", "Status", "code", code_kind="status"),
    Col("status_since", t("col_since", lang), "date", hidden_by=None),
    Col("implementation_started", t("impl_head", lang), "date", hidden_by=None),
    Col("years_since_implementation", t("years_axis", lang), "number", hidden_by=None),
    Col("target_group", t("col_target", lang), "code",
        code_kind="target_group", hidden_by=None),
    Col("consultants_fte", t("col_fte", lang), "number", hidden_by=None),
    Col("active_participants", t("col_active", lang),
        "int", hidden_by="active_participants"),
    Col("caseload_per_fte", t("caseload_axis", lang), "number",
        hidden_by="active_participants"),
    Col("fidelity_score", "IPS-25", "int", hidden_by=None),
    Col("fidelity_band", t("col_band", lang), "code", code_kind="band",
        hidden_by=None),
    Col("fidelity_date", t("col_reviewed", lang), "date", hidden_by=None),
    Col("n_ips_18", "n IPS 18", "int", hidden_by="n_ips_18"),
    Col("job_or_education_any_18_ips", t("funnel_share", lang), "pct", hidden_by="n_ips_18"),
], sel, name=f"udrulning_{when.isoformat()}", title=t("fig_map", lang, date=when))

# Status history
st.subheader(t("timeline_head", lang))
periods = state.timeline(sel)
charts.show(rollout_charts.timeline(periods, sel.ds.as_of, lang), alt=t("fig_timeline", lang))
with st.expander(t("timeline_table", lang)):  # the timeline's figures as a table
    show(periods, [Col("name", t("municipalities", lang), hidden_by=None),
                   Col("status", "Status", "code", code_kind="status", hidden_by=None),
                   Col("valid_from", t("col_from", lang), "date", hidden_by=None),
                   Col("valid_to", t("col_to", lang), "date", hidden_by=None)],
         sel, name="statusperioder", title=t("fig_timeline", lang))

# Fidelity (IPS-25) and caseload
st.subheader(t("fidelity_head", lang))
reviews = state.fidelity_reviews(sel, when)
if reviews.is_empty():
    st.info(t("fidelity_missing", lang))
else:
    latest_col, trend_col = st.columns(2, gap="large")
    with latest_col:
        charts.show(rollout_charts.fidelity_latest(status, lang), alt=t("fig_fidelity", lang))
    with trend_col:
        charts.show(rollout_charts.fidelity_trend(reviews, lang), alt=t("fig_fidelity_trend", lang))
    show(reviews, [Col("name", t("municipalities", lang)),
                   Col("assessment_date", t("col_reviewed", lang), "date"),
                   Col("total_score", "IPS-25", "int"),
                   Col("fidelity_band", t("col_band", lang), "code",
                       code_kind="band")],
         sel, name="fidelitet", title=t("fig_fidelity_trend", lang))

st.subheader(t("caseload_head", lang))
if status["caseload_per_fte"].drop_nulls().is_empty():
    st.info(t("caseload_none", lang))
else:
    charts.show(rollout_charts.caseload(status, when, CASELOAD_NORM, lang),
                alt=t("fig_caseload", lang))
