"""Udrulning: each municipality's IPS status on a chosen date (the region's progress and
the municipalities per status), then three sections (only the open one is
computed and drawn): a map coloured by status, 18-month share or caseload, with the same
figures in a table beside it; implementation time, the status table and history;
fidelity (with one municipality's IPS-25 profile) and caseload against the norm."""

from datetime import date

import streamlit as st

from ips_data.contract import CASELOAD_NORM, STATUSES
from ips_data.formatting import fmt_date, fmt_int
from ips_data.geo.boundaries import ATTRIBUTION
from ips_data.metrics.rollout_map import MEASURES as MAP_MEASURES
from ui import bound, charts, rollout_charts, rollout_map, sections, state
from ui.cards import card
from ui.i18n import label, t
from ui.report_buttons import report_downloads
from ui.rollout_map import MAP_COLUMNS
from ui.tables import Col, show

sel = state.selection()
lang, hidden = sel.lang, sel.label
state.header(sel, "rollout_title", "rollout_intro")
state.require_rows(sel, "rollout", "rollout_missing")

when = st.date_input(t("as_of_date", lang), value=sel.ds.as_of, min_value=date(2005, 1, 1),
                     max_value=sel.ds.as_of, format="DD.MM.YYYY", key="dato",
                     bind="query-params", width=220)
# the map (the first section) shows the benchmark's adjusted shares: its queries run
# beside the status's when the map will be drawn
SECTIONS = ["map", "status", "fidelity"]
state.prefetch(sel, ("municipality_status", {"as_of": when}),
               *(["benchmark"] if sections.wanted(SECTIONS) == "map" else []))
status = state.call(sel, "municipality_status", as_of=when)

k, agreed, n = state.collaborating(sel, when)  # within the viewer's scope
if n:
    st.progress(k / n, text=t("progress", lang, k=k, a=agreed, n=n, date=fmt_date(when, lang)))
    if not sel.filters.scope.is_all:
        st.caption(t("rollout_scope_total", lang, n=n))
counts = state.call(sel, "status_counts", as_of=when)  # the same as counted over `status`
for col, code in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
    card(col, label("status", code, lang), fmt_int(counts[code], lang))
if status.is_empty():
    st.info(t("no_selection", lang))
    st.stop()


def map_and_list() -> None:
    """The map (status, 18-month share or caseload) with the same figures as a table
    beside it."""
    measure = bound.choice(t("map_measure", lang), MAP_MEASURES,
                           lambda m: label("map_measure", m, lang), key="kort", kind="map_measure")
    figures = state.call(sel, "rollout_map", as_of=when, measure=measure)
    map_col, list_col = st.columns([3, 2], gap="large")
    with map_col:
        charts.show(rollout_map.rollout_map(figures, measure, when, lang, hidden),
                    alt=t("fig_map", lang, date=fmt_date(when, lang)))
        st.caption(ATTRIBUTION)
        if measure == "status":
            st.caption(t("map_caption", lang))
        else:
            st.caption(t("map_caption_hidden", lang, label=hidden, k=sel.policy.threshold)
                       + (" " + t("map_share_note" if figures["share_kind"][0] == "adjusted"
                                  else "map_share_note_crude", lang)
                          if measure == "share_18" else ""))
    with list_col:
        st.subheader(t("map_table", lang))
        show(figures, [
            Col("name", t("municipalities", lang)),
            Col("status", "Status", "code", code_kind="status", hidden_by=None),
            *MAP_COLUMNS[measure](lang),
        ], sel, name=f"kort_{measure}_{when.isoformat()}", title=t("map_table", lang),
            height=520)


def status_and_history() -> None:
    """Implementation time, every municipality's status and figures, the status history."""
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


