"""Reading the problem part of a location line into items.

After the place comes what is wrong there: 积存垃圾; 门店前堆物堆料，机动车、非机动车乱停;
"1.未按…停止土石方作业;2.“门前三包”不到位". Items are separated by punctuation or
numbered; a shared vehicle subject is distributed (机动车、非机动车乱停 is two items: the
catalogue dispatches them apart), other things sharing one predicate stay one item; spot
words (人行道上有, 排水沟有, “插花地”, 旁边的), counts (2处), licence-plate lists and
administrative tails (责任辖区…, 多次通报未整改) are not part of an item. Each item keeps
its wording as written (the labels compare wording) and gets a category when the
wording is known.

A list joined by 、 is split only between parts that each say what is wrong: 货物、杂物
乱堆放 is one item (the nouns share 乱堆放), 线缆杂乱、线盒锈蚀严重 two, and so is a
list closed by 现象 or 问题 (垃圾乱放、发霉发臭问题 → 垃圾乱放 | 发霉发臭).

Complaints and reports tell a story around the problem; its clauses are not items: who
reported or saw it (市民反映, 记者看到), when and for how long (6月初以来, 已经半个多月了),
how big (绵延数十米), a cause or an aside (由于…, 原本…), whom it troubles (居民出行十分
不便, 给市民出行带来不便), a hazard (存在安全隐患), an effect beyond the street (严重影响
空气质量), a question (能否驱离), what was done (已现场和物业沟通), a clause that only
names a place (新都康年入口处), and the complainant's words quoted after the problem. A
wish or suggestion (希望…, 建议…) ends the problems.

Each item is then quoted as the labelling convention v2 says (``phrase_convention``;
``fixtures/problems_convention.md``): effects on the street too (影响通行, 影响市容) are
left out, and a place, a doer, a determiner or a time word opening an item is not part of
it (人行道上白色垃圾较多 → 白色垃圾较多).

>>> [p.text for p in read_problems("有机动车、非机动车乱停,多次通报未整改", 0, 19)[0]]
['机动车乱停', '非机动车乱停']
>>> t = "人行道上有货物、杂物乱堆放,影响市容,存在安全隐患,希望相关部门核实处理,谢谢"
>>> [p.text for p in read_problems(t, 0, len(t))[0]]
['货物、杂物乱堆放']
"""

from __future__ import annotations

import re

from geodata.location.lexicon import (
    DIR,
    FACILITY_END,
    GATE_END,
    JOINABLE_ITEMS,
    PREDICATE_WORDS,
    PROBLEM_WORD,
    SHARED_SUBJECTS,
    category_of,
)
from geodata.location.phrase_convention import phrases as convention_phrases
from geodata.location.types import Landmark, Problem, _make_landmark, _make_problem, _make_span

