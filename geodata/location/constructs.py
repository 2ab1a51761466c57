"""The location constructs of a problem-location line, and the loop that reads them.

A location is read left to right as a sequence of constructs: an anchor (intersection
A与B交叉口, road, house number 299号, landmark), offsets (向东120米, 东南角, 西北侧向西100米),
refinements (革新南路南侧, 路东, 北段, (A至B段), 沿线) and landmarks (天成酒店南侧10米,
…门前, X的Y的西北方向33米). `read_location` tries at the cursor only the constructs
that can occur there, and stops where none applies: that is where the problem text
starts. `parse.py` handles what comes before (numbering, prefixes) and after (problems).

>>> r = Reading("马家堡东路与革新南路交叉路口向东120米积存垃圾")
>>> stop = read_location(r, 0, len(r.t))
>>> r.t[stop:], r.values["road_a"], r.values["direction"], r.values["distance_m"]
('积存垃圾', '马家堡东路', '东', 120)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from geodata.location.lexicon import (
    CONJ,
    DIR,
    DISTANCE,
    FACILITY_END,
    GATE_END,
    GENERIC_FEATURES,
    GENERIC_WAYS,
    JUNCTION,
    NAME_CH,
    PROBLEM_WORD,
    REL,
    RELATIONS,
    ROAD,
    ROAD_CORE,
    ROAD_NAME_FULL,
    ROAD_SUFFIX,
    TRAVEL,
    normalise_direction,
)
from geodata.location.text import metres, parse_number
from geodata.location.types import (
    ParseMessage,
    Segment,
    Span,
    _make_message,
    _make_span,
)

# -- anchors ------------------------------------------------------------------------
_RN = r"[^\s,;:()、/与的|。!?“”\"]"  # a character of a free-form road name
_RN_B = r"[^\s,;:()、/与的|。!?“”\"]"
_ROADX = ROAD_CORE + r"(?:辅路|主路)?(?:[东西南北中]段)?"
_INTER_JUNCTION = re.compile(
    rf"(?P<a>{_RN}{{2,15}}?)(?:{TRAVEL})?(?P<conj>{CONJ})(?P<b>{_RN_B}{{2,15}}?)(?P<junc>{JUNCTION})处?"
)
# 开元大道龙祥路口 / 太康路金城寨街口: the second road's own 口 is the junction
_INTER_NO_CONJ = re.compile(rf"(?P<a>{_ROADX})(?P<b>{_ROADX})(?P<junc>{JUNCTION}|口)处?")
_INTER_BARE = re.compile(
    rf"(?P<a>{_ROADX})(?:{TRAVEL})?(?P<conj>{CONJ})(?P<b>{_ROADX})(?=[向往以朝]?正?{DIR}|的|处|$|[,;。])"
)
_AFTER_KNOWN_ROAD = re.compile(rf"(?P<b>{_RN}{{2,12}}?)(?P<junc>{JUNCTION})处?")
_ROUNDABOUT = re.compile(rf"(?P<a>{_RN}{{1,10}}?(?:环岛|转盘))")

_HOUSE_NO_AFTER_ROAD = re.compile(
    r"(?P<no>[东西南北]?\d+(?:[-—~一]\d+)*号|\d+(?:[-—~]\d+)+)(?!路灯|灯|杆|楼|井|地|\d)"
)
_HOUSE_NO_AT_START = re.compile(
    r"(?P<name>[\u4e00-\u9fffA-Za-z]{0,10}?)(?P<no>\d+(?:[-—~一]\d+)*号)(?!路灯|灯|杆|楼|井|地)"
)
_NOT_A_ROAD_NAME = re.compile(FACILITY_END + r"$|[村苑园]$")

# -- offsets ------------------------------------------------------------------------
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
    rf"的?\(?(?:正?(?P<c>{DIR})(?:(?P<ck>角|侧|则|方向|面)|)|)"
    rf"(?:,?[向往以朝]正?(?P<h>{DIR})(?:方向|侧|)|)\)?(?:,{_DIST_START}|)"
    rf"(?:{_DISTANCE_BRANCHES}|)"
)
_OFFSET_GROUPS = ("c", "ck", "h", "approx1", "num", "unit", "approx2")
assert tuple(sorted(_OFFSET.groupindex, key=_OFFSET.groupindex.get)) == _OFFSET_GROUPS
assert _OFFSET.groups == len(_OFFSET_GROUPS)
# An offset starting with a digit is a distance: _OFFSET's first part can read nothing there.
_DIGIT_FIRST = frozenset("0123456789")
_DISTANCE_AHEAD = re.compile(DISTANCE).match
_OFFSET_AHEAD = (
    rf"(?=的?正?{DIR}(?:侧|则|角|方向|面|约|大约|\d|[一二两三四五六七八九十]+[米公])"
    rf"|[向往以]正?{DIR})"
)

# -- refinements --------------------------------------------------------------------
ROAD_SIDE = re.compile(rf"(?P<road>{_ROADX})(?P<side>两侧|[东西南北]侧)(?![约\d])")
# Ways whose names end in no road suffix but are roads all the same: bridges, expressways,
# service roads ("G6辅路"). Read as a road side only when the side ends the clause
# (天成酒店南侧10米 is a landmark; 科荟桥北侧 is the north side of the bridge road).
_WAY_NAME = (
    r"(?>[\u4e00-\u9fffA-Za-z0-9]{1,16}?(?:高速公路|快速路|高速|辅路|主路|天桥|立交桥|立交|桥|隧道|环路"
    r"|胡同|巷|公路))"
)
_CLAUSE_END = r"(?=\s*(?:$|[,;。]))"
WAY_SIDE_AT_END = re.compile(rf"(?P<road>{_WAY_NAME})(?P<side>两侧|[东西南北]侧){_CLAUSE_END}")
_WAY_ALONE = re.compile(rf"(?P<road>{_WAY_NAME}){_CLAUSE_END}")
_SIDE_WORD = re.compile(rf"(?P<side>两侧|[东西南北]侧){_CLAUSE_END}")
_WAY_SIDE = re.compile(r"(?:道路|路)(?P<side>两侧|[东西南北]侧)")
_ROAD_EDGE = re.compile(rf"路(?P<d>[东西南北])(?![侧面]|{NAME_CH}{{0,3}}{ROAD_SUFFIX})")
_SEGMENT = re.compile(
    rf"(?P<open>\()?从?(?P<from>{_RN}{{2,12}}?)(?:至|到|—|-|~)(?P<to>{_RN}{{2,12}}?)(?P<duan>段)?(?(open)\))"
)
_SEGMENT_LEAD = re.compile(rf"从(?P<from>{_ROADX})(?:至|到)(?P<to>{_ROADX})段?,?")
_PAREN = re.compile(r"\((?P<x>[^()]{1,20})\)")
_ALONG = re.compile(r"沿线(?:街道)?|沿街|一带")
_TRAVEL = re.compile(TRAVEL)
_QUALIFIER = re.compile(
    r"(?:处|(?:小巷)?路边|非?机动车道(?:边)?上|人行道(?:地|边)?上?|马路(?:边)?上|绿地上|立杆上"
    r"|路面上|“[^”]{1,5}地”|\"[^\"]{1,5}地\")+(?:有(?!限)|存在)?|有(?!限)|存在"
)
_REL_ALONE = re.compile(REL)

# -- landmarks ----------------------------------------------------------------------
_LM = r"[^\s,;:的|。!?()“”\"、]"
_NAMED_SECTION = re.compile(rf"靠?近?(?P<name>(?![至到从—\-~]){_LM}{{2,12}}?)段")
_LANDMARK_DE = re.compile(rf"(?P<chunk>{_LM}{{1,20}}?(?:\([^()]{{1,15}}\))?)(?=的)")
_LANDMARK_CHUNK = re.compile(
    rf"(?P<name>.+?)(?P<branch>\([^()]{{1,15}}\))?"
    rf"(?P<tail>{REL}|正?{DIR}(?:角|侧|则|方向|面)?(?:[向往以]正?{DIR}(?:方向)?)?(?:{DISTANCE})?)?"
)
# a space inside a name is kept after a Latin letter or digit: "ZamZam 印巴餐厅"
# (a character class, checked afterwards by _good_spaces: alternation per character is slow)
_LMS = r"[^\t\n\r\f\v,;:的|。!?()“”\"、]"
_BAD_SPACE = re.compile(r"(?<![A-Za-z0-9&.']) | (?= )| $")


def _good_spaces(name: str) -> bool:
    return " " not in name or not _BAD_SPACE.search(name)


_LANDMARK_REL = re.compile(
    # (a branch, optional, written "(?:X|)" as in _OFFSET: tried at every name length)
    rf"(?P<name>{_LM}{_LMS}{{0,23}}?)(?:(?P<branch>\([^()]{{1,15}}\))|)(?:{_OFFSET_AHEAD}|(?P<rel>{REL}))"
)
# "，星巴克处": a landmark clause that names the place itself
_LANDMARK_AT = re.compile(rf"(?P<name>{_LM}{_LMS}{{1,23}}?)处{_CLAUSE_END}")
_LANDMARK_GATE = re.compile(rf"(?P<name>{_LM}{{1,12}}?{GATE_END})")
_LANDMARK_FACILITY = re.compile(rf"(?P<name>{_LM}{{2,20}}?{FACILITY_END})")

# Cheap first-character tests: most constructs cannot start at most positions, and a
# set lookup costs far less than a failed regular-expression call.
_OFFSET_FIRST = frozenset("的(正东西南北,向往以朝约大近0123456789零〇一二两三四五六七八九十百")
_QUALIFIER_FIRST = frozenset("处小路非机人马绿立“\"有存")
_CONJ_CHARS = frozenset("与和、/")
_REL_FIRST = frozenset(word[0] for word in RELATIONS)
# What can end a _LANDMARK_CHUNK branch or tail (a relation word, an offset, a bracket):
# a chunk ending otherwise is all name.
_CHUNK_TAIL_LAST = frozenset(word[-1] for word in RELATIONS) | frozenset("东西南北角侧则向米里mM右许处)")
# What can follow a _LANDMARK_REL name (and its branch, up to 41 characters on): the
# first character of an offset ahead or of a relation word.
_LANDMARK_NEXT = _REL_FIRST | frozenset("的正东西南北向往以")


def char_search(chars) -> Any:
    """``search(text, pos, endpos)`` for any of ``chars``: a scan in C, where a set
    test over a slice would make a string object of every character it looks at."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]").search


