"""The adjusted difference of contract section 4b (exact stratification, ATT) and its
balance table: hand computations on tiny extracts, the weeks variance rule, disclosure,
and the ATT against the weighted-comparison formulation on random extracts."""

from __future__ import annotations

import math
import statistics
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from fixtures import ADJUSTED_STRATA, adjusted_extract, outcome, participant, write_table
from fixtures import write_manifest as manifest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ips_data.loading.database import load_dataset
from ips_data.metrics import adjusted, cells
from ips_data.metrics.filters import Filters
from ips_data.metrics.summary import build_summary
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope

# exact figures (as `ips-data summary --exact`): the hand computations; published
# (perturbed) counts are checked in test_perturbation.py
EXACT3 = DisclosurePolicy(threshold=3, perturb=False)
EXACT4 = DisclosurePolicy(threshold=4, perturb=False)
EXACT5 = DisclosurePolicy(threshold=5, perturb=False)

ALL = Scope.everything()
Z = 1.959964
THREE = EXACT3


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    dataset = load_dataset(adjusted_extract(tmp_path_factory.mktemp("adjusted")))
    yield dataset
    dataset.close()


def _mean(xs):
    return sum(xs) / len(xs)


def _hand(measure: str) -> tuple[float, float]:
    """Estimate and variance over the supported strata A and B, written out."""
    a, b = ADJUSTED_STRATA["A"], ADJUSTED_STRATA["B"]
    w_a, w_b = 4 / 6, 2 / 6  # IPS persons in A and B over the 6 supported IPS persons
    terms = []
    for (_, ips_w, ips_end, cmp_w, cmp_end), w in ((a, w_a), (b, w_b)):
        if measure == "weeks_mean":
            yi, yc = _mean(ips_w), _mean(cmp_w)
            vi, vc = statistics.variance(ips_w), statistics.variance(cmp_w)
        else:
            ips_y = [x > 0 for x in ips_w] if measure == "job_or_education_any" else ips_end
            cmp_y = [x > 0 for x in cmp_w] if measure == "job_or_education_any" else cmp_end
            yi, yc = _mean(ips_y), _mean(cmp_y)
            vi, vc = yi * (1 - yi), yc * (1 - yc)
        terms.append((w * (yi - yc), w * w * (vi / len(ips_w) + vc / len(cmp_w))))
    return sum(t[0] for t in terms), sum(t[1] for t in terms)


@pytest.mark.parametrize(("measure", "estimate"), [
    ("job_or_education_any", 4 / 6 * (3 / 4 - 1 / 2) + 2 / 6 * (1 / 2 - 3 / 4)),  # 1/12
    ("job_or_education_at_end", 4 / 6 * (1 / 4 - 0) + 2 / 6 * (1 / 2 - 1 / 4)),  # 1/4
    ("weeks_mean", 4 / 6 * (15 - 6) + 2 / 6 * (20 - 11.25)),
])
def test_two_strata_by_hand(ds, measure: str, estimate: float):
    frame = adjusted.adjusted_differences(ds, Filters(scope=ALL), THREE)
    row = frame.filter((pl.col("horizon_months") == 18) & (pl.col("measure") == measure)).row(
        0, named=True)
    hand_estimate, variance = _hand(measure)
    assert hand_estimate == pytest.approx(estimate)
    assert row["estimate"] == pytest.approx(estimate, abs=1e-12)
    half = Z * math.sqrt(variance)
    assert (row["low"], row["high"]) == pytest.approx((estimate - half, estimate + half))
    # stratum D has 3 IPS persons and no comparison person: left out
    assert row["support_share"] == pytest.approx(6 / 9)
    assert row["excluded"] == 3
    assert (row["n_ips"], row["n_comparison"]) == (6, 6)
    assert row["reason"] is None


def test_crude_and_adjusted_differ_on_the_fixture(ds):
    summary = build_summary(ds, Filters(scope=ALL), THREE)
    block = summary["effect"]["18"]
    crude = block["difference"]["job_or_education_any"]["estimate"]
    assert crude == pytest.approx(5 / 9 - 4 / 6)  # D's 1 of 3 counts in the crude share
    adj = block["adjusted_difference"]
    assert adj["job_or_education_any"]["estimate"] == pytest.approx(1 / 12)
    assert adj["support_share"] == pytest.approx(6 / 9) and adj["excluded"] == 3
    assert set(adj) == {"job_or_education_any", "job_or_education_at_end", "weeks_mean",
                        "support_share", "excluded"}
    assert summary["effect"]["30"]["adjusted_difference"]["weeks_mean"] == {
        "estimate": None, "ci95": None}  # no 30-month rows


