"""The demo week (shifts.services.demo): two shifts a day for the demo teams over the 7 days up
to "now", each with simulated tracks stored and coverage computed, ended; problems found on the
way, in the demo subdistrict beside the roads walked, in a spread of states."""
import datetime as dt
import zoneinfo

from django.contrib.gis.measure import D
from django.db import transaction

from geodata.models import RoadSegment
from patrol.domain.workflow import OPEN_STATES, is_overdue
from patrol.models import Outcome, Problem
from shifts.models import FixBatch, SegmentCoverage, Shift, ShiftStatus
from shifts.services.demo import PROBLEM_KINDS, demo_week_load

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
# 12:00 in Beijing: that day's 早班 (07:00–15:00) is not over, so 6 full days + nothing of today
NOW = dt.datetime(2026, 10, 20, 12, 0, tzinfo=BJ)
TEAMS_WITH_MEMBERS = 2  # 执法一队 (王队员, 张班长) and 执法二队 (李队员); 城管办巡查组 holds only the Open311 system


def _snapshot():
    return (Shift.objects.count(), FixBatch.objects.count(), SegmentCoverage.objects.count(),
            Problem.objects.count(), Outcome.objects.count())


def test_the_demo_week_loads_ended_shifts_with_coverage_and_problems_and_a_second_run_does_nothing(db):
    report = demo_week_load(now=NOW)
    assert report.shifts == TEAMS_WITH_MEMBERS * 2 * 6
    shifts = list(Shift.objects.filter(date__gte=dt.date(2026, 10, 14), date__lte=dt.date(2026, 10, 20)))
    assert len(shifts) == report.shifts
    assert {s.date for s in shifts} == {dt.date(2026, 10, 14) + dt.timedelta(days=i) for i in range(6)}
    for shift in shifts:
        assert shift.status == ShiftStatus.ENDED
        assert shift.starts_at <= shift.started_at < shift.ended_at <= shift.ends_at  # times of the week, not now
        assert shift.segments.exists() and shift.members.exists()
        assert SegmentCoverage.objects.filter(shift=shift, share__gte=0.8).exists(), shift
        assert FixBatch.objects.filter(shift=shift, source="import").exists()

    problems = list(Problem.objects.all())
    assert 40 <= len(problems) <= 80
    assert {p.subdistrict.name for p in problems} == {"学院路街道"}
    categories = {p.category.code for p in problems}
    assert categories == {k.category for k in PROBLEM_KINDS}
    for p in problems:  # beside a road of the demo network (4–10 m off the walked segment)
        assert RoadSegment.objects.filter(geom__dwithin=(p.geom, D(m=12))).exists(), p.location_text
        assert p.description and p.location_text
        assert dt.datetime(2026, 10, 14, tzinfo=BJ) <= p.created_at <= NOW
    statuses = {p.status for p in problems}
    assert {"reported", "dispatched", "closed"} <= statuses and len(statuses) >= 5
    assert Outcome.objects.filter(problem__in=problems).exists()
    overdue = [p for p in problems if is_overdue(p.status, p.deadline, NOW)]
    assert 0 < len(overdue) < len([p for p in problems if p.status in OPEN_STATES]) + 1
    assert len(overdue) < len(problems) / 3

    before = _snapshot()
    again = demo_week_load(now=NOW)
    assert (again.shifts, again.problems, again.fixes) == (0, 0, 0)
    assert again.skipped == report.shifts
    assert _snapshot() == before


def _content():
    shifts = sorted((s.team.name, s.date, s.period, sorted(s.segments.values_list("id", flat=True)))
                    for s in Shift.objects.all())
    fixes = sorted((b.shift.date, b.shift.period, b.officer_id, b.stored, b.flagged) for b in FixBatch.objects.all())
    problems = sorted((p.category.code, p.description, p.status, p.created_at, round(p.geom.x, 3), round(p.geom.y, 3))
                      for p in Problem.objects.all())
    coverage = sorted((c.shift.date, c.shift.period, c.segment_id, round(c.share, 6))
                      for c in SegmentCoverage.objects.all())
    return shifts, fixes, problems, coverage


def test_the_demo_week_is_the_same_every_time_it_is_loaded(db):
    runs = []
    for _ in range(2):
        with transaction.atomic():
            demo_week_load(now=NOW, days=2)
            runs.append(_content())
            transaction.set_rollback(True)
    assert runs[0][0] and runs[0][1] and runs[0][3]
    assert runs[0] == runs[1]


def test_a_shift_that_is_not_over_is_not_loaded(db):
    evening = dt.datetime(2026, 10, 20, 16, 0, tzinfo=BJ)  # 早班 over, 晚班 running
    report = demo_week_load(now=evening, days=1)
    assert report.shifts == TEAMS_WITH_MEMBERS
    assert set(Shift.objects.values_list("period", flat=True)) == {"morning"}
