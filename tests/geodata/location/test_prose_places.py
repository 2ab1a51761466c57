"""Places told in news prose and complaint summaries: rules read on wording of their own.

Each rule is tried on a sentence written for the test, and on a near miss that must not
trigger it.
"""

import pytest

from geodata.location.parse import parse


def _d(text: str) -> dict:
    return parse(text).to_dict()


# -- a spot on one road near where another meets it ----------------------------------
@pytest.mark.parametrize("text, a, b, side", [
    ("有居民反映,长江路靠近黄河路处的东侧人行道上堆着建材。", "长江路", "黄河路", "东侧"),
    ("记者看到,光华街近新民路处有一堆生活垃圾。", "光华街", "新民路", None),
    ("据介绍,迎春路靠近花园路的位置有大量渣土。", "迎春路", "花园路", None),
])
def test_a_spot_near_another_road_is_at_their_junction(text, a, b, side):
    d = _d(text)
    assert d["anchor_kind"] == "intersection"
    assert {d["road_a"], d["road_b"]} == {a, b}
    assert d["side"] == side and d["direction"] is None


def test_near_a_site_is_no_junction():
    d = _d("长江路靠近人民医院处有一堆垃圾。")
    assert d["anchor_kind"] != "intersection" and d["road_b"] is None


# -- turning from one road into another ----------------------------------------------
def test_turning_into_a_road_places_the_spot_from_their_junction():
    d = _d("记者从建设路向北进入幸福巷约30米,路边堆满杂物。")
    assert (d["anchor_kind"], d["road_a"], d["road_b"], d["direction"], d["distance_m"]) == (
        "intersection", "建设路", "幸福巷", "北", 30)
    d = _d("笔者自长安街进入小井胡同10余米,看到一堆垃圾。")
    assert (d["road_a"], d["road_b"], d["distance_m"]) == ("长安街", "小井胡同", 10)


def test_walking_along_one_road_names_no_junction():
    d = _d("记者沿建设路向北走,路边堆满杂物。")
    assert d["road_b"] is None


# -- a walk past a junction before its first road -------------------------------------
def test_a_walk_past_the_junction_is_no_part_of_the_first_road():
    d = _d("他说,他在经过文化路和长青街交叉口时看到有人倾倒垃圾。")
    assert (d["anchor_kind"], d["road_a"], d["road_b"]) == ("intersection", "文化路", "长青街")


# -- the mouth of the lane into a village ------------------------------------------------
def test_a_villages_junction_is_a_landmark():
    d = _d("在张家庄村路口,路边堆着大量建筑垃圾。")
    assert d["anchor_kind"] == "landmark" and d["landmarks"][0]["name"] == "张家庄村路口"
    assert d["road"] is None


def test_a_village_named_road_after_a_subdistrict_stays_a_road():
    # Beijing has roads named after villages: 东头村路口 there is the road's junction
    for text in ("东头村路口，积存垃圾。", "东铁匠营街道，宋家庄村路口，积存垃圾。"):
        d = _d(text)
        assert d["road"].endswith("村路") and d["anchor_kind"] == "road_only", text
    d = _d("某某镇王庄村路口,堆放着废弃轮胎。")
    assert d["road"] is None and d["landmarks"][0]["name"] == "王庄村路口"


def test_a_street_named_new_village_keeps_its_junction():
    d = _d("新村路口有大量垃圾。")
    assert d["anchor_kind"] != "landmark" or d["landmarks"][0]["name"] != "新村路口"


# -- 在 and a bare site filling its clause; a site's gate ---------------------------------
@pytest.mark.parametrize("text, name", [
    ("在锦绣家园小区,楼道里堆着不少杂物。", "锦绣家园小区"),
    ("在滨江花园三区南门,垃圾桶满溢无人清理。", "滨江花园三区南门"),
])
def test_a_site_after_at_filling_its_clause_is_the_place(text, name):
    d = _d(text)
    assert d["anchor_kind"] == "landmark" and d["landmarks"][0]["name"] == name


def test_a_gate_inside_a_sentence_is_no_site():
    d = _d("北门口的垃圾无人清理。")
    assert not d["landmarks"] or d["landmarks"][0]["name"] != "北门口"


# -- a landmark's side before the comma, a possessive after it --------------------------
def test_the_side_of_the_landmark_before_the_comma_gives_the_direction():
    d = _d("在长途客运站北侧,醒目的宣传栏已经破损。")
    assert (d["anchor_kind"], d["direction"]) == ("landmark", "北")


def test_a_landmark_without_side_gives_no_direction():
    d = _d("在长途客运站,醒目的宣传栏已经破损。")
    assert d["direction"] is None


# -- areas: a community's own office, a city before a town, an office that acted ---------
def test_a_communitys_own_office_is_a_place_not_the_area():
    d = _d("青松社区党群服务中心门前乱停车。")
    assert d["subdistrict"] is None
    assert _d("青松社区,门前乱停车。")["subdistrict"] == "青松社区"


