"""The dashboard in `streamlit.testing.v1.AppTest`: every page on the sample extract,
on an extract without the optional tables, on a tiny extract with suppressed cells and
with filters that select nobody; the language toggle; URL-seeded filters; and the
overview's numbers against `ips_data.metrics.summary.build_summary` for the same filters.
"""

from __future__ import annotations

import io
import json
import re
import runpy
import shutil
import zipfile
from pathlib import Path

import cellkey_oracle
import pandas as pd
import polars as pl
import pytest
from fixtures import TINY_IPS, tiny_extract
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from ips_data.formatting import fmt_date, fmt_dkk, fmt_int, fmt_number, fmt_pct, fmt_pp
from ips_data.loading.database import load_dataset
from ips_data.metrics.filters import Filters
from ips_data.metrics.summary import build_summary
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope
from ips_data.sample import generate_sample
from ui.charts import wrap
from ui.i18n import label, t

ALL = Scope.everything()  # the whole extract (no access restriction)

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGES = {
    "pages/overview.py": "overview_title",
    "pages/beskaeftigelse.py": "effect_title",
    "pages/oekonomi.py": "costs_title",
    "pages/udrulning.py": "rollout_title",
    "pages/data.py": "data_title",
}
NOBODY = {"kom": ["253 Greve"]}  # the sample has nobody in Greve (and no rollout row)


