"""A step taken from a problem's page rendered before others moved the problem on and back to
the same status (退回 and 派遣 again to another team): the page showed a problem that is no
longer there, so the step is refused in words instead of undoing what was done since."""
import re

import pytest

from org.models import Team
from patrol.models import Problem
from patrol.services.problems import problem_transition

from .test_pages import _page, _report

pytestmark = pytest.mark.django_db


def _step_form(html: str, step: str) -> dict:
    """The fields the page's form of one step posts (its hidden inputs)."""
    form = next(f for f in re.findall(r"<form method=\"post\".*?</form>", html, re.S) if f'data-step="{step}"' in f)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_a_step_from_a_page_rendered_before_the_problem_went_and_came_back_is_refused(as_user):
    from django.contrib.auth import get_user_model

    pid = _report(as_user)
    lead = get_user_model().objects.get(username="lead1")
    one, two = Team.objects.get(name="执法一队"), Team.objects.get(name="执法二队")
    problem_transition(actor=lead, problem_id=pid, target="dispatched", team_id=one.pk)
    page = _page("supervisor1")
    form = _step_form(page.get(f"/dashboard/problems/{pid}/").content.decode(), "reported")  # 退回, to 执法一队
    # meanwhile the lead takes it back and gives it to the other team
    problem_transition(actor=lead, problem_id=pid, target="reported", reason="派错班组")
    problem_transition(actor=lead, problem_id=pid, target="dispatched", team_id=two.pk)
    r = page.post(f"/dashboard/problems/{pid}/step", {**form, "reason": "执法一队不负责此路段"}, follow=True)
    p = Problem.objects.get(pk=pid)
    assert (p.status, p.team_id) == ("dispatched", two.pk)  # 执法二队's dispatch stands
    assert "请刷新后再操作" in r.content.decode()


def test_the_same_step_twice_from_one_page_writes_once(as_user):
    from core.models import AuditEvent

    pid = _report(as_user)
    page = _page("supervisor1")
    form = _step_form(page.get(f"/dashboard/problems/{pid}/").content.decode(), "dispatched")
    body = {**form, "team": Team.objects.get(name="执法一队").pk}
    page.post(f"/dashboard/problems/{pid}/step", body)
    r = page.post(f"/dashboard/problems/{pid}/step", body, follow=True)  # a second click
    assert "请刷新后再操作" in r.content.decode()
    assert AuditEvent.objects.for_subject("patrol.problem", pid).filter(verb="transitioned").count() == 1
