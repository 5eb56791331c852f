"""The rollout page's map: a choropleth of the municipalities of the selection, drawn
from the boundaries shipped in `ips_data.geo` (no tile server, no download).

* Colour by rollout status on the date (also a marker shape per status, so status
  never rests on colour alone), by the IPS 18-month share, or by caseload per FTE
  against the norm of 20 (one colour family up to the norm, another above it).
* Suppressed figures are grey with the policy label ("<5") written on the map (on a
  map of up to 35 municipalities; on hover and in the table beside always);
  municipalities with nothing to show are pale, "no data" on hover.
* The view fits the municipalities shown (`fitbounds="locations"`); Bornholm, far to
  the east, gets its own framed inset when other municipalities are shown too.
* Hover shows every figure of the municipality; the attribution of the boundaries is
  written under the map (and the page repeats it as a caption).

plotly.js fetches a world outline from cdn.plot.ly for a geo subplot whose *first*
trace carries a `locationmode` (every choropleth does; plotly.js issue #6767), and
draws nothing when that fails (offline). Each geo subplot therefore starts with an
invisible lon/lat anchor point (`_anchor`), which needs no outline.
"""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl

from ips_data.contract import CASELOAD_NORM, STATUSES
from ips_data.formatting import fmt_date, fmt_int, fmt_number, fmt_pct
from ips_data.geo.boundaries import ATTRIBUTION, FEATURE_ID, boundaries
from ips_data.metrics.rollout_map import NO_DATA
from ui import figures, palette
from ui.charts import STATUS_COLOURS, layout
from ui.i18n import Lang, label, t
from ui.tables import Col

BORNHOLM_CODE = 400
LABELLED_UP_TO = 35  # more municipalities than this: "<5" on hover and in the table only
#: Marker shape per status (drawn on each municipality, in the legend with its colour).
#: The statuses' marker shapes, as in every rollout chart (`ui.palette`; filled and
#: outlined, so even the light grey of "not started" has a 3:1 edge).
STATUS_SYMBOLS = {status: style.symbol for status, style in palette.STATUS.items()}
SUPPRESSED_FILL = "#BDBDBD"
NO_DATA_FILL = "#F4F4F4"
BORDER = "#FFFFFF"
NO_DATA_BORDER = "#CCCCCC"
#: Caseload colours: blues up to the norm, oranges above it (a break at the norm).
CASELOAD_SCALE = [[0.0, "#08519C"], [0.5, "#C6DBEF"], [0.5, "#FDD0A2"], [1.0, "#A63603"]]
SHARE_SCALE = "Viridis"
_MAIN, _INSET = "geo", "geo2"
_INSET_DOMAIN = {"x": [0.8, 1.0], "y": [0.84, 1.0]}
_MAIN_WITH_INSET = {"x": [0.0, 0.8], "y": [0.0, 1.0]}


def _anchor(geo: str, lon: float, lat: float) -> go.Scattergeo:
    """An invisible point at a municipality's label point: the subplot's first trace, so
    plotly.js does not try to download its world outline (see the module docstring)."""
    return go.Scattergeo(lon=[lon], lat=[lat], mode="markers", geo=geo,
                         marker={"size": 1, "opacity": 0}, hoverinfo="skip",
                         showlegend=False, name="anchor")


def _kind(frame: pl.DataFrame) -> str:
    """Which 18-month share the frame carries ("adjusted" or "crude")."""
    return frame["share_kind"][0] if "share_kind" in frame.columns and frame.height else "crude"


def _hover_texts(rows: list[dict], lang: Lang, hidden: str, kind: str) -> list[str]:
    """Every figure of each municipality, for the hover label."""
    share_label = t(f"map_share_{kind}", lang)
    out = []
    for r in rows:
        if r["status"] == NO_DATA:
            status = t("map_no_rollout", lang)
        else:
            status = label("status", r["status"], lang)
            if r["status_since"] is not None:
                status += f" ({t('col_since', lang).lower()} {fmt_date(r['status_since'], lang)})"
        lines = [f"<b>{r['name']}</b>", f"Status: {status}"]
        if r["status"] != NO_DATA or r["share_18_state"] != "no_data":
            active = (hidden if r["active_participants"] is None
                      else fmt_int(r["active_participants"], lang))
            fte = "–" if r["consultants_fte"] is None else fmt_number(r["consultants_fte"], 1, lang)
            caseload = {"shown": fmt_number(r["caseload_per_fte"], 1, lang),
                        "suppressed": hidden, "no_data": "–"}[r["caseload_state"]]
            share = {"shown": fmt_pct(r["share_18"], 1, lang), "suppressed": hidden,
                     "no_data": "–"}[r["share_18_state"]]
            n = hidden if r["share_n_18"] is None else fmt_int(r["share_n_18"], lang)
            lines += [f"{t('col_active', lang)}: {active}",
                      f"{t('col_fte', lang)}: {fte}",
                      f"{t('caseload_axis', lang)}: {caseload} "
                      f"({t('map_norm', lang, norm=CASELOAD_NORM)})",
                      f"{share_label}: {share} (n = {n})"]
        else:
            lines.append(t("map_no_data", lang))
        out.append("<br>".join(lines))
    return out


