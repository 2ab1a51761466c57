"""The people pages of the 管理后台: who may open them, what they see, and what every write leaves
in the audit log (one event, in the same transaction)."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from core.models import AuditEvent
from geodata.models import Area, AreaKind
from org.models import Agency, AgencyKind, Officer, Role, Team

pytestmark = pytest.mark.django_db

PEOPLE_PAGES = ["/admin/org/officer/", "/admin/org/officer/add/", "/admin/org/team/", "/admin/org/agency/",
                "/admin/org/officer/import/", "/admin/patrol/category/"]


def _sub():
    return Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")


def _haidian():
    return Area.objects.get(kind=AreaKind.DISTRICT, code="110108")


def _staff(username: str, role: str, area: Area) -> Client:
    """A signed-in staff user with an officer profile of `role` over `area`."""
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    agency, _ = Agency.objects.get_or_create(name=f"{area.name}测试单位", area=area,
                                             defaults={"kind": AgencyKind.OTHER})
    Officer.objects.create(user=user, name=username, role=role, agency=agency, jurisdiction=area)
    client = Client()
    client.force_login(user)
    return client


def _as(username: str, *, staff: bool = True) -> Client:
    user = get_user_model().objects.get(username=username)
    if staff:
        user.is_staff = True
        user.save()
    client = Client()
    client.force_login(user)
    return client


def _events(**filters):
    return AuditEvent.objects.filter(**filters)


@pytest.mark.parametrize("username", ["officer1", "lead1", "publisher1"])
@pytest.mark.parametrize("url", PEOPLE_PAGES)
def test_officer_and_team_lead_cannot_open_the_people_pages_even_as_staff(username, url):
    assert _as(username).get(url).status_code == 403


def test_a_user_who_is_not_staff_is_sent_to_the_login_page():
    response = _as("officer1", staff=False).get("/admin/org/officer/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _index_models(client) -> set[str]:
    response = client.get("/admin/")
    assert response.status_code == 200 and "街面巡查平台 管理后台" in response.content.decode()
    return {m["object_name"] for app in response.context["app_list"] for m in app["models"]}


def test_the_index_lists_the_people_pages_only_to_district_admins():
    supervisor = _index_models(_as("supervisor1"))
    # 未诉先办清单; shifts and their fix batches (巡查班次); 12345 complaints, their imports and the
    # imports queued for the background worker (read-only)
    assert supervisor == {"Problem", "Outcome", "Inspection", "AuditEvent", "Publication", "Shift", "FixBatch",
                          "Complaint", "ImportBatch", "QueuedImport"}
    district_admin = _index_models(_staff("haidian_admin", Role.DISTRICT_ADMIN, _haidian()))
    assert {"Officer", "Team", "Agency", "Category", "AuditEvent", "Problem", "ApiKey", "ApiToken"} <= district_admin
    assert "User" not in district_admin and "Area" not in district_admin


def test_a_district_admin_of_another_jurisdiction_sees_none_of_the_demo_officers():
    other = Area.objects.filter(kind=AreaKind.DISTRICT).exclude(code="110108").first()
    client = _staff("chaoyang_admin", Role.DISTRICT_ADMIN, other)
    html = client.get("/admin/org/officer/").content.decode()
    assert "chaoyang_admin" in html
    for username in ("officer1", "lead1", "supervisor1"):
        assert username not in html
    officer1 = Officer.objects.get(user__username="officer1")
    assert client.get(f"/admin/org/officer/{officer1.pk}/change/").status_code == 302  # "does not exist"
    before = Officer.objects.get(pk=officer1.pk)
    client.post(f"/admin/org/officer/{officer1.pk}/change/", {"name": "改名", "role": "officer"})
    assert Officer.objects.get(pk=officer1.pk).name == before.name
    team = Team.objects.get(name="执法一队")
    assert client.get(f"/admin/org/team/{team.pk}/change/").status_code == 302
    assert "学院路街道综合行政执法队" not in client.get("/admin/org/agency/").content.decode()


def test_the_area_and_agency_choices_stay_inside_the_jurisdiction():
    client = _staff("haidian_admin", Role.DISTRICT_ADMIN, _haidian())
    form = client.get("/admin/org/officer/add/").context["adminform"].form
    areas = set(form.fields["jurisdiction"].queryset.values_list("name", flat=True))
    assert {"海淀区", "学院路街道"} <= areas
    assert "朝阳区" not in areas
    agencies = set(form.fields["agency"].queryset.values_list("name", flat=True))
    assert "学院路街道综合行政执法队" in agencies


def _add_officer(client, **extra):
    sub = _sub()
    agency = Agency.objects.get(name="学院路街道综合行政执法队")
    body = {"username": "zhou01", "password": "Zhou-2026-pass", "name": "周队员", "role": Role.OFFICER,
            "agency": agency.pk, "team": Team.objects.get(name="执法一队").pk, "jurisdiction": sub.pk}
    body.update(extra)
    return client.post("/admin/org/officer/add/", body)


def test_a_district_admin_creates_an_officer_with_a_login_and_one_audit_event():
    client = _staff("haidian_admin", Role.DISTRICT_ADMIN, _haidian())
    before = AuditEvent.objects.count()
    response = _add_officer(client)
    assert response.status_code == 302, response.context["adminform"].form.errors
    officer = Officer.objects.select_related("user").get(user__username="zhou01")
    assert officer.user.check_password("Zhou-2026-pass")
    assert officer.active and officer.user.is_active and not officer.user.is_staff
    assert (officer.role, officer.jurisdiction, officer.team.name) == (Role.OFFICER, _sub(), "执法一队")
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert len(events) == 1
    event = events[0]
    assert (event.verb, event.subject_type, event.subject_id) == ("created", "org.officer", str(officer.pk))
    assert event.actor.username == "haidian_admin"
    assert event.after["username"] == "zhou01" and "Zhou-2026-pass" not in str(event.after)


def test_a_new_district_admin_or_supervisor_may_enter_the_admin():
    client = _as("admin")
    assert _add_officer(client, username="boss", role=Role.DISTRICT_ADMIN, team="").status_code == 302
    assert _add_officer(client, username="duban", role=Role.SUPERVISOR, team="").status_code == 302
    users = get_user_model().objects.in_bulk(["boss", "duban"], field_name="username")
    assert users["boss"].is_staff and users["duban"].is_staff
    boss = Client()
    boss.force_login(users["boss"])
    assert boss.get("/admin/org/officer/").status_code == 200
    duban = Client()
    duban.force_login(users["duban"])
    assert duban.get("/admin/org/officer/").status_code == 403
    assert duban.get("/admin/patrol/problem/").status_code == 200


def test_the_add_form_refuses_a_taken_username_a_short_password_and_a_foreign_team():
    client = _as("admin")
    before = (Officer.objects.count(), AuditEvent.objects.count())
    response = _add_officer(client, username="officer1")
    assert response.status_code == 200 and "username" in response.context["adminform"].form.errors
    response = _add_officer(client, password="short")
    assert "password" in response.context["adminform"].form.errors
    response = _add_officer(client, agency=Agency.objects.get(name="学院路街道城管办").pk)
    assert "team" in response.context["adminform"].form.errors
    assert (Officer.objects.count(), AuditEvent.objects.count()) == before


def test_a_district_admin_cannot_give_an_officer_an_area_outside_the_jurisdiction():
    other = Area.objects.filter(kind=AreaKind.DISTRICT).exclude(code="110108").first()
    client = _staff("haidian_admin", Role.DISTRICT_ADMIN, _haidian())
    response = _add_officer(client, jurisdiction=other.pk)
    assert response.status_code == 200 and "jurisdiction" in response.context["adminform"].form.errors
    assert not Officer.objects.filter(user__username="zhou01").exists()


def _change_body(officer: Officer, **extra) -> dict:
    body = {"name": officer.name, "role": officer.role, "agency": officer.agency_id, "team": officer.team_id or "",
            "jurisdiction": officer.jurisdiction_id, "active": "on" if officer.active else "", "new_password": ""}
    body.update(extra)
    return {k: v for k, v in body.items() if v is not False}


def test_deactivating_an_officer_disables_the_login_and_records_one_event():
    client = _as("admin")
    officer = Officer.objects.get(user__username="officer2")
    before = AuditEvent.objects.count()
    body = _change_body(officer)
    del body["active"]
    response = client.post(f"/admin/org/officer/{officer.pk}/change/", body)
    assert response.status_code == 302
    officer.refresh_from_db()
    officer.user.refresh_from_db()
    assert not officer.active and not officer.user.is_active
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.verb, e.subject_id) for e in events] == [("deactivated", str(officer.pk))]
    assert events[0].before == {"active": True} and events[0].after == {"active": False}


def test_a_change_and_a_password_reset_are_one_event_and_an_unchanged_save_none():
    client = _as("admin")
    officer = Officer.objects.get(user__username="officer2")
    before = AuditEvent.objects.count()
    url = f"/admin/org/officer/{officer.pk}/change/"
    assert client.post(url, _change_body(officer)).status_code == 302
    assert AuditEvent.objects.count() == before
    response = client.post(url, _change_body(officer, role=Role.TEAM_LEAD, new_password="New-pass-2026"))
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.role == Role.TEAM_LEAD and officer.user.check_password("New-pass-2026")
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert len(events) == 1
    assert events[0].before == {"role": "officer"}
    assert events[0].after == {"role": "team_lead", "password": "已重置"}


def test_the_deactivate_action_records_one_event_per_officer_and_spares_the_actor():
    client = _as("admin")
    ids = list(Officer.objects.filter(user__username__in=["officer1", "officer2", "admin"]).values_list("pk", flat=True))
    before = AuditEvent.objects.count()
    response = client.post("/admin/org/officer/", {"action": "deactivate_selected", "_selected_action": ids})
    assert response.status_code == 302
    assert set(Officer.objects.filter(pk__in=ids, active=False).values_list("user__username", flat=True)) == \
        {"officer1", "officer2"}
    assert not get_user_model().objects.get(username="officer1").is_active
    assert get_user_model().objects.get(username="admin").is_active
    events = AuditEvent.objects.order_by("id")[before:]
    assert sorted(e.verb for e in events) == ["deactivated", "deactivated"]


@pytest.mark.parametrize("model", ["officer", "team", "agency"])
def test_nothing_is_deleted_through_the_admin(model):
    obj = {"officer": Officer, "team": Team, "agency": Agency}[model].objects.first()
    client = _as("admin")
    assert client.get(f"/admin/org/{model}/{obj.pk}/delete/").status_code == 403
    assert client.post(f"/admin/org/{model}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_a_district_admin_sets_up_an_agency_and_a_team_with_one_event_each():
    client = _staff("haidian_admin", Role.DISTRICT_ADMIN, _haidian())
    sub = _sub()
    before = AuditEvent.objects.count()
    response = client.post("/admin/org/agency/add/", {"name": "学院路街道环境办", "kind": AgencyKind.STREET_OFFICE,
                                                       "area": sub.pk})
    assert response.status_code == 302
    agency = Agency.objects.get(name="学院路街道环境办")
    response = client.post("/admin/org/team/add/", {"name": "环境一组", "agency": agency.pk, "area": sub.pk})
    assert response.status_code == 302
    team = Team.objects.get(name="环境一组")
    response = client.post(f"/admin/org/team/{team.pk}/change/", {"name": "环境巡查一组", "agency": agency.pk,
                                                                   "area": sub.pk})
    assert response.status_code == 302
    events = [(e.verb, e.subject_type, e.subject_id) for e in AuditEvent.objects.order_by("id")[before:]]
    assert events == [("created", "org.agency", str(agency.pk)), ("created", "org.team", str(team.pk)),
                      ("updated", "org.team", str(team.pk))]
    # Without an area the agency would belong to no jurisdiction: a district admin must give one.
    response = client.post("/admin/org/agency/add/", {"name": "无区域单位", "kind": AgencyKind.OTHER, "area": ""})
    assert response.status_code == 200 and "area" in response.context["adminform"].form.errors


def test_a_district_admin_cannot_change_a_superusers_login():
    client = _staff("haidian_admin", Role.DISTRICT_ADMIN, _haidian())
    officer = Officer.objects.get(user__username="admin")
    page = client.get(f"/admin/org/officer/{officer.pk}/change/")
    assert page.status_code == 200 and 'name="new_password"' not in page.content.decode()
    response = client.post(f"/admin/org/officer/{officer.pk}/change/",
                           _change_body(officer, new_password="Taken-over-2026"))
    assert response.status_code == 403
    assert get_user_model().objects.get(username="admin").check_password("patrol-demo")
