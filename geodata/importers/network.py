"""Building the road network from OSM ways: roads, segments and intersections.

Pure geometry and topology (no Django):
- a **road** is every way of one name that belongs together: ways sharing nodes, and
  pieces within `road_gap_m` of each other (the two carriageways of a dual carriageway
  share no node but are one road to a reader);
- a **segment** is a piece of one way between two junction nodes (nodes that two ways
  share, or that one way passes twice) or the way's ends;
- an **intersection** is where differently named roads meet. Dual carriageways cross at
  several junction nodes (学院路 × 清华东路 at 5), so junction nodes with the same pair
  of names within `merge_m` of each other are merged into one intersection, placed at
  their centroid.

Lengths are geodesic (WGS84 ellipsoid), so they are right whatever the storage CRS.

>>> ways = [
...     OsmWay(1, 0, "甲路", "primary", False, False, (1, 2, 3), ((116.0, 40.0), (116.001, 40.0), (116.002, 40.0))),
...     OsmWay(2, 0, "乙路", "secondary", False, False, (4, 2, 5), ((116.001, 39.999), (116.001, 40.0), (116.001, 40.001))),
... ]
>>> net = build_network(ways)
>>> len(net.roads), len(net.segments), [i.name for i in net.intersections]
(2, 4, ['甲路与乙路交叉口'])
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from pyproj import Geod, Transformer
from shapely import STRtree
from shapely.geometry import LineString

from ..highways import highway_rank
from ..names import normalize_name
from .osm import OsmWay

GEOD = Geod(ellps="WGS84")

@dataclass(frozen=True)
class RoadSpec:
    key: str
    name: str
    name_normalized: str
    highway: str
    way_ids: tuple[int, ...]
    lines: tuple[tuple[tuple[float, float], ...], ...]  # WGS84 (lon, lat)
    length_m: float


@dataclass(frozen=True)
class SegmentSpec:
    key: str
    road_key: str
    way_id: int
    start_node: int
    end_node: int
    coords: tuple[tuple[float, float], ...]
    length_m: float
    highway: str
    oneway: bool


@dataclass(frozen=True)
class IntersectionSpec:
    key: str
    name: str
    point: tuple[float, float]  # (lon, lat)
    road_keys: tuple[str, ...]
    road_names: tuple[str, ...]
    node_ids: tuple[int, ...]
    roundabout: bool


@dataclass(frozen=True)
class Network:
    roads: tuple[RoadSpec, ...]
    segments: tuple[SegmentSpec, ...]
    intersections: tuple[IntersectionSpec, ...]


def geodesic_length(coords) -> float:
    lons, lats = zip(*coords, strict=True)
    return float(GEOD.line_length(lons, lats))


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            out[self.find(i)].append(i)
        return out


def _local_projection(ways: list[OsmWay]) -> Transformer:
    """A transverse Mercator centred on the data: metres, good to ~1e-4 over a city."""
    lons = [c[0] for w in ways for c in w.coords]
    lats = [c[1] for w in ways for c in w.coords]
    lon0, lat0 = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    return Transformer.from_crs(
        "EPSG:4326", f"+proj=tmerc +lon_0={lon0} +lat_0={lat0} +k=1 +x_0=0 +y_0=0 +ellps=WGS84", always_xy=True
    )


def _group_roads(ways: list[OsmWay], projected: list[LineString], road_gap_m: float) -> list[list[int]]:
    """Indices of ways forming each road: same normalised name, connected or near."""
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, w in enumerate(ways):
        by_name[normalize_name(w.name)].append(i)
    uf = _UnionFind(len(ways))
    for idxs in by_name.values():
        node_owner: dict[int, int] = {}
        for i in idxs:
            for n in ways[i].nodes:
                if n in node_owner:
                    uf.union(node_owner[n], i)
                else:
                    node_owner[n] = i
        if len(idxs) > 1:
            tree = STRtree([projected[i] for i in idxs])
            left, right = tree.query([projected[i] for i in idxs], predicate="dwithin", distance=road_gap_m)
            for a, b in zip(left, right, strict=True):
                uf.union(idxs[a], idxs[b])
    return sorted(uf.groups().values(), key=lambda g: min(ways[i].id for i in g))


def build_network(
    ways: list[OsmWay], *, road_gap_m: float = 300.0, merge_m: float = 80.0, near_m: float = 40.0
) -> Network:
    if not ways:
        return Network((), (), ())
    ways = sorted(ways, key=lambda w: (w.id, w.part))
    to_local = _local_projection(ways)
    projected = []
    for w in ways:
        xs, ys = to_local.transform(*zip(*w.coords, strict=True))
        projected.append(LineString(np.column_stack([xs, ys])))

    # Roads.
    road_of_way: dict[int, str] = {}
    roads: list[RoadSpec] = []
    for group in _group_roads(ways, projected, road_gap_m):
        members = [ways[i] for i in group]
        key = f"osm:{min(w.id for w in members)}"
        for i in group:
            road_of_way[i] = key
        best = min(members, key=lambda w: highway_rank(w.highway))
        roads.append(RoadSpec(
            key=key, name=best.name, name_normalized=normalize_name(best.name), highway=best.highway,
            way_ids=tuple(sorted({w.id for w in members})), lines=tuple(w.coords for w in members),
            length_m=sum(geodesic_length(w.coords) for w in members),
        ))
    roads_by_key = {r.key: r for r in roads}

    # Junction nodes: used by two ways, or twice by one (a loop or a lollipop).
    use_count: dict[int, int] = defaultdict(int)
    for w in ways:
        for n in w.nodes:
            use_count[n] += 1
    # Segments: split each way at its interior junction nodes.
    segments: list[SegmentSpec] = []
    seq_of_way: dict[int, int] = defaultdict(int)
    for i, w in enumerate(ways):
        start = 0
        for j in range(1, len(w.nodes)):
            if j == len(w.nodes) - 1 or use_count[w.nodes[j]] > 1:
                coords = w.coords[start:j + 1]
                seq = seq_of_way[w.id]
                seq_of_way[w.id] += 1
                segments.append(SegmentSpec(
                    key=f"{w.id}:{seq}", road_key=road_of_way[i], way_id=w.id, start_node=w.nodes[start],
                    end_node=w.nodes[j], coords=coords, length_m=geodesic_length(coords),
                    highway=w.highway, oneway=w.oneway,
                ))
                start = j

    # Intersections: junction nodes where differently named roads meet, merged.
    node_roads: dict[int, set[str]] = defaultdict(set)
    node_coord: dict[int, tuple[float, float]] = {}
    node_local: dict[int, tuple[float, float]] = {}
    node_roundabout: dict[int, bool] = defaultdict(bool)
    for i, w in enumerate(ways):
        line = projected[i]
        for k, n in enumerate(w.nodes):
            if use_count[n] > 1:
                node_roads[n].add(road_of_way[i])
                node_coord[n] = w.coords[k]
                node_local[n] = line.coords[k]
                node_roundabout[n] |= w.roundabout
    candidates = sorted(
        n for n, keys in node_roads.items() if len({roads_by_key[k].name_normalized for k in keys}) >= 2
    )
    intersections = _merge_junctions(candidates, node_roads, node_coord, node_local, node_roundabout,
                                     roads_by_key, merge_m, near_m)
    return Network(tuple(roads), tuple(segments), tuple(intersections))


def _merge_junctions(candidates, node_roads, node_coord, node_local, node_roundabout, roads_by_key, merge_m,
                     near_m):
    """Merge junction nodes a reader sees as one intersection.

    Two junction nodes merge when they lie within `merge_m` of each other and share two
    roads (the several crossing points of two dual carriageways), or lie within `near_m`
    and share one road (a road that changes its name across the crossing: 学院路 south of
    清华东路 continues north as 学清路; a reader still sees one crossing)."""
    if not candidates:
        return []
    uf = _UnionFind(len(candidates))
    pts = np.array([node_local[n] for n in candidates])
    for a in range(len(candidates)):
        d = np.hypot(pts[:, 0] - pts[a, 0], pts[:, 1] - pts[a, 1])
        for b in np.nonzero(d <= merge_m)[0]:
            if b <= a:
                continue
            ra, rb = node_roads[candidates[a]], node_roads[candidates[b]]
            shared = len(ra & rb)
            if shared >= 2 or (shared == 1 and d[b] <= near_m):
                uf.union(a, int(b))
    out = []
    for members in uf.groups().values():
        nodes = tuple(sorted(candidates[i] for i in members))
        keys = set().union(*(node_roads[n] for n in nodes))
        ordered = sorted(keys, key=lambda k: (highway_rank(roads_by_key[k].highway), roads_by_key[k].name))
        names = []
        for k in ordered:
            if roads_by_key[k].name not in names:
                names.append(roads_by_key[k].name)
        lon = float(np.mean([node_coord[n][0] for n in nodes]))
        lat = float(np.mean([node_coord[n][1] for n in nodes]))
        roundabout = any(node_roundabout[n] for n in nodes)
        joined = names[0] if len(names) == 1 else "、".join(names[:-1]) + "与" + names[-1]
        name = joined + ("环岛" if roundabout else "交叉口")
        out.append(IntersectionSpec(
            key=f"n{nodes[0]}", name=name, point=(lon, lat), road_keys=tuple(ordered), road_names=tuple(names),
            node_ids=nodes, roundabout=roundabout,
        ))
    return sorted(out, key=lambda i: i.key)
