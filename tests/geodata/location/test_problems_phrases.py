"""Cutting problem phrases out of the text after the place (geodata.location.problems).

The conventions are those of the labelled lines: a phrase is quoted from the text, the
story around the problem (who reported it, when, whom it troubles, a hazard, a wish) is
not a phrase, and a list joined by 、 is split only between parts that each say what is
wrong. The lines here are written for the tests, in the style of inspection reports and
complaint summaries.
"""

import pytest

from geodata.location.parse import parse
from geodata.location.problems import read_problems


def phrases(text: str, *, first_only: bool = False) -> list[str]:
    return [p.text for p in read_problems(text, 0, len(text), first_only=first_only)[0]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a hazard, a wish
        ("放置多家餐饮广告牌,阻碍行人通行,存在安全隐患,希望相关部门核实处理", ["放置多家餐饮广告牌"]),
        # whom it troubles
        ("人行道没有地砖,居民通行不便,过往车辆擦肩而过,容易发生擦挂", ["人行道没有地砖"]),
        ("路灯不亮,给市民出行带来不便", ["路灯不亮"]),
        # an effect on traffic or on the street's look is a problem; one on residents,
        # on the air or on the town's image is not
        ("绿化带破损严重,影响市容市貌", ["绿化带破损严重"]),
        ("井盖缺失,严重影响车辆通行", ["井盖缺失"]),
        ("遍地都是污水,严重影响居民生活", ["遍地都是污水"]),
        ("建筑渣土裸露,严重影响空气质量", ["建筑渣土裸露"]),
        ("乱堆垃圾,不仅污染环境,还阻碍了来往市民的出行", ["乱堆垃圾"]),
        # when, for how long, how big
        ("6月初以来,路灯不亮,已经半个多月了", ["路灯不亮"]),
        ("堆积了大片建筑垃圾,约有七八米长、两米高,滋生蚊虫较多", ["堆积了大片建筑垃圾", "滋生蚊虫较多"]),
        ("占道经营,时间长达一年有余", ["占道经营"]),
        # a cause, an aside, a question
        ("由于施工时排水沟没有修通,污水排不出来", ["污水排不出来"]),
        ("小摊小贩乱摆乱放,原本这条路就很狭窄", ["小摊小贩乱摆乱放"]),
        ("箱货非法侵占人行道,请问这是谁授权的?能否驱离?", ["箱货非法侵占人行道"]),
        # what was done about it
        ("专项垃圾暂存点杂乱,已现场和物业沟通及时预约清运", ["专项垃圾暂存点杂乱"]),
        ("垃圾特别多,垃圾随即就被清理干净,同时加强巡逻", ["垃圾特别多"]),
        # a suggestion ends the problems: what follows it is the remedy
        ("垃圾收集屋零乱破烂,建议整合收集点,建成封闭式垃圾屋", ["垃圾收集屋零乱破烂"]),
    ],
)
def test_story_clauses_are_not_problems(text, expected):
    assert phrases(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # nouns sharing one predicate are one item
        ("货物、杂物乱堆放、市场内公厕设施不完善", ["货物、杂物乱堆放", "公厕设施不完善"]),
        ("突然多出了一大片建筑、装修垃圾", ["突然多出了一大片建筑、装修垃圾"]),
        ("路中间经常被反复挖开、填平", ["路中间经常被反复挖开、填平"]),
        ("快、慢车道路牙石沿线积尘重", ["快、慢车道路牙石沿线积尘重"]),
        # each part says what is wrong: one item each
        ("交通信号灯线缆杂乱、线盒锈蚀严重、路牌褪色", ["交通信号灯线缆杂乱", "线盒锈蚀严重", "路牌褪色"]),
        ("麻将摊点占道、杂物堆放", ["麻将摊点占道", "杂物堆放"]),
        # a list closed by 等 keeps 等 and is what is wrong, not where
        ("枯枝落叶、白色垃圾、杂物等", ["枯枝落叶、白色垃圾、杂物"]),
        ("煤气罐、灶台等占道", ["煤气罐、灶台等占道"]),
        # a list closed by 现象 or 问题 is cut as any list (convention v2, step 1.2)
        ("有乱摆乱放、垃圾乱堆放现象", ["乱摆乱放", "垃圾乱堆放"]),
        ("存在垃圾乱放、发霉发臭问题", ["垃圾乱放", "发霉发臭"]),
        # vehicles sharing one predicate are one item; shop names are peeled off
        ("机动车、非机动车乱停", ["机动车乱停", "非机动车乱停"]),  # two agencies: two items
        ("货车、三轮车线外乱停放", ["货车、三轮车线外乱停放"]),
        ("文海汽配、大宝汽配占道修车", ["占道修车"]),
    ],
)
def test_lists_joined_by_the_enumeration_comma(text, expected):
    assert phrases(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a spot before 有, also a long one or one with a list of shops
        ("西侧荒地沿线有明显散落垃圾", ["明显散落垃圾"]),
        ("停车场顶广告牌后有保洁盲区", ["保洁盲区"]),
        ("东城中央广场段、牡丹城二区段快车道路牙石沿线有明显积尘", ["明显积尘"]),
        ("道路南端有多处菜地", ["多处菜地"]),
        ("排水沟有个井盖坏了", ["井盖坏了"]),
        # 有 that is part of the problem stays
        ("有人把几个垃圾桶推到非机动车道上", ["把几个垃圾桶推到非机动车道上"]),
        ("长期有垃圾堆积", ["长期有垃圾堆积"]),
        ("路面有待硬化", ["路面有待硬化"]),
        ("没有人行道步道板", ["没有人行道步道板"]),
        # 人行道上 / 路面上 are spot words only before 有
        ("人行道上有废弃家具", ["废弃家具"]),
        ("人行道上白色垃圾较多", ["白色垃圾较多"]),
        # a spot before 的
        ("垃圾堆放点旁边的电线零乱", ["电线零乱"]),
        ("在小区医院门口的螺丝头裸露较高", ["螺丝头裸露较高"]),
        ("摆摊的小商贩特别多", ["摆摊的小商贩特别多"]),
        ("两侧的自行车道被护栏圈起封住", ["自行车道被护栏圈起封住"]),
        # a place before what is going on there, a site before a part of it
        ("六合庄南口正在进行土石方施工", ["进行土石方施工"]),
        ("建筑工地围挡无公益广告", ["围挡无公益广告"]),
        ("建筑工地白天运渣土", ["白天运渣土"]),
        ("工地扬尘", ["工地扬尘"]),
        # a habitual time before the doer
        ("常年有小商贩在早间占道经营", ["小商贩在早间占道经营"]),
        ("每天产生大量粉尘", ["产生大量粉尘"]),
    ],
)
def test_where_is_cut_off_what(text, expected):
    assert phrases(text) == expected


