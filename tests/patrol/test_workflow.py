"""Every transition of the problem workflow, allowed and refused (pure rules, no database)."""
import itertools
from datetime import datetime, timedelta

import pytest

from patrol.domain.workflow import (
    ROLES,
    STATUS_LABELS,
    TRANSITIONS,
    Status,
    allowed_targets,
    check_transition,
    is_overdue,
)

ALL_STATES = list(STATUS_LABELS)
DEFINED = {(t.source, t.target) for t in TRANSITIONS}


@pytest.mark.parametrize("t", TRANSITIONS, ids=lambda t: f"{t.source}->{t.target}")
def test_each_transition_is_allowed_for_its_roles(t):
    for role in t.roles:
        assert check_transition(t.source, t.target, role=role, same_jurisdiction=True, assigned_to_own_team=True,
                                reason="原因") is None


@pytest.mark.parametrize("t", TRANSITIONS, ids=lambda t: f"{t.source}->{t.target}")
def test_each_transition_is_refused_for_every_other_role(t):
    for role in set(ROLES) - t.roles:
        why = check_transition(t.source, t.target, role=role, same_jurisdiction=True, reason="原因")
        assert why and "只能由" in why


@pytest.mark.parametrize("t", TRANSITIONS, ids=lambda t: f"{t.source}->{t.target}")
def test_each_transition_is_refused_outside_the_jurisdiction(t):
    role = next(iter(t.roles))
    assert check_transition(t.source, t.target, role=role, same_jurisdiction=False, reason="原因") == "该问题不在您的辖区内"


@pytest.mark.parametrize(("source", "target"), [p for p in itertools.product(ALL_STATES, ALL_STATES)
                                                if p not in DEFINED])
def test_undefined_transitions_are_refused_for_everyone(source, target):
    for role in ROLES:
        why = check_transition(source, target, role=role, same_jurisdiction=True, reason="原因")
        assert why and why.startswith("不能从")


@pytest.mark.parametrize("t", [t for t in TRANSITIONS if t.needs_reason], ids=lambda t: f"{t.source}->{t.target}")
def test_transitions_that_need_a_reason_refuse_without_one(t):
    role = next(iter(t.roles))
    why = check_transition(t.source, t.target, role=role, same_jurisdiction=True, reason="  ")
    assert "需要填写原因" in why
    assert (why.kind, why.field) == ("invalid", "reason")  # missing input, not a conflict with the state


@pytest.mark.parametrize("t", [t for t in TRANSITIONS if t.own_team_only_for], ids=lambda t: f"{t.source}->{t.target}")
def test_officers_act_only_on_their_own_teams_problems(t):
    why = check_transition(t.source, t.target, role="officer", same_jurisdiction=True, assigned_to_own_team=False)
    assert why and "承办班组" in why


def test_publishers_change_nothing():
    assert all(allowed_targets(s, "publisher", same_jurisdiction=True, assigned_to_own_team=True) == [] for s in ALL_STATES)


def test_closed_reaches_only_reopened():
    assert allowed_targets(Status.CLOSED, "supervisor", same_jurisdiction=True, assigned_to_own_team=True) == [
        Status.REOPENED]


def test_unknown_target_state_is_named():
    assert check_transition("reported", "archived", role="supervisor", same_jurisdiction=True) == "未知状态 'archived'"


def test_overdue_only_while_open_and_past_deadline():
    now = datetime(2026, 11, 26, 12)
    assert is_overdue(Status.IN_PROGRESS, now - timedelta(hours=1), now)
    assert not is_overdue(Status.IN_PROGRESS, now + timedelta(hours=1), now)
    assert not is_overdue(Status.CLOSED, now - timedelta(hours=1), now)
    assert not is_overdue(Status.REPORTED, None, now)


@pytest.mark.parametrize(("same_jurisdiction", "own_team"), list(itertools.product([True, False], repeat=2)))
def test_the_steps_offered_are_exactly_those_check_transition_allows(same_jurisdiction, own_team):
    # A step offered then refused (an officer of another team offered 开始处置) is worse than none.
    for source, role in itertools.product(ALL_STATES, ROLES):
        offered = allowed_targets(source, role, same_jurisdiction=same_jurisdiction, assigned_to_own_team=own_team)
        allowed = [target for target in ALL_STATES
                   if check_transition(source, target, role=role, same_jurisdiction=same_jurisdiction,
                                       assigned_to_own_team=own_team, reason="原因") is None]
        assert sorted(offered) == sorted(allowed), (source, role)
