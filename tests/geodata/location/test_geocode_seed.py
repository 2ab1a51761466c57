"""The seed's four 未诉先办 lines geocode to the right place.

None of their roads is in the open data we have, so this network is SYNTHETIC: drawn by
hand in a local metric plane (x east, y north, metres), with each line's roads laid out
the way the text implies. No database.
"""
import pytest
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, box

from geodata.location.describe import describe
from geodata.location.geocode import geocode
from geodata.location.network import (
    AreaRecord,
    IntersectionRecord,
    LandmarkRecord,
    NetworkIndex,
    RoadRecord,
    SegmentRecord,
    side_offset,
)
from geodata.location.parse import parse

SEED = [
    "1. 东铁匠营街道，横五条北段与顺五条交叉路口向北5米，横五条北段西侧，积存垃圾。",
    "2. 西罗园街道，马家堡东路与革新南路交叉路口向东120米，革新南路南侧，天成酒店南侧10米，积存垃圾。",
    "3. 右安门街道，玉林南路与玉林东路交叉路口向北100米，玉林东路东侧，门店前堆物堆料，机动车、非机动车乱停。",
    "4. 玉泉营街道，南三环西路辅路与万柳园小区门前路交叉口向北60米，万柳园小区门前路东侧，积存垃圾。",
]


def ml(*lines):
    return MultiLineString([LineString(c) for c in lines])


def synthetic_fengtai() -> NetworkIndex:
    roads = [
        # 1: 横五条 runs north-south, 顺五条 east-west, crossing at (0, 0).
        RoadRecord(1, "横五条", "residential", ml([(0, -300), (0, 300)])),
        RoadRecord(2, "顺五条", "residential", ml([(-300, 0), (300, 0)])),
        # 2: 马家堡东路 north-south at x=1000; 革新南路 leaves it eastward at y=0.
        RoadRecord(3, "马家堡东路", "secondary", ml([(1000, -400), (1000, 400)])),
        RoadRecord(4, "革新南路", "secondary", ml([(1000, 0), (1500, 0)])),
        # 3: 玉林南路 east-west at y=0 from x=1800..2300; 玉林东路 runs north from (2000, 0).
        RoadRecord(5, "玉林南路", "tertiary", ml([(1800, 0), (2300, 0)])),
        RoadRecord(6, "玉林东路", "tertiary", ml([(2000, 0), (2000, 500)])),
        # 4: 南三环西路, a dual carriageway (y=2990, 3010) with a 辅路 on each side (y=2970, 3030);
        # 万柳园小区门前路 leaves the north 辅路 northward at x=3000.
        RoadRecord(7, "南三环西路", "trunk",
                   ml([(2500, 3010), (3500, 3010)], [(3500, 2990), (2500, 2990)],
                      [(2500, 3030), (3500, 3030)], [(3500, 2970), (2500, 2970)]),
                   ("trunk", "trunk", "tertiary", "tertiary")),
        RoadRecord(8, "万柳园小区门前路", "service", ml([(3000, 3030), (3000, 3400)])),
    ]
    intersections = [
        IntersectionRecord(11, "横五条与顺五条交叉口", Point(0, 0), (1, 2)),
        IntersectionRecord(12, "马家堡东路与革新南路交叉口", Point(1000, 0), (3, 4)),
        IntersectionRecord(13, "玉林南路与玉林东路交叉口", Point(2000, 0), (5, 6)),
        IntersectionRecord(14, "南三环西路与万柳园小区门前路交叉口", Point(3000, 3030), (7, 8)),
    ]
    segments = [SegmentRecord(100 + r.id, r.id, g) for r in roads for g in r.geom.geoms]
    landmarks = [LandmarkRecord(21, "天成酒店", "poi", Point(1121, 4))]
    areas = [AreaRecord(31, "西罗园街道", "subdistrict", MultiPolygon([box(900, -500, 1600, 500)]))]
    return NetworkIndex(roads=roads, intersections=intersections, segments=segments, landmarks=landmarks,
                        areas=areas)


NET = synthetic_fengtai()


@pytest.mark.parametrize(("line", "expected", "road"), [
    (SEED[0], (-side_offset("residential"), 5), "横五条"),  # 5 m north, west side of 横五条
    (SEED[1], (1120, -side_offset("secondary")), "革新南路"),  # 120 m east along 革新南路, south side
    (SEED[2], (2000 + side_offset("tertiary"), 100), "玉林东路"),  # 100 m north along 玉林东路, east side
    (SEED[3], (3000 + side_offset("service"), 3090), "万柳园小区门前路"),  # from the north 辅路, 60 m north
])
def test_seed_lines_geocode_to_the_place_a_reader_walks_to(line, expected, road):
    result = geocode(parse(line), NET)
    assert result.ok, result.error
    assert result.point.distance(Point(expected)) < 0.5, (result.point, result.steps)
    assert result.road_name == road
    assert result.precision == "offset"
    assert result.uncertainty_m and 5 < result.uncertainty_m < 40


def test_section_name_matches_the_road_and_says_so():
    result = geocode(parse(SEED[0]), NET)
    assert any("横五条北段" in s and "横五条" in s for s in result.steps)


def test_service_road_name_anchors_on_the_service_road():
    result = geocode(parse(SEED[3]), NET)
    assert result.intersection_id == 14
    assert any("辅路" in s for s in result.steps)


def test_landmark_in_the_text_is_checked_against_the_result():
    result = geocode(parse(SEED[1]), NET)
    assert any("天成酒店" in s and "相符" in s for s in result.steps)


def test_steps_explain_the_walk():
    result = geocode(parse(SEED[1]), NET)
    assert result.steps[0] == "路口 马家堡东路×革新南路"
    assert result.steps[1] == "沿 革新南路 向东 120 米"


def test_describing_the_geocoded_point_gives_the_published_sentence_back():
    p = geocode(parse(SEED[1]), NET).point
    assert describe(p, NET).text == "西罗园街道，革新南路与马家堡东路交叉路口向东120米，革新南路南侧"


def test_at_the_junction_the_describer_says_so():
    text = describe(Point(0.2, 0.1), NET).text
    assert text in {"横五条与顺五条交叉路口处", "顺五条与横五条交叉路口处"}


def test_unknown_road_falls_back_honestly():
    result = geocode(parse("西罗园街道，幸福北路与革新南路交叉路口向东120米"), NET)
    assert result.precision in {"road", "area"}
    assert result.uncertainty_m > 100
    assert any("幸福北路" in w for w in result.warnings)


def test_nothing_locatable_is_an_error_not_an_exception():
    result = geocode(parse("今天天气很好"), NET)
    assert not result.ok and result.error


def test_direction_without_a_road_that_way_keeps_the_intersection_and_warns():
    result = geocode(parse("马家堡东路与革新南路交叉路口向西50米"), NET)  # 革新南路 leaves east only
    # West of (1000, 0) no road leaves, so the nearest honest answer is the junction itself.
    assert result.precision == "intersection"
    assert result.warnings
