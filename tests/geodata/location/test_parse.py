"""Reading location lines: the seed's 未诉先办 list and each construct on its own.

The four seed lines are from the Fengtai newspaper page (seeds/000_…txt, end of the
未诉先办 section), joined across the page's hard line wraps.
"""

import pytest

from geodata.location.parse import parse

SEED = [
    "1. 东铁匠营街道，横五条北段与顺五条交叉路口向北5米，横五条北段西侧，积存垃圾。",
    "2. 西罗园街道，马家堡东路与革新南路交叉路口向东120米，革新南路南侧，天成酒店南侧10米，积存垃圾。",
    "3. 右安门街道，玉林南路与玉林东路交叉路口向北100米，玉林东路东侧，门店前堆物堆料，机动车、非机动车乱停。",
    "4. 玉泉营街道，南三环西路辅路与万柳园小区门前路交叉口向北60米，万柳园小区门前路东侧，积存垃圾。",
]

SEED_EXPECTED = [
    dict(subdistrict="东铁匠营街道", road_a="横五条北段", road_b="顺五条", direction="北", distance_m=5,
         side_road="横五条北段", side="西侧", landmarks=[], problems=["积存垃圾"]),
    dict(subdistrict="西罗园街道", road_a="马家堡东路", road_b="革新南路", direction="东", distance_m=120,
         side_road="革新南路", side="南侧",
         landmarks=[{"name": "天成酒店", "direction": "南", "distance_m": 10, "relation": "offset"}],
         problems=["积存垃圾"]),
    # labels write "shop-front + problem" as a landmark with relation front (cn-016, cn-028)
    dict(subdistrict="右安门街道", road_a="玉林南路", road_b="玉林东路", direction="北", distance_m=100,
         side_road="玉林东路", side="东侧",
         landmarks=[{"name": "门店", "direction": None, "distance_m": None, "relation": "front"}],
         problems=["堆物堆料", "机动车乱停", "非机动车乱停"]),
    dict(subdistrict="玉泉营街道", road_a="南三环西路辅路", road_b="万柳园小区门前路", direction="北",
         distance_m=60, side_road="万柳园小区门前路", side="东侧", landmarks=[], problems=["积存垃圾"]),
]


def _strip_number(line: str) -> str:
    return line.split(" ", 1)[1]


@pytest.mark.parametrize("numbered", [True, False])
@pytest.mark.parametrize("index", range(4))
def test_seed_lines_read_as_a_reader_reads_them(index, numbered):
    line = SEED[index] if numbered else _strip_number(SEED[index])
    result = parse(line)
    got = result.to_dict()
    assert result.ok and not result.warnings
    assert got["anchor_kind"] == "intersection"
    assert got["anchor_relation"] == "offset"
    for key, value in SEED_EXPECTED[index].items():
        assert got[key] == value, key


def test_seed_line_3_maps_problems_to_categories():
    assert parse(SEED[2]).categories == ("堆物堆料", "机动车乱停放", "非机动车乱停放")


def test_seed_line_4_keeps_the_junction_word_out_of_road_b():
    assert parse(SEED[3]).span_of("road_b") is not None
    assert "交叉口" not in parse(SEED[3]).road_b


def test_seed_line_survives_the_newspaper_hard_wrap_as_spaces():
    wrapped = "2. 西罗园街道，马家堡东路与革新南\n路交叉路口向东120米，革新南路南侧，天\n成酒店南侧10米，积存垃圾。"
    # a newline inside a word is a line-wrap artefact; the reader joins the lines first
    assert parse(wrapped.replace("\n", "")).road_b == "革新南路"
    assert parse(wrapped).errors == ()  # and unjoined text is still read without error


# -- prefixes ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "line, subdistrict",
    [
        ("方庄街道，蒲黄榆路与方庄路交叉口向西20米，积存垃圾", "方庄街道"),
        ("南苑地区，槐房路与南苑路交叉口东北角，积存垃圾", "南苑地区"),
        ("王佐镇，青龙湖路与王佐路交口向北50米，渣土遗撒", "王佐镇"),
        ("花乡，看丹路与榆树庄路交界处正南方向534米，积存垃圾", "花乡"),
        ("1.大古桥社区所属大古桥路2-33号西侧有垃圾散落", "大古桥社区"),
        ("卢沟桥乡：小屯路与小屯西路交叉口西北角向北20米，机动车乱停", "卢沟桥乡"),
    ],
)
def test_subdistrict_town_and_community_prefixes(line, subdistrict):
    assert parse(line).subdistrict == subdistrict


