"""Importing the real OSM extract around 学院路 (the demo district, loaded for the session)."""
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from geodata.models import Intersection, Landmark, Road, RoadSegment
from geodata.services import network_import as ni
from geodata.services.demo import DEMO_OSM, DEMO_SOURCE
from geodata.services.network_import import NetworkImportError, network_import

pytestmark = pytest.mark.django_db

# The 19 distinct names of the 64 named highway ways in the extract (see fixtures/SOURCES.md).
NAMES = {"学清路", "清华东路", "学院路", "石板房南路", "G6辅路", "志新西路", "林业大学北路", "京藏高速", "科荟桥",
         "小月河东畔路", "科荟路", "裕京大厦天桥", "石清路", "小月河西路", "双泉堡西路", "小月河东路", "茗悦路",
         "东畔南街", "东畔北街"}


def snapshot():
    return {
        "roads": sorted(Road.objects.values_list("id", "key", "name", "length_m")),
        "segments": sorted(RoadSegment.objects.values_list("id", "key", "road_id", "length_m", "start_node",
                                                           "end_node")),
        "segment_geoms": sorted((s.key, s.geom.ewkb.hex()) for s in RoadSegment.objects.all()),
        "intersections": sorted((i.id, i.key, i.name, tuple(i.node_ids), i.geom.ewkb.hex())
                                for i in Intersection.objects.all()),
        "links": sorted(Intersection.roads.through.objects.values_list("intersection_id", "road_id")),
        "landmarks": sorted(Landmark.objects.values_list("id", "key", "name")),
    }


def intersections_of(a, b):
    return Intersection.objects.filter(roads__name=a).filter(roads__name=b).distinct()


def test_the_19_distinct_named_roads_are_imported():
    names = Counter(Road.objects.filter(source=DEMO_SOURCE).values_list("name", flat=True))
    assert set(names) == NAMES
    assert all(n == 1 for n in names.values()), names


@pytest.mark.parametrize(("a", "b", "at_least_nodes"), [
    ("学院路", "清华东路", 5),  # the dual carriageways cross at 5 junction nodes in the data
    ("学清路", "清华东路", 4),  # and at 4
    ("学清路", "学院路", 1),
])
def test_dual_carriageway_junctions_form_exactly_one_intersection(a, b, at_least_nodes):
    found = list(intersections_of(a, b))
    assert len(found) == 1
    assert len(found[0].node_ids) >= at_least_nodes


def test_the_5_and_4_junction_points_all_lie_in_that_one_intersection():
    # Junction nodes read off the file where 学院路/学清路 meet 清华东路.
    xueyuan = {1360087412, 1360087413, 1360087414, 1360087415, 297113863}
    xueqing = {1360087417, 292591288, 292591115, 297113863}
    inter = intersections_of("学院路", "清华东路").get()
    assert xueyuan | xueqing <= set(inter.node_ids)


def test_segments_of_each_road_add_up_to_its_length():
    # Road length measured independently by PostGIS on the spheroid:
    # SELECT ST_Length(ST_Transform(geom, 4326)::geography) FROM geodata_road
    with connection.cursor() as cur:
        cur.execute("SELECT r.id, ST_Length(ST_Transform(r.geom, 4326)::geography), "
                    "(SELECT sum(s.length_m) FROM geodata_roadsegment s WHERE s.road_id = r.id) "
                    "FROM geodata_road r WHERE r.source = %s", [DEMO_SOURCE])
        rows = cur.fetchall()
    assert len(rows) == 19
    for _road_id, postgis_length, segment_sum in rows:
        assert abs(segment_sum - postgis_length) / postgis_length < 0.005


def test_segments_end_at_junctions_and_join_end_to_end():
    for road in Road.objects.filter(source=DEMO_SOURCE):
        for seg in road.segments.all():
            assert seg.geom.num_points >= 2
            assert seg.length_m > 0


def test_reimport_changes_nothing():
    before = snapshot()
    report = network_import(path=DEMO_OSM, source=DEMO_SOURCE)
    assert not report.changed
    assert report.roads.unchanged == 19
    assert snapshot() == before


def test_reimport_through_the_command_says_nothing_changed(capsys):
    call_command("import_osm", str(DEMO_OSM), "--source", DEMO_SOURCE, "--no-progress")
    assert "没有变化" in capsys.readouterr().out


@pytest.mark.parametrize(("content", "message"), [
    (b"", "文件为空"),
    (b"\x00\x01garbage not osm", "无法读取"),
    (b"<osm version='0.6'><node id='1' lat='40' lon='116'/></osm>", "没有带名称的道路"),
    (b"<osm version='0.6'><way id='1'>", "无法读取"),
])
def test_corrupt_or_empty_file_gives_clear_error_and_leaves_database_as_it_was(tmp_path, content, message):
    before = snapshot()
    bad = tmp_path / "bad.osm"
    bad.write_bytes(content)
    with pytest.raises(NetworkImportError, match=message):
        network_import(path=bad, source=DEMO_SOURCE)
    with pytest.raises(CommandError, match=message):
        call_command("import_osm", str(bad), "--source", DEMO_SOURCE, "--no-progress")
    assert snapshot() == before


