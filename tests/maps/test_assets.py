"""Vendored front-end files (maps/static/maps/vendor) and the offline admin map widget.

No database: the widget tests only need settings (pytest-django provides them) and GDAL
for the 4548 -> 3857 transform of the displayed value.
"""

import re
from pathlib import Path

import folium
import pytest

from maps import assets

STATIC_ROOT = Path(__file__).resolve().parents[2] / "maps" / "static"
VENDOR = STATIC_ROOT / "maps" / "vendor"
REPO = STATIC_ROOT.parents[1]

URL_RE = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@pytest.mark.parametrize("path", assets.ALL_FILES)
def test_listed_file_exists(path):
    assert (STATIC_ROOT / path).is_file(), path


def test_every_vendored_library_has_its_licence():
    for lib in [p for p in VENDOR.iterdir() if p.is_dir()]:
        assert any(f.name.upper().startswith("LICENSE") for f in lib.iterdir()), lib


def test_licence_notes_cover_each_library():
    notes = (REPO / "fixtures" / "LICENSES-vendor.md").read_text(encoding="utf-8")
    for lib in [p.name for p in VENDOR.iterdir() if p.is_dir()]:
        assert f"maps/static/maps/vendor/{lib}/" in notes, lib
    assert assets.LEAFLET_VERSION in notes and assets.OPENLAYERS_VERSION in notes


