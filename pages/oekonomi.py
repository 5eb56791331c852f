"""Økonomi: saving per person with its interval, the selection's total saving (an
estimate) and the cost per group; then two sections (only the open one is
computed and drawn): cost per person by category and in total; savings by
municipality. Price year on all."""

import streamlit as st

from ips_data.formatting import fmt_dkk, fmt_int, fmt_interval, fmt_number
from ui import bound, charts, sections, state
from ui.cards import card
from ui.i18n import label, t
from ui.tables import Col, show

sel = state.selection()
lang, hidden = sel.lang, sel.label
state.header(sel, "costs_title", "costs_intro")
state.require_rows(sel, "costs", "costs_missing")
state.require_participants(sel)

horizon = int(bound.choice(t("horizon", lang), ("18", "30"), lambda h: label("horizon", h, lang),
                           key="horisont", kind="horizon"))
totals = state.arm_order(state.at_horizon(state.call(sel, "arm_costs"), horizon))
if totals.is_empty():
    st.info(t("costs_none_selected", lang, h=horizon))
    st.stop()
saving = state.at_horizon(state.call(sel, "savings"), horizon).to_dicts()
saving = saving[0] if saving else {}
price_year = totals["price_year"].drop_nulls().min()
py = t("price_year", lang, y=price_year)


def dkk(value: float | None) -> str:
    return hidden if value is None else fmt_dkk(value, lang)


# Headline: saving per person, the selection's total saving (an estimate), cost per arm
st.subheader(t("saving_head", lang))
cols = st.columns(2)
estimate = saving.get("estimate")
card(cols[0], t("saving", lang, h=horizon, py=py), dkk(estimate),
     fmt_interval(saving.get("low"), saving.get("high"), lambda v: fmt_int(v, lang))
     if estimate is not None else "", t("ci95_short", lang))
total = saving.get("total_saving_estimate")
card(cols[1], t("total_saving", lang, py=py),
     hidden if total is None else t("million_dkk", lang, x=fmt_number(total / 1e6, 1, lang)),
     fmt_interval(saving.get("total_saving_low"), saving.get("total_saving_high"),
                  lambda v: fmt_number(v / 1e6, 1, lang)) if total is not None else "",
     t("ci95_million", lang),
     help=t("total_saving_help", lang,
            n=fmt_int(saving.get("ips_participants"), lang) if total is not None else hidden))
st.caption(t("saving_caption", lang))

st.subheader(t("cost_head", lang, h=horizon))
by_arm = {r["arm"]: r for r in totals.to_dicts()}
for col, arm in zip(st.columns(3), ("ips", "ips_like", "comparison"), strict=True):
    if arm in by_arm:
        row = by_arm[arm]
        card(col, f"{label('arm', arm, lang)} ({py})", dkk(row["mean_total_dkk"]),
             f"n = {hidden if row['n'] is None else fmt_int(row['n'], lang)}")

def by_category() -> None:
    """Cost per person by category and in total, with their tables."""
    left, right = st.columns([3, 2], gap="large")
    categories = state.arm_order(state.at_horizon(state.call(sel, "costs_by_category"),
                                                  horizon))
    with left:
        charts.show(charts.cost_categories(categories, horizon, price_year, lang, hidden),
                    alt=t("fig_categories", lang))
    with right:
        charts.show(charts.cost_totals(totals, horizon, price_year, lang, hidden),
                    alt=t("fig_totals", lang))
    show(categories, [Col("category", t("category", lang), "code", code_kind="category"),
                      Col("arm", t("group", lang), "code", code_kind="arm"),
                      Col("n", "n", "int"),
                      Col("mean_dkk", t("dkk_axis", lang) + f" ({py})", "dkk")],
         sel, name=f"udgifter_kategori_{horizon}m", title=f"{t('fig_categories', lang)} ({py})")
    show(totals, [Col("arm", t("group", lang), "code", code_kind="arm"), Col("n", "n", "int"),
                  Col("mean_total_dkk", t("dkk_axis", lang) + f" ({py})", "dkk", ci=True)],
         sel, name=f"udgifter_samlet_{horizon}m", title=f"{t('fig_totals', lang)} ({py})")


def by_municipality() -> None:
    """The saving per municipality where both groups are large enough."""
    st.subheader(t("muni_head", lang))
    by_municipality = state.call(sel, "savings_by_municipality", horizon=horizon)
    if by_municipality["estimate"].drop_nulls().is_empty():
        st.info(t("muni_saving_none", lang))
    else:
        charts.show(charts.municipality_savings(by_municipality, horizon, price_year, lang),
                    alt=t("fig_muni_saving", lang))
    show(by_municipality, [
        Col("municipality_code", t("municipalities", lang), "municipality"),
        Col("n_ips", "n IPS", "int"), Col("n_comparison", "n " + label("arm", "comparison", lang),
                                          "int"),
        Col("mean_ips", f"IPS ({py})", "dkk"),
        Col("mean_comparison", f"{label('arm', 'comparison', lang)} ({py})", "dkk"),
        Col("estimate", t("saving", lang, h=horizon, py=py), "dkk", ci=("low", "high")),
    ], sel, name=f"besparelse_kommune_{horizon}m", title=f"{t('fig_muni_saving', lang)} ({py})",
       sort=("estimate", "n_ips", "municipality_code"))


# The sections, chosen above them: only the open one is computed and drawn (ui.sections)
sections.show({"costs": by_category, "municipalities": by_municipality}, lang)
