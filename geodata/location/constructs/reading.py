"""The shared state of reading one line, and the name tests every construct uses.

`Reading` holds what has been read so far (values and their spans, the landmarks as
`Mark` objects, the anchor, the construct read last); `valid_road`, `_valid_name` and
`_base_road` decide whether a piece of text can be a road or a name at all, for
instance that 革新南路 is a road, 不知道 is none and 太清路东段 is the road 太清路. The
construct modules import from here, never from one another's state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from geodata.location.lexicon import (
    FACILITY_END,
    GENERIC_WAYS,
    PROBLEM_WORD,
    ROAD_CORE,
)
from geodata.location.types import (
    ParseMessage,
    Span,
    _make_message,
    _make_span,
)

_RN = r"[^\s,;:()、/与的|。!?“”\"]"  # a character of a free-form road name
_ROADX = ROAD_CORE + r"(?:辅路|主路)?(?:[东西南北中]段)?"
_LM = r"[^\s,;:的|。!?()“”\"、]"
_CLAUSE_END = r"(?=\s*(?:$|[,;。]))"
_NOT_A_ROAD_NAME = re.compile(FACILITY_END + r"$|[村苑园]$")
_SECTION_END = re.compile(r"[东西南北中]段$")


def char_search(chars) -> Any:
    """``search(text, pos, endpos)`` for any of ``chars``: a scan in C, where a set
    test over a slice would make a string object of every character it looks at."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]").search


@dataclass(slots=True)
class Mark:
    """A landmark while it is being read (mutable until the line is done)."""

    name: str
    span: Span
    relation: str = "at"
    direction: str | None = None
    direction_span: Span | None = None
    distance_m: int | float | None = None
    distance_span: Span | None = None
    approximate: bool = False
    in_chain: bool = True  # part of the anchor's description, not a later refinement


class Reading:
    """Scratch state for one line (a plain slotted class: one is made per line)."""

    __slots__ = (
        "t", "values", "spans", "marks", "warnings", "anchor", "anchor_clause", "clause",
        "known_road", "colon_road", "target", "last", "offset_relation", "offset_approximate",
        "address_relation", "along", "pending_segment", "clause_start", "empty_span",
    )

    def __init__(self, t: str) -> None:
        self.t = t
        self.values: dict[str, Any] = {}
        self.spans: dict[str, Span] = {}
        self.marks: list[Mark] = []
        self.warnings: list[ParseMessage] = []
        self.anchor: str | None = None  # intersection, road, address, landmark
        self.anchor_clause = 0
        self.clause = 0
        self.known_road: str | None = None
        self.colon_road: tuple[int, int] | None = None  # where a road named before a colon is
        # what an offset read now applies to: "top" (anchor), "road" or a landmark index
        self.target: Any = None
        self.last: str | None = None  # the construct read last
        self.offset_relation: str | None = None
        self.offset_approximate = False
        self.address_relation: str | None = None
        self.along = False
        self.pending_segment: tuple[str, str, Span] | None = None
        self.clause_start = -1  # where the clause after the last comma starts
        self.empty_span = False  # whether put() may have stored an empty span

    def put(self, key: str, value: Any, start: int, end: int) -> None:
        self.values[key] = value
        self.spans[key] = _make_span(start, end)
        if end <= start:
            self.empty_span = True

    def warn(self, start: int, end: int, message: str) -> None:
        self.warnings.append(_make_message(_make_span(start, end), message, None))


_PREPOSITIONS = frozenset("沿把往向到在从与和")
# Words that start a sentence, never a road name: 不知道在哪里 has no road 不知道.
_NOT_NAME_START = frozenset("不没在是这那哪什怎我你他她它请要想距给")  # 距离巷口100米: no road 距离巷; 给路人…: no road 给路


def valid_road(name: str) -> bool:
    return (
        len(name) >= 2
        and not (len(name) == 2 and name[0] in _PREPOSITIONS)  # 沿路两旁, 把路两侧: the way itself
        and name[0] not in _NOT_NAME_START
        and name not in GENERIC_WAYS
        and not name.endswith(("人行道", "车道", "街道", "报道"))  # 双车道: a lane; 记者…报道: a byline
        # a strip of the way, no street: 南侧便道, 人行便道, 慢行道, 步行道
        and not name.endswith(("便道", "慢行道", "步行道", "河道"))  # (某村村委东河道: a river's bed)
        and not (name.endswith("马路") and name[-3:-2] in "口前外边旁")  # (大门口马路: the street there; 福马路)
        and "的" not in name[1:]  # (拐往某村的路口: a way described, no name; a leading 的 is cut off later)
        # a way inside a site, no street: 小区消防通道, 楼内过道, 单元楼道
        and not name.endswith(("消防通道", "过道", "楼道"))
        and not PROBLEM_WORD.search(name)
        and not ("侧" in name and _SIDE_INSIDE.search(name))
        and not _COUNT_OF_WAYS.fullmatch(name)
        and not _PEOPLE_IN_NAME.search(name)
        and not _PLACE_BY_A_WAY.search(name)
        and not (name[-1] == "里" and _INSIDE_A_SITE.search(name))
        and not _CLAUSE_IN_NAME.search(name)
    )


# words of a clause read into a name ending in a road suffix: a passive (果皮被随意丢弃在路边),
# a report (小e接到街坊报料), a demonstrative (该小区门口路旁), a causative (使道路变得拥挤)
# (该道路, 该路 refer to the road named before: kept, as short names after 该 are)
# (and an aspect word: 广告牌占了半条 is a clause, no road ending in 条; 废家具堵路 a road blocked)
_CLAUSE_IN_NAME = re.compile(r"被|接到|丢弃|^使|^该(?=.{3})|了(?!望)|堵(?:路|塞|住|死)|位于|占用|以及|方向|进入|驶入")


# inside a site, not a road ending in 里 (该小区里, 菜市场里; but 慈云寺北里 is a name)
_INSIDE_A_SITE = re.compile(r"(?:小区|市场|院子|大院|校园|公园|广场|商场|宿舍|村|楼道)里$")


# A side inside a name read as a road is a place and its side (龙海市场东侧围墙外一条小路 is
# a lane by the market's east wall, no road of that name)
_SIDE_INSIDE = re.compile(r"[东西南北两]侧.")
# people and words of a clause read into a name ending in 路 (一些从此路过的市民, 也给路过的)
_PEOPLE_IN_NAME = re.compile(r"市民|行人|路人|从此|也给|一些|这些|那些")
# a place and where by it, then a way (电动车店旁巷道, 小区内道路): no road of that name (but
# 小区门前路 is one)
_PLACE_BY_A_WAY = re.compile(r"(?:[店馆厂场站楼院]旁|[区村院场]内|对面|附近|周边)(?=.)")
# a count, no name: 一条 (断头路), 两条, 几道
_COUNT_OF_WAYS = re.compile(r"[一两几数多][条道]")


def _valid_name(name: str) -> bool:
    return bool(name) and not PROBLEM_WORD.search(name) and name not in GENERIC_WAYS


def _span_tuple(span: Span | None) -> tuple[int, int]:
    return (span.start, span.end) if span else (0, 0)


def _base_road(name: str) -> str:
    """革新南路辅路 stays; 太清路东段 → 太清路 (the labels keep sections out of ``road``)."""
    return _SECTION_END.sub("", name) if name.endswith("段") else name
