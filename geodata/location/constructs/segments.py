"""Segments, brackets and named sections of a road.

A stretch between two roads: 正阳大街(丰台东路至丰台北路段), 从A路到B路段, or named
before its road (从丰台东路至丰台北路，正阳大街两侧); a bracket after an anchor
((交叉路口), a road's name, a landmark); a stretch named by a landmark
(翠湖一路凤凰城段).
"""

from __future__ import annotations

import re

from geodata.location.constructs.intersections import _INTER_JUNCTION
from geodata.location.constructs.offsets import _read_offset
from geodata.location.constructs.reading import (
    _LM,
    _RN,
    _ROADX,
    Mark,
    Reading,
    _base_road,
    _valid_name,
    valid_road,
)
from geodata.location.lexicon import JUNCTION, NAME_CH, ROAD_NAME_FULL, ROAD_SUFFIX
from geodata.location.types import Segment, _make_span

_SEGMENT = re.compile(
    rf"(?P<open>\()?从?(?P<from>{_RN}{{2,12}}?)(?:至|到|—|-|~)(?P<to>{_RN}{{2,12}}?)(?P<duan>段)?(?(open)\))"
)
_SEGMENT_LEAD = re.compile(rf"从(?P<from>{_ROADX})(?:至|到)(?P<to>{_ROADX})段?,?")
_PAREN = re.compile(r"\((?P<x>[^()]{1,20})\)")
_SIDE_AFTER = re.compile(r"(?P<side>两侧|[东西南北]侧)")


def _read_offset_into(r: Reading, j: re.Match, stop: int) -> int | None:
    """The junction ``j`` (in a bracket after its road) made the anchor, with the offset
    written after it up to ``stop``; None, and nothing changed, unless all of it is read."""
    trial = Reading(r.t)
    trial.anchor, trial.target, trial.last = "intersection", "top", "intersection"
    end = _read_offset(trial, j.end(), stop) if j.end() < stop else stop
    if end != stop:
        return None
    r.put("road_a", j.group("a"), j.start("a"), j.end("a"))
    r.put("road_b", j.group("b"), j.start("b"), j.end("b"))
    for key in ("direction", "distance_m"):
        if key in trial.values:
            span = trial.spans[key]
            r.put(key, trial.values[key], span.start, span.end)
    r.offset_relation, r.offset_approximate = trial.offset_relation, trial.offset_approximate
    r.anchor, r.anchor_clause, r.target, r.last = "intersection", r.clause, "top", "offset"
    return stop
# 永安路(向阳路路口处): the junction with the road in brackets is the place
_JUNCTION_IN_PAREN = re.compile(rf"(?P<b>{NAME_CH}{{1,12}}?{ROAD_SUFFIX})(?:交叉路口|交叉口|路口|口)处?")
_NAMED_SECTION = re.compile(rf"靠?近?(?P<name>(?![至到从—\-~]){_LM}{{2,12}}?)段")


# A stretch written after its road with no bracket, its ends roads or places:
# 南坪东路海棠溪至阳光华庭路段, 纱厂南路中州路至凯旋路口段, 南中环街坞城路到体育路路段;
# or starting at the road just read: 顾龙路到李村镇路段, 黄山大道路口至凯瑞德宾馆段.
_STRETCH_END = r"[^\s,;:()、/|。!?“”\"的]"
_STRETCH = re.compile(
    rf"从?(?P<from>{_STRETCH_END}{{2,12}}?)?(?P<kou1>路口)?(?:至|到)(?P<to>{_STRETCH_END}{{2,12}}?)(?P<kou2>路口)?"
    rf"(?P<duan>路段|段)"
)
# 阳光华庭路段 is the stretch to 阳光华庭; 顺风路段 the stretch to 顺风路: a place word ends a place
_PLACE_END = re.compile(r"(?:庭|苑|园|村|镇|广场|市场|小区|宾馆|酒店|大厦|中心|公园|学校|医院|门口|口)$")


def read_stretch(r: Reading, pos: int, end: int) -> int | None:
    """A stretch of the road just read, between two roads or places (no bracket)."""
    m = _STRETCH.match(r.t, pos, end)
    if not m:
        return None
    a, b = m.group("from"), m.group("to")
    if a == "路口":  # 黄山大道路口至…: the stretch starts at the road's junction
        a = None
    elif a and m.group("kou1") and not ROAD_NAME_FULL.fullmatch(a):
        a += "路"  # 中州路口至… is 中州路's junction
    if not ROAD_NAME_FULL.fullmatch(b) and (m.group("kou2") or (m.group("duan") == "路段" and not _PLACE_END.search(b))):
        b += "路"  # 凯旋路口段 → 凯旋路; 顺风路段 → 顺风路 (but 阳光华庭路段 is the stretch to 阳光华庭)
    if not (_valid_name(b) and (a is None or _valid_name(a))):
        return None
    if a is None:
        # 顾龙路到李村镇路段: the stretch starts at the road read; it names no road of its own
        a = r.values.pop("road")
        r.spans.pop("road", None)
        road = None
    else:
        road = r.values["road"]
    r.values["segment"] = Segment(road, a, b)
    r.spans["segment"] = _make_span(m.start(), m.end())
    r.last = "segment"
    return m.end()


