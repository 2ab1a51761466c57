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
from dataclasses import replace
from operator import itemgetter

from geodata.location import anchor_kind, problem_tagger
from geodata.location.constructs import (
    ROAD_SIDE,
    Mark,
    Reading,
    char_search,
    finish_anchor,
    read_location,
    valid_road,
)
from geodata.location.constructs.reading import _base_road
from geodata.location.lexicon import (
    BEIJING_DISTRICTS,
    CITY_NAME_GOES_ON,
    CITY_NAMES,
    DIR,
    DISTRICT_NAME,
    GENERIC_WAYS,
    PROBLEM_WORD,
    ROAD,
    ROAD_NAME_FULL,
    ROAD_SUFFIX,
    SUBDISTRICT_KIND,
)
from geodata.location.problems import catalogue_items, read_problems
from geodata.location.text import fold
from geodata.location.types import (
    INTERNAL,
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
    r"\s*[●•·○◆■▲★①②③④⑤⑥⑦⑧⑨⑩]?\s*(?:\(?\d{1,3}\)|\d{1,3}\s*[.、](?!\d)|[一二三四五六七八九十]{1,3}、)?\s*"
)
_HAN_NUMERALS = frozenset("一二三四五六七八九十")
# A list number glued to its item (2建新街绿化带内…, 5惠民二路…); not a house number or a
# count (5号楼, 3个, 12日)
_GLUED_NUMBER = re.compile(r"\d{1,2}(?=[\u4e00-\u9fff])(?![号楼栋层单元米个处辆家月日时点年期路街条巷])")
_HAN_ENUMERATOR = re.compile(r"[一二三四五六七八九十]{1,3}、\s*")
_QUESTION_NUMBER = re.compile(r"问题\d{1,3}[.、]")
_PREAMBLE = re.compile(r".{0,40}?(?:检查|巡查|督查|暗访|走访)时?发现[,:]?")
# The area whose inspectors found the problem, in the preamble: 浦江镇网格监督员巡查发现,
# 古美路街道城管执法队员检查发现
_AREA_OF_INSPECTORS = re.compile(
    r"(?:^|(?<=[,:\s]))(?P<sub>[\u4e00-\u9fff]{2,6}?(?:街道|镇|乡))"
    r"(?=[\u4e00-\u9fff]{0,6}?(?:网格|城管|执法|中队|监督员|巡查员|工作人员))"
)
# a preamble that names a stretch, a start or more than one district names no one area
_NOT_ONE_AREA = re.compile(r"(?<![来看找])[至到]|出发|[区县].*[区县]")
# an agency, "each" or "all" before the kind word, no area (市城乡管理局, 各乡镇, 全区街道, 联合街道)
_NOT_AN_INSPECTORS_AREA = re.compile(r"城乡|[各全我本该区市县局]|联合|管理")
# A letter's greeting before the text (领导你好!, 尊敬的领导:您好!)
_GREETING = re.compile(r"(?:尊敬的)?(?:各位)?(?:领导|书记|市长|县长|区长)?(?:[,:])?(?:你好|您好|好)[!,。:]\s*")
# A column's name before a headline, with a bar: 创建曝光台|, 城事直通车丨
_COLUMN_TAG = re.compile(r"[^|丨,。:]{0,10}(?:曝光台|曝光|直通车|热线|问政|帮办|在行动|随手拍)\s*[|丨]\s*")
# What is wrong told first, then where it is: 路灯不亮的地方位于某路东, 垃圾堆的位置在…
_SPOT_IS_AT = re.compile(r"[^,;。:]{1,12}?的(?:地方|位置|地点)(?:位于|就在|在)")
# A picture's number before its caption (图④:, 图3:): no district
_FIGURE_LABEL = re.compile(r"图\s*[\d①②③④⑤⑥⑦⑧⑨⑩]+|图片\d*")
_COMPLAINT = re.compile(r".{1,12}?反映[,:]")
_COLON_PREFIX = re.compile(r"(?P<p>[^\s,;:()|。]{1,12}):(?!\s*\d{1,2}\s*[.、])")
_COLON_BEFORE_LIST = re.compile(r":(?=\s*\d{1,2}\s*[.、])")
_DISTRICT = re.compile(
    "(?P<d>(?:" + "|".join(BEIJING_DISTRICTS) + r")区?|[\u4e00-\u9fff]{2,4}[区县](?=\s?[\u4e00-\u9fff]{1,8}?"
    r"(?:街道|镇|乡|地区|社区)))"
)
# A district (after its city) right before a road: the area words 小区, 园区, 景区… end
# names of places, not districts.
_DISTRICT_BEFORE_ROAD = re.compile(rf"(?:[\u4e00-\u9fff]{{2,3}}市)?(?P<d>{DISTRICT_NAME})")
# Up to 12 characters of place names ending in 区 or 县, after an optional 在 (在新疆乌鲁木齐天山区)
_REGION_BEFORE_ROAD = re.compile(r"在?[\u4e00-\u9fff]{3,11}?[区县](?<![小社园城景地片校厂矿营]区)")
# (who reports and what they do are no place names: 有市民反映郑东新区)
_NOT_IN_REGION = re.compile(r"反映|反应|投诉|举报|看到|发现|来到|位于|家住|市民|记者|有|的|了")
# A responsible area in brackets after the problem: "(市场管理所、金盆居委会)".
_RESPONSIBLE_AREA = re.compile(
    r"\((?:[^()]*、)?(?P<sub>[\u4e00-\u9fff]{2,6}?(?:居委会|办事处|街道))\)"
)
# When a report says it happened (date, time of day, clock time) before the place:
# "10时17分葵涌办事处…", "21日下午5时,东围墙街上…", "昨天10:07,".
_WHEN = re.compile(
    r"(?:\d{1,2}月)?(?:\d{1,2}日)?(?:昨[日天]|今[日天]|当[日天]|近日|日前)?"
    r"(?:[上下中]午|凌晨|早上|晚上|傍晚|清晨|夜间)?(?:\d{1,2}(?:时|点|:)(?:\d{1,2}分?)?许?)?,?"
)
# Words after which a report names the place: "…市民反映郑东新区东风南路与永平路交叉口向东",
# "记者…看到,垃圾堆位于红星路与广东山庄路交口附近". Read only when the line's start names
# no place; the first of them after which a place is read is taken.
_WHEN_DIGIT = re.compile(r"\d")


def _skip_when(t: str, pos: int, end: int) -> int:
    """After a date or time that ends with a comma or has a number in it (今天天气很好
    starts with no date).

    >>> t = "10时24分葵涌办事处洪发市场垃圾堆放点旁边的电线零乱"
    >>> t[_skip_when(t, 0, len(t)):][:5], parse(t).subdistrict
    ('葵涌办事处', '葵涌办事处')
    """
    m = _WHEN.match(t, pos, end)
    if m.end() > pos and (t[m.end() - 1] == "," or _WHEN_DIGIT.search(t, pos, m.end())):
        return m.end()
    return pos


