"""Convention v2 for the problem phrases (fixtures/problems_convention.md), rule by rule,
on wording of this file's own (not lines of the labelled sets)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata.location.phrase_convention import left_out, phrases, trim, units


def quoted(item: str) -> list[str]:
    return [item[a:b] for a, b in phrases(item)]


@pytest.mark.parametrize(("item", "expected"), [
    # step 1.2: a second part with its own predicate is a second phrase
    ("乱停车和垃圾乱倒", ["乱停车", "垃圾乱倒"]),
    ("井盖破损并且积水严重", ["井盖破损", "积水严重"]),
    # …not things that share one predicate
    ("砖块和木料乱堆", ["砖块和木料乱堆"]),
    ("噪音和油烟扰民", ["噪音和油烟扰民"]),
])
def test_joined_parts_are_cut_only_where_each_says_what_is_wrong(item, expected):
    assert quoted(item) == expected


@pytest.mark.parametrize("unit", [
    "影响道路通行", "严重影响周边环境", "给来往行人带来不便", "导致行人只能走机动车道", "存在较大安全隐患",
    "居民苦不堪言", "一直无人管理", "多次通报仍未整改", "希望尽快处理", "行人出行很不便", "对小区居民造成困扰",
    "污染周边环境",
    # neglect alone, with no thing of its own
    "没有及时清理", "清扫不及时", "长时间未清扫", "依旧未做改善", "至今无人清运", "维修不及时",
])
def test_effects_neglect_and_requests_are_left_out(unit):
    assert left_out(unit) and quoted(unit) == []


@pytest.mark.parametrize("unit", ["垃圾乱堆", "噪音扰民", "污水横流", "环境卫生差", "路灯不亮", "污染地面"])
def test_what_is_wrong_at_the_place_is_kept(unit):
    assert not left_out(unit) and quoted(unit) == [unit]


@pytest.mark.parametrize(("unit", "expected"), [
    # (a) reporting, existence and joining words
    ("存在乱贴广告", "乱贴广告"), ("发现渣土未覆盖", "渣土未覆盖"), ("还有大量杂物", "大量杂物"),
    ("每次路过都能闻到一股臭味", "一股臭味"),
    # (b) a place that only says where; a holder of the thing
    ("花坛里落叶较多", "落叶较多"), ("路边的垃圾无人清理", "垃圾无人清理"), ("周边杂物乱放", "杂物乱放"),
    ("小区环境脏乱", "环境脏乱"), ("广告牌存在破损", "破损"),
    # (c) whoever did it
    ("有人往河里倒垃圾", "往河里倒垃圾"), ("商户将货物摆上人行道", "将货物摆上人行道"),
    ("某火锅店占道摆放桌椅", "占道摆放桌椅"), ("某单位把废料堆在路边", "把废料堆在路边"),
    # (d) determiners and "one"
    ("一辆报废汽车长期停放", "报废汽车长期停放"), ("个别摊贩占道", "摊贩占道"), ("这些垃圾桶满溢", "垃圾桶满溢"),
    ("一窨井盖缺失", "窨井盖缺失"),
    # (a) 又 joining a second state or act
    ("又无路灯", "无路灯"), ("又有杂物堆放", "杂物堆放"),
    # (b) 沿路 and a building site only say where
    ("沿路杂物乱堆", "杂物乱堆"), ("施工现场裸土未苫盖", "裸土未苫盖"), ("施工区域内泥浆外溢", "泥浆外溢"),
    # (e) time words
    ("每天傍晚正在占道经营", "占道经营"), ("最近垃圾堆积", "垃圾堆积"),
    ("多年来污水直排河沟", "污水直排河沟"), ("近半个月来总是积水", "积水"),
    # step 4: the name of the kind of thing at the end
    ("车辆乱停现象", "车辆乱停"), ("路面积水问题", "路面积水"), ("垃圾乱倒的情况", "垃圾乱倒"),
])
def test_the_start_and_the_end_lose_what_is_not_the_problem(unit, expected):
    assert quoted(unit) == [expected]


@pytest.mark.parametrize("unit", [
    "门前三包不落实",      # a duty's name, not a place
    "多处路面破损",        # how many, not where
    "一堆建筑垃圾",        # an amount that describes it
    "出店占道经营",        # the act, not a shop
    "长期占道经营",        # how lists write it
    "麻将摊点占道",        # 将 of 麻将 is no act
    "雨水井盖往外溢污水",  # 往外 is a direction, not a place
    "夜间施工扰民",        # the night is the fault
    "垃圾未及时清理",      # neglect of a thing is a problem
    "垃圾桶清理不及时",
    "管理不到位",          # the place's state
    "又脏又臭",            # 又 before a state word is part of it
    "一到晚上就关门",      # 一到 is "as soon as", not "one"
])
def test_words_that_look_like_a_rule_but_are_the_problem_stay(unit):
    assert quoted(unit) == [unit]


def test_quotation_marks_never_open_or_close_a_phrase():
    assert quoted("“门前五包”未落实") == ["门前五包”未落实"]
    assert quoted("路边成了“垃圾场”") == ["成了“垃圾场"]


@given(st.text(alphabet="垃圾乱堆放路边有人把将一个和影响现象“”上内米的较多", max_size=30))
def test_phrases_are_ordered_non_empty_pieces_of_the_item(item):
    out = phrases(item)
    assert all(0 <= a < b <= len(item) and b - a >= 2 for a, b in out)
    assert all(out[i][1] <= out[i + 1][0] for i in range(len(out) - 1))
    for a, b in units(item):
        s, e = trim(item[a:b])
        assert 0 <= s <= e <= b - a
