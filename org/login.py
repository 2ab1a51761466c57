"""Signing in with throttling, for the pages (/login/) and the 管理后台 (/admin/login/).

A failed attempt is counted per username and per client IP (org.services
login_failure_record); once either has too many within the window (settings
LOGIN_FAILURES_PER_USERNAME, LOGIN_FAILURES_PER_IP, LOGIN_LOCKOUT_MINUTES) every attempt is
refused with `LOCKED` before the password is even checked, the right one included, until the
window has passed. A successful sign-in clears its username's count. Attempts for one name (or one known device) are
checked and counted one after another (org.services.login_attempt), so wrong passwords sent
together cannot slip past the limit. The right password of an
account the form then refuses (the admin's sign-in for a non-staff account) is no failure: it
is refused with Django's message, and neither counted nor cleared. The client IP is the one
the API's rate limits use (REMOTE_ADDR, or X-Forwarded-For from NUM_PROXIES trusted proxies).

Device cookies (OWASP's "Slow Down Online Guessing Attacks with Device Cookies"): otherwise a
stranger who knows an officer's username could lock the officer out by typing wrong passwords.
A successful sign-in gives the browser a signed cookie (`DEVICE_COOKIE`, LOGIN_DEVICE_COOKIE_DAYS
long, renewed by each sign-in) naming the account and a random nonce (org.domain.login: up to
a few accounts, for a shared tablet). An attempt for a name the browser's cookie vouches for is
the known device's: the name's and the address's lockouts do not apply to it, only the device's
own, after LOGIN_FAILURES_PER_USERNAME failures of its own (counted by the nonce, and not
against the name or the address). A cookie that fails its signature, has expired, names
another account, or was issued before the account's password last changed or was disabled
(each entry keeps a tag of the password hash, `password_tag`) is no cookie. The form leaves
the renewed cookie on the request and `DeviceCookieMiddleware` sets it on the login view's
answer, Django's own view and the admin's alike.

Each counted failure, and the failure that starts a lockout, is in the audit log (`login_failed`,
`login_locked`: the name as typed, that IP, the request id, whether it came from a known device
and its nonce's first characters, never the password); attempts refused while locked are not
(org.services.login_failure_record says why).
"""
from __future__ import annotations

import ipaddress
import secrets
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from rest_framework.throttling import BaseThrottle

from . import services
from .domain.login import DeviceEntry, device_for, entries_from, entries_payload, renewed
from .selectors import login_account, login_locked

DEVICE_COOKIE = "patrol_device"
_DEVICE_SALT = "org.login.device"
_PASSWORD_TAG_SALT = "org.login.device.password"
# Browsers drop a cookie longer than 4,096 bytes with its name and attributes: a cookie of many
# long (non-ASCII, escaped in JSON) names loses its oldest entries instead.
_DEVICE_COOKIE_MAX_BYTES = 3_500
# Set on the request by a successful sign-in, read by DeviceCookieMiddleware.
_RENEWED_ATTR = "login_device_cookie"


def locked_message() -> str:
    return f"登录失败次数过多，账号或本机已暂时锁定，请 {settings.LOGIN_LOCKOUT_MINUTES} 分钟后再试。"


def client_ip(request) -> str | None:
    """The client's address as the API's rate limits see it, when it is an IP address: behind
    proxies (NUM_PROXIES) it comes from X-Forwarded-For, where a client or a proxy may write
    anything ("unknown"); that is no address to count failures under (the username's count
    still holds)."""
    if request is None:
        return None
    ident = (BaseThrottle().get_ident(request) or "").strip()
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return None


def _device_max_age() -> int:
    return settings.LOGIN_DEVICE_COOKIE_DAYS * 24 * 3600


def password_tag(user) -> str:
    """A short tag of the account's stored password hash, which a device cookie's entry keeps
    (org.domain.login): the hash changes with every new password (its salt is new) and with
    `set_unusable_password`, so entries issued before no longer vouch. Made as Django's session
    auth hash is (AbstractBaseUser.get_session_auth_hash: an HMAC with SECRET_KEY, so the cookie
    shows nothing of the hash). Like a session, a hash Django re-makes on sign-in (a hasher
    upgrade) ends the account's cookies in other browsers, until their next sign-in there."""
    return salted_hmac(_PASSWORD_TAG_SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()[:20]


def device_cookie_value(entries: list[DeviceEntry]) -> str:
    """The signed cookie for `entries` (latest first), the oldest dropped if it grows too long."""
    entries = list(entries)
    while True:
        value = signing.dumps(entries_payload(entries), salt=_DEVICE_SALT, compress=True)
        if len(value) <= _DEVICE_COOKIE_MAX_BYTES or len(entries) <= 1:
            return value
        entries.pop()


def device_entries(value: str | None) -> list[DeviceEntry]:
    """The entries of a device cookie, or none when it is not one this server signed (with
    this salt) within LOGIN_DEVICE_COOKIE_DAYS. Each entry's own age is checked where it is
    used (org.domain.login.device_for)."""
    if not value:
        return []
    try:
        return entries_from(signing.loads(value, salt=_DEVICE_SALT, max_age=_device_max_age()))
    except (signing.BadSignature, ValueError):  # forged, expired, or not even a signed value
        return []


class DeviceCookieMiddleware:
    """Sets the device cookie a successful sign-in left on the request: HttpOnly (no script
    reads it), SameSite=Lax, Secure over HTTPS, for LOGIN_DEVICE_COOKIE_DAYS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        value = getattr(request, _RENEWED_ATTR, None)
        if value:
            response.set_cookie(DEVICE_COOKIE, value, max_age=_device_max_age(), path="/",
                                secure=request.is_secure(), httponly=True, samesite="Lax")
        return response


class ThrottledLoginMixin:
    locked = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        now = int(time.time())
        held = device_entries(self.request.COOKIES.get(DEVICE_COOKIE)) if self.request is not None else []
        account = login_account(username) if held else None
        known = device_for(held, username, auth=password_tag(account) if account else None,
                           now=now, max_age=_device_max_age())
        device = known.nonce if known else None
        refusal = None
        # the check, the password's and the count in one step per name (services.login_attempt);
        # a refusal leaves it before it is raised, which would roll the count back
        with services.login_attempt(username=username, device=device):
            if login_locked(username, ip, device=device):
                self.locked = True
                refusal = ValidationError(locked_message(), code="locked")
            else:
                try:
                    cleaned = super().clean()
                except ValidationError as exc:
                    # `user_cache` is set once the password has been checked and found right: the
                    # refusal is then Django's of the account (the admin's of a non-staff one), no
                    # wrong guess to count towards a lockout.
                    if username and self.user_cache is None:
                        services.login_failure_record(username=username, ip=ip, device=device)
                    refusal = exc
        if refusal is not None:
            raise refusal
        user = self.get_user()
        if user is None:  # no password given: nothing was checked, so nothing is cleared
            return cleaned
        services.login_failures_clear(username=username, device=device)
        if self.request is not None:
            # after the check, which may have re-hashed the password: the tag of the hash now stored
            entries = renewed(held, username=user.get_username(), nonce=secrets.token_urlsafe(16),
                              auth=password_tag(user), now=now, max_age=_device_max_age())
            setattr(self.request, _RENEWED_ATTR, device_cookie_value(entries))
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
