"""A map of numbered places: the problems of a published list, each a circle marker with
its number and line in a tooltip, fitted to the points.

Like every builder here it takes plain data and returns a folium map; Leaflet comes from
the vendored copy (maps.assets), and there is no tile layer unless one is configured, so
the page requests nothing off the machine.

>>> m = numbered_points_map(points=[NumberedPoint(1, 39.99912, 116.34636, "1. 学院路街道，积存垃圾。")],
...                         static_url=lambda p: "/static/" + p)
>>> html = render_html(m)
>>> "/static/maps/vendor/leaflet/leaflet.js" in html, "cdn" in html.lower()
(True, False)
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import folium

from .assets import folium_assets
from .builders import BACKGROUND_COLOR, TILE_LAYER_NAME, geojson_bounds, render_html
from .elements import TextTooltip

__all__ = ["NumberedPoint", "numbered_points_map", "render_html"]

LAYER_POINTS = "清单问题"
_POINT_STYLE = {"color": "#a93226", "weight": 2, "fill": True, "fillColor": "#e74c3c", "fillOpacity": 0.85, "radius": 7}


@dataclass(frozen=True)
class NumberedPoint:
    number: int
    lat: float
    lon: float
    text: str


def numbered_points_map(*, points: Sequence[NumberedPoint], static_url: Callable[[str], str],
                        tiles_url: str | None = None, tiles_attribution: str | None = None,
                        height: str = "420px", zoom: int = 15) -> folium.Map:
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                 "properties": {"number": str(p.number), "text": p.text}} for p in points]
    bounds = geojson_bounds(features)
    location = ([(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2] if bounds
                else [39.8585, 116.2867])
    m = folium.Map(location=location, zoom_start=zoom, tiles=None, control_scale=True, height=height,
                   prefer_canvas=False)
    m.default_js, m.default_css = folium_assets(static_url)
    m.get_root().header.add_child(folium.Element(
        f"<style>.folium-map.leaflet-container {{ background: {BACKGROUND_COLOR}; }}</style>"),
        name="maps_local_style")
    if tiles_url:
        folium.TileLayer(tiles=tiles_url, attr=tiles_attribution or urlsplit(tiles_url).netloc or "tiles",
                         name=TILE_LAYER_NAME, overlay=False, control=False, max_zoom=19).add_to(m)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=LAYER_POINTS,
        marker=folium.CircleMarker(radius=7),
        style_function=lambda f: dict(_POINT_STYLE),
        tooltip=TextTooltip(fields=["text"], labels=False, sticky=True) if features else None,
    ).add_to(m)
    if bounds is not None and len(features) > 1:
        m.fit_bounds(bounds, padding=(30, 30), max_zoom=17)
    return m