_JUNCTION_WORD = re.compile(rf"{JUNCTION}处?")


def _read_paren(r: Reading, pos: int, end: int) -> int | None:
    t = r.t
    c = t[pos]
    # a segment needs a bracket, a leading 从 or a closing 段 in the clause
    if r.last == "road" and (c == "(" or c == "从" or "段" in t[pos:end]):
        m = _SEGMENT.match(t, pos, end)
        if m and (m.group("open") or m.group("duan") or t.startswith("从", pos)):
            a, b = m.group("from"), m.group("to")
            if valid_road(a) and valid_road(b):
                r.values["segment"] = Segment(r.values["road"], a, b)
                r.spans["segment"] = _make_span(m.start(), m.end())
                r.last = "segment"
                return m.end()
    m = _PAREN.match(t, pos, end) if c == "(" else None
    if not m:
        return None
    inner = m.group("x")
    if inner in ("路口", "交叉路口"):
        return m.end()
    j = _INTER_JUNCTION.match(t, m.start("x"), m.end("x")) if r.anchor == "road" and r.last == "road" else None
    if j and (road := r.values.get("road")) in (a := j.group("a"), b := j.group("b")) and valid_road(a) and valid_road(b):
        stop = _read_offset_into(r, j, m.end("x"))
        if stop is not None:
            # 汉阳路(汉阳路与黄河路交叉口南约100米)西侧: the spot on the road, placed from its
            # junction with the other; a side right after the bracket is the road's own
            road_span = r.spans["road"]
            side = _SIDE_AFTER.match(t, m.end(), end)
            if side:
                r.put("side", side.group("side"), side.start("side"), side.end("side"))
                r.put("side_road", road, road_span.start, road_span.end)
            return side.end() if side else m.end()
    j = _JUNCTION_IN_PAREN.fullmatch(inner) if r.anchor == "road" and r.last == "road" else None
    if j and valid_road(b := j.group("b")) and b != r.values.get("road"):
        road_span = r.spans["road"]
        r.put("road_a", r.values.pop("road"), road_span.start, road_span.end)
        r.spans.pop("road", None)
        r.put("road_b", b, m.start("x"), m.start("x") + len(b))
        r.anchor, r.anchor_clause, r.target, r.last = "intersection", r.clause, "top", "intersection"
        return m.end()
    j = _INTER_JUNCTION.fullmatch(t, m.start("x"), m.end("x")) if r.anchor == "landmark" and r.last == "landmark" else None
    if j and valid_road(a := j.group("a")) and valid_road(b := j.group("b")):
        # 某医院北门(甲路与乙路交叉口): the junction the landmark stands at is the anchor
        r.put("road_a", a, j.start("a"), j.end("a"))
        r.put("road_b", b, j.start("b"), j.end("b"))
        r.anchor, r.anchor_clause, r.target, r.last = "intersection", r.clause, "top", "intersection"
        again = _JUNCTION_WORD.match(t, m.end(), end)  # (…交叉口)十字路口: the junction named twice
        return again.end() if again else m.end()
    if ROAD_NAME_FULL.fullmatch(inner) and valid_road(inner):
        if not r.values.get("road"):
            r.put("road", _base_road(inner), m.start("x"), m.start("x") + len(_base_road(inner)))
        return m.end()
    if r.anchor in ("road", "address") and _valid_name(inner):
        side = _SIDE_IN_PAREN.search(inner)
        name = inner[:side.start()] if side and side.start() >= 2 else inner
        mark = Mark(name, _make_span(m.start("x"), m.start("x") + len(name)))
        if name != inner:
            # 红星大道(某小区大门东侧): the landmark and the side of it the spot is on
            mark.relation, mark.direction = "side", side.group("d")
            mark.direction_span = _make_span(m.start("x") + side.start(), m.start("x") + side.start() + 1)
        r.marks.append(mark)
        r.target, r.last = len(r.marks) - 1, "landmark"
        return m.end()
    return None


_SIDE_IN_PAREN = re.compile(r"(?P<d>[东西南北])侧$")