def test_a_street_named_street_is_not_a_subdistrict():
    assert parse("湘北大道沿线街道车辆违停严重").subdistrict is None


def test_district_and_road_fused_in_a_colon_prefix():
    loc = parse("东港南山路:南山路与宾港中路交叉口东南方向约100米处机动车道上有道路遗撒。")
    assert (loc.district, loc.road_a, loc.road_b) == ("东港", "南山路", "宾港中路")


# -- intersections ----------------------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        "蒲黄榆路与方庄路交叉路口向西20米，积存垃圾",
        "蒲黄榆路和方庄路交叉口向西20米，积存垃圾",
        "蒲黄榆路、方庄路交口向西20米，积存垃圾",
        "蒲黄榆路/方庄路路口向西20米，积存垃圾",
        "蒲黄榆路与方庄路交界处向西20米，积存垃圾",
        "蒲黄榆路与方庄路向西20米，积存垃圾",
        "蒲黄榆路方庄路交口向西20米，积存垃圾",
    ],
)
def test_intersection_conjunctions_and_junction_words(line):
    loc = parse(line)
    assert {loc.road_a, loc.road_b} == {"蒲黄榆路", "方庄路"}
    assert (loc.anchor_kind, loc.direction, loc.distance_m) == ("intersection", "西", 20)


def test_roundabout_is_an_intersection_anchor():
    loc = parse("大红门街道，木樨园环岛东北角，非机动车乱停。")
    assert (loc.anchor_kind, loc.road_a, loc.anchor_relation, loc.direction) == (
        "intersection", "木樨园环岛", "corner", "东北")


# -- offsets ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "offset, direction, distance, approximate",
    [
        ("向北5米", "北", 5, False),
        ("以南30米", "南", 30, False),
        ("往西150米处", "西", 150, False),
        ("正南方向534米", "南", 534, False),
        ("东北60米", "东北", 60, False),
        ("向东约50米", "东", 50, True),
        ("西南10米左右", "西南", 10, True),
        ("向北一米", "北", 1, False),
        ("向北五十米", "北", 50, False),
        ("向东一百二十米", "东", 120, False),
        ("向北1.2公里", "北", 1200, False),
    ],
)
def test_offsets_from_an_intersection(offset, direction, distance, approximate):
    loc = parse(f"育仁南路与造甲街交叉口{offset}，积存垃圾")
    assert (loc.direction, loc.distance_m, loc.approximate) == (direction, distance, approximate)
    assert loc.anchor_relation == "offset"
    assert loc.problems == ("积存垃圾",)


def test_corner_alone_is_the_direction_with_relation_corner():
    loc = parse("支农路、师范街交口东南角占道露天炭火烧烤摊2处;")
    assert (loc.direction, loc.corner, loc.anchor_relation) == ("东南", None, "corner")
    assert loc.problems == ("占道露天炭火烧烤摊2处",)


def test_corner_followed_by_a_heading():
    loc = parse("红莲南路与红莲中路交叉口西南侧向南五十米，机动车乱停。")
    assert (loc.corner, loc.direction, loc.distance_m) == ("西南", "南", 50)


def test_corner_and_heading_in_brackets():
    loc = parse("江滨东路与芳桂北路交叉路口(西北侧向西方向)约十米处机动车道上有道路遗撒。")
    assert (loc.corner, loc.direction, loc.distance_m, loc.approximate) == ("西北", "西", 10, True)
    assert loc.problems == ("道路遗撒",)


# -- road sides, sections, segments -----------------------------------------------
def test_road_side_and_edge():
    assert parse("北土城路北侧，部分土堆未覆盖").side == "北侧"
    loc = parse("交通大道与常青路交叉口南50米路东垃圾堆放")
    assert (loc.side, loc.side_road, loc.problems) == ("东侧", None, ("垃圾堆放",))