@pytest.mark.parametrize(("threshold", "estimate_shown", "support_shown", "reason"), [
    (3, True, True, None),
    (4, True, False, None),       # 3 excluded IPS persons < 4: excluded and share hidden
    (6, True, False, None),       # 6 supported persons each side: still shown
    (7, False, False, "too_few"),  # 6 supported < 7: the estimate is hidden
])
def test_disclosure_of_the_adjusted_figures(ds, threshold, estimate_shown, support_shown,
                                            reason):
    policy = DisclosurePolicy(threshold=threshold, perturb=False)
    row = adjusted.adjusted_differences(ds, Filters(scope=ALL), policy).row(0, named=True)
    assert (row["estimate"] is not None) is estimate_shown
    assert (row["support_share"] is not None) is support_shown
    assert (row["excluded"] is not None) is support_shown
    assert row["reason"] == reason


@pytest.mark.parametrize(("filters", "reason"), [
    (Filters(scope=ALL, arms=("ips",)), "no_comparison"),
    (Filters(scope=ALL, arms=("comparison",)), "no_ips"),
    (Filters(scope=ALL, benefits=("foertidspension",)), "no_comparison"),
    (Filters(scope=ALL, benefits=("foertidspension", "kontanthjaelp")), "too_few"),  # 2 cmp
    (Filters(scope=ALL, benefits=("dagpenge", "kontanthjaelp")), None),
])
def test_missing_estimates_say_why(ds, filters, reason):
    frame = adjusted.adjusted_differences(ds, filters, THREE).filter(
        pl.col("horizon_months") == 18)
    assert set(frame["reason"].to_list()) == {reason}
    assert frame["estimate"].is_null().all() is (reason is not None)


def _strata(rows: list[tuple]) -> pl.DataFrame:
    """Hand-made `effect_strata` rows: (arm, benefit group, n, weeks mean, weeks var)."""
    return pl.DataFrame(
        [{"horizon_months": 18, "arm": arm, "start_year": 2022, "age_band": "25-29",
          "sex": "F", "benefit_group": group, "n": n, "k_any": n // 2, "k_end": 0,
          "weeks_mean": mean, "weeks_var": var} for arm, group, n, mean, var in rows],
        schema_overrides={"horizon_months": pl.Int32, "start_year": pl.Int32})


@pytest.mark.parametrize(("rows", "whole", "estimate", "variance"), [
    # comparison has one person in stratum cash: its variance is the comparison group's
    # whole-population variance (9), not null or 0
    ([("ips", "cash", 3, 10.0, 4.0), ("comparison", "cash", 1, 6.0, None),
      ("ips", "insured", 2, 20.0, 8.0), ("comparison", "insured", 3, 15.0, 2.0)],
     {(18, "ips"): 50.0, (18, "comparison"): 9.0},
     0.6 * (10 - 6) + 0.4 * (20 - 15), 0.36 * (4 / 3 + 9 / 1) + 0.16 * (8 / 2 + 2 / 3)),
    # IPS has one person in stratum insured: the IPS group's whole variance (50)
    ([("ips", "cash", 3, 10.0, 4.0), ("comparison", "cash", 2, 6.0, 2.0),
      ("ips", "insured", 1, 20.0, None), ("comparison", "insured", 3, 15.0, 2.0)],
     {(18, "ips"): 50.0, (18, "comparison"): 9.0},
     0.75 * (10 - 6) + 0.25 * (20 - 15), 0.5625 * (4 / 3 + 2 / 2) + 0.0625 * (50 + 2 / 3)),
])
def test_weeks_variance_rule_for_an_arm_with_one_person(rows, whole, estimate, variance):
    frame = adjusted.adjusted_from_strata(_strata(rows), whole, THREE)
    row = frame.filter((pl.col("horizon_months") == 18)
                       & (pl.col("measure") == "weeks_mean")).row(0, named=True)
    assert row["estimate"] == pytest.approx(estimate)
    half = Z * math.sqrt(variance)
    assert (row["low"], row["high"]) == pytest.approx((estimate - half, estimate + half))


