"""The road network as the location language sees it: an in-memory, metric index.

Pure (no Django): built from plain records (ids, names, classes, shapely geometries in
the storage CRS, metres), so the geocoder and the describer run on it without a
database round trip per text. The Django side (`geodata.geocoding`) builds it from the
database and keeps it while the network is unchanged.

A road's geometry is merged into **lines** (one per carriageway, service road or path
run). Each line has a role:
- ``main``: the road itself (its best class, or a line with no better line beside it);
- ``service``: a lower-class driveway running beside a main line (北京's 辅路);
- ``path``: a footway or cycle track beside a main line (a sidewalk, not a reference).

>>> from shapely.geometry import LineString, MultiLineString, Point
>>> net = NetworkIndex(
...     roads=[RoadRecord(1, "甲路", "primary", MultiLineString([[(0, 0), (500, 0)]])),
...            RoadRecord(2, "乙路", "secondary", MultiLineString([[(200, -300), (200, 300)]]))],
...     intersections=[IntersectionRecord(9, "甲路与乙路交叉口", Point(200, 0), (1, 2))],
...     segments=[SegmentRecord(5, 1, LineString([(0, 0), (500, 0)]))])
>>> [r.name for r, how, score in net.match_road("甲路")], net.intersections_between([1], [2])[0].name
(['甲路'], '甲路与乙路交叉口')
"""
from __future__ import annotations

import difflib
import heapq
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point
from shapely.ops import linemerge

from ..highways import highway_rank as rank
from ..names import normalize_name
from .lru import LRU

PATH_CLASSES = frozenset({"footway", "cycleway", "path", "steps", "pedestrian", "bridleway", "track"})
# Half the usual carriageway width by class: how far "X路东侧" lies from a single line.
SIDE_OFFSET_M = {"motorway": 12.0, "trunk": 10.0, "primary": 8.0, "secondary": 6.0, "tertiary": 5.0,
                 "unclassified": 4.0, "residential": 3.5, "living_street": 3.0, "service": 3.0}
BESIDE_M = 60.0
PATH_PENALTY_M = 15.0  # a line this close to a main line of its road runs beside it
JOIN_M = 1.0  # line ends of one road closer than this are joined (a fork, a class change)
MAX_TURN_DEG = 75.0  # a walk goes on into a joined line turning less than this (no U-turns)
MAX_HOPS = 6  # joined lines a walk may pass through
# Entries in each memo of what written names resolve to (`NetworkIndex.road_memo`,
# `NetworkIndex.memo`). A district's texts name a few thousand roads and intersections and
# repeat them, so this keeps the working set; the names are public input (anonymous
# /api/v1/locate), so it also caps what any caller can make a worker hold: each entry is a
# few small tuples of references into the index, a few MB for the memo when full.
NAME_MEMO_SIZE = 4096
# Entries in the memo of the lines that leave an intersection along a road (`NetworkIndex.legs`):
# keyed by the network's own ids, so bounded by the network anyway, but at 62,500
# intersections that bound is tens of MB per worker; the texts of a day name far fewer.
LEGS_MEMO_SIZE = 16384
SIMILAR_CUTOFF = 0.6  # difflib ratio from which a key is "similar" to a written road name

# Names people use for a road other than the mapped one (normalised → normalised).
ALIASES = {"G6": "京藏高速", "京藏高速公路": "京藏高速", "京藏高速辅路": "G6辅路", "G6京藏高速": "京藏高速",
           "八达岭高速": "京藏高速", "八达岭高速辅路": "G6辅路"}
_SECTION = re.compile(r"(?:[东西南北中]段|\([东西南北中]段\))$")


def build_order(rec) -> tuple[str, int]:
    """The order an index takes roads, intersections and landmarks in: by name, then id
    (segments: by id). Answers depend on it where candidates tie, so `NetworkIndex.patched`
    keeps it, and a patched index answers as one built from the same records."""
    return (rec.name, rec.id)


def side_offset(highway: str) -> float:
    return SIDE_OFFSET_M.get(highway, 2.0)


