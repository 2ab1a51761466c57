"""Addresses: a house number, after its road or starting the line.

五环北路东7号 (No. 7 East on 五环北路, read after the road), 299-2号, or a name with its
number at the start: 幸社小区15号 (a building of a compound, itself the landmark), or
A路12号 (the road and its number).
"""

from __future__ import annotations

import re

from geodata.location.constructs.reading import (
    _NOT_A_ROAD_NAME,
    Mark,
    Reading,
    _valid_name,
)
from geodata.location.types import _make_span

# 9号院, 五号院: a compound's number is the address too (its 院 kept, as the labels write it);
# so is a building's number right after its road (某路东段12号楼, 某路3-2号楼)
_HOUSE_NO_AFTER_ROAD = re.compile(
    r"(?P<no>[东西南北]?\d+(?:[-—~一]\d+)*号(?:院(?!长)|楼)?|\d+(?:[-—~]\d+)+|[一二三四五六七八九十]{1,3}号院)"
    r"(?!路灯|灯|杆|楼|井|地|\d)"
)
_HOUSE_NO_AT_START = re.compile(
    r"(?P<name>[\u4e00-\u9fffA-Za-z]{0,10}?)(?P<no>\d+(?:[-—~一]\d+)*号(?:院(?!长))?)(?!路灯|灯|杆|楼|井|地)"
)
_HOUSE_NO_FIRST = frozenset("东西南北一二三四五六七八九十")
# What a line puts before a house number's name: 在, a city, a district (在南京市鼓楼区金陵村100号院)
_BEFORE_NAME = re.compile(r"在?(?:[\u4e00-\u9fff]{2,3}市)?(?P<d>[\u4e00-\u9fff]{1,3}[区县](?=[\u4e00-\u9fff]{2}))?")


def _read_address(r: Reading, pos: int, end: int) -> int | None:
    t = r.t
    if r.last == "road" and r.anchor == "road":
        c = t[pos]
        m = _HOUSE_NO_AFTER_ROAD.match(t, pos, end) if c in _HOUSE_NO_FIRST or c.isdecimal() else None
        if not m:
            return None
        road_span = r.spans["road"]
        r.put("address", t[road_span.start:m.end("no")], road_span.start, m.end("no"))
        r.anchor, r.target, r.last = "address", "top", "address"
        return m.end("no")
    if r.anchor is not None:
        return None
    lead = _BEFORE_NAME.match(t, pos, end)
    m = _HOUSE_NO_AT_START.match(t, lead.end(), end) if lead.end() > pos else None
    if m and m.group("name"):
        if lead.group("d") and not r.values.get("district"):
            r.put("district", lead.group("d"), lead.start("d"), lead.end("d"))
    else:
        m = _HOUSE_NO_AT_START.match(t, pos, end)
    if not m:
        return None
    name = m.group("name")
    if name and not _valid_name(name):
        return None
    r.put("address", name + m.group("no"), m.start(), m.end("no"))
    r.anchor, r.anchor_clause, r.last = "address", r.clause, "address"
    if name and _NOT_A_ROAD_NAME.search(name):
        # 幸社小区15号: a building of a compound, itself the landmark
        r.marks.append(Mark(name + m.group("no"), _make_span(m.start(), m.end("no"))))
        r.target = len(r.marks) - 1
    else:
        if name:
            r.put("road", name, m.start("name"), m.end("name"))
        r.target = "top"
    return m.end("no")
