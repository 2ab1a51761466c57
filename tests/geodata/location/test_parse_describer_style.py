"""Lines in the style `describe` writes must parse back exactly (the round trip
geocode(parse(describe(p))) == p depends on it)."""

import pytest

from geodata.location.parse import parse

FIELDS = ("subdistrict", "road_a", "road_b", "anchor_kind", "direction", "distance_m", "road",
          "side_road", "side")


def _case(text, landmarks=(), **fields):
    expected = dict.fromkeys(FIELDS)
    expected["anchor_kind"] = "intersection"
    expected.update(fields)
    return text, expected, list(landmarks)


def _lm(name, direction=None, distance_m=None, relation="at"):
    return {"name": name, "direction": direction, "distance_m": distance_m, "relation": relation}


CASES = [
    _case("学院路街道，学院路与清华东路交叉路口向南50米，学院路西侧", subdistrict="学院路街道",
          road_a="学院路", road_b="清华东路", direction="南", distance_m=50, side_road="学院路", side="西侧"),
    _case("科荟桥与石板房南路交叉路口向东550米，科荟桥北侧", road_a="科荟桥", road_b="石板房南路",
          direction="东", distance_m=550, side_road="科荟桥", side="北侧"),
    _case("G6辅路与东畔北街交叉路口向西北1330米，G6辅路西侧", road_a="G6辅路", road_b="东畔北街",
          direction="西北", distance_m=1330, side_road="G6辅路", side="西侧"),
    _case("G6辅路与科荟路交叉路口向西北640米，京藏高速西侧", road_a="G6辅路", road_b="科荟路",
          direction="西北", distance_m=640, side_road="京藏高速", side="西侧"),
    _case("学清路辅路与清华东路交叉路口向北110米，学清路辅路东侧", road_a="学清路辅路", road_b="清华东路",
          direction="北", distance_m=110, side_road="学清路辅路", side="东侧"),
    _case("学清路与石板房南路交叉路口处，学清路东侧", road_a="学清路", road_b="石板房南路",
          side_road="学清路", side="东侧"),
    _case("石清路与石板房南路交叉路口向西北135米", road_a="石清路", road_b="石板房南路",
          direction="西北", distance_m=135),
    _case("学院路街道，学院路与清华东路交叉路口向东南8米，学院路西侧，ZamZam 印巴餐厅东侧37米",
          [_lm("ZamZam 印巴餐厅", "东", 37, "offset")], subdistrict="学院路街道", road_a="学院路",
          road_b="清华东路", direction="东南", distance_m=8, side_road="学院路", side="西侧"),
    _case("学院路街道，学院路与清华东路交叉路口向东北20米，学清路西侧，星巴克处", [_lm("星巴克")],
          subdistrict="学院路街道", road_a="学院路", road_b="清华东路", direction="东北", distance_m=20,
          side_road="学清路", side="西侧"),
    _case("科荟桥与石板房南路交叉路口处，科荟桥南侧，星巴克处", [_lm("星巴克")], road_a="科荟桥",
          road_b="石板房南路", side_road="科荟桥", side="南侧"),
    _case("学院路街道，北京林业大学西北方向120米", [_lm("北京林业大学", "西北", 120, "offset")],
          subdistrict="学院路街道", anchor_kind="landmark", direction="西北", distance_m=120),
    _case("学院路街道，裕京大厦天桥北侧", subdistrict="学院路街道", anchor_kind="road_only",
          road="裕京大厦天桥", side_road="裕京大厦天桥", side="北侧"),
    _case("学院路街道，裕京大厦天桥", subdistrict="学院路街道", anchor_kind="road_only", road="裕京大厦天桥"),
    _case("学院路街道，学清路西侧", subdistrict="学院路街道", anchor_kind="road_only", road="学清路",
          side_road="学清路", side="西侧"),
    _case("西罗园街道，幸福北路与革新南路交叉路口向西南120米，革新南路南侧", subdistrict="西罗园街道",
          road_a="幸福北路", road_b="革新南路", direction="西南", distance_m=120, side_road="革新南路",
          side="南侧"),
]


def _variants(text):
    yield text
    yield text.replace("，", ",")
    yield text.replace("，", ", ")


@pytest.mark.parametrize("text, expected, landmarks", CASES, ids=[c[0] for c in CASES])
def test_describer_sentences_parse_back_exactly(text, expected, landmarks):
    for variant in _variants(text):
        loc = parse(variant)
        got = loc.to_dict()
        assert loc.ok, (variant, loc.errors)
        assert {k: got[k] for k in FIELDS} == expected, variant
        assert got["landmarks"] == landmarks, variant
        assert got["problems"] == [], variant


@pytest.mark.parametrize("text", ["学院路街道，学院路与清华东路交叉路口向南50米，学院路西侧，积存垃圾。"])
def test_describer_sentence_with_a_problem_after_it(text):
    loc = parse(text)
    assert (loc.subdistrict, loc.side_road, loc.side, loc.problems) == ("学院路街道", "学院路", "西侧", ("积存垃圾",))


@pytest.mark.parametrize("text", ["不知道在哪里", "今天天气很好", "在这里", "是哪条路"])
def test_sentences_without_a_place_name_no_road(text):
    loc = parse(text)
    assert loc.road is None and loc.road_a is None and loc.side_road is None
    assert loc.anchor_kind == "other" and not loc.ok
    assert loc.errors[0].message and loc.errors[0].span.end == len(text)


def test_a_road_named_street_inside_the_text_is_not_a_subdistrict():
    # no comma after it: 湘北大道沿线街道 is a street, not an area
    assert parse("湘北大道沿线街道车辆违停严重").subdistrict is None


@pytest.mark.parametrize(("text", "sub", "road_a"), [
    ("北京市海淀区学院路街道学院路与清华东路交叉口", "学院路街道", "学院路"),
    ("学院路街道学院路与清华东路交叉口向南50米，积存垃圾", "学院路街道", "学院路"),
    ("花园路街道北三环中路与花园路交叉口东北角堆物堆料", "花园路街道", "北三环中路"),
])
def test_a_subdistrict_named_after_a_road_then_the_road_without_a_comma(text, sub, road_a):
    """Found in review (Open311 address_string, 12345 addresses): 学院路街道学院路与… was read as
    one road, 学院路街道学院路, and the address could not be placed."""
    loc = parse(text)
    assert (loc.subdistrict, loc.road_a) == (sub, road_a)
    assert text[loc.span_of("road_a").start:loc.span_of("road_a").end] == road_a
    assert text[loc.span_of("subdistrict").start:loc.span_of("subdistrict").end] == sub
