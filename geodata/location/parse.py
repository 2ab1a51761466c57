"""Reading a problem-location line: text → `ParsedLocation`.

Inspection lists locate a problem the way a reader walks to it: a subdistrict, an
*anchor* (an intersection, a road, a house number or a landmark), an *offset* from the
anchor (向东120米, 东南角, 西北侧向西100米), refinements (革新南路南侧 = on the south side
of that road; 天成酒店南侧10米 = 10 m south of a hotel), and then the problems.

The parser reads left to right. After the prefixes (numbering, 检查发现, "柯城:", district,
subdistrict) it repeatedly tries the location constructs at the cursor; the first place
where none applies is where the problem text starts. Constructs are tried only where
they can occur (an intersection only as the anchor, a road side after a road), which
is what keeps direction words inside names (北方烧烤, 北门街) from being read as
directions. It never raises: unreadable text gives ``errors``, half-readable text
gives what was read plus ``warnings``.

>>> loc = parse("2. 西罗园街道，马家堡东路与革新南路交叉路口向东120米，革新南路南侧，"
...             "天成酒店南侧10米，积存垃圾。")
>>> loc.subdistrict, loc.road_a, loc.road_b, loc.direction, loc.distance_m, loc.side
('西罗园街道', '马家堡东路', '革新南路', '东', 120, '南侧')
>>> loc.landmarks[0].name, loc.landmarks[0].direction, loc.problems
('天成酒店', '南', ('积存垃圾',))
"""

from __future__ import annotations

import logging
import re
from operator import itemgetter

from geodata.location.constructs import (
    _LANDMARK_REL,
    _OFFSET_FIRST,
    _QUALIFIER,
    _QUALIFIER_FIRST,
    _WAY_ALONE,
    ROAD_SIDE,
    WAY_SIDE_AT_END,
    Mark,
    Reading,
    _good_spaces,
    _valid_landmark,
    _valid_road,
    char_search,
    finish_anchor,
    read_location,
)
from geodata.location.lexicon import (
    BEIJING_DISTRICTS,
    JUNCTION,
    PROBLEM_WORD,
    ROAD,
    ROAD_NAME_FULL,
    ROAD_SUFFIX,
    SUBDISTRICT_KIND,
)
from geodata.location.problems import read_problems
from geodata.location.text import fold
from geodata.location.types import (
    INTERNAL,
    Landmark,
    ParsedLocation,
    ParseMessage,
    Problem,
    Span,
    _make_landmark,
    _make_location,
    _make_message,
    _make_span,
)

logger = logging.getLogger(__name__)

# -- prefixes -----------------------------------------------------------------------
_NUMBERING = re.compile(
    r"\s*[●•·○◆■▲★]?\s*(?:\(?\d{1,3}\)|\d{1,3}\s*[.、](?!\d)|[一二三四五六七八九十]{1,3}、)?\s*"
)
_PREAMBLE = re.compile(r".{0,40}?(?:检查|巡查|督查|暗访)发现[,:]?")
_COMPLAINT = re.compile(r".{1,12}?反映[,:]")
_COLON_PREFIX = re.compile(r"(?P<p>[^\s,;:()|。]{1,12}):(?!\s*\d{1,2}\s*[.、])")
_COLON_BEFORE_LIST = re.compile(r":(?=\s*\d{1,2}\s*[.、])")
_DISTRICT = re.compile(
    "(?P<d>(?:" + "|".join(BEIJING_DISTRICTS) + r")区?|[\u4e00-\u9fff]{2,4}区(?=[\u4e00-\u9fff]{1,8}?"
    r"(?:街道|镇|乡|地区)))"
)
_SUBDISTRICT = re.compile(
    rf"(?P<name>[\u4e00-\u9fff]{{1,8}}?)(?P<kind>{SUBDISTRICT_KIND})(?P<belongs>所属)?"
)
_SUBDISTRICT_BAD = re.compile(r"路|大道|大街|沿线|区|的|[东西南北]侧|交叉|路口")
# 学院路街道， is a subdistrict named after a road: a name with a road word is one when a
# comma closes it and it is a kind of area a line starts with.
_SUBDISTRICT_BAD_BEFORE_COMMA = re.compile(r"沿线|区|的|[东西南北]侧|交叉|路口|与|和")
_AREA_KINDS_NAMED_AFTER_ROADS = frozenset({"街道", "街道办事处", "地区", "镇", "乡"})
_ADMIN_AREA = re.compile(
    r"责任辖区(?:及责任人)?:(?:[^,;。()]*?区)?(?P<sub>[^,;。()区]{1,8}?(?:办事处|街道|镇|乡))"
)

