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


def ring_network() -> NetworkIndex:
    # 环路: a 1000 m x 600 m rectangle in two halves of different class (so two lines,
    # joined at both ends, half-way up the east and west sides); 丙路 meets it at the
    # middle of its south side.
    north_half = [(1000, 300), (1000, 600), (0, 600), (0, 300)]
    south_half = [(0, 300), (0, 0), (1000, 0), (1000, 300)]
    ring = MultiLineString([LineString(north_half), LineString(south_half)])
    return NetworkIndex(
        roads=[RoadRecord(1, "环路", "secondary", ring, ("secondary", "tertiary")),
               RoadRecord(2, "丙路", "tertiary", MultiLineString([LineString([(500, 0), (500, -400)])]))],
        intersections=[IntersectionRecord(9, "环路与丙路交叉口", Point(500, 0), (1, 2))],
    )


def test_the_shortest_way_round_a_ring_is_the_one_counted():
    net = ring_network()
    north = next(ln for ln in net.roads[1].lines if ln.geom.coords[1] == (1000, 600))
    south = next(ln for ln in net.roads[1].lines if ln.geom.coords[1] == (0, 0))
    # from the middle of the south side, (1000, 400) on the east side is 500 + 400 m away
    # going east, 500 + 600 + 1000 + 200 m going west
    costs = {(ln.index, sign): c for ln, c, sign in net.along(south, 800.0)}
    assert len(costs) == 2  # the north half, entered at either end
    p = Point(1000, 400)
    s = north.geom.project(p)
    best = min(c + sign * s for (idx, sign), c in costs.items() if idx == north.index)
    assert best == pytest.approx(900.0)


@pytest.mark.parametrize(("x", "y"), [(1000, 400), (700, 600), (300, 600), (0, 300), (800, 0)])
def test_points_on_a_ring_come_back_or_say_they_cannot(x, y):
    net = ring_network()
    p = Point(x, y)
    d = describe(p, net)
    r = geocode(parse(d.text), net)
    if d.intersection_id is not None:
        assert r.point.distance(p) <= 10.0 + 0.01 * (d.distance_m or 0), (d.text, r.point)
    else:
        assert r.point.distance(p) <= r.uncertainty_m, (d.text, r.point, r.uncertainty_m)


def test_a_walk_that_can_end_in_two_places_says_so():
    net = ring_network()
    # 1400 m from the junction: (700, 600) going east round the ring, (300, 600) going west,
    # both about north of the junction
    r = geocode(parse("环路与丙路交叉路口向北1400米"), net)
    assert r.confidence <= 0.5
    assert any(w.startswith("位置有歧义") for w in r.warnings)
    # and the describer does not write such a text for either point
    for p in (Point(700, 600), Point(300, 600)):
        assert "1400米" not in describe(p, net).text