@dataclass(frozen=True, slots=True)
class RoadRecord:
    id: int
    name: str
    highway: str
    geom: MultiLineString  # metric
    line_classes: tuple[str, ...] = ()  # class of each part of geom, when known


@dataclass(frozen=True, slots=True)
class IntersectionRecord:
    id: int
    name: str
    point: Point
    road_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    id: int
    road_id: int
    geom: LineString


@dataclass(frozen=True, slots=True)
class LandmarkRecord:
    id: int
    name: str
    kind: str
    point: Point


@dataclass(frozen=True, slots=True)
class AreaRecord:
    id: int
    name: str
    kind: str
    geom: MultiPolygon


@dataclass(frozen=True, slots=True)
class RoadLine:
    index: int
    road_id: int
    highway: str
    role: str  # main / service / path
    geom: LineString


@dataclass
class Road:
    id: int
    name: str
    name_normalized: str
    highway: str
    lines: list[RoadLine] = field(default_factory=list)
    _by_roles: dict = field(default_factory=dict, repr=False)

    def lines_with_role(self, *roles: str) -> list[RoadLine]:
        return self._lines_and_geoms(roles)[0]

    def _lines_and_geoms(self, roles: tuple[str, ...]):
        found = self._by_roles.get(roles)
        if found is None:
            lines = [ln for ln in self.lines if ln.role in roles] if roles else list(self.lines)
            found = self._by_roles[roles] = (lines, np.array([ln.geom for ln in lines], dtype=object))
        return found

    def lines_near(self, point: Point, within: float, *roles: str) -> list[RoadLine]:
        """This road's lines (of `roles`, or all) within `within` metres of `point`."""
        lines, geoms = self._lines_and_geoms(roles)
        if not lines:
            return []
        d = shapely.distance(geoms, point)
        return [lines[i] for i in np.flatnonzero(d <= within)]


