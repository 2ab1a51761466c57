"""A GPS device's file read out after its shift ended, and after a re-import of the road
network moved roads the shift walked: the file is painted onto the segments it passes, as
the network stood when the shift ended (the frame its plan and stored coverage are in)."""
import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from pyproj import Transformer

from geodata.models import RoadSegment
from geodata.services.network_import import network_import
from org.models import Team
from shifts.models import FixBatch, SegmentCoverage
from shifts.selectors.coverage import coverage_summary_of, shift_coverage_geojson
from shifts.services.shifts import shift_create, shift_end, shift_start
from shifts.tasks import coverage_for_batch
from tests.network_osm import JIA, NODES, YI, osm

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 10, 20)
T0 = dt.datetime.combine(DAY, dt.time(0, 30), tzinfo=dt.UTC)  # 08:30 in Beijing, the morning shift
SOURCE = "late-file"
# 测试庚路: a road 43 m east of 测试甲路 (lon 116.3455 against 116.3450), north from 39.9994 to 40.0010;
# no path sample of a walk along one is within the coverage tolerance (30 m) of the other
GENG_NODES = "".join(f'<node id="{930000 + i}" version="1" lat="{39.9990 + i * 0.0004:.7f}" lon="116.3455"/>'
                     for i in range(1, 6))
GENG = ('<way id="9300" version="1">' + "".join(f'<nd ref="{930000 + i}"/>' for i in range(1, 6))
        + '<tag k="highway" v="residential"/><tag k="name" v="测试庚路"/></way>')


def _moved(nodes: str) -> str:
    """测试甲路 and 测试乙路 re-drawn 8.5 m east (a survey corrected them)."""
    return nodes.replace('lon="116.3450"', 'lon="116.3451"').replace('version="1"', 'version="2"')


def _ended_shift(plan: list[int]):
    """A morning shift planned with `plan`, started and ended with no fix at all: its
    members carried GPS loggers, read out later."""
    lead = get_user_model().objects.get(username="lead1")
    shift = shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=DAY, period="morning",
                         segment_ids=plan)
    shift_start(actor=lead, shift_id=shift.pk)
    shift_end(actor=lead, shift_id=shift.pk, queue_coverage=False)
    shift.refresh_from_db()
    return shift


