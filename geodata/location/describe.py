"""Describing a point in the published style: "A与B交叉路口向北50米，A西侧".

Pure (no Django): works on a `NetworkIndex` in the storage CRS (metres). The inverse of
`geocode`: the point is projected on the nearest road line (a carriageway or a 辅路),
the intersection a reader would walk from is the nearest one along that line, the
direction is the compass word of the walk, and the side is where the point lies
relative to the road (for a dual carriageway: which carriageway).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point

from . import compass
from .geocode import AMBIGUOUS_WALK, geocode
from .network import NetworkIndex, Road, RoadLine, interpolate, rank
from .parse import parse

ON_LINE_M = 1.5  # closer than this to a single line, a point is on the road, not beside it
NEAR_INTERSECTION_M = 60.0
MAX_ROAD_DISTANCE_M = 120.0
ROAD_ONLY_LANDMARK_M = 200.0  # how far a landmark may be to place a point on a road with no junction near
# A text anchored on a road alongside must lead back to within this (its distance is written to
# 10 m past 1 km, and the walk then moves across): else the road and a landmark say where.
PARALLEL_BACK_M = 15.0


@dataclass(frozen=True)
class Description:
    text: str
    subdistrict: str | None = None
    road: str | None = None
    cross_road: str | None = None
    direction: str | None = None
    distance_m: int | None = None
    side: str | None = None
    landmark: str | None = None
    road_id: int | None = None
    intersection_id: int | None = None
    distance_to_road_m: float | None = None
    via_parallel: bool = False  # anchored on a road running alongside (the point's road has no junction near)


def round_distance(d: float) -> int:
    """Metres as a reader writes them: to the metre below 100 m, to 5 m below 1 km, else to 10 m.

    >>> round_distance(47.4), round_distance(123), round_distance(1234)
    (47, 125, 1230)
    """
    if d < 100:
        return int(round(d))
    if d < 1000:
        return int(5 * round(d / 5))
    return int(10 * round(d / 10))


def describe(point: Point, net: NetworkIndex, *, with_landmark: bool = False,
             subdistrict: str | None = None) -> Description:
    if subdistrict is None:
        area = net.area_covering(point, "subdistrict")
        subdistrict = area.name if area else None
    prefix = f"{subdistrict}，" if subdistrict else ""
    line = net.nearest_reference_line(point, max_m=MAX_ROAD_DISTANCE_M)
    if line is None:
        return _describe_off_network(point, net, prefix, subdistrict)
    road = net.roads[line.road_id]
    road_label = road.name + ("辅路" if line.role == "service" and not road.name.endswith("辅路") else "")
    s_p = line.geom.project(point)
    on_line = line.geom.interpolate(s_p)
    side = _side(point, on_line, line, road)
    side_text = f"，{road_label}{side}" if side else ""
    landmark_text, landmark_name = ("", None)
    if with_landmark:
        landmark_text, landmark_name = _landmark_clause(point, net)

    for inter, inter_line, start, along, joined in _intersections_along(line, s_p, road, net)[:3]:
        cross = _cross_road(inter, road, inter_line, net)
        n = round_distance(along)
        if n < 1:
            core = f"{road_label}与{cross.name}交叉路口处"
            direction = None
        else:
            direction = compass.word_of(compass.bearing(on_line.x - start.x, on_line.y - start.y))
            core = f"{road_label}与{cross.name}交叉路口向{direction}{n}米"
        text = f"{prefix}{core}{side_text}"
        if joined and not _comes_back(text, point, n, net):
            # past a fork, the walk from this junction can end elsewhere (a road that
            # loops back, a branch that bends round): only a text that leads back will do
            continue
        return Description(text + landmark_text, subdistrict, road_label, cross.name, direction,
                           n if n >= 1 else 0, side, landmark_name, road.id, inter.id,
                           round(point.distance(on_line), 1))
    beside = _via_parallel_road(point, on_line, line, road, net)
    if beside is not None:
        inter, other, other_line, start, along, q = beside
        side = _side(point, on_line, line, road, always=True)
        cross = _cross_road(inter, other, other_line, net)
        n = round_distance(along)
        direction = compass.word_of(compass.bearing(q.x - start.x, q.y - start.y))
        core = f"{other.name}与{cross.name}交叉路口" + (f"向{direction}{n}米" if n >= 1 else "处")
        text = f"{prefix}{core}，{road_label}{side}"
        # The walk along the road alongside can part from this road (a 辅路 that bends away and
        # back): only a text that leads back to the point will do, else the road and a landmark.
        if _comes_back(text, point, n, net, limit_m=PARALLEL_BACK_M):
            return Description(text + landmark_text, subdistrict, road_label,
                               cross.name, direction if n >= 1 else None, n, side, landmark_name, road.id, inter.id,
                               round(point.distance(on_line), 1), via_parallel=True)
    text = f"{prefix}{road_label}{side}" if side else f"{prefix}{road_label}"
    # No junction to count from: a landmark, further afield if need be, says where
    # along the road (in eight compass words: the road takes up the rest).
    landmark_text, landmark_name = _landmark_clause(point, net, max_m=ROAD_ONLY_LANDMARK_M, eight=True)
    return Description(text + landmark_text, subdistrict, road_label, side=side, landmark=landmark_name,
                       road_id=road.id, distance_to_road_m=round(point.distance(on_line), 1))


def _comes_back(text: str, point: Point, n: int, net: NetworkIndex, *, limit_m: float | None = None) -> bool:
    """Whether the text geocodes back to the point (within the rounding of its distance, or
    within `limit_m`), and to no other place as well."""
    result = geocode(parse(text), net)
    limit = limit_m if limit_m is not None else 10.0 + 0.01 * n
    return (result.point is not None and result.point.distance(point) <= limit
            and not any(w.startswith(AMBIGUOUS_WALK) for w in result.warnings))


def _side(point: Point, on_line: Point, line: RoadLine, road: Road, *, always: bool = False) -> str | None:
    """The compass side of the road the point is on (东侧/西侧/南侧/北侧), or None on the line.

    On a dual carriageway the side is that of the point's carriageway; on a 辅路, the side
    of the main road the 辅路 runs along."""
    if line.role == "service":
        # The main road it runs beside; failing that, the 辅路 on the other side.
        others = road.lines_near(on_line, 150.0, "main") or [
            ln for ln in road.lines_near(on_line, 150.0, "service") if ln.index != line.index]
    else:
        others = [ln for ln in road.lines_near(on_line, NEAR_INTERSECTION_M, "main")
                  if ln.index != line.index] if line.role == "main" else []
    if others:
        # Dual carriageway: the side is that of this carriageway relative to the other.
        other = min(others, key=lambda ln: ln.geom.distance(on_line))
        dx, dy = _offset_from(other, on_line)
        if math.hypot(dx, dy) < 0.5:
            # Where a carriageway or 辅路 joins the other line, its side is still that of
            # the rest of it: judge from its middle.
            middle = line.geom.interpolate(0.5, normalized=True)
            dx, dy = _offset_from(other, middle)
            if math.hypot(dx, dy) < 0.5:
                return None
    else:
        dx, dy = point.x - on_line.x, point.y - on_line.y
        if math.hypot(dx, dy) < ON_LINE_M and not always:
            return None
        if math.hypot(dx, dy) < 1e-6:  # exactly on the line: the right-hand side by convention
            s = line.geom.project(on_line)
            a, b = interpolate(line.geom, s - 1), interpolate(line.geom, s + 1)
            dx, dy = b.y - a.y, -(b.x - a.x)
    # Only the two sides across the road make sense: snap to the one nearer the normal.
    s = line.geom.project(on_line)
    a, b = interpolate(line.geom, s - 5), interpolate(line.geom, s + 5)
    road_bearing = compass.bearing(b.x - a.x, b.y - a.y)
    candidates = [w for w in compass.FOUR if 45 <= compass.angle_between(compass.BEARINGS[w], road_bearing) <= 135]
    to_point = compass.bearing(dx, dy)
    word = min(candidates or compass.FOUR, key=lambda w: compass.angle_between(compass.BEARINGS[w], to_point))
    return f"{word}侧"


def _offset_from(other: RoadLine, p: Point) -> tuple[float, float]:
    """Half the vector from `other` (its nearest point) to `p`: p's offset from the middle."""
    q = other.geom.interpolate(other.geom.project(p))
    return (p.x - q.x) / 2, (p.y - q.y) / 2


