"""The audit log in the 管理后台: read by supervisors and district admins, never changed or deleted."""
import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from core import audit
from core.domain.verbs import Verb
from core.models import AuditEvent

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


@pytest.mark.parametrize("username", ["admin", "supervisor1"])
def test_supervisors_and_admins_search_the_log(event, username):
    response = _client(username).get("/admin/core/auditevent/", {"q": "原始原因"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [event]


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
