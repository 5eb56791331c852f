"""ui.heap: the heap is collected and frozen once per view, not after every run."""

from __future__ import annotations

import gc
import tomllib
import weakref
from pathlib import Path

import pytest

from ui import heap

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh(monkeypatch):
    """An empty record of settled views; the test process's heap unfrozen afterwards."""
    monkeypatch.setattr(heap, "_settled", set())
    yield
    gc.unfreeze()


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_first_run_of_a_view_collects_and_freezes(fresh):
    gc.unfreeze()
    garbage = weakref.ref(Cycle())  # garbage only a collection frees
    before = gc.get_freeze_count()
    assert garbage() is not None
    assert heap.settle(("beskaeftigelse", "")) is True
    assert gc.get_freeze_count() > before
    assert garbage() is None  # the run's garbage is collected, not frozen with the rest


@pytest.mark.parametrize(("views", "settled"), [
    ([("", ""), ("", "")], [True, False]),
    ([("udrulning", ""), ("udrulning", "status"), ("udrulning", "")], [True, True, False]),
    ([("oekonomi", ""), ("beskaeftigelse", ""), ("oekonomi", "")], [True, True, False]),
])
def test_each_view_settles_once(fresh, views, settled):
    assert [heap.settle(v) for v in views] == settled


def test_later_collections_walk_only_what_was_made_after(fresh):
    gc.unfreeze()
    kept = [Cycle() for _ in range(2000)]  # alive across the freeze
    heap.settle(("", ""))
    young = gc.get_objects(generation=2)
    assert not any(o is kept[0] for o in young)


def test_streamlit_collects_not_after_every_run():
    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False


def test_an_extract_is_freed_without_the_cycle_collector(tmp_path):
    """The app keeps its extracts frozen (`ui.heap`): a frozen object in a reference cycle
    would never be freed. A Dataset, with its database and every result it remembered,
    must go by reference counting alone when the cache drops it (live reload)."""
    from ips_data.loading.database import load_dataset
    from ips_data.metrics.filters import Filters
    from ips_data.metrics.summary import build_summary
    from ips_data.protection.disclosure import DisclosurePolicy
    from ips_data.protection.scopes import Scope

    gc.disable()
    try:
        ds = load_dataset(ROOT / "sample_data", cache_dir=tmp_path)
        build_summary(ds, Filters(scope=Scope.everything()), DisclosurePolicy())
        gone = weakref.ref(ds)
        del ds
        assert gone() is None
    finally:
        gc.enable()