# A 街道, 镇 or 乡 among an item's responsible units ("责任单位:县商务局、某某街道"): the
# area the place lies in (one unit of the list, between its separators).
_RESPONSIBLE_UNIT_AREA = re.compile(
    r"责任单位[::]\s*(?:[^。;:]*?[、,,]\s*)?(?P<sub>[^\W\d_A-Za-z、,;。:]{2,8}?(?:街道办事处|街道|镇|乡))"
    r"(?=\s*(?:[、,;。)]|$))"
)
# A 街道, 镇 or 乡 right after its district in a report's prose (长沙市天心区某某街道,
# 大渡口区某某镇): the area, where the line's start named none.
_AREA_AFTER_DISTRICT = re.compile(
    r"(?<=[\u4e00-\u9fff][区县])(?<![小社园景校院厂片营矿地]区)(?<![老主市新]城区)"
    r"(?P<sub>(?P<name>[\u4e00-\u9fff]{2,5}?)(?P<kind>街道办事处|街道|镇|乡))"
)


_REPORT_OPENING = ("反映", "反应", "投诉", "举报")
_DATELINE = re.compile(r"[\u4e00-\u9fff\d]{1,14}讯(?:\s+|[,:])")
_PLACE_FOLLOWS = re.compile(
    r"(?:反映|反应|投诉|举报|报料|留言|看到|发现|查看|来到|赶往|前往|位于|家住|致电本报)(?:称|说)?|称(?=[,:])"
)
_PLACE_FOLLOWS_WINDOW = 120
_CLAUSE_MARK = re.compile(r"[,:;“”\"]+")
_AT_ROAD = re.compile(r"(?<=[\u4e00-\u9fff])在(?!于)")
# what after 在 is no road: a verb (在修路), a way inside a site (在小区过道旁, 在某小区靠近主通道)
_NOT_A_ROAD_AFTER_AT = re.compile(r"^修|小区|社区|院内")
_GENERIC_WAY_ENDS = tuple(GENERIC_WAYS)


def _road_after_at(name: str) -> bool:
    return valid_road(name) and not name.endswith(_GENERIC_WAY_ENDS) and not _NOT_A_ROAD_AFTER_AT.search(name)

_AFTER_PLACE_WORD = re.compile(r"[,:“\"\s—]*了?(?:在(?!于))?")  # 来到了…, 看到,在…
_SUBDISTRICT = re.compile(
    rf"(?P<name>[\u4e00-\u9fff]{{1,8}}?)(?P<kind>{SUBDISTRICT_KIND})(?P<belongs>所属)?"
)
# (also who and where: 记者在山姆小镇; and 小镇, a word in names of estates and malls)
# (来到 is a reporter's walk: 来到某某社区党群服务中心; 经 an office that acted: 经某某街道
# 现场查看, but a name of two characters may start with 经)
_SUBDISTRICT_BAD = re.compile(r"路|大道|大街|沿线|区|的|[东西南北]侧|交叉|路口|记者|在|来到|^经(?=..)|小$|往")
# 学院路街道， is a subdistrict named after a road: a name with a road word is one when a
# comma closes it and it is a kind of area a line starts with.
_SUBDISTRICT_BAD_BEFORE_COMMA = re.compile(r"沿线|区|的|[东西南北]侧|交叉|路口|与|和")
_SUBDISTRICT_BAD_IN_COMMUNITY = re.compile(r"区|的|[东西南北]侧|交叉|路口|与|和|某|段")
_AREA_KINDS_NAMED_AFTER_ROADS = frozenset({"街道", "街道办事处", "地区", "镇", "乡"})
_ADMIN_AREA = re.compile(
    r"责任辖区(?:及责任人)?:(?:[^,;。()]*?区)?(?P<sub>[^,;。()区]{1,8}?(?:办事处|街道|镇|乡))"
)

_HAS_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN = _HAS_HAN
# What a line's end is stripped of: white space (str.isspace: all of it is below U+3001)
# and closing punctuation, in any order.
_END_CHARS = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "。.;,"
# Necessary first characters (cheap tests before a regular-expression call): a district
# name, or a name ending in 区 within 2-4 characters; a subdistrict kind within 1-8.
_DISTRICT_FIRST = frozenset(name[0] for name in BEIJING_DISTRICTS)
_KIND_FIRST = frozenset("街地办乡镇社")
_KIND_SEARCH = char_search(_KIND_FIRST)
_ROAD_SUFFIX_END = re.compile(ROAD_SUFFIX + "(?:[东西南北中]段)?$")
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
                    r.colon_road = (p_start, p_start + len(prefix))
        sub = _SUBDISTRICT.fullmatch(head)
        if _PLACE_LABEL.fullmatch(head) or _FIGURE_LABEL.fullmatch(head):
            pass  # 地点:, 拍摄地点:, 具体位置: label the place that follows; 图④: a caption's number
        elif head.startswith("乡镇") and len(head) > 2:
            r.put("subdistrict", head[2:], p_start + 2, p_start + head_end)
        elif sub and not _SUBDISTRICT_BAD.search(sub.group("name")) and not sub.group("belongs"):
            r.put("subdistrict", head, p_start, p_start + head_end)
        elif _PLACE_BEFORE_COLON.search(head) and not PROBLEM_WORD.search(head):
            # 恒立心海湾花园: the place the items below are about
            r.marks.append(Mark(head, Span(p_start, p_start + head_end)))
            if r.anchor is None:
                r.anchor, r.anchor_clause = "landmark", r.clause
        elif head and r.anchor is None and _whole_location(t, p_start, p_start + head_end):
            # 通渭路东西两侧: / 酒泉路、武都路交叉路口: the place the items after it are about
            read_location(r, p_start, p_start + head_end)
        elif head and "网格" not in head and not PROBLEM_WORD.search(head):
            r.put("district", head, p_start, p_start + head_end)
        pos = after


# "属于中山办事处辖区内", "由X街道辖区负责": an office or subdistrict named with its 辖区 is
# the area the place lies in.
_AREA_OF_JURISDICTION = re.compile(
    r"(?:属于|归属|归)?(?P<sub>[^\W\d_A-Za-z于的在由归属]{2,6}?(?:街道办事处|办事处|街道|镇|乡))辖区"
)
_PLACE_LABEL = re.compile(r"(?:拍摄|具体|发生|所在|问题|曝光)?(?:地点|地址|位置|点位)")


def _whole_location(t: str, start: int, end: int) -> bool:
    """Is all of ``t[start:end]`` (text before a colon) a junction or a road's side?"""
    if not (ROAD_NAME_FULL.search(t, start, end) and ("口" in t[start:end] or "侧" in t[start:end])):
        return False
    trial = Reading(t)
    return read_location(trial, start, end) == end and trial.anchor in ("intersection", "road")


_PLACE_BEFORE_COLON = re.compile(r"(?:花园|家园|小区|市场|广场|公园|大厦|中心|医院|学校|商场|超市)$")


def _road_starts(t: str, pos: int, end: int) -> bool:
    """Does a road or an intersection start at ``pos``? (then the body names the place)"""
    m = ROAD.match(t, pos, end)
    return bool(m and valid_road(m.group("road")))


