"""Cached loading, the shared sidebar selection and cached calls into `ips_data`.

* One `Dataset` per (data directory, fingerprint) is shared by all sessions
  (`st.cache_resource`, at most two extracts kept); it is never mutated.
* Every engine call goes through `call()`, cached with the Dataset's accepted file
  set and the perturbation secret in the key (`accepted_key`), so a
  changed extract is never served stale and a rejected or stray file recomputes nothing.
* The sidebar widgets are bound to URL query parameters (their keys are the
  parameter names; see `ui.bound`), so a link reproduces the view.
"""

from __future__ import annotations

import os
import runpy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import streamlit as st
from pydantic import ValidationError
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from ips_data.contract import AGE_BANDS, ARMS, EARLIEST_START
from ips_data.formatting import fmt_date
from ips_data.loading.database import Dataset, load_dataset
from ips_data.loading.discovery import discover, resolve_data_dir
from ips_data.loading.store import app_cache_dir
from ips_data.metrics import (
    adjusted,
    benchmark,
    costs,
    effect,
    fidelity,
    rollout,
    rollout_map,
    trend,
)
from ips_data.metrics.filters import Filters
from ips_data.metrics.summary import effect_summary, headline
from ips_data.metrics.together import together
from ips_data.municipalities import MUNICIPALITIES, REGIONS
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope
from ips_data.protection.secret import SecretError
from ui import bound
from ui.i18n import Lang, label, t

APP = Path(__file__).resolve().parent.parent / "app.py"
THRESHOLD_ENV = "IPS_SUPPRESSION_THRESHOLD"
HOVEDSTADEN = 1084
_SELECTION = "_ips_selection"


def policy() -> DisclosurePolicy:
    """The disclosure policy; threshold from $IPS_SUPPRESSION_THRESHOLD (default 5).
    A value that is not a whole number ≥ 3 stops the app with an error."""
    raw = os.environ.get(THRESHOLD_ENV, "5")
    try:
        return DisclosurePolicy(threshold=int(raw))
    except (ValueError, ValidationError):
        st.error(f"{THRESHOLD_ENV}={raw!r}: the suppression threshold must be a whole number "
                 "of at least 3.")
        st.stop()


@dataclass(frozen=True)
class Selection:
    """What every page works on: language, filters, policy and the loaded extract."""

    lang: Lang
    filters: Filters
    policy: DisclosurePolicy
    ds: Dataset = field(compare=False, repr=False)

    @property
    def label(self) -> str:
        return self.policy.label


# --------------------------------------------------------------------------- loading


# validate: a Dataset loaded while the folder changed holds another state than its key
@st.cache_resource(max_entries=2, show_spinner=False, validate=lambda ds: ds.fingerprint
                   .startswith(discover(ds.report.data_dir).fingerprint + ":"))
def _load(data_dir: str, fingerprint: str) -> Dataset:
    """The validated extract; `fingerprint` only keys the cache. The built database is
    kept as a read-only file ($IPS_CACHE_DIR, else ~/.cache/ips-dashboard) so the next
    start on an unchanged extract skips validation and building."""
    return load_dataset(data_dir, cache_dir=app_cache_dir())


RELOAD_EVERY = "10s"


@st.fragment(run_every=RELOAD_EVERY)
def _watch_extract(data_dir: Path, fingerprint: str) -> None:
    """Every 10 s: when any file was added, changed or removed, rerun the whole app so the
    session swaps to the new extract (or shows that it is gone)."""
    try:
        now = discover(data_dir).fingerprint
    except FileNotFoundError:
        now = None
    if now != fingerprint:
        st.rerun(scope="app")


