"""The pure network builder on small hand-drawn networks (synthetic, no database)."""
from geodata.importers.network import assign_road_keys, build_network
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


def test_a_way_whose_nodes_share_one_position_is_left_out_with_a_warning():
    net = build_network([
        way(1, "甲路", [1, 2], [(116.0, 40.0), (116.001, 40.0)]),
        way(2, "零长路", [3, 4], [(116.0, 40.001), (116.0, 40.001)]),
    ])
    assert [r.name for r in net.roads] == ["甲路"]
    assert len(net.warnings) == 1 and "way 2" in net.warnings[0] and "长度为零" in net.warnings[0]


def test_a_zero_length_piece_between_duplicated_junction_nodes_joins_the_next_one():
    # 甲路 1-2-3 where node 2 (the junction with 乙路) lies exactly on node 1 (JOSM "Duplicated nodes")
    net = build_network([
        way(10, "甲路", [1, 2, 3], [(116.3, 40.0), (116.3, 40.0), (116.3, 40.001)]),
        way(11, "乙路", [2, 4], [(116.3, 40.0), (116.301, 40.0)]),
    ])
    jia = [s for s in net.segments if s.way_id == 10]
    assert [(s.start_node, s.end_node) for s in jia] == [(1, 3)]
    assert all(s.length_m > 0 and len(set(s.coords)) == len(s.coords) for s in net.segments)
    assert any("way 10" in w and "零长度" in w for w in net.warnings)


def test_a_zero_length_piece_at_a_ways_end_joins_the_one_before():
    net = build_network([
        way(10, "甲路", [1, 2, 3], [(116.3, 40.0), (116.3, 40.001), (116.3, 40.001)]),
        way(11, "乙路", [2, 4], [(116.3, 40.001), (116.301, 40.001)]),
    ])
    jia = [s for s in net.segments if s.way_id == 10]
    assert [(s.start_node, s.end_node) for s in jia] == [(1, 3)]
    assert jia[0].length_m > 100


def test_a_long_generated_intersection_name_is_shortened_to_fit():
    names = [chr(0x4E00 + k) * 45 + "路" for k in range(5)]
    ways = [way(10 + k, n, [k + 1, 99], [(116.0 + 0.001 * k, 40.001), (116.002, 40.0)]) for k, n in enumerate(names)]
    (inter,) = build_network(ways).intersections
    assert len(inter.name) <= 200
    assert inter.name.endswith("等5条道路交叉口") and inter.name.startswith(names[0])


def test_road_keys_follow_the_ways_the_road_shares_with_the_rows_already_imported():
    ways = [way(1, "甲路", [1, 2], [(116.0, 40.0), (116.001, 40.0)]),
            way(3, "甲路", [2, 3], [(116.001, 40.0), (116.002, 40.0)]),
            way(5, "乙路", [7, 8], [(116.0, 40.01), (116.001, 40.01)])]
    net = build_network(ways[1:])  # way 1, the key of 甲路, was deleted in OSM
    keyed = assign_road_keys(net, {"osm:1": [1, 3], "osm:3": [99]})
    # 甲路 keeps its key; 乙路 is new and gets its own; an existing key is never given to another road
    assert sorted((r.name, r.key) for r in keyed.roads) == [("乙路", "osm:5"), ("甲路", "osm:1")]
    assert {s.road_key for s in keyed.segments if s.way_id == 3} == {"osm:1"}
    fresh = build_network([way(3, "丙路", [20, 21], [(116.0, 40.02), (116.001, 40.02)])])
    assert [r.key for r in assign_road_keys(fresh, {"osm:3": [99]}).roads] == ["osm:3-2"]