_CONJ_SEARCH = char_search(_CONJ_CHARS)
# _read_intersection needs a conjunction, a junction word (口, 处) or a roundabout (环岛,
# 转盘) within 32 characters, or a road named before the colon
_INTERSECTION_HINT = char_search(_CONJ_CHARS | set("口处环转"))
_LANDMARK_NEXT_SEARCH = char_search(_LANDMARK_NEXT)
_SECTION_END = re.compile(r"[东西南北中]段$")




@dataclass(slots=True)
class Mark:
    """A landmark while it is being read (mutable until the line is done)."""

    name: str
    span: Span
    relation: str = "at"
    direction: str | None = None
    direction_span: Span | None = None
    distance_m: int | float | None = None
    distance_span: Span | None = None
    approximate: bool = False
    in_chain: bool = True  # part of the anchor's description, not a later refinement


class Reading:
    """Scratch state for one line (a plain slotted class: one is made per line)."""

    __slots__ = (
        "t", "values", "spans", "marks", "warnings", "anchor", "anchor_clause", "clause",
        "known_road", "target", "last", "offset_relation", "offset_approximate",
        "address_relation", "along", "pending_segment", "clause_start", "empty_span",
    )

    def __init__(self, t: str) -> None:
        self.t = t
        self.values: dict[str, Any] = {}
        self.spans: dict[str, Span] = {}
        self.marks: list[Mark] = []
        self.warnings: list[ParseMessage] = []
        self.anchor: str | None = None  # intersection, road, address, landmark
        self.anchor_clause = 0
        self.clause = 0
        self.known_road: str | None = None
        # what an offset read now applies to: "top" (anchor), "road" or a landmark index
        self.target: Any = None
        self.last: str | None = None  # the construct read last
        self.offset_relation: str | None = None
        self.offset_approximate = False
        self.address_relation: str | None = None
        self.along = False
        self.pending_segment: tuple[str, str, Span] | None = None
        self.clause_start = -1  # where the clause after the last comma starts
        self.empty_span = False  # whether put() may have stored an empty span

    def put(self, key: str, value: Any, start: int, end: int) -> None:
        self.values[key] = value
        self.spans[key] = _make_span(start, end)
        if end <= start:
            self.empty_span = True

    def warn(self, start: int, end: int, message: str) -> None:
        self.warnings.append(_make_message(_make_span(start, end), message, None))


