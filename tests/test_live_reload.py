"""Live reload: the running dashboard while analysts add, replace and remove files.

The real app (``python -m ui.serve``, as ``make run``) serves a temporary copy of ``sample_data/``
(one app, one Chromium for the whole module) while the tests change that copy:

1. a valid participants + outcomes file appears -> the open overview shows the new
   IPS count by itself (the 10 s fingerprint check in ``ui.state``), no click;
2. bad files (table-driven) -> the data page lists the file as rejected with its rule,
   the overview shows the data-health warning, no number moves, ``ips-data validate``
   exits 1; each bad file is removed again before the next case;
3. the optional ``costs/`` folder disappears and comes back;
4. the file of step 1 is deleted -> the count returns;
5. stress: 20 sessions (``IPS_STRESS_SESSIONS`` to change it) watch the overview while a
   valid file comes and goes; plain HTTP health checks run alongside.

The last test checks that the app never moved, rewrote or deleted a file of the
extract. Nothing here sleeps for a fixed time: waits are ``expect(...)`` with timeouts,
pacing in the stress loop is ``threading.Event().wait``.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import cellkey_oracle
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from browser_support import (
    CHROMIUM,
    ROOT,
    SAMPLE_DATA,
    UI_MS,
    App,
    chromium,
    heading,
    healthy,
    new_context,
    open_page,
    rerun,
    running_app,
    settle,
)
from fixtures import cost, outcome, participant, write_table
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from ips_data.formatting import fmt_int
from ui.i18n import label, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's Chromium (/usr/bin/chromium) is not installed"),
]

DA = "da"
# The app checks the folder every 10 s (ui.state.RELOAD_EVERY); then it validates and
# loads the new extract (~1-2 s) and renders. 20 s leaves room on a busy 2-core machine.
RELOAD_MS = 20_000
STRESS_SESSIONS = int(os.environ.get("IPS_STRESS_SESSIONS", "20"))
STRESS_CONTEXTS = 4
STRESS_SECONDS = float(os.environ.get("IPS_STRESS_SECONDS", "20"))  # of churn
STRESS_MAX_DROPS = 12
HEALTH_TIMEOUT_S = 15.0  # answers slow down while 20 sessions rerun on 2 cores: reported
STRESS_MS = 90_000  # 20 sessions starting or rerendering at once share 2 cores
IPS_CLI = [sys.executable, "-m", "ips_data.cli"]


# ------------------------------------------------------------------ the extract copy
def _sample_ids() -> dict[str, list[str]]:
    """The sample's person ids per arm (the cards show their published count, 5b)."""
    rows = duckdb.sql("select arm, list(person_id) from read_parquet($p) group by arm",
                      params={"p": str(SAMPLE_DATA / "participants" / "*.parquet")}).fetchall()
    return dict(rows)


@dataclass(frozen=True)
class Drop:
    """Valid files a test adds: (table, file name, rows) and the persons they add."""

    files: tuple[tuple[str, str, tuple[dict, ...]], ...]
    ips: int
    comparison: int = 0

    def paths(self, root: Path) -> list[Path]:
        return [root / table / name for table, name, _ in self.files]

    def present(self, root: Path) -> bool:
        return all(p.exists() for p in self.paths(root))

    def write(self, root: Path) -> None:
        for table, name, rows in self.files:  # participants first: outcomes refer to them
            write_table(root, table, rows, name=name)

    def remove(self, root: Path) -> None:
        for path in reversed(self.paths(root)):
            path.unlink(missing_ok=True)

    def person_ids(self, arm: str) -> list[str]:
        return [row["person_id"] for table, _, rows in self.files if table == "participants"
                for row in rows if row["arm"] == arm]


# Step 1 (analyst's new delivery): 10 IPS persons in København (101), started 2022, so
# observable at 18 months, with their 18-month outcomes.
_NEW_IPS = [f"LR-NEW-{i:02d}" for i in range(1, 11)]
NEW_DELIVERY = Drop(
    files=(("participants", "lr-new-participants.parquet",
            tuple(participant(p, "ips", 101, date(2022, 1, 10)) for p in _NEW_IPS)),
           ("outcomes", "lr-new-outcomes.parquet",
            tuple(outcome(p, 18, i % 2 == 0, False, 12 if i % 2 == 0 else 0)
                  for i, p in enumerate(_NEW_IPS)))),
    ips=10,
)
# Step 5 (stress): one participants file, 10 IPS + 5 comparison persons, so two cards
# move together and a mix of old and new would show.
STRESS_DROP = Drop(
    files=(("participants", "lr-stress.parquet",
            tuple([participant(f"LR-ST-I{i:02d}", "ips", 101) for i in range(10)]
                  + [participant(f"LR-ST-C{i:02d}", "comparison", 101) for i in range(5)])),),
    ips=10, comparison=5,
)
DROPS = (NEW_DELIVERY, STRESS_DROP)

