"""Reading complaints into the pure metrics: counts per unit (or team, or handler) and period,
one aggregate query per period, then hotline.domain.metrics does the arithmetic.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..domain.bulletin import Bulletin, weekly_bulletin
from ..domain.metrics import (
    DEFAULT_WEIGHTS,
    Period,
    RankedUnit,
    Tally,
    UnitMetrics,
    as_of,
    latest_complete_period,
    previous_period,
    rank_units,
    same_period_last_year,
    so_far_phrase,
    to_date_note,
    unit_metrics,
)
from ..models import Complaint

GROUPS = {"unit": "office", "team": "team_name", "handler": "handler_name"}
GROUP_LABELS = {"unit": "承办单位", "team": "承办科室", "handler": "承办人"}


def _bounds(p: Period) -> tuple[dt.datetime, dt.datetime]:
    """The local days counted: all of the period, or of one in progress its days to date."""
    start = timezone.make_aware(dt.datetime.combine(p.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(p.last_day + dt.timedelta(days=1), dt.time.min))
    return start, end


# Keys "n_<Tally field>": an annotation may not share a model field's name (its filter would
# refer to the annotation).
_AGGREGATES = dict(
    n_total=Count("pk"),
    n_responded=Count("pk", filter=Q(responded=True)),
    n_response_assessed=Count("pk", filter=Q(responded__isnull=False)),
    n_resolved=Count("pk", filter=Q(resolved=True)),
    n_resolution_assessed=Count("pk", filter=Q(resolved__isnull=False)),
    n_satisfied=Count("pk", filter=Q(satisfied=True)),
    n_satisfaction_assessed=Count("pk", filter=Q(satisfied__isnull=False)),
    n_difficult=Count("pk", filter=Q(difficult=True)),
)


def with_office(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """`office`: the unit a complaint is ranked under. Exports spell one office in more than one
    way (西红门地区(西红门镇) / 西红门地区（西红门镇）, 学院路 街道); the import links each spelling to
    the area or agency of that name (hotline.services.imports `match_key`), and the ranking
    counts the office once, under the platform's name, when it has one."""
    return qs.annotate(office=Coalesce("unit_area__name", "unit_agency__name", "unit_name"))


def _tally(row: dict) -> Tally:
    return Tally(**{k[2:]: row[k] for k in _AGGREGATES})


def tallies(period: Period, *, group: str = "unit", unit: str | None = None) -> dict[str, Tally]:
    """Counts per unit (or per team / handler inside `unit`) for the period."""
    start, end = _bounds(period)
    qs = with_office(Complaint.objects.filter(received_at__gte=start, received_at__lt=end))
    if unit is not None:
        qs = qs.filter(office=unit)
    column = GROUPS[group]
    rows = qs.values(column).annotate(**_AGGREGATES).order_by(column)
    return {(row[column] or "（未填写）"): _tally(row) for row in rows}


def total_tally(period: Period, *, unit: str | None = None) -> Tally:
    start, end = _bounds(period)
    qs = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    if unit is not None:
        qs = with_office(qs).filter(office=unit)
    return _tally(qs.aggregate(**_AGGREGATES))


def latest_day() -> dt.date | None:
    """The day of the newest complaint (pages open on the period that holds it once it has ended)."""
    newest = Complaint.objects.aggregate(m=Max("received_at"))["m"]
    return timezone.localtime(newest).date() if newest else None


def unit_names() -> list[str]:
    return list(with_office(Complaint.objects.all()).order_by("office").values_list("office", flat=True).distinct())


def units_ranked_inside_for(officer) -> set[str] | None:
    """The offices whose teams and handlers `officer` may see ranked (科室、承办人排名: named
    staff and their rates); None: every office (a district-level officer). Street offices are
    ranked against one another in the open, but the people inside one are that office's own
    business: an office's officers see its teams and handlers, as the district does."""
    from org.selectors import district_wide, jurisdiction_area_ids

    if district_wide(officer):
        return None
    areas = jurisdiction_area_ids(officer)
    own = Complaint.objects.filter(Q(unit_area_id__in=areas) | Q(unit_agency__area_id__in=areas))
    return set(with_office(own).values_list("office", flat=True).distinct())


def unit_exists(name: str) -> bool:
    """Whether complaints are ranked under this office name (any spelling the export used)."""
    return with_office(Complaint.objects.all()).filter(office=name).exists()


@dataclass(frozen=True)
class Ranking:
    period: Period  # partial: still in progress, counted to date
    last_year: Period  # of a period in progress, its same days
    group: str
    unit: str | None
    rows: list[RankedUnit]
    total: UnitMetrics
    previous_volume: int  # the period just before (环比; of a period in progress, its same days)
    weights: dict[str, float]
    flag_bottom: int
    flag_below: Decimal | None

    @property
    def note(self) -> str | None:
        """本周截至12月2日（周三），同比按去年同期同日数（…）… for a period in progress, else None."""
        return to_date_note(self.period, self.last_year)


def weights() -> dict[str, float]:
    return dict(getattr(settings, "HOTLINE_SCORE_WEIGHTS", DEFAULT_WEIGHTS))


def ranking(period: Period, *, group: str = "unit", unit: str | None = None,
            today: dt.date | None = None) -> Ranking:
    """The ranking of street offices (or of one office's teams / handlers) for a period. A period
    still in progress on `today` (the local date by default) is counted to date and set against
    the same days of last year's period and of the one before (hotline.domain.metrics `as_of`)."""
    if group not in GROUPS:
        raise ValueError(f"未知的排名对象“{group}”")
    period = as_of(period, today or timezone.localdate())
    w = weights()
    last = same_period_last_year(period)
    now, before = tallies(period, group=group, unit=unit), tallies(last, group=group, unit=unit)
    # a unit with complaints last year and none now is listed too (its fall to none, unranked)
    rows_ = [unit_metrics(name, now.get(name, Tally()), before.get(name, Tally()), w)
             for name in sorted(now.keys() | before.keys())]
    flag_bottom = int(getattr(settings, "HOTLINE_FLAG_BOTTOM", 0)) if group == "unit" else 0
    below = getattr(settings, "HOTLINE_FLAG_BELOW", None)
    flag_below = Decimal(str(below)).normalize() if below is not None else None
    total = unit_metrics(unit or "全部", total_tally(period, unit=unit), total_tally(last, unit=unit), w)
    return Ranking(period=period, last_year=last, group=group, unit=unit,
                   rows=rank_units(rows_, flag_bottom=flag_bottom, flag_below=flag_below), total=total,
                   previous_volume=total_tally(previous_period(period), unit=unit).total, weights=w,
                   flag_bottom=flag_bottom, flag_below=flag_below)


def default_period(kind: str, *, today: dt.date | None = None) -> Period:
    """The period pages open on when none is chosen: the latest complete one (the period of the
    newest complaint once it has ended by today's local date, else the one before it)."""
    return latest_complete_period(kind, latest_day(), today or timezone.localdate())


def district_name() -> str:
    """The district the complaints' street offices belong to, as the bulletin's title names it."""
    row = (Complaint.objects.filter(unit_area__parent__isnull=False)
           .values_list("unit_area__parent__name", flat=True).first())
    return row or "本区"


def bulletin_of(r: Ranking) -> Bulletin:
    when = {"week": "本周", "month": "本月", "year": "本年度"}[r.period.kind]
    return weekly_bulletin(district=district_name(), period_label=r.period.label, total=r.total, ranking=r.rows,
                           previous_volume=r.previous_volume if r.period.kind != "year" else None, when=when,
                           so_far=so_far_phrase(r.period), note=r.note)
