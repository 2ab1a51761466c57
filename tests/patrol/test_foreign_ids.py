"""Ids of another street office's records sent in a body (an agency, a team, an outcome to
correct) are answered as ids that are not there: neither taken nor confirmed, nor named
(README: "404 an id that is not there (or not in your jurisdiction)"). Regressions from a
review of objects of another office."""
import datetime as dt

import pytest

from geodata.models import Area
from org.models import Agency, Team
from patrol.models import Inspection, Outcome, Problem, Reinspection

from .conftest import new_problem

pytestmark = pytest.mark.django_db
MISSING = 99999999


def _inspection(lead_agency, agencies):
    return {"date": "2026-12-01", "title": "背街小巷联合检查", "area": Area.objects.get(name="学院路街道").pk,
            "lead_agency": lead_agency, "agencies": agencies}


def test_a_joint_inspection_takes_no_agency_of_another_street_office(as_user, other_subdistrict):
    theirs = Agency.objects.get(name="测试街道执法队")  # 测试街道's
    own = Agency.objects.get(name="学院路街道城管办")
    department = Agency.objects.get(name="海淀区城市管理委员会")  # the district's: joins any office's inspection
    lead = as_user("lead1")
    before = Inspection.objects.count()
    for body, baseline in (
        (_inspection(theirs.pk, [own.pk]), _inspection(MISSING, [own.pk])),
        (_inspection(own.pk, [department.pk, theirs.pk]), _inspection(own.pk, [department.pk, MISSING])),
    ):
        seen, missing = (lead.post("/api/v1/inspections/", b, format="json") for b in (body, baseline))
        assert seen.status_code == missing.status_code == 422, seen.json()
        assert seen.json()["detail"] == missing.json()["detail"]
        assert theirs.name not in seen.content.decode()
    assert Inspection.objects.count() == before
    r = lead.post("/api/v1/inspections/", _inspection(department.pk, [own.pk]), format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["lead_agency"] == department.name and r.json()["agencies"] == [own.name]


def test_a_correction_of_another_offices_outcome_is_answered_as_one_that_is_not_there(as_user, other_subdistrict):
    officer = as_user("officer1")
    ours = new_problem(officer).json()["id"]
    oid = officer.post(f"/api/v1/problems/{ours}/outcomes", {"kinds": ["劝离"], "target_kind": "违章停车",
                                                              "count": 1}, format="json").json()["id"]
    # 测试街道 has no roads of its own: a report moved there is its problem
    theirs = new_problem(officer).json()["id"]
    Problem.objects.filter(pk=theirs).update(subdistrict=other_subdistrict)
    stranger = as_user("other_lead")

    def correct(client, pid, corrects):
        return client.post(f"/api/v1/problems/{pid}/outcomes", {"kinds": ["劝离"], "target_kind": "违章停车",
                                                                 "count": 2, "corrects": corrects}, format="json")

    for _ in ("not corrected yet", "corrected since"):
        seen, missing = correct(stranger, theirs, oid), correct(stranger, theirs, MISSING)
        assert seen.status_code == missing.status_code == 404, seen.json()
        assert seen.json()["detail"] == missing.json()["detail"]
        assert correct(as_user("lead1"), ours, oid).status_code in (201, 409)  # the office's own correction
    assert not Outcome.objects.filter(problem_id=theirs).exists()


def test_a_team_of_another_office_is_answered_as_a_team_that_is_not_there(as_user, other_subdistrict):
    pid = new_problem(as_user("officer1")).json()["id"]
    theirs = Team.objects.get(name="测试一队")
    lead = as_user("lead1")

    def same_answer(post):
        seen, missing = post(theirs.pk), post(MISSING)
        assert seen.status_code == missing.status_code == 422, seen.json()
        assert "team" in seen.json()["errors"]
        assert seen.json()["detail"] == missing.json()["detail"].replace(str(MISSING), str(theirs.pk))
        assert theirs.name not in seen.content.decode()

    same_answer(lambda team: lead.post(f"/api/v1/problems/{pid}/transition", {"to": "dispatched", "team": team},
                                       format="json"))
    assert Problem.objects.get(pk=pid).status == "reported"
    Problem.objects.filter(pk=pid).update(status="rectified")
    same_answer(lambda team: lead.post(f"/api/v1/problems/{pid}/reinspections",
                                       {"team": team, "due_date": dt.date.today().isoformat()}, format="json"))
    assert not Reinspection.objects.filter(problem_id=pid).exists()
    # the office's own team is still named when it does not serve the place
    own = Team.objects.get(name="执法一队")
    grid = Area.objects.filter(kind="grid").exclude(pk=Problem.objects.get(pk=pid).grid_id).order_by("id").first()
    Team.objects.filter(pk=own.pk).update(area=grid)
    r = lead.post(f"/api/v1/problems/{pid}/reinspections", {"team": own.pk, "due_date": dt.date.today().isoformat()},
                  format="json")
    assert r.status_code == 422 and own.name in r.json()["detail"]
