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
    # 404 as for an inspection that is not there (README: an id outside the jurisdiction is not confirmed)
    assert as_user("lead1").post(f"/api/v1/problems/{pid}/outcomes", body, format="json").status_code == 404
    assert as_user("lead1").post("/api/v1/outcomes/", body, format="json").status_code == 404
    assert not Outcome.objects.filter(inspection=theirs).exists()


def test_problem_cannot_join_a_missing_or_foreign_inspection(as_user, other_subdistrict):
    theirs = _their_inspection(other_subdistrict)
    before = Problem.objects.count()
    missing = new_problem(as_user("officer1"), inspection=99999999)
    assert missing.status_code == 422 and "inspection" in missing.json()["errors"]
    r = new_problem(as_user("officer1"), inspection=theirs.pk)
    # answered as the missing one (its existence is not confirmed), the same words but for the id
    assert r.status_code == 422 and "inspection" in r.json()["errors"]
    assert r.json()["detail"] == missing.json()["detail"].replace("99999999", str(theirs.pk))
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
    assert r.status_code == 404  # outside the jurisdiction: not confirmed to exist
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
    assert as_user("other_officer").get(f"/api/v1/teams/{ours.pk}/reinspections").status_code == 404
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


def test_ids_outside_the_jurisdiction_are_answered_as_ids_that_are_not_there(as_user, other_subdistrict):
    # A 403 would confirm that the outcome, escalation, re-inspection or team exists elsewhere.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_photos import jpeg

    officer, lead = as_user("officer1"), as_user("lead1")
    pid = new_problem(officer).json()["id"]
    oid = officer.post(f"/api/v1/problems/{pid}/outcomes", {"kinds": ["劝离"], "target_kind": "违章停车", "count": 1},
                       format="json").json()["id"]
    dept = Agency.objects.get(name="海淀区城市管理委员会")
    eid = lead.post(f"/api/v1/problems/{pid}/escalations", {"department": dept.pk, "reason": "需协调", "deadline": (
        dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()}, format="json").json()["id"]
    for who, to in ((lead, "dispatched"), (officer, "in_progress"), (officer, "rectified")):
        assert who.post(f"/api/v1/problems/{pid}/transition", {"to": to}, format="json").status_code == 200
    team = Team.objects.get(name="执法一队")
    rid = lead.post(f"/api/v1/problems/{pid}/reinspections", {"team": team.pk, "due_date": dt.date.today().isoformat()},
                    format="json").json()["id"]
    missing = 99999999

    def asks(client, path_id, body_id=None):
        photo = {"photo": SimpleUploadedFile("a.jpg", jpeg())}
        correction = {"kinds": ["劝离"], "target_kind": "违章停车", "count": 1, "problem": body_id, "corrects": oid}
        return [
            client.post(f"/api/v1/outcomes/{path_id['outcome']}/photos", photo, format="multipart"),
            client.post("/api/v1/outcomes/", correction, format="json"),
            client.post(f"/api/v1/escalations/{path_id['escalation']}/respond", {"response": "x"}, format="json"),
            client.post(f"/api/v1/reinspections/{path_id['reinspection']}/complete", {"passed": True},
                        format="json"),
            client.get(f"/api/v1/teams/{path_id['team']}/reinspections"),
        ]

    ours = {"outcome": oid, "escalation": eid, "reinspection": rid, "team": team.pk}
    nowhere = dict.fromkeys(ours, missing)
    for username in ("other_officer", "other_lead", "other_supervisor"):
        stranger = as_user(username)
        seen = asks(stranger, ours, pid)
        unknown = asks(stranger, nowhere, missing)
        for answer, baseline in zip(seen, unknown, strict=True):
            assert answer.status_code == baseline.status_code == 404, (username, answer.json())
            assert answer.json()["detail"] == baseline.json()["detail"]
    assert not Outcome.objects.filter(corrects_id=oid).exists()
    assert Problem.objects.get(pk=pid).status == "rectified"
