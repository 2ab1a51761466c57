"""未诉先办 planning over the database: the road segments where complaints are likely next week.

Feeds ``hotline.domain.hotspots`` with what happened on each segment of the user's
jurisdiction (located 12345 complaints, problems found by patrols, problems still open) and
returns the ranked segments with their road, geometry and reasons, and the forecast's score on
past weeks it was not tuned on.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.gis.db.models.functions import Transform
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from geodata.geocoding import network_version, segment_places
from geodata.models import RoadSegment
from geodata.selectors.areas import outside_jurisdiction
from org.models import Officer
from org.selectors import user_jurisdiction_area_ids
from patrol.domain.workflow import OPEN_STATES, Status
from patrol.models import Problem

from ..domain import hotspots as forecast
from ..domain.hotspots import Event, Weights, backtest, mean_capture, rank, tune
from ..models import Complaint

FOCUS_SIZE = 10  # segments a shift can make its focus (and the k the weights are tuned for)
FOCUS_CACHE_S = 3600
HELD_OUT_WEEKS = 8  # the last whole weeks: the forecast is scored on them, never tuned on them
TUNING_WEEKS = 16  # the weeks before those: the weights are tuned on them
# The season term of a tuning week looks a year back from it, so the history reaches a year
# and the slack before the earliest tuning week (which starts up to 13 days + 23 weeks before
# tomorrow). With less, the season term is zero in every tuning week and is tuned away.
HISTORY_DAYS = forecast.SEASON_LAG_DAYS + forecast.SEASON_SLACK_DAYS + 7 * (HELD_OUT_WEEKS + TUNING_WEEKS) + 7


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def segment_events(user, *, until: date) -> list[Event]:
    """What happened on the segments of the user's jurisdiction before `until` (local days).

    A segment only of another office's roads is not one of the jurisdiction: a complaint its
    office handles (承办) that was located there is not a place for its shifts.
    A problem marked 不予立案 or 重复上报 is no problem found (a second report of one pile is
    the same pile)."""
    areas = user_jurisdiction_area_ids(user)
    jurisdiction = Officer.objects.filter(user=user, active=True).values("jurisdiction_id")[:1]
    elsewhere = outside_jurisdiction(jurisdiction, "segment__geom")
    since = timezone.make_aware(datetime.combine(until - timedelta(days=HISTORY_DAYS), time.min))
    end = timezone.make_aware(datetime.combine(until, time.min))
    events = [Event(seg, "complaint", timezone.localtime(at).date()) for seg, at in
              Complaint.objects.filter(segment__isnull=False, received_at__gte=since, received_at__lt=end)
              .filter(Q(area_id__in=areas) | Q(unit_area_id__in=areas)).exclude(elsewhere)
              .values_list("segment_id", "received_at")]
    for seg, at, status in (Problem.objects.filter(segment__isnull=False, subdistrict_id__in=areas,
                                                   created_at__gte=since, created_at__lt=end)
                            .exclude(status__in=(Status.REJECTED, Status.DUPLICATE)).exclude(elsewhere)
                            .values_list("segment_id", "created_at", "status")):
        day = timezone.localtime(at).date()
        events.append(Event(seg, "problem", day))
        if status in OPEN_STATES:
            events.append(Event(seg, "open_problem", day))
    return events


@dataclass(frozen=True)
class FocusSegment:
    segment: int
    road: str
    highway: str
    length_m: float
    score: float
    reasons: tuple[str, ...]
    line: list  # WGS84 [[lon, lat], …]
    place: str = ""  # where on its road, in the location language (geodata.geocoding.segment_places)


@dataclass(frozen=True)
class Focus:
    start: date  # the first day of the seven the forecast is for (tomorrow)
    segments: list[FocusSegment]
    weights: Weights
    evaluated: dict  # mean capture on held-out past weeks: model, last_week, most_often, weeks; and k


def next_week_focus(user, *, today: date | None = None, k: int = FOCUS_SIZE, evaluate: bool = True) -> Focus:
    """The k segments to walk first in the seven days from tomorrow. The weights are tuned on
    past weeks before the last eight; with `evaluate`, the forecast is also scored on those
    eight (never on what it was tuned on). The weights do not depend on `k` or `evaluate`, so
    the field app's shorter list is the start of the dashboard's, for the same user and day.

    Kept for an hour per jurisdiction and day (the tuning ranks 72 weight sets over 16 weeks:
    seconds at district size, not something to repeat on every page view)."""
    today = today or timezone.localdate()
    areas = ",".join(map(str, sorted(user_jurisdiction_area_ids(user))))
    # A network import deletes, retires and moves segments and puts complaints and problems on
    # others: a list kept from before it would offer segments that no plan may take any more.
    network = "-".join(map(str, network_version()))
    key = f"hotline.focus:{areas}:{today}:{network}:{k}:{evaluate}"
    cached = cache.get(key)
    if cached is None:
        cached = _next_week_focus(user, today=today, k=k, evaluate=evaluate,
                                  weights_key=f"hotline.focus-weights:{areas}:{today}:{network}")
        cache.set(key, cached, FOCUS_CACHE_S)
    return cached


def _weeks(events: list[Event], start: date) -> tuple[list[date], list[date]]:
    """(tuning weeks, held-out weeks): Mondays of whole weeks that ended by `start`."""
    if not events:
        return [], []
    first = _monday(min(e.day for e in events)) + timedelta(days=7)
    weeks = (start - first).days // 7  # whole weeks that ended by tomorrow
    mondays = [first + timedelta(days=7 * i) for i in range(max(0, weeks))]
    return mondays[:-HELD_OUT_WEEKS][-TUNING_WEEKS:], mondays[-HELD_OUT_WEEKS:]


def _next_week_focus(user, *, today: date, k: int, evaluate: bool, weights_key: str | None = None) -> Focus:
    start = today + timedelta(days=1)
    events = segment_events(user, until=start)
    train, test = _weeks(events, start)
    weights = cache.get(weights_key) if weights_key else None
    if weights is None:
        weights = tune(events, weeks=train, k=FOCUS_SIZE) if len(train) >= 4 else Weights()
        if weights_key:
            cache.set(weights_key, weights, FOCUS_CACHE_S)
    evaluated = {"model": None, "last_week": None, "most_often": None, "weeks": 0, "k": k}
    if evaluate and events:
        evaluated = mean_capture(backtest(events, weeks=test, k=k, weights=weights)) | {"k": k}
    ranked = rank(events, at=start, weights=weights, limit=k)
    rows = {s.id: s for s in RoadSegment.objects.filter(id__in=[r.cell for r in ranked]).select_related("road")
            .annotate(wgs=Transform("geom", settings.WGS84_SRID))}
    places = segment_places(rows)
    segments = [FocusSegment(segment=r.cell, road=rows[r.cell].road.name, highway=rows[r.cell].highway,
                             length_m=round(rows[r.cell].length_m, 1), score=round(r.score, 2), reasons=r.reasons,
                             line=[[round(x, 6), round(y, 6)] for x, y in rows[r.cell].wgs.coords],
                             place=places.get(r.cell, ""))
                for r in ranked if r.cell in rows]
    return Focus(start=start, segments=segments, weights=weights, evaluated=evaluated)