_HAS_HAN = re.compile(r"[\u4e00-\u9fff]")
# What a line's end is stripped of: white space (str.isspace: all of it is below U+3001)
# and closing punctuation, in any order.
_END_CHARS = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "。.;,"
# Necessary first characters (cheap tests before a regular-expression call): a district
# name, or a name ending in 区 within 2-4 characters; a subdistrict kind within 1-8.
_DISTRICT_FIRST = frozenset(name[0] for name in BEIJING_DISTRICTS)
_KIND_FIRST = frozenset("街地办乡镇社")
_KIND_SEARCH = char_search(_KIND_FIRST)
_ROAD_SUFFIX_END = re.compile(ROAD_SUFFIX + "$")
_TABLE_NUMBER = re.compile(r"\d{1,3}\s*[.、]?")
_TABLE_ACTION = re.compile(r"拟|已|移交|责令|处理|立案")
_TRAILING_PAREN = re.compile(r"\([^()]*\)\s*$")


# -- prefixes -----------------------------------------------------------------------
def _read_colon_prefixes(r: Reading, pos: int, end: int) -> int:
    """柯城: / 东港南山路: / 乡镇杜泽巽峰路: / 新增网格: before the location proper."""
    t = r.t
    while True:
        m = _COLON_PREFIX.match(t, pos, end)
        if not m:
            return pos
        prefix, p_start, after = m.group("p"), m.start("p"), m.end()
        head, head_end = prefix, len(prefix)
        if ROAD_NAME_FULL.search(prefix) or _ROAD_SUFFIX_END.search(prefix):
            # the longest tail of the prefix that the body starts with is a road
            for k in range(len(prefix) - 1):
                tail = prefix[k:]
                if len(tail) >= 2 and t.startswith(tail, after):
                    head, head_end = prefix[:k], k
                    r.known_road = tail
                    break
            else:
                if _ROAD_SUFFIX_END.search(prefix):
                    head, head_end = "", 0
                    r.known_road = prefix
        sub = _SUBDISTRICT.fullmatch(head)
        if head.startswith("乡镇") and len(head) > 2:
            r.put("subdistrict", head[2:], p_start + 2, p_start + head_end)
        elif sub and not _SUBDISTRICT_BAD.search(sub.group("name")) and not sub.group("belongs"):
            r.put("subdistrict", head, p_start, p_start + head_end)
        elif head and "网格" not in head and not PROBLEM_WORD.search(head):
            r.put("district", head, p_start, p_start + head_end)
        pos = after


def _read_district_and_subdistrict(r: Reading, pos: int, end: int) -> int:
    t = r.t
    m = (_DISTRICT.match(t, pos, end)
         if t[pos:pos + 1] in _DISTRICT_FIRST or "区" in t[pos + 2:pos + 5] else None)
    if m:
        name = m.group("d")
        nxt = t[m.end(): m.end() + 1]
        if name.endswith("区") or (nxt and nxt not in "路街道巷里条大环" and ROAD.match(t, m.end(), end)):
            r.put("district", name, m.start(), m.end())
            pos = m.end()
    m = _SUBDISTRICT.match(t, pos, end) if _KIND_SEARCH(t, pos + 1, pos + 9) else None
    if m and _subdistrict_ok(m, t):
        r.put("subdistrict", m.group("name") + m.group("kind"), m.start(), m.end("kind"))
        pos = m.end()
    return pos


