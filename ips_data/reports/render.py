"""Report data → the texts and charts of a page (language-specific, all formatted here).

`municipality_document` and `region_document` return what the Typst templates lay out
(`ips_data.reports.pdf`): a JSON-able dict of strings and the charts as SVG.
"""

from __future__ import annotations

from typing import Any

from ips_data.contract import CONTRACT_VERSION
from ips_data.formatting import (
    MISSING,
    Lang,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_pp,
)
from ips_data.metrics.fidelity import ITEMS
from ips_data.reports import charts
from ips_data.reports.model import (
    Benchmark,
    Capacity,
    Estimate,
    Fidelity,
    HorizonEffect,
    MunicipalityReport,
    RegionReport,
    Status,
    TrendPoint,
)
from ips_data.reports.texts import label, t

Document = tuple[dict[str, Any], dict[str, str]]  # (texts, charts as SVG)


class Formatter:
    """Numbers of one report in one language, with the policy's "<k" for suppressed."""

    def __init__(self, lang: Lang, threshold: int) -> None:
        self.lang = lang
        self.hidden = f"<{threshold}"

    def count(self, n: int | None) -> str:
        return self.hidden if n is None else fmt_int(n, self.lang)

    def pct(self, x: float | None) -> str:
        return fmt_pct(x, lang=self.lang)

    def _bare_pct(self, x: float | None) -> str:
        return fmt_pct(x, lang=self.lang).removesuffix(" %").removesuffix("%")

    def interval(self, low: float, high: float) -> str:
        """'(5,3–14,3)'; spaced when a bound is negative: '(-4,7 – -1,3)'."""
        dash = "–" if low >= 0 and high >= 0 else " – "
        return f"({self._bare_pct(low)}{dash}{self._bare_pct(high)})"

    def share(self, n: int | None, e: Estimate) -> str:
        """'60,1 % (56,8–63,4)' / '60.1% (56.8–63.4)'; the policy label when suppressed."""
        if n is None:
            return self.hidden
        if e.estimate is None:
            return MISSING
        text = self.pct(e.estimate)
        if e.low is not None and e.high is not None:
            text += " " + self.interval(e.low, e.high)
        return text

    def difference(self, e: Estimate) -> str:
        """'+9,8 pct.-point (5,3–14,3)'; an en dash when not shown (an arm suppressed)."""
        if e.estimate is None:
            return MISSING
        text = fmt_pp(e.estimate, lang=self.lang)
        if e.low is not None and e.high is not None:
            text += " " + self.interval(e.low, e.high)
        return text

    def caseload(self, active: int | None, fte: float | None, caseload: float | None) -> str:
        """Caseload per FTE: hidden with its active participants when there are FTE."""
        return self.hidden if active is None and fte else self.number(caseload)

    def number(self, x: float | None, decimals: int = 1) -> str:
        return fmt_number(x, decimals, self.lang)

    def date(self, d) -> str:
        return fmt_date(d, self.lang)


# ------------------------------------------------------------------------------ sections
def status_section(s: Status, f: Formatter) -> dict[str, Any]:
    lang = f.lang
    if s.status is None:
        return {"head": t("sec_status", lang), "lines": [t("status_none", lang)]}
    lines = [t("status_line", lang, status=label("status", s.status, lang),
               since=f.date(s.status_since))]
    if s.implementation_started is None:
        lines.append(t("impl_not_started", lang))
    else:
        years = s.years_since_implementation or 0.0
        verdict = ("impl_below" if years < 2 else "impl_within" if years <= 3
                   else "impl_above")
        lines.append(t("impl_started", lang, date=f.date(s.implementation_started),
                       years=f.number(years)))
        lines.append(t("impl_usual", lang, verdict=t(verdict, lang)))
    if s.target_group:
        lines.append(t("target", lang, target=label("target_group", s.target_group, lang)))
    if s.psychiatry_units:
        lines.append(t("units", lang, units=s.psychiatry_units))
    return {"head": t("sec_status", lang), "lines": lines}