def _put_colon_road(r: Reading) -> None:
    start, stop = r.colon_road
    name = r.t[start:stop]
    m = _DISTRICT_BEFORE_ROAD.match(name)
    cut = m.end() if m and ROAD.fullmatch(name[m.end():]) and valid_road(name[m.end():]) else 0
    if cut and not r.values.get("district"):
        r.put("district", name[:cut], start, start + cut)
    if valid_road(name[cut:]):
        road = _base_road(name[cut:])  # 星火路北段: the road, read along its section
        r.put("road", road, start + cut, start + cut + len(road))
        r.anchor, r.anchor_clause, r.target, r.last = "road", r.clause, "road", "road"
        r.along = road != name[cut:]


def _read_district_and_subdistrict(r: Reading, pos: int, end: int) -> int:
    t = r.t
    window = t[pos + 2:pos + 5]
    m = (_DISTRICT.match(t, pos, end)
         if t[pos:pos + 1] in _DISTRICT_FIRST or "区" in window or "县" in window else None)
    if m:
        name = m.group("d")
        nxt = t[m.end(): m.end() + 1]
        # 城固县柳林镇: a county before its town is a district too (the pattern's second
        # form only takes a name ending in 区 or 县 when a kind of area follows it)
        if name.endswith(("区", "县")) or (nxt and nxt not in "路街道巷里条大环" and ROAD.match(t, m.end(), end)):
            r.put("district", name, m.start(), m.end())
            pos = m.end()
            while pos < end and t[pos] == " " and _KIND_SEARCH(t, pos + 2, pos + 10):
                pos += 1  # 斗门区 井岸镇…: a space between the district and its town
    elif "区" in t[pos:end] or "县" in t[pos:end]:
        m = _DISTRICT_BEFORE_ROAD.match(t, pos, end)
        gap = 1 if m and t.startswith(" ", m.end()) else 0  # 香洲区 兰埔路…: a space between them
        if m and ROAD.match(t, m.end() + gap, end):
            r.put("district", m.group("d"), m.start("d"), m.end("d"))
            pos = m.end() + gap
        elif (m := _REGION_BEFORE_ROAD.match(t, pos, end)) and not _NOT_IN_REGION.search(t, pos, m.end()):
            # 在新疆乌鲁木齐天山区后泉路…: province, city and district run together before the
            # road (the district's own name cannot be told from the city's: not kept)
            if (road := ROAD.match(t, m.end(), end)) and valid_road(road.group("road")):
                pos = m.end()
    if r.values.get("district") and (m := _BORDER_WITH.match(t, pos, end)):
        pos = m.end()  # 鼓楼区与凤湖路交界的乌山西路: the road by where the district meets the other
    if t.startswith("在", pos) and _KIND_SEARCH(t, pos + 2, pos + 10):
        pos += 1  # 在水阜镇长川村: the place starts after 在
    elif t.startswith("为", pos) and (pos == 0 or t[pos - 1] in ",:") and (m := _SUBDISTRICT.match(t, pos + 1, end)) \
            and m.group("kind") != "社区" and len(m.group("name")) >= 2 and _subdistrict_ok(m, t):
        pos += 1  # 经确认,为某某镇…: the area starts after the word (为民街道, 为民新村社区 stay)
    m = _SUBDISTRICT.match(t, pos, end) if _KIND_SEARCH(t, pos + 1, pos + 9) else None
    if m and _subdistrict_ok(m, t):
        stop = m.end("kind")
        if m.group("kind") in ("乡", "镇") and (k := _KIND_AFTER_TOWN.match(t, stop, end)):
            stop = k.end()  # 西乡街道, 花乡地区: the town's name, then the kind of area
        start = m.start()
        if (said := _SAID_BEFORE_AREA.match(t, start, m.end("name"))) and m.end("name") - said.end() >= 2:
            start = said.end()  # 网友说某某镇…, 称某某街道…: who tells it, then the area
        if (city := _CITY_BEFORE_AREA.match(t, start, m.end("name"))) and m.end("name") - city.end() >= 2:
            start = city.end()  # 昆山市周庄镇: the city before the town is no part of its name
        r.put("subdistrict", t[start:stop], start, stop)
        pos = max(m.end(), stop)
        # 文峰街道双合店社区田园街: a community inside the subdistrict only narrows it
        c = _SUBDISTRICT.match(t, pos, end) if "社区" in t[pos + 1:pos + 9] else None
        if c and c.group("kind") == "社区" and not _SUBDISTRICT_BAD.search(c.group("name")):
            pos = c.end()
    return pos


# What follows a kind of area when the words name something else: the town's government
# building (期纳镇政府旁), the street itself (下西园街道两旁: 街道 = the street), a reach of a
# river by a community (建设西路社区段), a road named after a town (城乡路, 新镇街).
_NOT_AN_AREA_AFTER = re.compile(
    r"(?:人民)?政府|党委|卫生院|派出所|(?:东西|南北)?(?:两侧|两边|两旁|[东西南北]侧)|段"
    # the office's building: 某某街道办事处门前, 某某镇政府对面
    r"|门前|门口|对面"
    # the community's own office or hall (某某社区党群服务中心, 社区便民服务大厅, 社区居委会): a
    # building named after the area, the place itself
    r"|党群|便民服务|居委会|居民委员会"
    # the street itself (某某街道边, 街道上): 街道 is a way here
    r"|(?<=街道)[边上旁]"
)
# A city's name before the area's (昆山市 in 昆山市周庄镇): up to 4 characters and 市, or a
# large city's name without 市 (杭州某某街道) unless it goes on a name of its own (北京站街道)
_CITY_BEFORE_AREA = re.compile(
    rf"[\u4e00-\u9fff]{{2,4}}市(?!场)|(?:{'|'.join(CITY_NAMES)})(?!{CITY_NAME_GOES_ON})")
# who tells it, before the area (网友说某某镇…, 称某某街道…)
_SAID_BEFORE_AREA = re.compile(r"[^\W\d_]{0,4}?(?:说|称|表示|介绍)")
# (and 乡村, a word: 美丽乡村大道 is a road's name)
_TOWN_ROAD_AFTER = re.compile(r"[路街巷道](?!道|办)|(?<=乡)村")


_NOT_THE_AREA_WHEN_A_UNIT_IS = ("社区",)


