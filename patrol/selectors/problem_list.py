"""Reading problems for the pages: a filtered list, today's figures, rankings of areas.

Everything is limited to what the user may see (their jurisdiction). The filter comes from
``patrol.domain.filters`` (a URL's query string), so the list, its counts and its map agree.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.models import AuditEvent
from geodata.models import Area, AreaKind
from geodata.selectors.areas import area_descendant_ids

from ..domain.filters import SORTS, ProblemFilter
from ..domain.workflow import OPEN_STATES, STATUS_LABELS, Status
from ..models import Category, Problem
from .problems import problems_visible_to

PAGE_SIZE = 25


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def problems_filtered(user, f: ProblemFilter, *, now: datetime | None = None) -> QuerySet[Problem]:
    """The problems the user may see, narrowed by `f`, in `f`'s order."""
    qs = problems_visible_to(user)
    if f.q:
        qs = qs.filter(Q(location_text__icontains=f.q) | Q(description__icontains=f.q))
    if f.category:
        qs = qs.filter(category__code__in=f.category)
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.source:
        qs = qs.filter(source__in=f.source)
    if f.area is not None:
        ids = area_descendant_ids(f.area)
        qs = qs.filter(Q(subdistrict_id__in=ids) | Q(community_id__in=ids) | Q(grid_id__in=ids))
    if f.since:
        qs = qs.filter(created_at__gte=_day_start(f.since))
    if f.until:
        qs = qs.filter(created_at__lt=_day_start(f.until + timedelta(days=1)))
    if f.overdue:
        qs = qs.filter(status__in=OPEN_STATES, deadline__lt=now or timezone.now())
    return qs.order_by(*SORTS[f.sort][1])


@dataclass(frozen=True)
class Page:
    rows: list[Problem]
    number: int
    count: int
    pages: int


