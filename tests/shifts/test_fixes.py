"""Storing GPS fixes: COPY into day partitions keeps exactly what was sent, flagged fixes
are kept, a batch sent again stores nothing, partitions appear on demand and go whole."""
import dataclasses
import datetime as dt
import random
import sys
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from core.errors import Conflict, Forbidden, ServiceError
from core.models import AuditEvent
from org.models import Officer, Team
from shifts.models import Fix, FixBatch
from shifts.services import fixes as fixes_service
from shifts.services import partitions
from shifts.services.fixes import FixIn, fixes_ingest, fixes_receive
from shifts.services.shifts import shift_create, shift_end, shift_start

pytestmark = pytest.mark.django_db
BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 10, 15)  # in the past: fixes after "now" are clock errors
LAT, LON = 39.99912, 116.34636  # 学院路 × 清华东路, in the demo district


def _user(name):
    return get_user_model().objects.get(username=name)


def _shift(day=DAY, start=True):
    shift = shift_create(actor=_user("lead1"), team_id=Team.objects.get(name="执法一队").pk, date=day,
                         period="morning")
    if start:
        shift_start(actor=_user("lead1"), shift_id=shift.pk)
        shift.refresh_from_db()  # on duty, as fixes_ingest's callers read it
    return shift


def _walk(n, *, day=DAY, t0="08:00", seed=1):
    """n fixes 5 s apart walking north at ~1.1 m/s, with a little seeded noise."""
    rnd = random.Random(seed)
    start = dt.datetime.combine(day, dt.time.fromisoformat(t0), tzinfo=BJ)
    return [FixIn(t=start + dt.timedelta(seconds=5 * i), lat=LAT + i * 5e-5 + rnd.uniform(-2e-6, 2e-6),
                  lon=LON + rnd.uniform(-2e-6, 2e-6), accuracy_m=round(rnd.uniform(3, 10), 2),
                  speed_mps=1.1, heading_deg=0.0) for i in range(n)]


def _partition_of(fix_id):
    with connection.cursor() as cur:
        cur.execute("SELECT tableoid::regclass::text FROM shifts_fix WHERE id = %s", [fix_id])
        return cur.fetchone()[0]


def test_copy_stores_exactly_what_was_sent():
    shift = _shift()
    sent = _walk(40)
    r = fixes_receive(actor=_user("officer1"), shift_id=shift.pk, device_id="tablet-07", fixes=sent)
    assert (r.received, r.stored, r.duplicate) == (40, 40, False)
    stored = list(Fix.objects.filter(shift=shift).order_by("t"))
    assert len(stored) == 40
    officer = Officer.objects.get(user__username="officer1")
    for f, s in zip(sent, stored, strict=True):
        assert s.t == f.t and s.officer_id == officer.pk and s.device_id == "tablet-07" and s.batch_id == r.batch_id
        assert (s.accuracy_m, s.speed_mps, s.heading_deg) == (f.accuracy_m, 1.1, 0.0)
        assert s.geom.srid == 4548
        back = s.geom.transform(4326, clone=True)
        assert abs(back.y - f.lat) < 1e-8 and abs(back.x - f.lon) < 1e-8  # WGS84 → 4548 → WGS84
        assert s.flags is None  # a good fix carries no flags
    assert _partition_of(stored[0].id) == "shifts_fix_p20261015"


def test_flagged_fixes_are_kept_with_their_flags():
    shift = _shift()
    sent = _walk(10)
    sent[3] = FixIn(t=sent[3].t, lat=LAT + 0.01, lon=LON, accuracy_m=5)  # 1.1 km off in 5 s
    sent[6] = FixIn(t=sent[6].t, lat=sent[6].lat, lon=sent[6].lon, accuracy_m=80)  # poor accuracy
    sent.append(sent[8])  # the same fix twice
    sent.append(FixIn(t=sent[0].t.replace(year=2029), lat=LAT, lon=LON, accuracy_m=5))  # a clock in the future
    sent.append(FixIn(t=sent[1].t + dt.timedelta(seconds=1), lat=0.0, lon=0.0, accuracy_m=5))  # the 0,0 glitch
    r = fixes_receive(actor=_user("officer1"), shift_id=shift.pk, device_id="tablet-07", fixes=sent)
    assert r.flags_computed and r.stored == 13 == Fix.objects.filter(shift=shift).count()
    flags = {tuple(sorted(f.flags)) for f in Fix.objects.filter(shift=shift, flags__isnull=False)}
    assert {("impossible_speed",), ("poor_accuracy",), ("duplicate",), ("clock",)} <= flags
    assert r.flagged == Fix.objects.filter(shift=shift, flags__isnull=False).count() >= 5
    glitch = Fix.objects.get(shift=shift, t=sent[1].t + dt.timedelta(seconds=1))
    assert glitch.geom is None and "poor_accuracy" in glitch.flags  # kept, with no position to store
    future = Fix.objects.get(shift=shift, t__year=2029)
    assert _partition_of(future.id) == "shifts_fix_default"  # no partition of its own for a wrong clock


