"""A request id for every request, made here: echoed in the response (`X-Request-ID`) and
written into every audit event of the request.

The id is never the client's. A client that sends its own `X-Request-ID` (a sane one: up to
64 of A-Z a-z 0-9 . _ -) gets it back in `X-Client-Request-ID` beside ours, to match its
own log with ours; it cannot choose, reuse or forge the id the audit log keeps."""
from __future__ import annotations

import re
import uuid

from .audit import reset_request_id, set_request_id

_SANE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = uuid.uuid4().hex
        request.request_id = request_id
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        if _SANE.fullmatch(given):
            response["X-Client-Request-ID"] = given
        return response
