"""The location constructs of a problem-location line, and the loop that reads them.

A location is read left to right as a sequence of constructs: an anchor (intersection
A与B交叉口, road, house number 299号, landmark), offsets (向东120米, 东南角, 西北侧向西100米),
refinements (革新南路南侧, 路东, 北段, (A至B段), 沿线) and landmarks (天成酒店南侧10米,
…门前, X的Y的西北方向33米). `read_location` tries at the cursor only the constructs
that can occur there, and stops where none applies: that is where the problem text
starts. `parse.py` handles what comes before (numbering, prefixes) and after (problems).

The constructs live one to a module: `reading` (the state and shared name tests),
`intersections`, `roads`, `addresses`, `offsets`, `sides`, `segments`, `landmarks`,
`loop` (the dispatcher) and `anchor` (`finish_anchor`).

>>> r = Reading("马家堡东路与革新南路交叉路口向东120米积存垃圾")
>>> stop = read_location(r, 0, len(r.t))
>>> r.t[stop:], r.values["road_a"], r.values["direction"], r.values["distance_m"]
('积存垃圾', '马家堡东路', '东', 120)
"""

from geodata.location.constructs.anchor import finish_anchor
from geodata.location.constructs.landmarks import (
    _CHUNK_TAIL_LAST,
    _LANDMARK_CHUNK,
    _LANDMARK_NEXT,
    _LANDMARK_REL,
    _REL_FIRST,
)
from geodata.location.constructs.loop import _REL_ALONE, read_location
from geodata.location.constructs.reading import Mark, Reading, char_search, valid_road
from geodata.location.constructs.segments import _SEGMENT
from geodata.location.constructs.sides import ROAD_SIDE, WAY_SIDE_AT_END

__all__ = [
    "ROAD_SIDE",
    "WAY_SIDE_AT_END",
    "Mark",
    "Reading",
    "char_search",
    "finish_anchor",
    "read_location",
    "valid_road",
    # the first-character tables and patterns tests/geodata/location/test_parse_shortcuts.py checks
    "_CHUNK_TAIL_LAST",
    "_LANDMARK_CHUNK",
    "_LANDMARK_NEXT",
    "_LANDMARK_REL",
    "_REL_ALONE",
    "_REL_FIRST",
    "_SEGMENT",
]