def test_a_batch_sent_again_in_any_order_stores_nothing_and_writes_no_event():
    shift = _shift()
    sent = _walk(30)
    first = fixes_receive(actor=_user("officer1"), shift_id=shift.pk, device_id="tablet-07", fixes=sent)
    events = AuditEvent.objects.count()
    shuffled = sent[:]
    random.Random(7).shuffle(shuffled)
    again = fixes_receive(actor=_user("officer1"), shift_id=shift.pk, device_id="tablet-07", fixes=shuffled)
    assert (again.duplicate, again.stored, again.batch_id) == (True, 0, first.batch_id)
    assert Fix.objects.filter(shift=shift).count() == 30 and AuditEvent.objects.count() == events
    assert FixBatch.objects.filter(shift=shift).count() == 1


def test_batches_arriving_out_of_order_are_all_stored_with_their_device_times():
    shift = _shift()
    fixes = _walk(60)
    for part in (fixes[40:], fixes[:20], fixes[20:40]):
        fixes_receive(actor=_user("officer1"), shift_id=shift.pk, device_id="tablet-07", fixes=part)
    assert list(Fix.objects.filter(shift=shift).order_by("t").values_list("t", flat=True)) == [f.t for f in fixes]
    batch = AuditEvent.objects.filter(verb="fixes_received", context_type="shifts.shift",
                                      context_id=str(shift.pk))
    assert batch.count() == 3


def test_without_the_flagging_module_fixes_are_stored_unflagged_and_say_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "shifts.domain.fixes", None)  # the import fails
    shift = _shift()
    r = fixes_receive(actor=_user("officer1"), shift_id=shift.pk, device_id="tablet-07", fixes=_walk(5))
    assert (r.stored, r.flagged, r.flags_computed) == (5, 0, False)
    assert not FixBatch.objects.get(pk=r.batch_id).flags_computed


def test_who_may_send_fixes():
    shift = _shift()
    with pytest.raises(ServiceError, match="成员"):  # officer2 is on another team
        fixes_receive(actor=_user("officer2"), shift_id=shift.pk, device_id="t", fixes=_walk(2))
    with pytest.raises(Forbidden):
        fixes_receive(actor=_user("publisher1"), shift_id=shift.pk, device_id="t", fixes=_walk(2))
    planned = _shift(DAY + dt.timedelta(days=1), start=False)
    with pytest.raises(Conflict):
        fixes_receive(actor=_user("officer1"), shift_id=planned.pk, device_id="t", fixes=_walk(2))
    shift_end(actor=_user("lead1"), shift_id=shift.pk)
    with pytest.raises(Conflict, match="不在班次时段内"):  # an ended shift takes no fixes recorded outside it
        fixes_receive(actor=_user("officer1"), shift_id=shift.pk, device_id="t",
                      fixes=_walk(2, day=DAY - dt.timedelta(days=1)))
    assert not Fix.objects.filter(shift_id__in=[shift.pk, planned.pk]).exists()


def test_a_day_partition_is_created_on_demand_and_takes_over_its_rows_from_the_default():
    later = DAY + dt.timedelta(days=9)
    assert partitions.fixes_partition_ensure(DAY + dt.timedelta(days=3)) is True
    assert partitions.fixes_partition_ensure(DAY + dt.timedelta(days=3)) is False
    shift = _shift()
    r = fixes_ingest(actor=None, shift=shift, officer=Officer.objects.get(user__username="officer1"),
                     device_id="gps-1", fixes=_walk(3, day=later), source="import")
    ids = list(Fix.objects.filter(batch_id=r.batch_id).values_list("id", flat=True))
    assert {_partition_of(i) for i in ids} == {"shifts_fix_default"}  # far from the shift's day
    assert partitions.fixes_partition_ensure(later) is True
    assert {_partition_of(i) for i in ids} == {partitions.partition_name(later)}
    assert Fix.objects.filter(batch_id=r.batch_id).count() == 3


