"""The life of a problem (问题) as plain rules: states, transitions, who may make them.

    reported → dispatched → in_progress → rectified → verified → closed
    reported → rejected | duplicate;  rectified → in_progress (rectification not accepted)
    closed | rejected | duplicate → reopened → dispatched

Every transition names the roles allowed to make it and whether a reason is required;
`check_transition` answers with an error message a person can act on, or None. The
services apply it inside a transaction that also writes the audit row.

>>> check_transition("reported", "dispatched", role="team_lead", same_jurisdiction=True) is None
True
>>> check_transition("reported", "closed", role="supervisor", same_jurisdiction=True)
'不能从“已上报”直接变为“已办结”'
>>> check_transition("dispatched", "in_progress", role="officer", same_jurisdiction=True, assigned_to_own_team=False)
'只有承办班组的队员可以执行“开始处置”'
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from org.domain.roles import FIELD, LEADS, ROLE_LABELS, ROLES, SUPERVISORS, Role


class Status:
    REPORTED = "reported"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    RECTIFIED = "rectified"
    VERIFIED = "verified"
    CLOSED = "closed"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    REOPENED = "reopened"


STATUS_LABELS = {
    Status.REPORTED: "已上报",
    Status.DISPATCHED: "已派遣",
    Status.IN_PROGRESS: "处置中",
    Status.RECTIFIED: "已整改",
    Status.VERIFIED: "已核查",
    Status.CLOSED: "已办结",
    Status.REJECTED: "不予立案",
    Status.DUPLICATE: "重复上报",
    Status.REOPENED: "已重启",
}

STATUS_CHOICES = list(STATUS_LABELS.items())

# States in which the problem is still on the street (counts as open, can be overdue).
OPEN_STATES = frozenset({Status.REPORTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.REOPENED})
FINAL_STATES = frozenset({Status.CLOSED, Status.REJECTED, Status.DUPLICATE})


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: str
    roles: frozenset[str]
    needs_reason: bool = False
    own_team_only_for: frozenset[str] = frozenset()  # roles that must belong to the assigned team


def _t(source, target, label, roles, needs_reason=False, own_team=()):
    return Transition(source, target, label, frozenset(roles), needs_reason, frozenset(own_team))


TRANSITIONS: tuple[Transition, ...] = (
    _t(Status.REPORTED, Status.DISPATCHED, "派遣", LEADS),
    _t(Status.REPORTED, Status.REJECTED, "不予立案", SUPERVISORS, needs_reason=True),
    _t(Status.REPORTED, Status.DUPLICATE, "标记重复", LEADS, needs_reason=True),
    _t(Status.REPORTED, Status.IN_PROGRESS, "现场处置", FIELD, own_team=(Role.OFFICER,)),
    _t(Status.DISPATCHED, Status.IN_PROGRESS, "开始处置", FIELD, own_team=(Role.OFFICER,)),
    _t(Status.DISPATCHED, Status.REPORTED, "退回", (Role.TEAM_LEAD,) + SUPERVISORS, needs_reason=True),
    _t(Status.IN_PROGRESS, Status.RECTIFIED, "整改完毕", FIELD, own_team=(Role.OFFICER,)),
    _t(Status.RECTIFIED, Status.VERIFIED, "核查通过", SUPERVISORS),
    _t(Status.RECTIFIED, Status.IN_PROGRESS, "核查不通过", SUPERVISORS, needs_reason=True),
    _t(Status.VERIFIED, Status.CLOSED, "办结", SUPERVISORS),
    _t(Status.CLOSED, Status.REOPENED, "重启", SUPERVISORS, needs_reason=True),
    _t(Status.REJECTED, Status.REOPENED, "重启", SUPERVISORS, needs_reason=True),
    _t(Status.DUPLICATE, Status.REOPENED, "重启", SUPERVISORS, needs_reason=True),
    _t(Status.REOPENED, Status.DISPATCHED, "重新派遣", LEADS),
)
_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


def transition_for(source: str, target: str) -> Transition | None:
    return _BY_PAIR.get((source, target))


def allowed_targets(source: str, role: str, *, same_jurisdiction: bool, assigned_to_own_team: bool) -> list[str]:
    """The steps `check_transition` lets this person take from `source`, the reason aside (a
    step that needs one is listed; the reason is asked for when it is taken).

    >>> allowed_targets("dispatched", "officer", same_jurisdiction=True, assigned_to_own_team=False)
    []
    >>> allowed_targets("dispatched", "officer", same_jurisdiction=True, assigned_to_own_team=True)
    ['in_progress']
    """
    return [t.target for t in TRANSITIONS if t.source == source
            and check_transition(source, t.target, role=role, same_jurisdiction=same_jurisdiction,
                                 assigned_to_own_team=assigned_to_own_team, reason="-") is None]


class Refusal(str):
    """Why a transition is refused: the message (it is a str), plus what kind of refusal it
    is ("forbidden": not this person; "conflict": not from this state; "invalid": input
    missing) and the field at fault, so callers need not read the words."""

    kind: str
    field: str

    def __new__(cls, message: str, kind: str, field: str):
        obj = super().__new__(cls, message)
        obj.kind, obj.field = kind, field
        return obj


def check_transition(source: str, target: str, *, role: str, same_jurisdiction: bool,
                     assigned_to_own_team: bool = True, reason: str = "") -> Refusal | None:
    """None when `role` may move a problem from `source` to `target`, else why not."""
    if target not in STATUS_LABELS:
        return Refusal(f"未知状态 {target!r}", "invalid", "to")
    t = transition_for(source, target)
    if t is None:
        return Refusal(f"不能从“{STATUS_LABELS.get(source, source)}”直接变为“{STATUS_LABELS[target]}”",
                       "conflict", "status")
    if role not in t.roles:
        who = "、".join(ROLE_LABELS[r] for r in ROLES if r in t.roles)
        return Refusal(f"“{t.label}”只能由{who}执行", "forbidden", "status")
    if not same_jurisdiction:
        return Refusal("该问题不在您的辖区内", "forbidden", "status")
    if role in t.own_team_only_for and not assigned_to_own_team:
        return Refusal(f"只有承办班组的队员可以执行“{t.label}”", "forbidden", "status")
    if t.needs_reason and not reason.strip():
        return Refusal(f"“{t.label}”需要填写原因", "invalid", "reason")  # input missing, as a team for 派遣
    return None


def is_overdue(status: str, deadline: datetime | None, now: datetime) -> bool:
    """A problem still on the street past its deadline."""
    return deadline is not None and status in OPEN_STATES and now > deadline