_PIECE = re.compile(r"[^,;。!?]+")
_SEPARATOR = re.compile(r"[,;。!?(]")
_BRACKET_OR_SEPARATOR = re.compile(r"[(),;。!?]")
_ENUMERATOR = re.compile(r"\s*(?:\d{1,2}\s*[.、](?!\d)|[一二三四五六七八九十]{1,2}、)\s*")
_LEAD = re.compile(
    r"(?:\s+|处|(?:小巷)?路边(?=有|存在|上|的|[,“\"\s|])|非?机动车道(?:边)?上?|人行道(?:地|边)?上?(?=有|存在)|马路(?!市场)(?:边)?上?"
    r"|绿地上|立杆上|路面上(?=有|存在)|“[^”]{1,5}地”|\"[^\"]{1,5}地\"|附近|有个|有(?!限|人|待|时)|存在|均|近期|时?发现了?|时?看到了?|另外|且"
    r"|但|而|也是|也|就|会有|甚至|还有(?:一些)?|还(?!是|要|没|未|不|有)|仍有|并且|而且|除了有?|既(?=[^,;。]{2})|其中|另有|同样|不仅|只见|目测|现场|同时|的(?!士)|上(?![下班午万千百])|旁边?|边(?![境界坡框角缘])"
    r"|[快慢]车道上|路口|街口|、|个(?![别体])|出现了|“(?=[^”]*$)"
    # the unit of a house number before what is done there (3单元102室经营烧烤)
    r"|(?:\d+(?:组团|栋|幢|号楼|单元|层|室|楼))+(?![与和及、])"
    # (的, 上, 旁, 边, 路口, 、, 个 are what a place reading leaves: 门口的…, 街上水果摊…,
    # 路旁堆了…, 交叉口有个路牌…; “ opens a quotation the piece does not close. 导致 and
    # 造成 stay: a clause they open is an effect, left out by the convention's step 2)
    # who found it (暗访组也发现了…)
    r"|(?:暗访组|督查组|检查组|巡查组)(?:也|还)?(?:发现|看到)了?"
    # a habitual time before the doer (常年有小商贩…, 晚上把厨馀垃圾…)
    r"|(?:每天|每晚|常年|晚上|早上|后半夜)+都?(?=有|把|将))+"
)
_TRAIL_CHARS = " \t有等.。,;:"
_ENUMERATOR_FIRST = frozenset(" 一二三四五六七八九十")
_PLATES = re.compile(
    r"(?:[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{4,6}、?)+"
    r"等?(?:多|\d+|[一二两三四五六七八九十]+)?辆?"
)
_PARENTHETICAL = re.compile(r"\([^()]*\)")
# Clauses that report the administration, not the street: from the first of these on,
# nothing is a problem any more.
_ADMIN_TAIL = r"\s*(?:责任|路长|环卫监理|分包|督办|整改时限|整改要求)"
# A wish or a suggestion (希望相关部门核实处理, 建议整合…, 急盼…): what follows it is the
# remedy the writer wants, not what is wrong.
_WISH = r"\s*(?:希望|建议|恳请|急盼|盼望?|还请|请求|诉求|呼吁|赶紧|尽快)"
# Single clauses that are a follow-up or a speaker, not a problem.
_NOT_A_PROBLEM = (
    r"\s*(?:多次通报|仍未整改|拟|已(?:移交|整改|处理|督促|现场)|要求|请|经核实|亟待|亟需)|.*?(?:告知|表示)"
    # who reported it (…向本报反映, 拨打12345市民热线), and a time span (大风蓝色预警期间)
    r"|.*?(?:反映|热线|本报|记者)|[^,;。]*期间$"
    # who answers for it (其责任单位为…, 应由市交警支队负责整治, 该项整治由…负责)
    r"|.*?(?:负责|责任单位)"
    # a clause that only introduces what someone saw or said (采访人员在…看到, 观察发现,
    # 王先生说, 据他讲述, 调查了解)
    r"|[^,;。]{0,16}?(?:看到|看见|发现|见到|了解到?|讲述|介绍|说|获悉|注意到|观察到)\s*$"
)
# In one call: an administrative tail first (it ends the problems), a wish (it ends them
# too), else a clause that is not a problem (it is skipped).
_CLAUSE_KIND = re.compile(f"(?P<admin>{_ADMIN_TAIL})|(?P<wish>{_WISH})|{_NOT_A_PROBLEM}")
# what such a clause can start with (after white space)…
_CLAUSE_KIND_FIRST = frozenset("责路环分督整多仍拟已希要建请经恳急盼还诉呼赶尽亟")
# …or has one of these words anywhere in it
_CLAUSE_KIND_ANYWHERE = re.compile(r"告知|表示|反映|热线|本报|记者|期间|负责|责任单位|[到现述绍说悉解]\s*$")

