"""The audit log in the 管理后台: read by supervisors and district admins, never changed or deleted."""
import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from core import audit
from core.domain.verbs import Verb
from core.models import AuditEvent
from geodata.models import Area, AreaKind
from org.models import Agency, Officer, Role
from patrol.models import Problem
from tests.patrol.conftest import new_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    with transaction.atomic():
        return audit.record(actor=None, verb=Verb.IMPORTED, subject=("test.thing", 7), after={"n": 1},
                            reason="原始原因")


def _client(username: str) -> Client:
    user = get_user_model().objects.get(username=username)
    if not user.is_staff:
        user.is_staff = True
        user.save()
    client = Client()
    client.force_login(user)
    return client


def test_admins_search_the_log(event):
    response = _client("admin").get("/admin/core/auditevent/", {"q": "原始原因"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [event]


def test_supervisors_search_the_log_of_their_jurisdiction(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]
    response = _client("supervisor1").get("/admin/core/auditevent/", {"q": str(pid)})
    assert response.status_code == 200
    assert [(e.subject_type, e.subject_id) for e in response.context["cl"].result_list] == [
        ("patrol.problem", str(pid))]


# -- limited to the jurisdiction ---------------------------------------------------------------
def _district_admin(username: str, jurisdiction: Area) -> Client:
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    Officer.objects.create(user=user, name=username, role=Role.DISTRICT_ADMIN, jurisdiction=jurisdiction,
                           agency=Agency.objects.get(name="海淀区城市管理委员会"))
    client = Client()
    client.force_login(user)
    return client


def _listed(client: Client) -> set[tuple[str, str]]:
    response = client.get("/admin/core/auditevent/")
    assert response.status_code == 200
    return {(e.subject_type, e.subject_id) for e in response.context["cl"].result_list}


def test_a_subdistrict_supervisor_sees_only_the_events_of_their_jurisdiction(as_user, other_subdistrict, event):
    pid = new_problem(as_user("officer1")).json()["id"]  # 学院路街道
    created = AuditEvent.objects.get(subject_type="patrol.problem", subject_id=str(pid))
    other = _client("other_supervisor")  # 测试街道 only
    assert as_user("other_supervisor").get(f"/api/v1/problems/{pid}/").status_code == 404
    seen = _listed(other)
    assert ("patrol.problem", str(pid)) not in seen
    assert ("test.thing", "7") not in seen  # lies in no subdistrict: the district's
    assert ("org.officer", str(Officer.objects.get(user__username="officer1").pk)) not in seen
    assert other.get(f"/admin/core/auditevent/{created.pk}/change/").status_code == 302  # "does not exist"
    # their own subdistrict's problem, and the events said of records under it, they do see
    with transaction.atomic():
        mine = Problem.objects.filter(pk=pid).get()
        Problem.objects.filter(pk=pid).update(subdistrict=other_subdistrict)
        audit.record(actor=None, verb=Verb.UPDATED, subject=("patrol.problemphoto", 999999), context=mine)
    seen = _listed(other)
    assert ("patrol.problem", str(pid)) in seen and ("patrol.problemphoto", "999999") in seen
    assert ("patrol.problem", str(pid)) not in _listed(_client("supervisor1"))


def test_a_district_wide_admin_sees_the_whole_district_and_what_lies_in_no_area(as_user, other_subdistrict, event):
    pid = new_problem(as_user("officer1")).json()["id"]
    district = Area.objects.get(kind=AreaKind.DISTRICT, code="110108")
    seen = _listed(_district_admin("hd_admin", district))
    assert {("patrol.problem", str(pid)), ("test.thing", "7")} <= seen
    # an admin of 学院路街道 only: the problem, not the district's own events
    seen = _listed(_district_admin("xy_admin", Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")))
    assert ("patrol.problem", str(pid)) in seen and ("test.thing", "7") not in seen


@pytest.mark.parametrize("username", ["officer1", "lead1", "publisher1"])
def test_other_roles_cannot_open_the_log(event, username):
    assert _client(username).get("/admin/core/auditevent/").status_code == 403
    assert _client(username).get(f"/admin/core/auditevent/{event.pk}/change/").status_code == 403


def test_the_change_form_is_read_only_and_a_post_changes_nothing(event):
    client = _client("admin")
    response = client.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "原始原因" in html
    assert 'name="reason"' not in html and 'name="_save"' not in html
    assert "/delete/" not in html
    assert client.post(f"/admin/core/auditevent/{event.pk}/change/", {"reason": "改写"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == "原始原因"


def test_posting_a_delete_is_refused(event):
    client = _client("admin")
    assert client.get(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    # No bulk action either: the list has no "delete selected".
    response = client.post("/admin/core/auditevent/", {"action": "delete_selected", "_selected_action": [event.pk],
                                                       "post": "yes"})
    assert response.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_nothing_can_be_added_through_the_admin():
    client = _client("admin")
    before = AuditEvent.objects.count()
    assert client.get("/admin/core/auditevent/add/").status_code == 403
    assert client.post("/admin/core/auditevent/add/", {"verb": "created", "subject_type": "x",
                                                       "subject_id": "1"}).status_code == 403
    assert AuditEvent.objects.count() == before
