"""The sample's case-mix (contract section 4b): the IPS group is younger and more often
on cash benefits than the comparison group, municipalities serve different populations,
and so the crude and adjusted differences differ by 2–5 points, while the crude shares
keep their calibration (tests/test_sample.py) and the adjusted estimate covers the true
effect the generator states in its manifest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest

from ips_data.loading.database import load_dataset
from ips_data.metrics import adjusted, effect
from ips_data.metrics.filters import Filters
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope
from ips_data.sample import generate_sample
from ips_data.sample.participants import OLD_TOWNS, YOUNG_TOWNS

ROOT = Path(__file__).resolve().parents[1]
ALL = Scope.everything()


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("casemix")
    generate_sample(out)
    return out


@pytest.fixture(scope="module")
def people(root: Path) -> pl.DataFrame:
    return pl.read_parquet(sorted((root / "participants").glob("*.parquet")))


def _share(frame: pl.DataFrame, cond: pl.Expr) -> float:
    return float(frame.select(cond.mean()).item())


def test_ips_younger_and_more_often_on_cash_benefits(people: pl.DataFrame):
    ips = people.filter(pl.col("arm") == "ips")
    cmp_ = people.filter(pl.col("arm") == "comparison")
    young = pl.col("age_band").is_in(["18-24", "25-29"])
    cash = pl.col("benefit_at_start").is_in(["kontanthjaelp", "uddannelseshjaelp"])
    assert _share(ips, young) - _share(cmp_, young) > 0.15
    assert _share(ips, cash) - _share(cmp_, cash) > 0.10


def test_municipalities_serve_different_populations(people: pl.DataFrame):
    cmp_ = people.filter(pl.col("arm") == "comparison")
    old = pl.col("age_band") == "50+"
    young_towns = cmp_.filter(pl.col("municipality_code").is_in(YOUNG_TOWNS))
    old_towns = cmp_.filter(pl.col("municipality_code").is_in(OLD_TOWNS))
    assert old_towns.height > 30
    assert _share(old_towns, old) - _share(young_towns, old) > 0.08
    rodovre = people.filter((pl.col("municipality_code") == 175) & (pl.col("arm") != "comparison"))
    assert set(rodovre["age_band"]) <= {"18-24", "25-29"}


@pytest.fixture(scope="module")
def figures(root: Path):
    ds = load_dataset(root)
    try:
        f, policy = Filters(scope=ALL), DisclosurePolicy()
        yield adjusted.adjusted_differences(ds, f, policy), effect.differences(ds, f, policy)
    finally:
        ds.close()


@pytest.mark.parametrize("h", [18, 30])
@pytest.mark.parametrize("measure", adjusted.SHARES)
def test_crude_and_adjusted_differ_by_two_to_five_points(figures, h: int, measure: str):
    adj, crude = figures
    key = (pl.col("horizon_months") == h) & (pl.col("measure") == measure)
    gap = crude.filter(key)["estimate"].item() - adj.filter(key)["estimate"].item()
    assert 0.02 <= gap <= 0.05, gap


def test_adjusted_estimate_covers_the_true_effect(root: Path, figures):
    text = json.loads((root / "manifest.json").read_text(encoding="utf-8"))["description"]
    truth = float(re.search(r"within 18 months\): ([+-][\d.]+) percentage", text).group(1)) / 100
    adj, crude = figures
    key = (pl.col("horizon_months") == 18) & (pl.col("measure") == "job_or_education_any")
    row = adj.filter(key).row(0, named=True)
    assert row["low"] <= truth <= row["high"]
    assert crude.filter(key)["estimate"].item() - truth > 0.02  # the crude one overstates it


def test_committed_sample_is_the_generated_one(root: Path):
    """sample_data/ was regenerated with this generator (same seed, same bytes)."""
    committed = ROOT / "sample_data"
    for table in ("participants", "outcomes"):
        for path in sorted((root / table).glob("*.parquet")):
            assert path.read_bytes() == (committed / table / path.name).read_bytes(), path.name
    assert (root / "manifest.json").read_text() == (committed / "manifest.json").read_text()
