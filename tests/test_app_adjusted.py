"""The effect page's adjusted sections in AppTest (contract section 4b): crude and
adjusted cards and forest plot, support and balance, the benchmark table and funnel with
both switches (adjusted ↔ crude funnel; overdispersion ↔ exact limits), selections with
nobody matured or no comparison person (the page says why figures are missing)."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import polars as pl
import pytest
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from ips_data.formatting import fmt_number
from ips_data.loading.database import load_dataset
from ips_data.metrics import adjusted, benchmark
from ips_data.metrics.filters import Filters
from ips_data.metrics.summary import build_summary
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope
from ips_data.sample import generate_sample
from ui import sections
from ui.adjusted_view import adjusted_text
from ui.i18n import label, t

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "pages/beskaeftigelse.py"
ALL = Scope.everything()


@pytest.fixture(autouse=True)
def _navigation_app(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    """As in test_app_pages: run app.py as a plain st.navigation app."""
    monkeypatch.setattr(script_runner, "_mpa_v1",
                        lambda path: runpy.run_path(path, run_name="__main__"))
    monkeypatch.delenv("IPS_SUPPRESSION_THRESHOLD", raising=False)
    monkeypatch.setenv("IPS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "ips-cache"))


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    if (ROOT / "sample_data" / "participants").is_dir():
        return ROOT / "sample_data"
    out = tmp_path_factory.mktemp("sample")
    generate_sample(out)
    return out


def run(monkeypatch, data_dir: Path, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("IPS_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_section(at: AppTest, code: str) -> AppTest:
    """Choose one of the page's sections (only the open one is drawn)."""
    at.button_group(key=sections.KEY).set_value(code).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, title: str) -> str:
    found = [m.value for m in at.metric if m.label == title]
    assert len(found) == 1, (title, [m.label for m in at.metric])
    return found[0]


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def figure(at: AppTest, title_key: str) -> dict:
    found = [f for f in figures(at)
             if f["layout"]["title"]["text"].replace("<br>", " ").startswith(
                 t(title_key, "da")[:30])]
    assert len(found) == 1, [f["layout"]["title"]["text"] for f in figures(at)]
    return found[0]


def frame_with(at: AppTest, column: str):
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def test_cards_forest_support_and_balance(monkeypatch, sample_dir: Path):
    at = run(monkeypatch, sample_dir)
    ds = load_dataset(sample_dir)
    try:
        summary = build_summary(ds, Filters(scope=ALL), DisclosurePolicy())
    finally:
        ds.close()
    h = label("horizon", "18", "da")
    value, _ = adjusted_text(summary, 18, "job_or_education_any", "da", "<5")
    assert metric(at, t("adj_card", "da", h=h)) == value
    assert value.startswith("+") and value != metric(at, t("crude_card", "da", h=h))
    forest = figure(at, "fig_forest_both")
    assert [tr["name"] for tr in forest["data"]] == [t("crude", "da"), t("adjusted", "da")]
    assert all(len(tr["x"]) == 2 for tr in forest["data"])  # both horizons
    open_section(at, "adjusted")
    adj = summary["effect"]["18"]["adjusted_difference"]
    assert metric(at, f"{t('support_card', 'da')}, {h}") == (
        fmt_number(adj["support_share"] * 100, 1, "da") + " %")
    assert any(t("adj_note", "da") == c.value for c in at.caption)
    balance = frame_with(at, t("bal_d_weighted", "da"))
    assert set(balance[t("bal_variable", "da")]) == {
        label("stratum", v, "da") for v in adjusted.STRATUM}
    assert set(balance[t("bal_flag_crude", "da")]) <= {"ja", "nej", "<5"}