def test_balance_by_hand(ds):
    frame = adjusted.balance_table(cells.strata(ds, Filters(scope=ALL)), 18)
    groups = frame.filter(pl.col("variable") == "benefit_group")
    rows = {r["level"]: r for r in groups.iter_rows(named=True)}
    assert list(rows) == ["cash", "insured", "other"]  # levels in the contract's order
    # IPS: 4 cash, 2 insured, 3 other of 9; comparison: 2 cash, 4 insured of 6; weighted
    # comparison (supported strata): 2·(4/2) = 4 cash, 4·(2/4) = 2 insured of 6
    p1, p0, pw = 4 / 9, 2 / 6, 4 / 6
    assert (rows["cash"]["share_ips"], rows["cash"]["share_comparison"],
            rows["cash"]["share_comparison_weighted"]) == pytest.approx((p1, p0, pw))

    def d(a, b):
        return (a - b) / math.sqrt((a * (1 - a) + b * (1 - b)) / 2)

    assert rows["cash"]["d_crude"] == pytest.approx(d(p1, p0))
    assert rows["cash"]["d_weighted"] == pytest.approx(d(p1, pw))
    assert rows["other"]["d_crude"] == pytest.approx(d(3 / 9, 0.0))
    assert rows["other"]["imbalanced_crude"] and rows["other"]["imbalanced_weighted"]
    # one level for everyone (sex F): all shares 1, denominator 0 → d = 0
    sex = frame.filter(pl.col("variable") == "sex").row(0, named=True)
    assert (sex["share_ips"], sex["d_crude"], sex["d_weighted"]) == (1.0, 0.0, 0.0)
    assert not sex["imbalanced_crude"]


def test_balance_hides_small_levels_and_one_more(ds):
    # threshold 3: cash rests on 2 comparison persons, insured on 2 IPS persons (hidden);
    # other rests on 3 IPS persons (shown), sex F on 6 (shown)
    frame = adjusted.balance(ds, Filters(scope=ALL), THREE, horizon=18)
    groups = {r["level"]: r for r in frame.filter(pl.col("variable") == "benefit_group")
              .iter_rows(named=True)}
    assert groups["cash"]["suppressed"] and groups["cash"]["share_ips"] is None
    assert groups["insured"]["suppressed"] and groups["insured"]["d_weighted"] is None
    assert not groups["other"]["suppressed"]
    assert groups["other"]["share_ips"] == pytest.approx(3 / 9)
    # threshold 4: other (3) is hidden as well
    frame = adjusted.balance(ds, Filters(scope=ALL), EXACT4, horizon=18)
    assert frame.filter(pl.col("variable") == "benefit_group")["suppressed"].all()


def test_balance_secondary_suppression():
    """One small level of a variable, the rest large: the next smallest is hidden too."""
    rows = [("ips", "cash", 20, 1.0, 1.0), ("comparison", "cash", 30, 1.0, 1.0),
            ("ips", "insured", 10, 1.0, 1.0), ("comparison", "insured", 12, 1.0, 1.0),
            ("ips", "other", 2, 1.0, 1.0), ("comparison", "other", 40, 1.0, 1.0)]
    frame = adjusted.balance_from_strata(_strata(rows), 18, EXACT5)
    hidden = dict(frame.filter(pl.col("variable") == "benefit_group")
                  .select("level", "suppressed").iter_rows())
    assert hidden == {"cash": False, "insured": True, "other": True}


def test_balance_is_empty_without_comparison(ds):
    frame = adjusted.balance(ds, Filters(scope=ALL, arms=("ips",)), THREE, horizon=18)
    assert frame.is_empty()


@pytest.mark.parametrize(("benefit", "group"), sorted(adjusted.BENEFIT_GROUPS.items()))
def test_benefit_groups_in_sql_equal_the_contract(tmp_path: Path, benefit: str, group: str):
    """The SQL macro maps every benefit (and null) as contract 4b lists them."""
    manifest(tmp_path)
    people = [participant(f"P{i}", arm, benefit=benefit) for i, arm in
              enumerate(("ips", "comparison"))]
    people += [participant("N1", "ips", benefit=None)]
    write_table(tmp_path, "participants", people)
    write_table(tmp_path, "outcomes", [outcome(p["person_id"]) for p in people])
    ds = load_dataset(tmp_path)
    try:
        frame = cells.strata(ds, Filters(scope=ALL))
    finally:
        ds.close()
    got = dict(frame.filter(pl.col("arm") == "comparison")
               .select("benefit_group", "n").iter_rows())
    assert got == {group: 1}
    nulls = frame.filter(pl.col("arm") == "ips").group_by("benefit_group").agg(pl.col("n").sum())
    assert dict(nulls.iter_rows()).get("other", 0) >= 1


# ----------------------------------------------------- against the weighted formulation
AGES = ("18-24", "50+")
BENEFITS = (None, "kontanthjaelp", "dagpenge", "jobafklaring", "foertidspension")


