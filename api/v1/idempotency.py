"""Every write endpoint is exactly-once under a client id (core.commands).

The client sends `Idempotency-Key: <its own id>` (a UUID made when the officer pressed the
button, kept in the offline queue with the request). For problems the body's `client_id`
serves as the key when the header is absent, as tablets sent it before; under a header of
another value it is claimed as well, so the same `client_id` with another body is a 409
whichever key each attempt carried. A replayed answer carries `Idempotent-Replayed: true`.
"""
from __future__ import annotations

import functools
import hashlib
import uuid

from django.core.files.uploadedfile import UploadedFile
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from core.commands import KEY_FIELD, KEY_PATTERN, MAX_KEY_LENGTH, KeyReused, check_key, fingerprint, run_once
from core.errors import Conflict

from .errors import PROBLEM_JSON, ProblemResponse

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    KEY_FIELD, {"type": "string", "pattern": KEY_PATTERN, "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    OpenApiParameter.HEADER, required=False,
    description="客户端为本次操作生成的唯一编号（如 UUID，≤100 字符）。同一编号同一内容的重试返回首次的结果，"
                "不会重复写入；同一编号不同内容返回 409。")
REPLAYED_HEADER = "Idempotent-Replayed"


CHUNK = 64 * 1024


def _file_digest(upload: UploadedFile) -> dict:
    """A file by content, read a chunk at a time (the whole body's size is capped before it
    is read: api/limits.py). The same value core.commands.fingerprint gives bytes, so keys
    stored before hash alike."""
    digest = hashlib.sha256()
    upload.seek(0)
    while chunk := upload.read(CHUNK):  # not chunks(): an in-memory file yields itself whole
        digest.update(chunk)
    upload.seek(0)
    return {"sha256": digest.hexdigest()}


def _body(request) -> dict:
    data = request.data
    if hasattr(data, "getlist"):  # form or multipart: every value of every key, files by content
        out = {}
        for key in sorted(data.keys()):
            out[key] = [_file_digest(value) if isinstance(value, UploadedFile) else value
                        for value in data.getlist(key)]
        return out
    return data if isinstance(data, (dict, list)) else {"_": str(data)}


def client_key(request, *, body_field: str | None = None) -> str | None:
    key = request.headers.get(KEY_FIELD)
    if key is not None:
        return check_key(key)  # a header sent empty or malformed is a 400, not "no key"
    return body_key(request, body_field)


def body_key(request, body_field: str | None) -> str | None:
    """The body's `body_field` as a key, when it holds one (a valid UUID)."""
    if not body_field or not isinstance(request.data, dict):
        return None
    value = request.data.get(body_field)
    return str(value) if value not in (None, "") and _is_uuid(value) else None


def _is_uuid(value) -> bool:
    """The body's field is a key only when valid (as its UUIDField reads it): anything else is
    that field's 400 from the view, not an error in a header the client never sent."""
    try:
        uuid.UUID(hex=str(value))
    except ValueError:
        return False
    return True


def _reused(body_field: str) -> Conflict:
    return Conflict(f"该 {body_field} 已用于内容不同的请求；新的记录请使用新的编号", field=body_field)


def exactly_once(*, body_field: str | None = None):
    """Wrap an APIView write method: under a client id it runs once per user and id."""
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, request, *args, **kwargs):
            key = client_key(request, body_field=body_field)
            if key is None or not request.user.is_authenticated:
                return method(self, request, *args, **kwargs)
            route = request.resolver_match.route if request.resolver_match else request.path
            scope = f"{request.method} {route}"
            body_hash = fingerprint({"args": kwargs, "body": _body(request)})

            def execute():
                response = method(self, request, *args, **kwargs)
                return response.status_code, response.data

            # The body's id names the record itself (a problem's client_id), whatever key the header
            # gives this attempt: it is claimed too, so that a request under another key (or none)
            # with this id and another body is a 409, not the first record answered as if it were
            # this one.
            own = body_key(request, body_field)
            replays = []
            run = execute
            if own is not None and own != key:
                def run():
                    try:
                        status, data, again = run_once(actor=request.user, key=own, scope=scope,
                                                       body_hash=body_hash, execute=execute)
                    except KeyReused:
                        raise _reused(body_field) from None
                    replays.append(again)
                    return status, data

            try:
                status, data, replayed = run_once(actor=request.user, key=key, scope=scope, body_hash=body_hash,
                                                  execute=run)
            except KeyReused:
                if own != key or KEY_FIELD in request.headers:
                    raise
                raise _reused(body_field) from None  # the key is the body's: name the field the client sent
            replayed = replayed or any(replays)
            # An error the method answered itself (not raised) stays problem+json.
            response = (ProblemResponse(data, status=status, content_type=PROBLEM_JSON) if status >= 400
                        else Response(data, status=status))
            if replayed:
                response[REPLAYED_HEADER] = "true"
            return response
        return wrapper
    return decorate