# Words that start a sentence, never a road name: 不知道在哪里 has no road 不知道.
_NOT_NAME_START = frozenset("不没在是这那哪什怎我你他她它请要想")


def valid_road(name: str) -> bool:
    return (
        len(name) >= 2
        and name[0] not in _NOT_NAME_START
        and name not in GENERIC_WAYS
        and not name.endswith(("人行道", "机动车道", "街道"))
        and not PROBLEM_WORD.search(name)
    )


def _valid_name(name: str) -> bool:
    return bool(name) and not PROBLEM_WORD.search(name) and name not in GENERIC_WAYS


# Sites named by their kind only are part of what is wrong (施工工地路面积尘较多).
GENERIC_SITES = frozenset({"施工工地", "工地", "施工现场", "施工区域", "项目", "工程", "小区", "市场", "公司"})
# A name read as a site must not start with a word of the problem or of the road itself.
_NOT_SITE_START = re.compile(r"[在是有对向往以从]|沿|道路|路面|人行|机动|马路")


def _valid_landmark(name: str) -> bool:
    # one character (店外经营, 门前三包) is a word of the problem, not a named place
    return len(name) >= 2 and _valid_name(name)


# -- offsets ------------------------------------------------------------------------
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
    distance = None
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
    if r.target == "road" and c and len(c) == 1 and ck in ("侧", "则", "面") and not h and num is None:
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


