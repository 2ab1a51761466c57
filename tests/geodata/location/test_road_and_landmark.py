"""A road with no junction near the point (an expressway between interchanges): the
describer adds the nearest landmark, and the geocoder puts the point on that road, level
with the place the landmark gives. SYNTHETIC network (x east, y north, metres). No database."""
import pytest
from shapely.geometry import LineString, MultiLineString, Point

from geodata.location.describe import describe
from geodata.location.geocode import geocode
from geodata.location.network import LandmarkRecord, NetworkIndex, RoadRecord
from geodata.location.parse import parse


def expressway() -> NetworkIndex:
    # 快速路: a dual carriageway running north, 30 m apart, with no junction at all;
    # 加油站 stands 60 m east of it.
    road = MultiLineString([LineString([(-15, -2000), (-15, 2000)]), LineString([(15, 2000), (15, -2000)])])
    return NetworkIndex(roads=[RoadRecord(1, "快速路", "motorway", road)],
                        landmarks=[LandmarkRecord(7, "加油站", "poi", Point(75, 0))])


def test_the_landmark_gives_the_place_along_the_road():
    net = expressway()
    r = geocode(parse("快速路东侧，加油站西北侧80米"), net)
    assert r.precision == "landmark" and r.road_name == "快速路"
    # on the east carriageway, level with 80 m north-west of the landmark
    assert r.point.x == pytest.approx(15, abs=0.5)
    assert r.point.y == pytest.approx(80 * 0.7071, abs=1.0)
    assert "移到 快速路 上与之平齐处" in r.steps


@pytest.mark.parametrize(("x", "y"), [(15, 40.0), (-15, -120.0), (15, 170.0)])
def test_round_trip_on_a_road_without_junctions(x, y):
    net = expressway()
    p = Point(x, y)
    d = describe(p, net)
    assert "加油站" in d.text and d.text.startswith("快速路"), d.text
    r = geocode(parse(d.text), net)
    # eight compass words: the landmark's offset is off by up to 22.5°, which the road
    # takes up across it; along it, at most the chord of half that angle
    assert r.point.distance(p) <= 0.4 * Point(75, 0).distance(p) + 1, (d.text, r.point)
    assert r.point.distance(p) <= r.uncertainty_m


def test_a_road_far_from_the_landmark_leaves_the_landmark_alone():
    net = expressway()
    r = geocode(parse("快速路东侧，加油站东侧300米"), net)  # 375 m from the road
    assert r.point.x == pytest.approx(375, abs=0.5)
    assert any("不在地标附近" in w for w in r.warnings)


@pytest.mark.parametrize(("x", "y"), [(60, 40.0), (120, 50.0), (-100, -60.0), (100, 300.0)])
def test_points_off_the_road_are_within_the_stated_uncertainty(x, y):
    """A point 45-120 m off the road is still described by the road and the landmark; the
    geocoder puts it on the road, and its uncertainty must cover how far that moved it."""
    net = expressway()
    p = Point(x, y)
    d = describe(p, net)
    r = geocode(parse(d.text), net)
    assert r.point.distance(p) <= r.uncertainty_m, (d.text, r.point, r.uncertainty_m)