def dataset(lang: Lang) -> Dataset:
    """The current extract, reloaded when any file changes; stops with an error if absent."""
    data_dir = resolve_data_dir(None)
    try:
        fingerprint = discover(data_dir).fingerprint
    except FileNotFoundError:
        st.error(t("data_dir_missing", lang, path=str(data_dir)))
        st.stop()
    _watch_extract(data_dir, fingerprint)
    folder = str(data_dir.resolve())
    with st.spinner(t("loading", lang)):
        try:
            ds = _load(folder, fingerprint)
        except SecretError as exc:  # the perturbation secret cannot be read or created
            st.error(str(exc))
            st.stop()
        except (RuntimeError, duckdb.Error) as exc:  # kept changing, or cannot be loaded
            previous = _LAST_GOOD.get(folder)
            if previous is None:
                st.error(t("load_failed", lang, reason=str(exc)))
                st.stop()
            st.warning(t("load_failed_kept", lang, reason=str(exc)), icon=":material/warning:")
            return previous  # the last good extract keeps serving
    _LAST_GOOD[folder] = ds
    return ds


#: The last Dataset each folder loaded, served while a reload of it fails.
_LAST_GOOD: dict[str, Dataset] = {}


# ---------------------------------------------------------------------- engine calls
_ENGINE: dict[str, Callable[..., Any]] = {
    "headline": headline,
    "summary_effect": effect_summary,
    "participants_by_arm": effect.participants_by_arm,
    "arm_effects": effect.arm_effects,
    "differences": effect.differences,
    "effect_by_group": effect.effect_by_group,
    "funnel": effect.funnel,
    "arm_costs": costs.arm_costs,
    "savings": costs.savings,
    "costs_by_category": costs.costs_by_category,
    "savings_by_municipality": costs.savings_by_municipality,
    "municipality_status": rollout.municipality_status,
    "status_counts": lambda ds, filters, _policy, **kw: rollout.status_counts_as_of(
        ds, filters, **kw),
    "rollout_map": rollout_map.map_figures,
    "fidelity_profile": lambda ds, filters, _policy, **kw: fidelity.fidelity_profile(
        ds, filters, **kw),
    "reviewed_municipalities": lambda ds, filters, _policy, **kw:
        fidelity.reviewed_municipalities(ds, filters, **kw),
    "start_year_trend": trend.start_year_trend,
    "adjusted_differences": adjusted.adjusted_differences,
    "balance": adjusted.balance,
    "benchmark": benchmark.benchmark,
}


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(_ds: Dataset, data_version: str, name: str, filters_json: str, threshold: int,
            kwargs: tuple[tuple[str, Any], ...]) -> Any:
    filters = Filters.model_validate_json(filters_json)
    return _ENGINE[name](_ds, filters, DisclosurePolicy(threshold=threshold), **dict(kwargs))


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_area(_ds: Dataset, data_version: str, name: str, filters_json: str,
                 as_of: date | None) -> pl.DataFrame:
    filters = Filters.model_validate_json(filters_json)
    if name == "timeline":
        return rollout.timeline(_ds, filters)
    return rollout.fidelity_reviews(_ds, filters, as_of)


def call(sel: Selection, name: str, *, filters: Filters | None = None, **kwargs: Any) -> Any:
    """A disclosure-protected `ips_data` result for the selection (cached)."""
    f = sel.filters if filters is None else filters
    # the key holds the accepted files (a rejected or stray file changes no figure) and
    # the perturbation secret
    return _cached(sel.ds, sel.ds.accepted_key, name, f.model_dump_json(),
                   sel.policy.threshold, tuple(sorted(kwargs.items())))


def prefetch(sel: Selection, *requests: str | tuple[str, dict[str, Any]]) -> None:
    """Compute a page's engine calls side by side before the page asks for them one by
    one: each request is a `call` name, or (name, keyword arguments). The calls run in
    the engine's workers (`ips_data.metrics.together`) with this run's script context,
    so their results land in the same cache that `call` reads; DuckDB releases the GIL
    while it works, so the queries overlap. A failure is raised here, in the page's
    thread (the first one, once every request has finished)."""
    ctx = get_script_run_ctx()

    def one(name: str, kwargs: dict[str, Any]) -> Callable[[], None]:
        def run() -> None:
            thread = threading.current_thread()
            add_script_run_ctx(thread, ctx)
            try:
                call(sel, name, **kwargs)
            finally:
                add_script_run_ctx(thread, None)
        return run

    together(*(one(r, {}) if isinstance(r, str) else one(*r) for r in requests))


