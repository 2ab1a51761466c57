"""A re-inspection scheduled before a problem was reopened, completed after: the problem is
back on the street, so the next list must not print it as rectified (复查：已整改)."""
import datetime as dt

import pytest
from django.utils import timezone

from core.errors import Conflict
from org.models import Team
from patrol.services.followups import reinspection_complete, reinspection_schedule
from publishing.services.publications import publication_text

from .conftest import user
from .test_followups_and_rechecks import PLACE, move, next_list, published

pytestmark = pytest.mark.django_db


def test_a_reinspection_of_a_reopened_problem_is_not_recorded_as_passed(publisher, subdistrict, make_problem):
    p = make_problem(PLACE, status="verified")
    published(publisher, subdistrict)
    move(p, "closed")
    r = reinspection_schedule(actor=user("lead1"), problem_id=p.pk, team_id=Team.objects.get(name="执法二队").pk,
                              due_date=timezone.localdate() + dt.timedelta(days=1))
    move(p, "reopened")  # a resident calls again: back on the street before the team went
    with pytest.raises(Conflict):
        reinspection_complete(actor=user("officer2"), reinspection_id=r.pk, passed=True, notes="已清理")
    reinspection_complete(actor=user("officer2"), reinspection_id=r.pk, passed=False, notes="仍有垃圾")
    assert "已整改" not in publication_text(next_list(publisher, subdistrict))


def test_a_pass_on_a_reopened_problem_is_refused_and_nothing_recorded(publisher, subdistrict, make_problem):
    """The same story as the API gives it: 409, nothing recorded."""
    from patrol.models import Reinspection
    p = make_problem(PLACE, status="verified")
    move(p, "closed")
    r = reinspection_schedule(actor=user("lead1"), problem_id=p.pk, team_id=Team.objects.get(name="执法二队").pk,
                              due_date=timezone.localdate() + dt.timedelta(days=1))
    move(p, "reopened")
    with pytest.raises(Conflict):
        reinspection_complete(actor=user("officer2"), reinspection_id=r.pk, passed=True)
    assert Reinspection.objects.get(pk=r.pk).done_at is None
