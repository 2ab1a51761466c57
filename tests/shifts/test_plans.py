"""A shift's plan is history once the shift has ended: its planned segments cannot be
deleted from under it (only coverage was protected), and the plan of a shift planned by
areas is what it was when the shift ended, not what today's network has in those areas."""
import datetime as dt
import importlib
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import connection
from django.db.models import ProtectedError

from geodata.models import Area, AreaKind, RoadSegment
from geodata.services.network_import import network_import
from org.models import Team
from shifts.models import EndedPlanSegment, SegmentCoverage
from shifts.selectors.aggregates import CoverageChoice, coverage_report
from shifts.selectors.coverage import coverage_summary_of, planned_segments
from shifts.selectors.handover import shift_handover
from shifts.services.shifts import shift_create, shift_end, shift_start
from tests.network_osm import JIA, NODES, YI
from tests.network_osm import osm as _osm

pytestmark = pytest.mark.django_db
BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
SOURCE = "plan-test"

def osm(tmp_path, body, name="plans.osm"):
    return _osm(tmp_path, body, name)


def seg(key):
    return RoadSegment.objects.get(source=SOURCE, key=key)


def lead():
    return get_user_model().objects.get(username="lead1")


def team():
    return Team.objects.get(name="执法一队")


def grid_around_the_test_roads() -> Area:
    """A grid of the team's subdistrict around 测试甲路 and 乙路 (and two long demo segments)."""
    box = GEOSGeometry("POLYGON((116.3443 39.9992, 116.3457 39.9992, 116.3457 40.0011, 116.3443 40.0011, "
                       "116.3443 39.9992))", srid=4326)
    box.transform(settings.STORAGE_SRID)
    return Area.objects.create(name="测试网格", kind=AreaKind.GRID, parent=team().area, geom=MultiPolygon(box),
                               generated=True)


def ended(shift):
    shift_start(actor=lead(), shift_id=shift.pk)
    shift_end(actor=lead(), shift_id=shift.pk, queue_coverage=False)
    shift.refresh_from_db()
    return shift


def covered(shift, segment, share=0.5):
    at = dt.datetime.combine(shift.date, dt.time(9), tzinfo=BJ)
    length = segment.geom.length
    return SegmentCoverage.objects.create(
        shift=shift, segment=segment, intervals=[[0, share * length, at.timestamp(), at.timestamp(), 1]],
        covered_m=share * length, share=share, first_pass_at=at, last_pass_at=at, passes=1, computed_at=at)


def readings(shift):
    """What the pages and the API say of the shift's plan."""
    s = coverage_summary_of(shift)
    h = shift_handover(shift)
    report = coverage_report(lead(), CoverageChoice(day=shift.date, shift_id=shift.pk))
    return {"summary": (s.segments_planned, round(s.planned_m, 3), s.segments_covered,
                        round(s.covered_share or 0, 6)),
            "handover": (h["planned_segments"], h["planned_km"], h["covered_segments"], h["covered_share"]),
            "report": report.shifts[0]["segments_planned"],
            "segments": sorted(planned_segments(shift).filter(source=SOURCE).values_list("key", flat=True))}


# -- segments planned explicitly -----------------------------------------------------------

def test_a_segment_in_a_shift_plan_cannot_be_deleted_from_under_it(tmp_path):
    """Only coverage rows protected their segment: deleting a planned one (the admin, the
    shell) took it out of the shift's plan without a word."""
    network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)
    s = seg("9000:0")
    shift = shift_create(actor=lead(), team_id=team().pk, date=dt.date(2026, 11, 2), period="morning",
                         segment_ids=[s.pk])
    with pytest.raises(ProtectedError):
        s.delete()
    with pytest.raises(ProtectedError):
        s.road.delete()  # its segments go with a road
    assert list(shift.segments.values_list("key", flat=True)) == ["9000:0"]