def _subdistrict_ok(m: re.Match, t: str) -> bool:
    name, kind = m.group("name"), m.group("kind")
    nxt = t[m.end(): m.end() + 1]
    if nxt and (_NOT_AN_AREA_AFTER.match(t, m.end())
                or (kind in ("乡", "镇") and _TOWN_ROAD_AFTER.match(t, m.end()))):
        return False
    ok = not _SUBDISTRICT_BAD.search(name) or (
        nxt == "," and kind in _AREA_KINDS_NAMED_AFTER_ROADS
        and not _SUBDISTRICT_BAD_BEFORE_COMMA.search(name)
    )
    if kind == "社区" and not m.group("belongs") and nxt not in (",", ":", " ", "") and not (
            _HAN.match(nxt) and nxt not in "和与及" and not t.startswith(("卫生", "服务", "医院"), m.end())):
        ok = False
    if len(name) == 1 and kind not in ("乡", "镇"):
        ok = False
    elif kind != "社区" and _NOT_AN_AREA_NAME.search(name):
        ok = False  # 区内一些乡镇: no area named
    elif (kind == "社区" and not ok and nxt and _HAN.match(nxt) and nxt not in "和与及"
          and not _SUBDISTRICT_BAD_IN_COMMUNITY.search(name) and not t.startswith(("卫生", "服务", "医院"), m.end())):
        ok = True  # 官路社区棉花公司: communities are named after their roads
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
        s = _read_district_and_subdistrict(r, s, e)  # 后沙峪镇安详大街
        stop = read_location(r, s, e)
        if e > stop == s and r.anchor is None and not PROBLEM_WORD.search(t, s, e):
            # a cell that is only a name (北京王桂荣特色兰州拉面馆): the place itself
            r.marks.append(Mark(t[s:e], Span(s, e)))
            stop = e
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


# "1、富丽城工地 - 围墙破损" / "3、某大道 - 某小学东侧 - 线缆垮塌": a dash with white space
# beside it separates the parts of an item (place, spot, problem) as a comma does.
# A doubled em dash between a headline's place and its problem needs no white space
# (某医院门口——摊贩占据人行道).
_DASH_SEPARATOR = re.compile(r"(?<=[\u4e00-\u9fff)])(?:\s+[-—]+\s*|[-—]+\s+|——)(?=[\u4e00-\u9fff(“])")
_DASH_CHARS = re.compile(r"[-—]+")


def _dashes_as_commas(t: str) -> str:
    """The separating dashes of ``t`` as commas, one character for one (offsets stay)."""
    return _DASH_SEPARATOR.sub(lambda m: _DASH_CHARS.sub(lambda d: "," * len(d.group()), m.group()), t)


def _read(text: str) -> ParsedLocation:
    t = fold(text)
    if ("-" in t or "—" in t) and _DASH_SEPARATOR.search(t):
        t = _dashes_as_commas(t)
    end = len(t.rstrip(_END_CHARS))
    starts_han = "\u4e00" <= t[0] <= "\u9fff" if end else False
    if end == 0 or not (starts_han or _HAS_HAN.search(t)):
        return ParsedLocation(errors=(ParseMessage(Span(0, len(text)), "no Chinese location text"),))
    r = Reading(t)
    if not starts_han:
        pos = _NUMBERING.match(t, 0, end).end()
        if t.startswith("(", pos) and ")" in t[pos:end]:
            close = t.index(")", pos)
            if close - pos <= 9 and not ROAD.search(t, pos + 1, close) and t[close + 1:close + 2] not in ("", ","):
                pos = close + 1  # 【马上核实】, 【市民反映】: a column's tag before the text
            else:
                pos += 1  # 【山海关路新昌路】 (folded to round brackets): a headline's place
        if pos and t[pos:pos + 1].isdigit():
            pos = _NUMBERING.match(t, pos, end).end()  # "1. 3.开元大道": a list's number twice
        if pos == 0 and (m := _GLUED_NUMBER.match(t, 0, end)):
            pos = m.end()
    elif t[0] in _HAN_NUMERALS and (m := _HAN_ENUMERATOR.match(t, 0, end)):
        pos = _NUMBERING.match(t, m.end(), end).end()  # 三、黄河路…, 三、1.大古桥社区…
    else:
        pos = 0

    if t.count("|") >= 2:
        _, _, problem_cells = _read_table_row(r, pos, end)
        problems = _problems_in(r, problem_cells, first_only=False)
        return _result(r, problems, text)

    if "位" in t[pos:pos + 18] and (m := _SPOT_IS_AT.match(t, pos, end)):
        pos = m.end()  # 路灯不亮的地方位于…: what is wrong, then where it is
    if "好" in t[pos:pos + 12] and (m := _GREETING.match(t, pos, end)):
        pos = m.end()
    if ("|" in t[pos:pos + 14] or "丨" in t[pos:pos + 14]) and (m := _COLUMN_TAG.match(t, pos, end)):
        pos = m.end()  # 创建曝光台|…: the column's name before its headline
    m = _QUESTION_NUMBER.match(t, pos, end) if t.startswith("问题", pos) else None
    if m:
        pos = m.end()
    if "讯" in t[pos:pos + 16] and (m := _DATELINE.match(t, pos, end)):
        pos = m.end()  # 本报讯, 某某晚报8月3日讯: the paper's dateline, no place
    pos = _skip_when(t, pos, end)
    m = _PREAMBLE.match(t, pos, end) if "发现" in t[pos:end] else None
    if m:
        if (inspectors := _AREA_OF_INSPECTORS.search(t, pos, m.end())) \
                and not _NOT_AN_INSPECTORS_AREA.search(inspectors.group("sub")):
            # 马桥镇网格监督员巡查发现,…: the town whose inspectors found it is the area
            r.put("subdistrict", inspectors.group("sub"), inspectors.start("sub"), inspectors.end("sub"))
        elif ("区" in t[pos:m.end()] or "县" in t[pos:m.end()]) and not _NOT_ONE_AREA.search(t, pos, m.end()):
            # 在某区某镇某处,督查发现…, 督察组来到某县某镇某村暗访发现: the area named before the
            # words of finding
            _read_area_after_district(r, pos, m.end())
        pos = m.end()
    if t.startswith("图为", pos) and _HAN.match(t, pos + 2):
        pos += 2  # 图为某某镇…: a caption's "the picture shows"
    complaint = _COMPLAINT.match(t, pos, end) if "反映" in t[pos:end] else None
    if complaint:
        pos = complaint.end()
    elif t.startswith(_REPORT_OPENING, pos) and _HAN.match(t, pos + 2):
        pos += 2  # 反映某小区…: a summary opening with the report word, the place follows
    home_at = t.find("家住", pos, pos + _HOME_WINDOW)
    home = home_at >= 0 and (home_at == pos or t[home_at - 1] in ",:)")
    if home and home_at > pos:
        pos = home_at  # 新民晚报讯(记者 徐驰)最近,家住…: the byline and the time before it
    if t.startswith("位于", pos) or home:
        pos += 2
    elif t.startswith("我是", pos) and _RESIDENT_OF.match(t, pos + 2, end):
        pos += 2  # 我是某市某区某某小区居民: the writer's own estate, the place of what follows
    elif t.startswith("在", pos) and (m := ROAD.match(t, pos + 1, end)) and valid_road(m.group("road")):
        pos += 1  # 在建业路两侧
    elif t.startswith("在", pos) and _placed_after(t, pos + 1, end):
        pos += 1  # 在某车站南侧,…: "at" before a landmark placed by a side or a relation
    elif (m := _WHO_AT.match(t, pos, end)) and _placed_after(t, m.end(), end):
        pos = m.end()  # 记者在某小区12号楼附近看到,…: who was there, then the place
    problems = _read_body(r, pos, end, first_only=bool(complaint))
    if home and (report := _REPORTED.search(t, pos, end)):
        # 家住杨浦区政本路的市民…反映,位于政本路232号附近…: where the caller lives only gives
        # the area; the place of the problem is named after the report word, when it is
        better = _read_after_report_words(t, report.start(), end)
        if better is not None and better[0].anchor is not None:
            r = _with_area_of(better[0], r)
            problems = better[1]
    if r.anchor == "landmark" and r.marks and (report := _reported_in_clause(t, r.marks[0].span.end, end)):
        # 勤奋的州城人反映称,商洛中学斜对面…: what was read is who reported, the place follows
        better = _read_after_report_words(t, report, end)
        if better is not None and better[0].anchor is not None:
            r, problems = _with_area_of(better[0], r), better[1]
    side = r.spans.get("side") if r.values.get("side") else None
    if r.anchor is None and not r.marks and not (side and side.start <= pos + 4):
        # nothing read where the line starts (道路两侧都被菜摊占据 names the way's sides) (or only who reports: 家住西北旺地区的李女士
        # 向本报反映): a report that names the place later on
        better = _read_after_report_words(t, pos, end)
        if better is not None and (better[0].anchor is not None or not r.values.get("subdistrict")):
            r, problems = _with_area_of(better[0], r), better[1]
    return _result(r, problems, text)


