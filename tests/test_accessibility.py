"""WCAG 2.1 AA in the real dashboard (issue 16), driven in Debian's Chromium.

* axe-core (tests/axe, pinned; injected into the page, no network) finds no violation of
  the WCAG 2.0/2.1 A and AA rules on any page, in Danish and English, in the states that
  matter: as opened, with a filter that selects nobody, with every expander open, and
  after switching language with the toggle. A new state is a function in `STATES`; a
  test elsewhere (e.g. the logged-out page of a login-configured app) calls
  `axe_support.assert_accessible(page, where)`.
* ``<html lang>`` follows the language (Streamlit has no setting; `ui.a11y`).
* Keyboard: one whole task with keys only (region, start years, the effect page, a CSV
  download), and every stop of the tab order on a page shows where the focus is.
* Reflow: at 320 CSS px (a 1280 px window at 400 %) nothing needs scrolling sideways
  but the tables; screenshots at 640 px are kept in test-results/a11y/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import browser_support
import pytest
from axe_support import assert_accessible, axe_available
from browser_support import (
    BROWSER_TEST_MARKS,
    ROOT,
    App,
    heading,
    module_browser,
    module_context,
    sample_app,
    settle,
    tab,
)
from playwright.sync_api import Page, expect

from ui.i18n import label, t

SHOTS = ROOT / "test-results" / "a11y"

pytestmark = BROWSER_TEST_MARKS

# url path -> the i18n key of the page's title (the statement page is linked, not listed)
PAGES = {
    "/": "overview_title", "/beskaeftigelse": "effect_title", "/oekonomi": "costs_title",
    "/udrulning": "rollout_title", "/data": "data_title", "/tilgaengelighed": "a11y_title",
}
NOBODY = "region=Region+Nordjylland"  # the sample extract has nobody outside Hovedstaden
# The effect page draws some 15 charts and tables: on a shared 2-core machine under load
# it can take longer than browser_support's 45 s to settle.
SETTLE_SLOW_MS = 150_000


# browser_support's, with the time the effect page needs to settle
def open_page(page: Page, app: App, path: str) -> None:
    browser_support.open_page(page, app, path, SETTLE_SLOW_MS)


def rerun(page: Page, action: Callable[[], None]) -> None:
    browser_support.rerun(page, action, SETTLE_SLOW_MS)


# One app, one browser and one context for the module; a tab (own session) per test.
app = sample_app
browser = module_browser
context = module_context(accept_downloads=True)
page = tab


def url(path: str, lang: str, *params: str) -> str:
    query = [*params, *(["en=true"] if lang == "en" else [])]
    return path + ("?" + "&".join(query) if query else "")


def document_lang(page: Page) -> str:
    return page.evaluate("document.documentElement.lang")


# ------------------------------------------------------------------ states for axe
def open_expanders(page: Page) -> int:
    """Open every closed expander of the page (by clicking); how many there were."""
    closed = page.locator("[data-testid='stExpander'] details:not([open]) > summary")
    count = closed.count()
    while closed.count():
        closed.first.click()
    settle(page, SETTLE_SLOW_MS)
    return count


def nobody_selected(page: Page, app: App, path: str, lang: str) -> None:
    open_page(page, app, url(path, lang, NOBODY))


def toggled(page: Page, app: App, path: str, lang: str) -> None:
    """Opened in the other language, then switched to ``lang`` with the toggle."""
    open_page(page, app, url(path, "da" if lang == "en" else "en"))
    rerun(page, lambda: page.get_by_test_id("stSidebar").get_by_text("English").click())
    assert document_lang(page) == lang


#: States checked besides "as opened, then with every expander open"; add one here
#: (a function that brings the page into it) to check it on every page.
STATES: dict[str, Callable[[Page, App, str, str], None]] = {
    "nobody": nobody_selected, "toggled": toggled,
}
LANGS = ("da", "en")
OPENED = [(path, lang) for path in PAGES for lang in LANGS]
OTHERS = [("nobody", path, lang) for path in PAGES if path != "/tilgaengelighed"
          for lang in LANGS] + [("toggled", "/", "en"), ("toggled", "/beskaeftigelse", "en"),
                                ("toggled", "/udrulning", "da")]


def _id(path: str) -> str:
    return path.strip("/") or "overview"


needs_axe = pytest.mark.skipif(not axe_available(),
                               reason="axe-core is not installed: run `make axe`")


@needs_axe
@pytest.mark.parametrize(("path", "lang"), OPENED, ids=[f"{_id(p)}-{g}" for p, g in OPENED])
def test_axe_finds_no_wcag_violation(page: Page, app: App, path: str, lang: str) -> None:
    """Every page as opened, then with every expander open (the tables behind charts,
    the contract)."""
    open_page(page, app, url(path, lang))
    expect(heading(page, t(PAGES[path], lang))).to_be_visible()
    assert document_lang(page) == lang
    assert_accessible(page, f"{path} ({lang})")
    if open_expanders(page):
        assert_accessible(page, f"{path} ({lang}, expanders open)")


#: the sections (tabs) besides the first: only the open one is drawn, so each is opened
SECTIONS = [("/beskaeftigelse", code, lang) for code in ("adjusted", "trend", "municipalities")
            for lang in LANGS] + [("/udrulning", code, lang) for code in ("status", "fidelity")
                                  for lang in LANGS] + [("/oekonomi", "municipalities", "da")]


@needs_axe
@pytest.mark.parametrize(("path", "section", "lang"), SECTIONS,
                         ids=[f"{_id(p)}-{c}-{g}" for p, c, g in SECTIONS])
def test_axe_finds_no_wcag_violation_in_each_section(page: Page, app: App, path: str,
                                                     section: str, lang: str) -> None:
    """Every section of the pages with sections, opened from its link, then with every
    expander open."""
    open_page(page, app, url(path, lang, f"afsnit={section}"))
    expect(page.get_by_role("radio", name=label("section", section, lang))).to_have_attribute(
        "aria-checked", "true")
    assert_accessible(page, f"{path} ({lang}, {section})")
    if open_expanders(page):
        assert_accessible(page, f"{path} ({lang}, {section}, expanders open)")


@needs_axe
@pytest.mark.parametrize(("state", "path", "lang"), OTHERS,
                         ids=[f"{s}-{_id(p)}-{g}" for s, p, g in OTHERS])
def test_axe_finds_no_wcag_violation_in_state(page: Page, app: App, state: str, path: str,
                                              lang: str) -> None:
    STATES[state](page, app, path, lang)
    expect(heading(page, t(PAGES[path], lang))).to_be_visible()
    assert document_lang(page) == lang
    assert_accessible(page, f"{path} ({lang}, {state})")


# ------------------------------------------------------------------------- language
def test_document_language_follows_the_toggle(page: Page, app: App) -> None:
    """``<html lang>`` is "da" on Danish pages and "en" on English ones: on load, after
    the toggle, after moving to another page, and from a link with ``en=true``."""
    open_page(page, app, "/oekonomi")
    assert document_lang(page) == "da"
    sidebar = page.get_by_test_id("stSidebar")
    rerun(page, lambda: sidebar.get_by_text("English").click())
    expect(heading(page, t("costs_title", "en"))).to_be_visible()
    assert document_lang(page) == "en"
    rerun(page, page.get_by_test_id("stSidebarNav").get_by_text(
        t("nav_rollout", "en"), exact=True).click)
    expect(heading(page, t("rollout_title", "en"))).to_be_visible()
    assert document_lang(page) == "en"
    rerun(page, lambda: sidebar.get_by_text("English").click())
    expect(heading(page, t("rollout_title", "da"))).to_be_visible()
    assert document_lang(page) == "da"
    open_page(page, app, "/data?en=true")
    assert document_lang(page) == "en"


def test_statement_is_linked_from_every_page(page: Page, app: App) -> None:
    for path in ("/", "/beskaeftigelse"):
        open_page(page, app, path)
        link = page.get_by_test_id("stSidebar").get_by_role("link",
                                                            name=t("a11y_link", "da"))
        expect(link).to_be_visible()
    rerun(page, link.click)
    expect(heading(page, t("a11y_title", "da"))).to_be_visible()
    # The README's English text, marked as English on the Danish page (WCAG 3.1.2)
    expect(page.get_by_test_id("stMain").locator("[lang='en']").get_by_text(
        "WCAG 2.1 level AA").first).to_be_visible()
    assert urlsplit(page.url).path == "/tilgaengelighed"


# ------------------------------------------------------------------------- keyboard
_ACTIVE = """() => { const e = document.activeElement;
  return e ? {tag: e.tagName, role: e.getAttribute("role"),
              label: e.getAttribute("aria-label") || "", text: (e.innerText || "").trim(),
              testid: e.closest("[data-testid]")?.getAttribute("data-testid") || ""} : null; }"""


def tab_to(page: Page, found: Callable[[dict], bool], key: str = "Tab",
           limit: int = 120) -> dict:
    """Press ``key`` until the focused element satisfies ``found``; return it."""
    for _ in range(limit):
        page.keyboard.press(key)
        active = page.evaluate(_ACTIVE)
        if active and found(active):
            return active
    raise AssertionError(f"no element found with {limit} presses of {key}")


def test_a_whole_task_with_the_keyboard_only(page: Page, app: App) -> None:
    """Choose a region and start years, open the effect page and download a CSV with
    keys only (the page is read, never clicked)."""
    open_page(page, app, "/")
    region = t("region", "da")
    tab_to(page, lambda a: a["role"] == "combobox" and a["label"] == region)
    page.keyboard.type("Hovedst")
    rerun(page, lambda: page.keyboard.press("Enter"))
    assert parse_qs(urlsplit(page.url).query).get("region") == ["Region Hovedstaden"]

    tab_to(page, lambda a: a["testid"] == "stSlider" and "start" in a["label"])
    rerun(page, lambda: page.keyboard.press("ArrowRight"))
    tab_to(page, lambda a: a["testid"] == "stSlider" and "end" in a["label"])
    rerun(page, lambda: page.keyboard.press("ArrowLeft"))
    years = parse_qs(urlsplit(page.url).query).get("aar")
    assert years == ["2014", "2025"], page.url

    effect = t("nav_effect", "da")
    tab_to(page, lambda a: a["testid"] == "stSidebarNavLink" and effect in a["text"],
           key="Shift+Tab")
    rerun(page, lambda: page.keyboard.press("Enter"))
    expect(heading(page, t("effect_title", "da"))).to_be_visible()
    query = parse_qs(urlsplit(page.url).query)
    assert query.get("aar") == ["2014", "2025"] and query.get("region"), page.url

    csv = t("download_csv", "da")
    tab_to(page, lambda a: a["tag"] == "BUTTON" and a["text"].endswith(csv))
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    assert Path(download.path()).read_text(encoding="utf-8-sig").startswith(t("group", "da"))


def test_filters_radios_sections_and_the_toggle_operate_with_keys(page: Page, app: App) -> None:
    """A multiselect (type, Enter), a radio (arrow), the choice of section (a named radio
    group: one tab stop, arrows move, Enter chooses) and the language toggle (Space), each
    reached with Tab / Shift+Tab."""
    open_page(page, app, "/beskaeftigelse")
    municipalities = t("municipalities", "da")
    tab_to(page, lambda a: a["role"] == "combobox" and a["label"] == municipalities)
    page.keyboard.type("Frederiksberg")
    rerun(page, lambda: page.keyboard.press("Enter"))
    page.keyboard.press("Escape")
    assert parse_qs(urlsplit(page.url).query).get("kom") == ["147 Frederiksberg"], page.url

    tab_to(page, lambda a: a["testid"] == "stRadioOption")
    rerun(page, lambda: page.keyboard.press("ArrowRight"))
    assert parse_qs(urlsplit(page.url).query).get("horisont") == ["30 måneder"], page.url

    group = page.get_by_role("radiogroup", name=t("sections", "da"))  # the page's sections
    first, second = (label("section", code, "da") for code in ("effect", "adjusted"))
    expect(group.get_by_role("radio", name=first)).to_have_attribute("aria-checked", "true")
    tab_to(page, lambda a: a["role"] == "radio" and a["text"] == first)  # the one tab stop
    page.keyboard.press("ArrowRight")  # moves the focus only
    expect(group.get_by_role("radio", name=second)).to_be_focused()
    rerun(page, lambda: page.keyboard.press("Enter"))
    expect(group.get_by_role("radio", name=second)).to_have_attribute("aria-checked", "true")
    expect(group.get_by_role("radio", name=first)).to_have_attribute("aria-checked", "false")
    expect(heading(page, t("adj_head", "da"))).to_be_visible()  # the section is drawn
    assert parse_qs(urlsplit(page.url).query).get("afsnit") == ["adjusted"], page.url

    tab_to(page, lambda a: a["role"] == "switch" and a["label"] == "English", key="Shift+Tab")
    rerun(page, lambda: page.keyboard.press("Space"))
    expect(heading(page, t("effect_title", "en"))).to_be_visible()
    assert document_lang(page) == "en"


# Every stop of the tab order: its box, and what it is (for the failure message)
_FOCUSED_BOX = """() => { const e = document.activeElement;
  if (!e || e === document.body) return null;
  const r = e.getBoundingClientRect();
  return {x: r.x, y: r.y, width: r.width, height: r.height,
          what: (e.getAttribute("aria-label") || e.innerText || e.tagName).trim().slice(0, 60)
                + " [" + (e.closest("[data-testid]")?.getAttribute("data-testid") || "") + "]"};
}"""


def _shot(page: Page, box: dict, margin: float = 6) -> bytes:
    size = page.viewport_size or {"width": 1400, "height": 1000}
    x, y = max(box["x"] - margin, 0), max(box["y"] - margin, 0)
    width = min(box["width"] + 2 * margin, size["width"] - x)
    height = min(box["height"] + 2 * margin, size["height"] - y)
    return page.screenshot(clip={"x": x, "y": y, "width": width, "height": height},
                           animations="disabled", caret="hide")


def test_the_open_section_is_marked_by_more_than_colour(page: Page, app: App) -> None:
    """WCAG 1.4.1: the chosen section's name is bold and underlined, the others not."""
    open_page(page, app, "/udrulning")
    group = page.get_by_role("radiogroup", name=t("sections", "da"))
    look = ("e => { const s = getComputedStyle(e.querySelector('p'));"
            " return [Number(s.fontWeight), s.textDecorationLine]; }")
    chosen = group.get_by_role("radio", name=label("section", "map", "da")).evaluate(look)
    others = [group.get_by_role("radio", name=label("section", code, "da")).evaluate(look)
              for code in ("status", "fidelity")]
    assert chosen == [700, "underline"], chosen
    assert all(weight < 700 and line == "none" for weight, line in others), others


