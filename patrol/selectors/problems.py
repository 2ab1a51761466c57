"""Reading problems: what a user may see, what is near a point, map layers."""
from __future__ import annotations

from datetime import datetime

from django.contrib.gis.geos import Point as GeosPoint
from django.contrib.gis.measure import D
from django.db.models import Q, QuerySet

from core.audit import subject_of
from core.domain.verbs import Verb
from core.models import AuditEvent
from geodata.selectors.areas import area_descendant_ids
from org.selectors import in_jurisdiction, jurisdiction_area_ids, officer_of

from ..domain.workflow import OPEN_STATES, Status, allowed_targets
from ..models import Problem


def problems_visible_to(user):
    officer = officer_of(user)
    return Problem.objects.filter(subdistrict_id__in=jurisdiction_area_ids(officer))


def problems_listed(user, *, status: list[str] | None = None, category: list[str] | None = None,
                    area_id: int | None = None, since: datetime | None = None,
                    until: datetime | None = None) -> QuerySet[Problem]:
    """The user's problems as the API lists them, newest first, narrowed as the map layer narrows
    them (patrol.selectors.layers), so that one query string gives the list and the map the same
    problems: an area by its subdistrict, community or grid (and the areas below it), `since`
    included and `until` excluded."""
    qs = problems_visible_to(user)
    if status:
        qs = qs.filter(status__in=status)
    if category:
        qs = qs.filter(category__code__in=category)
    if area_id is not None:
        ids = area_descendant_ids(area_id)
        qs = qs.filter(Q(subdistrict_id__in=ids) | Q(community_id__in=ids) | Q(grid_id__in=ids))
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    return qs.order_by("-created_at", "-id")


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
