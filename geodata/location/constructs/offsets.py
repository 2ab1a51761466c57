"""Offsets: a corner, side, heading and distance after an anchor or a landmark.

An offset is what follows the place it moves from: 向东120米, 东南角, 西北侧向西100米,
约50米 (in 马家堡东路与革新南路交叉路口向东120米, the offset 向东120米 of the
intersection). It applies to the anchor, the road or the landmark read last
(``Reading.target``); a road's 南侧 is a road side.
"""

from __future__ import annotations

import re

from geodata.location.constructs.reading import Reading, _span_tuple
from geodata.location.lexicon import DIR, DISTANCE, normalise_direction
from geodata.location.text import metres, parse_number
from geodata.location.types import _make_span

_DIST_START = r"(?=约|大约|近|\d|[一二两三四五六七八九十百])"
# Written with "(?:X|)" for an optional group X: the same matches as "(?:X)?" (X first,
# then nothing), but the engine reads a branch without the bookkeeping of a repeat, and
# this pattern is tried after almost every anchor and landmark.
_DISTANCE_BRANCHES = DISTANCE
for _optional, _branch in (
    ("(?P<approx1>约|大约|近)?", "(?:(?P<approx1>约|大约|近)|)"),
    ("(?:\\.\\d+)?", "(?:\\.\\d+|)"),
    ("(?P<approx2>左右|许)?", "(?:(?P<approx2>左右|许)|)"),
):
    assert _DISTANCE_BRANCHES.count(_optional) == 1, _optional
    _DISTANCE_BRANCHES = _DISTANCE_BRANCHES.replace(_optional, _branch)
del _optional, _branch
_OFFSET = re.compile(
    # (正北方, a quarter ending its clause: 体育馆正北方,)
    rf"的?\(?(?:正?(?P<c>{DIR})(?:(?P<ck>角|侧|则|方向|方(?=[,;。])|面|边|岸|行(?=约|大约|\d))|)|)"
    rf"(?:,?(?:从{DIR}|)[向往以朝]正?(?P<h>{DIR})(?:方向|侧|)(?:前行|步行|走|行|)|)\)?(?:,{_DIST_START}|仅{_DIST_START}|)"
    rf"(?:{_DISTANCE_BRANCHES}|)"
)
_OFFSET_GROUPS = ("c", "ck", "h", "approx1", "num", "unit", "approx2")
assert tuple(sorted(_OFFSET.groupindex, key=_OFFSET.groupindex.get)) == _OFFSET_GROUPS
assert _OFFSET.groups == len(_OFFSET_GROUPS)
# An offset starting with a digit is a distance: _OFFSET's first part can read nothing there.
_DIGIT_FIRST = frozenset("0123456789")
_DISTANCE_AHEAD = re.compile(DISTANCE).match
_OFFSET_AHEAD = (
    rf"(?=的?正?{DIR}(?:侧|则|角|方向|方[,;。]|面|边|岸|行?约|行?大约|行?\d|[一二两三四五六七八九十]+[米公])"
    rf"|(?:从{DIR})?[向往以]正?{DIR}"
    # a distance alone, from a gate or a lane's mouth (巷口约100米处)
    rf"|(?:约|大约)?\d+多?(?:米|公里)处)"
)
# A cheap first-character test: an offset cannot start at most positions, and a set
# lookup costs far less than a failed regular-expression call.
_OFFSET_FIRST = frozenset("的(正东西南北,向往以朝约大近从0123456789零〇一二两三四五六七八九十百")


_LENGTH_AFTER = re.compile(r"的?(?:路段|长|距离|范围)")


def _read_offset(r: Reading, pos: int, end: int) -> int | None:
    """Corner, side, heading and distance after an anchor or a landmark."""
    t = r.t
    first = t[pos]
    if r.target is None or first not in _OFFSET_FIRST:
        return None
    if first in _DIGIT_FIRST and not _DISTANCE_AHEAD(t, pos, end):
        # from a digit only a distance can be read (299-2号 is none)
        return None
    m = _OFFSET.match(t, pos, end)
    if not m:
        return None
    c, ck, h, approx1, num, unit, approx2 = m.groups()  # _OFFSET_GROUPS, in order
    if not ((c and (ck or num)) or h or num):
        return None
    if first == "从" and not num:
        return None  # 从北向南的机动车道: the direction of travel, no heading walked
    distance = None
    if num and _LENGTH_AFTER.match(t, m.end(), end):
        return None  # (北二环到联盟路)450米的路段上: the length of a stretch, no offset
    if num:
        # ASCII digits (short enough for a float to hold exactly): parse_number's value
        number = int(num) if len(num) < 16 and num.isdigit() and num.isascii() else parse_number(num)
        if number is None:
            return None
        distance = metres(number, unit)
    approximate = bool(approx1 or approx2)
    if ck == "则":
        r.warn(m.start("ck"), m.end("ck"), "'则' read as '侧' (typing error)")

    corner = None
    if c and h:
        corner, direction, dir_group = c, h, "h"
        relation = "offset"
    elif c:
        direction, dir_group = c, "c"
        relation = "offset" if distance is not None else ("corner" if ck == "角" else "side")
    elif h:
        direction, dir_group = h, "h"
        relation = "offset"
    else:
        direction, dir_group, relation = None, None, "offset"
    dir_span = _make_span(m.start(dir_group), m.end(dir_group)) if dir_group else None
    dist_span = _make_span(m.start("num"), m.end("unit")) if num else None

    if isinstance(r.target, int):
        mark = r.marks[r.target]
        if direction:
            mark.direction, mark.direction_span = normalise_direction(direction), dir_span
        if distance is not None:
            mark.distance_m, mark.distance_span, mark.approximate = distance, dist_span, approximate
        if direction or mark.relation in ("at", "inside"):
            mark.relation = relation if direction else "offset"
        return m.end()
    if r.target == "road" and c and len(c) == 1 and ck in ("侧", "则", "面", "边") and not h and num is None:
        r.put("side", c + "侧", m.start("c"), m.end("ck"))
        r.put("side_road", r.values.get("road"), *_span_tuple(r.spans.get("road")))
        r.last = "road_side"
        return m.end()
    if direction:
        r.put("direction", normalise_direction(direction), dir_span.start, dir_span.end)
    if corner:
        r.put("corner", corner, m.start("c"), m.end("c"))
    if distance is not None:
        r.put("distance_m", distance, dist_span.start, dist_span.end)
        r.offset_approximate = approximate
    elif not direction:
        return None
    r.offset_relation = relation if direction else "offset"
    if r.anchor == "address":
        r.address_relation = r.offset_relation
    r.last = "offset"
    return m.end()


def _meaningful_offset(text: str) -> bool:
    m = _OFFSET.fullmatch(text)
    return bool(m and ((m.group("c") and (m.group("ck") or m.group("num"))) or m.group("h")))