class NetworkIndex:
    def __init__(self, *, roads, intersections=(), segments=(), landmarks=(), areas=(),
                 memo_size: int = NAME_MEMO_SIZE):
        self.memo_size = memo_size
        self.roads: dict[int, Road] = {}
        self.lines: list[RoadLine] = []
        for rec in roads:
            road = Road(rec.id, rec.name, normalize_name(rec.name), rec.highway)
            self.roads[rec.id] = road
            self._add_lines(road, rec)
        self.joins = _join_lines(self.roads.values())
        self._index_lines()
        self._index_road_names()
        self._index_intersections(intersections)
        # Per road: its segments' ids, and their coordinates as one array with the segment of
        # each point. No object per segment (at 124,500 segments, shapely lines held ~45 MB in
        # every process; the coordinates take 4 MB): `segment_at` makes the few it needs.
        self.segment_ids: dict[int, np.ndarray] = {}
        self.segment_coords: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._index_segments(segments)
        self._new_memos()
        self._index_landmarks(landmarks)
        self.areas = list(areas)
        self.area_tree = STRtree([a.geom for a in self.areas]) if self.areas else None
        self.areas_by_name: dict[str, list[AreaRecord]] = defaultdict(list)
        for area in self.areas:
            self.areas_by_name[normalize_name(area.name)].append(area)

    def patched(self, *, roads: dict[int, RoadRecord | None] | None = None, segments=(),
                intersections: dict[int, IntersectionRecord | None] | None = None,
                landmarks: dict[int, LandmarkRecord | None] | None = None) -> NetworkIndex:
        """A new index: this one with some records replaced (id → new record, or None where
        the road, intersection or landmark is gone; a road without segments is gone too),
        `segments` being all the segments of the replaced roads. The same index as one built
        from all the records after the change, provided both come in build order
        (`build_order`; segments by id), as `geodata.geocoding.build_index` gives them.

        Only the replaced roads' lines are merged and joined again; the other roads keep
        theirs (renumbered where lines before them came or went), and the STRtrees, which
        cannot change, are built again from the lines' geometries. Memos start empty.
        This index is left as it was: requests still using it are not disturbed.

        >>> from shapely.geometry import LineString, MultiLineString
        >>> net = NetworkIndex(roads=[RoadRecord(1, "甲路", "primary", MultiLineString([[(0, 0), (500, 0)]]))],
        ...                    segments=[SegmentRecord(5, 1, LineString([(0, 0), (500, 0)]))])
        >>> new = net.patched(roads={1: RoadRecord(1, "乙路", "primary", MultiLineString([[(0, 0), (500, 0)]]))},
        ...                   segments=[SegmentRecord(5, 1, LineString([(0, 0), (500, 0)]))])
        >>> [r.name for r, _, _ in new.match_road("乙路")], net.match_road("乙路")
        (['乙路'], [])
        """
        roads, intersections, landmarks = roads or {}, intersections or {}, landmarks or {}
        new = object.__new__(NetworkIndex)
        new.memo_size = self.memo_size
        # Roads in build order: the unchanged ones as they were, the replaced ones anew.
        entries = [(build_order(road), road, None) for rid, road in self.roads.items() if rid not in roads]
        entries += [(build_order(rec), None, rec) for rec in roads.values() if rec is not None]
        entries.sort(key=lambda e: e[0])
        new.roads, new.lines, new.joins = {}, [], {}
        for _, old, rec in entries:
            if rec is not None:
                road = Road(rec.id, rec.name, normalize_name(rec.name), rec.highway)
                new._add_lines(road, rec)
                new.joins.update(_join_lines([road]))
            elif old.lines[0].index == len(new.lines):  # in the same place: kept as it is
                road = old
                new.lines.extend(old.lines)
                for ln in old.lines:
                    for end in (0, 1):
                        if (found := self.joins.get((ln.index, end))) is not None:
                            new.joins[(ln.index, end)] = found
            else:  # moved: the same lines under new numbers
                road = Road(old.id, old.name, old.name_normalized, old.highway)
                moved = {}
                for ln in old.lines:
                    moved[ln.index] = line = replace(ln, index=len(new.lines))
                    new.lines.append(line)
                    road.lines.append(line)
                for ln in old.lines:
                    for end in (0, 1):
                        if (found := self.joins.get((ln.index, end))) is not None:
                            new.joins[(moved[ln.index].index, end)] = [(moved[o.index], e) for o, e in found]
            new.roads[road.id] = road
        new._index_lines()
        new._index_road_names()

        if intersections:
            kept = {i: rec for i, rec in self.intersections.items() if i not in intersections}
            kept.update((i, rec) for i, rec in intersections.items() if rec is not None)
            new.intersections = dict(sorted(kept.items(), key=lambda item: build_order(item[1])))
            new.intersections_of_road = defaultdict(list, self.intersections_of_road)
            new.intersection_points_of_road = dict(self.intersection_points_of_road)
            touched = {rid for i, rec in intersections.items() for was in (self.intersections.get(i), rec)
                       if was is not None for rid in was.road_ids}
            for rid in touched:
                inters = [inter for inter in self.intersections_of_road.get(rid, ()) if inter.id not in intersections]
                inters += [rec for rec in intersections.values() if rec is not None and rid in rec.road_ids]
                inters.sort(key=build_order)
                if inters:
                    new.intersections_of_road[rid] = inters
                    new.intersection_points_of_road[rid] = np.array([i.point for i in inters], dtype=object)
                else:
                    new.intersections_of_road.pop(rid, None)
                    new.intersection_points_of_road.pop(rid, None)
        else:
            new.intersections = self.intersections
            new.intersections_of_road = self.intersections_of_road
            new.intersection_points_of_road = self.intersection_points_of_road

        new.segment_ids = {rid: ids for rid, ids in self.segment_ids.items() if rid not in roads}
        new.segment_coords = {rid: c for rid, c in self.segment_coords.items() if rid not in roads}
        new._index_segments(sorted(segments, key=lambda seg: seg.id))
        new._new_memos()
        if landmarks:
            kept = [lm for lm in self.landmarks if lm.id not in landmarks]
            kept += [lm for lm in landmarks.values() if lm is not None]
            new._index_landmarks(sorted(kept, key=build_order))
        else:
            new.landmarks, new.landmarks_by_name = self.landmarks, self.landmarks_by_name
            new.landmark_names, new.landmark_tree = self.landmark_names, self.landmark_tree
        new.areas, new.area_tree, new.areas_by_name = self.areas, self.area_tree, self.areas_by_name
        return new

    def roads_of_segments(self, ids) -> set[int]:
        """The roads that the segments with these ids belong to in this index."""
        if not self.segment_ids:
            return set()
        rids = list(self.segment_ids)
        arrays = [self.segment_ids[rid] for rid in rids]
        owners = np.repeat(np.array(rids, dtype=np.int64), [len(a) for a in arrays])
        found = np.isin(np.concatenate(arrays), np.fromiter(ids, dtype=np.int64))
        return {int(rid) for rid in np.unique(owners[found])}

    # -- building ------------------------------------------------------------------
    def _index_lines(self) -> None:
        self.line_tree = STRtree([ln.geom for ln in self.lines])
        self.reference_lines = [ln for ln in self.lines if ln.role != "path"]
        self.reference_tree = STRtree([ln.geom for ln in self.reference_lines])

    def _index_road_names(self) -> None:
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for road in self.roads.values():
            self.by_name[road.name_normalized].append(road.id)
        self.similar_names = SimilarNames(self.by_name, SIMILAR_CUTOFF)

    def _index_intersections(self, intersections) -> None:
        self.intersections = {i.id: i for i in intersections}
        self.intersections_of_road: dict[int, list[IntersectionRecord]] = defaultdict(list)
        for inter in self.intersections.values():
            for rid in inter.road_ids:
                self.intersections_of_road[rid].append(inter)
        self.intersection_points_of_road = {rid: np.array([i.point for i in inters], dtype=object)
                                            for rid, inters in self.intersections_of_road.items()}

    def _index_segments(self, segments) -> None:
        ids_of_road: dict[int, list[int]] = defaultdict(list)
        geoms_of_road: dict[int, list[LineString]] = defaultdict(list)
        for seg in segments:
            ids_of_road[seg.road_id].append(seg.id)
            geoms_of_road[seg.road_id].append(seg.geom)
        for rid, ids in ids_of_road.items():
            self.segment_ids[rid] = np.array(ids, dtype=np.int64)
        for rid, geoms in geoms_of_road.items():
            coords, parts = shapely.get_coordinates(np.array(geoms, dtype=object), return_index=True)
            self.segment_coords[rid] = (coords, parts.astype(np.int32))

    def _new_memos(self) -> None:
        # written name → `match_road`'s answer; bounded, the names are public input
        self.road_memo = LRU(self.memo_size)
        # Keyed by ids of the network's own intersections and roads and by roles and a
        # distance from the code, never by text; bounded all the same (LEGS_MEMO_SIZE).
        self._legs = LRU(LEGS_MEMO_SIZE)
        # what the geocoder works out from (written) names alone; bounded like road_memo
        self.memo = LRU(self.memo_size)

    def _index_landmarks(self, landmarks) -> None:
        self.landmarks = list(landmarks)
        self.landmarks_by_name: dict[str, list[LandmarkRecord]] = defaultdict(list)
        for lm in self.landmarks:
            self.landmarks_by_name[normalize_name(lm.name)].append(lm)
        self.landmark_names = ContainedNames(self.landmarks_by_name)
        self.landmark_tree = STRtree([lm.point for lm in self.landmarks]) if self.landmarks else None

    # -- building ------------------------------------------------------------------
    def _add_lines(self, road: Road, rec: RoadRecord) -> None:
        parts = list(rec.geom.geoms)
        classes = list(rec.line_classes) if len(rec.line_classes) == len(parts) else [rec.highway] * len(parts)
        by_class: dict[str, list[LineString]] = defaultdict(list)
        for part, cls in zip(parts, classes, strict=True):
            by_class[cls].append(part)
        merged: list[tuple[str, LineString]] = []
        for cls, lines in by_class.items():
            m = linemerge(MultiLineString(lines)) if len(lines) > 1 else lines[0]
            merged.extend((cls, g) for g in (m.geoms if hasattr(m, "geoms") else [m]))
        best = min(rank(c) for c, _ in merged)
        road.highway = min((c for c, _ in merged), key=rank)
        mains = [g for c, g in merged if rank(c) == best]
        roles = []
        for cls, geom in merged:
            role = "main"
            if rank(cls) != best and _mostly_beside(geom, mains):
                role = "path" if cls in PATH_CLASSES else "service"
            roles.append(role)
        # A driveway (highway=service) beside a road that has a real 辅路 is not its 辅路.
        if any(r == "service" and c != "service" for (c, _), r in zip(merged, roles, strict=True)):
            roles = ["path" if r == "service" and c == "service" else r
                     for (c, _), r in zip(merged, roles, strict=True)]
        for (cls, geom), role in zip(merged, roles, strict=True):
            line = RoadLine(len(self.lines), road.id, cls, role, geom)
            self.lines.append(line)
            road.lines.append(line)

    # -- names -----------------------------------------------------------------------
    def match_road(self, name: str, *, limit: int = 5) -> list[tuple[Road, str, float]]:
        """Roads for a written name, best first: (road, how, score in 0..1).

        Resolved names are remembered by the index (a district has a few thousand road
        names and texts repeat them constantly), the most recently used NAME_MEMO_SIZE."""
        if not name:
            return []
        key = (limit, name)
        found = self.road_memo.get(key)
        if found is None:
            found = self._match_road(name, limit)
            self.road_memo.put(key, found)
        return found

    def _match_road(self, name: str, limit: int) -> list[tuple[Road, str, float]]:
        norm = normalize_name(name)
        tried = [(norm, "exact", 1.0)]
        base = _SECTION.sub("", norm)
        if base != norm:
            tried.append((base, "section", 0.95))
        if norm in ALIASES:
            tried.append((ALIASES[norm], "alias", 0.95))
        for key in (norm, base):
            for suffix in ("辅路", "主路"):
                if key.endswith(suffix) and len(key) > len(suffix) + 1:
                    stripped = key[: -len(suffix)]
                    tried.append((stripped, "service" if suffix == "辅路" else "main", 0.9))
                    if stripped in ALIASES:
                        tried.append((ALIASES[stripped], "alias", 0.85))
        for key, how, score in tried:
            ids = self.by_name.get(key)
            if ids:
                return [(self.roads[i], how, score) for i in ids][:limit]
        scored = []
        for key, ratio in self.similar_names.similar(base):
            scored.extend((self.roads[i], "similar", round(ratio * 0.8, 3)) for i in self.by_name[key])
        scored.sort(key=lambda t: -t[2])
        return scored[:limit]

    def match_landmark(self, name: str) -> list[LandmarkRecord]:
        norm = normalize_name(name)
        found = self.landmarks_by_name.get(norm)
        if found:
            return found
        # names that contain the written one or that it contains (two characters at least)
        return [lm for key in self.landmark_names.overlapping(norm) for lm in self.landmarks_by_name[key]][:5]

    # -- topology --------------------------------------------------------------------
    def intersections_between(self, a_ids, b_ids) -> list[IntersectionRecord]:
        b = set(b_ids)
        out = []
        for rid in a_ids:
            for inter in self.intersections_of_road.get(rid, []):
                if b & set(inter.road_ids) and inter not in out:
                    out.append(inter)
        return out

    def nearest_reference_line(self, point: Point, max_m: float | None = None) -> RoadLine | None:
        """The road line a reader would place the point on: the nearest, except that a
        footway or footbridge yields to a street within PATH_PENALTY_M more."""
        if max_m is not None:
            # the distance to the nearest line, from the lines within max_m (a search the
            # tree bounds by the box; its `nearest` on long lines costs a millisecond)
            hits = self.reference_tree.query(point, predicate="dwithin", distance=max_m)
            if not len(hits):
                return None
            d0 = float(shapely.distance(self.reference_tree.geometries.take(hits), point).min())
        else:
            idx = self.reference_tree.nearest(point)
            if idx is None:
                return None
            d0 = self.reference_lines[int(idx)].geom.distance(point)
        near = self.reference_tree.query(point, predicate="dwithin", distance=d0 + PATH_PENALTY_M)
        return min((self.reference_lines[int(i)] for i in near),
                   key=lambda ln: ln.geom.distance(point) + (PATH_PENALTY_M if ln.highway in PATH_CLASSES else 0.0))

    def legs(self, inter: IntersectionRecord, road: Road, roles: tuple[str, ...], within: float):
        """The lines of `road` (of `roles`) that leave `inter`: (line, measure of the junction
        on it, the junction's foot on it). Fixed by the network, so worked out once."""
        key = (inter.id, road.id, roles, within)
        found = self._legs.get(key)
        if found is None:
            found = []
            for line in road.lines_near(inter.point, within, *roles):
                s0 = line.geom.project(inter.point)
                found.append((line, s0, line.geom.interpolate(s0)))
            self._legs.put(key, found)
        return found

    def walk(self, line: RoadLine, s0: float, sign: float, distance: float, slack: float = 0.0,
             hops: int = MAX_HOPS) -> list[tuple[RoadLine, float]]:
        """Where walking `distance` metres from measure `s0` of `line` (forward for sign
        +1) ends: on the line itself, or past its end on the lines of the same road
        joined there (a single carriageway splitting in two, a change of class), never
        turning back. `slack` metres past a dead end still count as its end."""
        s = s0 + sign * distance
        length = line.geom.length
        if 0.0 <= s <= length:
            return [(line, s)]
        end, rest = (1, s - length) if s > length else (0, -s)
        out: list[tuple[RoadLine, float]] = []
        if hops > 0:
            for nxt, nxt_end in self.joins.get((line.index, end), ()):
                start = 0.0 if nxt_end == 0 else nxt.geom.length
                out += self.walk(nxt, start, 1.0 if nxt_end == 0 else -1.0, rest, slack, hops - 1)
        if not out and rest <= slack:
            out.append((line, length if end == 1 else 0.0))
        return out

    def along(self, line: RoadLine, s: float, max_m: float = 5000.0, hops: int = MAX_HOPS):
        """The other lines of the road reachable from measure `s` of `line` by `walk`
        (through joined ends, never turning back), by the shortest way to each end they
        are entered at: yields (line, c, sign), where reaching measure m of that line
        walks c + sign*m metres, in order of c. A line entered at both ends (a ring) is
        yielded twice."""
        heap: list[tuple[float, int, int, RoadLine, int, int]] = []
        order = 0  # ties in cost are popped in push order (lines do not compare)
        for end, cost in ((1, line.geom.length - s), (0, s)):
            for nxt, nxt_end in self.joins.get((line.index, end), ()):
                heapq.heappush(heap, (cost, order, hops - 1, nxt, nxt_end, 0))
                order += 1
        settled: set[tuple[int, int]] = set()
        while heap:
            cost, _, left, ln, entry, _ = heapq.heappop(heap)
            state = (ln.index, entry)
            if state in settled or ln.index == line.index or cost > max_m:
                continue
            settled.add(state)
            length = ln.geom.length
            yield (ln, cost, 1.0) if entry == 0 else (ln, cost + length, -1.0)
            if left > 0:
                for nxt, nxt_end in self.joins.get((ln.index, 1 - entry), ()):
                    heapq.heappush(heap, (cost + length, order, left - 1, nxt, nxt_end, 0))
                    order += 1

    def reference_lines_near(self, geom, within: float) -> list[RoadLine]:
        """The reference lines within `within` metres of `geom`, in the index's order."""
        hits = self.reference_tree.query(geom, predicate="dwithin", distance=within)
        return [self.reference_lines[int(i)] for i in np.sort(hits)]

    def segment_at(self, road_id: int, point: Point) -> tuple[SegmentRecord, float] | None:
        found = self.segment_coords.get(road_id)
        if found is None:
            return None
        geoms = shapely.linestrings(found[0], indices=found[1])
        k = int(np.argmin(shapely.distance(geoms, point)))
        geom = geoms[k]
        return SegmentRecord(int(self.segment_ids[road_id][k]), road_id, geom), float(geom.project(point))

    def area_covering(self, point: Point, kind: str) -> AreaRecord | None:
        if self.area_tree is None:
            return None
        hits = [self.areas[int(i)] for i in self.area_tree.query(point, predicate="intersects")]
        hits = [a for a in hits if a.kind == kind]
        return min(hits, key=lambda a: a.geom.area) if hits else None

    def areas_named(self, name: str) -> list[AreaRecord]:
        return self.areas_by_name.get(normalize_name(name), [])

    def nearest_landmark(self, point: Point, max_m: float) -> LandmarkRecord | None:
        if self.landmark_tree is None:
            return None
        idx = self.landmark_tree.nearest(point)
        lm = self.landmarks[int(idx)]
        return lm if lm.point.distance(point) <= max_m else None