@pytest.mark.parametrize(
    "text",
    ["新都康年入口处", "垃圾中转站边上", "在停放长途客车的地点", "工地", "上", "[快讯]", "这个窨井位于路口向西100米"],
)
def test_a_place_alone_is_not_a_problem(text):
    assert phrases(text) == []


def test_a_place_clause_before_the_problem_is_dropped():
    assert phrases("新都康年入口处,路面积水面较宽,且水位较深") == ["路面积水面较宽", "水位较深"]


def test_words_quoted_after_the_problem_are_the_complainants_comment():
    assert phrases("几家饭店占道经营,“白天占道放杂物,晚上占道做生意。”") == ["占道经营"]
    # a quoted term inside an item is part of it
    assert phrases("扬尘严重,“门前三包”不到位") == ["扬尘严重", "门前三包”不到位"]
    # a quotation that is the whole complaint is read
    assert phrases("“空地上垃圾较多,还有严重的异味,希望尽快清理。”") == ["垃圾较多", "严重的异味"]


def test_headline_parts_separated_by_a_space():
    assert phrases("围挡堵人行道 已占地半年多却不施工") == ["围挡堵人行道", "已占地半年多却不施工"]
    assert phrases("建筑垃圾一堆一年多 [快讯]") == ["建筑垃圾一堆一年多"]
    # not a split: no problem on one side, or a character missing after a measure word
    assert phrases("麦当劳 北侧3米") == ["麦当劳 北侧3米"]
    assert phrases("停着几辆 废的垃圾车") == ["停着几辆 废的垃圾车"]