def _intersections_along(line: RoadLine, s_p: float, road: Road, net: NetworkIndex, *,
                         joined: bool = True) -> list[tuple]:
    """The intersections of `road` by how far along the road they are from measure `s_p`
    of `line`: on the line itself, or on a line of the road joined to it (where a single
    carriageway forks in two), reached the way the geocoder walks. Each as (intersection,
    the line it is found on, its foot there, metres along, whether on a joined line).
    With ``joined=False``, only those on the line itself."""
    inters = net.intersections_of_road.get(road.id)
    if not inters:
        return []
    points = net.intersection_points_of_road[road.id]
    best: dict[int, tuple] = {}
    for ln, c0, sign in [(line, None, 0.0), *(net.along(line, s_p) if joined else ())]:
        # the road's intersections near this line, and their measures on it, in one call each
        near = np.flatnonzero(shapely.distance(ln.geom, points) <= NEAR_INTERSECTION_M)
        if not len(near):
            continue
        for k, s_i in zip(near.tolist(), shapely.line_locate_point(ln.geom, points[near]).tolist(), strict=True):
            inter = inters[k]
            d = abs(s_p - s_i) if c0 is None else c0 + sign * s_i
            if inter.id not in best or d < best[inter.id][0]:
                best[inter.id] = (d, inter, ln, s_i, c0 is not None)
    return [(inter, ln, ln.geom.interpolate(s_i), d, joined)
            for d, inter, ln, s_i, joined in sorted(best.values(), key=lambda b: (b[0], b[1].id))]


