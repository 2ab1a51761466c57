"""Vocabulary of location lines: the words a reader uses to find the parts.

Road names end in a small set of generic words (路, 街, 大道, 胡同, 条 ...); directions
are the eight compass words; relations to a landmark are a handful of postpositions
(门前 = in front of the gate, 对面 = opposite, 附近 = near ...). Regular expressions
are compiled once, here, at import: the parser is called for every line of an import.

>>> ROAD.match("马家堡东路与革新南路").group("road")
'马家堡东路'
>>> normalise_direction("正南"), RELATIONS["斜对面"]
('南', 'opposite')
"""

from __future__ import annotations

import re

# -- directions ---------------------------------------------------------------------
DIR = r"(?:东北|东南|西北|西南|东|西|南|北)"


def normalise_direction(word: str) -> str:
    """正南 → 南; the labels write the bare compass word."""
    return word.lstrip("正")


# -- numbers and distances ----------------------------------------------------------
NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
UNIT = r"(?:公里|千米|米|km|KM|m(?![A-Za-z]))"
DISTANCE = (
    # 20多米, 20余米: a little over 20 m; 200-300米, a range: its near end
    rf"(?P<approx1>约|大约|近)?(?P<num>{NUM})(?:[-~至到](?:\d+|[一二两三四五六七八九十百千]+))?[多余]?\s*(?P<unit>{UNIT})"
    r"(?P<approx2>左右|许)?处?"
)

# -- roads --------------------------------------------------------------------------
# Longer suffixes first so 建设大街 ends at 大街, not at 街 of a shorter reading.
# (a numbered ring road ends in 环: 东二环, 南三环; not 二环路, 二环东路, 环岛)
ROAD_SUFFIX = (
    r"(?:大街|大道|胡同|公路|高速|环路|(?<=[二三四五六七])环(?![路岛线]|[东西南北中]路)"
    # (a name goes on past 街口 and a numeral's 里 in place names: 新街口北大街, 二里岗街, 三里屯路,
    # 八里庄路 — not past 某街口路边, 某街口东侧, 光明里台阶;
    # 街道 is an area, 某某街道, unless the street's own 道路 or its sides follow: 某某街道两旁)
    r"|路|街(?!口(?:(?![往向侧])[\u4e00-\u9fff]){0,4}(?:大街|街|大道|胡同|路(?![边面口旁上东西南北中段侧]))"
    r"|道(?!路|两[侧边旁]|[上边旁]|[东西南北]侧))"
    r"|道|巷|(?<![一二三四五六七八九十])里|(?<=[一二三四五六七八九十])里(?![屯庄河桥沟营铺堡岗坡台])|条"
    r"|(?<![沿路热红黄专天电管标视防干连界曲直光])(?<!斑马)线)"
)
# Characters a road name is made of. No ASCII digits (they start house numbers), no
# 的 (a possessive ends the name), no punctuation.
NAME_CH = r"[\u4e00-\u9fffA-Za-z]"
# A name followed by these is a compound or building, not a road: 慈云寺北里小区; 路面 is
# the surface of a way (施工工地路面积尘), 路面馆 a noodle shop on it.
# 市民路过 is a verb (路过, to pass by), not a road 市民路.
# 巷子, 路子 are words (an alley, a way), not a road 巷 or 路 and a stray 子.
# 过街 before 天桥, 地道, 通道 is crossing the street (某商城过街天桥: a footbridge), no road 某商城过街.
_NOT_ROAD_AFTER = (
    r"(?!小区|社区|家属|院|楼|村|大厦|中心|人家|店|号楼|公园|广场|市场|面(?!馆)|过(?!街)|子"
    r"|(?<=过街)(?:天桥|地道|通道)"
    # 里 inside an estate's name (某格里拉小区, 某丽里花园): no road ending in 里
    r"|(?<=里)[^\W\d_]{1,2}(?:小区|花园|家园|公寓|大厦))"
)
# Atomic group: the shortest name ending in a road suffix is the road (马家堡东路, not
# 马家堡东路与革新南路); the parser never re-reads it longer.
ROAD_CORE = rf"(?>{NAME_CH}{{1,10}}?{ROAD_SUFFIX})"
ROAD_TAIL = r"(?P<aux>辅路|主路)?(?P<section>[东西南北中]段)?"
ROAD = re.compile(rf"(?P<road>{ROAD_CORE}{ROAD_TAIL}){_NOT_ROAD_AFTER}")
ROAD_NAME_FULL = re.compile(rf"{NAME_CH}{{1,12}}{ROAD_SUFFIX}(?:辅路|主路)?(?:[东西南北中]段)?")

