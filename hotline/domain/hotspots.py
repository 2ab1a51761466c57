"""未诉先办 planning: where are complaints likely next week, so the next shift goes there first.

Each cell (a road segment or a grid) gets a score from its own history up to the day the
forecast is made:

- recent complaints and problems found there, each weighing less the older it is
  (halved every ``half_life_days``);
- problems still open there now (they tend to be complained about);
- repetition: the number of distinct weeks of the last eight with a complaint (a place that
  comes back week after week is a standing problem, not a one-off);
- season: complaints there in the same weeks of last year (summer barbecues, winter heating).

The weights are few and plain. :func:`tune` picks them on earlier weeks only and
:func:`backtest` scores the forecast on later weeks it never saw, against two baselines a
supervisor would use without this: "where complaints came last week" and "where they came
most often, ever". The figure is the share of next week's complaints that fall in the top
``k`` cells (the cells a shift can cover).

Pure: no Django. Days are ``datetime.date``; cells are any hashable id.

>>> from datetime import date
>>> events = [Event("A", "complaint", date(2026, 3, 2)), Event("A", "complaint", date(2026, 3, 9)),
...           Event("B", "complaint", date(2025, 3, 17)), Event("C", "open_problem", date(2026, 3, 10))]
>>> [r.cell for r in rank(events, at=date(2026, 3, 16))]
['A', 'C', 'B']
>>> rank(events, at=date(2026, 3, 16))[0].reasons
('近期诉求 2 件', '近8周中 2 周有诉求')
"""
from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

KINDS = ("complaint", "problem", "open_problem")
RECENT_DAYS = 120
REPEAT_WEEKS = 8
SEASON_LAG_DAYS = 364  # last year's same weekday
SEASON_SLACK_DAYS = 10  # the same weeks: ± this many days around it


@dataclass(frozen=True)
class Event:
    """Something that happened in a cell: a complaint, a problem found, or a problem still open
    (its day is when it was reported; it counts in full while open)."""

    cell: Hashable
    kind: str
    day: date


@dataclass(frozen=True)
class Weights:
    half_life_days: float = 14.0
    complaint: float = 1.0
    problem: float = 0.5
    open_problem: float = 1.5
    repeat: float = 0.5
    season: float = 0.3


@dataclass(frozen=True)
class Ranked:
    cell: Hashable
    score: float
    reasons: tuple[str, ...]


def rank(events: Iterable[Event], *, at: date, weights: Weights = Weights(), limit: int | None = None) -> list[Ranked]:
    """Cells by score for the week starting `at`, highest first (ties by cell id as text).

    Only events before `at` count: the forecast never sees the week it forecasts.
    """
    recent: dict[Hashable, float] = defaultdict(float)
    complaints: Counter = Counter()
    found: Counter = Counter()
    open_now: Counter = Counter()
    weeks: dict[Hashable, set[int]] = defaultdict(set)
    season: Counter = Counter()
    last_year = at - timedelta(days=SEASON_LAG_DAYS)
    for e in events:
        if e.kind not in KINDS:
            raise ValueError(f"unknown event kind {e.kind!r}")
        age = (at - e.day).days
        if age <= 0:
            continue
        if e.kind == "open_problem":
            open_now[e.cell] += 1
            continue
        if age <= RECENT_DAYS:
            recent[e.cell] += getattr(weights, e.kind) * 0.5 ** (age / weights.half_life_days)
            if e.kind == "complaint":
                complaints[e.cell] += 1
            else:
                found[e.cell] += 1
        if e.kind == "complaint":
            if age <= REPEAT_WEEKS * 7:
                weeks[e.cell].add((age - 1) // 7)
            if abs((e.day - last_year).days) <= SEASON_SLACK_DAYS:  # the same weeks last year
                season[e.cell] += 1
    cells = set(recent) | set(open_now) | set(weeks) | set(season)
    ranked = []
    for cell in cells:
        score = (recent[cell] + weights.open_problem * open_now[cell] + weights.repeat * len(weeks[cell])
                 + weights.season * season[cell])
        reasons = []
        if complaints[cell]:
            reasons.append(f"近期诉求 {complaints[cell]} 件")
        if found[cell]:
            reasons.append(f"近期巡查发现问题 {found[cell]} 个")
        if open_now[cell]:
            reasons.append(f"未办结问题 {open_now[cell]} 个")
        if len(weeks[cell]) > 1:
            reasons.append(f"近{REPEAT_WEEKS}周中 {len(weeks[cell])} 周有诉求")
        if season[cell]:
            reasons.append(f"去年同期诉求 {season[cell]} 件")
        ranked.append(Ranked(cell, round(score, 6), tuple(reasons)))
    ranked.sort(key=lambda r: (-r.score, str(r.cell)))
    return ranked[:limit] if limit is not None else ranked


# -- evaluation on weeks the forecast did not see --------------------------------------------------
@dataclass(frozen=True)
class WeekScore:
    week: date
    complaints: int  # complaints of that week in cells known to the forecast
    model: float  # share of them in the model's top k
    last_week: float  # … in the top k of last week's complaint counts
    most_often: float  # … in the top k of all complaints so far


def _capture(top: Sequence[Hashable], actual: Counter) -> float:
    total = sum(actual.values())
    return sum(actual[c] for c in top) / total if total else 0.0


def _top_by_count(counts: Counter, k: int) -> list[Hashable]:
    return [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:k]]


