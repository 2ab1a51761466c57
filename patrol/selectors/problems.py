"""Reading problems: what a user may see, what is near a point, map layers."""
from __future__ import annotations

from django.contrib.gis.geos import Point as GeosPoint
from django.contrib.gis.measure import D

from org.selectors import jurisdiction_area_ids, officer_of

from ..domain.workflow import OPEN_STATES
from ..models import Problem


def problems_visible_to(user):
    officer = officer_of(user)
    return Problem.objects.filter(subdistrict_id__in=jurisdiction_area_ids(officer))


def open_problems_near(*, point: GeosPoint, radius_m: float, category_id: int, exclude_id: int | None = None):
    """Open problems of one category within `radius_m` (the duplicate suggestion)."""
    qs = Problem.objects.filter(category_id=category_id, status__in=OPEN_STATES,
                                geom__dwithin=(point, D(m=radius_m)))
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.order_by("created_at")
