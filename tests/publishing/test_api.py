"""The read endpoints: lists of the caller's jurisdiction, one list with its lines, the
downloads with their media types; drafts only for those who may publish."""
import io

import docx
import pytest
from rest_framework.test import APIClient

from publishing.services.publications import draft_create, publish
from tests.api.test_geojson_contract import assert_conforms, declared, openapi  # noqa: F401 - fixture

from .conftest import user
from .test_services import WEEK

pytestmark = pytest.mark.django_db


def client_for(username):
    c = APIClient()
    c.force_authenticate(user(username))
    return c


@pytest.fixture
def published(publisher, subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    return publish(actor=publisher, publication_id=draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK).pk)


LINE = "1. 学院路街道，学院路与清华东路交叉路口向南50米，学院路西侧，积存垃圾。"


def test_the_list_and_the_detail_with_its_lines(published):
    r = client_for("officer1").get("/api/v1/publications/")
    assert r.status_code == 200
    assert [(p["id"], p["number"], p["status"], p["items"]) for p in r.json()] == [
        (published.pk, published.number, "published", 1)]
    d = client_for("officer1").get(f"/api/v1/publications/{published.pk}/").json()
    assert d["text"] == LINE and d["checksum"] == published.checksum
    pid = published.items.get().problem_id
    assert d["lines"] == [{"position": 1, "text": LINE, "problem": pid, "problems": [pid], "followup": "",
                           "edited": False}]


def test_drafts_are_shown_only_to_those_who_may_publish(publisher, subdistrict, make_problem):
    make_problem("学院路与清华东路交叉路口向南50米，学院路西侧")
    draft = draft_create(actor=publisher, area_id=subdistrict.pk, **WEEK)
    assert client_for("officer1").get(f"/api/v1/publications/{draft.pk}/").status_code == 404
    r = client_for("supervisor1").get(f"/api/v1/publications/{draft.pk}/")
    assert r.status_code == 200 and r.json()["status"] == "draft" and r.json()["number"] == ""


def test_another_jurisdiction_does_not_see_the_list(published, other_subdistrict):
    c = client_for("other_publisher")
    assert c.get("/api/v1/publications/").json() == []
    r = c.get(f"/api/v1/publications/{published.pk}/export.pdf")
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(("kind", "media_type"), [
    ("txt", "text/plain; charset=utf-8"), ("html", "text/html; charset=utf-8"), ("pdf", "application/pdf"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")])
def test_downloads_answer_with_their_media_type(published, kind, media_type):
    r = client_for("officer1").get(f"/api/v1/publications/{published.pk}/export.{kind}")
    assert r.status_code == 200 and r["Content-Type"] == media_type
    body = r.content
    if kind in ("txt", "html"):
        assert LINE in body.decode()
    elif kind == "pdf":
        assert body.startswith(b"%PDF")
    else:
        assert LINE in [p.text for p in docx.Document(io.BytesIO(body)).paragraphs]


def test_an_error_on_a_download_is_problem_json_even_when_a_pdf_was_asked_for(published):
    r = client_for("officer1").get("/api/v1/publications/999999/export.pdf", HTTP_ACCEPT="application/pdf")
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"
    assert r.json()["code"] == "not_found"
    assert APIClient().get(f"/api/v1/publications/{published.pk}/export.txt").status_code == 401


def test_answers_conform_to_the_declared_schema(published, openapi):  # noqa: F811
    c = client_for("officer1")
    assert_conforms(openapi, c.get("/api/v1/publications/"), "/api/v1/publications/")
    assert_conforms(openapi, c.get(f"/api/v1/publications/{published.pk}/"), "/api/v1/publications/{id}/")
    for kind, media in (("txt", "text/plain"), ("html", "text/html"), ("pdf", "application/pdf"),
                        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")):
        path = f"/api/v1/publications/{{id}}/export.{kind}"
        r = c.get(path.replace("{id}", str(published.pk)))
        assert r.status_code == 200 and r["Content-Type"].split(";")[0] == media
        assert declared(openapi, path, "get", 200, media)["type"] == "string"
    missing = c.get("/api/v1/publications/999999/export.docx")
    assert_conforms(openapi, missing, "/api/v1/publications/{id}/export.docx", status=404,
                    media="application/problem+json")
