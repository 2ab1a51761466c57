"""Wrong passwords at the same moment, on real database connections. Two that both reach the
limit: the lockout is written once (org.services.login_failure_record). The limit's last and
one more: the second is refused unchecked (org.services.login_attempt).

The first failure is recorded in a transaction this test holds open while the second is
recorded on another connection: before the fix the second counted the limit's worth (it cannot
see the first's row yet) and the first had counted its own, so both wrote `login_locked`."""
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import RequestFactory, override_settings

from core.domain.verbs import Verb
from core.models import AuditEvent
from org.login import ThrottledAuthenticationForm
from org.models import LoginFailure
from org.services import login_failure_record

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 3
User = get_user_model()


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
        return cur.fetchone()[0]


def _at_once(first, second) -> dict:
    """Run `first()` in this thread's open transaction and, before it commits, `second()` on
    another connection, which either finishes or waits for a lock the first holds. Returns what
    became of the second: {"pid", "result"} or {"pid", "error"}; the first's result is "first"."""
    other: dict = {}

    def run():
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                other["pid"] = cur.fetchone()[0]
            other["result"] = second()
        except Exception as exc:  # noqa: BLE001 - reported by the callers' assertions
            other["error"] = exc
        finally:
            connection.close()  # each thread has its own connection

    with transaction.atomic():
        other["first"] = first()
        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 10
        while thread.is_alive() and time.monotonic() < deadline:
            if "pid" in other and _waiting_on_a_lock(other["pid"]):
                break
            time.sleep(0.02)
        other["waited"] = thread.is_alive()
    thread.join(10)
    return other


def _race(attempt: dict) -> None:
    """Record `attempt` twice at once: one in this thread's open transaction, one on another
    connection, which either finishes or waits for this one before this one commits."""
    def record():
        with transaction.atomic():
            login_failure_record(**attempt)
        return True

    other = _at_once(record, record)
    assert other.get("result") and "error" not in other, other


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


def _sign_in(username: str, password: str, ip: str) -> ThrottledAuthenticationForm:
    request = RequestFactory().post("/login/", REMOTE_ADDR=ip)
    form = ThrottledAuthenticationForm(request, data={"username": username, "password": password})
    form.is_valid()
    return form


@override_settings(LOGIN_FAILURES_PER_USERNAME=LIMIT, LOGIN_FAILURES_PER_IP=100)
def test_wrong_passwords_sent_together_stop_at_the_limit():
    """The last guess the limit allows and one more, at once: the second waits for the first to
    be counted, then is refused unchecked. Before, the check and the count were two steps, and
    both guesses had the password checked and were counted (LIMIT + 1 guesses)."""
    User.objects.create_user("officer9", password="right-password-9")
    for n in range(LIMIT - 1):
        assert _sign_in("officer9", f"guess-{n}", "10.5.5.5").errors
    other = _at_once(lambda: _sign_in("officer9", "guess-last", "10.5.5.5"),
                     lambda: _sign_in("officer9", "guess-late", "10.5.5.6"))
    assert other["waited"], "the second attempt did not wait for the first"
    assert "error" not in other, other
    assert [e.code for e in other["first"].errors.as_data()["__all__"]] == ["invalid_login"]
    assert [e.code for e in other["result"].errors.as_data()["__all__"]] == ["locked"]
    assert LoginFailure.objects.count() == LIMIT
    assert AuditEvent.objects.filter(verb=Verb.LOGIN_FAILED).count() == LIMIT


@override_settings(LOGIN_FAILURES_PER_USERNAME=LIMIT, LOGIN_FAILURES_PER_IP=100)
def test_attempts_for_different_names_do_not_wait_for_each_other():
    """An office's officers sign in behind one address: one's slow check holds no one else up."""
    User.objects.create_user("officer8", password="right-password-8")
    User.objects.create_user("officer7", password="right-password-7")
    other = _at_once(lambda: _sign_in("officer8", "guess", "10.5.5.5"),
                     lambda: _sign_in("officer7", "right-password-7", "10.5.5.5"))
    assert not other["waited"] and "error" not in other, other
    assert other["first"].errors and other["result"].is_valid()
