"""Coverage over more than one shift: a day, a week, a team, an area (pure).

Several shifts' covered intervals on one segment add up by union (two shifts walking the
same 100 m cover 100 m, not 200); a segment counts as covered in the period when the union
reaches the covered share (`is_covered`, 80 %). The gaps are what the union leaves of a
planned segment. A group (a team, a day, an ISO week, a grid) sums its planned segments'
lengths and covered lengths.

>>> union([(0, 40), (30, 60), (80, 90)])
[(0, 60), (80, 90)]
>>> gaps([(0, 60), (80, 90)], 100.0)
[(60, 80), (90, 100.0)]
>>> g = group_totals([SegmentFacts(1, 100.0, 90.0), SegmentFacts(2, 50.0, 10.0)])
>>> g.segments_planned, g.segments_covered, round(g.covered_share, 3)
(2, 1, 0.667)
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import LineString

from .intervals import is_covered

MIN_GAP_M = 5.0  # a gap shorter than this is GPS noise at a junction, not a missed piece


def union(pairs: Iterable[Sequence[float]]) -> list[tuple[float, float]]:
    """Merge (start_m, end_m) pairs into disjoint, ordered pairs."""
    out: list[list[float]] = []
    for a, b in sorted((p[0], p[1]) for p in pairs):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def covered_length(pairs: Iterable[Sequence[float]], length: float) -> float:
    """Metres of [0, length] the pairs cover (their union, clipped).

    >>> covered_length([(0, 40), (30, 60), (-5, 2), (95, 120)], 100.0)
    65.0
    """
    return float(sum(max(0.0, min(b, length) - max(a, 0.0)) for a, b in union(pairs)))


def gaps(pairs: Iterable[Sequence[float]], length: float, *, min_m: float = MIN_GAP_M) -> list[tuple[float, float]]:
    """The parts of [0, length] the pairs leave uncovered, at least `min_m` long.

    >>> gaps([], 30.0), gaps([(0, 28)], 30.0)
    ([(0.0, 30.0)], [])
    """
    out: list[tuple[float, float]] = []
    at = 0.0
    for a, b in union(pairs):
        if a - at >= min_m:
            out.append((at, a))
        at = max(at, b)
    if length - at >= min_m:
        out.append((at, length))
    return out


#: Spacing of the points a carried piece is followed by on today's line (metres).
CARRY_STEP_M = 5.0
#: A jump along today's line between two of those points longer than this is a part of today's
#: line the piece did not follow (a bend a re-import added, a loop): the piece is cut there.
CARRY_JUMP_M = 15.0


def carry(pairs: Iterable[Sequence[float]], src: LineString, dst: LineString) -> list[tuple[float, float]]:
    """(start_m, end_m) pairs measured along `src` as measures along `dst`: a segment a
    re-import moved holds intervals measured along two lines (an ended shift's along the line
    it walked, a later shift's along today's), and a union of them needs one. Each piece is
    followed on `dst` point by point (every CARRY_STEP_M, each located at its nearest point),
    so a piece keeps where it was on the ground; pairs come back unchanged when the lines are
    the same.

    Locating only a piece's two ends was right on straight lines and wrong where today's line
    bends away from the walked one: a re-import that adds a bend or a loop (a road rebuilt
    around a roundabout) put the whole bend inside the carried interval, walked or not. The
    points' locations run on along `dst` as the piece does; where they jump further than
    CARRY_JUMP_M the piece did not follow `dst`, and it is cut in two there.

    >>> old, new = LineString([(0, 0), (100, 0)]), LineString([(-20, 3), (100, 3)])
    >>> carry([(10, 40)], old, new)
    [(30.0, 60.0)]
    >>> carry([(10, 40)], old, old)
    [(10, 40)]
    >>> bent = LineString([(0, 3), (40, 3), (40, 43), (60, 43), (60, 3), (100, 3)])
    >>> carry([(10, 90)], old, bent)  # the walk went straight on, not round the new bend
    [(10.0, 40.0), (140.0, 170.0)]
    """
    if src.equals_exact(dst, 0.0):
        return [(a, b) for a, b in pairs]
    out = []
    for a, b in pairs:
        lo, hi = sorted((float(a), float(b)))
        n = max(1, math.ceil((hi - lo) / CARRY_STEP_M))
        measures = shapely.line_locate_point(
            dst, shapely.line_interpolate_point(src, np.linspace(lo, hi, n + 1)))
        start = 0
        for i in range(1, len(measures) + 1):
            if i == len(measures) or abs(measures[i] - measures[i - 1]) > CARRY_JUMP_M:
                run = measures[start:i]
                x, y = float(run.min()), float(run.max())
                if y > x:
                    out.append((x, y))
                start = i
    return out


@dataclass(frozen=True)
class SegmentFacts:
    """One planned segment in a group: its length and the covered metres of the union."""
    segment: int
    length_m: float
    covered_m: float

    @property
    def share(self) -> float:
        return min(1.0, self.covered_m / self.length_m) if self.length_m > 0 else 0.0


@dataclass(frozen=True)
class GroupTotals:
    segments_planned: int
    segments_covered: int
    planned_m: float
    covered_m: float

    @property
    def covered_share(self) -> float | None:
        return self.covered_m / self.planned_m if self.planned_m > 0 else None


def group_totals(facts: Iterable[SegmentFacts]) -> GroupTotals:
    facts = list(facts)
    return GroupTotals(
        segments_planned=len(facts), segments_covered=sum(1 for f in facts if is_covered(f.share)),
        planned_m=float(sum(f.length_m for f in facts)),
        covered_m=float(sum(min(f.covered_m, f.length_m) for f in facts)))
