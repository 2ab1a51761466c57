"""Signing in with throttling, for the pages (/login/) and the 管理后台 (/admin/login/).

A failed attempt is counted per username and per client IP (org.services
login_failure_record); once either has too many within the window (settings
LOGIN_FAILURES_PER_USERNAME, LOGIN_FAILURES_PER_IP, LOGIN_LOCKOUT_MINUTES) every attempt is
refused with `LOCKED` before the password is even checked, the right one included, until the
window has passed. A successful sign-in clears its username's count. The client IP is the one
the API's rate limits use (REMOTE_ADDR, or X-Forwarded-For from NUM_PROXIES trusted proxies).

Each counted failure, and the failure that starts a lockout, is in the audit log (`login_failed`,
`login_locked`: the name as typed, that IP, the request id, never the password); attempts
refused while locked are not (org.services.login_failure_record says why).
"""
from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from rest_framework.throttling import BaseThrottle

from . import services
from .selectors import login_locked


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


class ThrottledLoginMixin:
    locked = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        if login_locked(username, ip):
            self.locked = True
            raise ValidationError(locked_message(), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            if username:
                services.login_failure_record(username=username, ip=ip)
            raise
        if self.get_user() is None:  # no password given: nothing was checked, so nothing is cleared
            return cleaned
        services.login_failures_clear(username=username)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
