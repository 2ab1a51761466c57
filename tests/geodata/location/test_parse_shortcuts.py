"""The parser's shortcuts (cheap tests before a regular-expression call, one search for
all category rules) must decide exactly what the expressions they stand in for decide."""

from __future__ import annotations

import random

from geodata.location import constructs, lexicon, problems

_WORDS = [
    "非机动车", "机动车", "自行车", "电动车", "单车", "乱停", "乱放", "停放", "违停", "车辆违停", "违章停车",
    "乱停车", "门前三包", "无照", "无证", "出店", "店外", "占道经营", "摊", "游商", "遗撒", "积存垃圾", "垃圾",
    "堆", "散落", "外溢", "较多", "暴露垃圾", "白色垃圾", "积存", "渣土", "堆物", "堆料", "杂物", "堆放", "堆积",
    "路面破损", "道路破损", "广告", "破损", "宣传栏", "废弃", "家具", "设备", "皮箱", "床垫", "苫盖", "土堆未覆盖",
    "渣土未覆盖", "土石方", "扬尘", "积尘", "施工", "标志牌", "井盖", "溢", "污水", "燃气", "供暖", "墙皮", "脱落",
    "\n", " ", "x", "的", "有",
]


def _reference_category(item: str) -> str | None:
    m = lexicon._CATEGORY.match(item)
    return lexicon.CATEGORY_RULES[int(m.lastgroup[1:])][1] if m else None


def test_category_search_is_used_and_agrees_with_the_rule_by_rule_reading():
    assert lexicon._CATEGORY_SEARCH is not None
    rnd = random.Random(3)
    items = [""] + _WORDS + ["".join(rnd.choice(_WORDS) for _ in range(rnd.randint(1, 6))) for _ in range(20000)]
    for item in items:
        assert lexicon.category_of(item) == _reference_category(item), item


def test_a_chunk_ending_in_no_tail_character_is_all_name():
    # _read_landmark takes such a chunk whole without _LANDMARK_CHUNK
    for cp in range(0x20, 0x10000):
        ch = chr(cp)
        if ch in constructs._CHUNK_TAIL_LAST or ch in "\n":
            continue
        for chunk in ("门前" + ch, "东北角" + ch, "(店)" + ch, "50米" + ch, ch):
            m = constructs._LANDMARK_CHUNK.fullmatch(chunk)
            assert m and m.group("name") == chunk and not m.group("branch") and not m.group("tail"), chunk


def test_district_and_subdistrict_windows_cover_what_the_expressions_need():
    from geodata.location import parse

    rnd = random.Random(9)
    alphabet = list("东西朝海丰石门房通顺昌大怀平密延城淀台山区街道地办事处乡镇社所属路口一二")
    for _ in range(20000):
        s = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 12)))
        if parse._DISTRICT.match(s):
            assert s[:1] in parse._DISTRICT_FIRST or "区" in s[2:5], s
        if parse._SUBDISTRICT.match(s):
            assert not parse._KIND_FIRST.isdisjoint(s[1:9]), s


def test_first_character_sets_cover_what_the_expressions_can_start_with():
    rnd = random.Random(5)
    alphabet = list("东西南北正向往以朝约大近的(),处小路非机人马绿立“\"有存门前斜对附旁边周外下底内里责环分督整多仍拟已希要建请经"
                    "0123456789一二两三四五六七八九十百米号侧角段与和、/口交叉叉 \t沿线街道告知表示附近发另且均")
    for _ in range(20000):
        s = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 12)))
        c = s[0]
        if constructs._REL_ALONE.match(s):
            assert c in constructs._REL_FIRST, s
        if problems._LEAD.match(s):
            assert c in problems._LEAD_FIRST or c.isspace(), s
        if problems._CLAUSE_KIND.match(s):
            assert c in problems._CLAUSE_KIND_FIRST or c.isspace() or "告知" in s or "表示" in s, s
        if (m := constructs._LANDMARK_REL.match(s)):
            assert not constructs._LANDMARK_NEXT.isdisjoint(s[1:42]), s
        if (m := constructs._SEGMENT.match(s)) and (m.group("open") or m.group("duan") or c == "从"):
            assert c in "(从" or "段" in s[:30], s
