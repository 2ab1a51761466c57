"""Problems through the API: create, idempotent retries, bad input, the workflow, audit."""
import uuid

import pytest

from core.models import AuditEvent
from patrol.models import Problem

from .conftest import LAT, LON, new_problem

pytestmark = pytest.mark.django_db


def test_officer_reports_a_problem_at_a_gps_point(as_user):
    r = new_problem(as_user("officer1"))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "reported" and body["category_name"] == "积存垃圾渣土"
    assert body["subdistrict"] == "学院路街道" and body["grid"].startswith("演示网格")
    assert body["location_text"].startswith("学院路街道，学院路")  # written by the describer
    assert body["segment"] is not None and body["deadline"]
    assert body["team"] == "执法一队"
    assert [e["verb"] for e in body["events"]] == ["created"]


def test_problem_from_text_only_is_geocoded(as_user):
    r = as_user("officer1").post("/api/v1/problems/", {"category": "积存垃圾渣土",
                                                       "location_text": "学院路与清华东路交叉路口向南50米，学院路西侧"},
                                 format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["location_text"] == "学院路与清华东路交叉路口向南50米，学院路西侧"
    assert abs(body["lat"] - 39.99918) < 0.0002 and body["location_uncertainty_m"] > 0


def test_problem_from_text_with_the_area_glued_to_a_road_is_placed_on_that_road(as_user):
    """Found in review: 学院路街道学清路东侧 was read as the road 学院路 and a landmark 街道学清路."""
    officer = as_user("officer1")
    glued = officer.post("/api/v1/problems/", {"category": "积存垃圾渣土",
                                               "location_text": "学院路街道学清路东侧，积存垃圾"}, format="json")
    comma = officer.post("/api/v1/problems/", {"category": "积存垃圾渣土",
                                               "location_text": "学院路街道，学清路东侧，积存垃圾"}, format="json")
    assert glued.status_code == 201 and comma.status_code == 201, (glued.json(), comma.json())
    glued_p, comma_p = Problem.objects.get(pk=glued.json()["id"]), Problem.objects.get(pk=comma.json()["id"])
    assert glued_p.segment.road.name == "学清路"
    assert (glued_p.segment_id, glued_p.measure_m, glued_p.geom.coords) == \
        (comma_p.segment_id, comma_p.measure_m, comma_p.geom.coords)


def test_retried_create_with_the_same_client_id_returns_the_first_problem(as_user):
    client = as_user("officer1")
    cid = str(uuid.uuid4())
    first = new_problem(client, client_id=cid)
    again = new_problem(client, client_id=cid)
    assert first.status_code == 201 and again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and first.json() == again.json()
    assert Problem.objects.filter(client_id=cid).count() == 1
    assert AuditEvent.objects.for_subject("patrol.problem", first.json()["id"]).filter(verb="created").count() == 1


@pytest.mark.parametrize("keys", [("k-first", "k-second"), ("k-first", None), (None, "k-second")])
def test_a_client_id_sent_again_with_another_body_under_another_key_is_a_conflict(as_user, keys):
    """Found in review: under an Idempotency-Key of its own (or none, after one), a report with
    the client_id of an earlier one and another category was answered 200 with the earlier problem,
    so the tablet took its report for stored; the same body under a new key is still the first."""
    client, cid = as_user("officer1"), str(uuid.uuid4())

    def send(key, **changes):
        body = {"category": "积存垃圾渣土", "lat": LAT, "lon": LON, "description": "路边积存垃圾", "client_id": cid,
                **changes}
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        return client.post("/api/v1/problems/", body, format="json", **headers)

    first = send(keys[0])
    assert first.status_code == 201, first.json()
    other = send(keys[1], category="机动车乱停放", description="路口违停")
    assert other.status_code == 409, other.json()
    assert other.json()["field"] == "client_id"
    again = send(keys[1])
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    problem = Problem.objects.get(client_id=cid)
    assert (problem.category.name, problem.description) == ("积存垃圾渣土", "路边积存垃圾")
    assert Problem.objects.filter(client_id=cid).count() == 1


def test_someone_else_reusing_a_client_id_is_a_conflict(as_user):
    cid = str(uuid.uuid4())
    new_problem(as_user("officer1"), client_id=cid)
    r = new_problem(as_user("officer2"), client_id=cid)
    assert r.status_code == 409 and "client_id" in r.json()["errors"]


DROP = object()


# 400: the request does not fit the schema; 422: it does, but cannot be carried out.
@pytest.mark.parametrize(("extra", "field", "code"), [
    ({"lat": 31.23, "lon": 121.47}, "location", 422),       # Shanghai: outside the district
    ({"lat": 95}, "lat", 400),                               # not a latitude
    ({"lat": "abc"}, "lat", 400),                            # not a number
    ({"lon": DROP}, "lon", 400),                             # half a coordinate
    ({"category": "不存在的类别"}, "category", 422),          # unknown category
    ({"lat": DROP, "lon": DROP, "location_text": "今天天气很好"}, "location_text", 422),  # unreadable text
    ({"lat": DROP, "lon": DROP}, "location", 400),           # no location at all
    ({"client_id": "not-a-uuid"}, "client_id", 400),
    ({"client_id": "abc def"}, "client_id", 400),            # not a key either: still the body's field,
    ({"client_id": "编号"}, "client_id", 400),                # never the Idempotency-Key header not sent
    ({"client_id": "x" * 150}, "client_id", 400),
    ({"affected_households": -3}, "affected_households", 400),
])
def test_bad_input_names_the_field_and_saves_nothing(as_user, extra, field, code):
    before = (Problem.objects.count(), AuditEvent.objects.count())
    body = {"category": "积存垃圾渣土", "lat": LAT, "lon": LON, "description": "路边积存垃圾"}
    body.update(extra)
    body = {k: v for k, v in body.items() if v is not DROP}
    r = as_user("officer1").post("/api/v1/problems/", body, format="json")
    assert r.status_code == code, r.json()
    assert field in r.json()["errors"], r.json()
    assert r.json()["field"] == field, r.json()
    assert (Problem.objects.count(), AuditEvent.objects.count()) == before


def test_anonymous_requests_are_refused(client):
    assert client.get("/api/v1/problems/").status_code in (401, 403)
    assert client.post("/api/v1/problems/", {}).status_code in (401, 403)


def test_full_workflow_with_audit_trail(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]
    steps = [("lead1", {"to": "dispatched"}), ("officer1", {"to": "in_progress"}), ("officer1", {"to": "rectified"}),
             ("supervisor1", {"to": "verified"}), ("supervisor1", {"to": "closed"}),
             ("supervisor1", {"to": "reopened", "reason": "居民再次反映"}), ("lead1", {"to": "dispatched"})]
    for user, body in steps:
        r = as_user(user).post(f"/api/v1/problems/{pid}/transition", body, format="json")
        assert r.status_code == 200, (user, body, r.json())
    events = list(AuditEvent.objects.for_subject("patrol.problem", pid).order_by("id").values_list(
        "verb", "before__status", "after__status", "actor__username"))
    assert events[0][0] == "created"
    assert [(e[1], e[2], e[3]) for e in events[1:]] == [
        ("reported", "dispatched", "lead1"), ("dispatched", "in_progress", "officer1"),
        ("in_progress", "rectified", "officer1"), ("rectified", "verified", "supervisor1"),
        ("verified", "closed", "supervisor1"), ("closed", "reopened", "supervisor1"),
        ("reopened", "dispatched", "lead1")]
    assert AuditEvent.objects.get(subject_id=str(pid), after__status="reopened").reason == "居民再次反映"


@pytest.mark.parametrize(("user", "body", "code", "field"), [
    ("officer1", {"to": "dispatched"}, 403, "status"),          # officers do not dispatch
    ("lead1", {"to": "closed"}, 409, "status"),                 # no such step from reported
    ("supervisor1", {"to": "rejected"}, 422, "reason"),         # a rejection needs a reason (input, not state)
    ("publisher1", {"to": "dispatched"}, 403, "status"),        # publishers change nothing
    ("lead1", {"to": "duplicate", "reason": "重复"}, 422, "duplicate_of"),
])
def test_refused_transitions_change_nothing(as_user, user, body, code, field):
    pid = new_problem(as_user("officer1")).json()["id"]
    events = AuditEvent.objects.count()
    r = as_user(user).post(f"/api/v1/problems/{pid}/transition", body, format="json")
    assert r.status_code == code, r.json()
    assert field in r.json()["errors"]
    assert Problem.objects.get(pk=pid).status == "reported"
    assert AuditEvent.objects.count() == events


def test_officer_of_another_team_cannot_start_work(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]
    as_user("lead1").post(f"/api/v1/problems/{pid}/transition", {"to": "dispatched"}, format="json")
    r = as_user("officer2").post(f"/api/v1/problems/{pid}/transition", {"to": "in_progress"}, format="json")
    assert r.status_code == 403 and "承办班组" in r.json()["errors"]["status"][0]


def test_stale_expected_status_is_a_conflict(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]
    as_user("lead1").post(f"/api/v1/problems/{pid}/transition", {"to": "dispatched"}, format="json")
    r = as_user("supervisor1").post(f"/api/v1/problems/{pid}/transition",
                                    {"to": "rejected", "reason": "x", "expected_status": "reported"}, format="json")
    assert r.status_code == 409


def test_duplicate_is_suggested_within_30_m_for_the_same_category(as_user):
    first = new_problem(as_user("officer1")).json()["id"]
    near = new_problem(as_user("officer2"), lat=LAT + 0.0001, lon=LON).json()  # ≈11 m north
    far = new_problem(as_user("officer2"), lat=LAT + 0.0009, lon=LON).json()   # ≈100 m north
    other_kind = new_problem(as_user("officer2"), category="店外经营").json()
    assert near["duplicate_candidates"] == [first]
    assert far["duplicate_candidates"] == []
    assert other_kind["duplicate_candidates"] == []
    r = as_user("lead1").post(f"/api/v1/problems/{near['id']}/transition",
                              {"to": "duplicate", "reason": "同一处垃圾", "duplicate_of": first}, format="json")
    assert r.status_code == 200 and r.json()["duplicate_of"] == first


def _step(client, pid, **body):
    return client.post(f"/api/v1/problems/{pid}/transition", body, format="json")


def test_a_reopened_duplicate_is_no_ones_duplicate_and_the_pair_cannot_swap(as_user):
    lead, sup = as_user("lead1"), as_user("supervisor1")
    a = new_problem(as_user("officer1")).json()["id"]
    b = new_problem(as_user("officer1")).json()["id"]
    assert _step(lead, a, to="duplicate", duplicate_of=b, reason="同一处").status_code == 200
    r = _step(sup, a, to="reopened", reason="并非重复")
    assert r.status_code == 200 and r.json()["duplicate_of"] is None
    event = AuditEvent.objects.filter(subject_id=str(a), after__status="reopened").get()
    assert {k: event.before[k] for k in ("status", "duplicate_of")} == {"status": "duplicate", "duplicate_of": b}
    assert {k: event.after[k] for k in ("status", "duplicate_of")} == {"status": "reopened", "duplicate_of": None}
    assert set(event.after) == {"status", "duplicate_of", "deadline"}  # reopening sets a fresh deadline
    assert _step(lead, a, to="dispatched").status_code == 200
    # B may now be a duplicate of A, and the rows do not point at each other.
    assert _step(lead, b, to="duplicate", duplicate_of=a, reason="同一处").status_code == 200
    assert Problem.objects.get(pk=a).duplicate_of_id is None


def test_a_duplicate_whose_original_leads_back_to_it_is_refused(as_user):
    # A link left by data written before reopening cleared it must still not close a loop.
    lead = as_user("lead1")
    a = new_problem(as_user("officer1")).json()["id"]
    b = new_problem(as_user("officer1")).json()["id"]
    Problem.objects.filter(pk=a).update(duplicate_of_id=b, status="dispatched")
    r = _step(lead, b, to="duplicate", duplicate_of=a, reason="同一处")
    assert r.status_code == 422 and r.json()["field"] == "duplicate_of"
    assert Problem.objects.get(pk=b).duplicate_of_id is None


def test_list_shows_only_the_jurisdiction(as_user, other_subdistrict):
    pid = new_problem(as_user("officer1")).json()["id"]
    mine = [p["id"] for p in as_user("officer2").get("/api/v1/problems/").json()["results"]]
    theirs = [p["id"] for p in as_user("other_officer").get("/api/v1/problems/").json()["results"]]
    assert pid in mine and pid not in theirs
    assert as_user("other_officer").get(f"/api/v1/problems/{pid}/").status_code == 404


def test_overdue_problems_are_flagged(as_user):
    from datetime import timedelta

    from django.utils import timezone
    pid = new_problem(as_user("officer1")).json()["id"]
    Problem.objects.filter(pk=pid).update(deadline=timezone.now() - timedelta(hours=1))
    assert as_user("officer1").get(f"/api/v1/problems/{pid}/").json()["overdue"] is True


def test_audit_rows_cannot_be_changed_or_deleted(as_user):
    from core.models import AppendOnlyError
    pid = new_problem(as_user("officer1")).json()["id"]
    event = AuditEvent.objects.for_subject("patrol.problem", pid).get()
    event.reason = "改写"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_a_burst_heating_main_records_affected_households(as_user):
    r = new_problem(as_user("supervisor1"), category="供暖管道破裂", affected_households=741)
    assert r.status_code == 201, r.json()
    assert r.json()["affected_households"] == 741
    _ = (LAT, LON)


def test_a_patch_naming_a_field_it_cannot_edit_is_refused_and_saves_nothing(as_user):
    officer = as_user("officer1")
    pid = new_problem(officer).json()["id"]
    before = Problem.objects.get(pk=pid)
    r = officer.patch(f"/api/v1/problems/{pid}/", {"description": "新描述", "location_text": "学院路东侧",
                                                   "status": "closed"}, format="json")
    assert r.status_code == 400, r.json()
    assert set(r.json()["errors"]) == {"location_text", "status"}
    assert "transition" in r.json()["errors"]["status"][0]
    after = Problem.objects.get(pk=pid)
    assert (after.description, after.location_text, after.status) == \
        (before.description, before.location_text, "reported")


def test_the_steps_a_problem_offers_are_the_ones_the_server_accepts(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]
    assert _step(as_user("lead1"), pid, to="dispatched").status_code == 200  # to 执法一队, officer1's team
    other_team = as_user("officer2")  # 执法二队
    assert other_team.get(f"/api/v1/problems/{pid}/").json()["allowed_transitions"] == []
    assert _step(other_team, pid, to="in_progress").status_code == 403
    own_team = as_user("officer1")
    offered = own_team.get(f"/api/v1/problems/{pid}/").json()["allowed_transitions"]
    assert offered == ["in_progress"]
    assert _step(own_team, pid, to="in_progress").status_code == 200
    for user in ("officer1", "officer2", "lead1", "supervisor1", "publisher1"):
        client = as_user(user)
        for target in client.get(f"/api/v1/problems/{pid}/").json()["allowed_transitions"]:
            fresh = new_problem(as_user("officer1")).json()["id"]
            for who, to in (("lead1", "dispatched"), ("officer1", "in_progress")):
                assert _step(as_user(who), fresh, to=to).status_code == 200
            assert _step(client, fresh, to=target, reason="原因").status_code == 200, (user, target)


@pytest.mark.parametrize("category", ["0102", "暴露垃圾"])
def test_a_patch_takes_a_category_by_code_or_by_name_as_create_does(as_user, category):
    officer = as_user("officer1")
    pid = new_problem(officer).json()["id"]  # created by name: 积存垃圾渣土
    r = officer.patch(f"/api/v1/problems/{pid}/", {"category": category}, format="json")
    assert r.status_code == 200, r.json()
    assert (r.json()["category"], r.json()["category_name"]) == ("0102", "暴露垃圾")
    r = officer.patch(f"/api/v1/problems/{pid}/", {"category": "不存在的类别"}, format="json")
    assert r.status_code == 422 and r.json()["field"] == "category"
    assert Problem.objects.get(pk=pid).category.code == "0102"


@pytest.mark.parametrize("query", ["page=1.0", "page_size=1.0", "page=%C2%B2", "page_size=+2", "page= 1"])
def test_a_page_or_page_size_that_is_no_whole_number_is_a_400_naming_it(as_user, query):
    # The validator read "1.0" as 1, then the paginator read the raw text: 404 for a page,
    # and for a page size the default, silently.
    client = as_user("officer1")
    new_problem(client)
    r = client.get("/api/v1/problems/?" + query)
    assert r.status_code == 400, r.json()
    assert r.json()["field"] == query.split("=")[0]


def test_the_page_size_asked_for_is_the_page_size_given(as_user):
    client = as_user("officer1")
    ids = [new_problem(client).json()["id"] for _ in range(3)]
    body = client.get("/api/v1/problems/?page_size=1&page=2").json()
    assert body["count"] == 3 and [p["id"] for p in body["results"]] == [ids[1]]


def test_the_list_reads_categories_and_statuses_as_the_map_layer_does(as_user):
    """Found in review: ?category=0103,0504 (the layer's comma form) gave the list no problems and
    the layer both categories' problems; ?status=reported,dispatched was a 400 on the list only;
    and a misspelt category (?category=9999) looked like a category without problems."""
    client = as_user("officer1")
    garbage = new_problem(client).json()["id"]
    parked = new_problem(client, category="机动车乱停放", description="路口违停").json()["id"]
    bbox = "bbox=116.2,39.9,116.5,40.1"
    for query in ("category=0103,0504", "category=0103&category=0504", "status=reported,dispatched"):
        listed = client.get("/api/v1/problems/?" + query)
        layer = client.get(f"/api/v1/problems/layer?{bbox}&" + query)
        assert listed.status_code == layer.status_code == 200, (query, listed.json())
        assert {p["id"] for p in listed.json()["results"]} == {f["id"] for f in layer.json()["features"]} \
            == {garbage, parked}, query
    for query in ("category=9999", "category=0103,,0504", "status=reported,"):
        r = client.get("/api/v1/problems/?" + query)
        assert r.status_code == 400, (query, r.json())
        assert r.json()["field"].split(".")[0] == query.split("=")[0]  # category.1: the empty item


@pytest.mark.parametrize("field", ["lat", "lon"])
def test_a_json_boolean_is_no_coordinate(as_user, field):
    before = Problem.objects.count()
    r = new_problem(as_user("officer1"), **{field: True})
    assert r.status_code == 400 and r.json()["field"] == field, r.json()
    assert Problem.objects.count() == before


def _close(as_user, pid):
    for user, to in (("lead1", "dispatched"), ("officer1", "in_progress"), ("officer1", "rectified"),
                     ("supervisor1", "verified"), ("supervisor1", "closed")):
        assert _step(as_user(user), pid, to=to).status_code == 200, (user, to)


@pytest.mark.parametrize("user", ["lead1", "supervisor1"])
def test_a_closed_problem_cannot_be_edited_until_it_is_reopened(as_user, user):
    pid = new_problem(as_user("officer1")).json()["id"]
    _close(as_user, pid)
    events = AuditEvent.objects.count()
    r = as_user(user).patch(f"/api/v1/problems/{pid}/", {"description": "改写", "category": "0102"}, format="json")
    assert r.status_code == 409, r.json()
    assert r.json()["field"] == "status" and "先重启" in r.json()["detail"]
    problem = Problem.objects.get(pk=pid)
    assert (problem.description, problem.category.name) == ("路边积存垃圾", "积存垃圾渣土")
    assert AuditEvent.objects.count() == events
    assert _step(as_user("supervisor1"), pid, to="reopened", reason="分类有误").status_code == 200
    r = as_user(user).patch(f"/api/v1/problems/{pid}/", {"description": "改写"}, format="json")
    assert r.status_code == 200 and Problem.objects.get(pk=pid).description == "改写"


def test_an_edit_that_sends_the_problems_own_category_back_keeps_its_deadline(as_user):
    """Found in review: a whole form (the category unchanged, the description edited) gave the
    problem a new deadline from the catalogue's hours as they are now, not as they were when it
    was reported (an overdue problem was no longer overdue), and wrote 0103 → 0103 in its trail."""
    from patrol.models import Category

    pid = new_problem(as_user("officer1")).json()["id"]
    deadline = Problem.objects.get(pk=pid).deadline
    Category.objects.filter(code="0103").update(deadline_hours=72)  # the catalogue edited since the report
    for category in ("0103", "积存垃圾渣土"):
        r = as_user("lead1").patch(f"/api/v1/problems/{pid}/", {"category": category, "description": "改写"},
                                   format="json")
        assert r.status_code == 200, r.json()
        assert Problem.objects.get(pk=pid).deadline == deadline
    edits = AuditEvent.objects.filter(subject_id=str(pid), verb="updated")
    assert not any("category" in e.after or "deadline" in e.after for e in edits)


def test_a_reopened_problem_gets_a_fresh_deadline_and_a_category_change_keeps_that_start(as_user):
    import datetime as dt

    from django.utils import timezone

    pid = new_problem(as_user("officer1")).json()["id"]
    _close(as_user, pid)
    # it was reported ten days ago: its deadline has long passed
    ten_days = dt.timedelta(days=10)
    Problem.objects.filter(pk=pid).update(created_at=timezone.now() - ten_days,
                                          deadline=timezone.now() - ten_days + dt.timedelta(hours=24))
    old = Problem.objects.get(pk=pid)
    hours = old.category.deadline_hours
    before = timezone.now()
    assert _step(as_user("supervisor1"), pid, to="reopened", reason="居民再次反映").status_code == 200
    problem = Problem.objects.get(pk=pid)
    assert before + dt.timedelta(hours=hours) <= problem.deadline <= timezone.now() + dt.timedelta(hours=hours)
    assert as_user("supervisor1").get(f"/api/v1/problems/{pid}/").json()["overdue"] is False
    reopen = AuditEvent.objects.get(subject_id=str(pid), after__status="reopened")
    assert reopen.after["deadline"] and reopen.before["deadline"]
    # a new category counts its hours from the reopening, not from the report ten days ago
    r = as_user("lead1").patch(f"/api/v1/problems/{pid}/", {"category": "0102"}, format="json")
    assert r.status_code == 200, r.json()
    problem = Problem.objects.get(pk=pid)
    assert problem.deadline == reopen.at + dt.timedelta(hours=problem.category.deadline_hours)
    edit = AuditEvent.objects.filter(subject_id=str(pid), verb="updated").latest("id")
    assert "deadline" in edit.after
