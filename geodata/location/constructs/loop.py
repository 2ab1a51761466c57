"""The location loop: which construct is tried at the cursor, and where reading stops.

`read_location` reads constructs left to right and stops where none applies (that is
where the problem text starts), or after a qualifier (处, 路边, 人行道上, 有/存在). It
also reads the small words between constructs itself: 沿线/沿街/一带 along a road, a
travel word (由东向西), a relation after an address (299号门前).
"""

from __future__ import annotations

import re

from geodata.location.constructs.addresses import _HOUSE_NO_FIRST, _read_address
from geodata.location.constructs.intersections import (
    _INTERSECTION_HINT,
    _read_intersection,
    read_adjacent_roads,
)
from geodata.location.constructs.landmarks import (
    _REL_FIRST,
    _add_mark,
    _read_landmark,
    _valid_landmark,
    read_site_by_road,
)
from geodata.location.constructs.offsets import _OFFSET_FIRST, _read_offset
from geodata.location.constructs.reading import Reading
from geodata.location.constructs.roads import _read_road, skip_lead_in_road
from geodata.location.constructs.segments import _NAMED_SECTION, _SEGMENT_LEAD, _read_paren, read_stretch
from geodata.location.constructs.sides import _read_road_side
from geodata.location.lexicon import DIR, REL, RELATIONS, TRAVEL
from geodata.location.types import _make_span

_ALONG = re.compile(r"沿线(?:街道)?|沿街|一带")
_TRAVEL = re.compile(TRAVEL)
# One end of a road, before its side or the clause's end: 东头 in 某某街东头路北, 西头,
_ROAD_END = re.compile(r"[东西南北]头(?=路[东西南北]|\s*(?:$|[,;。]))")
_QUALIFIER = re.compile(
    # (人行道 with no 上 or 有 after it is the subject of the problem: 人行道垃圾较多, 人行道没有地砖)
    r"(?:某?处|的?地方|(?:小巷)?路边(?=有|存在|上|的|[,“\"\s|]|$|(?:白色|生活|建筑)?垃圾|杂物|杂草)|非?机动车道(?:边)?上|人行道(?:地|边)?上|人行道(?:地|边)?(?=有|存在)|马路(?:边)?上"
    r"|绿地上|立杆上|路面上|“[^”]{1,5}地”|\"[^\"]{1,5}地\")+(?:有(?!限|人)|存在)?|有(?!限|人)"
    # "X小区 存在问题:…": a list's label after the place, the problems follow its colon
    r"|存在(?:的)?(?:主要)?问题:|存在"
)
_REL_ALONE = re.compile(REL)
_SIDE_WORD_AHEAD = re.compile(r"侧|两边|两旁").search
# A numbered lamp post or pole (灯杆132#, 路灯杆15号, 1114号灯杆): what inspectors place a spot by
_LAMP_POST = re.compile(
    r"(?P<post>(?:路灯杆|灯杆|电线杆|电杆)\s*(?:号)?\d{1,5}[#号]|\d{1,5}号(?:路灯杆|灯杆|电线杆|电杆))段?")
# the road named before, referred to, and its side: 该路段人行道西侧, 此路两侧, 这条路的东侧
_THAT_ROAD_SIDE = re.compile(
    r"(?:该|此|这)条?(?:路段|道路|路)的?(?:人行道|非机动车道|便道|路边)?(?P<side>两侧|[东西南北]侧)")
# a relation word ending a stretch's name: 某医院对面那段, 某医院门口路段 (路 of 路段)
_REL_THAT_END = re.compile(rf"(?P<rel>{REL})[那这]?路?$")
_QUALIFIER_FIRST = frozenset("某处的地小路非机人马绿立“\"有存")


# The junction named before (in this line or the one before it), then the corner or side
# of it the spot is at: 路口东南侧是一片工地, 交叉口,路口南侧道路中央有…
_JUNCTION_CORNER = re.compile(rf"(?:该|此|这个?)?(?:十字|丁字|交叉)?路口(?:处)?(?P<d>{DIR})(?:侧|角|方向|面|边)")


