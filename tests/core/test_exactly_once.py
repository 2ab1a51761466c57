"""Every write endpoint is exactly-once under a client id: a replay answers the first
answer and writes nothing; the same id with another body is a 409 and writes nothing; two
identical requests at the same moment, on two real connections, write once and both get
the first answer. "Writes" is counted in audit events, since every write leaves exactly one."""
import datetime as dt
import io
import threading
import time
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from core import commands
from core.models import AuditEvent, ClientCommand
from geodata.models import Area
from org.models import Agency, Team
from patrol.models import Problem
from patrol.services import followups, inspections, outcomes, problems

LAT, LON = 39.99912, 116.34636


def _user(name):
    return get_user_model().objects.get(username=name)


def _problem(status="reported"):
    p, _ = problems.problem_create(actor=_user("officer1"), category_code="积存垃圾渣土", lon=LON, lat=LAT)
    if status != "reported":
        Problem.objects.filter(pk=p.pk).update(status=status)
    return p.pk


def _inspection():
    agency = Agency.objects.get(name="海淀区城市管理委员会")
    return inspections.inspection_create(actor=_user("lead1"), date=dt.date(2026, 12, 1), title="联合检查",
                                         area_id=Area.objects.get(name="学院路街道").pk, lead_agency_id=agency.pk,
                                         agency_ids=[agency.pk]).pk


def _outcome():
    return outcomes.outcome_record(actor=_user("officer1"), kinds=["劝阻"], target_kind="商户", count=1,
                                   problem_id=_problem()).pk


def _escalation():
    return followups.escalate(actor=_user("lead1"), problem_id=_problem(),
                              department_id=Agency.objects.get(name="海淀区城市管理委员会").pk, reason="需协调",
                              deadline=timezone.now() + dt.timedelta(days=3)).pk


def _reinspection():
    team = Team.objects.get(name="执法一队")
    return followups.reinspection_schedule(actor=_user("lead1"), problem_id=_problem("rectified"), team_id=team.pk,
                                           due_date=timezone.localdate() + dt.timedelta(days=1)).pk


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 16), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def _photo(data):
    return {"kind": "before", "photo": SimpleUploadedFile("p.jpg", data["bytes"], content_type="image/jpeg")}


def _evidence(data):
    return {"photo": SimpleUploadedFile("e.jpg", data["bytes"], content_type="image/jpeg")}


def _department(_):
    return Agency.objects.get(name="海淀区城市管理委员会").pk