def test_vendored_size_is_reasonable_and_no_source_maps():
    files = [p for p in VENDOR.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    assert total < 3 * 1024 * 1024, total
    assert not [p for p in files if p.suffix == ".map"]
    for p in files:
        if p.suffix in {".js", ".css"}:
            # stripped: the maps are not shipped, and ManifestStaticFilesStorage would fail on them
            assert "sourceMappingURL" not in p.read_text(encoding="utf-8", errors="replace"), p


def test_leaflet_is_the_version_folium_expects():
    folium_url = dict(folium.folium._default_js)["leaflet"]
    assert f"leaflet@{assets.LEAFLET_VERSION}/" in folium_url
    head = (STATIC_ROOT / assets.LEAFLET_JS[0][1]).read_text(encoding="utf-8")[:300]
    assert f"Leaflet {assets.LEAFLET_VERSION}," in head


def test_openlayers_is_the_version_django_expects():
    from django.contrib.gis.forms.widgets import OpenLayersWidget

    django_js = [str(p) for p in OpenLayersWidget.Media.js]
    assert any(f"ol@v{assets.OPENLAYERS_VERSION}/dist/ol.js" in p for p in django_js), django_js
    ol = (STATIC_ROOT / assets.OPENLAYERS_JS).read_text(encoding="utf-8")
    assert ol.startswith("var ol=function(){")  # the full UMD build exposing window.ol
    assert f'VERSION="{assets.OPENLAYERS_VERSION}"' in ol


def test_leaflet_css_images_are_vendored():
    css = (STATIC_ROOT / assets.LEAFLET_CSS[0][1]).read_text(encoding="utf-8")
    for ref in re.findall(r"url\(([^)#]+)\)", css):
        assert not URL_RE.match(ref), ref
        assert (STATIC_ROOT / assets.LEAFLET_CSS[0][1]).parent.joinpath(ref.strip("'\"")).is_file(), ref


def test_folium_assets_use_static_url():
    js, css = assets.folium_assets(lambda p: "/assets/" + p)
    assert js == [("leaflet", "/assets/maps/vendor/leaflet/leaflet.js")]
    assert css == [("leaflet_css", "/assets/maps/vendor/leaflet/leaflet.css")]
    js.append(("x", "y"))  # fresh lists each call
    assert assets.folium_assets(lambda p: p)[0] == [("leaflet", "maps/vendor/leaflet/leaflet.js")]


def test_folium_assets_with_django_static():
    from django.templatetags.static import static

    js, css = assets.folium_assets(static)
    assert js[0][1].endswith("maps/vendor/leaflet/leaflet.js")
    assert not URL_RE.match(js[0][1])


def test_assets_found_by_staticfiles_finders():
    from django.contrib.staticfiles import finders

    for path in assets.ALL_FILES + ["gis/js/OLMapWidget.js", "gis/css/ol3.css"]:
        assert finders.find(path), path


# --------------------------------------------------------------------------- admin widget


@pytest.fixture
def geometry_4548():
    from django.contrib.gis.geos import GEOSGeometry

    return GEOSGeometry("SRID=4548;LINESTRING(480000 4410000, 481000 4411000)")


def test_widget_media_is_local():
    from maps.widgets import LocalMapWidget

    media = LocalMapWidget().media
    html = str(media)
    assert "/static/maps/vendor/ol/ol.js" in html
    assert "/static/maps/vendor/ol/ol.css" in html
    assert "/static/gis/js/OLMapWidget.js" in html
    assert "http" not in html and "//cdn" not in html
    assert len(media._js) == 2


def test_widget_renders_without_online_layers(geometry_4548):
    from maps.widgets import LocalMapWidget

    html = LocalMapWidget().render("geom", geometry_4548, {"id": "id_geom"})
    assert not URL_RE.search(html), URL_RE.search(html)
    assert "earthdata" not in html and "ol.source.OSM" not in html and "ol.source.XYZ" not in html
    assert "new MapWidget(options)" in html
    assert "map_srid: 3857" in html
    assert "options['default_lon'] = 116.2867" in html
    # the stored 4548 value is shown in web mercator (Beijing is x ~ 1.3e7, y ~ 4.8e6)
    m = re.search(r"\[ (1\d{7}\.\d+), (4\d{6}\.\d+) \]", html)
    assert m, html


def test_widget_optional_tile_and_reference_layers(geometry_4548):
    from maps.widgets import LocalMapWidget

    w = LocalMapWidget(
        attrs={
            "tile_url": "https://tiles.example.test/{z}/{x}/{y}.png",
            "tile_attribution": "示例",
            "reference_geojson_url": "/api/v1/roads.geojson",
            "default_zoom": 14,
        }
    )
    html = w.render("geom", geometry_4548, {"id": "id_geom"})
    assert "ol.source.XYZ" in html
    assert "tiles.example.test" in html
    assert "/api/v1/roads.geojson" in html
    assert "options['default_zoom'] = 14" in html


def test_widget_reads_tile_settings(settings, geometry_4548):
    from maps.widgets import LocalMapWidget

    settings.MAP_TILE_URL = "https://tiles.example.test/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "示例"
    assert "tiles.example.test" in LocalMapWidget().render("geom", geometry_4548, {"id": "id_geom"})
    # "" forces no tiles even with the setting
    html = LocalMapWidget(attrs={"tile_url": ""}).render("geom", geometry_4548, {"id": "id_geom"})
    assert "ol.source.XYZ" not in html
    settings.MAP_TILE_URL = ""
    assert "ol.source.XYZ" not in LocalMapWidget().render("geom", geometry_4548, {"id": "id_geom"})


def test_widget_escapes_option_values(geometry_4548):
    from maps.widgets import LocalMapWidget

    html = LocalMapWidget(attrs={"reference_geojson_url": '/x"</script><script>alert(1)//'}).render(
        "geom", None, {"id": "id_geom"}
    )
    assert "</script><script>alert(1)" not in html


def test_widget_round_trips_drawn_value_to_storage_srid():
    from django.contrib.gis.forms import GeometryField

    from maps.widgets import LocalMapWidget

    field = GeometryField(srid=4548, widget=LocalMapWidget)
    # what the JS writes into the textarea: GeoJSON in the map's 3857
    geom = field.clean('{"type": "Point", "coordinates": [12998375.11, 4840381.88]}')
    assert geom.srid == 4548
    assert geom.x == pytest.approx(480000, abs=0.5) and geom.y == pytest.approx(4410000, abs=0.5)


def test_admin_class_uses_local_widget():
    from django.contrib.gis.admin import GISModelAdmin

    from maps.widgets import LocalGeoModelAdminMixin, LocalGISModelAdmin, LocalMapWidget

    assert issubclass(LocalGISModelAdmin, GISModelAdmin)
    assert LocalGISModelAdmin.gis_widget is LocalMapWidget
    assert LocalGeoModelAdminMixin.gis_widget is LocalMapWidget
    from django.contrib.gis.forms.widgets import OpenLayersWidget

    assert issubclass(LocalMapWidget, OpenLayersWidget)
    assert LocalMapWidget.map_srid == 3857