def timeline(sel: Selection) -> pl.DataFrame:
    return _cached_area(sel.ds, sel.ds.accepted_key, "timeline", sel.filters.model_dump_json(),
                        None)


def fidelity_reviews(sel: Selection, as_of: date) -> pl.DataFrame:
    return _cached_area(sel.ds, sel.ds.accepted_key, "fidelity", sel.filters.model_dump_json(),
                        as_of)


def any_participants(sel: Selection) -> bool:
    """False when the filters select nobody (the pages then explain instead of plotting)."""
    return call(sel, "participants_by_arm").height > 0


def at_horizon(frame: pl.DataFrame, horizon: int) -> pl.DataFrame:
    """The rows of one follow-up horizon."""
    return frame.filter(pl.col("horizon_months") == horizon)


def collaborating(sel: Selection, when: date) -> tuple[int, int, int]:
    """(municipalities of Region Hovedstaden collaborating on IPS on `when` — status
    implementing or operating —, those with an agreement only, the region's
    municipalities counted). A region-level fact, so the sidebar filters do not apply;
    but the viewer's scope does (contract 7: deny by default): only Hovedstaden's
    municipalities inside the scope are counted (all 29 for scope `all` or
    `region:1084`; 0 for a scope outside the region, and the page leaves the bar out)."""
    region = Filters(scope=sel.filters.scope, region=HOVEDSTADEN)
    counts = call(sel, "status_counts", filters=region, as_of=when)
    total = sum(m.region_code == HOVEDSTADEN and sel.filters.scope.allows(m.code)
                for m in MUNICIPALITIES.values())
    return sum(counts[s] for s in rollout.COLLABORATING), counts["agreement"], total


