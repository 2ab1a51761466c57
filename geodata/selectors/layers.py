"""Map layers of the ground as GeoJSON FeatureCollections in WGS84, built in PostGIS.

PostGIS transforms and serialises the geometries (ST_AsGeoJSON(ST_Transform(geom, 4326))),
so Python only wraps them; a bbox (WGS84) limits every layer through the GiST index.
"""
from __future__ import annotations

import json

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.contrib.gis.geos import Polygon
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.db.models import CharField, Q, Value

from ..models import Area, Intersection, Road

BBox = tuple[float, float, float, float]  # west, south, east, north (WGS84)


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


def roads_geojson(*, bbox: BBox | None = None) -> dict:
    qs = Road.objects.live()
    if bbox:
        qs = qs.filter(geom__bboverlaps=_bbox_polygon(bbox))
    rows = qs.annotate(geojson=_wgs84_geojson()).values("id", "name", "highway", "length_m", "geojson")
    return _collection(list(rows))


def intersections_geojson(*, bbox: BBox | None = None) -> dict:
    qs = Intersection.objects.all()
    if bbox:
        qs = qs.filter(geom__bboverlaps=_bbox_polygon(bbox))
    # An intersection without roads (possible through the admin) lists none, not [null].
    road_names = ArrayAgg("roads__name", order_by="roads__name", filter=Q(roads__isnull=False),
                          default=Value([], output_field=ArrayField(CharField())))
    rows = qs.annotate(geojson=_wgs84_geojson(), road_names=road_names).values(
        "id", "name", "roundabout", "road_names", "geojson")
    collection = _collection(list(rows))
    for f in collection["features"]:
        f["properties"]["roads"] = f["properties"].pop("road_names")
    return collection


def areas_geojson(*, bbox: BBox | None = None, kinds: list[str] | None = None) -> dict:
    qs = Area.objects.all()
    if bbox:
        qs = qs.filter(geom__bboverlaps=_bbox_polygon(bbox))
    if kinds:
        qs = qs.filter(kind__in=kinds)
    rows = qs.annotate(geojson=_wgs84_geojson()).values("id", "name", "code", "kind", "generated", "source",
                                                        "geojson")
    return _collection(list(rows))


def demo_extent() -> BBox | None:
    """The WGS84 bounds of the roads (what the home map should frame)."""
    from django.contrib.gis.db.models import Extent

    ext = Road.objects.live().annotate(g=Transform("geom", settings.WGS84_SRID)).aggregate(e=Extent("g"))["e"]
    return tuple(ext) if ext else None
