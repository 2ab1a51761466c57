from .coverage import EndedCoverageLine, SegmentCoverage
from .fixes import Fix, FixBatch, FixSource
from .plans import EndedPlanSegment, ShiftArea, ShiftSegment
from .shifts import Period, Shift, ShiftStatus

__all__ = ["EndedCoverageLine", "EndedPlanSegment", "Fix", "FixBatch", "FixSource", "Period", "SegmentCoverage", "Shift", "ShiftArea",
           "ShiftSegment", "ShiftStatus"]
