"""Two people change one problem at the same moment, on two real database connections."""
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from core.errors import ServiceError
from core.models import AuditEvent
from geodata.services.demo import demo_load
from patrol.domain import workflow
from patrol.models import Problem
from patrol.services import problems as problem_services
from patrol.services.demo import demo_people_load

from .conftest import LAT, LON

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_transitions_end_with_one_winner_and_no_lost_update(monkeypatch):
    demo_load()  # transactional tests start from an emptied database
    demo_people_load()
    User = get_user_model()
    officer, lead, supervisor = (User.objects.get(username=u) for u in ("officer1", "lead1", "supervisor1"))
    problem, _ = problem_services.problem_create(actor=officer, category_code="积存垃圾渣土", lon=LON, lat=LAT)

    # Hold the first checker inside its transaction long enough for the second to arrive.
    real_check = workflow.check_transition
    first = threading.Event()

    def slow_check(*args, **kwargs):
        if not first.is_set():
            first.set()
            time.sleep(0.5)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(problem_services, "check_transition", slow_check)
    results: dict[str, object] = {}

    def act(name, actor, target, reason):
        try:
            problem_services.problem_transition(actor=actor, problem_id=problem.pk, target=target, reason=reason)
            results[name] = "ok"
        except ServiceError as exc:
            results[name] = exc
        finally:
            connection.close()  # each thread has its own connection

    a = threading.Thread(target=act, args=("dispatch", lead, "dispatched", ""))
    b = threading.Thread(target=act, args=("reject", supervisor, "rejected", "不属于城管职责"))
    a.start()
    assert first.wait(5)
    b.start()
    a.join(10)
    b.join(10)

    winners = [k for k, v in results.items() if v == "ok"]
    assert len(winners) == 1, results
    loser = next(v for k, v in results.items() if k not in winners)
    assert isinstance(loser, ServiceError) and "不能从" in loser.message
    final = Problem.objects.get(pk=problem.pk)
    assert final.status == {"dispatch": "dispatched", "reject": "rejected"}[winners[0]]
    transitions = AuditEvent.objects.for_subject("patrol.problem", problem.pk).filter(verb="transitioned")
    assert transitions.count() == 1 and transitions.get().after["status"] == final.status
