"""Covered intervals of a segment and what they add up to: merging (stored + new batch,
several members, several shifts), and the per-segment summary (covered length, share,
first and last pass, passes). Pure bookkeeping over measures; the geometry that makes
intervals out of fixes is in `coverage.py`.

>>> merge_intervals([Interval(0, 40, 100, 130, 1)], [Interval(35, 80, 5000, 5040, 1)])
[Interval(start_m=0, end_m=80, first_t=100, last_t=5040, passes=2)]
"""
from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class Interval(NamedTuple):
    """A covered stretch of one segment: measures from its start, when, how many passes.
    (A named tuple: a track makes thousands and a district-day hundreds of thousands; a
    tuple is made in a third of the time of a frozen dataclass, and the garbage collector
    stops tracking tuples of numbers.)

    >>> Interval(0.0, 120.0, 1.7e9, 1.7e9 + 100, 1).end_m
    120.0
    """

    start_m: float
    end_m: float
    first_t: float
    last_t: float
    passes: int


@dataclass(frozen=True)
class SegmentCoverage:
    """What the intervals say about one segment.

    >>> SegmentCoverage(80.0, 0.8, None, None, 1).share
    0.8
    """

    covered_m: float
    share: float
    first_t: float | None
    last_t: float | None
    passes: int


def _overlap_t(a: Interval, b: Interval) -> bool:
    return a.first_t <= b.last_t and b.first_t <= a.last_t


def _combine(a: Interval, b: Interval) -> Interval:
    passes = max(a.passes, b.passes) if _overlap_t(a, b) else a.passes + b.passes
    return Interval(min(a.start_m, b.start_m), max(a.end_m, b.end_m), min(a.first_t, b.first_t),
                    max(a.last_t, b.last_t), passes)


_by_measure = operator.attrgetter("start_m", "end_m", "first_t", "last_t", "passes")
_by_time = operator.attrgetter("first_t", "last_t", "start_m", "end_m", "passes")


def merge_intervals(old: Sequence[Interval], new: Sequence[Interval], *, merge_gap_m: float = 10.0) -> list[Interval]:
    """One segment's intervals from two sources, merged: sorted, non-overlapping.

    Intervals that overlap or are less than `merge_gap_m` apart become one (spanning both,
    first and last time the extremes). Passes: two intervals whose time spans overlap are
    the same visit seen twice (replay, or stored and recomputed), so the larger count
    stays; time-disjoint ones are different visits, so the counts add up. The result
    depends only on the union of the inputs (they are sorted before folding), so the
    merge is commutative and idempotent, and associative in extents and times. Passes
    are exact when batches are merged in time order (each new batch later than what is
    stored: the worker's case); a late batch that falls between stored visits can be
    undercounted, because an interval keeps only its first and last time.

    >>> a = [Interval(0, 50, 100, 140, 1)]
    >>> b = [Interval(45, 90, 900, 950, 1), Interval(200, 220, 960, 970, 1)]
    >>> merge_intervals(a, b)
    [Interval(start_m=0, end_m=90, first_t=100, last_t=950, passes=2), Interval(start_m=200, end_m=220, first_t=960, last_t=970, passes=1)]
    >>> merge_intervals(a, a) == a
    True
    """
    if len(old) + len(new) <= 1:  # nothing to merge (most segments of a track or a day)
        return [*old, *new]
    if len(old) + len(new) > _MANY:
        return _merge_compiled([*old, *new], merge_gap_m)
    return _merge_python([*old, *new], merge_gap_m)


def _merge_python(items: list[Interval], merge_gap_m: float) -> list[Interval]:
    """`merge_intervals` of a few intervals, folded in Python."""
    items = sorted(items, key=_by_measure)
    if len(items) == 2:  # a segment's second visit (most merges): what the loops below do with two
        a, b = items
        if b.start_m <= a.end_m + merge_gap_m:
            if _by_time(b) < _by_time(a):  # the group in time order (as the sort below)
                a, b = b, a
            return [_combine(a, b)]
        return items
    # groups that touch along the segment, then each group folded in time order (so a
    # later visit is compared with what came before it, not with a span that a third
    # interval stretched over it)
    groups: list[list[Interval]] = []
    reach = -np.inf
    for it in items:
        if groups and it.start_m <= reach + merge_gap_m:
            groups[-1].append(it)
            reach = max(reach, it.end_m)
        else:
            groups.append([it])
            reach = it.end_m
    out: list[Interval] = []
    for group in groups:
        group.sort(key=_by_time)
        acc = group[0]
        for it in group[1:]:
            acc = _combine(acc, it)
        out.append(acc)
    return out


