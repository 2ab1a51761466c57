"""A password that changes ends the account's API tokens (api.receivers): reset by an
administrator in the officer page, changed by its owner in the 管理后台, set by a command or
any other code that saves the user; each revocation is in the audit log. Saves that do not
change the password (a sign-in, a hash Django upgrades on sign-in) leave the tokens alone."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import Client
from rest_framework.test import APIClient

from api.models import ApiToken
from core.domain.verbs import Verb
from core.models import AuditEvent
from org.models import Officer

pytestmark = pytest.mark.django_db

NEW = "Brand-new-2026"


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _tokens(username: str) -> list[tuple[ApiToken, str]]:
    return [ApiToken.issue(user=_user(username), name=f"平板 {i}") for i in (1, 2)]


def _answers(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/categories/").status_code


def _assert_revoked(tokens, *, request_id: str = "") -> None:
    for token, key in tokens:
        token.refresh_from_db()
        assert not token.active and token.revoked_at is not None
        assert _answers(key) == 401
        [event] = AuditEvent.objects.filter(verb=Verb.KEY_REVOKED, subject_type="api.apitoken",
                                            subject_id=str(token.pk))
        assert event.actor is None and "密码" in event.reason
        assert event.after["active"] is False
        if request_id:
            assert event.request_id == request_id


def _assert_active(tokens) -> None:
    for token, key in tokens:
        token.refresh_from_db()
        assert token.active and _answers(key) == 200
    assert not AuditEvent.objects.filter(verb=Verb.KEY_REVOKED).exists()


def test_an_administrator_resetting_a_password_in_the_officer_page_revokes_the_tokens():
    tokens = _tokens("officer1")
    others = _tokens("officer2")
    officer = Officer.objects.get(user__username="officer1")
    admin = Client()
    admin.force_login(_user("admin"))
    body = {"name": officer.name, "role": officer.role, "agency": officer.agency_id, "team": officer.team_id or "",
            "jurisdiction": officer.jurisdiction_id, "active": "on", "new_password": NEW}
    response = admin.post(f"/admin/org/officer/{officer.pk}/change/", body)
    assert response.status_code == 302
    assert _user("officer1").check_password(NEW)
    _assert_revoked(tokens, request_id=response["X-Request-ID"])
    for token, key in others:  # another account's tokens stay
        token.refresh_from_db()
        assert token.active and _answers(key) == 200


def test_set_password_and_save_in_code_revokes_the_tokens():
    # what a management command (Django's changepassword, a script) does
    tokens = _tokens("officer1")
    user = _user("officer1")
    user.set_password(NEW)
    user.save()
    _assert_revoked(tokens)


def test_changing_ones_own_password_in_the_admin_revokes_ones_tokens():
    tokens = _tokens("supervisor1")  # staff: 管理后台's 修改密码 is theirs
    client = Client()
    assert client.post("/admin/login/", {"username": "supervisor1", "password": "patrol-demo"}).status_code == 302
    response = client.post("/admin/password_change/", {"old_password": "patrol-demo", "new_password1": NEW,
                                                        "new_password2": NEW})
    assert response.status_code == 302
    _assert_revoked(tokens, request_id=response["X-Request-ID"])


def test_a_hash_assigned_directly_or_an_unusable_password_revokes_the_tokens():
    tokens = _tokens("officer1")
    user = _user("officer1")
    user.password = make_password(NEW)
    user.save(update_fields=["password"])
    _assert_revoked(tokens)
    tokens = _tokens("officer2")
    user = _user("officer2")
    user.set_unusable_password()
    user.save()
    _assert_revoked(tokens)


def test_an_unusable_password_revokes_the_tokens_when_the_stored_hash_is_outdated():
    # every hash made before a Django upgrade is outdated (fewer PBKDF2 iterations) until its
    # owner signs in again; disabling such an account's password is still a change, not the
    # re-hash of a sign-in (which always leaves a usable hash)
    outdated = make_password("patrol-demo", hasher="pbkdf2_sha1")
    for name in ("officer1", "officer2"):
        get_user_model().objects.filter(username=name).update(password=outdated)
    tokens = _tokens("officer1")
    user = _user("officer1")
    user.set_unusable_password()
    user.save()
    _assert_revoked(tokens)
    # nor is a hash made with a hasher Django would itself re-hash (no sign-in makes one)
    tokens = _tokens("officer2")
    user = _user("officer2")
    user.password = make_password(NEW, hasher="pbkdf2_sha1")
    user.save(update_fields=["password"])
    _assert_revoked(tokens)


def test_saves_that_keep_the_password_keep_the_tokens():
    tokens = _tokens("officer1")
    user = _user("officer1")
    user.first_name = "王"
    user.save()
    get_user_model().objects.only("id", "is_staff").get(pk=user.pk).save()  # password not even loaded
    assert Client().post("/login/", {"username": "officer1", "password": "patrol-demo"}).status_code == 302
    _assert_active(tokens)


def test_a_hash_django_upgrades_on_sign_in_is_no_password_change():
    # Django re-hashes an outdated hash with the password just given (check_password)
    get_user_model().objects.filter(username="officer1").update(
        password=make_password("patrol-demo", hasher="pbkdf2_sha1"))
    tokens = _tokens("officer1")
    assert Client().post("/login/", {"username": "officer1", "password": "patrol-demo"}).status_code == 302
    assert _user("officer1").password.startswith("pbkdf2_sha256$")  # upgraded
    _assert_active(tokens)


def test_revoked_tokens_stay_revoked_and_new_ones_work():
    tokens = _tokens("officer1")
    user = _user("officer1")
    user.set_password(NEW)
    user.save()
    _assert_revoked(tokens)
    token, key = ApiToken.issue(user=_user("officer1"), name="新平板")
    assert _answers(key) == 200
    user = _user("officer1")
    user.set_password("Another-one-2026")
    user.save()
    token.refresh_from_db()
    assert not token.active
    assert AuditEvent.objects.filter(verb=Verb.KEY_REVOKED).count() == 3  # each token once
