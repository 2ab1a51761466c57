"""One error format for the whole API: `application/problem+json` (RFC 9457).

    {"type": "about:blank", "title": "请求有误", "status": 400, "code": "invalid",
     "detail": "未知问题类别 '…'", "field": "category",
     "errors": {"category": ["未知问题类别 '…'"]}, "request_id": "…"}

`field` names the input at fault (the first, when there are several; null when the
request as a whole is refused), `errors` lists every field's messages, `code` is a
stable machine word for the kind of error, `request_id` is the X-Request-ID of the answer.
Service errors (core.errors) carry their field and status; DRF's own errors (validation,
authentication, permission, not found, throttling, parse) are mapped to the same shape.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.audit import current_request_id
from core.errors import Conflict, Forbidden, NotFound, ServiceError

PROBLEM_JSON = "application/problem+json"
NON_FIELD = "non_field_errors"

TITLES = {400: "请求有误", 401: "需要登录", 403: "无权操作", 404: "不存在", 405: "不支持该方法",
          406: "无法提供所需格式", 409: "与当前状态冲突", 413: "请求过大", 415: "不支持的内容类型",
          422: "无法执行", 429: "请求过于频繁"}
CODES = {400: "invalid", 401: "not_authenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         406: "not_acceptable", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
         422: "unprocessable", 429: "throttled"}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [messages]}; nested fields joined with dots."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _flatten(value, name).items():
                out.setdefault(field, []).extend(messages)
        return out
    if isinstance(detail, list):
        if all(not isinstance(v, (dict, list)) for v in detail):
            return {prefix or NON_FIELD: [str(v) for v in detail]}
        out = {}
        for i, value in enumerate(detail):
            for field, messages in _flatten(value, f"{prefix}.{i}" if prefix else str(i)).items():
                out.setdefault(field, []).extend(messages)
        return out
    return {prefix or NON_FIELD: [str(detail)]}


class ProblemResponse(Response):
    """An error answer: JSON under `application/problem+json`, whatever renderer the request
    negotiated. DRF renders an error with the renderer it chose for the answer the client
    hoped for: the browsable API's HTML page for `Accept: text/html` (a browser, or a client
    accepting the text/html of a 414), which then went out as HTML under this media type."""

    @property
    def rendered_content(self):
        self.accepted_renderer = JSONRenderer()
        self.accepted_media_type = PROBLEM_JSON
        return super().rendered_content


def problem(status: int, errors: dict[str, list[str]], *, headers: dict | None = None,
            code: str | None = None) -> Response:
    field = next((f for f in errors if f != NON_FIELD), None)
    detail = next((m for messages in errors.values() for m in messages), TITLES.get(status, ""))
    body = {"type": "about:blank", "title": TITLES.get(status, "错误"), "status": status,
            "code": code or CODES.get(status, "error"), "detail": detail, "field": field, "errors": errors,
            "request_id": current_request_id() or None}
    return ProblemResponse(body, status=status, headers=headers, content_type=PROBLEM_JSON)


def handle(exc, context):
    if isinstance(exc, ServiceError):
        set_rollback()
        return problem(exc.status, {exc.field: [exc.message]})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500 handler and the logs
    set_rollback()
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(int(exc.wait) + (exc.wait % 1 > 0))
    status = exc.status_code
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
    else:
        errors = {NON_FIELD: [str(exc.detail)]}
    # An exception may name a finer code than its status's (api.auth.OtherOfficer).
    return problem(status, errors, headers=headers or None, code=getattr(exc, "problem_code", None))


__all__ = ["Conflict", "Forbidden", "NotFound", "PROBLEM_JSON", "ProblemResponse", "handle", "problem"]


def not_found(request, exception=None):
    """Django's 404 for URLs no view matched (an id that is not a number, a path that does
    not exist): problem+json under /api/, Django's own page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if not request.path.startswith("/api/"):
        return page_not_found(request, exception)
    body = {"type": "about:blank", "title": TITLES[404], "status": 404, "code": CODES[404],
            "detail": "接口或对象不存在", "field": None, "errors": {NON_FIELD: ["接口或对象不存在"]},
            "request_id": current_request_id() or None}
    return JsonResponse(body, status=404, content_type=PROBLEM_JSON, json_dumps_params={"ensure_ascii": False})
