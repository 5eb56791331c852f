"""Beskæftigelseseffekt: IPS, IPS-like and comparison per horizon and measure, then four
sections (only the open one is computed and drawn): the crude and adjusted
difference with their intervals; like with like (support and balance); the trend by
start year and the breakdowns; the municipality benchmark (faktisk og forventet) with
its funnel."""

import streamlit as st

from ips_data.formatting import fmt_int
from ips_data.metrics.effect import MEASURES
from ui import adjusted_view, bound, charts, sections, state
from ui.i18n import label, t
from ui.tables import Col, show

sel = state.selection()
lang, hidden = sel.lang, sel.label
state.header(sel, "effect_title", "effect_intro")
state.prefetch(sel, "participants_by_arm", "arm_effects")  # side by side
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
measure_cols = [Col(measure, label("measure", measure, lang),
                    "pct" if measure != "weeks_mean" else "number", ci=True)]


def effect() -> None:
    """The arms and the difference (crude and adjusted), with their tables."""
    chart_col, diff_col = st.columns([3, 2], gap="large")
    with chart_col:
        if arms["n"].drop_nulls().is_empty():
            st.info(t("no_outcomes", lang, h=horizon))
        charts.show(charts.arm_bars(arms, measure, horizon, lang, hidden),
                    alt=t("fig_arms", lang, measure=label("measure", measure, lang), h=horizon))
    with diff_col:
        # the summary's effect block only: the same numbers, without its cost and
        # municipality queries
        adjusted_view.difference_cards(sel, state.call(sel, "summary_effect"), horizon,
                                       measure)
        adjusted_view.forest(sel, measure)
    show(arms, [Col("arm", t("group", lang), "code", code_kind="arm"), Col("n", "n", "int"),
                *measure_cols,
                Col("not_yet_observable", t("waiting_col", lang), "int",
                    hidden_by="not_yet_observable_suppressed")],
         sel, name=f"effekt_{horizon}m", title=t("effect_title", lang))
    adjusted_view.forest_table(sel, measure)  # the difference chart's figures


def trend_and_breakdowns() -> None:
    """The trend by start year, and the breakdowns (one at a time, chosen above it)."""
    st.subheader(t("trend_head", lang))
    trend = state.arm_order(state.call(sel, "effect_by_group", horizon=horizon,
                                       dimension="start_year"))
    if trend.is_empty():
        st.info(t("no_outcomes", lang, h=horizon))
    else:
        charts.show(charts.trend(trend, measure, horizon, lang, hidden),
                    alt=t("fig_trend", lang, measure=label("measure", measure, lang),
                          h=horizon))
        with st.expander(t("trend_head", lang)):
            show(trend, [Col("group_value", t("start_years", lang)),
                         Col("arm", t("group", lang), "code", code_kind="arm"),
                         Col("n", "n", "int"), *measure_cols],
                 sel, name=f"startaar_{horizon}m", title=t("trend_head", lang))
    breakdowns()


# Breakdowns: one at a time, chosen in a radio group like the sections (ui.sections);
# only the chosen one is computed and drawn, and choosing reruns only this fragment
BREAKDOWNS = ("age_band", "sex", "benefit_at_start", "treatment_unit")


@st.fragment
def breakdowns() -> None:
    st.subheader(t("breakdowns", lang))
    dimension = st.segmented_control(
        t("breakdowns", lang), BREAKDOWNS, default=BREAKDOWNS[0], required=True,
        format_func=lambda d: label("dimension", d, lang).capitalize(),
        key="effect-breakdown", label_visibility="collapsed") or BREAKDOWNS[0]
    frame = state.arm_order(state.call(sel, "effect_by_group", horizon=horizon,
                                       dimension=dimension))
    if frame.is_empty():
        st.info(t("no_outcomes", lang, h=horizon))
        return
    charts.show(charts.breakdown(frame, measure, horizon, dimension, lang, hidden),
                alt=label("dimension", dimension, lang))
    kind = "code" if dimension != "age_band" else "text"
    show(frame, [Col("group_value", label("dimension", dimension, lang).capitalize(),
                     kind, code_kind=dimension),
                 Col("arm", t("group", lang), "code", code_kind="arm"),
                 Col("n", "n", "int"), *measure_cols],
         sel, name=f"{dimension}_{horizon}m", title=label("dimension", dimension, lang))


# The sections, chosen above them: only the open one is computed and drawn (ui.sections)
sections.show({
    "effect": effect,
    # like with like: the adjusted difference, its support and the balance
    "adjusted": lambda: adjusted_view.adjusted_section(sel, horizon),
    "trend": trend_and_breakdowns,
    # faktisk og forventet (or, switched back, the crude funnel)
    "municipalities": lambda: adjusted_view.benchmark_section(sel),
}, lang)