# Clauses of a report's or a complaint's story that are not what is wrong at the place
# (tested on the clause as written and again after its lead-in words). At the start:
_STORY = re.compile(
    # whom it troubles (居民出行十分不便, 行人从此经过时容易摔伤, 车辆行人无法正常通行)
    r"(?:周围|附近|周边|小区|来往|过往|沿街)?的?(?:市民|居民|行人|路人|群众|车辆行人|住户|食客)|(?:过往|来往)车辆"
    # an effect on people or on the town at large; only an effect on traffic or on the
    # street's look is a problem of the street (影响通行, 严重影响车辆通行, 影响市容)
    r"|(?:不但|不仅|还|也|并|从而)(?:严重地?|极大地?|会|将|都)?(?:影响|阻碍|污染|损害)|对[^,;。]{1,10}(?:造成|是|也是|带来)"
    # (影响了市容, 影响车辆和行人通行, 严重影响机动车通行 are effects on the street too)
    r"|(?:严重|特别|极大)?地?影响(?!了?(?:(?:过往)?(?:车辆|行人|机动车|非机动车)[和及、]?)*的?(?:正常)?(?:通行|出行|交通)"
    r"|了?市容(?:市貌|卫生)?$)"
    # a cause, a condition or an aside (由于施工时…, 原本这条路就很狭窄, 后来相关部门…)
    r"|(?:由于|因为|原本|本来|只要|别说|就算|即使|即便|如果|关键是|虽然?|后来|于是|每到|每隔|不知道)"
    # only when, closing a quotation ("…。”近日, ”前天下午,)
    r"|”?(?:近日|日前|前天|昨天|今天|昨日|今日|当天|当日)(?:[上下中]午|晚上|早上|傍晚)?$"
    # a question to the authorities (请问…, 能否驱离, 难道没人管吗, 谁来清理)
    r"|(?:请问|能否|难道|谁来|为何|为什么)"
    # a comment on it (令人不堪入目, 让人头疼, 如此脏乱差的现象)
    r"|(?:令人|让人|如此)"
    # what the place is (是长沙进城主通道之一, 旁边就是居民区): a description, not what is wrong
    r"|(?:就|则|正|本)?是(?!否)"
)
# what such a clause can start with
_STORY_FIRST = frozenset("周附小来过沿的市居行路群车住食不还也并从对严特极影由因原本只别就即如关虽后于每请能难谁为是则正令让”近日前昨今当")
# A clause that only says how long (已经半个多月了, 时间长达一年有余), when (6月初以来,
# 每天早上6时开始, 清晨时分) or how big (绵延数十米, 约有七八米长、两米高).
_STORY_TAIL = re.compile(
    # (这种情况已经持续一个星期了, 差不多有一个星期了, 都有七八年了)
    r"(?:时间|这种情况|这种现象|差不多|都)?(?:已经?|已有|有|长达|持续){0,2}(?:好|快|近|将近)?[\d一二两三四五六七八九十几半]+[^,;。]{0,3}?"
    r"(?:天|周|星期|月|年)(?:多|有余|之久)?了?"
    r"|[^,;。]{0,10}(?:以来|开始|时分|时段|时许)"
    r"|(?:(?:绵延|约有|有|长约|高约|宽约|长|高|宽)?有?近?约?[\d一二两三四五六七八九十几数百]+多?(?:米|公里|平方米)[长高宽]?、?)+"
)
# what such a clause can end with
_STORY_LAST = frozenset("天周期月年多余久了来始分段许米长高宽")

# …and anywhere in the clause: a hazard (存在安全隐患, 容易发生擦挂), where it is (…位于…),
# who saw it (居民看到后, 见到了这些垃圾), a burden on someone (给市民出行带来不便), what was
# done about it (接诉即办, 垃圾随即就被清理干净).
_STORY_ANYWHERE = re.compile(
    r"安全隐患|安全事故|容易|位于|看到后|见到|给[^,;。]{1,8}带来|接诉即办|清理干净|加强巡逻|解决问题|挪走"
    # what people must put up with (出行是真的很不方便了, 只能走在马路边, 不得不涉险…), a
    # condition (…的话), a description (…是一片空地), no known cause (原因不明)
    r"|不方便|只能|不得不|的话$|是一[个片圈条座排家]|(?:原因|来源)不明"
    # how the ways and waters lie (池塘与南湖相连通, 此路西端与大道相连, 西起…, 东至…)
    r"|与[^,;。]{1,12}(?:相连|相交|相接|平行)|^[东西南北](?:起|至)"
    # what was already put right (杂物已清除, 护栏损坏已修复, 小广告已清理): no longer wrong
    r"|已经?被?(?:清除|修复|清理|拆除|整改|清运|修好|清走|维修)(?:完毕|干净|到位)?了?$"
)

def _is_story(text: str) -> bool:
    """A clause of the story around the problem (see _STORY, _STORY_TAIL)."""
    c = text[:1]
    if c in _STORY_FIRST and _STORY.match(text):
        return True
    return text[-1:] in _STORY_LAST and _STORY_TAIL.fullmatch(text) is not None

