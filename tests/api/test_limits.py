"""Request size limits (api/limits.py): a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413
before it is read, whatever the parser; too many form fields is a 400 naming the limit."""
import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from rest_framework.test import APIClient

from patrol.models import Problem
from patrol.services.demo import demo_api_key

db = pytest.mark.django_db
LIMIT = 2048  # bytes, set with override_settings so the bodies below stay small


def officer_client() -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="officer1"))
    return client


def test_django_limits_are_set():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 12 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 10


@db
def test_an_oversized_json_body_is_a_413_and_creates_nothing():
    body = {"category": "积存垃圾渣土", "lat": 39.99912, "lon": 116.34636, "description": "x" * (LIMIT + 1)}
    before = Problem.objects.count()
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT):
        response = officer_client().post("/api/v1/problems/", body, format="json")
    assert response.status_code == 413
    assert f"超过上限 {LIMIT} 字节" in response.json()["detail"]
    assert Problem.objects.count() == before


@db
def test_a_body_within_the_limit_is_read_as_before():
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT):
        response = officer_client().post("/api/v1/locate/batch", {"texts": ["学院路"], "parse_only": True},
                                         format="json")
    assert response.status_code == 200


@db
def test_an_oversized_form_body_to_open311_is_a_georeport_413():
    fields = {"api_key": demo_api_key(), "service_code": "0102", "lat": "39.99912", "long": "116.34636",
              "description": "x" * (LIMIT + 1)}
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT):
        response = APIClient().post("/open311/v2/requests.json", fields, format="multipart")
        assert response.status_code == 413
        assert json.loads(response.content)[0]["code"] == 413
        response = APIClient().post("/open311/v2/requests.json", urlencode(fields),
                                    content_type="application/x-www-form-urlencoded")
        assert response.status_code == 413


@db
@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_too_many_form_fields_is_a_400_naming_the_limit(encoding):
    fields = {"api_key": demo_api_key(), **{f"attribute[f{i}]": "1" for i in range(20)}}
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10):
        if encoding == "multipart":
            response = APIClient().post("/open311/v2/requests.json", fields, format="multipart")
        else:
            response = APIClient().post("/open311/v2/requests.json", urlencode(fields),
                                        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "上限 10" in json.loads(response.content)[0]["description"]


def _problem_id() -> int:
    return officer_client().post("/api/v1/problems/", {"category": "积存垃圾渣土", "lat": 39.99912,
                                                       "lon": 116.34636}, format="json").json()["id"]


@db
@pytest.mark.parametrize("key", [None, "photo-key-1"])
def test_an_upload_over_the_multipart_cap_is_a_413_before_it_is_read(key, monkeypatch):
    # DATA_UPLOAD_MAX_MEMORY_SIZE counts a multipart body's fields, never its files.
    from api.v1 import idempotency
    from patrol.models import ProblemPhoto

    pid = _problem_id()
    real, read = idempotency._body, []

    def spied(request):
        body = real(request)
        read.append(1)
        return body

    monkeypatch.setattr(idempotency, "_body", spied)
    from django.core.files.uploadedfile import SimpleUploadedFile
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8" + b"\0" * (3 * LIMIT))
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    with override_settings(API_UPLOAD_MAX_BYTES=LIMIT):
        response = officer_client().post(f"/api/v1/problems/{pid}/photos", {"kind": "before", "photo": photo},
                                          format="multipart", **headers)
    assert response.status_code == 413, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert f"超过上限 {LIMIT} 字节" in response.json()["detail"]
    assert read == [] and not ProblemPhoto.objects.filter(problem_id=pid).exists()


def test_the_multipart_cap_holds_one_photo_or_one_hotline_export():
    # One file per request (the field app sends each photo on its own), plus its form.
    assert settings.API_UPLOAD_MAX_BYTES > 10 * 1024 * 1024
    assert settings.API_UPLOAD_MAX_BYTES > settings.HOTLINE_MAX_UPLOAD_MB * 1024 * 1024


@db
def test_an_upload_under_an_idempotency_key_is_hashed_a_chunk_at_a_time(monkeypatch):
    import tracemalloc

    from django.core.files.uploadedfile import SimpleUploadedFile

    from api.v1 import idempotency
    from core.commands import fingerprint

    pid = _problem_id()
    content = b"\xff\xd8" + b"\0" * (8 * 1024 * 1024)
    real, seen = idempotency._body, {}

    def measured(request):
        request.data  # noqa: B018 - Django's own parsing (capped) is not what is measured
        tracemalloc.start()
        try:
            seen["body"] = real(request)
            seen["peak"] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return seen["body"]

    monkeypatch.setattr(idempotency, "_body", measured)
    response = officer_client().post(f"/api/v1/problems/{pid}/photos",
                                     {"kind": "before", "photo": SimpleUploadedFile("a.jpg", content)},
                                     format="multipart", HTTP_IDEMPOTENCY_KEY="photo-key-2")
    assert response.status_code == 422  # not a picture: the point is what hashing it cost
    assert seen["peak"] < 1024 * 1024, seen["peak"]
    # The same fingerprint as the file's bytes had (keys stored before the change still match).
    assert fingerprint(seen["body"]) == fingerprint({"kind": ["before"], "photo": [content]})
