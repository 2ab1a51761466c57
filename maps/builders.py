"""Folium map builders. Pure: no Django import; plain GeoJSON dicts in, ``folium.Map`` out.

Everything the rendered page loads comes from the project's static files (see
:mod:`maps.assets`): folium's CDN defaults (Leaflet from jsDelivr, jQuery, Bootstrap,
glyphicons, Font Awesome, awesome-markers) are replaced on each map by the vendored
Leaflet alone, and without ``tiles_url`` there is no tile layer at all, so opening a map
sends no request off the machine.

>>> empty = {"type": "FeatureCollection", "features": []}
>>> m = network_map(roads=empty, intersections=empty, areas=empty,
...                 static_url=lambda p: "/static/" + p)
>>> html = render_html(m)
>>> "/static/maps/vendor/leaflet/leaflet.js" in html, "cdn." in html
(True, False)
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import folium

from maps.assets import folium_assets
from maps.elements import TextTooltip

__all__ = [
    "ROAD_STYLES",
    "AREA_STYLES",
    "LAYER_ROADS",
    "LAYER_INTERSECTIONS",
    "LAYER_AREAS",
    "BACKGROUND_COLOR",
    "road_class",
    "road_label",
    "road_style",
    "area_style",
    "geojson_bounds",
    "network_map",
    "network_tiles_map",
    "render_html",
]

LAYER_ROADS = "道路"
LAYER_INTERSECTIONS = "路口"
LAYER_AREAS = "行政区划"
TILE_LAYER_NAME = "底图"

#: Page background shown where there are no tiles.
BACKGROUND_COLOR = "#f5f4f0"

#: Road classes (OSM ``highway`` values, ``*_link`` folded into their road) -> style.
#: ``label`` is the Chinese name shown in tooltips.
ROAD_STYLES: dict[str, dict[str, Any]] = {
    "motorway": {"color": "#c0392b", "weight": 6, "label": "高速公路"},
    "trunk": {"color": "#d35400", "weight": 5.5, "label": "快速路"},
    "primary": {"color": "#e67e22", "weight": 5, "label": "主干路"},
    "secondary": {"color": "#d4ac0d", "weight": 4, "label": "次干路"},
    "tertiary": {"color": "#7d9b3a", "weight": 3.5, "label": "支路"},
    "residential": {"color": "#5d7fa3", "weight": 2.5, "label": "居住区道路"},
    "unclassified": {"color": "#5d7fa3", "weight": 2.5, "label": "未分级道路"},
    "living_street": {"color": "#5d7fa3", "weight": 2, "label": "生活街道"},
    "service": {"color": "#8e8e8e", "weight": 2, "label": "辅助道路"},
    "pedestrian": {"color": "#a569bd", "weight": 2, "label": "步行街", "dashArray": "6 3"},
    "footway": {"color": "#a0a0a0", "weight": 1.5, "label": "人行道", "dashArray": "4 3"},
    "cycleway": {"color": "#3498db", "weight": 1.5, "label": "自行车道", "dashArray": "4 3"},
    "path": {"color": "#a0a0a0", "weight": 1.5, "label": "小路", "dashArray": "4 3"},
    "steps": {"color": "#a0a0a0", "weight": 1.5, "label": "台阶", "dashArray": "2 2"},
}
_ROAD_OTHER = {"color": "#8e8e8e", "weight": 2, "label": "其他道路"}

#: Chinese names of OSM ``highway`` values drawn in the "other" style (tables and tooltips
#: name them rather than show the raw English value).
OTHER_ROAD_LABELS: dict[str, str] = {
    "construction": "在建道路",
    "proposed": "规划道路",
    "road": "未分类道路",
    "track": "机耕道",
    "busway": "公交专用道",
    "bridleway": "马道",
    "corridor": "室内通道",
    "raceway": "赛道",
}

#: Area kinds -> outline style (no fill, so the roads stay readable).
AREA_STYLES: dict[str, dict[str, Any]] = {
    "district": {"color": "#6c3483", "weight": 3.5, "label": "区"},
    "subdistrict": {"color": "#8e44ad", "weight": 2.5, "label": "街道", "dashArray": "10 4"},
    "community": {"color": "#2471a3", "weight": 1.5, "label": "社区", "dashArray": "6 4"},
    "grid": {"color": "#7f8c8d", "weight": 1, "label": "网格", "dashArray": "2 4"},
}
_AREA_OTHER = {"color": "#7f8c8d", "weight": 1, "label": "区域"}

_UNNAMED_ROAD = "（无名道路）"
_UNNAMED_INTERSECTION = "（无名路口）"
_UNNAMED_AREA = "（未命名区域）"


# --------------------------------------------------------------------------- styles


def road_label(highway: Any) -> str:
    """The Chinese name of an OSM ``highway`` value, as tables and tooltips show it.

    >>> road_label("primary_link"), road_label("construction"), road_label("no_such_value")
    ('主干路', '在建道路', '其他道路')
    """
    cls = road_class(highway)
    if cls == "other" and isinstance(highway, str):
        return OTHER_ROAD_LABELS.get(highway.removesuffix("_link"), _ROAD_OTHER["label"])
    return ROAD_STYLES.get(cls, _ROAD_OTHER)["label"]


def road_class(highway: Any) -> str:
    """The style class of an OSM ``highway`` value: ``*_link`` folds into its road,
    unknown or missing values are ``"other"``.

    >>> road_class("primary_link"), road_class("residential"), road_class(None)
    ('primary', 'residential', 'other')
    """
    if not isinstance(highway, str) or not highway:
        return "other"
    base = highway.removesuffix("_link")
    return base if base in ROAD_STYLES else "other"


def _css_token(value: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in value)


def road_style(highway: Any) -> dict[str, Any]:
    """Leaflet path options for a road of this class. Every road path gets the CSS class
    ``road`` plus ``road-<class>`` (SVG renderer), so a browser test can find them.

    >>> road_style("primary_link")["className"]
    'road road-primary'
    """
    cls = road_class(highway)
    spec = ROAD_STYLES.get(cls, _ROAD_OTHER)
    style = {
        "color": spec["color"],
        "weight": spec["weight"],
        "opacity": 0.9,
        "lineCap": "round",
        "lineJoin": "round",
        "className": f"road road-{cls}",
    }
    if "dashArray" in spec:
        style["dashArray"] = spec["dashArray"]
    return style


def area_style(kind: Any, generated: bool = False) -> dict[str, Any]:
    """Leaflet path options for an area outline. Generated areas (drawn by the system, not
    taken from an official source) are drawn fainter and dotted.

    >>> s = area_style("grid", generated=True)
    >>> s["className"], s["fillOpacity"]
    ('area area-grid area-generated', 0)
    """
    kind = kind if isinstance(kind, str) and kind in AREA_STYLES else "other"
    spec = AREA_STYLES.get(kind, _AREA_OTHER)
    style = {
        "color": spec["color"],
        "weight": spec["weight"],
        "opacity": 0.55 if generated else 0.9,
        "fill": True,  # keeps the interior hoverable for the tooltip ...
        "fillOpacity": 0,  # ... while drawing only the outline
        "className": f"area area-{_css_token(kind)}" + (" area-generated" if generated else ""),
    }
    dash = "1 5" if generated else spec.get("dashArray")
    if dash:
        style["dashArray"] = dash
    return style


_INTERSECTION_STYLE = {
    "color": "#1b2631",
    "weight": 1.5,
    "fillColor": "#ffffff",
    "fillOpacity": 1,
    "radius": 4,
    "className": "intersection",
}


# --------------------------------------------------------------------------- data


def _features(fc: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not fc:
        return []
    if fc.get("type") == "Feature":
        return [fc]  # a single feature is accepted too
    if fc.get("type") != "FeatureCollection":
        raise ValueError(f"expected a GeoJSON FeatureCollection, got type={fc.get('type')!r}")
    return [f for f in fc.get("features") or [] if f and f.get("geometry")]


def _text(value: Any, default: str) -> str:
    if value is None:
        return default
    text = str(value).strip()
    return text or default


def _length_text(value: Any) -> str:
    try:
        metres = float(value)
    except (TypeError, ValueError):
        return "—"
    if not math.isfinite(metres):
        return "—"
    if metres >= 1000:
        return f"{metres / 1000:.2f} 千米"
    return f"{metres:.0f} 米"


def _collection(features: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def _road_features(fc) -> list[dict[str, Any]]:
    out = []
    for i, f in enumerate(_features(fc)):
        p = f.get("properties") or {}
        cls = road_class(p.get("highway"))
        out.append(
            {
                "type": "Feature",
                "id": str(f.get("id", f"road-{i}")),
                "geometry": copy.deepcopy(f["geometry"]),
                "properties": {
                    "name": _text(p.get("name"), _UNNAMED_ROAD),
                    "highway": cls,
                    "highway_label": road_label(p.get("highway")),
                    "length": _length_text(p.get("length_m")),
                },
            }
        )
    return out


def _intersection_features(fc) -> list[dict[str, Any]]:
    out = []
    for i, f in enumerate(_features(fc)):
        p = f.get("properties") or {}
        roads = p.get("roads") or []
        if isinstance(roads, str):
            roads = [roads]
        roads_text = "、".join(str(r) for r in roads if r) or "—"
        out.append(
            {
                "type": "Feature",
                "id": str(f.get("id", f"intersection-{i}")),
                "geometry": copy.deepcopy(f["geometry"]),
                "properties": {
                    "name": _text(p.get("name"), _UNNAMED_INTERSECTION),
                    "roads": roads_text,
                },
            }
        )
    return out


def _area_features(fc) -> list[dict[str, Any]]:
    out = []
    for i, f in enumerate(_features(fc)):
        p = f.get("properties") or {}
        kind = p.get("kind")
        generated = bool(p.get("generated"))
        label = AREA_STYLES.get(kind, _AREA_OTHER)["label"] if isinstance(kind, str) else "区域"
        out.append(
            {
                "type": "Feature",
                "id": str(f.get("id", f"area-{i}")),
                "geometry": copy.deepcopy(f["geometry"]),
                "properties": {
                    "name": _text(p.get("name"), _UNNAMED_AREA),
                    "kind": kind if isinstance(kind, str) else "other",
                    "kind_label": label + ("（自动生成）" if generated else ""),
                    "generated": generated,
                },
            }
        )
    return out


def _positions(coords: Any) -> Iterable[Sequence[float]]:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        yield coords
    elif isinstance(coords, (list, tuple)):
        for c in coords:
            yield from _positions(c)


def _geometry_positions(geom: Mapping[str, Any]) -> Iterable[Sequence[float]]:
    if geom.get("type") == "GeometryCollection":
        for g in geom.get("geometries") or []:
            yield from _geometry_positions(g)
    else:
        yield from _positions(geom.get("coordinates"))


def geojson_bounds(features: Iterable[Mapping[str, Any]]) -> list[list[float]] | None:
    """Leaflet-style bounds ``[[south, west], [north, east]]`` of GeoJSON features
    (lon/lat order in, lat/lon out), or None when there are no coordinates.

    >>> geojson_bounds([{"geometry": {"type": "LineString",
    ...                               "coordinates": [[116.30, 39.85], [116.32, 39.86]]}}])
    [[39.85, 116.3], [39.86, 116.32]]
    """
    west = south = math.inf
    east = north = -math.inf
    for f in features:
        geom = f.get("geometry") or {}
        for pos in _geometry_positions(geom):
            lon, lat = float(pos[0]), float(pos[1])
            west, east = min(west, lon), max(east, lon)
            south, north = min(south, lat), max(north, lat)
    if not math.isfinite(west):
        return None
    return [[south, west], [north, east]]


def _check_center(center: Sequence[float]) -> tuple[float, float]:
    try:
        lon, lat = (float(v) for v in center)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"center must be a (lon, lat) pair, got {center!r}") from exc
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(
            f"center must be (lon, lat) in degrees (GeoJSON order), got {center!r}; swapped (lat, lon)?"
        )
    return lon, lat


# --------------------------------------------------------------------------- map


def network_map(
    *,
    roads: Mapping[str, Any] | None,
    intersections: Mapping[str, Any] | None,
    areas: Mapping[str, Any] | None,
    static_url: Callable[[str], str],
    tiles_url: str | None = None,
    tiles_attribution: str | None = None,
    center: Sequence[float] | None = None,
    zoom: int = 15,
    height: str = "100%",
) -> folium.Map:
    """A Leaflet map of a road network: layers 行政区划 (area outlines), 道路 (roads styled
    by class) and 路口 (intersections), a layer control, fitted to the roads.

    ``roads``, ``intersections`` and ``areas`` are GeoJSON FeatureCollections in WGS84
    (EPSG:4326, lon/lat). Roads: properties ``name``, ``highway``, ``length_m``.
    Intersections: ``name``, ``roads`` (list of road names). Areas: ``name``, ``kind``
    (district/subdistrict/community/grid), ``generated`` (bool). Only the properties
    shown in tooltips are embedded in the page.

    ``static_url`` maps a static-relative path to a URL (Django's ``static``).
    ``tiles_url`` is an XYZ URL template; when None/empty there is no tile layer and the
    map is drawn on a plain background, so nothing is requested off the machine.
    ``center`` is a ``(lon, lat)`` pair (GeoJSON order); when given the map opens there at
    ``zoom`` instead of fitting to the data. Without it the map fits the roads' bounds
    (falling back to the areas, then the intersections).

    Road paths carry the CSS classes ``road road-<class>``; areas ``area area-<kind>``
    (``area-generated`` too when generated); intersection markers ``intersection``.
    """
    road_feats = _road_features(roads)
    inter_feats = _intersection_features(intersections)
    area_feats = _area_features(areas)

    bounds = geojson_bounds(road_feats) or geojson_bounds(area_feats) or geojson_bounds(inter_feats)
    if center is not None:
        lon, lat = _check_center(center)
        location = [lat, lon]
    elif bounds is not None:
        location = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    else:
        location = [39.8585, 116.2867]  # 丰台区 when there is nothing to show

    m = folium.Map(
        location=location,
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        height=height,
        prefer_canvas=False,  # SVG paths, so className reaches the DOM
    )
    # Replace folium's CDN defaults with the vendored Leaflet (instance attributes: the
    # class-level lists are shared by every Map and must not be mutated).
    m.default_js, m.default_css = folium_assets(static_url)
    m.get_root().header.add_child(
        folium.Element(
            "<style>"
            f".folium-map.leaflet-container {{ background: {BACKGROUND_COLOR}; }}"
            ".leaflet-tooltip table th { font-weight: normal; color: #555; }"
            "</style>"
        ),
        name="maps_local_style",
    )

    if tiles_url:
        attribution = tiles_attribution or urlsplit(tiles_url).netloc or "tiles"
        folium.TileLayer(
            tiles=tiles_url,
            attr=attribution,
            name=TILE_LAYER_NAME,
            overlay=False,
            control=True,
            max_zoom=19,
        ).add_to(m)

    # Areas first (bottom), then roads, then intersections on top.
    folium.GeoJson(
        _collection(area_feats),
        name=LAYER_AREAS,
        style_function=lambda f: area_style(f["properties"].get("kind"), f["properties"].get("generated")),
        highlight_function=lambda f: {"weight": 4, "opacity": 1},
        tooltip=(
            TextTooltip(fields=["name", "kind_label"], aliases=["名称", "类型"], sticky=True)
            if area_feats
            else None
        ),
    ).add_to(m)

    folium.GeoJson(
        _collection(road_feats),
        name=LAYER_ROADS,
        style_function=lambda f: road_style(f["properties"].get("highway")),
        highlight_function=lambda f: {"weight": 8, "opacity": 1, "color": "#1f618d"},
        tooltip=(
            TextTooltip(
                fields=["name", "highway_label", "length"], aliases=["道路", "等级", "长度"], sticky=True
            )
            if road_feats
            else None
        ),
        smooth_factor=0.5,
    ).add_to(m)

    folium.GeoJson(
        _collection(inter_feats),
        name=LAYER_INTERSECTIONS,
        marker=folium.CircleMarker(radius=4),
        style_function=lambda f: dict(_INTERSECTION_STYLE),
        highlight_function=lambda f: {"radius": 7, "fillColor": "#f4d03f"},
        tooltip=(
            TextTooltip(fields=["name", "roads"], aliases=["路口", "相交道路"], sticky=True)
            if inter_feats
            else None
        ),
    ).add_to(m)

    folium.LayerControl(collapsed=False).add_to(m)
    if center is None and bounds is not None:
        m.fit_bounds(bounds, padding=(20, 20))
    return m


def network_tiles_map(
    *,
    bounds: Sequence[float] | None,
    road_tiles_url: str,
    static_url: Callable[[str], str],
    tiles_url: str | None = None,
    tiles_attribution: str | None = None,
    height: str = "100%",
) -> folium.Map:
    """The road network and area outlines drawn from the road vector tiles (``road_tiles_url``, a
    ``{z}/{x}/{y}`` template), fitted to ``bounds`` = (west, south, east, north) in WGS84. The page
    carries no geometry, whatever the network's size. Roads are SVG paths with the CSS classes
    ``road road-<class>`` (areas ``area area-<kind>``), as on :func:`network_map`.

    >>> m = network_tiles_map(bounds=(116.33, 39.98, 116.37, 40.02), road_tiles_url="/tiles/roads/{z}/{x}/{y}.pbf",
    ...                       static_url=lambda p: "/static/" + p)
    >>> html = render_html(m)
    >>> "PatrolMaps.roadLayer" in html, "/static/maps/vendor/vectorgrid/" in html, "cdn." in html
    (True, True, False)
    """
    from .elements import TileLayers, local_map

    m = local_map(bounds=bounds, static_url=static_url, height=height)
    base = {"url": tiles_url, "attribution": tiles_attribution or urlsplit(tiles_url).netloc or "tiles"} \
        if tiles_url else None
    TileLayers(static_url=static_url, roads={"tileUrl": road_tiles_url, "svg": True}, base=base,
               roads_name=f"{LAYER_ROADS}与{LAYER_AREAS}", base_name=TILE_LAYER_NAME).add_to(m)
    return m


def render_html(m: folium.Map) -> str:
    """The complete, standalone HTML document for a map."""
    return m.get_root().render()