def _span_tuple(span: Span | None) -> tuple[int, int]:
    return (span.start, span.end) if span else (0, 0)


# -- anchors ------------------------------------------------------------------------
# What a road name read from the line's start can carry in front of it: a district
# (平城区广德街), 新区, or words ending in 在/于 (记者在六顺街, 位于汉口路).
_LEAD_BEFORE_ROAD = re.compile(r"(?:.{2,12}?[区县]|新区|.{1,12}?[在于])(?=.{3})")


def _trim_lead(a: str) -> tuple[str, int]:
    """The road name without what was read in front of it, and how much was cut.

    >>> _trim_lead("平城区广德街"), _trim_lead("记者在六顺街"), _trim_lead("园区大道")
    (('广德街', 3), ('六顺街', 3), ('园区大道', 0))
    """
    m = _LEAD_BEFORE_ROAD.match(a)
    if m:
        rest = a[m.end():]
        if ROAD_NAME_FULL.fullmatch(rest) and valid_road(rest):
            return rest, m.end()
    return a, 0


def _set_intersection(r: Reading, m: re.Match, a: str, b: str | None, junction_end: int) -> int:
    a, cut = _trim_lead(a)
    r.put("road_a", a, m.start("a") + cut, m.start("a") + cut + len(a))
    if b is not None:
        r.put("road_b", b, m.start("b"), m.start("b") + len(b))
    r.anchor, r.anchor_clause, r.target, r.last = "intersection", r.clause, "top", "intersection"
    r.values.pop("road", None)  # a road named before the junction only located it
    r.spans.pop("road", None)
    return junction_end


