"""`ips-data bench`: speed figures on a (national) extract, printed, never asserted.

Measures, on the same data and the same filter changes:
- cold validation of the extract (no remembered file verdicts);
- a reload after an analyst drops one new participants file: validation (only the new
  file is read; the others' verdicts are remembered) and validation + build (the app
  then writes its stored copy in the background);
- cold load = validation + materialising the models, and + the first overview summary;
  stored start = opening the read-only database the app keeps per extract state + the
  first overview summary (proxies for app start to first overview, without the browser);
- every page's engine calls after a filter change as its default view makes them (its
  first section), uncached, and a cached repeat (a dict keyed like Streamlit's cache:
  fingerprint + filters); and each other section's calls (a click on its tab), uncached;
- peak resident memory of this process;
- the alternatives: pandas reading the Parquet files and computing the effect summary,
  and the bare DuckDB SQL for the same aggregates straight over the files.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ips_data.loading.database import Dataset, load_dataset
from ips_data.loading.file_checks import VERDICTS
from ips_data.loading.validation import validate
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
from ips_data.metrics.summary import build_summary, effect_summary, headline
from ips_data.metrics.together import together
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope

ALL = Scope.everything()  # the whole extract (no access restriction)

POLICY = DisclosurePolicy()
FILTER_CHANGES = (
    Filters(scope=ALL),
    Filters(scope=ALL, region=1084),
    Filters(scope=ALL, region=1082, start_year_from=2018),
    Filters(scope=ALL, municipalities=(101, 147, 751)),
    Filters(scope=ALL, age_bands=("18-24", "25-29"), start_year_from=2020, start_year_to=2024),
    Filters(scope=ALL, region=1083, age_bands=("30-39",)),
)


def page_calls(ds: Dataset, f: Filters) -> dict[str, Callable[[], object]]:
    """Each page's engine calls for one filter state, as its default view makes them:
    the page's top and its first section (`ui.sections`: only the open section is
    computed); the overview and effect pages compute their figures side by side, as
    their `state.prefetch` does."""
    hovedstaden = Filters(scope=f.scope, region=1084)
    return {
        "overview": lambda: together(lambda: effect.participants_by_arm(ds, f, POLICY),
                                     lambda: headline(ds, f, POLICY),
                                     lambda: trend.start_year_trend(ds, f, POLICY)),
        "effect": lambda: (
            together(lambda: effect.participants_by_arm(ds, f, POLICY),
                     lambda: effect.arm_effects(ds, f, POLICY)),
            effect_summary(ds, f, POLICY), effect.differences(ds, f, POLICY),
            adjusted.adjusted_differences(ds, f, POLICY),
        ),
        "costs": lambda: (
            effect.participants_by_arm(ds, f, POLICY),
            costs.arm_costs(ds, f, POLICY), costs.savings(ds, f, POLICY),
            costs.costs_by_category(ds, f, POLICY),
        ),
        "rollout": lambda: (
            rollout.municipality_status(ds, f, POLICY),
            rollout.status_counts_as_of(ds, hovedstaden),
            rollout_map.map_figures(ds, f, POLICY, measure="status"),
        ),
    }


def section_calls(ds: Dataset, f: Filters) -> dict[str, Callable[[], object]]:
    """The other sections' engine calls (a click on a section's tab), each after the
    page's top: "page/section" → calls (the effect page's trend section draws the open
    breakdown tab, age band; its benchmark section the adjusted funnel)."""
    def effect_top() -> None:
        together(lambda: effect.participants_by_arm(ds, f, POLICY),
                 lambda: effect.arm_effects(ds, f, POLICY))

    def rollout_top() -> None:
        rollout.municipality_status(ds, f, POLICY)
        rollout.status_counts_as_of(ds, Filters(scope=f.scope, region=1084))

    def costs_top() -> None:
        effect.participants_by_arm(ds, f, POLICY)
        costs.arm_costs(ds, f, POLICY)
        costs.savings(ds, f, POLICY)

    return {
        "effect/adjusted": lambda: (effect_top(), adjusted.adjusted_differences(ds, f, POLICY),
                                    adjusted.balance(ds, f, POLICY, horizon=18)),
        "effect/trend": lambda: (
            effect_top(),
            effect.effect_by_group(ds, f, POLICY, horizon=18, dimension="start_year"),
            effect.effect_by_group(ds, f, POLICY, horizon=18, dimension="age_band")),
        "effect/municipalities": lambda: (effect_top(), benchmark.benchmark(ds, f, POLICY)),
        "costs/municipalities": lambda: (
            costs_top(), costs.savings_by_municipality(ds, f, POLICY, horizon=18)),
        "rollout/status": lambda: (rollout_top(), rollout.timeline(ds, f)),
        "rollout/fidelity": lambda: (rollout_top(), rollout.fidelity_reviews(ds, f),
                                     fidelity.reviewed_municipalities(ds, f)),
    }


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _cache_hit(cache: dict, key: tuple) -> object:
    """What a Streamlit st.cache_data hit costs: hash the arguments, unpickle the value."""
    hashlib.md5(repr(key).encode()).hexdigest()
    return pickle.loads(cache[key])


def _stats(ms: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(ms), 2), "min_ms": round(min(ms), 2),
            "max_ms": round(max(ms), 2), "runs": len(ms)}


def _pandas_effect(root: Path, f: Filters) -> object:
    import pandas as pd

    from ips_data.municipalities import MUNICIPALITIES

    people = pd.concat(pd.read_parquet(p) for p in sorted((root / "participants").glob(
        "*.parquet")))
    outcomes = pd.concat(pd.read_parquet(p) for p in sorted((root / "outcomes").glob(
        "*.parquet")))
    people["region_code"] = people["municipality_code"].map(
        {c: m.region_code for c, m in MUNICIPALITIES.items()})
    people["start_year"] = pd.to_datetime(people["start_date"]).dt.year
    keep = pd.Series(True, index=people.index)
    if f.region is not None:
        keep &= people["region_code"] == f.region
    if f.municipalities:
        keep &= people["municipality_code"].isin(f.municipalities)
    if f.start_year_from is not None:
        keep &= people["start_year"] >= f.start_year_from
    if f.start_year_to is not None:
        keep &= people["start_year"] <= f.start_year_to
    if f.age_bands:
        keep &= people["age_band"].isin(f.age_bands)
    joined = outcomes.merge(people.loc[keep, ["person_id", "arm"]], on="person_id")
    return joined.groupby(["horizon_months", "arm"]).agg(
        n=("person_id", "size"), any_=("job_or_education_any", "mean"),
        end=("job_or_education_at_end", "mean"), weeks=("weeks_job_or_education", "mean"),
        weeks_var=("weeks_job_or_education", "var"))


_BARE_SQL = """
with p as (
    select person_id, arm, municipality_code, year(cast(start_date as date)) as start_year,
        age_band
    from read_parquet($participants)
)
select o.horizon_months, p.arm, count(*) as n, avg(o.job_or_education_any::int) as any_,
    avg(o.job_or_education_at_end::int) as end_, avg(o.weeks_job_or_education) as weeks,
    var_samp(o.weeks_job_or_education) as weeks_var
