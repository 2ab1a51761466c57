"""Reading categories and problems as GeoReport services and service requests.

Every problem in the platform is a service request, whatever its source: a resident
app sees a 12345 case or a patrol find at the same spot and does not report it again.
Two things are kept back: the contact tail of Open311 submissions (see
``formats.split_description``), and the whole description of 12345 and resident
reports, which are the callers' own words and may name them.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from geodata.geocoding import to_wgs84_lonlat
from geodata.models import Area, AreaKind
from geodata.selectors.areas import area_descendant_ids
from patrol.domain import categories as catalogue
from patrol.domain.workflow import OPEN_STATES
from patrol.models import Category, Problem
from patrol.models.problems import Source

from . import formats

MAX_REQUESTS = 1000  # the spec's default maximum
JURISDICTION_KINDS = (AreaKind.DISTRICT, AreaKind.SUBDISTRICT)
PRIVATE_DESCRIPTION_SOURCES = frozenset({Source.HOTLINE, Source.RESIDENT})


def _keywords(code: str) -> tuple[str, ...]:
    try:
        return catalogue.by_code(code).aliases
    except KeyError:  # a category of an older catalogue, kept for its problems
        return ()


def _service(c: Category) -> formats.Service:
    return formats.Service(code=c.code, name=c.name, group=c.big_class, agency=c.agency_name,
                           deadline_hours=c.deadline_hours, keywords=_keywords(c.code),
                           attributes=formats.attributes_for(c.big_class_code))


def services() -> list[formats.Service]:
    return [_service(c) for c in Category.objects.filter(active=True).order_by("code")]


def service(code: str) -> formats.Service | None:
    c = Category.objects.filter(code=code, active=True).first()
    return _service(c) if c is not None else None


def _request(p: Problem) -> formats.ServiceRequest:
    lon, lat = to_wgs84_lonlat(p.geom)
    text, media_url = formats.split_description(p.description)
    if p.source in PRIVATE_DESCRIPTION_SOURCES:
        text = ""
    return formats.ServiceRequest(
        id=p.pk, workflow_status=p.status, service_code=p.category.code, service_name=p.category.name,
        description=text, agency=p.agency.name if p.agency_id else p.category.agency_name,
        requested=timezone.localtime(p.created_at), updated=timezone.localtime(p.updated_at),
        expected=timezone.localtime(p.deadline) if p.deadline else None, address=p.location_text,
        lon=lon, lat=lat, media_url=media_url, duplicate_of=p.duplicate_of_id)


def _problems():
    return Problem.objects.select_related("category", "agency").order_by("-created_at", "-id")


def jurisdiction_area(code: str) -> Area | None:
    """A district or street office (subdistrict, town) by its area code."""
    return Area.objects.filter(code=code, kind__in=JURISDICTION_KINDS).order_by("id").first()


def jurisdiction_area_ids(area: Area) -> set[int]:
    """A GeoReport jurisdiction (an area code) spans its area and everything below it, as
    an officer's jurisdiction does (org.selectors, the same tree walk)."""
    return set(area_descendant_ids(area.pk))


def service_request(pk: int, *, area_ids: set[int] | None = None) -> formats.ServiceRequest | None:
    qs = _problems().filter(pk=pk)
    if area_ids is not None:
        qs = qs.filter(subdistrict_id__in=area_ids)
    p = qs.first()
    return _request(p) if p is not None else None


def service_requests(*, ids: list[int] | None = None, codes: list[str] | None = None,
                     start: datetime | None = None, end: datetime | None = None,
                     statuses: set[str] | None = None, area_ids: set[int] | None = None,
                     limit: int = MAX_REQUESTS) -> list[formats.ServiceRequest]:
    """Requests by id (the spec: then every other filter is ignored), or by service codes,
    requested_datetime window and open/closed, newest first; within the jurisdiction's
    areas when one was named (that filter always applies)."""
    qs = _problems()
    if area_ids is not None:
        qs = qs.filter(subdistrict_id__in=area_ids)
    if ids:
        qs = qs.filter(pk__in=ids)
    else:
        if codes:
            qs = qs.filter(category__code__in=codes)
        if start is not None:
            qs = qs.filter(created_at__gte=start)
        if end is not None:
            # requested_datetime is published in whole seconds (formats.w3c): an end_date in whole
            # seconds takes in all of that second, so a request is found by the time it was given.
            qs = qs.filter(created_at__lt=end + timedelta(seconds=1)) if end.microsecond == 0 else \
                qs.filter(created_at__lte=end)
        if statuses == {"open"}:
            qs = qs.filter(status__in=OPEN_STATES)
        elif statuses == {"closed"}:
            qs = qs.exclude(status__in=OPEN_STATES)
    return [_request(p) for p in qs[:limit]]
