"""Planning, starting and ending shifts; each is one transaction with one audit event.

Who may: the permission matrix's `manage_shift` (team leads, supervisors, district
administrators), and then a team lead only for their own team, a supervisor or district
administrator for teams whose area lies in their jurisdiction.
"""
from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core import audit
from core.domain.verbs import Verb
from core.errors import Conflict, Forbidden, NotFound, ServiceError
from geodata.models import Area, RoadSegment
from geodata.selectors.areas import outside_jurisdiction
from org.domain import permissions
from org.domain.roles import Role
from org.models import Officer, Team
from org.selectors import in_jurisdiction, jurisdiction_area_ids, officer_of, team_named

from ..models import EndedPlanSegment, Period, Shift, ShiftStatus
from ..selectors.coverage import planned_segments_now

DEFAULT_PERIODS = {"morning": ("07:00", "15:00"), "evening": ("15:00", "23:00")}
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
MAX_AREAS, MAX_SEGMENTS, MAX_MEMBERS = 50, 5000, 100


def shift_periods() -> dict[str, tuple[str, str]]:
    return getattr(settings, "SHIFT_PERIODS", DEFAULT_PERIODS)


def period_times(day: dt.date, period: str) -> tuple[dt.datetime, dt.datetime]:
    """The planned start and end of `period` on `day` (local time; an end at or before
    the start is on the next day, for a night shift)."""
    try:
        start_text, end_text = shift_periods()[period]
    except KeyError:
        raise ServiceError(f"未配置的班次 {period!r}", field="period") from None
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(day, dt.time.fromisoformat(start_text), tzinfo=tz)
    end = dt.datetime.combine(day, dt.time.fromisoformat(end_text), tzinfo=tz)
    if end <= start:
        end += dt.timedelta(days=1)
    return start, end


def may_manage(officer: Officer, team: Team) -> None:
    why = permissions.denial(officer.role, "manage_shift")
    if why:
        raise Forbidden(why)
    if officer.role == Role.TEAM_LEAD and officer.team_id != team.pk:
        raise Forbidden("班组长只能安排本班组的班次")
    if not in_jurisdiction(officer, team.area):
        raise Forbidden("该班组不在您的辖区内")


def _snapshot(shift: Shift) -> dict:
    return {"status": shift.status,
            "started_by": shift.started_by_id, "started_at": shift.started_at and shift.started_at.isoformat(),
            "ended_by": shift.ended_by_id, "ended_at": shift.ended_at and shift.ended_at.isoformat()}


def shift_create(*, actor, team_id: int, date: dt.date, period: str, area_ids=(), segment_ids=(),
                 member_ids=None) -> Shift:
    """Plan a shift. Without `member_ids` the team's active members go."""
    officer = officer_of(actor)
    if period not in Period.values:
        raise ServiceError(f"未知班次 {period!r}", field="period")
    if not FIRST_DATE <= date <= LAST_DATE:
        raise ServiceError(f"日期须在 {FIRST_DATE} 至 {LAST_DATE} 之间", field="date")
    team = team_named(officer, team_id)  # another office's is answered as one that is not there
    may_manage(officer, team)
    starts_at, ends_at = period_times(date, period)
    area_ids, segment_ids = sorted(set(area_ids)), sorted(set(segment_ids))
    if len(area_ids) > MAX_AREAS or len(segment_ids) > MAX_SEGMENTS:
        raise ServiceError("计划区域或路段过多", field="areas" if len(area_ids) > MAX_AREAS else "segments")
    areas = list(Area.objects.filter(pk__in=area_ids).only("id", "parent_id"))
    if len(areas) != len(area_ids):
        raise ServiceError("计划区域中有不存在的区域", field="areas")
    if any(not in_jurisdiction(officer, a) for a in areas):
        raise ServiceError("计划区域须在您的辖区内", field="areas")
    if RoadSegment.objects.live().filter(pk__in=segment_ids).count() != len(segment_ids):
        raise ServiceError("计划路段中有不存在或已停用的路段", field="segments")
    # as for areas: no segment of another office's roads only (a boundary road touches both; a
    # road outside every loaded subdistrict is nobody else's)
    if segment_ids and RoadSegment.objects.filter(pk__in=segment_ids).filter(
            outside_jurisdiction(officer.jurisdiction_id, "geom")).exists():
        raise ServiceError("计划路段须在您的辖区内", field="segments")
    if member_ids is None:
        members = list(Officer.objects.filter(team=team, active=True).values_list("pk", flat=True))
    else:
        member_ids = sorted(set(member_ids))
        if len(member_ids) > MAX_MEMBERS:
            raise ServiceError("成员过多", field="members")
        # no one from another office's jurisdiction but the team's own: they could not even see
        # the shift they were put on (shifts_visible), and no planner sets another office's people to
        # work. Those refused are told by the ids sent, as ids that are not there are: naming them
        # told the name of another office's officer behind any id.
        members = list(Officer.objects.filter(pk__in=member_ids, active=True)
                       .filter(Q(team=team) | Q(jurisdiction_id__in=jurisdiction_area_ids(officer)))
                       .values_list("pk", flat=True))
        refused = sorted(set(member_ids) - set(members))
        if refused:
            raise ServiceError(f"成员中有不存在、已离岗或不在您辖区内的人员（编号 {'、'.join(map(str, refused[:5]))}）",
                               field="members")
    if Shift.objects.filter(team=team, date=date, period=period).exists():
        raise Conflict("该班组当天的这个班次已经安排", field="period")
    try:
        with transaction.atomic():
            shift = Shift.objects.create(team=team, date=date, period=period, starts_at=starts_at, ends_at=ends_at,
                                         created_by=actor)
            shift.areas.set(area_ids)
            shift.segments.set(segment_ids)
            shift.members.set(members)
            audit.record(actor=actor, verb=Verb.CREATED, subject=shift, after={
                "team": team.pk, "date": date.isoformat(), "period": period, "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(), "areas": area_ids, "segments": segment_ids,
                "members": sorted(members)})
    except IntegrityError:  # the same shift planned by someone else a moment ago
        raise Conflict("该班组当天的这个班次已经安排", field="period") from None
    return shift


