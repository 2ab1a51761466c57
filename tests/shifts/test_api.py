"""Shifts over HTTP: plan, list, read, start, end, and batches of fixes; errors in the
API's format (400 the schema, 409 the state, 422 what cannot be done); every write
exactly-once under its Idempotency-Key, also for two identical requests at once."""
import datetime as dt
import uuid

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from core.models import AuditEvent
from org.models import Officer, Team
from shifts.models import Fix, FixBatch, Shift
from tests.core.test_exactly_once import _demo_committed, _race

DAY = "2026-10-15"
LAT, LON = 39.99912, 116.34636


def _client(username):
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def _team():
    return Team.objects.get(name="执法一队").pk


def _create(client, **extra):
    body = {"team": _team(), "date": DAY, "period": "morning", **extra}
    return client.post("/api/v1/shifts/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


def _on_duty():
    lead = _client("lead1")
    shift = _create(lead).json()
    r = lead.post(f"/api/v1/shifts/{shift['id']}/start", format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert r.status_code == 200, r.json()
    return shift["id"]


def _batch(n=20, t0="2026-10-15T08:00:00+08:00", device="tablet-07"):
    start = dt.datetime.fromisoformat(t0)
    return {"device_id": device, "fixes": [
        {"t": (start + dt.timedelta(seconds=5 * i)).isoformat(), "lat": LAT + i * 5e-5, "lon": LON,
         "accuracy_m": 5.0, "speed_mps": 1.1, "heading_deg": 0.0} for i in range(n)]}


@pytest.mark.django_db
def test_plan_start_read_and_end_a_shift():
    lead = _client("lead1")
    r = _create(lead)
    assert r.status_code == 201, r.json()
    shift = r.json()
    assert (shift["status"], shift["period_label"], shift["fixes_stored"]) == ("planned", "早班", 0)
    assert sorted(m["name"] for m in shift["members"]) == ["张班长", "王队员"]
    r = lead.post(f"/api/v1/shifts/{shift['id']}/start", format="json")
    assert r.status_code == 200 and r.json()["started_by"] == "lead1"
    listed = _client("supervisor1").get("/api/v1/shifts/", {"date": DAY, "status": "on_duty"}).json()
    assert [s["id"] for s in listed] == [shift["id"]]
    assert _client("officer1").get(f"/api/v1/shifts/{shift['id']}/").json()["status"] == "on_duty"
    r = _client("supervisor1").post(f"/api/v1/shifts/{shift['id']}/end", format="json")
    assert r.status_code == 200 and r.json()["ended_by"] == "supervisor1"
    again = lead.post(f"/api/v1/shifts/{shift['id']}/end", format="json")
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    verbs = AuditEvent.objects.for_subject("shifts.shift", shift["id"]).values_list("verb", flat=True)
    assert list(verbs) == ["created", "started", "ended"]


@pytest.mark.django_db
def test_refusals_speak_the_apis_error_format():
    assert _create(_client("officer1")).status_code == 403
    assert _create(_client("lead1"), team=10**9).json()["field"] == "team"  # 422: no such team
    assert _create(_client("lead1"), period="night").status_code == 400
    assert _create(_client("lead1"), members=[10**9]).status_code == 422
    assert _client("lead1").get("/api/v1/shifts/999999999/").status_code == 404
    assert not Shift.objects.exists()


@pytest.mark.django_db
def test_a_member_sends_a_batch_and_its_replay_answers_the_first_answer():
    shift = _on_duty()
    officer1, key, body = _client("officer1"), str(uuid.uuid4()), _batch()
    events = AuditEvent.objects.count()
    first = officer1.post(f"/api/v1/shifts/{shift}/fixes", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201, first.json()
    assert {k: first.json()[k] for k in ("received", "stored", "flagged", "duplicate")} == {
        "received": 20, "stored": 20, "flagged": 0, "duplicate": False}
    again = officer1.post(f"/api/v1/shifts/{shift}/fixes", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (201, first.json(), "true")
    # the same batch under a new key (the tablet lost its queue state): stored once all the same
    other = officer1.post(f"/api/v1/shifts/{shift}/fixes", body, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert other.status_code == 200 and other.json()["duplicate"] and other.json()["stored"] == 0
    assert Fix.objects.filter(shift_id=shift).count() == 20 and AuditEvent.objects.count() == events + 1
    assert officer1.get(f"/api/v1/shifts/{shift}/").json()["fixes_stored"] == 20


@pytest.mark.django_db
def test_batches_that_do_not_fit_are_refused():
    shift = _on_duty()
    officer1 = _client("officer1")
    naive = _batch(2)
    naive["fixes"][0]["t"] = "2026-10-15T08:00:00"
    assert officer1.post(f"/api/v1/shifts/{shift}/fixes", naive, format="json").status_code == 400
    assert officer1.post(f"/api/v1/shifts/{shift}/fixes", _batch(2001), format="json").status_code == 400
    assert officer1.post(f"/api/v1/shifts/{shift}/fixes", {"device_id": "t", "fixes": []},
                         format="json").status_code == 400
    bad = _batch(2)
    bad["fixes"][1]["lat"] = 91
    assert officer1.post(f"/api/v1/shifts/{shift}/fixes", bad, format="json").json()["field"] == "fixes.1.lat"
    not_member = _client("officer2").post(f"/api/v1/shifts/{shift}/fixes", _batch(2), format="json")
    assert not_member.status_code == 422, not_member.json()
    assert _client("publisher1").post(f"/api/v1/shifts/{shift}/fixes", _batch(2), format="json").status_code == 403
    planned = _create(_client("lead1"), period="evening").json()["id"]
    assert officer1.post(f"/api/v1/shifts/{planned}/fixes", _batch(2), format="json").status_code == 409
    assert not Fix.objects.filter(shift_id__in=[shift, planned]).exists()


def _paused_walk_batches(*, poor_first_fix: bool):
    """Two batches of officer1's walk along the longest patrolled segment, a fix every 5 s,
    with a 60 s pause in the middle (the tablet's tracking paused, the officer walking on):
    a pause under 2 minutes at a walking pace, which the path would otherwise bridge. The
    first fix after it says `starts_piece`. With `poor_first_fix` that fix is a poor one
    (accuracy 500 m: flagged) and the last of the first batch, so the next good fix, which
    must take its mark, comes in the next batch."""
    from pyproj import Transformer

    from shifts.selectors.coverage import segment_index
    from tests.shifts.test_import_track import _walk_with_a_pause

    index = segment_index()
    i = int(index.lengths.argmax())
    sid, geom = int(index.ids[i]), index.geoms[i]
    walk, gap = _walk_with_a_pause(geom)
    lon, lat = Transformer.from_crs(4548, 4326, always_xy=True).transform([w[1] for w in walk], [w[2] for w in walk])
    start = dt.datetime.fromisoformat(f"{DAY}T08:00:00+08:00")
    fixes = [{"t": (start + dt.timedelta(seconds=t)).isoformat(), "lat": b, "lon": a, "accuracy_m": 5.0}
             for (t, *_), a, b in zip(walk, lon, lat, strict=True)]
    first_after = next(k for k, w in enumerate(walk) if w[3] == 1)
    fixes[first_after]["starts_piece"] = True
    cut = first_after
    if poor_first_fix:
        fixes[first_after]["accuracy_m"] = 500.0
        cut = first_after + 1
    return sid, geom, gap, [{"device_id": "tablet-07", "fixes": fixes[:cut]},
                            {"device_id": "tablet-07", "fixes": fixes[cut:]}]


@pytest.mark.django_db
@pytest.mark.parametrize("poor_first_fix", [False, True], ids=["good-first-fix", "poor-first-fix-ends-its-batch"])
def test_a_fix_sent_as_starting_a_piece_is_stored_and_coverage_does_not_bridge_the_pause(poor_first_fix):
    """A tablet could not say that it had stopped tracking: every fix it sent continued the
    path, so a pause under 2 minutes at a walking pace was painted as walked. The first fix
    after the pause now says `starts_piece`, stored as sent; a poor one's mark goes to the
    next good fix, here in the next batch (each batch's own coverage job, as the worker
    runs them, and the shift computed again from all its fixes agree)."""
    from shifts.models import SegmentCoverage
    from shifts.services.coverage import coverage_update

    shift = _on_duty()
    sid, geom, (gap_from, gap_to), batches = _paused_walk_batches(poor_first_fix=poor_first_fix)
    officer1 = _client("officer1")
    answers = [officer1.post(f"/api/v1/shifts/{shift}/fixes", b, format="json") for b in batches]
    assert [r.status_code for r in answers] == [201, 201], [r.json() for r in answers]
    assert [r.json()["flagged"] for r in answers] == [int(poor_first_fix), 0]
    marked = [f["t"] for b in batches for f in b["fixes"] if f.get("starts_piece")]
    stored = Fix.objects.filter(shift_id=shift, starts_piece=True).values_list("t", flat=True)
    assert [t.isoformat() for t in stored] == [dt.datetime.fromisoformat(t).astimezone(dt.UTC).isoformat()
                                               for t in marked]
    assert Fix.objects.filter(shift_id=shift, starts_piece__isnull=True).count() == sum(
        len(b["fixes"]) for b in batches) - 1

    middle = (gap_from + gap_to) / 2
    for r in answers:  # what the worker does with each batch (on duty: the last minutes held back)
        coverage_update(shift_id=shift, batch_id=r.json()["batch"])
    intervals = SegmentCoverage.objects.get(shift_id=shift, segment_id=sid).intervals
    assert not any(a < middle < b for a, b, *_ in intervals), (gap_from, gap_to, intervals)
    assert intervals[0][0] < 10 and intervals[-1][1] > gap_to + 100
    SegmentCoverage.objects.filter(shift_id=shift).delete()
    coverage_update(shift_id=shift)  # the whole shift again, from all its fixes
    intervals = SegmentCoverage.objects.get(shift_id=shift, segment_id=sid).intervals
    assert not any(a < middle < b for a, b, *_ in intervals), (gap_from, gap_to, intervals)
    assert intervals[0][0] < 10 and intervals[-1][1] > geom.length - 10  # the rest of it is covered


@pytest.mark.django_db
def test_a_batch_sent_again_with_a_fix_starting_a_piece_is_no_duplicate_and_the_pause_holds():
    """The content hash left `starts_piece` out: a batch sent again with the flag on its first
    fix after a pause (a client that learnt of the pause late) was answered as a duplicate,
    nothing stored, and the pause was painted as walked. It is stored now; coverage reads each
    instant once, with the mark."""
    from shifts.models import SegmentCoverage
    from shifts.services.coverage import coverage_update

    shift = _on_duty()
    sid, _, (gap_from, gap_to), batches = _paused_walk_batches(poor_first_fix=False)
    fixes = batches[0]["fixes"] + batches[1]["fixes"]
    unflagged = {"device_id": "tablet-07", "fixes": [{k: v for k, v in f.items() if k != "starts_piece"}
                                                     for f in fixes]}
    officer1 = _client("officer1")
    assert officer1.post(f"/api/v1/shifts/{shift}/fixes", unflagged, format="json").status_code == 201
    assert officer1.post(f"/api/v1/shifts/{shift}/fixes", unflagged, format="json").json()["duplicate"]
    again = officer1.post(f"/api/v1/shifts/{shift}/fixes", {"device_id": "tablet-07", "fixes": fixes},
                          format="json")
    assert again.status_code == 201 and not again.json()["duplicate"], again.json()
    assert Fix.objects.filter(shift_id=shift, starts_piece=True).count() == 1
    coverage_update(shift_id=shift)
    intervals = SegmentCoverage.objects.get(shift_id=shift, segment_id=sid).intervals
    middle = (gap_from + gap_to) / 2
    assert not any(a < middle < b for a, b, *_ in intervals), (gap_from, gap_to, intervals)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["yes", "true", 1, 0, None, [True], {"v": True}])
def test_a_starts_piece_that_is_not_a_boolean_is_refused_and_nothing_is_stored(value):
    shift = _on_duty()
    officer1 = _client("officer1")
    assert officer1.post(f"/api/v1/shifts/{shift}/fixes", _batch(5), format="json").status_code == 201
    body = _batch(5, t0="2026-10-15T09:00:00+08:00")
    body["fixes"][1]["starts_piece"] = value
    r = officer1.post(f"/api/v1/shifts/{shift}/fixes", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert r.status_code == 400, r.json()
    assert r.json()["field"] == "fixes.1.starts_piece"
    assert r.json()["detail"] == "须为 true 或 false（JSON 布尔值），或不填"
    assert Fix.objects.filter(shift_id=shift).count() == 5 and FixBatch.objects.filter(shift_id=shift).count() == 1
    body["fixes"][1]["starts_piece"] = True  # the same batch, put right, is taken
    r = officer1.post(f"/api/v1/shifts/{shift}/fixes", body, format="json")
    assert r.status_code == 201 and Fix.objects.filter(shift_id=shift, starts_piece=True).count() == 1


WRITES = {
    "create": ("lead1", lambda: None, lambda _: ("/api/v1/shifts/", {"team": _team(), "date": "2026-10-16",
                                                                      "period": "evening"})),
    "start": ("lead1", lambda: _create(_client("lead1"), date="2026-10-17").json()["id"],
              lambda i: (f"/api/v1/shifts/{i}/start", {})),
    "end": ("lead1", _on_duty, lambda i: (f"/api/v1/shifts/{i}/end", {})),
    "fixes": ("officer1", _on_duty, lambda i: (f"/api/v1/shifts/{i}/fixes", _batch(50))),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", WRITES)
def test_two_identical_requests_at_once_write_once(name, monkeypatch):
    _demo_committed()
    user, setup, request = WRITES[name]
    url, body = request(setup())
    key = str(uuid.uuid4())
    events = AuditEvent.objects.count()
    answers = _race(monkeypatch, "api.v1.idempotency.run_once",
                    lambda: _client(user).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key))
    assert answers["a"][0] in (200, 201), answers
    assert answers["a"][:2] == answers["b"][:2] and answers["b"][2] == "true"
    assert AuditEvent.objects.count() == events + 1


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_twice_at_once_under_two_keys_is_stored_once(monkeypatch):
    _demo_committed()
    shift = _on_duty()
    body = _batch(50, device="race-tablet")
    keys = iter(["race-key-a", "race-key-b"])
    answers = _race(monkeypatch, "api.v1.idempotency.run_once",
                    lambda: _client("officer1").post(f"/api/v1/shifts/{shift}/fixes", body, format="json",
                                                     HTTP_IDEMPOTENCY_KEY=next(keys)))
    statuses = sorted(a[0] for a in answers.values())
    assert statuses == [200, 201], answers
    assert sorted(a[1]["stored"] for a in answers.values()) == [0, 50]
    assert Fix.objects.filter(shift_id=shift).count() == 50
    officer = Officer.objects.get(user__username="officer1")
    assert FixBatch.objects.filter(shift_id=shift, officer=officer).count() == 1