@pytest.fixture(autouse=True)
def _navigation_app(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    """Run app.py as a plain st.navigation app.

    Streamlit treats an app beside a folder called ``pages/`` as a v1 multipage app
    until the first st.navigation call of the process; AppTest resets that flag on
    every run, and in that mode a rerun loses the sidebar. A served app leaves the
    mode after its first run, which is what this reproduces.
    """
    monkeypatch.setattr(script_runner, "_mpa_v1",
                        lambda path: runpy.run_path(path, run_name="__main__"))
    monkeypatch.delenv("IPS_SUPPRESSION_THRESHOLD", raising=False)
    monkeypatch.setenv("IPS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "ips-cache"))


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sample_data/ if present, else the same deterministic sample written afresh."""
    if (ROOT / "sample_data" / "participants").is_dir():
        return ROOT / "sample_data"
    out = tmp_path_factory.mktemp("sample")
    generate_sample(out)
    return out


@pytest.fixture(scope="session")
def core_dir(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Only the required tables (participants, outcomes) and the manifest."""
    out = tmp_path_factory.mktemp("core")
    for table in ("participants", "outcomes"):
        shutil.copytree(sample_dir / table, out / table)
    shutil.copy(sample_dir / "manifest.json", out / "manifest.json")
    return out


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """6 IPS, 6 comparison and 2 IPS-like persons: IPS-like figures are suppressed."""
    return tiny_extract(tmp_path_factory.mktemp("tiny"))


@pytest.fixture
def extracts(sample_dir: Path, core_dir: Path, tiny_dir: Path) -> dict[str, Path]:
    return {"sample": sample_dir, "core": core_dir, "tiny": tiny_dir}


def run(monkeypatch: pytest.MonkeyPatch, data_dir: Path, page: str = "pages/overview.py",
        params: dict | None = None) -> AppTest:
    monkeypatch.setenv("IPS_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def infos(at: AppTest) -> list[str]:
    return [e.value for e in at.info]


def metric(at: AppTest, title: str) -> str:
    found = [m.value for m in at.metric if m.label == title]
    assert len(found) == 1, (title, [m.label for m in at.metric])
    return found[0]


# ------------------------------------------------------------------ pages render
RENDER = [
    # (extract, page, text key of an st.info the page must show, or None)
    *[("sample", page, None) for page in PAGES],
    ("core", "pages/overview.py", "ov_no_rollout"),
    ("core", "pages/beskaeftigelse.py", None),
    ("core", "pages/oekonomi.py", "costs_missing"),
    ("core", "pages/udrulning.py", "rollout_missing"),
    ("core", "pages/data.py", None),
    *[("tiny", page, None) for page in PAGES],
]


@pytest.mark.parametrize(("extract", "page", "info"), RENDER,
                         ids=[f"{e}-{Path(p).stem}" for e, p, _ in RENDER])
def test_page_renders(monkeypatch, extracts, extract: str, page: str, info: str | None):
    at = run(monkeypatch, extracts[extract], page)
    assert at.title[0].value == t(PAGES[page], "da")
    if info is not None:
        assert t(info, "da") in infos(at)
    assert not at.error


EMPTY = [(page, page != "pages/data.py") for page in PAGES]


@pytest.mark.parametrize(("page", "explains"), EMPTY, ids=[Path(p).stem for p, _ in EMPTY])
def test_filters_selecting_nobody(monkeypatch, sample_dir: Path, page: str, explains: bool):
    at = run(monkeypatch, sample_dir, page, NOBODY)
    assert at.multiselect(key="kom").value == [253]
    assert at.title[0].value == t(PAGES[page], "da")
    assert (t("no_selection", "da") in infos(at)) is explains


@pytest.mark.parametrize("page", list(PAGES), ids=[Path(p).stem for p in PAGES])
def test_english_toggle_changes_the_heading(monkeypatch, sample_dir: Path, page: str):
    at = run(monkeypatch, sample_dir, page)
    at.toggle(key="en").set_value(True).run()
    assert not at.exception
    assert at.title[0].value == t(PAGES[page], "en")
    assert at.title[0].value != t(PAGES[page], "da")


def test_english_by_link_and_toggle_back_keeps_the_selection(monkeypatch, sample_dir: Path):
    at = run(monkeypatch, sample_dir, "pages/beskaeftigelse.py",
             {"en": "true", "gruppe": ["IPS", "Comparison"], "maal": "Mean weeks in job/education"})
    assert at.title[0].value == t("effect_title", "en")
    assert at.multiselect(key="gruppe").value == ["ips", "comparison"]
    assert at.radio(key="maal").value == "weeks_mean"
    at.toggle(key="en").set_value(False).run()
    assert at.title[0].value == t("effect_title", "da")
    assert at.multiselect(key="gruppe").value == ["ips", "comparison"]
    assert at.radio(key="maal").value == "weeks_mean"
    assert at.multiselect(key="gruppe").options == [label("arm", a, "da")
                                                   for a in ("ips", "ips_like", "comparison")]


# ----------------------------------------------------- overview == summary JSON
SUMMARY_CASES = [
    # (extract, URL parameters, the same filters for build_summary)
    ("sample", {}, Filters(scope=ALL)),
    ("sample", {"region": "Region Hovedstaden"}, Filters(scope=ALL, region=1084)),
    ("sample", {"kom": ["101 København", "147 Frederiksberg"]},
     Filters(scope=ALL, municipalities=(101, 147))),
    ("sample", {"aar": ["2016", "2021"]},
     Filters(scope=ALL, start_year_from=2016, start_year_to=2021)),
    ("sample", {"alder": ["18-24", "25-29"], "gruppe": ["IPS", "Sammenligning"]},
     Filters(scope=ALL, age_bands=("18-24", "25-29"), arms=("ips", "comparison"))),
    ("tiny", {}, Filters(scope=ALL)),
]


def _share(block: dict, arm: str, measure: str) -> str:
    row = block.get(arm, {"n": None})
    return "<5" if row["n"] is None else fmt_pct(row[measure], 1, "da")


def _weeks(block: dict, arm: str) -> str:
    row = block.get(arm, {"n": None})
    return "<5" if row["n"] is None else fmt_number(row["weeks_mean"], 1, "da") + " uger"


def _cost(block: dict, arm: str) -> str:
    row = block.get(arm, {"n": None})
    return "<5" if row["n"] is None else fmt_dkk(row["mean_total_dkk"], "da")


def _diff(block: dict, measure: str) -> str:
    est = block["difference"][measure]["estimate"]
    if est is None:
        return "<5"
    if measure == "weeks_mean":
        return ("+" if est > 0 else "") + fmt_number(est, 1, "da") + " uger"
    return fmt_pp(est, 1, "da")


@pytest.mark.parametrize(("extract", "params", "filters"), SUMMARY_CASES,
                         ids=["all", "region", "municipalities", "start-years", "age-arms",
                              "tiny"])
def test_overview_numbers_equal_the_summary(monkeypatch, extracts, extract, params, filters):
    at = run(monkeypatch, extracts[extract], params=params)
    ds = load_dataset(extracts[extract])
    try:
        summary = build_summary(ds, filters, DisclosurePolicy())
    finally:
        ds.close()
    e18, e30 = summary["effect"]["18"], summary["effect"]["30"]
    expected = {
        "IPS, 18 mdr.": _share(e18, "ips", "job_or_education_any"),
        "Sammenligning, 18 mdr.": _share(e18, "comparison", "job_or_education_any"),
        t("ov_diff", "da", h=18): _diff(e18, "job_or_education_any"),
        t("ov_weeks", "da"): _diff(e18, "weeks_mean"),
        "IPS, uger, 18 mdr.": _weeks(e18, "ips"),
        "Sammenligning, uger, 18 mdr.": _weeks(e18, "comparison"),
        "IPS, 30 mdr.": _share(e30, "ips", "job_or_education_at_end"),
        "Sammenligning, 30 mdr.": _share(e30, "comparison", "job_or_education_at_end"),
        t("ov_diff", "da", h=30): _diff(e30, "job_or_education_at_end"),
    }
    costs = summary["costs"]["18"]
    saving = costs["saving_per_person_dkk"]["estimate"]
    expected[t("ov_saving", "da")] = "<5" if saving is None else fmt_dkk(saving, "da")
    expected["IPS, udgift, 18 mdr."] = _cost(costs, "ips")
    expected["Sammenligning, udgift, 18 mdr."] = _cost(costs, "comparison")
    for status in ("operating", "implementing", "not_started"):
        count = sum(m["status"] == status for m in summary["municipalities"])
        expected[t("ov_status", "da", status=label("status", status, "da"))] = fmt_int(count)
    shown = {title: metric(at, title) for title in expected}
    assert shown == expected


def test_tiny_overview_hides_the_small_arm(monkeypatch, tiny_dir: Path):
    at = run(monkeypatch, tiny_dir)
    assert metric(at, t("participants_arm", "da", arm="IPS-lignende")) == "<5"
    # the six IPS persons' published count (contract 5b), by the independent oracle
    assert metric(at, t("participants_arm", "da", arm="IPS")) == fmt_int(
        cellkey_oracle.count(TINY_IPS), "da")


# -------------------------------------------------------- tables and downloads
def test_suppressed_cells_read_the_label_on_screen(monkeypatch, tiny_dir: Path):
    at = run(monkeypatch, tiny_dir, "pages/beskaeftigelse.py")
    arms = at.dataframe[0].value
    assert isinstance(arms, pd.DataFrame)
    hidden = arms[arms[t("group", "da")] == "IPS-lignende"].iloc[0]
    assert hidden["n"] == "<5"
    assert hidden[label("measure", "job_or_education_any", "da")] == "<5"
    assert not (arms == "").any().any()
    assert len(at.get("download_button")) >= 2 * len(at.dataframe)


def test_downloads_carry_the_same_suppression(monkeypatch, tiny_dir: Path):
    import ui.tables as tables
    from ips_data.metrics import effect
    from ui.state import Selection, policy

    ds = load_dataset(tiny_dir)
    try:
        sel = Selection(lang="da", filters=Filters(scope=ALL), policy=policy(), ds=ds)
        frame = effect.arm_effects(ds, Filters(scope=ALL), sel.policy).filter(
            pl.col("horizon_months") == 18)
        cols = [tables.Col("arm", "Gruppe", "code", code_kind="arm"),
                tables.Col("n", "n", "int"),
                tables.Col("job_or_education_any", "Andel", "pct", ci=True)]
        csv_rows = pd.read_csv(io.BytesIO(tables.csv_bytes(frame, cols, sel)), dtype=str,
                               encoding="utf-8-sig")
        like = csv_rows[csv_rows["Gruppe"] == "IPS-lignende"]
        assert set(like["n"]) == {"<5"} and set(like["Andel (%)"]) == {"<5"}
        ips_18 = fmt_int(cellkey_oracle.count(TINY_IPS), "da")  # published, as on screen
        assert set(csv_rows.loc[csv_rows["Gruppe"] == "IPS", "n"]) == {ips_18}
        xlsx = zipfile.ZipFile(io.BytesIO(tables.excel_bytes(frame, cols, sel, "effekt")))
        assert "&lt;5" in xlsx.read("xl/sharedStrings.xml").decode()
    finally:
        ds.close()


# --------------------------------------------------------------------- charts
@pytest.mark.parametrize("page", [p for p in PAGES if p != "pages/data.py"],
                         ids=[Path(p).stem for p in PAGES if p != "pages/data.py"])
def test_charts_have_titles_and_axis_units(monkeypatch, sample_dir: Path, page: str):
    at = run(monkeypatch, sample_dir, page)
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert charts
    if page == "pages/overview.py":  # the two small trend charts beside the cards
        assert [c["layout"]["title"]["text"] for c in charts] == [
            t("fig_trend_participants", "da"), wrap(t("fig_trend_share", "da"), 34)]
        assert [c["layout"]["yaxis"]["title"]["text"] for c in charts] == [
            t("persons_axis", "da"), t("share_axis", "da")]
        assert fig_has_error_bars(charts[1])
    for fig in charts:
        assert fig["layout"]["title"]["text"]
    if page == "pages/beskaeftigelse.py":
        assert fig_has_error_bars(charts[0])
        assert all(ch in charts[0]["layout"]["yaxis"]["title"]["text"] for ch in "(%)")
    if page == "pages/oekonomi.py":  # the total per group: bars across, with intervals
        totals = charts[1]
        assert totals["layout"]["title"]["text"].startswith(t("fig_totals", "da"))
        assert fig_has_error_bars(totals, "x")
        assert totals["layout"]["xaxis"]["title"]["text"] == t("dkk_axis", "da")


def fig_has_error_bars(fig: dict, axis: str = "y") -> bool:
    return any(trace.get(f"error_{axis}", {}).get("array") for trace in fig["data"])


# ------------------------------------------------------------- state and data
def test_url_parameters_seed_the_sidebar(monkeypatch, sample_dir: Path):
    at = run(monkeypatch, sample_dir, "pages/oekonomi.py",
             {"region": "Region Hovedstaden", "alder": ["30-39"], "horisont": "30 måneder"})
    assert at.selectbox(key="region").value == 1084
    assert at.multiselect(key="alder").value == ["30-39"]
    assert at.radio(key="horisont").value == "30"


def test_missing_data_directory_is_explained(monkeypatch, tmp_path: Path):
    at = run(monkeypatch, tmp_path / "nowhere")
    assert any(str(tmp_path / "nowhere") in e.value for e in at.error)


def test_a_changed_extract_is_not_served_stale(monkeypatch, sample_dir: Path, tmp_path: Path):
    data = tmp_path / "extract"
    shutil.copytree(sample_dir, data)
    before = run(monkeypatch, data, "pages/oekonomi.py")
    assert t("costs_missing", "da") not in infos(before)
    shutil.rmtree(data / "costs")
    after = run(monkeypatch, data, "pages/oekonomi.py")
    assert t("costs_missing", "da") in infos(after)


def test_rejected_files_are_flagged_and_explained(monkeypatch, sample_dir: Path,
                                                  tmp_path: Path):
    data = tmp_path / "extract"
    shutil.copytree(sample_dir, data)
    (data / "outcomes" / "broken.parquet").write_bytes(b"PAR1 not a parquet file")
    (data / "notes.txt").write_text("ignored", encoding="utf-8")
    overview = run(monkeypatch, data)
    links = overview.get("page_link")
    assert [link.proto.page for link in links  # the data page's URL path (and the
            if link.proto.page != "tilgaengelighed"] == ["data"]  # sidebar's statement)
    page = run(monkeypatch, data, "pages/data.py")
    assert metric(page, label("file_status", "rejected", "da")) == "1"
    assert metric(page, label("file_status", "ignored", "da")) == "1"
    rejections = page.dataframe[-1].value
    assert list(rejections[t("col_path", "da")]) == ["outcomes/broken.parquet"]
    assert all(rejections[t("col_rule", "da")].str.len() > 0)
    # in plain words (what, what to do), the engine's own text only as a detail after it
    assert rejections[t("col_message", "da")][0].startswith("Filen kan ikke læses. Filen "
                                                            "slutter for tidligt")
    assert any(t("rejected_files", "da", files="outcomes/broken.parquet") in c.value
               for c in overview.caption), "the overview names the rejected file"
    assert t("rejected_files", "da", files="outcomes/broken.parquet") in page.warning[0].value
    assert [e.label for e in page.expander] == [t("contract_show", "da")]
    status = re.escape(t("validated_in", "da", s="S", n="N")).replace("S", r"[\d,]+").replace(
        "N", r"\d+")  # e.g. "valideret på 0,12 s (3 uændrede filer ikke læst igen)"
    assert any(re.search(status, c.value) for c in page.caption), "the reload status"
    assert any("### participants" in m.value for m in page.markdown)


def test_threshold_comes_from_the_environment(monkeypatch, tiny_dir: Path):
    monkeypatch.setenv("IPS_SUPPRESSION_THRESHOLD", "7")
    at = run(monkeypatch, tiny_dir)
    assert metric(at, t("participants_arm", "da", arm="IPS")) == "<7"


# ------------------------------------------------------------- start-year slider
def test_start_year_slider_spans_the_extracts_start_years(monkeypatch, sample_dir: Path):
    import polars as pl

    years = pl.read_parquet(sorted((sample_dir / "participants").glob("*.parquet")))[
        "start_date"].dt.year()
    at = run(monkeypatch, sample_dir)
    slider = at.slider(key="aar")
    assert (slider.min, slider.max) == (years.min(), years.max())
    assert slider.value == (years.min(), years.max())


def test_a_linked_year_range_outside_the_extract_shows_every_year(monkeypatch,
                                                                  sample_dir: Path):
    at = run(monkeypatch, sample_dir, params={"aar": ["2005", "2010"]})  # starts 2013+
    slider = at.slider(key="aar")
    assert slider.value == (slider.min, slider.max)
    assert not at.exception


@pytest.mark.parametrize(("value", "before", "span", "expected"), [
    ((2013, 2026), (2013, 2026), (2013, 2027), (2013, 2027)),  # whole span grows along
    ((2013, 2026), (2013, 2026), (2015, 2026), (2015, 2026)),  # and shrinks along
    ((2016, 2020), (2013, 2026), (2013, 2027), (2016, 2020)),  # a choice is kept
    ((2014, 2020), (2013, 2026), (2016, 2027), (2016, 2020)),  # cut to the new ends
    ((2010, 2011), (2005, 2026), (2013, 2026), (2013, 2013)),
    ((2016, 2020), None, (2013, 2026), (2016, 2020)),          # first run: as linked
])
def test_year_range_follows_a_new_extract(value, before, span, expected):
    from ui.bound import fitted

    assert fitted(value, before, span) == expected


@pytest.mark.parametrize("when", ["2026-09-30", "2023-06-30", "2021-12-31"])
def test_rollout_progress_counts_collaborations_in_region_hovedstaden(
        monkeypatch, sample_dir: Path, when: str):
    """"k af 29 samarbejder": municipalities of Region Hovedstaden implementing or running
    IPS on the date, and apart those with an agreement only; computed here straight from
    the rollout files (latest row on or before the date)."""
    from datetime import date

    import polars as pl

    from ips_data.municipalities import MUNICIPALITIES

    day = date.fromisoformat(when)
    rows = pl.read_parquet(sorted((sample_dir / "rollout").glob("*.parquet")))
    latest = (rows.filter(pl.col("valid_from") <= day).sort("valid_from")
              .group_by("municipality_code").last())
    region = [c for c, m in MUNICIPALITIES.items() if m.region_code == 1084]
    status = dict(latest.filter(pl.col("municipality_code").is_in(region))
                  .select("municipality_code", "status").iter_rows())
    k = sum(s in ("implementing", "operating") for s in status.values())
    agreed = sum(s == "agreement" for s in status.values())
    at = run(monkeypatch, sample_dir, "pages/udrulning.py", {"dato": [when]})
    progress = at.get("progress")[0]
    date_text = fmt_date(day, "da")
    assert progress.proto.text == t("progress", "da", k=k, a=agreed, n=len(region),
                                    date=date_text)
    assert progress.value == int(100 * k / len(region))  # Streamlit keeps whole percent


# ------------------------------------------------------- rollout map and profile
def _map_chart(at: AppTest) -> dict:
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    maps = [f for f in figs if any(tr["type"] == "choropleth" for tr in f["data"])]
    assert len(maps) == 1, [f["layout"]["title"]["text"] for f in figs]
    return maps[0]


@pytest.mark.parametrize(("kort", "measure"), [
    (None, "status"), ("Andel i job/uddannelse, 18 mdr.", "share_18"),
    ("Deltagere pr. årsværk (norm 20)", "caseload"),
])
@pytest.mark.parametrize(("region", "codes"), [
    (None, 98), ("Region Hovedstaden", 29), ("Region Nordjylland", 11)])
def test_rollout_map_shows_every_municipality_of_the_selection(
        monkeypatch, sample_dir: Path, kort, measure, region, codes):
    from ips_data.geo.boundaries import ATTRIBUTION

    params = {k: v for k, v in {"kort": kort, "region": region}.items() if v}
    at = run(monkeypatch, sample_dir, "pages/udrulning.py", params)
    assert at.radio(key="kort").value == measure
    fig = _map_chart(at)
    drawn = [c for tr in fig["data"] if tr["type"] == "choropleth" for c in tr["locations"]]
    assert len(drawn) == len(set(drawn)) == codes
    assert ATTRIBUTION in [c.value for c in at.caption]
    # the table beside the map lists the same municipalities
    table = at.dataframe[0].value
    assert len(table) == codes
    if measure != "status":
        hidden_on_map = {c for tr in fig["data"] if tr["type"] == "choropleth"
                         and tr.get("colorscale") and tr["colorscale"][0][1] == "#BDBDBD"
                         for c in tr["locations"]}
        column = table.columns[2]
        assert (table[column] == "<5").sum() == len(hidden_on_map)


def test_rollout_fidelity_profile_of_a_municipality(monkeypatch, sample_dir: Path):
    """København's latest review (28 Sep 2025) is more than 12 months before the extract
    date (30 Sep 2026): flagged; its 25 items are shown against the previous review."""
    at = run(monkeypatch, sample_dir, "pages/udrulning.py",
             {"profil": "101 København", "afsnit": "fidelity"})
    assert at.selectbox(key="profil").value == 101
    assert any("Kvalitetsmåling mangler" in w.value for w in at.warning)
    overdue = [c.value for c in at.caption if c.value.startswith("Kvalitetsmåling mangler")]
    assert len(overdue) == 1 and "København" in overdue[0] and "Frederiksberg" not in overdue[0]
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    profile = [f for f in figs if f["layout"]["title"]["text"].startswith(
        t("fig_profile", "da")[:20])]
    assert len(profile) == 1
    order = profile[0]["layout"]["yaxis"]["categoryarray"]
    assert len([c for c in order if not c.startswith("<b>")]) == 25
    assert len([c for c in order if c.startswith("<b>")]) == 8
    tables = [d.value for d in at.dataframe if t("profile_principle", "da") in d.value.columns]
    assert len(tables) == 1 and len(tables[0]) == 25
    # Ballerup's reviews have no item scores: the total only
    at = run(monkeypatch, sample_dir, "pages/udrulning.py",
             {"profil": "151 Ballerup", "afsnit": "fidelity"})
    assert t("profile_total_only", "da") in infos(at)
    assert not any("Kvalitetsmåling mangler" in w.value for w in at.warning)


def test_a_failing_reload_keeps_the_last_good_extract(monkeypatch, tiny_dir: Path,
                                                      tmp_path: Path):
    """Issue 15: while a reload of the folder fails, the page keeps its numbers and says
    why (the last good Dataset serves), instead of an error in place of every figure."""
    from fixtures import participant, write_table

    import ui.state
    from ips_data.loading.fallback import LoadError

    data = tmp_path / "extract"
    shutil.copytree(tiny_dir, data)
    before = run(monkeypatch, data)
    ips = metric(before, t("participants_arm", "da", arm="IPS"))

    def broken(*args, **kwargs):
        raise LoadError("the extract cannot be loaded: the file ends too early")
    monkeypatch.setattr(ui.state, "load_dataset", broken)
    write_table(data, "participants", [participant("NEW1")], name="new.parquet")
    after = run(monkeypatch, data)
    assert metric(after, t("participants_arm", "da", arm="IPS")) == ips
    assert any(w.value.startswith(t("load_failed_kept", "da", reason="X").split("(")[0])
               for w in after.warning)


@pytest.mark.parametrize(("params", "buttons"), [
    ({}, ["report_button"]),
    ({"region": "Region Hovedstaden"}, ["report_button", "report_region_button"]),
])
def test_rollout_page_offers_the_pdf_reports(monkeypatch, sample_dir, params, buttons):
    """The rollout page's report downloads (the PDFs themselves: tests/test_reports.py):
    the municipality report always, the region summary when a region is chosen."""
    at = run(monkeypatch, sample_dir, "pages/udrulning.py", params)
    labels = [b.proto.label for b in at.get("download_button")]
    assert [x for x in labels if x in {t(k, "da") for k in buttons}] == [t(k, "da")
                                                                         for k in buttons]
    assert t("report_region_button", "da") in labels or "region" not in params
    pick = at.selectbox(key="report-kom")
    assert pick.label == t("report_pick", "da") and pick.value == 101
