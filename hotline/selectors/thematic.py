"""Located 12345 complaints for the thematic maps: heat cells and counts per grid."""
from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection

from org.selectors import user_jurisdiction_area_ids

_HEAT = """
SELECT ST_Y(c), ST_X(c), n FROM (
    SELECT ST_Transform(ST_SetSRID(ST_MakePoint(avg(ST_X(geom)), avg(ST_Y(geom))), %(srid)s), 4326) AS c,
           count(*) AS n
    FROM hotline_complaint
    WHERE geom IS NOT NULL AND area_id = ANY(%(areas)s) AND received_at >= %(since)s
    GROUP BY floor(ST_X(geom) / %(cell)s), floor(ST_Y(geom) / %(cell)s)
) cells"""

_PER_GRID = """
SELECT g.id, count(*) FROM geodata_area g
JOIN hotline_complaint c ON c.geom IS NOT NULL AND c.received_at >= %(since)s AND ST_Covers(g.geom, c.geom)
WHERE g.kind = 'grid' AND g.id = ANY(%(areas)s)
GROUP BY g.id"""


def complaint_heat_cells(user, *, since: datetime, cell_m: float = 50.0) -> list[tuple[float, float, int]]:
    """(lat, lon, complaints) per cell, for located complaints received since `since`."""
    with connection.cursor() as cur:
        cur.execute(_HEAT, {"srid": settings.STORAGE_SRID, "areas": user_jurisdiction_area_ids(user),
                            "since": since, "cell": cell_m})
        return [(float(lat), float(lon), int(n)) for lat, lon, n in cur.fetchall()]


def complaints_per_grid(user, *, since: datetime) -> dict[int, int]:
    """Located complaints per grid of the jurisdiction since `since` (grids with none are absent)."""
    with connection.cursor() as cur:
        cur.execute(_PER_GRID, {"areas": user_jurisdiction_area_ids(user), "since": since})
        return {int(g): int(n) for g, n in cur.fetchall()}
