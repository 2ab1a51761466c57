"""Which areas cover a point, and the area tree around an area."""
from __future__ import annotations

from django.contrib.gis.geos import Point as GeosPoint

from ..models import Area, AreaKind


def areas_covering(point: GeosPoint) -> dict[str, Area]:
    """The smallest area of each kind covering `point` (storage CRS): kind → Area."""
    found: dict[str, Area] = {}
    for area in Area.objects.filter(geom__covers=point).defer("geom").order_by("kind", "id"):
        found.setdefault(area.kind, area)
    return found


def area_ancestor_ids(area: Area) -> list[int]:
    """The area's id and those of all areas above it."""
    ids, current = [], area
    seen = set()
    while current is not None and current.pk not in seen:
        ids.append(current.pk)
        seen.add(current.pk)
        current = current.parent
    return ids


def area_descendant_ids(area_id: int) -> list[int]:
    """The area's id and those of all areas below it (the tree is shallow: four levels)."""
    ids, frontier = [area_id], [area_id]
    while frontier:
        frontier = list(Area.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids.extend(frontier)
    return ids


__all__ = ["AreaKind", "areas_covering", "area_ancestor_ids", "area_descendant_ids"]