Snapshot = dict[str, tuple[int, int, str]]


def snapshot(root: Path) -> Snapshot:
    """relative path -> (size, mtime_ns, sha256) of every file below ``root``."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            st = path.stat()
            out[path.relative_to(root).as_posix()] = (
                st.st_size, st.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
    return out


@dataclass
class Extract:
    root: Path
    aside: Path  # outside the data folder: where a folder is moved while it is "gone"
    base: dict[str, list[str]]  # participants' ids per arm in the sample
    baseline: Snapshot
    owned: set[str] = field(default_factory=set)  # files the tests themselves wrote
    checked: bool = False

    def add(self, drop: Drop) -> None:
        self.owned.update(p.relative_to(self.root).as_posix() for p in drop.paths(self.root))
        drop.write(self.root)

    def ids(self, arm: str, plus: Drop | None = None) -> list[str]:
        """The persons of ``arm`` given which test files are in the folder now (and
        ``plus``, a drop about to be added)."""
        drops = [d for d in DROPS if d.present(self.root)] + ([plus] if plus else [])
        return self.base.get(arm, []) + [i for d in drops for i in d.person_ids(arm)]

    def count(self, arm: str) -> int:
        return len(self.ids(arm))

    def shown(self, arm: str = "ips", plus: Drop | None = None) -> str:
        """The card text for ``arm``: the published count of its persons (contract 5b,
        the independent cell-key oracle)."""
        return fmt_int(cellkey_oracle.count(self.ids(arm, plus)), DA)

    def changes(self) -> list[str]:
        """Files of the extract (not the tests' own) that differ from the start."""
        now = {k: v for k, v in snapshot(self.root).items() if k not in self.owned}
        keys = sorted(set(now) | set(self.baseline))
        return [f"{k}: {self.baseline.get(k)} -> {now.get(k)}" for k in keys
                if now.get(k) != self.baseline.get(k)]


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Extract]:
    top = tmp_path_factory.mktemp("live")
    root = Path(shutil.copytree(SAMPLE_DATA, top / "extract"))
    aside = top / "aside"
    aside.mkdir()
    ex = Extract(root=root, aside=aside, base=_sample_ids(), baseline=snapshot(root))
    yield ex
    # The app is stopped by now (its fixture depends on this one). Checked here too
    # when the last test did not run (-k, -x).
    if not ex.checked:
        assert not ex.changes(), "the extract was modified:\n" + "\n".join(ex.changes())


# Records, in every tab, each text the IPS participants card takes (with Date.now()), and
# what a viewer sees whenever the page has settled (script run finished, no stale element
# and no placeholder left): both participants cards and the number of exceptions shown.
_WATCH_CARDS = """
window.__lrChanges = [];
window.__lrSettled = [];
(() => {
  const LABELS = __LABELS__;
  const value = (lbl) => {
    for (const m of document.querySelectorAll("[data-testid='stMetric']")) {
      const l = m.querySelector("[data-testid='stMetricLabel']");
      if (l && l.innerText.trim() === lbl) {
        return m.querySelector("[data-testid='stMetricValue']").innerText.trim();
      }
    }
    return null;
  };
  const settled = () => {
    const app = document.querySelector("[data-testid='stApp']");
    return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
      && document.querySelector("[data-testid='stMain'] [data-stale='true']") === null
      && document.querySelector("[data-testid='stSkeleton']") === null
      && document.querySelector("[data-testid='stMetric']") !== null;
  };
  let last = null;
  new MutationObserver(() => {
    const now = value(LABELS[0]);
    if (now !== null && now !== last) { window.__lrChanges.push([Date.now(), now]); last = now; }
    if (settled()) {
      const seen = [...LABELS.map(value),
                    document.querySelectorAll("[data-testid='stException']").length];
      const prev = window.__lrSettled[window.__lrSettled.length - 1];
      if (!prev || prev.slice(1).join('|') !== seen.join('|')) {
        window.__lrSettled.push([Date.now(), ...seen]);
      }
    }
  }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true,
                        attributeFilter: ['data-test-script-state', 'data-stale']});
})();
""".replace("__LABELS__", json.dumps([t("participants_arm", DA, arm=label("arm", a, DA))
                                       for a in ("ips", "comparison")]))


