"""What of the shifts app refers to road segments: asked when a network import is about to
delete segments that are no longer in its file (geodata.signals.segments_in_use)."""
from __future__ import annotations

from ..models import EndedPlanSegment, SegmentCoverage, ShiftSegment


def segments_with_history(segment_ids) -> tuple[set[int], str | None]:
    """The ids among `segment_ids` that coverage rows or shift plans (explicit, or frozen when
    a shift ended) refer to, and a line saying how many of each (None when there are none)."""
    ids = list(segment_ids)
    covered = list(SegmentCoverage.objects.filter(segment_id__in=ids).values_list("segment_id", flat=True))
    planned = set(ShiftSegment.objects.filter(segment_id__in=ids).values_list("segment_id", "shift_id"))
    planned |= set(EndedPlanSegment.objects.filter(segment_id__in=ids).values_list("segment_id", "shift_id"))
    kept = set(covered) | {sid for sid, _ in planned}
    if not kept:
        return set(), None
    return kept, (f"覆盖记录 {len(covered)} 条、班次计划中的路段 {len(planned)} 个"
                  f"（{len({shift for _, shift in planned})} 个班次）保留在停用路段上，没有删除")