# above this many intervals `merge_intervals` sorts with numpy and folds in compiled code
# (a segment's intervals from every member of a day: the same result at ~4× the speed)
_MANY = 16


def _merge_compiled(items: list[Interval], merge_gap_m: float) -> list[Interval]:
    """`merge_intervals`' groups and folds on arrays (`coverage_kernels.merge_items`)."""
    from .coverage_kernels import merge_items  # compiled on first use

    cols = np.array([(i.start_m, i.end_m, i.first_t, i.last_t) for i in items], dtype=float)
    passes = np.array([i.passes for i in items], dtype=np.int64)
    order = np.lexsort((passes, cols[:, 3], cols[:, 2], cols[:, 1], cols[:, 0]))  # _by_measure
    lo, hi, t0, t1 = (np.ascontiguousarray(cols[order, c]) for c in range(4))
    passes = passes[order]
    n = merge_items(lo, hi, t0, t1, passes, len(items), float(merge_gap_m))
    return [Interval(*row) for row in zip(lo[:n].tolist(), hi[:n].tolist(), t0[:n].tolist(), t1[:n].tolist(),
                                          passes[:n].tolist(), strict=True)]


def merge_coverage(old: Mapping[int, Sequence[Interval]], new: Mapping[int, Sequence[Interval]], *,
                   merge_gap_m: float = 10.0) -> dict[int, list[Interval]]:
    """`merge_intervals` for every segment of two coverage maps (segment id → intervals).

    >>> merge_coverage({1: [Interval(0, 10, 0, 5, 1)]}, {2: [Interval(5, 9, 7, 8, 1)]})
    {1: [Interval(start_m=0, end_m=10, first_t=0, last_t=5, passes=1)], 2: [Interval(start_m=5, end_m=9, first_t=7, last_t=8, passes=1)]}
    """
    out = {}
    for sid in sorted(set(old) | set(new)):
        out[sid] = merge_intervals(old.get(sid, ()), new.get(sid, ()), merge_gap_m=merge_gap_m)
    return out


def coverage_summary(intervals: Mapping[int, Sequence[Interval]], segment_lengths: Mapping[int, float]) -> dict[int, SegmentCoverage]:
    """Covered length, share, first and last time and passes (the most of any interval) of
    every segment in `segment_lengths` (segments with no interval: share 0).

    >>> s = coverage_summary({1: [Interval(0, 30, 10, 20, 1), Interval(50, 100, 30, 40, 2)]}, {1: 100.0, 2: 80.0})
    >>> s[1]
    SegmentCoverage(covered_m=80.0, share=0.8, first_t=10, last_t=40, passes=2)
    >>> is_covered(s[1].share), is_covered(s[2].share)
    (True, False)
    """
    out = {}
    for sid in sorted(segment_lengths):
        length = float(segment_lengths[sid])
        ivs = intervals.get(sid) or []
        covered = 0.0
        for iv in ivs:
            covered += max(0.0, min(iv.end_m, length) - max(iv.start_m, 0.0))
        if length > 0:
            share = min(1.0, covered / length)
        else:
            share = 1.0 if ivs else 0.0
        out[sid] = SegmentCoverage(
            covered_m=covered, share=share,
            first_t=min((iv.first_t for iv in ivs), default=None),
            last_t=max((iv.last_t for iv in ivs), default=None),
            passes=max((iv.passes for iv in ivs), default=0),
        )
    return out


def is_covered(share: float, threshold: float = 0.8) -> bool:
    """A segment counts as patrolled when at least `threshold` of its length is covered.

    >>> is_covered(0.79), is_covered(0.8)
    (False, True)
    """
    return share >= threshold