def test_the_admin_says_which_shift_plans_keep_a_segment_instead_of_deleting_it(admin_client, tmp_path):
    network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)
    s = seg("9000:0")
    shift = shift_create(actor=lead(), team_id=team().pk, date=dt.date(2026, 11, 3), period="morning",
                         segment_ids=[s.pk])
    page = admin_client.post(f"/admin/geodata/roadsegment/{s.pk}/delete/", {"post": "yes"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "受保护" in text and f"班次 {shift.pk}" in text  # what keeps it, by name
    listed = admin_client.post("/admin/geodata/roadsegment/", {"action": "delete_selected", "_selected_action": [s.pk],
                                                                "post": "yes"})
    assert listed.status_code == 200 and f"班次 {shift.pk}" in listed.content.decode()
    road = admin_client.post(f"/admin/geodata/road/{s.road_id}/delete/", {"post": "yes"})
    assert road.status_code == 200 and f"班次 {shift.pk}" in road.content.decode()
    assert RoadSegment.objects.filter(pk=s.pk).exists() and shift.segments.filter(pk=s.pk).exists()


# -- segments planned by areas -------------------------------------------------------------

def test_an_ended_shift_planned_by_areas_keeps_its_plan_through_re_imports(tmp_path):
    """Its planned segments were read from today's live network: a re-import that split its
    road, added a crossing road or took a road away changed an ended shift's planned km and
    its covered share, on the coverage page, in the API and in the handover report."""
    network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)
    grid = grid_around_the_test_roads()
    shift = shift_create(actor=lead(), team_id=team().pk, date=dt.date(2026, 11, 4), period="morning",
                         area_ids=[grid.pk])
    covered(shift, seg("9000:0"))
    ended(shift)
    before = readings(shift)
    assert before["segments"] == ["9000:0"]
    assert list(EndedPlanSegment.objects.filter(shift=shift, segment__source=SOURCE)
                .values_list("segment__key", "length_m")) == [("9000:0", seg("9000:0").length_m)]

    # 测试乙路 crosses it: 甲路 is split at the crossing (9000:0 shorter, 9000:1 new) and
    # 乙路's two segments lie in the grid too
    network_import(path=osm(tmp_path, NODES + JIA + YI), source=SOURCE)
    assert RoadSegment.objects.live().filter(source=SOURCE).count() == 4
    assert readings(shift) == before

    # and 甲路 leaves the map: its segment is kept, retired, for the plan that had it
    report = network_import(path=osm(tmp_path, NODES + YI), source=SOURCE)
    assert seg("9000:0").retired_at is not None and report.segments.retired >= 1
    assert readings(shift) == before


def test_an_ended_shift_planned_by_areas_keeps_a_segment_it_did_not_cover(tmp_path):
    """A segment of the areas that the shift did not cover was deleted by a re-import
    (nothing kept it) and so left the ended shift's plan: its planned km shrank and its
    covered share grew."""
    network_import(path=osm(tmp_path, NODES + JIA + YI), source=SOURCE)
    grid = grid_around_the_test_roads()
    shift = ended(shift_create(actor=lead(), team_id=team().pk, date=dt.date(2026, 11, 5), period="morning",
                               area_ids=[grid.pk]))
    covered(shift, seg("9000:0"), share=1.0)
    before = readings(shift)
    assert before["segments"] == ["9000:0", "9000:1", "9001:0", "9001:1"]

    network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)  # 乙路 goes
    assert seg("9001:0").retired_at is not None and seg("9001:1").retired_at is not None
    assert readings(shift) == before


def test_a_shift_not_yet_ended_reads_its_areas_on_the_network_as_it_is_now(tmp_path):
    network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)
    grid = grid_around_the_test_roads()
    shift = shift_create(actor=lead(), team_id=team().pk, date=dt.date(2026, 11, 6), period="morning",
                         area_ids=[grid.pk])
    shift_start(actor=lead(), shift_id=shift.pk)
    shift.refresh_from_db()
    assert readings(shift)["segments"] == ["9000:0"]
    network_import(path=osm(tmp_path, NODES + JIA + YI), source=SOURCE)
    assert readings(shift)["segments"] == ["9000:0", "9000:1", "9001:0", "9001:1"]
    assert not EndedPlanSegment.objects.filter(shift=shift).exists()