def _fill(fig: go.Figure, rows: list[dict], geo: str, colour: str, name: str, legend: bool,
          group: str, hover: dict[int, str], border: str = BORDER) -> go.Choropleth:
    """Municipalities `rows` in one flat colour (their boundaries inlined into `fig`)."""
    codes = [r["code"] for r in rows]
    return go.Choropleth(
        geojson=figures.inline(fig, boundaries(codes)), featureidkey=FEATURE_ID, locations=codes,
        z=[0] * len(codes), colorscale=[[0, colour], [1, colour]], showscale=False,
        marker={"line": {"color": border, "width": 0.6}}, geo=geo, name=name,
        showlegend=legend, legendgroup=group, text=[hover[c] for c in codes],
        hovertemplate="%{text}<extra></extra>")


def _split(rows: list[dict]) -> dict[str, list[dict]]:
    """Rows per subplot: Bornholm in the inset when other municipalities are shown too."""
    inset = [r for r in rows if r["code"] == BORNHOLM_CODE]
    if inset and len(rows) > 1:
        return {_MAIN: [r for r in rows if r["code"] != BORNHOLM_CODE], _INSET: inset}
    return {_MAIN: rows}


@figures.cached
def rollout_map(frame: pl.DataFrame, measure: str, when: date, lang: Lang,
                hidden: str) -> go.Figure:
    """The choropleth of `frame` (from `ips_data.metrics.rollout_map.map_frame`) coloured
    by `measure` ("status", "share_18" or "caseload")."""
    rows = frame.sort("code").to_dicts()
    kind = _kind(frame)
    hover = dict(zip([r["code"] for r in rows], _hover_texts(rows, lang, hidden, kind),
                     strict=True))
    fig = figures.new()
    groups = _split(rows)
    legend_done: set[str] = set()
    for geo, part in groups.items():
        if not part:
            continue
        fig.add_trace(_anchor(geo, part[0]["lon"], part[0]["lat"]))
        if measure == "status":
            _status_traces(fig, part, geo, lang, hover, legend_done)
        else:
            _measure_traces(fig, part, geo, measure, lang, hidden, hover, legend_done,
                            labelled=len(rows) <= LABELLED_UP_TO)
    _geo_layout(fig, groups)
    if measure == "status":
        title = t("fig_map", lang, date=fmt_date(when, lang))
    elif measure == "share_18":
        title = t("fig_map_share", lang, kind=t(f"map_share_{kind}", lang))
    else:
        title = t("fig_map_caseload", lang, date=fmt_date(when, lang), norm=CASELOAD_NORM)
    # the legend (up to two lines) under the map, the attribution under the legend
    layout(fig, title, lang, None, None, height=620,
           legend={"orientation": "h", "yanchor": "top", "y": 0, "x": 0})
    fig.update_layout(margin={"b": 100}, dragmode=False)
    fig.add_annotation(text=ATTRIBUTION, showarrow=False, xref="paper", yref="paper", x=0,
                       y=0, yshift=-62, xanchor="left", yanchor="top",
                       font={"size": 10, "color": "#555555"}, name="attribution")
    return fig


def _status_traces(fig: go.Figure, part: list[dict], geo: str, lang: Lang,
                   hover: dict[int, str], legend_done: set[str]) -> None:
    for status in (*STATUSES, NO_DATA):
        rows = [r for r in part if r["status"] == status]
        if not rows:
            continue
        if status == NO_DATA:
            fig.add_trace(_fill(fig, rows, geo, NO_DATA_FILL, t("map_no_data", lang),
                                status not in legend_done, status, hover, NO_DATA_BORDER))
            legend_done.add(status)
            continue
        fig.add_trace(_fill(fig, rows, geo, STATUS_COLOURS[status], label("status", status, lang),
                            False, status, hover))
        fig.add_trace(go.Scattergeo(
            lon=[r["lon"] for r in rows], lat=[r["lat"] for r in rows], mode="markers",
            geo=geo, name=label("status", status, lang), legendgroup=status,
            showlegend=status not in legend_done,
            marker={"symbol": STATUS_SYMBOLS[status], "size": 8,
                    "color": STATUS_COLOURS[status], "line": {"color": "#222222", "width": 1}},
            text=[hover[r["code"]] for r in rows], hovertemplate="%{text}<extra></extra>"))
        legend_done.add(status)


