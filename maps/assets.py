"""Front-end assets the maps use, all vendored under ``maps/static/maps/vendor/``.

Nothing here imports Django: paths are static-relative (what you would pass to
``{% static %}``), and the functions take a ``static_url`` callable -- in the project
``django.templatetags.static.static``, in tests ``lambda p: "/static/" + p``.

Folium's ``Map`` by default pulls Leaflet, jQuery, Bootstrap (JS + CSS), Bootstrap 3
glyphicons, Font Awesome and Leaflet.awesome-markers from four CDNs. The network map
uses none of the extras (no awesome-markers ``Icon``, no HTML ``folium.Popup``, which is
the one folium element that calls jQuery): GeoJson layers, GeoJsonTooltip/GeoJsonPopup,
FeatureGroup, LayerControl and FitBounds need only Leaflet. So :func:`folium_assets`
returns exactly the local Leaflet, and ``maps.builders`` replaces the map's
``default_js`` / ``default_css`` with it.

>>> js, css = folium_assets(lambda p: "/static/" + p)
>>> js
[('leaflet', '/static/maps/vendor/leaflet/leaflet.js')]
>>> css
[('leaflet_css', '/static/maps/vendor/leaflet/leaflet.css')]
"""

from __future__ import annotations

from collections.abc import Callable

StaticUrl = Callable[[str], str]

#: Versions of what is vendored (see fixtures/LICENSES-vendor.md).
LEAFLET_VERSION = "1.9.3"  # the version folium 0.20 pins in folium/folium.py
OPENLAYERS_VERSION = "7.2.2"  # the version Django 5.2's OpenLayersWidget.Media pins
VECTORGRID_VERSION = "1.3.0"  # leaflet.vectorgrid, the latest release (works on Leaflet 1.9 with a shim)
HEAT_VERSION = "0.2.0"  # leaflet.heat, the latest release

VENDOR = "maps/vendor"

#: Leaflet, for the folium maps. (name, static path) pairs, in load order; the names are
#: the keys folium itself uses, so a plugin that re-adds "leaflet" replaces, not duplicates.
LEAFLET_JS: list[tuple[str, str]] = [("leaflet", f"{VENDOR}/leaflet/leaflet.js")]
LEAFLET_CSS: list[tuple[str, str]] = [("leaflet_css", f"{VENDOR}/leaflet/leaflet.css")]

#: Images leaflet.css refers to (relative to the CSS file: ``images/...``).
LEAFLET_IMAGES: list[str] = [
    f"{VENDOR}/leaflet/images/layers.png",
    f"{VENDOR}/leaflet/images/layers-2x.png",
    f"{VENDOR}/leaflet/images/marker-icon.png",
    f"{VENDOR}/leaflet/images/marker-icon-2x.png",
    f"{VENDOR}/leaflet/images/marker-shadow.png",
]

#: OpenLayers full build, for the admin's geometry widget (maps.widgets.LocalMapWidget).
OPENLAYERS_JS = f"{VENDOR}/ol/ol.js"
OPENLAYERS_CSS = f"{VENDOR}/ol/ol.css"

#: Leaflet.VectorGrid, bundled build (pbf and vector-tile decoders included): Mapbox vector tiles.
VECTORGRID_JS = f"{VENDOR}/vectorgrid/Leaflet.VectorGrid.bundled.min.js"
#: Leaflet.heat: heat map layer.
HEAT_JS = f"{VENDOR}/leaflet-heat/leaflet-heat.js"
#: The project's own layers over the tile endpoints (``PatrolMaps.roadLayer``/``problemLayer``);
#: needs Leaflet and VectorGrid loaded first.
PROBLEM_TILES_JS = "maps/problem-tiles.js"

#: Licence files shipped beside each library.
LICENSES: list[str] = [f"{VENDOR}/leaflet/LICENSE", f"{VENDOR}/ol/LICENSE.md", f"{VENDOR}/vectorgrid/LICENSE",
                       f"{VENDOR}/leaflet-heat/LICENSE"]

#: Every vendored file (static-relative). Tests check each exists.
ALL_FILES: list[str] = [
    *(p for _, p in LEAFLET_JS),
    *(p for _, p in LEAFLET_CSS),
    *LEAFLET_IMAGES,
    OPENLAYERS_JS,
    OPENLAYERS_CSS,
    VECTORGRID_JS,
    HEAT_JS,
    PROBLEM_TILES_JS,
    *LICENSES,
]


def folium_js(static_url: StaticUrl) -> list[tuple[str, str]]:
    """(name, url) pairs for a folium element's ``default_js``."""
    return [(name, static_url(path)) for name, path in LEAFLET_JS]


def folium_css(static_url: StaticUrl) -> list[tuple[str, str]]:
    """(name, url) pairs for a folium element's ``default_css``."""
    return [(name, static_url(path)) for name, path in LEAFLET_CSS]


def tile_layer_js(static_url: StaticUrl) -> list[tuple[str, str]]:
    """(name, url) pairs a folium map adds (after Leaflet) to draw the project's vector tiles.

    >>> [name for name, _ in tile_layer_js(lambda p: "/static/" + p)]
    ['vectorgrid', 'patrol_maps']
    """
    return [("vectorgrid", static_url(VECTORGRID_JS)), ("patrol_maps", static_url(PROBLEM_TILES_JS))]


def heat_js(static_url: StaticUrl) -> list[tuple[str, str]]:
    """(name, url) of Leaflet.heat for a folium map."""
    return [("leaflet_heat", static_url(HEAT_JS))]


def folium_assets(static_url: StaticUrl) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(default_js, default_css)`` for a folium ``Map``: fresh lists, safe to mutate
    (folium's ``add_js_link`` edits the list in place, and its class-level defaults are
    shared by every map)."""
    return folium_js(static_url), folium_css(static_url)
