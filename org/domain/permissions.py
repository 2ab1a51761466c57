"""Who may do what with problems and outcomes: the permission matrix, as plain rules.

Status changes are ruled by patrol.domain.workflow; this module covers the rest. Every
check also needs the problem inside the user's jurisdiction (an area of the tree).

>>> can("officer", "create_problem"), can("publisher", "create_problem")
(True, False)
>>> can("supervisor", "delete_outcome")
False
"""
from __future__ import annotations

ACTIONS = {
    "view_problem": {"officer", "team_lead", "supervisor", "district_admin", "publisher"},
    "create_problem": {"officer", "team_lead", "supervisor", "district_admin"},
    "edit_problem": {"team_lead", "supervisor", "district_admin"},  # officers: their own, while reported
    "add_photo": {"officer", "team_lead", "supervisor", "district_admin"},
    "record_outcome": {"officer", "team_lead", "supervisor", "district_admin"},
    "correct_outcome": {"team_lead", "supervisor", "district_admin"},
    "delete_outcome": set(),  # nobody: outcomes are corrected by a new record
    "escalate": {"team_lead", "supervisor", "district_admin"},
    "respond_escalation": {"district_admin"},
    "schedule_reinspection": {"team_lead", "supervisor", "district_admin"},
    "complete_reinspection": {"officer", "team_lead", "supervisor", "district_admin"},
    "manage_inspection": {"team_lead", "supervisor", "district_admin"},
}

ACTION_LABELS = {
    "view_problem": "查看问题", "create_problem": "上报问题", "edit_problem": "修改问题", "add_photo": "上传照片",
    "record_outcome": "记录处置结果", "correct_outcome": "更正处置结果", "delete_outcome": "删除处置结果",
    "escalate": "吹哨", "respond_escalation": "答复吹哨", "schedule_reinspection": "安排复查",
    "complete_reinspection": "完成复查", "manage_inspection": "管理联合检查",
}


def can(role: str, action: str) -> bool:
    return role in ACTIONS.get(action, set())


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
