"""Who is calling: API tokens for /api/v1/, API keys for Open311; both stored hashed (``api.models``).

``Authorization: Token <key>`` for /api/v1/ is DRF's own header (``TokenAuthentication``
is the parent, so clients, the OpenAPI schema and the 401's ``WWW-Authenticate: Token``
stay as they were); what changes is that the key is looked up by its prefix and digest,
never stored, and that a revoked token or an inactive account is refused with a 401
saying which.
"""
from __future__ import annotations

from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, TokenAuthentication

from .models import ApiKey, ApiToken


class HashedTokenAuthentication(TokenAuthentication):
    keyword = "Token"
    model = ApiToken  # so DRF never reaches for rest_framework.authtoken

    def authenticate_credentials(self, key):
        token = ApiToken.lookup(key)
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效")
        # the account first: disabling it revokes its tokens too (api.receivers), and the
        # tablet's user is told why
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌所属账号已停用")
        if not token.active:
            raise exceptions.AuthenticationFailed("令牌已吊销")
        token.touch()
        return (token.user, token)


class ApiKeyAuthentication(BaseAuthentication):
    """Open311: the ``api_key`` of a POST form. It never refuses by itself: without a valid
    key the request is anonymous, and the view that needs a key says what was wrong with it
    in a GeoReport error. Resolving the key here lets the write throttle count per key."""

    def authenticate(self, request):
        if request.method != "POST":
            return None
        key = (request.data.get("api_key") or "").strip()
        api_key = ApiKey.lookup(key) if key else None
        if api_key is None or not api_key.active or not api_key.user.is_active:
            return None
        return (api_key.user, api_key)


#: The header the field app sends with each queued item: the officer (org.Officer id) who made it.
FIELD_OFFICER_HEADER = "X-Field-Officer"


class OtherOfficer(exceptions.AuthenticationFailed):
    """A 401 with its own code: the session is someone else's than the item's officer."""
    problem_code = "other_officer"


class FieldSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, plus the field app's check of who made what it sends.

    The tablet's outbox keeps each item with the officer who made it and sends it with
    ``X-Field-Officer: <officer id>``. A browser holds one session for all its tabs: when
    another tab signed in as someone else, the session no longer belongs to the item's
    officer, and the item is refused (401, code ``other_officer``) rather than written under
    the other person's name; the app keeps it until its officer signs in again. Requests
    without the header (the dashboard, API clients) are not affected.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        claimed = request._request.headers.get(FIELD_OFFICER_HEADER)
        if result is None or claimed is None:
            return result
        officer = getattr(result[0], "officer", None)
        if officer is None or str(officer.pk) != claimed.strip():
            raise OtherOfficer("本浏览器当前登录的是另一账号：这条记录须由记录它的账号登录后发送")
        return result


class FieldSessionScheme(SessionScheme):
    """In the OpenAPI schema the session is the session (cookieAuth), as before."""
    target_class = "api.auth.FieldSessionAuthentication"