# --------------------------------------------------------------------------- the app
@pytest.fixture(scope="module")
def app(extract: Extract, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    logs = tmp_path_factory.mktemp("live-app")
    env = {"IPS_DATA_DIR": str(extract.root), "IPS_CACHE_DIR": str(logs / "cache"),
           "IPS_SUPPRESSION_THRESHOLD": None}  # the default threshold
    with running_app(logs / "streamlit.log", env) as shared:
        yield shared
        shared.check_alive()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as shared:
        yield shared


def watching_context(browser: Browser) -> BrowserContext:
    """A context whose pages also record every participant card value (`_WATCH_CARDS`)."""
    return new_context(browser, _WATCH_CARDS)


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = watching_context(browser)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def tabs(app: App, context: BrowserContext) -> Iterator[Callable[[str], Page]]:
    """Opens settled tabs (each its own session); closes them after the test."""
    opened: list[Page] = []

    def open_tab(path: str) -> Page:
        tab = context.new_page()
        opened.append(tab)
        open_page(tab, app, path)
        return tab

    yield open_tab
    for tab in opened:
        tab.close()
    app.check_alive()


# --------------------------------------------------------------------------- helpers
def card(page: Page, arm: str = "ips") -> Locator:
    """The value of the overview's participants card of ``arm`` ("Deltagere: IPS")."""
    title = t("participants_arm", DA, arm=label("arm", arm, DA))
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(title, exact=True),
    ).get_by_test_id("stMetricValue")


def health_ok(page: Page) -> Locator:
    return page.locator(".stMarkdownBadge", has_text=t("ov_health_ok", DA))


def health_bad(page: Page, rejected: int) -> Locator:
    return page.locator(".stMarkdownBadge", has_text=t("ov_health_bad", DA, n=rejected))


def no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


def expect_clean_overview(page: Page, extract: Extract, timeout: int = UI_MS) -> None:
    expect(card(page)).to_have_text(extract.shown(), timeout=timeout)
    expect(health_ok(page)).to_be_visible(timeout=timeout)
    no_exception(page)


def nav_to(page: Page, key: str) -> None:
    """Move on through the sidebar navigation: an interaction (a rerun of the session)."""
    rerun(page, page.get_by_test_id("stSidebarNav").get_by_text(t(key, DA), exact=True).click)


