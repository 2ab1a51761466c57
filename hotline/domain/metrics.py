"""接诉即办 metrics: volume and its year-on-year change, the three rates, the composite score,
and the ranking of street offices with the bottom ones flagged for focused governance (重点治理).

Definitions (those of Beijing's 接诉即办 assessment, "三率考核"):
- 响应率 response rate = orders responded / orders assessed for response;
- 解决率 resolution rate = orders resolved / orders assessed for resolution;
- 满意率 satisfaction rate = orders satisfied / orders assessed for satisfaction.
An order not assessed on a rate (its cell empty) is in neither numerator nor denominator.
Rates are percentages with two decimals, rounded half up, as the district's papers print
them; a change of a rate is the difference of the two printed rates, in percentage points,
so a reader can check it by subtraction. Volume change is reported as a count and a percent
of last year's volume: the source's "减少了1684件，同比下降了16.59%" is 1684 / 10151.

>>> change = volume_change(8467, 10151)
>>> change.count, change.percent
(-1684, Decimal('-16.59'))
>>> rate(9235, 10000), points_change(Decimal('92.35'), Decimal('89.16'))
(Decimal('92.35'), Decimal('3.19'))
>>> composite_score(Decimal('100'), Decimal('90'), Decimal('80'), {"response": 10, "resolution": 45, "satisfaction": 45})
Decimal('86.50')
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")
RATES = ("response", "resolution", "satisfaction")
RATE_LABELS = {"response": "响应率", "resolution": "解决率", "satisfaction": "满意率"}
# Beijing's 接诉即办 assessment weighs the three rates 10 : 45 : 45 (see README, "12345 hotline").
DEFAULT_WEIGHTS = {"response": 10, "resolution": 45, "satisfaction": 45}


def _round(x: Decimal) -> Decimal:
    return x.quantize(TWO, rounding=ROUND_HALF_UP)


def rate(numerator: int, denominator: int) -> Decimal | None:
    """A percentage with two decimals, half up; None when nothing was assessed.

    >>> rate(2, 3), rate(1, 8), rate(0, 0)
    (Decimal('66.67'), Decimal('12.50'), None)
    """
    if denominator <= 0:
        return None
    return _round(Decimal(numerator) * 100 / Decimal(denominator))


@dataclass(frozen=True)
class Change:
    count: int
    percent: Decimal | None  # None when last year had none


def volume_change(current: int, previous: int) -> Change:
    """Change of volume against the same period last year: count and percent of last year's.

    >>> volume_change(120, 100), volume_change(3, 0).percent
    (Change(count=20, percent=Decimal('20.00')), None)
    """
    pct = _round(Decimal(current - previous) * 100 / Decimal(previous)) if previous > 0 else None
    return Change(current - previous, pct)


def points_change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Difference of two printed rates in percentage points (None if either is missing).

    >>> points_change(Decimal('90.00'), None) is None
    True
    """
    if current is None or previous is None:
        return None
    return current - previous


def composite_score(response: Decimal | None, resolution: Decimal | None, satisfaction: Decimal | None,
                    weights: dict[str, float]) -> Decimal | None:
    """Weighted mean of the available rates (weights renormalised over those present).

    >>> w = {"response": 10, "resolution": 45, "satisfaction": 45}
    >>> composite_score(Decimal('100'), Decimal('80'), None, w)
    Decimal('83.64')
    >>> composite_score(None, None, None, w) is None
    True
    """
    values = {"response": response, "resolution": resolution, "satisfaction": satisfaction}
    used = {k: Decimal(str(weights.get(k, 0))) for k, v in values.items() if v is not None}
    total = sum(used.values(), Decimal(0))
    if total <= 0:
        return None
    return _round(sum((values[k] * w for k, w in used.items()), Decimal(0)) / total)


@dataclass(frozen=True)
class Tally:
    """Counts of one unit in one period (what a selector aggregates)."""
    total: int = 0
    responded: int = 0
    response_assessed: int = 0
    resolved: int = 0
    resolution_assessed: int = 0
    satisfied: int = 0
    satisfaction_assessed: int = 0
    difficult: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, ...]:
        return (self.total, self.responded, self.response_assessed, self.resolved, self.resolution_assessed,
                self.satisfied, self.satisfaction_assessed, self.difficult)


@dataclass(frozen=True)
class UnitMetrics:
    name: str
    volume: int
    volume_change: Change
    rates: dict[str, Decimal | None]
    changes: dict[str, Decimal | None]  # percentage points against the same period last year
    score: Decimal | None
    score_change: Decimal | None
    difficult: int = 0