def test_road_section_is_along_the_base_road():
    loc = parse("五一路南段麻将摊点占道、杂物堆放")
    assert (loc.anchor_kind, loc.anchor_relation, loc.road) == ("road_only", "along", "五一路")
    assert loc.problems == ("麻将摊点占道", "杂物堆放")


def test_service_road_keeps_its_name():
    assert parse("南三环西路辅路北侧，积存垃圾").side_road == "南三环西路辅路"


@pytest.mark.parametrize(
    "line",
    ["黄河路(富民路至永丰路)路面破损", "黄河路(富民路至永丰路段)路面破损", "黄河路(富民路—永丰路)路面破损"],
)
def test_segment_in_brackets(line):
    loc = parse(line)
    assert loc.segment.to_dict() == {"road": "黄河路", "from": "富民路", "to": "永丰路"}
    assert (loc.anchor_relation, loc.problems) == ("segment", ("路面破损",))


def test_segment_from_to_before_the_road():
    loc = parse("丰台街道，从丰台东路至丰台北路，正阳大街两侧，店外经营。")
    assert loc.segment.to_dict() == {"road": "正阳大街", "from": "丰台东路", "to": "丰台北路"}
    assert loc.side == "两侧"


# -- landmarks and house numbers ----------------------------------------------------
@pytest.mark.parametrize(
    "line, name, relation",
    [
        ("建新路益达万家超市门口乱堆杂物", "益达万家超市", "front"),
        ("文明路武警小区对面垃圾杂物堆放", "武警小区", "opposite"),
        ("太清路东段羲皇故里牌坊前摊贩长期占道经营", "羲皇故里牌坊", "front"),
        ("房山凯旋大街肖庄村牌楼附近有混凝土车负载上路", "肖庄村牌楼", "near"),
        ("14、花园小区24#楼下垃圾外溢。", "花园小区24#楼", "under"),
        ("15、信大福民三区门外摆放破旧沙发。", "信大福民三区", "outside"),
    ],
)
def test_landmark_relations(line, name, relation):
    loc = parse(line)
    assert (loc.landmarks[0].name, loc.landmarks[0].relation) == (name, relation)
    assert (loc.anchor_kind, loc.anchor_relation) == ("landmark", relation)


def test_landmark_with_direction_and_distance_after_a_possessive():
    loc = parse("浮石北路6号的红隆玻璃的西北方向33米积存垃圾渣土")
    assert (loc.address, loc.road) == ("浮石北路6号", "浮石北路")
    assert loc.landmarks[0].to_dict() == {"name": "红隆玻璃", "direction": "西北", "distance_m": 33,
                                          "relation": "offset"}
    assert (loc.direction, loc.distance_m) == ("西北", 33)


def test_chain_of_two_landmarks():
    loc = parse("衢江:振兴西路兴鑫苑北侧约30米的君尚烟酒店的西南方向11米积存垃圾渣土")
    assert [lm.to_dict() for lm in loc.landmarks] == [
        {"name": "兴鑫苑", "direction": "北", "distance_m": 30, "relation": "offset"},
        {"name": "君尚烟酒店", "direction": "西南", "distance_m": 11, "relation": "offset"},
    ]
    assert (loc.direction, loc.distance_m, loc.approximate) == ("西南", 11, False)


def test_house_number_with_relation():
    loc = parse("长辛店镇，长辛店大街299号门前，门前三包不落实。")
    assert (loc.address, loc.anchor_kind, loc.anchor_relation) == ("长辛店大街299号", "landmark", "front")
    assert loc.problems == ("门前三包不落实",)


def test_house_number_with_a_direction_in_it():
    loc = parse("五环北路东7号以北约29米处人行道上有废弃家具。")
    assert (loc.road, loc.address, loc.direction, loc.distance_m) == ("五环北路", "五环北路东7号", "北", 29)


# -- direction words inside names ---------------------------------------------------
def test_direction_word_in_a_shop_name_is_not_a_direction():
    loc = parse("荷花西路135号的北方烧烤(荷花西路店)的正东方向18米积存垃圾渣土")
    assert loc.landmarks[0].name == "北方烧烤(荷花西路店)"
    assert (loc.direction, loc.distance_m) == ("东", 18)