def test_an_issue_word_closing_an_item():
    assert phrases("建筑垃圾成堆问题办理的情况") == ["建筑垃圾成堆"]
    assert phrases("有其他施工管理问题") == ["其他施工管理"]


def test_a_complaint_keeps_its_first_run_of_problem_clauses():
    text = "摆摊的小商贩特别多,把道路都占了,居民出行十分不便,路灯也坏了"
    assert phrases(text, first_only=True) == ["摆摊的小商贩特别多", "把道路都占了"]
    assert phrases(text) == ["摆摊的小商贩特别多", "把道路都占了", "路灯也坏了"]
    # a story clause before the problem does not end it
    assert phrases("由于排水沟没有修通,污水排不出来,已经半个多月了", first_only=True) == ["污水排不出来"]


def test_a_complaint_line_through_the_parser():
    loc = parse("市民张先生反映:建设路与和平街交叉口有个井盖坏了,往外喷水,存在安全隐患,希望有关部门尽快维修。")
    assert (loc.road_a, loc.road_b) == ("建设路", "和平街")
    assert loc.problems == ("井盖坏了", "往外喷水")


def test_what_a_reporter_found_is_the_problem_not_the_reporter():
    assert parse("在人民街附近,记者发现路边的商家随意倾倒垃圾现象很严重。").problems == ("随意倾倒垃圾现象很严重",)


@pytest.mark.parametrize(("text", "expected"), [
    # a list named as one kind of thing: one item, without 等问题 / 的现象 / 的情况
    ("存在摊点乱摆、污水横流、车辆乱停的现象", ["摊点乱摆", "污水横流", "车辆乱停"]),
    ("垃圾乱扔、广告乱贴、杂物乱堆等问题突出", ["垃圾乱扔", "广告乱贴", "杂物乱堆"]),
    ("有垃圾堆放、未及时清理的情况", ["垃圾堆放"]),  # bare neglect is left out
    ("占道经营现象严重", ["占道经营现象严重"]),  # 现象 with no 的 or 等 stays
    # things listed with 、 before a noun are what is there, not shops
    ("有碎纸、纸盒和塑料垃圾", ["碎纸、纸盒和塑料垃圾"]),
    # a clock time after the item is no item
    ("绿地内有废弃瓜子壳。09:40(已上报)", ["废弃瓜子壳"]),
    # a clause that only introduces what was seen or said
    ("记者在现场观察发现,仍有不少车辆未停放到划定区域", ["不少车辆未停放到划定区域"]),
    ("据他讲述,路面有或多或少的渣土", ["或多或少的渣土"]),
])
def test_kind_tails_times_and_introductions(text, expected):
    assert phrases(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a request ends the problems as a wish does
    ("墙角扔了好几袋烂菜叶,天热都臭了,赶紧清理一下吧!", ["墙角扔了好几袋烂菜叶", "天热都臭了"]),
    ("门口堆着两车渣土,还请有关部门清理", ["堆着两车渣土"]),
    ("堆着近百米的垃圾,盼将垃圾清走", ["堆着近百米的垃圾"]),
    # words that link a count to what was said before (其中, 另有, 同样) are no part of it
    ("同样满到冒尖的5个垃圾桶排放在路边,其中3个垃圾桶占了停车位,另有1个垃圾桶倒在绿化带里",
     ["满到冒尖的5个垃圾桶排放在路边", "3个垃圾桶占了停车位", "1个垃圾桶倒在绿化带里"]),
    # what the place is: a description
    ("车流量很大,旁边就是居民区,路面坑坑洼洼", ["车流量很大", "路面坑坑洼洼"]),
])
def test_requests_links_and_descriptions(text, expected):
    assert phrases(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the footway named as the subject is part of the problem; a spot before 有 is not
    ("建设路人行道垃圾比较多", ["人行道垃圾比较多"]),
    ("建设路人行道上有垃圾", ["垃圾"]),
    ("建设路路边车辆违停", ["车辆违停"]),
    ("建设路路边有车辆违停", ["车辆违停"]),
])
def test_a_footway_or_roadside_as_the_subject(text, expected):
    assert parse(text).problems == tuple(expected)


