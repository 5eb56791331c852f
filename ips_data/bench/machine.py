"""How fast the machine itself is while the bench runs.

This machine's speed moves from hour to hour: the same code's figures have differed by
35-50 % between two runs an hour apart (README, Speed), and when its two cores are both
busy each may run well below the speed of one alone. Every bench figure moves with it,
so a figure is comparable with another run's only when the machine was as fast.
`speed` times one fixed piece of pure-Python work (no I/O, no allocation to speak of),
once in this process alone and once in two processes started together, one per core;
`ips-data bench` reads it before and after its own figures (`machine`).
"""

from __future__ import annotations

import multiprocessing
import time

#: iterations of the timed loop (≈ 0.15 s on this machine when it is fast)
WORK = 5_000_000
#: the single-process reading is the best of this many loops
TRIES = 3


def _loop_ms(work: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(work):
        total += i
    return (time.perf_counter() - start) * 1000


def _together(barrier, results, index: int, work: int) -> None:
    barrier.wait()  # both loops start at the same moment
    results[index] = _loop_ms(work)


def speed(work: int = WORK) -> dict[str, float]:
    """`one_process_ms`: the loop in this process (best of `TRIES`);
    `two_processes_ms`: the slower of two copies run at the same time in two processes
    (about the same as one when the machine has two free cores, up to twice as long
    when they share one)."""
    one = min(_loop_ms(work) for _ in range(TRIES))
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Array("d", 2)
    workers = [ctx.Process(target=_together, args=(barrier, results, i, work),
                           name=f"ips-bench-speed-{i}") for i in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if any(worker.exitcode != 0 for worker in workers):
        raise RuntimeError(f"machine speed reading: a worker exited with "
                           f"{[w.exitcode for w in workers]}")
    return {"work": work, "one_process_ms": round(one, 1),
            "two_processes_ms": round(max(results), 1)}
