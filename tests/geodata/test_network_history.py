"""A re-import never loses what was saved on the network: segments with patrol history are
retired (kept, out of the live network) instead of deleted, plans of shifts not yet ended
move onto the segments that replace them, and a road keeps its row and its segments' rows
when the OSM way that gave it its key goes."""
import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError

from core.errors import ServiceError
from geodata.geocoding import network_index
from geodata.models import Road, RoadSegment
from geodata.selectors.layers import roads_geojson
from geodata.services.network_import import network_import
from org.models import Team
from shifts.models import SegmentCoverage
from shifts.selectors.coverage import segment_index
from shifts.services.shifts import shift_create, shift_end, shift_start
from tests.network_osm import JIA, NODES, YI
from tests.network_osm import osm as _osm

pytestmark = pytest.mark.django_db
BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
SOURCE = "history-test"

def osm(tmp_path, body, name="history.osm"):
    return _osm(tmp_path, body, name)


def seg(key):
    return RoadSegment.objects.get(source=SOURCE, key=key)


def lead():
    return get_user_model().objects.get(username="lead1")


def plan(segment, day, *, ended=False):
    shift = shift_create(actor=lead(), team_id=Team.objects.get(name="执法一队").pk, date=day, period="morning",
                         segment_ids=[segment.pk])
    if ended:
        shift_start(actor=lead(), shift_id=shift.pk)
        shift_end(actor=lead(), shift_id=shift.pk)
    return shift


def covered(shift, segment):
    at = dt.datetime.combine(shift.date, dt.time(9), tzinfo=BJ)
    return SegmentCoverage.objects.create(
        shift=shift, segment=segment, intervals=[[0, 10, at.timestamp(), at.timestamp(), 1]], covered_m=10,
        share=0.1, first_pass_at=at, last_pass_at=at, passes=1, computed_at=at)


def planned_keys(shift):
    return sorted(shift.segments.values_list("key", flat=True))


def test_a_segment_with_coverage_is_retired_with_its_history_not_deleted(tmp_path):
    network_import(path=osm(tmp_path, NODES + JIA + YI), source=SOURCE)
    north = seg("9000:1")
    shift = plan(north, dt.date(2026, 11, 20), ended=True)
    covered(shift, north)

    # 测试乙路 leaves the map: 测试甲路 is one segment again, 9000:1 is no longer in the file
    report = network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)

    north.refresh_from_db()
    assert north.retired_at is not None
    assert SegmentCoverage.objects.filter(shift=shift, segment=north).count() == 1
    assert planned_keys(shift) == ["9000:1"]
    assert (report.segments.retired, report.segments.deleted) == (1, 2)  # 乙路's two pieces had no history
    assert "停用 1" in str(report.segments)
    assert any("覆盖记录 1 条" in n and "保留" in n for n in report.notes)
    assert report.roads.deleted == 1 and not Road.objects.filter(source=SOURCE, name="测试乙路").exists()


def test_retired_segments_and_roads_are_out_of_the_live_network(tmp_path):
    network_import(path=osm(tmp_path, NODES + JIA + YI), source=SOURCE)
    west = seg("9001:0")
    shift = plan(west, dt.date(2026, 11, 21), ended=True)
    covered(shift, west)
    report = network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)

    west.refresh_from_db()
    road = west.road
    assert west.retired_at is not None and road.retired_at is not None  # the road is kept for it
    assert report.roads.retired == 1
    assert not RoadSegment.objects.live().filter(pk=west.pk).exists()
    index = network_index()
    assert road.pk not in index.roads and index.roads_of_segments({west.pk}) == set()
    assert west.pk not in set(segment_index().ids)
    assert "测试乙路" not in {f["properties"]["name"] for f in roads_geojson(bbox=None)["features"]}
    with pytest.raises(ServiceError, match="已停用"):
        plan(west, dt.date(2026, 11, 22))