def test_the_city_before_a_town_is_no_part_of_its_name():
    assert _d("昆山市周庄镇多条道路路灯不亮。")["subdistrict"] == "周庄镇"


def test_an_office_that_acted_is_no_area():
    d = _d("市民反映某小区油烟扰民,经城关街道现场查看,已责令整改。")
    assert d["subdistrict"] != "经城关街道"
    assert d["subdistrict"] is None


# -- one end of a road and its side -------------------------------------------------------
def test_the_end_of_a_road_and_its_side():
    d = _d("建新街西头路南有一堆垃圾。")
    assert (d["anchor_kind"], d["road"], d["side"], d["road_b"]) == ("road_only", "建新街", "南侧", None)


def test_a_road_with_its_side_directly_is_unchanged():
    d = _d("建新街路南有一堆垃圾。")
    assert (d["road"], d["side"]) == ("建新街", "南侧")


# -- a side opening the line before the way it is a side of ------------------------------
def test_a_side_of_an_unnamed_way_opening_the_line():
    d = _d("南侧人行道上,摆满了卖水果的摊位。")
    assert (d["side"], d["anchor_kind"]) == ("南侧", "other")


def test_a_side_of_a_green_belt_is_no_way_side():
    assert _d("东侧绿化带内有垃圾。")["side"] is None


# -- the junction referred to in the next clause with its side ---------------------------
def test_the_junction_referred_to_with_its_side_gives_the_direction():
    d = _d("记者在青年路与和平街交叉口看到,该处东侧堆满垃圾。")
    assert (d["anchor_kind"], d["direction"]) == ("intersection", "东")
    d = _d("记者在青年路与和平街交叉口看到,东侧一家商店堆满垃圾。")
    assert d["direction"] is None


# -- words of a clause read into a road name ---------------------------------------------
@pytest.mark.parametrize("text", [
    "在新华商贸城,纸箱被随意丢弃在路边。",
    "随后,记者来到阳光花园小区,看到车辆停在门口,使道路十分拥挤。",
])
def test_a_clause_is_no_road_name(text):
    d = _d(text)
    assert d["anchor_kind"] == "landmark" and d["road"] is None


def test_that_road_referred_to_is_still_read():
    d = _d("解放路:该道路与中山街交叉口附近有垃圾")
    assert (d["anchor_kind"], d["road_a"], d["road_b"]) == ("intersection", "解放路", "中山街")


# -- a stretch named by a landmark and its gate ------------------------------------------
def test_a_stretch_by_a_sites_gate_is_placed_by_the_site():
    d = _d("幸福路第一中学门前路段早餐摊占道经营")
    assert d["anchor_kind"] == "landmark" and d["landmarks"][0]["name"] == "第一中学"


def test_a_stretch_by_a_site_alone_stays_on_the_road():
    assert _d("翠湖路凤凰城段快车道有积尘")["anchor_kind"] == "road_only"


# -- a building's number after its road ---------------------------------------------------
def test_a_buildings_number_after_its_road_is_an_address():
    d = _d("胜利路东段12号楼顶层漏水。")
    assert d["anchor_kind"] == "landmark" and d["address"] == "胜利路东段12号楼"


def test_a_count_of_floors_is_no_address():
    assert _d("胜利路12层楼顶漏水。")["address"] is None


# -- a distance a little over a round number ---------------------------------------------
def test_a_distance_with_yu_is_read():
    assert _d("和平饭店南侧30余米处有一堆垃圾")["distance_m"] == 30


# -- a reporter's visit, then where on it the spot is ------------------------------------
@pytest.mark.parametrize("text, direction", [
    ("记者来到幸福里小区,发现3号楼北侧有一堆建筑垃圾。", "北"),
    ("记者来到了人民路和光明街交口,居民所说的垃圾堆就位于新华书店东侧。", "东"),
    ("记者在花园新村看到,这片空地位于小区的东南面,紧挨着围墙。", "东南"),
])
def test_the_spot_after_a_reporters_visit_gives_landmark_and_direction(text, direction):
    d = _d(text)
    assert (d["anchor_kind"], d["direction"]) == ("landmark", direction)


def test_a_roads_side_after_a_visit_keeps_the_junction():
    d = _d("记者来到人民路光明街路口,看到人民路西侧的人行道上堆着垃圾。")
    assert d["anchor_kind"] == "intersection" and d["direction"] is None


def test_without_a_visit_a_later_side_is_no_refinement():
    d = _d("市民反映人民路与光明街交叉口,新华书店东侧有垃圾。")
    assert d["anchor_kind"] == "intersection"


# -- how far the spot is from a place named in the prose ---------------------------------
@pytest.mark.parametrize("text, metres", [
    ("垃圾堆距小学校门也就30米左右,气味难闻。", 30),
    ("记者沿河堤路走,在距污水处理厂80米远的路边看到一堆垃圾。", 80),
])
def test_a_distance_from_a_place_in_the_prose(text, metres):
    assert _d(text)["distance_m"] == metres


