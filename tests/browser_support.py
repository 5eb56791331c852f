"""Shared pieces for the Playwright tests: the real app on a free port, Debian's
Chromium, and waiting for Streamlit to settle (no fixed sleeps anywhere).

`running_app` takes the environment to run with, `settle` a timeout. Starting, probing
and stopping the app are `ips_data.bench.browser`'s (what `ips-data bench --browser`
measures), so the tests run the app exactly as `make run` and the benchmark do.

The fixtures a module of tests on the sample extract shares (one app, one browser, one
context; a tab per test) are here too; a test module takes them under the names its tests
ask for: ``app = sample_app``, ``browser = module_browser``,
``context = module_context(accept_downloads=True)``, ``page = tab``.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from ips_data.bench.browser import app_command, free_port, healthy, stop

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DATA = ROOT / "sample_data"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
START_TIMEOUT_S = 60.0
SETTLE_MS = 45_000  # a first page load validates the extract; charts render in software
UI_MS = 10_000
#: The marks of a module of browser tests (``pytestmark = BROWSER_TEST_MARKS``): selected
#: by ``-m browser``, skipped where Debian's Chromium is missing.
BROWSER_TEST_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's Chromium (/usr/bin/chromium) is not installed"),
]
# The sample extract with the default threshold (5) and the app's default cache folder.
SAMPLE_APP_ENV: dict[str, str | None] = {
    "IPS_DATA_DIR": str(SAMPLE_DATA), "IPS_SUPPRESSION_THRESHOLD": None, "IPS_CACHE_DIR": None,
}

# Counts every switch of the app's script state to "running", so a test can wait for
# the rerun an interaction causes instead of racing it (add with add_init_script).
RUN_COUNTER = """
window.__stRuns = 0;
new MutationObserver((records) => {
  for (const r of records) {
    if (r.target.getAttribute('data-test-script-state') === 'running') window.__stRuns += 1;
  }
}).observe(document, {subtree: true, attributes: true,
                      attributeFilter: ['data-test-script-state']});
"""


@dataclass
class App:
    url: str
    proc: subprocess.Popen
    log: Path
    visits: int = 0  # pages opened so far (0: the next visit is the server's first)

    def output(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text[-6000:]

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            pytest.fail(f"the app exited with code {self.proc.returncode}; its output:\n"
                        f"{self.output()}", pytrace=False)


@contextmanager
def running_app(log: Path, env: Mapping[str, str | None], port: int | None = None,
                args: tuple[str, ...] = ()) -> Iterator[App]:
    """The app as `make run` starts it (``python -m ui.serve``: Streamlit on app.py) on a
    free port (or ``port``), with extra Streamlit ``args``, healthy; stopped (and waited
    for) on exit. ``env`` overrides the environment; a None value unsets the variable."""
    port = port or free_port()
    full = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name, value in env.items():
        if value is None:
            full.pop(name, None)
        else:
            full[name] = value
    with log.open("wb") as out:  # stderr joins stdout: a crash shows in the log
        proc = subprocess.Popen([*app_command(port), *args], cwd=ROOT, env=full, stdout=out,
                                stderr=subprocess.STDOUT)
    running = App(url=f"http://127.0.0.1:{port}", proc=proc, log=log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        pause = threading.Event()
        while not healthy(running.url):
            running.check_alive()
            if time.monotonic() > deadline:
                pytest.fail(f"the app was not healthy within {START_TIMEOUT_S:.0f} s; its "
                            f"output:\n{running.output()}", pytrace=False)
            pause.wait(0.2)
        yield running
    finally:
        stop(proc, timeout=10)


_SETTLED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return app !== null && app.getAttribute("data-test-script-state") === "notRunning"
    && document.querySelector("[data-testid='stSkeleton']") === null;
}"""


def settle(page: Page, timeout: int = SETTLE_MS) -> None:
    """Wait until the script has run and every element has rendered; no exception shown.

    The function wait polls every 100 ms, so a test moves on as soon as the page has
    settled (``expect`` backs off to one retry a second); the ``expect`` calls then
    state the same conditions as assertions."""
    page.wait_for_function(_SETTLED, polling=100, timeout=timeout)
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)
    errors = page.get_by_test_id("stException")
    if errors.count():
        shown = "\n---\n".join(e.inner_text() for e in errors.all())
        pytest.fail(f"{page.url} shows an exception:\n{shown}", pytrace=False)


def rerun(page: Page, action: Callable[[], None], timeout: int = SETTLE_MS) -> None:
    """Do ``action`` (which makes the app rerun), wait for that rerun, then settle (each
    within ``timeout`` ms). Needs `RUN_COUNTER` in the page."""
    before = page.evaluate("window.__stRuns")
    action()
    page.wait_for_function("n => window.__stRuns > n", arg=before, polling=100,
                           timeout=timeout)
    settle(page, timeout)


def heading(page: Page, text: str) -> Locator:
    return page.get_by_role("heading", name=text, exact=True)


def open_page(page: Page, app: App, path: str, timeout: int = SETTLE_MS) -> None:
    """Open ``path`` of the app in ``page`` and settle within ``timeout`` ms; not a 404."""
    app.visits += 1
    page.goto(app.url + path)
    settle(page, timeout)
    expect(heading(page, "Page not found")).to_have_count(0)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_context(browser: Browser, *init_scripts: str, **options) -> BrowserContext:
    """A Danish 1400×1000 browser context that counts the app's reruns (`RUN_COUNTER`),
    plus any other init scripts and context options."""
    ctx = browser.new_context(locale="da-DK", viewport={"width": 1400, "height": 1000},
                              **options)
    for script in (RUN_COUNTER, *init_scripts):
        ctx.add_init_script(script)
    ctx.set_default_timeout(UI_MS)
    return ctx



# ------------------------------------------------- fixtures shared by a module of tests
@pytest.fixture(scope="module")
def sample_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The app on the sample extract (`SAMPLE_APP_ENV`), one for the test module."""
    with running_app(tmp_path_factory.mktemp("app") / "streamlit.log",
                     SAMPLE_APP_ENV) as shared:
        yield shared


@pytest.fixture(scope="module")
def module_browser() -> Iterator[Browser]:
    """Debian's Chromium (`chromium`), one for the test module."""
    with chromium() as shared:
        yield shared


def module_context(**options: object) -> Callable[..., Iterator[BrowserContext]]:
    """A module-scoped fixture: one `new_context` with ``options`` on the module's
    ``browser`` (so the HTTP cache keeps the big JS chunks), closed after its tests."""

    @pytest.fixture(scope="module")
    def context(browser: Browser) -> Iterator[BrowserContext]:
        ctx = new_context(browser, **options)
        try:
            yield ctx
        finally:
            ctx.close()

    return context


@pytest.fixture
def tab(app: App, context: BrowserContext) -> Iterator[Page]:
    """A new tab (its own Streamlit session) in the module's ``context``; closed after
    the test, which fails if the module's ``app`` has died meanwhile."""
    page = context.new_page()
    try:
        yield page
    finally:
        page.close()
        app.check_alive()
