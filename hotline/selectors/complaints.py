"""Reading complaints one by one (the API's list and detail): who sees which, and the filters.

Visibility follows the jurisdiction, as problems do: an officer sees the complaints whose
responsible street office (`unit_area`) or located subdistrict (`area`) lies in their
jurisdiction. An officer whose jurisdiction is a whole district (an area without a parent)
also sees the complaints linked to no area at all: the district's export names street
offices the platform holds no boundary for, and they are the district's too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Transform
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.errors import ServiceError
from geodata.selectors.areas import area_descendant_ids
from org.selectors import district_wide, jurisdiction_area_ids, officer_of

from ..models import Complaint

WGS84 = 4326
# Dates outside these are no complaint's (and beyond them a local midnight may not convert).
_EARLIEST, _LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """The complaints `user` may read; Forbidden (403) for a user without an officer profile."""
    return _visible(officer_of(user))[0]


def _visible(officer) -> tuple[QuerySet[Complaint], list[int]]:
    areas = jurisdiction_area_ids(officer)
    # An order whose 承办单位 names an agency (an office's 执法队) is that agency's area's, as the
    # import decides who may write it (hotline.services.imports `_outside`).
    seen = Q(unit_area_id__in=areas) | Q(area_id__in=areas) | Q(unit_agency__area_id__in=areas)
    if district_wide(officer):
        seen |= Q(unit_area__isnull=True, area__isnull=True)
    return Complaint.objects.filter(seen), areas


def importable_area_ids(user) -> set[int] | None:
    """The street offices whose orders `user` may import (create or update), as area ids;
    None: any order (a district-level officer, a superuser, or no user: the command line).

    An office's supervisor writes only orders its own offices are responsible for: the
    ranking of every other office is computed from the same orders. Forbidden (403) for a
    signed-in user without an officer profile who is no superuser."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser and not hasattr(user, "officer"):
        return None
    officer = officer_of(user)
    if district_wide(officer):
        return None
    return set(jurisdiction_area_ids(officer))


@dataclass(frozen=True)
class ComplaintFilter:
    received_from: dt.date | None = None  # inclusive, local days
    received_to: dt.date | None = None  # inclusive
    unit: str = ""  # 承办单位, exactly as the export names it
    category: str = ""  # text the category contains
    located: bool | None = None
    q: str = ""  # text in the content or the address
    area: int | None = None  # an area id: complaints located in it or whose office it is (and below)


def _midnight(day: dt.date) -> dt.datetime:
    day = min(max(day, _EARLIEST), _LATEST)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def complaint_list(user, f: ComplaintFilter) -> QuerySet[Complaint]:
    """The visible complaints that pass `f`, newest first, with `wgs84` (the point in WGS84).

    An `area` that does not exist or lies outside the jurisdiction is a ServiceError (422)."""
    qs, jurisdiction = _visible(officer_of(user))
    if f.area is not None:
        if f.area not in jurisdiction:
            raise ServiceError(f"区域 {f.area} 不存在或不在您的辖区内", field="area")
        inside = area_descendant_ids(f.area)
        qs = qs.filter(Q(area_id__in=inside) | Q(unit_area_id__in=inside))
    if f.received_from is not None:
        qs = qs.filter(received_at__gte=_midnight(f.received_from))
    if f.received_to is not None:
        qs = qs.filter(received_at__lt=_midnight(f.received_to + dt.timedelta(days=1))
                       if f.received_to < _LATEST else _midnight(_LATEST))
    if f.unit:
        qs = qs.filter(unit_name=f.unit)
    if f.category:
        qs = qs.filter(category__icontains=f.category)
    if f.located is not None:
        qs = qs.filter(geom__isnull=not f.located)
    if f.q:
        qs = qs.filter(Q(content__icontains=f.q) | Q(address__icontains=f.q))
    return _with_point(qs).order_by("-received_at", "-id")


def complaint_get(user, pk: int) -> Complaint:
    """One visible complaint with its batch; Complaint.DoesNotExist when not there or not visible."""
    return _with_point(complaints_visible_to(user).select_related("batch")).get(pk=pk)


def _with_point(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return qs.annotate(wgs84=Transform("geom", WGS84))
