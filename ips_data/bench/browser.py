"""`ips-data bench --browser`: app start to first rendered overview, as a user sees it.

Starts the real app as `make run` does (`python -m ui.serve`, i.e. Streamlit on
`app.py` with the extract loading from the start) on the extract, opens it in Chromium and
stops the clock when the overview has rendered: the script has finished, no skeleton
is left and the participant cards show their numbers. Measured twice per run: with an
empty app cache directory (a new extract: validation + build) and again with the
stored database of the first start (an unchanged extract). Needs the test extras
(Playwright) and Debian's Chromium; the app's own cache and the extract are untouched
(a temporary IPS_CACHE_DIR is used).
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 120_000
_RENDERED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  const values = [...document.querySelectorAll("[data-testid='stMetricValue']")];
  return app !== null && app.getAttribute("data-test-script-state") === "notRunning"
    && document.querySelector("[data-testid='stSkeleton']") === null
    && values.length > 0 && values.every(v => /[0-9]/.test(v.textContent));
}"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 1.0) -> bool:
    """Streamlit's plain HTTP health endpoint answers "ok" within ``timeout`` seconds."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as resp:
            return resp.read().strip() == b"ok"
    except OSError:  # not listening yet (URLError is an OSError)
        return False


def app_command(port: int) -> list[str]:
    """The app as `make run` starts it (`python -m ui.serve`), headless on 127.0.0.1."""
    return [sys.executable, "-m", "ui.serve", "--server.headless=true",
            f"--server.port={port}", "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]


def stop(proc: subprocess.Popen, timeout: float = 30) -> None:
    """Terminate the app and wait for it (killed if it does not stop in time)."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def peak_rss_mb(pid: int) -> float:
    """A live process's peak resident memory so far (Linux: VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmHWM for process {pid}")


def _one_start(browser, data_dir: Path, cache_dir: Path, log: Path) -> tuple[float, float]:
    """Milliseconds from spawning the app to the rendered overview, and the app process's
    peak resident memory (MB). The app is stopped only once its stored database exists
    (written in the background), so the peak includes writing it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "IPS_DATA_DIR": str(data_dir.resolve()),
           "IPS_CACHE_DIR": str(cache_dir), "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    with log.open("ab") as out:
        proc = subprocess.Popen(app_command(port), cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    page = browser.new_page()
    try:
        pause = threading.Event()
        while not healthy(url):  # the first request as soon as the server answers
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited ({proc.returncode}); see {log}")
            pause.wait(0.05)
        page.goto(url + "/", timeout=TIMEOUT_MS)
        page.wait_for_function(_RENDERED, polling=50, timeout=TIMEOUT_MS)
        elapsed = (time.perf_counter() - started) * 1000
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not list(cache_dir.glob("*.duckdb")) and time.monotonic() < deadline:
            pause.wait(0.2)
        return elapsed, peak_rss_mb(proc.pid)
    finally:
        page.close()
        stop(proc)


def browser_start(data_dir: Path, repeats: int = 1) -> dict:
    """Median/min/max of cold (new extract) and stored (unchanged extract) starts, and
    the largest peak resident memory of the app process over them."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is needed for --browser (apt install chromium)")
    cold, stored, rss = [], [], []
    log = Path(tempfile.mkstemp(prefix="ips-bench-app-", suffix=".log")[1])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--no-sandbox", "--disable-gpu"])
        try:
            for _ in range(repeats):
                cache = Path(tempfile.mkdtemp(prefix="ips-bench-app-cache-"))
                try:
                    for times in (cold, stored):
                        ms, mb = _one_start(browser, data_dir, cache, log)
                        times.append(ms)
                        rss.append(mb)
                finally:
                    shutil.rmtree(cache, ignore_errors=True)
        finally:
            browser.close()
    log.unlink(missing_ok=True)

    def stats(ms: list[float]) -> dict:
        return {"median_ms": round(statistics.median(ms), 1), "min_ms": round(min(ms), 1),
                "max_ms": round(max(ms), 1), "runs": len(ms)}

    return {"browser_start_to_overview_cold": stats(cold),
            "browser_start_to_overview_stored": stats(stored),
            "browser_app_peak_rss_mb": max(rss)}
