"""A deliberately plain regular-expression reader of location lines, for comparison.

This is what one writes in an afternoon from the newspaper's own style, "…街道，A与B
交叉路口向东120米，B南侧，…，问题。": one regular expression per field, searched
anywhere in the line, the last comma-separated clause taken as the problem. The
benchmark (`geodata.location.evaluate`) shows what the real parser
(`geodata.location.parse`) gains over it. Do not improve it: its job is to stay plain.

>>> loc = parse_baseline("西罗园街道，马家堡东路与革新南路交叉路口向东120米，积存垃圾。")
>>> loc.subdistrict, loc.road_a, loc.road_b, loc.direction, loc.distance_m, loc.problems
('西罗园街道', '马家堡东路', '革新南路', '东', 120, ('积存垃圾',))
"""

from __future__ import annotations

import re

from geodata.location.text import fold
from geodata.location.types import ParsedLocation, Problem, Span

_SUBDISTRICT = re.compile(r"([\u4e00-\u9fff]{2,6}?(?:街道|地区|镇|乡))")
_INTERSECTION = re.compile(
    r"([\u4e00-\u9fff]{2,10}?(?:路|街|道))[与和]([\u4e00-\u9fff]{2,10}?(?:路|街|道))(?:交叉路口|交叉口|路口)"
)
_OFFSET = re.compile(r"向([东南西北]{1,2})(\d+)米")
_CORNER = re.compile(r"([东南西北]{2})角")
_SIDE = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:路|街|道))([东南西北])侧")
_ROAD = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:路|街|道))")
_LANDMARK = re.compile(r"([\u4e00-\u9fff]{2,10}?)(?:门前|门口|对面|附近)")


def parse_baseline(text: str) -> ParsedLocation:
    """Field-by-field regular expressions; never raises."""
    if not isinstance(text, str):
        return ParsedLocation()
    t = fold(text)
    fields: dict = {}
    if m := _SUBDISTRICT.search(t):
        fields["subdistrict"] = m.group(1)
    if m := _INTERSECTION.search(t):
        fields["road_a"], fields["road_b"] = m.group(1), m.group(2)
        fields["anchor_kind"] = "intersection"
    elif _LANDMARK.search(t):
        fields["anchor_kind"] = "landmark"
    elif m := _ROAD.search(t):
        fields["anchor_kind"] = "road_only"
        fields["road"] = m.group(1)
    if m := _OFFSET.search(t):
        fields["direction"], fields["distance_m"] = m.group(1), int(m.group(2))
    elif m := _CORNER.search(t):
        fields["direction"] = m.group(1)
    if m := _SIDE.search(t):
        fields["side_road"], fields["side"] = m.group(1), m.group(2) + "侧"
    clauses = [c for c in re.split(r"[,;。]", t) if c.strip()]
    problems = ()
    if clauses:
        last = clauses[-1].strip()
        problems = (Problem(last, None, Span(t.rfind(last), t.rfind(last) + len(last))),)
    return ParsedLocation(problem_items=problems, **fields)
