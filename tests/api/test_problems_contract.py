"""A client that reads /api/v1/schema/ reads the problems API's answers right.

One problem's life, through the API as the tablets and the office use it, with every answer
validated against the schema the OpenAPI document declares for its operation and status
(the answer shapes are closed, so an undeclared key fails too): report, read, list, edit,
dispatch, start, photograph, record an outcome and its evidence photo, blow the whistle
and answer it, finish, verify, schedule and complete a re-inspection; a joint inspection;
the catalogue; and the errors, each as problem+json.
"""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from geodata.models import Area
from org.models import Agency, Team

from .test_geojson_contract import assert_conforms, client_for, openapi  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
LAT, LON = 39.99912, 116.34636


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_problems_life_answers_as_declared(openapi, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    officer, lead, supervisor, admin = (client_for(u) for u in ("officer1", "lead1", "supervisor1", "admin"))
    P = "/api/v1/problems/"
    created = assert_conforms(openapi, officer.post(P, {"category": "积存垃圾渣土", "lat": LAT, "lon": LON},
                                                    format="json"), P, "post", 201)
    pid = created["id"]
    item = f"{P}{{id}}/"
    assert_conforms(openapi, officer.get(f"{P}{pid}/"), item)
    assert_conforms(openapi, officer.get(P, {"status": "reported", "page_size": 5}), P)
    assert_conforms(openapi, lead.patch(f"{P}{pid}/", {"description": "堆放约2立方米"}, format="json"), item,
                    "patch")
    team = Team.objects.get(name="执法一队").pk
    for client, body in ((lead, {"to": "dispatched", "team": team}), (officer, {"to": "in_progress"})):
        assert_conforms(openapi, client.post(f"{P}{pid}/transition", body, format="json"),
                        f"{P}{{id}}/transition", "post")
    assert_conforms(openapi, officer.post(f"{P}{pid}/photos", {"kind": "before", "photo": _jpeg()},
                                          format="multipart"), f"{P}{{id}}/photos", "post", 201)
    outcome = assert_conforms(openapi, officer.post(f"{P}{pid}/outcomes", {
        "kinds": ["罚款"], "target_kind": "三轮摩托车", "count": 1, "fine_amount": "200"}, format="json"),
        f"{P}{{id}}/outcomes", "post", 201)
    assert_conforms(openapi, officer.post(f"/api/v1/outcomes/{outcome['id']}/photos", {"photo": _jpeg()},
                                          format="multipart"), "/api/v1/outcomes/{id}/photos", "post", 201)
    department = Agency.objects.get(name="海淀区城市管理委员会").pk
    escalation = assert_conforms(openapi, lead.post(f"{P}{pid}/escalations", {
        "department": department, "reason": "需协调", "deadline": (timezone.now() + dt.timedelta(days=3)).isoformat()},
        format="json"), f"{P}{{id}}/escalations", "post", 201)
    assert_conforms(openapi, admin.post(f"/api/v1/escalations/{escalation['id']}/respond", {"response": "已协调"},
                                        format="json"), "/api/v1/escalations/{id}/respond", "post")
    for client, body in ((officer, {"to": "rectified"}), (supervisor, {"to": "verified"})):
        assert_conforms(openapi, client.post(f"{P}{pid}/transition", body, format="json"),
                        f"{P}{{id}}/transition", "post")
    reinspection = assert_conforms(openapi, lead.post(f"{P}{pid}/reinspections", {
        "team": team, "due_date": (timezone.localdate() + dt.timedelta(days=7)).isoformat()}, format="json"),
        f"{P}{{id}}/reinspections", "post", 201)
    assert_conforms(openapi, officer.get(f"/api/v1/teams/{team}/reinspections"), "/api/v1/teams/{id}/reinspections")
    assert_conforms(openapi, officer.post(f"/api/v1/reinspections/{reinspection['id']}/complete",
                                          {"passed": True}, format="json"),
                    "/api/v1/reinspections/{id}/complete", "post")
    detail = assert_conforms(openapi, officer.get(f"{P}{pid}/"), item)
    assert [e["verb"] for e in detail["events"]][:3] == ["created", "updated", "transitioned"]


def test_inspections_and_the_catalogue_answer_as_declared(openapi):  # noqa: F811
    lead = client_for("lead1")
    agency = Agency.objects.get(name="海淀区城市管理委员会").pk
    area = Area.objects.get(name="学院路街道").pk
    created = assert_conforms(openapi, lead.post("/api/v1/inspections/", {
        "date": "2026-12-01", "title": "背街小巷联合检查", "area": area, "lead_agency": agency, "agencies": [agency]},
        format="json"), "/api/v1/inspections/", "post", 201)
    assert_conforms(openapi, lead.post("/api/v1/outcomes/", {"inspection": created["id"], "kinds": ["整改"],
                                                            "target_kind": "店外经营", "count": 7}, format="json"),
                    "/api/v1/outcomes/", "post", 201)
    assert_conforms(openapi, lead.get("/api/v1/inspections/"), "/api/v1/inspections/")
    assert_conforms(openapi, lead.get(f"/api/v1/inspections/{created['id']}/"), "/api/v1/inspections/{id}/")
    assert_conforms(openapi, lead.get("/api/v1/categories/"), "/api/v1/categories/")


@pytest.mark.parametrize(("user", "method", "path", "body", "status", "declared_path"), [
    (None, "get", "/api/v1/problems/", None, 401, "/api/v1/problems/"),
    ("officer1", "post", "/api/v1/problems/", {"category": "x", "lat": 95, "lon": LON}, 400, "/api/v1/problems/"),
    ("officer1", "post", "/api/v1/problems/", {"category": "不存在", "lat": LAT, "lon": LON}, 422,
     "/api/v1/problems/"),
    ("officer1", "get", "/api/v1/problems/999999/", None, 404, "/api/v1/problems/{id}/"),
    ("officer1", "get", "/api/v1/problems/", {"page": 999}, 404, "/api/v1/problems/"),
    ("officer1", "patch", "/api/v1/problems/{pid}/", {"status": "closed"}, 400, "/api/v1/problems/{id}/"),
])
def test_errors_answer_as_declared(openapi, user, method, path, body, status, declared_path):  # noqa: F811
    from rest_framework.test import APIClient
    client = client_for(user) if user else APIClient()
    if "{pid}" in path:
        pid = client.post("/api/v1/problems/", {"category": "积存垃圾渣土", "lat": LAT, "lon": LON},
                          format="json").json()["id"]
        path = path.format(pid=pid)
    response = client.get(path, body) if method == "get" else getattr(client, method)(path, body, format="json")
    assert_conforms(openapi, response, declared_path, method, status, "application/problem+json")
