"""Failed sign-ins are throttled on the pages' login and the 管理后台's: per username and per
client IP, in the database (every worker counts the same), with a Chinese reason."""
import pytest
from django.test import Client, override_settings

from org.models import LoginFailure

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"


def _post(url: str, username: str, password: str, ip: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(url, {"username": username, "password": password})


@pytest.mark.parametrize("url, username", [("/login/", "supervisor1"), ("/admin/login/", "admin")])
@override_settings(LOGIN_FAILURES_PER_USERNAME=5, LOGIN_FAILURES_PER_IP=100)
def test_a_username_is_locked_after_too_many_wrong_passwords(url, username):
    for i in range(5):
        response = _post(url, username, f"guess{i}")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    # locked now: even the right password, and from another address
    locked = _post(url, username, "patrol-demo", ip="10.0.0.2")
    assert locked.status_code in (200, 429) and LOCKED in locked.content.decode()
    assert "_auth_user_id" not in locked.wsgi_request.session
    if url == "/login/":
        assert locked.status_code == 429
    # other users sign in as before
    assert _post(url, "admin" if username != "admin" else "supervisor1", "patrol-demo").status_code in (200, 302)
    LoginFailure.objects.all().delete()  # the window has passed
    assert _post(url, username, "patrol-demo").status_code == 302


@override_settings(LOGIN_FAILURES_PER_USERNAME=100, LOGIN_FAILURES_PER_IP=10)
def test_one_address_trying_many_usernames_is_locked():
    for i in range(10):
        assert _post("/login/", f"user{i}", "wrong", ip="10.9.9.9").status_code == 200
    response = _post("/login/", "supervisor1", "patrol-demo", ip="10.9.9.9")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert _post("/login/", "supervisor1", "patrol-demo", ip="10.9.9.8").status_code == 302


@override_settings(LOGIN_FAILURES_PER_USERNAME=3, LOGIN_FAILURES_PER_IP=100)
def test_a_successful_sign_in_clears_the_usernames_failures_and_case_does_not_dodge_them():
    _post("/login/", "supervisor1", "wrong")
    _post("/login/", "SUPERVISOR1", "wrong")
    assert _post("/login/", "supervisor1", "patrol-demo").status_code == 302
    assert not LoginFailure.objects.filter(username="supervisor1").exists()
    for _ in range(3):
        _post("/login/", " Supervisor1", "wrong")
    assert _post("/login/", "supervisor1", "patrol-demo").status_code == 429


def test_the_default_limits_stop_a_hundred_guesses():
    codes = [_post("/login/", "supervisor1", f"guess{i}").status_code for i in range(100)]
    assert 429 in codes and codes.count(200) <= 20
    assert _post("/login/", "supervisor1", "patrol-demo").status_code == 429


@pytest.mark.parametrize("forwarded", ["unknown", "not-an-address", ""])
def test_behind_a_proxy_a_forwarded_for_that_is_no_address_is_counted_by_username_only(forwarded):
    import copy

    from django.conf import settings

    rest = copy.deepcopy(settings.REST_FRAMEWORK) | {"NUM_PROXIES": 1}
    with override_settings(REST_FRAMEWORK=rest):
        response = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).post(
            "/login/", {"username": "supervisor1", "password": "wrong"})
    assert response.status_code == 200  # (the inet column refused "unknown": a 500)
    assert list(LoginFailure.objects.values_list("username", "ip")) == [("supervisor1", None)]


@override_settings(LOGIN_FAILURES_PER_USERNAME=3, LOGIN_FAILURES_PER_IP=100)
def test_an_attempt_without_a_password_does_not_clear_the_usernames_failures():
    # The form's own check refuses an empty password before any password is checked: it was
    # taken for a success, and cleared the count, so a guesser could reset it between guesses.
    for i in range(2):
        _post("/login/", "supervisor1", f"guess{i}")
    assert _post("/login/", "supervisor1", "").status_code == 200
    _post("/login/", "supervisor1", "guess2")
    assert _post("/login/", "supervisor1", "patrol-demo").status_code == 429


@override_settings(LOGIN_FAILURES_PER_USERNAME=3, LOGIN_FAILURES_PER_IP=3)
def test_a_non_staff_officers_right_password_at_the_admin_is_refused_but_not_counted_as_a_failure():
    from django.contrib.auth import get_user_model

    from core.domain.verbs import Verb
    from core.models import AuditEvent

    assert not get_user_model().objects.get(username="officer1").is_staff
    for _ in range(4):  # past both limits, had they counted
        refused = _post("/admin/login/", "officer1", "patrol-demo")
        assert refused.status_code == 200 and LOCKED not in refused.content.decode()
        assert refused.context["form"].non_field_errors()  # Django's own refusal of non-staff
        assert "_auth_user_id" not in refused.wsgi_request.session
    # the password was right: nothing counted, nothing audited, nothing locked
    assert not LoginFailure.objects.exists()
    assert not AuditEvent.objects.filter(verb__in=[Verb.LOGIN_FAILED, Verb.LOGIN_LOCKED]).exists()
    assert _post("/login/", "officer1", "patrol-demo").status_code == 302
    # a wrong password at the admin still counts, staff or not
    _post("/admin/login/", "officer1", "wrong")
    assert LoginFailure.objects.filter(username="officer1").count() == 1
