"""The municipality benchmark of contract section 4b ("faktisk og forventet"): τ² and the
overdispersed limits by hand, the benchmark by hand and against a plain polars version,
the reference population (area filters and scope removed), and disclosure."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl
import pytest
from fixtures import outcome, participant, write_manifest, write_table

from ips_data.loading.database import load_dataset
from ips_data.metrics import benchmark
from ips_data.metrics.filters import Filters
from ips_data.metrics.stats import (
    Z95,
    Z998,
    dersimonian_laird_tau2,
    funnel_limits,
    overdispersed_limits,
    winsorised,
)
from ips_data.metrics.summary import build_summary
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope

ALL = Scope.everything()


# ------------------------------------------------------------------ τ² and limits
def test_tau2_on_five_municipalities_by_hand():
    # p̄ = 0.5 and n = 100: sd = 0.05, so the shares give z = -2, -1, 0, 2, 4
    shares = [0.40, 0.45, 0.50, 0.60, 0.70]
    # 10th percentile: position 0.4 between -2 and -1 → -1.6; 90th: 3.6 between 2 and 4 → 3.2
    assert winsorised([-2, -1, 0, 2, 4]) == pytest.approx([-1.6, -1, 0, 2, 3.2])
    phi = (1.6**2 + 1 + 0 + 4 + 3.2**2) / 5  # 3.56
    w = 100 / 0.25  # 400 each
    tau2 = (5 * phi - 4) / (5 * w - 5 * w**2 / (5 * w))  # 13.8 / 1600
    assert tau2 == pytest.approx(0.008625)
    assert dersimonian_laird_tau2(shares, [100] * 5, 0.5) == pytest.approx(tau2)


@pytest.mark.parametrize(("shares", "n"), [
    # z = -1, -1, 1, 1, 0 exactly (sd 0.125): I·φ = 4 = I − 1 → 0
    ([0.375, 0.375, 0.625, 0.625, 0.5], [16] * 5),
    ([0.49, 0.5, 0.51, 0.5, 0.5], [100] * 5),  # well inside: I·φ < I − 1
    ([0.9], [100]),                              # one municipality: nothing to estimate
])
def test_tau2_is_zero_when_there_is_no_overdispersion(shares, n):
    assert dersimonian_laird_tau2(shares, n, 0.5) == 0.0


def test_overdispersed_limits_by_hand():
    limits = overdispersed_limits(0.5, [100, 400], 0.01)
    half = np.sqrt(np.array([0.25 / 100, 0.25 / 400]) + 0.01)
    assert limits[Z95][0] == pytest.approx(0.5 - 1.959964 * half)
    assert limits[Z998][1] == pytest.approx(0.5 + 3.090232 * half)
    # τ² = 0: the normal approximation; clipped to [0, 1] for tiny n
    low, high = overdispersed_limits(0.9, [1], 0.0)[Z998]
    assert (float(low[0]), float(high[0])) == (0.0, 1.0)  # 0.9 ∓ 3.09·0.3 leaves [0, 1]


# ----------------------------------------------------------- the benchmark by hand
def _rows(rows: list[tuple]) -> pl.DataFrame:
    """`benchmark_strata` rows: (municipality, benefit group, n, k)."""
    return pl.DataFrame(
        [{"municipality_code": m, "start_year": 2022, "age_band": "25-29", "sex": "F",
          "benefit_group": g, "n": n, "k_any": k} for m, g, n, k in rows],
        schema_overrides={"municipality_code": pl.Int32, "start_year": pl.Int32})


HAND = [(101, "cash", 6, 5), (101, "other", 2, 0), (147, "cash", 4, 3), (147, "other", 8, 2)]


def test_benchmark_by_hand():
    # reference rates: cash 8/10, other 2/10; p̄ = 10/20
    b = benchmark.benchmark_from_strata(_rows(HAND), _rows(HAND), DisclosurePolicy())
    rows = {r["municipality_code"]: r for r in b.points.iter_rows(named=True)}
    assert b.pooled_share == pytest.approx(0.5)
    assert rows[101]["expected"] == pytest.approx(6 * 0.8 + 2 * 0.2)  # 5.2
    assert rows[147]["expected"] == pytest.approx(4 * 0.8 + 8 * 0.2)  # 4.8
    assert (rows[101]["observed"], rows[147]["observed"]) == (5, 5)
    assert rows[101]["o_minus_e"] == pytest.approx(5 - 5.2)
    assert rows[101]["oe_ratio"] == pytest.approx(5 / 5.2)
    assert rows[147]["adjusted_share"] == pytest.approx(0.5 * 5 / 4.8)
    assert b.shown == 2
    z = [(0.5 * 5 / 5.2 - 0.5) / math.sqrt(0.25 / 8), (0.5 * 5 / 4.8 - 0.5) / math.sqrt(0.25 / 12)]
    assert 2 * np.mean(np.square(z)) <= 1 and b.tau2 == 0.0
    assert {r["exact_flag"] for r in rows.values()} == {"inside"}


def test_curve_has_both_sets_of_limits():
    b = benchmark.benchmark_from_strata(_rows(HAND), _rows(HAND), DisclosurePolicy())
    exact = funnel_limits(0.5, b.curve["n"].to_numpy())
    assert b.curve["exact_upper_95"].to_numpy() == pytest.approx(exact[0.975])
    od = overdispersed_limits(0.5, b.curve["n"].to_numpy(), b.tau2)
    assert b.curve["od_lower_998"].to_numpy() == pytest.approx(od[Z998][0])


# ------------------------------------------------------------- against plain polars
def _polars_benchmark(sel: pl.DataFrame, ref: pl.DataFrame, threshold: int):
    keys = ["start_year", "age_band", "sex", "benefit_group"]
    rates = ref.group_by(keys).agg(p=pl.col("k_any").sum() / pl.col("n").sum())
    p0 = ref["k_any"].sum() / ref["n"].sum()
    out = (sel.join(rates, on=keys).group_by("municipality_code")
           .agg(n=pl.col("n").sum(), o=pl.col("k_any").sum(), e=(pl.col("n") * pl.col("p")).sum())
           .with_columns(ratio=pl.col("o") / pl.col("e"))
           .with_columns(adj=p0 * pl.col("ratio"))
           .with_columns(z=(pl.col("adj") - p0) / (p0 * (1 - p0) / pl.col("n")).sqrt())
           .sort("municipality_code"))
    shown = out.filter(pl.col("n") >= threshold)
    lo = shown["z"].quantile(0.1, interpolation="linear")
    hi = shown["z"].quantile(0.9, interpolation="linear")
    big_i = shown.height
    phi = (shown["z"].clip(lo, hi) ** 2).mean()
    w = shown["n"] / (p0 * (1 - p0))
    tau2 = 0.0 if big_i * phi <= big_i - 1 else (
        (big_i * phi - (big_i - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    return out, p0, tau2, big_i


@pytest.mark.parametrize("seed", range(8))
def test_benchmark_equals_a_plain_polars_version(seed: int):
    rng = np.random.default_rng(seed)
    groups = ("cash", "clarification", "insured", "other")
    rows = []
    for m in (101, 147, 151, 153, 157, 159, 161, 751, 851):
        spread = rng.normal(0, 0.15)  # some municipalities do better: τ² > 0 at times
        for g_i, g in enumerate(groups):
            for year in (2020, 2021):
                n = int(rng.integers(1, 40))
                p = min(max(0.3 + 0.1 * g_i + spread, 0.02), 0.98)
                rows.append((m, g, n, int(rng.binomial(n, p)), year))
    frame = pl.DataFrame(
        [{"municipality_code": m, "start_year": y, "age_band": "30-39", "sex": "M",
          "benefit_group": g, "n": n, "k_any": k} for m, g, n, k, y in rows],
        schema_overrides={"municipality_code": pl.Int32, "start_year": pl.Int32})
    selection = frame.filter(pl.col("municipality_code") < 700)  # the reference is larger
    b = benchmark.benchmark_from_strata(selection, frame, DisclosurePolicy(threshold=5))
    expected, p0, tau2, shown = _polars_benchmark(selection, frame, 5)
    assert b.pooled_share == pytest.approx(p0)
    assert b.tau2 == pytest.approx(tau2, abs=1e-12)
    assert b.shown == shown
    got = b.points.sort("municipality_code")
    assert got["observed"].to_list() == expected["o"].to_list()
    assert got["expected"].to_numpy() == pytest.approx(expected["e"].to_numpy())
    assert got["oe_ratio"].to_numpy() == pytest.approx(expected["ratio"].to_numpy())
    assert got["adjusted_share"].to_numpy() == pytest.approx(expected["adj"].to_numpy())


def test_some_random_case_is_overdispersed():
    """The oracle test above must meet τ² > 0 (else it checks only the zero branch)."""
    rng = np.random.default_rng(3)
    n = rng.integers(20, 200, 12)
    shares = np.clip(0.5 + rng.normal(0, 0.15, 12), 0, 1)
    assert dersimonian_laird_tau2(shares, n, 0.5) > 0


# ---------------------------------------------- reference population and disclosure
@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    """HAND as an extract: 101 has 6 cash (5 in job) and 2 other (0); 147 has 4 cash
    (3) and 8 other (2); Ishøj (183) has 2 cash IPS persons (both in job). Comparison
    persons are there too (they never count in the benchmark)."""
    root = tmp_path_factory.mktemp("bench")
    write_manifest(root)
    people, rows = [], []
    spec = [*HAND, (183, "cash", 2, 2)]
    benefit = {"cash": "kontanthjaelp", "other": "foertidspension"}
    for m, g, n, k in spec:
        for i in range(n):
            pid = f"M{m}{g[0]}{i}"
            people.append(participant(pid, "ips", m, date(2022, 3, 1), benefit=benefit[g]))
            rows.append(outcome(pid, 18, i < k, False))
    for i in range(6):
        people.append(participant(f"C{i}", "comparison", 101, benefit="kontanthjaelp"))
        rows.append(outcome(f"C{i}", 18, False, False))
    write_table(root, "participants", people)
    write_table(root, "outcomes", rows)
    dataset = load_dataset(root)
    yield dataset
    dataset.close()


@pytest.mark.parametrize("filters", [
    Filters(scope=ALL, municipalities=(101,)),
    Filters(scope=ALL, region=1084, municipalities=(101,)),
    Filters(scope=Scope.from_entries(["municipality:101"])),
])
def test_reference_rates_ignore_area_filters_and_scope(ds, filters):
    """E for København uses the rates of every municipality (incl. Ishøj: cash 10/12),
    but no other municipality is named."""
    b = benchmark.benchmark(ds, filters, DisclosurePolicy(threshold=3))
    assert b.points["municipality_code"].to_list() == [101]
    row = b.points.row(0, named=True)
    assert row["expected"] == pytest.approx(6 * 10 / 12 + 2 * 2 / 10)
    assert b.pooled_share == pytest.approx(12 / 22)


def test_a_small_municipality_shows_no_o_e_or_adjusted_share(ds):
    # threshold 5: Ishøj (n = 2) is hidden; the next smallest (101, n = 8) goes too
    b = benchmark.benchmark(ds, Filters(scope=ALL), DisclosurePolicy(threshold=5))
    rows = {r["municipality_code"]: r for r in b.points.iter_rows(named=True)}
    for code in (183, 101):
        assert rows[code]["suppressed"]
        assert all(rows[code][c] is None for c in ("n", "observed", "expected", "o_minus_e",
                                                   "oe_ratio", "adjusted_share"))
    assert not rows[147]["suppressed"] and rows[147]["observed"] == 5
    assert b.shown == 2  # τ² uses the municipalities with n ≥ 5: 101 and 147


def test_summary_municipalities_carry_the_benchmark(ds):
    summary = build_summary(ds, Filters(scope=ALL), DisclosurePolicy(threshold=5))
    entries = {m["code"]: m for m in summary["municipalities"]}
    assert entries[147]["observed_18_ips"] == 5
    assert entries[147]["expected_18_ips"] == pytest.approx(4 * 10 / 12 + 8 * 2 / 10)
    assert entries[147]["oe_ratio_18_ips"] == pytest.approx(
        5 / entries[147]["expected_18_ips"])
    for code in (101, 183):
        assert entries[code]["suppressed"]
        assert entries[code]["observed_18_ips"] is None
        assert entries[code]["adjusted_share_18_ips"] is None
    assert summary["benchmark_18"] == {"pooled_share": pytest.approx(12 / 22),
                                       "tau2": 0.0, "municipalities_shown": 2}


def test_empty_selection_gives_an_empty_benchmark(ds):
    b = benchmark.benchmark(ds, Filters(scope=ALL, municipalities=(253,)), DisclosurePolicy())
    assert b.points.is_empty() and b.shown == 0 and b.tau2 is None
    summary = build_summary(ds, Filters(scope=ALL, municipalities=(253,)), DisclosurePolicy())
    assert summary["benchmark_18"]["municipalities_shown"] == 0
