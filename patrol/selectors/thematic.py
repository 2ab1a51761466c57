"""Problems for the thematic maps: heat cells and counts per grid, of the user's jurisdiction.

Aggregated in PostGIS (one point per 50 m cell with its count), so a heat map carries what it
draws, not every record.
"""
from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Count

from org.selectors import user_jurisdiction_area_ids

from ..domain.workflow import OPEN_STATES
from ..models import Problem

HEAT_CELL_M = 50.0

_HEAT = """
SELECT ST_Y(c), ST_X(c), n FROM (
    SELECT ST_Transform(ST_SetSRID(ST_MakePoint(avg(ST_X(geom)), avg(ST_Y(geom))), %(srid)s), 4326) AS c,
           count(*) AS n
    FROM patrol_problem
    WHERE subdistrict_id = ANY(%(areas)s) AND created_at >= %(since)s
    GROUP BY floor(ST_X(geom) / %(cell)s), floor(ST_Y(geom) / %(cell)s)
) cells"""


def problem_heat_cells(user, *, since: datetime) -> list[tuple[float, float, int]]:
    """(lat, lon, problems) per 50 m cell, for problems reported since `since`."""
    with connection.cursor() as cur:
        cur.execute(_HEAT, {"srid": settings.STORAGE_SRID, "areas": user_jurisdiction_area_ids(user),
                            "since": since, "cell": HEAT_CELL_M})
        return [(float(lat), float(lon), int(n)) for lat, lon, n in cur.fetchall()]


def open_problems_per_grid(user) -> dict[int, int]:
    """Open problems per grid of the jurisdiction (grids with none are absent)."""
    return dict(Problem.objects.filter(subdistrict_id__in=user_jurisdiction_area_ids(user), status__in=OPEN_STATES,
                                       grid__isnull=False)
                .values("grid_id").annotate(n=Count("id")).values_list("grid_id", "n"))