class SimilarNames:
    """The keys a written name is similar to (difflib's ratio ≥ `cutoff`), without
    comparing it with every key.

    The ratio is 2·M / (len(a) + len(b)), where M, the characters of the matching blocks,
    is at most the characters the two share (counted with repeats). So a key as similar as
    the cutoff shares at least t = cutoff·(len(a) + 1)/2 characters with the name, and
    hence at least one of any len(a) - t + 1 of the name's characters: the index looks up
    the keys holding the rarest of them, keeps those that share enough characters, and
    only then runs difflib — the same keys and ratios as a scan of every key, in the
    keys' order.

    >>> names = SimilarNames(["小月河东路", "小月河西路", "学院路", "学清路"], 0.6)
    >>> [(k, round(r, 2)) for k, r in names.similar("小月河路")]
    [('小月河东路', 0.89), ('小月河西路', 0.89)]
    """

    def __init__(self, keys, cutoff: float):
        self.cutoff = cutoff
        self.keys = list(keys)
        self.tokens = [_tokens(k) for k in self.keys]
        self.postings: dict[tuple[str, int], list[int]] = defaultdict(list)
        for pos, toks in enumerate(self.tokens):
            for tok in toks:
                self.postings[tok].append(pos)

    def similar(self, name: str) -> list[tuple[str, float]]:
        """(key, ratio) of every key with ratio ≥ cutoff, in the keys' order."""
        mine = _tokens(name)
        la = len(mine)
        if la == 0:  # only an empty key is like an empty name (difflib: ratio 1.0)
            return [(k, 1.0) for k in self.keys if not k]
        need = max(1, math.ceil(self.cutoff * (la + 1) / 2 - 1e-9))
        rarest = sorted(mine, key=lambda tok: len(self.postings.get(tok, ())))[: la - need + 1]
        candidates = sorted({pos for tok in rarest for pos in self.postings.get(tok, ())})
        out = []
        for pos in candidates:
            key, toks = self.keys[pos], self.tokens[pos]
            if 2 * len(mine & toks) < self.cutoff * (la + len(toks)) - 1e-9:
                continue  # cannot reach the cutoff: too few characters in common
            ratio = difflib.SequenceMatcher(None, name, key).ratio()
            if ratio >= self.cutoff:
                out.append((key, ratio))
        return out


