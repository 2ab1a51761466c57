"""maps/coverage.py, the pure builder of the coverage map: its examples, local assets only,
the two colourings as base layers, gaps and tracks as overlays, the colour classes."""
import doctest
import json
import re

import maps.coverage
from maps.coverage import (
    LAYER_AGE,
    LAYER_GAPS,
    LAYER_SHARE,
    age_style,
    coverage_map,
    render_html,
    share_style,
)


def _fc(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def _line(props, lon=116.35):
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "LineString", "coordinates": [[lon, 40.0], [lon, 40.002]]}}


def test_the_module_examples_hold():
    assert doctest.testmod(maps.coverage).failed == 0


def test_shares_and_ages_fall_into_the_legend_classes_at_their_bounds():
    assert [share_style(v)["className"].split()[-1] for v in (0, 0.01, 0.49, 0.5, 0.79, 0.8, 1)] == [
        "cov-none", "cov-some", "cov-some", "cov-most", "cov-most", "cov-covered", "cov-covered"]
    assert [age_style(v)["className"].split()[-1] for v in (None, 0, 7.9, 8, 23.9, 24, 71.9, 72, 500)] == [
        "cov-never", "cov-shift", "cov-shift", "cov-day", "cov-day", "cov-days", "cov-days", "cov-old", "cov-old"]


def test_the_map_loads_only_local_assets_and_names_its_layers_in_chinese():
    segs = _fc(_line({"road": "学院路", "share": 0.9, "hours_since": 3.0, "length_m": 220, "open_problems": 1}),
               _line({"road": "清华东路", "share": 0.0, "hours_since": None, "length_m": 180}, lon=116.36))
    gaps = _fc(_line({"segment": 2, "road": "清华东路", "length_m": 180.0}, lon=116.36))
    tracks = _fc(_line({"label": "2026-10-19 早班 王队员"}, lon=116.351))
    html = render_html(coverage_map(segments=segs, gaps=gaps, tracks=tracks, static_url=lambda p: "/static/" + p))
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/static/maps/vendor/leaflet/") for u in urls)
    for name in (LAYER_SHARE, LAYER_AGE, LAYER_GAPS, "轨迹 2026-10-19 早班 王队员"):  # the layer control's names
        assert json.dumps(name) in html
    assert "cov-covered" in html and "cov-none" in html and "cov-gap" in html and '"track"' in html
    assert "图例" in html and "从未巡到" in html
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()


def _layer_control_names(html):
    """The names in the Leaflet layer control, as the browser decodes them: Leaflet puts each
    one into the page with innerHTML, so these must hold no markup."""
    block = html[html.index("_layers = {"):]
    block = block[:block.index("L.control.layers(")]
    return [json.loads(f'"{key}"') for key in re.findall(r'"((?:[^"\\]|\\.)*)"\s*:\s*\w+,', block)]


def test_a_track_label_is_shown_in_the_layer_control_as_text_not_markup():
    segs = _fc(_line({"road": "学院路", "share": 0.9, "hours_since": 3.0, "length_m": 220}))
    tracks = _fc(_line({"label": '2026-10-19 早班 <img src=x onerror="alert(1)">'}, lon=116.351))
    html = render_html(coverage_map(segments=segs, gaps=_fc(), tracks=tracks, static_url=lambda p: "/static/" + p))
    names = _layer_control_names(html)
    assert LAYER_SHARE in names and LAYER_GAPS in names
    assert "轨迹 2026-10-19 早班 &lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in names
    assert not any("<" in n for n in names), names
