"""Review of the shift lifecycle (2026-12): defects reproduced with plausible inputs."""
import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from pyproj import Transformer

from geodata.models import Area, AreaKind, RoadSegment
from org.models import Agency, Team
from patrol.services.problems import problem_create
from shifts.models import SegmentCoverage
from shifts.selectors.aggregates import CoverageChoice, coverage_report
from shifts.selectors.handover import shift_handover
from shifts.services.shifts import shift_create, shift_end, shift_start

pytestmark = pytest.mark.django_db

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 10, 15)
NOW = dt.datetime(2026, 10, 16, 9, 0, tzinfo=BJ)


def _user(name):
    return get_user_model().objects.get(username=name)


def _segment(highway="primary"):
    return RoadSegment.objects.filter(highway=highway, length_m__gt=150).order_by("id").first()


def _ended_shift(team, period, segments, actor="supervisor1"):
    who = _user(actor)
    shift = shift_create(actor=who, team_id=team.pk, date=DAY, period=period, segment_ids=[s.pk for s in segments])
    shift_start(actor=who, shift_id=shift.pk)
    shift_end(actor=who, shift_id=shift.pk, queue_coverage=False)
    return shift


def _cover(shift, segment, lo, hi, at):
    length = segment.geom.length
    t = at.timestamp()
    SegmentCoverage.objects.create(shift=shift, segment=segment, intervals=[[lo * length, hi * length, t, t, 1]],
                                   covered_m=(hi - lo) * length, share=hi - lo, first_pass_at=at, last_pass_at=at,
                                   passes=1, computed_at=at)


def test_two_teams_of_the_same_name_in_two_agencies_are_two_rows_of_the_day_by_team():
    """Team names are unique per agency only: the 城管办's 执法一队 and the 执法队's 执法一队
    are two teams, but the report grouped by name and added them up as one."""
    one = Team.objects.get(name="执法一队")
    other_agency = Agency.objects.get(name="学院路街道城管办")
    two = Team.objects.create(name="执法一队", agency=other_agency, area=one.area)
    seg = _segment()
    a = _ended_shift(one, "morning", [seg])
    b = _ended_shift(two, "morning", [seg])
    _cover(a, seg, 0.0, 0.5, dt.datetime.combine(DAY, dt.time(9), tzinfo=BJ))
    _cover(b, seg, 0.5, 1.0, dt.datetime.combine(DAY, dt.time(10), tzinfo=BJ))
    report = coverage_report(_user("supervisor1"), CoverageChoice(day=DAY), now=NOW)
    assert len(report.by_team) == 2, report.by_team  # one row per team, each covering half
    assert all(r["segments_covered"] == 0 for r in report.by_team)


def test_a_segment_walked_after_midnight_by_the_days_evening_shift_is_not_never_patrolled():
    """An evening shift (15:00-23:00) that ran late and walked half a segment at 00:10:
    the day's page says the segment was never patrolled (从未巡到), since the time of the last
    patrol was cut at the end of the calendar day, not of the day's shifts."""
    team = Team.objects.get(name="执法一队")
    seg = _segment()
    evening = _ended_shift(team, "evening", [seg])
    after_midnight = dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(0, 10), tzinfo=BJ)
    _cover(evening, seg, 0.0, 0.6, after_midnight)
    report = coverage_report(_user("supervisor1"), CoverageChoice(day=DAY), now=NOW)
    row = report.segments[seg.pk]
    assert row["share"] == pytest.approx(0.6, abs=1e-3)
    assert row["last_covered_at"] is not None, row  # it was patrolled, by this very day's shift


def test_the_handover_of_a_team_responsible_for_a_grid_counts_its_open_problems():
    """A team whose area is a 网格 (or a 社区): open problems were counted by their 街道
    (Problem.subdistrict) only, which is never under the grid, so the report always said 0 left."""
    community = Area.objects.filter(kind=AreaKind.GRID, geom__intersects=_segment().geom).order_by("pk").first()
    agency = Agency.objects.get(name="学院路街道综合行政执法队")
    team = Team.objects.create(name="网格巡查组", agency=agency, area=community)
    # an open problem on a road inside the community
    seg = RoadSegment.objects.filter(geom__within=community.geom, length_m__gt=30).order_by("id").first()
    assert seg is not None
    mid = seg.geom.interpolate(seg.geom.length / 2)
    lon, lat = Transformer.from_crs(seg.geom.srid, 4326, always_xy=True).transform(mid.x, mid.y)
    problem = problem_create(actor=_user("officer1"), category_code="0103", lon=lon, lat=lat)[0]
    assert problem.grid_id == community.pk  # the problem is the grid's
    shift = _ended_shift(team, "morning", [seg])
    assert shift_handover(shift)["open_problems_left"] == 1