def test_prune_drops_whole_old_partitions_and_records_it():
    today = dt.date(2027, 3, 1)
    old_day, kept_day = today - dt.timedelta(days=31), today - dt.timedelta(days=30)
    officer = Officer.objects.get(user__username="officer1")
    old_shift, kept_shift = _shift(old_day), _shift(kept_day)
    fixes_ingest(actor=None, shift=old_shift, officer=officer, device_id="g", fixes=_walk(5, day=old_day),
                 source="import")
    fixes_ingest(actor=None, shift=kept_shift, officer=officer, device_id="g", fixes=_walk(5, day=kept_day),
                 source="import")
    names = {p.name for p in partitions.fixes_partitions()}
    assert {partitions.partition_name(old_day), partitions.partition_name(kept_day)} <= names
    dry = partitions.fixes_prune(older_than_days=30, today=today, dry_run=True)
    assert partitions.partition_name(old_day) in [p.name for p in dry.dropped]
    assert Fix.objects.filter(shift=old_shift).count() == 5
    report = partitions.fixes_prune(older_than_days=30, today=today)
    assert partitions.partition_name(old_day) in [p.name for p in report.dropped]
    assert partitions.partition_name(kept_day) not in [p.name for p in report.dropped]
    assert Fix.objects.filter(shift=old_shift).count() == 0 and Fix.objects.filter(shift=kept_shift).count() == 5
    event = AuditEvent.objects.filter(verb="pruned").latest("id")
    assert partitions.partition_name(old_day) in event.after["partitions"]


def test_the_prune_command_lists_before_it_drops(capsys):
    from django.core.management import call_command

    old_day = dt.date(2001, 2, 3)
    partitions.fixes_partition_ensure(old_day)
    call_command("fixes_prune", "--older-than-days", "30", "--dry-run")
    assert f"将删除 {partitions.partition_name(old_day)}" in capsys.readouterr().out
    assert partitions.partition_name(old_day) in {p.name for p in partitions.fixes_partitions()}
    call_command("fixes_prune", "--older-than-days", "30")
    assert "已删除" in capsys.readouterr().out
    assert partitions.partition_name(old_day) not in {p.name for p in partitions.fixes_partitions()}


def test_the_coming_days_partitions_can_be_made_ahead(capsys):
    from django.core.management import call_command
    from django.utils import timezone

    call_command("fixes_partitions", "--ahead", "2")
    names = {p.name for p in partitions.fixes_partitions()}
    assert {partitions.partition_name(timezone.localdate() + dt.timedelta(days=i)) for i in range(3)} <= names
    assert partitions.partition_name(timezone.localdate()) in capsys.readouterr().out


def test_one_statement_claims_the_batch_records_its_event_and_queues_its_job_as_the_orm_would():
    """The claim, the audit event and the coverage job are written by one statement
    (shifts.services.fixes._claim): the rows are the ones audit.record and enqueue write."""
    from django_tasks_db.models import DBTaskResult

    from core import audit
    from shifts.tasks import coverage_for_batch

    shift = _shift()
    sent = _walk(30)
    at = dt.datetime(2026, 10, 15, 8, 3, tzinfo=BJ)
    with audit.replaying(at):
        r = fixes_receive(actor=_user("officer1"), shift_id=shift.pk, device_id="tablet-07", fixes=sent)
    ev = AuditEvent.objects.get(verb="fixes_received", subject_id=str(r.batch_id))
    officer = Officer.objects.get(user__username="officer1")
    assert (ev.subject_type, ev.context_type, ev.context_id) == ("shifts.fixbatch", "shifts.shift", str(shift.pk))
    assert ev.actor == _user("officer1") and ev.at == at and ev.before == {}
    assert ev.after == {"officer": officer.pk, "device_id": "tablet-07", "source": "api", "received": 30,
                        "stored": 30, "flagged": 0, "flags_computed": True, "t_min": sent[0].t.isoformat(),
                        "t_max": sent[-1].t.isoformat()}
    job = DBTaskResult.objects.get()
    assert job.args_kwargs == {"args": [r.batch_id], "kwargs": {}}
    # what the backend writes itself, field by field
    coverage_for_batch.enqueue(r.batch_id)
    ref = DBTaskResult.objects.exclude(pk=job.pk).get()
    skip = {"id", "enqueued_at"}
    fields = [f.attname for f in DBTaskResult._meta.concrete_fields if f.attname not in skip]
    assert {f: getattr(job, f) for f in fields} == {f: getattr(ref, f) for f in fields}
    assert DBTaskResult.objects.ready().filter(pk=job.pk).exists()
    # sent again (shuffled): no second claim, event or job
    again = fixes_receive(actor=_user("officer1"), shift_id=shift.pk, device_id="tablet-07", fixes=sent[::-1])
    assert again.duplicate and again.batch_id == r.batch_id
    assert DBTaskResult.objects.count() == 2 and AuditEvent.objects.filter(verb="fixes_received").count() == 1