# Words ending in a road suffix that name a part of a street, never a street.
GENERIC_WAYS = frozenset({
    "道路", "马路", "人行道", "机动车道", "非机动车道", "车道", "街道", "小巷", "路面",
    "沿线街道", "盲道", "步道", "辅道", "通道", "过道", "巷道", "街里", "沿线", "路线", "电线",
    "标线", "管线", "铁道",
    # electric lines (线路杂乱), not a way
    "线路",
})

# -- junctions ----------------------------------------------------------------------
JUNCTION = (
    # 交界的十字路口, 交汇的路口: the junction named after the roads meeting
    r"(?:(?:交界|交汇|交会|相交|交叉|交接)的?(?:十字|丁字)路口|(?:交界|交汇|交会|相交|交接)的?路口"
    r"|交叉路口|交叉口|交叉处|交界处|交汇处|交会处|交接处|交口|十字路口|丁字路口|路口|\((?:交叉)?路口\)"
    # a street's or lane's own 口 at the clause's end (某路和某街口,): not inside a name (新街口北大街)
    r"|(?<=[街巷])口(?![\u4e00-\u9fff]{0,5}[路街道巷交口])"
    # the roads' meeting and a heading from it, no junction word: 甲街与乙路交汇以南
    r"|(?:交汇|交会|相交|十字)(?=以?[东西南北]))"
)

# Cities whose names a writer puts before a street's without 市 (福州某某路, 杭州某某街道):
# provincial capitals and other large cities. Only a name of 3 or more characters after
# one is read without it (福州路, 杭州路, 广州大道 are streets' own names), and not one that
# goes on a name of its own (CITY_NAME_GOES_ON).
CITY_NAMES = (
    "北京", "上海", "天津", "重庆", "广州", "深圳", "杭州", "南京", "福州", "厦门", "武汉",
    "长沙", "成都", "西安", "郑州", "济南", "青岛", "沈阳", "大连", "哈尔滨", "长春", "石家庄",
    "太原", "合肥", "南昌", "南宁", "昆明", "贵阳", "兰州", "西宁", "银川", "乌鲁木齐", "拉萨",
    "呼和浩特", "海口", "苏州", "无锡", "宁波", "温州", "东莞", "佛山",
)
# What follows a city's name inside a name of its own: a compass or water word (南京西路,
# 杭州湾大道), a station, a gate, a market, a university (北京站东街, 西安门大街, 上海市场步行街,
# 北京大学东路), or 市 itself.
CITY_NAME_GOES_ON = r"[东西南北中湾河江站门市港]|大学|大[街道]"
CONJ = r"(?:与|和|、|/)"
# direction of travel on a carriageway, not a place (由东向西; 从北向南的 — but 从北向南约100米 walks)
TRAVEL = r"(?:由[东西南北]向[东西南北]|从[东西南北]向[东西南北](?=的))"

# -- landmarks ----------------------------------------------------------------------
RELATIONS = {
    "门前": "front", "门口": "front", "前": "front", "斜对面": "opposite", "对面": "opposite",
    "附近": "near", "旁边": "near", "旁": "near", "边上": "near", "周边": "near", "隔壁": "near",
    "门外": "outside", "外": "outside", "下": "under", "底下": "under", "内": "inside",
    "里面": "inside",
    # behind a place, and the outer or inner side of a wall or a fence
    "后面": "behind", "后方": "behind", "背后": "behind", "外侧": "outside", "内侧": "inside",
    # (后身: behind a building, in the north-east's words: 某中队后身)
    "后身": "behind",
}
REL = "(?:" + "|".join(sorted(map(re.escape, RELATIONS), key=len, reverse=True)) + ")"
# Places such as a green belt belong to the road; the labels keep them in the problem.
GENERIC_FEATURES = frozenset({"绿化带", "花坛", "树池", "绿地"})
FACILITY_END = (
    r"(?:施工区域|区域|工地|项目|地块|工程|小区|家属院|大厦|广场|市场|公园|学校|医院|酒店"
    r"|饭店|超市|商场|中心|大院|院|公司|网吧|牌楼|垃圾站|客运站"
    # works, toilets, footbridges, stall areas, car parks, kindergartens, hotels, filling stations
    r"|厂|公厕|厕所|天桥|摊区|作坊|停车场|幼儿园|宾馆|加油站"
    # shopping arcades, clubs, and the resettlement areas of many towns
    r"|商城|商贸城|会所|安置区"
    # stations (揭阳南站, 汽车总站, 某某地铁站)
    r"|(?:火车站|汽车站|车站|[东西南北]站|总站|公交站|地铁站)(?![台牌点])"
    # schools named with their place (城东中学, 实验小学; not 中学路, 大学路 on their own)
    r"|(?<=[\u4e00-\u9fff]{2})(?:中学|小学)"
    # a shop of its kind (某某服装店, 某某便利店), not a verb's 店 (出店, 进店) or 店外/店门
    r"|(?<=[\u4e00-\u9fff]{2})(?<![出进到开关门])店(?![外门前内口里铺面主员])"
    r")"
)
GATE_END = r"(?:[东西南北正后侧大]门)"

