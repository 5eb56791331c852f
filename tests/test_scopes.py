"""Access scopes (contract section 7) as part of every selection: parsing the entries
and intersecting the municipality filter with them (bound parameters)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ips_data.metrics.filters import Filters
from ips_data.municipalities import MUNICIPALITIES
from ips_data.protection.scopes import Scope, ScopeError

HOVEDSTADEN = frozenset(m.code for m in MUNICIPALITIES.values() if m.region_code == 1084)


@pytest.mark.parametrize(("entries", "expected"), [
    (["all"], None),
    (["region:1084"], HOVEDSTADEN),
    (["municipality:101", "municipality:147"], frozenset({101, 147})),
    (["region:1084", "municipality:751"], HOVEDSTADEN | {751}),
    ([], frozenset()),
])
def test_entries(entries, expected):
    assert Scope.from_entries(entries).municipalities == expected


@pytest.mark.parametrize(("entry", "message"), [
    ("region:9999", "unknown region 9999"),
    ("municipality:999", "unknown municipality 999"),
    ("kommune:101", "not one of"),
    ("municipality:", "not one of"),
])
def test_bad_entries_name_the_entry(entry, message):
    with pytest.raises(ScopeError, match=message):
        Scope.from_entries([entry])


def test_filters_require_a_scope():
    with pytest.raises(ValidationError, match="scope"):
        Filters()


@pytest.mark.parametrize(("scope", "chosen", "bound"), [
    (Scope.everything(), (), None),
    (Scope.everything(), (101, 147), [101, 147]),
    (Scope.from_entries(["municipality:101", "municipality:147"]), (), [101, 147]),
    (Scope.from_entries(["municipality:101", "municipality:147"]), (147, 751), [147]),
    (Scope.from_entries(["municipality:101"]), (751,), []),  # nothing, not everything
    (Scope.nothing(), (), []),
])
def test_municipality_parameter_is_the_intersection(scope, chosen, bound):
    assert Filters(scope=scope, municipalities=chosen).params()["municipalities"] == bound


def test_unscoped_keeps_the_other_filters():
    f = Filters(scope=Scope.nothing(), start_year_from=2019, municipalities=(101,))
    wide = f.unscoped()
    assert wide.scope.is_all and wide.start_year_from == 2019 and wide.municipalities == (101,)
