"""Joint inspections (联合检查) and their newspaper-style summary."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from core import audit
from core.domain.verbs import Verb
from core.errors import Forbidden, NotFound, ServiceError
from geodata.models import Area
from geodata.selectors.areas import area_ancestor_ids
from org.domain import permissions
from org.models import Agency
from org.selectors import in_jurisdiction, jurisdiction_area_ids, officer_of

from ..domain.summary import OutcomeLine, inspection_summary
from ..domain.workflow import Status
from ..models import Inspection, Outcome
from .outcomes import current_outcomes


def inspection_create(*, actor, date: dt.date, title: str, area_id: int, lead_agency_id: int,
                      agency_ids: list[int], route_text: str = "", focus: str = "", notes: str = "") -> Inspection:
    officer = officer_of(actor)
    area = Area.objects.filter(pk=area_id).first()
    if area is None:
        raise ServiceError("区域不存在", field="area")
    why = permissions.denial(officer.role, "manage_inspection", in_jurisdiction=in_jurisdiction(officer, area))
    if why:
        raise Forbidden(why)
    # The agencies of the jurisdiction and those above the area (the district's departments, an
    # agency of no area) take part; another street office's is answered as one that is not there
    # (the answer names the agencies: any id would have told another office's agency).
    reach = Agency.objects.filter(Q(area__isnull=True)
                                  | Q(area_id__in=[*jurisdiction_area_ids(officer), *area_ancestor_ids(area)]))
    lead = reach.filter(pk=lead_agency_id).first()
    if lead is None:
        raise ServiceError("牵头单位不存在", field="lead_agency")
    agencies = list(reach.filter(pk__in=agency_ids))
    if len(agencies) != len(set(agency_ids)):
        raise ServiceError("参加单位中有不存在的单位", field="agencies")
    if not title.strip():
        raise ServiceError("请填写检查名称", field="title")
    with transaction.atomic():
        inspection = Inspection.objects.create(date=date, title=title.strip(), area=area, route_text=route_text,
                                               lead_agency=lead, focus=focus, notes=notes, created_by=actor)
        inspection.agencies.set(agencies)
        audit.record(actor=actor, verb=Verb.CREATED, subject=inspection, after={
            "date": date.isoformat(), "title": inspection.title, "area": area.pk, "lead_agency": lead.pk,
            "agencies": sorted(a.pk for a in agencies), "route_text": route_text, "focus": focus, "notes": notes})
    return inspection


def inspection_summary_text(inspection_id: int) -> str:
    inspection = Inspection.objects.select_related("lead_agency").filter(pk=inspection_id).first()
    if inspection is None:
        raise NotFound("联合检查不存在", field="id")
    # what was done in the inspection: records against it and against the problems it found
    outcomes = current_outcomes(Outcome.objects.filter(Q(inspection=inspection) | Q(problem__inspection=inspection))
                                ).order_by("recorded_at", "id")
    lines = [OutcomeLine(tuple(o.kinds), o.target_kind, o.count) for o in outcomes]
    agencies = [a.name for a in inspection.agencies.exclude(pk=inspection.lead_agency_id).order_by("id")]
    focus = [f for f in inspection.focus.replace("；", "、").split("、") if f] if inspection.focus else []
    return inspection_summary(lead=inspection.lead_agency.name, agencies=agencies,
                              place=inspection.route_text or inspection.area.name, lines=lines, focus=focus,
                              problems_found=inspection.problems.exclude(
                                  status__in=[Status.REJECTED, Status.DUPLICATE]).count())
