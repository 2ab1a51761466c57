"""The result of reading a problem-location line: what a reader sees in it.

A published 未诉先办 line such as

    西罗园街道，马家堡东路与革新南路交叉路口向东120米，革新南路南侧，天成酒店南侧10米，积存垃圾。

names a place by an *anchor* (here the intersection of two roads), an *offset* from it
(120 m east), refinements (the south side of 革新南路, 10 m south of a hotel) and the
*problems* found there. `ParsedLocation` holds those parts with the character span
(start, end offsets into the original text) of each part the parser recognised, so a
user interface can highlight them and a reviewer can see what was read from where.

Field names are those of the hand labels in ``fixtures/locations_dev.jsonl``; values
follow the labels' conventions: directions are "东", "东北", ...; a road side is
"北侧" or "两侧"; ``anchor_kind`` is one of intersection, landmark, road_only, other.

>>> loc = ParsedLocation(subdistrict="西罗园街道", direction="东", distance_m=120)
>>> loc.to_dict()["direction"], loc.to_dict()["distance_m"], loc.ok
('东', 120, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ANCHOR_KINDS = ("intersection", "landmark", "road_only", "other")
# `ParseMessage.code` of an error that is a bug of the parser, not a fault of the text
INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character range [start, end) in the original text."""

    start: int
    end: int

    def as_list(self) -> list[int]:
        return [self.start, self.end]


@dataclass(frozen=True, slots=True)
class Landmark:
    """A named place used to refine a location (a shop, a gate, a lamp post)."""

    name: str
    direction: str | None = None
    distance_m: int | float | None = None
    relation: str = "at"
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "direction": self.direction,
            "distance_m": self.distance_m,
            "relation": self.relation,
        }


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of one road between two cross roads or places: 黄河路(富民路至永丰路),
    南坪东路海棠溪至阳光华庭路段; ``road`` is None when the stretch starts on the road it
    names first (顾龙路到李村镇路段)."""

    road: str | None
    from_road: str
    to_road: str

    def to_dict(self) -> dict[str, str]:
        # "from" is a Python keyword, hence the attribute name differs from the label key.
        return {"road": self.road, "from": self.from_road, "to": self.to_road}


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem item as written, with its category when the wording is known."""

    text: str
    category: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class ParseMessage:
    """A warning or an error: where in the text and why.

    ``code`` marks what a program must tell apart from a reading of the text: `INTERNAL`,
    the parser failed on a bug of its own (see `ParsedLocation.internal_error`).
    """

    span: Span
    message: str
    code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.code is None:  # the messages about the text, as they have always been written
            return {"span": self.span.as_list(), "message": self.message}
        return {"span": self.span.as_list(), "message": self.message, "code": self.code}


@dataclass(frozen=True, slots=True)
class ParsedLocation:
    district: str | None = None
    subdistrict: str | None = None
    road_a: str | None = None
    road_b: str | None = None
    anchor_kind: str = "other"
    anchor_relation: str | None = None
    direction: str | None = None
    distance_m: int | float | None = None
    approximate: bool = False
    corner: str | None = None
    road: str | None = None
    side_road: str | None = None
    side: str | None = None
    address: str | None = None
    segment: Segment | None = None
    landmarks: tuple[Landmark, ...] = ()
    problem_items: tuple[Problem, ...] = ()
    # field name (or "landmarks[i]" / "problems[i]") -> span in the original text
    spans: tuple[tuple[str, Span], ...] = ()
    warnings: tuple[ParseMessage, ...] = ()
    errors: tuple[ParseMessage, ...] = ()

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(p.text for p in self.problem_items)

    @property
    def categories(self) -> tuple[str | None, ...]:
        return tuple(p.category for p in self.problem_items)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def internal_error(self) -> bool:
        """Whether reading stopped on a bug of the parser rather than on the text (its
        error has code `INTERNAL`): the line is not unreadable, the parser is wrong."""
        return any(e.code == INTERNAL for e in self.errors)

    def span_of(self, name: str) -> Span | None:
        for key, span in self.spans:
            if key == name:
                return span
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable, keyed like the hand labels (plus spans/warnings/errors)."""
        return {
            "district": self.district,
            "subdistrict": self.subdistrict,
            "road_a": self.road_a,
            "road_b": self.road_b,
            "anchor_kind": self.anchor_kind,
            "anchor_relation": self.anchor_relation,
            "direction": self.direction,
            "distance_m": self.distance_m,
            "approximate": self.approximate,
            "corner": self.corner,
            "road": self.road,
            "side_road": self.side_road,
            "side": self.side,
            "address": self.address,
            "segment": self.segment.to_dict() if self.segment else None,
            "landmarks": [lm.to_dict() for lm in self.landmarks],
            "problems": list(self.problems),
            "spans": {key: span.as_list() for key, span in self.spans},
            "warnings": [w.to_dict() for w in self.warnings],
            "errors": [e.to_dict() for e in self.errors],
        }


# Positional constructors the parser calls (every field, in declaration order). They were
# generated with `exec` and a `__class__` swap for speed; the plain dataclass constructors
# are fast enough for real load (a few lines a second per officer, thousands per import).
_make_span = Span
_make_landmark = Landmark
_make_problem = Problem
_make_message = ParseMessage
_make_location = ParsedLocation