@pytest.mark.parametrize(("text", "expected"), [
    # who answers for it is no problem
    ("有垃圾堆放、未及时清理的情况,其责任单位为江南区政府", ["垃圾堆放"]),
    ("车辆随意停放阻挡盲道,应由市交警支队负责整治", ["车辆随意停放阻挡盲道"]),
    # a bare name of a place or a thing is no problem; a bare name of waste is
    ("路口有个垃圾桶,旁边扔了几个烂西瓜", ["扔了几个烂西瓜"]),
    ("绿地内有动物粪便", ["动物粪便"]),
    ("多辆渣土车带泥上路", ["多辆渣土车带泥上路"]),
])
def test_responsibility_and_bare_names(text, expected):
    assert phrases(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # effects on traffic or on the street's look, however written
    ("红绿灯很长时间不亮,影响车辆和行人通行", ["红绿灯很长时间不亮"]),
    ("隔离桩已全部损坏,严重影响机动车通行", ["隔离桩已全部损坏"]),
    ("垃圾成堆,影响了市容", ["垃圾成堆"]),
    # how long, however written
    ("垃圾比较多,这种情况已经持续一个星期了", ["垃圾比较多"]),
    ("河面上漂浮着很多垃圾,差不多有一个星期了", ["漂浮着很多垃圾"]),
])
def test_traffic_effects_and_durations(text, expected):
    assert phrases(text) == expected


def test_passing_by_is_no_road():
    d = parse("箱内装满了垃圾,异味难闻,市民路过纷纷捂着鼻子。")
    assert d.road is None


@pytest.mark.parametrize(("text", "expected"), [
    # adverbs and connectives opening a clause are no part of what is wrong
    ("绿化带上堆放着杂物,还停放着好几辆电瓶车", ["堆放着杂物", "停放着好几辆电瓶车"]),
    ("路面坑洼不平,并且夏天积水发臭", ["路面坑洼不平", "积水发臭"]),
    ("大部分车辆停在线内,但仍有不少车辆未停放到划定区域", ["大部分车辆停在线内", "不少车辆未停放到划定区域"]),
    # the unit of a house number before what is done there
    ("3单元102室经营烧烤,产生油烟扰民", ["经营烧烤", "产生油烟扰民"]),
    # a list closed by 等问题 after 问题 was cut
    ("存在垃圾清理不及时、异味大等问题", ["垃圾清理不及时", "异味大"]),
])
def test_leading_adverbs_units_and_listed_issues(text, expected):
    assert phrases(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # how ways and waters lie, where a stretch runs, comments, a spot with 在
    ("下水井经常堵塞,池塘与小河相连通,夏天水塘发臭", ["下水井经常堵塞", "水塘发臭"]),
    ("垃圾扎堆,西起环城河,东至新华桥", ["垃圾扎堆"]),
    ("荒草丛生,令人不堪入目", ["荒草丛生"]),
    ("在现场,地面散乱的垃圾较多", ["散乱的垃圾较多"]),
    ("臭味来源不明,总能闻到一股恶臭", ["一股恶臭"]),
    ("甚至在墙角位置,还横七竖八地摞放着一些共享单车", ["横七竖八地摞放着一些共享单车"]),
])
def test_geography_comments_and_spots(text, expected):
    assert phrases(text) == expected


