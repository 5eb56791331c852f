"""`ips-data bench --browser`: 20 sessions changing a filter at once, as the server sees it.

A load test of the dashboard over its own wire protocol, so it lives with the dashboard
(it needs Streamlit's message definitions); the engine's bench (`ips_data/bench/felt.py`)
calls it.

The Chromium crowd (`crowd.py`) runs twenty browsers on the server's own two cores:
drawing their pages took more CPU than the app did, so its figure says more about
twenty Chromiums on one small machine than about the app (each person has a computer
of their own). This figure leaves the drawing out: twenty sessions speak the app's own
WebSocket protocol (`/_stcore/stream`, the messages of Streamlit's protobuf
definitions, as its front end sends them) from one light client process. Each session
opens its page with its own region and start years (page and region differ for every
session, so nothing is cached), then all send the same change as the browser crowd at
the same moment: the start-year slider's lower end one year up. Each figure is from
sending that change to the app's "script finished" message, after every element of
the rerun has arrived; reported as median, 95th percentile (nearest rank) and max,
with the app process's CPU seconds and peak resident memory.
"""

from __future__ import annotations

import asyncio
import hashlib
import statistics
import time
from urllib.parse import urlencode

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from ips_data.bench.browser import peak_rss_mb
from ips_data.bench.crowd import p95, process_cpu_s
from ips_data.bench.felt import PAGES
from ips_data.municipalities import REGIONS

SESSIONS = 20
TIMEOUT_S = 180.0
#: the start-year slider's widget key (its element id ends with it)
SLIDER_KEY = "aar"
#: the elements that show figures (cards, charts, tables)
FIGURES = ("metric", "plotly_chart", "dataframe")
#: the pages whose default view is made of figures of the start years (the rollout
#: page's first section, status map and list, shows them only in the map's hover texts,
#: the 18-month share, which a one-year change may leave as it was)
FOLLOW_YEARS = ("", "beskaeftigelse", "oekonomi")


class SessionError(RuntimeError):
    """A session's run failed (an exception on the page, or the run did not finish)."""


class Session:
    """One browser-less session of the app: opens a page, changes a widget."""

    def __init__(self, url: str, page: str, query: str, years: tuple[int, int]) -> None:
        self.url = url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.page, self.query = page, query
        self.ws = None
        self.slider = None  # the start-year slider's element
        self.years = years  # the slider's ends as the session opens
        self.drawn = b""  # a digest of the figures the last run drew

    async def open(self) -> None:
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"],
                                           max_size=None)
        await self._run(None)

    async def move_start_year(self) -> float:
        """Move the slider's lower end one year up; ms until the rerun has finished. A
        change the app did not take would draw the page as before: on a page that shows
        figures of the start years, that fails instead of being timed."""
        if self.slider is None:
            raise SessionError(f"{self.page}: no start-year slider")
        low, high = self.years
        before = self.drawn
        start = time.perf_counter()
        await self._run((self.slider.id, [low + 1, high]))
        elapsed = (time.perf_counter() - start) * 1000
        if self.drawn == before and self.page in FOLLOW_YEARS:
            raise SessionError(f"{self.page}?{self.query}: the page is drawn as before "
                               f"after the change to {[low + 1, high]}")
        return elapsed

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def _run(self, change: tuple[str, list[float]] | None) -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string, state.page_name = self.query, self.page
        if change is not None:
            widget = state.widget_states.widgets.add()
            widget.id = change[0]
            widget.double_array_value.data.extend(change[1])
        await self.ws.send(msg.SerializeToString())
        drawn = hashlib.sha256()
        async with asyncio.timeout(TIMEOUT_S):
            while True:
                reply = ForwardMsg()
                reply.ParseFromString(await self.ws.recv())
                kind = reply.WhichOneof("type")
                if kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                    if self._seen(reply.delta.new_element):
                        drawn.update(reply.delta.new_element.SerializeToString())
                elif kind == "script_finished":
                    if reply.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                        raise SessionError(f"{self.page}?{self.query}: the run ended with "
                                           f"status {reply.script_finished}")
                    self.drawn = drawn.digest()
                    return

    def _seen(self, element) -> bool:
        """Note the start-year slider; fail on an exception. True for an element that
        shows figures (its content goes into the run's digest; widgets and download
        buttons carry ids that differ from run to run)."""
        kind = element.WhichOneof("type")
        if kind == "exception":
            raise SessionError(f"{self.page}?{self.query}: {element.exception.message}")
        if kind == "slider" and element.slider.id.endswith(f"-{SLIDER_KEY}"):
            self.slider = element.slider
        return kind in FIGURES


def plan(years: tuple[int, int], sessions: int) -> list[tuple[str, str]]:
    """(page name, query string) per session: the four figure pages in turn, each session
    on its own region, the start years up to the last but one (as the browser crowd)."""
    first, last = years
    pages = [path.strip("/") for path in PAGES.values()]
    regions = sorted(REGIONS)
    return [(pages[j % len(pages)],
             urlencode({"region": REGIONS[regions[j % len(regions)]],
                        "aar": [first, last - 1]}, doseq=True))
            for j in range(sessions)]


async def _crowd(url: str, years: tuple[int, int], sessions: int,
                 pid: int) -> tuple[list[float], float, float]:
    """Each session's ms, the app's CPU seconds and the wall seconds of the change."""
    ends = (years[0], years[1] - 1)
    clients = [Session(url, page, query, ends) for page, query in plan(years, sessions)]
    try:
        await asyncio.gather(*(c.open() for c in clients))
        before, start = process_cpu_s(pid), time.monotonic()
        ms = list(await asyncio.gather(*(c.move_start_year() for c in clients)))
        return ms, process_cpu_s(pid) - before, time.monotonic() - start
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


def server_crowd(url: str, years: tuple[int, int], pid: int,
                 sessions: int = SESSIONS) -> dict:
    """The figure (see the module's docstring) for the app at `url` (process `pid`)."""
    ms, cpu, wall = asyncio.run(_crowd(url, years, sessions, pid))
    return {"sessions": sessions, "median_ms": round(statistics.median(ms), 1),
            "p95_ms": round(p95(ms), 1), "max_ms": round(max(ms), 1),
            "app_peak_rss_mb": peak_rss_mb(pid), "wall_s": round(wall, 1),
            "app_cpu_s": round(cpu, 1)}


def main(argv: list[str] | None = None) -> int:
    """`python -m ui.load_test URL FIRST LAST PID [--sessions N]`: the figure as JSON on
    standard output (the engine's bench runs it so, from the project folder: the
    dashboard's modules are not part of the installed `ips_data` package)."""
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m ui.load_test")
    parser.add_argument("url")
    parser.add_argument("first", type=int, help="the slider's first start year")
    parser.add_argument("last", type=int, help="the slider's last start year")
    parser.add_argument("pid", type=int, help="the app's process id (CPU and memory)")
    parser.add_argument("--sessions", type=int, default=SESSIONS)
    args = parser.parse_args(argv)
    result = server_crowd(args.url, (args.first, args.last), args.pid, args.sessions)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
