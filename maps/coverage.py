"""The coverage map for supervisors (pure: GeoJSON in, ``folium.Map`` out; no Django).

Two ways to colour the planned segments, as two base layers (a radio in the layer control):
按覆盖比例 (covered share of the chosen shifts: red nothing, orange some, yellow most, green
covered) and 按未巡时长 (time since the last patrol that covered the segment: green within a
shift, yellow a day, orange three days, red longer or never). Over them the gaps (未覆盖段:
the parts of planned segments nobody covered, dashed dark red) and each member's track
(轨迹, one overlay per track, off-switchable). A Chinese legend in a corner. Every asset is
the vendored Leaflet (maps.assets), as in maps.builders; no tiles unless ``tiles_url``.

>>> empty = {"type": "FeatureCollection", "features": []}
>>> seg = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
...     "segment": 1, "road": "学院路", "highway": "primary", "length_m": 100.0, "covered_m": 40.0,
...     "share": 0.4, "hours_since": None, "open_problems": 0},
...     "geometry": {"type": "LineString", "coordinates": [[116.35, 40.0], [116.35, 40.001]]}}]}
>>> html = render_html(coverage_map(segments=seg, gaps=empty, tracks=empty, static_url=lambda p: "/static/" + p))
>>> "/static/maps/vendor/leaflet/leaflet.js" in html, "cdn." in html, "按未巡时长" in html
(True, False, True)
>>> share_style(0.4)["className"], age_style(None)["className"]
('cov cov-share cov-some', 'cov cov-age cov-never')
"""
from __future__ import annotations

import html as html_lib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import folium

from maps.assets import folium_assets
from maps.builders import BACKGROUND_COLOR, geojson_bounds, render_html
from maps.elements import TextTooltip

__all__ = ["SHARE_CLASSES", "AGE_CLASSES", "LAYER_SHARE", "LAYER_AGE", "LAYER_GAPS", "share_style", "age_style",
           "coverage_map", "render_html"]

LAYER_SHARE = "按覆盖比例"
LAYER_AGE = "按未巡时长"
LAYER_GAPS = "未覆盖段"
TRACK_PREFIX = "轨迹"
TRACK_PANE, GAP_PANE = "cov-tracks", "cov-gaps"

#: (upper bound of the share, css token, colour, legend text); the last one is "covered".
SHARE_CLASSES: Sequence[tuple[float, str, str, str]] = (
    (0.0, "none", "#c62828", "未覆盖"),
    (0.5, "some", "#ef6c00", "覆盖不足一半"),
    (0.8, "most", "#f9a825", "覆盖过半（未达 80%）"),
    (float("inf"), "covered", "#2e7d32", "已覆盖（≥ 80%）"),
)
#: (upper bound in hours since the last covering patrol, css token, colour, legend text).
AGE_CLASSES: Sequence[tuple[float, str, str, str]] = (
    (8.0, "shift", "#2e7d32", "8 小时内巡过"),
    (24.0, "day", "#9e9d24", "1 天内"),
    (72.0, "days", "#ef6c00", "3 天内"),
    (float("inf"), "old", "#c62828", "超过 3 天"),
)
NEVER = ("never", "#6a1b9a", "从未巡到")
GAP_COLOR = "#8b0000"
TRACK_COLORS = ("#1565c0", "#00838f", "#6a1b9a", "#ad1457", "#4e342e", "#283593")


def _path(color: str, cls: str, weight: float = 5) -> dict[str, Any]:
    return {"color": color, "weight": weight, "opacity": 0.9, "lineCap": "round", "className": cls}


def share_style(share: Any) -> dict[str, Any]:
    """Leaflet path options for a segment of this covered share (0–1)."""
    try:
        value = float(share)
    except (TypeError, ValueError):
        value = 0.0
    for bound, token, color, _ in SHARE_CLASSES:
        if (value <= bound) if bound == 0.0 else (value < bound):
            return _path(color, f"cov cov-share cov-{token}")
    raise AssertionError("unreachable")  # the last bound is infinite