# name: (user, method, url template, setup → id, body(id-data) → (body, other body), format)
ENDPOINTS = {
    "problem_create": ("officer1", "post", "/api/v1/problems/", None,
                       lambda d: ({"category": "积存垃圾渣土", "lat": LAT, "lon": LON},
                                  {"category": "积存垃圾渣土", "lat": LAT, "lon": LON, "description": "另一条"}), "json"),
    "problem_update": ("lead1", "patch", "/api/v1/problems/{id}/", _problem,
                       lambda d: ({"description": "补充说明"}, {"description": "另一说明"}), "json"),
    "transition": ("lead1", "post", "/api/v1/problems/{id}/transition", _problem,
                   lambda d: ({"to": "dispatched"}, {"to": "duplicate", "reason": "x"}), "json"),
    "problem_photo": ("officer1", "post", "/api/v1/problems/{id}/photos", _problem,
                      lambda d: (_photo(d), {"kind": "after", "photo": _photo(d)["photo"]}), "multipart"),
    "problem_outcome": ("officer1", "post", "/api/v1/problems/{id}/outcomes", _problem,
                        lambda d: ({"kinds": ["劝阻"], "target_kind": "商户", "count": 2},
                                   {"kinds": ["劝阻"], "target_kind": "商户", "count": 3}), "json"),
    "inspection_outcome": ("lead1", "post", "/api/v1/outcomes/", _inspection,
                           lambda d: ({"inspection": d["id"], "kinds": ["整改"], "target_kind": "店外经营", "count": 7},
                                      {"inspection": d["id"], "kinds": ["整改"], "target_kind": "店外经营",
                                       "count": 8}), "json"),
    "outcome_photo": ("officer1", "post", "/api/v1/outcomes/{id}/photos", _outcome,
                      lambda d: (_evidence(d), {"photo": SimpleUploadedFile("e.jpg", d["bytes"] + b"\0",
                                                                            content_type="image/jpeg")}), "multipart"),
    "escalation": ("lead1", "post", "/api/v1/problems/{id}/escalations", _problem,
                   lambda d: ({"department": d["department"], "reason": "需协调", "deadline": d["deadline"]},
                              {"department": d["department"], "reason": "另一事由", "deadline": d["deadline"]}),
                   "json"),
    "escalation_answer": ("admin", "post", "/api/v1/escalations/{id}/respond", _escalation,
                          lambda d: ({"response": "已协调"}, {"response": "另一答复"}), "json"),
    "reinspection": ("lead1", "post", "/api/v1/problems/{id}/reinspections", lambda: _problem("rectified"),
                     lambda d: ({"team": d["team"], "due_date": d["due"]},
                                {"team": d["team"], "due_date": d["due2"]}), "json"),
    "reinspection_done": ("lead1", "post", "/api/v1/reinspections/{id}/complete", _reinspection,
                          lambda d: ({"passed": True}, {"passed": False}), "json"),
    "inspection": ("lead1", "post", "/api/v1/inspections/", None,
                   lambda d: ({"date": "2026-12-01", "title": "联合检查", "area": d["area"],
                               "lead_agency": d["department"], "agencies": [d["department"]]},
                              {"date": "2026-12-02", "title": "联合检查", "area": d["area"],
                               "lead_agency": d["department"], "agencies": [d["department"]]}), "json"),
}


def _prepare(name):
    user, method, url, setup, bodies, fmt = ENDPOINTS[name]
    ident = setup() if setup else None
    data = {"id": ident, "bytes": _jpeg(), "department": _department(None),
            "deadline": (timezone.now() + dt.timedelta(days=3)).isoformat(),
            "team": Team.objects.get(name="执法一队").pk, "area": Area.objects.get(name="学院路街道").pk,
            "due": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
            "due2": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}

    def send(client, key, other=False):
        body = bodies(data)[1 if other else 0]
        return getattr(client, method)(url.format(id=ident), body, format=fmt, HTTP_IDEMPOTENCY_KEY=key)
    return user, send


def _demo_committed():
    from geodata.services.demo import demo_load
    from patrol.services.demo import demo_people_load
    demo_load()  # transactional tests start from an emptied database
    if not get_user_model().objects.filter(username="admin").exists():
        get_user_model().objects.create_superuser("admin", password="patrol-demo")
    demo_people_load()


def _race(monkeypatch, where: str, send) -> dict:
    """Send the same request twice at once, on two connections: the first to claim the id
    holds its transaction open for a while, so the second arrives while the first is still
    writing. Returns each one's (status, body, replayed header)."""
    real = commands.run_once
    started = threading.Event()

    def slow_run_once(**kwargs):
        execute = kwargs.pop("execute")

        def slow_execute():
            started.set()
            time.sleep(0.4)
            return execute()
        return real(execute=slow_execute, **kwargs)

    monkeypatch.setattr(where, slow_run_once)
    answers = {}

    def act(tag):
        try:
            r = send()
            answers[tag] = (r.status_code, r.json(), r.get("Idempotent-Replayed"))
        finally:
            connection.close()

    a = threading.Thread(target=act, args=("a",))
    a.start()
    assert started.wait(10)
    b = threading.Thread(target=act, args=("b",))
    b.start()
    a.join(20)
    b.join(20)
    return answers


