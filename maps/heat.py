"""A heat map of weighted points (problems, complaints): Leaflet.heat, vendored.

Plain data in (``HeatPoint``: lat, lon, weight), a folium map out. The points are embedded in the
page, so give it what a heat map needs rather than every record: the selector can aggregate
(e.g. one point per 50 m cell with the count as weight) before calling this.

>>> m = heat_map(points=[HeatPoint(40.0, 116.35, 3), HeatPoint(40.001, 116.351)],
...              static_url=lambda p: "/static/" + p, title="问题热力")
>>> html = render_html(m)
>>> "/static/maps/vendor/leaflet-heat/leaflet-heat.js" in html, "cdn" in html.lower(), "L.heatLayer" in html
(True, False, True)
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import folium
from folium.plugins import HeatMap

from .assets import heat_js
from .builders import render_html
from .elements import HtmlLegend, TileLayers, legend_html, local_map

__all__ = ["HeatPoint", "GRADIENT", "heat_map", "render_html"]

#: Leaflet.heat gradient (share of the maximum → colour); the legend shows the same stops.
GRADIENT: dict[float, str] = {0.2: "#2c7bb6", 0.4: "#abd9e9", 0.6: "#ffffbf", 0.8: "#fdae61", 1.0: "#d7191c"}
_GRADIENT_LABELS = ("很少", "较少", "一般", "较多", "很多")


@dataclass(frozen=True)
class HeatPoint:
    lat: float
    lon: float
    weight: float = 1.0


def _bounds(points: Sequence[HeatPoint]) -> tuple[float, float, float, float] | None:
    if not points:
        return None
    return (min(p.lon for p in points), min(p.lat for p in points), max(p.lon for p in points),
            max(p.lat for p in points))


def heat_map(*, points: Sequence[HeatPoint], static_url: Callable[[str], str], title: str = "热力图",
             radius: int = 18, road_tiles_url: str | None = None, bounds: Sequence[float] | None = None,
             height: str = "100%") -> folium.Map:
    """A heat map of ``points`` (WGS84) in a layer named ``title``, with a Chinese legend; over the
    road network tiles when ``road_tiles_url`` is given. Fitted to ``bounds`` or to the points.

    Weights are relative: the hottest place is the largest weight summed within ``radius`` pixels.
    """
    for p in points:
        if not (-90 <= p.lat <= 90 and -180 <= p.lon <= 180):
            raise ValueError(f"point out of range (lat, lon): {p.lat}, {p.lon}")
        if p.weight < 0:
            raise ValueError(f"weights must not be negative: {p.weight}")
    m = local_map(bounds=bounds or _bounds(points), static_url=static_url, height=height)
    if road_tiles_url:
        TileLayers(static_url=static_url, roads={"tileUrl": road_tiles_url, "areas": False}).add_to(m)
    layer = HeatMap([[p.lat, p.lon, p.weight] for p in points], name=title, radius=radius, blur=radius * 0.8,
                    min_opacity=0.3, gradient={str(k): v for k, v in GRADIENT.items()})
    layer.default_js = heat_js(static_url)  # folium's default is a CDN
    layer.add_to(m)
    rows = list(zip(GRADIENT.values(), _GRADIENT_LABELS, strict=True))
    HtmlLegend(legend_html(title, rows, note=f"共 {len(points)} 个点")).add_to(m)
    if not road_tiles_url:
        folium.LayerControl(collapsed=False).add_to(m)
    return m


def points_from_mapping(rows: Sequence[Mapping[str, float]]) -> list[HeatPoint]:
    """``[{"lat", "lon", "weight"?}]`` → HeatPoints (what a selector's ``values()`` gives).

    >>> points_from_mapping([{"lat": 40.0, "lon": 116.3}])
    [HeatPoint(lat=40.0, lon=116.3, weight=1.0)]
    """
    return [HeatPoint(float(r["lat"]), float(r["lon"]), float(r.get("weight", 1.0))) for r in rows]
