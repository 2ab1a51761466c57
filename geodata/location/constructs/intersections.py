"""Intersections and roundabouts: the anchor where two roads meet, or a roundabout.

Read only as the anchor, at the start of the location: 马家堡东路与革新南路交叉路口,
开元大道龙祥路口 (no conjunction, the second road's 口), 马家堡东路与革新南路 followed by
a direction, 太康路金城寨街口 after a road named before the colon, 西单环岛. Words read in
front of the first road (平城区广德街, 记者在六顺街) are trimmed off its name.
"""

from __future__ import annotations

import re

from geodata.location.constructs.reading import (
    _NOT_A_ROAD_NAME,
    _RN,
    _ROADX,
    Reading,
    _base_road,
    _valid_name,
    char_search,
    valid_road,
)
from geodata.location.lexicon import (
    CITY_NAME_GOES_ON,
    CITY_NAMES,
    CONJ,
    DIR,
    DISTANCE,
    DISTRICT_NAME,
    FACILITY_END,
    JUNCTION,
    ROAD,
    ROAD_NAME_FULL,
    TRAVEL,
)
from geodata.location.text import metres, parse_number

_RN_B = r"[^\s,;:()、/与的|。!?“”\"]"
_INTER_JUNCTION = re.compile(
    rf"(?P<a>{_RN}{{2,15}}?)(?:{TRAVEL})?(?P<conj>{CONJ})(?P<b>{_RN_B}{{2,15}}?)(?P<junc>{JUNCTION})处?"
)
# 开元大道龙祥路口 / 太康路金城寨街口: the second road's own 口 is the junction
_INTER_NO_CONJ = re.compile(rf"(?P<a>{_ROADX})(?P<b>{_ROADX})(?P<junc>{JUNCTION}|口)处?")
_INTER_BARE = re.compile(
    rf"(?P<a>{_ROADX})(?:{TRAVEL})?(?P<conj>{CONJ})(?P<b>{_ROADX})(?=[向往以朝]?正?{DIR}|的|处|$|[,;。])"
)
# 经三路丰产路路西 / 【山海关路新昌路】 / 地点:嘉善路永嘉路: two roads back to back with
# nothing after them but a side of the way, a corner (丰庆路王砦路西南角) or the clause's end
# name their junction
_INTER_ADJACENT = re.compile(
    rf"(?P<a>{_ROADX})(?P<b>{_ROADX})(?=路?[东西南北]侧?(?![\u4e00-\u9fff]*?[路街道])|[东西南北]{{1,2}}角|$|[,;。)\s])")
# A spot on one road near where another meets it: 长江路近黄河路处, 长江路靠近黄河路处的
# 东侧人行道, 迎春路靠近花园路的位置 (the junction is the anchor; a side right after it is
# the side of the first road, the one the spot is on)
_INTER_NEAR = re.compile(
    rf"(?P<a>{_RN}{{2,15}}?)(?:靠近|临近|近)(?P<b>{_ROADX})(?P<junc>处|的位置|(?:一|附近)?(?:路口|交叉口)处?|(?<=[路街])口处?)"
    r"(?:的?(?P<side>[东西南北]侧)(?![约\d]))?"
)
# Turning from one road into another: 从甲路向西进入乙巷, 自甲大街进入乙街20余米 (the
# junction is the anchor, the heading and the distance walked into the second road its
# offset); a few words of who walks may stand before 从/自 (笔者自…)
_INTER_ENTER = re.compile(
    rf"[^,;。:从自]{{0,6}}?(?:从|自|由)(?P<a>{_ROADX})(?:[向往朝]正?(?P<h>{DIR})(?:方向)?)?"
    rf"(?:进入|拐进|拐入|转入|驶入|走进)(?P<b>{_ROADX})(?:(?P<dist>{DISTANCE})|)"
)
# Turning off one road into another, told by a walker: 香江路右拐南洋路100米 (the junction is
# the anchor, the distance walked into the second road its offset; left and right give no
# compass heading)
_INTER_TURN = re.compile(
    rf"(?P<a>{_ROADX})(?:向?[左右]拐|[左右]转)(?:进入?|入)?(?P<b>{_ROADX})(?:(?P<dist>{DISTANCE})|)"
)
# a lane or a bend after 左转/右转 (延安路左转专用道, 左转弯道), a way into a site (幸福小区道路)
_NOT_TURNED_INTO = re.compile(r"(?<!大)道$|^弯|小区|院")
_AFTER_KNOWN_ROAD = re.compile(rf"(?P<b>{_RN}{{2,12}}?)(?P<junc>{JUNCTION})处?")
_ROUNDABOUT = re.compile(rf"(?P<a>{_RN}{{1,10}}?(?:环岛|转盘))")
_CONJ_CHARS = frozenset("与和、/")
_CONJ_SEARCH = char_search(_CONJ_CHARS)
# _read_intersection needs a conjunction, a junction word (口, 处) or a roundabout (环岛,
# 转盘), 近 (某路靠近某路处), 入/进 (从某路进入某路) within 32 characters, or a road named before the colon
_INTERSECTION_HINT = char_search(_CONJ_CHARS | set("口处环转拐近入进"))


