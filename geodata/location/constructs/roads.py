"""Roads: a road named as the anchor, or a second road placed by a road side.

革新南路 (the road is the anchor), 太清路东段 (the road 太清路, read along a section),
裕京大厦天桥 alone in its clause (a bridge or expressway is a road too), and
京藏高速西侧盘桥路 (the side of the first road places the second).
"""

from __future__ import annotations

import re

from geodata.location.constructs.reading import Mark, Reading, _base_road, valid_road
from geodata.location.constructs.sides import _WAY_ALONE
from geodata.location.lexicon import DISTRICT_NAME, ROAD
from geodata.location.types import _make_span

# Words a report puts before the place, read into a road name when nothing separates
# them (记者来到宏政街, 点位位于幸福路, 紧挨墙的路): the road starts after the last of them.
# (经过 a walk past it: 今天晚上经过某路和…; 市区 the town, not the road: 来到市区某某路; 记者在某街)
_LEAD_IN_NAME = re.compile(r".*(?:来到|位于|途经|路过|经过|走到|反映|发现|看到|留言|的|市区|(?:记者|笔者|网友|市民)在|[沿顺挨]着)")
# A district glued to its road (下城区广福路, 金水区经三路); 小区路, 园区路 are names.
_DISTRICT_IN_NAME = re.compile(DISTRICT_NAME)
# (only after a lead word: 美丽乡村大道, 江南水乡大道 are names)
_TOWN_IN_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:镇|街道)")


def skip_lead_in_road(r: Reading, pos: int, end: int) -> int | None:
    """Where the place starts when the road read at ``pos`` has a lead word or a district
    glued to its front (记者来到宏政街西侧 → 宏政街西侧; 下城区广福路 → 广福路, the district
    kept); None when it has none. Every construct is then tried at the new start (位于红星路与
    广东山庄路交口 is an intersection)."""
    t = r.t
    m = ROAD.match(t, pos, end)
    if not m:
        return None
    name = m.group("road")
    lead = _LEAD_IN_NAME.match(name)
    start = pos + lead.end() if lead else pos
    # (a province and city may stand before the district: 新疆乌鲁木齐天山区后泉路)
    district = _DISTRICT_IN_NAME.search(t, start, m.end("road"))
    if district and m.end("road") - district.end() >= 3:
        if not r.values.get("district"):
            r.put("district", district.group(), district.start(), district.end())
        start = district.end()
    # a town or subdistrict glued to its road after a lead word (来到某某镇兴隆路 → 兴隆路, the town kept)
    town = _TOWN_IN_NAME.match(t, start, m.end("road")) if lead else None
    if town and m.end("road") - town.end() >= 3 and ROAD.fullmatch(t, town.end(), m.end("road")):
        if not r.values.get("subdistrict"):
            r.put("subdistrict", town.group(), town.start(), town.end())
        start = town.end()
    if start == pos or not (inner := ROAD.match(t, start, end)) or not valid_road(inner.group("road")):
        return None
    return start


# what follows a street's own mouth (某街口) read as the street: a side or heading, a
# distance, a clause's end (not 口子, 口腔…)
_MOUTH_THEN = re.compile(r"[东西南北两]侧|[向往朝]?[东西南北]\d|[向往朝][东西南北]|\d|\s*(?:[,;。]|$)")


_COMMITTEE_QUARTER = re.compile(r"(?:村委会?|居委会?|村)[东西南北]路$")


# A lane numbered off a road, after the road's name: 北八巷, 二条, 东三弄.
_NUMBERED_LANE = re.compile(r"[东西南北]?[一二三四五六七八九十]{1,3}(?:巷|条|弄)(?![\u4e00-\u9fff]{0,3}(?:路|街|巷|小区|村))")
# A street named off another by a compass word, right after it: 三义街北街, 新华路东街
# (not 路口, 街道, a section or a side of the first road).
_COMPASS_STREET = re.compile(r"[东西南北](?:街|路)(?![道口段侧边头面灯旁况牌人过基沿线坊])")