def _placed_after(t: str, start: int, end: int) -> bool:
    """Does a landmark with a relation or an offset (not a bare name) start at ``start``?"""
    if start >= end or not _HAN.match(t, start) or t.startswith(("于", "此", "这"), start):
        return False
    trial = Reading(t)
    stop = read_location(trial, start, end)
    return stop > start and trial.anchor == "landmark" and bool(trial.marks) and (
        trial.marks[0].relation != "at" or trial.marks[0].direction is not None
        or t.startswith((",", "处"), stop)
        # 在某某小区,…: a bare name that fills its clause (the reading went on past the comma)
        or t.startswith((",", "处"), trial.marks[0].span.end))


_REPORTED = re.compile(r"反映|反应|投诉|称(?=[,:])")
_BORDER_WITH = re.compile(r"[与和][^,;。与和]{2,12}?交界(?:处)?的")
_KIND_AFTER_TOWN = re.compile(r"街道办事处|街道|地区|办事处")
# the estate of a resident who writes (我是某某花园的居民): up to 20 characters, then 居民 or 业主
_RESIDENT_OF = re.compile(r"[^,;。:]{2,20}?的?(?:居民|业主|住户)")
# who was at the place, before it (记者在…, 网友们曾在…)
_WHO_AT = re.compile(r"(?:记者|笔者|小编|网友|市民|居民)(?:们)?(?:来|曾)?[在从]")
_HOME_WINDOW = 40  # how far into a report its "家住…" (where the caller lives) is looked for


def _reported_in_clause(t: str, start: int, end: int) -> int | None:
    """Where a report word is in the clause that goes on at ``start``, if one is."""
    stop = _CLAUSE_MARK.search(t, start, end)
    m = _REPORTED.search(t, start, stop.start() if stop else end)
    return m.start() if m else None


def _with_area_of(r: Reading, home: Reading) -> Reading:
    """``r`` with the district and subdistrict of ``home`` where it has none."""
    for key in ("district", "subdistrict"):
        if home.values.get(key) and not r.values.get(key):
            span = home.spans[key]
            r.put(key, home.values[key], span.start, span.end)
    if home.values.get("side") and not home.values.get("side_road") and not r.values.get("side"):
        # the side of a way no road names, told in the words (记者在某小学门口看到,道路一侧
        # 被摊贩占据): the way's side wherever the place is read
        span = home.spans["side"]
        r.put("side", home.values["side"], span.start, span.end)
    return r


def _read_body(r: Reading, pos: int, end: int, *, first_only: bool) -> list[Problem]:
    """Prefixes, district and subdistrict, the location, then the problems."""
    t = r.t
    if ":" in t[pos:end]:
        pos = _read_colon_prefixes(r, pos, end)
        pos = _skip_when(t, pos, end)
    pos = _read_district_and_subdistrict(r, pos, end)
    if r.values.get("subdistrict") and t.startswith(",", pos):
        pos += 1
    elif r.values.get("district") and t.startswith("的", pos):
        pos += 1  # 通州区的北京城乡建设集团有限公司

    if r.colon_road and r.anchor is None and not _road_starts(t, pos, end):
        # 东城区辛寺胡同:建筑垃圾一堆: the road before the colon is the place
        _put_colon_road(r)
    listed = _COLON_BEFORE_LIST.search(t, pos, end) if ":" in t else None
    location_end = listed.start() if listed else end
    if r.anchor is None and (m := _SIDE_OF_UNNAMED_WAY.match(t, pos, location_end)):
        # 北侧人行道上,…: the side of the way the spot is on, no road named
        r.put("side", m.group("side"), m.start("side"), m.end("side"))
        pos = m.end()
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
    m = _AREA_OF_JURISDICTION.search(t, pos, end) if "辖区" in t else None
    if m and not r.values.get("subdistrict"):
        r.put("subdistrict", m.group("sub"), m.start("sub"), m.end("sub"))
    if not r.values.get("subdistrict") and "(" in t:
        m = _RESPONSIBLE_AREA.search(t, problem_start, end)
        if m:
            r.put("subdistrict", m.group("sub"), m.start("sub"), m.end("sub"))
    if "责任单位" in t and (r.values.get("subdistrict") or "社区").endswith(_NOT_THE_AREA_WHEN_A_UNIT_IS):
        # (a 社区 read at the start only narrows the 街道 the responsible units name)
        m = _RESPONSIBLE_UNIT_AREA.search(t, problem_start)
        if m:
            r.put("subdistrict", m.group("sub"), m.start("sub"), m.end("sub"))
    if not r.values.get("subdistrict") and ("区" in t or "县" in t):
        _read_area_after_district(r, pos, end)
    if not r.values.get("side") and _SIDE_CHAR(t, problem_start, end):
        _read_later_side(r, problem_start, end)
    if r.anchor == "intersection" and not r.values.get("direction") and "处" in t[problem_start:end]:
        m = _THAT_SPOT_SIDE.search(t, problem_start, min(end, problem_start + _THAT_SPOT_WINDOW))
        if m:
            r.put("direction", m.group("d"), m.start("d"), m.end("d"))
    if not r.values.get("distance_m") and "距" in t[pos:end] and (m := _DISTANCE_FROM.search(t, pos, end)):
        # 垃圾堆距小学校门也就30米: how far the spot is from a place named in the prose
        r.put("distance_m", int(m.group("num")), m.start("num"), m.end())
    if r.anchor is not None and not r.values.get("direction") and ("记者" in t[:problem_start] or "来到" in t[:pos + 4]):
        _read_spot_after_visit(r, pos, end)
    problems, names = read_problems(t, problem_start, end, first_only=first_only)
    for lm in names:
        # places named inside the problem's words: after the location, not part of its chain
        # (体育馆南侧,烧烤、麻辣烫摊位…: the gym's side still places the spot)
        r.marks.append(Mark(lm.name, lm.span, in_chain=r.anchor is None))
    return problems