def validate_cli(root: Path) -> subprocess.Popen:
    return subprocess.Popen([*IPS_CLI, "validate", "--data-dir", str(root), "--json"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)



# ---------------------------------------------------------------- 1. a new delivery
def test_new_file_shows_without_a_click(tabs: Callable[[str], Page], extract: Extract) -> None:
    viewer = tabs("/")
    before = extract.count("ips")
    assert before == len(extract.base["ips"]), "the folder is not clean at the start"
    expect_clean_overview(viewer, extract)

    started = time.monotonic()
    extract.add(NEW_DELIVERY)
    assert extract.count("ips") == before + 10
    expect(card(viewer)).to_have_text(extract.shown(), timeout=RELOAD_MS)
    seconds = time.monotonic() - started
    expect_clean_overview(viewer, extract)
    print(f"\n[live reload] new delivery shown after {seconds:.1f} s without interaction")


# ------------------------------------------------------------------- 2. bad files
def _valid_people(prefix: str, n: int = 10) -> list[dict]:
    return [participant(f"{prefix}-{i:02d}", "ips", 101) for i in range(n)]


def _truncated(root: Path) -> Path:
    whole = write_table(root.parent / "scratch", "participants", _valid_people("LR-TR"))
    data = whole.read_bytes()
    path = root / "participants" / "lr-truncated.parquet"
    path.write_bytes(data[: len(data) // 2])
    return path


def _empty(root: Path) -> Path:
    path = root / "participants" / "lr-empty.parquet"
    path.write_bytes(b"")
    return path


def _wrong_type(root: Path) -> Path:
    rows = [{**p, "municipality_code": "101"} for p in _valid_people("LR-WT")]
    return write_table(root, "participants", rows, name="lr-wrong-type.parquet",
                       types={"municipality_code": pa.string()})


def _cpr_like(root: Path) -> Path:
    rows = _valid_people("LR-CPR")
    rows[3]["person_id"] = "010190-1234"
    return write_table(root, "participants", rows, name="lr-cpr.parquet")


def _sample_person(where: str = "true") -> str:
    return duckdb.sql(
        "select person_id from read_parquet($p) p where " + where + " order by person_id limit 1",
        params={"p": str(SAMPLE_DATA / "participants" / "*.parquet")}).fetchall()[0][0]


def _duplicate(root: Path) -> Path:
    rows = _valid_people("LR-DUP")
    rows[0]["person_id"] = _sample_person()  # already in the (older) sample file
    return write_table(root, "participants", rows, name="lr-duplicate.parquet")


def _orphan(root: Path) -> Path:
    return write_table(root, "outcomes", [outcome("LR-GHOST-1", 18)],
                       name="lr-orphan.parquet")


def _mixed_price_year(root: Path) -> Path:
    costs = str(SAMPLE_DATA / "costs" / "*.parquet")
    pid = _sample_person(f"person_id not in (select person_id from read_parquet('{costs}'))")
    return write_table(root, "costs", [cost(pid, 18, "primary_care", 1000.0, 2021)],
                       name="lr-price-year.parquet")


def _corrupt_but_readable(root: Path) -> Path:
    """Ten new IPS participants whose file reads fine (footer, statistics, every page) but
    one end_date was changed in place, as a flipped bit does, to a day in the year 736977:
    no calendar date, and beyond every timestamp type (the issue's crash)."""
    people = [participant(f"LR-CR-{i:02d}", "ips", 101, end=date(2023, 5, 1 + i))
              for i in range(10)]
    scratch = write_table(root.parent / "scratch", "participants", people, name="cr.parquet")
    plain = root.parent / "scratch" / "cr-plain.parquet"
    pq.write_table(pq.read_table(scratch), plain, compression="none", use_dictionary=False)
    data = plain.read_bytes()
    day = struct.pack("<i", (date(2023, 5, 4) - date(1970, 1, 1)).days)
    assert data.count(day) == 1
    path = root / "participants" / "lr-corrupt-readable.parquet"
    path.write_bytes(data.replace(day, struct.pack("<i", 268_455_000)))
    return path


BAD = [
    # (id, writer, expected rule)
    ("corrupt-but-readable", _corrupt_but_readable, "date_out_of_range"),
    ("truncated", _truncated, "unreadable_parquet"),
    ("empty", _empty, "unreadable_parquet"),
    ("wrong-type", _wrong_type, "wrong_type"),
    ("cpr-like-id", _cpr_like, "cpr_like_id"),
    ("duplicate-across-files", _duplicate, "duplicate_key_across_files"),
    ("orphan-outcome", _orphan, "unknown_person"),
    ("mixed-price-year", _mixed_price_year, "mixed_price_year"),
]


def _grid_row(page: Page, index: int, text: str) -> Locator:
    """Rows of the ``index``-th table of the page (its accessible copy) containing text."""
    grids = page.get_by_test_id("stDataFrame").locator("table[role='grid']")
    return grids.nth(index).locator("tbody tr").filter(has_text=text)


@pytest.mark.parametrize(("writer", "rule"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_file_is_rejected_and_changes_no_number(
        tabs: Callable[[str], Page], extract: Extract,
        writer: Callable[[Path], Path], rule: str) -> None:
    """The 10 s check is the same for every file (steps 1, 3, 4 and 5 wait for it); here
    the session's next interaction picks the change up, which keeps each case short."""
    viewer = tabs("/")
    expect_clean_overview(viewer, extract)
    shown = extract.shown()

    path = writer(extract.root)
    rel = path.relative_to(extract.root).as_posix()
    extract.owned.add(rel)
    cli = validate_cli(extract.root)
    try:
        # Moving on to the data page: the file is listed as rejected, with its rule.
        nav_to(viewer, "nav_data")
        expect(viewer.get_by_text(t("data_rejected", DA, n=1), exact=True)).to_be_visible()
        expect(_grid_row(viewer, 1, rel)).to_contain_text(label("file_status", "rejected", DA))
        expect(_grid_row(viewer, 2, rel).filter(has_text=rule)).to_have_count(1)
        # Back on the overview: the data-health warning, and no number moved.
        nav_to(viewer, "nav_overview")
        expect(health_bad(viewer, 1)).to_be_visible()
        expect(viewer.get_by_text(t("rejected_files", DA, files=rel))).to_be_visible()
        expect(card(viewer)).to_have_text(shown)
        no_exception(viewer)

        out, err = cli.communicate(timeout=60)
        assert cli.returncode == 1, (cli.returncode, out[-2000:], err[-2000:])
        report = json.loads(out)
        verdict = {f["path"]: f for f in report["files"]}[rel]
        assert verdict["status"] == "rejected", verdict
        assert rule in {r["rule"] for r in verdict["rejections"]}, verdict
        assert sum(f["status"] == "rejected" for f in report["files"]) == 1, report["files"]
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.communicate()
        path.unlink(missing_ok=True)

    # Removed again: the next interaction shows the clean overview.
    nav_to(viewer, "nav_data")
    nav_to(viewer, "nav_overview")
    expect_clean_overview(viewer, extract)


# --------------------------------------------------------- 3. the costs folder goes
def test_costs_folder_removed_and_restored(tabs: Callable[[str], Page],
                                           extract: Extract) -> None:
    economy = tabs("/oekonomi")
    expect(heading(economy, t("saving_head", DA))).to_be_visible()

    def missing(page: Page) -> Locator:
        return page.get_by_test_id("stAlert").filter(has_text=t("costs_missing", DA)[:40])

    shutil.move(extract.root / "costs", extract.aside / "costs")
    try:
        # The open economy page explains by itself (no click): an st.info, no exception.
        expect(missing(economy)).to_be_visible(timeout=RELOAD_MS)
        expect(heading(economy, t("saving_head", DA))).to_have_count(0)
        no_exception(economy)
        # The overview still renders (costs are optional: all files still accepted).
        overview = tabs("/")
        expect_clean_overview(overview, extract)
        expect(overview.get_by_test_id("stAlert").filter(
            has_text=t("ov_no_costs", DA)[:40])).to_be_visible()
    finally:
        shutil.move(extract.aside / "costs", extract.root / "costs")
    # Back: the next interaction (on to the economy page) shows the costs again.
    nav_to(overview, "nav_costs")
    expect(heading(overview, t("saving_head", DA))).to_be_visible()
    expect(missing(overview)).to_have_count(0)
    no_exception(overview)


# ------------------------------------------------------- 4. the delivery is deleted
def test_deleted_file_restores_the_count(tabs: Callable[[str], Page],
                                         extract: Extract) -> None:
    viewer = tabs("/")
    if not NEW_DELIVERY.present(extract.root):  # run on its own (-k): deliver first
        extract.add(NEW_DELIVERY)
        expect(card(viewer)).to_have_text(extract.shown(), timeout=RELOAD_MS)
    expect_clean_overview(viewer, extract)
    assert extract.count("ips") == len(extract.base["ips"]) + 10

    NEW_DELIVERY.remove(extract.root)
    expect(card(viewer)).to_have_text(extract.shown(), timeout=RELOAD_MS)
    expect_clean_overview(viewer, extract)


# ---------------------------------------------------------------------- 5. stress
class HealthPoller:
    """Plain HTTP (no websocket, no session) health checks of the server, in a thread."""

    def __init__(self, url: str) -> None:
        self.url, self.checks, self.failures, self.slowest_ms = url, 0, 0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            ok = healthy(self.url, HEALTH_TIMEOUT_S)
            self.slowest_ms = max(self.slowest_ms, (time.perf_counter() - started) * 1000)
            self.checks += 1
            self.failures += not ok
            self._stop.wait(0.5)

    def __enter__(self) -> HealthPoller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def test_many_sessions_while_a_file_comes_and_goes(app: App, browser: Browser,
                                                   extract: Extract) -> None:
    for drop in DROPS:
        drop.remove(extract.root)
    base = (extract.shown("ips"), extract.shown("comparison"))
    new = (extract.shown("ips", plus=STRESS_DROP), extract.shown("comparison", plus=STRESS_DROP))
    extract.owned.update(p.relative_to(extract.root).as_posix()
                         for p in STRESS_DROP.paths(extract.root))
    contexts = [watching_context(browser) for _ in range(STRESS_CONTEXTS)]
    try:
        pages = [contexts[i % STRESS_CONTEXTS].new_page() for i in range(STRESS_SESSIONS)]
        opened = time.monotonic()
        for page in pages:  # all sessions start together
            page.goto(app.url + "/", wait_until="commit", timeout=STRESS_MS)
        for page in pages:
            settle(page, STRESS_MS)
            expect(card(page)).to_have_text(base[0])
        open_s = time.monotonic() - opened

        with HealthPoller(app.url) as health:

            def all_show(pair: tuple[str, str]) -> float:
                """Wait until every session shows ``pair``; seconds it took."""
                started = time.monotonic()
                for page in pages:
                    expect(card(page)).to_have_text(pair[0], timeout=STRESS_MS)
                    expect(card(page, "comparison")).to_have_text(pair[1], timeout=STRESS_MS)
                return time.monotonic() - started

            # Churn: the file comes and goes within seconds, often while sessions load.
            drops: list[float] = []  # wall-clock ms, comparable with the tabs' Date.now()
            pace, rng = threading.Event(), random.Random(20260930)
            deadline = time.monotonic() + STRESS_SECONDS
            while time.monotonic() < deadline and len(drops) < STRESS_MAX_DROPS - 1:
                drops.append(time.time() * 1000)
                STRESS_DROP.write(extract.root)
                pace.wait(rng.uniform(0.3, 3.0))
                STRESS_DROP.remove(extract.root)
                pace.wait(rng.uniform(0.3, 3.0))
            # Then a drop that stays until every session shows it, and its removal.
            drops.append(time.time() * 1000)
            held = [drops[-1]]
            STRESS_DROP.write(extract.root)
            all_show(new)
            STRESS_DROP.remove(extract.root)
            back_s = all_show(base)
            elapsed = time.monotonic() - opened - open_s

            for page in pages:
                settle(page, STRESS_MS)
                expect_clean_overview(page, extract, timeout=STRESS_MS)
        errors = sum(page.get_by_test_id("stException").count() for page in pages)
        logs = [(page.evaluate("window.__lrChanges"), page.evaluate("window.__lrSettled"))
                for page in pages]
    finally:
        STRESS_DROP.remove(extract.root)
        for ctx in contexts:
            ctx.close()

    # Time from a held drop to each session first showing its number; a session still
    # showing a quick flip's (equal) number at the drop is counted apart.
    latencies, carried = [], 0
    for at in held:
        for changes, _ in logs:
            before = [text for ms, text in changes if ms < at]
            if before and before[-1] == new[0]:
                carried += 1
                continue
            shown = [ms for ms, text in changes if ms >= at and text == new[0]]
            assert shown, f"a session never showed the drop made at {at}: {changes}"
            latencies.append(min(shown) - at)
    latencies.sort()
    slowest, median = ((latencies[-1], latencies[len(latencies) // 2]) if latencies
                       else (float("nan"), float("nan")))
    seen = {tuple(s[1:3]) for _, settled in logs for s in settled}
    error_runs = sum(s[3] > 0 for _, settled in logs for s in settled)
    print(f"\n[live reload stress] sessions={len(pages)} drops={len(drops)} "
          f"(held {len(held)}, quick {len(drops) - len(held)}) errors={errors} "
          f"settled_runs_with_error={error_runs} "
          f"slowest_rerender_ms={slowest:.0f} median_rerender_ms={median:.0f} "
          f"(measured {len(latencies)}, already showing a flip {carried}) "
          f"all_sessions_back_after_removal_s={back_s:.1f} "
          f"open_all_s={open_s:.1f} stress_s={elapsed:.1f} "
          f"http_health_checks={health.checks} failed={health.failures} "
          f"slowest_health_ms={health.slowest_ms:.0f} settled_views={sorted(seen, key=str)}")
    assert errors == 0
    assert error_runs == 0
    assert seen <= {base, new}, f"a session showed a mix of old and new: {seen}"
    assert health.failures == 0
    app.check_alive()


# ------------------------------------------------------------- the extract untouched
def test_app_never_modifies_the_extract(extract: Extract) -> None:
    """Every file of the extract has the same size, mtime and bytes as at the start
    (the tests' own files aside); nothing was added by the app."""
    extract.checked = True
    for drop in DROPS:
        drop.remove(extract.root)
    changes = extract.changes()
    assert not changes, "the extract was modified:\n" + "\n".join(changes)
    assert set(snapshot(extract.root)) == set(extract.baseline)
