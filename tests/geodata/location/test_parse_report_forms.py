"""Forms of complaint reports and other cities' lists the parser reads (rules written from
the second labelled set's dev lines; each test uses names of its own, so that it checks the
form, not a memorised line)."""
from __future__ import annotations

import pytest

from geodata.location.parse import parse


def _d(text: str) -> dict:
    return parse(text).to_dict()


def test_a_caption_or_a_time_span_before_the_place_is_skipped():
    d = _d("图为6月2日,东风路与建设街交叉口附近有占道经营。")
    assert (d["road_a"], d["road_b"], d["anchor_kind"]) == ("东风路", "建设街", "intersection")
    d = _d("市民王女士反映:春节期间,北关大街路边的垃圾桶满溢,一直没人管。")
    assert d["road"] == "北关大街"


def test_an_opening_quote_does_not_hide_the_place():
    d = _d("“光明路与团结路交叉口西南角空地上垃圾遍地。”")
    assert (d["road_a"], d["road_b"], d["direction"]) == ("光明路", "团结路", "西南")


@pytest.mark.parametrize("text, road", [
    ("7月3日,记者来到幸福街西侧,看到一片垃圾。", "幸福街"),
    ("记者调查发现,点位位于和平路一家饭店附近。", "和平路"),
])
def test_report_words_glued_to_the_road_are_not_part_of_its_name(text, road):
    assert _d(text)["road"] == road


def test_a_district_glued_to_its_road_is_the_district():
    d = _d("下城区朝晖路的垃圾中转站边上停着几辆车")
    assert (d["district"], d["road"]) == ("下城区", "朝晖路")
    assert _d("老城区东大街垃圾堆放")["district"] is None  # the old town is no district


def test_two_roads_back_to_back_name_their_junction():
    d = _d("位于纬五路农业路路西的小商贩越来越多")
    assert (d["road_a"], d["road_b"], d["anchor_kind"], d["side"]) == ("纬五路", "农业路", "intersection", "西侧")
    d = _d("【长寿路新会路】")
    assert (d["road_a"], d["road_b"]) == ("长寿路", "新会路")
    # a service road is part of its road's name, not a second road
    d = _d("北三环东路辅路北侧，积存垃圾")
    assert (d["road_a"], d["side_road"], d["side"]) == (None, "北三环东路辅路", "北侧")


def test_a_heading_with_its_distance():
    d = _d("在人民路与解放路交会处南行50米左右的人行道上见到了垃圾")
    assert (d["direction"], d["distance_m"]) == ("南", 50)


def test_a_corner_of_the_junction_after_its_road_word():
    d = _d("2、东环路与北环线十字路口路西北建筑工地围挡破损。")
    assert (d["direction"], d["side"]) == ("西北", None)


@pytest.mark.parametrize("text, side", [
    ("4、辛店镇桃源线沿线两侧排水沟有多处垃圾。", "两侧"),
    ("水厂西路两边有乱倒建筑垃圾。", "两边"),
    ("金山路道路中段北侧山坡上有菜地", "北侧"),
])
def test_both_sides_and_a_side_after_the_road(text, side):
    assert _d(text)["side"] == side


@pytest.mark.parametrize("text", [
    "汉江路整条路的路灯很久没有亮了",
    "长安街周边的枯草丛中出现了大量的生活垃圾",
    "在建国路两侧,暗访组也发现了类似的垃圾堆",
    "东风路一家饭店附近的几个垃圾桶影响周边环境卫生",
    "南京路某餐馆私自将店铺门口的人行道设置围挡",
    "纺织路中原路至建设路口段,沿街绿化带内有杂物",
])
def test_words_that_are_no_place_do_not_make_a_landmark_the_anchor(text):
    assert _d(text)["anchor_kind"] == "road_only"


@pytest.mark.parametrize("text, road", [
    ("三、长江路(黄河路至淮河路)路面破损", "长江路"),
    ("5建设二路信息宣传栏杂乱,老旧内容未及时清理", "建设二路"),
    ("1. 3.人民大道(八一路—五一路)环境卫生差,摊点管理不规范", "人民大道"),
])
def test_list_numbers_of_every_kind_are_skipped(text, road):
    assert _d(text)["road"] == road


def test_a_house_number_at_the_start_is_no_list_number():
    d = _d("5号楼前垃圾")
    assert d["landmarks"][0]["name"] == "5号楼"


def test_communities():
    d = _d("市民反映:开州区汉丰街道南门社区滨湖路附近人行道上,放置广告牌")
    assert (d["subdistrict"], d["road"]) == ("汉丰街道", "滨湖路")
    assert _d("竹林社区棉花公司院内杂物乱堆乱放")["subdistrict"] == "竹林社区"


def test_table_rows_read_the_area_of_the_location_cell_and_a_name_only_cell():
    d = _d("3. | 某某研发项目 | 马坡镇顺安大街 | 砂土未覆盖 |")
    assert (d["subdistrict"], d["road"]) == ("马坡镇", "顺安大街")
    d = _d("4. | 老张特色兰州拉面馆 | 使用木炭烧烤,废气直排 | 责令停止违法行为 |")
    assert d["anchor_kind"] == "landmark"
    assert "老张特色兰州拉面馆" in [lm["name"] for lm in d["landmarks"]]


def test_a_place_before_a_colon():
    d = _d("西城区大耳胡同:建筑垃圾一堆一年多")
    assert (d["district"], d["road"], d["anchor_kind"]) == ("西城区", "大耳胡同", "road_only")
    d = _d("锦绣花园:专项垃圾暂存点杂乱")
    assert d["anchor_kind"] == "landmark" and d["landmarks"][0]["name"] == "锦绣花园"