# A reporter's visit to a place (记者来到某小区, 记者在某路口看到), then, in the next clause,
# where on it the spot is, with its side: 垃圾堆就位于某书店东侧, 位于小区的东南面, 在二单元
# 东侧看到, 发现某小区北侧有…, 看到小区大门口靠近南侧的位置. The spot is that landmark,
# the direction its side; the place visited only led there.
_VISIT = re.compile(r"记者[^,;。]{0,6}?(?:来到|在|走进)|来到")
# 位于, a landmark of up to 14 characters, its side (位于某书店东侧, 位于小区的东南面)
_SPOT_LOCATED = re.compile(rf"位于(?P<name>[^\s,;:。、“”\"]{{1,14}}?)的?(?P<d>{DIR})(?:侧|面|边)(?![约\d])")
# a clause opening with a landmark and its side (在二单元西侧看到, 发现3号楼北侧有)
_SPOT_CLAUSE = re.compile(
    # (看到东侧有…, 他说东侧…: a verb, a pronoun or a saying is no landmark)
    rf"(?:发现|看到|在)?(?!发现|看到|在|他|她|我|说)(?P<name>[^\s,;:。、“”\"的说]{{1,12}}?)(?:靠近)?(?P<d>{DIR})(?:侧|面|边)(?![约\d])"
)
_SPOT_WINDOW = 40  # how far after the visit's clause the spot is looked for


def _read_spot_after_visit(r: Reading, pos: int, end: int) -> None:
    t = r.t
    comma = t.find(",", pos, end)
    if comma < 0 or not _VISIT.search(t, max(0, pos - 8), comma):
        return
    start = comma + 1
    m = _SPOT_LOCATED.search(t, start, min(end, start + _SPOT_WINDOW)) or _SPOT_CLAUSE.match(t, start, end)
    if not m or r.values.get("direction"):
        return
    name = m.group("name")
    if (road := ROAD_NAME_FULL.search(name)) and valid_road(road.group()):
        return  # 看到某路西侧的人行道: the side of a road, read as a road's side
    side = r.spans.get("side")
    if side and side.end <= comma:
        # the side of the road visited (记者来到某街西侧): no side of the spot
        for key in ("side", "side_road"):
            r.values.pop(key, None)
            r.spans.pop(key, None)
    r.put("direction", m.group("d"), m.start("d"), m.end("d"))
    r.marks.append(Mark(name, Span(m.start("name"), m.end("name")), relation="side", direction=m.group("d"),
                        direction_span=Span(m.start("d"), m.end("d"))))
    r.anchor, r.anchor_clause = "landmark", r.clause


# 距 or 距离, a place of 2-12 characters, a hedge, then whole metres (距小学校门也就30米,
# 距离该工地不到20米, 在距某污水厂80米远的路边); a length in 公里 describes a road, no spot
_DISTANCE_FROM = re.compile(
    # (a height or a clearance is no offset: 树枝距离地面不足3米, 广告牌距地面约5米)
    r"距(?!离?(?:地面|路面|水面|地表|楼顶|屋顶))离?(?P<name>[^,;。\d]{2,12}?)(?:也就|仅仅?|只有|不足|不到|约|大约)?(?P<num>\d{1,4})[多余]?米"
)
# A side opening the place, then the way it is a side of: 北侧人行道上, 南北两侧便道,
# 东侧的非机动车道 (东侧绿化带 is a landmark's side: no way word follows)
_SIDE_OF_UNNAMED_WAY = re.compile(
    r"(?:东西|南北)?(?P<side>两侧|两边|两旁|[东西南北]侧)的?(?=人行道|人行便道|便道|非机动车道|辅路|路边|马路)"
)
# The junction read as the anchor, referred to in the next clause with the side the
# problem is on: 记者在甲路与乙路交叉口看到,该处北侧… (direction 北)
_THAT_SPOT_SIDE = re.compile(rf"(?<=[,;])(?:该处|此处|该路口处?)(?P<d>{DIR})(?:侧|角|方向)")
_THAT_SPOT_WINDOW = 12  # how far into the problem text the referring clause may open
_STREET_AFTER = frozenset("边上旁里口")
# words that follow a district without naming an area (区内一些乡镇, 区各镇, 全区部分街道)
_NOT_AN_AREA_NAME = re.compile(r"^内?(?:一些|各|多|全|该|这|那|其|部分|个别|少数)|一些")


def _read_area_after_district(r: Reading, start: int, end: int) -> None:
    """The first 街道/镇/乡 glued to a district name anywhere in the line (孝南区某某街道…)."""
    t = r.t
    for m in _AREA_AFTER_DISTRICT.finditer(t, start, end):
        if (_SUBDISTRICT_BAD.search(m.group("name")) or _NOT_AN_AREA_AFTER.match(t, m.end())
                or _NOT_AN_AREA_NAME.search(m.group("name"))):
            continue
        if m.group("kind") in ("乡", "镇") and _TOWN_ROAD_AFTER.match(t, m.end()):
            continue
        if m.group("kind") == "街道" and t[m.end():m.end() + 1] in _STREET_AFTER:
            continue  # 花园街道边: 街道 is the street here
        stop = m.end("kind")
        if m.group("kind") in ("乡", "镇") and (k := _KIND_AFTER_TOWN.match(t, stop, end)):
            stop = k.end()
        r.put("subdistrict", t[m.start("sub"):stop], m.start("sub"), stop)
        return


# The way's side told after the place, in the problem's words: 占据在马路两侧经营,
# 街路两侧的商家, ",两侧人行道非常狭窄", ",路两边至今没有路灯", ",道路中段北侧山坡上". A side
# word counts when the way is named before it (道路, 马路, 街路, 通村路) or when it opens a clause
# (then after the road only); 小区北侧 is a landmark's side, not the road's. After a way
# word a side may be one unnamed side (堆放在道路一侧, 位于道路右侧), kept as written.
_LATER_SIDE = re.compile(
    r"(?:(?<=[,;、])(?P<lu>路)?的?(?:中段)?(?:东西|南北)?(?P<side>两侧|两边|两旁|[东西南北]侧|一侧(?=路边|人行道|便道))"
    # (the way's own side without 侧 opening a clause: ,看到路东的人行道…, 路南有…)
    r"|(?<=[,;、])(?:看到|发现|在)?路(?P<edge>[东西南北])(?=的|有|边|[,;])"
    r"|(?:道路|马路|街路|小路|小巷|村路|(?<=[把在沿往])路)的?(?:中段)?(?:东西|南北)?"
    r"(?P<way_side>两侧|两边|两旁|[东西南北左右一]侧))(?![约\d])"
)