# An item that names only a place (新都康年入口处, 垃圾中转站边上, 在停放长途客车的地点):
# it ends in a place word and has no word of what is wrong.
_PLACE_ENDINGS = (
    "上", "中", "内", "里", "旁", "边", "处", "口", "段", "前", "后", "外", "地点", "附近", "周边", "便道", "道路",
    "商铺", "店", "小区", "区域", "工地", "现场", "位置",
)
# …or is 在 + a place (在停放长途客车的地点).
_AT_PLACE = re.compile(r"在[^,;。]{0,24}(?:地点|处|口|上|里|内|旁|边|前|附近|周边|现场|位置)")
# What is a nuisance by its name alone (生活垃圾, 动物粪便, 废弃瓜子壳, 一方形水泥石墩, 积土):
# a short item without a word of what is wrong must name one of these to be a problem. A
# bin or a station for waste (垃圾桶, 垃圾站) names a place, not waste.
# (what such a bare name ends in: a village, a bin, a shop, a yard, a room, a bridge, a
# lane, a group of houses, a block, a station, a building …)
_PLACE_OR_THING_LAST = frozenset("村桶箱馆店场房桥厕巷街路道面间块组区所站楼园院厂棚亭")
_NUISANCE = re.compile(
    r"垃圾(?![桶箱站房屋车])|渣土|杂物|粪|土堆|积土|石墩|纸屑|果皮|塑料|烟头|污|异味|臭|积水|杂草|落叶|砖|石块|瓜子壳"
    r"|废|破|烂|脏|残|坑|蚊|蝇|噪|油烟|广告|横幅|围挡|灰|尘|泥|沙|渣|水|盲区|死角"
)
# Words of what is wrong (a state, an act, a degree): a place with one of them is a problem.
_PREDICATE = re.compile(PREDICATE_WORDS)
# The same for one part of a list joined by 、: a part without one is a noun that shares
# the next part's predicate (货物、杂物乱堆放; 建筑、装修垃圾), not an item of its own.
# Event names (积尘, 污迹) are nouns here: 积尘、积灰多 is one item.
_LIST_PREDICATE = re.compile(
    r"有|在|着|了|被|把|将|乱|未|不|没|无|多(?![个处家条辆名种])|少|堆|堵|占|停|破|损|坏|脏|差|严重|较|很|满|倒|漏|溢|晒|挂|贴|摆"
    r"|放|卖|烧|吐|焊|作业|施工|经营|扬尘|裸露|缺|松|陷|移位|褪色|锈蚀|杂乱|横流|[大重]$"
    # states and acts of their own (垃圾遍地、污水横流; 垃圾乱放、发霉发臭; 占道经营、私拉遮阳布;
    # 脏乱不堪、单车随意丢弃; 破损、脱落; 卫生死角、杂物乱堆; 垃圾遍地、噪音扰民). 多辆, 多个
    # count things: 多辆机动车、电动三轮车乱停 is one item
    r"|遍地|发霉|发臭|不堪|丢|扔|私拉|私搭|私接|脱落|老化|生锈|死角|盲区|扰民"
)
# A spot before 的 (旁边的电线零乱, 整条路的路灯…, 在…门口的螺丝头…): where the thing is.
_SPOT_OF = re.compile(
    r"在?[^,;。的]{0,12}?(?:旁边|路边|沿线|门口|附近|周边|边上|对面|路段|整条路|里|内|上|下|前|外)的"
)
# A named place and where around it, opening a clause of what is wrong there (市场周边多个
# 窨井盖破损严重, 小区南门周边积尘重, 南门以西100米沿线绿化带…, 周边乱停车现象严重); a thing
# and its surroundings (树根周边地砖破损, 垃圾桶周边污迹重) are part of the problem.
_NAMED_PLACE_AROUND = re.compile(
    rf"(?!商家|一家|某)[^,;。、]{{2,14}}?(?:{FACILITY_END}|{GATE_END}|店|村|苑|大楼|广场)"
    rf"(?:周边|附近|周围|门前|门口|前|旁边?|对面|以{DIR}\d+米(?:沿线)?)"
)
_AROUND_CHAR = re.compile("[周附门前旁对以]").search  # what every _NAMED_PLACE_AROUND match has
# Who found it, opening the clause that says what they found (记者发现…, 暗访组也看到了…)
_FINDER = re.compile(r"[^,;。]{0,10}?(?:记者|暗访组|督查组|检查组|巡查组)[^,;。]{0,6}?(?:发现|看到|见到)了?")
# Words that make a phrase a clause (倾倒在小区内的…, 把…): not a spot then.
_CLAUSE_VERB = re.compile(r"把|将|被|在|有|了|着|是")
# A place before what is going on there (六合庄南口正在进行…, …有限公司正在混料作业).
_PLACE_BEFORE_ONGOING = re.compile(
    r"[^,;。]{1,24}?(?:口|处|门|前|旁|边|内|外|上|下|里|周边|附近|公司|工地|项目)(?=正在|仍在)"
)
# A site before what is wrong with a part of it (建筑工地围挡无公益广告 → 围挡无公益广告,
# 建筑工地白天运渣土 → 白天运渣土): the site is where.
_SITE = re.compile(r"[^,;。、]{0,8}?工地(?=围挡|大门|门口|白天|夜间|晚上)")
# "…问题" closing an item (存在垃圾乱放、发霉发臭问题; a title: …成堆问题办理的情况).
_ISSUE_TAIL = re.compile(r"的?问题(?:[^,;。]{0,4}(?:情况|回复|通报|结果)|$)")
# Examples listed after an item (…,有木头、纸盒等): the things it named, no item of their own.
_EXAMPLES = re.compile(r"有(?P<things>[^,;。]{1,12}(?:、[^,;。]{1,12})+)等[^,;。]{0,4}")
# A title closed by the word for the complaint about it (…油烟扰民的投诉)
_COMPLAINT_TAIL = ("的投诉", "的举报", "的反映")
# A quotation opening a piece (“白天占道放杂物,…).
_QUOTE_OPEN = re.compile(r"\s*“")
# "…等问题(突出)", "…的现象", "…的情况" closing a list or a clause: the words that name the
# kind of thing, not what is wrong (车辆乱停等问题突出 → 车辆乱停; 垃圾成堆的现象 → 垃圾成堆).
_KIND_TAIL = re.compile(r"等(?:问题|现象|情况)(?:突出|严重|较多|普遍)?$|的(?:问题|现象|情况)$")
_KIND_TAIL_ENDS = frozenset({"问题", "现象", "情况", "突出", "严重", "较多", "普遍"})
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A tag in brackets ([快讯], 【曝光台】).
_TAG = re.compile(r"[\[【][^\]】]{1,8}[\]】]")
# Headline parts separated by white space (围挡堵人行道 已占地半年多却不施工): a space
# between two Chinese words that does not follow a measure word (停着几辆 废的垃圾车 is a
# character missing in the copy, not two parts).
_SPACE_SPLIT = re.compile(r"(?<=[\u4e00-\u9fff”])(?<![辆个只家条袋张块台堆])\s+(?=[\u4e00-\u9fff“\[【])")

