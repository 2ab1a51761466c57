"""Nothing crosses a jurisdiction's boundary through a side door (regressions from review)."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from geodata.models import Area
from org.models import Agency, Officer, Role, Team
from patrol.models import Inspection, Outcome, Problem

from .conftest import new_problem

pytestmark = pytest.mark.django_db


def _their_inspection(area):
    lead = get_user_model().objects.get(username="other_lead")
    agency = Agency.objects.get(name="测试街道执法队")
    return Inspection.objects.create(date=dt.date(2026, 11, 20), title="测试检查", area=area, lead_agency=agency,
                                     created_by=lead)


def test_outcome_cannot_be_attached_to_another_jurisdictions_inspection(as_user, other_subdistrict):
    theirs = _their_inspection(other_subdistrict)
    pid = new_problem(as_user("officer1")).json()["id"]
    body = {"kinds": ["劝离"], "target_kind": "违章停车", "count": 8, "inspection": theirs.pk}
    assert as_user("lead1").post(f"/api/v1/problems/{pid}/outcomes", body, format="json").status_code == 403
    assert as_user("lead1").post("/api/v1/outcomes/", body, format="json").status_code == 403
    assert not Outcome.objects.filter(inspection=theirs).exists()


def test_problem_cannot_join_a_missing_or_foreign_inspection(as_user, other_subdistrict):
    theirs = _their_inspection(other_subdistrict)
    before = Problem.objects.count()
    r = new_problem(as_user("officer1"), inspection=99999999)
    assert r.status_code == 422 and "inspection" in r.json()["errors"]
    r = new_problem(as_user("officer1"), inspection=theirs.pk)
    assert r.status_code == 403 and "inspection" in r.json()["errors"]
    assert Problem.objects.count() == before


def test_escalation_is_answered_only_by_its_department_or_admins_over_the_area(as_user, other_subdistrict):
    pid = new_problem(as_user("officer1")).json()["id"]
    dept = Agency.objects.get(name="海淀区城市管理委员会")
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    eid = as_user("lead1").post(f"/api/v1/problems/{pid}/escalations",
                                {"department": dept.pk, "reason": "需协调", "deadline": deadline},
                                format="json").json()["id"]
    user = get_user_model().objects.create_user("other_admin", password="x")
    Officer.objects.create(user=user, name="other_admin", role=Role.DISTRICT_ADMIN,
                           agency=Agency.objects.get(name="测试街道执法队"), jurisdiction=other_subdistrict)
    r = as_user("other_admin").post(f"/api/v1/escalations/{eid}/respond", {"response": "x"}, format="json")
    assert r.status_code == 403
    staff = get_user_model().objects.create_user("dept_staff", password="x")
    Officer.objects.create(user=staff, name="城管委科员", role=Role.OFFICER, agency=dept,
                           jurisdiction=Area.objects.get(code="110108"))
    r = as_user("dept_staff").post(f"/api/v1/escalations/{eid}/respond", {"response": "已派员处理"}, format="json")
    assert r.status_code == 200, r.json()


def test_problems_go_only_to_teams_that_serve_the_area(as_user, other_subdistrict):
    pid = new_problem(as_user("officer1")).json()["id"]
    their_team = Team.objects.get(name="测试一队")
    r = as_user("lead1").post(f"/api/v1/problems/{pid}/transition", {"to": "dispatched", "team": their_team.pk},
                              format="json")
    assert r.status_code == 422 and "team" in r.json()["errors"]
    assert Problem.objects.get(pk=pid).status == "reported"


def test_team_lists_stay_within_the_jurisdiction(as_user, other_subdistrict):
    ours = Team.objects.get(name="执法一队")
    assert as_user("other_officer").get(f"/api/v1/teams/{ours.pk}/reinspections").status_code == 403
    assert as_user("officer1").get("/api/v1/teams/999999/reinspections").status_code == 404


def test_a_duplicate_must_point_at_an_original_not_another_duplicate(as_user):
    first = new_problem(as_user("officer1")).json()["id"]
    second = new_problem(as_user("officer1")).json()["id"]
    third = new_problem(as_user("officer1")).json()["id"]
    lead = as_user("lead1")
    assert lead.post(f"/api/v1/problems/{second}/transition", {"to": "duplicate", "reason": "同一处",
                                                                "duplicate_of": first}, format="json").status_code == 200
    r = lead.post(f"/api/v1/problems/{third}/transition", {"to": "duplicate", "reason": "同一处",
                                                            "duplicate_of": second}, format="json")
    assert r.status_code == 422 and "duplicate_of" in r.json()["errors"]


@pytest.mark.parametrize("value", [3_000_000_000, -1])
def test_out_of_range_numbers_are_a_400(as_user, value):
    pid = new_problem(as_user("lead1")).json()["id"]
    r = as_user("lead1").patch(f"/api/v1/problems/{pid}/", {"affected_households": value}, format="json")
    assert r.status_code == 400 and "affected_households" in r.json()["errors"]