def age_style(hours: Any) -> dict[str, Any]:
    """Leaflet path options for a segment last covered `hours` ago (None: never)."""
    if hours is None:
        return _path(NEVER[1], f"cov cov-age cov-{NEVER[0]}")
    for bound, token, color, _ in AGE_CLASSES:
        if float(hours) < bound:
            return _path(color, f"cov cov-age cov-{token}")
    raise AssertionError("unreachable")


def _features(fc: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not fc:
        return []
    if fc.get("type") != "FeatureCollection":
        raise ValueError(f"expected a GeoJSON FeatureCollection, got type={fc.get('type')!r}")
    return [f for f in fc.get("features") or [] if f and f.get("geometry")]


def _pct(value: Any) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return "—"


def _since(hours: Any) -> str:
    if hours is None:
        return "从未巡到"
    hours = float(hours)
    return f"{hours:.0f} 小时前" if hours < 48 else f"{hours / 24:.1f} 天前"


def _segment_features(fc) -> list[dict[str, Any]]:
    out = []
    for f in _features(fc):
        p = f.get("properties") or {}
        out.append({"type": "Feature", "geometry": f["geometry"], "properties": {
            "road": str(p.get("road") or "（无名道路）"), "share": p.get("share"), "hours_since": p.get("hours_since"),
            "share_text": _pct(p.get("share")), "since_text": _since(p.get("hours_since")),
            "length_text": f"{float(p.get('length_m') or 0):.0f} 米",
            "problems_text": str(int(p.get("open_problems") or 0))}})
    return out


def _legend(track_names: list[str]) -> str:
    """One row per colouring (and one for the rest), items side by side: low on the map."""
    def items(classes):
        return "".join(f'<span><i style="background:{c}"></i>{html_lib.escape(t)}</span>' for _, _, c, t in classes)

    rest = f'<span><i class="dash" style="border-color:{GAP_COLOR}"></i>{LAYER_GAPS}（无人走过的部分）</span>'
    if track_names:
        rest += f'<span><i style="background:{TRACK_COLORS[0]}"></i>队员轨迹</span>'
    return (
        '<div class="cov-legend" role="note" aria-label="图例">'
        f"<div><b>{LAYER_SHARE}</b>{items(SHARE_CLASSES)}</div>"
        f'<div><b>{LAYER_AGE}</b>{items(AGE_CLASSES)}<span><i style="background:{NEVER[1]}"></i>{NEVER[2]}</span></div>'
        f"<div><b>其他</b>{rest}</div>"
        "</div>")


_CSS = (
    "<style>"
    f".folium-map.leaflet-container {{ background: {BACKGROUND_COLOR}; }}"
    ".cov-legend { position: absolute; z-index: 1000; right: 10px; bottom: 22px; max-width: 62%;"
    " background: rgba(255,255,255,.94); padding: 3px 8px; border: 1px solid #999; border-radius: 4px;"
    " font: 12px/1.45 'WenQuanYi Micro Hei', sans-serif; }"
    ".cov-legend b { margin-right: 6px; }"
    ".cov-legend span { display: inline-block; margin-right: 8px; white-space: nowrap; }"
    ".cov-legend i { display: inline-block; width: 16px; height: 6px; margin-right: 3px; vertical-align: middle; }"
    ".cov-legend i.dash { height: 0; border-top: 3px dashed; }"
    ".leaflet-control-layers label { font-size: 14px; min-height: 28px; }"
    "</style>"
)


def coverage_map(*, segments: Mapping[str, Any] | None, gaps: Mapping[str, Any] | None,
                 tracks: Mapping[str, Any] | None, static_url: Callable[[str], str], tiles_url: str | None = None,
                 tiles_attribution: str | None = None, height: str = "100%") -> folium.Map:
    """The coverage map of planned ``segments`` (properties ``road``, ``share``, ``hours_since``,
    ``length_m``, ``open_problems``), their ``gaps`` and the members' ``tracks`` (``label``),
    all WGS84 FeatureCollections. Segment paths carry CSS classes ``cov cov-share cov-<class>``
    or ``cov cov-age cov-<class>``, gaps ``cov-gap``, tracks ``track``."""
    seg_feats = _segment_features(segments)
    gap_feats = _features(gaps)
    track_feats = _features(tracks)
    bounds = geojson_bounds(seg_feats) or geojson_bounds(track_feats)
    location = ([(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2] if bounds
                else [39.9994, 116.3464])
    m = folium.Map(location=location, zoom_start=15, tiles=None, control_scale=True, height=height,
                   prefer_canvas=False)
    m.default_js, m.default_css = folium_assets(static_url)
    m.get_root().header.add_child(folium.Element(_CSS), name="coverage_style")
    if tiles_url:
        folium.TileLayer(tiles=tiles_url, attr=tiles_attribution or "tiles", name="底图", overlay=False,
                         control=False, max_zoom=19).add_to(m)

    # panes: tracks under the segments (whose colours must stay readable), gaps over them
    # whichever colouring is switched on last
    folium.map.CustomPane(TRACK_PANE, z_index=390).add_to(m)
    folium.map.CustomPane(GAP_PANE, z_index=450).add_to(m)
    names = []
    for i, f in enumerate(track_feats):
        label = str((f.get("properties") or {}).get("label") or f"#{i + 1}")
        names.append(label)
        color = TRACK_COLORS[i % len(TRACK_COLORS)]
        # Leaflet's layer control writes a layer's name with innerHTML, and a track is named
        # after its officer (typed by an administrator): the name goes in as text.
        group = folium.FeatureGroup(name=html_lib.escape(f"{TRACK_PREFIX} {label}"), overlay=True, control=True,
                                    show=True)
        folium.GeoJson({"type": "FeatureCollection", "features": [f]},
                       style_function=lambda _f, c=color: {"color": c, "weight": 1.5, "opacity": 0.45,
                                                           "className": "track"}, pane=TRACK_PANE).add_to(group)
        group.add_to(m)

    tooltip_fields = (["road", "share_text", "since_text", "length_text", "problems_text"],
                      ["道路", "本次覆盖", "上次巡到", "长度", "附近未结问题"])
    fc = {"type": "FeatureCollection", "features": seg_feats}
    for name, style, show in ((LAYER_SHARE, lambda f: share_style(f["properties"].get("share")), True),
                              (LAYER_AGE, lambda f: age_style(f["properties"].get("hours_since")), False)):
        group = folium.FeatureGroup(name=name, overlay=False, control=True, show=show)
        folium.GeoJson(fc, style_function=style, highlight_function=lambda f: {"weight": 9},
                       tooltip=TextTooltip(fields=tooltip_fields[0], aliases=tooltip_fields[1], sticky=True)
                       if seg_feats else None).add_to(group)
        group.add_to(m)

    gap_group = folium.FeatureGroup(name=LAYER_GAPS, overlay=True, control=True)
    folium.GeoJson({"type": "FeatureCollection", "features": gap_feats},
                   style_function=lambda f: {"color": GAP_COLOR, "weight": 3, "opacity": 1, "dashArray": "6 5",
                                             "className": "cov-gap"},
                   tooltip=TextTooltip(fields=["road", "length_m"], aliases=["未覆盖", "长度（米）"])
                   if gap_feats else None, pane=GAP_PANE).add_to(gap_group)
    gap_group.add_to(m)

    folium.LayerControl(collapsed=False).add_to(m)
    m.get_root().html.add_child(folium.Element(_legend(names)), name="coverage_legend")
    if bounds is not None:
        m.fit_bounds(bounds, padding=(20, 20))
    return m
