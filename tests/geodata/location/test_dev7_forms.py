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