def _subdistrict_ok(m: re.Match, t: str) -> bool:
    name, kind = m.group("name"), m.group("kind")
    nxt = t[m.end(): m.end() + 1]
    ok = not _SUBDISTRICT_BAD.search(name) or (
        nxt == "," and kind in _AREA_KINDS_NAMED_AFTER_ROADS
        and not _SUBDISTRICT_BAD_BEFORE_COMMA.search(name)
    )
    if kind == "社区" and not m.group("belongs") and nxt not in (",", ":", " ", ""):
        ok = False
    if len(name) == 1 and kind not in ("乡", "镇"):
        ok = False
    return ok


def _read_table_row(r: Reading, pos: int, end: int) -> tuple[int, int, list[tuple[int, int]]]:
    """`1. | 奥南4号地建设项目 | 北土城路北侧 | 部分土堆未覆盖 |`: one cell per part."""
    t = r.t
    cells, start = [], pos
    for i in range(pos, end + 1):
        if i == end or t[i] == "|":
            s, e = start, i
            while s < e and t[s].isspace():
                s += 1
            while e > s and t[e - 1].isspace():
                e -= 1
            if e > s and not _TABLE_NUMBER.fullmatch(t, s, e):
                cells.append((s, e))
            start = i + 1
    location_cell = next(
        (k for k, (s, e) in enumerate(cells) if ROAD.search(t, s, e) or ROAD_SIDE.search(t, s, e)), 0
    )
    for s, e in cells[:location_cell]:
        r.marks.append(Mark(t[s:e], Span(s, e), in_chain=False))
    if location_cell < len(cells):
        s, e = cells[location_cell]
        stop = read_location(r, s, e)
        if stop < e:
            r.warn(stop, e, "text in the location cell was not read")
    problem_cells = [
        (s, e) for s, e in cells[location_cell + 1:]
        if not _TABLE_ACTION.match(t, s, e)
    ]
    return pos, end, problem_cells


def _problems_in(r: Reading, regions, first_only: bool) -> list[Problem]:
    problems: list[Problem] = []
    for s, e in regions:
        items, names = read_problems(r.t, s, e, first_only=first_only)
        problems.extend(items)
        for lm in names:
            r.marks.append(Mark(lm.name, lm.span))
        if first_only and problems:
            break
    return problems


def _read(text: str, fast: bool = True) -> ParsedLocation:
    t = fold(text)
    end = len(t.rstrip(_END_CHARS))
    starts_han = "\u4e00" <= t[0] <= "\u9fff" if end else False
    if end == 0 or not (starts_han or _HAS_HAN.search(t)):
        return ParsedLocation(errors=(ParseMessage(Span(0, len(text)), "no Chinese location text"),))
    if fast and (("与" in t and "交叉路口" in t) or "方向" in t):
        loc = _fast(text, t, end)
        if loc is not None:
            return loc
    r = Reading(t)
    pos = _NUMBERING.match(t, 0, end).end() if not starts_han else 0

    if t.count("|") >= 2:
        _, _, problem_cells = _read_table_row(r, pos, end)
        problems = _problems_in(r, problem_cells, first_only=False)
        return _result(r, problems, text)

    m = _PREAMBLE.match(t, pos, end) if "发现" in t and "发现" in t[pos:pos + 46] else None
    if m:
        pos = m.end()
    complaint = _COMPLAINT.match(t, pos, end) if "反映" in t and "反映" in t[pos:pos + 16] else None
    if complaint:
        pos = complaint.end()
    if t.startswith("位于", pos):
        pos += 2
    if ":" in t[pos:pos + 14]:
        pos = _read_colon_prefixes(r, pos, end)
    pos = _read_district_and_subdistrict(r, pos, end)
    if r.values.get("subdistrict") and t.startswith(",", pos):
        pos += 1

    listed = _COLON_BEFORE_LIST.search(t, pos, end) if ":" in t else None
    location_end = listed.start() if listed else end
    stop = read_location(r, pos, location_end)
    if listed:
        # "…地块(1#住宅楼等19项):1.…;2.…": all before the colon is the place
        rest = _TRAILING_PAREN.sub("", t[stop:location_end]).strip()
        if rest:
            r.marks.append(Mark(rest, Span(stop, stop + len(rest)), in_chain=True))
            if r.anchor in (None, "road"):
                r.anchor = "landmark" if r.anchor is None else r.anchor
        problem_start = listed.end()
    else:
        problem_start = stop
    m = _ADMIN_AREA.search(t, problem_start, end) if "责任辖区" in t else None
    if m and not r.values.get("subdistrict"):
        r.put("subdistrict", m.group("sub"), m.start("sub"), m.end("sub"))
    problems, names = read_problems(t, problem_start, end, first_only=bool(complaint))
    for lm in names:
        r.marks.append(Mark(lm.name, lm.span))
    return _result(r, problems, text)


