"""Admin map widget that works offline: vendored OpenLayers, no online base layer.

Django 5.2's ``OpenLayersWidget`` loads OpenLayers 7.2.2 from jsDelivr (its ``Media``) and
its template ``gis/openlayers.html`` draws on NASA Blue Marble tiles from
``map1{a-c}.vis.earthdata.nasa.gov`` (``OSMWidget``'s template uses the OpenStreetMap tile servers
instead, and ``OLMapWidget.js`` itself falls back to OSM when no base layer is given).
:class:`LocalMapWidget` replaces both:

* ``Media`` points at ``maps/vendor/ol/ol.js`` / ``ol.css`` (plus Django's own local
  ``gis/js/OLMapWidget.js`` and ``gis/css/ol3.css``);
* the widget renders a template that extends ``gis/openlayers.html`` and overrides its
  ``base_layer`` block with an empty vector layer on a plain background -- or, opt-in, an
  XYZ layer from ``settings.MAP_TILE_URL`` (the same setting the folium maps use), and/or a
  same-origin GeoJSON reference layer (e.g. the road network from the project's API), so
  editors have something to draw against without leaving the machine.

Geometries are stored in EPSG:4548 (settings.STORAGE_SRID); the widget shows them in web
mercator (``map_srid = 3857``) as Django's widgets do: ``BaseGeometryWidget.get_context``
transforms the stored value to 3857 with GDAL, and the form field transforms the drawn
geometry back to the model field's SRID on save.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.admin import GISModelAdmin
from django.contrib.gis.admin.options import GeoModelAdminMixin
from django.contrib.gis.forms.widgets import OpenLayersWidget
from django.template import engines
from django.utils.safestring import mark_safe

from maps.assets import OPENLAYERS_CSS, OPENLAYERS_JS

__all__ = ["LocalMapWidget", "LocalGeoModelAdminMixin", "LocalGISModelAdmin", "WIDGET_TEMPLATE"]

#: 丰台区, where an empty widget opens.
DEFAULT_LON = 116.2867
DEFAULT_LAT = 39.8585
DEFAULT_ZOOM = 12

MAP_BACKGROUND = "#f5f4f0"

# Extends Django's own template, so the map markup, textarea, "Delete all Features" link and
# MapWidget construction stay Django's; only the base layer and the default view change.
WIDGET_TEMPLATE = """{% extends "gis/openlayers.html" %}{% load l10n %}
{% block base_layer %}
            document.getElementById("{{ id|escapejs }}_map").style.background = "{{ map_background|escapejs }}";
            var base_layer = new ol.layer.Group({layers: [
                {% if tile_url %}new ol.layer.Tile({
                    source: new ol.source.XYZ({
                        url: "{{ tile_url|escapejs }}",
                        attributions: "{{ tile_attribution|escapejs }}"
                    })
                }),{% endif %}
                {% if reference_geojson_url %}new ol.layer.Vector({
                    source: new ol.source.Vector({
                        url: "{{ reference_geojson_url|escapejs }}",
                        format: new ol.format.GeoJSON()
                    }),
                    style: new ol.style.Style({
                        stroke: new ol.style.Stroke({color: "rgba(90, 90, 90, 0.6)", width: 1.5})
                    })
                }),{% endif %}
                new ol.layer.Vector({source: new ol.source.Vector()})
            ]});
{% endblock %}
{% block options %}{{ block.super }}
        options['default_lon'] = {{ default_lon|unlocalize }};
        options['default_lat'] = {{ default_lat|unlocalize }};
        options['default_zoom'] = {{ default_zoom|unlocalize }};
{% endblock %}
"""


def _template_for(renderer):
    """Compile WIDGET_TEMPLATE with the form renderer's Django engine (it can find
    ``gis/openlayers.html`` through APP_DIRS), else the project's Django engine."""
    engine = getattr(renderer, "engine", None)
    if engine is not None and type(engine).__name__ == "DjangoTemplates":
        return engine.from_string(WIDGET_TEMPLATE)
    for backend in engines.all():
        if type(backend).__name__ == "DjangoTemplates":
            return backend.from_string(WIDGET_TEMPLATE)
    raise RuntimeError("LocalMapWidget needs a DjangoTemplates engine")  # pragma: no cover


class LocalMapWidget(OpenLayersWidget):
    """``OpenLayersWidget`` with vendored OpenLayers and no online base layer.

    Options (class attributes, or keys of ``attrs``):

    ``default_lon``, ``default_lat``, ``default_zoom``
        where an empty map opens (WGS84), 丰台区 by default;
    ``tile_url``, ``tile_attribution``
        XYZ tile URL template for a base layer. ``None`` (default) reads
        ``settings.MAP_TILE_URL`` / ``MAP_TILE_ATTRIBUTION``; ``""`` forces no tiles.
        Without a URL nothing is requested off the machine;
    ``reference_geojson_url``
        optional URL (same origin) of a GeoJSON FeatureCollection in WGS84 drawn in grey
        under the geometry being edited.
    """

    map_srid = 3857
    default_lon = DEFAULT_LON
    default_lat = DEFAULT_LAT
    default_zoom = DEFAULT_ZOOM
    tile_url: str | None = None
    tile_attribution: str | None = None
    reference_geojson_url: str = ""
    map_background = MAP_BACKGROUND

    _OPTION_KEYS = (
        "default_lon",
        "default_lat",
        "default_zoom",
        "tile_url",
        "tile_attribution",
        "reference_geojson_url",
        "map_background",
    )

    class Media:
        extend = False  # drop the parent's CDN URLs
        css = {"all": (OPENLAYERS_CSS, "gis/css/ol3.css")}
        js = (OPENLAYERS_JS, "gis/js/OLMapWidget.js")

    def __init__(self, attrs=None):
        super().__init__()
        for key in self._OPTION_KEYS:
            self.attrs[key] = getattr(self, key)
        if attrs:
            self.attrs.update(attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context.get("tile_url") is None:
            context["tile_url"] = getattr(settings, "MAP_TILE_URL", "") or ""
            if context.get("tile_attribution") is None:
                context["tile_attribution"] = getattr(settings, "MAP_TILE_ATTRIBUTION", "") or ""
        context["tile_attribution"] = context.get("tile_attribution") or ""
        context["reference_geojson_url"] = context.get("reference_geojson_url") or ""
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        return mark_safe(_template_for(renderer or self._default_renderer()).render(context))

    @staticmethod
    def _default_renderer():
        from django.forms.renderers import get_default_renderer

        return get_default_renderer()


class LocalGeoModelAdminMixin(GeoModelAdminMixin):
    """Use :class:`LocalMapWidget` for geometry fields (also for inlines)."""

    gis_widget = LocalMapWidget
    gis_widget_kwargs: dict = {}


class LocalGISModelAdmin(LocalGeoModelAdminMixin, GISModelAdmin):
    """``GISModelAdmin`` whose map widget is served from the project and works offline.

    Geometry fields stored in EPSG:4548 are shown and edited in web mercator (3857); pass
    per-admin options through ``gis_widget_kwargs = {"attrs": {...}}`` (see
    :class:`LocalMapWidget`).
    """