def test_corrupt_pbf_gives_clear_error(tmp_path):
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"this is not a protobuf" * 10)
    with pytest.raises(NetworkImportError, match="无法读取OSM文件"):
        network_import(path=bad)


def test_missing_file_gives_clear_error():
    with pytest.raises(NetworkImportError, match="文件不存在"):
        network_import(path=Path("/nonexistent/x.osm"))


def test_failure_midway_rolls_back_everything(monkeypatch):
    before = snapshot()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ni, "_write_landmarks", boom)
    # A different source: roads, segments and intersections would all be new rows.
    with pytest.raises(RuntimeError):
        network_import(path=DEMO_OSM, source="second-copy", allow_overlap=True)
    assert snapshot() == before


@pytest.mark.parametrize(("name", "named_ways"), [("osm_test_kouvola_fi.osm.pbf", 120), ("osm_helsinki_fi.osm.pbf", 790)])
def test_finnish_pbf_files_import(fixtures_dir, name, named_ways):
    path = fixtures_dir / "osm" / name
    report = network_import(path=path, source=name)
    assert report.ways >= named_ways
    assert report.roads.created > 50
    assert report.segments.created >= report.ways
    assert report.intersections.created > 10
    # Outside EPSG:4548's area of use: imported, with a warning that says so.
    assert any("STORAGE_SRID" in w for w in report.warnings)
    again = network_import(path=path, source=name)
    assert not again.changed


def small_osm(tmp_path, body, name="small.osm"):
    p = tmp_path / name
    p.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="t">\n' + body + "\n</osm>\n",
                 encoding="utf-8")
    return p


ROW = "".join(f'<node id="{i}" version="1" lat="{40.0 + i * 0.0001:.7f}" lon="{116.30 + i * 0.0001:.7f}"/>'
              for i in range(1, 10))


def small_way(way_id, name, refs):
    return (f'<way id="{way_id}" version="1">' + "".join(f'<nd ref="{r}"/>' for r in refs)
            + f'<tag k="highway" v="residential"/><tag k="name" v="{name}"/></way>')


def test_duplicated_nodes_are_imported_without_the_zero_length_piece(tmp_path, capsys):
    body = ('<node id="1" version="1" lat="40.0" lon="116.3"/><node id="2" version="1" lat="40.0" lon="116.3"/>'
            '<node id="3" version="1" lat="40.001" lon="116.3"/><node id="4" version="1" lat="40.0" lon="116.301"/>'
            '<node id="5" version="1" lat="40.002" lon="116.3"/><node id="6" version="1" lat="40.002" lon="116.3"/>'
            + small_way(10, "甲路", [1, 2, 3]) + small_way(11, "乙路", [2, 4]) + small_way(12, "零长路", [5, 6]))
    call_command("import_osm", str(small_osm(tmp_path, body)), "--source", "dup-nodes", "--no-progress")
    err = capsys.readouterr().err
    assert "零长路（way 12）" in err and "way 10" in err
    assert sorted(Road.objects.filter(source="dup-nodes").values_list("name", flat=True)) == ["乙路", "甲路"]
    assert all(s.length_m > 0 for s in RoadSegment.objects.filter(source="dup-nodes"))


def test_a_file_whose_only_way_has_no_length_is_refused_clearly(tmp_path):
    body = ('<node id="1" version="1" lat="40.0" lon="116.3"/><node id="2" version="1" lat="40.0" lon="116.3"/>'
            + small_way(10, "零长路", [1, 2]))
    with pytest.raises(CommandError, match="没有可导入的道路.*长度为零"):
        call_command("import_osm", str(small_osm(tmp_path, body)), "--source", "zero", "--no-progress")


def test_a_road_name_longer_than_its_column_is_cut_with_a_warning(tmp_path):
    name = "很长的路名" * 30
    report = network_import(path=small_osm(tmp_path, ROW + small_way(10, name, [1, 2, 3])), source="long-name")
    assert Road.objects.get(source="long-name").name == name[:120]
    assert any("150 个字符" in w and "截断" in w for w in report.warnings)


@pytest.mark.parametrize("source", ["s" * 101, "  "])
def test_a_source_that_does_not_fit_is_refused(tmp_path, source):
    path = small_osm(tmp_path, ROW + small_way(10, "甲路", [1, 2, 3]))
    with pytest.raises(CommandError, match="数据来源标识须为 1 至 100 个字符"):
        call_command("import_osm", str(path), "--source", source, "--no-progress")


