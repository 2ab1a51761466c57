"""The problem phrases' convention (``fixtures/problems_convention.md``, v2) on one item.

`geodata.location.problems` cuts the problem part of a line into items (at punctuation,
numbers and 、, leaving out the story around them). This module then says, item by item,
what the convention says about its edges, so that the parser quotes what two annotators
agree on (0.895 of lines, where the first conventions left them at 0.54):

- an item joined by 和/及/以及/并/且 to a second one with its own predicate is two
  (乱摆放和垃圾桶摆放不合理 → 乱摆放 | 垃圾桶摆放不合理; not 油烟和噪声扰民: 油烟 has none);
- an item that is only an effect (影响市容, 阻碍通行, 给居民带来不便), neglect (一直没人管,
  无人管理) or a request is left out;
- its start loses reporting and existence words (存在跨门经营 → 跨门经营), a place phrase that
  only says where (人行道上白色垃圾较多 → 白色垃圾较多), the people who only did it (有人把垃圾桶
  推到… → 把垃圾桶推到…), determiners and "one" (一个1米高的垃圾堆 → 1米高的垃圾堆) and time
  words (每天后半夜路灯不亮 → 路灯不亮);
- its end loses 现象 / 问题 / 情况 (乱堆乱放现象 → 乱堆乱放).

Offsets, not copies: every function answers with positions in the item, so the parser keeps
each phrase's span in the line.

>>> [("乱摆放和垃圾桶摆放不合理现象"[a:b]) for a, b in phrases("乱摆放和垃圾桶摆放不合理现象")]
['乱摆放', '垃圾桶摆放不合理']
>>> phrases("严重影响车辆通行和乘客安全")
[]
>>> t = "人行道上白色垃圾较多"; [t[a:b] for a, b in phrases(t)]
['白色垃圾较多']
"""

from __future__ import annotations

import re

from geodata.location.lexicon import PREDICATE_WORDS

# A predicate: the words that say something is wrong or done (a state, an act, a degree).
_PREDICATE = re.compile(
    PREDICATE_WORDS + r"|堵|塌|扰"
    r"|丛生|遍地|杂乱|老化|散落|残留|弥漫|飞舞|呈|脱落|生锈|锈蚀|褪色|模糊|渗|冒|滋生|聚集|外溢|直排|私搭|违"
)
# What is a nuisance by its name (垃圾, 杂草): a place phrase before one is only where it is.
_NUISANCE = re.compile(r"垃圾(?![桶箱站房点])|杂草|杂物|渣土|污水|积水|油污|粪|异味|臭|蚊|蝇|小广告|横幅|僵尸车")

# Step 1.2: the joining words that may separate two items.
_JOIN = re.compile(r"以及|和|及|并且?|且")

# Step 2: a unit that is only an effect, neglect or a request.
_LEFT_OUT = re.compile(
    r"(?:严重|极大|还|也|并|从而|不但|不仅|进而)?地?(?:影响|阻碍|妨碍|导致|造成|埋下|给|扰乱|危害|威胁|污染(?=[^,;。]{0,6}(?:环境|水质|空气|土壤|河|湖)))"
    r"|[^,;。]{1,4}(?:严重)?影响(?!通行$)"
    r"|.*?(?:隐患|不安全|安全事故|滑倒|摔倒|怨言|抱怨|只得|只能|被迫|不得不|绕道|绕行|减速|心情|怨声)"
    r"|.*?对[^,;。]{1,12}(?:造成|带来|产生)|添堵|成为常态|.*?(?:苦不堪言|怨声载道)|.*?不便$"
    r"|(?:一直|长期|始终|至今)?(?:没人|无人)(?:管|问|理|清理|处理|管理|过问)"
    r"|多次通报|仍未整改|至今未|已达[^,;。]{0,8}之久|希望|请|建议"
)

