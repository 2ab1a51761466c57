"""A database connection lost in the middle of a request is a 503 with Retry-After (the
client sends the request again), not a 500; any other error is left to Django.

The views here raise by themselves: no database is touched (bench/load.py cuts a real one).
They are DRF APIViews like the API's, so the path goes through api.v1.errors.handle, which
must let database errors through for the middleware to see them."""
import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from core.db_unavailable import MESSAGE, DatabaseUnavailableMiddleware

MIDDLEWARE_PATH = "core.db_unavailable.DatabaseUnavailableMiddleware"


class Raises(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    error: Exception = OperationalError("server closed the connection unexpectedly")

    def get(self, request):
        raise self.error

    def post(self, request):
        raise self.error


class Fine(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("operational", Raises.as_view()),
    path("interface", Raises.as_view(error=InterfaceError("connection already closed"))),
    path("other", Raises.as_view(error=ValueError("a bug"))),
    path("fine", Fine.as_view()),
]

WITH = override_settings(ROOT_URLCONF=__name__,
                         MIDDLEWARE=settings.MIDDLEWARE[:1] + [MIDDLEWARE_PATH] + settings.MIDDLEWARE[1:])


@WITH
@pytest.mark.parametrize("url", ["/operational", "/interface"])
def test_a_lost_connection_is_a_503_with_retry_after(url):
    r = Client().post(url, {"x": 1}, content_type="application/json", headers={"X-Request-ID": "abc-1"})
    assert r.status_code == 503
    assert r["Retry-After"] == "2"
    assert r["Content-Type"].startswith("application/problem+json")  # the API's error format
    body = r.json()
    assert body["detail"] == MESSAGE and body["status"] == 503 and body["code"] == "database_unavailable"
    assert body["field"] is None and body["errors"] == {"non_field_errors": [MESSAGE]}
    assert body["request_id"] == r["X-Request-ID"] and r["X-Client-Request-ID"] == "abc-1"  # still wrapped


@WITH
def test_other_errors_and_good_answers_are_untouched():
    assert Client().get("/fine").json() == {"ok": True}
    with pytest.raises(ValueError):
        Client().get("/other")  # Django's own 500 path (the test client re-raises it)
    assert Client(raise_request_exception=False).get("/other").status_code == 500


@override_settings(ROOT_URLCONF=__name__,
                   MIDDLEWARE=[m for m in settings.MIDDLEWARE if not m.endswith("DatabaseUnavailableMiddleware")])
def test_without_the_middleware_the_exception_reaches_django():
    # What the middleware relies on: the API's exception handler does not answer for
    # database errors, so DRF re-raises them and process_exception sees them.
    with pytest.raises(OperationalError):
        Client().get("/operational")
    assert Client(raise_request_exception=False).get("/operational").status_code == 500


def test_the_hook_itself():
    request = RequestFactory().get("/x")
    middleware = DatabaseUnavailableMiddleware(lambda r: None)
    assert middleware.process_exception(request, ValueError("no")) is None
    response = middleware.process_exception(request, OperationalError("terminating connection"))
    assert response.status_code == 503 and response["Retry-After"] == "2"