def backtest(events: Sequence[Event], *, weeks: Sequence[date], k: int, weights: Weights = Weights()) -> list[WeekScore]:
    """For each week start in `weeks`: forecast from what came before, compare with what came.

    ``open_problem`` events are taken as open at every week after their day (the history of
    closing is not part of this simple backtest).
    """
    complaints = [e for e in events if e.kind == "complaint"]
    scores = []
    for start in weeks:
        end = start + timedelta(days=7)
        actual = Counter(e.cell for e in complaints if start <= e.day < end)
        if not actual:
            continue
        model = [r.cell for r in rank(events, at=start, weights=weights, limit=k)]
        last = Counter(e.cell for e in complaints if start - timedelta(days=7) <= e.day < start)
        ever = Counter(e.cell for e in complaints if e.day < start)
        scores.append(WeekScore(start, sum(actual.values()), _capture(model, actual),
                                _capture(_top_by_count(last, k), actual), _capture(_top_by_count(ever, k), actual)))
    return scores


def mean_capture(scores: Sequence[WeekScore]) -> dict[str, float]:
    """Complaint-weighted mean capture of the model and of the two baselines.

    >>> mean_capture([WeekScore(date(2026, 1, 5), 10, 0.5, 0.2, 0.4), WeekScore(date(2026, 1, 12), 30, 0.7, 0.3, 0.5)])
    {'model': 0.65, 'last_week': 0.275, 'most_often': 0.475, 'weeks': 2}
    """
    total = sum(s.complaints for s in scores)
    if not total:
        return {"model": 0.0, "last_week": 0.0, "most_often": 0.0, "weeks": 0}
    return {name: round(sum(getattr(s, name) * s.complaints for s in scores) / total, 4)
            for name in ("model", "last_week", "most_often")} | {"weeks": len(scores)}


GRID = {"half_life_days": (7.0, 14.0, 28.0, 56.0), "repeat": (0.0, 0.5, 1.0), "season": (0.0, 0.3, 1.0),
        "open_problem": (0.5, 1.5)}


def tune(events: Sequence[Event], *, weeks: Sequence[date], k: int, base: Weights = Weights(),
         grid: dict[str, tuple[float, ...]] | None = None) -> Weights:
    """The weights of `grid` (default GRID) that capture most on `weeks` (training weeks: earlier
    than any week the result is scored on). Ties keep the earlier grid point (the plainer one)."""
    grid = grid or GRID
    best, best_score = base, -1.0
    names = list(grid)
    for values in itertools.product(*(grid[n] for n in names)):
        w = replace(base, **dict(zip(names, values, strict=True)))
        score = mean_capture(backtest(events, weeks=weeks, k=k, weights=w))["model"]
        if score > best_score:
            best, best_score = w, score
    return best
