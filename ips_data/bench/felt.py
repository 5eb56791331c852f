"""`ips-data bench --browser`: how long a click takes, as the person clicking feels it.

The app runs as `make run` starts it (`python -m ui.serve`) on the extract, with a
temporary cache folder whose stored database is built before the clock runs (a
running dashboard's normal state). In Chromium, per page:

- **filter change**: the start-year slider's lower end is moved one year with the
  keyboard, six times; each time the selection is new, so the page's queries run
  (nothing of it is cached: every page starts from its own upper end);
- **language toggle**: the sidebar's *English* toggle, six times; the data are cached,
  so this is the cost of drawing the page (charts, tables, cards) again.

Each figure is the time from the input event (keydown or click, in the page's clock)
to the app's script state turning idle again after the rerun it caused, as the
front end reports it (`data-test-script-state`), the rerun known by its own "script
finished" message (see `RECORDER`); median, min and max of six. Beside it, the median
time the page's main thread was busy per click (`MainThread`: scripts, style, layout,
paint), which does not wait for the server or for a core, so it moves much less with
the machine's other work than the felt time does.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ips_data.bench.browser import CHROMIUM, ROOT, app_command, free_port, healthy, stop
from ips_data.protection.scopes import Scope

PAGES = {"overview": "/", "effect": "/beskaeftigelse", "costs": "/oekonomi",
         "rollout": "/udrulning"}
#: the floor: the accessibility statement, a page of text under the same sidebar, timed
#: the same way. What a click costs there is Streamlit's own round trip and drawing of
#: the sidebar and page frame on this machine, with no figure of the extract.
FLOOR = {"text_only": "/tilgaengelighed"}
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]
SETTLE_MS = 180_000
START_TIMEOUT_S = 120.0

#: ForwardMsg's `script_finished` field (a varint: 0 = a whole run finished successfully;
#: 2 = stopped for a rerun, 3 = a fragment's run); `tests/test_bench.py` checks it
#: against Streamlit's message definitions.
SCRIPT_FINISHED_FIELD = 6

#: Records the time of every input event, every script-state change and every whole
#: run's "script finished" message (page clock). The front end handles the messages of
#: a short run that arrive while its main thread is busy in one task, and React then
#: commits "running" and "not running" together: the state attribute does not change
#: at all. Waiting for a change then waited for the next run (the live-reload check,
#: every 10 s) and timed 10 s for a click the page had answered long before. So a run
#: is known to be over from its own message, read off the WebSocket.
RECORDER = """
window.__ipsInput = null;
window.__ipsStates = [];
window.__ipsFinished = [];
for (const type of ['keydown', 'pointerdown']) {
  document.addEventListener(type, () => { window.__ipsInput = performance.now(); }, true);
}
new MutationObserver((records) => {
  for (const r of records) {
    const state = r.target.getAttribute('data-test-script-state');
    if (state) window.__ipsStates.push([state, performance.now()]);
  }
}).observe(document, {subtree: true, attributes: true,
                      attributeFilter: ['data-test-script-state']});
