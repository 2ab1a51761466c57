"""Mapbox vector tiles built by PostGIS: the road network (with area outlines) and the problems.

Selectors: each tile is one parameterised statement (``ST_TileEnvelope`` → ``ST_AsMVTGeom`` of
the geometry transformed to EPSG:3857 → ``ST_AsMVT``); PostgreSQL hands back the finished
protobuf bytes and Python sends them on. The statements are fixed text: a filter adds a fixed
fragment, and every value travels as a query parameter.

How a tile finds its rows: the tile's WGS84 box (computed in Python, clipped to where the storage
CRS is valid) is transformed once to the storage CRS and widened a little
(:func:`maps.tiling.query_box_margin_m`; for the problems, a rectangle around the densified box),
and ``geom && box`` picks the rows through the GiST index every geometry column has. A problem is
a tile's own when its point is in ``ST_TileEnvelope`` (half-open: see ``_IN_TILE``), and every
count of a tile is of its own problems only. So nothing extra is stored or indexed for the tiles: a
functional index on ``ST_Transform(geom, 3857)`` would only replace this one transform of the
box per tile, while every selected row is transformed for ``ST_AsMVTGeom`` anyway.

Layers (the declared shape of the answers; tests decode tiles against it):

``/tiles/roads/{z}/{x}/{y}.pbf``
    ``roads`` – one line per road segment: ``id`` (segment), ``road`` (road id), ``name``,
    ``highway`` (OSM class); minor classes only from higher zooms (:func:`maps.tiling.road_highways_for_zoom`).
    ``areas`` – area outlines (polygons): ``id``, ``name``, ``kind``, ``generated``; grids and
    communities only from higher zooms (:func:`maps.tiling.area_kinds_for_zoom`).
    ``intersections`` – points, from zoom 14 (:data:`maps.tiling.INTERSECTIONS_ZOOM`): ``id``, ``name``.
``/tiles/problems/{z}/{x}/{y}.pbf``
    ``clusters`` (zoom < 15, or a denser tile) – one point per cluster cell: ``count``, ``open``,
    ``overdue``, ``category`` / ``category_name`` (the most frequent one), ``category_count``.
    ``problems`` (zoom ≥ 15) – one point per problem: ``id``, ``category``, ``category_name``,
    ``status``, ``overdue`` (bool), ``created_at`` (ISO 8601, UTC).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection

from geodata.selectors.areas import area_descendant_ids
from geodata.services.geometry import storage_box_bounds
from patrol.domain.workflow import OPEN_STATES

from .filters import ProblemFilters
from .tiling import (
    CLUSTER_BELOW_ZOOM,
    CLUSTER_CELLS_PER_TILE,
    EXTENT,
    INTERSECTIONS_ZOOM,
    MAX_POINTS_PER_TILE,
    Tile,
    area_kinds_for_zoom,
    cluster_cell_m,
    query_box_margin_m,
    road_highways_for_zoom,
    tile_bounds_wgs84,
)

__all__ = ["TILE_LAYERS", "TileQuery", "roads_tile", "roads_tile_query", "problems_tile", "problems_tile_queries"]

#: The layers and their properties (the declared answer shape of the tile endpoints).
TILE_LAYERS: dict[str, dict[str, tuple[str, ...]]] = {
    "roads": {"roads": ("id", "road", "name", "highway"), "areas": ("id", "name", "kind", "generated"),
              "intersections": ("id", "name")},
    "problems": {"clusters": ("count", "open", "overdue", "category", "category_name", "category_count"),
                 "problems": ("id", "category", "category_name", "status", "overdue", "created_at")},
}

BUFFER = 64  # tile units kept past the edge for lines and outlines, so strokes join across tiles


@dataclass(frozen=True)
class TileQuery:
    """A statement and its parameters (the selectors run it; bench/map.py runs the same one bare)."""

    sql: str
    params: dict


@cache
def _storage_domain() -> tuple[float, float, float, float]:
    from geodata.services.geometry import storage_area_of_use

    return storage_area_of_use() or (-180.0, -90.0, 180.0, 90.0)


def _box_params(tile: Tile) -> dict | None:
    """The tile's WGS84 box clipped to the storage CRS's area of use (+1°, as stored data may
    reach a little past it), or None when the tile lies wholly outside: no row can be there."""
    west, south, east, north = tile_bounds_wgs84(tile.z, tile.x, tile.y)
    d_west, d_south, d_east, d_north = _storage_domain()
    west, south = max(west, d_west - 1.0), max(south, d_south - 1.0)
    east, north = min(east, d_east + 1.0), min(north, d_north + 1.0)
    if west >= east or south >= north:
        return None
    return {"z": tile.z, "x": tile.x, "y": tile.y, "west": west, "south": south, "east": east, "north": north,
            "srid": settings.STORAGE_SRID, "margin": query_box_margin_m(tile.z), "extent": EXTENT}


# ST_TileEnvelope: the tile in 3857; `box`: the tile's rows' candidates in the storage CRS (the roads).
_BOX = ("ST_Expand(ST_Transform(ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326), %(srid)s),"
        " %(margin)s)")
_BOUNDS = f"""bounds AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env, {_BOX} AS box
)"""

# --------------------------------------------------------------------------- roads

_ROADS = f"""SET LOCAL jit = off;
WITH {_BOUNDS}, roads AS (
    SELECT s.id, s.road_id AS road, r.name, s.highway,
           ST_AsMVTGeom(ST_Transform(s.geom, 3857), b.env, %(extent)s, {BUFFER}, true) AS geom
    FROM geodata_roadsegment s JOIN geodata_road r ON r.id = s.road_id, bounds b
    WHERE s.geom && b.box AND s.retired_at IS NULL {{highways}}
), areas AS (
    -- clipped and simplified to the tile's resolution in the storage CRS before the transform:
    -- a district boundary is megabytes, a tile needs a few hundred points of it
    SELECT a.id, a.name, a.kind, a.generated,
           ST_AsMVTGeom(ST_Transform(ST_Simplify(ST_ClipByBox2D(a.geom, b.box::box2d), %(tolerance)s), 3857),
                        b.env, %(extent)s, {BUFFER}, true) AS geom
    FROM geodata_area a, bounds b
    WHERE a.geom && b.box AND a.kind = ANY(%(kinds)s)
), intersections AS (
    SELECT i.id, i.name, ST_AsMVTGeom(ST_Transform(i.geom, 3857), b.env, %(extent)s, 0, true) AS geom
    FROM geodata_intersection i, bounds b
    WHERE %(z)s >= %(intersections_zoom)s AND i.geom && b.box
)
SELECT COALESCE((SELECT ST_AsMVT(roads, 'roads', %(extent)s, 'geom') FROM roads WHERE geom IS NOT NULL), '')
    || COALESCE((SELECT ST_AsMVT(areas, 'areas', %(extent)s, 'geom') FROM areas WHERE geom IS NOT NULL), '')
    || COALESCE((SELECT ST_AsMVT(intersections, 'intersections', %(extent)s, 'geom') FROM intersections
                 WHERE geom IS NOT NULL), '')"""


def roads_tile_query(tile: Tile) -> TileQuery | None:
    params = _box_params(tile)
    if params is None:
        return None
    highways = road_highways_for_zoom(tile.z)
    sql = _ROADS.replace("{highways}", "" if highways is None else "AND s.highway = ANY(%(highways)s)")
    if highways is not None:
        params["highways"] = list(highways)
    params["kinds"] = list(area_kinds_for_zoom(tile.z))
    params["intersections_zoom"] = INTERSECTIONS_ZOOM
    # half a tile unit, in ground metres: what ST_AsMVTGeom would round away anyway
    params["tolerance"] = cluster_cell_m(tile.z) * CLUSTER_CELLS_PER_TILE / EXTENT / 2
    return TileQuery(sql=sql, params=params)


def roads_tile(tile: Tile) -> bytes:
    """The road network tile (layers ``roads`` and ``areas``); empty bytes when nothing is there."""
    return _run(roads_tile_query(tile))


# --------------------------------------------------------------------------- problems

# The user's jurisdiction, as patrol.selectors.layers uses it: a problem is seen by whoever's
# jurisdiction holds its subdistrict. The filters mean what /api/v1/problems/layer's do.
_JURISDICTION = "p.subdistrict_id = ANY(%(jurisdiction)s)"
_FILTERS = {
    "category": "p.category_id IN (SELECT c.id FROM patrol_category c WHERE c.code = ANY(%(category)s))",
    "status": "p.status = ANY(%(status)s)",
    "area": "(p.subdistrict_id = ANY(%(area)s) OR p.community_id = ANY(%(area)s) OR p.grid_id = ANY(%(area)s))",
    "since": "p.created_at >= %(since)s",
    "until": "p.created_at < %(until)s",
    "source": "p.source = ANY(%(source)s)",
    "q": "(p.location_text ILIKE %(q)s OR p.description ILIKE %(q)s)",
}
_OVERDUE = "(p.status = ANY(%(open_states)s) AND p.deadline < now())"

# Which problems are a tile's own: those whose point, in EPSG:3857, is in ST_TileEnvelope, half-open
# as tile units are (x from the west edge included, y from the north edge included), so a problem
# on the edge between two tiles is in one of them only, and in the same one whether either tile
# draws clusters or single problems. Two neighbours compute their shared edge by the same
# arithmetic (ST_TileEnvelope), so the tests are exact complements. The rows come from `outer`
# (through the GiST index); those inside `inner` are the tile's without a transform, and only the
# few in the band between the two rectangles (a tile's edges are tilted and curved in the storage
# CRS) are transformed and tested exactly. `outer` and `inner` come from
# geodata.services.geometry.storage_box_bounds. They are written out where rows are selected (not
# read from a CTE): constants the planner estimates from the table's statistics, so a tile of
# 400,000 problems is aggregated by hashing rather than by a sort that spills to disk (planned for
# a CTE's unknown 100 rows).
_OUTER = "ST_MakeEnvelope(%(outer_xmin)s, %(outer_ymin)s, %(outer_xmax)s, %(outer_ymax)s, %(srid)s)"
_ENV = "ST_TileEnvelope(%(z)s, %(x)s, %(y)s)"
_INNER = "ST_MakeEnvelope(%(inner_xmin)s, %(inner_ymin)s, %(inner_xmax)s, %(inner_ymax)s, %(srid)s)"
# `&&` compares float4 boxes rounded outwards (~0.5 m at a northing of 4,400 km): `inner` is
# shrunk by more than that (storage_box_bounds), so a point it takes is in the tile.
# An OR is evaluated left to right: the transform only for the rows `inner` does not take.
_IN_TILE = f"""(%(has_inner)s AND p.geom && {_INNER})
     OR (ST_X(ST_Transform(p.geom, 3857)) >= ST_XMin({_ENV}) AND ST_X(ST_Transform(p.geom, 3857)) < ST_XMax({_ENV})
         AND ST_Y(ST_Transform(p.geom, 3857)) > ST_YMin({_ENV}) AND ST_Y(ST_Transform(p.geom, 3857)) <= ST_YMax({_ENV}))"""
_OWN = f"p.geom && {_OUTER} AND ({_IN_TILE})"
# ST_Transform's cost (PostGIS declares it high) in _IN_TILE makes the planner hand a tile's scan to
# parallel workers; a tile is a small job among many served at once, and the workers only add
# their start-up cost (the tiles were planned without them before the exact test). No JIT either.
# No plain index scan: it fetches the heap row by row in the index's order, and problems are stored
# in the order they were reported, not by place, so a zoom-14 tile of 310,000 of 1,000,000 problems
# read 315,000 pages at random (1.3 s). A bitmap scan reads each page once, in order (0.35 s).
_SETTINGS = "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL enable_indexscan = off;"
_ENVELOPE = f"bounds AS (SELECT {_ENV} AS env)"

_PROBLEMS = f"""{_SETTINGS}
WITH {_ENVELOPE}, pts AS (
    SELECT p.id, c.code AS category, c.name AS category_name, p.status,
           COALESCE({_OVERDUE}, false) AS overdue,
           to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
           ST_AsMVTGeom(ST_Transform(p.geom, 3857), b.env, %(extent)s, 0, false) AS geom
    FROM patrol_problem p JOIN patrol_category c ON c.id = p.category_id, bounds b
    WHERE {_OWN} AND {{where}}
)
SELECT COALESCE(ST_AsMVT(pts, 'problems', %(extent)s, 'geom'), '') FROM pts"""

# Cells of one global grid in the storage CRS (no transform per problem: only each cell's centroid
# is transformed), each holding the tile's own problems only: a cell across a tile's edge is a
# cluster in each of the two tiles, counting each tile's problems, so the clusters of all tiles
# together count every problem exactly once, in its own tile, whether a neighbour draws clusters
# or single problems (the counts were once per cell, by the tile holding the cell's centre).
# enable_sort off: the planner cannot know how few distinct cells floor() makes (it guesses one group
# per row) and would sort hundreds of thousands of rows to disk; the groups are a few thousand at most
# (cells × categories), which hashing holds in memory.
_CLUSTERS = f"""{_SETTINGS} SET LOCAL enable_sort = off;
WITH {_ENVELOPE}, by_category AS (
    SELECT floor(ST_X(p.geom) / %(cell)s) AS cx, floor(ST_Y(p.geom) / %(cell)s) AS cy, p.category_id,
           count(*) AS n, sum(ST_X(p.geom)) AS sx, sum(ST_Y(p.geom)) AS sy,
           count(*) FILTER (WHERE p.status = ANY(%(open_states)s)) AS n_open,
           count(*) FILTER (WHERE {_OVERDUE}) AS n_overdue
    FROM patrol_problem p
    WHERE {_OWN} AND {{where}}
    GROUP BY 1, 2, 3
), cells AS (
    SELECT cx, cy, sum(n)::int AS count, sum(n_open)::int AS open, sum(n_overdue)::int AS overdue,
           sum(sx) / sum(n) AS mx, sum(sy) / sum(n) AS my,
           -- the most frequent category (the smallest id among equals), as one max() so that both
           -- groupings can hash: an aggregate with ORDER BY would force a sort of every problem
           1048575 - max(n * 1048576 + (1048575 - category_id)) %% 1048576 AS top_category,
           max(n)::int AS category_count
    FROM by_category GROUP BY cx, cy
)
SELECT COALESCE(ST_AsMVT(t, 'clusters', %(extent)s, 'geom'), '') FROM (
    SELECT k.count, k.open, k.overdue, c.code AS category, c.name AS category_name, k.category_count,
           ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(k.mx, k.my), %(srid)s), 3857), b.env, %(extent)s,
                        0, false) AS geom
    FROM cells k JOIN patrol_category c ON c.id = k.top_category, bounds b
) AS t"""

# At zoom ≥ CLUSTER_BELOW_ZOOM: has the tile more problems of its own than it should draw one by one?
_PROBE = f"""{_SETTINGS}
SELECT count(*) FROM (SELECT 1 FROM patrol_problem p WHERE {_OWN} AND {{where}}
                      LIMIT %(cap)s + 1) AS probe"""


def _contains(text: str) -> str:
    """An ILIKE pattern for `text` anywhere (its own % and _ taken literally), as Django's icontains."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _problem_params(tile: Tile, jurisdiction: list[int], filters: ProblemFilters,
                    area_ids: list[int] | None) -> tuple[str, dict] | None:
    params = _box_params(tile)
    if params is None:
        return None
    params.update(jurisdiction=list(jurisdiction), open_states=sorted(OPEN_STATES), cell=cluster_cell_m(tile.z),
                  cap=MAX_POINTS_PER_TILE)
    outer, inner = storage_box_bounds(params["west"], params["south"], params["east"], params["north"])
    params.update(zip(("outer_xmin", "outer_ymin", "outer_xmax", "outer_ymax"), outer, strict=True))
    params.update(zip(("inner_xmin", "inner_ymin", "inner_xmax", "inner_ymax"), inner, strict=True))
    # a tile a few metres across (zoom 22) may be too small for an inner box: every row is tested
    params["has_inner"] = inner[0] < inner[2] and inner[1] < inner[3]
    clauses = [_JURISDICTION]
    given = {"category": list(filters.category) or None, "status": list(filters.status) or None,
             "area": area_ids, "since": filters.since, "until": filters.until,
             "source": list(filters.source) or None, "q": _contains(filters.q) if filters.q else None}
    for name, value in given.items():
        if value is not None:
            clauses.append(_FILTERS[name])
            params[name] = value
    if filters.overdue:
        clauses.append(_OVERDUE)
    return " AND ".join(clauses), params


