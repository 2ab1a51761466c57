"""A shift's members come from the planner's jurisdiction (or the team itself): a supervisor of one
street office put another office's officer on their shift, who could not even see it."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from core.errors import ServiceError
from org.models import Officer, Team
from shifts.models import Shift
from shifts.services.shifts import shift_create
from tests.patrol.conftest import other_subdistrict  # noqa: F401

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


def _user(name):
    return get_user_model().objects.get(username=name)


@pytest.mark.usefixtures("other_subdistrict")
def test_a_street_supervisor_cannot_put_another_offices_officer_on_a_shift():
    foreign = Officer.objects.get(user__username="other_officer")
    with pytest.raises(ServiceError) as refused:
        shift_create(actor=_user("supervisor1"), team_id=Team.objects.get(name="执法一队").pk, date=DAY,
                     period="morning", member_ids=[Officer.objects.get(user__username="officer1").pk, foreign.pk])
    assert refused.value.field == "members" and "other_officer" in refused.value.message
    assert not Shift.objects.filter(date=DAY).exists()


@pytest.mark.usefixtures("other_subdistrict")
def test_the_planners_own_officers_and_the_teams_members_may_go():
    mine = [Officer.objects.get(user__username=u).pk for u in ("officer1", "officer2", "lead1")]
    shift = shift_create(actor=_user("supervisor1"), team_id=Team.objects.get(name="执法一队").pk, date=DAY,
                         period="morning", member_ids=mine)
    assert sorted(shift.members.values_list("pk", flat=True)) == sorted(mine)
