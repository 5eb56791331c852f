"""The rollout map: the boundaries shipped with the package, the engine's join of the
figures to every municipality of the selection (ips_data/metrics/rollout_map.py) and
the choropleth (ui/rollout_map.py): every municipality of the selection drawn once,
colours following the status, suppressed figures grey with "<5", the attribution, the
view fitted to the selection with Bornholm in its own frame, and no download needed."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from ips_data.geo import boundaries as geo
from ips_data.metrics import rollout_map as engine
from ips_data.metrics.filters import Filters
from ips_data.municipalities import MUNICIPALITIES
from ips_data.protection.scopes import Scope
from ui import figures
from ui.charts import STATUS_COLOURS
from ui.i18n import label
from ui.rollout_map import (
    NO_DATA_FILL,
    STATUS_SYMBOLS,
    SUPPRESSED_FILL,
    rollout_map,
)

ALL = Scope.everything()
ROOT = Path(__file__).resolve().parents[1]
WHEN = date(2026, 9, 30)
HOVEDSTADEN = sorted(c for c, m in MUNICIPALITIES.items() if m.region_code == 1084)
NORDJYLLAND = sorted(c for c, m in MUNICIPALITIES.items() if m.region_code == 1081)

# Hand-made protected status rows (what rollout.municipality_status returns): code ->
# (status, active, fte, caseload, share_18, n_18); None = suppressed (person-based).
ROWS = {
    101: ("operating", 95, 6.0, 95 / 6.0, 0.61, 240),
    147: ("implementing", None, 1.0, None, None, None),  # both figures suppressed
    151: ("agreement", 12, None, None, 0.5, 10),  # no FTE: no caseload, not suppressed
    400: ("stopped", 8, 0.5, 16.0, None, None),
    851: ("not_started", 0, None, None, None, None),
    461: ("operating", 30, 1.0, 30.0, 0.40, 25),
}


def _status(codes: list[int] | None = None) -> pl.DataFrame:
    rows = []
    for code, (status, active, fte, caseload, share, n18) in ROWS.items():
        if codes is not None and code not in codes:
            continue
        rows.append({"code": code, "name": MUNICIPALITIES[code].name,
                     "region_code": MUNICIPALITIES[code].region_code, "status": status,
                     "status_since": date(2024, 1, 1), "active_participants": active,
                     "consultants_fte": fte, "caseload_per_fte": caseload,
                     "job_or_education_any_18_ips": share, "n_ips_18": n18,
                     "suppressed": share is None or active is None})
    return pl.DataFrame(rows, schema_overrides={
        "code": pl.Int32, "region_code": pl.Int32, "active_participants": pl.Int64,
        "consultants_fte": pl.Float64, "caseload_per_fte": pl.Float64,
        "job_or_education_any_18_ips": pl.Float64, "n_ips_18": pl.Int64})


def _figure(filters: Filters, measure: str, lang: str = "da"):
    status = _status(engine.selection_codes(filters))
    frame = engine.map_frame(status, filters, measure)
    return frame, rollout_map(frame, measure, WHEN, lang, "<5")


def _choropleths(fig) -> list:
    return [trace for trace in fig.data if trace.type == "choropleth"]


def _drawn(fig) -> list[int]:
    return [int(c) for trace in _choropleths(fig) for c in trace.locations]


# ------------------------------------------------------------------------ boundaries
def test_the_boundaries_ship_with_the_package():
    data = geo.boundaries()
    codes = [f["properties"]["municipality_code"] for f in data["features"]]
    assert sorted(codes) == sorted(MUNICIPALITIES) and len(codes) == 98
    assert {f["geometry"]["type"] for f in data["features"]} <= {"Polygon", "MultiPolygon"}
    assert [f["properties"]["municipality_code"] for f in geo.boundaries([400, 101])
            ["features"]] == [101, 400]
    # installed as package data (a wheel carries it), read through importlib.resources
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "geo/*.geojson" in config["tool"]["setuptools"]["package-data"]["ips_data"]
    assert (ROOT / "ips_data" / "geo" / "kommuner.geojson").is_file()
    assert geo.ATTRIBUTION == ("Kommunegrænser: DAGI, Geodatastyrelsen (nu Styrelsen for "
                               "Dataforsyning og Infrastruktur), 2014, forenklet")


@pytest.mark.parametrize(("code", "lon", "lat"), [
    (101, (12.45, 12.65), (55.6, 55.73)), (400, (14.7, 15.2), (55.0, 55.3)),
    (851, (9.7, 10.3), (56.9, 57.2)), (492, (10.2, 10.6), (54.8, 54.95)),  # Ærø: an island
])
def test_label_points_lie_in_their_municipality(code, lon, lat):
    x, y = geo.label_points()[code]
    assert lon[0] < x < lon[1] and lat[0] < y < lat[1]


# ---------------------------------------------------------------------------- engine
@pytest.mark.parametrize(("filters", "expected"), [
    ({}, sorted(MUNICIPALITIES)),
    ({"region": 1084}, HOVEDSTADEN),
    ({"region": 1081}, NORDJYLLAND),
    ({"municipalities": (147, 101, 851)}, [101, 147, 851]),
    ({"municipalities": (101, 851), "region": 1084}, [101]),
    ({"scope": Scope.from_entries(["region:1081"])}, NORDJYLLAND),
    ({"scope": Scope.from_entries(["municipality:101"]), "municipalities": (101, 147)}, [101]),
])
def test_selection_codes(filters, expected):
    assert engine.selection_codes(Filters(**{"scope": ALL, **filters})) == expected


def test_map_frame_states_per_measure():
    filters = Filters(scope=ALL)
    states = {}
    for measure in engine.MEASURES:
        frame = engine.map_frame(_status(), filters, measure)
        assert frame["code"].to_list() == sorted(MUNICIPALITIES)
        states[measure] = dict(zip(frame["code"], frame["state"], strict=True))
    assert [states["status"][c] for c in (101, 147, 265)] == ["shown", "shown", "no_data"]
    # 147: both suppressed; 151: share shown, no FTE; 400: share suppressed; 851: n 0
    assert {c: states["share_18"][c] for c in ROWS} == {
        101: "shown", 147: "suppressed", 151: "shown", 400: "suppressed",
        851: "suppressed", 461: "shown"}
    assert {c: states["caseload"][c] for c in ROWS} == {
        101: "shown", 147: "suppressed", 151: "no_data", 400: "shown", 851: "no_data",
        461: "shown"}
    assert states["share_18"][265] == states["caseload"][265] == "no_data"
    frame = engine.map_frame(_status(), filters, "caseload").filter(pl.col("code").is_in(
        list(ROWS)))
    over = dict(zip(frame["code"], frame["over_norm"], strict=True))
    assert (over[101], over[461], over[151]) == (False, True, None)  # 15.8, 30, no FTE
    assert dict(zip(frame["code"], frame["value"], strict=True))[461] == 30.0
    with pytest.raises(ValueError, match="unknown map measure"):
        engine.map_frame(_status(), filters, "weeks")


def test_the_share_is_chosen_in_one_place(monkeypatch):
    status = _status().with_columns(
        adjusted_share_18_ips=pl.col("job_or_education_any_18_ips") / 2,
        adjusted_n_18=pl.col("n_ips_18") - 1)
    assert engine.SHARE_KIND == "adjusted"  # the benchmark of contract 4b
    adjusted = engine.share_18(status)
    assert adjusted["share_18"].to_list() == status["adjusted_share_18_ips"].to_list()
    assert adjusted["share_n_18"].to_list() == status["adjusted_n_18"].to_list()
    assert engine.share_kind(status) == "adjusted"
    # a frame without the benchmark's columns, or the switch set to crude: the crude share
    for frame in (_status(), status):
        if frame is status:
            monkeypatch.setattr(engine, "SHARE_KIND", "crude")
        crude = engine.share_18(frame)
        assert crude["share_18"].to_list() == frame["job_or_education_any_18_ips"].to_list()
        assert crude["share_n_18"].to_list() == frame["n_ips_18"].to_list()
        assert engine.share_kind(frame) == "crude"


@pytest.fixture(scope="module")
def sample():
    from ips_data.loading.database import load_dataset

    ds = load_dataset(ROOT / "sample_data")
    yield ds
    ds.close()


@pytest.mark.parametrize("filters", [{}, {"region": 1084}, {"municipalities": (101, 167)}])
def test_the_map_shows_the_benchmarks_adjusted_share(sample, filters):
    from ips_data.metrics.benchmark import benchmark
    from ips_data.protection.disclosure import DisclosurePolicy

    f, policy = Filters(scope=ALL, **filters), DisclosurePolicy()
    frame = engine.map_figures(sample, f, policy, measure="share_18", as_of=WHEN)
    assert set(frame["share_kind"]) == {"adjusted"}
    points = {r["municipality_code"]: r for r in benchmark(sample, f, policy).points.to_dicts()}
    assert points, "the sample has no benchmark"
    for row in frame.to_dicts():
        point = points.get(row["code"])
        if point is None:  # nobody with an 18-month row
            assert row["share_18"] is None and row["state"] != "shown"
            continue
        assert row["share_18"] == point["adjusted_share"]
        assert row["share_n_18"] == point["n"]
        assert row["state"] == ("suppressed" if point["suppressed"] else "shown")


# ---------------------------------------------------------------------------- figure
@pytest.mark.parametrize("measure", engine.MEASURES)
@pytest.mark.parametrize("filters", [
    {}, {"region": 1084}, {"region": 1081}, {"municipalities": (400,)},
    {"municipalities": (101, 400, 851)},
], ids=["all", "hovedstaden", "nordjylland", "bornholm", "three"])
def test_every_municipality_of_the_selection_is_drawn_once(filters, measure):
    f = Filters(scope=ALL, **filters)
    _frame, fig = _figure(f, measure)
    drawn = _drawn(fig)
    assert sorted(drawn) == engine.selection_codes(f)  # each exactly once
    sent = [t for t in figures.spec(fig)["data"] if t["type"] == "choropleth"]  # as sent
    assert len(sent) == len(_choropleths(fig))
    for trace in sent:
        assert trace["featureidkey"] == "properties.municipality_code"
        ids = {feat["properties"]["municipality_code"] for feat in trace["geojson"]["features"]}
        assert {int(c) for c in trace["locations"]} <= ids  # its own boundaries go along
    for name in {trace.geo for trace in fig.data}:
        subplot = fig.layout[name]
        assert subplot.fitbounds == "locations" and subplot.visible is False
    # the attribution is on the figure (and the page repeats it under the map)
    assert [a.text for a in fig.layout.annotations if a.name == "attribution"] == [
        geo.ATTRIBUTION]


@pytest.mark.parametrize(("filters", "inset"), [
    ({"region": 1084}, True), ({}, True), ({"municipalities": (400,)}, False),
    ({"region": 1081}, False), ({"municipalities": (101, 400)}, True),
])
def test_bornholm_gets_its_own_frame(filters, inset):
    _, fig = _figure(Filters(scope=ALL, **filters), "status")
    on_inset = [int(c) for t in _choropleths(fig) if t.geo == "geo2" for c in t.locations]
    assert on_inset == ([400] if inset else [])
    main = [int(c) for t in _choropleths(fig) if t.geo == "geo" for c in t.locations]
    assert (400 in main) == (filters == {"municipalities": (400,)})
    if inset:
        assert fig.layout.geo2.showframe is True
        assert fig.layout.geo.domain.x[1] <= fig.layout.geo2.domain.x[0]  # side by side


@pytest.mark.parametrize("measure", engine.MEASURES)
def test_no_world_outline_is_downloaded(measure):
    """plotly.js downloads a world outline for a geo subplot whose first trace has a
    locationmode (any choropleth): each subplot must start with a lon/lat point."""
    _, fig = _figure(Filters(scope=ALL), measure)
    for name in ("geo", "geo2"):  # the whole country: Bornholm in its frame (geo2)
        traces = [t for t in fig.data if (t.geo or "geo") == name]
        assert traces[0].type == "scattergeo"
        assert traces[0].locations is None and traces[0].locationmode is None
    sent = [t for t in figures.spec(fig)["data"] if t["type"] == "choropleth"]
    assert sent and all(isinstance(t["geojson"], dict) and t["geojson"]["features"]
                        for t in sent)  # inline boundaries in what is sent, never a URL


def test_colours_follow_the_status():
    filters = Filters(scope=ALL)
    frame, fig = _figure(filters, "status")
    status = dict(zip(frame["code"], frame["status"], strict=True))
    seen = set()
    for trace in _choropleths(fig):
        colours = {c for _, c in trace.colorscale}
        assert len(colours) == 1
        colour = colours.pop()
        for code in trace.locations:
            want = status[int(code)]
            assert colour == (NO_DATA_FILL if want == "no_data" else STATUS_COLOURS[want])
            seen.add(want)
    assert seen == {"operating", "implementing", "agreement", "stopped", "not_started",
                    "no_data"}
    # not by colour alone: a marker shape per status, in the legend with its name, and
    # the status named in every municipality's hover text
    markers = {t.name: t for t in fig.data if t.type == "scattergeo" and t.name != "anchor"}
    for code, row in ROWS.items():
        name = label("status", row[0], "da")
        trace = markers[name]
        assert trace.marker.symbol == STATUS_SYMBOLS[row[0]]
        assert trace.marker.color == STATUS_COLOURS[row[0]]
        hover = next(t.text[list(t.locations).index(code)] for t in _choropleths(fig)
                 if code in list(t.locations))
        assert f"Status: {name}" in hover and MUNICIPALITIES[code].name in hover
    assert len({t.marker.symbol for t in markers.values()}) == len(markers)


@pytest.mark.parametrize(("measure", "suppressed", "labelled"), [
    ("share_18", [147, 400, 851], False), ("caseload", [147], False),
])
def test_suppressed_figures_are_grey_with_the_label(measure, suppressed, labelled):
    _frame, fig = _figure(Filters(scope=ALL), measure)
    grey = [int(c) for t in _choropleths(fig) if {c for _, c in t.colorscale or []}
            == {SUPPRESSED_FILL} for c in t.locations]
    assert sorted(grey) == suppressed
    for trace in _choropleths(fig):
        for code, text in zip(trace.locations, trace.text, strict=True):
            if int(code) in suppressed:
                assert "<5" in text
    # shown figures are on the colour scale, with their value (percent for the share)
    scaled = [t for t in _choropleths(fig) if t.coloraxis == "coloraxis"]
    values = {int(c): z for t in scaled for c, z in zip(t.locations, t.z, strict=True)}
    expected = {c: (r[4] * 100 if measure == "share_18" else r[3]) for c, r in ROWS.items()
                if (r[4] if measure == "share_18" else r[3]) is not None}
    assert values == pytest.approx(expected)
    labels = [t for t in fig.data if t.type == "scattergeo" and t.mode == "text"]
    assert bool(labels) == labelled  # 98 municipalities: the label on hover only


def test_a_small_map_writes_the_label_on_suppressed_municipalities():
    _, fig = _figure(Filters(scope=ALL, region=1084), "share_18")
    labels = [t for t in fig.data if t.type == "scattergeo" and t.mode == "text"]
    assert sorted(len(t.text) for t in labels) == [1, 1]  # 147 on the map, 400 in its frame
    assert {x for t in labels for x in t.text} == {"<5"}
    assert fig.layout.coloraxis.cmin == 0 and fig.layout.coloraxis.cmax == 100


def test_caseload_colours_break_at_the_norm():
    _, fig = _figure(Filters(scope=ALL), "caseload")
    axis = fig.layout.coloraxis
    assert (axis.cmin, axis.cmax) == (0, 40)
    stops = [s for s, _ in axis.colorscale]
    colours = [c for _, c in axis.colorscale]
    assert stops.count(0.5) == 2 and colours[1] != colours[2]  # 20 = 0.5 of 0..40
    assert "20" in axis.colorbar.ticktext[2]


def test_english_and_json_serialisable():
    _, fig = _figure(Filters(scope=ALL, region=1084), "status", lang="en")
    assert "status" in fig.layout.title.text.lower()
    json.loads(fig.to_json())
