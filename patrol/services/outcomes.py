"""Recording enforcement outcomes against a problem or a joint inspection.

An outcome may combine kinds (劝阻并整改; 扣分、罚款 on one vehicle); each kind is checked
with its own particulars. Outcomes are never deleted or edited: a correction is a new
record pointing at the one it replaces.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from core import audit
from core.domain.verbs import Verb
from core.errors import Conflict, Forbidden, NotFound, ServiceError
from org.domain import permissions
from org.selectors import in_jurisdiction, jurisdiction_area_ids, officer_of

from ..domain.outcomes import OutcomeKind, outcome_kind, validate_outcome
from ..domain.workflow import FINAL_STATES, STATUS_LABELS
from ..models import Inspection, Outcome, Problem

PARTICULARS = ("fine_amount", "points", "seized_items", "case_number")


def _check(kinds: list[str], target_kind: str, count: int, particulars: dict) -> tuple[list[str], list[str]]:
    if not kinds:
        raise ServiceError("至少需要一种处置方式", field="kinds")
    resolved: list[OutcomeKind] = []
    for k in kinds:
        try:
            kind = outcome_kind(k)
        except ValueError as exc:
            raise ServiceError(f"处置方式“{k}”不在字典中", field="kinds") from exc
        if kind not in resolved:  # 罚款 twice (or fine and 罚款) is one fine, not "罚款、罚款"
            resolved.append(kind)
    errors: list[str] = []
    wanted = {f for kind in resolved for f in kind.requires}
    for name in PARTICULARS:
        if particulars.get(name) not in (None, "") and name not in wanted:
            raise ServiceError("所选处置方式不应填写此项", field=name)
    for kind in resolved:
        own = {f: particulars.get(f) for f in kind.requires if particulars.get(f) not in (None, "")}
        errors.extend(validate_outcome(kind, target_kind=target_kind, count=count, **own))
        if any(f not in own for f in kind.requires):
            missing = next(f for f in kind.requires if f not in own)
            raise ServiceError(f"{kind.label}须填写此项", field=missing)
    return [k.label for k in sorted(resolved, key=lambda k: k.severity)], errors


def outcome_record(*, actor, kinds: list[str], target_kind: str, count: int, problem_id: int | None = None,
                   inspection_id: int | None = None, fine_amount: Decimal | None = None, points: int | None = None,
                   seized_items: str = "", case_number: str = "", notes: str = "",
                   corrects_id: int | None = None) -> Outcome:
    officer = officer_of(actor)
    if problem_id is None and inspection_id is None:
        raise ServiceError("处置结果须关联问题或联合检查", field="problem")
    problem = inspection = None
    areas = []
    if problem_id is not None:
        problem = Problem.objects.select_related("subdistrict").filter(pk=problem_id).first()
        # one outside the jurisdiction is answered as not there: its id is not confirmed
        if problem is None or not in_jurisdiction(officer, problem.subdistrict):
            raise NotFound("问题不存在或不在您的辖区内", field="problem")
        areas.append(problem.subdistrict)
    if inspection_id is not None:
        inspection = Inspection.objects.select_related("area").filter(pk=inspection_id).first()
        if inspection is None or not in_jurisdiction(officer, inspection.area):
            raise NotFound("联合检查不存在或不在您的辖区内", field="inspection")
        areas.append(inspection.area)
        if problem is not None and problem.inspection_id not in (None, inspection.pk):
            raise ServiceError("该问题属于另一次联合检查", field="inspection")
    action = "correct_outcome" if corrects_id else "record_outcome"
    # Every record it touches must lie in the actor's jurisdiction.
    why = permissions.denial(officer.role, action,
                             in_jurisdiction=all(in_jurisdiction(officer, area) for area in areas))
    if why:
        raise Forbidden(why)
    labels, errors = _check(kinds, target_kind, count, dict(fine_amount=fine_amount, points=points,
                                                           seized_items=seized_items, case_number=case_number))
    if errors:
        field = next((f for f in ("fine_amount", "points", "seized_items", "case_number", "count")
                      if f in errors[0]), "target_kind")
        raise ServiceError("；".join(errors), field=field)
    with transaction.atomic():
        if problem is not None:
            # Locked: a problem being closed at this moment is either closed first (and refused
            # here) or gets the record before it is closed.
            status = Problem.objects.select_for_update().filter(pk=problem.pk).values_list("status", flat=True)[0]
            if status in FINAL_STATES:
                # What was closed, rejected or marked duplicate is on the record as it was decided
                # (reports count its outcomes): a late record or a correction goes through 重启.
                raise Conflict(f"问题已{STATUS_LABELS[status]}，不能记录处置结果；如需补记或更正请先重启",
                               field="problem")
        corrects = None
        if corrects_id is not None:
            corrects = (Outcome.objects.select_for_update(of=("self",)).select_related("problem", "inspection")
                        .filter(pk=corrects_id).first())
            if corrects is None or _area_id(corrects) not in jurisdiction_area_ids(officer):
                # one outside the jurisdiction is answered as not there: neither its id nor whether
                # it was corrected is confirmed (the checks below said both)
                raise NotFound("要更正的处置结果不存在", field="corrects")
            if Outcome.objects.filter(corrects=corrects).exists():
                raise Conflict("该记录已被更正过，请更正最新的记录", field="corrects")
            if (corrects.problem_id, corrects.inspection_id) != (problem_id, inspection_id):
                raise ServiceError("更正记录须关联同一问题或联合检查", field="corrects")
        outcome = Outcome.objects.create(
            problem=problem, inspection=inspection, kinds=labels, target_kind=target_kind, count=count,
            fine_amount=fine_amount, points=points, seized_items=seized_items or "", case_number=case_number or "",
            notes=notes, corrects=corrects, recorded_by=actor)
        audit.record(actor=actor, verb=Verb.OUTCOME_CORRECTED if corrects else Verb.OUTCOME_RECORDED,
                     subject=outcome, context=problem if problem is not None else inspection, after={
                         "problem": problem_id, "inspection": inspection_id, "kinds": labels,
                         "target_kind": target_kind, "count": count, "fine_amount": fine_amount, "points": points,
                         "seized_items": seized_items, "case_number": case_number, "corrects": corrects_id})
    return outcome


def _area_id(outcome: Outcome) -> int:
    """The area an outcome lies in: its problem's subdistrict, else its inspection's area."""
    return outcome.problem.subdistrict_id if outcome.problem_id else outcome.inspection.area_id


def current_outcomes(qs):
    """Outcomes that no later record corrects (what reports count)."""
    return qs.filter(corrected_by__isnull=True)