def read_location(r: Reading, pos: int, end: int) -> int:
    """Read location constructs from ``pos``; return where the problem text starts."""
    t = r.t
    while pos < end:
        c = t[pos]
        if c in ", \t":
            # a comma starts a new clause: later landmarks refine, they are not the anchor
            while pos < end and t[pos] in ", \t":
                if t[pos] == ",":
                    r.clause += 1
                    r.clause_start = pos + 1
                pos += 1
            if r.clause_start >= 0:
                r.clause_start = pos
            continue
        if c in _QUALIFIER_FIRST and r.anchor is not None and (m := _QUALIFIER.match(t, pos, end)):
            return m.end()
        new = _read_step(r, pos, end, c)
        if new is None or new <= pos:
            return pos
        pos = new
    return pos


def _read_step(r: Reading, pos: int, end: int, c: str) -> int | None:
    # Each reader is called only where it can apply: the cheap tests before a call are
    # necessary conditions of that reader (its first characters, its state), so the
    # result is the same as calling every reader in turn. ``c`` is ``r.t[pos]``.
    t = r.t
    if (c in "路十丁交该此这" and r.anchor in (None, "intersection") and not r.values.get("direction")
            and (m := _JUNCTION_CORNER.match(t, pos, end))):
        r.put("direction", m.group("d"), m.start("d"), m.end("d"))
        r.last = "offset"
        return m.end()
    if r.anchor is None:
        if c == "距" and pos + 2 < end:
            # 距离巷口约100米处, 距地铁站北侧20米: the place it is measured from follows
            return pos + (2 if t[pos + 1] == "离" else 1)
        m = _SEGMENT_LEAD.match(t, pos, end) if c == "从" else None
        if m and r.pending_segment is None:
            # 从丰台东路至丰台北路，正阳大街两侧: the stretch is named before its road
            r.pending_segment = (m.group("from"), m.group("to"), _make_span(m.start(), m.end()))
            return m.end()
        if c == "路" and pos + 1 < end and t[pos + 1] in "东西南北" and (new := _read_road_side(r, pos, end)) is not None:
            return new  # 路南的广告牌…: the clause opens on the way's side (before a name is read)
        new = skip_lead_in_road(r, pos, end)
        if new is not None:
            return new
        # a road before a house number: 五环北路东7号 is No. 7 East on 五环北路
        if r.known_road or _INTERSECTION_HINT(t, pos, end):
            new = _read_intersection(r, pos, end)
            if new is not None:
                return new
        new = read_adjacent_roads(r, pos, end)
        if new is not None:
            return new
        if "侧" in t[pos:end]:  # without an anchor a road side needs its 侧
            new = _read_road_side(r, pos, end)
            if new is not None:
                return new
        new = _read_road(r, pos, end)
        if new is not None:
            return new
        new = _read_address(r, pos, end)
        if new is not None:
            return new
        return _read_landmark(r, pos, end)
    last = r.last
    if c in "该此这" and r.values.get("road") and not r.values.get("side") and (m := _THAT_ROAD_SIDE.match(t, pos, end)):
        # 泰山路南段,该路段人行道西侧: the side of the road named before
        road = r.values["road"]
        r.put("side", m.group("side"), m.start("side"), m.end("side"))
        r.put("side_road", road, r.spans["road"].start, r.spans["road"].end)
        r.last = "way_side"
        return m.end()
    if c in "道马街" and t.startswith(("道路", "马路", "街路"), pos):
        # 道路中段北侧 after its road: the side of that road, before any other reading of 段
        new = _read_road_side(r, pos, end)
        if new is not None:
            return new
    if c in _OFFSET_FIRST:
        new = _read_offset(r, pos, end)
        if new is not None:
            return new
    if last == "address" and r.anchor == "address" and c in _REL_FIRST:
        m = _REL_ALONE.match(t, pos, end)
        if m:
            r.address_relation = RELATIONS[m.group(0)]
            r.last = "relation"
            return m.end()
    if last == "road" and r.anchor == "road" and "段" in t[pos:end] and ("至" in t[pos:end] or "到" in t[pos:end]):
        new = read_stretch(r, pos, end)
        if new is not None:
            return new
    if c == "(" or (last == "road" and (c == "从" or "段" in t[pos:end])):
        if last in ("road", "segment", "intersection", "landmark", "address"):
            new = _read_paren(r, pos, end)
            if new is not None:
                return new
    if c in "由从" and _TRAVEL.match(t, pos, end):
        return pos + 4
    if last == "road" and r.anchor == "road" and (c in "灯路电杆" or c.isdigit()) and (m := _LAMP_POST.match(t, pos, end)):
        # 三环路:灯杆132#段…, 某大道1114号灯杆…: a numbered lamp post on the road, the spot itself
        rel = _REL_ALONE.match(t, m.end(), end)  # (某路12号灯杆旁: near it)
        _add_mark(r, m.group("post"), m.start("post"), relation=RELATIONS[rel.group()] if rel else "at")
        r.anchor, r.anchor_clause = "landmark", r.clause
        return rel.end() if rel else m.end()
    if last == "road" and r.anchor == "road" and "段" in t[pos:end]:
        m = _NAMED_SECTION.match(t, pos, end)
        rel = _REL_THAT_END.search(m.group("name")) if m else None
        if rel and _valid_landmark(place := m.group("name")[:rel.start()]):
            # 某医院对面那段路: the stretch by a landmark, placed by the landmark
            _add_mark(r, place, m.start("name"), relation=RELATIONS[rel.group("rel")])
            return m.end() + 1 if t.startswith("路", m.end()) else m.end()
        if m and _valid_landmark(m.group("name")):
            # 翠湖一路凤凰城段: the stretch of the road by a landmark, still the road
            mark = _add_mark(r, m.group("name"), m.start("name"), relation="along")
            mark.in_chain = False
            r.along, r.last = True, "along"
            return m.end()
    if last == "road" and r.anchor == "road" and c in "东西南北" and (pos + 1 >= end or t[pos + 1] in ",;。") \
            and not r.values.get("side"):
        # 位于瑞源路东,…: the road's side, no 侧 written, ending its clause
        road_span = r.spans["road"]
        r.put("side", c + "侧", pos, pos + 1)
        r.put("side_road", r.values["road"], road_span.start, road_span.end)
        r.last = "road_side"
        return pos + 1
    if last == "road" and r.anchor == "road" and c in "东西南北" and (m := _ROAD_END.match(t, pos, end)):
        # 某某街东头路北: the end of the road, then its side (路北 is read next)
        return m.end()
    if (last == "road" or last == "segment") and c in "沿一" and (m := _ALONG.match(t, pos, end)):
        r.along = True
        r.last = "along"
        return m.end()
    if last == "road" and r.anchor == "road" and c in "旁边附对":
        new = read_site_by_road(r, pos, end)  # 某大道旁的某小区: the site is the place
        if new is not None:
            return new
    if c in "路道马街沿中两" or _SIDE_WORD_AHEAD(t, pos, end):
        new = _read_road_side(r, pos, end)
        if new is not None:
            return new
    if (last == "road" or last == "address") and c == "的":
        r.last = "link"
        return pos + 1
    if r.anchor == "road" and last == "link":
        new = _read_intersection(r, pos, end)
        if new is not None:
            return new
    if last == "road" and r.anchor == "road" and (c in _HOUSE_NO_FIRST or c.isdecimal()):
        new = _read_address(r, pos, end)
        if new is not None:
            return new
    if last == "road_side" and r.anchor == "road" and r.clause == r.anchor_clause:
        # with an anchor, a road is read only to place a road side (京藏高速西侧盘桥路)
        new = _read_road(r, pos, end)
        if new is not None:
            return new
    return _read_landmark(r, pos, end)
