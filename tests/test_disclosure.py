"""Tests for ips_data.protection.disclosure: hand cases plus property tests of the rule."""

from __future__ import annotations

import copy

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from pydantic import ValidationError

from ips_data.protection.disclosure import (
    DisclosurePolicy,
    check_protected,
    protect_frame,
    protect_records,
    protect_value,
)

P5 = DisclosurePolicy()
P3 = DisclosurePolicy(threshold=3)


# --- policy -----------------------------------------------------------------


@pytest.mark.parametrize("threshold", [2, 1, 0, -5])
def test_threshold_below_three_is_rejected(threshold: int) -> None:
    with pytest.raises(ValidationError):
        DisclosurePolicy(threshold=threshold)


def test_policy_defaults_frozen_and_label() -> None:
    assert P5.threshold == 5
    assert P5.label == "<5"
    assert DisclosurePolicy(threshold=10).label == "<10"
    with pytest.raises(ValidationError):
        P5.threshold = 3  # type: ignore[misc]
    with pytest.raises(ValidationError):
        DisclosurePolicy(threshold=5, other=1)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("policy", "n", "small"),
    [
        (P5, None, True),
        (P5, 0, True),
        (P5, 4, True),
        (P5, 5, False),
        (P5, 100, False),
        (P5, float("nan"), True),
        (P3, 2, True),
        (P3, 3, False),
        (P3, 4, False),
    ],
)
def test_is_small_and_protect_value(policy: DisclosurePolicy, n: int | None, small: bool) -> None:
    assert policy.is_small(n) is small
    assert protect_value(n, 0.42, policy) == (None if small else 0.42)


# --- protect_frame: hand cases ------------------------------------------------


@pytest.mark.parametrize(
    ("ns", "policy", "total_shown", "expected"),
    [
        pytest.param([10, 3, 7, 20], P5, True, [0, 1, 1, 0], id="one-primary-plus-next-smallest"),
        pytest.param([10, 4, 3, 20], P5, True, [0, 1, 1, 0], id="two-primary-no-secondary"),
        pytest.param([10, 3, 7, 20], P5, False, [0, 1, 0, 0], id="no-total-no-secondary"),
        pytest.param([10, 3, 7, 20], P3, True, [0, 0, 0, 0], id="threshold-3-shows-3"),
        pytest.param([10, 2, 7, 20], P3, True, [0, 1, 1, 0], id="threshold-3-hides-2"),
        pytest.param([5, 10, 6], P5, True, [0, 0, 0], id="threshold-itself-shown"),
        # a zero (or unknown) cell is hidden but protects nothing, and needs no protection
        pytest.param([0, 10, 20], P5, True, [1, 0, 0], id="zero-is-suppressed"),
        pytest.param([None, 20, 10], P5, True, [1, 0, 0], id="null-is-suppressed"),
        # the bug of the municipality list: 3 hidden with zeros was recoverable
        pytest.param([3, 0, 0, 0, 10, 20], P5, True, [1, 1, 1, 1, 1, 0],
                     id="zeros-never-protect"),
        pytest.param([1, 2, 10, 20], P5, True, [1, 1, 1, 0], id="hidden-total-3-below-5"),
        pytest.param([2, 3, 10, 20], P5, True, [1, 1, 0, 0], id="hidden-total-5-enough"),
        pytest.param([1, 1, 1, 30, 12, 12], P5, True, [1, 1, 1, 0, 1, 0],
                     id="smallest-nonzero-first"),
        pytest.param([3, 7, 7], P5, True, [1, 1, 0], id="tie-first-in-order"),
        pytest.param([7, 3, 7], P5, True, [1, 1, 0], id="tie-first-in-order-2"),
        pytest.param([3, 8], P5, True, [1, 1], id="two-rows-both-hidden"),
        pytest.param([3], P5, True, [1], id="single-row"),
        pytest.param([30], P5, True, [0], id="single-row-shown"),
        pytest.param([4, 4, 4], P5, True, [1, 1, 1], id="all-small"),
        pytest.param([50, 60, 70], P5, True, [0, 0, 0], id="nothing-small"),
    ],
)
def test_protect_frame_hand_cases(
    ns: list[int | None], policy: DisclosurePolicy, total_shown: bool, expected: list[int]
) -> None:
    frame = pl.DataFrame({"n": ns}, schema={"n": pl.Int64})
    out = protect_frame(frame, policy=policy, n_col="n", total_shown=total_shown)
    assert out["suppressed"].to_list() == [bool(e) for e in expected]
    assert out["n"].to_list() == [None if e else n for n, e in zip(ns, expected, strict=True)]
    if total_shown:
        checked = out.with_columns(exact=pl.Series(ns, dtype=pl.Int64))
        assert check_protected(checked, policy=policy, n_col="n", exact_col="exact") == []