def _nearest_intersection_along(line: RoadLine, s_p: float, road: Road, net: NetworkIndex):
    """The nearest intersection on `line` itself (for a road alongside: see
    `_via_parallel_road`), as (intersection, line, its foot, metres along) or None."""
    found = _intersections_along(line, s_p, road, net, joined=False)
    return found[0][:4] if found else None


def _via_parallel_road(point, on_line, line: RoadLine, road: Road, net: NetworkIndex):
    """For a road with no intersection of its own nearby (an expressway between its 辅路):
    an intersection on a road running alongside, and where that road comes level with the
    point. Returns (intersection, other road, its line, the intersection's foot, metres
    along to where the other road comes level with the point, that point) or None."""
    s = line.geom.project(on_line)
    a, b = interpolate(line.geom, s - 15), interpolate(line.geom, s + 15)
    own = compass.bearing(b.x - a.x, b.y - a.y)
    best = None
    for other_line in net.reference_lines_near(on_line, 120.0):
        # Another road's carriageway, or for a 辅路 its own main road.
        if other_line.role != "main" or (other_line.road_id == road.id and line.role != "service"):
            continue
        if other_line.geom.distance(on_line) > 120.0:
            continue
        s_q = other_line.geom.project(on_line)
        if s_q <= 0.0 or s_q >= other_line.geom.length:
            continue  # the other road ends before it comes level with the point
        q = other_line.geom.interpolate(s_q)
        c, d = interpolate(other_line.geom, s_q - 15), interpolate(other_line.geom, s_q + 15)
        ang = compass.angle_between(compass.bearing(d.x - c.x, d.y - c.y), own)
        if min(ang, 180 - ang) > 25:  # not running alongside
            continue
        other = net.roads[other_line.road_id]
        found = _nearest_intersection_along(other_line, s_q, other, net)
        if found is None:
            continue
        inter, _, start, along = found
        cost = along + 3 * q.distance(on_line)
        if best is None or cost < best[0]:
            best = (cost, inter, other, other_line, start, along, q)
    return None if best is None else best[1:]


def _cross_road(inter, road: Road, line: RoadLine, net: NetworkIndex) -> Road:
    """The other road of the intersection a reader would name: the one crossing most
    squarely (学院路 continues north as 学清路; the crossing road is 清华东路)."""
    s = line.geom.project(inter.point)
    a, b = interpolate(line.geom, s - 15), interpolate(line.geom, s + 15)
    own = compass.bearing(b.x - a.x, b.y - a.y)
    best = None
    for rid in inter.road_ids:
        if rid == road.id or rid not in net.roads:  # a road left without segments is not indexed
            continue
        other = net.roads[rid]
        near = (other.lines_near(inter.point, NEAR_INTERSECTION_M, "main") or other.lines_near(inter.point, NEAR_INTERSECTION_M))
        if not near:
            continue
        ln = min(near, key=lambda x: x.geom.distance(inter.point))
        t = ln.geom.project(inter.point)
        c, d = interpolate(ln.geom, t - 15), interpolate(ln.geom, t + 15)
        ang = compass.angle_between(compass.bearing(d.x - c.x, d.y - c.y), own)
        squareness = math.sin(math.radians(ang))
        key = (round(squareness, 1), -_rank(other))
        if best is None or key > best[0]:
            best = (key, other)
    if best is None:
        others = [net.roads[r] for r in inter.road_ids if r != road.id and r in net.roads]
        return others[0] if others else road
    return best[1]


def _rank(road: Road) -> int:
    return rank(road.highway)


def _landmark_clause(point: Point, net: NetworkIndex, *, max_m: float = 50.0,
                     eight: bool = False) -> tuple[str, str | None]:
    lm = net.nearest_landmark(point, max_m=max_m)
    if lm is None:
        return "", None
    d = lm.point.distance(point)
    if d < 3:
        return f"，{lm.name}处", lm.name
    word = compass.word_of(compass.bearing(point.x - lm.point.x, point.y - lm.point.y), eight=eight)
    return f"，{lm.name}{word}侧{round_distance(d)}米", lm.name


def _describe_off_network(point, net, prefix, subdistrict) -> Description:
    lm = net.nearest_landmark(point, max_m=300)
    if lm is not None:
        d = lm.point.distance(point)
        word = compass.word_of(compass.bearing(point.x - lm.point.x, point.y - lm.point.y))
        return Description(f"{prefix}{lm.name}{word}方向{round_distance(d)}米", subdistrict, landmark=lm.name)
    return Description(f"{prefix}（附近{int(MAX_ROAD_DISTANCE_M)}米内没有已知道路或地标）".replace("，（", "（"),
                       subdistrict)
