"""ips_data/loading/flight.py: one call per key among concurrent callers; what is remembered."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ips_data.loading.flight import SingleFlight


def _gated(calls: list[str], gate: threading.Event, value: str):
    def fn() -> str:
        calls.append(value)
        gate.wait(5)
        return value
    return fn


@pytest.mark.parametrize("keep", [0, 4])
def test_concurrent_callers_share_one_call(keep):
    flights: SingleFlight[str] = SingleFlight(keep=keep)
    calls: list[str] = []
    gate = threading.Event()
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(flights.run, "k", _gated(calls, gate, "v"))
        while not calls:  # the first call is running (and holds the key)
            threading.Event().wait(0.01)
        others = [pool.submit(flights.run, "k", _gated(calls, gate, "other"))
                  for _ in range(3)]
        gate.set()
        assert [f.result() for f in [first, *others]] == ["v"] * 4
    assert calls == ["v"]


@pytest.mark.parametrize(("keep", "calls_after"), [(0, 2), (4, 1)])
def test_a_finished_call_is_remembered_only_with_keep(keep, calls_after):
    flights: SingleFlight[int] = SingleFlight(keep=keep)
    calls = []
    for _ in range(2):
        flights.run("k", lambda: calls.append(1) or len(calls))
    assert len(calls) == calls_after


def test_least_recently_used_is_dropped_first_and_failures_are_not_kept():
    flights: SingleFlight[str] = SingleFlight(keep=2)
    calls: list[str] = []

    def make(v: str):
        return lambda: calls.append(v) or v

    for key in ("a", "b", "a", "c"):  # "a" used again, so "b" is the oldest
        flights.run(key, make(key))
    flights.run("a", make("a"))
    flights.run("b", make("b"))
    assert calls == ["a", "b", "c", "b"]
    with pytest.raises(ZeroDivisionError):
        flights.run("x", lambda: 1 / 0)
    assert flights.run("x", make("x")) == "x"
    flights.clear()
    flights.run("c", make("c"))
    assert calls[-1] == "c" and calls.count("c") == 2