@pytest.mark.parametrize(
    ("exact", "published", "expected"),
    [
        pytest.param([10, 6, 20], [10, 4, 20], [0, 1, 0], id="published-below-threshold"),
        pytest.param([10, 4, 20], [10, 6, 20], [1, 1, 0], id="exact-below-threshold"),
        # the secondary rule counts exact persons: 4 + 3 hidden = 7 >= 5 although the
        # published 2 + 2 would be below it
        pytest.param([4, 3, 20], [2, 2, 21], [1, 1, 0], id="exact-hidden-total-counts"),
        pytest.param([1, 2, 9, 7], [0, 3, 7, 9], [1, 1, 0, 1], id="smallest-exact-first"),
    ],
)
def test_protect_frame_with_published_and_exact_counts(
    exact: list[int], published: list[int], expected: list[int]
) -> None:
    frame = pl.DataFrame({"n": published, "n_exact": exact})
    out = protect_frame(frame, policy=P5, n_col="n", exact_col="n_exact")
    assert out["suppressed"].to_list() == [bool(e) for e in expected]
    assert out["n"].to_list() == [None if e else p for p, e in
                                  zip(published, expected, strict=True)]
    assert check_protected(out, policy=P5, n_col="n", exact_col="n_exact") == []


def test_total_cols_protect_every_count_shown() -> None:
    # rows hidden by the smaller arm; the IPS column's hidden total (2 + 0) is exposed
    frame = pl.DataFrame({"smaller": [2, 0, 8, 9, 30], "ips": [2, 0, 8, 40, 30],
                          "cmp": [20, 9, 8, 9, 31]})
    out = protect_frame(frame, policy=P5, n_col="smaller", total_cols=["ips", "cmp"])
    assert out["suppressed"].to_list() == [True, True, True, False, False]


def test_partitions_by_arm() -> None:
    frame = pl.DataFrame(
        {
            "arm": ["ips", "ips", "ips", "ips", "tau", "tau", "ctl", "ctl", "solo"],
            "n": [10, 3, 7, 20, 4, 9, 6, 8, 2],
        }
    )
    out = protect_frame(frame, policy=P5, n_col="n", partition_by=["arm"])
    assert out["suppressed"].to_list() == [False, True, True, False, True, True, False, False, True]
    assert out["arm"].to_list() == frame["arm"].to_list()
    assert check_protected(out, policy=P5, n_col="n", partition_by=["arm"]) == []
    # Without partitions the whole table is one partition: 3 primaries, no secondary.
    whole = protect_frame(frame, policy=P5, n_col="n")
    assert whole["suppressed"].sum() == 3


def test_two_partition_columns() -> None:
    frame = pl.DataFrame(
        {
            "region": ["H", "H", "H", "H", "S", "S"],
            "year": [2024, 2024, 2025, 2025, 2024, 2024],
            "n": [3, 12, 6, 9, 40, 41],
        }
    )
    out = protect_frame(frame, policy=P5, n_col="n", partition_by=["region", "year"])
    assert out["suppressed"].to_list() == [True, True, False, False, False, False]