def _read_intersection(r: Reading, pos: int, end: int) -> int | None:
    t = r.t
    clause = t[pos:end]
    has_conj = _CONJ_SEARCH(t, pos, end) is not None
    has_junction = "口" in clause or "处" in clause
    # A与B路口, AB路口, A与B: each tried only when the clause has the words it needs
    if has_junction:
        if has_conj:
            m = _INTER_JUNCTION.match(t, pos, end)
            if m and valid_road(a := m.group("a")) and valid_road(b := m.group("b")):
                return _set_intersection(r, m, a, b, m.end())
        m = _INTER_NO_CONJ.match(t, pos, end)
        if m and m.group("junc") == "口" and not _bare_junction_ok(m.group("a"), m.group("b")):
            m = None
        if m and valid_road(a := m.group("a")) and valid_road(b := m.group("b")):
            return _set_intersection(r, m, a, b, m.end())
    if has_conj:
        m = _INTER_BARE.match(t, pos, end)
        if m and valid_road(a := m.group("a")) and valid_road(b := m.group("b")):
            return _set_intersection(r, m, a, b, m.end())
    if r.known_road and t.startswith(r.known_road, pos):
        m = _AFTER_KNOWN_ROAD.match(t, pos + len(r.known_road), end)
        if m and valid_road(m.group("b")) and not ROAD.fullmatch(m.group("b")[:-1] or "x"):
            r.put("road_a", r.known_road, pos, pos + len(r.known_road))
            r.put("road_b", m.group("b"), m.start("b"), m.end("b"))
            r.anchor, r.anchor_clause, r.target, r.last = "intersection", r.clause, "top", "intersection"
            r.values.pop("road", None)
            return m.end()
    m = _ROUNDABOUT.match(t, pos, end) if ("环岛" in clause or "转盘" in clause) else None
    if m and _valid_name(m.group("a")):
        return _set_intersection(r, m, m.group("a"), None, m.end())
    return None


_NOT_IN_BARE_JUNCTION = re.compile(r"[与和、交]")


def _bare_junction_ok(a: str, b: str) -> bool:
    """龙祥路口 is 龙祥路's 口; 陈家新村路口 is the 路口 of 陈家新村 (a village is no road),
    and a name with 与 or 交叉 in it is two names read as one.

    >>> _bare_junction_ok("开元大道", "龙祥路"), _bare_junction_ok("南一道", "陈家新村路")
    (True, False)
    """
    if _NOT_IN_BARE_JUNCTION.search(a) or _NOT_IN_BARE_JUNCTION.search(b):
        return False
    return not (b.endswith("路") and _NOT_A_ROAD_NAME.search(b[:-1]))


def _base_road(name: str) -> str:
    """革新南路辅路 stays; 太清路东段 → 太清路 (the labels keep sections out of ``road``)."""
    return _SECTION_END.sub("", name) if name.endswith("段") else name


def _read_road(r: Reading, pos: int, end: int) -> int | None:
    m = ROAD.match(r.t, pos, end)
    if not m or not valid_road(m.group("road")):
        if r.anchor is None and (w := _WAY_ALONE.match(r.t, pos, end)) and valid_road(w.group("road")):
            # "学院路街道，裕京大厦天桥": a bridge or expressway named alone is the road
            r.put("road", w.group("road"), w.start("road"), w.end("road"))
            r.anchor, r.anchor_clause, r.target, r.last = "road", r.clause, "road", "road"
            return w.end()
        return None
    name = m.group("road")
    if r.last == "road_side" and r.anchor == "road" and r.clause == r.anchor_clause:
        # 京藏高速西侧盘桥路: the side places the second road, it is not a road side
        old = r.values.get("road")
        side = r.values.pop("side", "")
        r.values.pop("side_road", None)
        r.spans.pop("side_road", None)
        side_span = r.spans.pop("side", None)
        r.marks.append(Mark(old, r.spans["road"], relation="side", direction=side[:1] or None,
                             direction_span=side_span, in_chain=False))
        r.along = False
    elif r.anchor is not None:
        return None
    base = _base_road(name)
    r.put("road", base, m.start("road"), m.start("road") + len(base))
    if m.group("section"):
        r.along = True
    if r.anchor is None:
        r.anchor, r.anchor_clause = "road", r.clause
    r.target, r.last = "road", "road"
    return m.end()


