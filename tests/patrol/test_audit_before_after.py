"""Before and after of audit events: a field the step changes is in both."""
import pytest
from django.contrib.auth import get_user_model

from core.models import AuditEvent
from org.models import Team
from patrol.services.problems import problem_transition
from tests.patrol.conftest import new_problem

pytestmark = pytest.mark.django_db


def test_dispatching_to_another_team_keeps_the_team_it_had_in_before(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]  # a field officer's report: 执法一队's
    first, second = Team.objects.get(name="执法一队"), Team.objects.get(name="执法二队")
    supervisor = get_user_model().objects.get(username="supervisor1")
    problem_transition(actor=supervisor, problem_id=pid, target="dispatched", team_id=second.pk)
    event = AuditEvent.objects.filter(subject_type="patrol.problem", subject_id=str(pid),
                                      verb="transitioned").last()
    assert event.after["team"] == second.pk
    assert event.before.get("team") == first.pk, event.before


def test_renaming_a_token_in_the_admin_keeps_the_old_name_in_before(admin_client):
    from api.models import ApiToken
    token, _ = ApiToken.issue(user=get_user_model().objects.get(username="officer1"), name="一号平板")
    r = admin_client.post(f"/admin/api/apitoken/{token.pk}/change/", {"name": "二号平板"})
    assert r.status_code == 302
    event = AuditEvent.objects.filter(subject_type="api.apitoken", subject_id=str(token.pk), verb="updated").get()
    assert event.after == {"name": "二号平板"}
    assert event.before == {"name": "一号平板"}, event.before
