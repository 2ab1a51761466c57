"""Road sides: which side of a road, 革新南路南侧, 路东, 道路两侧.

A road followed by its side (革新南路南侧, 正阳大街两侧), a way without a road suffix
whose side ends the clause (科荟桥北侧, G6辅路西侧), a road of the intersection named again
with its side (学院路西侧 after 学院路与…路口), and the side of the road just read
(路东, 道路两侧).
"""

from __future__ import annotations

import re

from geodata.location.constructs.reading import (
    _CLAUSE_END,
    _ROADX,
    Reading,
    _base_road,
    _span_tuple,
    valid_road,
)
from geodata.location.lexicon import NAME_CH, ROAD_SUFFIX

# 乌山西路靠北侧 (the side the spot is near), 通渭路东西两侧 (both named sides: 两侧), 某某路的
# 西侧 (the road's side after a possessive)
# (one unnamed side, 某路一侧, 某路的另外一侧, is kept as written; 某路一侧的某小区 places the
# site, the site is the place)
ROAD_SIDE = re.compile(rf"(?P<road>{_ROADX})的?靠?(?:东西|南北)?(?P<side>两侧|两边|两旁|[东西南北]侧|(?:另外|另)?一侧(?!的))(?![约\d])")
# Ways whose names end in no road suffix but are roads all the same: bridges, expressways,
# service roads ("G6辅路"). Read as a road side only when the side ends the clause
# (天成酒店南侧10米 is a landmark; 科荟桥北侧 is the north side of the bridge road).
_WAY_NAME = (
    r"(?>[\u4e00-\u9fffA-Za-z0-9]{1,16}?(?:高速公路|快速路|高速|辅路|主路|天桥|立交桥|立交|桥|隧道|环路"
    r"|胡同|巷|公路))"
)
WAY_SIDE_AT_END = re.compile(rf"(?P<road>{_WAY_NAME})(?P<side>两侧|[东西南北]侧){_CLAUSE_END}")
_WAY_ALONE = re.compile(rf"(?P<road>{_WAY_NAME}){_CLAUSE_END}")
_SIDE_WORD = re.compile(rf"(?P<side>两侧|[东西南北]侧){_CLAUSE_END}")
_WAY_SIDE = re.compile(r"(?:道路|马路|街路|路|沿线|(?<=街)道)?(?:中段)?(?:东西|南北)?(?P<side>两侧|两边|两旁|[东西南北]侧)")
_ROAD_EDGE = re.compile(rf"路(?P<d>[东西南北])(?![侧面东西南北]|{NAME_CH}{{0,3}}{ROAD_SUFFIX})")
# what follows the way's side opening a clause (路北的广告墙, 路东有人…, 路南,…): not a name
# that starts with it (路北派出所, 路南中学, 路北区)
_AFTER_A_WAY_SIDE = frozenset("的有是,;:")
# 十字路口路东南: the corner of the junction, a direction (not a side of one road)
_JUNCTION_CORNER = re.compile(r"路(?P<d>[东西][南北]|[南北][东西])(?:角|侧)?")


def _put_road_side(r: Reading, road: str, start: int, side: str, side_start: int) -> int:
    r.put("side_road", road, start, start + len(road))
    r.put("side", side, side_start, side_start + len(side))
    if r.anchor is None:
        base = _base_road(road)
        r.put("road", base, start, start + len(base))
        r.anchor, r.anchor_clause, r.target = "road", r.clause, "road"
    r.last = "road_side"
    return side_start + len(side)


def _anchor_road_side(r: Reading, pos: int, end: int) -> int | None:
    """学院路西侧 / G6辅路西侧 / 科荟桥北侧 after an intersection of that road: a road side,
    whatever the road's name ends in (the name was read as a road already)."""
    if r.anchor != "intersection" or r.clause == r.anchor_clause:
        return None
    t = r.t
    for key in ("road_a", "road_b"):
        name = r.values.get(key)
        if name and t.startswith(name, pos):
            m = _SIDE_WORD.match(t, pos + len(name), end)
            if m:
                return _put_road_side(r, name, pos, m.group("side"), m.start("side"))
    return None


def _read_road_side(r: Reading, pos: int, end: int) -> int | None:
    t = r.t
    has_side = "侧" in t[pos:end] or "两边" in t[pos:end] or "两旁" in t[pos:end]
    if has_side and r.anchor == "intersection":
        new = _anchor_road_side(r, pos, end)
        if new is not None:
            return new
    m = ROAD_SIDE.match(t, pos, end) if has_side else None
    if m and (t[pos] in "与及、" or (t[pos] == "和" and pos and t[pos - 1] not in ", \t;:")):
        m = None  # 人民路与解放路两边: a conjunction right after a road is no road's first character
    if m and valid_road(m.group("road")):
        return _put_road_side(r, m.group("road"), m.start("road"), m.group("side"), m.start("side"))
    m = WAY_SIDE_AT_END.match(t, pos, end) if has_side else None
    if m and valid_road(m.group("road")):
        return _put_road_side(r, m.group("road"), m.start("road"), m.group("side"), m.start("side"))
    if r.anchor is None:
        if t[pos] == "路" and (pos == 0 or not t[pos - 1].isalnum()) and (m := _ROAD_EDGE.match(t, pos, end)) \
                and (m.end() >= end or t[m.end()] in _AFTER_A_WAY_SIDE):
            # 路北的广告墙…, a clause opening on the side of the way it is on (no road named)
            r.put("side", m.group("d") + "侧", m.start(), m.end())
            r.last = "way_side"
            return m.end()
        return None
    if r.anchor == "intersection" and r.last == "intersection" and t[pos] == "路":
        m = _JUNCTION_CORNER.match(t, pos, end)
        if m:
            r.put("direction", m.group("d"), m.start("d"), m.end("d"))
            r.last = "offset"
            return m.end()
    # the side of the road just read: 道路两侧, 路东, and right after the road or its
    # 沿线 (桃临线沿线两侧, 水厂东路两边)
    if t[pos] not in "路道马街沿中" and not (t[pos] == "两" and r.anchor == "road" and r.last in ("road", "along")):
        return None
    m = _WAY_SIDE.match(t, pos, end)
    road = r.values.get("road")
    if (m and road and r.last == "road" and m.start() == pos and t.startswith("道", pos)
            and road.endswith("街") and len(road) > 2 and r.spans["road"].end == pos):
        # 某某街道两旁: 街道 is "the street" after the name, not the street's suffix and a
        # stray 道: the name alone is the road (某某), its sides the side
        r.put("road", road[:-1], r.spans["road"].start, pos - 1)
    if m and r.values.get("road"):
        r.put("side", m.group("side"), m.start("side"), m.end("side"))
        r.put("side_road", r.values["road"], *_span_tuple(r.spans.get("road")))
        r.last = "way_side"
        return m.end()
    m = _ROAD_EDGE.match(t, pos, end)
    if m:
        r.put("side", m.group("d") + "侧", m.start(), m.end())
        r.last = "way_side"
        return m.end()
    return None