def _read_address(r: Reading, pos: int, end: int) -> int | None:
    t = r.t
    if r.last == "road" and r.anchor == "road":
        c = t[pos]
        m = _HOUSE_NO_AFTER_ROAD.match(t, pos, end) if c in "东西南北" or c.isdecimal() else None
        if not m:
            return None
        road_span = r.spans["road"]
        r.put("address", t[road_span.start:m.end("no")], road_span.start, m.end("no"))
        r.anchor, r.target, r.last = "address", "top", "address"
        return m.end("no")
    if r.anchor is not None:
        return None
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


# -- refinements --------------------------------------------------------------------
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
    has_side = "侧" in t[pos:end]
    if has_side and r.anchor == "intersection":
        new = _anchor_road_side(r, pos, end)
        if new is not None:
            return new
    m = ROAD_SIDE.match(t, pos, end) if has_side else None
    if m and valid_road(m.group("road")):
        return _put_road_side(r, m.group("road"), m.start("road"), m.group("side"), m.start("side"))
    m = WAY_SIDE_AT_END.match(t, pos, end) if has_side else None
    if m and valid_road(m.group("road")):
        return _put_road_side(r, m.group("road"), m.start("road"), m.group("side"), m.start("side"))
    if r.anchor is None:
        return None
    if t[pos] not in "路道":
        return None
    m = _WAY_SIDE.match(t, pos, end)
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


def _add_mark(r: Reading, name: str, start: int, relation: str = "at") -> Mark:
    in_chain = r.anchor in (None, "road", "landmark") or r.clause == r.anchor_clause
    mark = Mark(name, _make_span(start, start + len(name)), relation, None, None, None, None, False, in_chain)
    if name in GENERIC_FEATURES:
        mark.in_chain = False
    r.marks.append(mark)
    if r.anchor is None:
        r.anchor, r.anchor_clause = "landmark", r.clause
    r.target, r.last = len(r.marks) - 1, "landmark"
    return mark


def _landmark_name(m: re.Match, r: Reading) -> str:
    """The name with a shop's branch in brackets; a bracketed road names the road."""
    name, branch = m.group("name"), m.group("branch")
    if branch:
        inner = branch[1:-1]
        if ROAD_NAME_FULL.fullmatch(inner) and not inner.endswith("店"):
            if not r.values.get("road"):
                r.put("road", inner, m.start("branch") + 1, m.end("branch") - 1)
        else:
            name += branch
    return name