def _gpx_along(segments, tmp_path, name="logger.gpx") -> str:
    """A GPX file of a walk along `segments` one after the other, as they lie now (1.2 m/s,
    a fix every 5 s), starting at 08:30 Beijing time."""
    to_wgs = Transformer.from_crs(segments[0].geom.srid, 4326, always_xy=True)
    rows, i = [], 0
    for seg in segments:
        for k in range(int(seg.geom.length / 6) + 1):
            lon, lat = to_wgs.transform(*seg.geom.interpolate(min(6.0 * k, seg.geom.length)).coords)
            t = (T0 + dt.timedelta(seconds=5 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append(f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><time>{t}</time></trkpt>')
            i += 1
    path = tmp_path / name
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="t" '
                    'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>' + "".join(rows)
                    + "</trkseg></trk></gpx>", encoding="utf-8")
    return str(path)


def _import_late(path, shift) -> None:
    """`manage.py import_track` of the file as officer1's, and the job it queued, run."""
    out = io.StringIO()
    call_command("import_track", path, "--shift", str(shift.pk), "--officer", "officer1", stdout=out,
                 stderr=io.StringIO())
    assert "已导入" in out.getvalue(), out.getvalue()
    coverage_for_batch.call(FixBatch.objects.filter(shift=shift).latest("pk").pk)


def test_a_late_file_is_painted_onto_the_planned_segment_a_re_import_moved(tmp_path):
    """Found in review: the shift planned 测试甲路's southern half, its logger was read out
    after a re-import re-drawn the road 8.5 m east, and the file, walking the whole of it,
    painted nothing: an ended shift's rows on moved segments were held as measured, and a
    segment with no row was held just the same. It is painted along the line the shift walked
    (its plan's, frozen when it ended), so its share reads against the planned length."""
    network_import(path=osm(tmp_path, NODES + JIA + YI, "a.osm"), source=SOURCE)
    south = RoadSegment.objects.get(source=SOURCE, key="9000:0")
    shift = _ended_shift([south.pk])
    report = network_import(path=osm(tmp_path, _moved(NODES) + JIA + YI, "b.osm"), source=SOURCE)
    assert south.pk in report.segments.moved_ids
    south.refresh_from_db()

    _import_late(_gpx_along([south], tmp_path), shift)

    row = SegmentCoverage.objects.filter(shift=shift, segment=south).first()
    assert row is not None and row.share > 0.9
    summary = coverage_summary_of(shift)
    assert summary.segments_covered == 1 and summary.covered_share > 0.9
    # drawn where the plan's line was when the shift ended (116.3450), not 8.5 m east
    lons = [p[0] for f in shift_coverage_geojson(shift)["features"] if f["properties"]["segment"] == south.pk
            for p in f["geometry"]["coordinates"]]
    assert lons and all(abs(lon - 116.3450) < 0.00002 for lon in lons)


def test_a_late_file_is_painted_onto_a_road_near_one_a_re_import_moved(tmp_path):
    """The same file walking 测试庚路, 43 m east of the moved 测试甲路 and unchanged: every
    live segment within 60 m of a line the ended shift walked elsewhere was held too, so the
    walk of a road nobody re-drew counted for nothing."""
    network_import(path=osm(tmp_path, NODES + JIA + YI + GENG_NODES + GENG, "a.osm"), source=SOURCE)
    south = RoadSegment.objects.get(source=SOURCE, key="9000:0")
    geng = RoadSegment.objects.get(source=SOURCE, key="9300:0")
    shift = _ended_shift([south.pk, geng.pk])
    report = network_import(path=osm(tmp_path, _moved(NODES) + JIA + YI + GENG_NODES + GENG, "b.osm"),
                            source=SOURCE)
    assert south.pk in report.segments.moved_ids and geng.pk not in report.segments.moved_ids

    _import_late(_gpx_along([geng], tmp_path), shift)

    row = SegmentCoverage.objects.filter(shift=shift, segment=geng).first()
    assert row is not None and row.share > 0.9
    assert not SegmentCoverage.objects.filter(shift=shift, segment=south).exists()


def test_a_late_file_after_a_split_counts_its_walk_once_on_the_planned_segment(tmp_path):
    """A re-import split the planned 测试甲路 (9000:0, one segment) at a new crossing road: 9000:0
    kept its first half, 9000:1 took the rest. The late file walking the whole road painted
    nothing on 9000:0 (held) and the northern half on 9000:1, which the ended plan never
    had: 0 of 1 planned segments covered. Measured on the network as it stood when the shift
    ended, the walk is the plan's one segment, whole, and 9000:1 takes none of it."""
    network_import(path=osm(tmp_path, NODES + JIA, "a.osm"), source=SOURCE)
    whole = RoadSegment.objects.get(source=SOURCE, key="9000:0")
    shift = _ended_shift([whole.pk])
    network_import(path=osm(tmp_path, NODES + JIA + YI, "b.osm"), source=SOURCE)
    first, second = (RoadSegment.objects.get(source=SOURCE, key=k) for k in ("9000:0", "9000:1"))
    assert first.pk == whole.pk and first.geom.length < 0.6 * whole.geom.length

    _import_late(_gpx_along([first, second], tmp_path), shift)

    row = SegmentCoverage.objects.filter(shift=shift, segment=whole).first()
    assert row is not None and row.share > 0.9
    assert not SegmentCoverage.objects.filter(shift=shift, segment=second).exists()
    summary = coverage_summary_of(shift)
    assert summary.segments_covered == 1 and summary.covered_share > 0.9


def test_a_late_file_lands_on_the_planned_segment_a_re_import_gave_a_new_id(tmp_path):
    """The way of 测试甲路 came back under another OSM id: the planned segment was retired (kept
    for the plan) and a new one drawn along it. The late file painted the new one, outside the
    ended plan, which read 0 % covered; it is painted on the planned one, as it stood."""
    network_import(path=osm(tmp_path, NODES + JIA, "a.osm"), source=SOURCE)
    planned = RoadSegment.objects.get(source=SOURCE, key="9000:0")
    shift = _ended_shift([planned.pk])
    network_import(path=osm(tmp_path, NODES + JIA.replace('way id="9000"', 'way id="9010"'), "b.osm"),
                   source=SOURCE)
    planned.refresh_from_db()
    new = RoadSegment.objects.get(source=SOURCE, key="9010:0")
    assert planned.retired_at is not None

    _import_late(_gpx_along([new], tmp_path), shift)

    row = SegmentCoverage.objects.filter(shift=shift, segment=planned).first()
    assert row is not None and row.share > 0.9
    assert not SegmentCoverage.objects.filter(shift=shift, segment=new).exists()
    assert coverage_summary_of(shift).segments_covered == 1