def test_value_columns_nulled_with_n_and_dtypes_kept() -> None:
    frame = pl.DataFrame(
        {
            "municipality": ["A", "B", "C", "D"],
            "n": pl.Series([10, 3, 7, 20], dtype=pl.Int32),
            "share": [0.5, 0.33, 0.71, 0.25],
            "mean_hours": pl.Series([12.0, 3.5, 8.25, 10.0], dtype=pl.Float32),
            "fte": [1.0, 0.5, 2.0, 1.5],  # not person-based: untouched
        }
    )
    out = protect_frame(frame, policy=P5, n_col="n", value_cols=["share", "mean_hours"])
    assert out.columns == [*frame.columns, "suppressed"]
    assert out.schema["n"] == pl.Int32
    assert out.schema["mean_hours"] == pl.Float32
    assert out["share"].to_list() == [0.5, None, None, 0.25]
    assert out["mean_hours"].to_list() == [12.0, None, None, 10.0]
    assert out["fte"].to_list() == frame["fte"].to_list()
    assert out["municipality"].to_list() == frame["municipality"].to_list()


def test_empty_frame() -> None:
    frame = pl.DataFrame(schema={"arm": pl.String, "n": pl.Int64, "share": pl.Float64})
    out = protect_frame(frame, policy=P5, n_col="n", value_cols=["share"], partition_by=["arm"])
    assert out.height == 0
    assert out.schema == {
        "arm": pl.String,
        "n": pl.Int64,
        "share": pl.Float64,
        "suppressed": pl.Boolean,
    }
    assert check_protected(out, policy=P5, n_col="n") == []


def test_float_counts_with_nan_are_suppressed() -> None:
    frame = pl.DataFrame({"n": [float("nan"), 10.0, 20.0, 30.0]})
    out = protect_frame(frame, policy=P5, n_col="n")
    assert out["suppressed"].to_list() == [True, False, False, False]
    assert out["n"].to_list()[1:] == [10.0, 20.0, 30.0]
    small = pl.DataFrame({"n": [float("nan"), 3.0, 20.0, 30.0]})
    out = protect_frame(small, policy=P5, n_col="n")
    assert out["suppressed"].to_list() == [True, True, True, False]


def test_existing_suppressed_column_is_replaced() -> None:
    frame = pl.DataFrame({"n": [10, 3, 7, 20], "suppressed": [True, False, False, False]})
    out = protect_frame(frame, policy=P5, n_col="n")
    assert out.columns == ["n", "suppressed"]
    assert out["suppressed"].to_list() == [False, True, True, False]


def test_missing_column_raises() -> None:
    frame = pl.DataFrame({"n": [1, 2]})
    with pytest.raises(KeyError):
        protect_frame(frame, policy=P5, n_col="count")
    with pytest.raises(KeyError):
        protect_frame(frame, policy=P5, n_col="n", value_cols=["share"])
    with pytest.raises(KeyError):
        protect_frame(frame, policy=P5, n_col="n", partition_by=["arm"])


# --- check_protected -------------------------------------------------------


def test_check_protected_finds_problems() -> None:
    raw = pl.DataFrame({"arm": ["a", "a", "b", "b"], "n": [3, 10, 8, 9]})
    problems = check_protected(raw, policy=P5, n_col="n", partition_by=["arm"])
    assert len(problems) == 1 and "below threshold" in problems[0]

    one_hidden = pl.DataFrame({"arm": ["a", "a", "a"], "n": [None, 10, 12]})
    problems = check_protected(one_hidden, policy=P5, n_col="n", partition_by=["arm"])
    assert len(problems) == 1 and "only hidden cell" in problems[0] and "'a'" in problems[0]

    flagged = pl.DataFrame({"n": [None, None, 10], "suppressed": [True, True, True]})
    problems = check_protected(flagged, policy=P5, n_col="n")
    assert len(problems) == 1 and "flagged suppressed" in problems[0]


