"""An officer who leaves (deactivated) and is later set back to work (reactivated): the
credentials that were live when they left must not come back with them."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from api.models import ApiToken
from org import services
from org.models import Officer

pytestmark = pytest.mark.django_db


def _user(username):
    return get_user_model().objects.get(username=username)


def _token_answers(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/problems/layer", {"bbox": "116.3,39.9,116.4,40.0"}).status_code


def _leave_and_return(username="officer1"):
    admin = _user("admin")
    officer = Officer.objects.get(user__username=username)
    services.officer_deactivate(actor=admin, officer=officer)
    services.officer_update(actor=admin, officer=officer, active=True)


def test_a_token_of_a_deactivated_officer_stays_dead_after_reactivation():
    token, key = ApiToken.issue(user=_user("officer1"), name="丢失的平板")
    assert _token_answers(key) == 200
    admin = _user("admin")
    officer = Officer.objects.get(user__username="officer1")
    services.officer_deactivate(actor=admin, officer=officer)
    assert _token_answers(key) == 401
    services.officer_update(actor=admin, officer=officer, active=True)
    token.refresh_from_db()
    # the tablet that was lost (the reason the officer was disabled) must not call again
    assert _token_answers(key) == 401
    assert not token.active


def test_a_session_open_when_the_officer_was_deactivated_stays_ended_after_reactivation():
    client = Client()
    assert client.post("/login/", {"username": "officer1", "password": "patrol-demo"}).status_code == 302
    assert client.get("/field/").status_code == 200
    admin = _user("admin")
    officer = Officer.objects.get(user__username="officer1")
    services.officer_deactivate(actor=admin, officer=officer)
    assert client.get("/field/").status_code == 302  # to the sign-in page
    services.officer_update(actor=admin, officer=officer, active=True)
    assert client.get("/field/").status_code == 302  # still signed out: sign in again


def test_editing_an_officer_does_not_re_enable_a_login_a_superuser_disabled():
    user = _user("officer1")
    user.is_active = False  # the superuser's 用户 page: 有效 unticked
    user.save()
    officer = Officer.objects.get(user=user)
    services.officer_update(actor=_user("admin"), officer=officer, name=officer.name + "（调岗）")
    assert not _user("officer1").is_active