_SIDE_CHAR = char_search("侧边旁路")  # what every _LATER_SIDE match has
_NAMED_ROAD_SIDE = re.compile(r"的?(?:东西|南北)?(?P<side>两侧|两边|两旁|[东西南北]侧|(?:另外|另)?一侧)(?![约\d])")


def _read_later_side(r: Reading, start: int, end: int) -> None:
    """The side told in the problem's words. A side that opens a clause belongs to the
    road read as the anchor; one after a way word (道路两侧) is the side of the way the
    spot is on, whatever the anchor (交叉口东一公里处,道路两侧路灯已损坏; a house number's
    道路两侧), and of no named road when the anchor is no road."""
    t = r.t
    admin = t.find("责任", start, end)
    stop = admin if admin >= 0 else end
    on_road = r.anchor == "road" and bool(r.values.get("road"))
    for m in _LATER_SIDE.finditer(t, start, stop):
        key = "side" if m.group("side") else "edge" if m.group("edge") else "way_side"
        if key == "side" and not on_road and not (m.group("lu") and r.anchor == "intersection"):
            continue  # (路南侧 after a junction's offset: the side of the way walked)
        if key == "edge" and r.anchor not in ("road", "intersection"):
            continue
        r.put("side", m.group(key) + ("侧" if key == "edge" else ""), m.start(key), m.end(key))
        if on_road:
            road = r.spans["road"]
            r.put("side_road", r.values["road"], road.start, road.end)
        return
    # a road read as the anchor, named again with its side: 记者在甲街与乙街交口看到,垃圾车
    # 停在乙街一侧 (one side, kept as written), 某路的两旁
    for key in ("road", "road_a", "road_b"):
        name = r.values.get(key)
        if not name or r.anchor not in ("road", "intersection"):
            continue
        at = t.find(name, start, stop)
        m = _NAMED_ROAD_SIDE.match(t, at + len(name), stop) if at >= 0 else None
        if m:
            r.put("side", m.group("side"), m.start("side"), m.end("side"))
            r.put("side_road", name, at, at + len(name))
            return


def _read_after_report_words(t: str, pos: int, end: int) -> tuple[Reading, list[Problem]] | None:
    """The reading from just after a report word (反映, 看到, 位于…) at which a road, an
    intersection or a house number is read; else the first at which a landmark is.

    >>> loc = parse("有市民反映郑东新区东风南路与永平路交叉口向东,占道经营现象严重")
    >>> loc.district, loc.road_a, loc.road_b, loc.direction, loc.problems
    ('郑东新区', '东风南路', '永平路', '东', ('占道经营现象严重',))
    """
    landmark_reading = None
    window_end = min(end, pos + _PLACE_FOLLOWS_WINDOW)
    admin = t.find("责任", pos, window_end)
    if admin >= 0:
        window_end = admin  # 责任辖区…: the administration's words, no place of the problem
    # after a report word first (反映…, 位于…), then after any clause mark: a caption's
    # "图为5月4日," or a time span "国庆长假期间," before the place
    places = [m.end() for m in _PLACE_FOLLOWS.finditer(t, pos, window_end)]
    places += [m.end() for m in _CLAUSE_MARK.finditer(t, pos, window_end)
               if m.end() not in places and m.end() < window_end]
    # then after 在 in the sentence's verb when a road follows it: 垃圾主要集中在某某路的西侧,
    # 堆放垃圾的地方就在某某路上 (where the problem lies, told after what it is)
    places += [m.end() for m in _AT_ROAD.finditer(t, pos, window_end)
               if m.end() not in places and (road := ROAD.match(t, m.end(), end)) and _road_after_at(road.group("road"))]
    for place in places:
        start = _AFTER_PLACE_WORD.match(t, place, end).end()
        if start >= end:
            continue
        start = _skip_when(t, start, end)
        r = Reading(t)
        problems = _read_body(r, start, end, first_only=False)
        if r.anchor in ("intersection", "road", "address"):
            return r, problems
        if landmark_reading is None and (r.anchor == "landmark" or r.values.get("subdistrict")):
            landmark_reading = (r, problems)
    return landmark_reading


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


# Both sides written 两边 or 两旁 are labelled 两侧, as the X侧 sides are.
_BOTH_SIDES = {"两边": "两侧", "两旁": "两侧"}


def _result(r: Reading, problems: list[Problem], text: str) -> ParsedLocation:
    finish_anchor(r)
    values = r.values
    if values.get("side") in _BOTH_SIDES:
        values["side"] = _BOTH_SIDES[values["side"]]
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
        name = mk.name
        if "," in name:  # a dash read as a clause's comma (_dashes_as_commas): the name as written
            name = fold(text[span.start:span.end])
        landmarks.append(_make_landmark(name, mk.direction, mk.distance_m, mk.relation, span))
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


_NO_PROBLEM = "no problem text found (未识别出问题)"


def parse(text: str) -> ParsedLocation:
    """Read one location line. Never raises: problems are reported in ``errors``.

    A bug of the parser does not raise either (an import of thousands of lines must not
    stop at one), but it is not passed off as a fault of the text: its error has code
    `INTERNAL` (``loc.internal_error``) and the traceback is logged.

    Two models trained on the dev files read on top of the rules: `problem_tagger` cuts the
    problem phrases of prose, `anchor_kind` promotes a road_only or other reading to landmark
    where the writer placed the spot by a place. `parse_rules` is the rules' reading alone.
    """
    return _parse(text, tagged=True)


def parse_rules(text: str) -> ParsedLocation:
    """`parse` without the models: the rules' reading, which the models learn on."""
    return _parse(text, tagged=False)


def _with_anchor_kind(loc: ParsedLocation, text: str) -> ParsedLocation:
    """The line with the anchor kind `anchor_kind`'s model reads, where it promotes the rules'."""
    better = anchor_kind.read(text, loc)
    if better is None:
        return loc
    return replace(loc, anchor_kind=better[0], anchor_relation=better[1])


def _with_tagged_problems(loc: ParsedLocation, text: str) -> ParsedLocation:
    """The line with the tagger's problem phrases, unless every item the rules read is a
    catalogue wording (the district's own form, which the rules read as it is meant)."""
    items = loc.problem_items
    if items and all(p.category for p in items):
        return loc
    t = fold(text)
    rule_spans = problem_tagger.rule_spans(t, loc)
    if not problem_tagger.worth_tagging(t, rule_spans):
        return loc
    problems = tuple(
        item
        for a, b in problem_tagger.tag(t, rule_spans)
        for item in catalogue_items(t[a:b], _make_span(a, b))
    )
    if problems == items or not problems:
        return loc  # (nothing found by the tagger: 横七条东侧,小广告 keeps the rules' item)
    spans = [(k, s) for k, s in loc.spans if not k.startswith("problems[")]
    spans += [(f"problems[{i}]", p.span) for i, p in enumerate(problems)]
    warnings = tuple(w for w in loc.warnings if w.message != _NO_PROBLEM)  # (the tagger found some)
    return replace(loc, problem_items=problems, spans=tuple(spans), warnings=warnings)


_ROAD_KEYS = ("road_a", "road_b", "road", "side_road")