def test_check_protected_detects_the_zero_cell_bug() -> None:
    # one municipality of 3 hidden together with thirteen of 0: the old rule passed it
    exact = [3] + [0] * 13 + [40, 55]
    shown = [None] * 14 + [40, 55]
    frame = pl.DataFrame({"n": shown, "exact": exact}, schema={"n": pl.Int64,
                                                                "exact": pl.Int64})
    problems = check_protected(frame, policy=P5, n_col="n", exact_col="exact")
    assert len(problems) == 1 and "hold 3 person(s)" in problems[0]
    # two hidden cells of 1 and 2 give away 3 persons as well
    frame = pl.DataFrame({"n": [None, None, 40], "exact": [1, 2, 40]})
    assert len(check_protected(frame, policy=P5, n_col="n", exact_col="exact")) == 1
    # a shown count whose exact count is small
    frame = pl.DataFrame({"n": [5, 40], "exact": [3, 40]})
    problems = check_protected(frame, policy=P5, n_col="n", exact_col="exact")
    assert len(problems) == 1 and "exact count 3" in problems[0]
    # the repaired rule's output passes
    fixed = protect_frame(pl.DataFrame({"n": exact, "exact": exact}), policy=P5, n_col="n",
                          exact_col="exact")
    assert check_protected(fixed, policy=P5, n_col="n", exact_col="exact") == []


# --- protect_records -------------------------------------------------------

MUNICIPALITIES = [
    {"code": 101, "name": "København", "n_ips_18": 120, "share_employed": 0.41},
    {"code": 147, "name": "Frederiksberg", "n_ips_18": 4, "share_employed": 0.5},
    {"code": 151, "name": "Ballerup", "n_ips_18": 9, "share_employed": 0.33},
    {"code": 153, "name": "Brøndby", "n_ips_18": 15, "share_employed": 0.2},
]


def test_protect_records_municipalities() -> None:
    before = copy.deepcopy(MUNICIPALITIES)
    out = protect_records(
        MUNICIPALITIES, policy=P5, n_key="n_ips_18", value_keys=["share_employed"]
    )
    assert before == MUNICIPALITIES  # input not mutated
    assert [r["suppressed"] for r in out] == [False, True, True, False]
    assert [r["n_ips_18"] for r in out] == [120, None, None, 15]
    assert [r["share_employed"] for r in out] == [0.41, None, None, 0.2]
    assert [r["name"] for r in out] == [r["name"] for r in MUNICIPALITIES]

    no_total = protect_records(
        MUNICIPALITIES,
        policy=P5,
        n_key="n_ips_18",
        value_keys=["share_employed"],
        total_shown=False,
    )
    assert [r["suppressed"] for r in no_total] == [False, True, False, False]


def test_protect_records_edge_cases() -> None:
    assert protect_records([], policy=P5, n_key="n") == []
    all_none = protect_records([{"n": None}, {"n": None}], policy=P5, n_key="n")
    assert [r["suppressed"] for r in all_none] == [True, True]
    with pytest.raises(KeyError):
        protect_records([{"n": 10}, {"count": 3}], policy=P5, n_key="n")
    parted = protect_records(
        [{"arm": "a", "n": 3}, {"arm": "a", "n": 9}, {"arm": "b", "n": 6}, {"arm": "b", "n": 7}],
        policy=P5,
        n_key="n",
        partition_keys=["arm"],
    )
    assert [r["suppressed"] for r in parted] == [True, True, False, False]


# --- property tests ------------------------------------------------------------

counts = st.one_of(st.none(), st.integers(min_value=0, max_value=40))
rows = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), counts), max_size=30)
policies = st.builds(DisclosurePolicy, threshold=st.integers(min_value=3, max_value=12))


