"""The problem map: the project's road network and the problems, both from its vector tiles.

A builder like every one here: plain data (URLs, a filter query string, the extent) in, a folium
map out; it never queries the database. The page carries no problem at all: the browser asks the
tile server for what the view shows, clusters below zoom 15 and single problems above (see
:mod:`maps.tiles`), so a district of 1,000,000 problems opens as fast as one of 1,000.

Colour by status, the category's first character on each marker, a dark ring when overdue,
cluster circles with counts, a popup that loads ``/api/v1/problems/{id}/`` (location text,
category, status, deadline, photo thumbnails), a Chinese legend and a layer control — all drawn
by ``maps/static/maps/problem-tiles.js`` (``PatrolMaps``), which hand-written pages use too.

>>> m = problem_map(bounds=(116.33, 39.98, 116.37, 40.02), road_tiles_url="/tiles/roads/{z}/{x}/{y}.pbf",
...                 problem_tiles_url="/tiles/problems/{z}/{x}/{y}.pbf", query="status=reported",
...                 problem_detail_url="/api/v1/problems/{id}/", static_url=lambda p: "/static/" + p)
>>> html = render_html(m)
>>> "PatrolMaps.problemLayer" in html, '"query": "status=reported"' in html, "cdn" in html.lower()
(True, True, False)
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import folium

from .builders import TILE_LAYER_NAME, render_html
from .elements import TileLayers, local_map

__all__ = ["LAYER_PROBLEMS", "LAYER_NETWORK", "LEGEND_TITLE", "problem_map", "render_html"]

LAYER_PROBLEMS = "问题"
LAYER_NETWORK = "道路与区划"
LEGEND_TITLE = "问题图例"


def problem_map(*, bounds: Sequence[float] | None, road_tiles_url: str, problem_tiles_url: str,
                problem_detail_url: str, static_url: Callable[[str], str], query: str = "",
                tiles_url: str | None = None, tiles_attribution: str | None = None,
                height: str = "100%") -> folium.Map:
    """The problem map, fitted to ``bounds`` = (west, south, east, north) in WGS84.

    ``query`` is the filter query string of the problems tiles (category, status, area, since,
    until, overdue; see :mod:`maps.filters`); ``problem_detail_url`` a URL with ``{id}`` for the popup.
    ``tiles_url`` adds an XYZ base layer (e.g. 天地图); without it nothing is requested off the machine.
    """
    if query.startswith("?"):
        query = query[1:]
    m = local_map(bounds=bounds, static_url=static_url, height=height)
    base = {"url": tiles_url, "attribution": tiles_attribution or urlsplit(tiles_url).netloc or "tiles"} \
        if tiles_url else None
    TileLayers(
        static_url=static_url,
        base=base,
        roads={"tileUrl": road_tiles_url},
        problems={"tileUrl": problem_tiles_url, "query": query, "detailUrl": problem_detail_url},
        legend={"title": LEGEND_TITLE},
        roads_name=LAYER_NETWORK,
        problems_name=LAYER_PROBLEMS,
        base_name=TILE_LAYER_NAME,
    ).add_to(m)
    return m
