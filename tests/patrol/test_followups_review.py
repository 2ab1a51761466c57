"""Supervision after a problem is found: escalations (吹哨), re-inspections (复查) and the
joint inspection's summary, as a review found them."""
import datetime as dt

import pytest
from django.utils import timezone

from org.models import Agency, Team
from patrol.models import Escalation, Inspection, Reinspection

from .conftest import new_problem
from .test_outcomes_and_inspections import _inspection

pytestmark = pytest.mark.django_db

TO_CLOSED = [("lead1", "dispatched"), ("officer1", "in_progress"), ("officer1", "rectified"),
             ("supervisor1", "verified"), ("supervisor1", "closed")]


def _walk(as_user, pid, steps):
    for user, to, *reason in steps:
        body = {"to": to, "reason": reason[0]} if reason else {"to": to}
        r = as_user(user).post(f"/api/v1/problems/{pid}/transition", body, format="json")
        assert r.status_code == 200, (to, r.json())


def _escalate(client, pid):
    dept = Agency.objects.get(name="海淀区城市管理委员会").id
    deadline = (timezone.now() + dt.timedelta(days=3)).isoformat()
    return client.post(f"/api/v1/problems/{pid}/escalations",
                       {"department": dept, "reason": "占道经营屡教不改，需区城管委协调", "deadline": deadline},
                       format="json")


@pytest.mark.parametrize("steps", [TO_CLOSED, [("supervisor1", "rejected", "不属于城市管理职责")]],
                         ids=["closed", "rejected"])
def test_a_decided_problem_is_not_escalated(as_user, steps):
    """A problem closed or rejected is on the record as decided (a PATCH is a 409 until it is
    reopened): a department must not be asked to answer for it."""
    pid = new_problem(as_user("officer1")).json()["id"]
    _walk(as_user, pid, steps)
    r = _escalate(as_user("supervisor1"), pid)
    assert r.status_code == 409, r.json()
    assert not Escalation.objects.filter(problem_id=pid).exists()


def test_an_open_problem_is_still_escalated(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]
    assert _escalate(as_user("lead1"), pid).status_code == 201


def test_a_problem_is_not_escalated_twice_to_a_department_that_has_not_answered(as_user):
    """Found in review: a second 吹哨 to the same department (another tab, another supervisor)
    while the first was unanswered was a 201, so the department had the problem twice, with two
    deadlines; once it has answered, the problem may be escalated to it again."""
    pid = new_problem(as_user("officer1")).json()["id"]
    first = _escalate(as_user("lead1"), pid)
    assert first.status_code == 201, first.json()
    again = _escalate(as_user("supervisor1"), pid)
    assert again.status_code == 409, again.json()
    assert again.json()["field"] == "department" and "尚未答复" in again.json()["detail"]
    assert Escalation.objects.filter(problem_id=pid).count() == 1
    r = as_user("admin").post(f"/api/v1/escalations/{first.json()['id']}/respond", {"response": "已协调"},
                              format="json")
    assert r.status_code == 200, r.json()
    assert _escalate(as_user("supervisor1"), pid).status_code == 201


def test_a_problem_is_not_put_on_a_teams_list_twice(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]
    _walk(as_user, pid, TO_CLOSED[:3])
    team = Team.objects.get(name="执法二队").id
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    first = as_user("lead1").post(f"/api/v1/problems/{pid}/reinspections", {"team": team, "due_date": tomorrow},
                                  format="json")
    assert first.status_code == 201
    again = as_user("supervisor1").post(f"/api/v1/problems/{pid}/reinspections",
                                        {"team": team, "due_date": tomorrow}, format="json")
    assert again.status_code == 409, again.json()
    assert [x["problem"] for x in as_user("officer2").get(f"/api/v1/teams/{team}/reinspections").json()] == [pid]
    # once that one is done, a new one may be scheduled (a failed re-inspection is followed up)
    rid = first.json()["id"]
    assert as_user("officer2").post(f"/api/v1/reinspections/{rid}/complete", {"passed": False},
                                    format="json").status_code == 200
    assert as_user("lead1").post(f"/api/v1/problems/{pid}/reinspections", {"team": team, "due_date": tomorrow},
                                 format="json").status_code == 201
    assert Reinspection.objects.filter(problem_id=pid).count() == 2