from read_parquet($outcomes) o join p using (person_id)
where ($municipalities is null or list_contains($municipalities, p.municipality_code))
    and ($year_from is null or p.start_year >= $year_from)
    and ($year_to is null or p.start_year <= $year_to)
    and ($ages is null or list_contains($ages, p.age_band))
group by all
"""


def _cold(fn: Callable[[], object]) -> Callable[[], object]:
    def run():
        VERDICTS.clear()
        return fn()
    return run


def _drop_one_file(data_dir: Path, repeats: int) -> dict:
    """Reload figures on a copy made of links to the extract plus one new file (the
    extract itself is never written)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    work = Path(tempfile.mkdtemp(prefix="ips-bench-drop-"))
    cache = Path(tempfile.mkdtemp(prefix="ips-bench-drop-cache-"))
    try:
        for path in sorted(data_dir.rglob("*")):
            if path.is_file():
                (work / path.relative_to(data_dir)).parent.mkdir(parents=True, exist_ok=True)
                (work / path.relative_to(data_dir)).symlink_to(path.resolve())
        validate(work)  # the verdicts the running app already has
        source = min((data_dir / "participants").glob("*.parquet"))
        new = pq.read_table(source).slice(0, 1000)
        new = new.set_column(new.schema.get_field_index("person_id"), "person_id",
                             pc.binary_join_element_wise("NEW", new["person_id"], ""))
        validations, loads = [], []
        for i in range(repeats):
            pq.write_table(new, work / "participants" / f"dropped-{i}.parquet")
            validations.append(_timed(lambda: validate(work)))
            (work / "participants" / f"dropped-{i}.parquet").unlink()
            pq.write_table(new, work / "participants" / f"dropped-{i}b.parquet")
            start = time.perf_counter()
            ds = load_dataset(work, cache_dir=cache)  # as the app does (copy stored later)
            loads.append((time.perf_counter() - start) * 1000)
            ds.close()  # waits for the stored copy, outside the measured time
            (work / "participants" / f"dropped-{i}b.parquet").unlink()
        return {"validate_after_drop": _stats(validations), "reload_after_drop": _stats(loads)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


def run_bench(data_dir: Path, repeats: int = 3) -> dict:
    """All figures for one extract."""
    out: dict = {"data_dir": str(data_dir)}
    out["validate_cold"] = _stats([_timed(_cold(lambda: validate(data_dir)))])
    cache_dir = Path(tempfile.mkdtemp(prefix="ips-bench-cache-"))
    loads, firsts, warm = [], [], []
    ds = None
    for _ in range(max(1, repeats - 1)):
        if ds is not None:
            ds.close()
        VERDICTS.clear()
        start = time.perf_counter()
        ds = load_dataset(data_dir)
        loads.append((time.perf_counter() - start) * 1000)
        build_summary(ds, Filters(scope=ALL), POLICY)
        firsts.append((time.perf_counter() - start) * 1000)
    assert ds is not None
    ds.close()
    load_dataset(data_dir, cache_dir=cache_dir).close()  # build the app's stored database
    for _ in range(repeats):
        start = time.perf_counter()
        ds = load_dataset(data_dir, cache_dir=cache_dir)
        build_summary(ds, Filters(scope=ALL), POLICY)
        warm.append((time.perf_counter() - start) * 1000)
        ds.close()
    ds = load_dataset(data_dir, cache_dir=cache_dir)
    out["load_cold"] = _stats(loads)
    out.update(_drop_one_file(data_dir, repeats))
    out["start_to_first_overview_cold"] = _stats(firsts)
    out["start_to_first_overview_stored"] = _stats(warm)
    out["rows"] = {t: ds.report.accepted_rows(t) for t in ("participants", "outcomes", "costs")}
    pages: dict[str, list[float]] = {}
    sections: dict[str, list[float]] = {}
    cache: dict[tuple, bytes] = {}
    cached: list[float] = []
    for _ in range(repeats):
        for f in FILTER_CHANGES:
            for page, fn in page_calls(ds, f).items():
                ds.forget_results()
                pages.setdefault(page, []).append(_timed(fn))
                key = (ds.fingerprint, page, f.model_dump_json())
                if key not in cache:
                    cache[key] = pickle.dumps(fn())
                cached.append(_timed(lambda key=key: _cache_hit(cache, key)))
            for section, fn in section_calls(ds, f).items():
                ds.forget_results()
                sections.setdefault(section, []).append(_timed(fn))
    out["pages_uncached"] = {page: _stats(ms) for page, ms in pages.items()}
    out["sections_uncached"] = {name: _stats(ms) for name, ms in sections.items()}
    out["pages_cached"] = _stats(cached)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    engine, pandas_ms, bare = [], [], []
    files = {t: [str(data_dir / p) for p in ds.report.accepted(t)]
             for t in ("participants", "outcomes")}
    for f in FILTER_CHANGES:
        if f.region is not None:
            continue  # the bare SQL and pandas baselines implement the other filters
        ds.forget_results()
        engine.append(_timed(lambda f=f: ds.query("effect_by_arm", f.params())))
        pandas_ms.append(_timed(lambda f=f: _pandas_effect(data_dir, f)))
        cur = ds.con.cursor()
        params = {"participants": files["participants"], "outcomes": files["outcomes"],
                  "municipalities": list(f.municipalities) or None,
                  "year_from": f.start_year_from, "year_to": f.start_year_to,
                  "ages": list(f.age_bands) or None}
        bare.append(_timed(lambda cur=cur, params=params: cur.sql(_BARE_SQL,
                                                                  params=params).fetchall()))
        cur.close()
    out["effect_summary"] = {"engine": _stats(engine), "pandas": _stats(pandas_ms),
                             "bare_duckdb_over_parquet": _stats(bare)}
    med = statistics.median
    out["ratios"] = {
        "pandas_over_engine": round(med(pandas_ms) / med(engine), 2),
        "engine_over_bare_duckdb": round(med(engine) / med(bare), 2),
    }
    ds.close()
    shutil.rmtree(cache_dir, ignore_errors=True)
    return out


def print_bench(result: dict) -> None:
    print(json.dumps(result, indent=2))