def arm_order(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in the order IPS, IPS-like, comparison (within each horizon, if any)."""
    rank = pl.col("arm").replace_strict(list(ARMS), list(range(len(ARMS))), default=99)
    keys = [c for c in ("horizon_months", "group_value", "category") if c in frame.columns]
    return frame.sort([*keys, rank])


def header(sel: Selection, title_key: str, intro_key: str) -> None:
    """A page's title and introduction, with the suppression note."""
    st.title(t(title_key, sel.lang))
    st.caption(t(intro_key, sel.lang) + " " +
               t("suppressed_note", sel.lang, k=sel.policy.threshold, label=sel.label))


def require_rows(sel: Selection, table: str, missing_key: str) -> None:
    """Stop the page with an explanation and a link to the data page when the optional
    table has no accepted rows."""
    if not has_rows(sel, table):
        st.info(t(missing_key, sel.lang))
        data_link(sel)
        st.stop()


def data_link(sel: Selection) -> None:
    """A link to the data page, which only scope `all` has (file names, rejections)."""
    if sel.filters.scope.is_all:
        st.page_link("pages/data.py", label=t("ov_health_link", sel.lang),
                     icon=":material/fact_check:")


def require_scope_all(sel: Selection) -> None:
    """The data page names files and rejection reasons: scope `all` only."""
    if not sel.filters.scope.is_all:
        st.info(t("no_selection", sel.lang))
        st.stop()


def require_participants(sel: Selection) -> None:
    """Stop the page with an explanation when the filters select nobody."""
    if not any_participants(sel):
        st.info(t("no_selection", sel.lang))
        st.stop()


def has_rows(sel: Selection, table: str) -> bool:
    """True when the extract has accepted rows in `table` (optional tables may be empty)."""
    return sel.ds.report.accepted_rows(table) > 0


# ------------------------------------------------------------------------- sidebar
def year_span(ds: Dataset, scope: Scope) -> tuple[int, int]:
    """The start-year slider's ends: the first and last start year inside the scope (at
    least two years apart for the slider); the contract's whole period when it has
    nobody."""
    span = ds.start_year_range(scope) or (EARLIEST_START.year, ds.as_of.year)
    return span[0], max(span[1], span[0] + 1)


def _municipality_label(code: int) -> str:
    return f"{code} {MUNICIPALITIES[code].name}"


def _out_of_scope(scope: Scope, regions: list[int]) -> int:
    """How many municipalities and regions the address names outside the scope (they are
    dropped by the widgets, which only offer what is inside; never drawn)."""
    named = [v.split(" ", 1)[0] for v in st.query_params.get_all("kom")]
    outside = sum(c.isdigit() and not scope.allows(int(c)) for c in named)
    region = st.query_params.get("region")
    if region is not None:
        outside += not any(REGIONS[r] == region or str(r) == region for r in regions)
    return outside


def sidebar(lang: Lang, scope: Scope) -> Selection:
    """Draw the shared filters (offering only what the scope allows), remember the
    selection for the pages and return it."""
    ds = dataset(lang)
    regions = [r for r in REGIONS
               if any(m.region_code == r and scope.allows(c) for c, m in MUNICIPALITIES.items())]
    outside = _out_of_scope(scope, regions)
    with st.sidebar:
        st.subheader(t("filters", lang))
        if outside:
            st.warning(t("out_of_scope", lang, n=outside), icon=":material/block:")
        if st.session_state.get("region") not in (None, *regions):
            st.session_state["region"] = None  # remembered from before, now outside
        region = st.selectbox(t("region", lang), regions, format_func=REGIONS.get,
                              index=None, placeholder=t("all_regions", lang), key="region",
                              bind="query-params")
        options = sorted((c for c, m in MUNICIPALITIES.items()
                          if (region is None or m.region_code == region) and scope.allows(c)),
                         key=lambda c: MUNICIPALITIES[c].name)
        bound.canonical("kom", None, options, multi=True)
        chosen = st.multiselect(t("municipalities", lang), options,
                                format_func=_municipality_label, key="kom",
                                placeholder=t("all_municipalities", lang), bind="query-params")
        first, last = year_span(ds, scope)
        bound.clamp_range("aar", first, last)
        years = st.slider(t("start_years", lang), first, last, (first, last), key="aar",
                          bind="query-params")
        ages = st.multiselect(t("age_bands", lang), AGE_BANDS, key="alder",
                              placeholder=t("all_age_bands", lang), bind="query-params")
        bound.canonical("gruppe", "arm", ARMS, multi=True)
        arms = st.multiselect(t("arms", lang), ARMS, format_func=lambda a: label("arm", a, lang),
                              key="gruppe", placeholder=t("all_arms", lang),
                              bind="query-params")
        extract = ds.report.extract_date
        st.caption(t("sidebar_extract", lang, date=fmt_date(extract, lang),
                     as_of=fmt_date(ds.as_of, lang)))
        st.caption(t("sidebar_link_help", lang))
    filters = Filters(scope=scope,
        municipalities=bound.only(chosen, options), region=region,
        start_year_from=years[0] if years[0] > first else None,
        start_year_to=years[1] if years[1] < last else None,
        age_bands=bound.only(ages, AGE_BANDS), arms=bound.only(arms, ARMS, "arm"),
    )
    sel = Selection(lang=lang, filters=filters, policy=policy(), ds=ds)
    st.session_state[_SELECTION] = sel
    return sel


def selection() -> Selection:
    """The selection the sidebar made in this run (pages call this first).

    Streamlit runs an app beside a ``pages/`` folder in its old multipage mode until
    the process's first `st.navigation` call, so the very first visit after a
    server start can run a page file directly (its file name matches the link).
    Then this runs app.py, whose navigation draws the shell and runs the page, and
    stops the direct run.
    """
    if getattr(PagesManager, "uses_pages_directory", False) or _SELECTION not in st.session_state:
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
    return st.session_state[_SELECTION]
