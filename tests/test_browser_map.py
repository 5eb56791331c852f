"""End-to-end: the rollout page's map in Debian's Chromium, offline. The choropleth is
drawn (one shape per municipality of the selection), nothing is fetched from a map or
tile server, the attribution is under it, the switch redraws it by the share with the
suppressed municipalities grey, and a screenshot of the page is written
(`$IPS_SCREENSHOT_DIR`, else pytest's temporary folder) and checked to be a real
rendering, not a blank page."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

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
from playwright.sync_api import Page, expect

from ips_data.geo.boundaries import ATTRIBUTION
from ui.i18n import label, t

pytestmark = BROWSER_TEST_MARKS

MAP_SERVERS = ("cdn.plot.ly", "tile", "openstreetmap", "mapbox", "carto")


# One app, one browser and one context for the module; a tab (own session) per test.
app = sample_app
browser = module_browser
context = module_context()
page = tab


def _external(page: Page) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url)
            if any(s in r.url for s in MAP_SERVERS) else None)
    return requests


def _png_colours(path: Path) -> int:
    """How many distinct colours a PNG screenshot holds (RGB/RGBA, 8 bit), read with the
    standard library: a blank or failed rendering has a handful."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + size]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + size
    width, height, depth, colour_type = header[:4]
    assert depth == 8 and colour_type in (2, 6), header
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    seen: set[bytes] = set()
    previous = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        for i in range(0, stride, channels * 7):  # every 7th pixel is plenty
            seen.add(bytes(line[i:i + 3]))
        previous = line
    return len(seen)


def test_rollout_map_renders_offline(page: Page, app: App,
                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    requests = _external(page)
    open_page(page, app, "/udrulning?region=Region+Hovedstaden")
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart.locator("path.choroplethlocation")).to_have_count(29, timeout=30_000)
    expect(page.get_by_text(ATTRIBUTION, exact=True).first).to_be_visible()
    # Bornholm in its own frame, the status legend with its names
    expect(chart.locator(".geo")).to_have_count(2)
    for status in ("operating", "agreement", "not_started"):
        expect(chart.locator(".legendtext", has_text=label("status", status, "da"))
               ).to_have_count(1)
    # the switch: by the share, suppressed municipalities grey with "<5" written on them
    radio = page.get_by_test_id("stRadio").filter(has_text=t("map_measure", "da"))
    rerun(page, lambda: radio.get_by_text(label("map_measure", "share_18", "da"),
                                          exact=True).click())
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart.locator("path.choroplethlocation")).to_have_count(29, timeout=30_000)
    expect(chart.locator(".colorbar")).to_have_count(1)
    grey = chart.locator("path.choroplethlocation[fill='rgb(189, 189, 189)']")
    assert grey.count() >= 1
    expect(chart.locator("text", has_text="<5").first).to_be_visible()
    assert requests == [], requests
    folder = Path(os.environ.get("IPS_SCREENSHOT_DIR") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "udrulning-kort.png"
    chart.screenshot(path=str(shot))
    assert _png_colours(shot) > 20  # a drawn map, not a blank box


def test_the_whole_country(page: Page, app: App) -> None:
    requests = _external(page)
    open_page(page, app, "/udrulning")
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart.locator("path.choroplethlocation")).to_have_count(98, timeout=30_000)
    assert requests == [], requests