@st.composite
def extracts(draw):
    n = draw(st.integers(20, 80))
    people = []
    for i in range(n):
        people.append({
            "arm": draw(st.sampled_from(("ips", "comparison", "ips_like"))),
            "year": draw(st.sampled_from((2019, 2020))),
            "age": draw(st.sampled_from(AGES)),
            "sex": draw(st.sampled_from(("F", None))),
            "benefit": draw(st.sampled_from(BENEFITS)),
            "weeks": draw(st.sampled_from((0, 0, 3, 10, 40, 78))),
            "end": draw(st.booleans()),
            "pid": f"R{i}",
        })
    return people


def _weighted_comparison(people: list[dict]) -> dict[str, float]:
    """ATT as MatchIt's subclass weights give it: IPS persons weight 1, comparison persons
    n_ips,s / n_cmp,s in supported strata, then a weighted difference in means."""
    frame = pl.DataFrame(people).with_columns(
        group=pl.col("benefit").replace_strict(adjusted.BENEFIT_GROUPS, default="other"),
        sex=pl.col("sex").fill_null("unknown"),
        y_any=pl.col("weeks") > 0,
        y_end=(pl.col("weeks") > 0) & pl.col("end"),
    ).filter(pl.col("arm") != "ips_like")
    keys = ["year", "age", "sex", "group"]
    sizes = frame.group_by(keys).agg(
        n_i=(pl.col("arm") == "ips").sum(), n_c=(pl.col("arm") == "comparison").sum())
    frame = frame.join(sizes, on=keys).filter((pl.col("n_i") > 0) & (pl.col("n_c") > 0))
    frame = frame.with_columns(w=pl.when(pl.col("arm") == "ips").then(1.0)
                               .otherwise(pl.col("n_i") / pl.col("n_c")))
    out = {}
    for measure, col in (("job_or_education_any", "y_any"),
                         ("job_or_education_at_end", "y_end"), ("weeks_mean", "weeks")):
        means = frame.group_by("arm").agg(
            (pl.col(col).cast(pl.Float64) * pl.col("w")).sum() / pl.col("w").sum())
        m = dict(means.iter_rows())
        out[measure] = m["ips"] - m["comparison"]
    return out


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(people=extracts())
def test_att_equals_the_weighted_comparison_formulation(tmp_path_factory, people):
    root = tmp_path_factory.mktemp("random")
    manifest(root)
    write_table(root, "participants", [
        participant(p["pid"], p["arm"], 101, date(p["year"], 1, 1) + timedelta(days=40),
                    age=p["age"], sex=p["sex"], benefit=p["benefit"]) for p in people])
    write_table(root, "outcomes", [
        outcome(p["pid"], 18, p["weeks"] > 0, p["weeks"] > 0 and p["end"], p["weeks"])
        for p in people])
    ds = load_dataset(root)
    try:
        frame = adjusted.adjusted_differences(ds, Filters(scope=ALL), THREE)
    finally:
        ds.close()
    rows = {r["measure"]: r for r in frame.filter(pl.col("horizon_months") == 18)
            .iter_rows(named=True)}
    assume(rows["weeks_mean"]["reason"] is None)  # else nothing to compare (tested apart)
    expected = _weighted_comparison(people)
    for measure, value in expected.items():
        assert rows[measure]["estimate"] == pytest.approx(value, abs=1e-9)


def test_stratum_column_decodes_to_its_parts(tmp_path: Path):
    """fct_outcomes.stratum packs start year, age band, sex (null → unknown) and benefit
    group into one integer; effect_strata decodes it back, for every age band and sex."""
    from ips_data.contract import AGE_BANDS

    manifest(tmp_path)
    people = [participant(f"P{i}{j}", "ips", start=date(2014 + i, 5, 1), age=age, sex=sex,
                          benefit="revalidering")
              for i, age in enumerate(AGE_BANDS) for j, sex in enumerate(("F", "M", None))]
    write_table(tmp_path, "participants", people)
    write_table(tmp_path, "outcomes", [outcome(p["person_id"]) for p in people])
    ds = load_dataset(tmp_path)
    try:
        frame = cells.strata(ds, Filters(scope=ALL))
    finally:
        ds.close()
    got = sorted(frame.select("start_year", "age_band", "sex", "benefit_group", "n").rows())
    want = sorted((2014 + i, age, sex or "unknown", "clarification", 1)
                  for i, age in enumerate(AGE_BANDS) for sex in ("F", "M", None))
    assert got == want
