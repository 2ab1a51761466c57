"""The problem filters of a map, read from a URL's query string.

The same names and meanings as ``/api/v1/problems/layer`` (api/v1/problem_layer.py), so a
dashboard URL, a tile URL and an API call say the same thing:

``category``  category codes, repeatable (``?category=0103&category=0201``) or comma-separated;
``status``    workflow states, repeatable or comma-separated;
``area``      an area id (subdistrict, community or grid; its descendants are included);
``since``     ISO date (a whole local day) or datetime: created at or after;
``until``     ISO date (its whole local day is included) or datetime (excluded): created before;
``overdue``   ``1``/``true``/``on``: only open problems past their deadline; ``0``/``false``/``off``: no
              restriction (as the dashboard's filter, patrol/domain/filters.py, reads it);
``source``    where problems came from (patrol, hotline …), repeatable, as the dashboard's list;
``q``         words in the location text or the description, as the dashboard's list.

The dashboard's list (patrol/domain/filters.py) reads the same names leniently (it names a bad
value and shows the rest); a tile is strict (a bad value is a 400), because a map that quietly
dropped a filter would show more than the list beside it.

Pure: no Django. The catalogue's codes and the states are passed in (the view passes the
category catalogue and the workflow's states); dates are made aware in the ``tz`` given.
A bad value raises :class:`FilterError` with a Chinese message naming the parameter.

>>> from zoneinfo import ZoneInfo
>>> f = parse_problem_filters({"status": ["reported,dispatched"], "since": ["2026-03-01"],
...                            "until": ["2026-03-01"]},
...                           categories={"0103"}, statuses={"reported", "dispatched"},
...                           tz=ZoneInfo("Asia/Shanghai"))
>>> f.status, f.since.isoformat(), f.until.isoformat()
(('dispatched', 'reported'), '2026-03-01T00:00:00+08:00', '2026-03-02T00:00:00+08:00')
>>> parse_problem_filters({"category": ["9999"]}, categories={"0103"}, statuses=set(), tz=ZoneInfo("UTC"))
Traceback (most recent call last):
...
maps.filters.FilterError: category: 未知类别代码：9999
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from urllib.parse import urlencode

from patrol.domain.filters import MAX_TEXT, SOURCES

__all__ = ["FILTER_NAMES", "FilterError", "ProblemFilters", "parse_problem_filters"]

FILTER_NAMES = ("category", "status", "area", "since", "until", "overdue", "source", "q")

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?")
# PostgreSQL takes UTC offsets up to ±15:59 (Python's datetime up to ±23:59); every zone in
# use lies within -12:00…+14:00, so a larger one is refused as a typing error, not sent on.
MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)
_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"0", "false", "off", "no"}


class FilterError(ValueError):
    """A filter value that cannot be read; ``field`` names the parameter, the text is Chinese."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ProblemFilters:
    category: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    area: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    overdue: bool = False
    source: tuple[str, ...] = ()
    q: str = ""

    def query_string(self) -> str:
        """The filters as a query string (empty when there are none), in the parameters' own syntax.

        >>> ProblemFilters(category=("0103",), status=("reported",), overdue=True).query_string()
        'category=0103&status=reported&overdue=1'
        """
        pairs: list[tuple[str, str]] = [("category", c) for c in self.category]
        pairs += [("status", s) for s in self.status]
        if self.area is not None:
            pairs.append(("area", str(self.area)))
        if self.since is not None:
            pairs.append(("since", self.since.isoformat()))
        if self.until is not None:
            pairs.append(("until", self.until.isoformat()))
        if self.overdue:
            pairs.append(("overdue", "1"))
        pairs += [("source", s) for s in self.source]
        if self.q:
            pairs.append(("q", self.q))
        return urlencode(pairs)


def _items(values: Sequence[str]) -> list[str]:
    return [v.strip() for raw in values for v in str(raw).split(",")]


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name) or []
    if not values:
        return None
    if len(values) > 1:
        raise FilterError(name, "只能给一个值")
    return str(values[-1]).strip()