def test_an_inspection_that_found_problems_does_not_say_it_found_none(as_user):
    lead = as_user("lead1")
    iid = _inspection(lead)
    for i in range(3):
        assert new_problem(as_user("officer1"), description=f"检查发现{i}", inspection=iid).status_code == 201
    summary = lead.get(f"/api/v1/inspections/{iid}/").json()["summary"]
    assert "未发现问题" not in summary, summary
    assert summary.endswith("据统计，此次检查发现问题3处。"), summary


def test_outcomes_recorded_on_an_inspections_problems_count_in_its_summary(as_user):
    lead = as_user("lead1")
    iid = _inspection(lead)
    pid = new_problem(as_user("officer1"), description="店外经营", inspection=iid).json()["id"]
    r = as_user("officer1").post(f"/api/v1/problems/{pid}/outcomes",
                                 {"kinds": ["劝阻", "整改"], "target_kind": "店外经营", "count": 2}, format="json")
    assert r.status_code == 201, r.json()
    # one recorded against both the problem and the inspection is counted once
    r = lead.post("/api/v1/outcomes/", {"problem": pid, "inspection": iid, "kinds": ["劝离"],
                                        "target_kind": "违章停车", "count": 1}, format="json")
    assert r.status_code == 201, r.json()
    summary = lead.get(f"/api/v1/inspections/{iid}/").json()["summary"]
    assert summary.endswith("据统计，此次检查共劝阻并整改店外经营2家，劝离违章停车1辆。"), summary


def test_a_focus_ending_in_deng_is_not_written_twice(as_user):
    lead = as_user("lead1")
    iid = _inspection(lead)
    Inspection.objects.filter(pk=iid).update(focus="街面环境、店外经营等")
    summary = lead.get(f"/api/v1/inspections/{iid}/").json()["summary"]
    assert "等等" not in summary, summary
    assert "对街面环境、店外经营等情况进行检查" in summary


def test_an_escalation_deadline_given_as_a_date_runs_to_the_end_of_that_local_day(as_user):
    """答复期限 2026-03-05 means by the end of 5 March. DRF read a date alone as its midnight, the
    day's first second: today's date was refused (答复期限须晚于现在), tomorrow's gave the
    department until midnight tonight, and an answer during the day it named was late."""
    pid = new_problem(as_user("officer1")).json()["id"]
    dept = Agency.objects.get(name="海淀区城市管理委员会").id
    today = timezone.localdate()
    r = as_user("lead1").post(f"/api/v1/problems/{pid}/escalations",
                              {"department": dept, "reason": "占道经营屡教不改，需区城管委协调",
                               "deadline": today.isoformat()}, format="json")
    assert r.status_code == 201, r.json()
    deadline = timezone.localtime(Escalation.objects.get(pk=r.json()["id"]).deadline)
    assert (deadline.date(), deadline.time()) == (today, dt.time(23, 59, 59))
    answer = as_user("admin").post(f"/api/v1/escalations/{r.json()['id']}/respond", {"response": "已协调"},
                                   format="json")
    assert answer.status_code == 200 and answer.json()["late"] is False
    # a datetime is the very moment given
    other = Agency.objects.exclude(pk=dept).filter(kind="department").first()
    moment = (timezone.localtime() + dt.timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    r = as_user("lead1").post(f"/api/v1/problems/{pid}/escalations",
                              {"department": other.pk, "reason": "需协调", "deadline": moment.isoformat()},
                              format="json")
    assert r.status_code == 201, r.json()
    assert Escalation.objects.get(pk=r.json()["id"]).deadline == moment
