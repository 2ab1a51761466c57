"""maps.builders: the folium network map, rendered with nothing loaded from off the machine.

No database. The network below is SYNTHETIC: hand-drawn lines near 马家堡 (丰台区) carrying
real road names, not surveyed geometry (no OSM data for Fengtai is available here).
"""

import json
import re
from html.parser import HTMLParser

import folium
import pytest

from maps import builders
from maps.builders import (
    LAYER_AREAS,
    LAYER_INTERSECTIONS,
    LAYER_ROADS,
    area_style,
    geojson_bounds,
    network_map,
    render_html,
    road_class,
    road_style,
)

STATIC = "/static/"


def static_url(path):
    return STATIC + path


def fc(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def feature(geom_type, coords, **props):
    return {"type": "Feature", "geometry": {"type": geom_type, "coordinates": coords}, "properties": props}


# synthetic (see module docstring)
ROADS = fc(
    feature(
        "LineString",
        [[116.3700, 39.8440], [116.3702, 39.8520]],
        name="马家堡东路",
        highway="primary",
        length_m=890.4,
    ),
    feature(
        "LineString",
        [[116.3640, 39.8480], [116.3780, 39.8482]],
        name="革新南路",
        highway="secondary",
        length_m=1195.0,
    ),
    feature(
        "MultiLineString",
        [[[116.3650, 39.8450], [116.3690, 39.8451]], [[116.3710, 39.8452], [116.3760, 39.8453]]],
        name="玉林南路",
        highway="tertiary_link",
        length_m=773.2,
    ),
    feature(
        "LineString", [[116.3720, 39.8500], [116.3730, 39.8510]], name=None, highway="service", length_m=None
    ),
)
INTERSECTIONS = fc(
    feature(
        "Point", [116.3701, 39.8481], name="马家堡东路与革新南路交叉口", roads=["马家堡东路", "革新南路"]
    ),
)
AREAS = fc(
    feature(
        "Polygon",
        [[[116.36, 39.84], [116.38, 39.84], [116.38, 39.855], [116.36, 39.855], [116.36, 39.84]]],
        name="马家堡街道",
        kind="subdistrict",
        generated=False,
    ),
    feature(
        "MultiPolygon",
        [[[[116.365, 39.845], [116.37, 39.845], [116.37, 39.85], [116.365, 39.85], [116.365, 39.845]]]],
        name="网格 1",
        kind="grid",
        generated=True,
    ),
)


@pytest.fixture(scope="module")
def html():
    m = network_map(roads=ROADS, intersections=INTERSECTIONS, areas=AREAS, static_url=static_url)
    return render_html(m)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []  # (tag, attrs dict)
        self.inline_scripts = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.inline_scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.inline_scripts[-1] += data


def _parse(html):
    p = _Tags()
    p.feed(html)
    return p


URL_RE = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"'<>)]*")
CDN_HINTS = (
    "cdn",
    "jsdelivr",
    "unpkg",
    "cloudflare",
    "bootstrapcdn",
    "code.jquery",
    "googleapis",
    "openstreetmap",
)


def _js_escaped(text):
    """How folium's ``tojson`` writes a string inside inline JS (ASCII, HTML-safe)."""
    return (
        json.dumps(text)[1:-1]
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )


def present(html, text):
    return text in html or _js_escaped(text) in html