def test_a_batch_is_one_statement_and_its_copy_whatever_its_track_segments():
    """Ingestion's round trips per batch (bench/coverage_day.py): the claim, the COPY, the commit.
    A file's track segments (where the path breaks) are worked out in Python and written by
    the same COPY; a file adds only its comparison with the fixes stored before."""
    shift = _shift()
    officer = Officer.objects.get(user__username="officer1")
    fixes_ingest(actor=None, shift=shift, officer=officer, device_id="g", fixes=_walk(5), source="api")  # the day's partition
    statements = []

    def count(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):  # the test's transaction
            statements.append(sql)
        return execute(sql, params, many, context)

    copies = []
    real_copy = fixes_service.copy_into_fixes
    with pytest.MonkeyPatch.context() as mp, connection.execute_wrapper(count):
        mp.setattr(fixes_service, "copy_into_fixes", lambda buf: (copies.append(1), real_copy(buf)))
        fixes_ingest(actor=None, shift=shift, officer=officer, device_id="g", fixes=_walk(60, t0="09:00"),
                     source="api")
        assert (len(statements), len(copies)) == (1, 1), statements
        walk = [dataclasses.replace(f, trkseg=i // 20) for i, f in enumerate(_walk(60, t0="10:00"))]
        r = fixes_ingest(actor=None, shift=shift, officer=officer, device_id="g", fixes=walk, source="import")
    assert (len(statements), len(copies)) == (3, 2), statements
    assert Fix.objects.filter(batch_id=r.batch_id, starts_piece=True).count() == 2


def test_a_batch_without_coverage_queues_no_job():
    from django_tasks_db.models import DBTaskResult

    shift = _shift()
    r = fixes_ingest(actor=None, shift=shift, officer=Officer.objects.get(user__username="officer1"),
                     device_id="gps-1", fixes=_walk(5), source="import", queue_coverage=False)
    assert not DBTaskResult.objects.exists() and Fix.objects.filter(batch_id=r.batch_id).count() == 5
    assert AuditEvent.objects.filter(verb="fixes_received", subject_id=str(r.batch_id)).get().actor is None


def test_a_dropped_day_partition_is_made_again_by_the_next_batch():
    shift = _shift()
    officer = Officer.objects.get(user__username="officer1")
    fixes = _walk(20)
    first = fixes_ingest(actor=None, shift=shift, officer=officer, device_id="g", fixes=fixes[:10], source="api")
    assert _partition_of(Fix.objects.filter(batch_id=first.batch_id).first().id) == "shifts_fix_p20261015"
    with connection.cursor() as cur:
        cur.execute("DROP TABLE shifts_fix_p20261015")
    r = fixes_ingest(actor=None, shift=shift, officer=officer, device_id="g", fixes=fixes[10:], source="api")
    assert {_partition_of(i) for i in Fix.objects.filter(batch_id=r.batch_id).values_list("id", flat=True)} == {
        "shifts_fix_p20261015"}


def test_a_batch_whose_write_fails_leaves_no_claim_event_or_job(monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from shifts.services import fixes as fixes_service

    shift = _shift()

    def broken(buf):
        raise RuntimeError("COPY failed")

    monkeypatch.setattr(fixes_service, "copy_into_fixes", broken)
    with pytest.raises(RuntimeError):
        fixes_receive(actor=_user("officer1"), shift_id=shift.pk, device_id="tablet-07", fixes=_walk(5))
    assert not FixBatch.objects.exists() and not DBTaskResult.objects.exists()
    assert not AuditEvent.objects.filter(verb="fixes_received").exists()
    monkeypatch.undo()
    r = fixes_receive(actor=_user("officer1"), shift_id=shift.pk, device_id="tablet-07", fixes=_walk(5))
    assert not r.duplicate and r.stored == 5  # sent again, it is stored


@pytest.mark.django_db(transaction=True)
def test_two_batches_of_a_new_day_at_once_create_its_partition_once():
    """The second waits on the first's advisory lock and then finds the partition (it used to
    find it missing still, through the catalog cache, and fail on CREATE)."""
    import threading
    import time

    from django.db import connections, transaction

    day = dt.date(2003, 3, 3)
    created, errors = [], []
    first_done = threading.Event()

    def second():
        try:
            with transaction.atomic():
                first_done.wait(10)
                created.append(partitions.fixes_partition_ensure(day))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    try:
        with transaction.atomic():
            assert partitions.fixes_partition_ensure(day) is True  # holds the day's lock until commit
            other = threading.Thread(target=second)
            other.start()
            first_done.set()
            time.sleep(0.5)  # the other checks, finds nothing committed, and waits for the lock
        other.join(20)
        assert not errors and created == [False]
    finally:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {partitions.partition_name(day)}")


def _api(username):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(_user(username))
    return client


def _post(client, shift, fixes, device="tablet-07"):
    import uuid

    body = {"device_id": device, "fixes": [{"t": f.t.isoformat(), "lat": f.lat, "lon": f.lon,
                                            "accuracy_m": f.accuracy_m} for f in fixes]}
    return client.post(f"/api/v1/shifts/{shift.pk}/fixes", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


def test_fixes_recorded_during_a_shift_are_taken_after_it_ended():
    """The tablet buffers 30 s and may be offline when the lead ends the shift: its last
    batch, recorded during the shift, was refused with 409 (班次已结束) and lost."""
    shift = _shift()
    walk = _walk(40)
    officer = _api("officer1")
    assert _post(officer, shift, walk[:20]).status_code == 201
    shift_end(actor=_user("lead1"), shift_id=shift.pk, queue_coverage=False)
    r = _post(officer, shift, walk[20:])
    assert r.status_code == 201 and r.json()["stored"] == 20
    assert Fix.objects.filter(shift=shift, flags__isnull=True).count() == 40
    r = _post(officer, shift, _walk(5, day=DAY - dt.timedelta(days=1)))  # recorded the day before
    assert r.status_code == 409 and "不在班次时段内" in r.json()["detail"]


def test_fixes_of_another_day_are_flagged_and_a_batch_of_nothing_else_refused():
    shift = _shift()
    officer = Officer.objects.get(user__username="officer1")
    mixed = _walk(10, day=DAY - dt.timedelta(days=1)) + _walk(10)
    r = fixes_ingest(actor=None, shift=shift, officer=officer, device_id="gps", fixes=mixed, source="import")
    assert (r.stored, r.flagged, r.flag_counts) == (20, 10, {"off_shift": 10})
    assert Fix.objects.filter(shift=shift, flags=["off_shift"]).count() == 10
    with pytest.raises(Conflict, match="不在班次时段内"):
        fixes_ingest(actor=None, shift=shift, officer=officer, device_id="gps", source="import",
                     fixes=_walk(10, day=DAY - dt.timedelta(days=1), t0="09:00"))


def test_fixes_outside_the_district_are_flagged_and_a_batch_of_nothing_else_refused():
    """100 km south of the district (inside the storage CRS's area of use) was stored as
    good fixes: 201, flagged 0."""
    shift = _shift()
    far = [dataclasses.replace(f, lat=f.lat - 0.9) for f in _walk(20)]
    r = _post(_api("officer1"), shift, far)
    assert r.status_code == 422 and r.json()["field"] == "fixes.0.lat" and "区范围" in r.json()["detail"]
    assert not Fix.objects.filter(shift=shift).exists()
    walk = _walk(20)
    walk[5:8] = [dataclasses.replace(f, lat=f.lat - 0.9) for f in walk[5:8]]
    r = _post(_api("officer1"), shift, walk)
    assert r.status_code == 201 and r.json()["flagged"] == 3
    assert Fix.objects.filter(shift=shift, flags=["outside_area"]).count() == 3


def test_a_tablet_batch_sent_again_is_stored_once_and_only_files_are_compared_fix_by_fix():
    """A tablet's outbox sends each batch until it is stored, so a batch sent again is the
    same batch (its key): stored once. Only imported files are compared with the fixes stored
    before (test_import_track: the same track under another name or format), which costs a
    round trip per batch; an API batch that overlaps another is stored as sent."""
    shift = _shift()
    walk = _walk(40)
    officer = _api("officer1")
    assert _post(officer, shift, walk[:20]).json()["stored"] == 20
    again = _post(officer, shift, list(reversed(walk[:20])))  # (shuffled: still the same batch)
    assert again.status_code in (200, 201) and again.json()["stored"] == 0
    r = _post(officer, shift, walk)
    assert r.status_code == 201 and (r.json()["received"], r.json()["stored"]) == (40, 40)