def _frame(data: list[tuple[str, int | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "part": [p for p, _ in data],
            "n": [n for _, n in data],
            "share": [None if n is None else n / 41 for _, n in data],
            "row_id": list(range(len(data))),
        },
        schema={"part": pl.String, "n": pl.Int64, "share": pl.Float64, "row_id": pl.Int64},
    )


@settings(max_examples=300, deadline=None)
@given(data=rows, policy=policies, partitioned=st.booleans())
def test_properties(
    data: list[tuple[str, int | None]], policy: DisclosurePolicy, partitioned: bool
) -> None:
    frame = _frame(data)
    part = ["part"] if partitioned else []
    out = protect_frame(frame, policy=policy, n_col="n", value_cols=["share"], partition_by=part)

    # Shape, order and non-value columns are kept.
    assert out.height == frame.height
    assert out["row_id"].to_list() == frame["row_id"].to_list()
    assert out["part"].to_list() == frame["part"].to_list()

    keys = out["part"].to_list() if partitioned else ["all"] * out.height
    orig_n = frame["n"].to_list()
    for i, (n_out, share_out, hidden) in enumerate(
        out.select("n", "share", "suppressed").iter_rows()
    ):
        if hidden:
            # Value columns go together with n.
            assert n_out is None and share_out is None
        else:
            # (1) no shown n below threshold; (3) shown values unchanged.
            assert n_out is not None and n_out >= policy.threshold
            assert n_out == orig_n[i] and share_out == frame["share"][i]

    # (2) per partition: the hidden cells' exact total is 0 or >= threshold (unless
    # every cell is hidden); secondary suppression is minimal: one extra cell, the
    # smallest shown, only when the primary cells' total is in (0, threshold).
    for key in set(keys):
        idx = [i for i, k in enumerate(keys) if k == key]
        hidden = [i for i in idx if out["suppressed"][i]]
        primary = [i for i in idx if orig_n[i] is None or orig_n[i] < policy.threshold]
        assert set(primary) <= set(hidden)
        hidden_total = sum(orig_n[i] or 0 for i in hidden)
        assert not 0 < hidden_total < policy.threshold or len(hidden) == len(idx)
        extra = sorted(set(hidden) - set(primary))
        primary_total = sum(orig_n[i] or 0 for i in primary)
        rest = [i for i in idx if i not in primary]
        if 0 < primary_total < policy.threshold and rest:
            assert len(extra) == 1
            assert orig_n[extra[0]] == min(orig_n[i] for i in rest)
        else:
            assert extra == []

    # The checker agrees (given the exact counts).
    checked = out.with_columns(exact=frame["n"])
    assert check_protected(checked, policy=policy, n_col="n", partition_by=part,
                           exact_col="exact") == []

    # (4) idempotent.
    again = protect_frame(out, policy=policy, n_col="n", value_cols=["share"], partition_by=part)
    assert_frame_equal(again, out)

    # protect_records applies the same rule.
    recs = protect_records(
        frame.to_dicts(),
        policy=policy,
        n_key="n",
        value_keys=["share"],
        partition_keys=part,
    )
    assert recs == out.to_dicts()


@settings(max_examples=100, deadline=None)
@given(data=rows, policy=policies)
def test_no_total_only_primary(
    data: list[tuple[str, int | None]], policy: DisclosurePolicy
) -> None:
    frame = _frame(data)
    out = protect_frame(frame, policy=policy, n_col="n", total_shown=False)
    expected = [n is None or n < policy.threshold for _, n in data]
    assert out["suppressed"].to_list() == expected


@settings(max_examples=200, deadline=None)
@given(data=st.lists(st.tuples(st.integers(0, 30), st.integers(-2, 2)), max_size=20),
       policy=policies)
def test_properties_with_perturbed_counts(data: list[tuple[int, int]],
                                          policy: DisclosurePolicy) -> None:
    exact = [c for c, _ in data]
    published = [0 if c == 0 else c + v for c, v in data]
    frame = pl.DataFrame({"n": published, "n_exact": exact},
                         schema={"n": pl.Int64, "n_exact": pl.Int64})
    out = protect_frame(frame, policy=policy, n_col="n", exact_col="n_exact")
    t = policy.threshold
    for i, hidden in enumerate(out["suppressed"].to_list()):
        if exact[i] < t or published[i] < t:
            assert hidden
        if not hidden:
            assert out["n"][i] == published[i]
    hidden_total = sum(c for c, h in zip(exact, out["suppressed"], strict=True) if h)
    assert not 0 < hidden_total < t or out["suppressed"].all()
    assert check_protected(out, policy=policy, n_col="n", exact_col="n_exact") == []