@pytest.mark.parametrize("path", ["/beskaeftigelse", "/udrulning"])
def test_keyboard_focus_is_always_visible(page: Page, app: App, path: str) -> None:
    """Tab through the page: each focused element looks different from the same element
    unfocused (an outline, ring or highlight; WCAG 2.4.7). Checks every stop up to the
    second table (the sidebar, the language toggle, radios, tabs, charts' tool bars,
    expanders, table tool bars and downloads)."""
    open_page(page, app, path)
    invisible, seen = [], 0
    for _ in range(90):
        page.keyboard.press("Tab")
        box = page.evaluate(_FOCUSED_BOX)
        if box is None or box["width"] == 0:
            continue
        focused = _shot(page, box)
        handle = page.evaluate_handle("document.activeElement")
        page.evaluate("e => e.blur()", handle)
        if _shot(page, box) == focused:
            invisible.append(box["what"])
        page.evaluate("e => e.focus({preventScroll: true})", handle)
        seen += 1
    assert seen > 40, f"only {seen} focusable elements found"
    assert not invisible, f"{path}: no visible focus on {invisible}"


# --------------------------------------------------------------------------- reflow
# Elements wider than the window (tables scroll inside their own frame, a tab bar
# inside its own strip: excluded)
_TOO_WIDE = """(width) => [...document.querySelectorAll(
    "[data-testid='stMain'] [data-testid='stMetric'], [data-testid='stMain'] h1,"
    + " [data-testid='stMain'] h2, [data-testid='stMain'] h3, [data-testid='stMain'] p,"
    + " [data-testid='stMain'] button, [data-testid='stDataFrame'],"
    + " [data-testid='stPlotlyChart']")]
  .filter(e => e.offsetParent !== null && !e.closest("[role='tablist'], table"))
  .filter(e => { const r = e.getBoundingClientRect(); return r.left < -1 || r.right > width + 1; })
  .map(e => (e.getAttribute("data-testid") || e.tagName) + ": "
             + (e.innerText || "").slice(0, 40))"""