def unit_metrics(name: str, current: Tally, previous: Tally, weights: dict[str, float]) -> UnitMetrics:
    """Everything the ranking shows for one unit.

    >>> now = Tally(total=10, responded=10, response_assessed=10, resolved=9, resolution_assessed=10,
    ...             satisfied=8, satisfaction_assessed=10)
    >>> m = unit_metrics("甲街道", now, Tally(total=8, resolved=6, resolution_assessed=8), DEFAULT_WEIGHTS)
    >>> m.volume_change, m.rates["resolution"], m.changes["resolution"], m.score
    (Change(count=2, percent=Decimal('25.00')), Decimal('90.00'), Decimal('15.00'), Decimal('86.50'))
    """
    def rates_of(t: Tally) -> dict[str, Decimal | None]:
        return {"response": rate(t.responded, t.response_assessed),
                "resolution": rate(t.resolved, t.resolution_assessed),
                "satisfaction": rate(t.satisfied, t.satisfaction_assessed)}

    now, before = rates_of(current), rates_of(previous)
    score = composite_score(now["response"], now["resolution"], now["satisfaction"], weights)
    score_before = composite_score(before["response"], before["resolution"], before["satisfaction"], weights)
    return UnitMetrics(name=name, volume=current.total, volume_change=volume_change(current.total, previous.total),
                       rates=now, changes={k: points_change(now[k], before[k]) for k in RATES},
                       score=score, score_change=points_change(score, score_before), difficult=current.difficult)


@dataclass(frozen=True)
class RankedUnit:
    rank: int | None  # None: no rate assessed in the period, not ranked
    metrics: UnitMetrics
    flagged: bool  # 重点治理
    reasons: tuple[str, ...] = field(default=())


