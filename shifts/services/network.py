"""Shift plans and coverage follow the road network when an import changes it
(geodata.signals.network_changed).

A segment that leaves the network stays in the plans of shifts that ended (their record,
like their coverage, is history: geodata keeps the segment, retired). A shift not yet
ended is to patrol the network as it is now: the segment is replaced in its plan by the
live segments that lie along it (a way split or re-drawn in OSM), and kept beside them
only where the shift already has coverage on it.

A segment kept with a new geometry (a way re-drawn, lengthened or split in OSM) carries
coverage intervals measured along its old one: each shift not yet ended with coverage on it
gets a job that measures them again from its stored fixes (shifts.tasks.coverage_for_segments).
An ended shift's coverage is history, as its frozen plan is: it stays as measured along the
line the shift walked, so its summary and handover report read as they did when it ended
(measured again along a lengthened line, a segment walked end to end would count as two
thirds covered against the planned length frozen then).
"""
from __future__ import annotations

import functools

from django.db import transaction

from core import audit
from core.domain.verbs import Verb
from geodata.models import RoadSegment

from ..models import SegmentCoverage, Shift, ShiftSegment, ShiftStatus

ALONG_M = 5.0  # a live segment within this of the old one, along at least half of the shorter of the two, replaces it
ALONG_SHARE = 0.5


def _replacements(old: RoadSegment) -> set[int]:
    zone = old.geom.buffer(ALONG_M)
    out = set()
    for seg in RoadSegment.objects.live().filter(geom__dwithin=(old.geom, ALONG_M)).only("id", "geom"):
        if seg.geom.intersection(zone).length >= ALONG_SHARE * min(seg.geom.length, old.geom.length):
            out.add(seg.pk)
    return out


def plans_follow_network(*, segment_ids) -> int:
    """Replace the segments `segment_ids` (no longer in the live network) in the plans of
    shifts not yet ended by the live segments along them. Returns how many shifts changed."""
    ids = set(segment_ids)
    if not ids:
        return 0
    links = list(ShiftSegment.objects.filter(segment_id__in=ids)
                 .exclude(shift__status=ShiftStatus.ENDED).values_list("shift_id", "segment_id"))
    if not links:
        return 0
    olds = {s.pk: s for s in RoadSegment.objects.filter(pk__in={sid for _, sid in links}).only("id", "geom")}
    replace = {sid: _replacements(seg) for sid, seg in olds.items()}
    by_shift: dict[int, set[int]] = {}
    for shift_id, sid in links:
        by_shift.setdefault(shift_id, set()).add(sid)
    changed = 0
    with transaction.atomic():
        for shift in Shift.objects.select_for_update().filter(pk__in=by_shift).order_by("pk"):
            before = set(shift.segments.values_list("id", flat=True))
            covered = set(SegmentCoverage.objects.filter(shift=shift, segment_id__in=by_shift[shift.pk])
                          .values_list("segment_id", flat=True))
            after = (before - (by_shift[shift.pk] - covered)).union(*(replace[s] for s in by_shift[shift.pk]))
            if after == before:
                continue
            shift.segments.set(sorted(after))
            audit.record(actor=None, verb=Verb.UPDATED, subject=shift,
                         before={"segments": sorted(before)}, after={"segments": sorted(after)},
                         reason="路网重新导入：计划路段已不在路网中")
            changed += 1
    return changed


def coverage_follows_moved_segments(*, segment_ids) -> tuple[int, int, int]:
    """Queue, once the import commits, a job per shift not yet ended that has coverage on the
    segments `segment_ids` (kept with a new geometry) to measure that coverage again. Returns
    how many of the segments have coverage, on how many shifts re-measured, and on how many
    ended shifts (kept as measured)."""
    rows = list(SegmentCoverage.objects.filter(segment_id__in=list(segment_ids))
                .values_list("shift_id", "segment_id", "shift__status"))
    by_shift: dict[int, set[int]] = {}
    ended = set()
    for shift_id, sid, status in rows:
        if status == ShiftStatus.ENDED:
            ended.add(shift_id)
        else:
            by_shift.setdefault(shift_id, set()).add(sid)
    for shift_id, ids in sorted(by_shift.items()):
        transaction.on_commit(functools.partial(_enqueue_remeasure, shift_id, sorted(ids)), robust=True)
    return len({sid for _, sid, _ in rows}), len(by_shift), len(ended)


def _enqueue_remeasure(shift_id: int, segment_ids: list[int]) -> None:
    from ..tasks import coverage_for_segments

    coverage_for_segments.enqueue(shift_id, segment_ids)