def _read_landmark(r: Reading, pos: int, end: int) -> int | None:
    t = r.t
    # 1. "X的…": a possessive ends the name, whatever words the name contains (梅子内衣)
    m = _LANDMARK_DE.match(t, pos, end) if "的" in t[pos:end] else None
    if m and (chunk := m.group("chunk"))[-1] not in _CHUNK_TAIL_LAST:
        # nothing can follow the name inside the chunk: the chunk is the name
        # (what _LANDMARK_CHUNK reads then: no branch, no tail)
        if _valid_landmark(chunk):
            _add_mark(r, chunk, pos, relation="inside")
            after = m.end()
            offset_end = _read_offset(r, after, end)
            if offset_end is not None:
                return offset_end
            r.last = "link"
            return after + 1
    elif m:
        cm = _LANDMARK_CHUNK.fullmatch(chunk)
        tail = cm.group("tail") if cm else None
        if tail and not (tail in RELATIONS or _meaningful_offset(tail)):
            cm = None
        if cm and _valid_landmark(cm.group("name")):
            name_match = _Shifted(cm, pos)
            name = _landmark_name(name_match, r)
            mark = _add_mark(r, name, pos, relation="inside")
            after = m.end()
            if tail:
                tail_start = pos + cm.start("tail")
                if tail in RELATIONS:
                    mark.relation = RELATIONS[tail]
                else:
                    _read_offset(r, tail_start, pos + cm.end("tail"))
            offset_end = _read_offset(r, after, end)
            if offset_end is not None:
                return offset_end
            if tail:
                # the possessive links to the next landmark: "诚远机械斜对面的塘坑饭店"
                r.last = "link"
                return after + 1
            r.last = "link"
            return after + 1
    # 2. a name followed by an offset or a relation word
    m = _LANDMARK_REL.match(t, pos, end) if _LANDMARK_NEXT_SEARCH(t, pos + 1, end) else None
    if m and _valid_landmark(m.group("name")) and _good_spaces(m.group("name")):
        name = _landmark_name(m, r)
        if m.group("rel"):
            _add_mark(r, name, pos, relation=RELATIONS[m.group("rel")])
            if name in GENERIC_FEATURES:
                # 庆丰中路绿化带内白色垃圾较多: the green belt is part of what is wrong
                return pos
            return m.end()
        _add_mark(r, name, pos)
        offset_end = _read_offset(r, m.end(), end)
        if offset_end is not None:
            return offset_end
        r.marks.pop()
        return None
    # 3. "，星巴克处": a clause naming the place itself
    if (pos == r.clause_start and (m := _LANDMARK_AT.match(t, pos, end)) and _valid_landmark(m.group("name"))
            and _good_spaces(m.group("name"))):
        _add_mark(r, m.group("name"), pos)
        return m.end()
    # 4. a gate named after a road (盘纸厂北门), or a site after a possessive
    if r.last == "road" and r.clause == r.anchor_clause:
        m = _LANDMARK_GATE.match(t, pos, end)
        if m and _valid_name(m.group("name")):
            _add_mark(r, m.group("name"), pos)
            return m.end()
    # 5. a named site that starts the line (金财市场垃圾成堆) or follows its road with no
    # relation word (魏源路金长城网吧): the site is the place
    if r.last is None or (r.last == "road" and r.anchor == "road" and r.clause == r.anchor_clause):
        m = _LANDMARK_FACILITY.match(t, pos, end)
        name = m.group("name") if m else ""
        if m and _valid_landmark(name) and not _NOT_SITE_START.match(name) and name not in GENERIC_SITES:
            _add_mark(r, name, pos)
            return m.end()
    if r.last == "link":
        m = _LANDMARK_FACILITY.match(t, pos, end)
        if m and _valid_name(m.group("name")):
            _add_mark(r, m.group("name"), pos)
            return m.end()
    return None


class _Shifted:
    """A match on a chunk seen as a match on the whole text (group offsets shifted)."""

    def __init__(self, match: re.Match, shift: int) -> None:
        self._m, self._shift = match, shift

    def group(self, name: str) -> str | None:
        return self._m.group(name)

    def start(self, name: str) -> int:
        return self._m.start(name) + self._shift

    def end(self, name: str) -> int:
        return self._m.end(name) + self._shift


def _meaningful_offset(text: str) -> bool:
    m = _OFFSET.fullmatch(text)
    return bool(m and ((m.group("c") and (m.group("ck") or m.group("num"))) or m.group("h")))


