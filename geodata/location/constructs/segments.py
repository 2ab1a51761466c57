"""Segments, brackets and named sections of a road.

A stretch between two roads: 正阳大街(丰台东路至丰台北路段), 从A路到B路段, or named
before its road (从丰台东路至丰台北路，正阳大街两侧); a bracket after an anchor
((交叉路口), a road's name, a landmark); a stretch named by a landmark
(翠湖一路凤凰城段).
"""

from __future__ import annotations

import re

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
from geodata.location.lexicon import ROAD_NAME_FULL
from geodata.location.types import Segment, _make_span

_SEGMENT = re.compile(
    rf"(?P<open>\()?从?(?P<from>{_RN}{{2,12}}?)(?:至|到|—|-|~)(?P<to>{_RN}{{2,12}}?)(?P<duan>段)?(?(open)\))"
)
_SEGMENT_LEAD = re.compile(rf"从(?P<from>{_ROADX})(?:至|到)(?P<to>{_ROADX})段?,?")
_PAREN = re.compile(r"\((?P<x>[^()]{1,20})\)")
_NAMED_SECTION = re.compile(rf"靠?近?(?P<name>(?![至到从—\-~]){_LM}{{2,12}}?)段")


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
    if ROAD_NAME_FULL.fullmatch(inner) and valid_road(inner):
        if not r.values.get("road"):
            r.put("road", _base_road(inner), m.start("x"), m.start("x") + len(_base_road(inner)))
        return m.end()
    if r.anchor in ("road", "address") and _valid_name(inner):
        r.marks.append(Mark(inner, _make_span(m.start("x"), m.end("x"))))
        r.target, r.last = len(r.marks) - 1, "landmark"
        return m.end()
    return None