def test_the_migration_freezes_the_plans_of_shifts_that_ended_before_it(tmp_path):
    """Shifts that ended before plans were frozen get theirs from the reading of the day
    the migration runs: the explicit segments, else the live segments of their areas and the
    retired ones they covered."""
    network_import(path=osm(tmp_path, NODES + JIA + YI), source=SOURCE)
    grid = grid_around_the_test_roads()
    by_area = ended(shift_create(actor=lead(), team_id=team().pk, date=dt.date(2026, 11, 7), period="morning",
                                 area_ids=[grid.pk]))
    covered(by_area, seg("9001:0"))
    explicit = ended(shift_create(actor=lead(), team_id=team().pk, date=dt.date(2026, 11, 7), period="evening",
                                  area_ids=[grid.pk], segment_ids=[seg("9000:1").pk]))
    # 乙路 leaves the map and 甲路 is one segment again (9000:0 longer, 9000:1 retired)
    network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)
    frozen = {s: sorted(EndedPlanSegment.objects.filter(shift=s, segment__source=SOURCE)
                        .values_list("segment_id", "length_m")) for s in (by_area, explicit)}
    EndedPlanSegment.objects.all().delete()  # as before the migration

    migration = importlib.import_module("shifts.migrations.0007_ended_plan_segment")
    with connection.cursor() as cur:
        cur.execute(migration.FREEZE_ENDED_PLANS)
    again = {s: sorted(EndedPlanSegment.objects.filter(shift=s, segment__source=SOURCE)
                       .values_list("segment_id", "length_m")) for s in (by_area, explicit)}
    # today's reading: the live 9000:0 in the grid and the retired 9001:0 the shift covered
    assert sorted((RoadSegment.objects.get(pk=i).key, m) for i, m in again[by_area]) == [
        ("9000:0", seg("9000:0").length_m), ("9001:0", seg("9001:0").length_m)]
    assert again[explicit] == frozen[explicit] == [(seg("9000:1").pk, seg("9000:1").length_m)]


# -- areas in a plan -------------------------------------------------------------------------

def test_an_area_in_a_shift_plan_cannot_be_deleted_from_under_it(tmp_path):
    """Shift.areas cascaded: deleting an area (the admin, the shell) took it out of every
    shift's plan without a word, an ended shift's record included."""
    network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)
    grid = grid_around_the_test_roads()
    shift = ended(shift_create(actor=lead(), team_id=team().pk, date=dt.date(2026, 11, 8), period="morning",
                               area_ids=[grid.pk]))
    before = readings(shift)
    with pytest.raises(ProtectedError):
        grid.delete()
    assert list(shift.areas.values_list("pk", flat=True)) == [grid.pk]
    assert readings(shift) == before


def test_the_admin_says_which_shift_plans_keep_an_area_instead_of_deleting_it(admin_client, tmp_path):
    grid = grid_around_the_test_roads()
    planned = shift_create(actor=lead(), team_id=team().pk, date=dt.date(2026, 11, 9), period="morning",
                           area_ids=[grid.pk])
    done = ended(shift_create(actor=lead(), team_id=team().pk, date=dt.date(2026, 11, 9), period="evening",
                              area_ids=[grid.pk]))
    page = admin_client.post(f"/admin/geodata/area/{grid.pk}/delete/", {"post": "yes"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "受保护" in text and f"班次 {planned.pk} 的计划区域" in text and f"班次 {done.pk} 的计划区域" in text
    listed = admin_client.post("/admin/geodata/area/", {"action": "delete_selected", "_selected_action": [grid.pk],
                                                         "post": "yes"})
    assert listed.status_code == 200 and f"班次 {done.pk} 的计划区域" in listed.content.decode()
    assert Area.objects.filter(pk=grid.pk).exists()
    assert [list(s.areas.values_list("pk", flat=True)) for s in (planned, done)] == [[grid.pk], [grid.pk]]


def test_an_area_no_plan_refers_to_can_still_be_deleted(admin_client):
    grid = grid_around_the_test_roads()
    page = admin_client.post(f"/admin/geodata/area/{grid.pk}/delete/", {"post": "yes"})
    assert page.status_code == 302 and not Area.objects.filter(pk=grid.pk).exists()


def test_an_ended_plan_keeps_its_segments_geometry_and_the_migration_fills_the_older_ones(tmp_path):
    """The geometry the ended shift's intervals are drawn along is frozen with its plan; the
    plans frozen before it are given the geometry of the day the migration runs."""
    network_import(path=osm(tmp_path, NODES + JIA), source=SOURCE)
    s = seg("9000:0")
    shift = ended(shift_create(actor=lead(), team_id=team().pk, date=dt.date(2026, 11, 10), period="morning",
                               segment_ids=[s.pk]))
    row = EndedPlanSegment.objects.get(shift=shift)
    assert row.geom.equals_exact(s.geom, 0)

    EndedPlanSegment.objects.filter(pk=row.pk).update(geom=None)  # as before the migration
    migration = importlib.import_module("shifts.migrations.0009_endedplansegment_geom")
    with connection.cursor() as cur:
        cur.execute(migration.FREEZE_ENDED_GEOMETRIES)
    row.refresh_from_db()
    assert row.geom.equals_exact(s.geom, 0)
