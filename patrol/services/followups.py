"""After the first response: escalation to a district department (吹哨) and re-inspection (复查)."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core import audit
from core.domain.verbs import Verb
from core.errors import Conflict, Forbidden, NotFound, ServiceError
from org.domain import permissions
from org.domain.roles import Role
from org.models import Agency, AgencyKind, Team
from org.selectors import in_jurisdiction, jurisdiction_area_ids, officer_of, team_named, team_serves

from ..domain.workflow import FINAL_STATES, OPEN_STATES, STATUS_LABELS, Status
from ..models import Escalation, Problem, Reinspection


def _problem_for(actor, problem_id: int, action: str):
    officer = officer_of(actor)
    problem = Problem.objects.select_related("subdistrict").filter(pk=problem_id).first()
    if problem is None:
        raise NotFound("问题不存在", field="problem")
    why = permissions.denial(officer.role, action, in_jurisdiction=in_jurisdiction(officer, problem.subdistrict))
    if why:
        raise Forbidden(why)
    return officer, problem


def escalate(*, actor, problem_id: int, department_id: int, reason: str, deadline: dt.datetime) -> Escalation:
    _, problem = _problem_for(actor, problem_id, "escalate")
    department = Agency.objects.filter(pk=department_id, kind=AgencyKind.DEPARTMENT).first()
    if department is None:
        raise ServiceError("吹哨对象须为区级职能部门", field="department")
    if not reason.strip():
        raise ServiceError("请填写吹哨事由", field="reason")
    if deadline <= timezone.now():
        raise ServiceError("答复期限须晚于现在", field="deadline")
    with transaction.atomic():
        # locked: of two at once one waits and sees the other, and one closed meanwhile is seen closed
        status = Problem.objects.select_for_update().filter(pk=problem.pk).values_list("status", flat=True)[0]
        if status in FINAL_STATES:
            # decided (办结, 不予立案, 重复上报): a department is not asked to answer for it until it is reopened
            raise Conflict(f"问题已{STATUS_LABELS[status]}，不能吹哨；如需继续处理请先重启", field="problem")
        pending = Escalation.objects.filter(problem=problem, department=department, responded_at__isnull=True).first()
        if pending is not None:
            # the department has it already: a second whistle would put it on its list twice
            raise Conflict(f"该问题已向{department.name}吹哨（答复期限 "
                           f"{timezone.localtime(pending.deadline):%Y-%m-%d %H:%M}），尚未答复", field="department")
        esc = Escalation.objects.create(problem=problem, department=department, reason=reason, deadline=deadline,
                                        created_by=actor)
        audit.record(actor=actor, verb=Verb.ESCALATED, subject=esc, context=problem, reason=reason,
                     after={"department": department.pk, "department_name": department.name,
                            "deadline": deadline.isoformat()})
    return esc


def escalation_respond(*, actor, escalation_id: int, response: str) -> Escalation:
    """The department answers. Only district staff over the problem's area, or staff of
    the department the whistle was blown to, may answer."""
    officer = officer_of(actor)
    if not response.strip():
        raise ServiceError("请填写答复内容", field="response")
    with transaction.atomic():
        esc = Escalation.objects.select_for_update().filter(pk=escalation_id).first()
        problem = Problem.objects.select_related("subdistrict").get(pk=esc.problem_id) if esc else None
        own_department = esc is not None and officer.agency_id == esc.department_id
        if esc is None or not (own_department or in_jurisdiction(officer, problem.subdistrict)):
            # one outside the jurisdiction (and not blown to the own department) is not confirmed
            raise NotFound("吹哨记录不存在或不在您的辖区内", field="id")
        why = permissions.denial(officer.role, "respond_escalation")
        if why and not (own_department and officer.role != Role.PUBLISHER):
            raise Forbidden("只有被吹哨的职能部门或区级管理员可以答复")
        if esc.responded_at is not None:
            raise Conflict("该吹哨已答复", field="response")
        esc.response, esc.responded_at = response, timezone.now()
        esc.save(update_fields=["response", "responded_at"])
        audit.record(actor=actor, verb=Verb.ESCALATION_ANSWERED, subject=esc, context=problem,
                     after={"response": response})
    return esc


def reinspection_schedule(*, actor, problem_id: int, team_id: int, due_date: dt.date) -> Reinspection:
    officer, problem = _problem_for(actor, problem_id, "schedule_reinspection")
    if problem.status not in (Status.RECTIFIED, Status.VERIFIED, Status.CLOSED):
        raise Conflict("只有已整改的问题才能安排复查", field="problem")
    team = team_named(officer, team_id)
    if not team_serves(team, problem.subdistrict):
        raise ServiceError(f"{team.name}的责任区域不含{problem.subdistrict.name}", field="team")
    if due_date < timezone.localdate():
        raise ServiceError("复查日期不能早于今天", field="due_date")
    with transaction.atomic():
        Problem.objects.select_for_update().filter(pk=problem.pk).first()  # two at once: one waits, sees the other
        pending = Reinspection.objects.filter(problem=problem, done_at__isnull=True).select_related("team").first()
        if pending is not None:
            raise Conflict(f"该问题已安排复查（{pending.team.name}，{pending.due_date.isoformat()}），尚未完成",
                           field="problem")
        r = Reinspection.objects.create(problem=problem, team=team, due_date=due_date, created_by=actor)
        audit.record(actor=actor, verb=Verb.REINSPECTION_SCHEDULED, subject=r, context=problem,
                     after={"team": team.pk, "team_name": team.name, "due_date": due_date.isoformat()})
    return r


def reinspection_complete(*, actor, reinspection_id: int, passed: bool, notes: str = "") -> Reinspection:
    officer = officer_of(actor)
    with transaction.atomic():
        r = Reinspection.objects.select_for_update().select_related("problem__subdistrict").filter(
            pk=reinspection_id).first()
        if r is None or not in_jurisdiction(officer, r.problem.subdistrict):
            # one outside the jurisdiction is answered as not there: its id is not confirmed
            raise NotFound("复查记录不存在或不在您的辖区内", field="id")
        why = permissions.denial(officer.role, "complete_reinspection")
        if why:
            raise Forbidden(why)
        if officer.role == "officer" and officer.team_id != r.team_id:
            raise Forbidden("只有复查班组的队员可以完成复查")
        if r.done_at is not None:
            raise Conflict("该复查已完成", field="id")
        if passed and r.problem.status in OPEN_STATES:
            # reopened (or sent back) since it was scheduled: the problem is on the street again,
            # and a pass would be printed on the next list as 复查：已整改
            raise Conflict(f"问题已{STATUS_LABELS[r.problem.status]}，仍在处置中，复查不能记为通过", field="passed")
        r.done_at, r.passed, r.notes = timezone.now(), passed, notes
        r.save(update_fields=["done_at", "passed", "notes"])
        audit.record(actor=actor, verb=Verb.REINSPECTED, subject=r, context=r.problem, reason=notes,
                     after={"passed": passed})
    return r


def reinspections_for_team(*, actor, team_id: int, pending_only: bool = True):
    """A team's re-inspection list, as far as the actor's jurisdiction reaches."""
    officer = officer_of(actor)
    team = Team.objects.select_related("area", "agency__area").filter(pk=team_id).first()
    if team is None or (not in_jurisdiction(officer, team.area)
                        and not in_jurisdiction(officer, team.agency.area or team.area)):
        # a team outside the jurisdiction is answered as not there: its id is not confirmed
        raise NotFound("班组不存在或不在您的辖区内", field="team")
    qs = Reinspection.objects.filter(team=team, problem__subdistrict_id__in=jurisdiction_area_ids(officer)) \
        .select_related("problem", "team")
    return qs.filter(done_at__isnull=True) if pending_only else qs