# A numbered highway: 324省道, G107国道, S225省道, X012县道 (digits are no road name
# otherwise: they start house numbers)
_NUMBERED_HIGHWAY = re.compile(r"(?P<road>[GSXYgsxy]?\d{1,4}(?:国道|省道|县道|乡道))(?P<aux>)(?P<section>[东西南北中]段)?")



_FOOTBRIDGE = ("过街天桥", "人行天桥")
# A village's name and 路 (read before 口) right after its town or 在: 某某镇张家庄村路口,
# 在王家村路口 (新村路 is a street's name; 东头村路口 after a subdistrict is a road's junction:
# Beijing has roads named after villages)
_VILLAGE_JUNCTION = re.compile(r"[\u4e00-\u9fff]{2,8}(?<!新)村路")
_BEFORE_VILLAGE = ("镇", "乡", "在")


def _read_road(r: Reading, pos: int, end: int) -> int | None:
    c = r.t[pos]
    m = (_NUMBERED_HIGHWAY.match(r.t, pos, end)
         if (c.isdigit() or c in "GSXYgsxy") and "道" in r.t[pos:pos + 8] else None)
    m = m or ROAD.match(r.t, pos, end)
    if m and (_LEAD_IN_NAME.match(m.group("road")) or m.group("road").endswith("上路")):
        m = None  # 途经道路扬尘, 车辆带泥上路: words before a way, or a verb, not a name
    if m and r.t[m.end():m.end() + 1] in ("边", "旁") and _COMMITTEE_QUARTER.search(m.group("road")):
        m = None  # 某村村委西路边: west of the committee, by the road (某村委西路与… is a road's name)
    if not m or not valid_road(m.group("road")):
        if (r.anchor is None and (w := _WAY_ALONE.match(r.t, pos, end)) and valid_road(w.group("road"))
                and not w.group("road").endswith(_FOOTBRIDGE)):
            # "学院路街道，裕京大厦天桥": a bridge or expressway named alone is the road (a
            # footbridge for crossing, 某商城过街天桥, 某路口人行天桥, is a site: a landmark)
            r.put("road", w.group("road"), w.start("road"), w.end("road"))
            r.anchor, r.anchor_clause, r.target, r.last = "road", r.clause, "road", "road"
            return w.end()
        return None
    name = m.group("road")
    if (r.anchor is None and r.t[pos - 1:pos] in _BEFORE_VILLAGE and _VILLAGE_JUNCTION.fullmatch(name)
            and r.t.startswith("口", m.end("road"))):
        # 某某镇张家庄村路口: the mouth of the lane into a village, a place named by the village
        stop = m.end("road") + 1
        r.marks.append(Mark(name + "口", _make_span(m.start("road"), stop)))
        r.anchor, r.anchor_clause, r.target, r.last = "landmark", r.clause, len(r.marks) - 1, "landmark"
        return stop
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
    stop, along = m.end(), bool(m.group("section"))
    if base == name and (lane := _NUMBERED_LANE.match(r.t, m.end("road"), end)):
        # 后湖路北八巷, 长安街二条: a lane numbered off the road is the road named
        base, stop, along = name + lane.group(), lane.end(), False
    elif base == name and (street := _COMPASS_STREET.match(r.t, m.end("road"), end)):
        base, stop, along = name + street.group(), street.end(), False
    r.put("road", base, m.start("road"), m.start("road") + len(base))
    if base == name and stop == m.end("road") and name[-1] in "街巷" and r.t.startswith("口", stop) \
            and _MOUTH_THEN.match(r.t, stop + 1, end):
        stop += 1  # 文化街口东侧…: the street's mouth, then what is read from the street
    if along:
        r.along = True
    if r.anchor is None:
        r.anchor, r.anchor_clause = "road", r.clause
    r.target, r.last = "road", "road"
    return stop
