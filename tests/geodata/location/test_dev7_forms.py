"""Forms met in the seventh set (fixtures/locations_dev7.jsonl, a dev set from the start):
quarters of a village, a bank of a river, a walker's heading, junction words and ways that are
no names. Each rule on a sentence written for the test, with a near miss."""

import pytest

from geodata.location.parse import parse


def _d(text: str) -> dict:
    return parse(text).to_dict()


@pytest.mark.parametrize("text, name, direction", [
    ("检查发现,张家二村村委西路边有生活垃圾。", "张家二村村委", "西"),
    ("李庄村村西北有生活垃圾。", "李庄村", "西北"),
    ("大王一村村东沟渠内随意倾倒垃圾", "大王一村", "东"),
])
def test_a_quarter_of_a_village(text, name, direction):
    d = _d(text)
    assert (d["anchor_kind"], d["landmarks"][0]["name"], d["direction"]) == ("landmark", name, direction)


def test_a_road_named_after_a_village_stays_a_road():
    d = _d("王村东路与和平路交叉口,垃圾")
    assert (d["road_a"], d["road_b"]) == ("王村东路", "和平路")


def test_a_bank_of_a_river_and_a_walker_s_heading():
    d = _d("记者在东门渡口浮桥西岸看到,许多商贩在摆地摊。")
    assert (d["landmarks"][0]["name"], d["direction"]) == ("东门渡口浮桥", "西")
    d = _d("记者从阳光小区正门往南走200米,看到垃圾成堆")
    assert (d["landmarks"][0]["name"], d["direction"], d["distance_m"]) == ("阳光小区正门", "南", 200)
    assert _d("两岸尤其西岸堆放了废土砖瓦")["landmarks"] == []


def test_junction_and_travel_words():
    d = _d("记者在光华大道与西河路交接路口处看到,井盖破损。")
    assert (d["road_a"], d["road_b"]) == ("光华大道", "西河路")
    d = _d("漏水点位于团结街从北向南的机动车道上,水流上涌")
    assert (d["road"], d["direction"]) == ("团结街", None)


def test_ways_described_are_no_names():
    d = _d("在双河线拐往大王村的路口,两堆垃圾山占据了车道")
    assert d["road_b"] is None and d["road_a"] is None
    assert _d("福马路与埠兴路交叉口,洞口被垃圾占领")["road_a"] == "福马路"
    assert _d("阳光花苑中汇路大门口马路 污水横流")["road_b"] is None


@pytest.mark.parametrize("text, subdistrict", [
    ("在福绵区石和镇某某门业门前,督查发现水沟边上有垃圾焚烧的痕迹", "石和镇"),
    ("督察组近日来到五河县申集镇南乔村暗访发现,该村卫生环境差。", "申集镇"),
    ("记者在襄城区卧龙镇新建村的一条村道上发现,数座垃圾堆", "卧龙镇"),
])
def test_the_area_named_before_the_words_of_finding(text, subdistrict):
    assert _d(text)["subdistrict"] == subdistrict


def test_a_way_toward_a_town_names_no_area_or_road():
    d = _d("在县城往浪平镇方向路口,发现群众在路边占道摆摊")
    assert d["subdistrict"] is None and d["road"] != "县城往浪平镇方向路"


# -- near misses found by a review of the rules above ------------------------------------
@pytest.mark.parametrize("text, name, relation, direction, distance", [
    ("幸福新村东门外，堆放垃圾", "幸福新村东门", "outside", None, None),
    ("张庄村东约200米处,垃圾", "张庄村", "offset", "东", 200),
    ("张庄村东南角,垃圾", "张庄村", "corner", "东南", None),
])
def test_a_village_s_gate_offset_or_corner_is_no_quarter(text, name, relation, direction, distance):
    lm = _d(text)["landmarks"][0]
    assert (lm["name"], lm["relation"], lm["direction"], lm["distance_m"]) == (name, relation, direction, distance)


def test_a_quarter_keeps_what_lies_in_it():
    names = [lm["name"] for lm in _d("王庄村东面的沟渠内有垃圾")["landmarks"]]
    assert names[0] == "王庄村" and "沟渠" in names


@pytest.mark.parametrize("text, key, value", [
    ("向阳街道人民路北侧，暴露垃圾", "subdistrict", "向阳街道"),
    ("沿着人民路北侧，堆放垃圾", "road", "人民路"),
    ("张庄村委西路与建设路交叉口,垃圾", "road_a", "张庄村委西路"),
    ("往来街与解放路交叉口,垃圾", "road_a", "往来街"),
    ("即墨古城南门,垃圾", "landmark", "即墨古城南门"),
    ("近江家园东区门口,垃圾", "landmark", "近江家园东区"),
    ("记者从人民路与解放路交叉口向东走约50米,垃圾", "road_a", "人民路"),
])
def test_names_with_the_words_the_rules_watch_for(text, key, value):
    d = _d(text)
    assert (d["landmarks"][0]["name"] if key == "landmark" else d[key]) == value


def test_a_walk_from_one_heading_to_another_with_a_distance_is_an_offset():
    d = _d("人民路与解放路交叉口从北向南约100米,垃圾")
    assert (d["direction"], d["distance_m"]) == ("南", 100)
    assert _d("漏水点位于团结街从北向南的机动车道上,水流上涌")["direction"] is None


def test_a_preamble_naming_a_start_or_two_districts_names_no_area():
    assert _d("督查组从朝阳区来广营乡出发，在海淀区检查发现，学院路北侧积存垃圾")["subdistrict"] is None
    assert _d("在樊城区牛首镇至太平店镇沿线检查发现,路边垃圾较多")["subdistrict"] is None
