"""The tile-based builders (problem map, network from tiles), the heat map and the choropleth, and the
JavaScript they load. No database: plain data in, HTML out, every asset local.
"""
import json
import re
from pathlib import Path

import pytest

from maps import assets
from maps.builders import ROAD_STYLES, network_tiles_map, render_html
from maps.choropleth import NO_DATA_COLOR, PALETTE, choropleth_map, class_breaks, class_of
from maps.heat import HeatPoint, heat_map
from maps.problems import LAYER_NETWORK, LAYER_PROBLEMS, problem_map
from patrol.domain.workflow import STATUS_LABELS

STATIC_ROOT = Path(__file__).resolve().parents[2] / "maps" / "static"
URL_RE = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
EXTENT = (116.334, 39.988, 116.364, 40.021)


def static_url(path):
    return "/static/" + path


def scripts(html: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', html)


def shows(html: str, text: str) -> bool:
    """Whether the page holds the text as such or as a JSON string (Jinja's tojson writes \\uXXXX)."""
    return text in html or json.dumps(text)[1:-1] in html


@pytest.fixture(scope="module")
def problem_html():
    return render_html(problem_map(
        bounds=EXTENT, road_tiles_url="/tiles/roads/{z}/{x}/{y}.pbf", problem_tiles_url="/tiles/problems/{z}/{x}/{y}.pbf",
        problem_detail_url="/api/v1/problems/{id}/", query="?status=reported&overdue=1", static_url=static_url))


def test_problem_map_loads_leaflet_vectorgrid_and_patrol_maps_in_order_all_local(problem_html):
    src = scripts(problem_html)
    assert src == ["/static/maps/vendor/leaflet/leaflet.js", "/static/maps/vendor/vectorgrid/Leaflet.VectorGrid.bundled.min.js",
                   "/static/maps/problem-tiles.js"]
    assert not URL_RE.search(problem_html), URL_RE.search(problem_html)


def test_problem_map_passes_the_tile_urls_the_query_and_the_popup_url(problem_html):
    calls = dict(re.findall(r"PatrolMaps\.(roadLayer|problemLayer)\(map, (\{.*?\})\);", problem_html))
    roads, problems = json.loads(calls["roadLayer"]), json.loads(calls["problemLayer"])
    assert roads == {"tileUrl": "/tiles/roads/{z}/{x}/{y}.pbf"}
    assert problems == {"tileUrl": "/tiles/problems/{z}/{x}/{y}.pbf", "query": "status=reported&overdue=1",
                        "detailUrl": "/api/v1/problems/{id}/"}
    assert shows(problem_html, LAYER_NETWORK) and shows(problem_html, LAYER_PROBLEMS)
    assert "PatrolMaps.legend(map" in problem_html and "L.control.layers" in problem_html


def test_problem_map_fits_the_extent_and_has_no_base_layer_unless_configured(problem_html):
    assert "fitBounds" in problem_html and "[39.988, 116.334]" in problem_html
    assert "L.tileLayer" not in problem_html
    html = render_html(problem_map(bounds=EXTENT, road_tiles_url="/r/{z}/{x}/{y}.pbf", problem_tiles_url="/p/{z}/{x}/{y}.pbf",
                                   problem_detail_url="/d/{id}/", static_url=static_url,
                                   tiles_url="https://t0.tianditu.example/vec_w/{z}/{x}/{y}", tiles_attribution="天地图"))
    assert "L.tileLayer" in html and "tianditu.example" in html


def test_network_map_from_tiles_carries_no_geometry():
    html = render_html(network_tiles_map(bounds=EXTENT, road_tiles_url="/tiles/roads/{z}/{x}/{y}.pbf",
                                         static_url=static_url))
    assert '"svg": true' in html and "PatrolMaps.roadLayer" in html
    assert "FeatureCollection" not in html and "coordinates" not in html
    assert len(html) < 20_000


def test_heat_map_uses_the_vendored_leaflet_heat_and_a_chinese_legend():
    html = render_html(heat_map(points=[HeatPoint(40.0, 116.35, 2), HeatPoint(40.001, 116.352)], title="问题热力",
                                static_url=static_url))
    assert "/static/maps/vendor/leaflet-heat/leaflet-heat.js" in scripts(html)
    assert not URL_RE.search(html)
    assert "L.heatLayer" in html and "[40.0, 116.35, 2" in html
    assert shows(html, "问题热力") and shows(html, "很多") and shows(html, "共 2 个点")


def test_heat_map_refuses_swapped_coordinates_and_negative_weights():
    with pytest.raises(ValueError):
        heat_map(points=[HeatPoint(116.35, 40.0)], static_url=static_url)
    with pytest.raises(ValueError):
        heat_map(points=[HeatPoint(40.0, 116.35, -1)], static_url=static_url)


def _square(i):
    x = 116.33 + 0.01 * i
    return {"type": "Feature", "id": i, "properties": {"name": f"网格 {i}"},
            "geometry": {"type": "Polygon", "coordinates": [[[x, 40.0], [x + 0.01, 40.0], [x + 0.01, 40.01],
                                                             [x, 40.01], [x, 40.0]]]}}


def test_choropleth_colours_areas_by_quantile_class_with_a_legend():
    areas = {"type": "FeatureCollection", "features": [_square(i) for i in range(6)]}
    values = {0: 1, 1: 2, 2: 3, 3: 10, 4: 40}  # area 5 has no value
    html = render_html(choropleth_map(areas=areas, values=values, label="未办结问题数", static_url=static_url, k=5))
    assert not URL_RE.search(html)
    assert shows(html, "未办结问题数") and shows(html, "无数据") and shows(html, "≤ 1")
    # the darkest colour for the largest value, grey for the missing one
    assert PALETTE[-1] in html and NO_DATA_COLOR in html


def test_class_breaks_put_equal_numbers_in_each_class():
    values = list(range(1, 101))
    breaks = class_breaks(values, k=4)
    assert breaks == [25, 50, 75, 100]
    counts = [sum(1 for v in values if class_of(v, breaks) == i) for i in range(4)]
    assert counts == [25, 25, 25, 25]


# --------------------------------------------------------------------------- the JavaScript


JS = (STATIC_ROOT / assets.PROBLEM_TILES_JS).read_text(encoding="utf-8")


def test_patrol_maps_js_documents_its_api_at_the_top():
    head = JS[:4000]
    for name in ("PatrolMaps.roadLayer(map, options)", "PatrolMaps.problemLayer(map, options)",
                 "PatrolMaps.legend(map, options)", "PatrolMaps.stats"):
        assert name in head


def test_patrol_maps_js_status_labels_are_the_workflows():
    found = dict(re.findall(r'(\w+): \{label: "([^"]+)", color: "#[0-9a-f]{6}"\}', JS))
    assert found == STATUS_LABELS


def test_patrol_maps_js_road_colours_are_the_builders():
    for cls, spec in ROAD_STYLES.items():
        assert re.search(rf'{cls}: \{{color: "{spec["color"]}", weight: {spec["weight"]:g}\}}', JS), cls


def test_patrol_maps_js_requests_only_relative_urls():
    assert not URL_RE.search(JS)


def test_the_new_plugins_are_noted_with_their_versions():
    notes = (STATIC_ROOT.parents[1] / "fixtures" / "LICENSES-vendor.md").read_text(encoding="utf-8")
    assert f"| Leaflet.VectorGrid (`leaflet.vectorgrid`) | {assets.VECTORGRID_VERSION} |" in notes
    assert f"| Leaflet.heat (`leaflet.heat`) | {assets.HEAT_VERSION} |" in notes
    # VectorGrid's bundled build carries its decoders (no separate pbf / vector-tile files to load)
    bundled = (STATIC_ROOT / assets.VECTORGRID_JS).read_text(encoding="utf-8")
    assert "VectorGrid" in bundled and "Protobuf" in bundled


def test_road_labels_are_chinese_for_every_highway_value_the_tables_show():
    from maps.builders import OTHER_ROAD_LABELS, road_label

    assert road_label("construction") == "在建道路"  # the demo's 小月河东畔路 showed "construction"
    assert road_label("secondary_link") == "次干路"
    assert road_label("something_new") == road_label(None) == "其他道路"
    assert not set(OTHER_ROAD_LABELS) & set(ROAD_STYLES)
