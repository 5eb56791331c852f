"""`ips-data bench` runs end to end on a small extract, reports every figure the README
table lists, and never writes into the data folder."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from ips_data.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ("validate_cold", "validate_after_drop", "reload_after_drop", "load_cold",
           "start_to_first_overview_cold", "start_to_first_overview_stored", "pages_cached")


def _snapshot(root: Path) -> dict:
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in root.rglob("*") if p.is_file()}


def test_bench_reports_every_figure_and_leaves_the_extract_alone(tmp_path, capsys):
    data = shutil.copytree(ROOT / "sample_data", tmp_path / "data")
    before = _snapshot(data)
    assert main(["bench", "--data-dir", str(data), "--repeats", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    for name in FIGURES:
        figure = result[name]
        assert figure["runs"] >= 1 and 0 < figure["min_ms"] <= figure["median_ms"] \
            <= figure["max_ms"], name
    assert set(result["pages_uncached"]) == {"overview", "effect", "costs", "rollout"}
    assert set(result["sections_uncached"]) == {
        "effect/adjusted", "effect/trend", "effect/municipalities", "costs/municipalities",
        "rollout/status", "rollout/fidelity"}
    assert all(s["runs"] >= 1 and s["median_ms"] > 0 for s in result["sections_uncached"].values())
    assert result["rows"]["participants"] > 0 and result["peak_rss_mb"] > 0
    assert all(v > 0 for v in result["ratios"].values())
    for when in ("before", "after"):
        machine = result["machine"][when]
        assert machine["one_process_ms"] > 0 and machine["two_processes_ms"] > 0, machine
    assert _snapshot(data) == before


def test_machine_speed_times_the_work_it_is_given():
    """Four times the work takes clearly longer, alone and in two processes at once."""
    from ips_data.bench.machine import speed

    small, large = speed(500_000), speed(2_000_000)
    assert small["work"] == 500_000 and large["work"] == 2_000_000
    for key in ("one_process_ms", "two_processes_ms"):
        assert large[key] > 2 * small[key] > 0, (key, small, large)


def test_peak_rss_of_a_process_agrees_with_getrusage():
    """The app's peak memory is read from /proc (VmHWM); for this process it must agree
    with the kernel's getrusage figure."""
    import os
    import resource

    from ips_data.bench.browser import peak_rss_mb

    ballast = bytearray(64 * 1024 * 1024)  # make the peak clearly larger than at start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak_rss_mb(os.getpid()) == pytest.approx(own, abs=2)
    assert peak_rss_mb(os.getpid()) >= 64
    del ballast


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's Chromium")
def test_browser_bench_starts_the_app_twice_and_leaves_the_extract_alone(tmp_path):
    """`ips-data bench --browser`'s part: a new-extract start and a stored start, each to
    the rendered overview, with the app process's peak memory."""
    from ips_data.bench.browser import browser_start

    data = shutil.copytree(ROOT / "sample_data", tmp_path / "data")
    before = _snapshot(data)
    result = browser_start(data, repeats=1)
    for name in ("browser_start_to_overview_cold", "browser_start_to_overview_stored"):
        assert result[name]["runs"] == 1 and result[name]["min_ms"] > 0, name
    assert result["browser_app_peak_rss_mb"] > 50  # a Python process with the app loaded
    assert _snapshot(data) == before


@pytest.mark.parametrize("values, expected", [
    ([5.0], 5.0), (list(range(1, 21)), 19), (list(range(1, 101)), 95), ([3, 1, 2], 3),
])
def test_p95_is_the_nearest_rank(values, expected):
    from ips_data.bench.crowd import p95

    assert p95(values) == expected


def test_cpu_counters_follow_work_done():
    """The crowd's CPU accounting: a busy loop in this process shows in both counters."""
    from ips_data.bench.crowd import machine_busy_s, process_cpu_s

    own, busy = process_cpu_s(os.getpid()), machine_busy_s()
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    assert process_cpu_s(os.getpid()) - own >= 0.25
    assert machine_busy_s() - busy >= 0.25


