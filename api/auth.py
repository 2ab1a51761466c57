"""Who is calling: API tokens for /api/v1/, API keys for Open311; both stored hashed (``api.models``).

``Authorization: Token <key>`` for /api/v1/ is DRF's own header (``TokenAuthentication``
is the parent, so clients, the OpenAPI schema and the 401's ``WWW-Authenticate: Token``
stay as they were); what changes is that the key is looked up by its prefix and digest,
never stored, and that a revoked token or an inactive account is refused with a 401
saying which.
"""
from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, TokenAuthentication

from .models import ApiKey, ApiToken


class HashedTokenAuthentication(TokenAuthentication):
    keyword = "Token"
    model = ApiToken  # so DRF never reaches for rest_framework.authtoken

    def authenticate_credentials(self, key):
        token = ApiToken.lookup(key)
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效")
        if not token.active:
            raise exceptions.AuthenticationFailed("令牌已吊销")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌所属账号已停用")
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
