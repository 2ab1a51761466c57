"""OSM highway classes ranked by importance (pure).

Used to name an intersection's roads main road first, to pick a road's class, and to
tell a road's carriageways from the 辅路 and paths beside them.

>>> highway_rank("primary") < highway_rank("service"), highway_rank("unknown-class")
(True, 12)
"""

HIGHWAY_RANK = {
    "motorway": 0, "trunk": 1, "primary": 2, "secondary": 3, "tertiary": 4, "motorway_link": 5,
    "trunk_link": 5, "primary_link": 5, "secondary_link": 6, "tertiary_link": 6, "unclassified": 7,
    "residential": 8, "living_street": 9, "service": 10, "pedestrian": 11, "track": 12, "cycleway": 13,
    "footway": 13, "path": 14, "bridleway": 14, "steps": 15, "construction": 16,
}


def highway_rank(highway: str) -> int:
    return HIGHWAY_RANK.get(highway, 12)