def test_a_length_in_kilometres_from_a_place_is_no_distance():
    assert _d("这条路距离火车站2公里,路面破损严重。")["distance_m"] is None


# -- two roads meeting, and a heading from their meeting ---------------------------------
def test_the_roads_meeting_and_a_heading_is_their_junction():
    d = _d("这所学校位于建设街与和谐路交汇以北的坡地上。")
    assert (d["anchor_kind"], d["road_a"], d["road_b"], d["direction"]) == ("intersection", "建设街", "和谐路", "北")


# -- a large city's name before a street's -----------------------------------------------
def test_a_citys_name_before_a_junctions_first_road_is_dropped():
    d = _d("地点:南京银桂路与玉兰路交叉口")
    assert (d["road_a"], d["road_b"]) == ("银桂路", "玉兰路")


def test_a_street_named_after_a_city_keeps_its_name():
    d = _d("福州路与江西中路交叉口有垃圾")
    assert (d["road_a"], d["road_b"]) == ("福州路", "江西中路")
    d = _d("南京西路与石门一路交叉口有垃圾")
    assert d["road_a"] == "南京西路"


@pytest.mark.parametrize("text, road_a", [
    ("西城区西安门大街与西什库大街交叉口，机动车乱停。", "西安门大街"),
    ("北京站东街与北京站西街交叉口，积存垃圾。", "北京站东街"),
    ("上海市场步行街与中山路交叉口有垃圾", "上海市场步行街"),
    ("北京大学东路与成府路交叉口,积存垃圾", "北京大学东路"),
    ("杭州湾大道与滨海路交叉口,垃圾成堆", "杭州湾大道"),
])
def test_a_city_name_that_goes_on_a_streets_own_name_is_kept(text, road_a):
    assert _d(text)["road_a"] == road_a


def test_a_city_name_that_goes_on_an_areas_own_name_is_kept():
    assert _d("北京站街道，毛家湾胡同，积存垃圾。")["subdistrict"] == "北京站街道"


def test_a_second_road_near_the_first_has_three_characters_or_more():
    # 近园路 is a name: no junction of 上海路 with a 园路
    d = _d("上海路近园路处，积存垃圾。")
    assert d["road_b"] != "园路"


def test_a_height_or_a_clearance_is_no_offset():
    for text in ("东铁匠营街道，横七条北侧，树枝距离地面不足3米，影响通行。",
                 "东铁匠营街道，成寿寺路，电线距地面2米，存在隐患。",
                 "横七条路边广告牌距地面约5米，摇摇欲坠。"):
        assert _d(text)["distance_m"] is None, text
    assert _d("记者在东湖路看到,垃圾堆距小学校门也就30米。")["distance_m"] == 30


def test_a_verb_after_a_visit_is_no_landmark():
    d = _d("记者来到蒲黄榆路与横七条交叉口，看到东侧有垃圾。")
    assert d["anchor_kind"] == "intersection" and not [lm for lm in d["landmarks"] if lm["name"] == "看到"]


def test_a_citys_name_before_a_subdistrict_is_dropped():
    assert _d("广州清湖街道的建设路旁堆满垃圾。")["subdistrict"] == "清湖街道"


# -- a waste station after its road and a possessive -------------------------------------
def test_a_roads_waste_station_is_a_landmark():
    d = _d("下城区长庆路的垃圾中转站边上,堆着几辆报废的三轮车。")
    assert (d["anchor_kind"], d["landmarks"][0]["name"], d["landmarks"][0]["relation"]) == (
        "landmark", "垃圾中转站", "near")


def test_rubbish_after_a_roads_possessive_is_no_site():
    assert _d("长庆路的垃圾无人清理。")["anchor_kind"] == "road_only"


# -- the sides of a village road -----------------------------------------------------------
def test_the_sides_of_a_village_road():
    assert _d("李家村通村路两旁杂草丛生。")["side"] == "两侧"


# -- a quarter of a landmark ending its clause ---------------------------------------------
def test_a_landmarks_quarter_ending_its_clause_gives_the_direction():
    d = _d("体育馆正北方,几个摊贩占道经营。")
    assert (d["anchor_kind"], d["direction"]) == ("landmark", "北")


def test_a_quarter_inside_a_name_is_no_direction():
    assert _d("东方商厦门前堆满杂物。")["direction"] is None


# -- places named inside the problem's words are not part of the place's chain -------------
def test_names_in_the_problem_do_not_undo_the_landmarks_side():
    d = _d("体育馆南侧,烧烤、麻辣烫摊位占道经营。")
    assert (d["anchor_kind"], d["direction"]) == ("landmark", "南")


# -- 隔壁 (next door) is a relation to a landmark -------------------------------------------
def test_next_door_to_a_landmark():
    d = _d("在新华书店隔壁有一块空地,堆满了建筑垃圾。")
    assert (d["anchor_kind"], d["landmarks"][0]["name"], d["landmarks"][0]["relation"]) == (
        "landmark", "新华书店", "near")