_SIDEWAYS = """() => { const m = document.querySelector("[data-testid='stMain']");
  return [document.documentElement.scrollWidth, m.scrollWidth, m.clientWidth]; }"""


@pytest.mark.parametrize("path", ["/", "/beskaeftigelse", "/beskaeftigelse?afsnit=trend",
                                  "/oekonomi", "/udrulning", "/data"])
def test_reflow_at_320_css_px(page: Page, app: App, path: str) -> None:
    """A 1280 px window at 400 % zoom: the page does not scroll sideways, and every card,
    heading, text, button (the sections' and breakdowns' choices too), chart and table
    fits the width (tables scroll inside)."""
    page.set_viewport_size({"width": 320, "height": 640})
    open_page(page, app, path)
    expect(heading(page, t(PAGES[path.split("?")[0]], "da"))).to_be_visible()
    document, main, visible = page.evaluate(_SIDEWAYS)
    assert document <= 320 and main <= visible, (document, main, visible)
    assert page.evaluate(_TOO_WIDE, 320) == []


@pytest.mark.parametrize("path", ["/", "/beskaeftigelse", "/udrulning"])
def test_screenshot_at_640_px(page: Page, app: App, path: str) -> None:
    """At 640 px the cards wrap and nothing is cut off; the screenshots are kept for a
    look (test-results/a11y/)."""
    page.set_viewport_size({"width": 640, "height": 900})
    open_page(page, app, path)
    assert page.evaluate(_TOO_WIDE, 640) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    main = page.get_by_test_id("stMain")
    name = path.strip("/") or "overview"
    page.screenshot(path=SHOTS / f"{name}-640.png")
    height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": 640, "height": min(height, 8000)})
    settle(page, SETTLE_SLOW_MS)
    main.screenshot(path=SHOTS / f"{name}-640-full.png")
