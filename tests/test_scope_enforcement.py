"""Access scopes enforced in the engine (contract section 7), table-driven over every
public function of `ips_data.metrics` that takes a selection (found by inspection, so a
new one without a row in the table fails `test_every_public_query_function_is_covered`):

* without a scope it refuses to run;
* with a scope it returns exactly what the same selection restricted by an explicit
  municipality filter returns (an independent route through the SQL), and never a
  municipality outside the scope;
* with no scope (a user without an entry) nothing person-based at all.

Also `Dataset.start_year_range` against plain polars over the Parquet files, and the
pages/ui never reaching past the engine (no `ds.query`, `ds.table`, `ds.rows`).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import ips_data.metrics
from ips_data.contract import STATUSES
from ips_data.loading.database import Dataset, load_dataset
from ips_data.metrics.benchmark import Benchmark, _reference_filters
from ips_data.metrics.effect import Funnel
from ips_data.metrics.fidelity import FidelityProfile
from ips_data.metrics.filters import Filters
from ips_data.metrics.rollout import municipality_status
from ips_data.metrics.rollout_map import map_frame, selection_codes
from ips_data.municipalities import MUNICIPALITIES
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope
from ips_data.sample import generate_sample

ROOT = Path(__file__).resolve().parents[1]
POLICY = DisclosurePolicy(threshold=5)
ALL = Scope.everything()

#: Every public query function and the keyword arguments it is called with.
FUNCTIONS: dict[str, dict] = {
    "effect.participants_by_arm": {},
    "effect.persons_by_arm": {},
    "effect.arm_effects": {},
    "effect.differences": {},
    "effect.effect_by_group": {"horizon": 18, "dimension": "age_band"},
    "effect.funnel": {},
    "costs.arm_costs": {},
    "costs.savings": {},
    "costs.costs_by_category": {},
    "costs.savings_by_municipality": {"horizon": 18},
    "rollout.municipality_status": {"as_of": date(2026, 9, 30)},
    "rollout.timeline": {},
    "rollout.status_counts_as_of": {"as_of": date(2026, 9, 30)},
    "rollout.fidelity_reviews": {"as_of": date(2026, 9, 30)},
    "summary.build_summary": {},
    "summary.effect_summary": {},
    "summary.headline": {},
    "adjusted.adjusted_differences": {},
    "adjusted.balance": {"horizon": 18},
    "adjusted.whole_weeks_variance": {},
    "benchmark.benchmark": {},
    "fidelity.fidelity_profile": {"code": 101, "as_of": date(2026, 9, 30)},
    "fidelity.reviewed_municipalities": {"as_of": date(2026, 9, 30)},
    "rollout_map.map_figures": {"measure": "share_18", "as_of": date(2026, 9, 30)},
    "trend.start_year_trend": {},
    "cells.strata": {},
    "cells.arm_cells": {},
    "cells.group_cells": {"horizon": 18, "dimension": "age_band"},
}
#: Public functions that take a selection but no extract (checked apart below).
HELPERS = ("rollout_map.map_frame",
           "rollout_map.selection_codes")

HOVEDSTADEN = Scope.from_entries(["region:1084"])
SCOPES = {
    "two-municipalities": Scope.from_entries(["municipality:101", "municipality:147"]),
    "region-hovedstaden": HOVEDSTADEN,
    "aarhus": Scope.from_entries(["municipality:751"]),
}


def _discovered(with_extract: bool = True) -> dict[str, object]:
    found = {}
    for info in pkgutil.iter_modules(ips_data.metrics.__path__):
        module = importlib.import_module(f"ips_data.metrics.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            params = inspect.signature(fn).parameters
            if (name.startswith("_") or fn.__module__ != module.__name__
                    or "filters" not in params or ("ds" in params) is not with_extract):
                continue
            found[f"{info.name}.{name}"] = fn
    return found


DISCOVERED = _discovered()


def call(name: str, ds: Dataset, filters: Filters):
    fn = DISCOVERED[name]
    params = inspect.signature(fn).parameters
    args = (ds, filters, POLICY) if "policy" in params else (ds, filters)
    return fn(*args, **FUNCTIONS[name])


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, Dataset]:
    root = ROOT / "sample_data"
    if not (root / "participants").is_dir():
        root = tmp_path_factory.mktemp("sample")
        generate_sample(root)
    ds = load_dataset(root)
    yield root, ds
    ds.close()


def municipalities_in(result) -> set[int]:
    """Every municipality code a result names (frames, the funnel, the benchmark, a
    fidelity profile, the summary)."""
    if result is None:
        return set()
    if isinstance(result, Funnel | Benchmark):
        return municipalities_in(result.points)
    if isinstance(result, FidelityProfile):
        return {result.code}
    if isinstance(result, dict):
        return {m["code"] for m in result.get("municipalities", [])}
    found: set[int] = set()
    for column in ("municipality_code", "code"):
        if column in result.columns:
            found |= set(result[column].drop_nulls().cast(pl.Int64).to_list())
    if "group_value" in result.columns and "dimension" in result.columns:
        raise AssertionError("unexpected shape")
    return found


def same(a, b) -> bool:
    if dataclasses.is_dataclass(a) and not isinstance(a, Funnel):
        return type(a) is type(b) and all(
            same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, Funnel):
        return (a.n_total == b.n_total and a.pooled_share == b.pooled_share
                and a.points.equals(b.points) and a.curve.equals(b.curve))
    if isinstance(a, pl.DataFrame):
        return a.equals(b)
    return a == b


def person_count(name: str, result) -> int:
    """How many persons a result is about (0 means it shows nobody)."""
    if result is None:
        return 0
    if isinstance(result, Funnel):
        return result.n_total
    if isinstance(result, Benchmark):
        return person_count(name, result.points)
    if isinstance(result, FidelityProfile):
        return 1  # one municipality's review named
    if isinstance(result, dict) and set(result) == set(STATUSES):  # status counts
        return sum(result.values())  # municipalities named (not persons)
    if isinstance(result, dict) and "effect" not in result:  # weeks variance per arm
        return sum(v is not None for v in result.values())
    if isinstance(result, dict):
        return sum(b.get(arm, {}).get("n") or 0 for b in result["effect"].values()
                   for arm in ("ips", "ips_like", "comparison"))
    for column in ("n", "n_ips", "n_ips_18", "active_participants", "participants", "n_min"):
        if column in result.columns:
            return int(result[column].fill_null(0).sum())
    return result.height  # not person-based (timeline, reviews): rows named


def test_every_public_query_function_is_covered():
    assert set(DISCOVERED) == set(FUNCTIONS), (
        "a public ips_data.metrics function takes `filters`: add it to FUNCTIONS")


def test_every_public_helper_taking_a_selection_is_checked():
    assert set(_discovered(with_extract=False)) == set(HELPERS), (
        "a public ips_data.metrics function takes `filters` without `ds`: check it below")


@pytest.mark.parametrize("scope_id", sorted(SCOPES))
def test_helpers_stay_inside_the_scope(sample, scope_id):
    _, ds = sample
    scope = SCOPES[scope_id]
    filters = Filters(scope=scope)
    assert set(selection_codes(filters)) == set(scope.municipalities)
    assert selection_codes(Filters(scope=scope, municipalities=(751,))) == (
        [751] if scope.allows(751) else [])
    status = municipality_status(ds, Filters(scope=ALL), POLICY)  # the whole extract
    frame = map_frame(status, filters, "status")
    assert set(frame["code"].to_list()) <= set(scope.municipalities)
    # the benchmark's reference population is the whole extract by design (contract 4b:
    # national reference rates), with no municipality or region filter
    reference = _reference_filters(Filters(scope=scope, municipalities=(101,)))
    assert reference.scope.is_all and reference.municipalities == () and reference.region is None


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_refuses_to_run_without_a_scope(sample, name: str):
    _, ds = sample
    unscoped = Filters.model_construct(region=1084)  # no validation: no scope at all
    with pytest.raises(AttributeError, match="scope"):
        call(name, ds, unscoped)


@pytest.mark.parametrize("scope_id", sorted(SCOPES))
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_scoped_equals_the_explicit_filter_and_stays_inside(sample, name, scope_id):
    _, ds = sample
    scope = SCOPES[scope_id]
    codes = tuple(sorted(scope.municipalities))
    scoped = call(name, ds, Filters(scope=scope))
    explicit = call(name, ds, Filters(scope=ALL, municipalities=codes))
    assert same(scoped, explicit)
    assert municipalities_in(scoped) <= set(codes)
    if "code" in FUNCTIONS[name]:  # one named municipality: shown only inside the scope
        assert (scoped is None) is not scope.allows(FUNCTIONS[name]["code"])
        return
    # the test can fail: the whole extract names municipalities outside every scope
    everything = call(name, ds, Filters(scope=ALL))
    assert municipalities_in(everything) - set(codes) or not same(scoped, everything) \
        or person_count(name, everything) == 0


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_a_chosen_municipality_outside_the_scope_selects_nobody(sample, name):
    _, ds = sample
    scope = SCOPES["two-municipalities"]
    outside = call(name, ds, Filters(scope=scope, municipalities=(751,)))
    assert municipalities_in(outside) == set()
    assert person_count(name, outside) == 0


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_no_scope_shows_nobody(sample, name):
    _, ds = sample
    result = call(name, ds, Filters(scope=Scope.nothing()))
    assert municipalities_in(result) == set()
    assert person_count(name, result) == 0
    assert person_count(name, call(name, ds, Filters(scope=ALL))) > 0


@pytest.mark.parametrize("scope", [ALL, *SCOPES.values(), Scope.nothing()],
                         ids=["all", *SCOPES, "nothing"])
def test_start_year_range_is_scoped(sample, scope: Scope):
    root, ds = sample
    persons = pl.read_parquet(root / "participants" / "*.parquet")
    if scope.municipalities is not None:
        persons = persons.filter(pl.col("municipality_code").is_in(sorted(scope.municipalities)))
    years = persons["start_date"].dt.year()
    expected = None if persons.is_empty() else (years.min(), years.max())
    assert ds.start_year_range(scope) == expected


def test_start_year_range_needs_a_scope(sample):
    _, ds = sample
    with pytest.raises(TypeError):
        ds.start_year_range()


def test_scope_names_real_municipalities():
    assert {MUNICIPALITIES[c].region_code for c in HOVEDSTADEN.municipalities} == {1084}
    assert len(HOVEDSTADEN.municipalities) == 29


RAW_ACCESS = re.compile(r"\.(query|table|rows|con)\b\s*\(|\.con\.")


@pytest.mark.parametrize("path", sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"),
                                         ROOT / "app.py"]), ids=lambda p: p.name)
def test_pages_never_query_past_the_engine(path: Path):
    """Pages and ui helpers reach the data only through scoped engine functions."""
    assert not RAW_ACCESS.findall(path.read_text(encoding="utf-8")), path
