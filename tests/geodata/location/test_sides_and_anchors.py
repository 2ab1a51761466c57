"""Forms of writing that place a road's side or decide the anchor's kind.

Every line here is invented for the test (no line of a fixture): each shows one form.
"""

from __future__ import annotations

import pytest

from geodata.location.parse import parse


def _fields(text: str) -> dict:
    d = parse(text).to_dict()
    return {**d, "marks": [m["name"] for m in d["landmarks"]]}


@pytest.mark.parametrize("text, side", [
    # a way and its side opening the line: the side of the way, not a place named 道路北侧…
    ("道路北侧小吃摊的老板告诉记者,污水已经流了好几天。", "北侧"),
    ("马路两旁店铺门前的台阶上堆满了杂物", "两侧"),
])
def test_a_way_and_its_side_opening_the_line_is_no_place(text, side):
    got = _fields(text)
    assert got["side"] == side and got["side_road"] is None
    assert not any(name.startswith(("道路", "马路")) for name in got["marks"])


def test_a_source_of_the_report_is_no_place():
    # 据…调查了解, names who found it out; the road's side follows the comma
    got = _fields("据区城管办工作人员调查了解,建国路东侧人行道破损严重")
    assert (got["road"], got["side"], got["side_road"], got["anchor_kind"]) == ("建国路", "东侧", "建国路", "road_only")
    assert got["marks"] == []


def test_a_road_its_possessive_and_its_side():
    got = _fields("东环路的两侧绿化带内杂草丛生")
    assert (got["road"], got["side"], got["side_road"]) == ("东环路", "两侧", "东环路")


@pytest.mark.parametrize("text, road, side", [
    # 在 and a road inside the sentence, after what is there
    ("垃圾主要堆在和平路的北侧,行人只能绕行。", "和平路", "北侧"),
    ("垃圾就堆在胜利街上,附近居民意见很大。", "胜利街", None),
])
def test_a_road_after_zai_inside_the_sentence(text, road, side):
    got = _fields(text)
    assert (got["road"], got["side"], got["anchor_kind"]) == (road, side, "road_only")


def test_zai_before_a_verb_or_a_way_inside_a_site_is_no_road():
    # 在修路: roadworks, a verb; the estate is what the line names
    assert _fields("小区附近在修路,道路上灰尘很大")["road"] is None


def test_a_road_of_the_junction_named_again_with_one_side():
    got = _fields("记者在光明路与朝阳街交口看到,几辆货车停在朝阳街一侧,占了半条路。")
    assert (got["road_a"], got["road_b"], got["anchor_kind"]) == ("光明路", "朝阳街", "intersection")
    assert (got["side"], got["side_road"]) == ("一侧", "朝阳街")


@pytest.mark.parametrize("text", ["东站过街天桥占道经营", "火车站过街天桥,乞讨人员较多"])
def test_a_footbridge_for_crossing_is_a_site(text):
    got = _fields(text)
    assert got["road"] is None and got["anchor_kind"] == "landmark"
    assert got["marks"][0].endswith("过街天桥")


def test_a_fire_lane_of_an_estate_is_no_road_and_the_writer_s_estate_is_the_place():
    got = _fields("我是城西区翠竹苑小区居民,小区消防通道常被私家车堵塞。")
    assert got["road"] is None and got["anchor_kind"] == "landmark"
    assert got["marks"][0].endswith("翠竹苑小区")
    # 我是 with no estate after it opens nothing: the road is still read
    assert _fields("我是一名出租车司机,解放路上坑洼很多")["road"] == "解放路"


def test_li_inside_an_estate_name_ends_no_road():
    got = _fields("家住锦绣里昂花园的市民反映,小区门口垃圾成堆。")
    assert got["road"] is None and got["anchor_kind"] == "landmark"


def test_a_way_side_told_after_the_report_words_is_kept():
    # the place is read after 前往 (the market); the way's side told later stays the side
    got = _fields("记者前往青松市场,在市场东门看到,道路一侧堆满了建筑垃圾。")
    assert (got["anchor_kind"], got["side"], got["side_road"]) == ("landmark", "一侧", None)
    assert got["marks"][0] == "青松市场"


def test_jiedao_after_a_name_is_the_street():
    # 某某街道两旁: the street's sides; the name alone is the road, no subdistrict
    got = _fields("长兴街道两旁摊点林立")
    assert (got["road"], got["side"], got["side_road"], got["subdistrict"]) == ("长兴", "两侧", "长兴", None)


@pytest.mark.parametrize("text, side", [
    ("路北有一处建筑垃圾", "北侧"),
    ("小区南门往东30米,路南便道上停着两辆报废车", "南侧"),
    ("过了桥,路北有三个垃圾桶满溢", "北侧"),
    ("出了村口,路东垃圾乱堆放未清理", "东侧"),
    ("垃圾站门口,路西边停满了电动车", "西侧"),
])
def test_the_side_of_the_way_written_lu_and_a_direction(text, side):
    """路北 is the north side of the way walked (as 路北侧 is), written without 侧 and without
    the road's name."""
    loc = parse(text)
    assert loc.side == side and loc.side_road is None
    span = loc.span_of("side")
    assert text[span.start] == "路" and text[span.start + 1] == side[0]


@pytest.mark.parametrize("text", [
    "人民路北段堆物堆料",  # a road's section
    "路东村村委会门前积存垃圾",  # a village named 路东
    "十字路口路东南角有垃圾",  # a corner
    "巷口路西有两辆占道车",  # the road 巷口路 and its west
    "中山路北口有人摆摊",  # a road's end
])
def test_lu_and_a_direction_inside_a_name_is_no_side(text):
    assert parse(text).side is None
