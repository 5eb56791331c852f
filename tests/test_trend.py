"""The overview's trend by start year (ips_data/metrics/trend.py) against a hand
computation straight from the Parquet files (plain polars), with statsmodels' Wilson
interval as the oracle, and its disclosure control on a tiny extract."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from fixtures import outcome, participant, write_manifest, write_table
from statsmodels.stats.proportion import proportion_confint

from ips_data.loading.database import load_dataset
from ips_data.metrics.filters import Filters
from ips_data.metrics.trend import start_year_trend
from ips_data.protection.disclosure import DisclosurePolicy, check_protected
from ips_data.protection.scopes import Scope

ALL = Scope.everything()
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


def _by_hand(data_dir: Path, *, municipalities: list[int] | None = None,
             age_bands: list[str] | None = None) -> dict[int, tuple[int, int, int]]:
    """start year -> (IPS participants, of them with an 18-month row, of those in job or
    education at any time), from the files."""
    people = pl.read_parquet(sorted((data_dir / "participants").glob("*.parquet")))
    rows = pl.read_parquet(sorted((data_dir / "outcomes").glob("*.parquet")))
    ips = people.filter(pl.col("arm") == "ips")
    if municipalities:
        ips = ips.filter(pl.col("municipality_code").is_in(municipalities))
    if age_bands:
        ips = ips.filter(pl.col("age_band").is_in(age_bands))
    ips = ips.with_columns(year=pl.col("start_date").dt.year())
    at18 = ips.join(rows.filter(pl.col("horizon_months") == 18), on="person_id")
    out = {}
    for year in sorted(set(ips["year"].to_list())):
        part = at18.filter(pl.col("year") == year)
        out[year] = (ips.filter(pl.col("year") == year).height, part.height,
                     int(part["job_or_education_any"].sum()))
    return out


@pytest.fixture(scope="module")
def sample():
    ds = load_dataset(SAMPLE)
    yield ds
    ds.close()


@pytest.mark.parametrize("filters", [
    {}, {"municipalities": [101]}, {"municipalities": [167, 175], "age_bands": ["25-29"]},
], ids=["all", "koebenhavn", "small"])
def test_trend_equals_the_hand_computation(sample, filters):
    policy = DisclosurePolicy()
    frame = start_year_trend(sample, Filters(scope=ALL, **{k: tuple(v) for k, v in
                                                           filters.items()}), policy)
    expected = _by_hand(SAMPLE, **filters)
    assert frame["start_year"].to_list() == list(expected)
    for row in frame.to_dicts():
        n_all, n18, k18 = expected[row["start_year"]]
        if row["participants_suppressed"]:
            assert row["participants"] is None
        else:
            assert row["participants"] == n_all >= policy.threshold
        if n18 == 0:  # nobody has reached 18 months: not observable, nothing hidden
            assert not row["observable"] and not row["suppressed"]
            assert row["n_18"] is None and row["share_18"] is None
        elif row["suppressed"]:
            assert row["n_18"] is None and row["share_18"] is None
            assert row["share_18_low"] is None and row["share_18_high"] is None
        else:
            assert row["n_18"] == n18 >= policy.threshold
            assert row["share_18"] == pytest.approx(k18 / n18)
            low, high = proportion_confint(k18, n18, alpha=0.05, method="wilson")
            # the contract fixes z = 1.959964; statsmodels uses 1.95996398...
            assert (row["share_18_low"], row["share_18_high"]) == (
                pytest.approx(low, abs=1e-7), pytest.approx(high, abs=1e-7))
    # both columns pass the disclosure invariants (their totals are shown on the page)
    counts = frame.drop("suppressed").rename({"participants_suppressed": "suppressed"})
    assert check_protected(counts, policy=policy, n_col="participants") == []
    observed = frame.filter(pl.col("observable"))
    assert check_protected(observed, policy=policy, n_col="n_18") == []


def test_small_years_are_hidden_with_their_next_smallest(tmp_path: Path):
    """2020: 7 IPS (6 with 18 months, 4 in job); 2021: 2 IPS (2, 1); 2022: 9 IPS (9, 3);
    2026: 5 IPS, none with 18 months yet. 2021 is below 5, so the next smallest shown
    cell of each column is hidden too: 2026 (5) among participants, 2020 (6) among the
    18-month persons, where 2026 (not yet observable) takes no part. The comparison
    group never counts."""
    write_manifest(tmp_path)
    people, rows = [], []
    plan = {2020: (7, 6, 4), 2021: (2, 2, 1), 2022: (9, 9, 3), 2026: (5, 0, 0)}
    for year, (n_all, n18, k18) in plan.items():
        for i in range(n_all):
            pid = f"I{year}-{i}"
            people.append(participant(pid, "ips", 101, date(year, 3, 1)))
            if i < n18:
                rows.append(outcome(pid, 18, i < k18))
    people += [participant(f"C{i}", "comparison", 101, date(2021, 3, 1)) for i in range(9)]
    rows += [outcome(f"C{i}", 18, True) for i in range(9)]
    write_table(tmp_path, "participants", people)
    write_table(tmp_path, "outcomes", rows)
    ds = load_dataset(tmp_path)
    try:
        frame = start_year_trend(ds, Filters(scope=ALL), DisclosurePolicy())
    finally:
        ds.close()
    got = {r["start_year"]: r for r in frame.to_dicts()}
    assert list(got) == [2020, 2021, 2022, 2026]
    assert [got[y]["participants"] for y in got] == [7, None, 9, None]
    assert [got[y]["participants_suppressed"] for y in got] == [False, True, False, True]
    # 18 months: 2021 (2) is small, 2020 (6) the next smallest -> hidden too
    assert [got[y]["n_18"] for y in got] == [None, None, 9, None]
    assert [got[y]["suppressed"] for y in got] == [True, True, False, False]
    assert got[2022]["share_18"] == pytest.approx(3 / 9)
    assert got[2026]["observable"] is False and got[2026]["share_18"] is None


def test_the_small_charts_mark_hidden_and_unobservable_years():
    from ui import overview_charts

    frame = pl.DataFrame({
        "start_year": [2020, 2021, 2022, 2026], "participants": [7, None, 9, None],
        "n_18": [None, None, 9, None], "share_18": [None, None, 3 / 9, None],
        "share_18_low": [None, None, 0.12, None], "share_18_high": [None, None, 0.65, None],
        "participants_suppressed": [False, True, False, True],
        "observable": [True, True, True, False], "suppressed": [True, True, False, False],
    }, schema_overrides={"start_year": pl.Int32, "participants": pl.Int64,
                         "n_18": pl.Int64})
    bars = overview_charts.participants_by_year(frame, "da", "<5")
    assert list(bars.data[0].x) == [2020, 2021, 2022, 2026]
    assert list(bars.data[0].text) == ["", "<5", "", "<5"]
    assert [c[1] for c in bars.data[0].customdata] == ["7", "<5", "9", "<5"]
    line = overview_charts.share_by_year(frame, "da", "<5")
    shown, gaps = line.data
    assert list(shown.x) == [2022] and list(shown.y) == [pytest.approx(100 / 3)]
    assert list(shown.error_y.array) == [pytest.approx(65 - 100 / 3)]
    assert list(shown.error_y.arrayminus) == [pytest.approx(100 / 3 - 12)]
    assert list(gaps.x) == [2020, 2021, 2026]
    assert list(gaps.text) == ["<5", "<5", "–"]  # hidden, hidden, not yet observable
    assert [c[1] for c in gaps.customdata][-1] == "ikke observerbar endnu"
    assert line.layout.yaxis.range == (0, 100)