def _client(username):
    client = APIClient()
    client.force_authenticate(_user(username))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_replay_answers_the_first_answer_and_writes_nothing(name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user, send = _prepare(name)
    client, key = _client(user), str(uuid.uuid4())
    events = AuditEvent.objects.count()
    first = send(client, key)
    assert first.status_code in (200, 201), first.json()
    assert AuditEvent.objects.count() == events + 1  # one write, one event
    again = send(client, key)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.count() == events + 1
    other = send(client, key, other=True)
    assert other.status_code == 409, other.json()
    assert AuditEvent.objects.count() == events + 1


@pytest.mark.django_db
def test_ids_are_per_user_and_a_failed_write_keeps_no_claim():
    key = str(uuid.uuid4())
    body = {"category": "不存在的类别", "lat": LAT, "lon": LON}
    r = _client("officer1").post("/api/v1/problems/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert r.status_code == 422 and not ClientCommand.objects.filter(key=key).exists()
    body["category"] = "积存垃圾渣土"
    r = _client("officer1").post("/api/v1/problems/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert r.status_code == 201  # the corrected request under the same id runs
    r2 = _client("officer2").post("/api/v1/problems/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert r2.status_code == 201 and r2.json()["id"] != r.json()["id"]  # another user's id space


@pytest.mark.django_db
def test_a_key_that_is_too_long_is_refused_naming_the_header():
    r = _client("officer1").post("/api/v1/problems/", {"category": "积存垃圾渣土", "lat": LAT, "lon": LON},
                                 format="json", HTTP_IDEMPOTENCY_KEY="x" * 101)
    assert r.status_code == 400 and "Idempotency-Key" in str(r.json())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_two_identical_requests_at_once_write_once(name, monkeypatch, settings, tmp_path):
    _demo_committed()
    settings.MEDIA_ROOT = tmp_path
    user, send = _prepare(name)
    key = str(uuid.uuid4())
    events = AuditEvent.objects.count()
    answers = _race(monkeypatch, "api.v1.idempotency.run_once", lambda: send(_client(user), key))
    assert answers["a"][0] in (200, 201), answers
    assert answers["a"][:2] == answers["b"][:2]
    assert answers["b"][2] == "true"
    assert AuditEvent.objects.count() == events + 1


def _open311_key():
    from api.models import ApiKey
    return ApiKey.issue(name="测试外部系统", user=_user("admin"))[1]


@pytest.mark.django_db
def test_an_open311_request_is_exactly_once_under_a_client_id():
    key, cid = _open311_key(), str(uuid.uuid4())
    form = {"api_key": key, "service_code": "0103", "lat": LAT, "long": LON, "description": "垃圾"}
    client = APIClient()
    events = AuditEvent.objects.count()
    first = client.post("/open311/v2/requests.json", form, HTTP_IDEMPOTENCY_KEY=cid)
    assert first.status_code == 200, first.content
    again = client.post("/open311/v2/requests.json", form, HTTP_IDEMPOTENCY_KEY=cid)
    assert again.json() == first.json() and AuditEvent.objects.count() == events + 1
    other = client.post("/open311/v2/requests.json", {**form, "description": "另一条"}, HTTP_IDEMPOTENCY_KEY=cid)
    assert other.status_code == 409 and AuditEvent.objects.count() == events + 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_open311_requests_at_once_write_once(monkeypatch):
    _demo_committed()
    key, cid = _open311_key(), str(uuid.uuid4())
    form = {"api_key": key, "service_code": "0103", "lat": LAT, "long": LON, "description": "垃圾"}
    events = AuditEvent.objects.count()
    answers = _race(monkeypatch, "api.open311.views.run_once",
                    lambda: APIClient().post("/open311/v2/requests.json", form, HTTP_IDEMPOTENCY_KEY=cid))
    assert answers["a"][0] == 200 and answers["a"][:2] == answers["b"][:2], answers
    assert AuditEvent.objects.count() == events + 1  # one request, one write
