"""Read-only GeoJSON layers of the ground (roads, intersections, areas), WGS84.

`?bbox=west,south,east,north` (WGS84 degrees) limits a layer; `?kind=` filters areas.
A bbox that is not four numbers within range is a 400; four such numbers that do not
make a box (west ≥ east or south ≥ north) are a 422: the request is well formed, the
box is empty. A box is cut to where the storage CRS is defined before PostGIS transforms
it (a Gauss-Krüger zone has no coordinates for a point on the far side of the earth);
nothing stored lies outside that, so the answer is the same.
"""
import functools
import re

import pyproj
from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.limits import AnonymousThrottle
from api.v1.errors import problem
from geodata.models import AreaKind
from geodata.selectors.layers import areas_geojson, intersections_geojson, roads_geojson

from .geojson_shapes import AreaCollection, IntersectionCollection, RoadCollection, unprocessable

# Decimal degrees within range, written plainly (no exponent, no sign but "-"): the pattern
# the schema declares is the one the server holds the value to.
_LON = r"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)"
_LAT = r"-?(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)"
BBOX_PATTERN = f"^{_LON},{_LAT},{_LON},{_LAT}$"
_BBOX_RE = re.compile(BBOX_PATTERN.removeprefix("^").removesuffix("$"))
BBOX_HELP = "west,south,east,north（WGS84 十进制度，west<east，south<north），如 116.34,39.99,116.365,40.015"


BBOX_MAX_LENGTH = 200  # any number of decimals the pattern allows, within a request line gunicorn takes


@extend_schema_field({"type": "string", "pattern": BBOX_PATTERN, "maxLength": BBOX_MAX_LENGTH,
                      "example": "116.34,39.99,116.365,40.015"})
class BBoxField(serializers.CharField):
    """Four numbers within range; whether they make a box is `bbox_order_problem`'s question."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if len(text) > BBOX_MAX_LENGTH:  # checked here: the validators would see the parsed tuple
            raise serializers.ValidationError(f"bbox 不能超过 {BBOX_MAX_LENGTH} 个字符")
        if not _BBOX_RE.fullmatch(text):
            raise serializers.ValidationError("bbox 需要 4 个经纬度范围内的十进制数：west,south,east,north")
        west, south, east, north = (float(v) for v in text.split(","))
        return (west, south, east, north)


def bbox_order_problem(bbox):
    """The 422 for a well-formed bbox that is not a box, or None."""
    if bbox is None:
        return None
    west, south, east, north = bbox
    if west < east and south < north:
        return None
    return problem(422, {"bbox": ["bbox 不是一个框：需要 west<east 且 south<north"]})


BBox = tuple[float, float, float, float]  # west, south, east, north (WGS84)
DOMAIN_MARGIN = 10.0  # degrees around the storage CRS's area of use


@functools.cache
def storage_domain(srid: int) -> BBox:
    """Where geometries in `srid` can be: its area of use (WGS84) and DOMAIN_MARGIN around it.

    >>> [round(v, 2) for v in storage_domain(4548)]  # CGCS2000 3-degree GK CM 117E: 115.5–118.5 E, 22.6–49.88 N
    [105.5, 12.6, 128.5, 59.88]
    """
    area = pyproj.CRS.from_epsg(srid).area_of_use
    if area is None or area.west > area.east:  # unknown, or across the antimeridian: the world
        return (-180.0, -90.0, 180.0, 90.0)
    return (max(area.west - DOMAIN_MARGIN, -180.0), max(area.south - DOMAIN_MARGIN, -90.0),
            min(area.east + DOMAIN_MARGIN, 180.0), min(area.north + DOMAIN_MARGIN, 90.0))


def clip_to_storage(bbox: BBox) -> BBox | None:
    """The part of `bbox` where stored geometries can be, or None when there is none."""
    d_west, d_south, d_east, d_north = storage_domain(settings.STORAGE_SRID)
    west, south, east, north = bbox
    clipped = (max(west, d_west), max(south, d_south), min(east, d_east), min(north, d_north))
    return clipped if clipped[0] < clipped[2] and clipped[1] < clipped[3] else None


EMPTY_COLLECTION = {"type": "FeatureCollection", "features": []}


@extend_schema_field({"type": "string", "enum": AreaKind.values})
class AreaKindField(serializers.ChoiceField):
    pass


class LayerQuery(serializers.Serializer):
    bbox = BBoxField(required=False, help_text=BBOX_HELP)


class AreasQuery(LayerQuery):
    kind = serializers.ListField(child=AreaKindField(choices=AreaKind.choices), required=False,
                                 help_text="级别，可重复（?kind=subdistrict&kind=community）")


def _query(request, query=LayerQuery) -> dict:
    data = {k: v for k, v in request.query_params.items() if k == "bbox"}
    if "kind" in request.query_params and query is AreasQuery:
        data["kind"] = request.query_params.getlist("kind")
    q = query(data=data)
    q.is_valid(raise_exception=True)
    return q.validated_data


BBOX_NOT_A_BOX = "bbox 不是一个框（west≥east 或 south≥north）：field 为 bbox"


def _layer(shape, doc: str) -> dict:
    return {200: OpenApiResponse(shape, description=f"GeoJSON FeatureCollection（WGS84）：{doc}"),
            **unprocessable(BBOX_NOT_A_BOX)}


def _layer_response(bbox: BBox | None, build):
    """The layer for a well-formed `bbox` (or none): a 422 when it is not a box, the empty
    collection when it lies where nothing can be stored, else `build(bbox)`."""
    refused = bbox_order_problem(bbox)
    if refused:
        return refused
    if bbox is None:
        return Response(build(None))
    clipped = clip_to_storage(bbox)
    return Response(build(clipped) if clipped else {**EMPTY_COLLECTION, "features": []})


class RoadsLayer(APIView):
    permission_classes = [AllowAny]  # the road network and the location language are public
    throttle_classes = [AnonymousThrottle]

    @extend_schema(parameters=[LayerQuery], responses=_layer(RoadCollection, "道路"), summary="道路 (GeoJSON)")
    def get(self, request):
        return _layer_response(_query(request).get("bbox"), lambda bbox: roads_geojson(bbox=bbox))


class IntersectionsLayer(APIView):
    permission_classes = [AllowAny]  # the road network and the location language are public
    throttle_classes = [AnonymousThrottle]

    @extend_schema(parameters=[LayerQuery], responses=_layer(IntersectionCollection, "路口"),
                   summary="路口 (GeoJSON)")
    def get(self, request):
        return _layer_response(_query(request).get("bbox"), lambda bbox: intersections_geojson(bbox=bbox))


class AreasLayer(APIView):
    permission_classes = [AllowAny]  # the road network and the location language are public
    throttle_classes = [AnonymousThrottle]

    @extend_schema(parameters=[AreasQuery], responses=_layer(AreaCollection, "行政区划"),
                   summary="行政区划 (GeoJSON)")
    def get(self, request):
        q = _query(request, AreasQuery)
        kinds = sorted(set(q.get("kind", []))) or None
        return _layer_response(q.get("bbox"), lambda bbox: areas_geojson(bbox=bbox, kinds=kinds))
