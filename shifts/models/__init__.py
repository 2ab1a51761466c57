from .coverage import MovedSegmentLine, SegmentCoverage
from .distance import ShiftMemberDistance
from .fixes import Fix, FixBatch, FixSource
from .plans import EndedPlanSegment, ShiftArea, ShiftSegment
from .shifts import Period, Shift, ShiftStatus

__all__ = ["EndedPlanSegment", "Fix", "FixBatch", "FixSource", "MovedSegmentLine", "Period", "SegmentCoverage", "Shift", "ShiftArea",
           "ShiftMemberDistance", "ShiftSegment", "ShiftStatus"]
