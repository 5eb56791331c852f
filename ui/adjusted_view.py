"""The effect page's sections for the adjusted comparisons (contract section 4b): the
adjusted difference beside the crude one, its support and balance, and the municipality
benchmark "faktisk og forventet" with its funnel (or, switched back, the crude funnel).
Every figure comes from one cached engine call (`ui.state.call`)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ips_data.formatting import MISSING, fmt_int, fmt_number, fmt_pct
from ips_data.metrics.benchmark import Benchmark
from ui import adjusted_charts, bound, charts, state
from ui.cards import card, difference_text
from ui.i18n import code_of, label, t
from ui.tables import Col, show

FUNNEL_KINDS = ("adjusted", "crude")
LIMITS = ("overdispersed", "exact")


def adjusted_text(summary: dict, horizon: int, measure: str, lang, hidden: str):
    """(estimate with unit, 95 % interval) of the adjusted difference, like the crude
    card's `difference_text` (the policy label when hidden)."""
    block = summary["effect"].get(str(horizon), {}).get("adjusted_difference", {})
    return difference_text({"effect": {str(horizon): {"difference": block}}}, horizon,
                           measure, lang, hidden)


def reason_text(sel: state.Selection, frame: pl.DataFrame, horizon: int) -> str | None:
    """Why the adjusted difference at `horizon` is missing (None when it is shown)."""
    rows = frame.filter(pl.col("horizon_months") == horizon)
    reason = rows["reason"][0] if rows.height else "no_ips"
    if reason is None:
        return None
    return t(f"adj_reason_{reason}", sel.lang, h=horizon, k=sel.policy.threshold)


def difference_cards(sel: state.Selection, summary: dict, horizon: int, measure: str) -> None:
    """The crude and the adjusted difference, one card each."""
    lang, hidden = sel.lang, sel.label
    h_label = label("horizon", str(horizon), lang)
    value, ci = difference_text(summary, horizon, measure, lang, hidden)
    card(st, t("crude_card", lang, h=h_label), value, ci, t("ci95_short", lang),
         help=label("measure", measure, lang))
    frame = state.call(sel, "adjusted_differences")
    reason = frame.filter(pl.col("horizon_months") == horizon)["reason"].to_list()
    # hidden by disclosure control: the policy label; not computable: "–" (the section
    # below says why)
    missing = hidden if reason in ([None], ["too_few"]) else MISSING
    value, ci = adjusted_text(summary, horizon, measure, lang, missing)
    card(st, t("adj_card", lang, h=h_label), value, ci, t("ci95_short", lang),
         help=t("adj_note", lang))


def forest(sel: state.Selection, measure: str) -> None:
    """Crude and adjusted difference per horizon in one forest plot."""
    crude = state.call(sel, "differences")
    adjusted = state.call(sel, "adjusted_differences")
    if crude["estimate"].drop_nulls().is_empty() and adjusted["estimate"].drop_nulls().is_empty():
        st.info(t("diff_none", sel.lang))
        return
    charts.show(adjusted_charts.forest_crude_adjusted(crude, adjusted, measure, sel.lang),
                alt=t("fig_forest_both", sel.lang))


def forest_table(sel: state.Selection, measure: str) -> None:
    """The forest plot's figures (crude and adjusted difference per horizon) as a table in
    an expander; drawn under the arms' table, so that table stays the page's first."""
    lang = sel.lang
    crude = state.call(sel, "differences")
    adjusted = state.call(sel, "adjusted_differences")
    if crude["estimate"].drop_nulls().is_empty() and adjusted["estimate"].drop_nulls().is_empty():
        return
    cols = ["horizon_months", "estimate", "low", "high", "n_ips", "n_comparison"]
    rows = pl.concat([
        frame.filter(pl.col("measure") == measure).select(cols)
        .with_columns(kind=pl.lit(t(kind, lang)))
        for kind, frame in (("crude", crude), ("adjusted", adjusted))
    ]).sort("horizon_months", "kind", descending=[False, True])
    with st.expander(t("diff_table", lang)):
        _forest_rows(sel, rows, measure)


def _forest_rows(sel: state.Selection, rows: pl.DataFrame, measure: str) -> None:
    lang = sel.lang
    show(rows, [
        Col("horizon_months", t("col_horizon", lang), "int", hidden_by=None),
        Col("kind", t("col_measure", lang), hidden_by=None),
        Col("estimate", t("difference", lang), "pp" if measure != "weeks_mean" else "number",
            ci=("low", "high"), hidden_by="n_ips"),
        Col("n_ips", "n IPS", "int", hidden_by="n_ips"),
        Col("n_comparison", "n " + label("arm", "comparison", lang), "int", hidden_by="n_ips"),
    ], sel, name=f"forskel_{measure}", title=t("fig_forest_both", lang))


