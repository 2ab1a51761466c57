"""Forms of complaint reports and other cities' lists the parser reads (rules written from
the second labelled set's dev lines; each test uses names of its own, so that it checks the
form, not a memorised line)."""
from __future__ import annotations

import pytest

from geodata.location.parse import parse, parse_rules


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
    ("水厂西路两边有乱倒建筑垃圾。", "两侧"),  # 两边/两旁 are labelled 两侧
    ("长庆路两旁堆满了杂物", "两侧"),
    ("2.枫林路东西两侧:人行道上电动车乱停放。", "两侧"),
    ("桂香路靠南侧的人行道上,散落着碎石", "南侧"),
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


@pytest.mark.parametrize("text, side, side_road", [
    # a side after a way word, whatever the anchor; of no named road unless the road is the anchor
    ("新华路与团结路交叉口西一公里处,道路两侧路灯已损坏多日。", "两侧", None),
    ("记者在青年路88号看到,但道路两侧停放着不少货车。", "两侧", None),
    ("道路两侧都被水果摊占据,只有半幅路面可以通行。", "两侧", None),
    ("上午,在和平路东三巷,建筑垃圾倾倒在道路一侧。", "一侧", "和平路东三巷"),
    # a clause that opens with the road's side
    ("光明二路(车站至新村段)交通繁忙,路两边至今没有路灯。", "两侧", "光明二路"),
])
def test_a_side_after_a_way_word_in_the_problems_words(text, side, side_road):
    d = _d(text)
    assert (d["side"], d["side_road"]) == (side, side_road)


@pytest.mark.parametrize("text, subdistrict", [
    ("在柳河镇大王村,路边全是卖西瓜的摊贩", "柳河镇"),  # 在 before the town
    ("白水县石桥镇东村院内堆放大量废旧电池", "石桥镇"),  # the county is the district
    ("清河镇政府旁的河道内,垃圾乱堆乱放", None),  # the town's government building
    ("东关街道两旁垃圾较多", None),  # 街道 = the street
    ("在文化路社区段河岸边总能闻到臭味", None),  # a reach of a river by a community
    ("南岗区和乡路金色家园门前有大量垃圾", None),  # a road named after a town
    ("此处位于解放路与胜利街交口,属于长青办事处辖区内的一块绿地", "长青办事处"),
])
def test_what_is_and_is_not_a_subdistrict(text, subdistrict):
    assert _d(text)["subdistrict"] == subdistrict


def test_a_dash_separates_the_parts_of_an_item():
    d = _d("3、青松大道 - 实验二小东侧 - 路灯杆倾斜")
    assert (d["road"], d["anchor_kind"], d["direction"], d["problems"]) == ("青松大道", "landmark", "东", ["路灯杆倾斜"])
    d = _d("1、锦绣花园 - 乱堆乱放杂物,未设置围挡")
    assert d["problems"] == ["乱堆乱放杂物", "未设置围挡"]
    assert _d("白云路(东段)- 墙面破损")["problems"] == ["墙面破损"]


@pytest.mark.parametrize("text, road_a, road_b", [
    ("市区明德路和长乐街交叉口有个垃圾桶,旁边扔了烂水果", "明德路", "长乐街"),
    ("记者来到了育才路和永安路交口处,看到路面积水", "育才路", "永安路"),
    ("商场周边:靠近平安路与富民路交会处一家浴室门口玻璃碎了一地", "平安路", "富民路"),
    ("位于淮海路靠近长宁路路口,一家饭店正在装修", "淮海路", "长宁路"),
])
def test_words_before_a_junctions_roads_are_trimmed(text, road_a, road_b):
    d = _d(text)
    assert {d["road_a"], d["road_b"]} == {road_a, road_b}


def test_a_road_and_a_place_near_it_are_no_junction():
    d = _d("记者来到长江路附近的幸福巷,巷内停满了私家车")
    assert (d["road_a"], d["road_b"]) == (None, None)


@pytest.mark.parametrize("text, direction", [
    ("银河路金苑小区东区北边,空地有建筑垃圾", "北"),
    ("新华中学大门南面有一片土堆", "南"),
])
def test_a_landmarks_side_written_with_bian_or_mian_is_a_direction(text, direction):
    assert _d(text)["direction"] == direction


