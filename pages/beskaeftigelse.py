"""Beskæftigelseseffekt: IPS, IPS-like and comparison per horizon and measure, the
difference with its interval, the trend by start year, breakdowns and the funnel plot."""

import streamlit as st

from ips_data.formatting import fmt_int
from ips_data.metrics.effect import MEASURES
from ui import bound, charts, state
from ui.cards import card, difference_text
from ui.i18n import label, t
from ui.tables import Col, show

sel = state.selection()
lang, hidden = sel.lang, sel.label
state.header(sel, "effect_title", "effect_intro")
state.require_participants(sel)

left, right = st.columns(2)
with left:
    horizon = int(bound.choice(t("horizon", lang), ("18", "30"),
                               lambda h: label("horizon", h, lang), key="horisont",
                               kind="horizon"))
with right:
    measure = bound.choice(t("measure", lang), MEASURES, lambda m: label("measure", m, lang),
                           key="maal", kind="measure")

arms = state.arm_order(state.at_horizon(state.call(sel, "arm_effects"), horizon))
waiting = " · ".join(
    f"{label('arm', r['arm'], lang)} "
    f"{hidden if r['not_yet_observable'] is None else fmt_int(r['not_yet_observable'], lang)}"
    for r in arms.to_dicts())
st.caption(t("not_observable", lang, h=horizon, parts=waiting))

# The arms and the difference
chart_col, diff_col = st.columns([3, 2], gap="large")
with chart_col:
    if arms["n"].drop_nulls().is_empty():
        st.info(t("no_outcomes", lang, h=horizon))
    charts.show(charts.arm_bars(arms, measure, horizon, lang, hidden),
                alt=t("fig_arms", lang, measure=label("measure", measure, lang), h=horizon))
with diff_col:
    summary = state.call(sel, "summary_effect")  # the summary's effect block only
    value, ci = difference_text(summary, horizon, measure, lang, hidden)
    card(st, f"{t('difference', lang)}, {label('horizon', str(horizon), lang)}", value, ci,
         t("ci95_short", lang), help=label("measure", measure, lang))
    diffs = state.call(sel, "differences")
    if diffs["estimate"].drop_nulls().is_empty():
        st.info(t("diff_none", lang))
    else:
        charts.show(charts.difference_forest(diffs, measure, lang), alt=t("difference", lang))

measure_cols = [Col(measure, label("measure", measure, lang),
                    "pct" if measure != "weeks_mean" else "number", ci=True)]
show(arms, [Col("arm", t("group", lang), "code", code_kind="arm"), Col("n", "n", "int"),
            *measure_cols,
            Col("not_yet_observable", t("waiting_col", lang), "int",
                hidden_by="not_yet_observable_suppressed")],
     sel, name=f"effekt_{horizon}m", title=t("effect_title", lang))

# Trend by start year
st.subheader(t("trend_head", lang))
trend = state.arm_order(state.call(sel, "effect_by_group", horizon=horizon,
                                   dimension="start_year"))
if trend.is_empty():
    st.info(t("no_outcomes", lang, h=horizon))
else:
    charts.show(charts.trend(trend, measure, horizon, lang, hidden),
                alt=t("fig_trend", lang, measure=label("measure", measure, lang), h=horizon))
    with st.expander(t("trend_head", lang)):
        show(trend, [Col("group_value", t("start_years", lang)),
                     Col("arm", t("group", lang), "code", code_kind="arm"),
                     Col("n", "n", "int"), *measure_cols],
             sel, name=f"startaar_{horizon}m", title=t("trend_head", lang))

# Breakdowns: only the open tab is computed and drawn; switching tabs reruns only this
@st.fragment
def breakdowns() -> None:
    st.subheader(t("breakdowns", lang))
    dimensions = ("age_band", "sex", "benefit_at_start", "treatment_unit")
    tabs = st.tabs([label("dimension", d, lang).capitalize() for d in dimensions],
                   key="effect-breakdown", on_change="rerun")
    for tab, dimension in zip(tabs, dimensions, strict=True):
        if not tab.open:
            continue
        with tab:
            frame = state.arm_order(state.call(sel, "effect_by_group", horizon=horizon,
                                               dimension=dimension))
            if frame.is_empty():
                st.info(t("no_outcomes", lang, h=horizon))
                continue
            charts.show(charts.breakdown(frame, measure, horizon, dimension, lang, hidden),
                        alt=label("dimension", dimension, lang))
            kind = "code" if dimension != "age_band" else "text"
            show(frame, [Col("group_value", label("dimension", dimension, lang).capitalize(),
                             kind, code_kind=dimension),
                         Col("arm", t("group", lang), "code", code_kind="arm"),
                         Col("n", "n", "int"), *measure_cols],
                 sel, name=f"{dimension}_{horizon}m",
                 title=label("dimension", dimension, lang))


breakdowns()

# Municipality comparison: funnel plot next to a sortable table
st.subheader(t("funnel_head", lang))
funnel = state.call(sel, "funnel")
if funnel.n_total == 0:
    st.info(t("funnel_none", lang))
else:
    plot_col, table_col = st.columns([3, 2], gap="large")
    with plot_col:
        charts.show(charts.funnel(funnel.points, funnel.curve, funnel.pooled_share, lang),
                    alt=t("fig_funnel", lang))
        st.caption(t("funnel_caption", lang, k=sel.policy.threshold))
    with table_col:
        show(funnel.points, [
            Col("municipality_code", t("municipalities", lang), "municipality"),
            Col("n", "n", "int"), Col("share", t("funnel_share", lang), "pct"),
            Col("outside_95", t("funnel_95", lang), "bool"),
            Col("outside_998", t("funnel_998", lang), "bool"),
        ], sel, name="tragt_18m", title=t("fig_funnel", lang), height=380,
           sort=("n", "share", "municipality_code"))