def assert_all_local(html):
    parsed = _parse(html)
    srcs = [a["src"] for t, a in parsed.tags if t == "script" and a.get("src")]
    hrefs = [a["href"] for t, a in parsed.tags if t == "link" and a.get("href")]
    assert srcs, "expected at least Leaflet's script tag"
    assert hrefs, "expected at least Leaflet's stylesheet"
    for url in srcs + hrefs:
        assert url.startswith(STATIC + "maps/vendor/"), url
        assert not url.startswith("//")
    # no absolute URL in any attribute of any script/link/img/iframe tag
    for tag, attrs in parsed.tags:
        if tag in {"script", "link", "img", "iframe", "source", "object", "embed"}:
            for value in attrs.values():
                assert not URL_RE.search(value or ""), (tag, attrs)
    # inline JS: nothing fetched from elsewhere, and no jQuery (which is not loaded)
    inline = "\n".join(parsed.inline_scripts)
    assert "http://" not in inline and "https://" not in inline
    assert not URL_RE.search(inline), URL_RE.search(inline)
    for hint in CDN_HINTS:
        assert hint not in inline.lower(), hint
    assert "$(" not in inline and "$.ajax" not in inline and "jQuery" not in inline
    # inline CSS: no @import / url() off the machine
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html)
    assert "@import" not in html


def test_everything_is_served_locally(html):
    assert_all_local(html)


def test_nothing_external_anywhere_without_tiles(html):
    assert "http://" not in html and "https://" not in html
    assert "L.tileLayer" not in html


def test_loads_exactly_the_vendored_leaflet(html):
    parsed = _parse(html)
    srcs = [a["src"] for t, a in parsed.tags if t == "script" and a.get("src")]
    hrefs = [a["href"] for t, a in parsed.tags if t == "link" and a.get("href")]
    assert srcs == ["/static/maps/vendor/leaflet/leaflet.js"]
    assert hrefs == ["/static/maps/vendor/leaflet/leaflet.css"]
    for gone in ("jquery", "bootstrap", "awesome-markers", "fontawesome", "glyphicons"):
        assert gone not in html.lower(), gone


def test_layers_are_named_in_chinese(html):
    for name in (LAYER_ROADS, LAYER_INTERSECTIONS, LAYER_AREAS):
        assert present(html, name), name
    assert "L.control.layers" in html


def test_roads_are_styled_by_class_and_findable(html):
    assert '"className": "road road-primary"' in html
    assert '"className": "road road-secondary"' in html
    assert '"className": "road road-tertiary"' in html  # *_link folded into its road
    assert '"className": "road road-service"' in html
    assert '"className": "intersection"' in html
    assert '"className": "area area-subdistrict"' in html
    assert '"className": "area area-grid area-generated"' in html


def test_tooltips_in_chinese(html):
    for text in ("马家堡东路", "革新南路", "主干路", "次干路", "890 米", "1.20 千米", "（无名道路）"):
        assert present(html, text), text
    assert present(html, "马家堡东路、革新南路")  # intersection's roads, joined
    assert present(html, "网格（自动生成）")
    for aliases in (["道路", "等级", "长度"], ["路口", "相交道路"], ["名称", "类型"]):
        assert json.dumps(aliases) in html, aliases  # folium writes the alias list with tojson
    assert "L.tooltip" in html or "bindTooltip" in html


def test_fits_the_roads(html):
    m = re.search(r"\.fitBounds\(\s*(\[\[.*?\]\])", html, re.S)
    assert m, "no fitBounds"
    (south, west), (north, east) = json.loads(m.group(1))
    assert (south, west, north, east) == pytest.approx((39.8440, 116.3640, 39.8520, 116.3780))


def test_only_displayed_properties_are_embedded():
    roads = fc(
        feature(
            "LineString",
            [[116.37, 39.84], [116.38, 39.85]],
            name="丽源路",
            highway="residential",
            osm_id=123456789,
            secret="x",
        )
    )
    html = render_html(network_map(roads=roads, intersections=fc(), areas=fc(), static_url=static_url))
    assert present(html, "丽源路")
    assert "123456789" not in html and '"secret"' not in html


def test_input_is_not_modified():
    before = json.dumps([ROADS, INTERSECTIONS, AREAS], sort_keys=True)
    network_map(roads=ROADS, intersections=INTERSECTIONS, areas=AREAS, static_url=static_url)
    assert json.dumps([ROADS, INTERSECTIONS, AREAS], sort_keys=True) == before