def test_a_shift_not_yet_ended_takes_the_segments_that_replace_its_planned_one(tmp_path):
    network_import(path=osm(tmp_path, NODES + JIA + YI), source=SOURCE)
    north = seg("9000:1")
    shift = plan(north, dt.date(2026, 11, 23))  # planned, not started

    report = network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)

    assert planned_keys(shift) == ["9000:0"]  # the whole of 测试甲路 now
    assert not RoadSegment.objects.filter(pk=north.pk).exists()  # nothing keeps it: deleted
    assert report.segments.retired == 0
    assert any("未结束的班次 1 个" in n for n in report.notes)


def test_a_retired_segment_found_again_is_live_again_with_its_id(tmp_path):
    network_import(path=osm(tmp_path, NODES + JIA + YI), source=SOURCE)
    north = seg("9000:1")
    shift = plan(north, dt.date(2026, 11, 24), ended=True)
    covered(shift, north)
    network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)

    report = network_import(path=osm(tmp_path, NODES + JIA + YI), source=SOURCE)

    north.refresh_from_db()
    assert north.retired_at is None and seg("9000:1").pk == north.pk
    assert report.segments.retired == 0 and report.segments.updated >= 1


def test_a_road_keeps_its_row_and_unchanged_segments_when_its_key_way_goes(tmp_path):
    a = ('<way id="9000" version="1"><nd ref="900001"/><nd ref="900002"/><nd ref="900003"/>'
         '<tag k="highway" v="residential"/><tag k="name" v="测试丙路"/></way>')
    b = ('<way id="9002" version="1"><nd ref="900003"/><nd ref="900004"/><nd ref="900005"/>'
         '<tag k="highway" v="residential"/><tag k="name" v="测试丙路"/></way>')
    network_import(path=osm(tmp_path, NODES + a + b), source=SOURCE)
    road = Road.objects.get(source=SOURCE)
    kept = seg("9002:0")
    shift = plan(kept, dt.date(2026, 11, 25))
    covered(shift, kept)

    # way 9000, whose id was the road's key, is deleted in OSM; way 9002 is untouched
    report = network_import(path=osm(tmp_path, NODES + b), source=SOURCE)

    assert list(Road.objects.filter(source=SOURCE).values_list("pk", "key")) == [(road.pk, road.key)]
    assert seg("9002:0").pk == kept.pk and seg("9002:0").retired_at is None
    assert planned_keys(shift) == ["9002:0"] and SegmentCoverage.objects.filter(shift=shift).count() == 1
    assert (report.roads.created, report.roads.updated, report.roads.deleted) == (0, 1, 0)
    assert (report.segments.created, report.segments.deleted, report.segments.unchanged) == (0, 1, 1)
    assert len(report.segments.deleted_ids) == 1


def test_coverage_cannot_be_deleted_with_its_segment(tmp_path):
    network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)
    s = seg("9000:0")
    covered(plan(s, dt.date(2026, 11, 26), ended=True), s)
    with pytest.raises(ProtectedError):
        s.delete()


def test_complaints_on_a_removed_segment_move_to_the_live_network(tmp_path):
    from django.utils import timezone

    from hotline.models import Complaint, ImportBatch

    network_import(path=osm(tmp_path, NODES + JIA + YI), source=SOURCE)
    north = seg("9000:1")
    batch = ImportBatch.objects.create(filename="t.xlsx", sha256="0" * 64)
    c = Complaint.objects.create(order_no="T-1", received_at=timezone.now(), content="积存垃圾", unit_name="学院路街道",
                                 geom=north.geom.interpolate_normalized(0.5), location_precision="point",
                                 segment=north, batch=batch)

    report = network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)

    c.refresh_from_db()
    assert c.segment_id == seg("9000:0").pk  # the 未诉先办 forecast still counts it on 测试甲路
    assert any("12345诉求重新关联路段 1 条" in n for n in report.notes)