def test_what_was_already_put_right_is_no_problem():
    from geodata.location.parse import parse
    d = parse("翠竹小区绿化带内杂物已清除,路灯损坏已修复,但楼道内乱张贴现象仍然存在").to_dict()
    assert all("已" not in p for p in d["problems"]) and d["problems"]


@pytest.mark.parametrize("text, wanted", [
    # 上万, 上千: a number, not "on"
    ("上千只飞蛾扑向店铺", "上千只飞蛾扑向店铺"),
    # 发现了: who found it, not what was found
    ("发现了破损的窨井盖", "破损的窨井盖"),
])
def test_report_lead_words_are_cut_cleanly(text, wanted):
    from geodata.location.problems import read_problems
    assert [p.text for p in read_problems(text, 0, len(text))[0]] == [wanted]


def test_a_time_closing_a_quotation_and_a_concession_are_no_problems():
    from geodata.location.parse import parse
    problems = parse("“门口天天堆满垃圾。”近日,市民反映此事。即便如此,仍有商贩在路边摆摊。").problems
    assert "近日" not in problems and "”近日" not in problems and "即便如此" not in problems


def test_examples_listed_after_an_item_are_not_items():
    from geodata.location.problems import read_problems
    t = "楼门口堆放了好几堆杂物,有旧沙发、木板等"
    assert [p.text for p in read_problems(t, 0, len(t))[0]] == ["堆放了好几堆杂物"]


def test_the_sides_of_a_named_way_opening_an_item_are_where_not_what():
    from geodata.location.problems import read_problems
    t = "村委会前方柳林路两边乱堆乱放严重"
    assert [p.text for p in read_problems(t, 0, len(t))[0]] == ["乱堆乱放严重"]
    # the bare way's sides are what the item is about
    t = "道路两侧都被菜摊占据"
    assert [p.text for p in read_problems(t, 0, len(t))[0]] == ["被菜摊占据"]


def test_a_title_closed_by_the_complaint_word():
    from geodata.location.problems import read_problems
    t = "某某会所油烟排放扰民的投诉"
    assert [p.text for p in read_problems(t, 0, len(t))[0]] == ["某某会所油烟排放扰民"]


def test_an_urgent_need_is_a_wish_and_when_found_is_no_problem():
    from geodata.location.problems import read_problems
    t = "垃圾桶过于破旧,亟待更换。对面大件垃圾被随意丢弃"
    assert [p.text for p in read_problems(t, 0, len(t))[0]] == ["垃圾桶过于破旧", "对面大件垃圾被随意丢弃"]
    t = "时发现有施工单位占用道路设置围挡"
    assert [p.text for p in read_problems(t, 0, len(t))[0]] == ["施工单位占用道路设置围挡"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # parts with a state or an act of their own are cut (convention v2, step 1.2)
        ("菜场门口废纸遍地、臭水横流", ["废纸遍地", "臭水横流"]),
        ("广告牌破损、脱落", ["广告牌破损", "脱落"]),
        ("门面脏乱不堪、单车随意丢弃", ["门面脏乱不堪", "单车随意丢弃"]),
        ("乱摆摊点、私拉电线现象", ["乱摆摊点", "私拉电线"]),
        ("烧烤摊油烟扰民、占道摆桌", ["烧烤摊油烟扰民", "占道摆桌"]),
        # 多辆 counts the vehicles: one predicate, one item
        ("多辆货车、面包车乱停乱放", ["多辆货车、面包车乱停乱放"]),
    ],
)
def test_list_parts_with_a_predicate_of_their_own(text, expected):
    assert phrases(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a clause opened by 导致 / 造成 is an effect, left out (step 2), not trimmed to its end
        ("水管爆裂,导致路面积水", ["水管爆裂"]),
        ("窨井堵塞,造成了污水外溢", ["窨井堵塞"]),
        # …also one part of a list: the other parts stay
        ("摊贩聚集,导致道路拥堵、果皮遍地", ["摊贩聚集", "果皮遍地"]),
    ],
)
def test_effects_opened_by_a_cause_word_are_left_out(text, expected):
    assert phrases(text) == expected