def _tokens(text: str) -> frozenset[tuple[str, int]]:
    """Characters with their repeat count (路 twice: (路, 0), (路, 1)): shared tokens of two
    texts are the characters they share, counted with repeats."""
    seen: dict[str, int] = {}
    out = []
    for ch in text:
        k = seen.get(ch, 0)
        seen[ch] = k + 1
        out.append((ch, k))
    return frozenset(out)


class ContainedNames:
    """Keys that contain a written name or are contained in it, both two characters or
    more, in the keys' order: substrings of the name looked up directly, keys containing
    it found through the rarest of its character pairs.

    >>> names = ContainedNames(["加油站", "中石化加油站", "学院路小学"])
    >>> names.overlapping("加油站"), names.overlapping("小学"), names.overlapping("学院路小学东门")
    (['加油站', '中石化加油站'], ['学院路小学'], ['学院路小学'])
    """

    def __init__(self, keys):
        self.keys = list(keys)
        self.position = {k: i for i, k in enumerate(self.keys)}
        self.pairs: dict[str, list[int]] = defaultdict(list)
        for pos, key in enumerate(self.keys):
            for pair in {key[i:i + 2] for i in range(len(key) - 1)}:
                self.pairs[pair].append(pos)

    def overlapping(self, name: str) -> list[str]:
        if len(name) < 2:
            return []
        found = {self.position[sub] for i in range(len(name)) for j in range(i + 2, len(name) + 1)
                 if (sub := name[i:j]) in self.position}
        pairs = [name[i:i + 2] for i in range(len(name) - 1)]
        rarest = min(pairs, key=lambda p: len(self.pairs.get(p, ())))
        found.update(pos for pos in self.pairs.get(rarest, ()) if name in self.keys[pos])
        return [self.keys[pos] for pos in sorted(found)]