# Step 2 too: neglect alone, with no thing of its own (没有及时清理, 清扫不及时, 长时间未清扫,
# 依旧未做改善): how it is (not) dealt with. With a thing it is a problem (垃圾未及时清理).
_NEGLECT = re.compile(
    r"(?:长时间|长期|一直|依旧|依然|仍然?|还|也|都|至今|多年)*"
    r"(?:(?:没有人?|未|无人|没人)做?(?:及时|按时|彻底|得到)?(?:清理|清扫|清运|处理|整改|改善|修复|维修|打扫|清除)+"
    r"|(?:清理|清扫|清运|处理|维修|修复)+(?:不及时|不彻底))了?"
)

# Step 3: what the start of an item loses, tried again and again until none applies.
# (a) reporting, existence and joining words
_REPORT = re.compile(
    r"(?:时?发现了?|存在|仍有|还有|出现了?|可见|只见|但是?|而且|而|并且|同时|另外|不但|不仅|甚至|也|还|就|都|仍然|依然"
    # 又 joining a second act or state (既无红绿灯,又无交警 → 无交警)
    r"|又(?=有|无|没|被|在|将|把)"
    r"|[^,;。]{0,6}?(?:闻到|闻见|看到|看见|见到)了?)(?=.{2})"
)
_HAS = re.compile(r"有(?!限|人|待|时|个别|些人)(?=.{2})")
# (b) a place phrase that only says where: a short run of words ending in a place word
_PLACE = re.compile(
    r"(?!多处|几处|各处|[一二两三四五六七八九十\d]+处|门前[三四五六]包|[往向到朝])"
    r"(?:[^,;。、有在把将被“”\"]{1,12}?(?:上方|下方|上|内|里|旁边?(?![缘境界框角坡])|边(?![缘境界框角坡])上?|前|后|下|处|门口|门前|两侧|一侧|周边|附近|周围"
    r"|沿线|外围|(?<![往向以])外|[门路街巷]口|出入口)的?"
    r"|(?:周边|附近|周围|沿线|沿路|两侧|一侧|路边|门口|门前|地面|空地|地上)的?)(?=.{3})"
)
# (b'') a building site (施工工地路面积尘较多 → 路面积尘较多, 施工现场裸土未苫盖 → 裸土未苫盖);
# its 施工 is part of its name, not an act
_SITE = re.compile(r"(?:施工工地|施工现场|施工区域|在建工地)(?:内|里|上)?(?=.{3})")
# (c) people who only did it, before the act
_DOER = re.compile(
    r"(?:有人|有的人|一些人|个别人|不少人|(?:市民|居民|商户|商家|店主|店家|业主|工人|环卫工人|施工方|物业|司机)"
    r"(?:经常|常常|总是|随意|私自|还|也|都)*(?=将|把|在|往|向|乱|随意|私自))"
)
# (b') a place or a thing named before what it has or is in (大院存在垃圾清理不及时, 公交站牌存在
# 污渍, 村庄环境恶劣): where, when it says nothing wrong itself
_HOLDER = re.compile(r"(?!市容)[^,;。、“”\"环]{1,8}?(?:(?:仍|还|均|都)?存在|(?=(?:环境|卫生)(?:卫生)?(?:状况|情况)?(?:较|很|极|十分|非常|不|差|脏|恶劣|堪忧)))")
# (c') anyone who did it, before 将/把 (某餐馆私自将…): the phrase starts at the act
_DOER_BEFORE_ACT = re.compile(
    r"[^,;。、“”\"]{1,8}?(?:经常|常常|总是|私自|随意|都|还|也)*(?<!麻)(?=将|把)"
    # a shop or a company doing it (几家饭店占道经营, 早餐店占道摆放桌椅)
    r"|(?!出店)[^,;。、“”\"]{0,6}?(?:店|店铺|饭店|餐馆|餐厅|商铺|公司|门店|摊档)(?:经常|长期|私自|随意|均|都|也)*(?=占道|跨门|出店|违规|违章|私自|随意|乱)"
)
# (d) determiners and "one"
_DETERMINER = re.compile(
    r"(?:这个|这些|这里|那里|那个|这|那|个别|一些|该(?:小区|路段|路口|区域|市场|村|工地|处|地|点位?)|一[个只辆座处条块台根家口](?!多)"
    r"|一(?![大小堆片排串层地些直点下阵股批群份圈道张种天年月周次旦般定起直样段到]))(?=.{2})"
)
# (e) time and frequency words
_TIME = re.compile(
    r"(?:经常|常常|时常|总是|每天|每晚|每到|近期|近日|近几日|最近|现在|目前|平时|平日|夏天|冬天|晚上|早上|上午|中午|下午|傍晚|清晨|凌晨|半夜|后半夜|深夜|夜里"
    r"|白天(?=[^运])|正在|一到下雨天|下雨天|太阳一晒|天一热"
    # how long it has gone on (多年来污水直排 → 污水直排, 近一个月来总是积水 → 积水)
    r"|多年来|近年来|长期以来|一直以来|近[一二两三几半]*个?(?:天|周|星期|月|年)来)+(?=.{2})"
)
# Step 4: the name of the kind of thing at the end.
_KIND_END = re.compile(r"(?:等|的)?(?:现象|问题|情况)$|等$")


