"""The pages' sections (ui.sections): only the open section asks the engine for its
figures and draws them; the address names it (a link opens it) and it stays open when
the language changes."""

from __future__ import annotations

import runpy
from collections import Counter
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

import ui.state
from ui import sections
from ui.i18n import label, t

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
EFFECT, COSTS, ROLLOUT = "pages/beskaeftigelse.py", "pages/oekonomi.py", "pages/udrulning.py"

#: per page and section: the section's headings (text keys), and the engine calls only
#: that section makes
OWN = {
    EFFECT: {
        "effect": ((), {"summary_effect", "differences"}),
        "adjusted": (("adj_head",), {"balance"}),
        "trend": (("trend_head", "breakdowns"), {"effect_by_group"}),
        "municipalities": (("funnel_head",), {"benchmark"}),
    },
    COSTS: {
        "costs": ((), {"costs_by_category"}),
        "municipalities": (("muni_head",), {"savings_by_municipality"}),
    },
    ROLLOUT: {
        "map": (("map_table",), {"rollout_map", "benchmark"}),
        "status": (("impl_head", "status_table", "timeline_head"), set()),
        "fidelity": (("fidelity_head", "profile_head", "caseload_head"),
                     {"reviewed_municipalities"}),
    },
}


@pytest.fixture(autouse=True)
def _app(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    monkeypatch.setattr(script_runner, "_mpa_v1",
                        lambda path: runpy.run_path(path, run_name="__main__"))
    monkeypatch.delenv("IPS_SUPPRESSION_THRESHOLD", raising=False)
    monkeypatch.setenv("IPS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "ips-cache"))
    monkeypatch.setenv("IPS_DATA_DIR", str(ROOT / "sample_data"))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """The engine calls the pages make (nothing served from an earlier test's cache)."""
    made: Counter = Counter()

    def spy(name, fn):
        def call(*args, **kwargs):
            made[name] += 1
            return fn(*args, **kwargs)
        return call

    for name, fn in list(ui.state._ENGINE.items()):
        monkeypatch.setitem(ui.state._ENGINE, name, spy(name, fn))
    st.cache_data.clear()
    return made


def run(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def headings(at: AppTest) -> set[str]:
    return {h.value for h in at.subheader}


def assert_open(at: AppTest, page: str, section: str, lang: str = "da") -> None:
    """Only `section`'s headings are on the page."""
    shown = headings(at)
    for code, (keys, _) in OWN[page].items():
        for key in keys:
            assert (t(key, lang) in shown) == (code == section), (section, key, shown)


@pytest.mark.parametrize("page", list(OWN))
def test_the_first_section_is_open_and_only_its_figures_are_made(calls, page):
    at = run(page)
    first = next(iter(OWN[page]))
    assert_open(at, page, first)
    for code, (_, own) in OWN[page].items():
        for name in own:
            assert (calls[name] > 0) == (code == first), (code, name, dict(calls))
    assert sections.KEY not in at.query_params


@pytest.mark.parametrize(("page", "section"), [
    (page, code) for page, codes in OWN.items() for code in list(codes)[1:]])
def test_a_link_opens_its_section(calls, page, section):
    at = run(page, {sections.KEY: section})
    assert_open(at, page, section)
    for code, (_, own) in OWN[page].items():
        for name in own:
            assert (calls[name] > 0) == (code == section), (code, name, dict(calls))
    assert at.query_params[sections.KEY] == section


def test_choosing_a_section_opens_it_and_names_it_in_the_address():
    at = run(EFFECT)
    at.button_group(key=sections.KEY).set_value("municipalities").run()
    assert_open(at, EFFECT, "municipalities")
    assert at.query_params[sections.KEY] == "municipalities"
    at.button_group(key=sections.KEY).set_value("effect").run()
    assert_open(at, EFFECT, "effect")
    assert sections.KEY not in at.query_params  # the first section needs no parameter


def test_the_open_section_stays_open_when_the_language_changes():
    at = run(ROLLOUT, {sections.KEY: "fidelity"})
    at.sidebar.toggle(key="en").set_value(True).run()
    assert not at.exception
    assert_open(at, ROLLOUT, "fidelity", "en")
    at.sidebar.toggle(key="en").set_value(False).run()
    assert_open(at, ROLLOUT, "fidelity", "da")


@pytest.mark.parametrize("value", ["nothing", "map"])  # unknown; another page's section
def test_an_unknown_section_opens_the_first(value):
    at = run(EFFECT, {sections.KEY: value})
    assert_open(at, EFFECT, "effect")
    assert sections.KEY not in at.query_params


@pytest.mark.parametrize(("first", "section", "then", "opens"), [
    (EFFECT, "adjusted", ROLLOUT, "map"),  # not a section of the next page
    (EFFECT, "municipalities", COSTS, "municipalities"),  # a section of both pages
])
def test_going_to_another_page_keeps_only_a_section_it_has(first, section, then, opens):
    at = run(first, {sections.KEY: section})
    at.switch_page(then).run()
    assert not at.exception, [e.value for e in at.exception]
    assert_open(at, then, opens)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_choice_is_a_named_group_with_a_label_per_section(lang):
    at = run(ROLLOUT, {"en": "true"} if lang == "en" else None)
    choice = at.button_group(key=sections.KEY)
    assert choice.label == t("sections", lang)
    assert choice.options == [label("section", code, lang) for code in OWN[ROLLOUT]]
    assert choice.value == "map"  # the value is the code, whatever the language


def _breakdown_columns(at: AppTest) -> list[str]:
    return [str(c) for frame in at.dataframe for c in frame.value.columns]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_breakdowns_are_chosen_one_at_a_time_in_a_named_group(calls, lang):
    """The trend section's breakdowns: a radio group like the sections' (not tabs); only
    the chosen breakdown is asked for and drawn, and choosing another asks for it."""
    at = run(EFFECT, {sections.KEY: "trend", **({"en": "true"} if lang == "en" else {})})
    choice = at.button_group(key="effect-breakdown")
    dimensions = ["age_band", "sex", "benefit_at_start", "treatment_unit"]
    assert choice.label == t("breakdowns", lang)
    assert choice.options == [label("dimension", d, lang).capitalize() for d in dimensions]
    assert choice.value == "age_band"
    names = [label("dimension", d, lang).capitalize() for d in dimensions]
    assert [n for n in names if n in _breakdown_columns(at)] == [names[0]]
    asked = calls["effect_by_group"]  # the trend by start year and the first breakdown
    choice.set_value("sex").run()
    assert not at.exception, [e.value for e in at.exception]
    assert calls["effect_by_group"] == asked + 1
    assert [n for n in names if n in _breakdown_columns(at)] == [names[1]]
    assert at.query_params[sections.KEY] == "trend"  # still the trend section
