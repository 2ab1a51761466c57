"""Who may do what over the API: each role against each action, inside and outside their
jurisdiction, expected from the table of tests/org/test_permission_matrix.py (written from
the domain rules), never from the code under test."""
import pytest

from patrol.models import Problem
from tests.patrol.conftest import new_problem

from .test_permission_matrix import EXPECTED

pytestmark = pytest.mark.django_db

ROLE_USERS = {"officer": "officer1", "team_lead": "lead1", "supervisor": "supervisor1",
              "district_admin": "admin", "publisher": "publisher1"}


@pytest.mark.parametrize("role", ROLE_USERS)
def test_create_problem(as_user, role):
    r = new_problem(as_user(ROLE_USERS[role]))
    assert (r.status_code == 201) == EXPECTED[("create_problem", role)], r.json()


@pytest.mark.parametrize("role", ROLE_USERS)
def test_edit_problem(as_user, role):
    pid = new_problem(as_user("lead1")).json()["id"]  # reported by someone else
    r = as_user(ROLE_USERS[role]).patch(f"/api/v1/problems/{pid}/", {"description": "补充说明"}, format="json")
    assert (r.status_code == 200) == EXPECTED[("edit_problem", role)], r.json()


def test_officer_edits_own_report_only_while_reported(as_user):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    assert client.patch(f"/api/v1/problems/{pid}/", {"description": "补充"}, format="json").status_code == 200
    as_user("lead1").post(f"/api/v1/problems/{pid}/transition", {"to": "dispatched"}, format="json")
    assert client.patch(f"/api/v1/problems/{pid}/", {"description": "再改"}, format="json").status_code == 403


@pytest.mark.parametrize("role", ROLE_USERS)
def test_record_outcome(as_user, role):
    pid = new_problem(as_user("lead1")).json()["id"]
    r = as_user(ROLE_USERS[role]).post(f"/api/v1/problems/{pid}/outcomes",
                                       {"kinds": ["劝阻"], "target_kind": "商户", "count": 1}, format="json")
    assert (r.status_code == 201) == EXPECTED[("record_outcome", role)], r.json()


@pytest.mark.parametrize("role", ROLE_USERS)
def test_every_role_views_problems_of_its_jurisdiction(as_user, role):
    pid = new_problem(as_user("lead1")).json()["id"]
    assert as_user(ROLE_USERS[role]).get(f"/api/v1/problems/{pid}/").status_code == 200


@pytest.mark.parametrize("role", ROLE_USERS)
def test_escalate(as_user, role):
    import datetime as dt

    from org.models import Agency
    pid = new_problem(as_user("lead1")).json()["id"]
    dept = Agency.objects.get(name="海淀区城市管理委员会").id
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
    r = as_user(ROLE_USERS[role]).post(f"/api/v1/problems/{pid}/escalations",
                                       {"department": dept, "reason": "需协调", "deadline": deadline}, format="json")
    assert (r.status_code == 201) == EXPECTED[("escalate", role)], r.json()


@pytest.mark.parametrize("role", ROLE_USERS)
def test_manage_inspection(as_user, role):
    from geodata.models import Area
    from org.models import Agency
    agency = Agency.objects.get(name="海淀区城市管理委员会")
    area = Area.objects.get(name="学院路街道")
    r = as_user(ROLE_USERS[role]).post("/api/v1/inspections/", {
        "date": "2026-12-01", "title": "联合检查", "area": area.id, "lead_agency": agency.id,
        "agencies": [agency.id]}, format="json")
    assert (r.status_code == 201) == EXPECTED[("manage_inspection", role)], r.json()


def test_an_officer_of_another_subdistrict_can_neither_see_nor_change(as_user, other_subdistrict):
    pid = new_problem(as_user("officer1")).json()["id"]
    for username in ("other_officer", "other_lead", "other_supervisor"):
        client = as_user(username)
        assert client.get(f"/api/v1/problems/{pid}/").status_code == 404
        assert client.patch(f"/api/v1/problems/{pid}/", {"description": "x"}, format="json").status_code == 404
        assert client.post(f"/api/v1/problems/{pid}/transition", {"to": "dispatched"},
                           format="json").status_code == 404
        assert client.post(f"/api/v1/problems/{pid}/outcomes", {"kinds": ["劝阻"], "target_kind": "商户",
                                                                 "count": 1}, format="json").status_code == 404
    assert Problem.objects.get(pk=pid).description == "路边积存垃圾"


def test_an_officer_cannot_report_outside_the_jurisdiction(as_user, other_subdistrict):
    r = new_problem(as_user("other_officer"))  # the demo point lies in 学院路街道
    assert r.status_code == 403 and "location" in r.json()["errors"]


def test_a_user_without_an_officer_profile_is_refused(db):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient
    client = APIClient()
    client.force_authenticate(get_user_model().objects.create_user("visitor", password="x"))
    r = client.get("/api/v1/problems/")
    assert r.status_code == 403 and "人员档案" in str(r.json())
