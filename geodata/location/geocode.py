"""Geocoding: a parsed location → a point on the road network, with honest uncertainty.

Pure (no Django): works on a `NetworkIndex` in the storage CRS (metres).

Semantics of "A与B交叉路口向北50米，A西侧":
1. the anchor is the intersection of A and B (names matched exactly, then normalised:
   sections, 辅路, aliases, then by similarity, ranked);
2. the offset runs along the road leaving the intersection closest to the stated
   direction (the side road named in the text first, then A and B, then any road there),
   measured along the carriageway on the stated side;
3. the side puts the point beside the road: on a dual carriageway the side picks the
   carriageway; on a single line it moves the point off the line by half the usual width
   of the road's class;
4. landmarks anchor when there is no intersection, and are checked against the result
   when there is; with only a road, a landmark or an area, the result says so and its
   uncertainty grows to match.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from shapely.geometry import Point

from . import compass
from .network import IntersectionRecord, NetworkIndex, Road, RoadLine, interpolate, side_offset
from .types import ParsedLocation

NEAR_INTERSECTION_M = 60.0  # lines of a road within this of an intersection leave from it
MAX_DIRECTION_MISS = 67.5  # degrees: beyond this a road does not run in the stated direction
AMBIGUOUS_MISS = 15.0  # degrees: walks ending this close to the direction are equally good readings
AMBIGUOUS_WALK = "位置有歧义"
SIMILAR_MARGIN = 0.15  # similarity scores this close to the best are as likely a reading


@dataclass(frozen=True)
class Candidate:
    point: Point
    label: str
    score: float


@dataclass(frozen=True)
class GeocodeResult:
    point: Point | None
    uncertainty_m: float | None
    precision: str  # offset / intersection / landmark / road / area / none
    confidence: float
    road_id: int | None = None
    road_name: str | None = None
    segment_id: int | None = None
    measure_m: float | None = None
    side: str | None = None
    intersection_id: int | None = None
    steps: tuple[str, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None
    # the text could not be read because of a bug of the parser (`ParsedLocation.internal_error`),
    # not because of the text: a caller must not take `error` for a verdict on the text
    internal_error: bool = False

    @property
    def ok(self) -> bool:
        return self.point is not None


@dataclass
class _Trace:
    steps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    confidence: float = 1.0


def geocode(parsed: ParsedLocation, net: NetworkIndex) -> GeocodeResult:
    t = _Trace()
    if parsed.road_a and parsed.road_b:
        res = _from_intersection(parsed, net, t)
        if res is not None:
            return res
    if parsed.landmarks:
        res = _from_landmark(parsed, net, t)
        if res is not None:
            return res
    road_name = parsed.road or parsed.side_road or parsed.road_a or parsed.road_b
    if parsed.segment is not None:
        # 顾龙路到李村镇路段: a stretch that names no road of its own starts on its first road
        road_name = road_name or parsed.segment.road or parsed.segment.from_road
    if road_name:
        res = _from_road(road_name, parsed, net, t)
        if res is not None:
            return res
    if parsed.subdistrict:
        areas = net.areas_named(parsed.subdistrict)
        if areas:
            area = areas[0]
            t.steps.append(f"只识别出区域 {area.name}，取其中心")
            c = area.geom.representative_point()
            return _result(c, math.sqrt(area.geom.area) / 2, "area", 0.2, net, t)
    reason = "未能识别出可定位的道路、路口、地标或区域" if parsed.ok else "；".join(e.message for e in parsed.errors)
    return GeocodeResult(None, None, "none", 0.0, steps=tuple(dict.fromkeys(t.steps)), warnings=tuple(t.warnings),
                         error=reason, internal_error=parsed.internal_error)


# -- anchors ---------------------------------------------------------------------------
def _roads_for(name: str, net: NetworkIndex, t: _Trace) -> list[Road]:
    matches = net.match_road(name)
    if not matches:
        return []
    best = matches[0]
    if best[1] != "exact":
        t.steps.append(f"道路名“{name}”按{_HOW[best[1]]}匹配为 {best[0].name}")
        t.confidence *= best[2]
    return [m[0] for m in matches if m[2] >= best[2] - 1e-9]


_HOW = {"exact": "精确", "section": "去掉路段名", "alias": "别名表", "service": "辅路所属道路", "main": "主路",
        "similar": "相似度"}


def _road_options(name: str, net: NetworkIndex) -> list[tuple[Road, str, float]]:
    """The roads a written name may mean, best first: those of the best match, and when
    only similarity matched, every road nearly as similar (小月河路: 小月河东路, 小月河西路,
    小月河东畔路) — which of them is meant, the cross road decides."""
    matches = net.match_road(name)
    if not matches:
        return []
    best = matches[0][2]
    margin = SIMILAR_MARGIN if matches[0][1] == "similar" else 1e-9
    return [m for m in matches if m[2] >= best - margin]


def _pair_score(inter: IntersectionRecord, opts_a, opts_b):
    """The best (match of A, match of B) that meet at `inter`, and its score."""
    best = None
    for ma in opts_a:
        if ma[0].id not in inter.road_ids:
            continue
        for mb in opts_b:
            if mb[0].id in inter.road_ids and mb[0].id != ma[0].id:
                score = ma[2] * mb[2]
                if best is None or score > best[0]:
                    best = (score, ma, mb)
    return best


def _junctions(name_a: str, name_b: str, net: NetworkIndex):
    """What two written road names can meet at, worked out once per index: (roads A may
    mean, roads B may mean, [((score, match of A, match of B), intersection)] best first,
    how many share the best score)."""
    opts_a = _road_options(name_a, net)
    opts_b = _road_options(name_b, net)
    if not opts_a or not opts_b:
        return opts_a, opts_b, [], 0
    inters = net.intersections_between([m[0].id for m in opts_a], [m[0].id for m in opts_b])
    scored = [(s, inter) for inter in inters if (s := _pair_score(inter, opts_a, opts_b)) is not None]
    scored.sort(key=lambda si: -si[0][0])  # stable: equals keep the network's order
    top = scored[0][0][0] if scored else 0.0
    return opts_a, opts_b, scored, sum(1 for s, _ in scored if s[0] >= top - 1e-9)


def _from_intersection(parsed: ParsedLocation, net: NetworkIndex, t: _Trace) -> GeocodeResult | None:
    key = (parsed.road_a, parsed.road_b)
    found = net.memo.get(key)
    if found is None:
        found = _junctions(parsed.road_a, parsed.road_b, net)
        net.memo.put(key, found)
    opts_a, opts_b, scored, equals = found
    if not opts_a or not opts_b:
        missing = parsed.road_a if not opts_a else parsed.road_b
        t.warnings.append(f"路网中没有道路“{missing}”")
        return None
    if not scored:
        t.warnings.append(f"路网中 {opts_a[0][0].name} 与 {opts_b[0][0].name} 不相交")
        return None
    # the best-matching pair of names first; among equals, the one in the named subdistrict
    inters = [i for _, i in scored]
    if equals > 1:
        inters = _prefer_in_subdistrict(inters[:equals], parsed, net) + inters[equals:]
    inter = inters[0]
    _, match_a, match_b = next(s for s, i in scored if i is inter)
    for written, (road, how, score) in ((parsed.road_a, match_a), (parsed.road_b, match_b)):
        if how != "exact":
            t.steps.append(f"道路名“{written}”按{_HOW[how]}匹配为 {road.name}")
            t.confidence *= score
    roads_a = [match_a[0]] + [m[0] for m in opts_a if m[0].id != match_a[0].id]
    roads_b = [match_b[0]] + [m[0] for m in opts_b if m[0].id != match_b[0].id]
    if equals > 1:
        t.confidence *= 0.6
        t.warnings.append(f"{roads_a[0].name} 与 {roads_b[0].name} 有 {equals} 个交叉口，取第一个")
    t.steps.append(f"路口 {roads_a[0].name}×{roads_b[0].name}")
    base_unc = 10.0
    distance = parsed.distance_m
    bearing = compass.bearing_of(parsed.direction)
    if not distance or bearing is None:
        if parsed.direction and not distance:
            t.warnings.append("有方向但没有距离，取路口位置")
        point, line = inter.point, None
        side_road = _side_road(parsed, net, inter)
        if side_road is not None and parsed.side:
            roles = _roles(side_road.id, _service_road_ids(parsed, net))
            point, line = _apply_side(point, side_road, parsed.side, None, t, roles)
        elif roads_a[0].id in inter.road_ids:
            # "A与B交叉路口处": on A, where it passes the junction (the junction's point is the
            # centre of all its crossing points, which may lie between carriageways).
            road = roads_a[0]
            near = road.lines_near(inter.point, NEAR_INTERSECTION_M, *_roles(road.id, _service_road_ids(parsed, net)))
            if near:
                line = min(near, key=lambda ln: ln.geom.distance(inter.point))
                point = line.geom.interpolate(line.geom.project(inter.point))
        res = _result(point, base_unc, "intersection", t.confidence, net, t, inter=inter,
                      road=side_road or (roads_a[0] if roads_a[0].id in inter.road_ids else None),
                      side=parsed.side)
        return _with_alternatives(res, inters, net)
    walk = _walk(inter, bearing, float(distance), parsed, net, roads_a + roads_b, t)
    if walk is None:
        t.warnings.append(f"路口处没有向{parsed.direction}延伸的道路，取路口位置")
        t.confidence *= 0.4
        return _result(inter.point, base_unc + float(distance), "intersection", t.confidence, net, t, inter=inter)
    point, road, line = walk
    unc = base_unc + 0.05 * float(distance) + (0.1 * float(distance) if parsed.approximate else 0.0)
    side_road = _side_road(parsed, net, inter)
    service_ids = _service_road_ids(parsed, net)
    target = side_road or road
    target_roles = _roles(target.id, service_ids)
    if target.id != road.id or line.role not in target_roles:
        # "…向北50米，C东侧" with C not the line walked: the point is beside C, level with
        # the walked point (an expressway beside its 辅路, a 辅路 beside its main road).
        if (target.lines_near(point, 150.0, *target_roles) or target.lines_near(point, 150.0)):
            t.steps.append(f"平移到与之平行的 {target.name}{'辅路' if 'service' in target_roles else ''}")
            walked_line, walked_point = line, point
            road = target
            point, line = _apply_side(point, target, parsed.side or "", None, t, target_roles)
            if line is not None and line.geom.distance(point) < 0.01:
                point = _level_with(point, line, walked_point, walked_line)
            unc += 10.0
    elif parsed.side:
        point, _ = _apply_side(point, road, parsed.side, line, t, (line.role,))
    if parsed.side:
        unc += side_offset(line.highway) / 2 if line is not None else 5.0
    res = _result(point, unc, "offset", t.confidence, net, t, inter=inter, road=road, side=parsed.side)
    return _with_alternatives(_check_landmarks(res, parsed, net), inters, net)


def _prefer_in_subdistrict(inters, parsed, net):
    if not parsed.subdistrict or len(inters) < 2:
        return inters
    areas = net.areas_named(parsed.subdistrict)
    if not areas:
        return inters
    return sorted(inters, key=lambda i: 0 if areas[0].geom.covers(i.point) else 1)


def _side_road(parsed: ParsedLocation, net: NetworkIndex, inter: IntersectionRecord) -> Road | None:
    if not parsed.side_road:
        return None
    for road in _roads_for(parsed.side_road, net, _Trace()):
        return road
    return None


def _service_road_ids(parsed: ParsedLocation, net: NetworkIndex) -> set[int]:
    """Roads the text names as their 辅路 (学清路辅路): walk and place on the service lines."""
    out = set()
    for name in (parsed.road_a, parsed.road_b, parsed.side_road, parsed.road):
        if name and name.endswith("辅路"):
            for road, how, _score in net.match_road(name)[:1]:
                if how == "service":
                    out.add(road.id)
    return out


def _roles(road_id: int, service_ids: set[int]) -> tuple[str, ...]:
    return ("service",) if road_id in service_ids else ("main",)


def _walk(inter, bearing, distance, parsed, net, text_roads, t) -> tuple[Point, Road, RoadLine] | None:
    """Walk `distance` metres from the intersection along the road that leaves it closest
    to `bearing`; returns the point, the road and the line walked."""
    service_ids = _service_road_ids(parsed, net)
    side_ids = {m[0].id for m in net.match_road(parsed.side_road)[:1]} if parsed.side_road else set()
    text_ids = {r.id for r in text_roads}
    tiers = [side_ids & set(inter.road_ids), text_ids & set(inter.road_ids), set(inter.road_ids)]
    for tier in tiers:
        options = []
        for rid in tier:
            road = net.roads.get(rid)
            if road is None:  # left without segments: not indexed
                continue
            legs = net.legs(inter, road, _roles(rid, service_ids), NEAR_INTERSECTION_M)
            if not legs and rid in service_ids:
                legs = net.legs(inter, road, ("main",), NEAR_INTERSECTION_M)
            # Written distances are rounded (to 10 m past 1 km): allow that much past an end.
            slack = max(2.0, 0.01 * distance)
            for line, s0, anchor in legs:
                for sign in (1.0, -1.0):
                    # along the line, and on past its end into the road's lines joined there
                    for walked, s in net.walk(line, s0, sign, distance, slack):
                        p = interpolate(walked.geom, s)
                        miss = compass.angle_between(compass.bearing(p.x - anchor.x, p.y - anchor.y), bearing)
                        if miss <= MAX_DIRECTION_MISS:
                            options.append((miss, road, walked, p))
        if options:
            # The road leaving closest to the direction; among its lines (two carriageways,
            # both 辅路) the one on the stated side.
            best = min(options, key=lambda o: o[0])
            rivals = [o for o in options if o[0] <= best[0] + AMBIGUOUS_MISS and o[3].distance(best[3]) > 100.0]
            if rivals:
                # a road that loops back or forks: the same walk ends in places far apart
                t.confidence *= 0.5
                t.warnings.append(f"{AMBIGUOUS_WALK}：沿路口向{parsed.direction} {distance:g} 米可到 "
                                  f"{len(rivals) + 1} 处相距百米以上的位置（道路成环或分岔），取方向最接近的一处")
            close = [o for o in options if o[1].id == best[1].id and o[0] <= best[0] + 25.0]
            choice = (_pick_by_side(close, parsed.side, key=lambda o: o[3], along=bearing)
                      if len(close) > 1 else None) or best
            miss, road, line, p = choice
            label = road.name + ("辅路" if line.role == "service" and not road.name.endswith("辅路") else "")
            t.steps.append(f"沿 {label} 向{parsed.direction} {distance:g} 米")
            if miss > 30:
                t.confidence *= 0.8
                t.warnings.append(f"{road.name} 的走向与“向{parsed.direction}”相差 {miss:.0f}°")
            return p, road, line
    return None


def _level_with(point: Point, line: RoadLine, walked: Point, walked_line: RoadLine) -> Point:
    """The point of `line` that lies level with `walked` on `walked_line`: whose
    perpendicular foot on the walked line is the walked point (the describer measured it
    so). Newton steps along `line`, starting from the plain projection."""
    goal = walked_line.geom.project(walked)
    st = line.geom.project(point)
    for _ in range(6):
        here = walked_line.geom.project(interpolate(line.geom, st))
        step = walked_line.geom.project(interpolate(line.geom, st + 1.0)) - here
        diff = goal - here
        if abs(diff) < 0.05 or abs(step) < 0.2:
            break
        st = min(max(st + diff / step, 0.0), line.geom.length)
    return interpolate(line.geom, st)


def _pick_by_side(items, side: str | None, *, key, along: float | None = None):
    """The item whose point lies furthest toward `side` (东侧 → furthest east).

    With `along` (the road's bearing there), only the offset across the road counts: two
    carriageways walked to slightly different distances must not be told apart by how
    far along the road they got."""
    side_b = compass.bearing_of(side)
    if side_b is None or not items:
        return None
    ux, uy = compass.unit(side_b)
    if along is not None:
        tx, ty = compass.unit(along)
        dot = ux * tx + uy * ty
        ux, uy = ux - dot * tx, uy - dot * ty
    pts = [key(i) for i in items]
    cx = sum(p.x for p in pts) / len(pts)
    cy = sum(p.y for p in pts) / len(pts)
    return max(items, key=lambda i: (key(i).x - cx) * ux + (key(i).y - cy) * uy)


def _apply_side(point: Point, road: Road, side: str, line: RoadLine | None, t: _Trace,
                roles: tuple[str, ...] = ("main",)) -> tuple[Point, RoadLine | None]:
    """Put the point on the stated side of the road.

    With `line` given, the point is already on the carriageway the walk chose. Without
    it (at a junction, or beside a road other than the one walked) the point is first
    moved onto the road: onto the carriageway on that side where the road is dual."""
    side_b = compass.bearing_of(side)
    near = road.lines_near(point, 150.0, *roles) or road.lines_near(point, 150.0)
    if line is None:
        if not near:
            return point, None
        closest = min(ln.geom.distance(point) for ln in near)
        near = [ln for ln in near if ln.geom.distance(point) <= closest + NEAR_INTERSECTION_M]
        projected = [(ln, ln.geom.interpolate(ln.geom.project(point))) for ln in near]
        pick = _pick_by_side(projected, side, key=lambda lp: lp[1]) if len(projected) > 1 else projected[0]
        if pick is None:  # no side to choose by (两侧, or none written): the nearest line
            pick = min(projected, key=lambda lp: lp[0].geom.distance(point))
        line, point = pick
    if side_b is None:  # 两侧 and the like: the road itself
        return point, line
    others = [ln for ln in road.lines_near(point, NEAR_INTERSECTION_M, line.role)
              if ln.index != line.index]
    if others or line.role == "service":
        # A dual carriageway or a 辅路: the side picked the carriageway, the point stays on it.
        t.steps.append(f"{road.name}{side}（{side[0]}侧{'辅路' if line.role == 'service' else '车行道'}）")
        return point, line
    s = line.geom.project(point)
    a, b = interpolate(line.geom, s - 5), interpolate(line.geom, s + 5)
    dx, dy = b.x - a.x, b.y - a.y
    norm = math.hypot(dx, dy) or 1.0
    nx, ny = dy / norm, -dx / norm  # right-hand normal
    ux, uy = compass.unit(side_b)
    dot = nx * ux + ny * uy
    if abs(dot) < 0.3:
        t.warnings.append(f"{road.name} 大致沿{side[0]}向延伸，“{side}”无法确定偏移")
        return point, line
    off = side_offset(line.highway) * (1 if dot > 0 else -1)
    t.steps.append(f"{road.name}{side}，偏离道路中线 {abs(off):g} 米")
    return Point(point.x + nx * off, point.y + ny * off), line


def _from_landmark(parsed: ParsedLocation, net: NetworkIndex, t: _Trace) -> GeocodeResult | None:
    for lm_text in parsed.landmarks:
        found = net.match_landmark(lm_text.name)
        if not found:
            continue
        lm = found[0]
        t.steps.append(f"地标 {lm.name}")
        point, unc = lm.point, 30.0
        b = compass.bearing_of(lm_text.direction)
        if b is not None:
            d = float(lm_text.distance_m or 10.0)
            ux, uy = compass.unit(b)
            point = Point(lm.point.x + ux * d, lm.point.y + uy * d)
            unc += 0.1 * d
            t.steps.append(f"向{lm_text.direction} {d:g} 米")
        conf = 0.6 if len(found) == 1 else 0.3
        if len(found) > 1:
            t.warnings.append(f"有 {len(found)} 个名为“{lm_text.name}”的地标，取第一个")
        road = _road_beside(parsed, point, net, t)
        if road is not None:
            # "京藏高速东侧，上清桥南西南侧107米": on that road (its side), level with the
            # point the landmark gives
            t.steps.append(f"移到 {road.name} 上与之平齐处")
            moved, line = _apply_side(point, road, parsed.side or "", None, t,
                                      _roles(road.id, _service_road_ids(parsed, net)))
            if line is not None:
                # the landmark says where along the road; how far across it is the text's
                # word against the landmark's: the move widens the uncertainty by its length
                unc += moved.distance(point)
                return _result(moved, unc, "landmark", conf * t.confidence, net, t, road=road, side=parsed.side)
        return _result(point, unc, "landmark", conf * t.confidence, net, t)
    return None


def _road_beside(parsed: ParsedLocation, point: Point, net: NetworkIndex, t: _Trace) -> Road | None:
    """The road the text puts the place on (X路东侧, or a road named alone), when it
    passes within 150 m of `point`."""
    name = parsed.side_road or parsed.road
    if not name:
        return None
    roads = _roads_for(name, net, _Trace())
    for road in roads:
        if road.lines_near(point, 150.0):
            return road
    t.warnings.append(f"{name} 不在地标附近，按地标定位" if roads else f"路网中没有道路“{name}”，按地标定位")
    return None


def _from_road(name: str, parsed: ParsedLocation, net: NetworkIndex, t: _Trace) -> GeocodeResult | None:
    roads = _roads_for(name, net, t)
    if not roads:
        t.warnings.append(f"路网中没有道路“{name}”")
        return None
    road = roads[0]
    point = _middle(road)
    total = sum(ln.geom.length for ln in (road.lines_with_role("main") or road.lines))
    t.steps.append(f"只识别出道路 {road.name}，取其中点；位置不确定范围为道路长度的一半")
    res = _result(point, total / 2, "road", 0.3 * t.confidence, net, t, road=road, side=parsed.side)
    others = [m for m in _road_options(name, net) if m[0].id != road.id]
    if others:
        # a name only similar to several roads: say which others it may be
        return _replace(res, candidates=tuple(Candidate(_middle(r), r.name, score) for r, _, score in others[:4]))
    return res


def _middle(road: Road) -> Point:
    main = road.lines_with_role("main") or road.lines
    return max(main, key=lambda ln: ln.geom.length).geom.interpolate(0.5, normalized=True)


def _check_landmarks(res: GeocodeResult, parsed: ParsedLocation, net: NetworkIndex) -> GeocodeResult:
    """A landmark in the text that lies far from the result lowers the confidence."""
    for lm_text in parsed.landmarks:
        found = net.match_landmark(lm_text.name)
        if found and res.point is not None:
            d = min(lm.point.distance(res.point) for lm in found)
            if d > 200:
                return _replace(res, confidence=res.confidence * 0.7,
                                warnings=res.warnings + (f"地标 {lm_text.name} 距结果 {d:.0f} 米，位置可能有误",))
            return _replace(res, steps=res.steps + (f"地标 {lm_text.name} 在 {d:.0f} 米内，相符",))
    return res


def _with_alternatives(res: GeocodeResult, inters, net) -> GeocodeResult:
    if len(inters) < 2:
        return res
    cands = tuple(Candidate(i.point, i.name, 0.5) for i in inters[1:5])
    return _replace(res, candidates=cands)


def _replace(res: GeocodeResult, **changes) -> GeocodeResult:
    from dataclasses import replace

    return replace(res, **changes)


def _result(point, unc, precision, confidence, net: NetworkIndex, t: _Trace, *, inter=None, road=None,
            side=None) -> GeocodeResult:
    road_id = road.id if road is not None else None
    seg_id = measure = None
    if road_id is not None:
        hit = net.segment_at(road_id, point)
        if hit:
            seg_id, measure = hit[0].id, round(hit[1], 2)
    if road is None:
        line = net.nearest_reference_line(point, max_m=50)
        if line is not None:
            road = net.roads[line.road_id]
            hit = net.segment_at(road.id, point)
            if hit:
                road_id, seg_id, measure = road.id, hit[0].id, round(hit[1], 2)
    return GeocodeResult(
        point=point, uncertainty_m=round(float(unc), 1), precision=precision, confidence=round(confidence, 3),
        road_id=road_id, road_name=road.name if road is not None else None, segment_id=seg_id, measure_m=measure,
        side=side, intersection_id=inter.id if inter is not None else None, steps=tuple(dict.fromkeys(t.steps)),
        warnings=tuple(t.warnings),
    )
