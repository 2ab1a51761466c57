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
    assert refused.value.field == "members" and str(foreign.pk) in refused.value.message
    assert not Shift.objects.filter(date=DAY).exists()


@pytest.mark.usefixtures("other_subdistrict")
def test_the_planners_own_officers_and_the_teams_members_may_go():
    mine = [Officer.objects.get(user__username=u).pk for u in ("officer1", "officer2", "lead1")]
    shift = shift_create(actor=_user("supervisor1"), team_id=Team.objects.get(name="执法一队").pk, date=DAY,
                         period="morning", member_ids=mine)
    assert sorted(shift.members.values_list("pk", flat=True)) == sorted(mine)


def _plan(client, **body):
    return client.post("/api/v1/shifts/", {"team": Team.objects.get(name="执法一队").pk, "date": DAY.isoformat(),
                                           "period": "morning", **body}, format="json")


@pytest.mark.usefixtures("other_subdistrict")
def test_another_offices_team_is_answered_as_a_team_that_is_not_there():
    # a 403 said the id was a team elsewhere, where a team that is not there was a 422
    theirs = Team.objects.get(name="测试一队")
    seen, missing = _plan(_api("supervisor1"), team=theirs.pk), _plan(_api("supervisor1"), team=99999999)
    assert seen.status_code == missing.status_code == 422, seen.json()
    assert seen.json()["detail"] == missing.json()["detail"].replace("99999999", str(theirs.pk))
    assert not Shift.objects.filter(date=DAY).exists()


@pytest.mark.usefixtures("other_subdistrict")
def test_refused_members_are_told_by_the_ids_sent_not_by_another_offices_names():
    # the answer named the officer behind any id: another office's people, one id at a time
    foreign = Officer.objects.get(user__username="other_officer")
    Officer.objects.filter(pk=foreign.pk).update(name="测试街道队员甲")
    own = Officer.objects.get(user__username="officer1").pk
    seen = _plan(_api("supervisor1"), members=[own, foreign.pk])
    missing = _plan(_api("supervisor1"), members=[own, 99999999])
    assert seen.status_code == missing.status_code == 422, seen.json()
    assert "members" in seen.json()["errors"] and "测试街道队员甲" not in seen.content.decode()
    assert seen.json()["detail"] == missing.json()["detail"].replace("99999999", str(foreign.pk))
    assert not Shift.objects.filter(date=DAY).exists()


def _api(username):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(_user(username))
    return client
