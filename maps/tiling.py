"""Web-mercator tiles: which tiles exist, what each zoom shows, and how problems cluster.

Pure (no Django). The vector tile selectors (:mod:`maps.tiles`) take their numbers from here,
so a rule ("no footways below zoom 15", "clusters below zoom 15") lives in one place and is
tested without a database.

Tiles are the XYZ scheme Leaflet and PostGIS' ``ST_TileEnvelope`` share: zoom ``z``, column
``x`` from the antimeridian eastwards, row ``y`` from the north downwards, ``0 <= x, y < 2**z``.

>>> tile_bounds_wgs84(14, 13487, 6202)  # 学院路 at zoom 14
(116.345214..., 39.993955..., 116.367187..., 40.010787...)
>>> road_highways_for_zoom(12)
('motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link', 'secondary', 'secondary_link')
>>> cluster_cell_m(14)
468.4...
"""
from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "MAX_ZOOM",
    "EXTENT",
    "CLUSTER_BELOW_ZOOM",
    "CLUSTER_CELLS_PER_TILE",
    "MAX_POINTS_PER_TILE",
    "TileError",
    "Tile",
    "tile_from_path",
    "tile_bounds_wgs84",
    "road_highways_for_zoom",
    "area_kinds_for_zoom",
    "INTERSECTIONS_ZOOM",
    "cluster_cell_m",
    "query_box_margin_m",
]

#: Deepest zoom served: Leaflet's usual maximum (a 256 px tile is ~7 m wide at 40° N).
MAX_ZOOM = 22
#: Tile coordinate space (MVT's default; ST_AsMVT's too).
EXTENT = 4096

#: Below this zoom problems come as clusters. At zoom 15 a 256 px tile at Beijing's latitude
#: is ~940 m of ground, a 16 px marker ~60 m: single problems on one street can be told apart,
#: and a district (10-30 km) fills 10-30 tiles across, so drawing every problem of a district
#: at once (zoom ≤ 14) would be tens of thousands of markers.
CLUSTER_BELOW_ZOOM = 15
#: Cells per tile side for the clusters: 4 → at most one cluster per 64 px square of a 256 px
#: tile, room for a circle with a four-digit count (32 px cells crowded the circles together).
CLUSTER_CELLS_PER_TILE = 4
#: At zoom ≥ CLUSTER_BELOW_ZOOM a tile with more problems than this is still clustered, so that
#: a dense street (or a 1,000,000-problem stress test) never sends thousands of markers.
MAX_POINTS_PER_TILE = 500

#: cos(40° N): ground metres per web-mercator metre at Beijing. Cluster cells are laid out in
#: the (metric) storage CRS, where a fixed size per zoom keeps them one global grid; this factor
#: makes a cell about CLUSTER_CELLS_PER_TILE-th of a tile on screen at Beijing's latitude
#: (elsewhere clusters are a little larger or smaller on screen; counts are unaffected).
REF_COS = math.cos(math.radians(40.0))
_MERCATOR_WORLD_M = 2 * math.pi * 6378137.0


class TileError(ValueError):
    """A tile address outside the pyramid; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int


def tile_from_path(z: int, x: int, y: int) -> Tile:
    """Check a tile address from a URL.

    >>> tile_from_path(0, 0, 0)
    Tile(z=0, x=0, y=0)
    >>> tile_from_path(2, 4, 0)
    Traceback (most recent call last):
    ...
    maps.tiling.TileError: 瓦片坐标超出范围：缩放级别 2 的 x、y 应在 0–3 之间
    """
    if not 0 <= z <= MAX_ZOOM:
        raise TileError(f"瓦片缩放级别超出范围：应在 0–{MAX_ZOOM} 之间")
    top = (1 << z) - 1
    if not (0 <= x <= top and 0 <= y <= top):
        raise TileError(f"瓦片坐标超出范围：缩放级别 {z} 的 x、y 应在 0–{top} 之间")
    return Tile(z, x, y)


def _lon(x: float, z: int) -> float:
    return x / (1 << z) * 360.0 - 180.0


def _lat(y: float, z: int) -> float:
    n = math.pi - 2.0 * math.pi * y / (1 << z)
    return math.degrees(math.atan(math.sinh(n)))


def tile_bounds_wgs84(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of a tile (the inverse web-mercator)."""
    return (_lon(x, z), _lat(y + 1, z), _lon(x + 1, z), _lat(y, z))


#: Road classes (OSM ``highway`` without ``_link``) in the order they appear when zooming in:
#: (first zoom, classes). Footways and paths only from zoom 15, where a tile is a few blocks.
_ROAD_ZOOMS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (0, ("motorway", "trunk")),
    (11, ("primary", "secondary")),
    (13, ("tertiary",)),
    (14, ("residential", "unclassified", "living_street", "service", "pedestrian")),
)
#: From this zoom every segment is drawn, whatever its class.
ALL_ROADS_ZOOM = 15


def road_highways_for_zoom(z: int) -> tuple[str, ...] | None:
    """The OSM ``highway`` values drawn at zoom ``z`` (``*_link`` with their road), or None for all.

    >>> road_highways_for_zoom(8)
    ('motorway', 'motorway_link', 'trunk', 'trunk_link')
    >>> road_highways_for_zoom(15) is None
    True
    """
    if z >= ALL_ROADS_ZOOM:
        return None
    out: list[str] = []
    for first, classes in _ROAD_ZOOMS:
        if z >= first:
            for cls in classes:
                out += [cls, f"{cls}_link"]
    return tuple(out)


#: Intersections (named junctions) are drawn from this zoom: below it they are a dot every few pixels.
INTERSECTIONS_ZOOM = 14

#: Area kinds (geodata.AreaKind values) and the first zoom their outlines are drawn at.
_AREA_ZOOMS: tuple[tuple[str, int], ...] = (("district", 0), ("subdistrict", 10), ("community", 12), ("grid", 14))


def area_kinds_for_zoom(z: int) -> tuple[str, ...]:
    """The area kinds whose outlines are drawn at zoom ``z``.

    >>> area_kinds_for_zoom(9), area_kinds_for_zoom(14)
    (('district',), ('district', 'subdistrict', 'community', 'grid'))
    """
    return tuple(kind for kind, first in _AREA_ZOOMS if z >= first)


def cluster_cell_m(z: int) -> float:
    """Side of a cluster cell at zoom ``z``, in storage-CRS metres (ground metres).

    One global grid per zoom (cells at multiples of this size from the CRS origin), so a cell is
    the same whichever tile asks; a tile clusters only its own problems (those in its envelope),
    so a cell across a tile's edge is one cluster on each side, and the clusters of all tiles
    together count every problem exactly once, in the tile that holds it.

    >>> round(cluster_cell_m(14) * 2, 6) == round(cluster_cell_m(13), 6)
    True
    """
    return _MERCATOR_WORLD_M / (1 << z) / CLUSTER_CELLS_PER_TILE * REF_COS


def query_box_margin_m(z: int) -> float:
    """How far (storage metres) the box that pre-selects a road tile's rows through the GiST index
    reaches past the tile: one cluster cell (more than the strokes' buffer past the edge needs)
    plus 1 % of the tile for the curvature of the tile's edges in the storage CRS. The problem
    tiles take their rows from boxes fitted to the tile instead (maps.tiles).

    >>> query_box_margin_m(14) > cluster_cell_m(14)
    True
    """
    return cluster_cell_m(z) + 0.01 * _MERCATOR_WORLD_M / (1 << z) * REF_COS