def _has_predicate(text: str) -> bool:
    return _PREDICATE.search(text) is not None


def says_something_wrong(text: str) -> bool:
    """Whether the text has a word of a state, an act or a nuisance at all (横七条与顺八条交叉
    路口向东60米 has none: it only names a place).

    >>> says_something_wrong("横七条与顺八条交叉路口向东60米"), says_something_wrong("路边杂草")
    (False, True)
    """
    return _PREDICATE.search(text) is not None or _NUISANCE.search(text) is not None


def units(item: str) -> list[tuple[int, int]]:
    """Step 1.2: the item cut at a joining word where both sides have a predicate."""
    out, start = [], 0
    for m in _JOIN.finditer(item):
        left, right = item[start:m.start()], item[m.end():]
        nxt = _JOIN.search(right)
        right_unit = right[: nxt.start()] if nxt else right
        if len(left) >= 2 and len(right_unit) >= 2 and _has_predicate(left) and _has_predicate(right_unit):
            out.append((start, m.start()))
            start = m.end()
    out.append((start, len(item)))
    return out


def left_out(unit: str) -> bool:
    """Step 2: only an effect, neglect or a request."""
    return _LEFT_OUT.match(unit) is not None or _NEGLECT.fullmatch(unit) is not None


def trim(unit: str) -> tuple[int, int]:
    """Steps 3 and 4: the start and end of the phrase inside ``unit``."""
    a, b = 0, len(unit)
    for _ in range(6):
        rest = unit[a:b]
        m = (_REPORT.match(rest) or _TIME.match(rest) or _DOER.match(rest) or _DETERMINER.match(rest)
             or _HAS.match(rest))
        if m is None:
            for pattern in (_HOLDER, _DOER_BEFORE_ACT):
                h = pattern.match(rest)
                if (h and h.end() > 0 and not _has_predicate(h.group().replace("存在", ""))
                        and len(rest) - h.end() >= 2):
                    m = h
                    break
        if m is None:
            p = _SITE.match(rest) or _PLACE.match(rest)
            after = rest[p.end():] if p else ""
            if p and (p.re is _SITE or not _has_predicate(p.group())) and (_has_predicate(after) or _NUISANCE.search(after)):
                m = p
        if m is None or m.end() == 0:
            break
        a += m.end()
    m = _KIND_END.search(unit, a, b)
    if m and m.start() - a >= 2:
        b = m.start()
    # no phrase starts or ends with a quotation mark, even one it closes (“门前三包”不到位 →
    # 门前三包”不到位): the labels quote from the first word to the last
    if b - a > 2 and unit[a] in "“\"":
        a += 1
    if b - a > 2 and unit[b - 1] in "”\"":
        b -= 1
    return a, b


def phrases(item: str) -> list[tuple[int, int]]:
    """The convention's phrases in one item, as (start, end) offsets into it."""
    out = []
    for ua, ub in units(item):
        unit = item[ua:ub]
        if left_out(unit):
            continue
        a, b = trim(unit)
        if b - a >= 2:
            out.append((ua + a, ua + b))
    return out
