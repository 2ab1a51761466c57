"""The problems map layer: one GeoJSON FeatureCollection (WGS84) built entirely in PostGIS.

A map asks for the problems in a box (west, south, east, north in WGS84), narrowed by
category, status, area and period, always within the user's jurisdiction. PostGIS
filters through the GiST index on `geom` (the WGS84 box is transformed once to the
storage CRS), orders newest first, cuts at `limit`, and serialises the whole collection
(ST_AsGeoJSON of the point transformed to EPSG:4326, 7 decimals ≈ 1 cm) with
json_build_object/json_agg. Python receives the UTF-8 bytes and hands them on: there
is no per-feature Python, which is what keeps a 5,000-feature answer cheap.

The collection carries OGC API Features' counters at the top level: `numberReturned`,
`truncated` (more matched than were returned; `limit` says where the cut was) and
`numberMatched`. Counting every match of a big box costs more than building the page
(a whole-district box at 1,000,000 problems: ~600 ms against ~250 ms), so the count
stops at `numberMatchedCap`; past it `numberMatched` is null, read "more than the cap".
The statement is assembled from fixed fragments chosen by which filters are present;
every value travels as a query parameter.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection

from geodata.selectors.areas import area_descendant_ids
from org.selectors import user_jurisdiction_area_ids

from ..domain.workflow import OPEN_STATES, STATUS_LABELS

BBox = tuple[float, float, float, float]  # west, south, east, north (WGS84)

DEFAULT_LIMIT = 5000
MAX_LIMIT = 10000
COUNT_CAP = 50000

# One fragment per filter; each is used only when its value is given.
# The box in the storage CRS: its edges densified first (a Gauss-Krüger CRS bends parallels and
# tilts meridians, so the rectangle around 4 transformed corners is not the box: it took in
# problems ~20 m past an edge, and a wide box across the central meridian lost a strip along
# its south edge); `&&` finds the candidates through the GiST index, ST_Intersects keeps the
# box's (edges included; cheaper than ST_Covers for points).
_BOX = ("ST_Transform(ST_Segmentize(ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326), 0.02),"
        " %(srid)s)")
_BBOX = f"(p.geom && {_BOX} AND ST_Intersects({_BOX}, p.geom))"
_JURISDICTION = "p.subdistrict_id = ANY(%(jurisdiction)s)"
_FILTERS = {
    "category": "p.category_id IN (SELECT c.id FROM patrol_category c WHERE c.code = ANY(%(category)s))",
    "status": "p.status = ANY(%(status)s)",
    # A problem belongs to an area when its subdistrict, community or grid is that area or below it.
    "area": "(p.subdistrict_id = ANY(%(area)s) OR p.community_id = ANY(%(area)s) OR p.grid_id = ANY(%(area)s))",
    "since": "p.created_at >= %(since)s",
    "until": "p.created_at < %(until)s",
}

# JIT compilation, planned once the estimated cost passes jit_above_cost (a big box does),
# takes ~100 ms here and saves less than it costs. SET LOCAL in the same query string
# holds for that string's implicit transaction only, without a round trip of its own.
# `page` fetches one row past the limit, so `truncated` costs nothing; numberMatched is
# counted (up to the cap) only when the page was cut, otherwise it equals numberReturned.
_STATEMENT = """
SET LOCAL jit = off;
WITH page AS (
    SELECT p.id, p.geom, p.category_id, p.status, p.location_text, p.created_at, p.deadline, p.team_id
    FROM patrol_problem p
    WHERE {where}
    ORDER BY p.created_at DESC, p.id DESC
    LIMIT %(limit)s + 1
), shown AS (
    SELECT * FROM page ORDER BY created_at DESC, id DESC LIMIT %(limit)s
), counts AS (
    SELECT (SELECT count(*) FROM shown) AS returned, (SELECT count(*) FROM page) > %(limit)s AS truncated
)
SELECT convert_to(json_build_object(
    'type', 'FeatureCollection',
    'numberMatched', CASE WHEN NOT counts.truncated THEN counts.returned
                          ELSE NULLIF((SELECT count(*) FROM (SELECT FROM patrol_problem p WHERE {where}
                                                             LIMIT %(count_cap)s + 1) AS capped),
                                      %(count_cap)s + 1) END,
    'numberMatchedCap', %(count_cap)s,
    'numberReturned', counts.returned,
    'truncated', counts.truncated,
    'limit', %(limit)s,
    'features', COALESCE((
        SELECT json_agg(json_build_object(
            'type', 'Feature',
            'id', s.id,
            'geometry', ST_AsGeoJSON(ST_Transform(s.geom, 4326), 7)::json,
            'properties', json_build_object(
                'id', s.id,
                'category', c.code,
                'category_name', c.name,
                'status', s.status,
                'status_label', %(status_labels)s::jsonb ->> s.status,
                'location_text', s.location_text,
                'created_at', s.created_at,
                'deadline', s.deadline,
                'team', s.team_id,
                'overdue', COALESCE(s.status = ANY(%(open_states)s) AND s.deadline < now(), false)
            )
        ) ORDER BY s.created_at DESC, s.id DESC)
        FROM shown s JOIN patrol_category c ON c.id = s.category_id
    ), '[]'::json)
)::text, 'UTF8')
FROM counts
"""


@dataclass(frozen=True)
class LayerQuery:
    """The statement and its parameters, for the selector and for benchmarks that run the same SQL."""

    sql: str
    params: dict


def problems_layer_query(*, jurisdiction: list[int], bbox: BBox, category: list[str] | None = None,
                         status: list[str] | None = None, area_ids: list[int] | None = None,
                         since: datetime | None = None, until: datetime | None = None,
                         limit: int = DEFAULT_LIMIT) -> LayerQuery:
    """The layer statement for area ids already resolved (jurisdiction and area subtree).

    `since` is inclusive and `until` exclusive (a half-open period on created_at).
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be within 1..{MAX_LIMIT}")
    west, south, east, north = bbox
    params = {
        "west": west, "south": south, "east": east, "north": north, "srid": settings.STORAGE_SRID,
        "jurisdiction": list(jurisdiction), "limit": limit, "count_cap": COUNT_CAP,
        "status_labels": json.dumps(STATUS_LABELS, ensure_ascii=False), "open_states": sorted(OPEN_STATES),
    }
    given = {"category": list(category or []) or None, "status": list(status or []) or None,
             "area": list(area_ids or []) or None, "since": since, "until": until}
    clauses = [_BBOX, _JURISDICTION]
    for name, value in given.items():
        if value is not None:
            clauses.append(_FILTERS[name])
            params[name] = value
    return LayerQuery(sql=_STATEMENT.replace("{where}", " AND ".join(clauses)), params=params)


def problems_layer_geojson(*, user, bbox: BBox, category: list[str] | None = None,
                           status: list[str] | None = None, area_id: int | None = None,
                           since: datetime | None = None, until: datetime | None = None,
                           limit: int = DEFAULT_LIMIT) -> bytes:
    """The problems in `bbox` the user may see, as GeoJSON FeatureCollection bytes (UTF-8).

    Raises core.errors.Forbidden for a user without an officer profile.
    """
    query = problems_layer_query(
        jurisdiction=user_jurisdiction_area_ids(user), bbox=bbox, category=category, status=status,
        area_ids=area_descendant_ids(area_id) if area_id is not None else None, since=since, until=until,
        limit=limit)
    with connection.cursor() as cursor:
        cursor.execute(query.sql, query.params)
        (body,) = cursor.fetchone()
    return bytes(body)
