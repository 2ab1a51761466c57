"""Coverage is history: a re-import that retires a segment, or a recomputation of a shift
after it, keeps the coverage stored on it."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from geodata.models import RoadSegment
from org.models import Team
from shifts.models import SegmentCoverage
from shifts.services.coverage import coverage_update
from shifts.services.shifts import shift_create, shift_end, shift_start

pytestmark = pytest.mark.django_db


def test_recomputing_a_shift_keeps_the_coverage_of_its_retired_segments():
    lead = get_user_model().objects.get(username="lead1")
    segment = RoadSegment.objects.order_by("id").first()
    shift = shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=dt.date(2026, 11, 27),
                         period="morning", segment_ids=[segment.pk])
    shift_start(actor=lead, shift_id=shift.pk)
    shift_end(actor=lead, shift_id=shift.pk)
    at = timezone.now()
    SegmentCoverage.objects.create(shift=shift, segment=segment, intervals=[[0, 10, at.timestamp(), at.timestamp(), 1]],
                                   covered_m=10, share=0.1, first_pass_at=at, last_pass_at=at, passes=1,
                                   computed_at=at)
    RoadSegment.objects.filter(pk=segment.pk).update(retired_at=at)  # a re-import took it out of the network

    result = coverage_update(shift_id=shift.pk)  # the fixes paint nothing on it any more

    assert result.rows_deleted == 0
    assert SegmentCoverage.objects.filter(shift=shift, segment=segment).count() == 1


def test_a_retired_segment_cannot_be_planned():
    from core.errors import ServiceError

    lead = get_user_model().objects.get(username="lead1")
    segment = RoadSegment.objects.order_by("id").first()
    RoadSegment.objects.filter(pk=segment.pk).update(retired_at=timezone.now())
    with pytest.raises(ServiceError, match="已停用"):
        shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=dt.date(2026, 11, 28),
                     period="morning", segment_ids=[segment.pk])


SOURCE = "moved-test"
# 测试丙路, off the demo roads: north from 39.9994 to 40.0010 (≈ 178 m), then on to 40.0016
NODES = "".join(f'<node id="{910000 + i}" version="1" lat="{39.9990 + i * 0.0004:.7f}" lon="116.3450"/>'
                for i in range(1, 8))


def _osm(tmp_path, last_node):
    way = ('<way id="9100" version="1">' + "".join(f'<nd ref="{910000 + i}"/>' for i in range(1, last_node + 1))
           + '<tag k="highway" v="residential"/><tag k="name" v="测试丙路"/></way>')
    p = tmp_path / f"moved{last_node}.osm"
    p.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="t">{NODES}{way}</osm>\n',
                 encoding="utf-8")
    return p


def _walked_shift(segment, *, end=True, day=dt.date(2026, 10, 20), area_ids=None, plan=None, lon=None):
    """A shift that walked the whole of `segment` (1.2 m/s, a fix every 5 s), ended (unless
    not `end`: still on duty), its coverage computed. It is planned with `segment`, or by
    `area_ids` when given, or with the segment `plan` (walking `segment` outside its plan).
    `lon`: it walked beside a south-north `segment`, at that longitude."""
    from pyproj import Transformer

    from org.models import Officer
    from shifts.services.fixes import FixIn, fixes_ingest

    lead = get_user_model().objects.get(username="lead1")
    plan = {"area_ids": area_ids} if area_ids else {"segment_ids": [(plan or segment).pk]}
    shift = shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=day, period="morning",
                         **plan)
    shift_start(actor=lead, shift_id=shift.pk)
    shift.refresh_from_db()
    to_wgs = Transformer.from_crs(segment.geom.srid, 4326, always_xy=True)
    t0 = dt.datetime.combine(day, dt.time(0, 30), tzinfo=dt.UTC)  # 08:30 in Beijing
    fixes = []
    for i in range(int(segment.geom.length / 6) + 1):
        p = segment.geom.interpolate(min(6.0 * i, segment.geom.length))
        x, lat = to_wgs.transform(p.x, p.y)
        fixes.append(FixIn(t=t0 + dt.timedelta(seconds=5 * i), lat=lat, lon=x if lon is None else lon, accuracy_m=5))
    fixes_ingest(actor=None, shift=shift, officer=Officer.objects.get(user__username="officer1"), device_id="g",
                 fixes=fixes, source="api", queue_coverage=False)
    if end:
        shift_end(actor=lead, shift_id=shift.pk, queue_coverage=False)
    coverage_update(shift_id=shift.pk)
    shift.refresh_from_db()
    return shift


def test_coverage_on_a_segment_whose_geometry_moved_is_measured_again(tmp_path, django_capture_on_commit_callbacks):
    """A re-import that lengthened a covered segment left its coverage as measured along the
    old line (the whole of it covered, share 1.0, on a segment now a third longer) and said
    nothing about it."""
    from django_tasks_db.models import DBTaskResult

    from geodata.services.network_import import network_import

    network_import(path=_osm(tmp_path, 5), source=SOURCE)
    segment = RoadSegment.objects.get(source=SOURCE)
    shift = _walked_shift(segment, end=False)  # on duty: it patrols the network as it is now
    row = SegmentCoverage.objects.get(shift=shift, segment=segment)
    assert row.share > 0.95
    other = SegmentCoverage.objects.filter(shift=shift).exclude(segment=segment)
    kept = {r.segment_id: (r.intervals, r.computed_at) for r in other}  # what it brushed nearby

    with django_capture_on_commit_callbacks(execute=True):
        report = network_import(path=_osm(tmp_path, 7), source=SOURCE)  # 测试丙路 goes on north
    segment.refresh_from_db()
    assert report.segments.moved_ids == [segment.pk] and segment.geom.length > 250
    assert any("几何有变化的路段中 1 条有覆盖记录或在班次轨迹附近：未结束的 1 个班次已排队" in n for n in report.notes)
    job = DBTaskResult.objects.get(task_path="shifts.tasks.coverage_for_segments")
    # with the live roads within 60 m of its old line, which its samples may now be nearest to
    assert job.args_kwargs["args"][0] == shift.pk and segment.pk in job.args_kwargs["args"][1]

    from shifts.tasks import coverage_for_segments

    coverage_for_segments.call(*job.args_kwargs["args"])
    row.refresh_from_db()
    walked = 6.0 * int(178 / 6)
    assert abs(row.covered_m - walked) < 15 and 0.6 < row.share < 0.75  # ≈ 178 m of ≈ 267 m
    assert {r.segment_id: (r.intervals, r.computed_at) for r in other} == kept  # only the moved one changed


def test_an_ended_shifts_coverage_on_a_moved_segment_stays_as_it_was_walked(tmp_path,
                                                                          django_capture_on_commit_callbacks):
    """An ended shift's plan is frozen with its lengths; measured again along a lengthened
    line, its walked-through segment read as two thirds covered against the frozen length (the
    summary then said 0 of 1 segments covered, 65 %, with 174 of 178 planned metres walked)."""
    from django_tasks_db.models import DBTaskResult

    from geodata.services.network_import import network_import
    from shifts.selectors.coverage import coverage_summary_of

    network_import(path=_osm(tmp_path, 5), source=SOURCE)
    segment = RoadSegment.objects.get(source=SOURCE)
    shift = _walked_shift(segment)
    summary = coverage_summary_of(shift)
    assert summary.segments_covered == 1 and summary.covered_share > 0.95
    rows = list(SegmentCoverage.objects.filter(shift=shift).order_by("segment_id").values_list(
        "segment_id", "intervals", "share", "computed_at"))
    with django_capture_on_commit_callbacks(execute=True):
        report = network_import(path=_osm(tmp_path, 7), source=SOURCE)
    assert any("已结束的 1 个班次保留结束时的覆盖记录" in n for n in report.notes)
    assert not DBTaskResult.objects.filter(task_path="shifts.tasks.coverage_for_segments").exists()
    assert list(SegmentCoverage.objects.filter(shift=shift).order_by("segment_id").values_list(
        "segment_id", "intervals", "share", "computed_at")) == rows
    assert coverage_summary_of(shift) == summary


def test_coverage_whose_fixes_are_gone_is_kept_as_it_was(tmp_path):
    """With the shift's days pruned there is nothing to measure again from: the stored
    coverage is all there is, and neither a re-measure nor a recomputation takes it away."""
    from django.db import connection

    from geodata.services.network_import import network_import

    network_import(path=_osm(tmp_path, 5), source=SOURCE)
    segment = RoadSegment.objects.get(source=SOURCE)
    shift = _walked_shift(segment)
    before = list(SegmentCoverage.objects.filter(shift=shift).order_by("segment_id").values_list(
        "segment_id", "intervals", "share"))
    with connection.cursor() as cur:
        cur.execute("DELETE FROM shifts_fix WHERE shift_id = %s", [shift.pk])  # as fixes_prune drops its day
    assert coverage_update(shift_id=shift.pk).rows_deleted == 0
    assert coverage_update(shift_id=shift.pk, segment_ids=[segment.pk]).rows_deleted == 0
    assert list(SegmentCoverage.objects.filter(shift=shift).order_by("segment_id").values_list(
        "segment_id", "intervals", "share")) == before


def _grid_along_jia():
    """A grid of the team's subdistrict around 测试甲路 (tests.network_osm), for a shift
    planned by areas."""
    from django.conf import settings
    from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

    from geodata.models import Area, AreaKind

    box = GEOSGeometry("POLYGON((116.3448 39.9992, 116.3452 39.9992, 116.3452 40.0011, 116.3448 40.0011, "
                       "116.3448 39.9992))", srid=4326)
    box.transform(settings.STORAGE_SRID)
    return Area.objects.create(name="甲路网格", kind=AreaKind.GRID, parent=Team.objects.get(name="执法一队").area,
                               geom=MultiPolygon(box), generated=True)


def test_both_pieces_of_a_split_segment_are_measured_from_the_track(tmp_path, django_capture_on_commit_callbacks):
    """A re-import that split a covered segment (测试乙路 now crosses 测试甲路: 9000:0 ends at
    the crossing, 9000:1 is new) measured the kept piece again along its shorter line but
    never the new one: the shift's fixes along the second half painted nothing any more, so
    its coverage dropped by half without a word. An ended shift keeps its record as walked."""
    from django_tasks_db.models import DBTaskResult

    from geodata.services.network_import import network_import
    from shifts.selectors.coverage import coverage_summary_of, planned_segments
    from shifts.tasks import coverage_for_segments
    from tests.network_osm import JIA, NODES, YI, osm

    network_import(path=osm(tmp_path, NODES + JIA, "jia.osm"), source="split-test")
    whole = RoadSegment.objects.get(source="split-test", key="9000:0")
    on_duty = _walked_shift(whole, end=False, day=dt.date(2026, 10, 21), area_ids=[_grid_along_jia().pk])
    ended = _walked_shift(whole, day=dt.date(2026, 10, 22))
    walked = SegmentCoverage.objects.get(shift=on_duty, segment=whole).covered_m
    assert walked > 0.95 * whole.geom.length  # ≈ 178 m: nodes 1..5, 4 × 0.0004° of latitude
    ended_rows = list(SegmentCoverage.objects.filter(shift=ended).order_by("segment_id").values_list(
        "segment_id", "intervals", "share", "computed_at"))
    ended_summary = coverage_summary_of(ended)

    with django_capture_on_commit_callbacks(execute=True):
        report = network_import(path=osm(tmp_path, NODES + JIA + YI, "jia-yi.osm"), source="split-test")
    first, second = (RoadSegment.objects.get(source="split-test", key=k) for k in ("9000:0", "9000:1"))
    assert report.segments.moved_ids == [first.pk]
    assert abs(first.geom.length - whole.geom.length / 2) < 1  # split at node 3, half way
    assert {first.pk, second.pk} <= set(planned_segments(on_duty).values_list("id", flat=True))
    # the new piece, and 测试乙路's two segments that the track crosses at node 3
    assert any("新进入路网的路段中 3 条在班次轨迹附近：未结束的 1 个班次已排队从定位点计算这些路段的覆盖" in n
               for n in report.notes), report.notes

    jobs = list(DBTaskResult.objects.filter(task_path="shifts.tasks.coverage_for_segments"))
    assert [j.args_kwargs["args"][0] for j in jobs] == [on_duty.pk]  # none for the ended shift
    assert {first.pk, second.pk} <= set(jobs[0].args_kwargs["args"][1])
    coverage_for_segments.call(*jobs[0].args_kwargs["args"])

    pieces = {r.segment_id: r for r in SegmentCoverage.objects.filter(shift=on_duty, segment__in=[first, second])}
    assert set(pieces) == {first.pk, second.pk}
    for piece in (first, second):  # each ≈ 89 m, walked end to end
        assert abs(pieces[piece.pk].covered_m - piece.geom.length) < 10 and pieces[piece.pk].share > 0.9
    assert abs(sum(r.covered_m for r in pieces.values()) - walked) < 10
    assert not SegmentCoverage.objects.filter(shift=on_duty, segment__key__startswith="9001:").exists()  # crossed
    summary = coverage_summary_of(on_duty)
    assert summary.segments_covered >= 2

    assert list(SegmentCoverage.objects.filter(shift=ended).order_by("segment_id").values_list(
        "segment_id", "intervals", "share", "computed_at")) == ended_rows
    assert coverage_summary_of(ended) == ended_summary


def test_a_retired_segment_found_again_is_measured_from_the_track(tmp_path, django_capture_on_commit_callbacks):
    """A segment kept retired for an ended shift's coverage and found again by a later import
    is live again with its id, not created: the fixes of a shift on duty that ran along it
    while it was out of the network painted the segment that stood in for it, and it must be
    measured from them like a new one."""
    from django_tasks_db.models import DBTaskResult

    from geodata.services.network_import import network_import
    from shifts.tasks import coverage_for_segments
    from tests.network_osm import JIA, NODES, YI, osm

    network_import(path=osm(tmp_path, NODES + JIA + YI, "jia-yi.osm"), source="revive-test")
    north = RoadSegment.objects.get(source="revive-test", key="9000:1")
    _walked_shift(north, day=dt.date(2026, 10, 23))  # ended: keeps `north` when it leaves the map
    network_import(path=osm(tmp_path, NODES + JIA, "jia.osm"), source="revive-test")  # 9000:0 is the whole road
    north.refresh_from_db()
    assert north.retired_at is not None
    on_duty = _walked_shift(north, end=False, day=dt.date(2026, 10, 24), area_ids=[_grid_along_jia().pk])
    assert not SegmentCoverage.objects.filter(shift=on_duty, segment=north).exists()  # out of the network

    with django_capture_on_commit_callbacks(execute=True):
        report = network_import(path=osm(tmp_path, NODES + JIA + YI, "jia-yi.osm"), source="revive-test")
    north.refresh_from_db()
    assert north.retired_at is None  # live again, the same row
    # it, and 测试乙路's two segments (created again: nothing kept them) that the track crosses
    assert any("新进入路网的路段中 3 条在班次轨迹附近：未结束的 1 个班次已排队" in n for n in report.notes), report.notes
    job = DBTaskResult.objects.get(task_path="shifts.tasks.coverage_for_segments")
    assert job.args_kwargs["args"][0] == on_duty.pk and north.pk in job.args_kwargs["args"][1]
    coverage_for_segments.call(*job.args_kwargs["args"])
    row = SegmentCoverage.objects.get(shift=on_duty, segment=north)
    assert abs(row.covered_m - north.geom.length) < 10 and row.share > 0.9
def test_an_ended_shift_is_drawn_where_it_walked_after_a_re_import_moved_its_segment(
        tmp_path, django_capture_on_commit_callbacks):
    """The API's covered intervals and the coverage map cut an ended shift's intervals from
    today's geometry: once a re-import moved the segment (here 8 m east), the shift's walk was
    drawn where nobody walked. A shift not yet ended is measured again along the new line and
    drawn along it."""
    from geodata.services.network_import import network_import
    from shifts.selectors.aggregates import CoverageChoice, coverage_map_data, coverage_report
    from shifts.selectors.coverage import shift_coverage_geojson
    from shifts.tasks import coverage_for_segments
    from tests.network_osm import JIA, osm
    from tests.network_osm import NODES as JIA_NODES

    network_import(path=osm(tmp_path, JIA_NODES + JIA, "jia.osm"), source="moved-jia")
    segment = RoadSegment.objects.get(source="moved-jia", key="9000:0")
    ended = _walked_shift(segment, day=dt.date(2026, 10, 20))
    on_duty = _walked_shift(segment, end=False, day=dt.date(2026, 10, 21))
    lead = get_user_model().objects.get(username="lead1")

    def drawn(shift):
        return [f["geometry"]["coordinates"] for f in shift_coverage_geojson(shift)["features"]
                if f["properties"]["segment"] == segment.pk]

    def mapped(shift):
        report = coverage_report(lead, CoverageChoice(day=shift.date, shift_id=shift.pk))
        data = coverage_map_data(lead, report)
        return ([f["geometry"]["coordinates"] for f in data["segments"]["features"]
                 if f["properties"]["segment"] == segment.pk], report.segments[segment.pk]["share"])

    def mean_lon(lines):
        points = [p for line in lines for p in line]
        return sum(p[0] for p in points) / len(points)

    ended_before, ended_map_before, on_duty_before = drawn(ended), mapped(ended), drawn(on_duty)
    assert ended_before and on_duty_before and ended_map_before[1] > 0.95

    moved = JIA_NODES.replace('lon="116.3450"', 'lon="116.3451"').replace('version="1"', 'version="2"')
    with django_capture_on_commit_callbacks(execute=True):
        report = network_import(path=osm(tmp_path, moved + JIA, "jia-moved.osm"), source="moved-jia")
    assert report.segments.moved_ids == [segment.pk]
    coverage_for_segments.call(on_duty.pk, [segment.pk])  # the job the import queued for it

    assert drawn(ended) == ended_before
    assert mapped(ended) == ended_map_before
    on_duty_after = drawn(on_duty)
    assert on_duty_after and 0.00008 < mean_lon(on_duty_after) - mean_lon(on_duty_before) < 0.00012
    assert 0.00008 < mean_lon(mapped(on_duty)[0]) - mean_lon(ended_map_before[0]) < 0.00012


def test_an_ended_shift_is_drawn_where_it_walked_a_segment_outside_its_plan_after_re_imports(
        tmp_path, django_capture_on_commit_callbacks):
    """Only the plan's segments had their lines frozen when the shift ended: a segment walked
    outside the plan was drawn along today's line once a re-import moved it. Its line before
    each move is kept now, and the shift is drawn along the first after it ended."""
    from geodata.services.network_import import network_import
    from shifts.models import MovedSegmentLine
    from shifts.selectors.coverage import planned_segments, shift_coverage_geojson
    from tests.network_osm import JIA, osm
    from tests.network_osm import NODES as JIA_NODES

    network_import(path=osm(tmp_path, JIA_NODES + JIA, "jia.osm"), source="moved-jia")
    segment = RoadSegment.objects.get(source="moved-jia", key="9000:0")
    elsewhere = RoadSegment.objects.exclude(source="moved-jia").order_by("id").first()
    ended = _walked_shift(segment, day=dt.date(2026, 10, 20), plan=elsewhere)
    assert list(planned_segments(ended).values_list("id", flat=True)) == [elsewhere.pk]

    def drawn():
        return [f["geometry"]["coordinates"] for f in shift_coverage_geojson(ended)["features"]
                if f["properties"]["segment"] == segment.pk]

    before = drawn()
    assert before
    for n, lon in enumerate(("116.3451", "116.3452"), start=2):
        moved = JIA_NODES.replace('lon="116.3450"', f'lon="{lon}"').replace('version="1"', f'version="{n}"')
        with django_capture_on_commit_callbacks(execute=True):
            report = network_import(path=osm(tmp_path, moved + JIA, f"jia-moved{n}.osm"), source="moved-jia")
        assert report.segments.moved_ids == [segment.pk]
        assert any("已结束的 1 个班次保留结束时的覆盖记录" in note for note in report.notes)
        assert drawn() == before
    assert MovedSegmentLine.objects.filter(segment=segment).count() == 2  # one a move, whatever the shifts


def test_a_choice_mixing_an_ended_shift_with_a_later_one_carries_its_walk_onto_todays_line(tmp_path):
    """With a shift not yet ended planning it too, a segment is drawn along today's line; the
    ended shift's intervals, measured from the old line's start, were read from the new
    line's start: a re-import that lengthened the road southwards showed its north end as
    the gap, where the ended shift had walked, and the new southern piece as walked."""
    from geodata.services.network_import import network_import
    from shifts.selectors.aggregates import CoverageChoice, coverage_map_data, coverage_report
    from tests.network_osm import JIA, osm
    from tests.network_osm import NODES as JIA_NODES

    network_import(path=osm(tmp_path, JIA_NODES + JIA, "jia.osm"), source="moved-jia")
    segment = RoadSegment.objects.get(source="moved-jia", key="9000:0")
    ended = _walked_shift(segment, day=dt.date(2026, 10, 20))
    lead = get_user_model().objects.get(username="lead1")
    later = shift_create(actor=lead, team_id=ended.team_id, date=dt.date(2026, 10, 21), period="morning",
                         segment_ids=[segment.pk])
    shift_start(actor=lead, shift_id=later.pk)

    south = '<node id="900000" version="1" lat="39.9990000" lon="116.3450"/>'
    longer = JIA.replace('version="1">', 'version="2"><nd ref="900000"/>', 1)
    report = network_import(path=osm(tmp_path, south + JIA_NODES + longer, "jia-longer.osm"), source="moved-jia")
    assert report.segments.moved_ids == [segment.pk]

    week = coverage_report(lead, CoverageChoice(day=ended.date, scope="week", team_id=ended.team_id))
    assert sorted(s["id"] for s in week.shifts) == sorted([ended.pk, later.pk])
    gaps = [f["geometry"]["coordinates"] for f in coverage_map_data(lead, week)["gaps"]["features"]
            if f["properties"]["segment"] == segment.pk]
    # the gap is the new southern piece (39.9990 to 39.9994), nothing the ended shift walked
    assert len(gaps) == 1 and all(lat < 39.99945 for _, lat in gaps[0])


def test_an_explicit_plan_holds_both_pieces_of_a_split_segment(tmp_path, django_capture_on_commit_callbacks):
    """A shift on duty that planned 测试甲路 (9000:0) explicitly kept only 9000:0 after a
    re-import split it at the crossing with 测试乙路 (9000:0 its first half, 9000:1 new): its
    planned length halved. It now holds both pieces, the same length in all; an ended shift's
    plan is frozen as it stood."""
    from geodata.services.network_import import network_import
    from shifts.selectors.coverage import planned_segments
    from tests.network_osm import JIA, NODES, YI, osm

    network_import(path=osm(tmp_path, NODES + JIA, "jia.osm"), source="split-plan")
    whole = RoadSegment.objects.get(source="split-plan", key="9000:0")
    on_duty = _walked_shift(whole, end=False, day=dt.date(2026, 10, 21))
    ended = _walked_shift(whole, day=dt.date(2026, 10, 22))
    ended_plan = sorted(planned_segments(ended).values_list("id", "plan_length_m"))
    assert [sid for sid, _ in ended_plan] == [whole.pk]

    with django_capture_on_commit_callbacks(execute=True):
        network_import(path=osm(tmp_path, NODES + JIA + YI, "jia-yi.osm"), source="split-plan")
    first, second = (RoadSegment.objects.get(source="split-plan", key=k) for k in ("9000:0", "9000:1"))
    plan = dict(planned_segments(on_duty).values_list("id", "plan_length_m"))
    assert set(plan) == {first.pk, second.pk}  # not 测试乙路's segments, which only cross it
    assert abs(sum(plan.values()) - whole.length_m) < 1
    assert sorted(planned_segments(ended).values_list("id", "plan_length_m")) == ended_plan


def test_a_merged_stretch_counts_once_in_a_shift_on_duty(tmp_path, django_capture_on_commit_callbacks):
    """A re-import that merged 9000:1 (R, walked) into its neighbour 9000:0 (N, lengthened
    over R's stretch: 测试乙路 gone, 测试甲路 one segment again) kept R beside N in the plan
    of the shift on duty because R had coverage: R's length was planned twice, and N, which
    the shift had no coverage on, was never measured from the fixes along R."""
    from django_tasks_db.models import DBTaskResult

    from geodata.services.network_import import network_import
    from shifts.selectors.coverage import coverage_summary_of, planned_segments
    from shifts.tasks import coverage_for_segments
    from tests.network_osm import JIA, NODES, YI, osm

    network_import(path=osm(tmp_path, NODES + JIA + YI, "jia-yi.osm"), source="merge-test")
    north = RoadSegment.objects.get(source="merge-test", key="9000:1")
    on_duty = _walked_shift(north, end=False, day=dt.date(2026, 10, 25))
    walked = SegmentCoverage.objects.get(shift=on_duty, segment=north).covered_m

    with django_capture_on_commit_callbacks(execute=True):
        network_import(path=osm(tmp_path, NODES + JIA, "jia.osm"), source="merge-test")
    whole = RoadSegment.objects.get(source="merge-test", key="9000:0")
    north.refresh_from_db()
    assert north.retired_at is not None  # kept for the coverage on it
    for job in DBTaskResult.objects.filter(task_path="shifts.tasks.coverage_for_segments"):
        coverage_for_segments.call(*job.args_kwargs["args"])

    plan = dict(planned_segments(on_duty).values_list("id", "plan_length_m"))
    assert plan.keys() == {whole.pk}  # R's stretch is in N
    row = SegmentCoverage.objects.get(shift=on_duty, segment=whole)
    assert abs(row.covered_m - walked) < 10  # the fixes along R, measured on N
    summary = coverage_summary_of(on_duty)
    assert abs(summary.planned_m - whole.length_m) < 1
    assert abs(summary.covered_share - walked / whole.length_m) < 0.06  # ≈ half, not R's and N's both


def test_a_merged_stretch_counts_once_in_a_shift_on_duty_planned_by_areas(tmp_path,
                                                                         django_capture_on_commit_callbacks):
    """The same merge for a shift planned by areas: its plan on the network as it is now
    held the retired 9000:1 (it had coverage on it) beside 9000:0 drawn over it, and counted
    that stretch twice."""
    from django_tasks_db.models import DBTaskResult

    from geodata.services.network_import import network_import
    from shifts.selectors.coverage import coverage_summary_of, planned_segments
    from shifts.tasks import coverage_for_segments
    from tests.network_osm import JIA, NODES, YI, osm

    network_import(path=osm(tmp_path, NODES + JIA + YI, "jia-yi.osm"), source="merge-areas")
    north = RoadSegment.objects.get(source="merge-areas", key="9000:1")
    on_duty = _walked_shift(north, end=False, day=dt.date(2026, 10, 26), area_ids=[_grid_along_jia().pk])
    walked = SegmentCoverage.objects.get(shift=on_duty, segment=north).covered_m

    with django_capture_on_commit_callbacks(execute=True):
        network_import(path=osm(tmp_path, NODES + JIA, "jia.osm"), source="merge-areas")
    whole = RoadSegment.objects.get(source="merge-areas", key="9000:0")
    for job in DBTaskResult.objects.filter(task_path="shifts.tasks.coverage_for_segments"):
        coverage_for_segments.call(*job.args_kwargs["args"])

    plan = dict(planned_segments(on_duty).values_list("id", "plan_length_m"))
    assert whole.pk in plan and north.pk not in plan
    summary = coverage_summary_of(on_duty)
    assert abs(summary.planned_m - sum(plan.values())) < 1
    assert abs(summary.covered_share * summary.planned_m - walked) < 10  # once, not R's and N's both


def test_a_road_added_where_the_track_ran_takes_its_walk_from_the_road_beside_it(
        tmp_path, django_capture_on_commit_callbacks):
    """A shift walked 13 m east of 测试丙路, the only road there, which it painted; a re-import
    then drew 测试丁路 where the walk ran. The new road was measured from the track, but the
    old one kept the stretch as well, so one walk counted twice. Both are measured again now,
    each sample for the road it runs nearest to."""
    from geodata.services.network_import import network_import
    from shifts.tasks import coverage_for_segments

    east = "".join(f'<node id="{920000 + i}" version="1" lat="{39.9990 + i * 0.0004:.7f}" lon="116.34515"/>'
                   for i in range(1, 6))
    ding = ('<way id="9200" version="1">' + "".join(f'<nd ref="{920000 + i}"/>' for i in range(1, 6))
            + '<tag k="highway" v="residential"/><tag k="name" v="测试丁路"/></way>')
    network_import(path=_osm(tmp_path, 5), source=SOURCE)
    bing = RoadSegment.objects.get(source=SOURCE)
    shift = _walked_shift(bing, end=False, day=dt.date(2026, 10, 24), lon=116.34515)
    assert SegmentCoverage.objects.get(shift=shift, segment=bing).share > 0.9

    path = tmp_path / "with-ding.osm"
    path.write_text(_osm(tmp_path, 5).read_text(encoding="utf-8").replace("</osm>", east + ding + "</osm>"),
                    encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        network_import(path=path, source=SOURCE)
    ding_segment = RoadSegment.objects.get(source=SOURCE, road__name="测试丁路")
    from django_tasks_db.models import DBTaskResult

    job = DBTaskResult.objects.get(task_path="shifts.tasks.coverage_for_segments")
    assert job.args_kwargs["args"][0] == shift.pk and {bing.pk, ding_segment.pk} <= set(job.args_kwargs["args"][1])
    coverage_for_segments.call(*job.args_kwargs["args"])

    assert SegmentCoverage.objects.get(shift=shift, segment=ding_segment).share > 0.9
    kept = SegmentCoverage.objects.filter(shift=shift, segment=bing).first()
    assert kept is None or kept.share < 0.1


# a second crossing road, at node 2 of 测试甲路 (tests.network_osm)
WU_NODES = ('<node id="900020" version="1" lat="39.9998" lon="116.3445"/>'
            '<node id="900021" version="1" lat="39.9998" lon="116.3455"/>')
WU = ('<way id="9002" version="1"><nd ref="900020"/><nd ref="900002"/><nd ref="900021"/>'
      '<tag k="highway" v="residential"/><tag k="name" v="测试戊路"/></way>')


def test_a_split_that_renumbers_a_ways_pieces_keeps_each_plan_on_its_stretch(
        tmp_path, django_capture_on_commit_callbacks):
    """Found in review: a segment's key is its way and its place along it, so a road added
    across 测试甲路 before its crossing with 测试乙路 gave 9000:1 (nodes 3-5) to the stretch of
    nodes 2-3. A shift planning 9000:0 (nodes 1-3) kept only its first half; one planning 9000:1
    got 2-3 and 3-5, and its covered share fell from 95 % to 63 %, with no word in the report.
    Each plan holds the segments along its old stretch now, and the report counts both."""
    from django_tasks_db.models import DBTaskResult

    from geodata.services.network_import import network_import
    from shifts.selectors.coverage import coverage_summary_of
    from shifts.tasks import coverage_for_segments
    from tests.network_osm import JIA, NODES, YI, osm

    network_import(path=osm(tmp_path, NODES + JIA + YI, "a.osm"), source="renumbered")
    south = RoadSegment.objects.get(source="renumbered", key="9000:0")  # nodes 1-3
    north = RoadSegment.objects.get(source="renumbered", key="9000:1")  # nodes 3-5
    shifts = [_walked_shift(south, end=False, day=dt.date(2026, 10, 21)),
              _walked_shift(north, end=False, day=dt.date(2026, 10, 22))]
    before = [coverage_summary_of(s) for s in shifts]

    with django_capture_on_commit_callbacks(execute=True):
        report = network_import(path=osm(tmp_path, NODES + WU_NODES + JIA + YI + WU, "b.osm"), source="renumbered")
    assert any(n.startswith("未结束的班次 2 个：") for n in report.notes), report.notes
    for job in DBTaskResult.objects.filter(task_path="shifts.tasks.coverage_for_segments"):
        coverage_for_segments.call(*job.args_kwargs["args"])
    keys = {s.pk: sorted(RoadSegment.objects.filter(pk__in=s.segments.all()).values_list("key", flat=True))
            for s in shifts}
    assert keys == {shifts[0].pk: ["9000:0", "9000:1"], shifts[1].pk: ["9000:2"]}
    for shift, was in zip(shifts, before, strict=True):
        now = coverage_summary_of(shift)
        assert abs(now.planned_m - was.planned_m) < 2 and now.covered_share > 0.9, (was, now)


def test_a_plan_left_with_nothing_is_said_so_in_the_report(tmp_path):
    """Found in review: a shift planning only a road the import removed, with nothing along it
    any more, was reported among those whose segments were 换成了沿线的新路段; it had none."""
    from geodata.services.network_import import network_import
    from tests.network_osm import JIA, NODES, osm

    network_import(path=osm(tmp_path, NODES + JIA, "a.osm"), source="emptied")
    lead = get_user_model().objects.get(username="lead1")
    shift = shift_create(actor=lead, team_id=Team.objects.get(name="执法一队").pk, date=dt.date(2026, 10, 25),
                         period="morning", segment_ids=[RoadSegment.objects.get(source="emptied").pk])
    report = network_import(path=osm(tmp_path, WU_NODES + NODES + WU, "b.osm"), source="emptied")  # 甲路 gone
    assert not shift.segments.exists()
    assert any(f"其中 1 个班次（编号 {shift.pk}）沿线已没有路段，计划已空，请重新安排" in n for n in report.notes), report.notes


def test_a_short_way_across_a_line_does_not_lie_along_it(tmp_path):
    """segments_along took a way of 8 m crossing the line for one of its pieces (all of it lies
    within 5 m of the line): a plan would have taken it in place of the stretch."""
    from geodata.services.network_import import network_import
    from shifts.selectors.network import segments_along
    from tests.network_osm import JIA, NODES, osm

    short = ('<node id="900030" version="1" lat="39.9998" lon="116.34495"/>'
             '<node id="900031" version="1" lat="39.9998" lon="116.34505"/>'
             '<way id="9003" version="1"><nd ref="900030"/><nd ref="900002"/><nd ref="900031"/>'
             '<tag k="highway" v="footway"/><tag k="name" v="测试短路"/></way>')
    network_import(path=osm(tmp_path, NODES + JIA + short, "a.osm"), source="short")
    jia = list(RoadSegment.objects.filter(source="short", road__name="测试甲路"))
    crossing = list(RoadSegment.objects.filter(source="short", road__name="测试短路"))  # two pieces of 4 m
    assert crossing and all(c.geom.length < 5 for c in crossing)
    for seg in jia:
        found = segments_along(seg.geom)
        assert seg.pk in found and not found & {c.pk for c in crossing}


DING_EAST = "".join(f'<node id="{920000 + i}" version="1" lat="{39.9990 + i * 0.0004:.7f}" lon="116.34515"/>'
                    for i in range(1, 6))
DING = ('<way id="9200" version="1">' + "".join(f'<nd ref="{920000 + i}"/>' for i in range(1, 6))
        + '<tag k="highway" v="residential"/><tag k="name" v="测试丁路"/></way>')



def _with_ding(tmp_path, name, nodes):
    """测试丙路 (the module's _osm) with 测试丁路 on `nodes` (DING_EAST: 13 m east of it)."""
    path = tmp_path / name
    path.write_text(_osm(tmp_path, 5).read_text(encoding="utf-8").replace("</osm>", nodes + DING + "</osm>"),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("change", ["removed", "moved_away"])
def test_the_road_beside_takes_the_walk_when_the_road_that_painted_it_goes(
        tmp_path, django_capture_on_commit_callbacks, change):
    """Found in review, the mirror of the road added where the track ran: a shift on duty
    planned 测试丙路 and walked 测试丁路, 13 m east, which painted the walk. When a re-import
    took 测试丁路 away (or re-drew it 60 m farther east), the planned road stayed at 0 % until
    the shift ended. The roads within 60 m of the old line are measured again now."""
    from django_tasks_db.models import DBTaskResult

    from geodata.services.network_import import network_import
    from shifts.selectors.coverage import coverage_summary_of
    from shifts.tasks import coverage_for_segments

    network_import(path=_with_ding(tmp_path, "a.osm", DING_EAST), source=SOURCE)
    bing = RoadSegment.objects.get(source=SOURCE, road__name="测试丙路")
    ding = RoadSegment.objects.get(source=SOURCE, road__name="测试丁路")
    shift = _walked_shift(ding, end=False, day=dt.date(2026, 10, 24), plan=bing)
    assert coverage_summary_of(shift).covered_share < 0.1

    away = DING_EAST.replace('lon="116.34515"', 'lon="116.3460"').replace('version="1"', 'version="2"')
    with django_capture_on_commit_callbacks(execute=True):
        report = network_import(path=_osm(tmp_path, 5) if change == "removed" else _with_ding(tmp_path, "b.osm", away),
                                source=SOURCE)
    assert any("未结束班次 1 个：已排队从定位点重新计算其旁边道路的覆盖" in n for n in report.notes), report.notes
    for job in DBTaskResult.objects.filter(task_path="shifts.tasks.coverage_for_segments"):
        coverage_for_segments.call(*job.args_kwargs["args"])
    assert coverage_summary_of(shift).covered_share > 0.9


def test_an_ended_shift_computed_again_after_a_re_import_keeps_its_walk(tmp_path, django_capture_on_commit_callbacks):
    """Found in review: the end's recomputation run late (a worker behind, or `manage.py
    coverage_update --shift`) after an import that lengthened the walked segment measured the
    walk along the new line: 98 % and 1 of 1 segments covered became 65 % and 0 of 1. A late
    GPS file mixed the two frames in one row. The rows of segments moved since the shift
    ended are measured along the line it walked (as the network stood when it ended), so the
    late file's walk adds to them in the same frame."""
    from pyproj import Transformer

    from geodata.services.network_import import network_import
    from org.models import Officer
    from shifts.selectors.coverage import coverage_summary_of
    from shifts.services.fixes import FixIn, track_import
    from shifts.tasks import coverage_for_batch

    network_import(path=_osm(tmp_path, 5), source=SOURCE)
    segment = RoadSegment.objects.get(source=SOURCE)
    shift = _walked_shift(segment, day=dt.date(2026, 10, 20))
    shift.members.add(Officer.objects.get(user__username="officer2"))
    before = coverage_summary_of(shift)
    rows = list(SegmentCoverage.objects.filter(shift=shift).order_by("segment_id").values_list(
        "segment_id", "intervals", "share"))
    with django_capture_on_commit_callbacks(execute=True):
        network_import(path=_osm(tmp_path, 7), source=SOURCE)  # 测试丙路 goes on north

    coverage_update(shift_id=shift.pk)  # the end's recomputation, run after the import
    assert coverage_summary_of(shift) == before
    # officer2's GPS file of the same walk, read out after the import
    segment.refresh_from_db()
    to_wgs = Transformer.from_crs(segment.geom.srid, 4326, always_xy=True)
    t0 = dt.datetime.combine(shift.date, dt.time(0, 31), tzinfo=dt.UTC)
    fixes = []
    for i in range(30):
        lon, lat = to_wgs.transform(*segment.geom.interpolate(6.0 * i).coords)
        fixes.append(FixIn(t=t0 + dt.timedelta(seconds=5 * i), lat=lat, lon=lon, accuracy_m=5))
    coverage_for_batch.call(track_import(shift_id=shift.pk, username="officer2", device_id="garmin",
                                         fixes=fixes).batch_id)
    after = list(SegmentCoverage.objects.filter(shift=shift).order_by("segment_id").values_list(
        "segment_id", "intervals", "share"))
    # measured along the line it walked, the same stretch: the same measures and share, one
    # visit (the two walks overlap in time), seen last when officer2 was (that file is painted)
    assert [(sid, [iv[:3] + iv[4:] for iv in ivs], share) for sid, ivs, share in after] == [
        (sid, [iv[:3] + iv[4:] for iv in ivs], share) for sid, ivs, share in rows]
    walked = next(ivs for sid, ivs, _ in after if sid == segment.pk)
    assert walked[0][3] == fixes[-1].t.timestamp()
    assert coverage_summary_of(shift) == before


def test_an_ended_shift_computed_again_does_not_count_a_walk_on_the_road_beside_too(
        tmp_path, django_capture_on_commit_callbacks):
    """Found in review of the fix above: once the rows of a moved segment were kept, computing the
    ended shift again gave the samples that were that segment's to the road beside its old line
    (the planned 测试丙路 here), so one walk counted on both: 0 % planned became 93 %. The roads
    within 60 m of a line the shift walked elsewhere keep their rows too."""
    from geodata.services.network_import import network_import
    from shifts.selectors.coverage import coverage_summary_of

    network_import(path=_with_ding(tmp_path, "a.osm", DING_EAST), source=SOURCE)
    bing = RoadSegment.objects.get(source=SOURCE, road__name="测试丙路")
    ding = RoadSegment.objects.get(source=SOURCE, road__name="测试丁路")
    shift = _walked_shift(ding, day=dt.date(2026, 10, 24), plan=bing)  # ended; walked 测试丁路, off its plan
    before = coverage_summary_of(shift)
    rows = sorted(SegmentCoverage.objects.filter(shift=shift).values_list("segment_id", "intervals"))
    away = DING_EAST.replace('lon="116.34515"', 'lon="116.3460"').replace('version="1"', 'version="2"')
    with django_capture_on_commit_callbacks(execute=True):
        network_import(path=_with_ding(tmp_path, "b.osm", away), source=SOURCE)
    coverage_update(shift_id=shift.pk)  # the end's recomputation run late, or manage.py coverage_update
    assert coverage_summary_of(shift) == before
    assert sorted(SegmentCoverage.objects.filter(shift=shift).values_list("segment_id", "intervals")) == rows
