from .areas import Area, AreaKind
from .landmarks import Landmark, LandmarkKind
from .roads import Intersection, Road, RoadSegment

__all__ = ["Area", "AreaKind", "Intersection", "Landmark", "LandmarkKind", "Road", "RoadSegment"]