def _join_lines(roads) -> dict[tuple[int, int], list[tuple[RoadLine, int]]]:
    """(line index, end 0/1) → the lines of the same road and role whose end (0/1) lies
    within JOIN_M of it, where going on into them turns less than MAX_TURN_DEG."""
    joins: dict[tuple[int, int], list[tuple[RoadLine, int]]] = {}
    for road in roads:
        if len(road.lines) < 2:
            continue
        ends = []
        for ln in road.lines:
            g = ln.geom
            for end in (0, 1):
                s = 0.0 if end == 0 else g.length
                p = g.interpolate(s)
                # the heading of travel out of the line through this end
                q = interpolate(g, s + (-10.0 if end == 1 else 10.0))
                out_b = _heading(q, p)  # leaving through `end`
                ends.append((ln, end, p, out_b))
        for ln, end, p, out_b in ends:
            for other, o_end, q, o_out in ends:
                if other.index == ln.index or other.role != ln.role or p.distance(q) > JOIN_M:
                    continue
                into_b = (o_out + 180.0) % 360.0  # entering `other` through its end
                turn = abs((into_b - out_b + 180.0) % 360.0 - 180.0)
                if turn <= MAX_TURN_DEG:
                    joins.setdefault((ln.index, end), []).append((other, o_end))
    return joins


def _heading(a: Point, b: Point) -> float:
    return math.degrees(math.atan2(b.x - a.x, b.y - a.y)) % 360.0


def _mostly_beside(geom: LineString, mains: list[LineString]) -> bool:
    """Whether most of `geom` runs within BESIDE_M of a main line (a side road, not a
    continuation of the road in a lower class)."""
    pts = [geom.interpolate(f, normalized=True) for f in (0.1, 0.5, 0.9)]
    near = sum(1 for p in pts if min(m.distance(p) for m in mains) <= BESIDE_M)
    return near >= 2


def lines_near(lines: list[RoadLine], point: Point, within: float) -> list[RoadLine]:
    if not lines:
        return []
    d = shapely.distance(np.array([ln.geom for ln in lines], dtype=object), point)
    return [ln for ln, dist in zip(lines, d, strict=True) if dist <= within]


def interpolate(line: LineString, s: float) -> Point:
    return line.interpolate(min(max(s, 0.0), line.length))


__all__ = ["NetworkIndex", "build_order", "RoadRecord", "IntersectionRecord", "SegmentRecord", "LandmarkRecord", "AreaRecord",
           "RoadLine", "Road", "rank", "side_offset", "lines_near", "interpolate", "shapely"]