def _measure_traces(fig: go.Figure, part: list[dict], geo: str, measure: str, lang: Lang,
                    hidden: str, hover: dict[int, str], legend_done: set[str],
                    labelled: bool) -> None:
    """The measure's colour scale for shown figures, grey for suppressed ones (with the
    policy label written on them when `labelled`), pale for no data."""
    shown = [r for r in part if r["state"] == "shown"]
    if shown:
        codes = [r["code"] for r in shown]
        scale = 100.0 if measure == "share_18" else 1.0
        fig.add_trace(go.Choropleth(
            geojson=figures.inline(fig, boundaries(codes)), featureidkey=FEATURE_ID,
            locations=codes,
            z=[r["value"] * scale for r in shown], coloraxis="coloraxis", geo=geo,
            marker={"line": {"color": BORDER, "width": 0.6}}, showlegend=False,
            name=label("map_measure", measure, lang), text=[hover[c] for c in codes],
            hovertemplate="%{text}<extra></extra>"))
    for state, colour, name in (
            ("suppressed", SUPPRESSED_FILL, t("map_suppressed", lang, label=hidden)),
            ("no_data", NO_DATA_FILL, t("map_no_data", lang))):
        rows = [r for r in part if r["state"] == state]
        if rows:
            fig.add_trace(_fill(fig, rows, geo, colour, name, state not in legend_done, state,
                                hover, NO_DATA_BORDER if state == "no_data" else BORDER))
            legend_done.add(state)
    hidden_rows = [r for r in part if r["state"] == "suppressed"]
    if hidden_rows and labelled:
        fig.add_trace(go.Scattergeo(
            lon=[r["lon"] for r in hidden_rows], lat=[r["lat"] for r in hidden_rows],
            mode="text", text=[hidden] * len(hidden_rows), geo=geo, showlegend=False,
            textfont={"size": 10, "color": "#222222"}, hoverinfo="skip", name=hidden))
    if measure == "share_18":
        fig.update_layout(coloraxis={
            "colorscale": SHARE_SCALE, "cmin": 0, "cmax": 100,
            "colorbar": {"title": {"text": t("share_axis", lang)}, "len": 0.6, "y": 0.35,
                         "ticksuffix": " %"}})
    else:
        fig.update_layout(coloraxis={
            "colorscale": CASELOAD_SCALE, "cmin": 0, "cmax": 2 * CASELOAD_NORM,
            "colorbar": {"title": {"text": t("caseload_axis", lang)}, "len": 0.6, "y": 0.35,
                         "tickvals": [0, 10, CASELOAD_NORM, 30, 2 * CASELOAD_NORM],
                         "ticktext": ["0", "10", t("map_norm_tick", lang, norm=CASELOAD_NORM), "30",
                                      f"≥ {2 * CASELOAD_NORM}"]}})


def _geo_layout(fig: go.Figure, groups: dict[str, list[dict]]) -> None:
    common = {"fitbounds": "locations", "visible": False, "projection_type": "mercator",
              "bgcolor": "rgba(0,0,0,0)"}
    if _INSET in groups:
        fig.update_layout(
            geo={**common, "domain": _MAIN_WITH_INSET},
            geo2={**common, "domain": _INSET_DOMAIN, "showframe": True,
                  "framecolor": "#999999", "framewidth": 1})
        fig.add_annotation(text="Bornholm", showarrow=False, xref="paper", yref="paper",
                           x=sum(_INSET_DOMAIN["x"]) / 2, y=_INSET_DOMAIN["y"][1],
                           yanchor="bottom", font={"size": 11, "color": "#555555"},
                           name="inset")
    else:
        fig.update_layout(geo={**common, "domain": {"x": [0, 1], "y": [0, 1]}})


def _share_columns(lang: Lang) -> list[Col]:
    return [Col("share_18", t("map_share_col", lang), "pct", hidden_by="share_18_suppressed"),
            Col("share_n_18", "n", "int", hidden_by="share_18_suppressed")]


def _caseload_columns(lang: Lang) -> list[Col]:
    return [Col("caseload_per_fte", t("caseload_axis", lang), "number",
                hidden_by="caseload_suppressed"),
            Col("active_participants", t("col_active", lang), "int",
                hidden_by="caseload_suppressed"),
            Col("consultants_fte", t("col_fte", lang), "number", hidden_by=None)]


def _status_columns(lang: Lang) -> list[Col]:
    return [Col("status_since", t("col_since", lang), "date", hidden_by=None)]


#: The table beside the map: its columns per measure (after name and status).
MAP_COLUMNS = {"status": _status_columns, "share_18": _share_columns,
               "caseload": _caseload_columns}
