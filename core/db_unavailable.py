"""A lost database connection is a 503 with Retry-After, not a 500.

When the database restarts, fails over, or an operator terminates the app's connections,
the requests in flight at that moment fail with `django.db.OperationalError` (or
`InterfaceError` on a connection already closed). Nothing is wrong with the request and
nothing of it was kept (its transaction is gone with the connection), so the client should
send it again shortly; for writes under an `Idempotency-Key` that is safe (core.commands).
This middleware says so: 503, `Retry-After: 2`, and a body in the API's error format
(application/problem+json, api.v1.errors), whose `detail` is the message for the user:

    {"type": "about:blank", "title": "服务暂时不可用", "status": 503, "code": "database_unavailable",
     "detail": "数据库暂时不可用，请稍后重试", "field": null,
     "errors": {"non_field_errors": ["数据库暂时不可用，请稍后重试"]}, "request_id": "…"}

Database errors that are not a lost connection are OperationalErrors too (a statement
timeout, a deadlock, a serialization failure): they are equally worth a retry, and get
the same answer.

It acts in `process_exception`, i.e. on exceptions a view raised. DRF views re-raise what
their exception handler (api.v1.errors.handle) does not turn into a response, and that
handler leaves database errors alone, so they reach this hook. Errors raised in another
middleware are not seen here (Django turns them into a 500 at that middleware).
Django closes the broken connection at the end of the request (errors_occurred), and with
CONN_HEALTH_CHECKS a persistent connection that died between requests is replaced before
the next request uses it.

    MIDDLEWARE = ["core.middleware.RequestIdMiddleware",
                  "core.db_unavailable.DatabaseUnavailableMiddleware", ...]
"""
from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse

from .audit import current_request_id

logger = logging.getLogger(__name__)

MESSAGE = "数据库暂时不可用，请稍后重试"
RETRY_AFTER_SECONDS = 2
PROBLEM_JSON = "application/problem+json"


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        # Logged, not hidden: an operator should see that the database went away.
        first_line = (str(exception).strip().splitlines() or [type(exception).__name__])[0]
        logger.warning("database unavailable during %s %s: %s", request.method, request.path, first_line)
        body = {"type": "about:blank", "title": "服务暂时不可用", "status": 503, "code": "database_unavailable",
                "detail": MESSAGE, "field": None, "errors": {"non_field_errors": [MESSAGE]},
                "request_id": current_request_id() or None}
        response = JsonResponse(body, status=503, content_type=PROBLEM_JSON, json_dumps_params={"ensure_ascii": False})
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