def capacity_section(c: Capacity, f: Formatter) -> dict[str, Any]:
    lang = f.lang
    if c.caseload_per_fte is None:
        norm = t("norm_unknown", lang, norm=c.norm)
    else:
        norm = t("norm_over" if c.caseload_per_fte > c.norm else "norm_ok", lang, norm=c.norm)
    caseload = f.caseload(c.active_participants, c.consultants_fte, c.caseload_per_fte)
    return {"head": t("sec_capacity", lang), "rows": [
        [t("active", lang), f.count(c.active_participants), ""],
        [t("fte", lang), f.number(c.consultants_fte), ""],
        [t("caseload", lang), caseload, norm],
    ]}


def effect_section(effects: tuple[HorizonEffect, ...], f: Formatter) -> dict[str, Any]:
    lang = f.lang
    rows: list[list[str]] = []
    for e in effects:
        when = t("months", lang, h=e.horizon)
        for a in e.arms:
            rows.append([when, label("arm", a.arm, lang), f.count(a.n),
                         f.share(a.n, a.any), f.share(a.n, a.at_end)])
        if any(a.arm == "ips" for a in e.arms) and any(a.arm == "comparison" for a in e.arms):
            rows.append([when, t("difference", lang), "", f.difference(e.difference_any),
                         f.difference(e.difference_at_end)])
            rows.append([when, t("adjusted_difference", lang), "",
                         f.difference(e.adjusted_any), f.difference(e.adjusted_at_end)])
    at_18 = next((e for e in effects if e.horizon == 18), None)
    note = t("effect_note", lang) if rows else t("effect_none", lang)
    if at_18 is not None and any(a.arm == "ips" for a in at_18.arms):
        note += " " + t("effect_waiting", lang, waiting=f.count(at_18.not_yet_observable_ips))
    return {
        "head": t("sec_effect", lang),
        "header": [t("col_horizon", lang), t("col_arm", lang), t("col_n", lang),
                   t("col_any", lang), t("col_end", lang)],
        "rows": rows,
        "note": note + " " + t("effect_adjusted", lang, support=_support(effects, f))
        if rows else note,
    }


def _support(effects: tuple[HorizonEffect, ...], f: Formatter) -> str:
    at_18 = next((e for e in effects if e.horizon == 18), None)
    return f.pct(at_18.support_share if at_18 else None)


def benchmark_section(b: Benchmark | None, f: Formatter) -> dict[str, Any]:
    lang = f.lang
    head = t("sec_benchmark", lang)
    if b is None or b.n is None:
        return {"head": head, "rows": [], "note": t("bench_none", lang),
                "method": t("bench_adjusted", lang)}
    return {"head": head, "rows": [
        [t("bench_n", lang), f.count(b.n)],
        [t("observed", lang), f.count(b.observed)],
        [t("expected", lang), f.number(b.expected)],
        [t("oe", lang), f.number(b.oe_ratio, 2)],
        [t("adjusted_share", lang), f.pct(b.adjusted_share)],
        [t("pooled", lang), f.pct(b.pooled_share)],
        [t("position", lang), t(f"pos_{b.position}", lang) if b.position else MISSING],
    ], "note": "", "method": t("bench_adjusted", lang) + " " + t("funnel_limits", lang)}


def fidelity_section(fid: Fidelity, f: Formatter) -> dict[str, Any]:
    lang = f.lang
    head = t("sec_fidelity", lang)
    if fid.score is None:
        return {"head": head, "lines": [t("fidelity_none", lang)], "items": [],
                "items_head": ""}
    lines = [t("fidelity_line", lang, date=f.date(fid.assessed), score=fid.score,
               band=label("band", fid.band, lang))]
    if fid.overdue:
        lines.append(t("fidelity_overdue", lang))
    items = [t("item", lang, no=i.number, score=i.score,
               name=label("fidelity_item", ITEMS[i.number - 1], lang)) for i in fid.weakest]
    if not fid.has_items:
        lines.append(t("weakest_none", lang))
    return {"head": head, "lines": lines, "items": items,
            "items_head": t("weakest", lang) if items else ""}


def trend_section(points: tuple[TrendPoint, ...], f: Formatter) -> dict[str, Any]:
    lang = f.lang
    arms = [a for a in ("ips", "comparison") if any(p.arm == a for p in points)]
    by = {(p.start_year, p.arm): p for p in points}
    rows = []
    for year in sorted({p.start_year for p in points}):
        row = [str(year)]
        for arm in arms:
            p = by.get((year, arm))
            row += [f.count(p.n), f.share(p.n, p.share)] if p else [MISSING, MISSING]
        rows.append(row)
    header = [t("col_year", lang)]
    for arm in arms:
        header += ["n", label("arm", arm, lang)]
    return {"head": t("sec_trend", lang), "header": header, "rows": rows,
            "note": "" if rows else t("trend_none", lang)}