def test_cli_figures_time_whole_processes_and_leave_the_extract_alone(tmp_path):
    from ips_data.bench.process import cli_figures

    data = shutil.copytree(ROOT / "sample_data", tmp_path / "data")
    before = _snapshot(data)
    result = cli_figures(data, repeats=2, first_calls=2)
    assert result["cli_summary_repeated"]["runs"] == result["cli_summary_first_call"]["runs"] == 2
    assert len(result["cli_summary_first_call"]["load_1m"]) == 2
    for name in ("cli_summary_first_call", "cli_summary_repeated",
                 "cli_summary_by_municipality", "cli_summary_no_cache"):
        assert 0 < result[name]["min_ms"] <= result[name]["max_ms"], name
        assert result[name]["cpu_median_ms"] > 0, name  # the process's own CPU time
    assert _snapshot(data) == before


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's Chromium")
def test_felt_figures_per_page_and_for_concurrent_sessions(tmp_path):
    """`ips-data bench --browser`'s felt part, small: one filter change and one language
    toggle per page, four sessions changing a filter at once."""
    from ips_data.bench import felt
    from ips_data.bench.crowd import crowd

    data = shutil.copytree(ROOT / "sample_data", tmp_path / "data")
    cache = tmp_path / "cache"
    years = felt.prepared_cache(data, cache)
    with felt.running_app(data, cache, tmp_path / "app.log") as (url, pid), \
            felt.chromium() as browser:
        pages = felt.page_figures(browser, url, years, repeats=1)
        floor = felt.page_figures(browser, url, years, repeats=1, pages=felt.FLOOR)
        together = crowd(browser, url, years, pid, sessions=4)
    assert set(pages) == set(felt.PAGES) and set(floor) == set(felt.FLOOR)
    for figures in [*pages.values(), *floor.values()]:
        for what in ("filter_change", "language_toggle"):
            assert figures[what]["runs"] == 1 and figures[what]["min_ms"] > 0, what
            # the browser drew the rerun: its main thread was busy for some of it
            assert 0 < figures[what]["main_thread_median_ms"] < 60_000, what
    assert together["sessions"] == 4 and 0 < together["median_ms"] <= together["p95_ms"]
    assert together["app_peak_rss_mb"] > 50
    # the app worked for the four reruns, and the CPU figures add up within the wall time
    assert together["app_cpu_s"] > 0 and together["other_cpu_s"] >= 0
    assert together["app_cpu_s"] + together["other_cpu_s"] <= 2 * together["wall_s"] + 0.5


@pytest.mark.slow
def test_sessions_without_a_browser_time_a_change_the_app_takes(tmp_path, monkeypatch):
    """The server-side crowd: four sessions over the app's WebSocket protocol, each on
    its own page and region; a change the app draws as before fails (proof that the
    figure times real reruns). The bench runs it as its own process from the project
    folder, so it works from any folder (the installed `ips-data` cannot import `ui`)."""
    import asyncio

    from ips_data.bench import felt
    from ui.load_test import Session, SessionError, plan

    data = shutil.copytree(ROOT / "sample_data", tmp_path / "data")
    cache = tmp_path / "cache"
    years = felt.prepared_cache(data, cache)
    assert len({query for _, query in plan(years, 4)}) == 4  # own region each
    with felt.running_app(data, cache, tmp_path / "app.log") as (url, pid):
        monkeypatch.chdir(tmp_path)
        result = felt.server_crowd(url, years, pid, sessions=4)
        monkeypatch.chdir(ROOT)

        async def unchanged() -> None:
            page, query = plan(years, 1)[0]
            # the session believes the years start a year early: its "change" sets the
            # years the page already shows
            session = Session(url, page, query, (years[0] - 1, years[1] - 1))
            try:
                await session.open()
                await session.move_start_year()
            finally:
                await session.close()

        with pytest.raises(SessionError, match="drawn as before"):
            asyncio.run(unchanged())
    assert result["sessions"] == 4 and 0 < result["median_ms"] <= result["p95_ms"]
    assert result["app_cpu_s"] > 0 and result["app_peak_rss_mb"] > 50


def test_the_recorder_reads_the_script_finished_field_of_streamlits_messages():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from ips_data.bench import felt

    assert ForwardMsg.DESCRIPTOR.fields_by_name["script_finished"].number \
        == felt.SCRIPT_FINISHED_FIELD


def _forward(**fields) -> bytes:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg(hash="9f2c", **fields)
    msg.metadata.delta_path.extend([0, 3])
    return msg.SerializeToString()


def _delta() -> bytes:
    """A long nested message (a markdown element) and no status."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg(hash="x" * 300)
    msg.delta.new_element.markdown.body = "Beskæftigelse " * 40
    return msg.SerializeToString()


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's Chromium")
def test_the_recorder_tells_a_finished_run_from_other_messages():
    from ips_data.bench import felt

    cases = [
        (_forward(script_finished=0), 0),  # a whole run: the one a click waits for
        (_forward(script_finished=2), 2),  # stopped for a rerun
        (_forward(script_finished=3), 3),  # a fragment's run (the live-reload check)
        (_forward(), None),
        (_delta(), None),  # other fields skipped to find (no) status
    ]
    with felt.chromium() as browser:
        page = browser.new_page()
        page.add_init_script(felt.RECORDER)
        page.goto("data:text/html,<p>recorder</p>")
        got = [page.evaluate("(b) => window.__ipsFinishedStatus(new Uint8Array(b))",
                             list(data)) for data, _ in cases]
    assert got == [status for _, status in cases]
