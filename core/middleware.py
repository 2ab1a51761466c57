"""A request id for every request: the client's `X-Request-ID` when it sent a sane one,
else a new one; echoed in the response and written into every audit event of the request."""
from __future__ import annotations

import re
import uuid

from .audit import reset_request_id, set_request_id

_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SANE.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response