def test_the_surface_of_a_way_is_no_road():
    assert _d("天通苑镇施工工地路面积尘较多")["road"] is None


def test_where_the_caller_lives_gives_the_area_not_the_place():
    d = _d("家住虹口区四平路的市民向本报反映,位于四平路88号附近的人行道上,经常乱堆垃圾")
    assert (d["district"], d["address"], d["anchor_kind"]) == ("虹口区", "四平路88号", "landmark")


def test_a_site_right_after_its_road_ending_the_clause():
    d = _d("迎宾路阳光新城入口处,路面积水")
    assert d["anchor_kind"] == "landmark" and d["landmarks"][0]["name"] == "阳光新城入口"


def test_a_waste_station_is_a_place_despite_its_name():
    d = _d("红星垃圾站前种菜,旁边杂草丛生")
    assert d["anchor_kind"] == "landmark" and d["landmarks"][0]["name"] == "红星垃圾站"


def test_an_area_called_diqu_is_a_subdistrict_not_a_district():
    d = _d("检查发现,南苑地区槐房路8号有垃圾堆放")
    assert (d["district"], d["subdistrict"]) == (None, "南苑地区")


@pytest.mark.parametrize("text, subdistrict", [
    ("问题2、宝安区凤凰社区塘尾村整个村脏乱差。", "凤凰社区"),
    ("民主路社区棉花公司院内杂物乱堆乱放", "民主路社区"),
    ("市民反映:解放路中段某社区卫生服务中心大门附近井盖缺失", None),
    ("坐标人民路以东,光明社区和原纺织厂宿舍之间有一条小路", None),
])
def test_communities_named_after_roads_and_what_is_no_community(text, subdistrict):
    assert _d(text)["subdistrict"] == subdistrict


def test_a_place_found_by_its_offset_from_a_landmark():
    d = _d("红星小学东50米的菜市场门口有垃圾")
    assert (d["anchor_kind"], d["direction"], d["distance_m"]) == ("landmark", "东", 50)


@pytest.mark.parametrize("text, address, district, direction", [
    ("拍摄地点:朝阳区望京西路12号院东侧围墙外", "望京西路12号院", "朝阳区", "东"),
    ("在武汉市江岸区三阳村8号院小区入口处,堆积了垃圾", "三阳村8号院", "江岸区", None),
    ("称郑州市金水区文化路三号院门口垃圾成堆", "文化路三号院", "金水区", None),
])
def test_a_compounds_number_is_its_address(text, address, district, direction):
    d = _d(text)
    assert (d["address"], d["district"], d["direction"]) == (address, district, direction)


def test_an_estate_or_a_village_named_first_is_the_place_unless_a_site_ends_the_name():
    d = _d("问题2、宝安区西乡街道碧海花园物业拆迁,把水管拆坏了。")
    assert [lm["name"] for lm in d["landmarks"]][:1] == ["碧海花园"]
    d = _d("位于丰台区张仪路的王庄村回迁房三期工地正在进行土石方作业")
    assert "王庄村回迁房三期工地" in [lm["name"] for lm in d["landmarks"]]


def test_where_the_caller_lives_after_a_byline():
    d = _d("晚报讯(记者 王明)最近,家住虹口区四平路的市民向本报反映,位于四平路88号附近的人行道上经常乱堆垃圾")
    assert (d["district"], d["address"]) == ("虹口区", "四平路88号")


def test_shops_listed_before_one_relation_word():
    d = _d("老王面馆、小李烟酒店门口堆放杂物")
    assert d["anchor_kind"] == "landmark"
    assert [(lm["name"], lm["relation"]) for lm in d["landmarks"]] == [("老王面馆", "front"), ("小李烟酒店", "front")]


@pytest.mark.parametrize("text, side", [
    ("图一:21日下午5时,南大街上水果摊、小吃摊等占据在马路两侧经营。", "两侧"),
    ("在中山街附近,记者发现街路两侧的商家随意倾倒垃圾现象很严重。", "两侧"),
    ("复兴路上有一家幼儿园,两侧人行道非常狭窄", "两侧"),
    ("枞阳县银河路管理不到位,道路中段南侧山坡上有菜地", "南侧"),
    ("长江路上新城小区北侧有垃圾", None),  # the compound's side, not the road's
])
def test_the_ways_side_told_in_the_problems_words(text, side):
    assert _d(text)["side"] == side


@pytest.mark.parametrize("text, road, segment", [
    ("南湖东路海棠湾至阳光花园路段,人行道没有地砖", "南湖东路", {"road": "南湖东路", "from": "海棠湾", "to": "阳光花园"}),
    ("纺织南路中原路至建设路口段,沿街绿化带内有杂物", "纺织南路", {"road": "纺织南路", "from": "中原路", "to": "建设路"}),
    ("市民途经北中环街长治路到学府路路段时,发现井盖移位", "北中环街",
     {"road": "北中环街", "from": "长治路", "to": "学府路"}),
    ("由于施工,红旗路到王庄镇路段的污水排不出来", None, {"road": None, "from": "红旗路", "to": "王庄镇"}),
    ("长江大道路口至金桥宾馆段有大片污迹。", None, {"road": None, "from": "长江大道", "to": "金桥宾馆"}),
])
def test_a_stretch_without_brackets(text, road, segment):
    d = _d(text)
    assert (d["road"], d["segment"], d["anchor_kind"]) == (road, segment, "road_only")
