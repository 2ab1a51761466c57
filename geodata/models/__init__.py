from .areas import Area, AreaKind
from .landmarks import Landmark, LandmarkKind
from .roads import Intersection, Road, RoadSegment
from .version import NetworkVersion

__all__ = ["Area", "AreaKind", "Intersection", "Landmark", "LandmarkKind", "NetworkVersion", "Road", "RoadSegment"]
