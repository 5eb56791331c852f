"""Headline cards from the `ips-data summary --json` document (contract section 6).

The overview renders only from `ips_data.metrics.summary.build_summary`, so every number on
it equals the CLI's JSON. The ``*_text`` functions are what the cards show; tests
format the summary with the same functions to compare.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ips_data.formatting import (
    MISSING,
    fmt_dkk,
    fmt_int,
    fmt_interval,
    fmt_number,
    fmt_pct,
    fmt_pp,
    fmt_suppressed,
)
from ui.i18n import Lang, t


def _block(summary: dict, horizon: int) -> dict:
    return summary["effect"].get(str(horizon), {})


def _arm_text(row: dict | None, key: str, fmt: Callable[[float], str], lang: Lang,
              hidden: str) -> tuple[str, str]:
    """(value formatted by `fmt`, "n = …") of one arm's summary row; the policy label
    where the figure (or the whole arm) is hidden."""
    row = row or {"n": None}
    n = hidden if row["n"] is None else fmt_int(row["n"], lang)
    return fmt_suppressed(row.get(key), row["n"], hidden, fmt), f"n = {n}"


def share_text(summary: dict, horizon: int, arm: str, measure: str, lang: Lang,
               hidden: str) -> tuple[str, str]:
    """(value, "n = …") of an arm's share at a horizon; hidden → the policy label."""
    return _arm_text(_block(summary, horizon).get(arm), measure,
                     lambda v: fmt_pct(v, 1, lang), lang, hidden)


def weeks_text(summary: dict, horizon: int, arm: str, lang: Lang,
               hidden: str) -> tuple[str, str]:
    """(mean weeks in job or education with unit, "n = …") of an arm at a horizon."""
    unit = t("weeks_axis", lang).lower()
    return _arm_text(_block(summary, horizon).get(arm), "weeks_mean",
                     lambda v: f"{fmt_number(v, 1, lang)} {unit}", lang, hidden)


def cost_text(summary: dict, horizon: int, arm: str, lang: Lang,
              hidden: str) -> tuple[str, str]:
    """(mean total cost per person in kroner, "n = …") of an arm's cost population."""
    return _arm_text(summary["costs"].get(str(horizon), {}).get(arm), "mean_total_dkk",
                     lambda v: fmt_dkk(v, lang), lang, hidden)


def difference_text(summary: dict, horizon: int, measure: str, lang: Lang,
                    hidden: str) -> tuple[str, str]:
    """(estimate with unit, 95 % interval without) of IPS − comparison; shares in
    percentage points, weeks in weeks."""
    diff = _block(summary, horizon).get("difference", {}).get(measure)
    if not diff or diff["estimate"] is None:
        return hidden, MISSING
    if measure == "weeks_mean":
        unit = t("weeks_axis", lang).lower()
        value = ("+" if diff["estimate"] > 0 else "") + fmt_number(diff["estimate"], 1, lang)
        text = f"{value} {unit}"
        scale = 1.0
    else:
        text, scale = fmt_pp(diff["estimate"], 1, lang), 100.0
    low, high = diff["ci95"]
    return text, fmt_interval(low, high, lambda v: fmt_number(v * scale, 1, lang))


def saving_text(summary: dict, horizon: int, lang: Lang, hidden: str) -> tuple[str, str, Any]:
    """(saving per person, 95 % interval in kroner, price year) at a horizon."""
    block = summary["costs"].get(str(horizon))
    if block is None:
        return MISSING, MISSING, None
    saving = block["saving_per_person_dkk"]
    if saving["estimate"] is None:
        return hidden, MISSING, block["price_year"]
    low, high = saving["ci95"]
    return (fmt_dkk(saving["estimate"], lang),
            fmt_interval(low, high, lambda v: fmt_int(v, lang)), block["price_year"])


def card(where: Any, title: str, value: str, note: str = "", note_title: str | None = None,
         help: str | None = None) -> None:
    """A bordered metric; `note` (n or an interval) sits under the value, without arrow."""
    where.metric(title, value, delta=note or None, delta_color="off", delta_arrow="off",
                 delta_description=note_title, border=True, help=help)