_NO_LOCATION = "no location recognised (未识别出位置)"
_LANDMARK_KEYS = tuple(f"landmarks[{i}]" for i in range(32))
_PROBLEM_KEYS = tuple(f"problems[{i}]" for i in range(32))
# The reading's values in ParsedLocation's field order (its first 15 fields), and what a
# field is when nothing was read for it.
_VALUE_FIELDS = (
    "district", "subdistrict", "road_a", "road_b", "anchor_kind", "anchor_relation", "direction",
    "distance_m", "approximate", "corner", "road", "side_road", "side", "address", "segment",
)
_values_in_order = itemgetter(*_VALUE_FIELDS)
_NO_VALUES = {**dict.fromkeys(_VALUE_FIELDS), "anchor_kind": "other"}


def _result(r: Reading, problems: list[Problem], text: str) -> ParsedLocation:
    finish_anchor(r)
    values = r.values
    n = len(text)
    errors: tuple[ParseMessage, ...] = ()
    if not (r.anchor or values.get("subdistrict") or r.marks):
        errors = (_make_message(_make_span(0, n), _NO_LOCATION, None),)
    if not problems:
        r.warn(0, n, _NO_PROBLEM)
    spans = r.spans  # the reading is done: its dict becomes the result's
    empty = r.empty_span  # only put() and these loops store spans that can be empty
    landmarks = []
    for i, mk in enumerate(r.marks):
        span = mk.span
        landmarks.append(_make_landmark(mk.name, mk.direction, mk.distance_m, mk.relation, span))
        spans[_LANDMARK_KEYS[i] if i < 32 else f"landmarks[{i}]"] = span
        if span.end <= span.start:
            empty = True
    for i, p in enumerate(problems):
        span = p.span
        if span:
            spans[_PROBLEM_KEYS[i] if i < 32 else f"problems[{i}]"] = span
            if span.end <= span.start:
                empty = True
    if empty:
        kept_spans = tuple([(k, s) for k, s in spans.items() if s.end > s.start or k == "segment"])
    else:
        kept_spans = tuple(spans.items())
    fields = _NO_VALUES.copy()
    fields.update(values)
    fields["approximate"] = bool(fields["approximate"])
    return _make_location(
        *_values_in_order(fields), tuple(landmarks), tuple(problems), kept_spans, tuple(r.warnings), errors
    )