def test_benchmark_table_sorted_by_actual_minus_expected(monkeypatch, sample_dir: Path):
    at = run(monkeypatch, sample_dir, {sections.KEY: "municipalities"})
    table = frame_with(at, t("bench_o_minus_e", "da"))
    ds = load_dataset(sample_dir)
    try:
        bench = benchmark.benchmark(ds, Filters(scope=ALL), DisclosurePolicy())
    finally:
        ds.close()
    expected = (bench.points.sort("o_minus_e", descending=True, nulls_last=True)
                ["o_minus_e"].to_list())
    assert list(table[t("bench_o_minus_e", "da")]) == [
        "<5" if v is None else fmt_number(v, 1, "da") for v in expected]
    assert at.selectbox(key="sort-faktisk_forventet_18m").value == "o_minus_e"
    funnel = figure(at, "fig_funnel_adj")
    points = [tr for tr in funnel["data"] if tr["mode"] == "markers"]
    assert points and all(len(row) == 6 for tr in points for row in tr["customdata"])
    hover = points[0]["hovertemplate"]
    assert "n = " in hover and "faktisk" in hover and "forventet" in hover
    lines = {tr["name"] for tr in funnel["data"] if tr["mode"] == "lines"}
    assert lines == {t(f"limit_{k}", "da") for k in ("exact_95", "exact_998", "od_95",
                                                     "od_998")}


def test_funnel_switch_back_to_crude_and_limits_switch(monkeypatch, sample_dir: Path):
    at = run(monkeypatch, sample_dir, {sections.KEY: "municipalities"})
    assert at.radio(key="tragt").value == "adjusted"
    at.radio(key="graenser").set_value("exact").run()
    assert not at.exception
    funnel = figure(at, "fig_funnel_adj")
    names = {tr["name"] for tr in funnel["data"] if tr["mode"] == "markers"}
    ds = load_dataset(sample_dir)
    try:
        bench = benchmark.benchmark(ds, Filters(scope=ALL), DisclosurePolicy())
    finally:
        ds.close()
    shown = bench.points.filter(pl.col("adjusted_share").is_not_null())
    assert names == {label("flag", f, "da") for f in shown["exact_flag"].unique()}
    at.radio(key="tragt").set_value("crude").run()
    assert not at.exception
    assert figure(at, "fig_funnel")["layout"]["title"]["text"]
    assert frame_with(at, t("funnel_share", "da")) is not None
    assert not [d for d in at.dataframe if t("bench_o_minus_e", "da") in d.value.columns]
    at.radio(key="tragt").set_value("adjusted").run()
    assert frame_with(at, t("bench_o_minus_e", "da")) is not None


def test_english(monkeypatch, sample_dir: Path):
    at = run(monkeypatch, sample_dir, {"en": "true"})
    h = label("horizon", "18", "en")
    assert metric(at, t("adj_card", "en", h=h)).startswith("+")
    open_section(at, "municipalities")
    assert frame_with(at, t("bench_o_minus_e", "en")) is not None


def test_no_comparison_persons_explained(monkeypatch, sample_dir: Path):
    at = run(monkeypatch, sample_dir, {"gruppe": ["IPS"]})
    assert metric(at, t("adj_card", "da", h=label("horizon", "18", "da"))) == "–"
    open_section(at, "adjusted")
    assert t("adj_reason_no_comparison", "da", h=18) in [e.value for e in at.info]
    # the benchmark needs no comparison group
    open_section(at, "municipalities")
    assert frame_with(at, t("bench_o_minus_e", "da")) is not None


def test_nobody_matured_explained(monkeypatch, sample_dir: Path):
    """Starters of the last year have no 18-month row yet: no adjusted figure, no
    benchmark, and the page says so."""
    ds = load_dataset(sample_dir)
    try:
        last = ds.start_year_range(Scope.everything())[1]
    finally:
        ds.close()
    at = run(monkeypatch, sample_dir, {"aar": [str(last), str(last)],
                                       sections.KEY: "adjusted"})
    assert t("adj_reason_no_ips", "da", h=18) in [e.value for e in at.info]
    open_section(at, "municipalities")
    assert t("bench_none", "da") in [e.value for e in at.info]
