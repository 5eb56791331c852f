"""The boundaries of Denmark's 98 municipalities, shipped with the package.

`kommuner.geojson` (beside this module): one feature per municipality (Christiansø
left out), properties `municipality_code` (integer) and `name`, WGS84 lon/lat.
Source: Geodatastyrelsen & Danske Kommuner, DAGI/FOT, 13 Feb 2014, 1:500,000 (via the
public repository Neogeografen/dagi; municipal boundaries are unchanged since 2007),
simplified (parts merged, Douglas–Peucker 0.002°, topology kept, 4 decimals). Every map
drawn from it shows `ATTRIBUTION`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

from ips_data.municipalities import MUNICIPALITY_CODES

ATTRIBUTION = ("Kommunegrænser: DAGI, Geodatastyrelsen (nu Styrelsen for Dataforsyning og "
               "Infrastruktur), 2014, forenklet")
FEATURE_ID = "properties.municipality_code"
_FILE = "kommuner.geojson"


@cache
def _load() -> dict[str, Any]:
    text = resources.files("ips_data.geo").joinpath(_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    codes = [f["properties"]["municipality_code"] for f in data.get("features", [])]
    if sorted(codes) != sorted(MUNICIPALITY_CODES):
        missing = sorted(MUNICIPALITY_CODES - set(codes))
        extra = sorted(set(codes) - MUNICIPALITY_CODES)
        raise ValueError(f"ips_data/geo/{_FILE}: expected one feature per municipality "
                         f"code; missing {missing}, unknown or repeated {extra}")
    return data


def boundaries(codes: list[int] | None = None) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the municipalities `codes` (all 98 when None). The
    features are shared with every other caller (copying them cost more than drawing a
    map): never change them."""
    data = _load()
    wanted = None if codes is None else set(codes)
    features = [f for f in data["features"]
                if wanted is None or f["properties"]["municipality_code"] in wanted]
    return {"type": "FeatureCollection", "features": features}


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]


def _area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(|area|, lon, lat) of a closed ring by the shoelace formula (planar degrees)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in pairwise(ring):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if a == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(a / 2), cx / (3 * a), cy / (3 * a)


@cache
def label_points() -> dict[int, tuple[float, float]]:
    """(lon, lat) per municipality where a label or marker goes: the centroid of its
    largest polygon (an island municipality's main island, not the sea between)."""
    points = {}
    for feature in _load()["features"]:
        best = max(_area_centroid(r) for r in _rings(feature["geometry"]))
        points[feature["properties"]["municipality_code"]] = (round(best[1], 4),
                                                              round(best[2], 4))
    return points