# -- fast path ----------------------------------------------------------------------
# The shape `describe` writes (and most published lines' location part):
#   [街道，]A与B交叉路口(向X N米|处)[，R X侧][，L X侧N米|，L处]   or   [街道，]L X方向N米
# One regular expression reads it whole; every place where the general reader could
# read it differently is checked with the general reader's own expressions, and any
# doubt falls back to the general path, so both give the same result (tested).
_FN = r"[^\s,;:()、/与和的|。!?“”\"]"
_FD = r"(?:东北|东南|西北|西南|东|西|南|北)"
_FAST = re.compile(
    rf"(?:(?P<sub>[\u4e00-\u9fff]{{1,9}}?(?:街道|地区|镇|乡)), ?)?"
    rf"(?:(?P<a>{_FN}{{2,15}}?)与(?P<b>{_FN}{{2,15}}?)交叉路口"
    rf"(?:向(?P<dir>{_FD})(?P<n>[1-9][0-9]{{0,5}})米|(?P<at>处))"
    rf"(?:, ?(?P<sr>{_FN}{{2,20}}?)(?P<side>[东西南北]侧))?"
    rf"(?:, ?(?P<lm>{_FN}[^\t\n\r\f\v,;:()、/与和的|。!?“”\"]{{0,23}}?)"
    rf"(?:(?P<ldir>[东西南北])侧(?P<ln>[1-9][0-9]{{0,5}})米|(?P<lat>处)))?"
    rf"|(?P<ol>{_FN}[^\t\n\r\f\v,;:()、/与和的|。!?“”\"]{{1,23}}?)(?P<odir>{_FD})方向(?P<on>[1-9][0-9]{{0,5}})米)"
)
_FAST_FIRST_BAD = frozenset(_OFFSET_FIRST) | {"由", "从"}
_JUNCTION_RE = re.compile(JUNCTION)
_NO_PROBLEM = "no problem text found (未识别出问题)"


def _clause_start_ok(t: str, pos: int, end: int) -> bool:
    """Nothing the general reader tries before a road side or landmark applies here."""
    c = t[pos]
    if c in _FAST_FIRST_BAD:
        return False
    return not (c in _QUALIFIER_FIRST and _QUALIFIER.match(t, pos, end))


def _fast_landmark(t: str, m: re.Match, end: int, anchored: bool):
    """The landmark clause as the general reader reads it, or None when in doubt."""
    if anchored:
        name, s = m.group("lm"), m.start("lm")
    else:
        name, s = m.group("ol"), m.start("ol")
    if (anchored and not _clause_start_ok(t, s, end)) or not _valid_landmark(name) or not _good_spaces(name):
        return None
    if "侧" in t[s:s + 26] and (ROAD_SIDE.match(t, s, end) or WAY_SIDE_AT_END.match(t, s, end)):
        return None
    lr = _LANDMARK_REL.match(t, s, end)
    if anchored and m.group("lat"):
        if lr and _valid_landmark(lr.group("name")) and _good_spaces(lr.group("name")):
            return None
        return _make_landmark(name, None, None, "at", _make_span(s, s + len(name)))
    if not lr or lr.group("name") != name or lr.group("rel"):
        return None
    if anchored:
        return _make_landmark(name, m.group("ldir"), int(m.group("ln")), "offset", _make_span(s, s + len(name)))
    return _make_landmark(name, m.group("odir"), int(m.group("on")), "offset", _make_span(s, s + len(name)))


