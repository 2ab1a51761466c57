from .areas import Area, AreaKind
from .landmarks import Landmark, LandmarkKind
from .roads import Intersection, Road, RoadSegment
from .version import NetworkChange

__all__ = ["Area", "AreaKind", "Intersection", "Landmark", "LandmarkKind", "NetworkChange", "Road", "RoadSegment"]
