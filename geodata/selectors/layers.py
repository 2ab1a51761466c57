"""Map layers of the ground as GeoJSON FeatureCollections in WGS84, built in PostGIS.

PostGIS transforms and serialises the geometries (ST_AsGeoJSON(ST_Transform(geom, 4326))),
so Python only wraps them; a bbox (WGS84) limits every layer through the GiST index.

A layer of a whole district is large (a real one holds tens of thousands of roads and
intersections, and a bbox may be as large as the world), so the public API reads it a page at
a time: `limit` features in id order after the id `after` (keyset paging: each page is one
index range, however deep, and a feature added or removed meanwhile shifts no other page).
The page carries the same OGC API Features counters as the problems layer
(patrol/selectors/layers.py): `numberReturned`, `truncated` (more matched than were returned)
and `numberMatched`, counted up to `numberMatchedCap` (null past it) and only when the page
was cut or is not the first. Without a `limit` a layer is returned whole: for callers inside
the server that need it so (the dashboard's choropleth of the user's grids), never for a
request's own choice.
"""
from __future__ import annotations

import json
from collections.abc import Iterable

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.contrib.gis.geos import Polygon
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.db.models import CharField, Q, QuerySet, Value

from ..models import Area, Intersection, Road

BBox = tuple[float, float, float, float]  # west, south, east, north (WGS84)

DEFAULT_LIMIT = 1000  # features a page holds unless the request asks for fewer or more
MAX_LIMIT = 5000  # a road is a multi-line of many vertices: ~5,000 of them are tens of MB of JSON
COUNT_CAP = 50000  # as the problems layer: numberMatched is null past it


def _bbox_polygon(bbox: BBox) -> Polygon:
    poly = Polygon.from_bbox(bbox)
    poly.srid = settings.WGS84_SRID
    return poly


def _collection(rows, geom_key: str = "geojson") -> dict:
    features = []
    for row in rows:
        geometry = json.loads(row.pop(geom_key))
        features.append({"type": "Feature", "id": row.pop("id"), "geometry": geometry, "properties": row})
    return {"type": "FeatureCollection", "features": features}


def _wgs84_geojson():
    return AsGeoJSON(Transform("geom", settings.WGS84_SRID), precision=7)


def _layer(matched: QuerySet, rows, *, limit: int | None, after: int | None) -> dict:
    """The features of `matched` (a queryset of the layer's rows, filtered) as a collection.

    `rows(qs)` turns a queryset of some of those rows into the features' value dicts (with the
    GeoJSON annotation). A page is one statement: the page's ids (an index range, one past the
    limit so that `truncated` costs nothing) in a subquery, and only those rows are read,
    aggregated (an intersection's roads) and serialised.
    """
    if limit is None:
        return _collection(list(rows(matched)))
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be within 1..{MAX_LIMIT}")
    ids = matched.order_by("pk")
    if after is not None:
        ids = ids.filter(pk__gt=after)
    # The page's rows by id alone: the outer query repeating the filters could make PostgreSQL
    # read every row the bbox holds to join them to the page.
    page = matched.model.objects.filter(pk__in=ids.values("pk")[:limit + 1]).order_by("pk")
    features = _collection(list(rows(page)))["features"]
    truncated = len(features) > limit
    features = features[:limit]
    if truncated or after is not None:
        counted = matched.order_by().values("pk")[:COUNT_CAP + 1].count()
        number_matched = counted if counted <= COUNT_CAP else None
    else:
        number_matched = len(features)
    return {"type": "FeatureCollection", "numberMatched": number_matched, "numberMatchedCap": COUNT_CAP,
            "numberReturned": len(features), "truncated": truncated, "limit": limit, "features": features}


def roads_geojson(*, bbox: BBox | None = None, limit: int | None = None, after: int | None = None) -> dict:
    qs = Road.objects.live()
    if bbox:
        qs = qs.filter(geom__bboverlaps=_bbox_polygon(bbox))
    return _layer(qs, lambda qs: qs.annotate(geojson=_wgs84_geojson()).values(
        "id", "name", "highway", "length_m", "geojson"), limit=limit, after=after)


def intersections_geojson(*, bbox: BBox | None = None, limit: int | None = None,
                          after: int | None = None) -> dict:
    qs = Intersection.objects.all()
    if bbox:
        qs = qs.filter(geom__bboverlaps=_bbox_polygon(bbox))

    def rows(qs):
        # An intersection without roads (possible through the admin) lists none, not [null].
        road_names = ArrayAgg("roads__name", order_by="roads__name", filter=Q(roads__isnull=False),
                              default=Value([], output_field=ArrayField(CharField())))
        return qs.annotate(geojson=_wgs84_geojson(), road_names=road_names).values(
            "id", "name", "roundabout", "road_names", "geojson")

    collection = _layer(qs, rows, limit=limit, after=after)
    for f in collection["features"]:
        f["properties"]["roads"] = f["properties"].pop("road_names")
    return collection


def areas_geojson(*, bbox: BBox | None = None, kinds: list[str] | None = None, limit: int | None = None,
                  after: int | None = None, ids: Iterable[int] | None = None) -> dict:
    """The areas as a collection; `ids` keeps only those (a user's jurisdiction: the district's
    thousands of grids are not read to draw one office's)."""
    qs = Area.objects.all()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if bbox:
        qs = qs.filter(geom__bboverlaps=_bbox_polygon(bbox))
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return _layer(qs, lambda qs: qs.annotate(geojson=_wgs84_geojson()).values(
        "id", "name", "code", "kind", "generated", "source", "geojson"), limit=limit, after=after)


def demo_extent() -> BBox | None:
    """The WGS84 bounds of the roads (what the home map should frame)."""
    from django.contrib.gis.db.models import Extent

    ext = Road.objects.live().annotate(g=Transform("geom", settings.WGS84_SRID)).aggregate(e=Extent("g"))["e"]
    return tuple(ext) if ext else None
