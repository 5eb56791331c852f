"""The overview's headline blocks are the summary's, and the status counts made from
the status periods alone equal those counted over the municipality list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ips_data.loading.database import load_dataset
from ips_data.metrics import rollout
from ips_data.metrics.filters import Filters
from ips_data.metrics.summary import build_summary, headline
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope

ROOT = Path(__file__).resolve().parent.parent
ALL = Scope.everything()

SELECTIONS = [
    Filters(scope=ALL),
    Filters(scope=ALL, region=1084),
    Filters(scope=ALL, region=1082, start_year_from=2019),
    Filters(scope=ALL, municipalities=(101, 147, 751)),
    Filters(scope=ALL, age_bands=("18-24",), arms=("ips",)),
    Filters(scope=Scope.from_entries(["region:1084"])),
    Filters(scope=Scope.from_entries(["municipality:101"]), region=1082),  # nobody
]
IDS = ["all", "hovedstaden", "midt-2019", "three", "young-ips", "scope", "outside-scope"]


@pytest.fixture(scope="module")
def sample():
    ds = load_dataset(ROOT / "sample_data")
    yield ds
    ds.close()


@pytest.mark.parametrize("filters", SELECTIONS, ids=IDS)
@pytest.mark.parametrize("as_of", [None, date(2019, 1, 1), date(2021, 6, 30),
                                   date(2010, 1, 1)])
def test_status_counts_from_the_periods_equal_the_list(sample, filters, as_of):
    listed = rollout.municipality_status(sample, filters, DisclosurePolicy(), as_of=as_of)
    expected = rollout.status_counts(listed)
    assert rollout.status_counts_as_of(sample, filters, as_of) == expected
    if as_of is None and filters.region is None and not filters.municipalities:
        assert sum(expected.values()) > 0  # the comparison is not between empty lists


@pytest.mark.parametrize("filters", SELECTIONS, ids=IDS)
@pytest.mark.parametrize("policy", [DisclosurePolicy(), DisclosurePolicy(threshold=3),
                                    DisclosurePolicy(perturb=False)], ids=["5", "3", "exact"])
def test_the_headline_is_the_summary(sample, filters, policy):
    summary = build_summary(sample, filters, policy)
    shown = headline(sample, filters, policy)
    assert shown["effect"] == summary["effect"]
    costs = {h: {k: v for k, v in block.items() if k != "by_category"}
             for h, block in summary["costs"].items()}
    assert shown["costs"] == costs
    counted = {s: sum(m["status"] == s for m in summary["municipalities"])
               for s in shown["status_counts"]}
    assert shown["status_counts"] == counted
