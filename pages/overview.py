"""Overblik: headline cards from the summary's blocks (`headline`: the same numbers as
`ips-data summary --json`) with small trend charts by start year beside the participant
cards, data health and the published Projekt Inklusion figures."""

import streamlit as st

from ips_data.formatting import fmt_date, fmt_int
from ips_data.loading.messages import rejected_files_text
from ui import charts, overview_charts, state
from ui.cards import (
    ROW_WIDTHS,
    card,
    comparison_row,
    cost_text,
    difference_text,
    reference_panel,
    saving_text,
    share_text,
    weeks_text,
)
from ui.i18n import label, t
from ui.tables import Col, show

sel = state.selection()
lang, hidden = sel.lang, sel.label
ci = t("ci95_short", lang)
st.title(t("overview_title", lang))
st.caption(t("overview_intro", lang))

# Extract date and data health
report = sel.ds.report
head = st.columns([1, 3], vertical_alignment="center")
head[0].markdown(t("ov_extract", lang, date=fmt_date(report.extract_date, lang)))
with head[1]:
    if report.ok:
        st.badge(t("ov_health_ok", lang), icon=":material/check_circle:", color="green")
    else:
        rejected = len(report.rejected())
        st.badge(t("ov_health_bad", lang, n=rejected) if rejected
                 else t("ov_health_problems", lang), icon=":material/warning:", color="orange")
        if rejected:
            st.caption(t("rejected_files", lang, files=rejected_files_text(
                [f.path for f in report.rejected()], lang)))
        state.data_link(sel)

state.prefetch(sel, "participants_by_arm", "headline", "start_year_trend")  # side by side
if not state.any_participants(sel):
    st.info(t("no_selection", lang))
    st.stop()
summary = state.call(sel, "headline")

st.subheader(t("participants", lang))
by_arm = {r["arm"]: r["n"] for r in state.call(sel, "participants_by_arm").to_dicts()}
shown = [arm for arm in ("ips", "ips_like", "comparison") if arm in by_arm]
cards_col, *trend_cols = st.columns([1.3, 1.35, 1.35], gap="small")
for arm in shown:
    n = by_arm[arm]
    card(cards_col, t("participants_arm", lang, arm=label("arm", arm, lang)),
         fmt_int(n, lang) if n is not None else hidden)
# beside the cards: IPS participants and the 18-month share by start year
trend = state.call(sel, "start_year_trend")
if not trend.is_empty():
    with trend_cols[0]:
        charts.show(overview_charts.participants_by_year(trend, lang, hidden),
                    alt=t("fig_trend_participants", lang))
    with trend_cols[1]:
        charts.show(overview_charts.share_by_year(trend, lang, hidden),
                    alt=t("fig_trend_share", lang))
    with st.expander(t("trend_table", lang)):
        show(trend, [
            Col("start_year", t("start_years", lang)),
            Col("participants", t("col_participants", lang), "int",
                hidden_by="participants_suppressed"),
            Col("n_18", t("col_n18", lang), "int"),
            Col("share_18", t("fig_trend_share", lang), "pct", ci=True),
        ], sel, name="startaar", title=t("ov_trend_head", lang))

def arm(code: str) -> str:
    return label("arm", code, lang)


st.subheader(t("ov_head18", lang))
comparison_row(lambda a: t("ov_arm_h", lang, arm=arm(a), h=18),
               lambda a: share_text(summary, 18, a, "job_or_education_any", lang, hidden),
               (t("ov_diff", lang, h=18),
                *difference_text(summary, 18, "job_or_education_any", lang, hidden), ci))
comparison_row(lambda a: t("ov_weeks_arm", lang, arm=arm(a), h=18),
               lambda a: weeks_text(summary, 18, a, lang, hidden),
               (t("ov_weeks", lang), *difference_text(summary, 18, "weeks_mean", lang, hidden),
                ci), help=t("ov_weeks_help", lang, h=18))

st.subheader(t("ov_head30", lang))
comparison_row(lambda a: t("ov_arm_h", lang, arm=arm(a), h=30),
               lambda a: share_text(summary, 30, a, "job_or_education_at_end", lang, hidden),
               (t("ov_diff", lang, h=30),
                *difference_text(summary, 30, "job_or_education_at_end", lang, hidden), ci))

value, interval, price_year = saving_text(summary, 18, lang, hidden)
if price_year is None:
    st.subheader(t("nav_costs", lang))
    st.info(t("ov_no_costs", lang))
else:
    st.subheader(t("ov_costs_head", lang, py=t("price_year", lang, y=price_year)))
    comparison_row(lambda a: t("ov_cost_arm", lang, arm=arm(a)),
                   lambda a: cost_text(summary, 18, a, lang, hidden),
                   (t("ov_saving", lang), value, interval, ci))

st.subheader(t("ov_rollout_head", lang))
if state.has_rows(sel, "rollout"):
    counts = summary["status_counts"]
    for col, status in zip(st.columns(ROW_WIDTHS),
                           ("operating", "implementing", "not_started"), strict=True):
        card(col, t("ov_status", lang, status=label("status", status, lang)),
             fmt_int(counts[status], lang))
    st.caption(t("ov_status_caption", lang, date=fmt_date(sel.ds.as_of, lang)))
else:
    st.info(t("ov_no_rollout", lang))
st.caption(t("suppressed_note", lang, k=sel.policy.threshold, label=hidden))

with st.container(border=True):
    reference_panel(lang)
