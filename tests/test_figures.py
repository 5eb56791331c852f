"""`ui.figures`: the house template looks like plotly_white for the traces the dashboard
draws; built figures are reused only for equal contents and settings; what is sent is
exactly the figure's dict."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
import pytest

from ui import chart_room, charts, figures
from ui.memo import content_key


def test_house_template_keeps_plotly_white_for_every_drawn_trace_type():
    white, ips = pio.templates["plotly_white"], pio.templates[figures.TEMPLATE]
    expected = white.layout.to_plotly_json()
    for axis in ("xaxis", "yaxis"):  # plus the axes' tick label setting (AXIS_DEFAULTS)
        expected[axis] = {**expected[axis], **figures.AXIS_DEFAULTS}
    assert ips.layout.to_plotly_json() == expected
    assert ips.layout.xaxis.ticklabeloverflow == "allow"
    for kind in figures.TRACE_TYPES:
        assert getattr(ips.data, kind) == getattr(white.data, kind), kind
    assert pio.templates.default == figures.TEMPLATE


def _frame(share: float) -> pl.DataFrame:
    return pl.DataFrame({"arm": ["ips", "comparison"], "n": [100, 120],
                         "job_or_education_any": [share, 0.4],
                         "job_or_education_any_low": [share - 0.1, 0.3],
                         "job_or_education_any_high": [share + 0.1, 0.5]})


def test_equal_contents_reuse_the_figure_and_other_contents_do_not():
    first = charts.arm_bars(_frame(0.6), "job_or_education_any", 18, "da", "<5")
    again = charts.arm_bars(_frame(0.6), "job_or_education_any", 18, "da", "<5")
    other = charts.arm_bars(_frame(0.61), "job_or_education_any", 18, "da", "<5")
    english = charts.arm_bars(_frame(0.6), "job_or_education_any", 18, "en", "<5")
    assert again is first
    assert other is not first and list(other.data[0].y) != list(first.data[0].y)
    assert english is not first and english.layout.separators != first.layout.separators
    fresh = charts.arm_bars.uncached(_frame(0.6), "job_or_education_any", 18, "da", "<5")
    assert figures.spec(first) == chart_room.reserve(fresh.to_dict())  # plus the axes' room


LINES_UP_TO = 3  # a setting of the builder's module, as in ui.rollout_charts


@figures.cached
def _lines(n: int) -> go.Figure:
    return go.Figure([go.Scatter(y=[i], showlegend=n <= LINES_UP_TO) for i in range(n)])


def test_a_changed_setting_is_not_served_an_old_figure(monkeypatch):
    assert all(tr.showlegend for tr in _lines(3).data)
    monkeypatch.setattr(f"{__name__}.LINES_UP_TO", 2)
    assert not any(tr.showlegend for tr in _lines(3).data)


def test_spec_of_a_figure_that_is_not_cached_follows_its_changes():
    fig = go.Figure(go.Bar(x=[1], y=[2]))
    assert figures.spec(fig)["layout"].get("height") is None
    fig.update_layout(height=300)
    assert figures.spec(fig)["layout"]["height"] == 300


def test_arguments_without_a_content_key_are_built_every_time():
    calls = []

    @figures.cached
    def build(values: object) -> go.Figure:
        calls.append(values)
        return go.Figure()

    build(pl.DataFrame({"a": [[1, 2]]}))  # a list column: rows are not hashable
    build(pl.DataFrame({"a": [[1, 2]]}))
    assert len(calls) == 2
    with pytest.raises(TypeError):
        content_key(object())


def test_content_cache_reuses_only_for_equal_contents():
    from ui.memo import ContentCache

    cache: ContentCache[list] = ContentCache(2)
    made = []

    def make(tag):
        return lambda: made.append(tag) or [tag]

    a = cache.get_or_make((pl.DataFrame({"x": [1, 2]}), "da"), make("a"))
    assert cache.get_or_make((pl.DataFrame({"x": [1, 2]}), "da"), make("b")) is a
    cache.get_or_make((pl.DataFrame({"x": [1, 3]}), "da"), make("c"))  # other rows
    cache.get_or_make((pl.DataFrame({"x": [1, 2]}, schema={"x": pl.Int8}), "da"), make("d"))
    cache.get_or_make((pl.DataFrame({"x": [1, 2]}), "en"), make("e"))  # evicts the oldest
    cache.get_or_make((pl.DataFrame({"x": [1, 2]}), "da"), make("f"))
    assert made == ["a", "c", "d", "e", "f"]


@pytest.mark.parametrize("cached", [True, False])
def test_inlined_values_reach_the_sent_dict_not_the_figure(cached):
    """A choropleth's boundaries travel as a token in the figure (no validation, no
    copies) and as the value itself in what is sent; a string that is not a token stays."""
    shapes = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": 1},
         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]}
    fig = go.Figure()
    token = figures.inline(fig, shapes)
    fig.add_trace(go.Choropleth(geojson=token, locations=[1], z=[1],
                                featureidkey="properties.id", name=token + "x"))
    if cached:
        fig._ips_frozen = True
    assert fig.data[0].geojson == token  # the figure holds only the token
    sent = figures.spec(fig)["data"][0]
    assert sent["geojson"] is shapes  # shared, not copied
    assert sent["name"] == token + "x"
    assert figures.spec(fig)["data"][0]["geojson"] is shapes  # again (cached or rebuilt)


# ------------------------------------------- the sent figures pass plotly's validation
#: every page and section of the app, as a page and its URL parameters
VIEWS = [
    ("pages/overview.py", {}), ("pages/beskaeftigelse.py", {}),
    *[("pages/beskaeftigelse.py", {"afsnit": s}) for s in ("adjusted", "trend", "municipalities")],
    ("pages/beskaeftigelse.py", {"afsnit": "municipalities", "tragt": "Rå andele"}),
    ("pages/oekonomi.py", {}), ("pages/oekonomi.py", {"afsnit": "municipalities"}),
    *[("pages/udrulning.py", {"afsnit": s, "kort": k})
      for s, k in (("map", "Status"), ("map", "Andel i job/uddannelse, 18 mdr."),
                   ("map", "Deltagere pr. årsværk (norm 20)"), ("status", None),
                   ("fidelity", None))],
    ("pages/udrulning.py", {"afsnit": "fidelity", "profil": "101 København", "en": "true"}),
]


@pytest.mark.parametrize(("page", "params"), VIEWS,
                         ids=[f"{p.split('/')[1][:-3]}-{'-'.join(str(v) for v in q.values())}"
                              for p, q in VIEWS])
def test_every_sent_figure_passes_plotlys_validation_unchanged(monkeypatch, tmp_path_factory,
                                                                page, params):
    """Figures are built with plotly's validation off (`figures.new`): the dict each page
    sends is fed to plotly's validating constructor, which must accept it and give the
    same dict back (an unknown property, a wrong value or a value plotly would have
    coerced fails here)."""
    import json
    import runpy
    from pathlib import Path

    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parents[1]
    monkeypatch.setattr(script_runner, "_mpa_v1",
                        lambda path: runpy.run_path(path, run_name="__main__"))
    monkeypatch.setenv("IPS_DATA_DIR", str(root / "sample_data"))
    monkeypatch.setenv("IPS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "ips-cache"))
    monkeypatch.delenv("IPS_SUPPRESSION_THRESHOLD", raising=False)
    sent: list[dict] = []
    spec = figures.spec
    monkeypatch.setattr(figures, "spec", lambda fig: sent.append(spec(fig)) or sent[-1])
    at = AppTest.from_file(str(root / "app.py"), default_timeout=60)
    for key, value in params.items():
        if value is not None:
            at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert sent, "the view sent no figure"
    for out in sent:
        plain = json.loads(pio.to_json(out, validate=False))
        checked = json.loads(pio.to_json(go.Figure(out), validate=False))
        # an empty list of annotations or shapes (left by add_vline) is plotly's default
        plain["layout"] = {k: v for k, v in plain["layout"].items() if v != []}
        assert checked == plain, plain["layout"].get("title")


BASES = [{}, {"title": {"text": "a", "font": {"size": 3}}, "xaxis": {"range": [0, 1]}},
         {"xaxis": {"title": {"text": "x"}}, "legend": {"x": 0.5}, "colorway": ["#000000"]}]
PATCHES = [
    {"title": {"font": {"color": "#ff0000"}}, "height": 300},
    {"xaxis": {"title": {"text": None, "font": {"color": "#555555"}}},
     "yaxis": {"tickfont": {"color": "#555555"}}},
    {"colorway": ["#E69F00", "#56B4E9"], "legend": {"orientation": "h", "y": -0.1},
     "margin": {"l": 10, "t": 60}},
    {"showlegend": False, "hoverlabel": {"align": "left"}, "separators": ",."},
]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("patch", PATCHES)
def test_set_layout_does_what_plotlys_update_layout_does(base, patch):
    """The merge of `figures.set_layout` against plotly's own (validating) update_layout
    and update_xaxes/update_yaxes on the same figure."""
    import copy

    mine = figures.set_layout(figures.new(go.Bar(x=[1], y=[2])), copy.deepcopy(base))
    mine = figures.set_layout(mine, patch)
    oracle = go.Figure(go.Bar(x=[1], y=[2]), layout=copy.deepcopy(base))
    axes = {k: v for k, v in patch.items() if k in ("xaxis", "yaxis")}
    oracle.update_layout({k: v for k, v in patch.items() if k not in axes})
    for key, value in axes.items():
        (oracle.update_xaxes if key == "xaxis" else oracle.update_yaxes)(value)
    assert mine.to_dict()["layout"] == oracle.to_dict()["layout"]


def test_set_layout_copies_what_it_is_given():
    shared = {"tickfont": {"color": "#555555"}}
    fig = figures.set_layout(figures.new(), {"xaxis": shared, "yaxis": shared})
    fig = figures.set_layout(fig, {"xaxis": {"tickfont": {"size": 9}}})
    assert fig.to_dict()["layout"]["yaxis"] == {"tickfont": {"color": "#555555"}}
    assert shared == {"tickfont": {"color": "#555555"}}


def test_set_layout_keeps_the_house_template_and_any_other():
    house = figures.set_layout(figures.new(), {"height": 300}).to_dict()["layout"]
    assert house["template"] == pio.templates[figures.TEMPLATE].to_plotly_json()
    dark = figures.new()
    dark.layout.template = pio.templates["plotly_dark"]
    dark = figures.set_layout(dark, {"height": 300}).to_dict()["layout"]
    assert dark["template"] == pio.templates["plotly_dark"].to_plotly_json()
    assert dark["height"] == house["height"] == 300
