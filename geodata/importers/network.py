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

Nodes at one position (JOSM's "Duplicated nodes", a common error in OSM) would give
zero-length lines, which no database accepts: a way whose nodes all lie at one position is
left out, and a zero-length piece between two junctions is joined to the piece after it
(or, at the way's end, to the one before), each with a warning in `Network.warnings`.

Road keys are `osm:{smallest way id}` for a network built from nothing; an import into a
source that already has roads keeps their keys (`assign_road_keys`), so that a road whose
smallest way is deleted or split in OSM is still the same row.

>>> ways = [
...     OsmWay(1, 0, "甲路", "primary", False, False, (1, 2, 3), ((116.0, 40.0), (116.001, 40.0), (116.002, 40.0))),
...     OsmWay(2, 0, "乙路", "secondary", False, False, (4, 2, 5), ((116.001, 39.999), (116.001, 40.0), (116.001, 40.001))),
... ]
>>> net = build_network(ways)
>>> len(net.roads), len(net.segments), [i.name for i in net.intersections]
(2, 4, ['甲路与乙路交叉口'])
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
from pyproj import Geod, Transformer
from shapely import STRtree
from shapely.geometry import LineString

from ..highways import highway_rank
from ..names import normalize_name
from .osm import OsmWay

GEOD = Geod(ellps="WGS84")
# The longest name an intersection is given (the database column's length).
INTERSECTION_NAME_MAX = 200

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
    warnings: tuple[str, ...] = ()


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


def _distinct(coords) -> tuple[tuple[float, float], ...]:
    """`coords` without a position repeated in a row."""
    out = [coords[0]]
    for c in coords[1:]:
        if c != out[-1]:
            out.append(c)
    return tuple(out)


def build_network(
    ways: list[OsmWay], *, road_gap_m: float = 300.0, merge_m: float = 80.0, near_m: float = 40.0
) -> Network:
    """The roads, segments and intersections of `ways`.

    >>> w = OsmWay(7, 0, "零长路", "residential", False, False, (1, 2), ((116.0, 40.0), (116.0, 40.0)))
    >>> build_network([w]).warnings
    ('路线 零长路（way 7）的节点都在同一位置，长度为零，已跳过',)
    """
    warnings: list[str] = []
    kept = []
    for w in sorted(ways, key=lambda w: (w.id, w.part)):
        if len(set(w.coords)) < 2:
            warnings.append(f"路线 {w.name}（way {w.id}）的节点都在同一位置，长度为零，已跳过")
        else:
            kept.append(w)
    ways = kept
    if not ways:
        return Network((), (), (), tuple(warnings))
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
        joined = False
        for j in range(1, len(w.nodes)):
            if j == len(w.nodes) - 1 or use_count[w.nodes[j]] > 1:
                coords = _distinct(w.coords[start:j + 1])
                if len(coords) < 2:  # junction nodes at one position: a piece of no length
                    joined = True
                    if j < len(w.nodes) - 1:
                        continue  # the next piece begins where this one began
                    # the way's last piece: the one before ends at the way's last node (the
                    # way has some length, so there is one before)
                    segments[-1] = replace(segments[-1], end_node=w.nodes[j])
                    break
                seq = seq_of_way[w.id]
                seq_of_way[w.id] += 1
                segments.append(SegmentSpec(
                    key=f"{w.id}:{seq}", road_key=road_of_way[i], way_id=w.id, start_node=w.nodes[start],
                    end_node=w.nodes[j], coords=coords, length_m=geodesic_length(coords),
                    highway=w.highway, oneway=w.oneway,
                ))
                start = j
        if joined:
            warnings.append(f"路线 {w.name}（way {w.id}）有位置相同的路口节点，零长度的一段已并入相邻路段")

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
    return Network(tuple(roads), tuple(segments), tuple(intersections), tuple(warnings))


def assign_road_keys(network: Network, existing: Mapping[str, Iterable[int]]) -> Network:
    """`network` with its roads keyed as the rows they continue: `existing` maps the keys of
    the roads already imported from the source to their OSM way ids. A road takes the key of
    the existing road it shares the most ways with (each existing key goes to one road at
    most, the largest overlaps first); a road sharing none gets `osm:{smallest way id}`, or,
    where an existing road holds that key, the key with a number added.

    >>> ways = [OsmWay(1, 0, "甲路", "primary", False, False, (1, 2), ((116.0, 40.0), (116.001, 40.0))),
    ...         OsmWay(3, 0, "甲路", "primary", False, False, (2, 3), ((116.001, 40.0), (116.002, 40.0)))]
    >>> net = build_network(ways[1:])  # way 1 was deleted in OSM
    >>> [r.key for r in net.roads], [r.key for r in assign_road_keys(net, {"osm:1": [1, 3]}).roads]
    (['osm:3'], ['osm:1'])
    >>> [s.road_key for s in assign_road_keys(net, {"osm:1": [1, 3]}).segments]
    ['osm:1']
    """
    owner: dict[int, str] = {}
    for key, way_ids in existing.items():
        for w in way_ids:
            owner[w] = key
    pairs = []
    for n, r in enumerate(network.roads):
        for key, shared in Counter(owner[w] for w in r.way_ids if w in owner).items():
            pairs.append((-shared, n, key))
    new_keys: dict[int, str] = {}
    taken: set[str] = set()
    for _, n, key in sorted(pairs):
        if n not in new_keys and key not in taken:
            new_keys[n] = key
            taken.add(key)
    reserved = set(existing) | taken
    for n, r in enumerate(network.roads):
        if n in new_keys:
            continue
        key, k = r.key, 1
        while key in reserved:
            k += 1
            key = f"{r.key}-{k}"
        new_keys[n] = key
        reserved.add(key)
    rekey = {r.key: new_keys[n] for n, r in enumerate(network.roads)}
    if all(old == new for old, new in rekey.items()):
        return network
    return replace(
        network,
        roads=tuple(replace(r, key=rekey[r.key]) for r in network.roads),
        segments=tuple(replace(s, road_key=rekey[s.road_key]) for s in network.segments),
        intersections=tuple(replace(i, road_keys=tuple(rekey[k] for k in i.road_keys))
                            for i in network.intersections),
    )


def intersection_name(names: list[str], roundabout: bool, limit: int = INTERSECTION_NAME_MAX) -> str:
    """"A、B与C交叉口", or, where that is longer than `limit`, as many names as fit and the
    number of roads ("A、B等5条道路交叉口").

    >>> intersection_name(["学院路", "清华东路"], False)
    '学院路与清华东路交叉口'
    >>> intersection_name(["甲" * 9, "乙" * 9, "丙" * 9], True, limit=30)
    '甲甲甲甲甲甲甲甲甲、乙乙乙乙乙乙乙乙乙等3条道路环岛'
    """
    suffix = "环岛" if roundabout else "交叉口"
    name = (names[0] if len(names) == 1 else "、".join(names[:-1]) + "与" + names[-1]) + suffix
    if len(name) <= limit:
        return name
    tail = f"等{len(names)}条道路{suffix}"
    for k in range(len(names) - 1, 0, -1):
        if len(name := "、".join(names[:k]) + tail) <= limit:
            return name
    return names[0][:limit - len(tail)] + tail


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
        out.append(IntersectionSpec(
            key=f"n{nodes[0]}", name=intersection_name(names, roundabout), point=(lon, lat), road_keys=tuple(ordered), road_names=tuple(names),
            node_ids=nodes, roundabout=roundabout,
        ))
    return sorted(out, key=lambda i: i.key)
