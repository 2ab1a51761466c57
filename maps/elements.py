"""Folium elements the map builders share: a map on local assets only, the project's tile layers
(``PatrolMaps`` from ``maps/static/maps/problem-tiles.js``) and a Chinese legend control.

Pure: no Django; every URL comes in as an argument.

>>> m = local_map(bounds=(116.33, 39.98, 116.37, 40.02), static_url=lambda p: "/static/" + p)
>>> TileLayers(roads={"tileUrl": "/tiles/roads/{z}/{x}/{y}.pbf"}, static_url=lambda p: "/static/" + p).add_to(m)
<maps.elements.TileLayers object at ...>
>>> html = m.get_root().render()
>>> "/static/maps/problem-tiles.js" in html, "PatrolMaps.roadLayer" in html, "cdn" in html.lower()
(True, True, False)
"""
from __future__ import annotations

import html as html_lib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import folium
from folium.elements import JSCSSMixin
from folium.template import Template

from .assets import folium_assets, tile_layer_js

__all__ = ["BACKGROUND_COLOR", "DEFAULT_LOCATION", "local_map", "TileLayers", "HtmlLegend", "legend_html", "TextTooltip"]

BACKGROUND_COLOR = "#f5f4f0"
#: 丰台区, where a map with nothing to show opens (lat, lon).
DEFAULT_LOCATION = (39.8585, 116.2867)


def local_map(*, bounds: Sequence[float] | None, static_url: Callable[[str], str], zoom: int = 14,
              height: str = "100%", max_zoom: int = 20) -> folium.Map:
    """A folium map whose only assets are the vendored Leaflet, with no tile layer, fitted to
    ``bounds`` = (west, south, east, north) in WGS84 when given."""
    if bounds:
        west, south, east, north = (float(v) for v in bounds)
        location = [(south + north) / 2, (west + east) / 2]
    else:
        location = list(DEFAULT_LOCATION)
    m = folium.Map(location=location, zoom_start=zoom, tiles=None, control_scale=True, height=height,
                   max_zoom=max_zoom, prefer_canvas=False)
    m.default_js, m.default_css = folium_assets(static_url)
    m.get_root().header.add_child(
        # the icon link keeps the browser from asking for /favicon.ico (a 404 in the console)
        folium.Element('<link rel="icon" href="data:,">'
                       f"<style>.folium-map.leaflet-container {{ background: {BACKGROUND_COLOR}; }}</style>"),
        name="maps_local_style")
    if bounds:
        m.fit_bounds([[south, west], [north, east]], padding=(10, 10))
    return m


