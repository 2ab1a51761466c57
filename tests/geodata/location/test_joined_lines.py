"""A road whose single carriageway forks into two near a junction (林业大学北路 in the
demo district): points on the single part, far from the junction, are described from
that junction and geocode back along the fork, never by turning back on the other
carriageway. SYNTHETIC network in a local metric plane (x east, y north). No database.
"""
import pytest
from shapely.geometry import LineString, MultiLineString, Point

from geodata.location.describe import describe
from geodata.location.geocode import geocode
from geodata.location.network import IntersectionRecord, NetworkIndex, RoadRecord
from geodata.location.parse import parse


def forked_network() -> NetworkIndex:
    # 甲路: a single line from x=-400 to x=0, forking at (0, 0) into two carriageways that
    # reach 乙路 (north-south at x=150): north carriageway westbound, south eastbound.
    jia = MultiLineString([
        LineString([(0, 0), (-400, 0)]),
        LineString([(150, 8), (30, 8), (0, 0)]),
        LineString([(0, 0), (30, -8), (150, -8)]),
    ])
    yi = MultiLineString([LineString([(150, -300), (150, 300)])])
    return NetworkIndex(
        roads=[RoadRecord(1, "甲路", "tertiary", jia), RoadRecord(2, "乙路", "tertiary", yi)],
        intersections=[IntersectionRecord(9, "甲路与乙路交叉口", Point(150, 0), (1, 2))],
    )


def test_lines_are_joined_at_the_fork_without_u_turns():
    net = forked_network()
    lines = net.roads[1].lines
    assert len(lines) == 3
    single = next(ln for ln in lines if ln.geom.length > 350)
    north = next(ln for ln in lines if ln.geom.coords[0][1] == 8)
    south = next(ln for ln in lines if ln.geom.coords[-1][1] == -8)
    # walking west along the north carriageway goes on into the single line...
    reached = net.walk(north, 0.0, 1.0, north.geom.length + 100)
    assert [(ln.index, round(s)) for ln, s in reached] == [(single.index, 100)]
    # ...and never back east along the south carriageway (a U-turn at the fork)
    assert all(ln.index != south.index for ln, _ in reached)
    # a dead end: nothing past it, except within the slack
    assert net.walk(single, 0.0, 1.0, 450) == []
    assert net.walk(single, 0.0, 1.0, 401, slack=2.0) == [(single, single.geom.length)]


@pytest.mark.parametrize("x", [-20.0, -75.0, -190.0, -333.0])
def test_single_part_is_described_from_the_junction_and_comes_back(x):
    net = forked_network()
    p = Point(x, 0.0)
    d = describe(p, net)
    assert d.text.startswith("甲路与乙路交叉路口向西"), d.text
    assert d.distance_m == pytest.approx(152 - x, abs=6)  # along the fork, rounded
    r = geocode(parse(d.text), net)
    assert r.precision == "offset"
    assert r.point.distance(p) <= 3.0, (d.text, r.point)


def test_walk_past_the_fork_onto_the_single_line():
    net = forked_network()
    r = geocode(parse("甲路与乙路交叉路口向西300米，积存垃圾"), net)
    assert r.point.y == pytest.approx(0.0, abs=0.5)
    assert r.point.x == pytest.approx(150 - 300, abs=6)
