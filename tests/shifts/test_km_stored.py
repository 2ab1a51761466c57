"""Km patrolled of ended shifts, stored per member (ShiftMemberDistance): the coverage report
read every GPS fix of every member of every chosen shift on each view (one query per shift and
member, ~5,000 fixes each), so a week of a district read millions of rows a page. The figure
stays `patrolled_m` of the member's good fixes; a batch arriving after the shift ended (a
tablet's last one, a GPS file read out later) makes it measured again. Reading stores nothing:
the figure is stored by the jobs (the end's, a late batch's), a report measures what is missing."""
import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from pyproj import Transformer

from geodata.models import RoadSegment
from org.models import Team
from shifts.domain.distance import patrolled_m
from shifts.models import FixBatch, ShiftMemberDistance
from shifts.selectors.aggregates import CoverageChoice, coverage_report
from shifts.selectors.coverage import good_fixes_of
from shifts.selectors.handover import shift_handover
from shifts.services.distance import member_distances_store, shift_distances_measure
from shifts.services.fixes import FixIn, fixes_ingest, track_import
from shifts.services.shifts import shift_create, shift_end, shift_start

from .coverage_helpers import members

pytestmark = pytest.mark.django_db

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 10, 12)  # ISO week 42
NOW = dt.datetime(2026, 10, 20, 9, 0, tzinfo=BJ)
EVER = (dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))


def _lead():
    return get_user_model().objects.get(username="lead1")


def _segment():
    return RoadSegment.objects.filter(highway="primary", length_m__gt=800).order_by("id").first()


def _walk(segment, start: dt.datetime, *, n: int, offset_m: float = 0.0) -> list[FixIn]:
    """A walk along `segment` from `offset_m`, 6 m every 5 s (1.2 m/s), `n` fixes from `start`."""
    geom = segment.geom
    to_wgs = Transformer.from_crs(geom.srid, 4326, always_xy=True)
    out = []
    for i in range(n):
        lon, lat = to_wgs.transform(*geom.interpolate(min(offset_m + 6.0 * i, geom.length)).coords)
        out.append(FixIn(t=start + dt.timedelta(seconds=5 * i), lat=lat, lon=lon, accuracy_m=5.0, speed_mps=1.2))
    return out


def _send(shift, officer, fixes):
    return fixes_ingest(actor=None, shift=shift, officer=officer, device_id=f"t-{officer.pk}", fixes=fixes,
                        source="api", now=NOW.timestamp())


def _ended_shift_with_fixes(day, period, officer, *, n=60):
    seg = _segment()
    shift = shift_create(actor=_lead(), team_id=Team.objects.get(name="执法一队").pk, date=day, period=period,
                         segment_ids=[seg.pk])
    shift.members.add(officer)
    shift_start(actor=_lead(), shift_id=shift.pk)
    shift.refresh_from_db()
    _send(shift, officer, _walk(seg, shift.starts_at + dt.timedelta(minutes=10), n=n))
    shift_end(actor=_lead(), shift_id=shift.pk, queue_coverage=False)
    shift.refresh_from_db()
    return shift


def _from_fixes(shift, officer) -> float:
    """The figure as defined: patrolled_m of all the member's good fixes of the shift, in km."""
    return patrolled_m(good_fixes_of(shift_id=shift.pk, officer_id=officer.pk, t_from=EVER[0], t_to=EVER[1])) / 1000


def _supervisor():
    return get_user_model().objects.get(username="supervisor1")


def _week_report():
    return coverage_report(_supervisor(), CoverageChoice(day=MONDAY, scope="week"), now=NOW)


def _reads_fixes(ctx) -> bool:
    return any("shifts_fix" in q["sql"] and "shifts_fixbatch" not in q["sql"] for q in ctx.captured_queries)


def _writes(ctx) -> list[str]:
    """The statements that write (a WITH … INSERT too), of those captured."""
    return [q["sql"] for q in ctx.captured_queries
            if any(verb in q["sql"].upper() for verb in ("INSERT ", "UPDATE ", "DELETE ", "MERGE "))]


def test_the_week_report_takes_as_many_queries_for_3n_ended_shifts_as_for_n_and_reads_no_fix_again():
    """Each report read every fix of every member of every shift again: one query per shift and
    member (and one per shift for its plan), so 3N shifts took more queries than N. Stored (the
    end's job has run), no fix is read; not stored yet, the missing figures are measured in one
    more query, whatever the number of shifts and members."""
    (officer,) = members(1)
    days = [MONDAY + dt.timedelta(days=d) for d in range(3)]
    slots = [(day, period) for day in days for period in ("morning", "evening")]

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            report = _week_report()
        assert not _writes(ctx)
        return len(ctx.captured_queries), _reads_fixes(ctx), report

    def stored_queries():
        for s in shifts:
            shift_distances_measure(shift_id=s.pk)  # as the job queued when each ended does
        count, reads_fixes, report = queries()
        assert not reads_fixes
        return count, report

    shifts = [_ended_shift_with_fixes(day, period, officer) for day, period in slots[:2]]
    few_unstored, reads_fixes, _ = queries()
    assert reads_fixes
    few, report = stored_queries()
    assert report.totals["shifts"] == 2
    shifts += [_ended_shift_with_fixes(day, period, officer) for day, period in slots[2:]]
    many_unstored, reads_fixes, _ = queries()  # 4 of the 6 not stored yet
    assert reads_fixes
    many, report = stored_queries()
    assert report.totals["shifts"] == 6
    assert many == few
    assert many_unstored == few_unstored == few + 1
    by_shift = {r["id"]: r["km_patrolled"] for r in report.shifts}
    for s in shifts:
        assert by_shift[s.pk] == round(_from_fixes(s, officer), 2) > 0.2
    assert report.totals["km_patrolled"] == pytest.approx(sum(_from_fixes(s, officer) for s in shifts), abs=0.01)


