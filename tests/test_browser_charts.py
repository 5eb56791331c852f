"""End-to-end: every chart of every page and section, in Chromium, is drawn once. Plotly
grows a margin (and draws the chart a second time) when the axes' labels do not fit;
`ui.chart_room` gives each chart the room its axes need before the first drawing. So for
every side it estimates, the margin plotly ends with is the one it was given, and no
wider than the labels need (a few pixels of slack, no empty band beside the axis); and
no text of a chart runs past its sides."""

from __future__ import annotations

import pytest
from browser_support import (
    BROWSER_TEST_MARKS,
    App,
    module_browser,
    module_context,
    open_page,
    rerun,
    sample_app,
    tab,
)
from playwright.sync_api import Page

from ui.chart_room import SLACK

pytestmark = BROWSER_TEST_MARKS

app = sample_app
browser = module_browser
context = module_context()
page = tab

VIEWS = ["/", "/beskaeftigelse", "/beskaeftigelse?afsnit=trend",
         "/beskaeftigelse?afsnit=municipalities", "/oekonomi",
         "/oekonomi?afsnit=municipalities", "/udrulning?afsnit=status",
         "/udrulning?afsnit=fidelity"]
#: the most room a side may have beyond what its labels and title take: plotly's own
#: padding (up to 14 px under the x axis when it sizes the margins itself), plus the
#: estimate's SLACK
MOST_SLACK_PX = 14 + SLACK

CHARTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
  .filter(p => p._fullLayout && p._fullLayout.xaxis && p._fullLayout.yaxis)
  .map(p => {
    const svg = p.querySelector('.main-svg').getBoundingClientRect();
    const boxes = (sel) => Array.from(p.querySelectorAll(sel)).map(e => e.getBoundingClientRect())
      .filter(b => b.width > 0 && b.height > 0);
    const y = boxes('.ytick text, .g-ytitle text');
    const x = boxes('.xtick text, .g-xtitle text');
    const legend = p._fullLayout.showlegend && p._fullLayout.legend;
    const atBottom = !!legend && legend.yref === 'container' && legend.y === 0
      && legend.orientation === 'v';
    const box = boxes('.legend')[0];
    const xBottom = x.length ? Math.max(...x.map(b => b.bottom)) : null;
    return {title: (p.layout.title || {}).text || '', asked: p.layout.margin,
            // texts that run past the chart's sides (cut off by its frame)
            outside: Array.from(p.querySelectorAll('text')).filter(e => {
                const b = e.getBoundingClientRect();
                return b.width > 0 && (b.left < svg.left - 1 || b.right > svg.right + 1); })
              .map(e => e.textContent.slice(0, 40)),
            size: p._fullLayout._size, xtype: p._fullLayout.xaxis.type,
            legendBelow: !!legend && !atBottom && legend.y < 0,
            legendAtBottom: atBottom,
            leftGap: y.length ? Math.min(...y.map(b => b.left)) - svg.left : null,
            // empty room under the x axis: to the legend at the bottom, or to the edge
            bottomGap: xBottom === null ? null : (atBottom && box ? box.top - xBottom
                                                  : svg.top + p._fullLayout.height - xBottom)};
  })"""


@pytest.mark.parametrize(("lang", "width"), [("da", 1280), ("en", 1400)])
def test_every_chart_is_drawn_with_the_room_it_needs(page: Page, app: App, lang: str,
                                                      width: int) -> None:
    """Two languages at two window widths (narrower charts in narrower columns)."""
    page.set_viewport_size({"width": width, "height": 1000})
    checked = bottom_legends = 0
    for view in VIEWS:
        open_page(page, app, view)
        if lang == "en":
            toggle = page.get_by_test_id("stSidebar").get_by_text("English", exact=True)
            rerun(page, toggle.click)
        for chart in page.evaluate(CHARTS):
            name = f"{view} {lang} {chart['title'][:60]!r}"
            asked, size = chart["asked"], chart["size"]
            # left: every y axis here has numbers or categories, always estimated
            assert round(size["l"]) == asked["l"], f"{name}: plotly grew the left margin"
            assert chart["leftGap"] is not None and chart["leftGap"] <= MOST_SLACK_PX, \
                f"{name}: {chart['leftGap']:.0f} px empty left of the y axis"
            if not chart["legendBelow"] and chart["xtype"] != "date":
                assert round(size["b"]) == asked["b"], f"{name}: plotly grew the bottom margin"
                assert chart["bottomGap"] <= MOST_SLACK_PX, \
                    f"{name}: {chart['bottomGap']:.0f} px empty under the x axis"
                bottom_legends += chart["legendAtBottom"]
            assert round(size["r"]) == asked["r"], f"{name}: plotly grew the right margin"
            assert chart["outside"] == [], f"{name}: text runs past the chart's side"
            checked += 1
    assert checked >= 12  # the views' charts were found and checked
    assert bottom_legends >= 4  # legends at the bottom were among them (economy, rollout)