const finishedStatus = (bytes) => {  // the top-level script_finished field, else null
  let i = 0;
  const varint = () => {
    let value = 0, scale = 1;
    while (i < bytes.length) {
      const b = bytes[i++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    return null;
  };
  while (i < bytes.length) {
    const key = varint();
    if (key === null) return null;
    const field = Math.floor(key / 8), wire = key - 8 * field;
    if (wire === 0) {
      const value = varint();
      if (field === SCRIPT_FINISHED_FIELD) return value;
    } else if (wire === 2) { const n = varint(); if (n === null) return null; i += n; }
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else return null;
  }
  return null;
};
window.__ipsFinishedStatus = finishedStatus;  // for tests/test_bench.py
const PageSocket = window.WebSocket;
window.WebSocket = class extends PageSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (event) => {
      const at = performance.now();
      const read = (buffer) => {
        if (finishedStatus(new Uint8Array(buffer)) !== 0) return;
        // [arrival, the first frame after the front end has handled it (the page shows
        // it); null until then]
        const run = [at, null];
        window.__ipsFinished.push(run);
        requestAnimationFrame(() => setTimeout(() => { run[1] = performance.now(); }, 0));
      };
      if (event.data instanceof ArrayBuffer) read(event.data);
      else if (event.data && event.data.arrayBuffer) event.data.arrayBuffer().then(read);
    });
  }
};
""".replace("SCRIPT_FINISHED_FIELD", str(SCRIPT_FINISHED_FIELD))
#: Forgets what the recorder saw, before the next input.
RESET = ("() => { window.__ipsInput = null; window.__ipsStates = [];"
         " window.__ipsFinished = []; }")
_SETTLED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return app !== null && app.getAttribute("data-test-script-state") === "notRunning"
    && document.querySelector("[data-testid='stSkeleton']") === null;
}"""
#: ms from the last input to the page idle after the first whole run that finished after
#: it: the state's change to idle after that run's "script finished" message, or (when
#: the front end committed the run without a visible change) the first frame after it
#: (a page that draws no frames: the message's arrival); null while that run has not
#: finished.
ELAPSED = """() => {
  const t0 = window.__ipsInput;
  if (t0 === null) return null;
  const finished = window.__ipsFinished.find(([at]) => at >= t0);
  if (finished === undefined) return null;
  const app = document.querySelector("[data-testid='stApp']");
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  if (document.querySelector("[data-testid='stSkeleton']") !== null) return null;
  const [arrived, shown] = finished;
  const idle = window.__ipsStates.find(([state, at]) => state === 'notRunning' && at >= arrived);
  if (idle !== undefined) return idle[1] - t0;
  if (shown !== null) return shown - t0;
  // a page that draws no frames (a hidden one): the message's arrival, once it is clear
  return performance.now() - arrived > 1000 ? arrived - t0 : null;
}"""


def stats(ms: list[float]) -> dict:
    return {"median_ms": round(statistics.median(ms), 1), "min_ms": round(min(ms), 1),
            "max_ms": round(max(ms), 1), "runs": len(ms)}


