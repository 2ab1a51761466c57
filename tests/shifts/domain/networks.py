"""Road networks for the pure coverage tests, built without a database: the demo
district's segments through the pure OSM importers, and a synthetic grid."""
from __future__ import annotations

import functools
from pathlib import Path

from pyproj import Transformer
from shapely import LineString

from geodata.importers.network import build_network
from geodata.importers.osm import read_osm

ROOT = Path(__file__).resolve().parents[3]
DEMO_OSM = ROOT / "fixtures" / "osm" / "beijing_haidian_xueyuanlu.osm"
HELSINKI_PBF = ROOT / "fixtures" / "osm" / "osm_helsinki_fi.osm.pbf"
STORAGE_SRID = 4548  # CGCS2000 / 3-degree Gauss-Kruger CM 117E, the project's default


# Roads no street patrol walks or rides: the expressway (G6 京藏高速 in the demo district)
# runs 10-14 m beside its service roads, so counting it would only add what the service
# roads' patrols paint onto it by their GPS noise.
NOT_PATROLLED = frozenset({"motorway", "motorway_link"})


@functools.cache
def demo_segments(patrolled_only: bool = True) -> dict[int, LineString]:
    """The demo network's segments in EPSG:4548, numbered 1.. in the builder's order
    (85 segments; 83 without the expressway)."""
    net = build_network(read_osm(DEMO_OSM).ways)
    to_storage = Transformer.from_crs("EPSG:4326", f"EPSG:{STORAGE_SRID}", always_xy=True)
    out = {}
    for i, seg in enumerate(net.segments, start=1):
        if patrolled_only and seg.highway in NOT_PATROLLED:
            continue
        lon, lat = zip(*seg.coords, strict=True)
        x, y = to_storage.transform(lon, lat)
        out[i] = LineString(list(zip(x, y, strict=True)))
    return out


def grid_segments(n: int = 71, step: float = 150.0, x0: float = 440_000.0, y0: float = 4_400_000.0) -> dict[int, LineString]:
    """An n × n grid of lines `step` apart cut at every crossing: 2·n·(n-1) segments
    (n = 71: 9,940)."""
    out = {}
    k = 1
    for i in range(n):
        for j in range(n - 1):
            out[k] = LineString([(x0 + j * step, y0 + i * step), (x0 + (j + 1) * step, y0 + i * step)])
            k += 1
            out[k] = LineString([(x0 + i * step, y0 + j * step), (x0 + i * step, y0 + (j + 1) * step)])
            k += 1
    return out


@functools.cache
def helsinki_segments() -> dict[int, LineString]:
    """Helsinki's centre (the bench's real network: 925 segments, many of tens of metres)
    in EPSG:3067 (ETRS-TM35FIN, metres), expressways left out as for the demo."""
    net = build_network(read_osm(HELSINKI_PBF).ways)
    to_metres = Transformer.from_crs("EPSG:4326", "EPSG:3067", always_xy=True)
    out = {}
    for i, seg in enumerate(net.segments, start=1):
        if seg.highway in NOT_PATROLLED:
            continue
        lon, lat = zip(*seg.coords, strict=True)
        x, y = to_metres.transform(lon, lat)
        out[i] = LineString(list(zip(x, y, strict=True)))
    return out