def test_the_duty_of_the_shop_front_is_a_problem_not_a_relation():
    d = _d("5.建国路兴隆商行门前三包不到位,有零散垃圾。")
    assert d["problems"] == ["门前三包不到位", "零散垃圾"]
    assert [(lm["name"], lm["relation"]) for lm in d["landmarks"]] == [("兴隆商行", "front")]


@pytest.mark.parametrize("text, name, direction, distance", [
    ("距离公交站北侧仅30多米的地方,堆积着不少垃圾", "公交站", "北", 30),
    ("距离巷口约80米处有一个垃圾箱", "巷口", None, 80),
])
def test_a_distance_measured_from_a_landmark_with_ju_li(text, name, direction, distance):
    d = _d(text)
    assert (d["anchor_kind"], d["direction"], d["distance_m"]) == ("landmark", direction, distance)
    assert d["landmarks"][0]["name"] == name
    assert "地方" not in d["problems"]


def test_the_length_of_a_stretch_is_no_offset():
    d = _d("有读者反映,建设街(东环路到人民路)300米的路段上,洒落着大量渣土。")
    assert (d["road"], d["distance_m"], d["landmarks"]) == ("建设街", None, [])


def test_a_lane_numbered_off_a_road_is_one_name():
    assert _d("上午,在和平路东三巷,建筑垃圾倾倒在道路一侧。")["road"] == "和平路东三巷"


def test_a_lane_of_the_carriageway_is_no_road():
    d = _d("道路两侧都被摊位占据,双车道的路面只剩半幅可以通行。")
    assert (d["road"], d["side"]) == (None, "两侧")


@pytest.mark.parametrize("text, road_a, road_b", [
    ("6.长江路(黄河路路口处)路面有果皮。", "长江路", "黄河路"),  # the junction named in brackets
    ("东风路和新华路交界的十字路口既无红绿灯,又无交警", "东风路", "新华路"),
    ("在朝阳路15号和建国路交叉口上,一堆垃圾堵在路口", "朝阳路", "建国路"),  # the number's road
    ("人民路:该道路与建设街交叉口附近有垃圾", "人民路", "建设街"),  # the road named before
])
def test_more_ways_of_naming_a_junction(text, road_a, road_b):
    d = _d(text)
    assert (d["anchor_kind"], d["road_a"], d["road_b"]) == ("intersection", road_a, road_b)


def test_a_byline_is_no_road():
    d = _d("全媒体记者王小明报道 市民李先生反映,每天晚上,长江路与黄河街交叉口附近流动商贩很多")
    assert (d["road"], d["road_a"], d["road_b"]) == (None, "长江路", "黄河街")


def test_a_place_and_its_side_inside_what_looks_like_a_road_name():
    d = _d("记者在现场看到,农贸市场东侧围墙外一条无名小路两侧一片狼藉,全是垃圾。")
    assert (d["anchor_kind"], d["direction"], d["side"], d["road"]) == ("landmark", "东", "两侧", None)


def test_a_count_of_ways_is_no_road_name():
    d = _d("近期,有市民举报,在沿江北路北侧一条断头路尽头,有人偷倒了大量的建筑垃圾。")
    assert (d["road"], d["side"]) == ("沿江北路", "北侧")


def test_a_small_town_in_a_name_is_no_subdistrict():
    assert _d("昨日下午,记者在星光小镇公交站附近找到垃圾堆放点")["subdistrict"] is None


@pytest.mark.parametrize("text, anchor, direction", [
    ("路口西北侧是一片工地,渣土车进进出出。", "other", "西北"),  # the junction named before
    ("记者来到东风路与和平街交叉口,路口北侧道路中央有电线杆倒伏", "intersection", "北"),
])
def test_the_side_of_a_junction_named_before(text, anchor, direction):
    d = _d(text)
    assert (d["anchor_kind"], d["direction"]) == (anchor, direction)