def _managed_shift(actor, shift_id: int) -> Shift:
    officer = officer_of(actor)
    shift = Shift.objects.select_for_update(of=("self",)).select_related("team__area").filter(pk=shift_id).first()
    if shift is None or not in_jurisdiction(officer, shift.team.area):
        raise NotFound("班次不存在", field="id")
    may_manage(officer, shift.team)
    return shift


def shift_start(*, actor, shift_id: int) -> Shift:
    with transaction.atomic():
        shift = _managed_shift(actor, shift_id)
        if shift.status != ShiftStatus.PLANNED:
            raise Conflict(f"班次{shift.get_status_display()}，不能开始", field="status")
        before = _snapshot(shift)
        shift.status, shift.started_by, shift.started_at = ShiftStatus.ON_DUTY, actor, timezone.now()
        shift.save(update_fields=["status", "started_by", "started_at"])
        audit.record(actor=actor, verb=Verb.STARTED, subject=shift, before=before, after=_snapshot(shift))
    return shift


def shift_end(*, actor, shift_id: int, queue_coverage: bool = True) -> Shift:
    """End a shift, freeze its plan as it stands (`EndedPlanSegment`: the planned segments,
    their lengths and geometries, which later network imports leave alone) and queue the recomputation
    of its coverage (`queue_coverage=False`: the caller computes it itself, as the demo week
    does)."""
    with transaction.atomic():
        shift = _managed_shift(actor, shift_id)
        if shift.status != ShiftStatus.ON_DUTY:
            raise Conflict(f"班次{shift.get_status_display()}，不能结束", field="status")
        before = _snapshot(shift)
        EndedPlanSegment.objects.bulk_create(
            EndedPlanSegment(shift=shift, segment_id=sid, length_m=length, geom=geom)
            for sid, length, geom in planned_segments_now(shift).values_list("id", "length_m", "geom"))
        shift.status, shift.ended_by, shift.ended_at = ShiftStatus.ENDED, actor, timezone.now()
        shift.save(update_fields=["status", "ended_by", "ended_at"])
        audit.record(actor=actor, verb=Verb.ENDED, subject=shift, before=before, after=_snapshot(shift))
        if queue_coverage:
            transaction.on_commit(functools.partial(_enqueue_coverage, shift.pk), robust=True)
    return shift


def _enqueue_coverage(shift_id: int) -> None:
    """The ended shift's coverage recomputed in full by a worker (shifts.tasks)."""
    from ..tasks import coverage_for_shift

    coverage_for_shift.enqueue(shift_id)