def fidelity_and_capacity() -> None:
    """IPS-25 fidelity (latest, trend, one municipality's profile) and caseload against
    the norm."""
    st.subheader(t("fidelity_head", lang))
    reviews = state.fidelity_reviews(sel, when)
    if reviews.is_empty():
        st.info(t("fidelity_missing", lang))
    else:
        latest_col, trend_col = st.columns(2, gap="large")
        with latest_col:
            charts.show(rollout_charts.fidelity_latest(status, lang),
                        alt=t("fig_fidelity", lang))
        with trend_col:
            charts.show(rollout_charts.fidelity_trend(reviews, lang),
                        alt=t("fig_fidelity_trend", lang))
        show(reviews, [Col("name", t("municipalities", lang)),
                       Col("assessment_date", t("col_reviewed", lang), "date"),
                       Col("total_score", "IPS-25", "int"),
                       Col("fidelity_band", t("col_band", lang), "code",
                           code_kind="band")],
             sel, name="fidelitet", title=t("fig_fidelity_trend", lang))

    # One municipality's IPS-25 profile: items by principle against the previous review
    st.subheader(t("profile_head", lang))
    reviewed = state.call(sel, "reviewed_municipalities", as_of=when)
    if reviewed.is_empty():
        st.info(t("profile_none", lang))
    else:
        names = dict(reviewed.select("code", "name").iter_rows())
        overdue = reviewed.filter("overdue")["name"].to_list()
        if overdue:
            st.caption(t("profile_overdue_list", lang, names=", ".join(overdue)))
        bound.canonical("profil", None, list(names), multi=False)
        code = st.selectbox(t("profile_municipality", lang), list(names),
                            format_func=lambda c: f"{c} {names[c]}", key="profil",
                            bind="query-params", width=320)
        profile = state.call(sel, "fidelity_profile", code=code, as_of=when)
        band = label("band", profile.latest_band, lang)
        st.markdown(t("profile_latest", lang, date=fmt_date(profile.latest_date, lang),
                      score=profile.latest_total, band=band))
        if profile.previous_date is None:
            st.caption(t("profile_only_one", lang))
        else:
            st.caption(t("profile_previous", lang, date=fmt_date(profile.previous_date, lang),
                         score=profile.previous_total,
                         band=label("band", profile.previous_band, lang)))
        if profile.overdue:
            st.warning(t("profile_overdue", lang, due=fmt_date(profile.review_due, lang)),
                       icon=":material/event_busy:")
        if not profile.has_items:
            st.info(t("profile_total_only", lang))
        else:
            if profile.missing_items:
                st.caption(t("profile_missing_items", lang,
                             items=", ".join(str(i) for i in profile.missing_items)))
            chart_col, plan_col = st.columns([3, 2], gap="large")
            with chart_col:
                charts.show(rollout_charts.fidelity_profile(profile, lang),
                            alt=t("fig_profile", lang))
            with plan_col:
                st.markdown(f"**{t('profile_action', lang)}**")
                plan = profile.action_plan()
                if plan.is_empty():
                    st.caption(t("profile_no_action", lang))
                for row in plan.iter_rows(named=True):
                    item = label("fidelity_item", row["item_code"], lang)
                    st.markdown(f"- ⚠ {row['item']}. {item}"
                                f" ({label('principle', row['principle'], lang)}): {row['latest']}")
                st.caption(t("profile_source", lang))
            show(profile.items, [
                Col("principle", t("profile_principle", lang), "code", code_kind="principle"),
                Col("item", t("profile_item", lang), "int"),
                Col("item_code", "IPS-25", "code", code_kind="fidelity_item"),
                Col("latest", t("profile_latest_short", lang), "int"),
                Col("previous", t("profile_previous_short", lang), "int"),
                Col("change", t("profile_change", lang), "int"),
                Col("action", t("profile_action_col", lang), "bool"),
            ], sel, name=f"fidelitetsprofil_{code}", title=t("profile_head", lang))

    st.subheader(t("caseload_head", lang))
    if status["caseload_per_fte"].drop_nulls().is_empty():
        st.info(t("caseload_none", lang))
    else:
        charts.show(rollout_charts.caseload(status, when, CASELOAD_NORM, lang),
                    alt=t("fig_caseload", lang))


# The sections, chosen above them: only the open one is computed and drawn (ui.sections)
sections.show(dict(zip(SECTIONS, (map_and_list, status_and_history, fidelity_and_capacity),
                        strict=True)), lang)

# One-page PDF reports (built on click, in the page's language)
report_downloads(sel, status["code"].to_list())
