"""Failed sign-ins and lockouts are in the audit log (org.login, org.services): the name as
typed, the client IP the throttling counts, the request id, never the password; read in the
管理后台's 操作日志 by those who may, each in their jurisdiction."""
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from core.domain.verbs import Verb
from core.models import AuditEvent
from geodata.models import Area, AreaKind
from org.models import Agency, Officer, Role

pytestmark = pytest.mark.django_db

SECRET = "Sesame-42-never-logged"


def _post(url: str, username: str, password: str = SECRET, ip: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(url, {"username": username, "password": password})


def _events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("id"))


def _everything_stored(event: AuditEvent) -> str:
    return json.dumps([getattr(event, f.attname) for f in AuditEvent._meta.fields], default=str,
                      ensure_ascii=False)


@pytest.mark.parametrize("url, username", [("/login/", "officer1"), ("/admin/login/", "admin")])
def test_a_failed_sign_in_is_logged_with_the_name_the_address_and_the_request_id_never_the_password(
        url, username):
    response = _post(url, f" {username.upper()} ", ip="10.0.0.7")
    assert response.status_code == 200
    [event] = _events(Verb.LOGIN_FAILED)
    user = get_user_model().objects.get(username=username)
    assert event.actor is None  # whoever typed it is not known
    assert (event.subject_type, event.subject_id) == ("org.login", username)  # counted under this name
    assert (event.context_type, event.context_id) == ("auth.user", str(user.pk))  # the account it names
    assert event.after == {"username": username.upper(), "ip": "10.0.0.7"}
    assert event.request_id and event.request_id == response["X-Request-ID"]
    assert SECRET not in _everything_stored(event)
    assert not _events(Verb.LOGIN_LOCKED)


def test_a_name_no_account_has_is_logged_without_an_account():
    _post("/login/", "nobody-here")
    [event] = _events(Verb.LOGIN_FAILED)
    assert (event.subject_type, event.subject_id, event.context_type) == ("org.login", "nobody-here", "")
    assert event.after["username"] == "nobody-here"


def test_a_successful_sign_in_is_not_a_failure():
    assert _post("/login/", "officer1", "patrol-demo").status_code == 302
    assert not _events(Verb.LOGIN_FAILED)


def test_a_name_as_long_as_can_be_typed_is_kept_whole_and_a_longer_one_cut():
    from django.db import transaction

    from org.services import login_failure_record

    name = "长" * 150  # the form takes up to 150 characters, the longest a username can be
    _post("/login/", name)
    with transaction.atomic():
        login_failure_record(username="x" * 10_000, ip=None)
    first, second = _events(Verb.LOGIN_FAILED)
    assert first.after["username"] == name and len(first.subject_id) == 64
    assert second.after == {"username": "x" * 150, "ip": ""}


@override_settings(LOGIN_FAILURES_PER_USERNAME=3, LOGIN_FAILURES_PER_IP=100, LOGIN_LOCKOUT_MINUTES=15)
def test_the_failure_that_locks_a_name_logs_the_lockout_once():
    for i in range(3):
        _post("/login/", "officer1", f"guess{i}", ip=f"10.0.1.{i}")
    assert len(_events(Verb.LOGIN_FAILED)) == 3
    [lock] = _events(Verb.LOGIN_LOCKED)
    user = get_user_model().objects.get(username="officer1")
    assert (lock.subject_type, lock.subject_id) == ("org.login", "officer1")
    assert (lock.context_type, lock.context_id) == ("auth.user", str(user.pk))
    assert lock.after["username"] == "officer1" and lock.after["ip"] == "10.0.1.2"
    assert lock.after["failures"] == 3 and lock.after["locked"] == "username" and lock.after["until"]
    assert "15" in lock.reason
    # Attempts refused while locked (the password is not even checked) add nothing.
    locked = _post("/login/", "officer1", "patrol-demo", ip="10.0.1.9")
    assert locked.status_code == 429
    assert len(_events(Verb.LOGIN_FAILED)) == 3 and len(_events(Verb.LOGIN_LOCKED)) == 1


@override_settings(LOGIN_FAILURES_PER_USERNAME=100, LOGIN_FAILURES_PER_IP=3)
def test_the_failure_that_locks_an_address_logs_the_lockout_of_the_address():
    for i in range(3):
        _post("/login/", f"user{i}", ip="10.9.9.9")
    [lock] = _events(Verb.LOGIN_LOCKED)
    assert (lock.subject_type, lock.subject_id, lock.context_type) == ("org.login_ip", "10.9.9.9", "")
    assert lock.after["locked"] == "ip" and lock.after["failures"] == 3 and lock.after["username"] == "user2"


# -- who reads them -------------------------------------------------------------------------------
def _admin_of(username: str, jurisdiction: Area) -> Client:
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    Officer.objects.create(user=user, name=username, role=Role.DISTRICT_ADMIN, jurisdiction=jurisdiction,
                           agency=Agency.objects.get(name="海淀区城市管理委员会"))
    client = Client()
    client.force_login(user)
    return client


def _seen(client: Client, verb: str) -> set[str]:
    response = client.get("/admin/core/auditevent/", {"verb__exact": verb})
    assert response.status_code == 200
    return {e.subject_id for e in response.context["cl"].result_list}


@override_settings(LOGIN_FAILURES_PER_USERNAME=2, LOGIN_FAILURES_PER_IP=100)
def test_each_admin_sees_the_failed_sign_ins_of_their_jurisdiction(other_subdistrict):
    for username in ("officer1", "other_officer", "nobody-here", "admin"):
        for _ in range(2):
            _post("/login/", username)
    subdistrict = _admin_of("xy_admin", Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道"))
    district = _admin_of("hd_admin", Area.objects.get(kind=AreaKind.DISTRICT, code="110108"))
    other = _admin_of("test_admin", other_subdistrict)
    everyone = {"officer1", "other_officer", "nobody-here", "admin"}
    for verb in (Verb.LOGIN_FAILED, Verb.LOGIN_LOCKED):
        assert _seen(subdistrict, verb) == {"officer1"}
        assert _seen(other, verb) == {"other_officer"}
        # a name no account has, and the district's own admin, are the district's
        assert _seen(district, verb) == everyone
    officer_client = Client()
    officer_client.force_login(get_user_model().objects.get(username="officer1"))
    assert officer_client.get("/admin/core/auditevent/").status_code in (302, 403)
