"""The patrol pages of the 管理后台 (patrol.admin), seen through the roles set up in org: the
category catalogue for district admins, read-only problems/outcomes/inspections limited to
the viewer's jurisdiction."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from core.models import AuditEvent
from geodata.models import Area, AreaKind
from org.models import Agency, AgencyKind, Officer, Role
from patrol.models import Category, Inspection, Problem
from tests.patrol.conftest import new_problem

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    user = get_user_model().objects.get(username=username)
    if not user.is_staff:
        user.is_staff = True
        user.save()
    client = Client()
    client.force_login(user)
    return client


def _other_district_admin() -> Client:
    other = Area.objects.filter(kind=AreaKind.DISTRICT).exclude(code="110108").first()
    agency = Agency.objects.create(name="外区管理", kind=AgencyKind.DEPARTMENT, area=other)
    user = get_user_model().objects.create_user("other_admin", password="x", is_staff=True)
    Officer.objects.create(user=user, name="外区管理员", role=Role.DISTRICT_ADMIN, agency=agency, jurisdiction=other)
    client = Client()
    client.force_login(user)
    return client


def _category_body(category: Category, **extra) -> dict:
    body = {f: getattr(category, f) for f in ("name", "big_class", "big_class_code", "agency_name",
                                              "deadline_hours")}
    body["active"] = "on" if category.active else ""
    body.update(extra)
    return body


def test_a_district_admin_edits_a_category_with_one_audit_event():
    category = Category.objects.get(name="积存垃圾渣土")
    old_deadline = category.deadline_hours
    client = _client("admin")
    assert client.get("/admin/patrol/category/", {"q": "积存垃圾"}).status_code == 200
    before = AuditEvent.objects.count()
    response = client.post(f"/admin/patrol/category/{category.pk}/change/", _category_body(category, deadline_hours=12))
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.deadline_hours == 12
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.verb, e.subject_type, e.before, e.after) for e in events] == [
        ("updated", "patrol.category", {"deadline_hours": old_deadline}, {"deadline_hours": 12})]
    assert client.get("/admin/patrol/category/add/").status_code == 403
    assert client.post(f"/admin/patrol/category/{category.pk}/delete/", {"post": "yes"}).status_code == 403


def test_a_supervisor_cannot_edit_categories():
    category = Category.objects.first()
    client = _client("supervisor1")
    assert client.get("/admin/patrol/category/").status_code == 403
    assert client.post(f"/admin/patrol/category/{category.pk}/change/", _category_body(category)).status_code == 403


def test_problems_are_read_only_and_limited_to_the_jurisdiction(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]
    supervisor = _client("supervisor1")
    response = supervisor.get("/admin/patrol/problem/")
    assert response.status_code == 200
    assert pid in [p.pk for p in response.context["cl"].result_list]
    page = supervisor.get(f"/admin/patrol/problem/{pid}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert "39.9991" in page.content.decode()  # the point, back in WGS84
    assert supervisor.post(f"/admin/patrol/problem/{pid}/change/", {"description": "改"}).status_code == 403
    assert supervisor.post(f"/admin/patrol/problem/{pid}/delete/", {"post": "yes"}).status_code == 403
    assert supervisor.get("/admin/patrol/problem/add/").status_code == 403
    other = _other_district_admin()
    response = other.get("/admin/patrol/problem/")
    assert pid not in [p.pk for p in response.context["cl"].result_list]
    assert other.get(f"/admin/patrol/problem/{pid}/change/").status_code == 302  # "does not exist"
    assert Problem.objects.filter(pk=pid).exists()


def test_outcomes_and_inspections_are_read_only_and_limited_to_the_jurisdiction(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]
    body = {"kinds": ["劝阻"], "target_kind": "店外经营", "count": 2}
    assert as_user("officer1").post(f"/api/v1/problems/{pid}/outcomes", body, format="json").status_code == 201
    sub = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    inspection = Inspection.objects.create(date=dt.date(2026, 11, 20), title="学院路联合检查", area=sub,
                                           lead_agency=Agency.objects.get(name="学院路街道城管办"),
                                           created_by=get_user_model().objects.get(username="lead1"))
    supervisor = _client("supervisor1")
    outcomes = supervisor.get("/admin/patrol/outcome/").context["cl"].result_list
    assert any(o.problem_id == pid for o in outcomes)
    assert supervisor.get(f"/admin/patrol/inspection/{inspection.pk}/change/").status_code == 200
    assert supervisor.post(f"/admin/patrol/inspection/{inspection.pk}/delete/", {"post": "yes"}).status_code == 403
    other = _other_district_admin()
    assert not any(o.problem_id == pid for o in other.get("/admin/patrol/outcome/").context["cl"].result_list)
    assert inspection not in other.get("/admin/patrol/inspection/").context["cl"].result_list


def test_an_officer_cannot_open_the_problem_pages_without_staff_status():
    client = Client()
    client.force_login(get_user_model().objects.get(username="officer1"))
    assert client.get("/admin/patrol/problem/").status_code == 302


def test_a_district_admin_of_one_subdistrict_reads_but_cannot_edit_the_catalogue():
    from core.errors import Forbidden
    from patrol.services.catalogue import category_update

    sub = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    user = get_user_model().objects.create_user("xy_admin", password="x", is_staff=True)
    Officer.objects.create(user=user, name="街道管理员", role=Role.DISTRICT_ADMIN, jurisdiction=sub,
                           agency=Agency.objects.get(name="学院路街道城管办"))
    client = Client()
    client.force_login(user)
    category = Category.objects.get(name="积存垃圾渣土")
    before = (category.name, category.deadline_hours, category.active)
    listing = client.get("/admin/patrol/category/", {"q": "积存垃圾"})
    assert listing.status_code == 200 and category in listing.context["cl"].result_list
    page = client.get(f"/admin/patrol/category/{category.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # read-only
    response = client.post(f"/admin/patrol/category/{category.pk}/change/",
                           _category_body(category, name="改名", deadline_hours=1, active=""))
    assert response.status_code == 403
    with pytest.raises(Forbidden):
        category_update(actor=user, category=category, changes={"deadline_hours": 1})
    category.refresh_from_db()
    assert (category.name, category.deadline_hours, category.active) == before
    assert not AuditEvent.objects.filter(subject_type="patrol.category", subject_id=str(category.pk)).exists()