@pytest.mark.parametrize("text, name, problems", [
    ("西三路马路市场占道经营,且地面垃圾较多", "马路市场", ["占道经营", "垃圾较多"]),
    ("杨柳路水泥加工厂露天作业;", "水泥加工厂", ["露天作业"]),
    ("建设路过街天桥占道经营", "过街天桥", ["占道经营"]),
])
def test_a_site_after_its_road(text, name, problems):
    d = _d(text)
    assert (d["anchor_kind"], d["landmarks"][0]["name"], d["problems"]) == ("landmark", name, problems)


def test_province_city_and_district_run_together_before_the_road():
    d = _d("在湖北武汉江岸区黄浦路东二巷,垃圾堆放在道路一侧。")
    assert (d["road"], d["anchor_kind"], d["road_a"], d["side"]) == ("黄浦路东二巷", "road_only", None, "一侧")


def test_a_village_ending_the_clause_after_its_road_is_the_place():
    d = _d("地点:长乐路石桥村")
    assert (d["district"], d["road"], d["anchor_kind"]) == (None, "长乐路", "landmark")
    assert d["landmarks"][0]["name"] == "石桥村"


def test_a_columns_tag_before_the_text_is_skipped():
    d = _d("【马上核实】鼓楼区与湖滨路交界的白马路靠南侧的人行道上,散落着不少砖块")
    assert (d["road"], d["side"], d["problems"]) == ("白马路", "南侧", ["散落着不少砖块"])


def test_a_landmark_in_the_reporters_clause_gives_way_to_the_place_after_it():
    text = "8月3日,热心的东城人反映称,实验中学斜对面公交站牌玻璃碎了一地!"
    d = _d(text)
    assert d["landmarks"][0]["name"] == "实验中学"
    # the rules quote the broken thing with its owner; the problem tagger, which cuts prose's
    # phrases, leaves 公交站牌 out as a place (one of its known misses)
    assert parse_rules(text).problems == ("公交站牌玻璃碎了一地",)
    assert d["problems"][0].endswith("玻璃碎了一地")


@pytest.mark.parametrize("text", [
    "东方电动车店旁巷道有垃圾杂物堆放;",
    "家住阳光新村小区的王女士来电称,小区附近在修路,小区内道路堆放了不少建筑垃圾",
])
def test_a_place_and_where_by_it_is_no_road_name(text):
    d = _d(text)
    assert d["road"] is None and d["anchor_kind"] == "landmark"


# -- forms from the fourth set (landmark-placed complaints and inspection items) ----------

def test_a_street_named_off_a_road_by_a_compass_word_is_one_road():
    d = _d("5、光华街南街垃圾桶满溢")
    assert (d["road"], d["problems"]) == ("光华街南街", ["垃圾桶满溢"])
    # a side or a junction of the road is no second street
    assert _d("光华街南侧垃圾成堆")["road"] == "光华街"


def test_a_place_then_its_list_label_then_the_problems():
    d = _d("青松花园 存在问题:楼道内堆放杂物;绿地内垃圾未清理。 责任单位:县住建局")
    assert d["anchor_kind"] == "landmark"
    assert d["problems"] == ["堆放杂物", "垃圾未清理"]


def test_a_street_office_among_the_responsible_units_is_the_area():
    d = _d("百花农贸市场 存在问题:地面污水横流。 责任单位:县市场监管局、柳岸街道")
    assert d["subdistrict"] == "柳岸街道"
    d = _d("百花农贸市场 存在问题:地面污水横流。 责任单位:县市场监管局")
    assert d["subdistrict"] is None


def test_an_area_right_after_its_district_in_a_report_is_the_subdistrict():
    d = _d("近日,记者走访江口区青石街道某小区,发现这里乱停乱放现象严重。")
    assert d["subdistrict"] == "青石街道"
    d = _d("上周,一家超市搬进了南山区白沙镇红旗村,门口堆满纸箱。")
    assert d["subdistrict"] == "白沙镇"
    # 街道 followed by 边 is the street itself
    assert _d("市民反映,“在城东区红枫街道边放着几个垃圾箱,臭味难闻。”")["subdistrict"] is None