# A district's name (海淀区, 郑东新区, 下城区, 枞阳县): 1-4 characters before 区/县, not a part
# of a town or a site (小区, 社区, 园区, 城区, 景区, 校区, 院区, 厂区, 片区, 营区, 矿区, 地区 —
# 地区 is a subdistrict in Beijing); 下城区, 增城区 are districts, 老城区, 主城区, 市城区, 新城区 not.
DISTRICT_NAME = (
    r"(?:[\u4e00-\u9fff]{1,3}[^\W\d_小社园城景校院厂片营矿地A-Za-z](?:新区|区|县)"
    r"|[^\W\d_老主市新A-Za-z]城区)"
)

# -- places above the street --------------------------------------------------------
BEIJING_DISTRICTS = (
    "东城", "西城", "朝阳", "海淀", "丰台", "石景山", "门头沟", "房山", "通州", "顺义",
    "昌平", "大兴", "怀柔", "平谷", "密云", "延庆",
)
SUBDISTRICT_KIND = r"(?:街道办事处|街道|地区|办事处|乡|镇|社区)"

# -- problems -----------------------------------------------------------------------
# Substrings that mark text as a problem description rather than a place name.
PROBLEM_WORD = re.compile(
    r"垃圾|堆放|堆物|堆料|乱|占道|违停|违章|停放|破损|遗撒|积存|积尘|未|不到位|废弃|摆放|"
    r"污水|外溢|散落|渣土|杂物|损坏|缺失|破旧|私搭|私接|有(?!限)|存在|问题|三包|不落实|不规范"
)

# Category names of the digital urban-management event classes, keyed by wording.
# Order matters: the first matching rule names the category (非机动车 before 机动车).
CATEGORY_RULES: tuple[tuple[str, str], ...] = (
    (r"非机动车.*(?:乱停|乱放|停放|违停)|(?:自行车|电动车|单车).*(?:乱停|停放)", "非机动车乱停放"),
    (r"机动车.*(?:乱停|违停|停放)|车辆违停|违章停车|乱停车", "机动车乱停放"),
    (r"门前三包", "门前三包"),
    (r"无照|无证", "无照经营"),
    (r"出店|店外", "店外经营"),
    (r"占道经营|摊|游商", "占道经营"),
    (r"遗撒", "道路遗撒"),
    (r"积存垃圾|垃圾.*(?:堆|散落|外溢|较多)|暴露垃圾|白色垃圾|积存.*渣土", "积存垃圾"),
    (r"堆物|堆料|杂物|堆放|堆积", "堆物堆料"),
    (r"路面破损|道路破损", "道路破损"),
    (r"广告.*破损|宣传栏.*破损", "广告设施破损"),
    (r"废弃.*家具|废弃.*设备|皮箱|床垫", "废弃家具"),
    (r"苫盖|土堆未覆盖|渣土未覆盖|土石方|扬尘|积尘", "施工扬尘"),
    (r"施工", "施工管理"),
    (r"标志牌", "交通标志损坏"),
    (r"井盖|溢.*污水", "井盖及排水"),
    (r"燃气", "燃气安全"),
    (r"供暖", "供暖"),
)
# One pattern for all rules: top-level alternatives are tried in order, each over the
# whole item (".*?"), so the first rule that matches anywhere wins, in one C-level call.
_CATEGORY = re.compile(
    "|".join(f".*?(?:{pattern})(?P<c{i}>)" for i, (pattern, _) in enumerate(CATEGORY_RULES))
)