def test_the_report_of_shifts_not_yet_measured_writes_nothing_and_says_the_same_figures():
    """The report stored the figures it measured (a selector that wrote, in a read): it gives the
    same figures now, stores none, and the job stores them as the report had said them."""
    officer, other = members(2)
    shifts = [_ended_shift_with_fixes(MONDAY, "morning", officer),
              _ended_shift_with_fixes(MONDAY + dt.timedelta(days=1), "morning", officer)]
    shifts[1].members.add(other)  # a member with no fix at all patrols 0 km
    with CaptureQueriesContext(connection) as ctx:
        report = _week_report()
        handover = shift_handover(shifts[0])
    assert _writes(ctx) == []
    said = {r["id"]: r["km_patrolled"] for r in report.shifts}
    assert said == {s.pk: round(_from_fixes(s, officer), 2) for s in shifts}
    assert handover["km_patrolled"] == round(_from_fixes(shifts[0], officer), 3)
    assert not ShiftMemberDistance.objects.filter(metres__isnull=False).exists()

    for s in shifts:
        shift_distances_measure(shift_id=s.pk)
    stored = {(r.shift_id, r.officer_id): r.metres for r in ShiftMemberDistance.objects.all()}
    assert set(stored) == {(s.pk, m) for s in shifts for m in s.members.values_list("id", flat=True)}
    for s in shifts:  # the walker's figure; the team's other members and `other` walked nothing
        assert stored.pop((s.pk, officer.pk)) == pytest.approx(_from_fixes(s, officer) * 1000)
    assert (shifts[1].pk, other.pk) in stored and set(stored.values()) == {0.0}
    with CaptureQueriesContext(connection) as ctx:
        assert {r["id"]: r["km_patrolled"] for r in _week_report().shifts} == said
    assert not _reads_fixes(ctx) and _writes(ctx) == []


@pytest.mark.parametrize("late", ["tablet", "file"])
def test_a_batch_after_the_shift_ended_makes_its_km_measured_again(late, monkeypatch):
    """The stored figure is dropped when a batch for the shift and member arrives after it was
    measured (a tablet's last batch sent after the lead ended the shift; a GPS logger's file
    read out later), and the report and the handover say the figure of all the fixes: measured
    on reading (nothing stored) until the job the batch queued has run, which stores it."""
    officer, other = members(2)
    shift = _ended_shift_with_fixes(MONDAY, "morning", officer)
    shift.members.add(other)  # a member with no fix at all patrols 0 km
    before = _from_fixes(shift, officer)
    shift_distances_measure(shift_id=shift.pk)  # the job queued when it ended
    stored = dict(ShiftMemberDistance.objects.filter(shift=shift).values_list("officer_id", "metres"))
    assert stored[officer.pk] == pytest.approx(before * 1000) and stored[other.pk] == 0.0
    assert set(stored) == set(shift.members.values_list("id", flat=True))  # the team's members too
    assert _week_report().shifts[0]["km_patrolled"] == round(before, 2)

    with CaptureQueriesContext(connection) as ctx:  # stored: the handover reads no fix either
        assert shift_handover(shift)["km_patrolled"] == round(before, 3)
    assert not _reads_fixes(ctx)

    # the walk goes on along the segment for 5 more minutes, sent after the end
    DBTaskResult.objects.all().delete()  # the jobs of the batches sent on duty
    rest = _walk(_segment(), shift.starts_at + dt.timedelta(minutes=15), n=60, offset_m=360.0)
    if late == "tablet":
        _send(shift, officer, rest)
    else:
        track_import(shift_id=shift.pk, username=officer.user.username, device_id="logger-1", fixes=rest)
    after = _from_fixes(shift, officer)
    assert after > before + 0.2  # the late fixes do change the answer
    row = ShiftMemberDistance.objects.get(shift=shift, officer=officer)
    assert row.metres is None and row.version == 2  # made by the first batch, bumped by this one

    with CaptureQueriesContext(connection) as ctx:
        report = _week_report()
        handover = shift_handover(shift)
    assert _writes(ctx) == []
    assert report.shifts[0]["km_patrolled"] == round(after, 2)
    assert report.totals["km_patrolled"] == round(after, 2)
    assert handover["km_patrolled"] == round(after, 3)
    assert ShiftMemberDistance.objects.get(shift=shift, officer=officer).metres is None

    # the late batch queued its job, and the worker storing the figure is what a report reads next
    late_batch = FixBatch.objects.filter(shift=shift).latest("pk")
    (job,) = DBTaskResult.objects.all()
    assert (job.task_path, job.args_kwargs["args"], job.status) == (
        "shifts.tasks.coverage_for_batch", [late_batch.pk], "READY")
    # the worker closes stale connections between jobs; the test's one holds its transaction
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL", job.exception_class_path
    assert ShiftMemberDistance.objects.get(shift=shift, officer=officer).metres == pytest.approx(after * 1000)
    assert ShiftMemberDistance.objects.get(shift=shift, officer=other).metres == 0.0
    with CaptureQueriesContext(connection) as ctx:
        assert _week_report().shifts[0]["km_patrolled"] == round(after, 2)
    assert not _reads_fixes(ctx)


