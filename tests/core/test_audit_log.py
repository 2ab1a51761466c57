"""The audit log is append-only in the database itself, and is written inside the
transaction of the write it records."""
import re

import pytest
from django.db import DatabaseError, connection, models, transaction
from django.test import Client

from core import audit
from core.domain.verbs import Verb
from core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    with transaction.atomic():
        return audit.record(actor=None, verb=Verb.IMPORTED, subject=("test.thing", 1), after={"n": 1})


def _unchanged(event):
    row = AuditEvent.objects.filter(pk=event.pk).values("verb", "reason", "after").get()
    assert row == {"verb": "imported", "reason": "", "after": {"n": 1}}


def test_the_orm_refuses_to_change_or_delete_a_row(event):
    event.reason = "改写"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="改写")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    _unchanged(event)


def test_the_database_refuses_even_when_the_orm_guard_is_bypassed(event):
    # A plain QuerySet, as any code that does not know of the guard would build it.
    plain = models.QuerySet(model=AuditEvent).filter(pk=event.pk)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        plain.update(reason="改写")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        models.QuerySet.delete(plain)
    _unchanged(event)


@pytest.mark.parametrize("sql", [
    "UPDATE core_auditevent SET reason = 'x' WHERE id = %s",
    "UPDATE core_auditevent SET at = at - interval '1 day' WHERE id = %s",
    "DELETE FROM core_auditevent WHERE id = %s",
])
def test_raw_sql_cannot_change_or_delete_a_row(event, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [event.pk])
    _unchanged(event)


def test_truncate_is_refused_outside_a_test_database(event):
    with connection.cursor() as cur:
        cur.execute("SELECT current_database()")
        assert cur.fetchone()[0].startswith("test_")  # here the trigger lets test runs empty the table
        cur.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'core_auditevent'::regclass AND NOT tgisinternal")
        assert {r[0] for r in cur.fetchall()} == {"core_auditevent_no_update_delete", "core_auditevent_no_truncate"}


def test_an_unknown_verb_is_refused_by_the_database():
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("INSERT INTO core_auditevent (at, verb, subject_type, subject_id, context_type, context_id, "
                    "before, after, reason, request_id) VALUES (now(), 'renamed', 't', '1', '', '', '{}', '{}', "
                    "'', '')")


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_a_bug():
    with pytest.raises(RuntimeError, match="transaction"):
        audit.record(actor=None, verb=Verb.IMPORTED, subject=("test.thing", 2))


def test_the_servers_request_id_reaches_the_events_of_the_request(db):
    """The id in the log is made by the server, never the client's (which could reuse another
    request's id); a client's own sane id comes back beside it, to match logs."""
    from django.contrib.auth import get_user_model
    client = Client()
    client.force_login(get_user_model().objects.get(username="officer1"))
    r = client.post("/api/v1/problems/", {"category": "积存垃圾渣土", "lat": 39.99912, "lon": 116.34636},
                    content_type="application/json", HTTP_X_REQUEST_ID="tablet-7-000123")
    assert r.status_code == 201 and r["X-Client-Request-ID"] == "tablet-7-000123"
    assert re.fullmatch(r"[0-9a-f]{32}", r["X-Request-ID"])
    event = AuditEvent.objects.for_subject("patrol.problem", r.json()["id"]).get()
    assert event.request_id == r["X-Request-ID"] and event.actor.username == "officer1"
    again = client.post("/api/v1/problems/", {"category": "积存垃圾渣土", "lat": 39.99912, "lon": 116.34636},
                        content_type="application/json", HTTP_X_REQUEST_ID=r["X-Request-ID"])  # a reused id
    assert again.status_code == 201 and again["X-Request-ID"] != r["X-Request-ID"]
    assert AuditEvent.objects.filter(request_id=r["X-Request-ID"]).count() == 1
    bad = client.get("/api/v1/categories/", HTTP_X_REQUEST_ID="bad id with spaces")
    assert bad["X-Request-ID"] != "bad id with spaces" and "X-Client-Request-ID" not in bad


def test_every_api_error_is_problem_json_naming_the_field(db):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="officer1"))
    r = client.post("/api/v1/problems/", {"category": "不存在的类别", "lat": 39.99912, "lon": 116.34636},
                    format="json", HTTP_X_REQUEST_ID="req-1")
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    body = r.json()
    assert (body["status"], body["code"], body["field"], body["request_id"]) == (422, "unprocessable", "category",
                                                                                 r["X-Request-ID"])
    assert body["errors"]["category"] == [body["detail"]]
    for response, status in ((APIClient().get("/api/v1/problems/"), 401),
                             (client.get("/api/v1/problems/999999/"), 404),
                             (client.put("/api/v1/problems/", {}, format="json"), 405)):
        assert response.status_code == status and response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == status and response.json()["field"] is None


def test_the_database_takes_every_verb_of_the_list():
    # A verb added to core/domain/verbs.py without its migration fails here, not in production.
    from core.domain.verbs import VERBS
    with transaction.atomic():
        for i, verb in enumerate(sorted(VERBS)):
            audit.record(actor=None, verb=verb, subject=("test.verb", i))


@pytest.mark.django_db
def test_a_loader_replaying_history_records_when_it_happened_and_nothing_else_does():
    import datetime as dt

    from django.utils import timezone

    tuesday = timezone.make_aware(dt.datetime(2026, 11, 24, 9, 30))
    with transaction.atomic():
        with audit.replaying(tuesday):
            old = audit.record(actor=None, verb=Verb.CREATED, subject=("test.thing", 1))
        new = audit.record(actor=None, verb=Verb.UPDATED, subject=("test.thing", 1))
    assert old.at == tuesday
    assert abs(new.at - timezone.now()) < dt.timedelta(minutes=1)
    with pytest.raises(ValueError, match="aware"):
        with audit.replaying(dt.datetime(2026, 11, 24, 9, 30)):
            pass