def test_an_office_with_a_relation_word_after_it_is_a_building_not_the_area():
    assert _d("▲青河街道办事处门口,垃圾桶满溢。")["subdistrict"] is None


def test_a_junction_of_a_road_named_on_another_with_a_possessive():
    d = _d("位于青竹北街的文昌路口的公交站,长期被垃圾桶围堵")
    assert (d["road_a"], d["road_b"], d["anchor_kind"]) == ("青竹北街", "文昌路", "intersection")


def test_a_railway_crossing_is_not_a_junction_of_two_roads():
    d = _d("有市民反映,丰乐路铁道口附近路面积水严重")
    assert (d["road_a"], d["road_b"]) == (None, None)


def test_a_landmark_gate_with_its_junction_in_brackets():
    d = _d("2、市第一医院东门(胜利路与建设街交叉口)每到早上都有摊贩占道经营。")
    assert (d["road_a"], d["road_b"], d["anchor_kind"]) == ("胜利路", "建设街", "intersection")
    assert d["landmarks"][0]["name"] == "市第一医院东门"


def test_at_before_a_landmark_placed_by_its_side_is_not_part_of_its_name():
    d = _d("在长途客运站北侧,几个垃圾桶倒在地上。")
    assert [(lm["name"], lm["direction"]) for lm in d["landmarks"]][:1] == [("长途客运站", "北")]
    assert d["direction"] == "北" or d["landmarks"][0]["relation"] == "side"


def test_a_site_named_before_its_problem_in_an_inspection_item():
    d = _d("4.月亮湾沙滩存在大量生活垃圾。")
    assert (d["anchor_kind"], d["landmarks"][0]["name"]) == ("landmark", "月亮湾沙滩")


def test_a_site_and_li_inside_it():
    d = _d("居民反映,春华小区里的垃圾箱长期满溢。")
    assert (d["anchor_kind"], d["anchor_relation"]) == ("landmark", "inside")
    assert d["landmarks"][0]["name"] == "春华小区"
    # 里 ending a name is not "inside" (北里, 故里)
    d = _d("东湖北里小区内垃圾成堆")
    assert d["landmarks"][0]["name"] == "东湖北里小区"


def test_a_site_placed_by_the_road_before_it():
    d = _d("幸福大道附近的春风小区内污水横流")
    assert (d["road"], d["anchor_kind"], d["anchor_relation"]) == ("幸福大道", "landmark", "inside")
    assert d["landmarks"][0]["name"] == "春风小区"
    d = _d("中山路旁的百货商场门口垃圾成堆")
    assert (d["landmarks"][0]["name"], d["anchor_relation"], d["problems"]) == ("百货商场", "front", ["垃圾成堆"])


@pytest.mark.parametrize("text, name, relation", [
    ("▲青松大酒店后面的污水直排路面。", "青松大酒店", "behind"),
    ("三号楼后方空地上垃圾成堆。", "三号楼", "behind"),
    ("东风路66号围墙外侧垃圾乱堆乱放。", None, "outside"),
])
def test_behind_and_the_outer_side_of_a_place(text, name, relation):
    d = _d(text)
    assert d["anchor_relation"] == relation
    if name:
        assert d["landmarks"][0]["name"] == name
    else:
        assert d["problems"] == ["垃圾乱堆乱放"]


def test_gei_opens_no_road_name():
    d = _d("日前,市民向本报反映,东湖小区3号楼西南角的井盖塌陷,给路人出行带来不便。")
    assert d["road"] is None and d["direction"] == "西南"


def test_a_numbered_ring_road_is_a_road():
    d = _d("在南四环北侧道路上,垃圾成堆。")
    assert (d["road"], d["side"], d["anchor_kind"]) == ("南四环", "北侧", "road_only")
    # 四环中路, 二环路 keep their own suffix
    assert _d("北四环中路南侧垃圾成堆")["road"] == "北四环中路"


def test_a_papers_dateline_names_no_place():
    d = _d("今日柳镇讯 近日,位于人民路旁的华联超市周边垃圾成堆。")
    assert d["subdistrict"] is None
    assert (d["road"], d["landmarks"][0]["name"], d["anchor_relation"]) == ("人民路", "华联超市", "near")