def test_the_job_of_a_batch_sent_on_duty_stores_no_figure():
    """Only an ended shift's figure is stored: on duty, the batch's job paints coverage only
    (the figure would be stale with the next batch; the end's job measures it)."""
    from shifts.tasks import coverage_for_batch

    (officer,) = members(1)
    seg = _segment()
    shift = shift_create(actor=_lead(), team_id=Team.objects.get(name="执法一队").pk, date=MONDAY,
                         period="morning", segment_ids=[seg.pk])
    shift.members.add(officer)
    shift_start(actor=_lead(), shift_id=shift.pk)
    shift.refresh_from_db()
    r = _send(shift, officer, _walk(seg, shift.starts_at + dt.timedelta(minutes=10), n=60))
    coverage_for_batch.call(r.batch_id)
    assert list(ShiftMemberDistance.objects.filter(shift=shift).values_list("metres", flat=True)) == [None]


def test_a_batch_stored_while_a_shift_was_measured_keeps_the_measurement_out():
    """A figure measured from the fixes without a batch stored meanwhile (the report read the
    row, then the fixes, while the batch committed) is not kept in place of the figure with it:
    it is stored only against the row's version it read."""
    (officer,) = members(1)
    shift = _ended_shift_with_fixes(MONDAY, "morning", officer)
    version = ShiftMemberDistance.objects.get(shift=shift, officer=officer).version
    _send(shift, officer, _walk(_segment(), shift.starts_at + dt.timedelta(minutes=15), n=30, offset_m=360.0))
    member_distances_store(measured=[(shift.pk, officer.pk, version, 123.0)])
    assert ShiftMemberDistance.objects.get(shift=shift, officer=officer).metres is None

    # no row when it was read (fixes stored before rows were kept), a batch's row since: the batch's wins
    ShiftMemberDistance.objects.filter(shift=shift).delete()
    _send(shift, officer, _walk(_segment(), shift.starts_at + dt.timedelta(minutes=20), n=10, offset_m=540.0))
    member_distances_store(measured=[(shift.pk, officer.pk, None, 123.0)])
    assert ShiftMemberDistance.objects.get(shift=shift, officer=officer).metres is None
    assert _week_report().shifts[0]["km_patrolled"] == round(_from_fixes(shift, officer), 2)


def test_a_shift_on_duty_is_measured_live_and_stores_no_figure():
    (officer,) = members(1)
    seg = _segment()
    shift = shift_create(actor=_lead(), team_id=Team.objects.get(name="执法一队").pk, date=MONDAY,
                         period="morning", segment_ids=[seg.pk])
    shift.members.add(officer)
    shift_start(actor=_lead(), shift_id=shift.pk)
    shift.refresh_from_db()
    _send(shift, officer, _walk(seg, shift.starts_at + dt.timedelta(minutes=10), n=60))
    assert _week_report().shifts[0]["km_patrolled"] == round(_from_fixes(shift, officer), 2)
    _send(shift, officer, _walk(seg, shift.starts_at + dt.timedelta(minutes=15), n=60, offset_m=360.0))
    assert _week_report().shifts[0]["km_patrolled"] == round(_from_fixes(shift, officer), 2)
    assert list(ShiftMemberDistance.objects.filter(shift=shift).values_list("metres", flat=True)) == [None]


def test_the_job_queued_when_a_shift_ends_measures_its_km_so_the_first_report_reads_no_fix():
    from shifts.tasks import coverage_for_shift

    (officer,) = members(1)
    shift = _ended_shift_with_fixes(MONDAY, "morning", officer)
    coverage_for_shift.call(shift.pk)
    assert ShiftMemberDistance.objects.get(shift=shift, officer=officer).metres == pytest.approx(
        _from_fixes(shift, officer) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        report = _week_report()
    assert not _reads_fixes(ctx)
    assert report.shifts[0]["km_patrolled"] == round(_from_fixes(shift, officer), 2)