_JOINED = re.compile(
    "(" + "|".join(JOINABLE_ITEMS) + ")(" + "|".join(JOINABLE_ITEMS) + ")"
)


# Characters a _LEAD match can start with (besides white space): one set lookup
# instead of a failed regular-expression call at most item starts.
_LEAD_FIRST = frozenset("处小路非机人马绿立“\"附有存均近发看另且但而也就会还不只目现同的上旁边快慢街、个导造致出暗督检巡每常晚早后其仍并除既甚0123456789时")


# A spot named before 有 (绿化带内有很多垃圾, 排水沟有垃圾): where, not what.
_SPOT_HAS = re.compile(
    r"(?P<spot>[^有,;。]{0,30}?(?:内|上|里|下|旁|边|前|后|外|周边|附近|处|沟|带|池|面|侧|线|道|端|地|中|角|口|门|段))"
    r"有(?!限|人|待|时)个?"
)


# The sides of a way opening an item (通村道路两旁杂草较多, 道两旁垃圾较多): where, not what.
# (a named way only: 道路两侧, 路两边 with no name before them are what the item is about)
_WAY_SIDES_LEAD = re.compile(
    r"[^,;。有的在对把将被、\s]{2,12}?(?:道路|路|道|街)(?:东西|南北)?两(?:旁|边|侧)(?!的)(?:有(?!限))?"
)


def _strip(text: str, start: int) -> tuple[str, int]:
    """Remove lead-in and trailing words that are not the problem; keep the offset."""
    while len(text) > 1 and text[0] in ")）" and not ("(" in text or "（" in text):
        text, start = text[1:], start + 1  # 永丰路)路面破损: a bracket closed before the problem
    c = text[:1]
    if c in _LEAD_FIRST or c.isspace():
        m = _LEAD.match(text)
        if m:
            text, start = text[m.end():], start + m.end()
    if "两" in text[:16] and (m := _WAY_SIDES_LEAD.match(text)) and m.end() < len(text) - 1:
        text, start = text[m.end():], start + m.end()
    if "有" in text[1:32]:
        m = _SPOT_HAS.match(text)
        if m and m.end() < len(text) and not _PREDICATE.search(text, 0, m.end("spot")):
            text, start = text[m.end():], start + m.end()
    while len(text) > 1:
        last = text[-1]
        if last in _TRAIL_CHARS and not (last == "等" and "、" in text):
            text = text[:-1]
        elif last == "”" and "“" not in text:
            text = text[:-1]
        else:
            break
    return text, start


