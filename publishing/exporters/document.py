"""A publication as the exporters see it: the heading and the numbered lines, each with
the point it is about (WGS84), if known.

>>> doc = ListDocument(title="未诉先办", number="2026年第12期", area="学院路街道",
...                    period="2026年11月1日至11月7日", lines=(ListLine("1. 甲街道，积存垃圾。", 39.9, 116.3),))
>>> doc.heading, doc.text
('未诉先办（2026年第12期）', '1. 甲街道，积存垃圾。')
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# The CJK font every export names (Debian: fonts-wqy-microhei, installed by bootstrap).
CJK_FONT = "WenQuanYi Micro Hei"


@dataclass(frozen=True)
class ListLine:
    text: str  # with its number: "1. 东铁匠营街道，…。"
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class ListDocument:
    title: str
    number: str  # "" for a draft
    area: str
    period: str
    lines: tuple[ListLine, ...]
    published_at: str = ""  # "2026年11月30日", "" for a draft
    checksum: str = ""

    @property
    def heading(self) -> str:
        return f"{self.title}（{self.number}）" if self.number else f"{self.title}（草稿）"

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def chinese_date(day: dt.date) -> str:
    """A date as Chinese text writes it.

    >>> chinese_date(dt.date(2026, 1, 5))
    '2026年1月5日'
    """
    return f"{day.year}年{day.month}月{day.day}日"


def period_text(start: dt.date, end: dt.date) -> str:
    """The period as a heading writes it (the year once when both ends share it).

    >>> period_text(dt.date(2026, 11, 1), dt.date(2026, 11, 7))
    '2026年11月1日至11月7日'
    >>> period_text(dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    '2025年12月29日至2026年1月4日'
    """
    tail = chinese_date(end) if start.year != end.year else f"{end.month}月{end.day}日"
    return f"{chinese_date(start)}至{tail}"
