"""Who may do what: the permission matrix (role × action), as plain rules.

Status changes of problems are ruled by patrol.domain.workflow; this module covers the
rest. Every check also needs the subject inside the user's jurisdiction (an area of the
tree); `denial` takes that as a flag so that the rule stays free of the database.

>>> can("officer", "create_problem"), can("publisher", "create_problem")
(True, False)
>>> can("supervisor", "delete_outcome")
False
"""
from __future__ import annotations

from .roles import LEADS, ROLE_LABELS, ROLES, SUPERVISORS, Role

_ACTING = frozenset(ROLES) - {Role.PUBLISHER}  # everyone who works on the street's problems

ACTIONS: dict[str, frozenset[str]] = {
    "view_problem": frozenset(ROLES),
    "create_problem": _ACTING,
    "edit_problem": frozenset(LEADS),  # officers: their own, while reported
    "add_photo": _ACTING,
    "record_outcome": _ACTING,
    "correct_outcome": frozenset(LEADS),
    "delete_outcome": frozenset(),  # nobody: outcomes are corrected by a new record
    "escalate": frozenset(LEADS),
    "respond_escalation": frozenset({Role.DISTRICT_ADMIN}),
    "schedule_reinspection": frozenset(LEADS),
    "complete_reinspection": _ACTING,
    "manage_inspection": frozenset(LEADS),
    # Setting people to work: agencies, teams, officers, categories, API keys.
    "manage_people": frozenset({Role.DISTRICT_ADMIN}),
    "view_audit": frozenset({Role.SUPERVISOR, Role.DISTRICT_ADMIN}),
    "manage_credentials": frozenset({Role.DISTRICT_ADMIN}),  # Open311 keys, API tokens
    # Shifts (班次): leads plan, start and end them (a team lead only their own team's);
    # whoever works on the street sends the GPS fixes of a shift they are a member of.
    "view_shift": frozenset(ROLES),
    "manage_shift": frozenset(LEADS),
    "send_fixes": _ACTING,
    # 未诉先办 lists: publishers draft and publish them; supervisors and district admins too.
    "publish_list": frozenset({Role.PUBLISHER, *SUPERVISORS}),
    # 12345 hotline exports: the district's and street offices' supervisors import them.
    "import_complaints": frozenset(SUPERVISORS),
}

ACTION_LABELS = {
    "view_problem": "查看问题", "create_problem": "上报问题", "edit_problem": "修改问题", "add_photo": "上传照片",
    "record_outcome": "记录处置结果", "correct_outcome": "更正处置结果", "delete_outcome": "删除处置结果",
    "escalate": "吹哨", "respond_escalation": "答复吹哨", "schedule_reinspection": "安排复查",
    "complete_reinspection": "完成复查", "manage_inspection": "管理联合检查",
    "manage_people": "管理人员与组织", "view_audit": "查看操作日志", "manage_credentials": "管理接口密钥",
    "view_shift": "查看班次", "manage_shift": "安排班次", "send_fixes": "上传定位轨迹",
    "publish_list": "发布未诉先办清单", "import_complaints": "导入12345诉求",
}


def can(role: str, action: str) -> bool:
    return role in ACTIONS.get(action, frozenset())


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def denial(role: str, action: str, *, in_jurisdiction: bool = True, is_own_report: bool = False,
           status: str | None = None) -> str | None:
    """None when allowed, else the reason in words a user understands."""
    if action == "edit_problem" and role == "officer" and is_own_report and status == "reported":
        return None if in_jurisdiction else "该问题不在您的辖区内"
    if not can(role, action):
        if action == "delete_outcome":
            return "处置结果不能删除，请新增一条更正记录"
        return f"您的角色无权{ACTION_LABELS.get(action, action)}"
    if not in_jurisdiction:
        return "该问题不在您的辖区内"
    return None
