"""Two wrong passwords at the same moment, both the one that reaches the limit: the lockout is
written once (org.services.login_failure_record), on two real database connections.

The first failure is recorded in a transaction this test holds open while the second is
recorded on another connection: before the fix the second counted the limit's worth (it cannot
see the first's row yet) and the first had counted its own, so both wrote `login_locked`."""
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import override_settings

from core.domain.verbs import Verb
from core.models import AuditEvent
from org.models import LoginFailure
from org.services import login_failure_record

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 3


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
        return cur.fetchone()[0]


def _race(attempt: dict) -> None:
    """Record `attempt` twice at once: one in this thread's open transaction, one on another
    connection, which either finishes or waits for this one before this one commits."""
    other: dict = {}

    def second():
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                other["pid"] = cur.fetchone()[0]
            with transaction.atomic():
                login_failure_record(**attempt)
            other["done"] = True
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            other["error"] = exc
        finally:
            connection.close()  # each thread has its own connection

    with transaction.atomic():
        login_failure_record(**attempt)
        thread = threading.Thread(target=second)
        thread.start()
        deadline = time.monotonic() + 10
        while thread.is_alive() and time.monotonic() < deadline:
            if "pid" in other and _waiting_on_a_lock(other["pid"]):
                break
            time.sleep(0.02)
    thread.join(10)
    assert other.get("done") and "error" not in other, other


@pytest.mark.parametrize("locked, attempt, limits", [
    ("username", {"username": "officer1", "ip": None}, {"LOGIN_FAILURES_PER_USERNAME": LIMIT}),
    ("ip", {"username": "nobody-here", "ip": "10.3.3.3"}, {"LOGIN_FAILURES_PER_IP": LIMIT}),
    ("device", {"username": "officer1", "ip": "10.3.3.4", "device": "nonce-of-the-tablet-1234"},
     {"LOGIN_FAILURES_PER_USERNAME": LIMIT}),
])
def test_two_failures_that_reach_the_limit_at_once_write_the_lockout_once(locked, attempt, limits):
    with override_settings(**{"LOGIN_FAILURES_PER_USERNAME": 100, "LOGIN_FAILURES_PER_IP": 100, **limits}):
        for _ in range(LIMIT - 1):
            with transaction.atomic():
                login_failure_record(**attempt)
        assert not AuditEvent.objects.filter(verb=Verb.LOGIN_LOCKED).exists()
        _race(attempt)
        assert LoginFailure.objects.count() == LIMIT + 1  # both were counted
        locks = list(AuditEvent.objects.filter(verb=Verb.LOGIN_LOCKED))
        assert [e.after["locked"] for e in locks] == [locked]
        assert locks[0].after["failures"] == LIMIT
        assert len(AuditEvent.objects.filter(verb=Verb.LOGIN_FAILED)) == LIMIT + 1