def test_folium_class_defaults_untouched():
    js_before = list(folium.Map.default_js)
    css_before = list(folium.Map.default_css)
    m1 = network_map(roads=ROADS, intersections=INTERSECTIONS, areas=AREAS, static_url=static_url)
    m2 = network_map(roads=ROADS, intersections=INTERSECTIONS, areas=AREAS, static_url=lambda p: "/s/" + p)
    render_html(m1), render_html(m2)
    assert folium.Map.default_js == js_before and folium.Map.default_css == css_before
    assert m1.default_js is not m2.default_js
    assert "/s/maps/vendor/leaflet/leaflet.js" in render_html(m2)


def test_with_tiles_url():
    url = "https://t{s}.example.test/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=KEY"
    m = network_map(
        roads=ROADS,
        intersections=INTERSECTIONS,
        areas=AREAS,
        static_url=static_url,
        tiles_url=url,
        tiles_attribution="© 示例底图",
    )
    html = render_html(m)
    assert "L.tileLayer" in html
    assert present(html, url)
    assert present(html, "© 示例底图")
    assert present(html, "底图")
    # scripts and stylesheets are still all local; the tile URL is the operator's choice
    parsed = _parse(html)
    for tag, attrs in parsed.tags:
        if tag == "script" and attrs.get("src"):
            assert attrs["src"].startswith("/static/maps/vendor/")
        if tag == "link" and attrs.get("href"):
            assert attrs["href"].startswith("/static/maps/vendor/")


def test_tiles_without_attribution_uses_host():
    html = render_html(
        network_map(
            roads=ROADS,
            intersections=fc(),
            areas=fc(),
            static_url=static_url,
            tiles_url="https://tiles.example.test/{z}/{x}/{y}.png",
        )
    )
    assert '"attribution": "tiles.example.test"' in html


def test_empty_collections_render():
    html = render_html(network_map(roads=fc(), intersections=fc(), areas=fc(), static_url=static_url))
    assert_all_local(html)
    assert "fitBounds" not in html


def test_none_collections_render():
    html = render_html(network_map(roads=None, intersections=None, areas=AREAS, static_url=static_url))
    assert "fitBounds" in html  # falls back to the areas' bounds


def test_center_is_lon_lat_and_validated():
    m = network_map(
        roads=ROADS, intersections=fc(), areas=fc(), static_url=static_url, center=(116.37, 39.85)
    )
    assert m.location == [39.85, 116.37]
    assert "fitBounds" not in render_html(m)
    with pytest.raises(ValueError, match="swapped"):
        network_map(
            roads=ROADS, intersections=fc(), areas=fc(), static_url=static_url, center=(39.85, 116.37)
        )


def test_rejects_non_feature_collection():
    with pytest.raises(ValueError, match="FeatureCollection"):
        network_map(
            roads={"type": "LineString", "coordinates": []},
            intersections=fc(),
            areas=fc(),
            static_url=static_url,
        )


def test_style_helpers():
    assert road_class("motorway_link") == "motorway"
    assert road_class("bogus") == "other"
    assert road_style("bogus")["className"] == "road road-other"
    assert road_style("motorway")["weight"] > road_style("residential")["weight"]
    s = area_style("district")
    assert s["fillOpacity"] == 0 and s["className"] == "area area-district"
    assert area_style("weird kind!")["className"] == "area area-other"


def test_geojson_bounds():
    assert geojson_bounds([]) is None
    assert geojson_bounds(AREAS["features"]) == [[39.84, 116.36], [39.855, 116.38]]


def test_module_has_no_django_import():
    import ast
    import inspect

    for module in (builders, __import__("maps.assets", fromlist=["x"])):
        tree = ast.parse(inspect.getsource(module))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(n.split(".")[0] == "django" for n in names), names


def test_doctests():
    import doctest

    assert doctest.testmod(builders).failed == 0