def _fast(text: str, t: str, end: int) -> ParsedLocation | None:
    if t[end - 1] not in "米处侧":  # where every reading of _FAST ends
        return None
    c0 = t[0]
    if not ("\u4e00" <= c0 <= "\u9fff" or "A" <= c0 <= "Z" or "a" <= c0 <= "z"):
        return None
    m = _FAST.fullmatch(t, 0, end)
    if m is None or "发现" in t or "反映" in t or t.startswith("位于") or _DISTRICT.match(t, 0, end):
        return None
    spans: list[tuple[str, Span]] = []
    sub = m.group("sub")
    if sub:
        sm = _SUBDISTRICT.match(t, 0, end)
        if not sm or sm.end("kind") != len(sub) or not _subdistrict_ok(sm, t):
            return None
        spans.append(("subdistrict", _make_span(0, len(sub))))
    elif _SUBDISTRICT.match(t, 0, end):
        return None
    pos = m.start("a") if m.group("a") else m.start("ol")
    if t[pos] == "从":
        return None
    if m.group("ol") is not None:
        # an off-network line: a landmark and a compass offset from it
        name = m.group("ol")
        window = t[pos:pos + 32]
        if ("口" in window or "处" in window or "侧" in window or "环岛" in window or "转盘" in window
                or ROAD.match(t, pos, end) or _WAY_ALONE.match(t, pos, end) or "号" in name):
            return None
        lm = _fast_landmark(t, m, end, anchored=False)
        if lm is None:
            return None
        spans += [("direction", _make_span(m.start("odir"), m.end("odir"))),
                  ("distance_m", _make_span(m.start("on"), m.end("on") + 1)), ("landmarks[0]", lm.span)]
        return _make_location(
            None, sub, None, None, "landmark", "offset", lm.direction, lm.distance_m, False, None,
            None, None, None, None, None, (lm,), (), tuple(spans),
            (_make_message(_make_span(0, len(text)), _NO_PROBLEM, None),), (),
        )
    a, b = m.group("a"), m.group("b")
    bs, be = m.span("b")
    window = t[pos:pos + 32]
    if ("口" not in window and "处" not in window) or "由" in a or not _valid_road(a) or not _valid_road(b):
        return None
    j = _JUNCTION_RE.search(t, bs + 2, end)
    if j is None or j.start() != be:
        return None
    spans += [("road_a", _make_span(pos, pos + len(a))), ("road_b", _make_span(bs, be))]
    direction = distance = None
    if m.group("dir"):
        direction, distance = m.group("dir"), int(m.group("n"))
        spans += [("direction", _make_span(m.start("dir"), m.end("dir"))),
                  ("distance_m", _make_span(m.start("n"), m.end("n") + 1))]
    side_road = side = None
    if m.group("sr") is not None:
        r, rs = m.group("sr"), m.start("sr")
        if not _clause_start_ok(t, rs, end):
            return None
        side_end = m.end("side")
        if r not in (a, b):
            rm = ROAD_SIDE.match(t, rs, end) or WAY_SIDE_AT_END.match(t, rs, end)
            if not rm or rm.end() != side_end or rm.group("road") != r or not _valid_road(r):
                return None
        side_road, side = r, m.group("side")
        spans += [("side_road", _make_span(rs, rs + len(r))), ("side", _make_span(side_end - 2, side_end))]
    landmarks: tuple[Landmark, ...] = ()
    if m.group("lm") is not None:
        lm = _fast_landmark(t, m, end, anchored=True)
        if lm is None:
            return None
        landmarks = (lm,)
        spans.append(("landmarks[0]", lm.span))
    return _make_location(
        None, sub, a, b, "intersection", "offset" if direction else "at", direction, distance,
        False, None, None, side_road, side, None, None, landmarks, (), tuple(spans),
        (_make_message(_make_span(0, len(text)), _NO_PROBLEM, None),), (),
    )


def parse(text: str) -> ParsedLocation:
    """Read one location line. Never raises: problems are reported in ``errors``.

    A bug of the parser does not raise either (an import of thousands of lines must not
    stop at one), but it is not passed off as a fault of the text: its error has code
    `INTERNAL` (``loc.internal_error``) and the traceback is logged.
    """
    if not isinstance(text, str):
        return ParsedLocation(errors=(ParseMessage(Span(0, 0), f"expected str, got {type(text).__name__}"),))
    try:
        return _read(text)
    except Exception as exc:
        logger.exception("internal parser error on %r", text[:200])
        return ParsedLocation(
            errors=(ParseMessage(Span(0, len(text)), f"internal parser error: {exc!r}", INTERNAL),)
        )
