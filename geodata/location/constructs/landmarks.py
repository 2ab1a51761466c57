"""Landmarks: named places, with their relation or offset.

A place named before a possessive (X的Y的西北方向33米), before an offset or a relation
word (天成酒店南侧10米, …门前, 诚远机械斜对面), a clause naming the place itself
(，星巴克处), a gate after its road (盘纸厂北门) and a named site (金财市场垃圾成堆,
魏源路金长城网吧). A shop's branch in brackets stays with its name.
"""

from __future__ import annotations

import re

from geodata.location.constructs.offsets import (
    _OFFSET_AHEAD,
    _meaningful_offset,
    _read_offset,
)
from geodata.location.constructs.reading import (
    _CLAUSE_END,
    _LM,
    Mark,
    Reading,
    _valid_name,
    char_search,
)
from geodata.location.lexicon import (
    DIR,
    DISTANCE,
    FACILITY_END,
    GATE_END,
    GENERIC_FEATURES,
    PROBLEM_WORD,
    REL,
    RELATIONS,
    ROAD_NAME_FULL,
)
from geodata.location.types import _make_span

_LANDMARK_DE = re.compile(rf"(?P<chunk>{_LM}{{1,20}}?(?:\([^()]{{1,15}}\))?)(?=的)")
_LANDMARK_CHUNK = re.compile(
    rf"(?P<name>.+?)(?P<branch>\([^()]{{1,15}}\))?"
    rf"(?P<tail>{REL}|正?{DIR}(?:角|侧|则|方向|面|边|岸)?(?:[向往以]正?{DIR}(?:方向)?)?(?:仅?{DISTANCE})?)?"
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
_LANDMARK_LIST = re.compile(rf"(?P<names>(?:{_LM}{_LMS}{{1,15}}?、){{1,5}}{_LM}{_LMS}{{1,15}}?)(?P<rel>{REL})")
# "，星巴克处": a landmark clause that names the place itself
_LANDMARK_AT = re.compile(rf"(?P<name>{_LM}{_LMS}{{1,23}}?)处{_CLAUSE_END}")
_LANDMARK_GATE = re.compile(rf"(?P<name>{_LM}{{1,12}}?{GATE_END})")
_LANDMARK_FACILITY = re.compile(rf"(?P<name>{_LM}{{2,20}}?{FACILITY_END})")
_LANDMARK_ESTATE = re.compile(rf"(?P<name>{_LM}{{1,8}}?(?:花园|家园|新村|苑|村))(?![\u4e00-\u9fff]{{0,2}}(?:路|街|道|巷))")

# A village or its committee, then a quarter of it (村东, 村委西; 王村东路与… is a road's name,
# 村委西路边 the roadside west of the committee)
_VILLAGE_QUARTER = re.compile(
    rf"(?P<name>{_LM}{{1,10}}?(?:村委会|村委|居委会|村))村?(?P<d>东北|东南|西北|西南|[东西南北])(?:面|边|头)?"
    # (only before what lies in that quarter: a roadside, water, fields, "has", a stop — not a
    # gate, a stop, a school, a distance or a corner, which the other readings take)
    r"(?=(?:路|街)(?:边|旁|面|口|上)|桥[下边旁头]|[河沟渠田地坡山林塘有处,;。\s]|$)"
)
# a chunk whose relation word begins with its gate's 门 (某小区北门外): the gate in the name
_GATE_SPLIT = re.compile(rf"(?P<name>.+?[东西南北正后侧]门)(?P<branch>)(?P<tail>{REL})")
# A gate of a site right after its name (某医院北门, 某小区东大门), not 门口/门前 (relations)
# nor a word that goes on (门诊, 门面).
_GATE_AFTER_SITE = re.compile(r"(?:[东西南北正后侧]大?门|大门)(?![口前外诊面店市卫])")
# A site's name and one of its gates, then the clause's end: 某某园一区北门, 某中学大门
_GATE_CLAUSE = re.compile(rf"(?P<name>{_LM}{{2,14}}?(?:[东西南北正后]大?门|大门)){_CLAUSE_END}")
_SITE_AT_START = re.compile(rf"(?![\d一二两三四五六七八九十几多每该此这那])(?P<name>{_LM}{{3,12}}?)处(?=[\u4e00-\u9fff])")
# (a heading "某某回收站 存在问题:" has white space before its label)
# what names no site at the start of an item (部分路段存在…, 个别商户…, 该区域…)
_NOT_A_SITE_NAME = re.compile(r"^(?:部分|个别|多处|少数|一些|有些|该|此|这|那|其|各|全|整)|(?:路段|路面|地面|现场|周边|附近|一带)$")
_SITE_BEFORE_EXISTS = re.compile(rf"(?P<name>{_LM}{{3,12}}?)(?=\s*(?:仍|还|依然|仍然)?存在)")
_SITE_INSIDE = re.compile(
    rf"(?P<name>{_LM}{{0,16}}?(?:小区|市场|大院|院子|胡同|巷子|校园|公园|广场|商场|宿舍|楼道|村))里(?![面弄巷路街])"
)
# (not 看到, 来到: words of a report after the site)
_STRETCH_FROM_SITE = re.compile(r"[^,;。\s看来走找收得]{0,6}?(?<![看来走找收得])[至到](?=[\u4e00-\u9fff]{2})")
_ESTATE_ENDS_CLAUSE = re.compile(r"\s*(?:$|[,;。:])")

_REL_FIRST = frozenset(word[0] for word in RELATIONS)
# What can end a _LANDMARK_CHUNK branch or tail (a relation word, an offset, a bracket):
# a chunk ending otherwise is all name.
_CHUNK_TAIL_LAST = frozenset(word[-1] for word in RELATIONS) | frozenset("东西南北角侧则向米里mM右许处)")
# What can follow a _LANDMARK_REL name (and its branch, up to 41 characters on): the
# first character of an offset ahead or of a relation word.
_LANDMARK_NEXT = _REL_FIRST | frozenset("的正东西南北向往以约0123456789")
_LANDMARK_NEXT_SEARCH = char_search(_LANDMARK_NEXT)

# Sites named by their kind only are part of what is wrong (施工工地路面积尘较多).
GENERIC_SITES = frozenset({"施工工地", "工地", "施工现场", "施工区域", "项目", "工程", "小区", "市场", "公司"})
# A name read as a site must not start with a word of the problem or of the road itself.
_NOT_SITE_START = re.compile(r"[在是有对向往以从]|沿|道路|路面|人行|机动|马路(?!市场)")  # (马路市场: a street market)


# What a named place is not: a bare relation or stretch word (周边, 整条路), a clause with
# a verb or a report in it (摆摊, 暗访组也发现了, 某餐馆私自将店铺, 牌号为…), a date, or a
# name cut before a conjunction (排水沟及).
_NOT_A_PLACE = re.compile(
    r"^(?:周边|附近|一带|整条路|整条街|路口|路段|平地|荒地|空地|沿线|两侧|两边|两旁|旁边|对面|老旧)$"
    r"|[了是为将把被也]|发现|收到|停在|私自|摆摊|反映|记者|看到|热线|(?<=.)位于"
    # an adverb joins clauses, it names nothing (两岸尤其西岸…)
    r"|尤其|特别是"
    # a time, no place (近一年每次下大雨…)
    r"|每[天次晚年月周]|^[一两几]年"
    # a measure from a place, no place (这条路距离人民医院…)
    r"|距离"
    # a way toward a place (通往某村的方向): no place itself
    r"|通往"
    r"|\d{4}年|\d{1,2}月\d{1,2}日"
    # a length (450米), not a place
    r"|^[\d.约近]+多?(?:米|公里)$"
    r"|[及和与、]$"
    # a name cut inside 两旁, 两边 (通村道路两|旁): the sides of a way, not a place
    r"|两$"
    # a stretch "from A to B", not a place: 中州路至凯旋路口, 到李村镇路段
    r"|^[到至]|[至到].*(?:路口|路段)$|.{2}[至到].{2}"
    # a connective that opens a clause (同时沿线网点前)
    r"|^(?:同时|另外|此外|并且|而且|但是|还有)"
    # a way and its side (道路北侧小吃摊的, 马路两旁店铺前): the side of the way, read as a side
    r"|^(?:道路|马路|街路)(?:东西|南北)?(?:两侧|两边|两旁|[东西南北一]侧)"
    # who tells it, not where (据某某办公室调查了解): a source of the report
    r"|^据"
    # how much or what colour, before the thing itself (大量的建筑垃圾, 银白色的广告墙)
    r"|^(?:大量|大批|许多|很多|不少|部分|少数|多数|多处|成堆|满地|到处|随处|一大片|一大堆)$|色$"
)


_UNSPECIFIC = ("一家", "某", "一个", "一处", "一些", "几家")


# Places named after what they hold: a problem word in them is part of the name.
_WASTE_FACILITY = re.compile(r"垃圾(?:中转站|转运站|收集站|站|房|屋|池)$")


def _valid_landmark(name: str) -> bool:
    # one character (店外经营, 门前三包) is a word of the problem, not a named place
    if len(name) < 2 or _NOT_A_PLACE.search(name):
        return False
    facility = _WASTE_FACILITY.search(name)
    # 求真垃圾站 is checked as 求真 (a bare 垃圾站 is then no name: 求真 is empty)
    return _valid_name(name[:facility.start()] if facility else name)


_NEAR_WORDS = ("靠近", "临近", "邻近", "近")
# words before a place's name that only say it is the place (即某小区门口, 位于某小区门口)
_PLACE_IS = ("即", "位于")


def _add_mark(r: Reading, name: str, start: int, relation: str = "at") -> Mark:
    if name.startswith(_PLACE_IS) and len(name) > 4 and (name[0] != "即" or r.anchor is not None):
        # (即 glosses a place told before: 某交叉口东北角,即某小区门口; 即墨古城 is a name)
        cut = 1 if name[0] == "即" else 2
        name, start = name[cut:], start + cut
    if name.startswith(_NEAR_WORDS) and len(name) > 4 and (name[0] != "近" or r.last == "road"):
        # 靠近某某中学, 某路近某中学: the place, and near it (近江家园 is a name)
        cut = 1 if name[0] == "近" else 2
        name, start, relation = name[cut:], start + cut, "near" if relation == "at" else relation
    in_chain = r.anchor in (None, "road", "landmark") or r.clause == r.anchor_clause
    mark = Mark(name, _make_span(start, start + len(name)), relation, None, None, None, None, False, in_chain)
    if name in GENERIC_FEATURES or name.startswith(_UNSPECIFIC):
        # a green belt belongs to the road; "一家饭店", "某餐馆" do not place anything
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
    # 0'. a village or its committee and a quarter of it: 某某村村东沟渠内, 某村委西路边, 某村西北
    if "村" in t[pos:pos + 14] and (m := _VILLAGE_QUARTER.match(t, pos, end)) and _valid_landmark(m.group("name")):
        mark = _add_mark(r, m.group("name"), pos, relation="side")
        mark.direction, mark.direction_span = m.group("d"), _make_span(m.start("d"), m.end("d"))
        return m.end()
    # 0. a site and 里 (inside it): 某某小区里的垃圾箱, 菜市场里 (里 alone is no relation
    # word: it ends names, 北里, 故里)
    m = _SITE_INSIDE.match(t, pos, end) if "里" in t[pos:pos + 24] else None
    if m and _valid_landmark(m.group("name")) and not _NOT_SITE_START.match(m.group("name")):
        _add_mark(r, m.group("name"), pos, relation="inside")
        return m.end() + 1 if t.startswith("的", m.end()) else m.end()
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
        if tail and tail[0] == "门" and tail[1:] in RELATIONS and cm.group("name")[-1] in "东西南北正后侧" \
                and not cm.group("branch"):
            # 某小区北门外的…: the site's north gate, and outside it (东门外的… alone: no site named)
            if split := _GATE_SPLIT.fullmatch(chunk):
                cm, tail = split, split.group("tail")
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
    # 2a. names listed with 、 before one relation word (虾说虾闹店、金御私房菜、捷诚汽修店前)
    m = _LANDMARK_LIST.match(t, pos, end) if r.anchor is None and "、" in t[pos:pos + 20] else None
    if m:
        names = m.group("names").split("、")
        if all(_valid_landmark(n) and _good_spaces(n) for n in names):
            start = pos
            for name in names:
                _add_mark(r, name, start, relation=RELATIONS[m.group("rel")])
                start += len(name) + 1
            return m.end()
    # 2. a name followed by an offset or a relation word
    m = _LANDMARK_REL.match(t, pos, end) if _LANDMARK_NEXT_SEARCH(t, pos + 1, end) else None
    if m and _valid_landmark(m.group("name")) and _good_spaces(m.group("name")):
        name = _landmark_name(m, r)
        if m.group("rel"):
            rel = m.group("rel")
            if rel[0] == "门" and name[-1] in "东西南北正后侧" and not m.group("branch") and rel[1:] in RELATIONS:
                # 某小区北门外: the site's north gate, and outside it (not 某小区北 and 门外)
                name, rel = name + "门", rel[1:]
            _add_mark(r, name, pos, relation=RELATIONS[rel])
            if m.group("rel").endswith("前") and t.startswith("三包", m.end()):
                # 某商行门前三包不到位: “门前三包” is the duty the shop failed, a problem
                return m.start("rel") if m.group("rel") == "门前" else m.end() - 2
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
    # 3. "，星巴克处": a clause naming the place itself, or a place right after its road
    # ending the clause (五一路新都康年入口处,)
    after_road = r.last == "road" and r.anchor == "road" and r.clause == r.anchor_clause and t[pos] != "路"
    if ((pos == r.clause_start or after_road) and (m := _LANDMARK_AT.match(t, pos, end))
            and _valid_landmark(m.group("name")) and _good_spaces(m.group("name"))):
        _add_mark(r, m.group("name"), pos)
        return m.end()
    # 4. a gate named after a road (盘纸厂北门), or a site after a possessive
    if r.last == "road" and r.clause == r.anchor_clause:
        m = _LANDMARK_GATE.match(t, pos, end)
        if m and _valid_name(m.group("name")):
            _add_mark(r, m.group("name"), pos)
            return m.end()
    # 4b. a site's gate filling the clause that opens the line (在某某园二区北门,…): the gate
    # is the place, its site's name however it ends
    if r.last is None and r.anchor is None and (m := _GATE_CLAUSE.match(t, pos, end)):
        name = m.group("name")
        if _valid_landmark(name) and not _NOT_SITE_START.match(name) and not name.startswith(_UNSPECIFIC):
            _add_mark(r, name, pos)
            return m.end()
    # 5. a named site that starts the line (金财市场垃圾成堆) or follows its road with no
    # relation word (魏源路金长城网吧): the site is the place
    if r.last is None or (r.last == "road" and r.anchor == "road" and r.clause == r.anchor_clause):
        # a housing estate or a village only when no other site word ends the name
        # (张仪村回迁房三期工地 is the site, 盛和苑京基集团拆迁 names 盛和苑)
        m = _LANDMARK_FACILITY.match(t, pos, end) or _LANDMARK_ESTATE.match(t, pos, end)
        if m and r.last is not None and m.group("name")[-1] in "村苑园" and not _ESTATE_ENDS_CLAUSE.match(t, m.end(), end):
            m = None  # after its road, a village or an estate is the place when its clause ends there
        name = m.group("name") if m else ""
        if m and r.last == "road" and _STRETCH_FROM_SITE.match(t, m.end(), end):
            m = None  # 某路某商城西入口至某饭店: a stretch of the road from the site, the road is the place
        if m and _valid_landmark(name) and not _NOT_SITE_START.match(name) and name not in GENERIC_SITES:
            stop = m.end()
            if gate := _GATE_AFTER_SITE.match(t, stop, end):
                name, stop = name + gate.group(), gate.end()  # 某某医院北门: the gate is part of the name
            _add_mark(r, name, pos)
            return stop
    # 5b. "某某悬崖处白色垃圾": a place and 处 opening the line, the problem right after it
    if r.last is None and r.anchor is None and (m := _SITE_AT_START.match(t, pos, end)):
        name = m.group("name")
        if (_valid_landmark(name) and not _NOT_SITE_START.match(name) and not name.startswith(_UNSPECIFIC)
                and not _NOT_A_SITE_NAME.search(name) and PROBLEM_WORD.search(t, m.end(), min(end, m.end() + 8))):
            _add_mark(r, name, pos)
            return m.end()
    # 6. an inspection item "某某沙滩存在海漂垃圾": the name before 存在 at the line's start
    if r.last is None and r.anchor is None and (m := _SITE_BEFORE_EXISTS.match(t, pos, end)):
        name = m.group("name")
        if (_valid_landmark(name) and not _NOT_SITE_START.match(name) and name not in GENERIC_SITES
                and not _NOT_A_SITE_NAME.search(name)):
            _add_mark(r, name, pos)
            return m.end()
    if r.last == "link":
        m = _LANDMARK_FACILITY.match(t, pos, end)
        if m and _valid_name(m.group("name")):
            _add_mark(r, m.group("name"), pos)
            return m.end()
        if m := _WASTE_SITE_AFTER_DE.match(t, pos, end):
            # 某路的垃圾中转站边上: the road's waste station, a site named by its kind alone
            mark = _add_mark(r, m.group("name"), pos)
            if m.group("rel"):
                mark.relation = RELATIONS[m.group("rel")]
            return m.end()
    return None


# A waste station named by its kind, after a possessive, and a relation word: 垃圾中转站边上
_WASTE_SITE_AFTER_DE = re.compile(rf"(?P<name>垃圾(?:中转站|转运站|收集站|收集点|站|房))(?P<rel>{REL})?")


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


# A site placed by the road named before it: 某某大道旁的某某小区, 某路附近的某超市周边.
_BY_ROAD_DE = re.compile(r"(?:旁边|旁|边上|附近|对面)的")
_REL_AFTER_SITE = re.compile(REL)


def read_site_by_road(r: Reading, pos: int, end: int) -> int | None:
    """After its road: "旁的" and a named site (the site is the place, near the road)."""
    t = r.t
    m = _BY_ROAD_DE.match(t, pos, end)
    if not m:
        return None
    site = _LANDMARK_FACILITY.match(t, m.end(), end) or _LANDMARK_ESTATE.match(t, m.end(), end)
    name = site.group("name") if site else ""
    if not site or not _valid_landmark(name) or _NOT_SITE_START.match(name) or name in GENERIC_SITES:
        return None
    mark = _add_mark(r, name, site.start())
    stop = site.end()
    if rel := _REL_AFTER_SITE.match(t, stop, end):
        mark.relation, stop = RELATIONS[rel.group()], rel.end()  # 某超市周边, 某小区门口
    return stop

