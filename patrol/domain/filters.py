"""The problem filters a person sets on a page, read from and written back to a URL.

A supervisor narrows the problem list (category, status, area, period, overdue, source, a
word in the text) and sends the address to a colleague, who must see the same list. So a
filter is a value that round-trips through a query string: :func:`parse` reads what a URL
carries (keeping what is valid and naming what is not, in words a person understands), and
:func:`to_query` writes the canonical query string back (the same filter always gives the
same string, which the list's pagination, the map tiles and the export links all reuse).

Pure: no Django. Dates are local calendar days; ``until`` includes its whole day.

>>> f, errors = parse({"status": ["reported", "closed"], "category": ["garbage"], "overdue": ["1"]},
...                   categories={"garbage", "stacking"})
>>> errors
[]
>>> to_query(f)
[('category', 'garbage'), ('status', 'closed'), ('status', 'reported'), ('overdue', '1')]
>>> parse({"since": ["2025-02-30"], "page": ["x"]}, categories=set())[1]
['起始日期“2025-02-30”不是有效日期（例：2025-03-01）', '页码“x”不是正整数']
>>> parse({"page": ["²"], "area": ["³"]}, categories=set())[1]
['区域“³”无效，已忽略', '页码“²”不是正整数']
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from .workflow import STATUS_LABELS

#: Sort orders a list offers: key → (label, ORM ordering).
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "-created": ("最新上报", ("-created_at", "-id")),
    "created": ("最早上报", ("created_at", "id")),
    "deadline": ("期限最近", ("deadline", "id")),
    "-updated": ("最近更新", ("-updated_at", "-id")),
}
DEFAULT_SORT = "-created"

#: Where problems come from (patrol.models.Source), repeated here so the module stays pure.
SOURCES: dict[str, str] = {
    "patrol": "巡查发现", "inspection": "联合检查", "hotline": "12345热线", "resident": "居民反映",
    "media": "媒体曝光", "open311": "外部系统(Open311)",
}

MAX_TEXT = 100
MAX_PAGE = 100_000


@dataclass(frozen=True)
class ProblemFilter:
    """What a list of problems is narrowed to. Empty tuples and None mean "any"."""

    q: str = ""
    category: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    area: int | None = None
    since: date | None = None
    until: date | None = None
    overdue: bool = False
    sort: str = DEFAULT_SORT
    page: int = 1

    def with_page(self, page: int) -> ProblemFilter:
        return replace(self, page=page)

    @property
    def is_empty(self) -> bool:
        """No narrowing at all (sort and page do not narrow)."""
        return not (self.q or self.category or self.status or self.source or self.area is not None
                    or self.since or self.until or self.overdue)


def _values(params: Mapping[str, Sequence[str] | str], key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    out: list[str] = []
    for item in items:
        # "a,b" and repeated keys both work: a person may type either.
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return out


def _one(params, key: str) -> str:
    values = _values(params, key)
    return values[-1] if values else ""


def _text(params, key: str) -> str:
    """A free text (the search): the last value as typed, commas and all (a location text
    such as "学院路,12号" is one search, not a list).

    >>> _text({"q": ["学院路,12号 "]}, "q")
    '学院路,12号'
    """
    raw = params.get(key)
    if raw is None:
        return ""
    items = [raw] if isinstance(raw, str) else list(raw)
    return str(items[-1]).strip() if items else ""


def _choices(values: Iterable[str], allowed: Iterable[str], label: str, errors: list[str]) -> tuple[str, ...]:
    allowed = set(allowed)
    good = sorted({v for v in values if v in allowed})
    for v in values:
        if v not in allowed:
            errors.append(f"未知{label}“{v}”，已忽略")
    return tuple(good)


def _is_number(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts '²', which int() refuses."""
    return text.isascii() and text.isdigit()


def _date(text: str, label: str, errors: list[str]) -> date | None:
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        errors.append(f"{label}“{text}”不是有效日期（例：2025-03-01）")
        return None
    if not 2000 <= value.year <= 2100:
        errors.append(f"{label}“{text}”超出 2000–2100 年")
        return None
    return value


def parse(params: Mapping[str, Sequence[str] | str], *, categories: Iterable[str]) -> tuple[ProblemFilter, list[str]]:
    """The filter a query string asks for, and the reasons any part of it was ignored.

    `params` maps a key to its values (a Django QueryDict's ``lists()`` or a plain dict);
    `categories` are the category codes that exist. Never raises on user input.
    """
    errors: list[str] = []
    q = _text(params, "q")[:MAX_TEXT]
    if "\0" in q:  # the database refuses NUL in a text; no one types it
        errors.append("搜索词含有空字符（NUL），已忽略")
        q = ""
    category = _choices(_values(params, "category"), categories, "类别", errors)
    status = _choices(_values(params, "status"), STATUS_LABELS, "状态", errors)
    source = _choices(_values(params, "source"), SOURCES, "来源", errors)
    area = None
    area_text = _one(params, "area")
    if area_text:
        if _is_number(area_text) and 0 < int(area_text) < 2**31:
            area = int(area_text)
        else:
            errors.append(f"区域“{area_text}”无效，已忽略")
    since = _date(_one(params, "since"), "起始日期", errors)
    until = _date(_one(params, "until"), "截止日期", errors)
    if since and until and until < since:
        errors.append(f"截止日期 {until.isoformat()} 早于起始日期 {since.isoformat()}，已忽略截止日期")
        until = None
    overdue_text = _one(params, "overdue")
    overdue = overdue_text in {"1", "true", "on", "yes"}
    if overdue_text and not overdue and overdue_text not in {"0", "false", "off", "no"}:
        errors.append(f"“超期”只能是 1 或 0，收到“{overdue_text}”")
    sort = _one(params, "sort") or DEFAULT_SORT
    if sort not in SORTS:
        errors.append(f"未知排序“{sort}”，按最新上报排序")
        sort = DEFAULT_SORT
    page = 1
    page_text = _one(params, "page")
    if page_text:
        if _is_number(page_text) and 1 <= int(page_text) <= MAX_PAGE:
            page = int(page_text)
        else:
            errors.append(f"页码“{page_text}”不是正整数")
    return ProblemFilter(q=q, category=category, status=status, source=source, area=area, since=since,
                         until=until, overdue=overdue, sort=sort, page=page), errors


def to_query(f: ProblemFilter, *, page: bool = False, sort: bool = True) -> list[tuple[str, str]]:
    """The canonical (key, value) pairs for `f`: defaults left out, multi-values sorted.

    `page` adds the page number (when not 1); `sort=False` leaves the order out (map tiles
    and counts do not care about it).
    """
    pairs: list[tuple[str, str]] = []
    if f.q:
        pairs.append(("q", f.q))
    pairs += [("category", c) for c in sorted(f.category)]
    pairs += [("status", s) for s in sorted(f.status)]
    pairs += [("source", s) for s in sorted(f.source)]
    if f.area is not None:
        pairs.append(("area", str(f.area)))
    if f.since:
        pairs.append(("since", f.since.isoformat()))
    if f.until:
        pairs.append(("until", f.until.isoformat()))
    if f.overdue:
        pairs.append(("overdue", "1"))
    if sort and f.sort != DEFAULT_SORT:
        pairs.append(("sort", f.sort))
    if page and f.page != 1:
        pairs.append(("page", str(f.page)))
    return pairs