def _split_pieces(t: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Split at separators and enumerators, ignoring separators inside parentheses."""
    if _SEPARATOR.search(t, start, end) is None:
        # one piece (the usual case: 积存垃圾渣土)
        pieces = [(t[start:end], start, end)] if end > start else []
    elif "(" in t[start:end]:
        pieces: list[tuple[str, int, int]] = []
        depth, piece_start = 0, start
        # only brackets and separators matter: visit just those
        for m in _BRACKET_OR_SEPARATOR.finditer(t, start, end):
            ch = m.group()
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth = max(0, depth - 1)
            elif depth == 0:
                i = m.start()
                pieces.append((t[piece_start:i], piece_start, i))
                piece_start = i + 1
        pieces.append((t[piece_start:end], piece_start, end))
    else:
        pieces = [(m.group(), *m.span()) for m in _PIECE.finditer(t, start, end)]
    out = []
    for text, s, e in pieces:
        c = text[:1]
        if c in _ENUMERATOR_FIRST or c.isdigit():
            m = _ENUMERATOR.match(text)
            if m and m.end() < len(text):
                text, s = text[m.end():], s + m.end()
        if text and not text.isspace():  # text.strip() without the copy
            out.append((text, s, e))
    return out


def _split_joined(item: str) -> list[str]:
    """道路遗撒积存沙石 → 道路遗撒, 积存沙石 (two event names with no separator)."""
    m = _JOINED.fullmatch(item) if len(item) >= 8 else None
    return [m.group(1), m.group(2)] if m else [item]


def _is_vehicle(part: str) -> bool:
    """A part of a list that names vehicles (共享单车, 货车, 电动车): a thing, never a shop."""
    return part.endswith("车") or SHARED_SUBJECTS.search(part) is not None


def _split_list(item: str, start: int, end: int):
    """Split at 、: distribute a shared vehicle subject, peel off a list of shop names, or
    cut the list between parts that each say what is wrong.

    Returns (items as (text, start, end), landmark names as (name, start, end)).
    """
    if "、" not in item:
        return [(item, start, end)], []
    parts, offsets, offset = item.split("、"), [], 0
    for part in parts:
        offsets.append(offset)
        offset += len(part) + 1
    last = parts[-1]
    heads = parts[:-1]
    subject = SHARED_SUBJECTS.match(last)
    if subject and all(SHARED_SUBJECTS.fullmatch(h) for h in heads):
        # 机动车、非机动车乱停: two problems, not one. The convention would quote one phrase
        # (things sharing a predicate), but the catalogue sends them to different agencies
        # with different deadlines (机动车乱停放 to the traffic police in 2 h, 非机动车乱停放
        # to the street office in 24 h): each needs its own item and category.
        predicate = last[subject.end():]
        # each item's span covers the whole list: its words are not contiguous
        return [(h + predicate, start, end) for h in heads] + [(last, start, end)], []
    problem = PROBLEM_WORD.search(last)
    if (problem and problem.start() >= 2 and all(len(h) >= 2 for h in heads)
            and _LIST_PREDICATE.search(last, problem.start())  # 纸屑、纸盒和塑料垃圾 are things
            and not any(PROBLEM_WORD.search(h) or _PREDICATE.search(h) or _is_vehicle(h) for h in heads)
            and "等" not in last[: problem.start()]):
        # 文海汽配、大宝汽配占道修车: the heads are places, the problem is shared (but
        # 煤气罐、灶台等占道: a list closed by 等 is what is wrong, not where; nor are
        # vehicles: 共享单车、电动车乱停放 is one item)
        names = [(h, start + o, start + o + len(h)) for h, o in zip(heads, offsets, strict=False)]
        last_start = start + offsets[-1]
        names.append((last[: problem.start()], last_start, last_start + problem.start()))
        return [(last[problem.start():], last_start + problem.start(), end)], names
    # A part without a word of what is wrong shares the next part's (货物、杂物乱堆放); one
    # after the last such word belongs to the part before (经常被反复挖开、填平).
    groups: list[list[int]] = []
    current: list[int] = []
    for k, part in enumerate(parts):
        current.append(k)
        if _LIST_PREDICATE.search(part):
            groups.append(current)
            current = []
    if current:
        if groups:
            groups[-1].extend(current)
        else:
            groups.append(current)
    out = []
    for g in groups:
        a, b = offsets[g[0]], offsets[g[-1]] + len(parts[g[-1]])
        if b > a:
            out.append((item[a:b], start + a, start + b))
    return out, []


def _is_problem(item: str, story_checked: bool = False) -> bool:
    """False for a clause of the story around the problem, a tag or a bare place."""
    n = len(item)
    if n < 2 or not _HAN.search(item):
        return False  # a clock time after the item (08:26), a bare number
    c = item[0]
    if c in "[【" and _TAG.fullmatch(item):
        return False
    if (not story_checked and _is_story(item)) or _STORY_ANYWHERE.search(item):
        return False
    if (n <= 12 and item[-1] in _PLACE_OR_THING_LAST and not _PREDICATE.search(item)
            and not _NUISANCE.search(item) and not item.endswith("上路")):  # (带泥上路: a verb)
        return False  # a bare name of a place or a thing (秀山村, 垃圾桶, 一个彩钢板房, 对面)
    if n <= 26 and item.endswith(_PLACE_ENDINGS):
        # a place (新都康年入口处, 垃圾中转站边上), or 在 + a place
        if c == "在" and _AT_PLACE.fullmatch(item):
            return False
        return _PREDICATE.search(item) is not None
    return True


def _add(problems: list[Problem], item: str, span, t: str) -> None:
    """Add an item as the convention quotes it (phrase_convention), with its span."""
    exact = span is not None and t[span.start:span.start + len(item)] == item
    for a, b in convention_phrases(item):
        piece = item[a:b]
        _add_one(problems, piece, _make_span(span.start + a, span.start + b) if exact else span)


def _add_one(problems: list[Problem], item: str, span) -> None:
    if len(item) >= 8 and (m := _JOINED.fullmatch(item)):
        problems.append(_make_problem(m.group(1), category_of(m.group(1)), span))
        problems.append(_make_problem(m.group(2), category_of(m.group(2)), span))
    else:
        problems.append(_make_problem(item, category_of(item), span))


def catalogue_items(phrase: str, span) -> list[Problem]:
    """One phrase found by other means (the problem tagger) as the catalogue needs its items:
    vehicles sharing one predicate are one problem each (机动车、非机动车乱停: different
    agencies, see `_split_list`), and two event names written together are two (道路遗撒积存沙石).

    >>> [p.text for p in catalogue_items("三轮车、电动车乱停", None)]
    ['三轮车乱停', '电动车乱停']
    >>> [p.text for p in catalogue_items("道路遗撒积存沙石", None)]
    ['道路遗撒', '积存沙石']
    """
    problems: list[Problem] = []
    parts = phrase.split("、")
    subject = SHARED_SUBJECTS.match(parts[-1]) if len(parts) > 1 else None
    if subject and all(SHARED_SUBJECTS.fullmatch(h) for h in parts[:-1]):
        predicate = parts[-1][subject.end():]
        for piece in [h + predicate for h in parts[:-1]] + [parts[-1]]:
            _add_one(problems, piece, span)
    else:
        _add_one(problems, phrase, span)
    return problems


def read_problems(
    t: str, start: int, end: int, *, first_only: bool = False
) -> tuple[list[Problem], list[Landmark]]:
    """Problem items in ``t[start:end]`` (``t`` already width-folded).

    With ``first_only`` (a complaint's words after 反映:) only the first run of problem
    clauses is read: the first clause after it that is not a problem (居民出行十分不便, 后来…,
    存在安全隐患) ends the reading, as the rest of a complaint tells its story.
    """
    problems: list[Problem] = []
    landmarks: list[Landmark] = []
    text = t[start:end]
    c = text[:1]
    if c in _ENUMERATOR_FIRST or c.isdigit() or _SEPARATOR.search(text) is not None:
        pieces = _split_pieces(t, start, end)
    else:
        # one piece (the usual case: 积存垃圾渣土), as _split_pieces would give it
        pieces = [(text, start, end)] if text and not text.isspace() else []
    if " " in text.strip():
        pieces = [
            (piece, s + a, s + b)
            for text, s, e in pieces
            for piece, a, b in _space_parts(text)
        ]
    quoted = False
    for text, s, e in pieces:
        if "(" in text:
            text = _PARENTHETICAL.sub("", text)
        if ("记者" in text or "组" in text) and (m := _FINDER.match(text)) and len(text) - m.end() >= 2:
            # 记者发现街路两侧的商家随意倾倒垃圾…: what was found is the problem
            text, s = text[m.end():], s + m.end()
        c = text[:1]
        kind = (_CLAUSE_KIND.match(text)
                if c in _CLAUSE_KIND_FIRST or c.isspace() or _CLAUSE_KIND_ANYWHERE.search(text) else None)
        if kind:
            if kind.lastgroup in ("admin", "wish"):
                break
            continue
        if "辆" in text:
            text = _PLATES.sub("", text)
        if quoted:
            # the complainant's words quoted after the problem was told (…占道经营,“白天
            # 占道放杂物,晚上占道做生意,…”): the quotation repeats or comments on it
            quoted = "”" not in text
            continue
        if problems and "“" in text[:2] and "”" not in text and _QUOTE_OPEN.match(text):
            quoted = True
            continue
        if problems and text.startswith("有") and (m := _EXAMPLES.fullmatch(text)) and not _PREDICATE.search(m.group("things")):
            continue  # 存放了好几堆杂物,有木头、纸盒等: examples of what was just named
        if _is_story(text):
            # a story clause before its lead-in words go (就算…, 不仅污染环境)
            if first_only and problems:
                break
            continue
        raw = text
        text, s = _strip(text, s)
        if "的" in text[:14] and (m := _SPOT_OF.match(text)) and not _CLAUSE_VERB.search(text, 1, m.end()):
            text, s = text[m.end():], s + m.end()
        if (_AROUND_CHAR(text, 2, 22) and (m := _NAMED_PLACE_AROUND.match(text)) and m.end() < len(text) - 1
                and "、" not in text
                and not _PREDICATE.search(text, 0, m.end())):
            text, s = text[m.end():], s + m.end()
        if "在" in text and (m := _PLACE_BEFORE_ONGOING.match(text)) and not _PREDICATE.search(text, 0, m.end()):
            text, s = text[m.end():], s + m.end()
        if "工地" in text and (m := _SITE.match(text)):
            text, s = text[m.end():], s + m.end()
        if not _is_problem(text, story_checked=text is raw):
            if first_only and problems:
                break
            continue
        if text.endswith(_COMPLAINT_TAIL) and len(text) > 6:
            text = text[: text.rindex("的")] if "的" in text[-4:] else text[:-2]  # …扰民的投诉: a title
        if "问题" in text and (m := _ISSUE_TAIL.search(text)) and m.group() != "问题":
            text = text[: m.start()] or text  # a title: …成堆问题办理的情况
        if text[-2:] in _KIND_TAIL_ENDS and (m := _KIND_TAIL.search(text)) and m.start() >= 2:
            # 存在X、Y等问题突出 / 有X、Y的现象: the list without the tail, cut as any list
            text = _strip(text[: m.start()], s)[0]
        elif "、" in text and text.endswith("问题") and (m := _ISSUE_TAIL.search(text)):
            text = text[: m.start()] or text  # 存在垃圾乱放、发霉发臭问题
        if "、" not in text:
            # a single item, already stripped (_strip is idempotent)
            _add(problems, text, _make_span(s, max(s, e)), t)
            continue
        items, names = _split_list(text, s, e)
        for name, ns, ne in names:
            landmarks.append(_make_landmark(name, None, None, "at", _make_span(ns, ne)))
        for item, is_, ie in items:
            item, is_ = _strip(item, is_)
            if item and (len(items) == 1 or _is_problem(item)):
                _add(problems, item, _make_span(is_, max(is_, ie)), t)
    return problems, landmarks


def _space_parts(text: str) -> list[tuple[str, int, int]]:
    """A piece split at the white space between headline parts, with offsets.

    Only where both sides say what is wrong (or the right side is a tag or a story
    clause): 麦当劳 北侧3米 stays one piece.
    """
    out, a = [], 0
    for m in _SPACE_SPLIT.finditer(text):
        left, right = text[a:m.start()], text[m.end():]
        nxt = _SPACE_SPLIT.search(right)
        right = right[: nxt.start()] if nxt else right
        if _LIST_PREDICATE.search(left) and (
            _LIST_PREDICATE.search(right) or _TAG.fullmatch(right) or _is_story(right)
        ):
            out.append((left, a, m.start()))
            a = m.end()
    out.append((text[a:], a, len(text)))
    return out
