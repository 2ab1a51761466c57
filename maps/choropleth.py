"""A choropleth of areas by any metric: areas as GeoJSON, ``{area_id: value}``, a Chinese label.

Plain data in, a folium map out. Classes are quantile breaks (each class holds about as many
areas; :func:`class_breaks`), coloured from light to dark; an area without a value is grey and
labelled 无数据. A legend lists the classes with their ranges; a tooltip names each area and its
value. No branca colormap (its legend loads d3 from a CDN): the legend is plain HTML.

>>> areas = {"type": "FeatureCollection", "features": [
...     {"type": "Feature", "id": 1, "properties": {"name": "网格 1"},
...      "geometry": {"type": "Polygon", "coordinates": [[[116.3, 40.0], [116.31, 40.0], [116.31, 40.01], [116.3, 40.0]]]}}]}
>>> m = choropleth_map(areas=areas, values={1: 12}, label="未办结问题数", static_url=lambda p: "/static/" + p)
>>> html = render_html(m)
>>> "map-legend" in html, "choropleth-area" in html, "cdn" in html.lower()
(True, True, False)
"""
from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import folium

from .builders import render_html
from .elements import HtmlLegend, TextTooltip, TileLayers, legend_html, local_map

__all__ = ["PALETTE", "NO_DATA_COLOR", "class_breaks", "class_of", "choropleth_map", "render_html"]

#: ColorBrewer YlOrRd, 5 classes.
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NO_DATA_COLOR = "#d0d0d0"
NO_DATA = "无数据"


def class_breaks(values: Sequence[float], k: int = 5) -> list[float]:
    """Upper bounds of up to ``k`` quantile classes (ascending, distinct; the last is the maximum).

    >>> class_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], k=5)
    [2, 4, 6, 8, 10]
    >>> class_breaks([3, 3, 3])
    [3]
    >>> class_breaks([])
    []
    """
    data = sorted(v for v in values if v is not None and math.isfinite(v))
    if not data:
        return []
    breaks: list[float] = []
    for i in range(1, k + 1):
        b = data[max(0, math.ceil(i * len(data) / k) - 1)]
        if not breaks or b > breaks[-1]:
            breaks.append(b)
    return breaks


def class_of(value: float | None, breaks: Sequence[float]) -> int | None:
    """Index of the class ``value`` falls in (first upper bound ≥ value), None without a value.

    >>> class_of(5, [2, 4, 6]), class_of(None, [2]), class_of(99, [2, 4])
    (2, None, 1)
    """
    if value is None or not breaks or not math.isfinite(value):
        return None
    for i, b in enumerate(breaks):
        if value <= b:
            return i
    return len(breaks) - 1


def _colors(n: int) -> list[str]:
    """n colours spread over the palette (light to dark)."""
    if n <= 1:
        return [PALETTE[-2]]
    return [PALETTE[round(i * (len(PALETTE) - 1) / (n - 1))] for i in range(n)]


def _fmt(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}"


def choropleth_map(*, areas: Mapping[str, Any], values: Mapping[Any, float | None], label: str,
                   static_url: Callable[[str], str], k: int = 5, road_tiles_url: str | None = None,
                   bounds: Sequence[float] | None = None, height: str = "100%") -> folium.Map:
    """Areas (a GeoJSON FeatureCollection in WGS84; each feature's ``id``, or ``properties.id``,
    is the key of ``values``; ``properties.name`` is shown) coloured by their value, in a layer
    named ``label``, with a legend of the classes. Over the road tiles when ``road_tiles_url``."""
    features = []
    for f in (areas or {}).get("features") or []:
        if not f or not f.get("geometry"):
            continue
        props = dict(f.get("properties") or {})
        key = f.get("id", props.get("id"))
        value = values.get(key, values.get(str(key)) if key is not None else None)
        feat = {"type": "Feature", "id": key, "geometry": copy.deepcopy(f["geometry"]),
                "properties": {"name": str(props.get("name") or "（未命名区域）"),
                               "value": value, "value_text": NO_DATA if value is None else _fmt(value)}}
        features.append(feat)
    breaks = class_breaks([f["properties"]["value"] for f in features if f["properties"]["value"] is not None], k)
    colors = _colors(len(breaks))

    def style(feature):
        idx = class_of(feature["properties"]["value"], breaks)
        return {"color": "#555", "weight": 1, "fillOpacity": 0.7,
                "fillColor": NO_DATA_COLOR if idx is None else colors[idx], "className": "choropleth-area"}

    m = local_map(bounds=bounds or _bounds(features), static_url=static_url, height=height)
    if road_tiles_url:
        TileLayers(static_url=static_url, roads={"tileUrl": road_tiles_url, "areas": False}).add_to(m)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features}, name=label, style_function=style,
        highlight_function=lambda f: {"weight": 3, "color": "#222"},
        tooltip=TextTooltip(fields=["name", "value_text"], aliases=["区域", label], sticky=True)
        if features else None,
    ).add_to(m)
    rows = []
    low = None
    for b, color in zip(breaks, colors, strict=True):
        rows.append((color, f"{_fmt(b)}" if low is None else f"{_fmt(low)}–{_fmt(b)}"))
        low = b
    if any(f["properties"]["value"] is None for f in features):
        rows.append((NO_DATA_COLOR, NO_DATA))
    if rows and breaks:
        rows[0] = (rows[0][0], f"≤ {_fmt(breaks[0])}")
    HtmlLegend(legend_html(label, rows)).add_to(m)
    if not road_tiles_url:
        folium.LayerControl(collapsed=False).add_to(m)
    return m


def _bounds(features) -> tuple[float, float, float, float] | None:
    from .builders import geojson_bounds

    b = geojson_bounds(features)
    return None if b is None else (b[0][1], b[0][0], b[1][1], b[1][0])
