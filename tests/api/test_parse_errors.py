"""A body the API cannot read is refused in Chinese, like every other error: Django REST
framework's parsers answer in English ("JSON parse error - Expecting value: line 1 column 1
(char 0)", "Multipart form parse error - Invalid boundary in multipart: None"), which the
field app shows the officer as it is (outbox.js quotes an answer's detail)."""
import re

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

db = pytest.mark.django_db
ENGLISH = re.compile(r"[a-z]{3,}")  # a word of English; JSON, UTF-8 may stay


def officer_client() -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="officer1"))
    return client


def _problem_id() -> int:
    return officer_client().post("/api/v1/problems/", {"category": "积存垃圾渣土", "lat": 39.99912,
                                                       "lon": 116.34636}, format="json").json()["id"]


def assert_refused_in_chinese(response, *words):
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["field"] is None
    assert not ENGLISH.search(body["detail"]), body["detail"]
    assert all(word in body["detail"] for word in words), body["detail"]
    assert body["errors"] == {"non_field_errors": [body["detail"]]}


@db
@pytest.mark.parametrize("raw, words", [
    (b"not json", ("不是有效的 JSON", "第 1 行第 1 列")),
    (b'{"category": ', ("不是有效的 JSON", "第 1 行第 14 列")),
    (b"\xff\xfe{", ("不是 UTF-8 编码",)),
])
def test_a_body_that_is_not_json_is_refused_in_chinese(raw, words):
    response = officer_client().post("/api/v1/problems/", raw, content_type="application/json")
    assert_refused_in_chinese(response, *words)


@db
@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_a_multipart_body_without_a_boundary_is_refused_in_chinese(content_type):
    response = officer_client().post(f"/api/v1/problems/{_problem_id()}/photos", b"garbage",
                                     content_type=content_type)
    assert_refused_in_chinese(response, "文件上传表单")
