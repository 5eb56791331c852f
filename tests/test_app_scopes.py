"""The login gate and access scopes in `streamlit.testing.v1.AppTest` (`at.user` simulates
the logged-in user, `at.secrets` the `[auth]` section; `st.login` itself is covered by
the browser tests): what each user sees and does not see on every page, edited
addresses naming municipalities outside the scope, the data page for scope `all` only,
bad configuration refusing to open, and one access-log line per page view."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from ips_data.formatting import fmt_int
from ips_data.loading.database import load_dataset
from ips_data.metrics.effect import participants_by_arm
from ips_data.metrics.filters import Filters
from ips_data.metrics.summary import build_summary
from ips_data.municipalities import MUNICIPALITIES
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope
from ips_data.sample import generate_sample
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "c" * 40, "client_id": "ips", "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
}
SCOPES = """\
claim = "email"
[scopes]
"carol@star.dk" = ["all"]
"anna@regionh.dk" = ["region:1084"]
"bo@kk.dk" = ["municipality:101", "municipality:147"]
"""
PAGES = ("pages/overview.py", "pages/beskaeftigelse.py", "pages/oekonomi.py",
         "pages/udrulning.py")
BO = (101, 147)


@pytest.fixture(autouse=True)
def _navigation_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sample_dir: Path):
    """app.py as a plain st.navigation app (see test_app_pages), the sample extract,
    a scopes file and an access log of the test's own."""
    monkeypatch.setattr(script_runner, "_mpa_v1",
                        lambda path: runpy.run_path(path, run_name="__main__"))
    monkeypatch.delenv("IPS_SUPPRESSION_THRESHOLD", raising=False)
    monkeypatch.setenv("IPS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("IPS_DATA_DIR", str(sample_dir))
    monkeypatch.setenv("IPS_ACCESS_LOG", str(tmp_path / "access.log"))
    scopes = tmp_path / "scopes.toml"
    scopes.write_text(SCOPES, encoding="utf-8")
    monkeypatch.setenv("IPS_SCOPES_FILE", str(scopes))


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if (ROOT / "sample_data" / "participants").is_dir():
        return ROOT / "sample_data"
    out = tmp_path_factory.mktemp("sample")
    generate_sample(out)
    return out


def run(email: str | None, page: str = "pages/overview.py", params: dict | None = None,
        auth: dict | None = AUTH) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if auth is not None:
        at.secrets["auth"] = auth
    at.user = ({"is_logged_in": True, "email": email, "name": email} if email
               else {"is_logged_in": False})
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py" and not at.exception:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def everything_shown(at: AppTest) -> str:
    """Every text the run put on the screen (main area and sidebar)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success", "metric", "button", "multiselect", "selectbox"):
        for element in at.get(kind):
            proto = element.proto
            parts.append(str(proto))
    parts += [str(frame.value) for frame in at.dataframe]
    return "\n".join(parts)


def test_logged_out_sees_only_the_login_button(monkeypatch):
    at = run(None)
    assert [b.label for b in at.button] == [t("login", "da")]
    assert not at.metric and not at.dataframe and not at.multiselect
    shown = everything_shown(at)
    assert "København" not in shown and "parquet" not in shown
    assert not at.get("plotly_chart")


def test_logged_out_in_english(monkeypatch):
    at = run(None, params={"en": "true"})
    assert [b.label for b in at.button] == [t("login", "en")]


@pytest.mark.parametrize("page", PAGES)
def test_municipality_user_sees_only_their_municipalities(page):
    at = run("bo@kk.dk", page)
    assert sorted(at.multiselect(key="kom").options) == sorted(
        f"{c} {MUNICIPALITIES[c].name}" for c in BO)
    assert at.selectbox(key="region").options == ["Region Hovedstaden"]
    assert t("logged_in_as", "da", user="bo@kk.dk") in [c.value for c in at.caption]
    assert [b.label for b in at.button] == [t("logout", "da")]
    outside = [m.name for c, m in MUNICIPALITIES.items() if c not in BO]
    for frame in at.dataframe:
        text = frame.value.to_string()
        assert not [name for name in outside if f" {name} " in f" {text} "], page


def test_overview_numbers_are_the_scoped_ones(sample_dir):
    at = run("bo@kk.dk")
    ds = load_dataset(sample_dir)
    try:
        scoped = participants_by_arm(ds, Filters(scope=Scope.from_entries(
            ["municipality:101", "municipality:147"])), DisclosurePolicy())
        whole = participants_by_arm(ds, Filters(scope=Scope.everything()), DisclosurePolicy())
        summary = build_summary(ds, Filters(scope=Scope.from_entries(
            ["municipality:101", "municipality:147"])), DisclosurePolicy())
    finally:
        ds.close()
    n = {r["arm"]: r["n"] for r in scoped.to_dicts()}
    assert n["ips"] != {r["arm"]: r["n"] for r in whole.to_dicts()}["ips"]
    shown = {m.label: m.value for m in at.metric}
    assert shown[t("participants_arm", "da", arm="IPS")] == fmt_int(n["ips"])
    assert {m["code"] for m in summary["municipalities"]} <= set(BO)


def test_an_address_naming_an_outside_municipality_is_ignored_with_a_notice():
    at = run("bo@kk.dk", params={"kom": ["751 Aarhus", "101 København"]})
    assert at.multiselect(key="kom").value == [101]
    assert t("out_of_scope", "da", n=1) in [w.value for w in at.warning]
    assert "Aarhus" not in everything_shown(at)


def test_an_address_naming_an_outside_region_is_ignored_with_a_notice():
    at = run("bo@kk.dk", params={"region": "Region Midtjylland"})
    assert at.selectbox(key="region").value is None
    assert t("out_of_scope", "da", n=1) in [w.value for w in at.warning]


def test_data_page_only_for_scope_all():
    carol = run("carol@star.dk", "pages/data.py")
    assert carol.title[0].value == t("data_title", "da")
    anna = run("anna@regionh.dk")
    with pytest.raises(Exception, match="data"):
        anna.switch_page("pages/data.py").run()
    assert t("data_title", "da") not in [x.value for x in anna.title]


def test_region_user_rollout_counts_only_their_region():
    at = run("anna@regionh.dk", "pages/udrulning.py")
    assert t("rollout_scope_total", "da", n=29) in [c.value for c in at.caption]
    bo = run("bo@kk.dk", "pages/udrulning.py")
    assert t("rollout_scope_total", "da", n=2) in [c.value for c in bo.caption]


def test_user_without_a_scope_sees_no_figure():
    at = run("eve@example.com")
    assert t("no_scope", "da", user="eve@example.com") in [w.value for w in at.warning]
    assert not at.metric and not at.dataframe and not at.multiselect


@pytest.mark.parametrize(("auth", "words"), [
    ({k: v for k, v in AUTH.items() if k != "cookie_secret"}, "no cookie_secret"),
    ({**AUTH, "cookie_secret": "short"}, "shorter than"),
])
def test_bad_configuration_shows_the_error_and_nothing_else(auth, words):
    at = run("carol@star.dk", auth=auth)
    assert len(at.error) == 1 and words in at.error[0].value
    assert not at.metric and not at.multiselect and not at.button


def test_a_broken_scopes_file_stops_the_page(tmp_path, monkeypatch):
    bad = tmp_path / "bad.toml"
    bad.write_text('claim = "email"\n[scopes]\n"bo@kk.dk" = ["region:9"]\n', encoding="utf-8")
    monkeypatch.setenv("IPS_SCOPES_FILE", str(bad))
    at = run("bo@kk.dk")
    assert f"{bad}, line 3" in at.error[0].value
    assert not at.metric


def test_open_demo_says_so_and_shows_everything(monkeypatch):
    monkeypatch.delenv("IPS_SCOPES_FILE")
    at = run(None, auth=None)
    assert t("open_demo", "da") in [c.value for c in at.caption]
    assert len(at.multiselect(key="kom").options) == len(MUNICIPALITIES)


def test_access_log_one_line_per_page_view(tmp_path):
    at = run("bo@kk.dk")
    at.run()  # a rerun with the same page and selection is not a new view
    at.switch_page("pages/beskaeftigelse.py").run()
    at.multiselect(key="kom").set_value([101]).run()
    lines = [json.loads(x) for x in (tmp_path / "access.log").read_text().splitlines()]
    assert [(r["page"], r["selection"]) for r in lines] == [
        ("overview", {}), ("beskaeftigelse", {}),
        ("beskaeftigelse", {"municipalities": [101]})]
    assert {r["user"] for r in lines} == {"bo@kk.dk"}
    assert {r["scope"] for r in lines} == {"municipality:101,municipality:147"}
    numbers = [r for r in lines if set(r) != {"time", "user", "claim", "scope", "page",
                                              "selection"}]
    assert numbers == []
