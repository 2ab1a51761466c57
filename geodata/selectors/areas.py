"""Which areas cover a point, and the area tree around an area."""
from __future__ import annotations

from django.contrib.gis.geos import Point as GeosPoint
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from ..models import Area, AreaKind


def areas_covering(point: GeosPoint) -> dict[str, Area]:
    """The area of each kind covering `point` (storage CRS): kind → Area, the first by id, with
    the community and the grid taken from one chain of the tree under that subdistrict.

    Imported areas need only lie mostly inside their parent (services.area_import), so a grid
    or a community drawn a little past its subdistrict's edge also covers points of the
    neighbouring subdistrict. Taken by id alone, a problem there was filed under one
    subdistrict and another's grid, and every figure by area counted it in both (the list by
    area reads the subdistrict, community and grid alike). A point of a subdistrict that only
    another's grid covers is in none of its grids."""
    covering = list(Area.objects.filter(geom__covers=point).defer("geom").order_by("kind", "id"))
    found: dict[str, Area] = {}
    for area in covering:
        found.setdefault(area.kind, area)
    subdistrict = found.get(AreaKind.SUBDISTRICT)
    if subdistrict is None:
        return found
    above = {subdistrict.pk}
    for kind in (AreaKind.COMMUNITY, AreaKind.GRID):
        found.pop(kind, None)
        for area in (a for a in covering if a.kind == kind):
            if above <= set(area_ancestor_ids(area)):
                found[kind] = area
                above.add(area.pk)
                break
    return found


def areas_by_code_or_name(text: str, kinds=None) -> list[Area]:
    """The areas whose code is `text`, or, where none has it, whose name is (of `kinds` if
    given): several where one name is used at several levels or places."""
    qs = Area.objects.defer("geom").order_by("kind", "id")
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return list(qs.filter(code=text)) or list(qs.filter(name=text))


def outside_jurisdiction(jurisdiction, geom_field: str) -> Q:
    """Rows whose line (`geom_field`) does not touch the area `jurisdiction` (an id, or a
    one-row query of one) but lies in another subdistrict: another office's road. A road on the
    boundary touches both; one in no loaded subdistrict is nobody else's."""
    own = Area.objects.filter(pk__in=jurisdiction) if hasattr(jurisdiction, "query") \
        else Area.objects.filter(pk=jurisdiction)
    mine = Exists(own.filter(geom__intersects=OuterRef(geom_field)))
    other = Exists(Area.objects.filter(kind=AreaKind.SUBDISTRICT, geom__intersects=OuterRef(geom_field)))
    return ~mine & other


def area_ancestor_ids(area: Area) -> list[int]:
    """The area's id and those of all areas above it (one recursive query)."""
    return _walk(_UP, area.pk)


def area_descendant_ids(area_id: int) -> list[int]:
    """The area's id and those of all areas below it (one recursive query)."""
    return _walk(_DOWN, area_id)


_UP = """WITH RECURSIVE t(id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM geodata_area WHERE id = %s
    UNION ALL SELECT a.id, a.parent_id, t.depth + 1 FROM geodata_area a JOIN t ON a.id = t.parent_id
    WHERE t.depth < 10
) SELECT id FROM t ORDER BY depth"""
def descendants_sql(root_select: str) -> str:
    """SQL for the ids of an area and all areas below it, the root given by a fixed
    one-column SELECT (with %s parameters, never input text)."""
    return f"""WITH RECURSIVE t(id, depth) AS (
    SELECT root.id, 0 FROM ({root_select}) AS root(id)
    UNION ALL SELECT a.id, t.depth + 1 FROM geodata_area a JOIN t ON a.parent_id = t.id WHERE t.depth < 10
) SELECT id FROM t ORDER BY depth, id"""


_DOWN = descendants_sql("SELECT id FROM geodata_area WHERE id = %s")


def _walk(sql: str, area_id: int) -> list[int]:
    # The tree is four levels deep; the depth bound guards against a cycle typed in the admin.
    with connection.cursor() as cur:
        cur.execute(sql, [area_id])
        return [row[0] for row in cur.fetchall()]


__all__ = ["AreaKind", "areas_covering", "area_ancestor_ids", "area_descendant_ids"]
