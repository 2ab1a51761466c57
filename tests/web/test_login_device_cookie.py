"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser in
which an officer has signed in before keeps signing them in while a stranger's wrong passwords
have their username locked; the device's own failures lock only that device. A cookie that is
not ours, not the name's, too old or issued under the account's previous password is no cookie."""
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client, override_settings

from core.domain.verbs import Verb
from core.models import AuditEvent
from org.domain.login import DeviceEntry
from org.login import DEVICE_COOKIE, device_cookie_value, device_entries, password_tag
from org.models import LoginFailure

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"
RIGHT = "patrol-demo"
LIMITS = {"LOGIN_FAILURES_PER_USERNAME": 5, "LOGIN_FAILURES_PER_IP": 100, "LOGIN_LOCKOUT_MINUTES": 15}


def _sign_in(client: Client, username: str, password: str = RIGHT, url: str = "/login/"):
    return client.post(url, {"username": username, "password": password})


def _signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def _browser(device: str | None = None, ip: str = "10.0.0.5") -> Client:
    client = Client(REMOTE_ADDR=ip)
    if device is not None:
        client.cookies[DEVICE_COOKIE] = device
    return client


def _device_of(username: str, url: str = "/login/") -> str:
    """The device cookie a browser gets from signing in as `username` (then signing out)."""
    browser = _browser()
    response = _sign_in(browser, username, url=url)
    assert _signed_in(response)
    assert DEVICE_COOKIE in response.cookies
    return response.cookies[DEVICE_COOKIE].value


def _lock_out(username: str, ip: str = "10.6.6.6") -> None:
    """A stranger without the cookie types five wrong passwords: the name is locked for them."""
    attacker = _browser(ip=ip)
    for i in range(5):
        assert _sign_in(attacker, username, f"guess{i}").status_code == 200
    refused = _sign_in(attacker, username)
    assert refused.status_code == 429 and LOCKED in refused.content.decode()


@override_settings(**LIMITS)
def test_a_stranger_locks_the_name_but_the_officers_own_browser_still_signs_in():
    browser = _browser()
    assert _signed_in(_sign_in(browser, "officer1"))
    assert browser.post("/logout/").status_code == 302  # signing out keeps the device cookie
    _lock_out("officer1")
    # any other browser without the cookie is refused, the right password too
    assert _sign_in(_browser(ip="10.0.0.6"), "officer1").status_code == 429
    # the officer's own browser signs in with the right password
    again = _sign_in(browser, "officer1")
    assert _signed_in(again)
    # ... and the stranger's lock of the name stays: their count is not cleared by it
    assert _sign_in(_browser(ip="10.6.6.6"), "officer1").status_code == 429


@override_settings(LOGIN_FAILURES_PER_USERNAME=100, LOGIN_FAILURES_PER_IP=5)
def test_a_stranger_behind_the_offices_address_does_not_lock_out_the_officers_browser():
    device = _device_of("officer1")
    office = "10.0.0.5"
    for i in range(5):
        _sign_in(_browser(ip=office), f"user{i}", "wrong")
    assert _sign_in(_browser(ip=office), "supervisor1").status_code == 429  # the address is locked
    assert _signed_in(_sign_in(_browser(device, ip=office), "officer1"))


@override_settings(**LIMITS)
def test_the_cookie_is_http_only_lax_long_lived_secure_over_https_and_renewed_on_each_sign_in():
    response = _sign_in(_browser(), "officer1")
    morsel = response.cookies[DEVICE_COOKIE]
    assert morsel["httponly"] and morsel["samesite"] == "Lax" and morsel["path"] == "/"
    assert morsel["max-age"] == 180 * 24 * 3600
    assert not morsel["secure"]
    secure = _browser().post("/login/", {"username": "officer1", "password": RIGHT}, secure=True)
    assert secure.cookies[DEVICE_COOKIE]["secure"]
    renewed = _sign_in(_browser(morsel.value), "officer1")
    assert renewed.cookies[DEVICE_COOKIE].value != morsel.value
    # no cookie for a failed sign-in
    assert DEVICE_COOKIE not in _sign_in(_browser(), "officer1", "wrong").cookies


@override_settings(**LIMITS)
def test_a_tablet_shared_by_two_officers_keeps_both_exempt():
    tablet = _browser()
    assert _signed_in(_sign_in(tablet, "officer1"))
    tablet.post("/logout/")
    assert _signed_in(_sign_in(tablet, "lead1"))
    tablet.post("/logout/")
    _lock_out("officer1")
    _lock_out("lead1")
    assert _signed_in(_sign_in(tablet, "officer1"))
    tablet.post("/logout/")
    assert _signed_in(_sign_in(tablet, "lead1"))


@override_settings(**LIMITS)
def test_the_devices_own_failures_lock_that_device_and_not_the_name_for_others():
    device = _device_of("officer1")
    [entry] = device_entries(device)
    assert entry.username == "officer1"
    nonce = entry.nonce
    browser = _browser(device)
    for i in range(5):
        response = _sign_in(browser, "officer1", f"typo{i}")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    locked = _sign_in(browser, "officer1")
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    assert not _signed_in(locked)
    # counted against the device only: the name is not locked for the officer's other browsers,
    # and its own count for browsers without the cookie starts from nothing
    assert LoginFailure.objects.filter(device=nonce).count() == 5
    assert not LoginFailure.objects.filter(device__isnull=True).exists()
    assert _signed_in(_sign_in(_browser(ip="10.0.0.7"), "officer1"))
    _lock_out("officer1")  # still five for a stranger, as before
    # audited like any failure, as a known device, never with the whole nonce
    failed = list(AuditEvent.objects.filter(verb=Verb.LOGIN_FAILED).order_by("id"))
    assert len(failed) == 10
    assert all(e.after["device"] == nonce[:6] for e in failed[:5])
    assert all("device" not in e.after for e in failed[5:])
    locks = list(AuditEvent.objects.filter(verb=Verb.LOGIN_LOCKED).order_by("id"))
    assert [e.after["locked"] for e in locks] == ["device", "username"]
    assert locks[0].after["failures"] == 5 and locks[0].after["device"] == nonce[:6]
    assert "设备" in locks[0].reason
    for event in failed + locks:
        stored = str(event.after) + event.reason
        assert nonce not in stored


@override_settings(**LIMITS)
def test_a_successful_sign_in_with_the_device_clears_its_failures():
    device = _device_of("officer1")
    browser = _browser(device)
    for i in range(4):
        _sign_in(browser, "officer1", f"typo{i}")
    assert _signed_in(_sign_in(browser, "officer1"))
    assert not LoginFailure.objects.exists()


def _tampered(value: str) -> str:
    payload, rest = value.split(":", 1)
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    return f"{flipped}:{rest}"


@override_settings(**LIMITS)
def test_a_tampered_cookie_another_names_cookie_or_an_expired_one_is_no_cookie():
    device = _device_of("officer1")
    others = _device_of("supervisor1")
    officer1 = get_user_model().objects.get(username="officer1")
    forged = signing.dumps([["officer1", "forged-nonce-123456", int(time.time()), password_tag(officer1)]],
                           salt="not-the-salt")
    expired = device_cookie_value([DeviceEntry("officer1", "old-nonce-1234567890", int(time.time()) - 181 * 24 * 3600,
                                               password_tag(officer1))])
    _lock_out("officer1")
    for cookie in (_tampered(device), others, forged, expired, "garbage"):
        refused = _sign_in(_browser(cookie), "officer1")
        assert refused.status_code == 429 and not _signed_in(refused), cookie
    # the genuine cookie, for the name it names, is exempt
    assert _signed_in(_sign_in(_browser(device), "officer1"))


@override_settings(**LIMITS)
def test_wrong_passwords_with_a_tampered_cookie_count_against_the_name():
    device = _device_of("officer1")
    stranger = _browser(_tampered(device), ip="10.6.6.6")
    for i in range(5):
        _sign_in(stranger, "officer1", f"guess{i}")
    assert _sign_in(_browser(ip="10.0.0.9"), "officer1").status_code == 429
    assert not LoginFailure.objects.filter(device__isnull=False).exists()
    assert _signed_in(_sign_in(_browser(device), "officer1"))


@override_settings(**LIMITS)
def test_the_admin_login_sets_the_cookie_and_honours_it():
    device = _device_of("admin", url="/admin/login/")
    _lock_out_admin = _browser(ip="10.6.6.6")
    for i in range(5):
        _sign_in(_lock_out_admin, "admin", f"guess{i}", url="/admin/login/")
    refused = _sign_in(_browser(ip="10.0.0.8"), "admin", url="/admin/login/")
    assert LOCKED in refused.content.decode() and not _signed_in(refused)
    assert _signed_in(_sign_in(_browser(device), "admin", url="/admin/login/"))
    # the pages' cookie is the admin's too: one browser, one cookie
    assert _signed_in(_sign_in(_browser(device), "admin", url="/login/"))



NEW = "Another-patrol-pass-7"


@override_settings(**LIMITS)
def test_a_cookie_issued_before_a_password_change_no_longer_exempts_one_issued_after_does():
    before = _device_of("officer1")
    user = get_user_model().objects.get(username="officer1")
    user.set_password(NEW)  # whoever knew the old password may hold a cookie from it
    user.save()
    after = _sign_in(_browser(), "officer1", NEW)
    assert _signed_in(after)
    after = after.cookies[DEVICE_COOKIE].value
    _lock_out("officer1")
    refused = _sign_in(_browser(before), "officer1", NEW)
    assert refused.status_code == 429 and LOCKED in refused.content.decode() and not _signed_in(refused)
    assert _signed_in(_sign_in(_browser(after), "officer1", NEW))


@override_settings(**LIMITS)
def test_a_cookie_issued_before_the_password_was_disabled_no_longer_exempts():
    before = _device_of("officer1")
    user = get_user_model().objects.get(username="officer1")
    user.set_unusable_password()
    user.save()
    _lock_out("officer1")
    refused = _sign_in(_browser(before), "officer1", "anything")
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    # its wrong passwords counted against the name, as a stranger's, not against a device
    assert not LoginFailure.objects.filter(device__isnull=False).exists()