def problems_tile_queries(tile: Tile, *, jurisdiction: list[int], filters: ProblemFilters,
                          area_ids: list[int] | None = None) -> dict[str, TileQuery] | None:
    """The statements of a problems tile: ``clusters``, and at zoom ≥ CLUSTER_BELOW_ZOOM also
    ``probe`` (count up to the cap) and ``problems``. None when the tile is outside the storage CRS."""
    built = _problem_params(tile, jurisdiction, filters, area_ids)
    if built is None:
        return None
    where, params = built
    queries = {"clusters": TileQuery(_CLUSTERS.replace("{where}", where), params)}
    if tile.z >= CLUSTER_BELOW_ZOOM:
        queries["probe"] = TileQuery(_PROBE.replace("{where}", where), params)
        queries["problems"] = TileQuery(_PROBLEMS.replace("{where}", where), params)
    return queries


def problems_tile(tile: Tile, *, jurisdiction: list[int], filters: ProblemFilters) -> bytes:
    """The problems tile for a user's jurisdiction (area ids from org.selectors), filtered.

    Clusters below zoom CLUSTER_BELOW_ZOOM, and above it for a tile holding more than
    MAX_POINTS_PER_TILE problems; one point per problem otherwise.
    """
    area_ids = area_descendant_ids(filters.area) if filters.area is not None else None
    queries = problems_tile_queries(tile, jurisdiction=jurisdiction, filters=filters, area_ids=area_ids)
    if queries is None:
        return b""
    if "probe" in queries:
        (count,) = _fetch(queries["probe"])
        if count <= MAX_POINTS_PER_TILE:
            return _run(queries["problems"])
    return _run(queries["clusters"])


# --------------------------------------------------------------------------- running


def _fetch(query: TileQuery):
    with connection.cursor() as cursor:
        cursor.execute(query.sql, query.params)
        return cursor.fetchone()


def _run(query: TileQuery | None) -> bytes:
    if query is None:
        return b""
    (body,) = _fetch(query)
    return bytes(body) if body is not None else b""