def test_a_coordinate_that_is_not_a_number_is_a_clear_error(tmp_path):
    body = ('<node id="1" version="1" lat="40.0" lon="116.3"/><node id="2" version="1" lat="40.001" lon="abc"/>'
            + small_way(10, "甲路", [1, 2]))
    with pytest.raises(CommandError, match="无法读取OSM文件 .*wrong format for coordinate"):
        call_command("import_osm", str(small_osm(tmp_path, body)), "--source", "bad-coord", "--no-progress")


def test_a_landmark_whose_name_is_only_spaces_is_skipped(tmp_path):
    body = (ROW + small_way(10, "甲路", [1, 2, 3])
            + '<node id="50" version="1" lat="40.0" lon="116.3"><tag k="amenity" v="toilets"/><tag k="name" v="  "/>'
              '</node><node id="51" version="1" lat="40.0" lon="116.3"><tag k="amenity" v="toilets"/>'
              '<tag k="name" v=" 公厕 "/></node>')
    network_import(path=small_osm(tmp_path, body), source="blank-landmark")
    assert list(Landmark.objects.filter(source="blank-landmark").values_list("key", "name")) == [("n51", "公厕")]


def test_a_renamed_copy_of_an_imported_extract_is_refused(tmp_path, capsys):
    copy = tmp_path / "beijing_haidian_xueyuanlu-2026-12-01.osm"
    copy.write_bytes(DEMO_OSM.read_bytes())
    before = Road.objects.filter(name="学院路").count()
    with pytest.raises(CommandError, match=f"已在来源 '{DEMO_SOURCE}' 中.*--source {DEMO_SOURCE}"):
        call_command("import_osm", str(copy), "--no-progress")
    assert Road.objects.filter(name="学院路").count() == before
    call_command("import_osm", str(copy), "--no-progress", "--allow-overlap")  # said on purpose: imported, warned
    assert Road.objects.filter(name="学院路").count() == before + 1
    assert "也在来源" in capsys.readouterr().err


def test_a_small_overlap_with_another_source_is_a_warning(tmp_path):
    first = small_osm(tmp_path, ROW + small_way(10, "甲路", [1, 2, 3]) + small_way(11, "乙路", [4, 5]), "a.osm")
    second = small_osm(tmp_path, ROW + small_way(11, "乙路", [4, 5]) + small_way(12, "丙路", [6, 7])
                       + small_way(13, "丁路", [8, 9]), "b.osm")
    network_import(path=first, source="west")
    report = network_import(path=second, source="east")  # neighbouring extracts share a border way
    assert any("1 条OSM路线" in w and "'west'" in w for w in report.warnings)


def test_a_node_outside_latitude_or_longitude_range_is_refused_by_id(tmp_path):
    # lat 95 / lon 200 parse as numbers, so the reader used to treat those nodes as missing
    # (a clipped extract): 乙路 vanished and 甲路 was cut, and the import said 导入完成.
    body = (ROW + '<node id="70" version="1" lat="95" lon="116.3"/><node id="71" version="1" lat="40" lon="200"/>'
            + small_way(10, "甲路", [1, 2, 70, 3]) + small_way(11, "乙路", [4, 71]))
    path = small_osm(tmp_path, body)
    before = snapshot()
    with pytest.raises(CommandError, match="2 个节点的坐标缺失或超出经纬度范围.*节点 70（纬度 95.*经度 116.3.*节点 71"):
        call_command("import_osm", str(path), "--source", "out-of-range", "--no-progress")
    assert snapshot() == before


def test_a_file_of_named_ways_without_their_nodes_says_so(tmp_path):
    # An Overpass answer without its nodes (out; instead of (._;>;); out;): the roads are there,
    # their coordinates are not. It used to say the file had no named roads at all.
    path = small_osm(tmp_path, small_way(10, "甲路", [1, 2, 3]) + small_way(11, "乙路", [3, 4]))
    with pytest.raises(CommandError, match="2 条带名称的路线引用的节点都不在文件中（如 way 10 甲路）.*节点"):
        call_command("import_osm", str(path), "--source", "ways-only", "--no-progress")
    assert not Road.objects.filter(source="ways-only").exists()


def test_a_way_cut_by_missing_nodes_is_imported_with_a_warning_naming_it(tmp_path):
    path = small_osm(tmp_path, ROW + small_way(10, "甲路", [1, 2, 99, 3, 4]) + small_way(11, "乙路", [5, 6, 7]))
    report = network_import(path=path, source="clipped")
    assert sorted(Road.objects.filter(source="clipped").values_list("name", flat=True)) == ["乙路", "甲路"]
    assert any("1 条路线引用的节点有的不在文件中" in w and "way 10 甲路" in w for w in report.warnings)
