"""Reading problems: what a user may see, what is near a point, map layers."""
from __future__ import annotations

from datetime import datetime

from django.contrib.gis.geos import Point as GeosPoint
from django.contrib.gis.measure import D

from core.audit import subject_of
from core.domain.verbs import Verb
from core.models import AuditEvent
from org.selectors import in_jurisdiction, jurisdiction_area_ids, officer_of

from ..domain.workflow import OPEN_STATES, Status, allowed_targets
from ..models import Problem


def problems_visible_to(user):
    officer = officer_of(user)
    return Problem.objects.filter(subdistrict_id__in=jurisdiction_area_ids(officer))


def allowed_steps(officer, problem: Problem) -> list[str]:
    """The status changes this officer may make to this problem: exactly those the service
    (problem_transition) accepts, given a reason where one is needed."""
    return allowed_targets(problem.status, officer.role,
                           same_jurisdiction=in_jurisdiction(officer, problem.subdistrict),
                           assigned_to_own_team=officer.team_id is not None and officer.team_id == problem.team_id)


def open_problems_near(*, point: GeosPoint, radius_m: float, category_id: int, exclude_id: int | None = None):
    """Open problems of one category within `radius_m` (the duplicate suggestion)."""
    qs = Problem.objects.filter(category_id=category_id, status__in=OPEN_STATES,
                                geom__dwithin=(point, D(m=radius_m)))
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.order_by("created_at")


def deadline_clock_start(problem: Problem) -> datetime:
    """When the time the problem's category allows began to run: its latest reopening (重启
    gives it a fresh deadline), else its report."""
    kind, ident = subject_of(problem)
    reopened = (AuditEvent.objects.filter(subject_type=kind, subject_id=ident, verb=Verb.TRANSITIONED,
                                          after__status=Status.REOPENED)
                .order_by("-at", "-id").values_list("at", flat=True).first())
    return reopened or problem.created_at