#: Column widths of a row of arm cards plus their difference: wide enough for
#: "+13,0 pct.-point" from a 1280 px wide window.
ROW_WIDTHS = [1.1, 1.1, 1.4]


def comparison_row(arm_title: Callable[[str], str],
                   arm_text: Callable[[str], tuple[str, str]],
                   difference: tuple[str, ...], help: str | None = None) -> None:
    """One row: a card for IPS and one for the comparison group (title and text per
    arm), then the difference card (title, value, interval, interval title)."""
    cols = st.columns(ROW_WIDTHS)
    for col, arm in zip(cols, ("ips", "comparison"), strict=False):
        card(col, arm_title(arm), *arm_text(arm), help=help)
    card(cols[2], *difference)


def interval_title(lang: Lang) -> str:
    return t("ci95_short", lang)


_STAR = (
    (("Job eller uddannelse inden for 18 mdr.", "Job or education within 18 months"),
     ("IPS 59,5 % · sædvanlig indsats 46,5 %", "IPS 59.5% · usual services 46.5%"),
     ("STAR (puljet); Christensen et al., JAMA Psychiatry 2019;76(12):1232–1240",
      "STAR (pooled); Christensen et al., JAMA Psychiatry 2019;76(12):1232–1240")),
    (("Ekstra uger i job/uddannelse inden for 18 mdr.",
      "Extra weeks in job/education within 18 months"),
     ("+2,9 uger med IPS", "+2.9 weeks with IPS"), ("STAR", "STAR")),
    (("I job/uddannelse efter 2½ år", "In job/education after 2.5 years"),
     ("IPS 38 % · sædvanlig indsats 27 %", "IPS 38% · usual services 27%"), ("STAR", "STAR")),
    (("Besparelse pr. person over 18 mdr.", "Saving per person over 18 months"),
     ("ca. 72.000 kr. med IPS", "about DKK 72,000 with IPS"),
     ("Sundhedsøkonomisk evaluering 2020 (European Psychiatry 2020)",
      "Health-economic evaluation 2020 (European Psychiatry 2020)")),
)
_FOLLOW_UP = (
    (("Nogensinde i job/uddannelse inden for 30 mdr.", "Ever in job or education, 30 months"),
     ("IPS 65 % · IPS udvidet 65 % · sædvanlig indsats 53 %",
      "IPS 65% · IPS enhanced 65% · usual services 53%"),
     ("Registerbaseret 30-måneders opfølgning 2023", "Register-based 30-month follow-up 2023")),
    (("Gns. uger i ordinært arbejde, 30 mdr.", "Mean weeks in competitive work, 30 months"),
     ("IPS 25 · IPS udvidet 21 · sædvanlig indsats 17",
      "IPS 25 · IPS enhanced 21 · usual services 17"),
     ("Registerbaseret 30-måneders opfølgning 2023", "Register-based 30-month follow-up 2023")),
)


def reference_panel(lang: Lang) -> None:
    """Published Projekt Inklusion figures with sources; the STAR figures and the
    30-month follow-up are two separate tables, never mixed."""
    st.subheader(t("ref_title", lang))
    st.caption(t("ref_intro", lang))
    star, follow_up = st.columns([3, 2], gap="large")
    with star:
        st.markdown(f"**{t('ref_star_head', lang)}**")
        _rows(_STAR, lang)
    with follow_up:
        st.markdown(f"**{t('ref_fu_head', lang)}**")
        _rows(_FOLLOW_UP, lang)
        st.caption(t("ref_fu_note", lang))


def _rows(rows: tuple, lang: Lang) -> None:
    i = 0 if lang == "da" else 1
    head = (f"| {t('ref_figure', lang)} | {t('ref_values', lang)} | {t('ref_source', lang)} |\n"
            "|---|---|---|\n")
    st.markdown(head + "\n".join(f"| {a[i]} | {b[i]} | {c[i]} |" for a, b, c in rows))
