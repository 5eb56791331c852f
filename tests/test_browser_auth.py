"""Login and access scopes end to end: a real OIDC provider (oidc-provider-mock) on
localhost, the real app (``python -m ui.serve`` with a secrets file and a scopes file) and
Debian's Chromium. Users with different scopes log in and see only their municipalities
on every page, in edited addresses and in a CSV download; a user without a scope sees no
figure; before login there is only the "Log ind" button; logout works; the access log
has one line per page view and no figure."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, SAMPLE_DATA, App, chromium, new_context, running_app, settle
from oidc_support import USERS, Provider, login, oidc_provider, write_scopes, write_secrets
from playwright.sync_api import Browser, Page, expect

from ips_data.bench.browser import free_port
from ips_data.municipalities import MUNICIPALITIES
from ui.i18n import t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's Chromium (/usr/bin/chromium) is not installed"),
]

PATHS = ("/", "/beskaeftigelse", "/oekonomi", "/udrulning")
HOVEDSTADEN = {m.name for m in MUNICIPALITIES.values() if m.region_code == 1084}
BO = {"København", "Frederiksberg"}
ELSEWHERE = ("Aarhus", "Odense", "Aalborg", "Gentofte", "Roskilde")


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> Iterator[Provider]:
    with oidc_provider(tmp_path_factory.mktemp("oidc") / "provider.log") as running:
        yield running


@pytest.fixture(scope="module")
def app(tmp_path_factory, provider: Provider) -> Iterator[App]:
    folder = tmp_path_factory.mktemp("auth-app")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    secrets = write_secrets(folder, url, provider)
    env = {"IPS_DATA_DIR": str(SAMPLE_DATA), "IPS_CACHE_DIR": str(folder / "cache"),
           "IPS_SCOPES_FILE": str(write_scopes(folder)),
           "IPS_ACCESS_LOG": str(folder / "access.log"), "IPS_SUPPRESSION_THRESHOLD": None}
    with running_app(folder / "streamlit.log", env, port=port,
                     args=(f"--secrets.files={secrets}",)) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as shared:
        yield shared


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context per test: its own cookies, i.e. its own login."""
    ctx = new_context(browser, accept_downloads=True)
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def shown(page: Page) -> str:
    """Everything on the page, charts' SVG text included."""
    return page.content()


@pytest.mark.parametrize("path", [*PATHS, "/data", "/?kom=101+K%C3%B8benhavn"])
def test_before_login_only_the_button(page: Page, app: App, path: str):
    page.goto(app.url + path)
    settle(page)
    expect(page.get_by_role("button", name=t("login", "da"))).to_be_visible()
    expect(page.get_by_test_id("stMain").get_by_role("button")).to_have_count(1)
    for testid in ("stMetric", "stPlotlyChart", "stDataFrame", "stMultiSelect",
                   "stSidebarNav"):
        expect(page.get_by_test_id(testid)).to_have_count(0)
    html = shown(page)
    assert "København" not in html and ".parquet" not in html


def _csv(page: Page) -> list[dict]:
    with page.expect_download() as info:
        page.get_by_role("button", name=t("download_csv", "da")).first.click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(("sub", "allowed"), [("bo", BO), ("anna", HOVEDSTADEN)])
def test_scoped_user_sees_only_their_municipalities(page: Page, app: App, sub, allowed):
    login(page, app.url, sub)
    for path in PATHS:
        page.goto(app.url + path)
        settle(page)
        html = shown(page)
        assert not [name for name in ELSEWHERE if name in html and name not in allowed], path
    # the rollout page's status table, downloaded: only the scope's municipalities
    page.goto(app.url + "/udrulning")
    settle(page)
    rows = _csv(page)
    names = {row[t("municipalities", "da")] for row in rows}
    assert names and names <= allowed, names
    # the data page (file names, rejection reasons) is not there
    page.goto(app.url + "/data")
    settle(page)
    expect(page.get_by_role("heading", name=t("data_title", "da"))).to_have_count(0)
    assert ".parquet" not in shown(page)


def test_an_edited_address_outside_the_scope_is_ignored(page: Page, app: App):
    login(page, app.url, "bo")
    page.goto(app.url + "/beskaeftigelse?kom=751+Aarhus&region=Region+Midtjylland")
    settle(page)
    expect(page.get_by_text(t("out_of_scope", "da", n=2))).to_be_visible()
    assert "Aarhus" not in shown(page) and "Midtjylland" not in shown(page)


def test_scope_all_sees_the_data_page(page: Page, app: App):
    login(page, app.url, "carol")
    page.goto(app.url + "/data")
    settle(page)
    expect(page.get_by_role("heading", name=t("data_title", "da"))).to_be_visible()
    assert str(SAMPLE_DATA) in shown(page)  # the folder and its files are named


def test_user_without_a_scope_sees_no_figure(page: Page, app: App):
    page.goto(app.url)
    settle(page)
    page.get_by_role("button", name=t("login", "da")).click()
    page.get_by_role("button", name="eve", exact=True).click()
    page.wait_for_url(app.url + "/**")
    settle(page)
    expect(page.get_by_text(t("no_scope", "da", user=USERS["eve"][0]))).to_be_visible()
    for testid in ("stMetric", "stPlotlyChart", "stDataFrame", "stMultiSelect"):
        expect(page.get_by_test_id(testid)).to_have_count(0)


def test_logout(page: Page, app: App):
    login(page, app.url, "bo")
    page.get_by_role("button", name=t("logout", "da")).click()
    page.wait_for_url(lambda url: not url.startswith(app.url + "/?") and "end_session" in url)
    page.goto(app.url + "/beskaeftigelse")
    settle(page)
    expect(page.get_by_role("button", name=t("login", "da"))).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_have_count(0)


def test_access_log_has_a_line_per_view_and_no_figure(page: Page, app: App):
    log = Path(app.log).parent / "access.log"
    before = len(log.read_text().splitlines()) if log.exists() else 0
    login(page, app.url, "anna")
    figure = page.get_by_test_id("stMetricValue").first.inner_text()
    page.goto(app.url + "/oekonomi")
    settle(page)
    lines = [json.loads(x) for x in log.read_text().splitlines()[before:]]
    mine = [r for r in lines if r["user"] == "anna@regionh.dk"]
    assert [r["page"] for r in mine] == ["overview", "oekonomi"]
    assert {r["scope"] for r in mine} == {"region:1084"}
    assert figure not in log.read_text()