# What a road name read from the line's start can carry in front of it: a district
# (平城区广德街), 新区, or words ending in 在/于 (记者在六顺街, 位于汉口路), in 靠近 (靠近逸夫路
# 与…), in 市区 (市区淮秀路和…) or in 了 (记者来到了中华大街和…), and a walk past it after
# them (他在经过某路和…), who tells it (称…) or a city (安丘市…); or a large city's name (福州某某路与…), unless it goes on a name of
# its own (西安门大街, 北京站东街).
_LEAD_BEFORE_ROAD = re.compile(
    r"(?:.{2,12}?[区县]|新区|.{1,12}?[在于]|[沿顺挨]着|(?:记者|笔者|网友|市民)从|.{0,12}?(?:靠近|市区|了|省会)|因为?|.{0,6}?(?=经过|途经|路过)"
    # (who tells it, 称…, and a county-level city, 安丘市…)
    r"|(?:.{0,8}?称)?[\u4e00-\u9fff]{2,4}(?<!城)市(?!场)|.{0,8}?称)(?:经过|途经|路过)?(?=.{3})"
    rf"|(?:{'|'.join(CITY_NAMES)})(?!{CITY_NAME_GOES_ON})(?=.{{3}})"
)




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


_SITE_NAME_END = re.compile(FACILITY_END + "$")
_HOUSE_NUMBER_END = re.compile(r"\d+(?:-\d+)?号$")
_DISTRICT_IN_LEAD = re.compile(DISTRICT_NAME)
_TELLING = ("反映", "反应", "投诉", "举报", "看到", "发现", "来到", "位于", "在", "了", "于")
# The road named before, referred to (逍林大道:该道路与…交叉口)
_THAT_ROAD = frozenset({"该道路", "该路", "此路", "这条路"})


def _set_intersection(r: Reading, m: re.Match, a: str, b: str | None, junction_end: int) -> int:
    whole = a
    a, cut = _trim_lead(a)
    if cut and not r.values.get("district"):
        # 市民反映郑东新区东风南路与…: the district before the junction's first road is kept
        # (what follows the last word of who tells it)
        told = max((whole.rfind(w, 0, cut) + len(w) for w in _TELLING if w in whole[:cut]), default=0)
        if d := _DISTRICT_IN_LEAD.fullmatch(whole, told, cut):
            r.put("district", d.group(), m.start("a") + d.start(), m.start("a") + d.end())
    if a[-1] == "号" and (h := _HOUSE_NUMBER_END.search(a)) and valid_road(a[:h.start()]):
        a = a[:h.start()]  # 漳浦路29号和闽江路交叉口: the junction of the number's road
    if a.endswith("路口") and valid_road(a[:-1]):
        a = a[:-1]  # 民治路口与解放东路交叉路口: the first road's own 口 named too (新街口 is a name)
    a_len = len(a)
    if a in _THAT_ROAD and r.known_road:
        a = r.known_road  # (its span stays on the words that refer to it)
    if b in _THAT_ROAD and not r.known_road:
        b = None  # 在某路与该路交叉路口: a road named in an earlier line, unknown here
    r.put("road_a", a, m.start("a") + cut, m.start("a") + cut + a_len)
    if b is not None:
        b_start = m.start("b")
        if b.startswith("靠近") and valid_road(b[2:]) and len(b) > 4:
            b, b_start = b[2:], b_start + 2  # 汉口路靠近山东中路路口: the junction near the spot
        elif b.startswith("的") and valid_road(b[1:]) and len(b) > 3:
            b, b_start = b[1:], b_start + 1  # 某某南街的某某路口: that road's junction on the first
        b = _base_road(b)  # 商场路北段: the road (the labels keep sections out of road names)
        r.put("road_b", b, b_start, b_start + len(b))
    r.anchor, r.anchor_clause, r.target, r.last = "intersection", r.clause, "top", "intersection"
    r.values.pop("road", None)  # a road named before the junction only located it
    r.spans.pop("road", None)
    return junction_end


