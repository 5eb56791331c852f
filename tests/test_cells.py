"""`ips_data.metrics.cells`: the arms' and start-year / age-band cells added up from the
strata equal those of the queries that count the persons directly (`effect_by_arm`,
`effect_by_group`: an independent implementation in SQL), column for column and bit for
bit, for every kind of selection."""

from __future__ import annotations

import polars as pl
import pytest

from ips_data.loading.database import load_dataset
from ips_data.metrics import cells
from ips_data.metrics.filters import Filters
from ips_data.protection.scopes import Scope
from ips_data.sample import generate_sample

ALL = Scope.everything()
SELECTIONS = [
    {}, {"region": 1084}, {"municipalities": (101, 147)}, {"start_year_from": 2019},
    {"age_bands": ("18-24",)}, {"arms": ("ips",)}, {"sexes": ("F",)},
    {"benefits": ("kontanthjaelp",)}, {"scope": Scope.nothing()},  # nobody
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    generate_sample(root, persons=3000, seed=11)
    ds = load_dataset(root)
    yield ds
    ds.close()


def _same(derived: pl.DataFrame, queried: pl.DataFrame) -> None:
    assert derived.columns == queried.columns
    assert derived.schema == queried.schema, (derived.schema, queried.schema)
    assert derived.to_dicts() == queried.to_dicts()


@pytest.mark.parametrize("selection", SELECTIONS, ids=str)
def test_arm_cells_equal_the_query_over_the_persons(sample, selection):
    f = Filters(**{"scope": ALL, **selection})
    _same(cells.arm_cells(sample, f), sample.query("effect_by_arm", f.params()))


@pytest.mark.parametrize("dimension", cells.FROM_STRATA)
@pytest.mark.parametrize("horizon", [18, 30])
@pytest.mark.parametrize("selection", SELECTIONS, ids=str)
def test_group_cells_equal_the_query_over_the_persons(sample, selection, horizon, dimension):
    f = Filters(**{"scope": ALL, **selection})
    queried = sample.query("effect_by_group", {**f.params(), "horizon": horizon,
                                               "dimension": dimension})
    _same(cells.group_cells(sample, f, horizon=horizon, dimension=dimension), queried)


def test_a_breakdown_outside_the_stratum_is_refused(sample):
    with pytest.raises(ValueError, match="not part of the stratum"):
        cells.group_cells(sample, Filters(scope=ALL), horizon=18, dimension="sex")


@pytest.mark.parametrize("selection", SELECTIONS, ids=str)
def test_the_trends_18_month_counts_equal_the_persons_query(sample, selection):
    """The overview trend's n_18 / k_any_18 (and keys) per start year, from the strata,
    against `effect_by_group` over the persons; a year without 18-month rows has 0."""
    from ips_data.metrics.trend import _counts

    f = Filters(**{"scope": ALL, **selection})
    got = _counts(sample, f)
    queried = sample.query("effect_by_group", {**f.params(), "horizon": 18,
                                               "dimension": "start_year"})
    ips = {int(r["group_value"]): r for r in queried.to_dicts() if r["arm"] == "ips"}
    assert got["start_year"].to_list() == sorted(got["start_year"].to_list())
    for r in got.to_dicts():
        q = ips.get(r["start_year"])
        assert (r["n_18"], r["n_18_key"], r["k_any_18"], r["k_any_18_key"]) == (
            (q["n"], q["n_key"], q["k_any"], q["k_any_key"]) if q else (0, None, 0, None))
    assert set(ips) <= set(got["start_year"].to_list())  # every observed year is a row