def _subdistrict_out_of_road(loc: ParsedLocation) -> ParsedLocation:
    """学院路街道学院路与清华东路交叉口: a 街道 named after a road, written against the road that
    follows (no comma), is read into that road's name (a road word inside an area's name is taken
    for a road). No road's name holds 街道 after its first characters: the area comes out of it.
    Done on the finished reading, after the models, which learnt on the rules' reading as it is.

    >>> loc = parse("海淀区学院路街道学院路与清华东路交叉口向南50米，积存垃圾")
    >>> loc.subdistrict, loc.road_a, loc.road_b, loc.span_of("road_a")
    ('学院路街道', '学院路', '清华东路', Span(start=8, end=11))
    """
    if loc.subdistrict:
        return loc
    for key in ("road_a", "road", "road_b"):
        name = getattr(loc, key)
        at = name.find("街道", 2) if name else -1
        if at < 2 or not valid_road(name[at + 2:]):
            continue
        area, rest = name[:at + 2], name[at + 2:]
        changes = {k: rest for k in _ROAD_KEYS if getattr(loc, k) == name}
        spans = []
        for k, span in loc.spans:
            if k in changes and span.end - span.start == len(name):
                if k == key:
                    spans.append(("subdistrict", _make_span(span.start, span.start + len(area))))
                span = _make_span(span.start + len(area), span.end)
            spans.append((k, span))
        return replace(loc, subdistrict=area, spans=tuple(spans), **changes)
    return loc


def _moved(span: Span, at: int) -> Span:
    """A span of a text with one character inserted at `at`, in the text without it."""
    return _make_span(span.start - (span.start > at), span.end - (span.end > at))


def _subdistrict_before_road(loc: ParsedLocation, text: str) -> ParsedLocation:
    """学院路街道学院路西侧，积存垃圾: a 街道 named after a road, written against a road alone (no
    intersection after it, so `_subdistrict_out_of_road` has no road holding 街道 to split): the
    rules read the road 学院路 from the area's name and 街道学院路 as a landmark west of it. Such a
    line is read as written with a comma after the area (学院路街道，学院路西侧), when that reading
    has the area ending there and a road starting right after it. 街道办(事处) is the area's office,
    a place, not the area followed by a road (北林路街道办事处在福彩路…): it keeps its reading. The
    spans are those of the text as written. Done on `parse`'s finished reading only:
    `parse_rules`, which the models learn on, is left as it is.

    >>> loc = parse("学院路街道学院路西侧，积存垃圾")
    >>> loc.subdistrict, loc.road, loc.side, loc.span_of("road"), loc.landmarks
    ('学院路街道', '学院路', '西侧', Span(start=5, end=8), ())
    """
    if loc.subdistrict:
        return loc
    for key in ("road", "road_a", "side_road"):
        span = loc.span_of(key)
        if span is None or text[span.end:span.end + 2] != "街道":
            continue
        at = span.end + 2
        if text.startswith("办", at):
            return loc
        comma = _tagged(text[:at] + "，" + text[at:])
        area = comma.span_of("subdistrict")
        if area is None or area.end != at or area.start > span.start:
            return loc
        if not any((s := comma.span_of(k)) is not None and s.start == at + 1 for k in ("road", "road_a", "side_road")):
            return loc
        spans = tuple((k, _moved(s, at)) for k, s in comma.spans)
        landmarks = tuple(replace(lm, span=_moved(lm.span, at)) if lm.span else lm for lm in comma.landmarks)
        items = tuple(replace(p, span=_moved(p.span, at)) if p.span else p for p in comma.problem_items)
        warnings = tuple(replace(w, span=_moved(w.span, at)) for w in comma.warnings)
        errors = tuple(replace(e, span=_moved(e.span, at)) for e in comma.errors)
        return replace(comma, spans=spans, landmarks=landmarks, problem_items=items, warnings=warnings,
                       errors=errors)
    return loc


# 路北, 路南, 路东边: "the north (south, east) side of the road", the side of the way the spot is
# on, written without 侧 and without the road's name, where a place or a clause starts (路北有一处
# 建筑垃圾, 往东30米,路南便道上…, 街东头路北有垃圾桶, 出了村口,路东垃圾乱堆放). A name goes on
# after 路东 in 路东村, 路北段, 路南口, 路西街, 路东南 (a corner): those are no side; nor is a 路
# that ends a name the reading holds (巷口路西: the road 巷口路).
_ROAD_EDGE = re.compile(
    r"(?:^|(?<=[,;:、。 ]|[口头米处]))(?:在|看到|发现)?路(?P<d>[东南西北])(?:边|面|侧)?"
    r"(?![东南西北段口路街大道巷里门线环延站村庄镇乡区城关京海湖河桥园场苑院楼郊方部端角沿岸新"
    r"一二三四五六七八九十百0-9])"
)


def _road_edge_side(loc: ParsedLocation, text: str) -> ParsedLocation:
    """The way's side told as 路北, 路南… (`_ROAD_EDGE`) where the reading has no side: the
    first such side in the line, with no road named for it. Done on `parse`'s finished reading
    only, as `_subdistrict_before_road` is: `parse_rules`, which the models learn on, keeps its own.

    >>> loc = parse("小区南门往东30米,路南便道上停着两辆报废车")
    >>> loc.side, loc.side_road, loc.span_of("side")
    ('南侧', None, Span(start=10, end=12))
    >>> parse("人民路北段堆物堆料").side is None
    True
    """
    if loc.side or "路" not in text:
        return loc
    m = _ROAD_EDGE.search(fold(text))
    if m is None:
        return loc
    lu = m.start("d") - 1
    named = [s for k, s in loc.spans if k in _ROAD_KEYS] + [lm.span for lm in loc.landmarks if lm.span]
    if any(s.start <= lu < s.end for s in named):
        return loc  # the 路 ends a name read (大屯路口路西侧: the side of the place 大屯路口路)
    span = _make_span(lu, m.end())
    return replace(loc, side=m.group("d") + "侧", spans=(*loc.spans, ("side", span)))


def _tagged(text: str) -> ParsedLocation:
    """The rules' reading with the two models' on top (no post-step)."""
    loc = _read(text)
    return _with_tagged_problems(_with_anchor_kind(loc, text), text) if _HAS_HAN.search(text) else loc


def _parse(text: str, *, tagged: bool) -> ParsedLocation:
    if not isinstance(text, str):
        return ParsedLocation(errors=(ParseMessage(Span(0, 0), f"expected str, got {type(text).__name__}"),))
    try:
        loc = _tagged(text) if tagged else _read(text)
        if "街道" in text:
            loc = _subdistrict_out_of_road(loc)
            if tagged:
                loc = _subdistrict_before_road(loc, text)
        return _road_edge_side(loc, text) if tagged else loc
    except Exception as exc:
        logger.exception("internal parser error on %r", text[:200])
        return ParsedLocation(
            errors=(ParseMessage(Span(0, len(text)), f"internal parser error: {exc!r}", INTERNAL),)
        )