# -- the location loop --------------------------------------------------------------
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
    if r.anchor is None:
        m = _SEGMENT_LEAD.match(t, pos, end) if c == "从" else None
        if m and r.pending_segment is None:
            # 从丰台东路至丰台北路，正阳大街两侧: the stretch is named before its road
            r.pending_segment = (m.group("from"), m.group("to"), _make_span(m.start(), m.end()))
            return m.end()
        # a road before a house number: 五环北路东7号 is No. 7 East on 五环北路
        if r.known_road or _INTERSECTION_HINT(t, pos, end):
            new = _read_intersection(r, pos, end)
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
    if c == "(" or (last == "road" and (c == "从" or "段" in t[pos:end])):
        if last in ("road", "segment", "intersection", "landmark", "address"):
            new = _read_paren(r, pos, end)
            if new is not None:
                return new
    if c == "由" and _TRAVEL.match(t, pos, end):
        return pos + 4
    if last == "road" and r.anchor == "road" and "段" in t[pos:end]:
        m = _NAMED_SECTION.match(t, pos, end)
        if m and _valid_landmark(m.group("name")):
            # 翠湖一路凤凰城段: the stretch of the road by a landmark, still the road
            mark = _add_mark(r, m.group("name"), m.start("name"), relation="along")
            mark.in_chain = False
            r.along, r.last = True, "along"
            return m.end()
    if (last == "road" or last == "segment") and c in "沿一" and (m := _ALONG.match(t, pos, end)):
        r.along = True
        r.last = "along"
        return m.end()
    if c in "路道" or "侧" in t[pos:end]:
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
    if last == "road" and r.anchor == "road" and (c in "东西南北" or c.isdecimal()):
        new = _read_address(r, pos, end)
        if new is not None:
            return new
    if last == "road_side" and r.anchor == "road" and r.clause == r.anchor_clause:
        # with an anchor, a road is read only to place a road side (京藏高速西侧盘桥路)
        new = _read_road(r, pos, end)
        if new is not None:
            return new
    return _read_landmark(r, pos, end)


# -- putting it together ------------------------------------------------------------
def finish_anchor(r: Reading) -> None:
    v = r.values
    if r.pending_segment and v.get("road") and not v.get("segment"):
        a, b, span = r.pending_segment
        v["segment"], r.spans["segment"] = Segment(v["road"], a, b), span
    chain = [mk for mk in r.marks if mk.in_chain] if r.marks else []
    if r.anchor == "intersection":
        v["anchor_kind"], v["anchor_relation"] = "intersection", r.offset_relation or "at"
        v["approximate"] = r.offset_approximate
        return
    if r.anchor == "address" or chain:
        v["anchor_kind"] = "landmark"
        if r.anchor == "address" and (r.address_relation or not chain):
            v["anchor_relation"] = r.address_relation or "at"
            v["approximate"] = r.offset_approximate
            return
        last = chain[-1]
        v["anchor_relation"] = last.relation
        if not last.direction and len(chain) > 1:
            # 亮哥名烟名酒西侧网点前: the site has no direction of its own, the landmark right
            # before it (same clause, only its side word between) places it
            prev = chain[-2]
            gap = r.t[prev.span.end:last.span.start]
            if prev.direction and prev.relation == "side" and len(gap) <= 3 and "," not in gap:
                last = prev
        v["approximate"] = last.approximate
        if last.direction:
            r.put("direction", last.direction, *_span_tuple(last.direction_span))
        if last.distance_m is not None:
            r.put("distance_m", last.distance_m, *_span_tuple(last.distance_span))
        return
    if r.anchor == "road" or v.get("road"):
        v["anchor_kind"] = "road_only"
        feature = next((mk for mk in r.marks if mk.name in GENERIC_FEATURES), None)
        if v.get("segment"):
            v["anchor_relation"] = "segment"
        elif v.get("side") or any(mk.relation == "side" for mk in r.marks):
            v["anchor_relation"] = "side"
        elif feature:
            v["anchor_relation"] = feature.relation
        elif r.along:
            v["anchor_relation"] = "along"
        else:
            v["anchor_relation"] = "at"
        return
    if r.marks:
        v["anchor_kind"], v["anchor_relation"] = "landmark", r.marks[-1].relation
        return
    v["anchor_kind"] = "other"
    v["anchor_relation"] = "inside" if v.get("subdistrict") else None


