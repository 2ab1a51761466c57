"""From a hostile review of the people pages: a username that differs from another only in
full-width characters, a team moved to another agency with its members left behind, and a
duplicate agency that crashed the admin instead of saying so."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from core.errors import ServiceError
from core.models import AuditEvent
from geodata.models import Area, AreaKind
from org import services
from org.models import Agency, AgencyKind, Officer, Role, Team
from org.services import officers_import

pytestmark = pytest.mark.django_db
User = get_user_model()


def _admin():
    return User.objects.get(username="admin")


def _sub():
    return Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _enforcement():
    return Agency.objects.get(name="学院路街道综合行政执法队")


# -- usernames: as the sign-in forms read them (NFKC) -----------------------------------------

def test_a_full_width_twin_of_a_taken_username_is_refused():
    """ｏｆｆｉｃｅｒ1 was stored beside officer1; /login/ reads it as officer1 (Django's
    UsernameField normalises NFKC), so the new account could never sign in."""
    before = (User.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError) as refused:
        services.officer_create(actor=_admin(), username="ｏｆｆｉｃｅｒ1", password="Zhou-2026-pass", name="周队员",
                                role=Role.OFFICER, agency=_enforcement(), jurisdiction=_sub())
    assert refused.value.field == "username" and "已被使用" in refused.value.message
    assert (User.objects.count(), AuditEvent.objects.count()) == before


def test_a_full_width_username_is_stored_as_the_sign_in_reads_it():
    officer = services.officer_create(actor=_admin(), username=" ｚｈｏｕ０１ ", password="Zhou-2026-pass",
                                      name="周队员", role=Role.OFFICER, agency=_enforcement(), jurisdiction=_sub())
    assert officer.user.username == "zhou01"
    response = Client().post("/login/", {"username": "ｚｈｏｕ０１", "password": "Zhou-2026-pass"})
    assert response.status_code == 302, "the new officer cannot sign in"


def test_the_admin_add_form_refuses_a_full_width_twin():
    response = _signed_in("admin").post("/admin/org/officer/add/", {
        "username": "ＯＦＦＩＣＥＲ1", "password": "Zhou-2026-pass", "name": "周队员", "role": Role.OFFICER,
        "agency": _enforcement().pk, "team": "", "jurisdiction": _sub().pk})
    assert response.status_code == 200
    assert "username" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="ＯＦＦＩＣＥＲ1").exists()


def test_an_officer_sheet_names_the_full_width_twin_by_row_and_column():
    rows = ["用户名,姓名,角色,单位,班组,辖区,初始密码",
            "imp01,钱一,队员,学院路街道综合行政执法队,,学院路街道,Import-2026",
            "ｉｍｐ01,钱二,队员,学院路街道综合行政执法队,,学院路街道,Import-2026",
            "ｏｆｆｉｃｅｒ2,钱三,队员,学院路街道综合行政执法队,,学院路街道,Import-2026"]
    before = User.objects.count()
    report = officers_import(actor=_admin(), filename="人员.csv", data=("\n".join(rows) + "\n").encode())
    assert not report.ok and User.objects.count() == before
    assert [(e.row, e.column) for e in report.errors] == [(3, "用户名"), (4, "用户名")], report.errors


# -- a team keeps its agency while it has members ---------------------------------------------

def test_a_team_with_members_cannot_be_moved_to_another_agency():
    team = Team.objects.get(name="执法一队")
    other = Agency.objects.get(name="学院路街道城管办")
    with pytest.raises(ServiceError) as refused:
        services.team_update(actor=_admin(), team=team, agency=other)
    assert refused.value.field == "agency" and "执法一队" in refused.value.message
    team.refresh_from_db()
    assert team.agency == _enforcement()
    # every member's team still belongs to their own agency, so they can still be edited
    member = Officer.objects.filter(team=team).first()
    services.officer_update(actor=_admin(), officer=member, name=member.name + "（改）")


def test_the_team_page_says_why_a_team_with_members_keeps_its_agency():
    team = Team.objects.get(name="执法一队")
    other = Agency.objects.get(name="学院路街道城管办")
    before = AuditEvent.objects.count()
    response = _signed_in("admin").post(f"/admin/org/team/{team.pk}/change/",
                                        {"name": team.name, "agency": other.pk, "area": team.area_id})
    assert response.status_code == 200
    assert "agency" in response.context["adminform"].form.errors
    team.refresh_from_db()
    assert team.agency == _enforcement() and AuditEvent.objects.count() == before


def test_an_empty_team_may_move_to_another_agency():
    team = services.team_create(actor=_admin(), name="临时组", agency=_enforcement(), area=_sub())
    other = Agency.objects.get(name="学院路街道城管办")
    assert services.team_update(actor=_admin(), team=team, agency=other).agency == other


# -- agencies: a duplicate is a message, not a server error ---------------------------------

def test_a_second_agency_of_one_name_without_an_area_is_a_form_error_not_a_500():
    client = _signed_in("admin")
    client.raise_request_exception = False
    body = {"name": "区外协作单位", "kind": AgencyKind.OTHER, "area": ""}
    assert client.post("/admin/org/agency/add/", body).status_code == 302
    response = client.post("/admin/org/agency/add/", body)
    assert response.status_code == 200, response.status_code
    assert "name" in response.context["adminform"].form.errors
    assert Agency.objects.filter(name="区外协作单位").count() == 1
