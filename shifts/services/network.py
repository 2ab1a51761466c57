"""Shift plans and coverage follow the road network when an import changes it
(geodata.signals.network_changed).

A segment that leaves the network stays in the plans of shifts that ended (their record,
like their coverage, is history: geodata keeps the segment, retired). A shift not yet
ended is to patrol the network as it is now: the segment is replaced in its plan by the
live segments that lie along it (a way split, merged or re-drawn in OSM), and kept only
where nothing replaces it and the shift already has coverage on it (kept beside its
replacements, the stretch would be planned and covered twice). A segment of such a plan kept with a
shorter line (the first piece of a way split by a crossing road keeps its key) brings into
the plan the segments new to the network along its old line, so the plan still covers
the street it planned.

A segment kept with a new geometry (a way re-drawn, lengthened or split in OSM) carries
coverage intervals measured along its old one: each shift not yet ended with coverage on it
gets a job that measures them again from its stored fixes (shifts.tasks.coverage_for_segments),
as does each whose stored track passes by it (a neighbour lengthened over a segment merged
into it runs where the fixes painted the other).
A segment new to the live network (the new piece of a split way, a road added or re-drawn
under a new key, a retired one found again) has no coverage at all, though the fixes
stored before the import may run along it (they painted the old, longer segment, or
nothing): each shift not yet ended whose stored track passes by it gets it measured in the
same job. Without that, a split left the shift's fixes along the new piece counting for
nothing, and its coverage dropped.
An ended shift's coverage is history, as its frozen plan is: it stays as measured along the
line the shift walked (a segment of its plan keeps that line with the plan; one it covered
outside its plan has it kept when an import moves it, `MovedSegmentLine`), so its summary and handover report read as they did when it ended
(measured again along a lengthened line, a segment walked end to end would count as two
thirds covered against the planned length frozen then).
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core import audit
from core.domain.verbs import Verb
from geodata.models import RoadSegment

from ..models import MovedSegmentLine, SegmentCoverage, Shift, ShiftSegment, ShiftStatus
from ..selectors.network import (
    COMPETE_M,
    covered_near,
    live_segments_near,
    segments_along,
    segments_near_tracks,
)
from .coverage import FAR


def plans_follow_network(*, segment_ids, moved_old_geoms: dict | None = None) -> PlanFollowUp:
    """Replace the segments `segment_ids` (no longer in the live network) in the plans of
    shifts not yet ended by the live segments along them, and a segment kept with a new
    geometry (`moved_old_geoms`: id → its line before the import) by the live segments along
    its old line: itself and the other pieces of a split way, which would otherwise drop out of
    the plan; or, when its key now names another stretch (a crossing road added before it
    renumbers the way's pieces: 9000:1 is now the piece before), those that lie there, without
    it. A segment nothing lies along any more stays (re-drawn farther than a few metres). The
    pieces are found among all live segments. Says how many shifts changed, and which were left
    with no segment planned."""
    ids = set(segment_ids)
    moved_old_geoms = moved_old_geoms or {}
    moved = set(moved_old_geoms)
    if not ids and not moved:
        return PlanFollowUp()
    links = list(ShiftSegment.objects.filter(segment_id__in=ids | moved)
                 .exclude(shift__status=ShiftStatus.ENDED).values_list("shift_id", "segment_id"))
    if not links:
        return PlanFollowUp()
    olds = {s.pk: s for s in RoadSegment.objects.filter(pk__in={sid for _, sid in links} & ids).only("id", "geom")}
    replace = {sid: segments_along(seg.geom) for sid, seg in olds.items()}
    # the live segments along a moved one's old line; none: it was re-drawn away, and stays
    along = {sid: segments_along(moved_old_geoms[sid]) for sid in {sid for _, sid in links} & moved}
    moved_to = {sid: found or {sid} for sid, found in along.items()}
    by_shift: dict[int, set[int]] = {}
    for shift_id, sid in links:
        by_shift.setdefault(shift_id, set()).add(sid)
    changed, emptied = 0, []
    with transaction.atomic():
        for shift in Shift.objects.select_for_update().filter(pk__in=by_shift).order_by("pk"):
            before = set(shift.segments.values_list("id", flat=True))
            gone = by_shift[shift.pk] & ids
            # a segment replaced by those along it leaves the plan even if the shift covered
            # it: kept beside them, its stretch would be planned (and covered) twice; the
            # fixes along it are measured on them (coverage_follows_network)
            covered = set(SegmentCoverage.objects.filter(shift=shift, segment_id__in=gone)
                          .values_list("segment_id", flat=True))
            kept = {s for s in gone & covered if not replace[s]}
            shifted = by_shift[shift.pk] & moved
            after = (before - (gone - kept) - shifted).union(*(replace[s] for s in gone),
                                                                *(moved_to[s] for s in shifted))
            if after == before:
                continue
            shift.segments.set(sorted(after))
            audit.record(actor=None, verb=Verb.UPDATED, subject=shift,
                         before={"segments": sorted(before)}, after={"segments": sorted(after)},
                         reason="路网重新导入：计划路段已不在路网中、被拆分或改了编号")
            changed += 1
            if not after and not shift.areas.exists():
                emptied.append(shift.pk)
    return PlanFollowUp(changed=changed, emptied=tuple(emptied))


@dataclass(frozen=True)
class PlanFollowUp:
    """What `plans_follow_network` did, for the import's report."""
    changed: int = 0  # shifts not yet ended whose planned segments changed
    emptied: tuple[int, ...] = ()  # of those, the ids of the shifts left with nothing planned


@dataclass(frozen=True)
class CoverageFollowUp:
    """What `coverage_follows_network` did, for the import's report."""
    moved: int = 0  # segments kept with a new geometry that have coverage or a track of a shift not yet ended near
    moved_shifts: int = 0  # shifts not yet ended with coverage on them: queued to measure it again
    moved_ended_shifts: int = 0  # ended shifts with coverage on them: kept as walked
    added: int = 0  # segments new to the live network that the track of a shift not yet ended passes by
    added_shifts: int = 0  # those shifts: queued to measure them
    beside_shifts: int = 0  # shifts not yet ended with coverage on a segment gone or moved: the roads beside measured again


def coverage_follows_network(*, moved_segment_ids: Iterable[int] = (), added_segment_ids: Iterable[int] = (),
                             moved_old_geoms: dict | None = None,
                             removed_segment_ids: Iterable[int] = ()) -> CoverageFollowUp:
    """Queue, once the import commits, a job per shift not yet ended to measure from its
    stored fixes its coverage of the segments among `moved_segment_ids` (kept with a new
    geometry) that it has coverage on or its track passes by, of those among `added_segment_ids` (new to the
    live network) that its track passes by, and of the segments it has coverage on near either
    (`covered_near`: a sample counts for the segment it runs nearest to). Ended shifts keep their coverage as walked: a
    moved segment one has coverage on keeps the line it had (`moved_old_geoms`: id → its line
    before the import, `MovedSegmentLine`), along which that shift's intervals lie (the plan's
    segments have it in `EndedPlanSegment` too). And where a
    segment a shift not yet ended has coverage on left the network (`removed_segment_ids`) or
    moved, the live segments within `COMPETE_M` of its old line are measured again for that
    shift too: the samples it took may now be nearest to one of them (the road beside it)."""
    rows = list(SegmentCoverage.objects.filter(segment_id__in=list(moved_segment_ids))
                .values_list("shift_id", "segment_id", "shift__status"))
    moved: dict[int, set[int]] = {}
    ended = set()
    walked_by_ended = set()
    for shift_id, sid, status in rows:
        if status == ShiftStatus.ENDED:
            ended.add(shift_id)
            walked_by_ended.add(sid)
        else:
            moved.setdefault(shift_id, set()).add(sid)
    _keep_old_lines(walked_by_ended, moved_old_geoms or {})
    # a moved segment the shift has no coverage on may now run where its fixes were
    # measured on another (a neighbour lengthened over a segment merged into it)
    for shift_id, sids in segments_near_tracks(moved_segment_ids, far=FAR).items():
        moved.setdefault(shift_id, set()).update(sids)
    added = segments_near_tracks(added_segment_ids, far=FAR)
    # a segment added or moved near one the shift has coverage on may now be nearer to the
    # samples painted there: measured again with it, or those samples would count for both
    # (a new 辅路 drawn where the track ran, beside the carriageway it had painted)
    neighbours = covered_near(moved.keys() | added.keys(), set(moved_segment_ids) | set(added_segment_ids))
    # ... and a segment that painted them and has gone or moved away leaves them to the road beside
    moved_old_geoms = moved_old_geoms or {}
    walked_away = list(SegmentCoverage.objects.filter(segment_id__in=[*moved_old_geoms, *removed_segment_ids])
                       .exclude(shift__status=ShiftStatus.ENDED).values_list("shift_id", "segment_id"))
    away = {sid for _, sid in walked_away}
    old_lines = {sid: moved_old_geoms[sid] for sid in away if sid in moved_old_geoms}
    old_lines.update(RoadSegment.objects.filter(pk__in=away - set(old_lines)).values_list("id", "geom"))
    beside_line = {sid: live_segments_near(old_lines[sid], COMPETE_M) - {sid} for sid in away}
    for shift_id, sid in walked_away:
        neighbours.setdefault(shift_id, set()).update(beside_line[sid])
    for shift_id in sorted(moved.keys() | added.keys() | {shift_id for shift_id, _ in walked_away}):
        ids = sorted(moved.get(shift_id, set()) | added.get(shift_id, set()) | neighbours.get(shift_id, set()))
        if not ids:
            continue
        transaction.on_commit(functools.partial(_enqueue_remeasure, shift_id, ids), robust=True)
    return CoverageFollowUp(moved=len({sid for _, sid, _ in rows}.union(*moved.values())), moved_shifts=len(moved),
                            moved_ended_shifts=len(ended), added=len(set().union(*added.values())),
                            added_shifts=len(added), beside_shifts=len({
                                shift_id for shift_id, sid in walked_away if beside_line[sid]}))


def _keep_old_lines(segment_ids: set[int], old_geoms: dict) -> None:
    """Keep the line before this import of each moved segment some ended shift has coverage on
    (`MovedSegmentLine`, once per segment whatever the number of shifts): the intervals of those
    that ended before were measured along it (shifts.selectors.coverage.ended_walked_lines)."""
    now = timezone.now()
    MovedSegmentLine.objects.bulk_create(
        [MovedSegmentLine(segment_id=sid, geom=old_geoms[sid], replaced_at=now)
         for sid in sorted(segment_ids) if sid in old_geoms], batch_size=1000)


def _enqueue_remeasure(shift_id: int, segment_ids: list[int]) -> None:
    from ..tasks import coverage_for_segments

    coverage_for_segments.enqueue(shift_id, segment_ids)