def adjusted_section(sel: state.Selection, horizon: int) -> None:
    """The plain-language note, support share and IPS persons left out, why a figure is
    missing, and the balance table."""
    lang = sel.lang
    st.subheader(t("adj_head", lang))
    st.caption(t("adj_note", lang))
    frame = state.call(sel, "adjusted_differences")
    why = reason_text(sel, frame, horizon)
    if why:
        st.info(why)
    row = frame.filter(pl.col("horizon_months") == horizon).row(0, named=True)
    h_label = label("horizon", str(horizon), lang)
    share = row["support_share"]
    excluded = row["excluded"]
    cols = st.columns(2)
    card(cols[0], f"{t('support_card', lang)}, {h_label}",
         sel.label if share is None and row["reason"] != "no_ips" else fmt_pct(share, 1, lang),
         t("support_note", lang, n=sel.label if excluded is None else fmt_int(excluded, lang)),
         help=t("support_help", lang))
    balance = state.call(sel, "balance", horizon=horizon)
    if balance.is_empty():
        return
    st.markdown(f"**{t('balance_head', lang)}**")
    st.caption(t("balance_caption", lang, h=horizon))
    shown = balance.with_columns(
        pl.col("variable").replace_strict({v: label("stratum", v, lang)
                                           for v in balance["variable"].unique()}),
        pl.col("level").map_elements(lambda v: label("level", v, lang), return_dtype=pl.String),
    )
    show(shown, [
        Col("variable", t("bal_variable", lang)), Col("level", t("bal_level", lang)),
        Col("share_ips", t("bal_ips", lang), "pct"),
        Col("share_comparison", t("bal_cmp", lang), "pct"),
        Col("share_comparison_weighted", t("bal_cmp_w", lang), "pct"),
        Col("d_crude", t("bal_d_crude", lang), "number", decimals=2),
        Col("imbalanced_crude", t("bal_flag_crude", lang), "bool"),
        Col("d_weighted", t("bal_d_weighted", lang), "number", decimals=2),
        Col("imbalanced_weighted", t("bal_flag_weighted", lang), "bool"),
    ], sel, name=f"balance_{horizon}m", title=t("balance_head", lang))


def _benchmark_table(sel: state.Selection, bench: Benchmark) -> None:
    lang = sel.lang
    show(bench.points, [
        Col("municipality_code", t("municipalities", lang), "municipality"),
        Col("n", "n", "int"),
        Col("observed", t("bench_observed", lang), "int"),
        Col("expected", t("bench_expected", lang), "number", decimals=1),
        Col("o_minus_e", t("bench_o_minus_e", lang), "number", decimals=1),
        Col("oe_ratio", t("bench_oe", lang), "number", decimals=2),
        Col("adjusted_share", t("bench_adjusted", lang), "pct"),
        Col("exact_flag", t("bench_exact", lang), "code", code_kind="flag"),
        Col("overdispersed_flag", t("bench_od", lang), "code", code_kind="flag"),
    ], sel, name="faktisk_forventet_18m", title=t("bench_head", lang), height=380,
        sort=("o_minus_e", "oe_ratio", "adjusted_share", "n", "municipality_code"))


def _crude_funnel(sel: state.Selection) -> None:
    lang = sel.lang
    funnel = state.call(sel, "funnel")
    if funnel.n_total == 0:
        st.info(t("funnel_none", lang))
        return
    charts.show(charts.funnel(funnel.points, funnel.curve, funnel.pooled_share, lang),
                alt=t("fig_funnel", lang))
    st.caption(t("funnel_caption", lang, k=sel.policy.threshold))
    show(funnel.points, [
        Col("municipality_code", t("municipalities", lang), "municipality"),
        Col("n", "n", "int"), Col("share", t("funnel_share", lang), "pct"),
        Col("outside_95", t("funnel_out95", lang), "bool"),
        Col("outside_998", t("funnel_out998", lang), "bool"),
    ], sel, name="tragt_18m", title=t("fig_funnel", lang), height=380,
        sort=("n", "share", "municipality_code"))


def benchmark_request() -> str:
    """The engine call `benchmark_section` will make (for `state.prefetch`): the crude
    funnel when the switch (or the address) says so, else the benchmark."""
    raw = st.session_state.get("tragt", st.query_params.get("tragt"))
    return "funnel" if code_of("funnel_kind", raw) == "crude" else "benchmark"


def benchmark_section(sel: state.Selection) -> None:
    """'Faktisk og forventet': the switch between the adjusted and the crude funnel, the
    limits the colours follow, the funnel and the sortable table (by actual − expected)."""
    lang = sel.lang
    st.subheader(t("funnel_head", lang))
    kind = bound.choice(t("funnel_kind", lang), FUNNEL_KINDS,
                        lambda k: label("funnel_kind", k, lang), key="tragt",
                        kind="funnel_kind")
    if kind == "crude":
        _crude_funnel(sel)
        return
    st.markdown(f"**{t('bench_head', lang)}**")
    st.caption(t("bench_intro", lang))
    bench = state.call(sel, "benchmark")
    if bench.points.is_empty():
        st.info(t("bench_none", lang))
        return
    limits = bound.choice(t("funnel_limits", lang), LIMITS,
                          lambda k: label("funnel_limits", k, lang), key="graenser",
                          kind="funnel_limits")
    charts.show(adjusted_charts.adjusted_funnel(bench, limits, lang),
                alt=t("fig_funnel_adj", lang))
    st.caption(t("funnel_adj_caption", lang, k=sel.policy.threshold, i=bench.shown,
                 tau2=fmt_number(bench.tau2, 4, lang)))
    _benchmark_table(sel, bench)