def footer(report: MunicipalityReport | RegionReport, f: Formatter) -> dict[str, str]:
    return {
        "extract": t("extract", f.lang, extract=f.date(report.extract_date),
                     as_of=f.date(report.as_of), version=CONTRACT_VERSION),
        "disclosure": t("disclosure", f.lang, k=report.threshold, label=f.hidden),
    }


# ----------------------------------------------------------------------------- documents
def municipality_document(r: MunicipalityReport, lang: Lang) -> Document:
    f = Formatter(lang, r.threshold)
    texts = {
        "lang": lang,
        "title": t("title", lang, name=r.name),
        "subtitle": t("subtitle", lang, region=r.region_name, code=r.code,
                      as_of=f.date(r.as_of)),
        "status": status_section(r.status, f),
        "capacity": capacity_section(r.capacity, f),
        "effect": effect_section(r.effect, f),
        "benchmark": benchmark_section(r.benchmark, f),
        "fidelity": fidelity_section(r.fidelity, f),
        "trend": trend_section(r.trend, f),
        "footer": footer(r, f),
    }
    svgs: dict[str, str] = {}
    b = r.benchmark
    if b is not None and b.curve is not None and b.n is not None:
        svgs["funnel"] = charts.funnel_svg(b.curve, b.pooled_share, b.points, lang,
                                           names={r.code: r.name})
    shown = tuple(p for p in r.trend if p.arm in ("ips", "comparison"))
    if any(p.share.estimate is not None for p in shown):
        svgs["trend"] = charts.trend_svg(shown, lang)
    return texts, svgs


def region_document(r: RegionReport, lang: Lang) -> Document:
    f = Formatter(lang, r.threshold)
    collaborating = r.status_counts.get("implementing", 0) + r.status_counts.get("operating", 0)
    rows = [[str(m.code), m.name, label("status", m.status, lang),
             f.number(m.years_since_implementation), f.count(m.active_participants),
             f.caseload(m.active_participants, m.consultants_fte, m.caseload_per_fte),
             f.count(m.n_ips_18),
             f.hidden if m.n_ips_18 is None else f.pct(m.share_ips_18),
             f.number(m.oe_ratio, 2),
             MISSING if m.fidelity_score is None else str(m.fidelity_score)]
            for m in r.rows]
    outside = {p.code: m.name for p in r.points for m in r.rows if m.code == p.code
               and m.position not in (None, "inside")}
    texts = {
        "lang": lang,
        "title": t("region_title", lang, region=r.name),
        "subtitle": t("region_subtitle", lang, code=r.code, as_of=f.date(r.as_of)),
        "status_head": t("sec_region_status", lang, date=f.date(r.as_of)),
        "status_counts": [[label("status", s, lang), str(n)] for s, n in r.status_counts.items()],
        "collaborating": t("collaborating", lang, k=collaborating,
                           n=r.municipalities_in_region,
                           a=r.status_counts.get("agreement", 0)),
        "effect": effect_section(r.effect, f),
        "table_head": t("sec_region_table", lang),
        "header": [t("col_code", lang), t("col_municipality", lang), t("col_status", lang),
                   t("col_years", lang),
                   t("col_active", lang), t("col_caseload", lang), t("col_n18", lang),
                   t("col_share18", lang), t("col_oe", lang), t("col_fidelity", lang)],
        "rows": rows,
        "benchmark_head": t("sec_benchmark", lang),
        "benchmark_note": " ".join([
            t("pooled", lang) + ": " + f.pct(r.pooled_share) + ".", t("bench_adjusted", lang),
            t("funnel_limits", lang),
            t("tau2", lang, tau2=f.number(r.tau2, 4)) if r.tau2 else t("tau2_none", lang)]),
        "footer": footer(r, f),
    }
    svgs = {}
    if r.curve is not None:
        svgs["funnel"] = charts.funnel_svg(r.curve, r.pooled_share, r.points, lang,
                                           width_cm=9.0, height_cm=6.2, names=outside)
    return texts, svgs
