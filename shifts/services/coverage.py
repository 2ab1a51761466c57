"""Coverage of a shift, stored: the good fixes → `shifts.domain.coverage.covered_intervals`
→ merged into the stored intervals (`merge_coverage`) → one `SegmentCoverage` row per
(shift, segment), upserted, with one audit event.

Incremental: a batch is computed with the member's good fixes of `CONTEXT` before it (the
path across the boundary from the previous batch, the smoothing windows and stops need
them; see the coverage module's "Incremental use"), and, when it arrived after batches of
later fixes (out of order), of `CONTEXT` after it as well, so that it is joined to both
neighbours. The context fixes repaint intervals already stored at the same times, which
merging counts as the same visit, so a batch computed twice adds nothing: the update is
idempotent (the window depends only on the batch and the batches received before it). `coverage_update(shift_id=…)` without a batch recomputes the whole shift
from all its good fixes and replaces what was stored (the exact answer; batch by batch can
differ from it by a few metres near batch boundaries).

An ended shift's fixes (a GPS file read out after it ended, the end's recomputation run late)
are measured on the network as it stood when it ended (`segment_index_as_ended`): where a
re-import has re-drawn, split or re-keyed a road since, along the line its plan and stored
rows are in, so that the late file lands on the plan's segments and adds to their rows in the
same frame.

Two jobs of one shift at once (two workers, two batches) are serialised by locking the
shift's row, so neither merges into a state the other is about to overwrite.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core import audit
from core.domain.verbs import Verb
from core.errors import NotFound
from shifts.domain.coverage import (
    Interval,
    SegmentIndex,
    coverage_summary,
    intervals_from_path,
    merge_coverage,
    track_path,
)
from shifts.domain.fixes import Fix

from ..models import FixBatch, SegmentCoverage, Shift, ShiftStatus
from ..selectors.coverage import (
    good_fix_span,
    good_fixes_of,
    segment_index,
    segment_index_as_ended,
    segment_lengths,
    shift_members_with_fixes,
)

# window_m / walking speed + smooth_s + stop_min_s ≈ 20 s + 20 s + 300 s; 10 minutes leaves room
CONTEXT = dt.timedelta(minutes=10)
# A stop is only known as one once it has lasted stop_min_s (300 s): until then its wander
# would paint the roads around it. So a batch of a shift still on duty paints its path only
# up to HOLD before its last fix; the next batch (whose context reaches back over it), the
# recomputation when the shift ends, or `coverage_update --shift` paint the rest.
HOLD_S = 300.0
FAR = dt.timedelta(days=3)  # a whole shift, with the device clocks' slack


@dataclass(frozen=True)
class CoverageUpdate:
    shift_id: int
    batch_id: int | None
    fixes: int  # good fixes the computation read (context included)
    segments_touched: int  # segments the computation painted
    rows_written: int  # SegmentCoverage rows created or changed
    rows_deleted: int  # a full recompute: rows of segments no longer covered


def _as_intervals(raw) -> list[Interval]:
    return [Interval(float(a), float(b), float(c), float(d), int(p)) for a, b, c, d, p in raw]


def _as_json(intervals: list[Interval]) -> list[list]:
    return [[float(i.start_m), float(i.end_m), float(i.first_t), float(i.last_t), int(i.passes)] for i in intervals]


def _when(t: float | None) -> dt.datetime | None:
    return None if t is None else dt.datetime.fromtimestamp(t, dt.UTC)


def _paint(fixes: list[Fix], index: SegmentIndex, *, hold_s: float) -> dict[int, list[Interval]]:
    """`covered_intervals` (the module's defaults) of a member's good fixes, the path cut
    `hold_s` before the last fix (stops found over all the fixes first)."""
    # the fixes are good already (flags IS NULL, one per instant): not flagged again
    path = track_path(fixes, flags=[frozenset()] * len(fixes))
    if hold_s > 0:
        keep = path.t <= fixes[-1].t - hold_s
        path = dataclasses.replace(path, t=path.t[keep], x=path.x[keep], y=path.y[keep], piece=path.piece[keep],
                                   rx=None if path.rx is None else path.rx[keep],
                                   ry=None if path.ry is None else path.ry[keep])
    return intervals_from_path(path, index)


def coverage_update(*, shift_id: int, batch_id: int | None = None, segment_ids: Collection[int] | None = None,
                    actor=None) -> CoverageUpdate:
    """Add a batch's coverage to the shift's stored coverage (`batch_id`), or recompute the
    whole shift (`batch_id` None) from all its good fixes; with `segment_ids`, only the rows
    of those segments are replaced (a re-import moved them: measured again along their new
    geometry, the other rows left as they were). Nothing is written, and no event recorded,
    when the result equals what is stored, nor when the shift has no good fix left (its days
    pruned): then the stored coverage is all there is of it."""
    if batch_id is not None and segment_ids is not None:
        raise ValueError("segment_ids is for a recomputation of the whole shift")
    with transaction.atomic():
        shift = Shift.objects.select_for_update().filter(pk=shift_id).first()
        if shift is None:
            raise NotFound(f"班次 {shift_id} 不存在", field="shift")
        # an ended shift's fixes (a GPS file read out late, the end's recomputation run late)
        # are measured on the network as it stood when it ended: along the lines its plan and
        # stored rows are in, where a re-import has re-drawn a road since (measured along
        # today's, the two frames would mix in one row, or the walk be measured where nobody
        # walked; dropped, as they were, a late file painted nothing there)
        index = segment_index_as_ended(shift.pk) if shift.status == ShiftStatus.ENDED else segment_index()
        lengths = segment_lengths(index)
        if batch_id is not None:
            batch = FixBatch.objects.filter(pk=batch_id, shift_id=shift_id).first()
            if batch is None:
                raise NotFound(f"批次 {batch_id} 不属于班次 {shift_id}", field="batch")
            span = good_fix_span(shift_id=shift_id, officer_id=batch.officer_id, batch_id=batch.pk,
                                 t_min=batch.t_min, t_max=batch.t_max) if batch.t_min else None
            # a batch that arrived after later ones of the member (a tablet's queue emptied
            # out of order) is joined to them too; in order, the context is what came before,
            # so that computing the batch again later reads the very same fixes
            late = FixBatch.objects.filter(shift_id=shift_id, officer_id=batch.officer_id, pk__lt=batch.pk,
                                           t_min__gt=batch.t_max).exists()
            windows = [(batch.officer_id, span[0] - CONTEXT, span[1] + (CONTEXT if late else dt.timedelta(0)))
                       ] if span else []
            hold = shift.status == ShiftStatus.ON_DUTY and not late
        else:
            lo, hi = shift.starts_at - FAR, shift.ends_at + FAR
            windows = [(officer_id, lo, hi) for officer_id in shift_members_with_fixes(shift_id)]
            hold = False

        new: dict[int, list[Interval]] = {}
        read = 0
        for officer_id, t_from, t_to in windows:
            fixes = good_fixes_of(shift_id=shift_id, officer_id=officer_id, t_from=t_from, t_to=t_to)
            read += len(fixes)
            if fixes:
                new = merge_coverage(new, _paint(fixes, index, hold_s=HOLD_S if hold else 0.0))

        existing = {r.segment_id: r for r in SegmentCoverage.objects.filter(shift=shift)}
        only = None if segment_ids is None else set(segment_ids)
        if batch_id is not None:
            stored = {sid: _as_intervals(existing[sid].intervals) for sid in new if sid in existing}
            merged = merge_coverage(stored, new)
            gone: list[int] = []
        elif not read:  # nothing to measure from: what is stored stays
            merged, gone = {}, []
        else:
            merged = {sid: ivs for sid, ivs in new.items() if ivs and (only is None or sid in only)}
            # rows of segments not in the network measured on (retired by a re-import, or for
            # an ended shift drawn since it ended) are history the fixes can no longer be
            # painted onto: kept as they are
            gone = [sid for sid in existing
                    if sid not in merged and sid in lengths and (only is None or sid in only)]

        now = timezone.now()
        summary = coverage_summary(merged, {sid: lengths.get(sid, 0.0) for sid in merged})
        rows = []
        for sid, ivs in merged.items():
            if sid not in lengths:
                continue
            old = existing.get(sid)
            if old is not None and _as_intervals(old.intervals) == ivs:
                continue  # unchanged: not rewritten, its computed_at stays
            s = summary[sid]
            rows.append(SegmentCoverage(shift=shift, segment_id=sid, intervals=_as_json(ivs), covered_m=s.covered_m,
                                        share=s.share, first_pass_at=_when(s.first_t), last_pass_at=_when(s.last_t),
                                        passes=s.passes, computed_at=now))
        if rows:
            SegmentCoverage.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["shift", "segment"],
                update_fields=["intervals", "covered_m", "share", "first_pass_at", "last_pass_at", "passes",
                               "computed_at"])
        if gone:
            SegmentCoverage.objects.filter(shift=shift, segment_id__in=gone).delete()
        result = CoverageUpdate(shift_id=shift_id, batch_id=batch_id, fixes=read, segments_touched=len(new),
                                rows_written=len(rows), rows_deleted=len(gone))
        if rows or gone:
            audit.record(actor=actor, verb=Verb.UPDATED, subject=shift, after={
                "coverage": {"batch": batch_id, **({} if only is None else {"segments": sorted(only)}),
                             "fixes": read, "segments_touched": len(new),
                             "rows_written": len(rows), "rows_deleted": len(gone),
                             "segments_stored": len(existing) + sum(1 for r in rows if r.segment_id not in existing)
                             - len(gone)}})
    return result