def rank_units(units: list[UnitMetrics], *, flag_bottom: int = 0, flag_below: Decimal | None = None) -> list[RankedUnit]:
    """Rank by composite score, highest first; equal scores share a rank (1, 2, 2, 4).

    The last `flag_bottom` ranks (never more than half of the ranked units: of two offices,
    one is last, not both), and every unit scoring below `flag_below`, are flagged 重点治理;
    a unit with no assessed order has no score and is listed last, unranked.

    Units of equal score are flagged by rank together or not at all: a tie reaching past the
    last `flag_bottom` is flagged whole while that keeps the flagged to half of the ranked
    units, else none of it is (nor any tie above it). So when every unit scores the same, none
    is last and none is flagged by rank.

    >>> mk = lambda n, s: UnitMetrics(n, 1, Change(0, None), {}, {}, None if s is None else Decimal(s), None)
    >>> rows = rank_units([mk("甲", "90"), mk("乙", "95"), mk("丙", "90"), mk("丁", None), mk("戊", "70")],
    ...                   flag_bottom=1, flag_below=Decimal("85"))
    >>> [(r.rank, r.metrics.name, r.flagged) for r in rows]
    [(1, '乙', False), (2, '丙', False), (2, '甲', False), (4, '戊', True), (None, '丁', False)]
    >>> rows[3].reasons
    ('综合得分排名后1位', '综合得分低于85分')
    >>> [r.flagged for r in rank_units([mk("甲", "90"), mk("乙", "80")], flag_bottom=2)]
    [False, True]
    >>> [r.flagged for r in rank_units([mk("甲", "90"), mk("乙", "90")], flag_bottom=2)]
    [False, False]
    >>> five = [mk("甲", "99"), mk("乙", "95"), mk("丙", "90"), mk("丁", "80"), mk("戊", "80")]
    >>> [r.metrics.name for r in rank_units(five, flag_bottom=1) if r.flagged]  # 2 of 5: within half
    ['丁', '戊']
    >>> [r.metrics.name for r in rank_units(five[1:], flag_bottom=1) if r.flagged]  # 2 of 4: within half
    ['丁', '戊']
    >>> [r.metrics.name for r in rank_units(five[2:], flag_bottom=1) if r.flagged]  # 2 of 3: more than half
    []
    """
    scored = sorted((u for u in units if u.score is not None), key=lambda u: (-u.score, u.name))
    unscored = sorted((u for u in units if u.score is None), key=lambda u: u.name)
    ranked: list[RankedUnit] = []
    bottom = min(flag_bottom, len(scored) // 2)
    last = _last_ranks(scored, bottom, len(scored) // 2)
    rank = 0
    for i, u in enumerate(scored, start=1):
        if i == 1 or u.score != scored[i - 2].score:
            rank = i
        reasons = []
        if i - 1 in last:
            reasons.append(f"综合得分排名后{bottom}位")
        if flag_below is not None and u.score < flag_below:
            reasons.append(f"综合得分低于{flag_below:f}分")
        ranked.append(RankedUnit(rank, u, bool(reasons), tuple(reasons)))
    ranked += [RankedUnit(None, u, False) for u in unscored]
    return ranked


def _last_ranks(scored: list[UnitMetrics], bottom: int, cap: int) -> set[int]:
    """Indexes into `scored` (best first) of the units flagged by rank: whole ties from the
    bottom up, while fewer than `bottom` are taken and the total stays within `cap`."""
    out: set[int] = set()
    end = len(scored)
    while end > 0 and len(out) < bottom:
        start = end - 1
        while start > 0 and scored[start - 1].score == scored[end - 1].score:
            start -= 1
        if len(out) + end - start > cap:
            break  # this tie would flag more than half: none of it is last
        out.update(range(start, end))
        end = start
    return out


# --- Periods -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A week, month or year; while it is still in progress (a week on its Wednesday) only its
    days so far are counted, up to `to_date`, and it is set against the same days of the period
    it is compared with (`same_period_last_year`, `previous_period`), never against the whole of
    it: three days against seven is a fall of 57 % when nothing has changed."""
    kind: str  # week / month / year
    start: dt.date  # first day
    end: dt.date  # last day (inclusive)
    to_date: dt.date | None = None  # in progress: the last day counted (today); None: the whole period

    @property
    def partial(self) -> bool:
        """Counted to date only: the period had not ended on the day it was read."""
        return self.to_date is not None

    @property
    def last_day(self) -> dt.date:
        """The last day counted: `to_date` while in progress, else `end`."""
        return self.to_date or self.end

    @property
    def label(self) -> str:
        """How the bulletin names the period.

        >>> period_of("week", dt.date(2026, 11, 25)).label
        '2026年第48周（11月23日至11月29日）'
        >>> period_of("month", dt.date(2026, 2, 3)).label, period_of("year", dt.date(2026, 2, 3)).label
        ('2026年2月', '2026年')
        """
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return (f"{year}年第{week}周（{self.start.month}月{self.start.day}日至"
                    f"{self.end.month}月{self.end.day}日）")
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.year}年"

    @property
    def key(self) -> str:
        """The period in a URL: 2026-W48, 2026-11, 2026."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return str(self.start.year)


PERIOD_KINDS = {"week": "周", "month": "月", "year": "年"}
MIN_YEAR, MAX_YEAR = 2000, 2100  # periods a URL may name (and the year before, and after, exist)


def period_of(kind: str, day: dt.date) -> Period:
    """The ISO week (Monday to Sunday), calendar month or year that holds `day`."""
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        return Period("week", start, start + dt.timedelta(days=6))
    if kind == "month":
        start = day.replace(day=1)
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
        return Period("month", start, nxt - dt.timedelta(days=1))
    if kind == "year":
        return Period("year", dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    raise ValueError(f"未知的统计周期“{kind}”，应为 week、month 或 year")


def same_period_last_year(p: Period) -> Period:
    """Week N of last year (week 52 when last year had no week 53), the same month, last year.

    >>> same_period_last_year(period_of("week", dt.date(2026, 11, 25))).start
    datetime.date(2025, 11, 24)
    >>> same_period_last_year(period_of("week", dt.date(2026, 12, 31))).key  # 2026 has 53 weeks
    '2025-W52'
    """
    if p.kind == "week":
        year, week, _ = p.start.isocalendar()
        weeks_last_year = dt.date(year - 1, 12, 28).isocalendar()[1]
        start = dt.date.fromisocalendar(year - 1, min(week, weeks_last_year), 1)
        return _same_days(Period("week", start, start + dt.timedelta(days=6)), p)
    return _same_days(period_of(p.kind, p.start.replace(year=p.start.year - 1)), p)


def previous_period(p: Period) -> Period:
    """The period just before (for 环比, "比上周"); of a period in progress, its same days.

    >>> previous_period(period_of("month", dt.date(2026, 1, 15))).key
    '2025-12'
    >>> previous_period(as_of(period_of("month", dt.date(2026, 3, 31)), dt.date(2026, 3, 31))).last_day
    datetime.date(2026, 2, 28)
    """
    return _same_days(period_of(p.kind, p.start - dt.timedelta(days=1)), p)


def _same_days(other: Period, p: Period) -> Period:
    """`other` counted as far as `p` is: a week from Monday to the same weekday, a month from
    the 1st to the same day (its last day when it is shorter: 31 March to 28 February), a year
    to the same date (29 February to the 28th)."""
    if p.to_date is None:
        return other
    d = p.to_date
    if p.kind == "week":
        day = other.start + (d - p.start)
    elif p.kind == "month":
        day = other.start.replace(day=min(d.day, other.end.day))
    else:
        month_end = period_of("month", dt.date(other.start.year, d.month, 1)).end
        day = month_end.replace(day=min(d.day, month_end.day))
    return replace(other, to_date=day)


def as_of(p: Period, today: dt.date) -> Period:
    """The period as it stands on `today`: one still in progress is counted to today (Monday to
    today, the 1st to today); one that has ended, or not begun, whole.

    >>> p = as_of(period_of("week", dt.date(2026, 12, 2)), dt.date(2026, 12, 2))  # a Wednesday
    >>> p.partial, p.last_day, same_period_last_year(p).last_day  # 2025-W49: 1 to 3 December
    (True, datetime.date(2026, 12, 2), datetime.date(2025, 12, 3))
    >>> as_of(period_of("week", dt.date(2026, 11, 25)), dt.date(2026, 12, 2)).partial
    False
    """
    return replace(p, to_date=today if p.start <= today <= p.end else None)


def latest_complete_period(kind: str, newest: dt.date | None, today: dt.date) -> Period:
    """The period pages open on: the one holding the newest complaint when it has ended by
    `today`, else the one before it (a weekly 周通报 or a monthly 月排名 judges whole periods).
    A complaint dated after today counts as today's; with none, the last period that has ended.

    >>> latest_complete_period("week", dt.date(2026, 12, 2), dt.date(2026, 12, 2)).key  # Wednesday
    '2026-W48'
    >>> latest_complete_period("week", dt.date(2026, 11, 29), dt.date(2026, 11, 30)).key  # Sunday's, on Monday
    '2026-W48'
    >>> latest_complete_period("month", dt.date(2026, 11, 30), dt.date(2026, 11, 30)).key
    '2026-10'
    """
    day = min(newest, today) if newest is not None else today
    p = period_of(kind, day)
    return p if p.end < today else previous_period(p)


WEEKDAYS = "一二三四五六日"
_THIS = {"week": "本周", "month": "本月", "year": "本年度"}
_PREVIOUS = {"week": "上周", "month": "上月"}  # a year has no 环比 in the bulletin


def so_far_phrase(p: Period) -> str:
    """'本周截至12月2日（周三）' for a period in progress ('' for a whole one).

    >>> so_far_phrase(as_of(period_of("month", dt.date(2026, 12, 2)), dt.date(2026, 12, 2)))
    '本月截至12月2日'
    """
    if p.to_date is None:
        return ""
    d = p.to_date
    weekday = f"（周{WEEKDAYS[d.weekday()]}）" if p.kind == "week" else ""
    return f"{_THIS[p.kind]}截至{d.month}月{d.day}日{weekday}"


def to_date_note(p: Period, last_year: Period) -> str | None:
    """What a page, the Excel, the bulletin and the API say of a period in progress: counted
    to today, and set against the same days of last year's (and of the previous) period.

    >>> p = as_of(period_of("week", dt.date(2026, 12, 2)), dt.date(2026, 12, 2))
    >>> print(to_date_note(p, same_period_last_year(p)))
    本周截至12月2日（周三），同比按去年同期同日数（2025年12月1日至12月3日），环比按上周同日数。
    """
    if p.to_date is None:
        return None
    a, b = last_year.start, last_year.last_day
    text = f"{so_far_phrase(p)}，同比按去年同期同日数（{a.year}年{a.month}月{a.day}日至{b.month}月{b.day}日）"
    if p.kind in _PREVIOUS:
        text += f"，环比按{_PREVIOUS[p.kind]}同日数"
    return text + "。"


def parse_period_key(kind: str, key: str) -> Period:
    """A period from its URL form; ValueError with a Chinese message when malformed.

    >>> parse_period_key("week", "2026-W48").start, parse_period_key("month", "2026-02").end
    (datetime.date(2026, 11, 23), datetime.date(2026, 2, 28))
    """
    message = f"统计周期“{key}”无效，应写成 2026-W48（周）、2026-11（月）或 2026（年），年份在{MIN_YEAR}—{MAX_YEAR}之间"
    year_text = key.strip()[:4]
    if not (year_text.isdigit() and MIN_YEAR <= int(year_text) <= MAX_YEAR):
        raise ValueError(message)
    try:
        if kind == "week":
            year, week = key.upper().split("-W")
            return period_of("week", dt.date.fromisocalendar(int(year), int(week), 1))
        if kind == "month":
            year, month = key.split("-")
            return period_of("month", dt.date(int(year), int(month), 1))
        if kind == "year":
            return period_of("year", dt.date(int(key), 1, 1))
    except ValueError as exc:
        raise ValueError(message) from exc
    raise ValueError(f"未知的统计周期“{kind}”，应为 week、month 或 year")