def _read_intersection(r: Reading, pos: int, end: int) -> int | None:
    t = r.t
    clause = t[pos:end]
    has_conj = _CONJ_SEARCH(t, pos, end) is not None
    # (交汇以南, 十字以东: no 口 or 处)
    has_junction = "口" in clause or "处" in clause or "交" in clause or "十字" in clause
    # A与B路口, AB路口, A与B: each tried only when the clause has the words it needs
    if has_junction:
        if has_conj:
            m = _INTER_JUNCTION.match(t, pos, end)
            # (the first road is checked as it is kept, without the words before it: 他在经过某路
            # as 某路, 记者来到了某路 as 某路)
            if m and (valid_road(a := m.group("a")) or valid_road(_trim_lead(a)[0])) \
                    and valid_road(b := m.group("b")):
                return _set_intersection(r, m, a, b, m.end())
        if "字路口" in clause and (m := _SHAPED_JUNCTION.match(t, pos, end)) and valid_road(m.group("a")):
            return _set_intersection(r, m, m.group("a"), None, m.end())
        m = _INTER_NO_CONJ.match(t, pos, end)
        if m and m.group("junc") == "口" and not _bare_junction_ok(m.group("a"), m.group("b")):
            m = None
        if m and valid_road(a := m.group("a")) and valid_road(b := m.group("b")):
            return _set_intersection(r, m, a, b, m.end())
    if "入" in clause or "进" in clause:
        m = _INTER_ENTER.match(t, pos, end)
        if m and valid_road(a := m.group("a")) and valid_road(b := m.group("b")):
            stop = _set_intersection(r, m, a, b, m.end())
            if m.group("h"):
                r.put("direction", m.group("h"), m.start("h"), m.end("h"))
            if m.group("dist") and (number := parse_number(m.group("num"))) is not None:
                r.put("distance_m", metres(number, m.group("unit")), m.start("num"), m.end("unit"))
                r.offset_approximate = bool(m.group("approx1") or m.group("approx2"))
            r.offset_relation = "offset" if m.group("h") or m.group("dist") else None
            r.last = "offset"
            return stop
    if "拐" in clause or "转" in clause:
        m = _INTER_TURN.match(t, pos, end)
        if m and valid_road(a := m.group("a")) and valid_road(b := m.group("b")) and not _NOT_TURNED_INTO.search(b):
            stop = _set_intersection(r, m, a, b, m.end())
            if m.group("dist") and (number := parse_number(m.group("num"))) is not None:
                r.put("distance_m", metres(number, m.group("unit")), m.start("num"), m.end("unit"))
                r.offset_approximate = bool(m.group("approx1") or m.group("approx2"))
                r.offset_relation = "offset"
            r.last = "offset"
            return stop
    if "近" in clause:
        m = _INTER_NEAR.match(t, pos, end)
        if (m and valid_road(_trim_lead(a := m.group("a"))[0]) and valid_road(b := m.group("b"))
                and len(b) >= 3  # (上海路近园路处: 近园路 is the name, no junction with 园路)
                and not (b.endswith("路") and _SITE_NAME_END.search(b[:-1]))):  # (某中学路口: a site's)
            stop = _set_intersection(r, m, a, b, m.end("junc"))
            if m.group("side"):
                r.put("side", m.group("side"), m.start("side"), m.end("side"))
                r.put("side_road", r.values["road_a"], *_span_of(r, "road_a"))
                stop = m.end()
            return stop
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


def _span_of(r: Reading, key: str) -> tuple[int, int]:
    span = r.spans[key]
    return span.start, span.end


# what follows a road without being a second road: its service road, or the way itself
_NOT_A_SECOND_ROAD = ("辅", "主", "道路", "马路", "街路")
# a crossing of one road named by its shape (汉江路十字路口, 某街丁字路口): a junction whose
# other road is not named
_SHAPED_JUNCTION = re.compile(rf"(?P<a>{_ROADX})(?P<junc>(?:十字|丁字)路口)处?")


def read_adjacent_roads(r: Reading, pos: int, end: int) -> int | None:
    """经三路丰产路路西: two roads back to back, the anchor is their junction."""
    m = _INTER_ADJACENT.match(r.t, pos, end)
    if m and ("的" in m.group(0) or _NUMBERED_LANE.fullmatch(m.group("b"))):
        m = None  # 淮河路附近的星河巷: a place near the road; 后湖路北八巷: a lane off it
    if m and len(m.group("b")) >= 3 and not m.group("b").startswith(_NOT_A_SECOND_ROAD) and _bare_junction_ok(a := m.group("a"), b := m.group("b")) and valid_road(a) and valid_road(b):
        return _set_intersection(r, m, a, b, m.end())
    return None


_NOT_IN_BARE_JUNCTION = re.compile(r"[与和、交]")
# an end of the first road, no second road: 某某街东头路北 (东头 + 路北, the road's north side)
_END_OF_ROAD = re.compile(r"[东西南北]头路$")
_NUMBERED_LANE = re.compile(r"[东西南北]?[一二三四五六七八九十]{1,3}(?:巷|条|弄)")


def _bare_junction_ok(a: str, b: str) -> bool:
    """龙祥路口 is 龙祥路's 口; 陈家新村路口 is the 路口 of 陈家新村 (a village is no road),
    and a name with 与 or 交叉 in it is two names read as one.

    >>> _bare_junction_ok("开元大道", "龙祥路"), _bare_junction_ok("南一道", "陈家新村路")
    (True, False)
    """
    if _NOT_IN_BARE_JUNCTION.search(a) or _NOT_IN_BARE_JUNCTION.search(b) or _END_OF_ROAD.match(b):
        return False
    if b.startswith(("近", "靠近", "临近")):
        return False  # 富文路近银春路口: a spot on the first road near the second's junction
    return not (b.endswith("路") and _NOT_A_ROAD_NAME.search(b[:-1]))