def _moment(name: str, text: str, tz: tzinfo, *, end: bool) -> datetime:
    """The first instant of a date (the day after, for an end) or the datetime itself."""
    if _DATE_RE.fullmatch(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise FilterError(name, f"日期不存在：{text}") from None
        if not 2000 <= day.year <= 2100:
            raise FilterError(name, "日期须在 2000–2100 年之间")
        return datetime.combine(day + timedelta(days=1) if end else day, time.min, tzinfo=tz)
    if _DATETIME_RE.fullmatch(text):
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise FilterError(name, f"日期时间不存在：{text}") from None
        if not 2000 <= value.year <= 2100:
            raise FilterError(name, "日期须在 2000–2100 年之间")
        if value.tzinfo is not None and abs(value.utcoffset()) > MAX_UTC_OFFSET:
            raise FilterError(name, f"时区偏移须在 -15:59 至 +15:59 之间（如 +08:00）：{text}")
        return value if value.tzinfo else value.replace(tzinfo=tz)
    raise FilterError(name, "需要 ISO 日期（2025-03-01）或日期时间（2025-03-01T08:00:00+08:00）")


def parse_problem_filters(params: Mapping[str, Sequence[str]], *, categories: Iterable[str],
                          statuses: Iterable[str], tz: tzinfo) -> ProblemFilters:
    """Read the filters from ``{name: [values]}`` (a QueryDict's ``lists()``, or a plain dict).

    Unknown parameters are ignored (a page's URL may carry its own, e.g. ``z``).

    >>> from zoneinfo import ZoneInfo
    >>> parse_problem_filters({"area": ["x"]}, categories=(), statuses=(), tz=ZoneInfo("UTC"))
    Traceback (most recent call last):
    ...
    maps.filters.FilterError: area: 区域编号须为正整数
    """
    known_categories = set(categories)
    known_statuses = set(statuses)

    category: list[str] = []
    if params.get("category"):
        category = sorted(set(_items(params["category"])))
        unknown = [c for c in category if c not in known_categories]
        if unknown:
            raise FilterError("category", f"未知类别代码：{'、'.join(unknown) or '（空）'}")

    status: list[str] = []
    if params.get("status"):
        status = sorted(set(_items(params["status"])))
        unknown = [s for s in status if s not in known_statuses]
        if unknown:
            raise FilterError("status", f"未知状态：{'、'.join(unknown) or '（空）'}；可用：{'、'.join(sorted(known_statuses))}")

    area = None
    raw_area = _one(params, "area")
    if raw_area is not None:
        # ASCII digits only: str.isdigit() also accepts '²', which int() refuses
        if not (raw_area.isascii() and raw_area.isdigit()) or len(raw_area) > 12 or int(raw_area) < 1:
            raise FilterError("area", "区域编号须为正整数")
        area = int(raw_area)

    since = until = None
    raw = _one(params, "since")
    if raw is not None:
        since = _moment("since", raw, tz, end=False)
    raw = _one(params, "until")
    if raw is not None:
        until = _moment("until", raw, tz, end=True)
    if since is not None and until is not None and since >= until:
        raise FilterError("until", "until 必须晚于 since")

    overdue = False
    raw = _one(params, "overdue")
    if raw is not None:
        if raw.lower() in _TRUE:
            overdue = True
        elif raw.lower() not in _FALSE:
            raise FilterError("overdue", "overdue 只能是 1 或 0")

    source: list[str] = []
    if params.get("source"):
        source = sorted(set(_items(params["source"])))
        unknown = [v for v in source if v not in SOURCES]
        if unknown:
            raise FilterError("source", f"未知来源：{'、'.join(unknown) or '（空）'}")
    q = (_one(params, "q") or "")[:MAX_TEXT]
    if "\0" in q:  # the database refuses NUL in a text
        raise FilterError("q", "搜索词不能含空字符（NUL）")

    return ProblemFilters(category=tuple(category), status=tuple(status), area=area, since=since, until=until,
                          overdue=overdue, source=tuple(source), q=q)