def problem_page(user, f: ProblemFilter, *, size: int = PAGE_SIZE) -> Page:
    """One page of the filtered list (a page past the end shows the last one)."""
    qs = problems_filtered(user, f)
    count = qs.count()
    pages = max(1, -(-count // size))
    number = min(f.page, pages)
    rows = list(qs.select_related("category", "subdistrict", "grid", "reporter")
                [(number - 1) * size: number * size])
    return Page(rows=rows, number=number, count=count, pages=pages)


def filter_choices(user) -> dict:
    """What the filter form offers: active categories, statuses, the areas of the jurisdiction."""
    from org.selectors import user_jurisdiction_area_ids

    area_ids = user_jurisdiction_area_ids(user)
    areas = list(Area.objects.filter(id__in=area_ids, kind__in=[AreaKind.SUBDISTRICT, AreaKind.GRID])
                 .order_by("kind", "name").values("id", "name", "kind"))
    return {
        "categories": list(Category.objects.filter(active=True).order_by("code").values("code", "name")),
        "statuses": list(STATUS_LABELS.items()),
        "areas": areas,
    }


@dataclass(frozen=True)
class Today:
    open: int
    overdue: int
    reported_today: int
    closed_today: int
    reported_7d: int
    closed_7d: int
    by_category: list[tuple[str, str, int, int]]  # code, name, open, overdue
    by_status: list[tuple[str, str, int]]  # status, label, count (open states and today's closures)
    by_area: list[dict]  # id, name, open, overdue, reported_7d, closed_7d, closed_on_time_7d
    area_level: str  # what by_area ranks: "subdistrict", or "grid" within a one-subdistrict jurisdiction
    daily: list[tuple[str, int, int]]  # the last 14 days: date, reported, closed


def today(user, *, now: datetime | None = None) -> Today:
    """Today at a glance, for the user's jurisdiction."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    start_today = _day_start(local.date())
    week_ago = start_today - timedelta(days=6)
    visible = problems_visible_to(user)
    open_q = Q(status__in=OPEN_STATES)
    overdue_q = open_q & Q(deadline__lt=now)
    figures = visible.aggregate(
        open=Count("id", filter=open_q), overdue=Count("id", filter=overdue_q),
        reported_today=Count("id", filter=Q(created_at__gte=start_today)),
        reported_7d=Count("id", filter=Q(created_at__gte=week_ago)))
    closures = _closures(visible, since=week_ago - timedelta(days=7))
    closed_today = sum(1 for at, _ in closures.values() if at >= start_today)
    closed_7d = sum(1 for at, _ in closures.values() if at >= week_ago)

    by_category = [
        (row["category__code"], row["category__name"], row["open"], row["overdue"])
        for row in visible.filter(open_q).values("category__code", "category__name")
        .annotate(open=Count("id"), overdue=Count("id", filter=overdue_q)).order_by("-open", "category__code")
    ]
    status_counts = dict(visible.filter(open_q).values_list("status").annotate(n=Count("id")))
    by_status = [(s, STATUS_LABELS[s], status_counts.get(s, 0)) for s in STATUS_LABELS if s in OPEN_STATES]

    # Rank the subdistricts; a jurisdiction of one subdistrict ranks its grids instead.
    level = "subdistrict" if visible.values("subdistrict_id").distinct().count() > 1 else "grid"
    key = f"{level}_id"
    by_area = []
    rows = (visible.exclude(**{key: None}).values(key, f"{level}__name")
            .annotate(open=Count("id", filter=open_q), overdue=Count("id", filter=overdue_q),
                      reported_7d=Count("id", filter=Q(created_at__gte=week_ago))))
    area_of = dict(visible.filter(id__in=list(closures)).values_list("id", key))
    for row in rows:
        mine = [(at, on_time) for pid, (at, on_time) in closures.items()
                if area_of.get(pid) == row[key] and at >= week_ago]
        by_area.append({
            "id": row[key], "name": row[f"{level}__name"], "open": row["open"],
            "overdue": row["overdue"], "reported_7d": row["reported_7d"], "closed_7d": len(mine),
            "closed_on_time_7d": sum(1 for _, on_time in mine if on_time),
        })
    by_area.sort(key=lambda r: (-r["overdue"], -r["open"], r["name"]))

    days = [(local.date() - timedelta(days=13 - i)) for i in range(14)]
    reported = dict(
        visible.filter(created_at__gte=_day_start(days[0])).annotate(day=TruncDate("created_at"))
        .values("day").annotate(n=Count("id")).values_list("day", "n"))
    closed_by_day: dict = {}
    for at, _ in closures.values():
        d = timezone.localtime(at).date()
        closed_by_day[d] = closed_by_day.get(d, 0) + 1
    daily = [(d.isoformat(), reported.get(d, 0), closed_by_day.get(d, 0)) for d in days]
    return Today(open=figures["open"], overdue=figures["overdue"], reported_today=figures["reported_today"],
                 closed_today=closed_today, reported_7d=figures["reported_7d"], closed_7d=closed_7d,
                 by_category=by_category, by_status=by_status, by_area=by_area, area_level=level, daily=daily)


def _closures(visible: QuerySet[Problem], *, since: datetime) -> dict[int, tuple[datetime, bool]]:
    """Problem id → (when it was last closed, whether by its deadline), for closures since `since`.

    The audit log holds when a problem entered "closed" (its transition event).
    """
    events = (AuditEvent.objects.filter(subject_type="patrol.problem", verb="transitioned", at__gte=since,
                                        after__status=Status.CLOSED)
              .values_list("subject_id", "at"))
    last: dict[int, datetime] = {}
    for sid, at in events:
        pid = int(sid)
        if pid not in last or at > last[pid]:
            last[pid] = at
    if not last:
        return {}
    still_closed = dict(visible.filter(id__in=list(last), status=Status.CLOSED).values_list("id", "deadline"))
    return {pid: (at, still_closed[pid] is None or at <= still_closed[pid])
            for pid, at in last.items() if pid in still_closed}