@contextmanager
def running_app(data_dir: Path, cache_dir: Path, log: Path) -> Iterator[tuple[str, int]]:
    """(url, pid) of the app on the extract, healthy; stopped on exit."""
    port = free_port()
    env = {**os.environ, "IPS_DATA_DIR": str(data_dir.resolve()),
           "IPS_CACHE_DIR": str(cache_dir), "PYTHONUNBUFFERED": "1"}
    env.pop("IPS_SUPPRESSION_THRESHOLD", None)
    with log.open("ab") as out:
        proc = subprocess.Popen(app_command(port), cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        pause = threading.Event()
        while not healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start; see {log}")
            pause.wait(0.1)
        yield url, proc.pid
    finally:
        stop(proc)


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is needed for --browser (apt install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, url: str, wait: bool = True):
    """A Danish 1400×1000 page with the recorder, opened at `url` and (unless `wait` is
    false: the caller settles it later) settled."""
    ctx = browser.new_context(locale="da-DK", viewport={"width": 1400, "height": 1000})
    ctx.add_init_script(RECORDER)
    page = ctx.new_page()
    page.goto(url, timeout=SETTLE_MS, wait_until="commit")
    if wait:
        settle(page)
    return page


def settle(page) -> None:
    page.wait_for_function(_SETTLED, polling=20, timeout=SETTLE_MS)
    if page.get_by_test_id("stException").count():
        raise RuntimeError(f"{page.url} shows an exception: "
                           f"{page.get_by_test_id('stException').first.inner_text()}")


def felt_ms(page, action: Callable[[], None]) -> float:
    """Milliseconds from the input `action` makes to the end of the rerun it causes."""
    page.evaluate(RESET)
    action()
    handle = page.wait_for_function(ELAPSED, polling=10, timeout=SETTLE_MS)
    return float(handle.json_value())


def start_year_thumb(page):
    """The start-year slider's lower thumb (the first slider of the sidebar)."""
    return page.get_by_test_id("stSidebar").get_by_role("slider").first


def year_url(url: str, path: str, first: int, last: int) -> str:
    return f"{url}{path}?aar={first}&aar={last}"


class MainThread:
    """The page's main-thread busy time (Chrome's `TaskDuration`, over the DevTools
    protocol): what a click costs the browser, whatever else the machine is doing
    meanwhile (the felt time also waits for the server and for a core)."""

    def __init__(self, page) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")

    def busy_ms(self) -> float:
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return 1000 * next(m["value"] for m in metrics if m["name"] == "TaskDuration")


def _clicks(page, main: MainThread, action: Callable[[], None], repeats: int) -> dict:
    """`action` `repeats` times: the felt figure with the median main-thread time."""
    felt, busy = [], []
    for _ in range(repeats):
        before = main.busy_ms()
        felt.append(felt_ms(page, action))
        busy.append(main.busy_ms() - before)
    return {**stats(felt), "main_thread_median_ms": round(statistics.median(busy), 1)}


def page_figures(browser, url: str, years: tuple[int, int], repeats: int = 6,
                 pages: dict[str, str] = PAGES) -> dict:
    """Filter change and language toggle per page (see the module's docstring), each
    with the median main-thread time of the page per click (`MainThread`)."""
    first, last = years
    out: dict[str, dict] = {}
    for i, (name, path) in enumerate(pages.items()):
        page = new_page(browser, year_url(url, path, first, last - 1 - i))
        try:
            main = MainThread(page)
            thumb = start_year_thumb(page)

            def year_later(p=page, thumb=thumb) -> None:
                thumb.focus()
                p.keyboard.press("ArrowRight")

            toggle = page.get_by_test_id("stSidebar").get_by_text("English", exact=True)
            out[name] = {"filter_change": _clicks(page, main, year_later, repeats),
                         "language_toggle": _clicks(page, main, toggle.click, repeats)}
        finally:
            page.context.close()
    return out


def prepared_cache(data_dir: Path, cache_dir: Path) -> tuple[int, int]:
    """Build and store the extract's database in `cache_dir` (as a running dashboard
    has it); returns the slider's ends (first and last start year)."""
    from ips_data.loading.database import load_dataset

    ds = load_dataset(data_dir, cache_dir=cache_dir)
    try:
        span = ds.start_year_range(Scope.everything())
    finally:
        ds.close()  # writes the stored copy now
    if span is None or span[1] - span[0] < 8:
        raise ValueError(f"{data_dir}: the felt figures need start years over 8+ years")
    return span


def warm_up(browser, url: str) -> None:
    """Visit every page once (the first visit of a process imports the page's modules)."""
    for path in PAGES.values():
        new_page(browser, url + path).context.close()


def server_crowd(url: str, years: tuple[int, int], pid: int, sessions: int = 20) -> dict:
    """The server-side crowd (`ui/load_test.py`) for the app at `url`, run as
    `python -m ui.load_test` from the project folder (it needs Streamlit's message
    definitions, which the engine never imports, and the dashboard's modules are not
    installed with the `ips_data` package)."""
    done = subprocess.run([sys.executable, "-m", "ui.load_test", url, str(years[0]),
                           str(years[1]), str(pid), "--sessions", str(sessions)],
                          cwd=ROOT, capture_output=True, text=True, timeout=SETTLE_MS / 1000)
    if done.returncode != 0:
        raise RuntimeError(f"python -m ui.load_test failed ({done.returncode}): "
                           f"{done.stderr.strip()[-2000:]}")
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise ValueError(f"python -m ui.load_test printed no JSON: {done.stdout[-500:]!r}") from exc


def felt_figures(data_dir: Path, repeats: int = 6) -> dict:
    """Per page: filter change and language toggle; then the 20-session crowd, in
    Chromium and (`ui/load_test.py`, on a fresh app) as the server sees it."""
    from ips_data.bench.crowd import crowd

    cache = Path(tempfile.mkdtemp(prefix="ips-bench-felt-cache-"))
    log = Path(tempfile.mkstemp(prefix="ips-bench-felt-", suffix=".log")[1])
    try:
        years = prepared_cache(data_dir, cache)
        with running_app(data_dir, cache, log) as (url, pid), chromium() as browser:
            warm_up(browser, url)
            pages = page_figures(browser, url, years, repeats)
            floor = page_figures(browser, url, years, repeats, pages=FLOOR)
            try:
                together = crowd(browser, url, years, pid)
            except Exception as exc:
                together = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        with running_app(data_dir, cache, log) as (url, pid):  # a fresh app: nothing cached
            try:
                server = server_crowd(url, years, pid)
            except (RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
                server = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    log.unlink(missing_ok=True)
    return {"felt": pages, "felt_floor": floor, "concurrent_filter_change": together,
            "concurrent_filter_change_server": server}
