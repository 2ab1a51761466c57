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



def _shifted(loc, at):
    """The reading as a dict with every position after `at` one character earlier (the comma
    written at `at` taken out again)."""
    d = loc.to_dict()
    d["spans"] = {k: [s - (s > at), e - (e > at)] for k, (s, e) in d["spans"].items()}
    for msg in (*d["warnings"], *d["errors"]):
        s, e = msg["span"]
        msg["span"] = [s - (s > at), e - (e > at)]
    return d


@pytest.mark.parametrize(("text", "sub", "road"), [
    ("学院路街道学院路西侧，积存垃圾", "学院路街道", "学院路"),
    ("学院路街道学院路西侧50米处，积存垃圾", "学院路街道", "学院路"),
    ("学院路街道学院路东侧人行道上堆物堆料", "学院路街道", "学院路"),
    ("学院路街道成府路南侧，积存垃圾", "学院路街道", "成府路"),
    ("学院路街道成府路南侧50米处，堆物堆料", "学院路街道", "成府路"),
    ("学院路街道学院路沿线积存垃圾", "学院路街道", "学院路"),
    ("学院路街道学院路123号门前，积存垃圾", "学院路街道", "学院路"),
    ("海淀区学院路街道学清路东侧，积存垃圾", "学院路街道", "学清路"),
    ("花园路街道北三环中路南侧，积存垃圾", "花园路街道", "北三环中路"),
])
def test_a_subdistrict_named_after_a_road_then_a_road_alone_without_a_comma(text, sub, road):
    """Found in review (a typed location, /api/v1/locate and problems created from their text):
    学院路街道学院路西侧 was read as the road 学院路 (the area's name) and a landmark 街道学院路 west
    of it, a place that does not exist. It reads as the same line with a comma after the area."""
    at = text.index("街道") + 2
    glued = parse(text)
    assert (glued.subdistrict, glued.road) == (sub, road)
    assert not glued.landmarks or not glued.landmarks[0].name.startswith("街道")
    assert glued.to_dict() == _shifted(parse(text[:at] + "，" + text[at:]), at)
    for key in ("subdistrict", "road"):
        span = glued.span_of(key)
        assert text[span.start:span.end] == getattr(glued, key)


@pytest.mark.parametrize("text", [
    "学院路街道办事处门前积存垃圾",  # the area's office: no road after 街道
    "北林路街道办事处在福彩路的人行道上设置了流动商贩疏导点",  # the office again, though a road follows
    "建设路街道两侧乱摆摊",  # 街道 is the street itself
])
def test_a_road_then_street_word_with_no_road_after_it_is_not_taken_for_an_area(text):
    assert parse(text).subdistrict is None