def test_the_sides_of_a_village_way_are_a_side_not_a_landmark():
    d = _d("3、 河口村 河口村进村道路两旁有较多塑料袋、编织袋等垃圾。")
    assert d["side"] == "两侧"
    assert all(not lm["name"].endswith("两") for lm in d["landmarks"])


def test_the_stretch_of_road_by_a_landmark_is_placed_by_the_landmark():
    d = _d("青山西路人民医院对面那段路,每到晚上都是垃圾")
    assert (d["road"], d["anchor_kind"], d["anchor_relation"]) == ("青山西路", "landmark", "opposite")
    assert d["landmarks"][0]["name"] == "人民医院"


def test_a_summary_opening_with_the_report_word():
    d = _d("反映翠苑小区门口垃圾成堆")
    assert (d["anchor_kind"], d["anchor_relation"], d["problems"]) == ("landmark", "front", ["垃圾成堆"])
    assert d["landmarks"][0]["name"] == "翠苑小区"


def test_an_arcade_or_a_club_names_a_site():
    d = _d("南门商城烧烤摊夜间噪音扰民")
    assert (d["anchor_kind"], d["landmarks"][0]["name"]) == ("landmark", "南门商城")
    # a stretch of the road from a site to another place is the road's
    d = _d("建设路地下商城北入口至老街饭店的人行道被摊位占满")
    assert (d["road"], d["anchor_kind"]) == ("建设路", "road_only")


@pytest.mark.parametrize("text, road", [
    ("207国道路边垃圾", "207国道"),
    ("G318国道南侧堆放建筑垃圾", "G318国道"),
])
def test_a_numbered_highway_is_a_road(text, road):
    d = _d(text)
    assert (d["road"], d["anchor_kind"]) == (road, "road_only")
    assert d["problems"] and not d["problems"][0].startswith("路边")


def test_somewhere_on_a_road_and_an_alley_are_no_names():
    d = _d("有市民反映,北新路某处下水道堵塞,污水横流")
    assert (d["road"], d["problems"][0]) == ("北新路", "下水道堵塞")
    d = _d("东湖小学附近的一处巷子路面湿滑")
    assert d["road"] is None and d["problems"][0].endswith("路面湿滑")


def test_a_place_and_chu_opening_an_item():
    d = _d("石门水库大坝处白色垃圾较多")
    assert (d["anchor_kind"], d["landmarks"][0]["name"], d["problems"]) == ("landmark", "石门水库大坝", ["白色垃圾较多"])
    # a count of places is no name
    assert _d("多处路面破损")["anchor_kind"] == "other"


def test_a_heading_site_with_its_list_label_after_white_space():
    d = _d("宏达再生资源回收站 存在问题:废品露天堆放,屋后堆放杂物。 责任单位:县商务局、东湖街道")
    assert (d["anchor_kind"], d["landmarks"][0]["name"], d["subdistrict"]) == ("landmark", "宏达再生资源回收站", "东湖街道")
    assert d["problems"][0] == "废品露天堆放"


def test_a_doubled_dash_separates_a_headlines_place_from_its_problem():
    d = _d("市第二医院门口——摊贩占据人行道")
    assert (d["anchor_relation"], d["problems"]) == ("front", ["摊贩占据人行道"])


def test_words_after_a_district_that_name_no_area():
    assert _d("高新区内一些乡镇垃圾成堆")["subdistrict"] is None
    assert _d("江北区各镇积存垃圾")["subdistrict"] is None
    # names that merely start like those words are areas
    assert _d("东城区和平里街道,和平里东街北侧,积存垃圾")["subdistrict"] == "和平里街道"


def test_a_street_off_a_road_is_not_read_into_the_road_lamps():
    assert _d("中山路东路灯不亮")["road"] != "中山路东路"


def test_words_of_quantity_name_no_site():
    for text in ("部分路段存在坑洼", "个别商户存在占道经营", "该区域处垃圾成堆"):
        assert all(not lm["name"].startswith(("部分", "个别", "该")) for lm in _d(text)["landmarks"])
