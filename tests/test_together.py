"""`ips_data.metrics.together`: independent engine calls side by side."""

from __future__ import annotations

import threading

import pytest

from ips_data.metrics.together import WORKERS, together


def test_results_come_back_in_argument_order():
    assert together(lambda: 1, lambda: "b", lambda: None, lambda: [4]) == (1, "b", None, [4])
    assert together(lambda: 7) == (7,)
    assert together() == ()


def test_the_calls_run_at_the_same_time():
    """Two calls that each wait for the other can only finish side by side."""
    meet = threading.Barrier(2, timeout=60)
    assert together(meet.wait, meet.wait) in {(0, 1), (1, 0)}


@pytest.mark.parametrize("failing", [0, 1, 3])
def test_the_first_failure_is_raised_after_every_call_finished(failing):
    finished = []

    def call(i):
        def run():
            finished.append(i)
            if i >= failing:
                raise ValueError(f"call {i}")
            return i
        return run

    with pytest.raises(ValueError, match=f"call {failing}"):
        together(*(call(i) for i in range(4)))
    assert sorted(finished) == [0, 1, 2, 3]


def test_nested_use_beyond_the_workers_never_waits_for_a_free_worker():
    """More nested calls than workers, every level waiting for its children: a caller
    runs a call no worker has taken itself, so this finishes (a deadlock would hang)."""
    def tree(depth: int) -> int:
        if depth == 0:
            return 1
        return sum(together(*(lambda: tree(depth - 1) for _ in range(WORKERS + 1))))

    assert tree(3) == (WORKERS + 1) ** 3


# ------------------------------------------------------------ remembered figures
@pytest.fixture(scope="module")
def tiny_ds(tmp_path_factory):
    from fixtures import tiny_extract

    from ips_data.loading.database import load_dataset

    ds = load_dataset(tiny_extract(tmp_path_factory.mktemp("tiny")))
    yield ds
    ds.close()


def test_a_remembered_figure_is_made_once_per_selection_and_policy(tiny_ds):
    from ips_data.metrics import effect
    from ips_data.metrics.filters import Filters
    from ips_data.protection.disclosure import DisclosurePolicy
    from ips_data.protection.scopes import Scope

    everything, policy = Filters(scope=Scope.everything()), DisclosurePolicy()
    first = effect.arm_effects(tiny_ds, everything, policy)
    assert effect.arm_effects(tiny_ds, everything, policy) is first  # made once
    other_filters = Filters(scope=Scope.everything(), arms=("ips",))
    other_policy = DisclosurePolicy(threshold=3)
    for filters, pol in ((other_filters, policy), (everything, other_policy),
                         (Filters(scope=Scope.from_entries(["municipality:101"])), policy)):
        again = effect.arm_effects(tiny_ds, filters, pol)
        assert again is not first
        # and it is what the function itself computes for those arguments
        assert again.equals(effect.arm_effects.__wrapped__(tiny_ds, filters, pol))
    tiny_ds.forget_results()
    fresh = effect.arm_effects(tiny_ds, everything, policy)
    assert fresh is not first and fresh.equals(first)