class TileLayers(JSCSSMixin, folium.MacroElement):
    """The project's vector tile layers on a folium map, through ``PatrolMaps`` (problem-tiles.js):
    an optional XYZ base layer, the road network, the problems, a legend and a layer control.

    ``roads`` / ``problems`` / ``legend`` are the option objects of ``PatrolMaps.roadLayer`` /
    ``problemLayer`` / ``legend`` (None leaves the layer out); ``base`` is ``{"url", "attribution"}``.
    The map's layers are kept on the Leaflet map object as ``map.patrolLayers`` (by Chinese name).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var base = {}, overlays = {};
            {% if this.base %}
            base[{{ this.base_name|tojson }}] = L.tileLayer({{ this.base.url|tojson }},
                {attribution: {{ this.base.attribution|tojson }}, maxZoom: 20}).addTo(map);
            {% endif %}
            {# problems first: their tiles are asked for before the roads' (the browser opens six
               connections per host), and their markers sit in the marker pane above the roads anyway #}
            {% if this.problems is not none %}
            var problems = PatrolMaps.problemLayer(map, {{ this.problems|tojson }});
            {% endif %}
            {% if this.roads is not none %}
            overlays[{{ this.roads_name|tojson }}] = PatrolMaps.roadLayer(map, {{ this.roads|tojson }});
            {% endif %}
            {% if this.problems is not none %}
            overlays[{{ this.problems_name|tojson }}] = problems;
            {% endif %}
            {% if this.legend is not none %}
            PatrolMaps.legend(map, {{ this.legend|tojson }});
            {% endif %}
            L.control.layers(base, overlays, {collapsed: false}).addTo(map);
            map.patrolLayers = overlays;
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, *, static_url: Callable[[str], str], roads: Mapping[str, Any] | None = None,
                 problems: Mapping[str, Any] | None = None, legend: Mapping[str, Any] | None = None,
                 base: Mapping[str, str] | None = None, roads_name: str = "道路与区划",
                 problems_name: str = "问题", base_name: str = "底图"):
        super().__init__()
        self._name = "TileLayers"
        self.default_js = tile_layer_js(static_url)
        self.default_css = []
        self.roads = dict(roads) if roads is not None else None
        self.problems = dict(problems) if problems is not None else None
        self.legend = dict(legend) if legend is not None else None
        self.base = dict(base) if base else None
        self.roads_name, self.problems_name, self.base_name = roads_name, problems_name, base_name


def legend_html(title: str, rows: Sequence[tuple[str, str]], note: str | None = None) -> str:
    """A legend's HTML: a title and (colour, label) rows, every text escaped.

    >>> legend_html("图例", [("#ff0000", "<5")])
    '<h4>图例</h4><div><i style="background:#ff0000"></i>&lt;5</div>'
    """
    out = [f"<h4>{html_lib.escape(title)}</h4>"]
    for color, label in rows:
        out.append(f'<div><i style="background:{html_lib.escape(color)}"></i>{html_lib.escape(label)}</div>')
    if note:
        out.append(f'<div class="note">{html_lib.escape(note)}</div>')
    return "".join(out)


class HtmlLegend(folium.MacroElement):
    """A Leaflet control holding legend HTML (built with :func:`legend_html`), class ``map-legend``."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
        .map-legend{background:rgba(255,255,255,.92);padding:6px 10px;border-radius:4px;font-size:12px;
          line-height:18px;box-shadow:0 1px 4px rgba(0,0,0,.3)}
        .map-legend h4{margin:0 0 4px;font-size:13px}
        .map-legend i{display:inline-block;width:14px;height:12px;margin-right:6px;vertical-align:-1px;opacity:.85}
        .map-legend .note{color:#666;margin-top:2px}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map) {
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "map-legend");
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html: str, position: str = "bottomright"):
        super().__init__()
        self._name = "HtmlLegend"
        self.html = html
        self.position = position


# folium's GeoJsonTooltip builds its table as HTML from the feature's properties (div.innerHTML),
# so a road name from an imported file or a location an officer typed would run as markup on the
# app's own origin. This is the same tooltip with every value and alias escaped first.
_ESCAPE_JS = """
    let esc = s => String(s).replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;',
                                                        '"': '&quot;', "'": '&#39;'}[c]));
    let handleObject = feature => {
        if (feature === null || feature === undefined) {
            return '';
        } else if (typeof(feature)=='object') {
            return esc(JSON.stringify(feature));
        } else {
            return esc(feature);
        }
    }"""
_BASE = folium.features.GeoJsonDetail.base_template
_ORIGINAL_JS = _BASE[_BASE.index("let handleObject"):_BASE.index("let fields")]
_SAFE_BASE = _BASE.replace(_ORIGINAL_JS, _ESCAPE_JS.strip() + "\n    ", 1).replace("${aliases[i]", "${esc(aliases[i])", 1)
# (a folium whose template no longer has these pieces must fail here, not ship unescaped tooltips)
assert "return esc(feature)" in _SAFE_BASE and "${esc(aliases[i])" in _SAFE_BASE, "folium's tooltip template changed"


class TextTooltip(folium.GeoJsonTooltip):
    """A GeoJsonTooltip that shows its fields as text, never as markup (the template is
    folium's own, GeoJsonTooltip's, with the values escaped).

    >>> m = local_map(bounds=None, static_url=lambda p: "/static/" + p)
    >>> feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.3, 39.9]},
    ...            "properties": {"text": "<img src=x onerror=alert(1)>"}}
    >>> _ = folium.GeoJson({"type": "FeatureCollection", "features": [feature]},
    ...                    tooltip=TextTooltip(fields=["text"])).add_to(m)
    >>> script = m.get_root().render()
    >>> "return esc(feature)" in script, "${esc(aliases[i])" in script
    (True, True)
    """

    _template = Template(
        "{% macro script(this, kwargs) %}\n{{ this._parent.get_name() }}.bindTooltip("
        + _SAFE_BASE + ",{{ this.tooltip_options | tojavascript }});\n{% endmacro %}\n")
