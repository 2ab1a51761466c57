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
from geodata.models import Area
from geodata.selectors.areas import area_descendant_ids
from org.selectors import district_wide, jurisdiction_area_ids, officer_of

from ..models import Complaint
from .metrics import with_office

WGS84 = 4326
# Dates outside these are no complaint's (and beyond them a local midnight may not convert).
_EARLIEST, _LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """The complaints `user` may read; Forbidden (403) for a user without an officer profile."""
    return _visible(officer_of(user))[0]


def _visible(officer) -> tuple[QuerySet[Complaint], list[int]]:
    areas = jurisdiction_area_ids(officer)
    return Complaint.objects.filter(_of_areas(areas, whole_district=district_wide(officer))), areas


def _of_areas(area_ids: list[int], *, whole_district: bool) -> Q:
    """The complaints of these areas: located in one, or handled (承办) by its street office or by
    an agency of it (an order whose 承办单位 names an office's 执法队 is that agency's area's, as
    the import decides who may write it: hotline.services.imports `_outside`). With
    `whole_district` (the areas are a whole district), also those linked to no area at all.
    What an officer sees and what the `area` filter keeps are the same rule, so an officer's own
    jurisdiction as the filter narrows nothing."""
    seen = Q(unit_area_id__in=area_ids) | Q(area_id__in=area_ids) | Q(unit_agency__area_id__in=area_ids)
    if whole_district:
        seen |= Q(unit_area__isnull=True, area__isnull=True)
    return seen


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
    unit: str = ""  # 承办单位: the office as the ranking names it, or exactly as the export spelled it
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
        # as the visibility reads it: a district's orders include those of offices the platform
        # holds no boundary for, and an agency's orders are its area's
        qs = qs.filter(_of_areas(area_descendant_ids(f.area),
                                 whole_district=Area.objects.filter(pk=f.area, parent__isnull=True).exists()))
    if f.received_from is not None:
        qs = qs.filter(received_at__gte=_midnight(f.received_from))
    if f.received_to is not None:
        qs = qs.filter(received_at__lt=_midnight(f.received_to + dt.timedelta(days=1))
                       if f.received_to < _LATEST else _midnight(_LATEST))
    if f.unit:
        # the ranking counts an office under the platform's name whatever the export's spelling
        # (hotline.selectors.metrics `with_office`): its name finds what it counts
        qs = with_office(qs).filter(Q(office=f.unit) | Q(unit_name=f.unit))
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
