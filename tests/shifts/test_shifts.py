"""Planning, starting and ending shifts: who may (role, own team, jurisdiction), what is
refused, and one audit event for every write."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from core.errors import Conflict, Forbidden, NotFound, ServiceError
from core.models import AuditEvent
from geodata.models import Area, AreaKind, RoadSegment
from org.models import Agency, AgencyKind, Officer, Team
from shifts.models import Shift, ShiftStatus
from shifts.services.shifts import period_times, shift_create, shift_end, shift_start

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


def _user(name):
    return get_user_model().objects.get(username=name)


def _team(name="执法一队"):
    return Team.objects.get(name=name)


def _events(shift):
    return list(AuditEvent.objects.for_subject("shifts.shift", shift.pk).values_list("verb", flat=True))


def test_a_team_lead_plans_a_shift_of_their_team_with_the_teams_members_by_default():
    sub = Area.objects.get(name="学院路街道")
    segments = list(RoadSegment.objects.order_by("id").values_list("id", flat=True)[:3])
    shift = shift_create(actor=_user("lead1"), team_id=_team().pk, date=DAY, period="morning",
                         area_ids=[sub.pk], segment_ids=segments)
    assert shift.status == ShiftStatus.PLANNED
    assert sorted(m.user.username for m in shift.members.all()) == ["lead1", "officer1"]
    assert list(shift.segments.values_list("id", flat=True).order_by("id")) == segments
    # the periods' clock times, Beijing time (settings.SHIFT_PERIODS' defaults)
    shift.refresh_from_db()
    assert (shift.starts_at.isoformat(), shift.ends_at.isoformat()) == (
        "2026-11-30T23:00:00+00:00", "2026-12-01T07:00:00+00:00")  # 07:00–15:00 +08:00
    assert _events(shift) == ["created"]


def test_night_periods_end_on_the_next_day(settings):
    settings.SHIFT_PERIODS = {"morning": ("07:00", "15:00"), "evening": ("19:00", "03:00")}
    start, end = period_times(DAY, "evening")
    assert (end - start) == dt.timedelta(hours=8) and end.date() == dt.date(2026, 12, 2)


def test_start_then_end_records_who_and_when_one_event_each():
    shift = shift_create(actor=_user("lead1"), team_id=_team().pk, date=DAY, period="evening")
    shift_start(actor=_user("supervisor1"), shift_id=shift.pk)
    shift_end(actor=_user("lead1"), shift_id=shift.pk)
    shift.refresh_from_db()
    assert shift.status == ShiftStatus.ENDED
    assert (shift.started_by.username, shift.ended_by.username) == ("supervisor1", "lead1")
    assert shift.started_at <= shift.ended_at
    assert _events(shift) == ["created", "started", "ended"]
    started = AuditEvent.objects.get(subject_type="shifts.shift", subject_id=str(shift.pk), verb="started")
    assert started.before["status"] == "planned" and started.after["status"] == "on_duty"


def test_a_shift_cannot_start_twice_nor_end_before_it_started():
    shift = shift_create(actor=_user("lead1"), team_id=_team().pk, date=DAY, period="morning")
    with pytest.raises(Conflict):
        shift_end(actor=_user("lead1"), shift_id=shift.pk)
    shift_start(actor=_user("lead1"), shift_id=shift.pk)
    with pytest.raises(Conflict):
        shift_start(actor=_user("lead1"), shift_id=shift.pk)
    assert _events(shift) == ["created", "started"]


def test_the_same_team_period_and_day_is_planned_once():
    shift_create(actor=_user("lead1"), team_id=_team().pk, date=DAY, period="morning")
    with pytest.raises(Conflict):
        shift_create(actor=_user("supervisor1"), team_id=_team().pk, date=DAY, period="morning")
    assert Shift.objects.filter(team=_team(), date=DAY).count() == 1


def test_officers_and_publishers_do_not_plan_shifts():
    for name in ("officer1", "publisher1"):
        with pytest.raises(Forbidden):
            shift_create(actor=_user(name), team_id=_team().pk, date=DAY, period="morning")
    assert not Shift.objects.exists()


def test_a_team_lead_plans_only_their_own_team():
    with pytest.raises(Forbidden, match="本班组"):
        shift_create(actor=_user("lead1"), team_id=_team("执法二队").pk, date=DAY, period="morning")


def test_supervisors_and_admins_plan_for_teams_of_their_jurisdiction_only():
    shift_create(actor=_user("supervisor1"), team_id=_team("执法二队").pk, date=DAY, period="morning")
    shift_create(actor=_user("admin"), team_id=_team("执法二队").pk, date=DAY, period="evening")
    other = Area.objects.filter(kind=AreaKind.DISTRICT).exclude(code="110108").first()
    agency = Agency.objects.create(name="外区执法队", kind=AgencyKind.ENFORCEMENT, area=other)
    far = Team.objects.create(name="外区一队", agency=agency, area=other)
    with pytest.raises(ServiceError, match="辖区") as refused:
        shift_create(actor=_user("supervisor1"), team_id=far.pk, date=DAY, period="morning")
    # answered as a team that is not there (422), not a 403 that confirmed a team elsewhere
    assert not isinstance(refused.value, Forbidden) and refused.value.field == "team"


def test_a_shift_outside_the_jurisdiction_is_not_found_for_starting():
    other = Area.objects.filter(kind=AreaKind.DISTRICT).exclude(code="110108").first()
    agency = Agency.objects.create(name="外区执法队", kind=AgencyKind.ENFORCEMENT, area=other)
    far = Team.objects.create(name="外区一队", agency=agency, area=other)
    admin = _user("admin")
    Officer.objects.filter(user=admin).update(jurisdiction=other)
    shift = shift_create(actor=admin, team_id=far.pk, date=DAY, period="morning")
    with pytest.raises(NotFound):
        shift_start(actor=_user("supervisor1"), shift_id=shift.pk)


def test_unknown_ids_and_dates_out_of_range_are_refused_naming_the_field():
    lead, team = _user("lead1"), _team().pk
    cases = [({"team_id": 10**9}, "team"), ({"area_ids": [10**9]}, "areas"), ({"segment_ids": [10**9]}, "segments"),
             ({"member_ids": [10**9]}, "members"), ({"date": dt.date(1990, 1, 1)}, "date")]
    for extra, field in cases:
        kwargs = {"actor": lead, "team_id": team, "date": DAY, "period": "morning", **extra}
        with pytest.raises(ServiceError) as err:
            shift_create(**kwargs)
        assert err.value.field == field and err.value.status == 422, extra
    outside = Area.objects.filter(kind=AreaKind.DISTRICT).exclude(code="110108").first()
    with pytest.raises(ServiceError, match="辖区"):
        shift_create(actor=lead, team_id=team, date=DAY, period="morning", area_ids=[outside.pk])
    assert not Shift.objects.exists()
