"""The pure network builder on small hand-drawn networks (synthetic, no database)."""
from geodata.importers.network import build_network
from geodata.importers.osm import OsmWay


def way(id, name, nodes, coords, highway="primary"):
    return OsmWay(id=id, part=0, name=name, highway=highway, oneway=False, roundabout=False,
                  nodes=tuple(nodes), coords=tuple(coords))


def test_way_is_split_at_every_junction_node():
    net = build_network([
        way(1, "甲路", [1, 2, 3, 4], [(116.0, 40.0), (116.001, 40.0), (116.002, 40.0), (116.003, 40.0)]),
        way(2, "乙路", [10, 2], [(116.001, 39.999), (116.001, 40.0)]),
        way(3, "丙路", [3, 11], [(116.002, 40.0), (116.002, 40.001)]),
    ])
    pieces = sorted((s.start_node, s.end_node) for s in net.segments if s.way_id == 1)
    assert pieces == [(1, 2), (2, 3), (3, 4)]


def test_dual_carriageway_crossing_is_one_intersection():
    # Two dual carriageways ~30 m apart crossing: four junction nodes, one intersection.
    d = 0.00018  # ≈ 15 m of latitude
    ways = [
        way(1, "东西路", [1, 2, 3, 4], [(115.998, 40 + d), (116 - d, 40 + d), (116 + d, 40 + d), (116.002, 40 + d)]),
        way(2, "东西路", [5, 6, 7, 8], [(116.002, 40 - d), (116 + d, 40 - d), (116 - d, 40 - d), (115.998, 40 - d)]),
        way(3, "南北路", [9, 7, 2, 10], [(116 - d, 39.998), (116 - d, 40 - d), (116 - d, 40 + d), (116 - d, 40.002)]),
        way(4, "南北路", [11, 3, 6, 12], [(116 + d, 40.002), (116 + d, 40 + d), (116 + d, 40 - d), (116 + d, 39.998)]),
    ]
    net = build_network(ways)
    assert len(net.roads) == 2
    assert [(i.name, len(i.node_ids)) for i in net.intersections] == [("东西路与南北路交叉口", 4)]
    lon, lat = net.intersections[0].point
    assert abs(lon - 116) < 1e-9 and abs(lat - 40) < 1e-9


def test_separate_crossings_of_one_road_stay_apart():
    ways = [
        way(1, "长路", [1, 2, 3, 4], [(116.0, 40.0), (116.002, 40.0), (116.004, 40.0), (116.006, 40.0)]),
        way(2, "一号路", [20, 2], [(116.002, 39.999), (116.002, 40.0)], "tertiary"),
        way(3, "二号路", [30, 3], [(116.004, 39.999), (116.004, 40.0)], "tertiary"),
    ]
    names = [i.name for i in build_network(ways).intersections]
    assert sorted(names) == ["长路与一号路交叉口", "长路与二号路交叉口"]


def test_same_name_far_apart_makes_two_roads():
    ways = [
        way(1, "中心街", [1, 2], [(116.0, 40.0), (116.001, 40.0)]),
        way(2, "中心街", [3, 4], [(116.05, 40.0), (116.051, 40.0)]),
    ]
    assert len(build_network(ways).roads) == 2


def test_segment_lengths_are_geodesic():
    # One minute of arc along the equator-parallel at 40°N is about 1423 m (WGS84).
    net = build_network([way(1, "甲路", [1, 2], [(116.0, 40.0), (116.0 + 1 / 60, 40.0)])])
    assert abs(net.segments[0].length_m - 1423.2) < 1.0
