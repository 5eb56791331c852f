"""End-to-end: the real dashboard (``python -m ui.serve``, as ``make run``) driven in
Debian's Chromium.

Uses the Playwright sync API directly (no pytest-playwright). One app process, one
browser and one browser context (so the HTTP cache keeps the big JS chunks) serve the
whole module; every test opens its own tab, i.e. its own Streamlit session. Nothing
here sleeps for a fixed time: waits are ``expect(...)``/``wait_for_function`` with
timeouts, and the health poll pauses with ``threading.Event().wait``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit
from urllib.request import urlopen

import cellkey_oracle
import duckdb
import pytest
from browser_support import (
    BROWSER_TEST_MARKS,
    SAMPLE_APP_ENV,
    SAMPLE_DATA,
    App,
    heading,
    module_browser,
    module_context,
    open_page,
    rerun,
    running_app,
    sample_app,
    tab,
)
from playwright.sync_api import BrowserContext, Locator, Page, expect

from ips_data.municipalities import MUNICIPALITIES
from ui.i18n import label, t

SUPPRESSED = "<5"  # the default threshold is 5 (SAMPLE_APP_ENV unsets IPS_SUPPRESSION_THRESHOLD)

pytestmark = BROWSER_TEST_MARKS

# url path -> i18n keys of the page's title and of its navigation entry
TITLE = {
    "/": "overview_title", "/beskaeftigelse": "effect_title", "/oekonomi": "costs_title",
    "/udrulning": "rollout_title", "/data": "data_title",
}
NAV = {
    "/": "nav_overview", "/beskaeftigelse": "nav_effect", "/oekonomi": "nav_costs",
    "/udrulning": "nav_rollout", "/data": "nav_data",
}

# One app, one browser and one context for the module; a tab (own session) per test.
app = sample_app
browser = module_browser
context = module_context(accept_downloads=True)
page = tab


# --------------------------------------------------------------------------- helpers
def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


def combobox(page: Page, label_text: str) -> Locator:
    """A sidebar selectbox or multiselect, found by its label (the input's aria-label)."""
    return page.get_by_test_id("stSidebar").get_by_role("combobox", name=label_text, exact=True)


def expect_shows(page: Page, testid: str, label_text: str, *values: str) -> None:
    """The sidebar widget labelled ``label_text`` shows ``values`` as its selection."""
    box = combobox(page, label_text)
    if testid == "stSelectbox":
        expect(box).to_have_value(values[0])
    else:
        inner = page.get_by_role("combobox", name=label_text, exact=True)  # relative to has
        widget = page.get_by_test_id("stSidebar").get_by_test_id(testid).filter(has=inner)
        expect(widget.locator("[data-tag]")).to_have_text(list(values))


def pick(page: Page, testid: str, label_text: str, option: str) -> None:
    """Choose ``option`` in the sidebar selectbox/multiselect ``label_text``."""
    combobox(page, label_text).click()
    page.get_by_role("option", name=option, exact=True).click()
    if testid == "stMultiSelect":  # its list stays open (Escape would clear a selectbox)
        page.keyboard.press("Escape")


def expect_navigation(page: Page, lang: str = "da") -> None:
    """The sidebar lists exactly the five pages, titled in ``lang``."""
    links = page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink")
    expect(links).to_have_count(len(NAV))
    for link, key in zip(links.all(), NAV.values(), strict=True):
        expect(link).to_contain_text(t(key, lang))


def municipality_option(code: int) -> str:
    return f"{code} {MUNICIPALITIES[code].name}"


# ----------------------------------------------------------------------------- tests
def _first_visit(page: Page, app: App) -> None:
    open_page(page, app, "/data?alder=30-39")
    expect(heading(page, t("data_title", "da"))).to_be_visible()
    expect_shows(page, "stMultiSelect", t("age_bands", "da"), "30-39")
    expect_navigation(page)


def test_deep_link_as_the_first_visit_after_start(page: Page, app: App,
                                                 context: BrowserContext,
                                                 tmp_path: Path) -> None:
    """The first session of a freshly started server follows a shared link to a
    non-default page (what every shared link does right after a deploy or restart;
    Streamlit's old pages/ mode is active until the first st.navigation call).
    First in the module so the shared server is still fresh; else it starts its own."""
    if app.visits == 0:
        _first_visit(page, app)
        return
    with running_app(tmp_path / "streamlit.log", SAMPLE_APP_ENV) as fresh:
        tab = context.new_page()
        try:
            _first_visit(tab, fresh)
        finally:
            tab.close()
            fresh.check_alive()


# Every page by its URL; two rows are deep links carrying a filter, one of them to the
# default page, which is served only at "/" (its links use "/?...").
LINKS = [
    # (link, page path, the sidebar widget the link sets: (test id, label key, value))
    ("/", "/", None),
    ("/beskaeftigelse", "/beskaeftigelse", None),
    ("/oekonomi?region=Region+Hovedstaden", "/oekonomi",
     ("stSelectbox", "region", "Region Hovedstaden")),
    ("/udrulning", "/udrulning", None),
    ("/data", "/data", None),
    ("/?alder=50%2B", "/", ("stMultiSelect", "age_bands", "50+")),
]


@pytest.mark.parametrize(("link", "path", "widget"), LINKS, ids=[row[0] for row in LINKS])
def test_page_by_url(page: Page, app: App, link: str, path: str,
                     widget: tuple[str, str, str] | None) -> None:
    open_page(page, app, link)
    expect(heading(page, t(TITLE[path], "da"))).to_be_visible()
    expect_navigation(page)
    target = urlsplit(app.url + link)
    assert urlsplit(page.url).path == target.path, page.url
    assert query(page) == parse_qs(target.query), page.url  # kept, not rewritten
    if widget is not None:
        testid, label_key, value = widget
        expect_shows(page, testid, t(label_key, "da"), value)


FILTERS = [
    # (page, widget test id, label key, option to pick, URL parameter, its value,
    #  a page to move on to through the navigation afterwards, or None)
    ("/", "stSelectbox", "region", "Region Hovedstaden", "region", "Region Hovedstaden",
     "/data"),
    ("/", "stMultiSelect", "age_bands", "30-39", "alder", "30-39", None),
]


@pytest.mark.parametrize(("path", "testid", "label_key", "option", "param", "value", "then"),
                         FILTERS, ids=[f[4] for f in FILTERS])
def test_filter_is_written_to_the_url(page: Page, app: App, path: str, testid: str,
                                      label_key: str, option: str, param: str, value: str,
                                      then: str | None) -> None:
    open_page(page, app, path)
    assert param not in query(page), page.url
    label_text = t(label_key, "da")
    rerun(page, lambda: pick(page, testid, label_text, option))
    assert query(page).get(param) == [value], page.url
    assert urlsplit(page.url).path == urlsplit(app.url + path).path, page.url
    expect_shows(page, testid, label_text, option)
    expect(heading(page, t(TITLE[path], "da"))).to_be_visible()
    if then is None:
        return
    # The selection is shared: it goes along to another page, in the URL and the widget.
    nav = page.get_by_test_id("stSidebarNav")
    rerun(page, nav.get_by_text(t(NAV[then], "da"), exact=True).click)
    expect(heading(page, t(TITLE[then], "da"))).to_be_visible()
    assert urlsplit(page.url).path == then, page.url
    assert query(page).get(param) == [value], page.url
    expect_shows(page, testid, label_text, option)


def test_english_toggle(page: Page, app: App) -> None:
    open_page(page, app, "/data")
    switch = page.get_by_test_id("stSidebar").get_by_role("switch", name="English")
    expect(switch).not_to_be_checked()
    rerun(page, lambda: page.get_by_test_id("stSidebar").get_by_text("English").click())
    expect(switch).to_be_checked()
    assert query(page).get("en") == ["true"], page.url
    assert urlsplit(page.url).path == "/data", page.url
    expect(heading(page, t("data_title", "en"))).to_be_visible()
    expect(heading(page, t("data_title", "da"))).to_have_count(0)
    expect(combobox(page, t("region", "en"))).to_be_visible()
    # The language stays when the reader moves on through the navigation.
    nav = page.get_by_test_id("stSidebarNav")
    rerun(page, nav.get_by_text(t("nav_overview", "en"), exact=True).click)
    expect(heading(page, t("overview_title", "en"))).to_be_visible()
    assert urlsplit(page.url).path == "/", page.url
    assert query(page).get("en") == ["true"], page.url


# A selection small enough that one arm has fewer than 5 persons with an 18-month outcome.
SMALL_MUNICIPALITY, SMALL_AGE_BAND = 167, "18-24"


def _expected_arms(municipality: int, age_band: str,
                   horizon: int) -> dict[str, tuple[tuple[int, int], tuple[int, int]]]:
    """Per arm: (exact, published) counts of the persons with an outcome row at
    ``horizon`` and of those without one, straight from the sample extract's Parquet
    files (README, contract sections 4 and 5b; published = the independent cell-key
    oracle over the same persons)."""
    rows = duckdb.sql(
        """
        select p.arm,
               list(p.person_id) filter (where o.person_id is not null),
               list(p.person_id) filter (where o.person_id is null)
        from read_parquet($participants) p
        left join (select distinct person_id from read_parquet($outcomes)
                   where horizon_months = $horizon) o using (person_id)
        where p.municipality_code = $municipality and p.age_band = $age_band
        group by p.arm
        """,
        params={"participants": str(SAMPLE_DATA / "participants" / "*.parquet"),
                "outcomes": str(SAMPLE_DATA / "outcomes" / "*.parquet"),
                "horizon": horizon, "municipality": municipality, "age_band": age_band},
    ).fetchall()

    def both(ids: list[str] | None) -> tuple[int, int]:
        ids = ids or []
        return len(ids), cellkey_oracle.count(ids)

    return {arm: (both(seen), both(waiting)) for arm, seen, waiting in rows}


def _shown(counts: tuple[int, int]) -> str:
    """What a count cell shows: '<5' when the exact or the published count is small."""
    exact, published = counts
    return SUPPRESSED if exact < 5 or published < 5 else str(published)


def test_csv_download_matches_the_table(page: Page, app: App) -> None:
    kom = municipality_option(SMALL_MUNICIPALITY)
    open_page(page, app, "/beskaeftigelse?" + urlencode({"kom": kom, "alder": SMALL_AGE_BAND}))
    expect_shows(page, "stMultiSelect", t("municipalities", "da"), kom)
    expect_shows(page, "stMultiSelect", t("age_bands", "da"), SMALL_AGE_BAND)

    # The first table of the page: the arms at the default horizon (18 months).
    grid = page.get_by_test_id("stDataFrame").first.locator("table[role='grid']")
    expect(grid).to_have_count(1)
    shown_columns = int(grid.get_attribute("aria-colcount") or 0)
    # The grid's accessible copy holds the cells shown (only the columns in view).
    titles = [th.inner_text() for th in grid.locator("th").all()]
    screen = {cells[0]: cells for cells in
              ([td.inner_text() for td in tr.locator("td").all()]
               for tr in grid.locator("tbody tr").all())}
    with page.expect_download() as info:
        page.get_by_role("button", name=t("download_csv", "da")).first.click()
    download = info.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;")
    rows = list(csv.reader(io.StringIO(text), dialect))
    header, body = rows[0], rows[1:]
    assert body, f"no data rows:\n{text}"
    assert all(len(row) == len(header) for row in body), text
    assert len(header) == shown_columns, (
        f"the CSV has {len(header)} columns but the table on screen has {shown_columns}:\n"
        f"CSV: {header}\nscreen: {titles}")
    assert titles, "no column headers on screen"
    for title, name in zip(titles, header, strict=False):  # CSV adds units: "... (%)"
        assert name.startswith(title), (titles, header)

    expected = _expected_arms(SMALL_MUNICIPALITY, SMALL_AGE_BAND, 18)
    assert any(n[0] < 5 for n, _ in expected.values()), "the selection no longer has a small arm"
    group, n_col, waiting_col = header[0], header.index("n"), len(header) - 1
    assert group == t("group", "da"), header
    by_arm = {row[0]: row for row in body}
    assert set(by_arm) == {label("arm", arm, "da") for arm in expected}, text
    for arm, (n, waiting) in expected.items():
        row = by_arm[label("arm", arm, "da")]
        assert row[n_col] == _shown(n), (arm, row)
        assert row[waiting_col] == _shown(waiting), (arm, row)
        assert screen.get(row[0], [])[n_col:n_col + 1] == [_shown(n)], (arm, screen)
        figures = [cell for j, cell in enumerate(row) if j not in (0, n_col, waiting_col)]
        if _shown(n) == SUPPRESSED:  # every figure of a suppressed row reads "<5", never 0
            assert figures == [SUPPRESSED] * len(figures), (arm, row)
            seen = screen[row[0]][1:waiting_col]
            assert seen == [SUPPRESSED] * len(seen), (arm, screen[row[0]])
        else:
            for cell in figures:
                float(cell)  # a plain number (decimal point, no grouping)
    assert "0" not in [row[n_col] for row in body], text


# Every element of a headline card (label, value, note) whose text is wider than its box
# (shown with an ellipsis)
_CUT_OFF = """() => [...document.querySelectorAll("[data-testid='stMetric'] *")]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""


@pytest.mark.parametrize("lang", ["da", "en"])
def test_no_card_text_is_cut_off_in_a_1280px_window(page: Page, app: App, lang: str) -> None:
    """A laptop-sized window shows every card's label, value and note in full."""
    page.set_viewport_size({"width": 1280, "height": 900})
    suffix = "?en=true" if lang == "en" else ""
    for path in TITLE:
        open_page(page, app, path + suffix)
        expect(heading(page, t(TITLE[path], lang))).to_be_visible()
        expect(page.get_by_test_id("stMetric").first).to_be_visible()
        assert page.evaluate(_CUT_OFF) == [], (path, lang)


def test_effect_page_adjusted_sections_and_funnel_switch(page: Page, app: App) -> None:
    """The adjusted difference, its balance and 'faktisk og forventet' are sections of the
    effect page: choosing one draws it and names it in the address; the funnel switch
    goes back to the crude funnel and into the address."""
    open_page(page, app, "/beskaeftigelse")
    expect(heading(page, t("adj_head", "da"))).to_have_count(0)  # only the open section
    rerun(page, page.get_by_role("radio", name=label("section", "adjusted", "da")).click)
    expect(heading(page, t("adj_head", "da"))).to_be_visible()
    expect(page.get_by_text(t("balance_head", "da"))).to_be_visible()
    assert query(page).get("afsnit") == ["adjusted"], page.url
    rerun(page, page.get_by_role("radio", name=label("section", "municipalities", "da")).click)
    expect(page.get_by_text(t("bench_head", "da"))).to_be_visible()
    expect(heading(page, t("adj_head", "da"))).to_have_count(0)
    assert query(page).get("afsnit") == ["municipalities"], page.url
    assert "tragt" not in query(page), page.url
    crude = label("funnel_kind", "crude", "da")
    rerun(page, lambda: page.get_by_role("radio", name=crude, exact=True).check(force=True))
    assert query(page).get("tragt") == [crude], page.url
    expect(page.get_by_text(t("bench_head", "da"))).to_have_count(0)
    expect(page.get_by_text(t("funnel_caption", "da", k=5)[:40])).to_be_visible()


def test_no_other_origin_may_steer_the_app(app: App) -> None:
    """`client.allowedOrigins = []` (.streamlit/config.toml) reaches the front end: it
    trusts no framing page's postMessage (rerun, stop, auth token), so it does not open
    its host channel at all (and stops checking its own status messages against
    Streamlit's Community Cloud hosts on every run)."""
    with urlopen(app.url + "/_stcore/host-config", timeout=10) as response:
        assert json.load(response)["allowedOrigins"] == []