def test_direction_word_in_road_names_is_not_a_direction():
    loc = parse("北门街与南门街交叉口向西10米,无照经营游商")
    assert (loc.road_a, loc.road_b, loc.direction) == ("北门街", "南门街", "西")


def test_shop_with_direction_word_before_a_relation():
    loc = parse("看丹街道，北方烧烤店门前，店外经营。")
    assert [lm.name for lm in loc.landmarks] == ["北方烧烤店"]
    assert loc.direction is None and loc.problems == ("店外经营",)


# -- problems -----------------------------------------------------------------------
def test_shared_subject_is_distributed():
    # vehicles of different kinds sharing one predicate are separate problems (the catalogue
    # dispatches 机动车 and 非机动车 parking to different agencies), unlike other shared things
    assert parse("东高地街道，万源北路与东高地南街交叉口向东约50米，路北，三轮车、电动车乱停。").problems == (
        "三轮车乱停", "电动车乱停")


def test_numbered_problems_after_a_colon():
    loc = parse("●5月7日,大风蓝色预警期间检查发现,王佐镇魏各庄FT00-0503-0087、0088、0092地块(1#住宅楼等19项):"
                "1.未按大风蓝色预警要求停止土石方作业;2.“门前三包”不到位,道路浮土积尘严重。")
    assert loc.subdistrict == "王佐镇"
    assert loc.problems == ("未按大风蓝色预警要求停止土石方作业", "门前三包”不到位", "道路浮土积尘严重")


def test_administrative_tail_is_not_a_problem_but_names_the_subdistrict():
    loc = parse("1.芙蓉街(交通大道—七一路)路两侧占道经营多,乱堆杂物,责任辖区及责任人:川汇区荷花办事处(任艳阳)。")
    assert loc.subdistrict == "荷花办事处"
    assert loc.problems == ("占道经营多", "乱堆杂物")


def test_two_event_names_written_together_are_split():
    loc = parse("沙金大道由西向东与宾港路交叉口,西南则向西约50米处机动车道边上有道路遗撒积存沙石。")
    assert loc.problems == ("道路遗撒", "积存沙石")
    assert any("则" in w.message for w in loc.warnings)


# -- punctuation, errors ------------------------------------------------------------
def test_full_width_and_ascii_punctuation_read_alike():
    full = parse("西罗园街道，马家堡东路与革新南路交叉路口向东120米，积存垃圾。").to_dict()
    ascii_ = parse("西罗园街道,马家堡东路与革新南路交叉路口向东120米,积存垃圾.").to_dict()
    for key in ("subdistrict", "road_a", "road_b", "direction", "distance_m", "problems"):
        assert full[key] == ascii_[key]


@pytest.mark.parametrize("text", ["", "   ", "abc", "。。。", "\x00\x01"])
def test_unreadable_text_is_an_error_not_an_exception(text):
    loc = parse(text)
    assert not loc.ok
    assert loc.errors[0].span.start == 0 and loc.errors[0].message


def test_problem_without_place_is_an_error_with_what_was_read():
    loc = parse("积存垃圾")
    assert loc.problems == ("积存垃圾",)
    assert "location" in loc.errors[0].message


def test_place_without_problem_is_a_warning():
    loc = parse("马家堡东路与革新南路交叉路口向东120米")
    assert loc.ok and loc.warnings and loc.direction == "东"


def test_to_dict_has_the_label_field_names_and_is_json():
    import json

    d = parse(SEED[1]).to_dict()
    for key in ("subdistrict", "road_a", "road_b", "anchor_kind", "anchor_relation", "direction",
                "distance_m", "corner", "road", "side_road", "side", "address", "segment",
                "landmarks", "problems", "spans", "warnings", "errors", "approximate"):
        assert key in d
    json.dumps(d, ensure_ascii=False)
    assert d["spans"]["road_a"] == [SEED[1].index("马家堡东路"), SEED[1].index("马家堡东路") + 5]


@pytest.mark.parametrize(
    "module_name",
    ["types", "text", "lexicon", "problems", "constructs", "parse", "baseline", "evaluate"],
)
def test_docstring_examples_run(module_name):
    import doctest
    import importlib

    module = importlib.import_module(f"geodata.location.{module_name}")
    assert doctest.testmod(module).failed == 0