# Problem items that are two known event names written without a separator
# (道路遗撒积存沙石); split them back into two.
JOINABLE_ITEMS = ("道路遗撒", "积存沙石", "积存垃圾", "暴露垃圾", "堆物堆料", "乱堆物堆料")

# A noun that several problem items share: 机动车、非机动车乱停 = two items.
# Words of what is wrong (a state, an act, a degree), as alternatives for a pattern: an item
# or a place phrase with one of them says something is wrong or done there.
PREDICATE_WORDS = (
    r"有|在(?!于)|着|了|被|把|将|乱|未|不|没|无|多(?![个处家条辆名种])|少|堆|占|停(?!车场)|破|损|坏|脏|差|严重|较|很|满|倒|漏"
    r"|溢|流|积|晒|挂|贴|摆|放|卖|修|烧|吐|焊|作业|施工|经营|污|臭|扬尘|裸露|缺|松|陷|移位"
)

SHARED_SUBJECTS = re.compile(
    r"(?:非机动车|机动车|电动自行车|电动车|自行车|共享单车|三轮车|摩托车|车辆)"
)


def _flat_alternatives(pattern: str) -> list[str] | None:
    """The top-level alternatives of a rule, a leading ``(?:a|b)`` group spelled out, so
    that each begins with a literal character; None when the rule is not that simple."""
    alternatives, depth, start = [], 0, 0
    for i, ch in enumerate(pattern):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            alternatives.append(pattern[start:i])
            start = i + 1
    alternatives.append(pattern[start:])
    flat = []
    for alt in alternatives:
        if alt.startswith("(?:"):
            close = alt.index(")")
            inner, rest = alt[3:close], alt[close + 1:]
            if any(c in inner for c in "()[]\\.*+?{}^$"):
                return None
            flat.extend(word + rest for word in inner.split("|"))
        else:
            flat.append(alt)
    if any(not a or a[0] in "()[]\\.*+?{}^$|" for a in flat) or "(?P" in pattern or re.compile(pattern).groups:
        return None
    return flat


def _category_search() -> tuple[list[re.Pattern | None], list[str], tuple[int, ...]] | None:
    """Patterns over the alternatives of the first k rules (k = 1..all), in rule order,
    each alternative closed by an empty group; and the rule of each group. Every
    alternative starts with a literal, so the regular-expression engine skips positions
    whose character starts no rule. Only the pattern of all rules is compiled here; the
    others when first needed (compiling all of them would slow the import)."""
    parts, rule_of_group, sources = [], [-1], []
    for i, (pattern, _) in enumerate(CATEGORY_RULES):
        flat = _flat_alternatives(pattern)
        if flat is None:
            return None
        for alt in flat:
            parts.append(f"{alt}()")
            rule_of_group.append(i)
        sources.append("|".join(parts))
    patterns: list[re.Pattern | None] = [None] * len(sources)
    patterns[-1] = re.compile(sources[-1])
    return patterns, sources, tuple(rule_of_group)


_CATEGORY_SEARCH = _category_search()


def category_of(item: str) -> str | None:
    """The event category a problem item's wording belongs to, if known.

    >>> category_of("非机动车乱停"), category_of("门店前堆物堆料"), category_of("墙皮脱落")
    ('非机动车乱停放', '堆物堆料', None)
    """
    if _CATEGORY_SEARCH is None:
        m = _CATEGORY.match(item)
        return CATEGORY_RULES[int(m.lastgroup[1:])][1] if m else None
    # The first rule that matches anywhere (before a newline, as _CATEGORY reads it:
    # "." stops there). A search finds the leftmost position where some rule matches
    # and the first rule matching there; only an earlier rule, further on, can beat it.
    patterns, sources, rule_of_group = _CATEGORY_SEARCH
    end = item.find("\n") if "\n" in item else len(item)
    m = patterns[-1].search(item, 0, end)
    if m is None:
        return None
    best = rule_of_group[m.lastindex]
    pos = m.start() + 1
    while best:
        pattern = patterns[best - 1]
        if pattern is None:
            pattern = patterns[best - 1] = re.compile(sources[best - 1])
        m = pattern.search(item, pos, end)
        if m is None:
            break
        best = rule_of_group[m.lastindex]
        pos = m.start() + 1
    return CATEGORY_RULES[best][1]
